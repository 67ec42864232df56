//! `Jira.Worklogs`: time logged on each issue, from `/rest/api/{3|2}/issue/{key}/worklog`.

use crate::catalog::{
    adf_text, at, context, delete, list, post, put, ColumnDef, ForeignKey, Paging, Part, Product, Shape, Source, SqlType::*, TableDef, Writes,
};

use super::ISSUE_PARENT;

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Worklogs",
        remarks: "Work logged on Jira issues.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Worklog id"),
            c("IssueKey", Varchar(255), true, context("IssueKey"), "Key of the issue"),
            c("IssueId", BigInt, true, context("IssueId"), "Id of the issue"),
            c("AuthorAccountId", Varchar(128), true, at("/author/accountId"), "Who logged the work"),
            c("AuthorDisplayName", Varchar(255), true, at("/author/displayName"), "Their display name"),
            c("Comment", LongText(super::TEXT_LIMIT), true, adf_text("/comment"), "Comment as plain text").writes("/comment", Shape::Adf),
            c("Started", Timestamp, true, at("/started"), "When the work started (UTC)").writes("/started", Shape::Plain),
            c("TimeSpent", Varchar(64), true, at("/timeSpent"), "Time spent as Jira writes it (3h 45m)"),
            c("TimeSpentSeconds", BigInt, true, at("/timeSpentSeconds"), "Time spent in seconds").writes("/timeSpentSeconds", Shape::Plain),
            c("Created", Timestamp, true, at("/created"), "Created (UTC)"),
            c("Updated", Timestamp, true, at("/updated"), "Last updated (UTC)"),
            c("VisibilityType", Varchar(32), true, at("/visibility/type"), "group or role, when only some may see it").writes("/visibility/type", Shape::Plain),
            c("VisibilityValue", Varchar(255), true, at("/visibility/value"), "The group or project role that may see it")
                .writes("/visibility/value", Shape::Plain),
        ],
        key: &["Id"],
        foreign_keys: &[ForeignKey { column: "IssueKey", references: (Product::Jira, "Issues", "Key") }],
        source: Source::Lists(vec![Part::per(ISSUE_PARENT, list("/rest/api/{api}/issue/{IssueKey}/worklog", "/worklogs", Paging::StartAt(5000)))]),
        writes: Some(Writes {
            insert: Some(post("/rest/api/{api}/issue/{IssueKey}/worklog")),
            update: Some(put("/rest/api/{api}/issue/{IssueKey}/worklog/{Id}")),
            delete: Some(delete("/rest/api/{api}/issue/{IssueKey}/worklog/{Id}")),
            required: &["IssueKey", "TimeSpentSeconds", "Started"],
            returns: &[("Id", "/id")],
            ..Writes::default()
        }),
    }
}
