//! `Jira.ApiTokens`: API tokens (Cloud: the Token Manager's REST form,
//! `/rest/api-tokens/latest/tokens`; a site admin sees everyone's, others their own) and
//! personal access tokens (Data Center: `/rest/pat/latest/tokens`, the signed-in user's own).
//! Owner, description and the created / last-used / expiry ranges push down as the Token
//! Manager's parameters. `DELETE` revokes; `EXEC CreateApiToken` makes one. The secret is never
//! a column: it exists only in `CreateApiToken`'s answer.

use serde_json::{json, Value};

use crate::catalog::{at, at_or_context, contains, delete, list, params, range, ColumnDef, DataCenterWrites, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef, Writes};

/// Data Center lists the caller's own tokens: they are read for the signed-in user's row.
const CALLER: ParentLink = ParentLink { table: (Product::Jira, "CurrentUser"), bind: &[("AccountId", "Owner"), ("EmailAddress", "OwnerEmail"), ("DisplayName", "OwnerName")], only: None };

const TOKEN_MANAGER_FILTERS: &[&str] = &["user", "description", "createdFrom", "createdTo", "lastUsedFrom", "lastUsedTo", "expiresFrom", "expiresTo"];

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "ApiTokens",
        remarks: "API tokens (Cloud Token Manager) or personal access tokens (Data Center); DELETE revokes, EXEC CreateApiToken creates.",
        columns: vec![
            c("Id", Varchar(64), false, at("/id"), "Token id"),
            c("Owner", Varchar(128), true, at_or_context("/accountId", "Owner"), "Owner's account id (Data Center: the user key)").pushed(params("user")),
            c("OwnerEmail", Varchar(255), true, at_or_context("/email", "OwnerEmail"), "Owner's email address").pushed(params("user")),
            c("OwnerName", Varchar(255), true, at_or_context("/displayName", "OwnerName"), "Owner's display name"),
            c("Description", Varchar(255), true, at("/label"), "The token's label (Data Center: its name)").pushed(contains("description")),
            c("Created", Timestamp, true, at("/createdAt"), "When it was created (UTC)").pushed(range("createdFrom", "createdTo")),
            c("CreatedBy", Varchar(128), true, at("/createdBy"), "Who created it (an admin may create for others; Cloud)"),
            c("LastUsed", Timestamp, true, at("/lastUsedAt"), "When it last authenticated a request (UTC); NULL if never").pushed(range("lastUsedFrom", "lastUsedTo")),
            c("Expires", Timestamp, true, at("/expiresAt"), "When it stops working (UTC); NULL if never (Data Center)").pushed(range("expiresFrom", "expiresTo")),
            c("Status", Varchar(16), true, at("/status"), "ACTIVE or EXPIRED"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![
            Part::list(list("/rest/api-tokens/latest/tokens", "/values", Paging::StartAt(1000)).filtered_by(TOKEN_MANAGER_FILTERS).optional()).on_data_center(None),
            Part { cloud: None, ..Part::per(CALLER, list("/rest/pat/latest/tokens", "", Paging::Whole).unnest(from_pat).optional()) },
        ]),
        writes: Some(Writes {
            delete: Some(delete("/rest/api-tokens/latest/tokens/{Id}")),
            data_center: Some(DataCenterWrites { insert: None, update: None, delete: Some(delete("/rest/pat/latest/tokens/{Id}")), body: crate::writes::unchanged, answer: crate::writes::as_answered }),
            ..Writes::default()
        }),
    }
}

/// A Data Center personal access token in the Token Manager's shape.
pub(crate) fn from_pat(t: &Value) -> Vec<Value> {
    let expires = t.get("expiringAt").and_then(Value::as_str);
    let expired = expires.and_then(crate::scan::parse_timestamp_millis).is_some_and(|e| e <= chrono::Utc::now().timestamp_millis());
    vec![json!({
        "id": t.get("id").map(crate::scan::scalar_text),
        "label": t.get("name"),
        "createdAt": t.get("createdAt"),
        "lastUsedAt": t.get("lastAccessedAt"),
        "expiresAt": expires,
        "status": if expired { "EXPIRED" } else { "ACTIVE" },
    })]
}
