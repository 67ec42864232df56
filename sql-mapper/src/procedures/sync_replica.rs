//! `SyncReplica(Tables, Full)`: brings the tables named (`Schema.Table`, comma separated) in the
//! replica at `CacheLocation` up to date, all at once: their files are written, then one
//! manifest naming them replaces the last, so a reader sees the tables before the sync or after
//! it. One sync at a time per location: another is refused while one runs.
//!
//! `Jira.Issues`, once synced, is brought up to date incrementally unless `Full` says otherwise:
//! the issues updated since the last sync (less an overlap: JQL reads minutes, in the user's
//! zone) replace their old rows, and a key-only scan (thousands of ids a request) finds the
//! issues deleted or moved away since. Every other table is read whole.

use std::collections::HashSet;
use std::fs::File;
use std::time::Instant;

use datafusion::arrow::array::{new_null_array, Array, ArrayRef, BooleanArray, Int64Array};
use datafusion::arrow::compute::filter_record_batch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::ScalarValue;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use futures::TryStreamExt;
use serde_json::json;

use super::{param, text, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Product, SqlType::*};
use crate::queries::Queries;
use crate::replica::{ReplicaStore, TableEntry};
use crate::{MapperError, SqlState};

const PARAMS: &[ParamDef] = &[
    param("Tables", Varchar(4000), true, "The tables to replicate, Schema.Table, comma separated"),
    param("Full", Bit, false, "1: read every table whole, even those synced incrementally"),
];

/// How far before the last sync the changes are read again.
const OVERLAP_MILLIS: i64 = 10 * 60 * 1000;

pub fn def() -> ProcedureDef {
    let c = ColumnDef::new;
    ProcedureDef {
        product: Product::Jira,
        name: "SyncReplica",
        remarks: "Brings tables of the local replica (CacheLocation) up to date; AutoCache connections answer them from it.",
        params: PARAMS,
        result: vec![
            c("Table", Varchar(255), false, at("/Table"), "Schema.Table"),
            c("Mode", Varchar(16), false, at("/Mode"), "full or incremental"),
            c("Rows", BigInt, false, at("/Rows"), "Rows the replica holds now"),
            c("Changed", BigInt, false, at("/Changed"), "Rows read from the site"),
            c("Removed", BigInt, false, at("/Removed"), "Rows dropped as deleted or moved away since the last sync"),
            c("Seconds", Double, false, at("/Seconds"), "Time the table took"),
        ],
        writes: false,
        run: |s, a| Box::pin(run(s, a)),
    }
}

async fn rows_of(session: &dyn Queries, sql: &str, params: &[ScalarValue]) -> Result<(SchemaRef, Vec<RecordBatch>), MapperError> {
    let result = session.query_with(sql, params).await?;
    let schema = result.schema.clone();
    let batches = result.stream.try_collect().await.map_err(crate::error::df_error)?;
    Ok((schema, batches))
}

/// The replica's rows of a table, read from its files, in `schema` (columns added since, such
/// as a new custom field, read NULL).
fn replica_rows(store: &ReplicaStore, entry: &TableEntry, schema: &SchemaRef) -> Result<Vec<RecordBatch>, MapperError> {
    let parquet = |e: datafusion::parquet::errors::ParquetError| MapperError::new(SqlState::General, format!("the replica's files could not be read: {e}"));
    let mut out = Vec::new();
    for f in &entry.files {
        let path = store.root().join(f);
        let file = File::open(&path).map_err(|e| MapperError::new(SqlState::General, format!("{} could not be read: {e}", path.display())))?;
        for batch in ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet)?.build().map_err(parquet)? {
            let batch = batch.map_err(|e| MapperError::new(SqlState::General, format!("{} could not be read: {e}", path.display())))?;
            let columns: Vec<ArrayRef> = schema
                .fields()
                .iter()
                .map(|field| match batch.column_by_name(field.name()) {
                    Some(c) if c.data_type() == field.data_type() => c.clone(),
                    _ => new_null_array(field.data_type(), batch.num_rows()),
                })
                .collect();
            out.push(
                RecordBatch::try_new(schema.clone(), columns)
                    .map_err(|e| MapperError::new(SqlState::General, format!("the replica's rows do not fit: {e}")))?,
            );
        }
    }
    Ok(out)
}

