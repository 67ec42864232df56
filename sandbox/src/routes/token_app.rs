//! The "API Token Authentication" Marketplace app by resolution, for Jira and Confluence Data
//! Center (seed 003): users make tokens that sign them in as Basic `user:token` (or Bearer), and
//! admins manage everyone's. Served behind the site's auth middleware, on Data Center only,
//! unless `--without-token-app`.
//!
//! # The app's REST API, as its admin guide documents it
//! (https://wiki.resolution.de/doc/api-token-authentication/latest/admin-guide/rest-api), under
//! `{base}/rest/de.resolution.apitokenauth/latest`:
//!
//! - `POST /user/token` `{tokenDescription, tokenValidityTimeInMonths | tokenExpirationDateTime,
//!   tokenForUserKey}` → the token with its `plainTextToken`, shown this once. Validity is
//!   bounded by the app's admin setting (`--token-app-max-months`); beyond it the request is
//!   refused with the app's message. Only admins may create tokens for another user.
//! - `GET /user/token` → the caller's own tokens.
//! - `GET /user/tokensByFilter` with `userFilter` (repeatable), `descriptionFilter`
//!   (case-insensitive), `fromCreated`/`untilCreated`, `fromLastUsed`/`untilLastUsed`,
//!   `fromExpiresDuring`/`untilExpiresDuring`, `page`, `limit`: admins search every user's
//!   tokens, others their own.
//! - `PATCH /user/token/{id}` `{tokenDescription}`; `DELETE /user/token/{id}`: the owner or an
//!   admin.
//!
//! A token is `{id, tokenDescription, userKey, created, lastAccessed, validUntil}`; instants
//! are epoch milliseconds, as the app (Jackson's default for dates) writes them, and the date
//! parameters take them the same way (RFC 3339 text is read too).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Months, Utc};
use serde_json::{json, Map, Value};

use crate::auth::Principal;
use crate::credentials::AppToken;
use crate::errors::{ApiError, ApiResult};
use crate::routes::sourced::{Source, SourcedRoutes};
use crate::state::Sandbox;

const APP_API: Source = Source::Doc("https://wiki.resolution.de/doc/api-token-authentication/latest/admin-guide/rest-api");
const BASE: &str = "/rest/de.resolution.apitokenauth/latest";
/// The app's page size when a search names none, and the most it gives at once.
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 1000;
const MAX_DESCRIPTION: usize = 255;

pub fn routes() -> SourcedRoutes {
    SourcedRoutes::new()
        .get(&format!("{BASE}/user/token"), own_tokens, APP_API)
        .post(&format!("{BASE}/user/token"), create_token, APP_API)
        .get(&format!("{BASE}/user/tokensByFilter"), tokens_by_filter, APP_API)
        .patch(&format!("{BASE}/user/token/{{id}}"), update_token, APP_API)
        .delete(&format!("{BASE}/user/token/{{id}}"), delete_token, APP_API)
}

fn refused(status: StatusCode, msg: impl Into<String>) -> ApiError {
    ApiError::jira(status, msg)
}

fn caller(p: &Principal) -> Result<String, ApiError> {
    p.account().map(str::to_string).ok_or_else(|| refused(StatusCode::UNAUTHORIZED, "You must be logged in to manage API tokens."))
}

fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn token_json(t: &AppToken) -> Value {
    json!({
        "id": t.id,
        "tokenDescription": t.description,
        "userKey": t.owner_id,
        "created": millis(t.created),
        "lastAccessed": t.last_accessed.map(millis),
        "validUntil": t.valid_until.map(millis),
    })
}

/// An instant given as epoch milliseconds (the app's form) or RFC 3339 text.
fn instant(v: &str) -> Option<DateTime<Utc>> {
    let v = v.trim();
    match v.parse::<i64>() {
        Ok(ms) => DateTime::from_timestamp_millis(ms),
        Err(_) => DateTime::parse_from_rfc3339(v).ok().map(|t| t.with_timezone(&Utc)),
    }
}

fn is_admin(sb: &Sandbox, p: &Principal) -> bool {
    p.is_admin(&sb.site.read())
}

async fn own_tokens(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>) -> ApiResult {
    let me = caller(&p)?;
    let creds = sb.credentials.read();
    Ok(Json(Value::Array(creds.app_tokens.iter().filter(|t| t.owner_id == me).map(token_json).collect())))
}

