//! `Confluence.ContentRestrictions`: who may read or update each page when it is restricted,
//! from `/rest/api/content/{id}/restriction/byOperation` (v1; Data Center wraps the operations
//! in `restrictions`). A page without restrictions has no rows.

use serde_json::{json, Value};

use crate::catalog::{at, context, list, ColumnDef, ForeignKey, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef};

/// The operations' restrictions as one row per operation and user or group.
fn per_subject(answer: &Value) -> Vec<Value> {
    let ops = answer.get("restrictions").filter(|r| r.get("read").is_some() || r.get("update").is_some()).unwrap_or(answer);
    let mut rows = Vec::new();
    for (operation, r) in ops.as_object().into_iter().flatten() {
        for u in r.pointer("/restrictions/user/results").and_then(Value::as_array).into_iter().flatten() {
            let id = u.get("accountId").or_else(|| u.get("username")).or_else(|| u.get("userKey"));
            rows.push(json!({"operation": operation, "type": "user", "subject": id, "name": u.get("displayName")}));
        }
        for g in r.pointer("/restrictions/group/results").and_then(Value::as_array).into_iter().flatten() {
            rows.push(json!({"operation": operation, "type": "group", "subject": g.get("id").or_else(|| g.get("name")), "name": g.get("name")}));
        }
    }
    rows
}

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "ContentRestrictions",
        remarks: "Read and update restrictions of Confluence pages: one row per operation and user or group allowed.",
        columns: vec![
            c("ContentId", BigInt, true, context("ContentId"), "Page"),
            c("Operation", Varchar(32), true, at("/operation"), "read or update"),
            c("SubjectType", Varchar(16), true, at("/type"), "user or group"),
            c("SubjectId", Varchar(255), true, at("/subject"), "The user's account id (Data Center: username) or the group's id (name)"),
            c("SubjectName", Varchar(255), true, at("/name"), "Display name or group name"),
        ],
        key: &["ContentId", "Operation", "SubjectType", "SubjectId"],
        foreign_keys: &[ForeignKey { column: "ContentId", references: (Product::Confluence, "Pages", "Id") }],
        source: Source::Lists(vec![Part::per(
            ParentLink { table: (Product::Confluence, "Pages"), bind: &[("Id", "ContentId")], only: None },
            list("/wiki/rest/api/content/{ContentId}/restriction/byOperation", "", Paging::Whole).unnest(per_subject),
        )
        .on_data_center(Some(list("/rest/api/content/{ContentId}/restriction/byOperation", "", Paging::Whole).unnest(per_subject)))]),
        writes: None,
    }
}
