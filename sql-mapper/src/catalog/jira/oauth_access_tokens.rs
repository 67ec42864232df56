//! `Jira.OAuthAccessTokens`: the OAuth access tokens the signed-in user gave to apps. On Data
//! Center, what Jira's "View OAuth Access Tokens" page shows (Profile > Tools; seed 001): the
//! OAuth 1.0a tokens of gadget consumers, seven days each, and the OAuth 2.0 grants of Jira's
//! provider. `DELETE` revokes through the page's form: the consumer then sees public data only,
//! a revoked OAuth 2.0 grant stops working. On Cloud no API lists a user's authorized apps: the
//! rows are the grant this driver holds, and `DELETE` forgets it, with a warning naming where
//! the user revokes it. `Confluence.OAuthAccessTokens` is the same table on Confluence's server.

use crate::catalog::{at, post, ColumnDef, HtmlPage, Product, Source, SqlType::*, TableDef, Writes, ACCESS_TOKENS_PAGE};

pub fn table() -> TableDef {
    on(Product::Jira, "OAuth access tokens the signed-in user gave to apps (Data Center: the View OAuth Access Tokens page; Cloud: the grant this driver holds); DELETE revokes.")
}

/// The table on one product's server.
pub(crate) fn on(product: Product, remarks: &'static str) -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product,
        name: "OAuthAccessTokens",
        remarks,
        columns: vec![
            c("Id", Varchar(64), true, at("/id"), "The token's id: a digest of the page's revoke handle (Data Center), the client id (Cloud)"),
            c("Consumer", Varchar(255), true, at("/consumer"), "The app (consumer) the token was issued to (Data Center)"),
            c("ConsumerDescription", Varchar(4000), true, at("/consumerDescription"), "The consumer's description (Data Center)"),
            c("ClientId", Varchar(255), true, at("/clientId"), "The OAuth client id of the grant this driver holds (Cloud)"),
            c("Scopes", Varchar(4000), true, at("/scopes"), "Scopes of the grant this driver holds, comma-separated (Cloud)"),
            c("IssuedOn", Timestamp, true, at("/issuedOn"), "When it was issued (UTC; Cloud: the access token held)"),
            c("ExpiresOn", Timestamp, true, at("/expiresOn"), "When it expires (UTC): seven days after issue for OAuth 1.0a tokens"),
            c(
                "ListedBy",
                Varchar(4000),
                true,
                at("/listedBy"),
                "Where the row was read: the View OAuth Access Tokens page, or this driver's OAuthSettingsLocation",
            ),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::HtmlPage(HtmlPage { data_center: ACCESS_TOKENS_PAGE, cloud: "none: the grant this driver holds (`OAuthSettingsLocation`)" }),
        writes: Some(Writes { delete: Some(post(ACCESS_TOKENS_PAGE)), ..Writes::default() }),
    }
}
