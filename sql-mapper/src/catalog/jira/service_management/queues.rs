//! `Jira.Queues`: each service desk's queues with their issue counts, from
//! `/rest/servicedeskapi/servicedesk/{id}/queue?includeCount=true`.

use super::{PAGE, SERVICE_DESK_PARENT};
use crate::catalog::{at, context, join, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Queues",
        remarks: "Agents' queues of each service desk, with how many requests each holds.",
        columns: vec![
            c("ServiceDeskId", BigInt, true, context("ServiceDeskId"), "Service desk"),
            c("Id", BigInt, true, at("/id"), "Queue id"),
            c("Name", Varchar(255), true, at("/name"), "Name"),
            c("Jql", Varchar(4000), true, at("/jql"), "The JQL that fills it"),
            c("Fields", Varchar(4000), true, join("/fields", ""), "The fields it shows, comma separated"),
            c("IssueCount", BigInt, true, at("/issueCount"), "How many requests are in it"),
        ],
        key: &["ServiceDeskId", "Id"],
        foreign_keys: &[ForeignKey { column: "ServiceDeskId", references: (Product::Jira, "ServiceDesks", "Id") }],
        source: Source::Lists(vec![Part::per(
            SERVICE_DESK_PARENT,
            list("/rest/servicedeskapi/servicedesk/{ServiceDeskId}/queue?includeCount=true", "/values", Paging::Start(PAGE)),
        )]),
        writes: None,
    }
}
