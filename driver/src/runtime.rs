//! The driver's one tokio runtime (per process, made on first use) and the blocking bridge the
//! ODBC calls use to wait for HTTP work, interruptible by `SQLCancel` and a query timeout.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use tokio::sync::Notify;

use crate::error::{OdbcError, OdbcResult, SqlState};

static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();

pub fn runtime() -> &'static tokio::runtime::Runtime {
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("atlassian-odbc")
            .enable_all()
            .build()
            .expect("the driver's tokio runtime starts")
    })
}

/// `SQLCancel` from another thread. Requests are numbered: a call remembers the number when it
/// starts ([`CancelSignal::begin`]) and is cancelled by any later request, so a request can
/// never be lost to a call that starts just after it, nor stop a call that starts later. A call
/// that ends cancelled takes the request ([`CancelPoint::take`]), which tells `SQLCancel`
/// whether it stopped something.
#[derive(Debug, Default)]
pub struct CancelSignal {
    requested: AtomicU64,
    taken: AtomicU64,
    notify: Notify,
}

impl CancelSignal {
    /// A call starts: requests made before it do not concern it.
    pub fn begin(&self) -> CancelPoint<'_> {
        CancelPoint { signal: self, epoch: self.requested.load(Ordering::SeqCst) }
    }

    /// Asks the running call to stop and wakes its wait; the request's number.
    pub fn request(&self) -> u64 {
        let n = self.requested.fetch_add(1, Ordering::SeqCst) + 1;
        self.notify.notify_waiters();
        n
    }

    /// Whether a call ended cancelled by request `n` (or a later one).
    pub fn was_taken(&self, n: u64) -> bool {
        self.taken.load(Ordering::SeqCst) >= n
    }
}

/// One call's view of its statement's [`CancelSignal`].
#[derive(Debug, Clone, Copy)]
pub struct CancelPoint<'a> {
    signal: &'a CancelSignal,
    epoch: u64,
}

impl CancelPoint<'_> {
    pub fn is_cancelled(&self) -> bool {
        self.signal.requested.load(Ordering::SeqCst) > self.epoch
    }

    /// The call ends cancelled: every request so far is answered.
    pub fn take(&self) {
        self.signal.taken.fetch_max(self.signal.requested.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

/// Runs `fut` to completion on the driver's runtime, from the calling (application) thread.
pub fn block_on<F: Future + Send>(fut: F) -> F::Output
where
    F::Output: Send,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        // The application is itself inside a tokio runtime: block on a plain thread instead,
        // since a runtime cannot block inside another.
        std::thread::scope(|s| s.spawn(|| runtime().block_on(fut)).join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    } else {
        runtime().block_on(fut)
    }
}

/// [`block_on`] that gives up with `HY008` when cancelled and `HYT00` after `timeout`.
pub fn block_on_cancellable<T: Send, F: Future<Output = OdbcResult<T>> + Send>(fut: F, cancel: &CancelPoint<'_>, timeout: Option<Duration>) -> OdbcResult<T> {
    block_on(async {
        let notified = cancel.signal.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if cancel.is_cancelled() {
            return Err(cancelled());
        }
        let sleep = async {
            match timeout {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            r = fut => r,
            _ = notified => Err(cancelled()),
            _ = sleep => Err(OdbcError::new(SqlState::TIMEOUT, format!("Timeout expired: the query did not finish within {} s (SQL_ATTR_QUERY_TIMEOUT)", timeout.map_or(0, |d| d.as_secs())))),
        }
    })
}

pub fn cancelled() -> OdbcError {
    OdbcError::new(SqlState::CANCELLED, "Operation canceled")
}
