//! Table providers: one `AtlassianTable` per catalog table. `scan` turns the pushed filters,
//! projection and limit into a [`FetchPlan`]; the plan's pages stream as Arrow batches.

mod batch;
mod fetch;

pub use batch::{arrow_type, parse_timestamp_millis, schema_of};
pub use fetch::FetchPlan;

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::Session;
use datafusion::datasource::{TableProvider, TableType};
use datafusion::error::Result as DfResult;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::streaming::{PartitionStream, StreamingTableExec};
use datafusion::physical_plan::ExecutionPlan;

use crate::catalog::{Product, TableDef};
use crate::pushdown::jql::JqlBuilder;
use crate::pushdown::Fidelity;
use crate::rest::AtlassianClient;

pub struct AtlassianTable {
    def: Arc<TableDef>,
    schema: SchemaRef,
    client: Arc<AtlassianClient>,
    pushdown: bool,
}

impl fmt::Debug for AtlassianTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AtlassianTable({})", self.def.qualified_name())
    }
}

impl AtlassianTable {
    pub fn new(def: TableDef, client: Arc<AtlassianClient>, pushdown: bool) -> AtlassianTable {
        let schema = schema_of(&def);
        AtlassianTable { def: Arc::new(def), schema, client, pushdown }
    }

    /// Whether filters on this table become JQL.
    fn speaks_jql(&self) -> bool {
        self.def.product == Product::Jira && self.def.name == "Issues"
    }
}

#[async_trait]
impl TableProvider for AtlassianTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    fn supports_filters_pushdown(&self, filters: &[&Expr]) -> DfResult<Vec<TableProviderFilterPushDown>> {
        Ok(filters
            .iter()
            .map(|f| {
                if !self.pushdown || !self.speaks_jql() {
                    return TableProviderFilterPushDown::Unsupported;
                }
                match JqlBuilder::new(&self.def).translate(f).map(|p| p.fidelity) {
                    Some(Fidelity::Exact) => TableProviderFilterPushDown::Exact,
                    Some(Fidelity::Inexact) => TableProviderFilterPushDown::Inexact,
                    None => TableProviderFilterPushDown::Unsupported,
                }
            })
            .collect())
    }

    async fn scan(&self, _state: &dyn Session, projection: Option<&Vec<usize>>, filters: &[Expr], limit: Option<usize>) -> DfResult<Arc<dyn ExecutionPlan>> {
        let jql: Vec<crate::pushdown::Pushed> = if self.pushdown && self.speaks_jql() {
            let b = JqlBuilder::new(&self.def);
            filters.iter().filter_map(|f| b.translate(f)).collect()
        } else {
            Vec::new()
        };
        let plan = FetchPlan::new(self.def.clone(), self.client.clone(), projection.map(|p| p.as_slice()), jql, limit);
        let partition: Arc<dyn PartitionStream> = Arc::new(RestPartition { schema: self.schema.clone(), plan: Arc::new(plan) });
        let exec = StreamingTableExec::try_new(self.schema.clone(), vec![partition], projection, Vec::new(), false, limit)?;
        Ok(Arc::new(exec))
    }
}

/// One sequential stream of pages.
struct RestPartition {
    schema: SchemaRef,
    plan: Arc<FetchPlan>,
}

impl fmt::Debug for RestPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.plan.describe())
    }
}

impl PartitionStream for RestPartition {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    fn execute(&self, _ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        Box::pin(RecordBatchStreamAdapter::new(self.schema.clone(), self.plan.clone().stream(self.schema.clone())))
    }
}
