//! `Jira.IssueLinks`: the links of each issue, one row per link and side (a link between A and B
//! is a row of A and a row of B). Read from the issues' own `issuelinks` field, which the issue
//! search brings with the parents, so no request per issue is made.

use serde_json::{json, Value};

use crate::catalog::{
    at, context, delete, post, ColumnDef, Endpoint, ForeignKey, Paging, ParentLink, Part, Product, Shape, Source, SqlType::*, TableDef, Writes,
};

/// One entry of an issue's `issuelinks` as the row the columns read: the other issue, and the
/// relation as it reads from this side.
fn from_this_side(link: &Value) -> Vec<Value> {
    let (direction, other, relation) = match (link.get("outwardIssue"), link.get("inwardIssue")) {
        (Some(o), _) => ("outward", o, link.pointer("/type/outward")),
        (None, Some(i)) => ("inward", i, link.pointer("/type/inward")),
        _ => return Vec::new(),
    };
    vec![json!({
        "id": link.get("id"),
        "type": link.pointer("/type/name"),
        "direction": direction,
        "relation": relation,
        "linkedKey": other.get("key"),
        "linkedId": other.get("id"),
        "linkedStatus": other.pointer("/fields/status/name"),
    })]
}

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "IssueLinks",
        remarks: "Links between Jira issues, one row per link and side.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Link id"),
            c("IssueKey", Varchar(255), true, context("IssueKey"), "The issue whose side this row is").writes("/inwardIssue/key", Shape::Plain),
            c("IssueId", BigInt, true, context("IssueId"), "Its id"),
            c("LinkType", Varchar(255), true, at("/type"), "Link type name (Blocks, Relates, ...)").writes("/type/name", Shape::Plain),
            c("Direction", Varchar(16), true, at("/direction"), "outward or inward, from this issue's side"),
            c("Relation", Varchar(255), true, at("/relation"), "The relation as it reads from this issue: blocks, is blocked by, ..."),
            c("LinkedIssueKey", Varchar(255), true, at("/linkedKey"), "The other issue").writes("/outwardIssue/key", Shape::Plain),
            c("LinkedIssueId", BigInt, true, at("/linkedId"), "Its id"),
            c("LinkedIssueStatus", Varchar(255), true, at("/linkedStatus"), "Its status"),
        ],
        key: &["Id", "IssueKey"],
        foreign_keys: &[
            ForeignKey { column: "IssueKey", references: (Product::Jira, "Issues", "Key") },
            ForeignKey { column: "LinkedIssueKey", references: (Product::Jira, "Issues", "Key") },
        ],
        source: Source::Lists(vec![Part::per(
            ParentLink { table: (Product::Jira, "Issues"), bind: &[("Key", "IssueKey"), ("Id", "IssueId"), ("IssueLinks", "IssueLinks")], only: None },
            Endpoint::new("", "", Paging::Context("IssueLinks")).unnest(from_this_side),
        )]),
        // A new link reads "IssueKey <outward relation> LinkedIssueKey" from IssueKey's side.
        writes: Some(Writes {
            insert: Some(post("/rest/api/{api}/issueLink")),
            delete: Some(delete("/rest/api/{api}/issueLink/{Id}")),
            required: &["IssueKey", "LinkType", "LinkedIssueKey"],
            ..Writes::default()
        }),
    }
}
