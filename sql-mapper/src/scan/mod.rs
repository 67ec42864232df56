//! Table providers: one `AtlassianTable` per catalog table. `scan` turns the pushed filters,
//! projection and limit into a [`FetchPlan`]; the plan's pages stream as Arrow batches.

mod batch;
mod fetch;
mod join_rule;
mod sources;
pub(crate) mod token_page;

pub use batch::{arrow_type, column_field, parse_timestamp_millis, schema_of};
pub(crate) use batch::{cell_value, column_from_json, scalar_text, scalar_value_json, BatchBuilder};
pub use fetch::{decode_page, FetchPlan};
pub use join_rule::JoinNarrowsParents;

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

use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::Column;

use crate::catalog::{Product, TableDef};
use crate::pushdown::jql::JqlBuilder;
use crate::pushdown::params::{ParamBuilder, QueryParam};
use crate::pushdown::Fidelity;
use crate::rest::AtlassianClient;
use sources::{source_of, TableSource};

#[derive(Clone)]
pub struct AtlassianTable {
    def: Arc<TableDef>,
    /// The kind of source its rows come from.
    source: Arc<dyn TableSource>,
    schema: SchemaRef,
    client: Arc<AtlassianClient>,
    pushdown: bool,
    /// For each list the table is read from: the parent table read per row, if any.
    parents: Vec<Option<Arc<AtlassianTable>>>,
    /// For each part: filters on the parent table a join adds (`JoinNarrowsParents`).
    parent_filters: Vec<Vec<Expr>>,
}

impl fmt::Debug for AtlassianTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AtlassianTable({})", self.def.qualified_name())
    }
}

impl AtlassianTable {
    /// `parent` finds the already-made table a part is read per row of.
    pub fn new(def: TableDef, client: Arc<AtlassianClient>, pushdown: bool, parent: impl Fn(Product, &str) -> Option<Arc<AtlassianTable>>) -> AtlassianTable {
        let schema = schema_of(&def);
        let parents: Vec<_> = def.source.parts().iter().map(|p| p.parent.and_then(|l| parent(l.table.0, l.table.1))).collect();
        let parent_filters = vec![Vec::new(); parents.len()];
        AtlassianTable { source: source_of(&def.source), def: Arc::new(def), schema, client, pushdown, parents, parent_filters }
    }

    /// The part read per row of `parent` whose bound columns the join keys pair: (this
    /// table's column, the parent's column).
    pub(crate) fn part_bound_by(&self, parent: &AtlassianTable, keys: &[(&str, &str)]) -> Option<usize> {
        self.def.source.parts().iter().enumerate().position(|(i, part)| {
            let Some(link) = part.parent else { return false };
            self.parents.get(i).is_some_and(Option::is_some)
                && link.table == (parent.def.product, parent.def.name)
                && keys.iter().any(|(mine, theirs)| {
                    link.bind.iter().any(|(pcol, ctx)| {
                        pcol.eq_ignore_ascii_case(theirs)
                            && ctx.eq_ignore_ascii_case(mine)
                            && self.def.columns.iter().any(|c| c.name.eq_ignore_ascii_case(mine))
                    })
                })
        })
    }

    /// This table with part `part`'s parent rows narrowed by `filters` (on the parent's
    /// columns; those the parent cannot push are left out). `None` when nothing would change.
    pub(crate) fn with_parent_filters(&self, part: usize, filters: &[Expr]) -> Option<AtlassianTable> {
        let parent = self.parents.get(part)?.as_ref()?;
        if !self.pushdown {
            return None;
        }
        let pushable: Vec<Expr> = filters.iter().filter(|f| !matches!(parent.pushdown_of(f), TableProviderFilterPushDown::Unsupported)).cloned().collect();
        if pushable.is_empty() || self.parent_filters.get(part) == Some(&pushable) {
            return None;
        }
        let mut narrowed = self.clone();
        narrowed.parent_filters[part] = pushable;
        Some(narrowed)
    }

