//! `Jira.IssueStatusHistory`: one row per issue and status interval (the status, when the issue
//! entered and left it, the seconds in it, who moved it there), built from the issues' status
//! changes read in bulk with the issue search: Cloud's `POST /rest/api/3/changelog/bulkfetch` (a
//! request per page of issues), Data Center's search expanded with the changelog; never a request
//! per issue. Filters on the issue (`IssueKey`, `IssueId`, `ProjectKey`, `JQL`) narrow the search.

use serde_json::{json, Value};

use crate::catalog::{
    at, context, query, query_key, BulkChangelog, ColumnDef, Endpoint, ForeignKey, JqlSearch, Paging, Product, Pushdown, Source, SqlType::*, TableDef,
};
use crate::values::parse_timestamp_millis;

/// The issue search, with what the intervals are made of.
const SEARCH: JqlSearch = JqlSearch {
    fields: &["created", "status", "project"],
    changelog: Some(BulkChangelog {
        cloud: Endpoint::new("/rest/api/3/changelog/bulkfetch", "/issueChangeLogs", Paging::Token(10_000)),
        issues_per_request: 1000,
        field_ids: &["status"],
    }),
    rows: Some(status_intervals),
    ..super::issues::SEARCH
};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "IssueStatusHistory",
        remarks: "Each issue's status intervals: which status, from when to when, for how long, moved by whom.",
        columns: vec![
            c("IssueId", BigInt, true, at("/issueId"), "Issue id").pushed(query("id")),
            c("IssueKey", Varchar(255), true, at("/issueKey"), "Issue key").pushed(query_key("key")),
            c("ProjectKey", Varchar(255), true, at("/projectKey"), "Project key").pushed(query("project")),
            c("Sequence", Integer, true, at("/sequence"), "Position of the interval in the issue's history, from 1"),
            c("Status", Varchar(255), true, at("/status"), "Status name"),
            c("StatusId", BigInt, true, at("/statusId"), "Status id (join Jira.Statuses for its category)"),
            c("Entered", Timestamp, true, at("/entered"), "When the issue entered the status (UTC): its creation for the first interval"),
            c("Left", Timestamp, true, at("/left"), "When it left (UTC); NULL for the status it is in"),
            c("Seconds", BigInt, true, at("/seconds"), "Seconds in the status; NULL for the status it is in (measure it against now)"),
            c("IsCurrent", Bit, true, at("/current"), "Whether this is the status the issue is in"),
            c("MovedByAccountId", Varchar(128), true, at("/by/accountId"), "Who moved the issue into the status (NULL for its creation)"),
            c("MovedByDisplayName", Varchar(255), true, at("/by/displayName"), "Their display name"),
            c("JQL", Varchar(4000), true, context("jql"), "Pseudo-column: WHERE JQL = '...' chooses the issues").pushed(Pushdown::Raw),
        ],
        key: &["IssueId", "Sequence"],
        foreign_keys: &[ForeignKey { column: "IssueId", references: (Product::Jira, "Issues", "Id") }],
        source: Source::JqlSearch(Box::new(SEARCH)),
        writes: None,
    }
}

