//! `Jira.RequestTypes`: each service desk's request types, from
//! `/rest/servicedeskapi/servicedesk/{id}/requesttype`.

use super::{PAGE, SERVICE_DESK_PARENT};
use crate::catalog::{at, context, join, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "RequestTypes",
        remarks: "Request types of each service desk (what customers ask for on the portal).",
        columns: vec![
            c("ServiceDeskId", BigInt, true, context("ServiceDeskId"), "Service desk"),
            c("Id", BigInt, true, at("/id"), "Request type id"),
            c("Name", Varchar(255), true, at("/name"), "Name"),
            c("Description", Varchar(4000), true, at("/description"), "Description"),
            c("HelpText", Varchar(4000), true, at("/helpText"), "Help shown on the portal"),
            c("IssueTypeId", BigInt, true, at("/issueTypeId"), "Issue type its requests are"),
            c("GroupIds", Varchar(255), true, join("/groupIds", ""), "Ids of the portal groups it is shown in, comma separated"),
        ],
        key: &["ServiceDeskId", "Id"],
        foreign_keys: &[
            ForeignKey { column: "ServiceDeskId", references: (Product::Jira, "ServiceDesks", "Id") },
            ForeignKey { column: "IssueTypeId", references: (Product::Jira, "IssueTypes", "Id") },
        ],
        source: Source::Lists(vec![Part::per(
            SERVICE_DESK_PARENT,
            list("/rest/servicedeskapi/servicedesk/{ServiceDeskId}/requesttype", "/values", Paging::Start(PAGE)),
        )]),
        writes: None,
    }
}
