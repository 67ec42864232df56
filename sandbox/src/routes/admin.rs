//! The organization's Admin APIs on the gateway host (`api.atlassian.com`), Cloud only: an
//! organization admin's view of the managed users' API tokens, authenticated by the
//! organization's API key as a bearer token (admin.atlassian.com > Settings > API keys). These
//! routes check the key themselves (they sit behind no site auth).
//!
//! - `GET /admin/api-access/v1/orgs/{orgId}/api-tokens` (admin-api-access): `{data: [ApiToken],
//!   links: {self, next}}`, `ApiToken` = `{id, label, status: ALLOWED, createdAt, expiresAt,
//!   lastActiveAt, user: {id, orgId, name, email}, scopes: []}` for live tokens, sorted by
//!   `sort` (`[-]label`, `user.name`, `createdAt`, `expiresAt`, `lastActiveAt`; default
//!   `-lastActiveAt`, never-used tokens last), then id. Filters: `q` (case-insensitive
//!   substring of the label, user name or email), `status` (`allowed`; `blocked` matches none:
//!   the sandbox blocks no tokens), `createdAtSearchType=range` with `createdAtFrom`/
//!   `createdAtTo` (ISO 8601, either or both), the same for `lastActiveAt` (the relative
//!   `gt`/`lt`/`range_time` searches answer 400 here: not emulated); `pageSize` 1..=1000
//!   (default 20) and `cursor` (the `links.next` of the page before, sent with the same
//!   filters). Errors `{errors: [{id, status, code, title}]}`.
//! - `GET /users/{account_id}/manage/api-tokens` (admin-user-management): the user's live
//!   tokens `[{id, label, createdAt, lastAccess}]`; `DELETE
//!   /users/{account_id}/manage/api-tokens/{tokenId}` → 204, the token stops authenticating at
//!   once. Errors `{key: unauthorized | forbidden | not-found}`.
//!
//! A wrong or missing key is 401; another organization's id is 403.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use crate::credentials::{api_token_status, ApiToken};
use crate::routes::sourced::{Source, SourcedRoutes, Spec};
use crate::state::Sandbox;

const MAX_PAGE: usize = 1000;

