//! The local replica (`AutoCache`, `CacheLocation`, `Offline`): tables kept as Parquet files
//! that other engines can read as they are. `store` is its storage: each table's files, the
//! manifest naming the current ones (swapped atomically, so a reader sees one consistent state
//! and a sync killed at any point leaves the last good one), and the lock that lets one sync
//! at a time write a location; `progress` what a running sync has done, for whoever watches;
//! `table` how a connection reads a table through it. Syncing it is `replication`'s.

pub mod progress;
pub mod store;
pub(crate) mod table;

pub use progress::SyncProgress;
pub use store::{Manifest, ReplicaStore, SiteRecord, SyncLock, TableEntry, TableWriter};
pub(crate) use table::{LiveRead, ReplicaTable};

/// The local replica's place and use (`CacheLocation`, `AutoCache`, `Offline`,
/// `CacheTolerance`, `CacheTables`).
#[derive(Debug, Clone, Default)]
pub struct ReplicaOptions {
    pub location: std::path::PathBuf,
    /// `AutoCache`: the tables it holds are read from the replica, not the site.
    pub auto: bool,
    /// `Offline`: nothing is read from the site; a table never synced is an error.
    pub offline: bool,
    /// `CacheTolerance` with `AutoCache`: how far behind the replica may be before a query of
    /// one of its tables first brings it up to date; zero: never by a query.
    pub tolerance: std::time::Duration,
    /// `CacheTables`: the tables it covers (`Schema.Table` or a table name, any case); `None`: all.
    pub tables: Option<Vec<String>>,
}

impl ReplicaOptions {
    /// Whether `CacheTables` covers the table named `Schema.Table`.
    pub fn covers(&self, qualified: &str) -> bool {
        let bare = qualified.split_once('.').map_or(qualified, |(_, t)| t);
        self.tables.as_ref().is_none_or(|names| names.iter().any(|n| n.eq_ignore_ascii_case(qualified) || n.eq_ignore_ascii_case(bare)))
    }
}
