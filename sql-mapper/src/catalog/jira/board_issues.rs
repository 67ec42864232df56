//! `Jira.BoardIssues`: the issues of each board (those whose status is mapped to one of its
//! columns), from `/rest/agile/1.0/board/{boardId}/issue` (Cloud and Data Center), read per row of
//! `Jira.Boards`.

use crate::catalog::{context, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "BoardIssues",
        remarks: "Issues of each agile board.",
        columns: super::agile_issue_columns(vec![c("BoardId", BigInt, true, context("BoardId"), "Board")]),
        key: &["BoardId", "IssueId"],
        foreign_keys: &[
            ForeignKey { column: "BoardId", references: (Product::Jira, "Boards", "Id") },
            ForeignKey { column: "IssueId", references: (Product::Jira, "Issues", "Id") },
        ],
        source: Source::Lists(vec![Part::per(
            super::board_parent(&["scrum", "kanban", "simple"]),
            list("/rest/agile/1.0/board/{BoardId}/issue", "/issues", Paging::StartAt(100)).fields_in("fields"),
        )]),
        writes: None,
    }
}
