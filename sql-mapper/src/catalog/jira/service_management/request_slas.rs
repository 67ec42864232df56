//! `Jira.RequestSlas`: each request's SLAs, one row a metric and cycle (each completed cycle, and
//! the ongoing one), from `/rest/servicedeskapi/request/{key}/sla`, read per request.

use serde_json::{json, Value};

use super::{PAGE, REQUEST_PARENT};
use crate::catalog::{at, context, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

/// One metric's cycles as rows: the completed ones in order, then the ongoing one.
fn cycles(metric: &Value) -> Vec<Value> {
    let row = |n: usize, cycle: &Value, ongoing: bool| {
        json!({
            "id": metric.get("id"),
            "name": metric.get("name"),
            "cycle": n,
            "ongoing": ongoing,
            "start": cycle.pointer("/startTime/epochMillis"),
            "stop": cycle.pointer("/stopTime/epochMillis"),
            "breachTime": cycle.pointer("/breachTime/epochMillis"),
            "breached": cycle.get("breached"),
            "paused": cycle.get("paused"),
            "withinCalendarHours": cycle.get("withinCalendarHours"),
            "goal": cycle.pointer("/goalDuration/millis"),
            "elapsed": cycle.pointer("/elapsedTime/millis"),
            "remaining": cycle.pointer("/remainingTime/millis"),
        })
    };
    let done = metric.get("completedCycles").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut rows: Vec<Value> = done.iter().enumerate().map(|(i, c)| row(i + 1, c, false)).collect();
    if let Some(c) = metric.get("ongoingCycle").filter(|c| c.is_object()) {
        rows.push(row(done.len() + 1, c, true));
    }
    rows
}

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "RequestSlas",
        remarks: "SLA cycles of each customer request (one row a metric and cycle).",
        columns: vec![
            c("IssueKey", Varchar(255), true, context("IssueKey"), "The request's issue key"),
            c("IssueId", BigInt, true, context("IssueId"), "The request's issue id"),
            c("SlaId", BigInt, true, at("/id"), "SLA metric id"),
            c("Name", Varchar(255), true, at("/name"), "SLA name (Time to first response, Time to resolution, ...)"),
            c("Cycle", Integer, true, at("/cycle"), "Cycle number, from 1"),
            c("Ongoing", Bit, true, at("/ongoing"), "Whether this is the cycle still running"),
            c("StartTime", Timestamp, true, at("/start"), "When the cycle started (UTC)"),
            c("StopTime", Timestamp, true, at("/stop"), "When a completed cycle stopped (UTC)"),
            c("BreachTime", Timestamp, true, at("/breachTime"), "When the goal is or was breached (UTC)"),
            c("Breached", Bit, true, at("/breached"), "Whether the goal was missed"),
            c("Paused", Bit, true, at("/paused"), "Whether the ongoing cycle is paused"),
            c("WithinCalendarHours", Bit, true, at("/withinCalendarHours"), "Whether the ongoing cycle is within its calendar's working hours"),
            c("GoalMillis", BigInt, true, at("/goal"), "Goal, in milliseconds"),
            c("ElapsedMillis", BigInt, true, at("/elapsed"), "Time spent, in milliseconds"),
            c("RemainingMillis", BigInt, true, at("/remaining"), "Time left to the goal, in milliseconds (negative once breached)"),
        ],
        key: &["IssueId", "SlaId", "Cycle"],
        foreign_keys: &[ForeignKey { column: "IssueId", references: (Product::Jira, "Requests", "IssueId") }],
        source: Source::Lists(vec![Part::per(
            REQUEST_PARENT,
            list("/rest/servicedeskapi/request/{IssueKey}/sla", "/values", Paging::Start(PAGE)).unnest(cycles),
        )]),
        writes: None,
    }
}
