//! `GetIssueTransitions(IssueKey)`: the workflow transitions an issue offers now, from
//! `/rest/api/{3|2}/issue/{key}/transitions`.

use serde_json::{json, Value};

use super::{param, text, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Product, SqlType::*};
use crate::queries::Queries;
use crate::values::url_encode;
use crate::MapperError;

const PARAMS: &[ParamDef] = &[param("IssueKey", Varchar(255), true, "Key or id of the issue")];

pub fn def() -> ProcedureDef {
    let c = ColumnDef::new;
    ProcedureDef {
        product: Product::Jira,
        name: "GetIssueTransitions",
        remarks: "The workflow transitions an issue can take now (use TransitionIssue or UPDATE ... SET Status to take one).",
        params: PARAMS,
        result: vec![
            c("Id", BigInt, false, at("/Id"), "Transition id"),
            c("Name", Varchar(255), false, at("/Name"), "Transition name"),
            c("ToStatus", Varchar(255), false, at("/ToStatus"), "Status the transition leads to"),
            c("ToStatusCategory", Varchar(255), true, at("/ToStatusCategory"), "Category of that status"),
        ],
        writes: false,
        run: |s, a| Box::pin(run(s, a)),
    }
}

pub(crate) async fn transitions(session: &dyn Queries, key: &str) -> Result<Vec<Value>, MapperError> {
    let api = session.client().flavor().jira_api();
    let v = session
        .client()
        .get_json(Product::Jira, &format!("/rest/api/{api}/issue/{}/transitions", url_encode(key)))
        .await
        .map_err(|e| MapperError::new(e.state, format!("Issue '{key}': {}", e.message)))?;
    Ok(v.get("transitions").and_then(Value::as_array).cloned().unwrap_or_default())
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let key = text(&args, "IssueKey").unwrap_or_default();
    Ok(transitions(session, &key)
        .await?
        .iter()
        .map(|t| {
            [
                ("Id".to_string(), t.get("id").cloned().unwrap_or(Value::Null)),
                ("Name".to_string(), t.get("name").cloned().unwrap_or(Value::Null)),
                ("ToStatus".to_string(), t.pointer("/to/name").cloned().unwrap_or(Value::Null)),
                ("ToStatusCategory".to_string(), t.pointer("/to/statusCategory/name").cloned().unwrap_or(json!(null))),
            ]
            .into_iter()
            .collect()
        })
        .collect())
}
