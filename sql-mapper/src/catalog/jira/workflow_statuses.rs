//! `Jira.WorkflowStatuses`: the statuses of each workflow, from Cloud's workflow search with
//! `expand=statuses`. Data Center's workflow list names no statuses (`HYC00`).

use serde_json::{json, Value};

use crate::catalog::{at, ColumnDef, ForeignKey, Part, Product, Source, SqlType::*, TableDef};

/// A workflow as one row per status.
fn statuses(workflow: &Value) -> Vec<Value> {
    let name = workflow.pointer("/id/name").cloned().unwrap_or(Value::Null);
    workflow
        .get("statuses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|s| json!({"workflow": name, "id": s.get("id"), "name": s.get("name")}))
        .collect()
}

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "WorkflowStatuses",
        remarks: "Statuses of each Jira workflow (site administrators; Cloud).",
        columns: vec![
            c("Workflow", Varchar(255), true, at("/workflow"), "Workflow name"),
            c("StatusId", BigInt, true, at("/id"), "Status id"),
            c("StatusName", Varchar(255), true, at("/name"), "Status name"),
        ],
        key: &["Workflow", "StatusId"],
        foreign_keys: &[
            ForeignKey { column: "Workflow", references: (Product::Jira, "Workflows", "Name") },
            ForeignKey { column: "StatusId", references: (Product::Jira, "Statuses", "Id") },
        ],
        source: Source::Lists(vec![Part::list(super::workflows::SEARCH.unnest(statuses)).cloud_only().by_hand("Administration > Issues > Workflows")]),
        writes: None,
    }
}
