//! The running sandbox: configuration, the site's data, issued credentials, the clock, faults and
//! statistics. Handlers get it as `State<Arc<Sandbox>>`.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use parking_lot::{Mutex, RwLock};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::credentials::Credentials;
use crate::faults::{FaultConfig, RateLimiter, Stats};
use crate::model::Site;

/// The sandbox's notion of "now": real time plus an offset tests move with `POST /__sandbox/clock`.
#[derive(Default)]
pub struct Clock {
    offset_seconds: AtomicI64,
    /// While stopped: the instant it shows, in milliseconds (0: running).
    stopped_at: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        let offset = Duration::seconds(self.offset_seconds.load(Ordering::SeqCst));
        match self.stopped_at.load(Ordering::SeqCst) {
            0 => Utc::now() + offset,
            at => DateTime::from_timestamp_millis(at).unwrap_or_else(Utc::now) + offset,
        }
    }
    pub fn advance(&self, seconds: i64) -> DateTime<Utc> {
        self.offset_seconds.fetch_add(seconds, Ordering::SeqCst);
        self.now()
    }
    /// Stops the clock where it is (a test reading times that run, such as an ongoing SLA's
    /// elapsed time, sees the same instant twice), or starts it again.
    pub fn stop(&self, stopped: bool) -> DateTime<Utc> {
        let at = if stopped { Utc::now().timestamp_millis() } else { 0 };
        self.stopped_at.store(at, Ordering::SeqCst);
        self.now()
    }
}

/// Ordered search results kept for paging, keyed by (query, caller, generation): a cursor then
/// costs one lookup instead of a new filter-and-sort over the whole site.
#[derive(Default)]
pub struct ResultCache {
    entries: Mutex<VecDeque<(String, Arc<Vec<usize>>)>>,
}

impl ResultCache {
    const CAPACITY: usize = 64;

    pub fn get_or_compute(&self, key: &str, compute: impl FnOnce() -> Vec<usize>) -> Arc<Vec<usize>> {
        if let Some((_, v)) = self.entries.lock().iter().find(|(k, _)| k == key) {
            return v.clone();
        }
        let v = Arc::new(compute());
        let mut e = self.entries.lock();
        e.push_front((key.to_string(), v.clone()));
        e.truncate(Self::CAPACITY);
        v
    }
}

pub struct Sandbox {
    pub config: Config,
    pub site: RwLock<Site>,
    pub credentials: RwLock<Credentials>,
    pub clock: Clock,
    pub stats: Stats,
    pub faults: RwLock<FaultConfig>,
    pub rate_limiter: RateLimiter,
    pub results: ResultCache,
    /// Serialises writes of the `--state` file.
    state_file: Mutex<()>,
    /// Per-user lookups computed once (time zones are parsed on every JQL search otherwise).
    pub tz_cache: Mutex<HashMap<String, chrono_tz::Tz>>,
}

/// What `--state` persists.
#[derive(Serialize, Deserialize)]
struct PersistedState {
    site: Site,
    credentials: Credentials,
}

impl Sandbox {
    pub fn new(config: Config) -> Result<Arc<Sandbox>, String> {
        let (site, credentials) = match config.state.as_deref().filter(|p| p.exists()) {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read state file {}: {e}", path.display()))?;
                let mut st: PersistedState = serde_json::from_str(&text).map_err(|e| format!("state file {} is not valid: {e}", path.display()))?;
                st.site.reindex();
                (st.site, st.credentials)
            }
            None => {
                let site = crate::seed::generate(&config);
                let credentials = Credentials::seeded(&config, &site);
                (site, credentials)
            }
        };
        let faults = config.faults.clone().unwrap_or_default();
        Ok(Arc::new(Sandbox {
            rate_limiter: RateLimiter::new(config.rate_limit),
            config,
            site: RwLock::new(site),
            credentials: RwLock::new(credentials),
            clock: Clock::default(),
            stats: Stats::default(),
            faults: RwLock::new(faults),
            results: ResultCache::default(),
            state_file: Mutex::new(()),
            tz_cache: Mutex::new(HashMap::new()),
        }))
    }

    /// Writes the `--state` file after a change, atomically (temp file + rename).
    pub fn persist(&self) {
        let Some(path) = self.config.state.as_deref() else { return };
        let _guard = self.state_file.lock();
        let text = {
            let site = self.site.read();
            let creds = self.credentials.read();
            serde_json::to_string(&serde_json::json!({"site": &*site, "credentials": &*creds}))
        };
        if let Ok(text) = text {
            let _ = write_atomically(path, text.as_bytes());
        }
    }

    /// The time zone a user reads dates in (UTC for anonymous callers or unknown zones).
    pub fn user_tz(&self, account_id: Option<&str>) -> chrono_tz::Tz {
        let Some(id) = account_id else { return chrono_tz::UTC };
        if let Some(tz) = self.tz_cache.lock().get(id) {
            return *tz;
        }
        let tz = self.site.read().user(id).and_then(|u| u.time_zone.parse().ok()).unwrap_or(chrono_tz::UTC);
        self.tz_cache.lock().insert(id.to_string(), tz);
        tz
    }

    /// The base URL links in responses point at (`self`, `_links.base`).
    pub fn base_url(&self, headers: &axum::http::HeaderMap) -> String {
        let scheme = if self.config.tls_cert.is_some() { "https" } else { "http" };
        let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
        format!("{scheme}://{host}")
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(tmp, path)
}
