//! `Jira.BacklogIssues`: each board's backlog (its incomplete issues in no active or future
//! sprint), from `/rest/agile/1.0/board/{boardId}/backlog` (Cloud and Data Center), read per row of
//! `Jira.Boards` (a board without a backlog answers 400: no rows for it).

use crate::catalog::{context, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "BacklogIssues",
        remarks: "Issues in each agile board's backlog.",
        columns: super::agile_issue_columns(vec![c("BoardId", BigInt, true, context("BoardId"), "Board")]),
        key: &["BoardId", "IssueId"],
        foreign_keys: &[
            ForeignKey { column: "BoardId", references: (Product::Jira, "Boards", "Id") },
            ForeignKey { column: "IssueId", references: (Product::Jira, "Issues", "Id") },
        ],
        source: Source::Lists(vec![Part::per(
            super::board_parent(&["scrum", "kanban", "simple"]),
            list("/rest/agile/1.0/board/{BoardId}/backlog", "/issues", Paging::StartAt(100)).fields_in("fields").none_when(400),
        )]),
        writes: None,
    }
}
