//! `/__sandbox/`: the control API tests use (no auth, loopback only, never faulted or delayed).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::FaultConfig;
use crate::state::Sandbox;

pub fn routes() -> Router<Arc<Sandbox>> {
    Router::new()
        .route("/__sandbox/stats", get(stats))
        .route("/__sandbox/reset-stats", post(reset_stats))
        .route("/__sandbox/faults", post(set_faults).get(get_faults))
        .route("/__sandbox/clock", post(clock).get(get_clock))
        .route("/__sandbox/health", get(|| async { Json(json!({"ok": true})) }))
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
    advance_seconds: i64,
}

async fn clock(State(sb): State<Arc<Sandbox>>, body: String) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    let b: ClockBody = serde_json::from_str(&body).map_err(|e| bad_request(format!("invalid clock request: {e}")))?;
    let now = sb.clock.advance(b.advance_seconds);
    Ok(Json(json!({"now": now.to_rfc3339()})))
}

async fn get_clock(State(sb): State<Arc<Sandbox>>) -> Json<Value> {
    Json(json!({"now": sb.clock.now().to_rfc3339()}))
}