/// One issue (with `changelog.histories`) as its status intervals: from its creation in the
/// status its first status change left (or the one it is in, never changed), then one interval
/// per change, oldest first; the last is open.
fn status_intervals(issue: &Value) -> Vec<Value> {
    let at = |p: &str| issue.pointer(p).cloned().unwrap_or(Value::Null);
    let mut changes: Vec<(i64, &Value, &Value, &Value)> = issue
        .pointer("/changelog/histories")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|h| {
            let when = h.get("created").and_then(instant);
            let by = h.get("author").unwrap_or(&Value::Null);
            let created = h.get("created").unwrap_or(&Value::Null);
            h.get("items").and_then(Value::as_array).into_iter().flatten().filter(|i| is_status(i)).filter_map(move |i| Some((when?, created, by, i)))
        })
        .collect();
    changes.sort_by_key(|(when, ..)| *when);
    let text = |v: Option<&Value>| v.cloned().unwrap_or(Value::Null);
    let (mut status, mut status_id) = match changes.first() {
        Some((_, _, _, first)) => (text(first.get("fromString")), text(first.get("from"))),
        None => (at("/fields/status/name"), at("/fields/status/id")),
    };
    let mut entered = at("/fields/created");
    let mut by = Value::Null;
    let mut rows = Vec::new();
    let row = |sequence: usize, status: &Value, id: &Value, entered: &Value, left: &Value, by: &Value| {
        let seconds = match (entered.as_str().and_then(parse_timestamp_millis), left.as_str().and_then(parse_timestamp_millis)) {
            (Some(a), Some(b)) => json!((b - a).max(0) / 1000),
            _ => Value::Null,
        };
        json!({
            "issueId": at("/id"), "issueKey": at("/key"), "projectKey": at("/fields/project/key"), "sequence": sequence,
            "status": status, "statusId": id, "entered": entered, "left": left, "seconds": seconds, "current": left.is_null(), "by": by,
        })
    };
    for (_, created, author, item) in &changes {
        rows.push(row(rows.len() + 1, &status, &status_id, &entered, created, &by));
        status = text(item.get("toString"));
        status_id = text(item.get("to"));
        entered = (*created).clone();
        by = (*author).clone();
    }
    rows.push(row(rows.len() + 1, &status, &status_id, &entered, &Value::Null, &by));
    rows
}

/// A change of the status field (Cloud names it by `fieldId`, Data Center by `field` only).
fn is_status(item: &Value) -> bool {
    match item.get("fieldId").and_then(Value::as_str) {
        Some(id) => id == "status",
        None => item.get("field").and_then(Value::as_str) == Some("status") && item.get("fieldtype").and_then(Value::as_str) != Some("custom"),
    }
}

/// A changelog's `created`: Atlassian's timestamp text (Cloud's bulk fetch example shows epoch
/// seconds as a number, so that is read too).
fn instant(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => parse_timestamp_millis(s),
        Value::Number(n) => n.as_i64().map(|s| if s < 100_000_000_000 { s * 1000 } else { s }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_run_from_creation_through_each_status_change() {
        let issue = json!({
            "id": "10", "key": "ENG-1", "fields": {"created": "2024-01-01T00:00:00.000+0000", "status": {"name": "Done", "id": "3"}, "project": {"key": "ENG"}},
            "changelog": {"histories": [
                {"created": "2024-01-01T02:00:00.000+0000", "author": {"accountId": "b"}, "items": [{"field": "status", "fieldId": "status", "from": "2", "fromString": "In Progress", "to": "3", "toString": "Done"}]},
                {"created": "2024-01-01T01:00:00.000+0000", "author": {"accountId": "a"}, "items": [
                    {"field": "assignee", "fieldId": "assignee"},
                    {"field": "status", "fieldId": "status", "from": "1", "fromString": "To Do", "to": "2", "toString": "In Progress"}]},
            ]}
        });
        let rows = status_intervals(&issue);
        let shown: Vec<(&str, Value, Value, bool)> =
            rows.iter().map(|r| (r["status"].as_str().unwrap(), r["seconds"].clone(), r["by"]["accountId"].clone(), r["current"] == true)).collect();
        assert_eq!(
            shown,
            [("To Do", json!(3600), Value::Null, false), ("In Progress", json!(3600), json!("a"), false), ("Done", Value::Null, json!("b"), true)]
        );
        assert_eq!(rows[1]["entered"], "2024-01-01T01:00:00.000+0000");
        assert_eq!(rows[2]["sequence"], 3);
        // Never moved: one open interval in the status it is in, since its creation.
        let still = json!({"id": "11", "key": "ENG-2", "fields": {"created": "2024-01-01T00:00:00.000+0000", "status": {"name": "To Do", "id": "1"}}});
        let rows = status_intervals(&still);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0]["status"].clone(), rows[0]["entered"].clone(), rows[0]["left"].clone()),
            (json!("To Do"), json!("2024-01-01T00:00:00.000+0000"), Value::Null)
        );
    }

    #[test]
    fn data_center_items_are_told_by_field_name() {
        assert!(is_status(&json!({"field": "status", "fieldtype": "jira"})));
        assert!(!is_status(&json!({"field": "status", "fieldtype": "custom"})));
        assert!(!is_status(&json!({"field": "Status", "fieldId": "customfield_1"})));
    }
}
