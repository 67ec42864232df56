//! `Jira.Customers`: each service desk's customers, from
//! `/rest/servicedeskapi/servicedesk/{id}/customer` (an experimental operation: the driver opts in).

use super::{PAGE, SERVICE_DESK_PARENT, USER_ID};
use crate::catalog::{at, context, first_of, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Customers",
        remarks: "Customers of each service desk.",
        columns: vec![
            c("ServiceDeskId", BigInt, true, context("ServiceDeskId"), "Service desk"),
            c("AccountId", Varchar(128), true, first_of(USER_ID), "The customer: account id (Cloud) or username (Data Center)"),
            c("DisplayName", Varchar(255), true, at("/displayName"), "Display name"),
            c("EmailAddress", Varchar(255), true, at("/emailAddress"), "Email, where shown"),
            c("Active", Bit, true, at("/active"), "Whether the account is active"),
            c("TimeZone", Varchar(64), true, at("/timeZone"), "Time zone"),
        ],
        key: &["ServiceDeskId", "AccountId"],
        foreign_keys: &[ForeignKey { column: "ServiceDeskId", references: (Product::Jira, "ServiceDesks", "Id") }],
        source: Source::Lists(vec![Part::per(
            SERVICE_DESK_PARENT,
            list("/rest/servicedeskapi/servicedesk/{ServiceDeskId}/customer", "/values", Paging::Start(PAGE)),
        )]),
        writes: None,
    }
}
