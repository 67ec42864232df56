//! `Confluence.OAuthAccessTokens`: the OAuth access tokens the signed-in user gave to apps, on
//! Confluence's server: on Data Center its "View OAuth Access Tokens" page (Settings; seed 000),
//! on Cloud the grant this driver holds. Columns and `DELETE` as `Jira.OAuthAccessTokens`.

use crate::catalog::{Product, TableDef};

pub fn table() -> TableDef {
    crate::catalog::jira::oauth_access_tokens::on(Product::Confluence, "OAuth access tokens the signed-in user gave to apps (Data Center: Confluence's View OAuth Access Tokens page; Cloud: the grant this driver holds); DELETE revokes.")
}
