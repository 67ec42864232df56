//! `sync-progress.json`: what the running sync has done so far, rewritten whole a few times a
//! second, so that whoever started it (`atlassian-odbc sync`, from another thread while its
//! `SyncReplica` call runs) can draw a progress bar without a channel into the driver.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::ReplicaStore;

pub const PROGRESS: &str = "sync-progress.json";

/// How often the file is rewritten while rows come in.
const EVERY: Duration = Duration::from_millis(200);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    /// The table being synced (`Schema.Table`), and its place among the sync's tables.
    pub table: String,
    pub table_number: usize,
    pub tables: usize,
    /// Rows of this table written so far.
    pub rows: u64,
    /// Rows it should come to (its last sync's count, or the site's), 0 when unknown.
    pub expected: u64,
    /// Requests the whole sync has sent so far.
    pub requests: u64,
    /// Seconds since the sync started.
    pub seconds: f64,
    /// The sync's process, and whether it finished.
    pub pid: u32,
    pub done: bool,
}

/// The progress file of one sync.
#[derive(Debug)]
pub struct ProgressFile {
    path: PathBuf,
    started: Instant,
    written: Option<Instant>,
    pub now: SyncProgress,
}

impl ProgressFile {
    pub fn new(store: &ReplicaStore, tables: usize) -> ProgressFile {
        ProgressFile {
            path: store.root().join(PROGRESS),
            started: Instant::now(),
            written: None,
            now: SyncProgress { tables, pid: std::process::id(), ..SyncProgress::default() },
        }
    }

    /// Writes the state out if a while has passed since the last time (or `force`). A file
    /// that cannot be written only costs the watcher its bar.
    pub fn report(&mut self, force: bool) {
        if !force && self.written.is_some_and(|w| w.elapsed() < EVERY) {
            return;
        }
        self.now.seconds = self.started.elapsed().as_secs_f64();
        let next = self.path.with_extension("json.next");
        if std::fs::write(&next, serde_json::to_vec(&self.now).expect("progress serializes")).is_ok() {
            let _ = std::fs::rename(&next, &self.path);
        }
        self.written = Some(Instant::now());
    }
}

impl ReplicaStore {
    /// The progress the last (or running) sync reported, if any.
    pub fn progress(&self) -> Option<SyncProgress> {
        serde_json::from_slice(&std::fs::read(self.root().join(PROGRESS)).ok()?).ok()
    }
}
