//! `ReplicaStore`: a replica's files under one directory.
//!
//! ```text
//! <root>/manifest.json            {"format": 1, "tables": {"Jira.Issues": {"files": [...], "rows": N, "syncedAt": "...", "columns": [...]}}}
//! <root>/tables/<Schema.Table>/<file>.parquet
//! <root>/sync.lock                held (an OS file lock) by the one sync writing the location
//! ```
//!
//! A sync writes new files beside the current ones, then replaces `manifest.json` by renaming a
//! complete new one over it (and syncs the directory), so readers see the old state or the new,
//! never a mix; files no manifest names (a killed sync's, a replaced table's) are removed by the
//! next sync that holds the lock. Readers never lock.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl};
use datafusion::datasource::TableProvider;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};

use crate::{MapperError, SqlState};

/// The manifest's layout version; a reader refuses one it does not know.
const FORMAT: u32 = 1;
const MANIFEST: &str = "manifest.json";

/// Which files hold each table now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub tables: BTreeMap<String, TableEntry>,
}

/// One table's current files, relative to the root, and what they hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableEntry {
    pub files: Vec<String>,
    pub rows: u64,
    /// When the sync that wrote it read the site (RFC 3339, UTC).
    pub synced_at: String,
    pub columns: Vec<String>,
}

/// The right to write a location, held until dropped.
#[derive(Debug)]
pub struct SyncLock {
    _file: File,
}

#[derive(Debug, Clone)]
pub struct ReplicaStore {
    root: PathBuf,
}

fn io(what: &str, path: &Path, e: std::io::Error) -> MapperError {
    MapperError::new(SqlState::General, format!("the replica at {} could not {what}: {e}", path.display()))
}

