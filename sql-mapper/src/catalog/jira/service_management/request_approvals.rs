//! `Jira.RequestApprovals`: each request's approvals, one row an approval and approver, from
//! `/rest/servicedeskapi/request/{key}/approval`. Approvals are answered with
//! `Jira.AnswerApproval`.

use serde_json::{json, Value};

use super::{PAGE, REQUEST_PARENT};
use crate::catalog::{at, context, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

/// An approval as one row per approver (an approval without approvers is one row).
fn per_approver(approval: &Value) -> Vec<Value> {
    let row = |a: &Value| {
        json!({
            "id": approval.get("id"),
            "name": approval.get("name"),
            "finalDecision": approval.get("finalDecision"),
            "canAnswer": approval.get("canAnswerApproval"),
            "created": approval.pointer("/createdDate/epochMillis"),
            "completed": approval.pointer("/completedDate/epochMillis"),
            "approver": a.pointer("/approver/accountId").or_else(|| a.pointer("/approver/name")),
            "approverName": a.pointer("/approver/displayName"),
            "decision": a.get("approverDecision"),
        })
    };
    match approval.get("approvers").and_then(Value::as_array) {
        Some(approvers) if !approvers.is_empty() => approvers.iter().map(row).collect(),
        _ => vec![row(&Value::Null)],
    }
}

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "RequestApprovals",
        remarks: "Approvals of customer requests, one row an approval and approver (answer one: EXEC Jira.AnswerApproval).",
        columns: vec![
            c("IssueKey", Varchar(255), true, context("IssueKey"), "The request's issue key"),
            c("IssueId", BigInt, true, context("IssueId"), "The request's issue id"),
            c("Id", BigInt, true, at("/id"), "Approval id"),
            c("Name", Varchar(255), true, at("/name"), "Approval name (the workflow status it gates)"),
            c("FinalDecision", Varchar(32), true, at("/finalDecision"), "pending, approved or declined"),
            c("CanAnswer", Bit, true, at("/canAnswer"), "Whether the connection's user may answer it"),
            c("Created", Timestamp, true, at("/created"), "When it was asked for (UTC)"),
            c("Completed", Timestamp, true, at("/completed"), "When it was decided (UTC)"),
            c("ApproverAccountId", Varchar(128), true, at("/approver"), "An approver: account id (Cloud) or username (Data Center)"),
            c("ApproverDisplayName", Varchar(255), true, at("/approverName"), "Their display name"),
            c("ApproverDecision", Varchar(32), true, at("/decision"), "Their decision: pending, approved or declined"),
        ],
        key: &["IssueId", "Id", "ApproverAccountId"],
        foreign_keys: &[ForeignKey { column: "IssueId", references: (Product::Jira, "Requests", "IssueId") }],
        source: Source::Lists(vec![Part::per(
            REQUEST_PARENT,
            list("/rest/servicedeskapi/request/{IssueKey}/approval", "/values", Paging::Start(PAGE)).unnest(per_approver),
        )]),
        writes: None,
    }
}
