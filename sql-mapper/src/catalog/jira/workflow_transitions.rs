//! `Jira.WorkflowTransitions`: the transitions of each workflow, from Cloud's workflow search
//! with `expand=transitions`. Data Center's workflow list names none (`HYC00`).

use serde_json::{json, Value};

use crate::catalog::{at, join, ColumnDef, ForeignKey, Part, Product, Source, SqlType::*, TableDef};

/// A workflow as one row per transition.
fn transitions(workflow: &Value) -> Vec<Value> {
    let name = workflow.pointer("/id/name").cloned().unwrap_or(Value::Null);
    workflow
        .get("transitions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|t| json!({"workflow": name, "id": t.get("id"), "name": t.get("name"), "description": t.get("description"), "from": t.get("from"), "to": t.get("to"), "type": t.get("type")}))
        .collect()
}

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "WorkflowTransitions",
        remarks: "Transitions of each Jira workflow (site administrators; Cloud).",
        columns: vec![
            c("Workflow", Varchar(255), true, at("/workflow"), "Workflow name"),
            c("Id", BigInt, true, at("/id"), "Transition id (what Jira.TransitionIssue takes)"),
            c("Name", Varchar(255), true, at("/name"), "Transition name"),
            c("Description", Varchar(4000), true, at("/description"), "Description"),
            c("FromStatusIds", Varchar(4000), true, join("/from", ""), "Status ids it leaves from, comma separated (none: from any status)"),
            c("ToStatusId", BigInt, true, at("/to"), "Status it moves to"),
            c("Type", Varchar(32), true, at("/type"), "initial, global or directed"),
        ],
        key: &["Workflow", "Id"],
        foreign_keys: &[ForeignKey { column: "Workflow", references: (Product::Jira, "Workflows", "Name") }],
        source: Source::Lists(vec![Part::list(super::workflows::SEARCH.unnest(transitions)).cloud_only().by_hand("Administration > Issues > Workflows")]),
        writes: None,
    }
}
