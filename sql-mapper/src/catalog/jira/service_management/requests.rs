//! `Jira.Requests`: customer requests, from `/rest/servicedeskapi/request`. An agent's list holds
//! every request of the service desks they work on only when asked with
//! `requestOwnership=ALL_REQUESTS` (without it, only requests they raised, take part in or share
//! an organization with): the driver asks so. Filters on the service desk and request type
//! reach the list; a request is also its service project's issue (`Jira.Issues` on `IssueKey`).
//! `INSERT` raises a request (summary and description as its fields).

use serde_json::Value;

use super::PAGE;
use crate::catalog::{at, first_of, list, param, post, ColumnDef, ForeignKey, Paging, Part, Product, Shape, Source, SqlType::*, TableDef, Writes};

/// A request with the values of its summary and description fields beside it (the list gives
/// them as `requestFieldValues`, one entry a field).
fn with_field_values(request: &Value) -> Vec<Value> {
    let mut r = request.clone();
    for field in request.get("requestFieldValues").and_then(Value::as_array).into_iter().flatten() {
        if let (Some(id @ ("summary" | "description")), Some(v)) = (field.get("fieldId").and_then(Value::as_str), field.get("value")) {
            r[id] = v.clone();
        }
    }
    vec![r]
}

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Requests",
        remarks: "Jira Service Management customer requests.",
        columns: vec![
            c("IssueId", BigInt, true, at("/issueId"), "The request's issue id"),
            c("IssueKey", Varchar(255), true, at("/issueKey"), "The request's issue key"),
            c("ServiceDeskId", BigInt, true, at("/serviceDeskId"), "Service desk").pushed(param("serviceDeskId")).writes("/serviceDeskId", Shape::Text),
            c("RequestTypeId", BigInt, true, at("/requestTypeId"), "Request type").pushed(param("requestTypeId")).writes("/requestTypeId", Shape::Text),
            c("Summary", Varchar(255), true, at("/summary"), "Summary").writes("/requestFieldValues/summary", Shape::Plain),
            c("Description", Varchar(32767), true, at("/description"), "Description as the customer wrote it")
                .writes("/requestFieldValues/description", Shape::Plain),
            c(
                "ReporterAccountId",
                Varchar(128),
                true,
                first_of(&["/reporter/accountId", "/reporter/name"]),
                "Who raised it: account id (Cloud) or username (Data Center)",
            ),
            c("ReporterDisplayName", Varchar(255), true, at("/reporter/displayName"), "Their display name"),
            c("Created", Timestamp, true, at("/createdDate/epochMillis"), "When it was raised (UTC)"),
            c("Status", Varchar(255), true, at("/currentStatus/status"), "Current status"),
            c("StatusCategory", Varchar(32), true, at("/currentStatus/statusCategory"), "Its category: NEW, INDETERMINATE or DONE"),
            c("StatusDate", Timestamp, true, at("/currentStatus/statusDate/epochMillis"), "When it entered the status (UTC)"),
            c("PortalUrl", Varchar(4000), true, at("/_links/web"), "The request on the customer portal"),
        ],
        key: &["IssueId"],
        foreign_keys: &[
            ForeignKey { column: "IssueKey", references: (Product::Jira, "Issues", "Key") },
            ForeignKey { column: "ServiceDeskId", references: (Product::Jira, "ServiceDesks", "Id") },
            ForeignKey { column: "RequestTypeId", references: (Product::Jira, "RequestTypes", "Id") },
        ],
        source: Source::Lists(vec![Part::list(
            list("/rest/servicedeskapi/request?requestOwnership=ALL_REQUESTS", "/values", Paging::Start(PAGE))
                .filtered_by(&["serviceDeskId", "requestTypeId"])
                .unnest(with_field_values),
        )]),
        writes: Some(Writes {
            insert: Some(post("/rest/servicedeskapi/request")),
            required: &["ServiceDeskId", "RequestTypeId", "Summary"],
            returns: &[("IssueId", "/issueId"), ("IssueKey", "/issueKey"), ("Created", "/createdDate/epochMillis")],
            ..Writes::default()
        }),
    }
}
