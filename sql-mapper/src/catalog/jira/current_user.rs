//! `Jira.CurrentUser`: the account the connection is signed in as, from `/rest/api/{3,2}/myself`
//! (one row). `atlassian-odbc test` shows it; SQL can join on it (`WHERE AssigneeAccountId =
//! (SELECT AccountId FROM Jira.CurrentUser)`).

use crate::catalog::{at, first_of, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "CurrentUser",
        remarks: "The account this connection is signed in as (one row).",
        columns: vec![
            // Data Center accounts have a user key and a name instead of an account id.
            c("AccountId", Varchar(128), true, first_of(&["/accountId", "/key"]), "Account id (Data Center: the user key)"),
            c("Name", Varchar(255), true, at("/name"), "User name (Data Center)"),
            c("DisplayName", Varchar(255), true, at("/displayName"), "Display name"),
            c("EmailAddress", Varchar(255), true, at("/emailAddress"), "Email address"),
            c("AccountType", Varchar(32), true, at("/accountType"), "atlassian, app or customer"),
            c("Active", Bit, true, at("/active"), "Whether the account is active"),
            c("TimeZone", Varchar(64), true, at("/timeZone"), "Time zone"),
            c("Locale", Varchar(32), true, at("/locale"), "Locale"),
        ],
        key: &["AccountId"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/api/{api}/myself", "", Paging::Whole))]),
        writes: None,
    }
}
