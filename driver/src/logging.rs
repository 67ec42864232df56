//! `Logfile` and `Verbosity`: a connection that names a log file gets the driver's `tracing`
//! events (ODBC calls, SQL, REST requests with timings, retries) appended to it.
//!
//! The driver's dispatcher is the global default of the driver's own copy of `tracing` (a
//! shared library has its own statics, so a Rust host's subscriber is untouched): every thread
//! (the application's, the runtime's) reaches it. Its level follows the most verbose attached
//! log, and call sites are asked again when that changes, so with no log attached the events
//! cost one comparison.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use parking_lot::Mutex;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

struct Sink {
    id: usize,
    level: Level,
    file: Mutex<File>,
}

static SINKS: LazyLock<Mutex<Vec<Arc<Sink>>>> = LazyLock::new(|| Mutex::new(Vec::new()));
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
static NEXT_ID: AtomicUsize = AtomicUsize::new(1);

/// The driver's dispatcher: writes to every attached sink whose level admits the event.
pub static DISPATCH: LazyLock<tracing::Dispatch> = LazyLock::new(|| tracing::Dispatch::new(tracing_subscriber::registry().with(SinkLayer)));

/// Installs the driver's dispatcher, once, before the first ODBC call does anything.
pub fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        // Fails only when something installed one already (a test binary linking the driver):
        // then that one receives the events.
        let _ = tracing::dispatcher::set_global_default(DISPATCH.clone());
    });
}

/// The most verbose level any attached log records.
fn max_level() -> LevelFilter {
    SINKS.lock().iter().map(|s| LevelFilter::from_level(s.level)).max().unwrap_or(LevelFilter::OFF)
}

/// Whether any connection logs: the FFI layer skips entering the dispatcher otherwise.
pub fn enabled() -> bool {
    ACTIVE.load(Ordering::Relaxed) > 0
}

/// A connection's log file; detached when dropped (disconnect).
pub struct LogSink {
    id: usize,
}

impl LogSink {
    pub fn attach(path: &str, verbosity: u8) -> std::io::Result<LogSink> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let level = match verbosity {
            0 | 1 => Level::WARN,
            2 => Level::INFO,
            3 => Level::DEBUG,
            _ => Level::TRACE,
        };
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        SINKS.lock().push(Arc::new(Sink { id, level, file: Mutex::new(file) }));
        ACTIVE.fetch_add(1, Ordering::Relaxed);
        ready();
        tracing::callsite::rebuild_interest_cache();
        Ok(LogSink { id })
    }
}

impl Drop for LogSink {
    fn drop(&mut self) {
        SINKS.lock().retain(|s| s.id != self.id);
        ACTIVE.fetch_sub(1, Ordering::Relaxed);
        tracing::callsite::rebuild_interest_cache();
    }
}

struct SinkLayer;

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value}");
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }
}

impl<S: Subscriber> Layer<S> for SinkLayer {
    fn register_callsite(&self, _: &'static tracing::Metadata<'static>) -> tracing::subscriber::Interest {
        // Logs come and go: ask per event (after the global level check).
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, metadata: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        enabled() && LevelFilter::from_level(*metadata.level()) <= max_level()
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(max_level())
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if !enabled() {
            return;
        }
        let level = *event.metadata().level();
        let sinks: Vec<Arc<Sink>> = SINKS.lock().iter().filter(|s| level <= s.level).cloned().collect();
        if sinks.is_empty() {
            return;
        }
        let mut line = Line(format!("{} {:5} {}:", chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ"), level, event.metadata().target()));
        event.record(&mut line);
        line.0.push('\n');
        for s in sinks {
            let _ = s.file.lock().write_all(line.0.as_bytes());
        }
    }
}
