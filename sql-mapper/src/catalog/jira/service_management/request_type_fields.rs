//! `Jira.RequestTypeFields`: the fields a request type asks for, from
//! `/rest/servicedeskapi/servicedesk/{id}/requesttype/{id}/field`.

use crate::catalog::{at, context, join, list, ColumnDef, ForeignKey, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "RequestTypeFields",
        remarks: "Fields of each request type, as the portal asks for them.",
        columns: vec![
            c("ServiceDeskId", BigInt, true, context("ServiceDeskId"), "Service desk"),
            c("RequestTypeId", BigInt, true, context("RequestTypeId"), "Request type"),
            c("FieldId", Varchar(255), true, at("/fieldId"), "Jira field id (summary, customfield_10010, ...)"),
            c("Name", Varchar(255), true, at("/name"), "Name on the portal"),
            c("Description", Varchar(4000), true, at("/description"), "Description on the portal"),
            c("Required", Bit, true, at("/required"), "Whether a request must give it"),
            c("JiraType", Varchar(64), true, at("/jiraSchema/type"), "Its Jira schema type (string, array, option, ...)"),
            c("ValidValues", Varchar(4000), true, join("/validValues", "/label"), "The values it takes, where it has a list, comma separated"),
        ],
        key: &["ServiceDeskId", "RequestTypeId", "FieldId"],
        foreign_keys: &[ForeignKey { column: "RequestTypeId", references: (Product::Jira, "RequestTypes", "Id") }],
        source: Source::Lists(vec![Part::per(
            ParentLink { table: (Product::Jira, "RequestTypes"), bind: &[("ServiceDeskId", "ServiceDeskId"), ("Id", "RequestTypeId")], only: None },
            list("/rest/servicedeskapi/servicedesk/{ServiceDeskId}/requesttype/{RequestTypeId}/field", "/requestTypeFields", Paging::Whole),
        )]),
        writes: None,
    }
}
