//! `ReplicaStore`: a replica's files under one directory.
//!
//! ```text
//! <root>/manifest.json            {"format": 1, "site": {"flavor": "cloud"}, "tables": {"Jira.Issues":
//!                                  {"files": [...], "rows": N, "syncedAt": "...", "columns": [...]}}, "retired": [...]}
//! <root>/jira-fields.json         the site's Jira field list at the last sync (Offline names custom fields by it)
//! <root>/tables/<Schema.Table>/<file>.parquet
//! <root>/sync.lock                held (an OS file lock) by the one sync writing the location
//! <root>/sync-progress.json       what the running sync has done so far (rows, requests, table)
//! ```
//!
//! A sync writes new files beside the current ones, then replaces `manifest.json` by renaming a
//! complete new one over it (and syncs the directory), so readers see the old state or the new,
//! never a mix. The files a commit replaces stay one more commit (`retired`: a query planned on
//! the manifest before may still open them); files no manifest names (a killed sync's, those
//! retired a commit ago) are removed by the next sync that holds the lock. Readers never lock.

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
const FIELDS: &str = "jira-fields.json";
/// Rows per row group: what a writer holds in memory, and what a filter can skip at once.
const ROW_GROUP: usize = 8192;

/// Which files hold each table now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The site the replica was read from, for a connection that does not ask it (`Offline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteRecord>,
    pub tables: BTreeMap<String, TableEntry>,
    /// Files the last commit replaced, kept until the next one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<String>,
}

