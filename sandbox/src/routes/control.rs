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
        .post("/__sandbox/faults", set_faults, Source::Control).get("/__sandbox/faults", get_faults, Source::Control)
        .post("/__sandbox/clock", clock, Source::Control).get("/__sandbox/clock", get_clock, Source::Control)
        .get("/__sandbox/health", || async { Json(json!({"ok": true})) }, Source::Control)
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
