//! `Jira.ApiTokens` (and `Confluence.ApiTokens`, the same table on Confluence's server).
//!
//! - Cloud: API tokens belong to Atlassian accounts, not to a site, and no API lists a user's
//!   own. An organization admin lists the managed users' tokens through the Admin API
//!   (`GET {admin}/admin/api-access/v1/orgs/{orgId}/api-tokens`, with `OrgId` and the
//!   organization API key `OrgApiKey`), and `DELETE` revokes through the user-management API
//!   (`DELETE {admin}/users/{Owner}/manage/api-tokens/{Id}`). Without `OrgId`/`OrgApiKey`
//!   both answer HYC00 saying what to give. Description and the created / last-used ranges
//!   push down as the Admin API's `q` and `createdAt…`/`lastActiveAt…` range parameters.
//! - Data Center: the tokens of the "API Token Authentication" app (resolution) where it is
//!   installed (`tokensByFilter`: everyone's for an admin, else the caller's own; owner,
//!   description and the three date ranges push down as its parameters), and the signed-in
//!   user's personal access tokens (`/rest/pat/latest/tokens`). `Kind` says which; `DELETE`
//!   revokes each through its own resource. A site with neither answers HYC00.
//!
//! The secret is never a column: it exists only in `CreateApiToken`'s answer.

use serde_json::{json, Value};

use crate::catalog::{
    at, at_or_context, contains, delete, list, params, range, ColumnDef, DataCenterWrites, Paging, ParentLink, Part, Product, Request, Source, SqlType::*,
    TableDef, Writes,
};

/// Data Center lists the caller's own tokens: they are read for the signed-in user's row.
const CALLER: ParentLink = ParentLink {
    table: (Product::Jira, "CurrentUser"),
    bind: &[("AccountId", "Owner"), ("EmailAddress", "OwnerEmail"), ("DisplayName", "OwnerName")],
    only: None,
};

const ORG_TOKENS: &str = "{admin}/admin/api-access/v1/orgs/{orgId}/api-tokens?sort=createdAt";
const ORG_FILTERS: &[&str] = &["q", "createdAtFrom", "createdAtTo", "lastActiveAtFrom", "lastActiveAtTo"];
/// The Admin API searches a date only when told which kind of search it is.
const ORG_SEARCH_TYPES: &[(&str, &str)] = &[
    ("createdAtFrom", "createdAtSearchType=range"),
    ("createdAtTo", "createdAtSearchType=range"),
    ("lastActiveAtFrom", "lastActiveAtSearchType=range"),
    ("lastActiveAtTo", "lastActiveAtSearchType=range"),
];
/// At most this many per page (the Admin API's maximum).
const ORG_PAGE: usize = 1000;

/// The API Token Authentication app's search, and the names it takes the table's parameters by.
pub(crate) const APP_TOKENS: &str = "/rest/de.resolution.apitokenauth/latest/user/tokensByFilter";
const APP_FILTERS: &[&str] = &["userFilter", "fromExpiresDuring", "untilExpiresDuring"];
const APP_NAMES: &[(&str, &str)] = &[
    ("q", "descriptionFilter"),
    ("createdAtFrom", "fromCreated"),
    ("createdAtTo", "untilCreated"),
    ("lastActiveAtFrom", "fromLastUsed"),
    ("lastActiveAtTo", "untilLastUsed"),
];
const APP_PAGE: usize = 100;
/// `Kind` of the app's tokens, and how each kind is revoked on Data Center.
pub(crate) const APP_KIND: &str = "API token (app)";
const PAT_KIND: &str = "Personal access token";
const DC_DELETES: &[(&str, Request)] =
    &[(APP_KIND, delete("/rest/de.resolution.apitokenauth/latest/user/token/{Id}")), (PAT_KIND, delete("/rest/pat/latest/tokens/{Id}"))];

pub fn table() -> TableDef {
    on(Product::Jira, "API tokens (Cloud: the organization's managed users', through the Admin API with OrgId and OrgApiKey) or, on Data Center, the API Token Authentication app's tokens (everyone's for an admin) and your personal access tokens; DELETE revokes.")
}

