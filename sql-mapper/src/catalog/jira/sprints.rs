//! `Jira.Sprints`: the sprints of each scrum board, from `/rest/agile/1.0/board/{id}/sprint`
//! and of team-managed (`simple`) boards with sprints (other boards answer 400: they have none).

use crate::catalog::{at, context, list, ColumnDef, ForeignKey, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Sprints",
        remarks: "Sprints of Jira Software boards.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Sprint id"),
            c("BoardId", BigInt, true, context("BoardId"), "Board the sprint was read from"),
            c("OriginBoardId", BigInt, true, at("/originBoardId"), "Board the sprint was created on"),
            c("Name", Varchar(255), true, at("/name"), "Name"),
            c("State", Varchar(32), true, at("/state"), "future, active or closed"),
            c("Goal", Varchar(4000), true, at("/goal"), "Sprint goal"),
            c("StartDate", Timestamp, true, at("/startDate"), "Start (UTC)"),
            c("EndDate", Timestamp, true, at("/endDate"), "Planned end (UTC)"),
            c("CompleteDate", Timestamp, true, at("/completeDate"), "Completed (UTC)"),
        ],
        key: &["Id", "BoardId"],
        foreign_keys: &[ForeignKey { column: "BoardId", references: (Product::Jira, "Boards", "Id") }],
        source: Source::Lists(vec![Part::per(
            ParentLink { table: (Product::Jira, "Boards"), bind: &[("Id", "BoardId")], only: Some(("Type", &["scrum", "simple"])) },
            // A team-managed board without the sprints feature answers 400.
            list("/rest/agile/1.0/board/{BoardId}/sprint", "/values", Paging::StartAt(50)).none_when(400),
        )]),
        writes: None,
    }
}
