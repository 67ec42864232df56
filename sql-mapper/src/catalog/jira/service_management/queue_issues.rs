//! `Jira.QueueIssues`: the requests in each queue, in the queue's order, from
//! `/rest/servicedeskapi/servicedesk/{id}/queue/{id}/issue`.

use super::PAGE;
use crate::catalog::{at, context, list, ColumnDef, ForeignKey, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "QueueIssues",
        remarks: "Requests in each service desk queue.",
        columns: vec![
            c("ServiceDeskId", BigInt, true, context("ServiceDeskId"), "Service desk"),
            c("QueueId", BigInt, true, context("QueueId"), "Queue"),
            c("IssueId", BigInt, true, at("/id"), "Issue id"),
            c("IssueKey", Varchar(255), true, at("/key"), "Issue key"),
            c("Summary", Varchar(255), true, at("/fields/summary"), "Summary, where the queue shows it"),
            c("Status", Varchar(255), true, at("/fields/status/name"), "Status, where the queue shows it"),
        ],
        key: &["QueueId", "IssueId"],
        foreign_keys: &[
            ForeignKey { column: "QueueId", references: (Product::Jira, "Queues", "Id") },
            ForeignKey { column: "IssueKey", references: (Product::Jira, "Issues", "Key") },
        ],
        source: Source::Lists(vec![Part::per(
            ParentLink { table: (Product::Jira, "Queues"), bind: &[("ServiceDeskId", "ServiceDeskId"), ("Id", "QueueId")], only: None },
            list("/rest/servicedeskapi/servicedesk/{ServiceDeskId}/queue/{QueueId}/issue", "/values", Paging::Start(PAGE)),
        )]),
        writes: None,
    }
}
