//! Confluence content of one type (`Source::CqlSearch`): its list (v2 on Cloud, v1 content on
//! Data Center) when no filter becomes CQL, else the CQL content search, whose v1 items are
//! reshaped like Data Center's. A whole scan larger than two pages is split by space (a page is
//! in one space): groups of space ids on Cloud, a space key a stream on Data Center.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::Result as DfResult;
use futures::stream::BoxStream;
use futures::{FutureExt, StreamExt};

use super::lists::{lists_sent, not_on_flavor, read_list, reshaped, v1_bodies, BODY_FORMAT};
use super::TableSource;
use crate::catalog::{CqlSearch, Endpoint, Flavor, Product, TableDef};
use crate::pushdown::jql::JqlBuilder;
use crate::rest::{with_params, PageStream};
use crate::scan::fetch::{df, FetchPlan, PageState, Seen, Slice};
use crate::values::url_encode;
use crate::MapperError;

pub(crate) struct CqlSearchSource(pub CqlSearch);

#[async_trait]
impl TableSource for CqlSearchSource {
    fn language<'a>(&self, def: &'a TableDef) -> Option<JqlBuilder<'a>> {
        Some(JqlBuilder::cql(def))
    }

    fn first_list(&self, flavor: Flavor) -> Option<Endpoint> {
        self.0.list.on(flavor)
    }

    fn requests(&self, plan: &FetchPlan) -> String {
        match self.query(plan) {
            Some(cql) => format!(
                "{} cql={:?} limit={}",
                self.search(plan.client.flavor()).path,
                self.cql(&cql),
                plan.page_size(self.search(plan.client.flavor()).paging.page_max())
            ),
            None => {
                let max = self.0.list.on(plan.client.flavor()).map_or(0, |e| e.paging.page_max());
                format!("{} limit={}", lists_sent(plan, std::slice::from_ref(&self.0.list)).join(" + "), plan.page_size(max))
            }
        }
    }

    fn read(self: Arc<Self>, plan: Arc<FetchPlan>, schema: SchemaRef) -> BoxStream<'static, DfResult<RecordBatch>> {
        if !plan.may_split() || self.query(&plan).is_some() {
            return PageState::new(plan, schema, Slice::default()).pages().boxed();
        }
        let (p, s) = (plan.clone(), schema.clone());
        let rest = Box::new(move |seen| async move { self.space_slices(&p, &s, seen).await }.boxed());
        plan.split_after(schema, Slice::default(), 2, rest)
    }

    async fn next_page(&self, st: &mut PageState) -> Result<Option<RecordBatch>, MapperError> {
        let plan = st.plan.clone();
        let flavor = plan.client.flavor();
        let items = match self.query(&plan) {
            Some(cql) => {
                let search = self.search(flavor);
                let expand = std::iter::once(self.0.expand.to_string()).chain(v1_bodies(&plan.extra_params())).collect::<Vec<_>>().join(",");
                let path = with_params(search.path, &[format!("cql={}", url_encode(&self.cql(&cql))), format!("expand={}", url_encode(&expand))]);
                let size = plan.page_size(search.paging.page_max());
                let items = st.read_list(|_| PageStream::new(Product::Confluence, path, search.items, search.paging, size)).await?;
                reshaped(&search, items)
            }
            None => {
                let Some(list) = self.0.list.on(flavor) else { return Err(not_on_flavor(&plan)) };
                let param = st.slice.param.clone();
                read_list(st, &list, &HashMap::new(), param.as_deref()).await?
            }
        };
        st.done = st.list.as_ref().is_none_or(PageStream::is_done);
        let items = st.keep_new(items);
        Ok(Some(st.batch(items, &HashMap::new()).await?))
    }
}

impl CqlSearchSource {
    /// The CQL clauses the scan searches by, if it searches: the pushed filters, or none at
    /// all when the content's list cannot give what the columns ask for (Cloud's v2 lists give
    /// one body format a request; the search expands several).
    fn query(&self, plan: &FetchPlan) -> Option<String> {
        let formats = plan.extra_params().iter().filter(|p| p.starts_with(BODY_FORMAT)).count();
        plan.clauses().or_else(|| (plan.client.flavor() == Flavor::Cloud && formats > 1).then(String::new))
    }

    fn search(&self, flavor: Flavor) -> Endpoint {
        flavor.pick(self.0.cloud, self.0.data_center)
    }

    /// The CQL sent: the content type and the pushed clauses.
    fn cql(&self, clauses: &str) -> String {
        if clauses.is_empty() {
            format!("type={}", self.0.content_type)
        } else {
            format!("type={} AND {clauses}", self.0.content_type)
        }
    }

    /// The rest of the content by space, read at once: groups of spaces on Cloud (whose list
    /// takes up to 100 space ids), one space a stream on Data Center (whose list takes one key);
    /// items the first pages returned are skipped.
    async fn space_slices(&self, plan: &Arc<FetchPlan>, schema: &SchemaRef, first: Seen) -> DfResult<Option<BoxStream<'static, DfResult<RecordBatch>>>> {
        let streams = plan.client.max_concurrency();
        let skip = first.skip();
        let (cloud_param, dc_param) = self.0.by_space;
        let spaces = plan.space_keys().await.map_err(df)?;
        let params: Vec<String> = match plan.client.flavor() {
            Flavor::DataCenter => {
                let mut keys: Vec<&String> = spaces.values().collect();
                keys.sort();
                keys.iter().map(|k| format!("{dc_param}={}", url_encode(k))).collect()
            }
            Flavor::Cloud => {
                let mut ids: Vec<u64> = spaces.keys().filter_map(|k| k.parse().ok()).collect();
                ids.sort_unstable();
                let groups = (2 * streams).min(ids.len()).max(ids.len().div_ceil(100));
                (0..groups).map(|g| format!("{cloud_param}={}", ids.iter().skip(g).step_by(groups).map(u64::to_string).collect::<Vec<_>>().join(","))).collect()
            }
        };
        if params.len() < 2 {
            return Ok(None);
        }
        let slices = params.into_iter().map(|p| Slice { param: Some(p), skip: skip.clone(), ..Slice::default() }).collect();
        Ok(Some(plan.read_slices(schema, slices, streams)))
    }
}
