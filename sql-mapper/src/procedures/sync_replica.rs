//! `SyncReplica(Tables)`: reads the tables named (`Schema.Table`, comma separated) whole from the
//! site and makes them the replica's (`CacheLocation`), all at once: their files are written,
//! then one manifest naming them replaces the last, so a reader sees the tables before the sync
//! or after it. One sync at a time per location: another is refused while one runs.

use std::time::Instant;

use futures::TryStreamExt;
use serde_json::json;

use super::{param, text, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Product, SqlType::*};
use crate::queries::Queries;
use crate::replica::{ReplicaStore, TableEntry};
use crate::{MapperError, SqlState};

const PARAMS: &[ParamDef] = &[param("Tables", Varchar(4000), true, "The tables to replicate, Schema.Table, comma separated")];

pub fn def() -> ProcedureDef {
    let c = ColumnDef::new;
    ProcedureDef {
        product: Product::Jira,
        name: "SyncReplica",
        remarks: "Reads tables whole from the site into the local replica (CacheLocation); AutoCache connections then answer them from it.",
        params: PARAMS,
        result: vec![
            c("Table", Varchar(255), false, at("/Table"), "Schema.Table"),
            c("Rows", BigInt, false, at("/Rows"), "Rows the replica holds now"),
            c("Seconds", Double, false, at("/Seconds"), "Time the table's read took"),
        ],
        writes: false,
        run: |s, a| Box::pin(run(s, a)),
    }
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let root = session.replica().ok_or_else(|| MapperError::new(SqlState::NotSupported, "This connection has no CacheLocation for a replica"))?;
    let store = ReplicaStore::open(root)?;
    let lock = store
        .try_lock()?
        .ok_or_else(|| MapperError::new(SqlState::General, format!("Another sync is writing the replica at {}: try again when it is done", root.display())))?;
    let mut manifest = store.manifest()?;
    let mut out = Vec::new();
    for name in text(&args, "Tables").unwrap_or_default().split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let (schema, table) = name.split_once('.').ok_or_else(|| MapperError::new(SqlState::InvalidCharacterValue, format!("'{name}' is not Schema.Table")))?;
        let def = session.catalog().resolve(Some(schema), table)?.clone();
        let qualified = def.qualified_name();
        let started = Instant::now();
        let result = session.query_with(&format!("SELECT * FROM \"{}\".\"{}\"", def.product.schema_name(), def.name), &[]).await?;
        let schema = result.schema.clone();
        let batches: Vec<_> = result.stream.try_collect().await.map_err(crate::error::df_error)?;
        let rows: u64 = batches.iter().map(|b| b.num_rows() as u64).sum();
        let file = store.write_file(&lock, &qualified, &schema, &batches)?;
        let entry = TableEntry {
            files: vec![file],
            rows,
            synced_at: chrono::Utc::now().to_rfc3339(),
            columns: schema.fields().iter().map(|f| f.name().clone()).collect(),
        };
        manifest.tables.insert(qualified.clone(), entry);
        out.push(
            [("Table".to_string(), json!(qualified)), ("Rows".to_string(), json!(rows)), ("Seconds".to_string(), json!(started.elapsed().as_secs_f64()))]
                .into_iter()
                .collect(),
        );
    }
    store.commit(&lock, &manifest)?;
    Ok(out)
}
