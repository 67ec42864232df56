//! Token REST APIs on the site, behind the site's auth middleware (a [`Principal`] is in the
//! request's extensions). All JSON; errors in Jira's `errorMessages` shape unless noted.
//!
//! # Cloud: API tokens and the admin Token Manager
//!
//! A token as listed: `{id, label, accountId, email, displayName, createdAt, createdBy, lastUsedAt,
//! expiresAt, status}` (`status`: `ACTIVE`, `EXPIRED` or `REVOKED`; times ISO 8601, null when never
//! used). The secret is only in the creation response (`token`) and only its digest is stored.
//!
//! - `GET /rest/api-tokens/latest/tokens`: the Token Manager list, paged Jira-style
//!   (`{startAt, maxResults, total, isLast, values}`; `startAt`, `maxResults` up to 1000). Filters:
//!   `user` (repeatable or comma-separated, account ids or emails), `label` / `description`
//!   (case-insensitive substring), `createdFrom`/`createdTo`, `lastUsedFrom`/`lastUsedTo`,
//!   `expiresFrom`/`expiresTo` (`YYYY-MM-DD`, inclusive whole days, or RFC 3339 instants),
//!   `status` (comma-separated; default `ACTIVE,EXPIRED`; `ALL`). Site admins (group
//!   `site-admins`) see everyone's tokens; other users only their own (403 if they ask for others).
//! - `POST /rest/api-tokens/latest/tokens` `{"label": .., "accountId"|"user": .. (default: the
//!   caller), "expiresInDays": n | "expiresAt": date}` → 201 with `token`. For oneself the expiry is
//!   1..=365 days (default 365, as Atlassian's API tokens); only a site admin may create a token
//!   for someone else, with an expiry of at most `--token-manager-max-days` (default and maximum;
//!   beyond it: 400 naming the limit).
//! - `GET /rest/api-tokens/latest/tokens/{id}`; `DELETE /rest/api-tokens/latest/tokens/{id}` → 204:
//!   revokes (owner or site admin); Basic auth with it fails at once.
//! - Atlassian's user-management shape, for the caller (or a site admin): `GET
//!   /users/{account_id}/manage/api-tokens` → `[{id, label, createdAt, lastAccess, expiry}]` (live
//!   tokens) and `DELETE /users/{account_id}/manage/api-tokens/{tokenId}` → 204 (errors in the
//!   gateway's `{code, message}` shape there).
//!
//! # Data Center: personal access tokens, as `/rest/pat/latest/tokens` documents them
//!
//! - `GET /rest/pat/latest/tokens` → the caller's tokens `[{id, name, createdAt, expiringAt,
//!   lastAccessedAt}]` (absent fields omitted).
//! - `POST /rest/pat/latest/tokens` `{"name": .., "expirationDuration": days}` → 201 `{id, name,
//!   createdAt, expiringAt, rawToken}`; without `expirationDuration` the token never expires;
//!   1..=365 days; at most 10 tokens per user (Atlassian's default limits). The raw token works as
//!   `Authorization: Bearer` at once.
//! - `GET /rest/pat/latest/tokens/{id}`; `DELETE /rest/pat/latest/tokens/{id}` → 204: the token
//!   stops authenticating at once.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use serde_json::{json, Value};

use crate::auth::Principal;
use crate::config::Flavor;
use crate::credentials::{api_token_status, ApiToken, PersonalAccessToken};
use crate::errors::{ApiError, ApiResult, Family};
use crate::model::Site;
use crate::routes::sourced::{Source, SourcedRoutes, Spec};
use crate::state::Sandbox;

/// The longest expiry of a user's own API token (Atlassian: 1 to 365 days).
const SELF_MAX_DAYS: i64 = 365;
/// Data Center's default limits for personal access tokens.
const PAT_MAX_DAYS: i64 = 365;
const PAT_MAX_PER_USER: usize = 10;
const MAX_LABEL: usize = 255;

/// Data Center's personal access tokens REST API
/// (https://confluence.atlassian.com/enterprise/using-personal-access-tokens-1026032365.html).
const PAT_API: Source = Source::Doc("https://confluence.atlassian.com/enterprise/using-personal-access-tokens-1026032365.html");