pub fn routes() -> SourcedRoutes {
    let (access, users) = (Source::Spec(Spec::AdminApiAccess), Source::Spec(Spec::AdminUserManagement));
    SourcedRoutes::new()
        .get("/admin/api-access/v1/orgs/{orgId}/api-tokens", org_api_tokens, access)
        .get("/users/{account_id}/manage/api-tokens", user_api_tokens, users)
        .delete("/users/{account_id}/manage/api-tokens/{tokenId}", delete_user_api_token, users)
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Whether the request carries the organization's API key.
fn has_org_key(sb: &Sandbox, headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
        .is_some_and(|k| k.trim() == sb.config.org_api_key)
}

fn access_error(status: StatusCode, code: &str, title: &str) -> Response {
    let id = format!("sandbox-{}", rand::random::<u32>());
    (status, Json(json!({"errors": [{"id": id, "status": status.as_u16().to_string(), "code": code, "title": title}]}))).into_response()
}

fn users_error(status: StatusCode, key: &str) -> Response {
    (status, Json(json!({"key": key}))).into_response()
}

fn live(t: &ApiToken, now: DateTime<Utc>) -> bool {
    api_token_status(t, now) == "ACTIVE"
}

fn param(q: &[(String, String)], name: &str) -> Option<String> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// A bad search: the error code and title the API answers with (400).
type BadSearch = (&'static str, String);

/// A `range` window: from and to, either open.
type Window = Option<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)>;

fn instant(q: &[(String, String)], name: &str) -> Result<Option<DateTime<Utc>>, BadSearch> {
    match param(q, name) {
        None => Ok(None),
        Some(v) => DateTime::parse_from_rfc3339(&v)
            .map(|d| Some(d.with_timezone(&Utc)))
            .map_err(|_| ("INVALID_FIELD_FORMAT", format!("{name} must be an ISO 8601 timestamp"))),
    }
}

/// A `range` window on one date field: `{field}From` and `{field}To`, both optional.
fn window(q: &[(String, String)], field: &str) -> Result<Window, BadSearch> {
    let (from, to) = (instant(q, &format!("{field}From"))?, instant(q, &format!("{field}To"))?);
    match param(q, &format!("{field}SearchType")).as_deref() {
        None if from.is_none() && to.is_none() => Ok(None),
        None => Err(("INVALID_API_TOKEN_SEARCH_QUERY", format!("{field}SearchType is required when searching on {field}"))),
        Some("range") if from.is_some() || to.is_some() => Ok(Some((from, to))),
        Some("range") => Err(("INVALID_API_TOKEN_SEARCH_QUERY", format!("{field}From or {field}To is required for a range search"))),
        Some(other @ ("gt" | "lt" | "range_time")) => {
            Err(("INVALID_API_TOKEN_SEARCH_QUERY", format!("{field}SearchType '{other}' is not emulated by the sandbox (range is)")))
        }
        Some(other) => Err(("INVALID_API_TOKEN_SEARCH_QUERY", format!("{field}SearchType '{other}' must be range, gt, lt or range_time"))),
    }
}

fn within(t: Option<DateTime<Utc>>, w: &Window) -> bool {
    match w {
        None => true,
        Some((from, to)) => t.is_some_and(|t| from.is_none_or(|f| t >= f) && to.is_none_or(|e| t <= e)),
    }
}

async fn org_api_tokens(State(sb): State<Arc<Sandbox>>, headers: HeaderMap, Path(org): Path<String>, RawQuery(raw): RawQuery) -> Response {
    if !has_org_key(&sb, &headers) {
        return access_error(StatusCode::UNAUTHORIZED, "GENERIC_ERROR", "Unauthorized");
    }
    if org != sb.config.org_id {
        return access_error(StatusCode::FORBIDDEN, "GENERIC_ERROR", "The API key does not belong to this organization");
    }
    let q: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect();
    let size = match param(&q, "pageSize").map(|v| v.parse::<usize>()) {
        None => 20,
        Some(Ok(n)) if (1..=MAX_PAGE).contains(&n) => n,
        Some(_) => return access_error(StatusCode::BAD_REQUEST, "INVALID_PAGE_SIZE", "pageSize must be between 1 and 1000"),
    };
    let (created, active) = match (window(&q, "createdAt"), window(&q, "lastActiveAt")) {
        (Ok(c), Ok(a)) => (c, a),
        (Err((code, title)), _) | (_, Err((code, title))) => return access_error(StatusCode::BAD_REQUEST, code, &title),
    };
    let text = param(&q, "q").map(|s| s.to_lowercase());
    let blocked_only = match param(&q, "status").as_deref() {
        None | Some("allowed") => false,
        Some("blocked") => true,
        Some(other) => return access_error(StatusCode::BAD_REQUEST, "INVALID_FIELD_FORMAT", &format!("status '{other}' must be allowed or blocked")),
    };
    let after = param(&q, "cursor");
    let now = sb.clock.now();
    let site = sb.site.read();
    let creds = sb.credentials.read();
    let mut tokens: Vec<&ApiToken> = creds
        .api_tokens
        .iter()
        .filter(|t| live(t, now) && !blocked_only)
        .filter(|t| within(Some(t.created), &created) && within(t.last_used, &active))
        .filter(|t| {
            let user = site.user(&t.owner_id);
            text.as_deref().is_none_or(|s| {
                t.label.to_lowercase().contains(s) || user.is_some_and(|u| u.display_name.to_lowercase().contains(s) || u.email.to_lowercase().contains(s))
            })
        })
        .collect();
    let sort = param(&q, "sort").unwrap_or_else(|| "-lastActiveAt".into());
    let (descending, field) = match sort.strip_prefix('-') {
        Some(f) => (true, f.to_string()),
        None => (false, sort.trim_start_matches('+').to_string()),
    };
    let key = |t: &ApiToken| -> Option<String> {
        match field.as_str() {
            "label" => Some(t.label.to_lowercase()),
            "user.name" => site.user(&t.owner_id).map(|u| u.display_name.to_lowercase()),
            "createdAt" => Some(iso(t.created)),
            "expiresAt" => Some(iso(t.expires)),
            _ => t.last_used.map(iso),
        }
    };
    if !["label", "user.name", "createdAt", "expiresAt", "lastActiveAt"].contains(&field.as_str()) {
        return access_error(
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD_FORMAT",
            &format!("sort '{sort}' is not one of label, user.name, createdAt, expiresAt, lastActiveAt"),
        );
    }
    tokens.sort_by(|a, b| {
        let by = match (key(a), key(b)) {
            (Some(x), Some(y)) if descending => y.cmp(&x),
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        by.then_with(|| a.id.cmp(&b.id))
    });
    let start = match &after {
        Some(c) => match tokens.iter().position(|t| t.id == *c) {
            Some(i) => i + 1,
            None => return access_error(StatusCode::BAD_REQUEST, "INVALID_API_TOKEN_SEARCH_QUERY", "The cursor is not valid"),
        },
        None => 0,
    };
    let page: Vec<&ApiToken> = tokens.iter().skip(start).take(size).copied().collect();
    let data: Vec<Value> = page
        .iter()
        .map(|t| {
            let user = site.user(&t.owner_id);
            let mut v = json!({
                "id": t.id,
                "label": t.label,
                "status": "ALLOWED",
                "createdAt": iso(t.created),
                "expiresAt": iso(t.expires),
                "user": {"id": t.owner_id, "orgId": sb.config.org_id, "name": user.map(|u| u.display_name.clone()).unwrap_or_default(), "email": user.map(|u| u.email.clone()).unwrap_or_default()},
                "scopes": [],
            });
            if let Some(l) = t.last_used {
                v["lastActiveAt"] = json!(iso(l));
            }
            v
        })
        .collect();
    let mut links = json!({});
    if let Some(c) = &after {
        links["self"] = json!(c);
    }
    if start + page.len() < tokens.len() {
        if let Some(last) = page.last() {
            links["next"] = json!(last.id);
        }
    }
    Json(json!({"data": data, "links": links})).into_response()
}

/// The user-management API answers for the organization's managed accounts.
fn managed(sb: &Sandbox, headers: &HeaderMap, account: &str) -> Result<(), Box<Response>> {
    if !has_org_key(sb, headers) {
        return Err(Box::new(users_error(StatusCode::UNAUTHORIZED, "unauthorized")));
    }
    if sb.site.read().user(account).is_none() {
        return Err(Box::new(users_error(StatusCode::NOT_FOUND, "not-found")));
    }
    Ok(())
}

async fn user_api_tokens(State(sb): State<Arc<Sandbox>>, headers: HeaderMap, Path(account): Path<String>) -> Response {
    if let Err(r) = managed(&sb, &headers, &account) {
        return *r;
    }
    let now = sb.clock.now();
    let creds = sb.credentials.read();
    let list: Vec<Value> = creds
        .api_tokens
        .iter()
        .filter(|t| t.owner_id == account && live(t, now))
        .map(|t| {
            let mut v = json!({"id": t.id, "label": t.label, "createdAt": iso(t.created)});
            if let Some(l) = t.last_used {
                v["lastAccess"] = json!(iso(l));
            }
            v
        })
        .collect();
    Json(Value::Array(list)).into_response()
}

async fn delete_user_api_token(State(sb): State<Arc<Sandbox>>, headers: HeaderMap, Path((account, token)): Path<(String, String)>) -> Response {
    if let Err(r) = managed(&sb, &headers, &account) {
        return *r;
    }
    let now = sb.clock.now();
    let exists = sb.credentials.read().api_tokens.iter().any(|t| t.id == token && t.owner_id == account && live(t, now));
    if !exists {
        return users_error(StatusCode::NOT_FOUND, "not-found");
    }
    sb.credentials.write().revoke_api_token(&token);
    sb.persist();
    StatusCode::NO_CONTENT.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_range_search_needs_its_type_and_a_bound() {
        let t = DateTime::parse_from_rfc3339("2024-03-01T12:00:00+02:00").unwrap().with_timezone(&Utc);
        assert_eq!(iso(t), "2024-03-01T10:00:00.000Z");
        assert!(window(&q(&[]), "createdAt").unwrap().is_none());
        let w = window(&q(&[("createdAtSearchType", "range"), ("createdAtFrom", "2024-03-01T00:00:00Z")]), "createdAt").unwrap();
        assert!(within(Some(t), &w) && !within(None, &w));
        let w = window(&q(&[("createdAtSearchType", "range"), ("createdAtTo", "2024-03-01T00:00:00Z")]), "createdAt").unwrap();
        assert!(!within(Some(t), &w));
        assert!(window(&q(&[("createdAtFrom", "2024-03-01T00:00:00Z")]), "createdAt").is_err(), "the type is required");
        assert!(window(&q(&[("createdAtSearchType", "range")]), "createdAt").is_err(), "and a bound");
        assert!(window(&q(&[("createdAtSearchType", "range"), ("createdAtFrom", "yesterday")]), "createdAt").is_err());
    }
}
