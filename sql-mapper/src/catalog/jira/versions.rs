//! `Jira.Versions`: the versions (releases) of each project, from `/rest/api/3/project/{key}/version`
//! (Cloud) or `/rest/api/2/project/{key}/versions` (Data Center).

use crate::catalog::{
    at, context, delete, list, post, put, ColumnDef, DataCenterWrites, ForeignKey, Paging, Part, Product, Shape, Source, SqlType::*, TableDef, Writes,
};

use super::PROJECT_PARENT;

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Versions",
        remarks: "Versions (releases) of Jira projects.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Version id"),
            c("ProjectKey", Varchar(255), true, context("ProjectKey"), "Key of the project").writes("/project", Shape::Plain),
            c("ProjectId", BigInt, true, context("ProjectId"), "Id of the project"),
            c("Name", Varchar(255), true, at("/name"), "Name").writes("/name", Shape::Plain),
            c("Description", Varchar(4000), true, at("/description"), "Description").writes("/description", Shape::Plain),
            c("Released", Bit, true, at("/released"), "Whether it is released").writes("/released", Shape::Plain),
            c("Archived", Bit, true, at("/archived"), "Whether it is archived").writes("/archived", Shape::Plain),
            c("Overdue", Bit, true, at("/overdue"), "Past its release date and not released"),
            c("StartDate", Date, true, at("/startDate"), "Start date").writes("/startDate", Shape::Plain),
            c("ReleaseDate", Date, true, at("/releaseDate"), "Release date").writes("/releaseDate", Shape::Plain),
        ],
        key: &["Id"],
        foreign_keys: &[ForeignKey { column: "ProjectKey", references: (Product::Jira, "Projects", "Key") }],
        source: Source::Lists(vec![Part::per(PROJECT_PARENT, list("/rest/api/3/project/{ProjectKey}/version", "/values", Paging::StartAt(100)))
            .on_data_center(Some(list("/rest/api/2/project/{ProjectKey}/versions", "", Paging::Whole)))]),
        writes: Some(Writes {
            insert: Some(post("/rest/api/{api}/version")),
            update: Some(put("/rest/api/{api}/version/{Id}")),
            delete: Some(delete("/rest/api/{api}/version/{Id}")),
            insert_only: &["ProjectKey"],
            required: &["ProjectKey", "Name"],
            returns: &[("Id", "/id")],
            // Data Center 10.3 has no DELETE on a version: it is removed (its issues' fix and
            // affects versions cleared) with `POST /rest/api/2/version/{id}/removeAndSwap`.
            data_center: Some(DataCenterWrites {
                insert: Some(post("/rest/api/2/version")),
                update: Some(put("/rest/api/2/version/{Id}")),
                delete: Some(post("/rest/api/2/version/{Id}/removeAndSwap")),
                body: crate::catalog::unchanged,
                answer: crate::catalog::as_answered,
            }),
            ..Writes::default()
        }),
    }
}
