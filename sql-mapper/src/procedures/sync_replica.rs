//! `SyncReplica(Tables, Full)`: brings the tables named (`Schema.Table`, comma separated; none:
//! the connection's `CacheTables`, all by default) in the replica at `CacheLocation` up to
//! date, incrementally where Atlassian has a change feed for them (see `replication`), all at
//! once: a reader sees the tables before the sync or after it. One sync at a time per location.

use serde_json::json;

use super::{param, text, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Product, SqlType::*};
use crate::queries::Queries;
use crate::MapperError;

const PARAMS: &[ParamDef] = &[
    param("Tables", Varchar(4000), false, "The tables to replicate, Schema.Table, comma separated; none: CacheTables (all by default)"),
    param("Full", Bit, false, "1: read every table whole, even those synced incrementally"),
];

pub fn def() -> ProcedureDef {
    let c = ColumnDef::new;
    ProcedureDef {
        product: Product::Jira,
        name: "SyncReplica",
        remarks: "Brings tables of the local replica (CacheLocation) up to date; AutoCache connections answer them from it.",
        params: PARAMS,
        result: vec![
            c("Table", Varchar(255), false, at("/Table"), "Schema.Table"),
            c("Mode", Varchar(16), false, at("/Mode"), "full, incremental, or skipped (a table of CacheTables the site refused)"),
            c("Rows", BigInt, false, at("/Rows"), "Rows the replica holds now"),
            c("Changed", BigInt, false, at("/Changed"), "Rows read from the site"),
            c("Removed", BigInt, false, at("/Removed"), "Rows dropped as deleted or moved away since the last sync"),
            c("Requests", BigInt, false, at("/Requests"), "Requests the table took"),
            c("Seconds", Double, false, at("/Seconds"), "Time the table took"),
            c("Note", Varchar(4000), true, at("/Note"), "Why a table was skipped"),
        ],
        writes: false,
        run: |s, a| Box::pin(run(s, a)),
    }
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let full = args.get("Full").is_some_and(|v| v.as_bool() == Some(true) || v.as_i64() == Some(1) || v.as_str() == Some("1"));
    let named: Vec<String> = text(&args, "Tables").unwrap_or_default().split(',').map(str::trim).filter(|n| !n.is_empty()).map(str::to_string).collect();
    let reports = crate::replication::sync(session, (!named.is_empty()).then_some(named), full).await?;
    Ok(reports
        .into_iter()
        .map(|r| {
            [
                ("Table".to_string(), json!(r.table)),
                ("Mode".to_string(), json!(r.mode)),
                ("Rows".to_string(), json!(r.rows)),
                ("Changed".to_string(), json!(r.changed)),
                ("Removed".to_string(), json!(r.removed)),
                ("Requests".to_string(), json!(r.requests)),
                ("Seconds".to_string(), json!(r.seconds)),
                ("Note".to_string(), json!(r.note)),
            ]
            .into_iter()
            .collect()
        })
        .collect())
}
