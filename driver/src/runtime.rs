//! The driver's one tokio runtime (per process, made on first use) and the blocking bridge the
//! ODBC calls use to wait for HTTP work, interruptible by `SQLCancel` and a query timeout.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use tokio::sync::Notify;

use crate::error::{OdbcError, OdbcResult};

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

/// `SQLCancel` from another thread: wakes the statement's wait.
#[derive(Debug, Default)]
pub struct CancelSignal {
    cancelled: AtomicBool,
    notify: Notify,
}

impl CancelSignal {
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }
    pub fn reset(&self) {
        self.cancelled.store(false, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
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
pub fn block_on_cancellable<T: Send, F: Future<Output = OdbcResult<T>> + Send>(fut: F, cancel: &CancelSignal, timeout: Option<Duration>) -> OdbcResult<T> {
    block_on(async {
        let notified = cancel.notify.notified();
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
            _ = sleep => Err(OdbcError::new("HYT00", format!("Timeout expired: the query did not finish within {} s (SQL_ATTR_QUERY_TIMEOUT)", timeout.map_or(0, |d| d.as_secs())))),
        }
    })
}

fn cancelled() -> OdbcError {
    OdbcError::new("HY008", "Operation canceled")
}
