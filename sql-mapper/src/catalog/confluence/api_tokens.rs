//! `Confluence.ApiTokens`: as `Jira.ApiTokens`, on Confluence's server. Cloud's API tokens are
//! the account's (the same organization list); Data Center's personal access tokens are each
//! server's own, so Confluence's are listed here.

use crate::catalog::{Product, TableDef};

pub fn table() -> TableDef {
    crate::catalog::jira::api_tokens::on(Product::Confluence, "API tokens (Cloud: the organization's managed users', through the Admin API with OrgId and OrgApiKey) or, on Confluence's Data Center server, the API Token Authentication app's tokens and your personal access tokens; DELETE revokes.")
}
