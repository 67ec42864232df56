//! `Jira.Components`: the components of each project, from `/rest/api/3/project/{key}/component`
//! (Cloud) or `/rest/api/2/project/{key}/components` (Data Center).

use crate::catalog::{at, context, delete, list, post, put, ColumnDef, ForeignKey, Paging, Part, Product, Shape, Source, SqlType::*, TableDef, Writes};

use super::PROJECT_PARENT;

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Components",
        remarks: "Components of Jira projects.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Component id"),
            c("ProjectKey", Varchar(255), true, context("ProjectKey"), "Key of the project").writes("/project", Shape::Plain),
            c("ProjectId", BigInt, true, context("ProjectId"), "Id of the project"),
            c("Name", Varchar(255), true, at("/name"), "Name").writes("/name", Shape::Plain),
            c("Description", Varchar(4000), true, at("/description"), "Description").writes("/description", Shape::Plain),
            c("LeadAccountId", Varchar(128), true, at("/lead/accountId"), "Component lead").writes("/leadAccountId", Shape::Plain),
            c("LeadDisplayName", Varchar(255), true, at("/lead/displayName"), "Lead's display name"),
            c("AssigneeType", Varchar(64), true, at("/assigneeType"), "Default assignee rule").writes("/assigneeType", Shape::Plain),
        ],
        key: &["Id"],
        foreign_keys: &[ForeignKey { column: "ProjectKey", references: (Product::Jira, "Projects", "Key") }],
        source: Source::Lists(vec![Part::per(PROJECT_PARENT, list("/rest/api/3/project/{ProjectKey}/component", "/values", Paging::StartAt(100)))
            .on_data_center(Some(list("/rest/api/2/project/{ProjectKey}/components", "", Paging::Whole)))]),
        writes: Some(Writes {
            insert: Some(post("/rest/api/{api}/component")),
            update: Some(put("/rest/api/{api}/component/{Id}")),
            delete: Some(delete("/rest/api/{api}/component/{Id}")),
            insert_only: &["ProjectKey"],
            required: &["ProjectKey", "Name"],
            returns: &[("Id", "/id")],
            ..Writes::default()
        }),
    }
}