pub fn site_routes(flavor: Flavor) -> SourcedRoutes {
    let um = Source::Spec(Spec::AdminUserManagement);
    let invented = Source::Invented("no Atlassian API lists or creates Cloud API tokens: the Admin API-access API replaces it");
    match flavor {
        Flavor::Cloud => SourcedRoutes::new()
            .get("/rest/api-tokens/latest/tokens", list_api_tokens, invented)
            .post("/rest/api-tokens/latest/tokens", create_api_token, invented)
            .get("/rest/api-tokens/latest/tokens/{id}", get_api_token, invented)
            .delete("/rest/api-tokens/latest/tokens/{id}", revoke_api_token, invented)
            .get("/users/{account_id}/manage/api-tokens", um_list_api_tokens, um)
            .delete("/users/{account_id}/manage/api-tokens/{tokenId}", um_delete_api_token, um),
        Flavor::Datacenter => SourcedRoutes::new()
            .get("/rest/pat/latest/tokens", list_pats, PAT_API)
            .post("/rest/pat/latest/tokens", create_pat, PAT_API)
            .get("/rest/pat/latest/tokens/{id}", get_pat, PAT_API)
            .delete("/rest/pat/latest/tokens/{id}", delete_pat, PAT_API),
    }
}

// ------------------------------------------------------------------ helpers

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::jira(StatusCode::BAD_REQUEST, msg)
}

fn not_found(msg: &str) -> ApiError {
    ApiError::jira(StatusCode::NOT_FOUND, msg)
}

fn caller(p: &Principal) -> Result<String, ApiError> {
    p.account().map(str::to_string).ok_or_else(|| ApiError::jira(StatusCode::UNAUTHORIZED, "Client must be authenticated to access this resource."))
}

fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn query_one<'a>(q: &'a [(String, String)], names: &[&str]) -> Option<&'a str> {
    q.iter().find(|(k, _)| names.contains(&k.as_str())).map(|(_, v)| v.as_str()).filter(|v| !v.trim().is_empty())
}

/// A JSON object body, or a 400 in Jira's shape.
fn json_object(body: &str) -> Result<serde_json::Map<String, Value>, ApiError> {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(bad("The request body must be a JSON object.")),
        Err(e) => Err(bad(format!("The request body is not valid JSON: {e}"))),
    }
}

fn string_field(m: &serde_json::Map<String, Value>, names: &[&str]) -> Result<Option<String>, ApiError> {
    for n in names {
        match m.get(*n) {
            None | Some(Value::Null) => continue,
            Some(Value::String(s)) => return Ok(Some(s.trim().to_string())),
            Some(_) => return Err(bad(format!("The field '{n}' must be a string."))),
        }
    }
    Ok(None)
}

fn int_field(m: &serde_json::Map<String, Value>, name: &str) -> Result<Option<i64>, ApiError> {
    match m.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| bad(format!("The field '{name}' must be a whole number of days."))),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| bad(format!("The field '{name}' must be a whole number of days."))),
        Some(_) => Err(bad(format!("The field '{name}' must be a whole number of days."))),
    }
}

/// A date-only value (whole day) or an instant; `end` picks the exclusive end of a whole day.
fn parse_instant(name: &str, v: &str, end: bool) -> Result<DateTime<Utc>, ApiError> {
    let v = v.trim();
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        let day = if end { d.succ_opt().unwrap_or(d) } else { d };
        return day.and_hms_opt(0, 0, 0).map(|t| t.and_utc()).ok_or_else(|| bad(format!("Invalid date for {name}: {v}")));
    }
    DateTime::parse_from_rfc3339(v).map(|t| t.with_timezone(&Utc)).map_err(|_| bad(format!("Invalid date for {name}: '{v}'. Use YYYY-MM-DD or an ISO 8601 date-time.")))
}

fn resolve_user(site: &Site, who: &str) -> Option<String> {
    site.user(who).or_else(|| site.user_by_email(who)).map(|u| u.account_id.clone())
}

// ------------------------------------------------------------------ Cloud: API tokens

fn api_token_json(site: &Site, t: &ApiToken, now: DateTime<Utc>) -> Value {
    let owner = site.user(&t.owner_id);
    json!({
        "id": t.id,
        "label": t.label,
        "accountId": t.owner_id,
        "email": owner.map(|u| u.email.as_str()),
        "displayName": owner.map(|u| u.display_name.as_str()),
        "createdAt": iso(t.created),
        "createdBy": t.created_by,
        "lastUsedAt": t.last_used.map(iso),
        "expiresAt": iso(t.expires),
        "status": api_token_status(t, now),
    })
}

