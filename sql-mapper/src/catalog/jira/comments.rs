//! `Jira.Comments`: the comments of each issue, from `/rest/api/{3|2}/issue/{key}/comment`.
//! Filters on `IssueKey`/`IssueId` narrow the issues visited (pushed into their JQL).

use crate::catalog::{
    adf_text, at, context, delete, json_text, list, post, put, ColumnDef, ForeignKey, Paging, Part, Product, Shape, Source, SqlType::*, TableDef, Writes,
};

use super::ISSUE_PARENT;

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Comments",
        remarks: "Comments on Jira issues.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Comment id"),
            c("IssueKey", Varchar(255), true, context("IssueKey"), "Key of the commented issue"),
            c("IssueId", BigInt, true, context("IssueId"), "Id of the commented issue"),
            c("Body", LongText(super::TEXT_LIMIT), true, adf_text("/body"), "Body as plain text").writes("/body", Shape::Adf),
            c("BodyAdf", LongText(super::TEXT_LIMIT), true, json_text("/body"), "Body as Atlassian Document Format JSON"),
            c("AuthorAccountId", Varchar(128), true, at("/author/accountId"), "Author account id"),
            c("AuthorDisplayName", Varchar(255), true, at("/author/displayName"), "Author display name"),
            c("Created", Timestamp, true, at("/created"), "Created (UTC)"),
            c("Updated", Timestamp, true, at("/updated"), "Last updated (UTC)"),
            c("VisibilityType", Varchar(32), true, at("/visibility/type"), "group or role, when only some may see it").writes("/visibility/type", Shape::Plain),
            c("VisibilityValue", Varchar(255), true, at("/visibility/value"), "The group or project role that may see it")
                .writes("/visibility/value", Shape::Plain),
        ],
        key: &["Id"],
        foreign_keys: &[ForeignKey { column: "IssueKey", references: (Product::Jira, "Issues", "Key") }],
        source: Source::Lists(vec![Part::per(ISSUE_PARENT, list("/rest/api/{api}/issue/{IssueKey}/comment", "/comments", Paging::StartAt(5000)))]),
        writes: Some(Writes {
            insert: Some(post("/rest/api/{api}/issue/{IssueKey}/comment")),
            update: Some(put("/rest/api/{api}/issue/{IssueKey}/comment/{Id}")),
            delete: Some(delete("/rest/api/{api}/issue/{IssueKey}/comment/{Id}")),
            required: &["IssueKey", "Body"],
            returns: &[("Id", "/id"), ("Created", "/created")],
            ..Writes::default()
        }),
    }
}
