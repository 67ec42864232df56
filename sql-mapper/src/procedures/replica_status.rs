//! `ReplicaStatus()`: what the connection's replica holds: one row per table it covers
//! (`CacheTables`, all by default, and any other it holds), with its rows and when it was last
//! synced, and where the replica is. Reads the manifest only: no request.

use serde_json::{json, Value};

use super::{Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Product, SqlType::*};
use crate::queries::Queries;
use crate::replica::ReplicaStore;
use crate::{MapperError, SqlState};

const PARAMS: &[ParamDef] = &[];

pub fn def() -> ProcedureDef {
    let c = ColumnDef::new;
    ProcedureDef {
        product: Product::Jira,
        name: "ReplicaStatus",
        remarks: "The tables of the local replica (CacheLocation): rows and last sync of each, and the replica's folder.",
        params: PARAMS,
        result: vec![
            c("Table", Varchar(255), false, at("/Table"), "Schema.Table"),
            c("Synced", Bit, false, at("/Synced"), "Whether the replica holds it"),
            c("Rows", BigInt, true, at("/Rows"), "Rows it holds"),
            c("SyncedAt", Varchar(64), true, at("/SyncedAt"), "When the site was last read for it (RFC 3339, UTC)"),
            c("Location", Varchar(4000), false, at("/Location"), "The replica's folder"),
        ],
        writes: false,
        run: |s, a| Box::pin(run(s, a)),
    }
}

async fn run(session: &dyn Queries, _args: Args) -> Result<Rows, MapperError> {
    let options = session.replica().ok_or_else(|| MapperError::new(SqlState::NotSupported, "This connection has no CacheLocation for a replica"))?;
    let manifest = ReplicaStore::open(&options.location)?.manifest()?;
    let location = options.location.display().to_string();
    let mut names: Vec<String> = session.catalog().tables().iter().map(|t| t.qualified_name()).filter(|n| options.covers(n)).collect();
    names.extend(manifest.tables.keys().filter(|n| !names.contains(n)).cloned().collect::<Vec<_>>());
    Ok(names
        .into_iter()
        .map(|name| {
            let entry = manifest.tables.get(&name);
            [
                ("Table".to_string(), json!(name)),
                ("Synced".to_string(), json!(entry.is_some())),
                ("Rows".to_string(), entry.map_or(Value::Null, |e| json!(e.rows))),
                ("SyncedAt".to_string(), entry.map_or(Value::Null, |e| json!(e.synced_at))),
                ("Location".to_string(), json!(location)),
            ]
            .into_iter()
            .collect()
        })
        .collect())
}
