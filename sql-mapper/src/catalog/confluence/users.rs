//! `Confluence.Users`: the people search `/wiki/rest/api/search/user?cql=type=user` (Cloud, its
//! results wrap each user in `user`) or the registered users' list `/rest/api/user/list` (Data
//! Center, users as they are).

use crate::catalog::{at, first_of, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "Users",
        remarks: "Confluence users: those the people search finds (Cloud), every registered user (Data Center).",
        columns: vec![
            c("AccountId", Varchar(128), true, first_of(&["/user/accountId", "/userKey"]), "Account id (user key on Data Center)"),
            c("DisplayName", Varchar(255), true, first_of(&["/user/displayName", "/displayName"]), "Display name"),
            c("PublicName", Varchar(255), true, at("/user/publicName"), "Public name"),
            c("AccountType", Varchar(32), true, at("/user/accountType"), "atlassian or app"),
            c("Email", Varchar(255), true, at("/user/email"), "Email, where the user's privacy settings show it"),
            c("TimeZone", Varchar(64), true, at("/user/timeZone"), "Time zone"),
        ],
        key: &["AccountId"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/wiki/rest/api/search/user?cql=type%3Duser", "/results", Paging::Start(200))).on_data_center(Some(list(
            "/rest/api/user/list",
            "/results",
            Paging::Start(200),
        )))]),
        writes: None,
    }
}
