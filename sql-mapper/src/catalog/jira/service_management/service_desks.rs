//! `Jira.ServiceDesks`: the site's service desks, from `/rest/servicedeskapi/servicedesk`.

use super::PAGE;
use crate::catalog::{at, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "ServiceDesks",
        remarks: "Jira Service Management service desks, one per service project.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Service desk id"),
            c("ProjectId", BigInt, true, at("/projectId"), "Its project's id"),
            c("ProjectKey", Varchar(255), true, at("/projectKey"), "Its project's key"),
            c("ProjectName", Varchar(255), true, at("/projectName"), "Its project's name"),
        ],
        key: &["Id"],
        foreign_keys: &[ForeignKey { column: "ProjectId", references: (Product::Jira, "Projects", "Id") }],
        source: Source::Lists(vec![Part::list(list("/rest/servicedeskapi/servicedesk", "/values", Paging::Start(PAGE)))]),
        writes: None,
    }
}
