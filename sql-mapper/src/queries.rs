//! `Queries`: what a write or a procedure may ask of its connection, and no more: the catalog,
//! the REST client, the OAuth token keeper, and queries of the mapper's own (the rows a write
//! reads). The session implements it; writes and procedures sit below the session and never
//! see the rest of it.

use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::common::ScalarValue;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::logical_expr::LogicalPlan;
use serde_json::Value;

use crate::catalog::{Catalog, ColumnDef};
use crate::rest::AtlassianClient;
use crate::{MapperError, SqlState};

#[async_trait::async_trait]
pub(crate) trait Queries: Send + Sync {
    /// The tables the connection resolves names against (with this site's custom fields).
    fn catalog(&self) -> &Catalog;
    fn client(&self) -> &Arc<AtlassianClient>;
    /// The OAuth token keeper of an `AuthScheme=OAuth` connection.
    fn oauth(&self) -> Option<&Arc<atlassian_oauth::OAuthAuthenticator>>;
    /// A query (the rows a write reads, a sync's reads), with the write's parameter values; read
    /// from the site whatever the local replica holds.
    async fn query_with(&self, sql: &str, params: &[ScalarValue]) -> Result<QueryResult, MapperError>;
    /// The connection's local replica (`CacheLocation` and the rest), if it has one.
    fn replica(&self) -> Option<&crate::replica::ReplicaOptions>;
    /// The site's Jira field list the catalog was made from (`None` when none was read).
    fn jira_fields(&self) -> Option<Arc<Value>>;
    /// A planned query (an insert's `VALUES` or `SELECT`), run with these values, read from
    /// the site.
    async fn query_plan(&self, plan: &LogicalPlan, params: &[ScalarValue]) -> Result<QueryResult, MapperError>;
}

/// A statement's result: rows as a stream of Arrow batches; for a write, the number of rows
/// written (and its `RETURNING` rows, if any, as the stream).
pub struct QueryResult {
    pub schema: SchemaRef,
    pub stream: SendableRecordBatchStream,
    pub rows_affected: Option<u64>,
    /// What the user should know of a statement that succeeded (ODBC reports them as `01000`
    /// warnings): a grant forgotten rather than revoked, and where to revoke it.
    pub notices: Vec<String>,
}

impl QueryResult {
    /// A result made in memory: these batches, then the end.
    pub(crate) fn from_batches(schema: SchemaRef, batches: Vec<datafusion::arrow::record_batch::RecordBatch>, rows_affected: Option<u64>) -> QueryResult {
        let stream = futures::stream::iter(batches.into_iter().map(Ok));
        QueryResult {
            schema: schema.clone(),
            stream: Box::pin(datafusion::physical_plan::stream::RecordBatchStreamAdapter::new(schema, stream)),
            rows_affected,
            notices: Vec::new(),
        }
    }

    /// A result of rows given as JSON, one map (column name → value) per row.
    pub(crate) fn from_json_rows(
        schema: SchemaRef,
        columns: &[&ColumnDef],
        rows: &[std::collections::HashMap<String, Value>],
        rows_affected: Option<u64>,
    ) -> Result<QueryResult, MapperError> {
        let mut batches = Vec::new();
        if !columns.is_empty() && !rows.is_empty() {
            let arrays: Vec<datafusion::arrow::array::ArrayRef> = columns
                .iter()
                .map(|c| crate::scan::column_from_json(c, &rows.iter().map(|r| r.get(&c.name).cloned().unwrap_or(Value::Null)).collect::<Vec<_>>()))
                .collect::<Result<_, _>>()?;
            batches.push(
                datafusion::arrow::record_batch::RecordBatch::try_new(schema.clone(), arrays)
                    .map_err(|e| MapperError::new(SqlState::General, format!("cannot build a result batch: {e}")))?,
            );
        }
        Ok(QueryResult::from_batches(schema, batches, rows_affected))
    }
}
