//! Bringing the local replica up to date (`SyncReplica`, `atlassian-odbc sync`, and an
//! `AutoCache` query past its `CacheTolerance`): each table is read from the site (through the
//! live tables, never the replica) and written as one new Parquet file, whole or merged from its
//! last state and the changes Atlassian's feeds name ([`feeds`]); then one manifest naming all
//! of them replaces the last. One sync at a time per location; each reports its progress to
//! the location's progress file as it goes, a few times a second.

mod feeds;
mod merge;

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::ScalarValue;
use futures::TryStreamExt;
use tokio::sync::OnceCell;

use crate::catalog::TableDef;
use crate::queries::Queries;
use crate::replica::progress::ProgressFile;
use crate::replica::{ReplicaStore, SiteRecord, TableEntry};
use crate::{MapperError, SqlState};

/// What one table's sync did.
#[derive(Debug, Clone)]
pub(crate) struct TableReport {
    pub table: String,
    /// `full`, `incremental`, or `skipped` (a table of an unnamed list the site refused).
    pub mode: &'static str,
    /// Rows the replica holds now.
    pub rows: u64,
    /// Rows read from the site.
    pub changed: u64,
    /// Rows dropped as deleted or moved away.
    pub removed: u64,
    pub requests: u64,
    pub seconds: f64,
    /// Why a table was skipped.
    pub note: Option<String>,
}

/// The tables a sync covers: those named, or (`None`) the connection's `CacheTables`, all by
/// default; a table of the latter that the site refuses is skipped, not fatal.
pub(crate) async fn sync(session: &dyn Queries, named: Option<Vec<String>>, full: bool) -> Result<Vec<TableReport>, MapperError> {
    let options = session.replica().ok_or_else(|| MapperError::new(SqlState::NotSupported, "This connection has no CacheLocation for a replica"))?;
    if options.offline {
        return Err(MapperError::new(SqlState::NotSupported, "Offline=true: a sync reads the site; connect without Offline to sync"));
    }
    let store = ReplicaStore::open(&options.location)?;
    let lock = store.try_lock()?.ok_or_else(|| {
        MapperError::new(SqlState::General, format!("Another sync is writing the replica at {}: try again when it is done", options.location.display()))
    })?;
    let explicit = named.is_some();
    let defs: Vec<TableDef> = match named {
        Some(names) => names.iter().map(|n| resolve(session, n)).collect::<Result<_, _>>()?,
        None => session.catalog().tables().iter().filter(|t| options.covers(&t.qualified_name())).cloned().collect(),
    };
    let mut manifest = store.manifest()?;
    manifest.site = Some(SiteRecord { flavor: session.client().flavor().pick("cloud", "datacenter").to_string() });
    if let Some(fields) = session.jira_fields() {
        store.keep_jira_fields(&lock, &fields)?;
    }
    let mut progress = ProgressFile::new(&store, defs.len());
    let run = Run { session, store: &store, issues: OnceCell::new(), changed_issues: tokio::sync::Mutex::new(HashMap::new()) };
    let first_request = session.client().requests_sent();
    let mut out = Vec::new();
    for (n, def) in defs.iter().enumerate() {
        let name = def.qualified_name();
        let before = session.client().requests_sent();
        let started = Instant::now();
        // The sync's instant is taken before reading: what changes while it reads is read again next time.
        let synced_at = chrono::Utc::now().to_rfc3339();
        let previous = manifest.tables.get(&name).cloned();
        progress.now.table = name.clone();
        progress.now.table_number = n + 1;
        progress.now.rows = 0;
        progress.now.expected = previous.as_ref().map_or(0, |p| p.rows);
        progress.report(true);
        let schema = crate::scan::schema_of(def);
        let done = sync_table(&run, &lock, def, &schema, previous.as_ref().filter(|_| !full), &mut progress, first_request).await;
        let (mode, rows, changed, removed, note) = match done {
            Ok((mode, file, rows, changed, removed)) => {
                let columns = schema.fields().iter().map(|f| f.name().clone()).collect();
                manifest.tables.insert(name.clone(), TableEntry { files: vec![file], rows, synced_at, columns });
                (mode, rows, changed, removed, None)
            }
            Err(e) if !explicit => ("skipped", previous.map_or(0, |p| p.rows), 0, 0, Some(e.message)),
            Err(e) => return Err(e),
        };
        out.push(TableReport {
            table: name,
            mode,
            rows,
            changed,
            removed,
            requests: session.client().requests_sent() - before,
            seconds: started.elapsed().as_secs_f64(),
            note,
        });
    }
    store.commit(&lock, &manifest)?;
    progress.now.done = true;
    progress.now.requests = session.client().requests_sent() - first_request;
    progress.report(true);
    Ok(out)
}

fn resolve(session: &dyn Queries, name: &str) -> Result<TableDef, MapperError> {
    let (schema, table) = name.split_once('.').ok_or_else(|| MapperError::new(SqlState::InvalidCharacterValue, format!("'{name}' is not Schema.Table")))?;
    Ok(session.catalog().resolve(Some(schema.trim().trim_matches('"')), table.trim().trim_matches('"'))?.clone())
}

