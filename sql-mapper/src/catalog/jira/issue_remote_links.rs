//! `Jira.IssueRemoteLinks`: each issue's links to things outside Jira (Confluence pages, pull
//! requests, any URL), from `/rest/api/{3|2}/issue/{key}/remotelink`. An update replaces the
//! whole link, as the API's PUT does: the row's other values go with the changed ones.

use crate::catalog::{at, context, delete, list, post, put, ColumnDef, ForeignKey, Paging, Part, Product, Shape, Source, SqlType::*, TableDef, Writes};

use super::ISSUE_PARENT;

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "IssueRemoteLinks",
        remarks: "Links from Jira issues to pages and items outside Jira.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Link id"),
            c("IssueKey", Varchar(255), true, context("IssueKey"), "Key of the issue"),
            c("IssueId", BigInt, true, context("IssueId"), "Id of the issue"),
            c("GlobalId", Varchar(255), true, at("/globalId"), "The linking application's own id of the link (unique per issue)")
                .writes("/globalId", Shape::Plain),
            c("ApplicationType", Varchar(255), true, at("/application/type"), "Linking application's type (com.atlassian.confluence, ...)")
                .writes("/application/type", Shape::Plain),
            c("ApplicationName", Varchar(255), true, at("/application/name"), "Linking application's name").writes("/application/name", Shape::Plain),
            c("Relationship", Varchar(255), true, at("/relationship"), "How the issue relates to it (mentioned in, relates to, ...)")
                .writes("/relationship", Shape::Plain),
            c("Url", Varchar(4000), true, at("/object/url"), "Where the link points").writes("/object/url", Shape::Plain),
            c("Title", Varchar(255), true, at("/object/title"), "Its title").writes("/object/title", Shape::Plain),
            c("Summary", Varchar(4000), true, at("/object/summary"), "Its summary").writes("/object/summary", Shape::Plain),
            c("Resolved", Bit, true, at("/object/status/resolved"), "Whether the linked item is resolved (shown struck through)")
                .writes("/object/status/resolved", Shape::Plain),
        ],
        key: &["Id"],
        foreign_keys: &[ForeignKey { column: "IssueKey", references: (Product::Jira, "Issues", "Key") }],
        source: Source::Lists(vec![Part::per(ISSUE_PARENT, list("/rest/api/{api}/issue/{IssueKey}/remotelink", "", Paging::Whole))]),
        writes: Some(Writes {
            insert: Some(post("/rest/api/{api}/issue/{IssueKey}/remotelink")),
            update: Some(put("/rest/api/{api}/issue/{IssueKey}/remotelink/{Id}")),
            delete: Some(delete("/rest/api/{api}/issue/{IssueKey}/remotelink/{Id}")),
            required: &["IssueKey", "Url", "Title"],
            insert_only: &["IssueKey"],
            returns: &[("Id", "/id")],
            whole: true,
            ..Writes::default()
        }),
    }
}
