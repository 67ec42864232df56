//! `Jira.Users`: from `/rest/api/3/users/search` (Cloud) or `/rest/api/2/user/search` (Data Center).

use crate::catalog::{at, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Users",
        remarks: "Jira users the connection can see.",
        columns: vec![
            c("AccountId", Varchar(128), true, at("/accountId"), "Account id"),
            c("AccountType", Varchar(32), true, at("/accountType"), "atlassian, app or customer"),
            c("DisplayName", Varchar(255), true, at("/displayName"), "Display name"),
            c("EmailAddress", Varchar(255), true, at("/emailAddress"), "Email, where the user's privacy settings show it"),
            c("Active", Bit, true, at("/active"), "Whether the account is active"),
            c("TimeZone", Varchar(64), true, at("/timeZone"), "Time zone"),
        ],
        key: &["AccountId"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/api/3/users/search", "", Paging::StartAt(1000))).on_data_center(Some(list(
            "/rest/api/2/user/search?username=.",
            "",
            Paging::StartAt(1000),
        )))]),
        writes: None,
    }
}
