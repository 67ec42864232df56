//! `Jira.Subtasks`: each issue's sub-tasks, from the issues' own `subtasks` field, which the
//! issue search brings with the parents: no request per issue.

use crate::catalog::{at, context, ColumnDef, Endpoint, ForeignKey, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Subtasks",
        remarks: "Sub-tasks of each Jira issue.",
        columns: vec![
            c("ParentKey", Varchar(255), true, context("IssueKey"), "Key of the parent issue"),
            c("ParentId", BigInt, true, context("IssueId"), "Id of the parent issue"),
            c("Id", BigInt, true, at("/id"), "Sub-task id"),
            c("Key", Varchar(255), true, at("/key"), "Sub-task key"),
            c("Summary", Varchar(255), true, at("/fields/summary"), "Summary"),
            c("Status", Varchar(255), true, at("/fields/status/name"), "Status name"),
            c("StatusCategory", Varchar(255), true, at("/fields/status/statusCategory/name"), "Status category: To Do, In Progress or Done"),
            c("Priority", Varchar(255), true, at("/fields/priority/name"), "Priority name"),
            c("IssueType", Varchar(255), true, at("/fields/issuetype/name"), "Issue type (a sub-task type)"),
        ],
        key: &["Id"],
        foreign_keys: &[
            ForeignKey { column: "ParentKey", references: (Product::Jira, "Issues", "Key") },
            ForeignKey { column: "Key", references: (Product::Jira, "Issues", "Key") },
        ],
        source: Source::Lists(vec![Part::per(
            ParentLink { table: (Product::Jira, "Issues"), bind: &[("Key", "IssueKey"), ("Id", "IssueId"), ("Subtasks", "Subtasks")], only: None },
            Endpoint::new("", "", Paging::Context("Subtasks")),
        )]),
        writes: None,
    }
}
