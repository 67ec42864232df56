//! `Jira.Components`: the components of each project, from `/rest/api/3/project/{key}/component`
//! (Cloud) or `/rest/api/2/project/{key}/components` (Data Center).

use crate::catalog::{at, context, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

use super::PROJECT_PARENT;

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Components",
        remarks: "Components of Jira projects.",
        columns: vec![
            c("Id", BigInt, false, at("/id"), "Component id"),
            c("ProjectKey", Varchar(255), false, context("ProjectKey"), "Key of the project"),
            c("ProjectId", BigInt, false, context("ProjectId"), "Id of the project"),
            c("Name", Varchar(255), false, at("/name"), "Name"),
            c("Description", Varchar(4000), true, at("/description"), "Description"),
            c("LeadAccountId", Varchar(128), true, at("/lead/accountId"), "Component lead"),
            c("LeadDisplayName", Varchar(255), true, at("/lead/displayName"), "Lead's display name"),
            c("AssigneeType", Varchar(64), true, at("/assigneeType"), "Default assignee rule"),
        ],
        key: &["Id"],
        foreign_keys: &[ForeignKey { column: "ProjectKey", references: (Product::Jira, "Projects", "Key") }],
        source: Source::Lists(vec![Part::per(PROJECT_PARENT, list("/rest/api/3/project/{ProjectKey}/component", "/values", Paging::StartAt(100)))
            .on_data_center(Some(list("/rest/api/2/project/{ProjectKey}/components", "", Paging::Whole)))]),
    }
}