/// A name unique within this process and across processes writing the same table.
fn file_name() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let now = chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f");
    format!("{now}-{}-{}.parquet", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

impl ReplicaStore {
    pub fn open(root: impl Into<PathBuf>) -> Result<ReplicaStore, MapperError> {
        let root = root.into();
        fs::create_dir_all(root.join("tables")).map_err(|e| io("be created", &root, e))?;
        Ok(ReplicaStore { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The current manifest (an empty one before the first sync).
    pub fn manifest(&self) -> Result<Manifest, MapperError> {
        let path = self.root.join(MANIFEST);
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest { format: FORMAT, tables: BTreeMap::new() }),
            Err(e) => return Err(io("read its manifest", &path, e)),
        };
        let m: Manifest =
            serde_json::from_str(&text).map_err(|e| MapperError::new(SqlState::General, format!("{} is not a replica manifest: {e}", path.display())))?;
        if m.format != FORMAT {
            return Err(MapperError::new(SqlState::General, format!("{} has layout {}; this driver reads layout {FORMAT}", path.display(), m.format)));
        }
        Ok(m)
    }

    /// The lock one sync at a time holds; `None` while another process (or handle) holds it.
    pub fn try_lock(&self) -> Result<Option<SyncLock>, MapperError> {
        let path = self.root.join("sync.lock");
        let file = OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(|e| io("open its lock", &path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(SyncLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(io("take its lock", &path, e)),
        }
    }

    /// Writes a table's rows as one new Parquet file (not yet in the manifest); returns its
    /// name relative to the root. The file is complete on disk before this returns.
    pub fn write_file(&self, _lock: &SyncLock, table: &str, schema: &SchemaRef, batches: &[RecordBatch]) -> Result<String, MapperError> {
        let dir = self.root.join("tables").join(table);
        fs::create_dir_all(&dir).map_err(|e| io("make a table's folder", &dir, e))?;
        let name = file_name();
        let partial = dir.join(format!("{name}.partial"));
        let file = File::create(&partial).map_err(|e| io("write a file", &partial, e))?;
        let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
        let parquet = |e: datafusion::parquet::errors::ParquetError| {
            MapperError::new(SqlState::General, format!("the replica could not write {}: {e}", partial.display()))
        };
        let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(parquet)?;
        for b in batches {
            writer.write(b).map_err(parquet)?;
        }
        let file = writer.into_inner().map_err(parquet)?;
        file.sync_all().map_err(|e| io("write a file", &partial, e))?;
        let done = dir.join(&name);
        fs::rename(&partial, &done).map_err(|e| io("write a file", &done, e))?;
        Ok(format!("tables/{table}/{name}"))
    }

    /// Makes `manifest` the current one: written whole beside the old, then renamed over it.
    /// Files the new manifest no longer names are removed afterwards.
    pub fn commit(&self, _lock: &SyncLock, manifest: &Manifest) -> Result<(), MapperError> {
        let path = self.root.join(MANIFEST);
        let next = self.root.join(format!("{MANIFEST}.next"));
        let text = serde_json::to_string_pretty(manifest).expect("a manifest serializes");
        let mut f = File::create(&next).map_err(|e| io("write its manifest", &next, e))?;
        f.write_all(text.as_bytes()).and_then(|_| f.sync_all()).map_err(|e| io("write its manifest", &next, e))?;
        fs::rename(&next, &path).map_err(|e| io("replace its manifest", &path, e))?;
        // The rename itself is durable once the directory is.
        File::open(&self.root).and_then(|d| d.sync_all()).map_err(|e| io("sync its folder", &self.root, e))?;
        self.remove_unnamed(manifest)
    }

    /// Removes the files of `tables/` that `manifest` does not name (a killed sync's, a
    /// replaced table's). Only a lock holder calls this.
    fn remove_unnamed(&self, manifest: &Manifest) -> Result<(), MapperError> {
        let named: std::collections::HashSet<&str> = manifest.tables.values().flat_map(|t| t.files.iter().map(String::as_str)).collect();
        let tables = self.root.join("tables");
        for dir in fs::read_dir(&tables).map_err(|e| io("list its tables", &tables, e))?.flatten() {
            let Ok(files) = fs::read_dir(dir.path()) else { continue };
            for f in files.flatten() {
                let rel = format!("tables/{}/{}", dir.file_name().to_string_lossy(), f.file_name().to_string_lossy());
                if !named.contains(rel.as_str()) {
                    let _ = fs::remove_file(f.path());
                }
            }
        }
        Ok(())
    }

    /// A table of the current manifest as a DataFusion table over its files (filters and
    /// projections prune row groups as Parquet allows).
    pub fn table(&self, entry: &TableEntry, schema: SchemaRef) -> Result<Arc<dyn TableProvider>, MapperError> {
        let urls = entry
            .files
            .iter()
            .map(|f| ListingTableUrl::parse(self.root.join(f).to_string_lossy()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(crate::error::df_error)?;
        let options = ListingOptions::new(Arc::new(ParquetFormat::default())).with_file_extension(".parquet");
        let config = ListingTableConfig::new_with_multi_paths(urls).with_listing_options(options).with_schema(schema);
        Ok(Arc::new(ListingTable::try_new(config).map_err(crate::error::df_error)?))
    }
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Int64Array, StringArray};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::prelude::SessionContext;

    use super::*;

    fn temp_root(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("replica-test-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        root
    }

    fn batch(schema: &SchemaRef, ids: &[i64]) -> RecordBatch {
        let keys: Vec<String> = ids.iter().map(|i| format!("ENG-{i}")).collect();
        RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(ids.to_vec())), Arc::new(StringArray::from(keys))]).unwrap()
    }

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![Field::new("Id", DataType::Int64, false), Field::new("Key", DataType::Utf8, true)]))
    }

    async fn count(store: &ReplicaStore, table: &str) -> i64 {
        let m = store.manifest().unwrap();
        let ctx = SessionContext::new();
        ctx.register_table("t", store.table(&m.tables[table], schema()).unwrap()).unwrap();
        let b = ctx.sql("select count(*) from t").await.unwrap().collect().await.unwrap();
        b[0].column(0).as_any().downcast_ref::<Int64Array>().unwrap().value(0)
    }

    #[tokio::test]
    async fn a_commit_replaces_a_table_whole_and_what_it_left_goes() {
        let root = temp_root("commit");
        let store = ReplicaStore::open(&root).unwrap();
        assert!(store.manifest().unwrap().tables.is_empty());
        let lock = store.try_lock().unwrap().expect("the lock is free");
        let s = schema();
        let first = store.write_file(&lock, "Jira.Issues", &s, &[batch(&s, &[1, 2]), batch(&s, &[3])]).unwrap();
        let mut m = store.manifest().unwrap();
        m.tables.insert(
            "Jira.Issues".into(),
            TableEntry { files: vec![first.clone()], rows: 3, synced_at: "2026-12-07T00:00:00Z".into(), columns: vec!["Id".into(), "Key".into()] },
        );
        store.commit(&lock, &m).unwrap();
        assert_eq!(count(&store, "Jira.Issues").await, 3);
        // A sync that wrote a file and died before committing: the state is the last commit's.
        let orphan = store.write_file(&lock, "Jira.Issues", &s, &[batch(&s, &[9])]).unwrap();
        assert_eq!(count(&store, "Jira.Issues").await, 3);
        // The next commit replaces the table and removes both the replaced and the orphaned file.
        let second = store.write_file(&lock, "Jira.Issues", &s, &[batch(&s, &[1, 2, 3, 4])]).unwrap();
        m.tables.get_mut("Jira.Issues").unwrap().files = vec![second.clone()];
        store.commit(&lock, &m).unwrap();
        assert_eq!(count(&store, "Jira.Issues").await, 4);
        assert!(!root.join(&first).exists() && !root.join(&orphan).exists() && root.join(&second).exists());
        // Another store on the same root reads what was committed.
        assert_eq!(ReplicaStore::open(&root).unwrap().manifest().unwrap(), m);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn one_sync_at_a_time() {
        let root = temp_root("lock");
        let a = ReplicaStore::open(&root).unwrap();
        let b = ReplicaStore::open(&root).unwrap();
        let held = a.try_lock().unwrap().expect("free");
        assert!(b.try_lock().unwrap().is_none(), "held by another handle");
        drop(held);
        assert!(b.try_lock().unwrap().is_some(), "free again once dropped");
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_unknown_layout_is_refused() {
        let root = temp_root("layout");
        let store = ReplicaStore::open(&root).unwrap();
        fs::write(root.join(MANIFEST), r#"{"format": 99, "tables": {}}"#).unwrap();
        assert!(store.manifest().unwrap_err().message.contains("layout 99"));
        fs::write(root.join(MANIFEST), "not json").unwrap();
        assert!(store.manifest().is_err());
        fs::remove_dir_all(&root).unwrap();
    }
}
