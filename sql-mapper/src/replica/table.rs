//! `ReplicaTable`: a table of the catalog as an `AutoCache` or `Offline` connection sees it. Each
//! scan reads the current manifest: a table it names is read from its Parquet files (a sync
//! that commits meanwhile changes the next scan, not this one); one it does not is read from
//! the site, or, `Offline`, refused with the command that would fetch it. The sync's own reads
//! ([`LiveRead`]) always go to the site.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::Session;
use datafusion::datasource::{TableProvider, TableType};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_plan::ExecutionPlan;

use super::ReplicaStore;
use crate::{MapperError, SqlState};

/// Our error through DataFusion, to come back out with its SQLSTATE.
fn df(e: MapperError) -> datafusion::error::DataFusionError {
    datafusion::error::DataFusionError::External(Box::new(e))
}

/// Marks a session state whose scans read the site, not the replica (a sync's reads).
#[derive(Debug, Default)]
pub(crate) struct LiveRead;

#[derive(Debug)]
pub(crate) struct ReplicaTable {
    live: Arc<dyn TableProvider>,
    /// `Schema.Table`, as the manifest names it.
    name: String,
    store: ReplicaStore,
    offline: bool,
}

impl ReplicaTable {
    pub(crate) fn new(live: Arc<dyn TableProvider>, name: String, store: ReplicaStore, offline: bool) -> ReplicaTable {
        ReplicaTable { live, name, store, offline }
    }

    /// Why an `Offline` connection cannot answer a table the replica does not hold.
    pub(crate) fn never_synced(name: &str, store: &ReplicaStore) -> MapperError {
        MapperError::new(
            SqlState::General,
            format!(
                "{name} was never synced to the replica at {}, and Offline=true reads nothing else: sync it while online \
                 (atlassian-odbc sync <DSN> --tables {name}, or EXEC SyncReplica('{name}'))",
                store.root().display()
            ),
        )
    }
}

#[async_trait]
impl TableProvider for ReplicaTable {
    fn schema(&self) -> SchemaRef {
        self.live.schema()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    /// Filters are offered to both readers and checked again above them: Parquet only skips
    /// row groups, and whether a scan reads the files is known when it starts.
    fn supports_filters_pushdown(&self, filters: &[&Expr]) -> DfResult<Vec<TableProviderFilterPushDown>> {
        Ok(vec![TableProviderFilterPushDown::Inexact; filters.len()])
    }

    async fn scan(&self, state: &dyn Session, projection: Option<&Vec<usize>>, filters: &[Expr], limit: Option<usize>) -> DfResult<Arc<dyn ExecutionPlan>> {
        if state.config().get_extension::<LiveRead>().is_none() {
            let manifest = self.store.manifest().map_err(df)?;
            match manifest.tables.get(&self.name) {
                Some(entry) => return self.store.table(entry, self.schema()).map_err(df)?.scan(state, projection, filters, limit).await,
                None if self.offline => return Err(df(Self::never_synced(&self.name, &self.store))),
                None => {}
            }
        }
        let refs: Vec<&Expr> = filters.iter().collect();
        let offered = self.live.supports_filters_pushdown(&refs)?;
        let pushed: Vec<Expr> = filters.iter().zip(offered).filter(|(_, p)| *p != TableProviderFilterPushDown::Unsupported).map(|(f, _)| f.clone()).collect();
        self.live.scan(state, projection, &pushed, limit).await
    }
}
