//! `RequestGate`: how many requests one connection has in flight at once.
//!
//! At most `MaxConcurrency`; fewer while the site says it is near its rate limit
//! (`X-RateLimit-NearLimit`, or a `429`): each such answer halves the allowance (down to one),
//! and it grows back by one after as many clean answers as it allows. Parallel scans ask the
//! gate, so they slow down before the site has to refuse them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use reqwest::header::HeaderMap;
use tokio::sync::{Semaphore, SemaphorePermit};

#[derive(Debug)]
pub(crate) struct RequestGate {
    permits: Semaphore,
    max: usize,
    /// The allowance now, and the clean answers seen since it last changed.
    state: Mutex<(usize, usize)>,
    /// Permits to drop as they come back (the allowance shrank while they were out).
    owed: AtomicUsize,
}

impl RequestGate {
    pub fn new(max: usize) -> RequestGate {
        let max = max.max(1);
        RequestGate { permits: Semaphore::new(max), max, state: Mutex::new((max, 0)), owed: AtomicUsize::new(0) }
    }

    pub fn max(&self) -> usize {
        self.max
    }

    /// The allowance now.
    #[cfg(test)]
    pub fn allowed(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).0
    }

    /// Waits for a slot; the slot is given back when the returned pass is dropped.
    pub async fn enter(&self) -> Pass<'_> {
        let permit = self.permits.acquire().await.expect("the gate's semaphore is never closed");
        Pass { gate: self, permit: Some(permit) }
    }

    /// Reads the site's answer: near (or at) the limit shrinks the allowance, clean answers grow it.
    pub fn observe(&self, status: u16, headers: &HeaderMap) {
        let near = status == 429 || headers.get("x-ratelimit-nearlimit").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (allowed, clean) = *state;
        if near {
            let to = (allowed / 2).max(1);
            if to < allowed {
                // Free permits go at once; those out now are dropped as they come back.
                let forgot = self.permits.forget_permits(allowed - to);
                self.owed.fetch_add(allowed - to - forgot, Ordering::SeqCst);
                tracing::info!(from = allowed, to, "the site is near its rate limit: fewer requests at once");
            }
            *state = (to, 0);
        } else if allowed < self.max && clean + 1 >= allowed {
            *state = (allowed + 1, 0);
            // A permit still owed is cancelled rather than a new one added.
            if self.owed.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |o| o.checked_sub(1)).is_err() {
                self.permits.add_permits(1);
            }
        } else {
            *state = (allowed, clean + 1);
        }
    }
}

/// One request's slot in the gate.
pub(crate) struct Pass<'a> {
    gate: &'a RequestGate,
    permit: Option<SemaphorePermit<'a>>,
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        if let Some(p) = self.permit.take() {
            // Owed permits are kept out of circulation: that is how the allowance shrinks.
            if self.gate.owed.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |o| o.checked_sub(1)).is_ok() {
                p.forget();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn near() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("X-RateLimit-NearLimit", "true".parse().unwrap());
        h
    }

    #[tokio::test]
    async fn shrinks_near_the_limit_and_grows_back() {
        let gate = RequestGate::new(8);
        assert_eq!(gate.allowed(), 8);
        gate.observe(200, &near());
        assert_eq!(gate.allowed(), 4);
        gate.observe(429, &HeaderMap::new());
        assert_eq!(gate.allowed(), 2);
        assert_eq!((gate.permits.available_permits(), gate.owed.load(Ordering::SeqCst)), (2, 0));
        // A shrink while passes are out: they are dropped as they come back.
        {
            let _passes: Vec<_> = futures::future::join_all((0..2).map(|_| gate.enter())).await;
            gate.observe(429, &HeaderMap::new());
            assert_eq!((gate.allowed(), gate.owed.load(Ordering::SeqCst)), (1, 1));
        }
        assert_eq!((gate.permits.available_permits(), gate.owed.load(Ordering::SeqCst)), (1, 0));
        gate.observe(200, &HeaderMap::new());
        // Clean answers: +1 after `allowed` of them.
        for _ in 0..2 {
            gate.observe(200, &HeaderMap::new());
        }
        assert_eq!(gate.allowed(), 3);
        for _ in 0..100 {
            gate.observe(200, &HeaderMap::new());
        }
        assert_eq!(gate.allowed(), 8);
        let passes: Vec<_> = futures::future::join_all((0..8).map(|_| gate.enter())).await;
        assert_eq!(passes.len(), 8);
    }

    #[tokio::test]
    async fn never_below_one() {
        let gate = RequestGate::new(1);
        gate.observe(429, &HeaderMap::new());
        assert_eq!(gate.allowed(), 1);
        let _p = gate.enter().await;
    }
}
