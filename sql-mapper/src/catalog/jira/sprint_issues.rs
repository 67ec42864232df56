//! `Jira.SprintIssues`: the issues of each sprint as its board shows them, from
//! `/rest/agile/1.0/board/{boardId}/sprint/{sprintId}/issue` (the agile API, Cloud and Data
//! Center), read per row of `Jira.Sprints` (a filter on `SprintId` or `BoardId` narrows the
//! sprints read).

use crate::catalog::{context, list, ColumnDef, ForeignKey, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "SprintIssues",
        remarks: "Issues of each sprint (agile boards, company- and team-managed).",
        columns: super::agile_issue_columns(vec![
            c("SprintId", BigInt, true, context("SprintId"), "Sprint"),
            c("BoardId", BigInt, true, context("BoardId"), "Board the sprint was read from"),
        ]),
        key: &["SprintId", "BoardId", "IssueId"],
        foreign_keys: &[ForeignKey { column: "IssueId", references: (Product::Jira, "Issues", "Id") }],
        source: Source::Lists(vec![Part::per(
            ParentLink { table: (Product::Jira, "Sprints"), bind: &[("Id", "SprintId"), ("BoardId", "BoardId")], only: None },
            list("/rest/agile/1.0/board/{BoardId}/sprint/{SprintId}/issue", "/issues", Paging::StartAt(100)).fields_in("fields"),
        )]),
        writes: None,
    }
}