/// What a connection needs to know of the site without asking it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteRecord {
    /// `cloud` or `datacenter`.
    pub flavor: String,
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
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest { format: FORMAT, ..Manifest::default() }),
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
    pub fn write_file(&self, lock: &SyncLock, table: &str, schema: &SchemaRef, batches: &[RecordBatch]) -> Result<String, MapperError> {
        let mut w = self.writer(lock, table, schema, &[])?;
        for b in batches {
            w.write(b)?;
        }
        Ok(w.finish()?.0)
    }

    /// A new file of `table`, written a batch at a time (a sync holds one row group in memory,
    /// not the table). `long_text` columns (bodies, JSON) are written without a dictionary:
    /// their values rarely repeat, and trying costs a hash of every one.
    pub fn writer(&self, _lock: &SyncLock, table: &str, schema: &SchemaRef, long_text: &[&str]) -> Result<TableWriter, MapperError> {
        let dir = self.root.join("tables").join(table);
        fs::create_dir_all(&dir).map_err(|e| io("make a table's folder", &dir, e))?;
        let name = file_name();
        let partial = dir.join(format!("{name}.partial"));
        let file = File::create(&partial).map_err(|e| io("write a file", &partial, e))?;
        // Statistics per row group (what lets a filter skip one), not per page: cheaper to write.
        let mut props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP))
            .set_statistics_enabled(datafusion::parquet::file::properties::EnabledStatistics::Chunk);
        for c in long_text {
            props = props.set_column_dictionary_enabled(datafusion::parquet::schema::types::ColumnPath::from(*c), false);
        }
        let props = props.build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| parquet_error(&partial, e))?;
        Ok(TableWriter { writer, done: dir.join(&name), partial, relative: format!("tables/{table}/{name}"), rows: 0 })
    }

    /// The Jira field list of the last sync (`None` before one that read it).
    pub fn jira_fields(&self) -> Result<Option<serde_json::Value>, MapperError> {
        let path = self.root.join(FIELDS);
        match fs::read_to_string(&path) {
            Ok(t) => {
                serde_json::from_str(&t).map(Some).map_err(|e| MapperError::new(SqlState::General, format!("{} is not a field list: {e}", path.display())))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io("read its field list", &path, e)),
        }
    }

    /// Keeps the site's Jira field list beside the tables (replaced whole, like the manifest).
    pub fn keep_jira_fields(&self, _lock: &SyncLock, fields: &serde_json::Value) -> Result<(), MapperError> {
        let text = serde_json::to_string(fields).expect("JSON serializes");
        // Unchanged (the usual case): nothing to write.
        if fs::read_to_string(self.root.join(FIELDS)).is_ok_and(|t| t == text) {
            return Ok(());
        }
        self.replace(FIELDS, &text)
    }

    /// Writes `name` whole beside the old, then renames it over it.
    fn replace(&self, name: &str, text: &str) -> Result<(), MapperError> {
        let path = self.root.join(name);
        let next = self.root.join(format!("{name}.next"));
        let mut f = File::create(&next).map_err(|e| io("write a file", &next, e))?;
        f.write_all(text.as_bytes()).and_then(|_| f.sync_all()).map_err(|e| io("write a file", &next, e))?;
        fs::rename(&next, &path).map_err(|e| io("replace a file", &path, e))?;
        // The rename itself is durable once the directory is.
        File::open(&self.root).and_then(|d| d.sync_all()).map_err(|e| io("sync its folder", &self.root, e))
    }

    /// Makes `manifest` the current one: written whole beside the old, then renamed over it.
    /// Files the new manifest no longer names are removed afterwards.
    /// The files the current manifest names that `manifest` no longer does become its
    /// `retired` ones.
    pub fn commit(&self, _lock: &SyncLock, manifest: &Manifest) -> Result<(), MapperError> {
        let mut manifest = manifest.clone();
        let named: std::collections::HashSet<&String> = manifest.tables.values().flat_map(|t| &t.files).collect();
        manifest.retired = self.manifest()?.tables.values().flat_map(|t| t.files.iter()).filter(|f| !named.contains(f)).cloned().collect();
        self.replace(MANIFEST, &serde_json::to_string_pretty(&manifest).expect("a manifest serializes"))?;
        self.remove_unnamed(&manifest)
    }

    /// Removes the files of `tables/` that `manifest` does not name (a killed sync's, a
    /// replaced table's). Only a lock holder calls this.
    fn remove_unnamed(&self, manifest: &Manifest) -> Result<(), MapperError> {
        let named: std::collections::HashSet<&str> =
            manifest.tables.values().flat_map(|t| t.files.iter()).chain(&manifest.retired).map(String::as_str).collect();
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

/// One new file of a table, being written.
pub struct TableWriter {
    writer: ArrowWriter<File>,
    partial: PathBuf,
    done: PathBuf,
    relative: String,
    rows: u64,
}

fn parquet_error(path: &Path, e: datafusion::parquet::errors::ParquetError) -> MapperError {
    MapperError::new(SqlState::General, format!("the replica could not write {}: {e}", path.display()))
}

impl TableWriter {
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), MapperError> {
        self.rows += batch.num_rows() as u64;
        self.writer.write(batch).map_err(|e| parquet_error(&self.partial, e))
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Closes the file, complete on disk; its name relative to the root, and its rows.
    pub fn finish(self) -> Result<(String, u64), MapperError> {
        let file = self.writer.into_inner().map_err(|e| parquet_error(&self.partial, e))?;
        file.sync_all().map_err(|e| io("write a file", &self.partial, e))?;
        fs::rename(&self.partial, &self.done).map_err(|e| io("write a file", &self.done, e))?;
        Ok((self.relative, self.rows))
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
        // The next commit replaces the table and removes the orphaned file; the replaced one
        // stays a commit longer, for the queries planned on the manifest before.
        let second = store.write_file(&lock, "Jira.Issues", &s, &[batch(&s, &[1, 2, 3, 4])]).unwrap();
        m.tables.get_mut("Jira.Issues").unwrap().files = vec![second.clone()];
        store.commit(&lock, &m).unwrap();
        assert_eq!(count(&store, "Jira.Issues").await, 4);
        assert!(root.join(&first).exists() && !root.join(&orphan).exists() && root.join(&second).exists());
        assert_eq!(store.manifest().unwrap().retired, vec![first.clone()]);
        let third = store.write_file(&lock, "Jira.Issues", &s, &[batch(&s, &[5])]).unwrap();
        m.tables.get_mut("Jira.Issues").unwrap().files = vec![third.clone()];
        store.commit(&lock, &m).unwrap();
        assert!(!root.join(&first).exists() && root.join(&second).exists());
        // Another store on the same root reads what was committed.
        m.retired = vec![second.clone()];
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
