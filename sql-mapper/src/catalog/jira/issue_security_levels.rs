//! `Jira.IssueSecurityLevels`: each project's issue security levels (those the connection's user
//! may set), from `/rest/api/{3|2}/project/{key}/securitylevel`.

use super::PROJECT_PARENT;
use crate::catalog::{at, context, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "IssueSecurityLevels",
        remarks: "Issue security levels of each Jira project (those the connection's user is in).",
        columns: vec![
            c("ProjectKey", Varchar(255), true, context("ProjectKey"), "Project key"),
            c("ProjectId", BigInt, true, context("ProjectId"), "Project id"),
            c("Id", BigInt, true, at("/id"), "Level id"),
            c("Name", Varchar(255), true, at("/name"), "Name"),
            c("Description", Varchar(4000), true, at("/description"), "Description"),
            c("IsDefault", Bit, true, at("/isDefault"), "Whether new issues get it (Cloud)"),
            c("SchemeId", BigInt, true, at("/issueSecuritySchemeId"), "Its issue security scheme (Cloud)"),
        ],
        key: &["ProjectKey", "Id"],
        foreign_keys: &[ForeignKey { column: "ProjectKey", references: (Product::Jira, "Projects", "Key") }],
        source: Source::Lists(vec![Part::per(PROJECT_PARENT, list("/rest/api/{api}/project/{ProjectKey}/securitylevel", "/levels", Paging::Whole))]),
        writes: None,
    }
}
