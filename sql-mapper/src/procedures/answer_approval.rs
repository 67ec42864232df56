//! `AnswerApproval(IssueKey, ApprovalId, Decision)`: approves or declines a customer request's
//! approval as the connection's user (`POST /rest/servicedeskapi/request/{key}/approval/{id}`).

use serde_json::{json, Value};

use super::{param, text, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Product, SqlType::*};
use crate::queries::Queries;
use crate::values::url_encode;
use crate::{MapperError, SqlState};

const PARAMS: &[ParamDef] = &[
    param("IssueKey", Varchar(255), true, "Key or id of the request"),
    param("ApprovalId", BigInt, true, "The approval (see Jira.RequestApprovals)"),
    param("Decision", Varchar(16), true, "approve or decline"),
];

pub fn def() -> ProcedureDef {
    let c = ColumnDef::new;
    ProcedureDef {
        product: Product::Jira,
        name: "AnswerApproval",
        remarks: "Approves or declines an approval of a customer request; returns its decision now.",
        params: PARAMS,
        result: vec![
            c("IssueKey", Varchar(255), false, at("/IssueKey"), "The request"),
            c("ApprovalId", BigInt, false, at("/ApprovalId"), "The approval"),
            c("FinalDecision", Varchar(32), true, at("/FinalDecision"), "pending, approved or declined"),
        ],
        writes: true,
        run: |s, a| Box::pin(run(s, a)),
    }
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let key = text(&args, "IssueKey").unwrap_or_default();
    let id = text(&args, "ApprovalId").unwrap_or_default();
    let decision = text(&args, "Decision").unwrap_or_default().to_ascii_lowercase();
    if !["approve", "decline"].contains(&decision.as_str()) {
        return Err(MapperError::new(SqlState::InvalidCharacterValue, format!("Decision must be approve or decline, not '{decision}'")));
    }
    let path = format!("/rest/servicedeskapi/request/{}/approval/{}", url_encode(&key), url_encode(&id));
    let answer = session.client().send_json(reqwest::Method::POST, Product::Jira, &path, Some(&json!({"decision": decision}))).await?;
    Ok(vec![[
        ("IssueKey".to_string(), json!(key)),
        (
            "ApprovalId".to_string(),
            answer.get("id").and_then(|v| v.as_str().and_then(|s| s.parse::<i64>().ok()).or_else(|| v.as_i64())).map_or(Value::Null, Value::from),
        ),
        ("FinalDecision".to_string(), answer.get("finalDecision").cloned().unwrap_or(Value::Null)),
    ]
    .into_iter()
    .collect()])
}