/// A batch's `Id` column, row by row.
fn ids_of(b: &RecordBatch) -> Vec<Option<i64>> {
    b.column_by_name("Id").and_then(|c| c.as_any().downcast_ref::<Int64Array>().map(|a| a.iter().collect())).unwrap_or_else(|| vec![None; b.num_rows()])
}

/// A text column of a batch, row by row (empty when the batch has no such column).
fn text_column(b: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let Some(c) = b.column_by_name(name) else { return Vec::new() };
    let Ok(c) = datafusion::arrow::compute::cast(c, &datafusion::arrow::datatypes::DataType::Utf8) else { return Vec::new() };
    c.as_any().downcast_ref::<datafusion::arrow::array::StringArray>().map(|a| a.iter().map(|v| v.map(str::to_string)).collect()).unwrap_or_default()
}

fn ids(batches: &[RecordBatch]) -> impl Iterator<Item = i64> + '_ {
    batches.iter().flat_map(|b| {
        let c = b.column_by_name("Id").and_then(|c| c.as_any().downcast_ref::<Int64Array>().cloned());
        c.into_iter().flat_map(|a| a.iter().flatten().collect::<Vec<_>>())
    })
}

/// `Jira.Issues` brought up to date from the last sync: its rows, how many came from the site,
/// and how many were dropped.
async fn issues_since(session: &dyn Queries, store: &ReplicaStore, entry: &TableEntry) -> Result<Option<(SchemaRef, Vec<RecordBatch>, u64, u64)>, MapperError> {
    let Ok(last) = chrono::DateTime::parse_from_rfc3339(&entry.synced_at) else { return Ok(None) };
    let since = ScalarValue::TimestampMillisecond(Some(last.timestamp_millis() - OVERLAP_MILLIS), Some("UTC".into()));
    let (schema, changed) = rows_of(session, "SELECT * FROM \"Jira\".\"Issues\" WHERE \"Updated\" >= $1", &[since]).await?;
    let (_, live) = rows_of(session, "SELECT \"Id\" FROM \"Jira\".\"Issues\"", &[]).await?;
    let live: HashSet<i64> = ids(&live).collect();
    let fresh: HashSet<i64> = ids(&changed).collect();
    // Most of the table changed: reading it whole is cheaper than merging.
    if fresh.len() as u64 * 2 > entry.rows {
        return Ok(None);
    }
    let old = replica_rows(store, entry, &schema)?;
    // Issues that name a removed or changed one (their links and sub-tasks show its summary and
    // status; their parent or epic) changed with it, though Jira does not move their `updated`:
    // they are read again too.
    let mut named: HashSet<String> = changed.iter().flat_map(|b| text_column(b, "Key")).flatten().collect();
    let removed_keys: HashSet<String> = old
        .iter()
        .flat_map(|b| text_column(b, "Key").into_iter().zip(ids_of(b)).filter(|(_, id)| id.is_some_and(|id| !live.contains(&id))).filter_map(|(k, _)| k))
        .collect();
    named.extend(removed_keys);
    let mut changed = changed;
    let mut fresh = fresh;
    if !named.is_empty() {
        let names_one = |k: &Option<String>| k.as_ref().is_some_and(|t| named.iter().any(|r| t == r || t.contains(&format!("\"{r}\""))));
        let touched: Vec<i64> = old
            .iter()
            .flat_map(|b| {
                let refs: Vec<bool> =
                    ["ParentKey", "EpicKey", "IssueLinks", "Subtasks"].iter().map(|c| text_column(b, c)).fold(vec![false; b.num_rows()], |acc, col| {
                        if col.is_empty() {
                            acc
                        } else {
                            acc.iter().zip(&col).map(|(a, k)| *a || names_one(k)).collect()
                        }
                    });
                ids_of(b)
                    .into_iter()
                    .zip(refs)
                    .filter(|(id, r)| *r && id.is_some_and(|id| live.contains(&id) && !fresh.contains(&id)))
                    .filter_map(|(id, _)| id)
                    .collect::<Vec<_>>()
            })
            .collect();
        if !touched.is_empty() {
            let list = touched.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
            let (_, again) = rows_of(session, &format!("SELECT * FROM \"Jira\".\"Issues\" WHERE \"Id\" IN ({list})"), &[]).await?;
            fresh.extend(ids(&again));
            changed.extend(again);
        }
    }
    let mut kept = Vec::new();
    let mut removed = 0u64;
    for b in old {
        let Some(col) = b.column_by_name("Id").and_then(|c| c.as_any().downcast_ref::<Int64Array>().cloned()) else { continue };
        let keep: BooleanArray = col.iter().map(|id| Some(id.is_some_and(|id| live.contains(&id) && !fresh.contains(&id)))).collect();
        removed += col.iter().filter(|id| id.is_some_and(|id| !live.contains(&id))).count() as u64;
        kept.push(filter_record_batch(&b, &keep).map_err(|e| MapperError::new(SqlState::General, format!("the replica's rows could not be merged: {e}")))?);
    }
    let n_changed = changed.iter().map(|b| b.num_rows() as u64).sum();
    kept.extend(changed);
    Ok(Some((schema, kept, n_changed, removed)))
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let root = session.replica().ok_or_else(|| MapperError::new(SqlState::NotSupported, "This connection has no CacheLocation for a replica"))?;
    let store = ReplicaStore::open(root)?;
    let lock = store
        .try_lock()?
        .ok_or_else(|| MapperError::new(SqlState::General, format!("Another sync is writing the replica at {}: try again when it is done", root.display())))?;
    let full = args.get("Full").is_some_and(|v| v.as_bool() == Some(true) || v.as_i64() == Some(1) || v.as_str() == Some("1"));
    let mut manifest = store.manifest()?;
    let mut out = Vec::new();
    for name in text(&args, "Tables").unwrap_or_default().split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let (schema, table) = name.split_once('.').ok_or_else(|| MapperError::new(SqlState::InvalidCharacterValue, format!("'{name}' is not Schema.Table")))?;
        let def = session.catalog().resolve(Some(schema), table)?.clone();
        let qualified = def.qualified_name();
        let started = Instant::now();
        // The sync's instant is taken before reading: changes made while it reads are read again next time.
        let synced_at = chrono::Utc::now().to_rfc3339();
        let previous = manifest.tables.get(&qualified).cloned();
        let incremental = match (&previous, full, qualified.as_str()) {
            (Some(entry), false, "Jira.Issues") => issues_since(session, &store, entry).await?,
            _ => None,
        };
        let (mode, schema, batches, changed, removed) = match incremental {
            Some((schema, batches, changed, removed)) => ("incremental", schema, batches, changed, removed),
            None => {
                let (schema, batches) = rows_of(session, &format!("SELECT * FROM \"{}\".\"{}\"", def.product.schema_name(), def.name), &[]).await?;
                let n = batches.iter().map(|b| b.num_rows() as u64).sum();
                ("full", schema, batches, n, 0)
            }
        };
        let rows: u64 = batches.iter().map(|b| b.num_rows() as u64).sum();
        let file = store.write_file(&lock, &qualified, &schema, &batches)?;
        let columns = schema.fields().iter().map(|f| f.name().clone()).collect();
        manifest.tables.insert(qualified.clone(), TableEntry { files: vec![file], rows, synced_at, columns });
        out.push(
            [
                ("Table".to_string(), json!(qualified)),
                ("Mode".to_string(), json!(mode)),
                ("Rows".to_string(), json!(rows)),
                ("Changed".to_string(), json!(changed)),
                ("Removed".to_string(), json!(removed)),
                ("Seconds".to_string(), json!(started.elapsed().as_secs_f64())),
            ]
            .into_iter()
            .collect(),
        );
    }
    store.commit(&lock, &manifest)?;
    Ok(out)
}
