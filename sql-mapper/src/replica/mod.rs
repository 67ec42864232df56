//! The local replica (`AutoCache`, `CacheLocation`, `SyncReplica`): tables kept as Parquet files
//! that other engines can read as they are. `store` is its storage: each table's files, the
//! manifest naming the current ones (swapped atomically, so a reader sees one consistent state
//! and a sync killed at any point leaves the last good one), and the lock that lets one sync
//! at a time write a location.

pub mod store;

pub use store::{Manifest, ReplicaStore, SyncLock, TableEntry};
