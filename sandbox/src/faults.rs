//! Fault injection, added latency, rate limiting and request statistics: the middleware every API
//! route goes through (never `/__sandbox/`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use parking_lot::Mutex;
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::state::Sandbox;

/// Probabilities (0..=1) of each fault, drawn independently per request in this order.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FaultConfig {
    #[serde(rename = "503", default)]
    pub unavailable: f64,
    #[serde(rename = "429", default)]
    pub rate_limited: f64,
    #[serde(default)]
    pub reset: f64,
    #[serde(default)]
    pub slow: f64,
    /// A `200` whose body is not what the API returns: truncated JSON, an HTML page, or JSON
    /// of the wrong shape (the list a value where an array belongs).
    #[serde(default)]
    pub garbage: f64,
    /// Restrict faults to these routes: `"GET /rest/api/3/search/jql"` (route template) or a path prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routes: Option<Vec<String>>,
}

impl FaultConfig {
    /// Parses the `--faults 503=0.1,429=0.05,reset=0.02,slow=0.01` flag.
    pub fn parse_flag(s: &str) -> Result<FaultConfig, String> {
        let mut f = FaultConfig::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| format!("expected NAME=PROBABILITY, got {part:?}"))?;
            let p: f64 = v.trim().parse().map_err(|_| format!("{v:?} is not a probability"))?;
            let slot = match k.trim() {
                "503" => &mut f.unavailable,
                "429" => &mut f.rate_limited,
                "reset" => &mut f.reset,
                "slow" => &mut f.slow,
                "garbage" => &mut f.garbage,
                other => return Err(format!("unknown fault {other:?}: use 503, 429, reset, slow or garbage")),
            };
            *slot = p;
        }
        f.validate()?;
        Ok(f)
    }

    pub fn validate(&self) -> Result<(), String> {
        for (name, p) in [("503", self.unavailable), ("429", self.rate_limited), ("reset", self.reset), ("slow", self.slow), ("garbage", self.garbage)] {
            if !(0.0..=1.0).contains(&p) || p.is_nan() {
                return Err(format!("probability of {name} must be between 0 and 1, got {p}"));
            }
        }
        Ok(())
    }

    fn applies_to(&self, route: &str, path: &str) -> bool {
        match &self.routes {
            None => true,
            Some(list) => list.iter().any(|r| r == route || (r.starts_with('/') && path.starts_with(r.as_str()))),
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct StatsSnapshot {
    pub total: u64,
    pub routes: BTreeMap<String, u64>,
    pub status: BTreeMap<String, u64>,
    /// Faults injected, by kind.
    pub faults: BTreeMap<String, u64>,
    /// The last requests (`METHOD /path?query`), oldest first, so tests can see what a
    /// client sent (pushed filters, page sizes).
    pub recent: std::collections::VecDeque<String>,
    /// Requests being answered now, and the most at once since the last reset (how parallel
    /// a client is).
    pub in_flight: u64,
    pub max_in_flight: u64,
}

/// How many requests `recent` keeps.
const RECENT: usize = 1000;

#[derive(Default)]
pub struct Stats {
    inner: Mutex<StatsSnapshot>,
}

impl Stats {
    fn record(&self, route: &str, status: &str) {
        let mut s = self.inner.lock();
        s.total += 1;
        *s.routes.entry(route.to_string()).or_default() += 1;
        *s.status.entry(status.to_string()).or_default() += 1;
    }
    fn seen(&self, line: String) {
        let mut s = self.inner.lock();
        if s.recent.len() >= RECENT {
            s.recent.pop_front();
        }
        s.recent.push_back(line);
    }
    fn enter(&self) {
        let mut s = self.inner.lock();
        s.in_flight += 1;
        s.max_in_flight = s.max_in_flight.max(s.in_flight);
    }
    fn leave(&self) {
        let mut s = self.inner.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
    }
    fn fault(&self, kind: &str) {
        *self.inner.lock().faults.entry(kind.to_string()).or_default() += 1;
    }
    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::to_value(&*self.inner.lock()).unwrap_or_default()
    }
    pub fn reset(&self) {
        let mut s = self.inner.lock();
        // Requests being answered still leave: they stay counted as in flight.
        let in_flight = s.in_flight;
        *s = StatsSnapshot { in_flight, ..StatsSnapshot::default() };
    }
}

/// A token bucket per caller, as Atlassian's cost-based limits behave from the outside:
/// a burst, a steady refill, and 429 with `Retry-After` once the bucket is empty.
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

pub struct RateDecision {
    pub allowed: bool,
    pub remaining: u64,
    pub retry_after_secs: u64,
}

impl RateLimiter {
    pub fn new(per_second: u32) -> RateLimiter {
        RateLimiter { per_second: per_second as f64, burst: (per_second as f64 * 2.0).max(1.0), buckets: Mutex::new(HashMap::new()) }
    }
    pub fn limit(&self) -> u64 {
        self.burst as u64
    }
    pub fn take(&self, caller: &str) -> RateDecision {
        if self.per_second <= 0.0 {
            return RateDecision { allowed: true, remaining: u64::MAX, retry_after_secs: 0 };
        }
        let now = Instant::now();
        let mut buckets = self.buckets.lock();
        let (tokens, last) = buckets.entry(caller.to_string()).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.per_second).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            RateDecision { allowed: true, remaining: *tokens as u64, retry_after_secs: 0 }
        } else {
            let wait = ((1.0 - *tokens) / self.per_second).ceil().max(1.0) as u64;
            RateDecision { allowed: false, remaining: 0, retry_after_secs: wait }
        }
    }
}

