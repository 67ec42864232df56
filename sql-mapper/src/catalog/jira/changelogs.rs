//! `Jira.Changelogs`: one row per changed field of each history entry of each issue, from
//! `/rest/api/3/issue/{key}/changelog` (Cloud) or the issue's expanded changelog (Data Center).

use crate::catalog::{at, context, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

use super::ISSUE_PARENT;

/// One history entry holds several changed fields: a row each, carrying the entry's own values.
fn unnest_items(entry: &serde_json::Value) -> Vec<serde_json::Value> {
    let items = entry.get("items").and_then(serde_json::Value::as_array).cloned().unwrap_or_default();
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| serde_json::json!({"id": entry.get("id"), "author": entry.get("author"), "created": entry.get("created"), "index": i, "item": item}))
        .collect()
}

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Changelogs",
        remarks: "Field changes in the history of Jira issues: one row per changed field.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "History entry id"),
            c("ItemIndex", Integer, true, at("/index"), "Position of the changed field within the entry"),
            c("IssueKey", Varchar(255), true, context("IssueKey"), "Key of the issue"),
            c("IssueId", BigInt, true, context("IssueId"), "Id of the issue"),
            c("AuthorAccountId", Varchar(128), true, at("/author/accountId"), "Who made the change"),
            c("AuthorDisplayName", Varchar(255), true, at("/author/displayName"), "Their display name"),
            c("Created", Timestamp, true, at("/created"), "When (UTC)"),
            c("Field", Varchar(255), true, at("/item/field"), "Field name"),
            c("FieldId", Varchar(255), true, at("/item/fieldId"), "Field id"),
            c("FieldType", Varchar(64), true, at("/item/fieldtype"), "jira or custom"),
            c("FromValue", Varchar(4000), true, at("/item/from"), "Old value (id)"),
            c("FromString", Varchar(4000), true, at("/item/fromString"), "Old value as shown"),
            c("ToValue", Varchar(4000), true, at("/item/to"), "New value (id)"),
            c("ToString", Varchar(4000), true, at("/item/toString"), "New value as shown"),
        ],
        key: &["Id", "ItemIndex"],
        foreign_keys: &[ForeignKey { column: "IssueKey", references: (Product::Jira, "Issues", "Key") }],
        source: Source::Lists(vec![Part::per(
            ISSUE_PARENT,
            list("/rest/api/3/issue/{IssueKey}/changelog", "/values", Paging::StartAt(100)).unnest(unnest_items),
        )
        // Data Center has no changelog list: the issue expanded with its whole history.
        .on_data_center(Some(list("/rest/api/2/issue/{IssueKey}?fields=key&expand=changelog", "/changelog/histories", Paging::Whole).unnest(unnest_items)))]),
        writes: None,
    }
}
