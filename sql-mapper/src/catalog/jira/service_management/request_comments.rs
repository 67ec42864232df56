//! `Jira.RequestComments`: each request's comments, public (the customer sees them) and
//! internal, from `/rest/servicedeskapi/request/{key}/comment`. `INSERT` adds one.

use super::{PAGE, REQUEST_PARENT};
use crate::catalog::{at, context, first_of, list, post, ColumnDef, ForeignKey, Paging, Part, Product, Shape, Source, SqlType::*, TableDef, Writes};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "RequestComments",
        remarks: "Comments on customer requests, public and internal.",
        columns: vec![
            c("IssueKey", Varchar(255), true, context("IssueKey"), "The request's issue key"),
            c("IssueId", BigInt, true, context("IssueId"), "The request's issue id"),
            c("Id", BigInt, true, at("/id"), "Comment id"),
            c("Body", Varchar(32767), true, at("/body"), "Text").writes("/body", Shape::Plain),
            c("Public", Bit, true, at("/public"), "Whether the customer sees it (else internal)").writes("/public", Shape::Plain),
            c("AuthorAccountId", Varchar(128), true, first_of(&["/author/accountId", "/author/name"]), "Author: account id (Cloud) or username (Data Center)"),
            c("AuthorDisplayName", Varchar(255), true, at("/author/displayName"), "Their display name"),
            c("Created", Timestamp, true, at("/created/epochMillis"), "Created (UTC)"),
        ],
        key: &["IssueId", "Id"],
        foreign_keys: &[ForeignKey { column: "IssueId", references: (Product::Jira, "Requests", "IssueId") }],
        source: Source::Lists(vec![Part::per(REQUEST_PARENT, list("/rest/servicedeskapi/request/{IssueKey}/comment", "/values", Paging::Start(PAGE)))]),
        writes: Some(Writes {
            insert: Some(post("/rest/servicedeskapi/request/{IssueKey}/comment")),
            required: &["IssueKey", "Body", "Public"],
            returns: &[("Id", "/id"), ("Created", "/created/epochMillis")],
            ..Writes::default()
        }),
    }
}