/// One table written: its mode, new file, rows, rows read and rows removed.
async fn sync_table(
    run: &Run<'_>,
    lock: &crate::replica::SyncLock,
    def: &TableDef,
    schema: &SchemaRef,
    previous: Option<&TableEntry>,
    progress: &mut ProgressFile,
    first_request: u64,
) -> Result<(&'static str, String, u64, u64, u64), MapperError> {
    let delta = match previous {
        Some(entry) => feeds::changes(run, def, entry, schema).await?,
        None => None,
    };
    let long_text: Vec<&str> = def
        .columns
        .iter()
        .filter(|c| matches!(c.sql_type, crate::catalog::SqlType::LongText(_) | crate::catalog::SqlType::LongVarchar))
        .map(|c| c.name.as_str())
        .collect();
    let mut writer = run.store.writer(lock, &def.qualified_name(), schema, &long_text)?;
    let requests = |run: &Run<'_>| run.session.client().requests_sent() - first_request;
    let (mode, changed, removed) = match (delta, previous) {
        (Some(mut delta), Some(entry)) => {
            let mut changed: u64 = delta.fresh.iter().map(|b| b.num_rows() as u64).sum();
            progress.now.requests = requests(run);
            progress.report(true);
            // The old rows are merged on a thread of their own while the rows to read again
            // come from the site: the merge costs no time of its own.
            let reread = std::mem::take(&mut delta.reread);
            let (store, entry, merged_schema) = (run.store.clone(), entry.clone(), schema.clone());
            let merging = tokio::task::spawn_blocking(move || merge::apply(&store, &entry, delta, &merged_schema, writer));
            let mut again = Vec::new();
            for sql in &reread {
                again.extend(run.rows(sql, &[]).await?.1);
            }
            let (merged, removed) = merging.await.map_err(|e| MapperError::new(SqlState::General, format!("the replica's merge stopped: {e}")))??;
            writer = merged;
            for b in &again {
                writer.write(&merge::fit(b, schema)?)?;
                changed += b.num_rows() as u64;
            }
            ("incremental", changed, removed)
        }
        _ => {
            let sql = format!("SELECT * FROM \"{}\".\"{}\"", def.product.schema_name(), def.name);
            let mut stream = run.session.query_with(&sql, &[]).await?.stream;
            while let Some(batch) = stream.try_next().await.map_err(crate::error::df_error)? {
                writer.write(&merge::fit(&batch, schema)?)?;
                progress.now.rows = writer.rows();
                progress.now.requests = requests(run);
                progress.report(false);
            }
            ("full", writer.rows(), 0)
        }
    };
    let (file, rows) = writer.finish()?;
    progress.now.rows = rows;
    progress.report(true);
    Ok((mode, file, rows, changed, removed))
}

/// What the tables of one sync share: the site's issues (ids and keys, read once, keys only)
/// and the issues changed since each point in time asked.
pub(crate) struct Run<'a> {
    pub session: &'a dyn Queries,
    pub store: &'a ReplicaStore,
    issues: OnceCell<IssueIndex>,
    changed_issues: tokio::sync::Mutex<HashMap<i64, HashSet<i64>>>,
}

/// Every issue the user can see now, by id.
pub(crate) struct IssueIndex {
    pub keys: HashMap<i64, String>,
}

impl Run<'_> {
    /// Rows of a query against the site, gathered.
    pub async fn rows(&self, sql: &str, params: &[ScalarValue]) -> Result<(SchemaRef, Vec<RecordBatch>), MapperError> {
        let result = self.session.query_with(sql, params).await?;
        let schema = result.schema.clone();
        Ok((schema, result.stream.try_collect().await.map_err(crate::error::df_error)?))
    }

    pub async fn issues(&self) -> Result<&IssueIndex, MapperError> {
        self.issues
            .get_or_try_init(|| async {
                let (_, batches) = self.rows("SELECT \"Id\", \"Key\" FROM \"Jira\".\"Issues\"", &[]).await?;
                let mut keys = HashMap::new();
                for b in &batches {
                    for (id, key) in merge::ints(b, "Id").into_iter().zip(merge::texts(b, "Key")) {
                        if let (Some(id), Some(key)) = (id, key) {
                            keys.insert(id, key);
                        }
                    }
                }
                Ok(IssueIndex { keys })
            })
            .await
    }

    /// The ids of the issues updated at or after `since` (epoch milliseconds).
    pub async fn issues_changed_since(&self, since: i64) -> Result<HashSet<i64>, MapperError> {
        let mut known = self.changed_issues.lock().await;
        if let Some(ids) = known.get(&since) {
            return Ok(ids.clone());
        }
        let (_, batches) = self.rows("SELECT \"Id\" FROM \"Jira\".\"Issues\" WHERE \"Updated\" >= $1", &[since_value(since)]).await?;
        let ids: HashSet<i64> = batches.iter().flat_map(|b| merge::ints(b, "Id")).flatten().collect();
        known.insert(since, ids.clone());
        Ok(ids)
    }
}

/// A point in time as the timestamp parameter the tables compare with.
pub(crate) fn since_value(millis: i64) -> ScalarValue {
    ScalarValue::TimestampMillisecond(Some(millis), Some("UTC".into()))
}
