//! `RetryBudget`: when a failed request is sent again, and after how long.
//!
//! - A `429` was refused before it was processed: any request is sent again, after the server's
//!   `Retry-After` (or until its `X-RateLimit-Reset`), never sooner.
//! - `502`, `503`, `504` and a connection lost mid-answer may come after the server acted: only
//!   reads are sent again. A write is reported, with a warning that it may have been applied.
//! - A connection that could not be opened carried nothing: any request is sent again.
//!
//! Waits grow exponentially with full jitter (so many clients do not retry in step), and the
//! whole exchange stays within the connection's `Timeout`: a wait that would pass it ends the
//! statement instead.

use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::header::HeaderMap;

/// At most this many sends of one request.
const MAX_ATTEMPTS: u32 = 10;
const BASE: Duration = Duration::from_millis(100);
const CAP: Duration = Duration::from_secs(5);

pub(crate) struct RetryBudget {
    started: Instant,
    deadline: Instant,
    /// Sends so far.
    pub attempts: u32,
    /// Whether sending the request twice does no harm (GET, and POSTs that only read).
    pub read: bool,
}

/// Why the budget ended, for the final error's message and SQLSTATE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GaveUp {
    /// A write that may have been applied is not repeated.
    NotRepeatable,
    /// The attempts ran out.
    Attempts(u32, Duration),
    /// The next wait would pass the `Timeout`.
    Deadline { wait: Duration, timeout: Duration },
    /// Not a failure that waiting mends.
    Final,
}

impl RetryBudget {
    pub fn new(timeout: Duration, read: bool) -> RetryBudget {
        let started = Instant::now();
        RetryBudget { started, deadline: started + timeout, attempts: 0, read }
    }

    /// After an HTTP status: how long to wait before sending again, or why not.
    pub fn after_status(&self, status: u16, headers: &HeaderMap) -> Result<Duration, GaveUp> {
        match status {
            429 => self.wait(server_wait(headers).map(|w| w + jitter(Duration::from_millis(250)))),
            502..=504 if self.read => self.wait(server_wait(headers)),
            502..=504 => Err(GaveUp::NotRepeatable),
            _ => Err(GaveUp::Final),
        }
    }

    /// After a transport failure: `connect` when the connection was never opened.
    pub fn after_transport(&self, connect: bool, timed_out: bool) -> Result<Duration, GaveUp> {
        if timed_out {
            // A whole `Timeout` went by already.
            return Err(GaveUp::Final);
        }
        if connect || self.read {
            self.wait(None)
        } else {
            Err(GaveUp::NotRepeatable)
        }
    }

    fn wait(&self, server: Option<Duration>) -> Result<Duration, GaveUp> {
        if self.attempts >= MAX_ATTEMPTS {
            return Err(GaveUp::Attempts(self.attempts, self.started.elapsed()));
        }
        let backoff = jitter(BASE.saturating_mul(1 << self.attempts.min(16)).min(CAP));
        let wait = server.map_or(backoff, |s| s.max(backoff));
        if Instant::now() + wait >= self.deadline {
            return Err(GaveUp::Deadline { wait, timeout: self.deadline - self.started });
        }
        Ok(wait)
    }
}

/// A uniformly random wait up to `max` ("full jitter").
fn jitter(max: Duration) -> Duration {
    let ms = max.as_millis().min(u64::MAX as u128) as u64;
    Duration::from_millis(if ms == 0 { 0 } else { rand::rng().random_range(0..=ms) })
}

/// What the server asks: `Retry-After` (seconds or an HTTP date), else the time until
/// `X-RateLimit-Reset` (an instant) when `X-RateLimit-Remaining` is 0.
fn server_wait(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(v) = text("retry-after") {
        if let Ok(secs) = v.parse::<f64>() {
            return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(3600.0)));
        }
        if let Ok(at) = chrono::DateTime::parse_from_rfc2822(v) {
            return Some((at.with_timezone(&chrono::Utc) - chrono::Utc::now()).to_std().unwrap_or_default());
        }
    }
    if text("x-ratelimit-remaining") == Some("0") {
        let at = chrono::DateTime::parse_from_rfc3339(text("x-ratelimit-reset")?).ok()?;
        return Some((at.with_timezone(&chrono::Utc) - chrono::Utc::now()).to_std().unwrap_or_default());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn reads_retry_writes_do_not_unless_nothing_was_processed() {
        let read = RetryBudget::new(Duration::from_secs(60), true);
        let write = RetryBudget::new(Duration::from_secs(60), false);
        assert!(read.after_status(503, &HeaderMap::new()).is_ok());
        assert_eq!(write.after_status(503, &HeaderMap::new()), Err(GaveUp::NotRepeatable));
        assert!(write.after_status(429, &headers(&[("Retry-After", "1")])).is_ok(), "a 429 was not processed");
        assert!(write.after_transport(true, false).is_ok(), "nothing was sent");
        assert_eq!(write.after_transport(false, false), Err(GaveUp::NotRepeatable));
        assert_eq!(read.after_status(400, &HeaderMap::new()), Err(GaveUp::Final));
        assert_eq!(read.after_transport(false, true), Err(GaveUp::Final));
    }

    #[test]
    fn the_server_wait_is_honoured_and_bounded_by_the_timeout() {
        let b = RetryBudget::new(Duration::from_secs(60), true);
        let w = b.after_status(429, &headers(&[("Retry-After", "2")])).unwrap();
        assert!(w >= Duration::from_secs(2) && w <= Duration::from_millis(2250), "{w:?}");
        let reset = (chrono::Utc::now() + chrono::Duration::seconds(3)).to_rfc3339();
        let w = b.after_status(429, &headers(&[("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", &reset)])).unwrap();
        assert!(w >= Duration::from_millis(2000), "{w:?}");
        let short = RetryBudget::new(Duration::from_secs(1), true);
        assert!(matches!(short.after_status(429, &headers(&[("Retry-After", "30")])), Err(GaveUp::Deadline { .. })));
        let mut spent = RetryBudget::new(Duration::from_secs(600), true);
        spent.attempts = MAX_ATTEMPTS;
        assert!(matches!(spent.after_status(503, &HeaderMap::new()), Err(GaveUp::Attempts(..))));
    }

    #[test]
    fn waits_grow_with_jitter_and_stay_capped() {
        let mut b = RetryBudget::new(Duration::from_secs(600), true);
        for n in 0..MAX_ATTEMPTS {
            b.attempts = n;
            let w = b.after_transport(true, false).unwrap();
            assert!(w <= CAP, "{w:?}");
        }
    }
}