/// The table on `product`'s server (Cloud's tokens are the same for both products).
pub(crate) fn on(product: Product, remarks: &'static str) -> TableDef {
    let c = ColumnDef::new;
    let pats = list("/rest/pat/latest/tokens", "", Paging::Whole).unnest(from_pat).optional();
    let app = list(APP_TOKENS, "", Paging::Pages(APP_PAGE)).filtered_by(APP_FILTERS).renaming(APP_NAMES).in_epoch_millis().unnest(from_app_token).optional();
    // Confluence's server has no CurrentUser table: its PATs are the caller's own, owner unnamed.
    let data_center = match product {
        Product::Jira => Part { cloud: None, ..Part::per(CALLER, pats) },
        Product::Confluence => Part { cloud: None, ..Part::list(pats) },
    };
    TableDef {
        product,
        name: "ApiTokens",
        remarks,
        columns: vec![
            c("Id", Varchar(64), true, at("/id"), "Token id"),
            c(
                "Kind",
                Varchar(32),
                true,
                at("/kind"),
                "API token (Cloud), API token (app) (Data Center's API Token Authentication app) or Personal access token (Data Center)",
            ),
            c(
                "Owner",
                Varchar(128),
                true,
                at_or_context("/accountId", "Owner"),
                "Owner's account id (Data Center: the user key; NULL for personal access tokens on Confluence's server)",
            )
            .pushed(params("userFilter")),
            c("OwnerEmail", Varchar(255), true, at_or_context("/email", "OwnerEmail"), "Owner's email address"),
            c("OwnerName", Varchar(255), true, at_or_context("/displayName", "OwnerName"), "Owner's display name"),
            c("Description", Varchar(255), true, at("/label"), "The token's label (Data Center: its name)").pushed(contains("q")),
            c("Created", Timestamp, true, at("/createdAt"), "When it was created (UTC)").pushed(range("createdAtFrom", "createdAtTo")),
            c("LastUsed", Timestamp, true, at("/lastUsedAt"), "When it last authenticated a request (UTC); NULL if never")
                .pushed(range("lastActiveAtFrom", "lastActiveAtTo")),
            c("Expires", Timestamp, true, at("/expiresAt"), "When it stops working (UTC); NULL if never (Data Center)")
                .pushed(range("fromExpiresDuring", "untilExpiresDuring")),
            c("Status", Varchar(16), true, at("/status"), "Cloud: ALLOWED or BLOCKED (the organization's policy); Data Center: ACTIVE or EXPIRED"),
        ],
        // Data Center's app tokens and personal access tokens are numbered apart.
        key: &["Kind", "Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![
            Part::list(list(ORG_TOKENS, "/data", Paging::Links(ORG_PAGE)).filtered_by(ORG_FILTERS).implying(ORG_SEARCH_TYPES).unnest(from_org_token))
                .on_data_center(None),
            Part { cloud: None, ..Part::list(app) },
            data_center,
        ]),
        writes: Some(Writes {
            delete: Some(delete("{admin}/users/{Owner}/manage/api-tokens/{Id}")),
            data_center: Some(DataCenterWrites {
                insert: None,
                update: None,
                delete: Some(delete("/rest/pat/latest/tokens/{Id}")),
                body: crate::catalog::unchanged,
                answer: crate::catalog::as_answered,
            }),
            delete_by: Some(("Kind", DC_DELETES)),
            ..Writes::default()
        }),
    }
}

/// One of the Admin API's `ApiToken`s in the table's shape.
fn from_org_token(t: &Value) -> Vec<Value> {
    vec![json!({
        "id": t.get("id"),
        "kind": "API token",
        "accountId": t.pointer("/user/id"),
        "email": t.pointer("/user/email"),
        "displayName": t.pointer("/user/name"),
        "label": t.get("label"),
        "createdAt": t.get("createdAt"),
        "lastUsedAt": t.get("lastActiveAt"),
        "expiresAt": t.get("expiresAt"),
        "status": t.get("status"),
    })]
}

/// A token of the API Token Authentication app in the table's shape (instants in epoch ms).
fn from_app_token(t: &Value) -> Vec<Value> {
    let expires = t.get("validUntil").and_then(Value::as_i64);
    let expired = expires.is_some_and(|e| e <= chrono::Utc::now().timestamp_millis());
    vec![json!({
        "id": t.get("id").map(crate::values::scalar_text),
        "kind": APP_KIND,
        "accountId": t.get("userKey"),
        "label": t.get("tokenDescription"),
        "createdAt": t.get("created"),
        "lastUsedAt": t.get("lastAccessed"),
        "expiresAt": expires,
        "status": if expired { "EXPIRED" } else { "ACTIVE" },
    })]
}

/// A Data Center personal access token in the table's shape.
pub(crate) fn from_pat(t: &Value) -> Vec<Value> {
    let expires = t.get("expiringAt").and_then(Value::as_str);
    let expired = expires.and_then(crate::values::parse_timestamp_millis).is_some_and(|e| e <= chrono::Utc::now().timestamp_millis());
    vec![json!({
        "id": t.get("id").map(crate::values::scalar_text),
        "kind": PAT_KIND,
        "label": t.get("name"),
        "createdAt": t.get("createdAt"),
        "lastUsedAt": t.get("lastAccessedAt"),
        "expiresAt": expires,
        "status": if expired { "EXPIRED" } else { "ACTIVE" },
    })]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_org_token_reads_as_the_table_row() {
        let t = json!({"id": "t1", "label": "CI", "status": "ALLOWED", "createdAt": "2026-01-02T03:04:05.000Z", "user": {"id": "acc", "name": "Alice", "email": "a@example.com"}});
        let row = &from_org_token(&t)[0];
        assert_eq!(row["accountId"], "acc");
        assert_eq!(row["email"], "a@example.com");
        assert_eq!(row["kind"], "API token");
        assert!(row["lastUsedAt"].is_null() && row["expiresAt"].is_null());
    }

    #[test]
    fn an_app_token_reads_as_the_table_row() {
        let t = json!({"id": 7, "tokenDescription": "Build", "userKey": "JIRAUSER10100", "created": 1_700_000_000_000i64, "lastAccessed": null, "validUntil": 1_000});
        let row = &from_app_token(&t)[0];
        assert_eq!(row["id"], "7");
        assert_eq!(row["kind"], APP_KIND);
        assert_eq!(row["accountId"], "JIRAUSER10100");
        assert_eq!(row["status"], "EXPIRED");
    }

    #[test]
    fn the_app_takes_the_table_parameters_by_its_own_names() {
        let t = table();
        let Source::Lists(parts) = &t.source else { panic!("lists") };
        let app = parts.iter().filter_map(|p| p.data_center).find(|e| e.path == APP_TOKENS).expect("the app's list");
        assert_eq!(app.sends("q"), Some("descriptionFilter"));
        assert_eq!(app.sends("createdAtTo"), Some("untilCreated"));
        assert_eq!(app.sends("userFilter"), Some("userFilter"));
        let pats = parts.iter().filter_map(|p| p.data_center).find(|e| e.path.starts_with("/rest/pat")).expect("PATs");
        assert_eq!(pats.sends("q"), None);
    }
}