    /// The query language filters on this table become (JQL, CQL), if its source has one.
    fn query_builder(&self) -> Option<JqlBuilder<'_>> {
        self.source.language(&self.def)
    }

    /// The query parameters one filter becomes on this site, if any.
    fn params_of(&self, f: &Expr) -> Option<Vec<QueryParam>> {
        let flavor = self.client.flavor();
        let accepts = |name: &str| self.source.accepts(flavor, name);
        ParamBuilder::new(&self.def, &accepts).translate(f)
    }

    /// How far one filter pushes into this table's requests.
    fn pushdown_of(&self, f: &Expr) -> TableProviderFilterPushDown {
        if !self.pushdown {
            return TableProviderFilterPushDown::Unsupported;
        }
        if let Some(b) = self.query_builder() {
            return match b.translate(f).map(|p| p.fidelity) {
                Some(Fidelity::Exact) => TableProviderFilterPushDown::Exact,
                Some(Fidelity::Inexact) => TableProviderFilterPushDown::Inexact,
                None => TableProviderFilterPushDown::Unsupported,
            };
        }
        // A filter on the columns a parent row binds narrows the parent rows visited, and a
        // parameter filter the rows sent; the engine still applies both to the rows.
        if self.params_of(f).is_some() || (0..self.parents.len()).any(|i| self.parent_filter(i, f).is_some()) {
            TableProviderFilterPushDown::Inexact
        } else {
            TableProviderFilterPushDown::Unsupported
        }
    }

    /// `f` in terms of part `i`'s parent table, when it only reads columns the parent binds: the
    /// parent pushes it if it can, and the parent rows visited are those it keeps.
    fn parent_filter(&self, i: usize, f: &Expr) -> Option<Expr> {
        self.parents.get(i)?.as_ref()?;
        let link = self.def.source.parts().get(i)?.parent?;
        let refs = f.column_refs();
        if refs.is_empty() || !refs.iter().all(|c| link.bind.iter().any(|(_, name)| name.eq_ignore_ascii_case(&c.name))) {
            return None;
        }
        let rewritten = f
            .clone()
            .transform(|e| match e {
                Expr::Column(c) => {
                    let to = link.bind.iter().find(|(_, name)| name.eq_ignore_ascii_case(&c.name)).map(|(col, _)| *col).unwrap_or_default();
                    Ok(Transformed::yes(Expr::Column(Column::from_name(to))))
                }
                other => Ok(Transformed::no(other)),
            })
            .ok()?
            .data;
        Some(rewritten)
    }

    /// The requests a scan with this projection, these (pushable) filters and this limit sends.
    fn fetch_plan(&self, projection: Option<&[usize]>, filters: &[Expr], limit: Option<usize>) -> FetchPlan {
        let jql: Vec<crate::pushdown::Pushed> = match self.query_builder() {
            Some(b) if self.pushdown => filters.iter().filter_map(|f| b.translate(f)).collect(),
            _ => Vec::new(),
        };
        let params: Vec<QueryParam> = if self.pushdown { filters.iter().filter_map(|f| self.params_of(f)).flatten().collect() } else { Vec::new() };
        let parents = self
            .def
            .source
            .parts()
            .iter()
            .enumerate()
            .map(|(i, part)| {
                let parent = self.parents.get(i)?.as_ref()?;
                let link = part.parent?;
                let cols: Vec<usize> = link
                    .bind
                    .iter()
                    .map(|(col, _)| *col)
                    .chain(link.only.map(|(col, _)| col))
                    .filter_map(|col| parent.def.columns.iter().position(|c| c.name == col))
                    .collect();
                let mut pushed: Vec<Expr> = if self.pushdown { filters.iter().filter_map(|f| self.parent_filter(i, f)).collect() } else { Vec::new() };
                pushed.extend(self.parent_filters.get(i).into_iter().flatten().cloned());
                let keeping = pushed.clone();
                Some(Arc::new(parent.fetch_plan(Some(&cols), &pushed, None).keeping(keeping)))
            })
            .collect();
        FetchPlan::new(self.def.clone(), self.client.clone(), projection, jql, limit, parents).with_params(params)
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
        Ok(filters.iter().map(|f| self.pushdown_of(f)).collect())
    }

    async fn scan(&self, _state: &dyn Session, projection: Option<&Vec<usize>>, filters: &[Expr], limit: Option<usize>) -> DfResult<Arc<dyn ExecutionPlan>> {
        let plan = self.fetch_plan(projection.map(|p| p.as_slice()), filters, limit);
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
