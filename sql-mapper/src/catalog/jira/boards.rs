//! `Jira.Boards`: Jira Software boards, from `/rest/agile/1.0/board`.

use crate::catalog::{at, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Boards",
        remarks: "Jira Software boards.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Board id"),
            c("Name", Varchar(255), true, at("/name"), "Name"),
            c("Type", Varchar(32), true, at("/type"), "scrum, kanban or simple"),
            c("ProjectKey", Varchar(255), true, at("/location/projectKey"), "Project the board belongs to"),
            c("ProjectId", BigInt, true, at("/location/projectId"), "Its id"),
            c("IsPrivate", Bit, true, at("/isPrivate"), "Whether the board is private"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/agile/1.0/board", "/values", Paging::StartAt(50)))]),
        writes: None,
    }
}
