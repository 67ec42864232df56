//! `Jira.Epics`: the epics of each company-managed board, from
//! `/rest/agile/1.0/board/{boardId}/epic` (Cloud and Data Center), read per row of `Jira.Boards`.
//! Team-managed projects have no such list (their epics are issues of the Epic type, whose
//! children name them as `ParentKey`): their boards are not read. An epic's id is its issue's.

use crate::catalog::{at, context, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Epics",
        remarks: "Epics of each company-managed agile board.",
        columns: vec![
            c("BoardId", BigInt, true, context("BoardId"), "Board"),
            c("Id", BigInt, true, at("/id"), "Epic id (the epic issue's id)"),
            c("Key", Varchar(255), true, at("/key"), "Epic issue key (Data Center; Cloud's list gives none: join Jira.Issues on Id)"),
            c("Name", Varchar(255), true, at("/name"), "Epic name"),
            c("Summary", Varchar(255), true, at("/summary"), "Summary"),
            c("Done", Bit, true, at("/done"), "Whether the epic is done"),
            c("Color", Varchar(32), true, at("/color/key"), "Color key (color_1 ... color_14)"),
        ],
        key: &["BoardId", "Id"],
        foreign_keys: &[
            ForeignKey { column: "BoardId", references: (Product::Jira, "Boards", "Id") },
            ForeignKey { column: "Id", references: (Product::Jira, "Issues", "Id") },
        ],
        source: Source::Lists(vec![Part::per(
            super::board_parent(&["scrum", "kanban"]),
            list("/rest/agile/1.0/board/{BoardId}/epic", "/values", Paging::StartAt(50)),
        )]),
        writes: None,
    }
}
