//! `Confluence.GroupMembers`: the members of each group, from `/wiki/rest/api/group/{name}/member`
//! (Cloud) or `/rest/api/group/{name}/member` (Data Center).

use crate::catalog::{at, context, first_of, list, ColumnDef, ForeignKey, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef};

const GROUP: ParentLink = ParentLink { table: (Product::Confluence, "Groups"), bind: &[("Name", "GroupName")], only: None };

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "GroupMembers",
        remarks: "Members of Confluence groups: one row per group and user.",
        columns: vec![
            c("GroupName", Varchar(255), true, context("GroupName"), "The group"),
            c("AccountId", Varchar(128), true, first_of(&["/accountId", "/userKey"]), "Member's account id (user key on Data Center)"),
            c("DisplayName", Varchar(255), true, at("/displayName"), "Display name"),
            c("AccountType", Varchar(32), true, at("/accountType"), "atlassian or app"),
            c("Email", Varchar(255), true, at("/email"), "Email, where visible"),
        ],
        key: &["GroupName", "AccountId"],
        foreign_keys: &[ForeignKey { column: "GroupName", references: (Product::Confluence, "Groups", "Name") }],
        source: Source::Lists(vec![Part::per(GROUP, list("/wiki/rest/api/group/{GroupName}/member", "/results", Paging::Start(200)))
            .on_data_center(Some(list("/rest/api/group/{GroupName}/member", "/results", Paging::Start(200))))]),
        writes: None,
    }
}
