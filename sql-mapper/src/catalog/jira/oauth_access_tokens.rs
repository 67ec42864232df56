//! `Jira.OAuthAccessTokens`: the OAuth 2.0 grants the signed-in user gave to apps (the "View OAuth
//! Access Tokens" page), from `/rest/oauth2/latest/tokens` (Cloud). `DELETE` revokes a grant: its
//! tokens stop working at once, and the app sees public data only.

use crate::catalog::{at, delete, join, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef, Writes};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "OAuthAccessTokens",
        remarks: "OAuth grants the signed-in user gave to apps; DELETE revokes one.",
        columns: vec![
            c("Id", Varchar(64), false, at("/id"), "Grant id"),
            c("ClientId", Varchar(255), true, at("/clientId"), "The app's OAuth client id"),
            c("Consumer", Varchar(255), true, at("/consumerName"), "The app's name"),
            c("ConsumerDescription", Varchar(4000), true, at("/consumerDescription"), "The app's description"),
            c("Scopes", Varchar(4000), true, join("/scopes", ""), "Scopes granted, comma-separated"),
            c("IssuedOn", Timestamp, true, at("/issuedOn"), "When the user consented (UTC)"),
            c("ExpiresOn", Timestamp, true, at("/expiresOn"), "When the grant's refresh token expires (UTC)"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/oauth2/latest/tokens", "", Paging::Whole)).cloud_only()]),
        writes: Some(Writes { delete: Some(delete("/rest/oauth2/latest/tokens/{Id}")), ..Writes::default() }),
    }
}
