//! `/__sandbox/`: the control API tests use (no auth, loopback only, never faulted or delayed).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::FaultConfig;
use crate::routes::sourced::{Source, SourcedRoutes};
use crate::state::Sandbox;

pub fn routes() -> SourcedRoutes {
    SourcedRoutes::new()
        .get("/__sandbox/stats", stats, Source::Control)
        .post("/__sandbox/reset-stats", reset_stats, Source::Control)
        .post("/__sandbox/faults", set_faults, Source::Control)
        .get("/__sandbox/faults", get_faults, Source::Control)
        .post("/__sandbox/clock", clock, Source::Control)
        .get("/__sandbox/clock", get_clock, Source::Control)
        .get("/__sandbox/health", || async { Json(json!({"ok": true})) }, Source::Control)
        .get("/__sandbox/grants", grants, Source::Control)
        .post("/__sandbox/api-tokens", create_api_token, Source::Control)
        .post("/__sandbox/grants/{id}/revoke", revoke_grant, Source::Control)
}

/// Every live OAuth 2.0 grant: what a user sees on their connected apps screen (Cloud) or the
/// View OAuth Access Tokens page (Data Center).
async fn grants(State(sb): State<Arc<Sandbox>>) -> Json<Value> {
    let t = sb.clock.now();
    let creds = sb.credentials.read();
    let accounts: std::collections::BTreeSet<String> = creds.grants.iter().map(|g| g.account_id.clone()).collect();
    let list: Vec<Value> = accounts
        .iter()
        .flat_map(|a| creds.live_grants(a, t, sb.config.refresh_reuse_interval))
        .map(|(g, expires)| json!({"id": g.id, "accountId": g.account_id, "clientId": g.client_id, "scopes": g.scopes, "created": g.created.to_rfc3339(), "expires": expires.to_rfc3339()}))
        .collect();
    Json(Value::Array(list))
}

/// The user removing an app's access where Atlassian lets them (Cloud: id.atlassian.com's
/// connected apps screen, which has no public API): the grant's tokens stop working at once.
async fn revoke_grant(State(sb): State<Arc<Sandbox>>, axum::extract::Path(id): axum::extract::Path<String>) -> StatusCode {
    let t = sb.clock.now();
    let done = sb.credentials.write().revoke_grant(&id, "user", t);
    if done {
        sb.persist();
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

async fn stats(State(sb): State<Arc<Sandbox>>) -> Json<Value> {
    Json(sb.stats.snapshot())
}

async fn reset_stats(State(sb): State<Arc<Sandbox>>) -> StatusCode {
    sb.stats.reset();
    StatusCode::NO_CONTENT
}

fn bad_request(msg: String) -> (StatusCode, Json<Value>) {
    (StatusCode::BAD_REQUEST, Json(json!({"error": msg})))
}

async fn set_faults(State(sb): State<Arc<Sandbox>>, body: String) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    let f: FaultConfig = serde_json::from_str(&body).map_err(|e| bad_request(format!("invalid faults: {e}")))?;
    f.validate().map_err(bad_request)?;
    *sb.faults.write() = f.clone();
    Ok(Json(serde_json::to_value(f).unwrap_or_default()))
}

async fn get_faults(State(sb): State<Arc<Sandbox>>) -> Json<Value> {
    Json(serde_json::to_value(sb.faults.read().clone()).unwrap_or_default())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockBody {
    #[serde(default)]
    advance_seconds: i64,
    /// Stop the clock (true) or start it again (false).
    stopped: Option<bool>,
}

async fn clock(State(sb): State<Arc<Sandbox>>, body: String) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    let b: ClockBody = serde_json::from_str(&body).map_err(|e| bad_request(format!("invalid clock request: {e}")))?;
    if let Some(stopped) = b.stopped {
        sb.clock.stop(stopped);
    }
    let now = sb.clock.advance(b.advance_seconds);
    Ok(Json(json!({"now": now.to_rfc3339()})))
}

async fn get_clock(State(sb): State<Arc<Sandbox>>) -> Json<Value> {
    Json(json!({"now": sb.clock.now().to_rfc3339()}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewApiToken {
    account_id: String,
    label: String,
    #[serde(default = "a_year")]
    expires_in_days: i64,
}

fn a_year() -> i64 {
    365
}

/// A user creating an API token at id.atlassian.com/manage-profile/security/api-tokens (Cloud
/// has no API for it): `{accountId, label, expiresInDays}` → `{id, token}`.
async fn create_api_token(State(sb): State<Arc<Sandbox>>, body: String) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    let b: NewApiToken = serde_json::from_str(&body).map_err(|e| bad_request(format!("invalid API token request: {e}")))?;
    if sb.site.read().user(&b.account_id).is_none() {
        return Err(bad_request(format!("no user {}", b.account_id)));
    }
    if !(1..=365).contains(&b.expires_in_days) {
        return Err(bad_request("expiresInDays must be 1 to 365".into()));
    }
    let now = sb.clock.now();
    let (t, secret) = sb.credentials.write().create_api_token(&b.account_id, &b.label, now + chrono::Duration::days(b.expires_in_days), &b.account_id, now);
    sb.persist();
    Ok(Json(json!({"id": t.id, "token": secret})))
}
