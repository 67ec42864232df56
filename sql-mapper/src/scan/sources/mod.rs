//! The kinds of table source: one per way Atlassian lists things, each in its own file, owning
//! its requests, its reshaping per flavor, its `EXPLAIN` text and how a large scan of it splits.
//! A table declares its kind in the catalog (`catalog::Source`); [`source_of`] is the one place
//! a declaration meets its reading.

mod cql_search;
mod html_page;
mod jql_search;
mod lists;

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::Result as DfResult;
use futures::stream::BoxStream;
use futures::StreamExt;

use super::fetch::{FetchPlan, PageState, Slice};
use crate::catalog::{Endpoint, Flavor, Source, TableDef};
use crate::pushdown::jql::JqlBuilder;
use crate::MapperError;

#[async_trait]
pub(crate) trait TableSource: Send + Sync {
    /// The query language filters on the table become (JQL, CQL), if it has one.
    fn language<'a>(&self, _def: &'a TableDef) -> Option<JqlBuilder<'a>> {
        None
    }

    /// Whether a list this flavor reads filters by this query parameter (it is sent to those
    /// that do; parameter filters are inexact, so the engine filters the rest).
    fn accepts(&self, _flavor: Flavor, _name: &str) -> bool {
        false
    }

    /// The first JSON list the table is read from on this flavor (for decoding a page alone).
    fn first_list(&self, flavor: Flavor) -> Option<Endpoint>;

    /// For `EXPLAIN` (and the result cache's key): what a scan sends on the connection's flavor.
    fn requests(&self, plan: &FetchPlan) -> String;

    /// The scan's rows: one stream of pages, unless the kind reads a large scan in parts at once.
    fn read(self: Arc<Self>, plan: Arc<FetchPlan>, schema: SchemaRef) -> BoxStream<'static, DfResult<RecordBatch>> {
        PageState::new(plan, schema, Slice::default()).pages().boxed()
    }

    /// One stream's next page, as a batch; sets `st.done` after the last.
    async fn next_page(&self, st: &mut PageState) -> Result<Option<RecordBatch>, MapperError>;
}

/// The reading of a declared source.
pub(crate) fn source_of(source: &Source) -> Arc<dyn TableSource> {
    match source {
        Source::JqlSearch(s) => Arc::new(jql_search::JqlSearchSource(**s)),
        Source::CqlSearch(s) => Arc::new(cql_search::CqlSearchSource(**s)),
        Source::Lists(parts) => Arc::new(lists::ListsSource(parts.clone())),
        Source::HtmlPage(p) => Arc::new(html_page::HtmlPageSource(*p)),
    }
}
