//! Data Center's personal access tokens REST API on the site, behind the site's auth middleware (a [`Principal`] is in the
//! request's extensions). All JSON; errors in Jira's `errorMessages` shape unless noted.
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
//! - System administrators: `POST /rest/pat/latest/tokens/search` `{page, limit, name, userKeys,
//!   isUsed, sortBy, orderBy}` → `{values: [token + userProfileResource]}`, every user's tokens
//!   (`name` a case-insensitive substring, `userKeys` the owners, `isUsed` whether it ever
//!   authenticated; `sortBy` one of `name`, `createdAt`, `expiringAt`, `lastAccessedAt`,
//!   `orderBy` `ASC` or `DESC`; `page` from 0); `DELETE /rest/pat/latest/admin/tokens` with a
//!   JSON array of ids → 204. Others get 403.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use crate::auth::Principal;
use crate::config::Flavor;
use crate::credentials::PersonalAccessToken;
use crate::errors::{ApiError, ApiResult};
use crate::routes::sourced::{Source, SourcedRoutes};
use crate::state::Sandbox;

/// Data Center's default limits for personal access tokens.
const PAT_MAX_DAYS: i64 = 365;
const PAT_MAX_PER_USER: usize = 10;
const MAX_LABEL: usize = 255;

/// Data Center's personal access tokens REST API
/// (https://confluence.atlassian.com/enterprise/using-personal-access-tokens-1026032365.html).
const PAT_API: Source = Source::Doc("https://confluence.atlassian.com/enterprise/using-personal-access-tokens-1026032365.html");

pub fn site_routes(flavor: Flavor) -> SourcedRoutes {
    match flavor {
        // Cloud has no API that creates or lists a user's own API tokens (users manage them at
        // id.atlassian.com/manage-profile/security/api-tokens); organization admins have the
        // Admin APIs on the gateway host ([`crate::routes::admin`]).
        Flavor::Cloud => SourcedRoutes::new(),
        Flavor::Datacenter => SourcedRoutes::new()
            .get("/rest/pat/latest/tokens", list_pats, PAT_API)
            .post("/rest/pat/latest/tokens", create_pat, PAT_API)
            .post("/rest/pat/latest/tokens/search", search_pats, PAT_API)
            .delete("/rest/pat/latest/admin/tokens", admin_delete_pats, PAT_API)
            .get("/rest/pat/latest/tokens/{id}", get_pat, PAT_API)
            .delete("/rest/pat/latest/tokens/{id}", delete_pat, PAT_API),
    }
}

// ------------------------------------------------------------------ helpers

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::jira(StatusCode::BAD_REQUEST, msg)
}

fn not_found(msg: &str) -> ApiError {
    ApiError::jira(StatusCode::NOT_FOUND, msg)
}

fn caller(p: &Principal) -> Result<String, ApiError> {
    p.account().map(str::to_string).ok_or_else(|| ApiError::jira(StatusCode::UNAUTHORIZED, "Client must be authenticated to access this resource."))
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

// ------------------------------------------------------------------ Data Center: PAT administration

/// The caller, when a system administrator; else 403.
fn sysadmin(sb: &Sandbox, p: &Principal) -> Result<String, ApiError> {
    let me = caller(p)?;
    if !p.is_admin(&sb.site.read()) {
        return Err(ApiError::jira(StatusCode::FORBIDDEN, "You must be a system administrator to manage other users' personal access tokens."));
    }
    Ok(me)
}

async fn search_pats(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>, body: String) -> ApiResult {
    sysadmin(&sb, &p)?;
    let m = json_object(&body)?;
    let page = int_field(&m, "page")?.unwrap_or(0);
    let limit = int_field(&m, "limit")?.unwrap_or(50);
    if page < 0 || !(1..=1000).contains(&limit) {
        return Err(bad("page must be 0 or more and limit between 1 and 1000."));
    }
    let name = string_field(&m, &["name"])?.unwrap_or_default().to_lowercase();
    let keys: Vec<String> = match m.get("userKeys") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => {
            a.iter().map(|k| k.as_str().map(str::to_string).ok_or_else(|| bad("userKeys must be a list of user keys."))).collect::<Result<_, _>>()?
        }
        Some(_) => return Err(bad("userKeys must be a list of user keys.")),
    };
    let used = match m.get("isUsed") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return Err(bad("isUsed must be true or false.")),
    };
    let sort = string_field(&m, &["sortBy"])?.unwrap_or_else(|| "createdAt".into());
    let descending = match string_field(&m, &["orderBy"])?.as_deref().map(str::to_ascii_uppercase).as_deref() {
        None | Some("ASC") => false,
        Some("DESC") => true,
        Some(_) => return Err(bad("orderBy must be ASC or DESC.")),
    };
    let creds = sb.credentials.read();
    let mut found: Vec<&PersonalAccessToken> = creds
        .pats
        .iter()
        .filter(|t| name.is_empty() || t.name.to_lowercase().contains(&name))
        .filter(|t| keys.is_empty() || keys.contains(&t.owner_id))
        .filter(|t| used.is_none_or(|u| t.last_accessed.is_some() == u))
        .collect();
    match sort.as_str() {
        "name" => found.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id))),
        "createdAt" => found.sort_by_key(|t| (t.created, t.id)),
        "expiringAt" => found.sort_by_key(|t| (t.expiring_at, t.id)),
        "lastAccessedAt" => found.sort_by_key(|t| (t.last_accessed, t.id)),
        other => return Err(bad(format!("Tokens cannot be sorted by '{other}'."))),
    }
    if descending {
        found.reverse();
    }
    let site = sb.site.read();
    let values: Vec<Value> = found
        .into_iter()
        .skip((page * limit) as usize)
        .take(limit as usize)
        .map(|t| {
            let mut v = pat_json(t);
            if let Some(u) = site.user(&t.owner_id) {
                v["userProfileResource"] = json!({"userKey": u.account_id, "username": u.email, "displayName": u.display_name, "email": u.email});
            }
            v
        })
        .collect();
    Ok(Json(json!({"values": values})))
}

async fn admin_delete_pats(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>, body: String) -> Result<StatusCode, ApiError> {
    sysadmin(&sb, &p)?;
    let ids: Vec<u64> = match serde_json::from_str::<Value>(&body) {
        Ok(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).ok_or_else(|| bad("The body must be a JSON array of token ids.")))
            .collect::<Result<_, _>>()?,
        _ => return Err(bad("The body must be a JSON array of token ids.")),
    };
    sb.credentials.write().pats.retain(|t| !ids.contains(&t.id));
    sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_center_times_have_millis_and_offset() {
        let t = DateTime::parse_from_rfc3339("2024-05-06T07:08:09.123Z").unwrap().with_timezone(&Utc);
        assert_eq!(dc_time(t), "2024-05-06T07:08:09.123+00:00");
    }
}