/// An optional `[from, to)` range.
type Range = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Optional `[from, to)` range filter from two query parameters.
fn range(q: &[(String, String)], from: &str, to: &str) -> Result<Range, ApiError> {
    let f = query_one(q, &[from]).map(|v| parse_instant(from, v, false)).transpose()?;
    let t = query_one(q, &[to]).map(|v| parse_instant(to, v, true)).transpose()?;
    Ok((f, t))
}

fn in_range(t: Option<DateTime<Utc>>, r: &Range) -> bool {
    match (r, t) {
        ((None, None), _) => true,
        (_, None) => false,
        ((f, to), Some(t)) => f.is_none_or(|f| t >= f) && to.is_none_or(|to| t < to),
    }
}

async fn list_api_tokens(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>, RawQuery(raw): RawQuery) -> ApiResult {
    let me = caller(&p)?;
    let q = query_pairs(raw.as_deref());
    let now = sb.clock.now();
    let site = sb.site.read();
    let admin = p.is_admin(&site);
    let mut users: Vec<String> = Vec::new();
    for (_, v) in q.iter().filter(|(k, _)| k == "user" || k == "accountId") {
        for who in v.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let id = resolve_user(&site, who).ok_or_else(|| bad(format!("The user '{who}' does not exist.")))?;
            users.push(id);
        }
    }
    if !admin && users.iter().any(|u| *u != me) {
        return Err(ApiError::jira(StatusCode::FORBIDDEN, "Only site administrators can see other users' API tokens."));
    }
    if !admin && users.is_empty() {
        users.push(me.clone());
    }
    let label = query_one(&q, &["label", "description"]).map(str::to_lowercase);
    let created = range(&q, "createdFrom", "createdTo")?;
    let last_used = range(&q, "lastUsedFrom", "lastUsedTo")?;
    let expires = range(&q, "expiresFrom", "expiresTo")?;
    let statuses: Vec<String> = match query_one(&q, &["status"]) {
        None => vec!["ACTIVE".into(), "EXPIRED".into()],
        Some(s) => {
            let v: Vec<String> = s.split(',').map(|x| x.trim().to_uppercase()).filter(|x| !x.is_empty()).collect();
            if let Some(badv) = v.iter().find(|x| !matches!(x.as_str(), "ACTIVE" | "EXPIRED" | "REVOKED" | "ALL")) {
                return Err(bad(format!("Invalid status '{badv}': use ACTIVE, EXPIRED, REVOKED or ALL.")));
            }
            v
        }
    };
    let start_at: usize = match query_one(&q, &["startAt"]) {
        None => 0,
        Some(v) => v.trim().parse().map_err(|_| bad("startAt must be a non-negative whole number."))?,
    };
    let max_results: usize = match query_one(&q, &["maxResults"]) {
        None => 50,
        Some(v) => v.trim().parse::<usize>().map_err(|_| bad("maxResults must be a whole number."))?.clamp(1, 1000),
    };
    let creds = sb.credentials.read();
    let mut matching: Vec<&ApiToken> = creds
        .api_tokens
        .iter()
        .filter(|t| users.is_empty() || users.contains(&t.owner_id))
        .filter(|t| label.as_deref().is_none_or(|l| t.label.to_lowercase().contains(l)))
        .filter(|t| in_range(Some(t.created), &created) && in_range(t.last_used, &last_used) && in_range(Some(t.expires), &expires))
        .filter(|t| statuses.iter().any(|s| s == "ALL" || s == api_token_status(t, now)))
        .collect();
    // Stable: tokens created at the same instant keep their creation order.
    matching.sort_by_key(|t| t.created);
    let total = matching.len();
    let values: Vec<Value> = matching.iter().skip(start_at).take(max_results).map(|t| api_token_json(&site, t, now)).collect();
    Ok(Json(json!({
        "startAt": start_at,
        "maxResults": max_results,
        "total": total,
        "isLast": start_at.saturating_add(values.len()) >= total,
        "values": values,
    })))
}