/// The validity a creation asks for, within the admin's maximum.
fn valid_until(sb: &Sandbox, m: &Map<String, Value>, now: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
    let max_months = sb.config.token_app_max_months;
    let latest = now.checked_add_months(Months::new(max_months)).unwrap_or(now);
    let too_long =
        || refused(StatusCode::BAD_REQUEST, format!("The token validity exceeds the maximum of {max_months} months configured by your administrator."));
    let bad = |field: &str| refused(StatusCode::BAD_REQUEST, format!("The field '{field}' is not valid."));
    let months = match m.get("tokenValidityTimeInMonths") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_i64().filter(|n| *n >= 1).ok_or_else(|| bad("tokenValidityTimeInMonths"))?),
        Some(Value::String(s)) => Some(s.trim().parse::<i64>().ok().filter(|n| *n >= 1).ok_or_else(|| bad("tokenValidityTimeInMonths"))?),
        Some(_) => return Err(bad("tokenValidityTimeInMonths")),
    };
    let until = match m.get("tokenExpirationDateTime") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_i64().and_then(DateTime::from_timestamp_millis).ok_or_else(|| bad("tokenExpirationDateTime"))?),
        Some(Value::String(s)) => Some(instant(s).ok_or_else(|| bad("tokenExpirationDateTime"))?),
        Some(_) => return Err(bad("tokenExpirationDateTime")),
    };
    let when = match (months, until) {
        (Some(_), Some(_)) => return Err(refused(StatusCode::BAD_REQUEST, "Give either tokenValidityTimeInMonths or tokenExpirationDateTime, not both.")),
        (Some(n), None) => {
            if n > i64::from(max_months) {
                return Err(too_long());
            }
            now.checked_add_months(Months::new(n as u32)).unwrap_or(latest)
        }
        (None, Some(t)) => t,
        // Without either the app gives the longest validity its settings allow.
        (None, None) => latest,
    };
    if when <= now {
        return Err(refused(StatusCode::BAD_REQUEST, "The token expiration date must be in the future."));
    }
    if when > latest {
        return Err(too_long());
    }
    Ok(when)
}

async fn create_token(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>, body: String) -> Result<Response, ApiError> {
    let me = caller(&p)?;
    let m = match serde_json::from_str::<Value>(&body) {
        Ok(Value::Object(m)) => m,
        _ => return Err(refused(StatusCode::BAD_REQUEST, "The request body must be a JSON object.")),
    };
    let description = m.get("tokenDescription").and_then(Value::as_str).map(str::trim).unwrap_or_default().to_string();
    if description.is_empty() {
        return Err(refused(StatusCode::BAD_REQUEST, "A token description is required."));
    }
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(refused(StatusCode::BAD_REQUEST, format!("The token description must be at most {MAX_DESCRIPTION} characters.")));
    }
    let owner = match m.get("tokenForUserKey").and_then(Value::as_str).map(str::trim).filter(|k| !k.is_empty()) {
        None => me.clone(),
        Some(k) if k == me => me.clone(),
        Some(k) => {
            if !is_admin(&sb, &p) {
                return Err(refused(StatusCode::FORBIDDEN, "You are not allowed to create API tokens for other users."));
            }
            if sb.site.read().user(k).is_none_or(|u| !u.active) {
                return Err(refused(StatusCode::BAD_REQUEST, format!("There is no active user with the key '{k}'.")));
            }
            k.to_string()
        }
    };
    let now = sb.clock.now();
    let until = valid_until(&sb, &m, now)?;
    let (t, secret) = sb.credentials.write().create_app_token(&owner, &description, Some(until), &me, now);
    sb.persist();
    let mut v = token_json(&t);
    v["plainTextToken"] = json!(secret);
    Ok((StatusCode::OK, Json(v)).into_response())
}

