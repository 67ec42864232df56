//! `TransitionIssue(IssueKey, Transition, Comment)`: moves an issue through its workflow, by
//! transition name, transition id or target status name; optionally comments on it.

use serde_json::{json, Value};

use super::get_issue_transitions::transitions;
use super::{param, text, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Product, SqlType::*};
use crate::queries::Queries;
use crate::values::url_encode;
use crate::{MapperError, SqlState};

const PARAMS: &[ParamDef] = &[
    param("IssueKey", Varchar(255), true, "Key or id of the issue"),
    param("Transition", Varchar(255), true, "Transition name or id, or the name of the status to move to"),
    param("Comment", LongVarchar, false, "A comment to add with the transition"),
];

pub fn def() -> ProcedureDef {
    let c = ColumnDef::new;
    ProcedureDef {
        product: Product::Jira,
        name: "TransitionIssue",
        remarks: "Moves an issue through its workflow; returns its new status.",
        params: PARAMS,
        result: vec![
            c("IssueKey", Varchar(255), false, at("/IssueKey"), "The issue"),
            c("TransitionId", BigInt, false, at("/TransitionId"), "The transition taken"),
            c("Status", Varchar(255), false, at("/Status"), "Its status now"),
        ],
        writes: true,
        run: |s, a| Box::pin(run(s, a)),
    }
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let key = text(&args, "IssueKey").unwrap_or_default();
    let wanted = text(&args, "Transition").unwrap_or_default();
    let list = transitions(session, &key).await?;
    let chosen = crate::workflow::choose(&list, crate::workflow::Wanted::Transition(&wanted)).ok_or_else(|| {
        MapperError::new(SqlState::General, format!("Issue {key} has no transition '{wanted}'; it offers: {}", crate::workflow::offered(&list)))
    })?;
    let api = session.client().flavor().jira_api();
    let base = format!("/rest/api/{api}/issue/{}", url_encode(&key));
    session
        .client()
        .send_json(reqwest::Method::POST, Product::Jira, &format!("{base}/transitions"), Some(&json!({"transition": {"id": chosen["id"]}})))
        .await?;
    if let Some(comment) = text(&args, "Comment") {
        let body = if api == "3" { crate::adf::from_plain_text(&comment) } else { json!(comment) };
        session.client().send_json(reqwest::Method::POST, Product::Jira, &format!("{base}/comment"), Some(&json!({"body": body}))).await?;
    }
    let now = session.client().get_json(Product::Jira, &format!("{base}?fields=status")).await?;
    Ok(vec![[
        ("IssueKey".to_string(), now.get("key").cloned().unwrap_or(json!(key))),
        ("TransitionId".to_string(), chosen.get("id").cloned().unwrap_or(Value::Null)),
        ("Status".to_string(), now.pointer("/fields/status/name").cloned().unwrap_or(Value::Null)),
    ]
    .into_iter()
    .collect()])
}