async fn create_api_token(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>, body: String) -> Result<Response, ApiError> {
    let me = caller(&p)?;
    let m = json_object(&body)?;
    let label = string_field(&m, &["label", "description"])?.unwrap_or_default();
    if label.is_empty() {
        return Err(bad("A label is required."));
    }
    if label.chars().count() > MAX_LABEL {
        return Err(bad(format!("The label must be at most {MAX_LABEL} characters.")));
    }
    let now = sb.clock.now();
    let (owner, admin) = {
        let site = sb.site.read();
        let admin = p.is_admin(&site);
        let owner = match string_field(&m, &["accountId", "user"])? {
            None => me.clone(),
            Some(who) => {
                let u = site.user(&who).or_else(|| site.user_by_email(&who)).ok_or_else(|| bad(format!("The user '{who}' does not exist.")))?;
                if !u.active {
                    return Err(bad(format!("The user '{who}' is deactivated.")));
                }
                u.account_id.clone()
            }
        };
        (owner, admin)
    };
    let for_other = owner != me;
    if for_other && !admin {
        return Err(ApiError::jira(StatusCode::FORBIDDEN, "Only site administrators can create API tokens for other users."));
    }
    let max_days = if for_other { sb.config.token_manager_max_days.clamp(1, 3660) } else { SELF_MAX_DAYS };
    let limit_msg = |what: &str| {
        if for_other {
            format!("{what} exceeds the maximum of {max_days} days a Token Manager administrator may set for another user's token.")
        } else {
            format!("{what} exceeds the maximum of {max_days} days for an API token.")
        }
    };
    let expires = match (int_field(&m, "expiresInDays")?, string_field(&m, &["expiresAt"])?) {
        (Some(_), Some(_)) => return Err(bad("Give either expiresInDays or expiresAt, not both.")),
        (Some(days), None) => {
            if days < 1 {
                return Err(bad("expiresInDays must be at least 1."));
            }
            if days > max_days {
                return Err(bad(limit_msg(&format!("An expiration of {days} days"))));
            }
            now + Duration::days(days)
        }
        (None, Some(at)) => {
            let at = parse_instant("expiresAt", &at, true)?;
            if at <= now {
                return Err(bad("expiresAt must be in the future."));
            }
            if at > now + Duration::days(max_days) {
                return Err(bad(limit_msg("The expiration date")));
            }
            at
        }
        (None, None) => now + Duration::days(max_days),
    };
    let (token, secret) = sb.credentials.write().create_api_token(&owner, &label, expires, &me, now);
    sb.persist();
    let mut v = api_token_json(&sb.site.read(), &token, now);
    v["token"] = json!(secret);
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// A token the caller may see: their own, or anyone's for a site admin.
fn visible_token(sb: &Sandbox, p: &Principal, id: &str) -> Result<ApiToken, ApiError> {
    let me = caller(p)?;
    let admin = p.is_admin(&sb.site.read());
    let t = sb.credentials.read().api_tokens.iter().find(|t| t.id == id).cloned();
    t.filter(|t| admin || t.owner_id == me).ok_or_else(|| not_found("The API token does not exist."))
}

async fn get_api_token(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>, Path(id): Path<String>) -> ApiResult {
    let t = visible_token(&sb, &p, &id)?;
    Ok(Json(api_token_json(&sb.site.read(), &t, sb.clock.now())))
}

async fn revoke_api_token(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    let t = visible_token(&sb, &p, &id)?;
    sb.credentials.write().revoke_api_token(&t.id);
    sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

fn um_error(status: StatusCode, msg: &str) -> ApiError {
    ApiError::new(Family::Gateway, status, msg)
}

/// The caller may manage this account: it is their own, or they are a site admin.
fn um_check(sb: &Sandbox, p: &Principal, account_id: &str) -> Result<(), ApiError> {
    let me = p.account().ok_or_else(|| um_error(StatusCode::UNAUTHORIZED, "Unauthorized"))?;
    let site = sb.site.read();
    if site.user(account_id).is_none() {
        return Err(um_error(StatusCode::NOT_FOUND, "Not Found"));
    }
    if me != account_id && !p.is_admin(&site) {
        return Err(um_error(StatusCode::FORBIDDEN, "Forbidden"));
    }
    Ok(())
}

async fn um_list_api_tokens(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>, Path(account_id): Path<String>) -> ApiResult {
    um_check(&sb, &p, &account_id)?;
    let now = sb.clock.now();
    let creds = sb.credentials.read();
    let list: Vec<Value> = creds
        .api_tokens
        .iter()
        .filter(|t| t.owner_id == account_id && api_token_status(t, now) == "ACTIVE")
        .map(|t| json!({"id": t.id, "label": t.label, "createdAt": iso(t.created), "lastAccess": t.last_used.map(iso), "expiry": iso(t.expires)}))
        .collect();
    Ok(Json(Value::Array(list)))
}

async fn um_delete_api_token(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>, Path((account_id, token_id)): Path<(String, String)>) -> Result<StatusCode, ApiError> {
    um_check(&sb, &p, &account_id)?;
    let exists = sb.credentials.read().api_tokens.iter().any(|t| t.id == token_id && t.owner_id == account_id && !t.revoked);
    if !exists {
        return Err(um_error(StatusCode::NOT_FOUND, "Not Found"));
    }
    sb.credentials.write().revoke_api_token(&token_id);
    sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

// ------------------------------------------------------------------ Data Center: PATs

/// Data Center prints instants with milliseconds and an offset.
fn dc_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

fn pat_json(t: &PersonalAccessToken) -> Value {
    let mut v = json!({"id": t.id, "name": t.name, "createdAt": dc_time(t.created)});
    if let Some(e) = t.expiring_at {
        v["expiringAt"] = json!(dc_time(e));
    }
    if let Some(l) = t.last_accessed {
        v["lastAccessedAt"] = json!(dc_time(l));
    }
    v
}

async fn list_pats(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>) -> ApiResult {
    let me = caller(&p)?;
    let creds = sb.credentials.read();
    let list: Vec<Value> = creds.pats.iter().filter(|t| t.owner_id == me).map(pat_json).collect();
    Ok(Json(Value::Array(list)))
}

async fn create_pat(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>, body: String) -> Result<Response, ApiError> {
    let me = caller(&p)?;
    let m = json_object(&body)?;
    let name = string_field(&m, &["name"])?.unwrap_or_default();
    if name.is_empty() {
        return Err(bad("Token name is required."));
    }
    if name.chars().count() > MAX_LABEL {
        return Err(bad(format!("Token name must be at most {MAX_LABEL} characters.")));
    }
    let days = int_field(&m, "expirationDuration")?;
    if let Some(d) = days {
        if !(1..=PAT_MAX_DAYS).contains(&d) {
            return Err(bad(format!("expirationDuration must be between 1 and {PAT_MAX_DAYS} days.")));
        }
    }
    let now = sb.clock.now();
    let created = {
        let mut creds = sb.credentials.write();
        if creds.pats.iter().filter(|t| t.owner_id == me).count() >= PAT_MAX_PER_USER {
            None
        } else {
            Some(creds.create_pat(&me, &name, days.map(|d| now + Duration::days(d)), now))
        }
    };
    let Some((t, raw)) = created else {
        return Err(bad(format!("You can't create more than {PAT_MAX_PER_USER} personal access tokens. Revoke one to create a new one.")));
    };
    sb.persist();
    let mut v = pat_json(&t);
    v["rawToken"] = json!(raw);
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

fn pat_id(id: &str) -> Result<u64, ApiError> {
    id.parse().map_err(|_| not_found("The personal access token does not exist."))
}

async fn get_pat(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>, Path(id): Path<String>) -> ApiResult {
    let me = caller(&p)?;
    let id = pat_id(&id)?;
    let creds = sb.credentials.read();
    creds.pats.iter().find(|t| t.id == id && t.owner_id == me).map(|t| Json(pat_json(t))).ok_or_else(|| not_found("The personal access token does not exist."))
}

async fn delete_pat(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    let me = caller(&p)?;
    let id = pat_id(&id)?;
    if !sb.credentials.write().delete_pat(&me, id) {
        return Err(not_found("The personal access token does not exist."));
    }
    sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_filters_cover_whole_days() {
        let from = parse_instant("createdFrom", "2024-03-01", false).unwrap();
        let to = parse_instant("createdTo", "2024-03-01", true).unwrap();
        assert_eq!(to - from, Duration::days(1));
        let at = parse_instant("x", "2024-03-01T12:00:00+02:00", false).unwrap();
        assert_eq!(iso(at), "2024-03-01T10:00:00.000Z");
        assert!(parse_instant("x", "yesterday", false).is_err());
        assert!(in_range(Some(at), &(Some(from), Some(to))));
        assert!(!in_range(None, &(Some(from), None)));
        assert!(in_range(None, &(None, None)));
    }

    #[test]
    fn data_center_times_have_millis_and_offset() {
        let t = DateTime::parse_from_rfc3339("2024-05-06T07:08:09.123Z").unwrap().with_timezone(&Utc);
        assert_eq!(dc_time(t), "2024-05-06T07:08:09.123+00:00");
    }
}