async fn tokens_by_filter(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>, RawQuery(q): RawQuery) -> ApiResult {
    let me = caller(&p)?;
    let admin = is_admin(&sb, &p);
    let pairs: Vec<(String, String)> = form_urlencoded::parse(q.unwrap_or_default().as_bytes()).into_owned().collect();
    let one: HashMap<&str, &str> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let bad = |name: &str| refused(StatusCode::BAD_REQUEST, format!("The parameter '{name}' is not valid."));
    let bound = |name: &str| -> Result<Option<DateTime<Utc>>, ApiError> {
        one.get(name).filter(|v| !v.trim().is_empty()).map(|v| instant(v).ok_or_else(|| bad(name))).transpose()
    };
    let (from_created, until_created) = (bound("fromCreated")?, bound("untilCreated")?);
    let (from_used, until_used) = (bound("fromLastUsed")?, bound("untilLastUsed")?);
    let (from_expires, until_expires) = (bound("fromExpiresDuring")?, bound("untilExpiresDuring")?);
    let page = one.get("page").map(|v| v.parse::<usize>().map_err(|_| bad("page"))).transpose()?.unwrap_or(0);
    let limit =
        one.get("limit").map(|v| v.parse::<usize>().ok().filter(|l| *l >= 1).ok_or_else(|| bad("limit"))).transpose()?.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    let description = one.get("descriptionFilter").map(|d| d.to_lowercase()).filter(|d| !d.is_empty());
    let users: Vec<String> = pairs.iter().filter(|(k, v)| k == "userFilter" && !v.is_empty()).map(|(_, v)| v.to_lowercase()).collect();
    let site = sb.site.read();
    // A user filter names a user by key or user name (the sandbox's user names are emails).
    let names_owner =
        |t: &AppToken| users.iter().any(|u| *u == t.owner_id.to_lowercase() || site.user(&t.owner_id).is_some_and(|o| o.email.to_lowercase() == *u));
    let within = |v: Option<DateTime<Utc>>, from: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>| match v {
        Some(v) => from.is_none_or(|f| v >= f) && until.is_none_or(|u| v <= u),
        None => from.is_none() && until.is_none(),
    };
    let creds = sb.credentials.read();
    let mut found: Vec<&AppToken> = creds
        .app_tokens
        .iter()
        .filter(|t| admin || t.owner_id == me)
        .filter(|t| users.is_empty() || names_owner(t))
        .filter(|t| description.as_ref().is_none_or(|d| t.description.to_lowercase().contains(d)))
        .filter(|t| within(Some(t.created), from_created, until_created))
        .filter(|t| within(t.last_accessed, from_used, until_used))
        .filter(|t| within(t.valid_until, from_expires, until_expires))
        .collect();
    found.sort_by_key(|t| t.id);
    let page: Vec<Value> = found.into_iter().skip(page.saturating_mul(limit)).take(limit).map(token_json).collect();
    Ok(Json(Value::Array(page)))
}

/// The token with this id, when the caller owns it or is an admin.
fn visible_token(sb: &Sandbox, p: &Principal, id: &str) -> Result<u64, ApiError> {
    let me = caller(p)?;
    let admin = is_admin(sb, p);
    let id: u64 = id.parse().map_err(|_| refused(StatusCode::NOT_FOUND, "The token does not exist."))?;
    let creds = sb.credentials.read();
    match creds.app_tokens.iter().find(|t| t.id == id) {
        Some(t) if admin || t.owner_id == me => Ok(id),
        _ => Err(refused(StatusCode::NOT_FOUND, "The token does not exist.")),
    }
}

async fn update_token(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>, Path(id): Path<String>, body: String) -> ApiResult {
    let id = visible_token(&sb, &p, &id)?;
    let m = match serde_json::from_str::<Value>(&body) {
        Ok(Value::Object(m)) => m,
        _ => return Err(refused(StatusCode::BAD_REQUEST, "The request body must be a JSON object.")),
    };
    let description = m.get("tokenDescription").and_then(Value::as_str).map(str::trim).unwrap_or_default().to_string();
    if description.is_empty() || description.chars().count() > MAX_DESCRIPTION {
        return Err(refused(StatusCode::BAD_REQUEST, format!("A token description of 1 to {MAX_DESCRIPTION} characters is required.")));
    }
    let v = {
        let mut creds = sb.credentials.write();
        let t = creds.app_tokens.iter_mut().find(|t| t.id == id).ok_or_else(|| refused(StatusCode::NOT_FOUND, "The token does not exist."))?;
        t.description = description;
        token_json(t)
    };
    sb.persist();
    Ok(Json(v))
}

async fn delete_token(State(sb): State<Arc<Sandbox>>, Extension(p): Extension<Principal>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    let id = visible_token(&sb, &p, &id)?;
    sb.credentials.write().app_tokens.retain(|t| t.id != id);
    sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_epoch_millis_or_rfc3339() {
        assert_eq!(instant("1700000000000").map(millis), Some(1_700_000_000_000));
        assert_eq!(instant("2023-11-14T22:13:20Z").map(millis), Some(1_700_000_000_000));
        assert!(instant("yesterday").is_none());
    }
}