fn route_key(req: &Request) -> String {
    let path = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_else(|| req.uri().path().to_string());
    format!("{} {}", req.method(), path)
}

fn rate_limit_headers(resp: &mut Response, limit: u64, remaining: u64, reset_in: u64) {
    let h = resp.headers_mut();
    let reset = (chrono::Utc::now() + chrono::Duration::seconds(reset_in as i64)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    h.insert("X-RateLimit-Limit", HeaderValue::from(limit));
    h.insert("X-RateLimit-Remaining", HeaderValue::from(remaining.min(limit)));
    if let Ok(v) = HeaderValue::from_str(&reset) {
        h.insert("X-RateLimit-Reset", v);
    }
    if remaining * 5 < limit {
        h.insert("X-RateLimit-NearLimit", HeaderValue::from_static("true"));
    }
}

fn too_many_requests(retry_after: u64, reason: &'static str) -> Response {
    let mut resp = (StatusCode::TOO_MANY_REQUESTS, axum::Json(serde_json::json!({"errorMessages": ["Rate limit exceeded."], "errors": {}}))).into_response();
    resp.headers_mut().insert("Retry-After", HeaderValue::from(retry_after));
    resp.headers_mut().insert("RateLimit-Reason", HeaderValue::from_static(reason));
    resp
}

/// Latency, faults, the rate limit and statistics, in that order.
pub async fn api_middleware(State(sb): State<Arc<Sandbox>>, req: Request, next: Next) -> Response {
    let route = route_key(&req);
    let path = req.uri().path().to_string();
    sb.stats.seen(format!("{} {}", req.method(), req.uri()));
    sb.stats.enter();
    struct Leave<'a>(&'a Stats);
    impl Drop for Leave<'_> {
        fn drop(&mut self) {
            self.0.leave();
        }
    }
    let _leave = Leave(&sb.stats);
    if sb.config.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(sb.config.latency_ms)).await;
    }
    let faults = sb.faults.read().clone();
    if faults.applies_to(&route, &path) {
        let (r503, r429, rreset, rslow, rgarbage, kind): (f64, f64, f64, f64, f64, u8) = {
            let mut rng = rand::rng();
            (rng.random(), rng.random(), rng.random(), rng.random(), rng.random(), rng.random_range(0..3))
        };
        if rgarbage < faults.garbage {
            sb.stats.fault("garbage");
            sb.stats.record(&route, "garbage");
            let (content_type, body) = match kind {
                0 => ("application/json", "{\"startAt\":0,\"maxResults\":100,\"issues\":[{\"id\":\"1\",\"key\":\"X-1\",\"fields\":{\"summ"),
                1 => ("text/html", "<html><body><h1>Bad gateway</h1></body></html>"),
                _ => ("application/json", "{\"issues\":\"none\",\"results\":7,\"values\":{\"a\":1},\"isLast\":true}"),
            };
            let mut resp = (StatusCode::OK, body).into_response();
            resp.headers_mut().insert(axum::http::header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            return resp;
        }
        if r503 < faults.unavailable {
            sb.stats.fault("503");
            sb.stats.record(&route, "503");
            let body = serde_json::json!({"errorMessages": ["Service Unavailable"], "errors": {}});
            return (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response();
        }
        if r429 < faults.rate_limited {
            sb.stats.fault("429");
            sb.stats.record(&route, "429");
            let mut resp = too_many_requests(1, "jira-burst-based");
            rate_limit_headers(&mut resp, sb.rate_limiter.limit(), 0, 1);
            return resp;
        }
        if rslow < faults.slow {
            sb.stats.fault("slow");
            tokio::time::sleep(Duration::from_millis(sb.config.slow_ms)).await;
        }
        if rreset < faults.reset {
            sb.stats.fault("reset");
            sb.stats.record(&route, "reset");
            // Run the request, then cut the connection part way through the body: hyper closes a
            // connection whose body stream fails, which clients see as a reset or a truncated read.
            let resp = next.run(req).await;
            let (parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, 64 << 20).await.unwrap_or_default();
            let half = Bytes::copy_from_slice(&bytes[..bytes.len() / 2]);
            let stream = futures_util::stream::iter(vec![
                Ok::<Bytes, std::io::Error>(half),
                Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "sandbox fault: connection dropped")),
            ]);
            let mut parts = parts;
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            return Response::from_parts(parts, Body::from_stream(stream));
        }
    }
    // Limits are per credential, as Atlassian counts them; anonymous callers share one bucket.
    let caller = req.headers().get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("anonymous").to_string();
    let decision = sb.rate_limiter.take(&caller);
    if !decision.allowed {
        sb.stats.record(&route, "429");
        let mut resp = too_many_requests(decision.retry_after_secs, "jira-quota-tenant-based");
        rate_limit_headers(&mut resp, sb.rate_limiter.limit(), 0, decision.retry_after_secs);
        return resp;
    }
    let mut resp = next.run(req).await;
    sb.stats.record(&route, resp.status().as_str());
    rate_limit_headers(&mut resp, sb.rate_limiter.limit(), decision.remaining, 1);
    resp
}
