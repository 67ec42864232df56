//! `Jira.OrganizationUsers`: each organization's members, from
//! `/rest/servicedeskapi/organization/{id}/user`.

use super::{PAGE, USER_ID};
use crate::catalog::{at, context, first_of, list, ColumnDef, ForeignKey, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "OrganizationUsers",
        remarks: "Members of each customer organization.",
        columns: vec![
            c("OrganizationId", BigInt, true, context("OrganizationId"), "Organization"),
            c("AccountId", Varchar(128), true, first_of(USER_ID), "The member: account id (Cloud) or username (Data Center)"),
            c("DisplayName", Varchar(255), true, at("/displayName"), "Display name"),
            c("EmailAddress", Varchar(255), true, at("/emailAddress"), "Email, where shown"),
        ],
        key: &["OrganizationId", "AccountId"],
        foreign_keys: &[ForeignKey { column: "OrganizationId", references: (Product::Jira, "Organizations", "Id") }],
        source: Source::Lists(vec![Part::per(
            ParentLink { table: (Product::Jira, "Organizations"), bind: &[("Id", "OrganizationId")], only: None },
            list("/rest/servicedeskapi/organization/{OrganizationId}/user", "/values", Paging::Start(PAGE)),
        )]),
        writes: None,
    }
}
