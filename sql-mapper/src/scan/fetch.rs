//! `FetchPlan`: the REST requests of one scan, and the page loop that turns them into batches.
//! Requests ask only for the fields the projection needs and stop as soon as the limit is met.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::{DataFusionError, Result as DfResult};
use futures::stream::BoxStream;
use futures::{Stream, StreamExt, TryStreamExt};
use serde_json::{json, Value};

use super::batch::BatchBuilder;
use crate::catalog::{Endpoint, Extract, Paging, Part, Product, Pushdown, Source, TableDef};
use crate::pushdown::params::{merged, QueryParam};
use crate::rest::{AtlassianClient, Flavor};
use crate::MapperError;

/// Jira's largest page for full issues, and for ids and keys only.
const JIRA_PAGE: usize = 100;
const JIRA_KEYS_PAGE: usize = 5000;
const CONFLUENCE_PAGE: usize = 250;

pub struct FetchPlan {
    def: Arc<TableDef>,
    client: Arc<AtlassianClient>,
    projection: Option<Vec<usize>>,
    /// For each part of a `Source::Lists` table read per parent row: the parent's own scan
    /// (projected to the bound columns, with the filters pushed into it).
    parents: Vec<Option<Arc<FetchPlan>>>,
    /// Pushed JQL (issues) or CQL (pages) clauses, ANDed. Clauses naming issues by key or id
    /// are dropped (they are inexact, so the engine filters) when Jira refuses them for naming
    /// an issue it does not have.
    jql: std::sync::Mutex<Vec<crate::pushdown::Pushed>>,
    /// Pushed query parameters (lists that filter by parameters). Those naming values the
    /// server looks up are dropped when it refuses them.
    params: std::sync::Mutex<Vec<QueryParam>>,
    limit: Option<usize>,
    /// Confluence space id → key, for `SpaceKey` and for splitting by space.
    space_keys: tokio::sync::OnceCell<Arc<HashMap<String, String>>>,
    /// What the columns read of a page's items, for pages decoded keeping only that.
    page_paths: super::WantedPaths,
    /// The parts whose optional resource this site lacks (404): when every part of the
    /// flavor's is missing, the table is refused rather than read as empty.
    missing_parts: std::sync::Mutex<std::collections::BTreeSet<usize>>,
}

/// Where the page loop stands.
enum Cursor {
    Start,
    /// Jira Cloud's `nextPageToken`.
    Token(String),
    /// `startAt` / `start` offsets.
    Offset(usize),
    /// A relative `_links.next` URL (Confluence cursors).
    Next(String),
    Done,
}

struct PageState {
    plan: Arc<FetchPlan>,
    schema: SchemaRef,
    cursor: Cursor,
    produced: usize,
    /// `Source::Lists`: the part being read, and for a part read per parent row the parent
    /// rows' contexts still to visit, the parent's stream, and the current row's context.
    part: usize,
    pending: VecDeque<HashMap<String, Value>>,
    /// (Behind a lock only to make the state `Sync`: the stream is polled by one task.)
    parent_stream: Option<futures::lock::Mutex<BoxStream<'static, DfResult<RecordBatch>>>>,
    context: Option<HashMap<String, Value>>,
    /// The part of the result this stream reads (all of it, unless the scan is split).
    slice: Slice,
    /// What the first page showed, for splitting the rest: its row ids, the last row's
    /// `created` (pages sorted by it), and the result's size where the site tells it.
    seen: Seen,
}

/// One of the independent queries a large scan is split into; together they return every row
/// exactly once (rows the first page already returned are skipped).
#[derive(Clone, Default)]
struct Slice {
    /// JQL ANDed to the pushed clauses (a `created` range).
    jql: Option<String>,
    /// JQL `ORDER BY` (the first page of a splittable issue scan is sorted by `created`).
    order: Option<&'static str>,
    /// Confluence v2 `space-id` list.
    space_ids: Option<String>,
    /// Confluence Data Center `spaceKey`.
    space_key: Option<String>,
    /// The `startAt` the paging starts from (a Data Center page read on its own).
    start_at: Option<usize>,
    /// Ids the first page returned.
    skip: Option<Arc<std::collections::HashSet<String>>>,
    /// Keep what the first page shows (`Seen`).
    record: bool,
    /// `Source::Lists`: read only this part.
    part: Option<usize>,
    /// `Source::Lists`: read only the list of this parent row (its bound columns); the
    /// stream ends with that one list.
    context: Option<HashMap<String, Value>>,
}

#[derive(Default)]
struct Seen {
    ids: Vec<String>,
    last_created: Option<String>,
    total: Option<usize>,
}

impl Seen {
    /// The rows the split's streams skip: those the first pages returned.
    fn skip(&self) -> Option<Arc<std::collections::HashSet<String>>> {
        Some(Arc::new(self.ids.iter().cloned().collect()))
    }
}

/// How a scan larger than a page is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Split {
    /// One stream of pages.
    None,
    /// Jira Cloud (cursor paging): ranges of `created`.
    Created,
    /// Data Center's `startAt` paging: the remaining pages at once.
    Offsets,
    /// Confluence pages: by spaces (groups of them on Cloud, one each on Data Center).
    Spaces,
}

fn df(e: MapperError) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

fn enc(s: &str) -> String {
    url_encode(s)
}

pub(crate) use crate::values::url_encode;

impl FetchPlan {
    pub fn new(
        def: Arc<TableDef>,
        client: Arc<AtlassianClient>,
        projection: Option<&[usize]>,
        jql: Vec<crate::pushdown::Pushed>,
        limit: Option<usize>,
        parents: Vec<Option<Arc<FetchPlan>>>,
    ) -> FetchPlan {
        let mut plan = FetchPlan {
            def,
            client,
            projection: projection.map(<[usize]>::to_vec),
            parents,
            jql: std::sync::Mutex::new(jql),
            params: std::sync::Mutex::new(Vec::new()),
            limit,
            space_keys: tokio::sync::OnceCell::new(),
            page_paths: super::WantedPaths::default(),
            missing_parts: Default::default(),
        };
        plan.page_paths = plan.page_paths();
        plan
    }

    /// The JSON pointers the projected columns read of a page's items, and what the scan
    /// itself reads (ids, for skipping rows a split repeats; `created`, for splitting; a
    /// page's space, for `SpaceKey`). Issue searches list `issues`, Confluence `results`.
    fn page_paths(&self) -> super::WantedPaths {
        let mut paths = super::WantedPaths::default();
        for p in ["/id", "/fields/created", "/spaceId"] {
            paths.keep(p);
        }
        for c in self.wanted() {
            match &c.extract {
                Extract::At(p) | Extract::AdfText(p) | Extract::JsonText(p) | Extract::AtOrContext(p, _) => paths.keep(p),
                Extract::Join(p, each) => paths.keep(&format!("{p}/*{each}")),
                Extract::FirstOf(ps) => ps.iter().for_each(|p| paths.keep(p)),
                Extract::Context(_) => {}
            }
        }
        super::WantedPaths::page(if matches!(self.def.source, Source::IssueSearch) { "issues" } else { "results" }, paths)
    }

    pub fn with_params(self, params: Vec<QueryParam>) -> FetchPlan {
        *self.params.lock().expect("params lock") = params;
        self
    }

    /// The range parameters of the table's columns: (name, whether it is the lower bound).
    fn range_params(&self) -> Vec<(String, bool)> {
        self.def
            .columns
            .iter()
            .filter_map(|c| match &c.pushdown {
                Pushdown::Range(from, to) => Some([(from.to_string(), true), (to.to_string(), false)]),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// The pushed parameters as `name=value` pairs, URL-encoded, bounds on one range merged.
    fn filter_params(&self) -> Vec<String> {
        merged(&self.params.lock().expect("params lock"), &self.range_params()).iter().map(|p| format!("{}={}", enc(&p.name), enc(&p.value))).collect()
    }

    /// The pushed parameters one list endpoint takes, under its names and in its forms.
    fn endpoint_params(&self, e: &Endpoint) -> Vec<String> {
        let ranges = self.range_params();
        merged(&self.params.lock().expect("params lock"), &ranges)
            .iter()
            .filter_map(|p| {
                let name = e.sends(&p.name)?;
                let instant = ranges.iter().any(|(n, _)| *n == p.name);
                let value = match super::parse_timestamp_millis(&p.value) {
                    Some(ms) if instant && e.epoch_millis => ms.to_string(),
                    _ => p.value.clone(),
                };
                Some(format!("{}={}", enc(name), enc(&value)))
            })
            .collect()
    }

    /// Notes that part `i`'s optional resource is missing; true when no part of the table's
    /// on this flavor is left to answer.
    fn part_missing(&self, i: usize) -> bool {
        let Source::Lists(parts) = &self.def.source else { return true };
        let flavor = self.client.flavor();
        let mut missing = self.missing_parts.lock().expect("missing parts lock");
        missing.insert(i);
        parts
            .iter()
            .enumerate()
            .filter(|(_, p)| if flavor == Flavor::Cloud { p.cloud.is_some() } else { p.data_center.is_some() })
            .all(|(j, _)| missing.contains(&j))
    }

    /// After the server refused a value it looks up: ask without such parameters (the engine
    /// filters). Returns false when there was nothing to drop.
    fn drop_droppable_params(&self) -> bool {
        let mut params = self.params.lock().expect("params lock");
        let before = params.len();
        params.retain(|p| !p.droppable);
        params.len() != before
    }

    /// After Jira refused a query for naming a missing issue: drop the clauses that name issues.
    /// Returns false when there was nothing to drop.
    fn drop_value_naming_clauses(&self) -> bool {
        let mut jql = self.jql.lock().expect("jql lock");
        let before = jql.len();
        jql.retain(|p| !p.names_values);
        jql.len() != before
    }

    fn wanted(&self) -> impl Iterator<Item = &crate::catalog::ColumnDef> {
        self.def.columns.iter().enumerate().filter(|(i, _)| self.projection.as_ref().is_none_or(|p| p.contains(i))).map(|(_, c)| c)
    }

    /// The Jira `fields=` list: what the projected columns need, or `id` when nothing is.
    fn jira_fields(&self) -> Vec<String> {
        let mut f: Vec<String> = Vec::new();
        for c in self.wanted() {
            if let Some(api) = &c.api_field {
                if !f.contains(api) {
                    f.push(api.clone());
                }
            }
        }
        if f.is_empty() {
            f.push("key".into());
        }
        f
    }

    fn wants_body(&self) -> bool {
        self.wanted().any(|c| c.api_field.as_deref() == Some("body"))
    }

    fn needs_context(&self, key: &str) -> bool {
        self.wanted().any(|c| matches!(&c.extract, Extract::Context(k) if k == key))
    }

    /// The JQL sent: pushed clauses ANDed; Jira Cloud refuses unbounded searches, so a scan of
    /// everything is bounded by a restriction every issue meets.
    pub fn jql(&self) -> String {
        let jql = self.jql.lock().expect("jql lock");
        if jql.is_empty() {
            "created >= \"1970-01-01\"".to_string()
        } else {
            jql.iter().map(|c| format!("({})", c.text)).collect::<Vec<_>>().join(" AND ")
        }
    }

    /// Jira serves up to 5000 issues a page when only keys and ids are asked for, 100 otherwise.
    fn issue_page_size(&self, fields: &[String]) -> usize {
        let keys_only = fields.iter().all(|f| f == "key" || f == "id");
        self.page_size(if keys_only { JIRA_KEYS_PAGE } else { JIRA_PAGE })
    }

    fn page_size(&self, max: usize) -> usize {
        match self.limit {
            Some(l) if l < max => l.max(1),
            _ => max,
        }
    }

    /// Query parameters the projected columns ask for (`body-format=storage` for bodies).
    fn extra_params(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in self.wanted() {
            if let Some(p) = c.api_field.as_ref().filter(|p| p.contains('=')) {
                if !out.contains(p) {
                    out.push(p.clone());
                }
            }
        }
        out
    }

    /// The pushed CQL clauses, ANDed, if any.
    fn cql(&self) -> Option<String> {
        let pushed = self.jql.lock().expect("jql lock");
        (!pushed.is_empty()).then(|| pushed.iter().map(|c| format!("({})", c.text)).collect::<Vec<_>>().join(" AND "))
    }

    /// For `EXPLAIN`: what this scan sends.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.def.qualified_name(), self.requests())
    }

    fn requests(&self) -> String {
        match &self.def.source {
            Source::IssueSearch => format!(
                "{} jql={:?} fields={} maxResults={}",
                self.def.source.describe(),
                self.jql(),
                self.jira_fields().join(","),
                self.issue_page_size(&self.jira_fields())
            ),
            Source::OAuthTokenPage => match self.client.flavor() {
                Flavor::DataCenter => format!("{} (HTML)", self.def.source.describe()),
                Flavor::Cloud => "the OAuth grant this connection holds (OAuthSettingsLocation)".into(),
            },
            Source::Spaces => {
                let params = self.filter_params();
                let params = if params.is_empty() { String::new() } else { format!(" params={}", params.join("&")) };
                format!("{}{params} limit={:?}", self.def.source.describe(), self.limit)
            }
            // Each list this site reads, with the parameters it is sent.
            Source::Lists(parts) => {
                let parents: Vec<String> = self.parents.iter().flatten().map(|p| format!(" per row of [{}]", p.describe())).collect();
                let flavor = self.client.flavor();
                let api = flavor.jira_api();
                let lists: Vec<String> = parts
                    .iter()
                    .filter_map(|p| if flavor == Flavor::Cloud { p.cloud } else { p.data_center })
                    .map(|e| {
                        let params = self.endpoint_params(&e);
                        let params = if params.is_empty() { String::new() } else { format!(" params={}", params.join("&")) };
                        format!("{}{params}", e.path.replace("{api}", api))
                    })
                    .collect();
                format!("{} limit={:?}{}", lists.join(" + "), self.limit, parents.join(""))
            }
            Source::Pages => match self.cql() {
                Some(cql) => format!("/wiki/rest/api/content/search cql={:?} limit={}", format!("type=page AND {cql}"), self.page_size(CONFLUENCE_PAGE)),
                None => format!("{} limit={}", self.def.source.describe(), self.page_size(CONFLUENCE_PAGE)),
            },
        }
    }

    /// How this scan is split when it is larger than a page: only whole scans (a `LIMIT`
    /// is met by one stream) of the sources whose paging allows independent queries.
    fn split(&self) -> Split {
        if self.limit.is_some() || self.client.max_concurrency() < 2 {
            return Split::None;
        }
        match (&self.def.source, self.client.flavor()) {
            // Key-only scans come 5000 to a page: few enough pages to read in one stream.
            (Source::IssueSearch, Flavor::Cloud) if self.issue_page_size(&self.jira_fields()) < JIRA_KEYS_PAGE => Split::Created,
            (Source::IssueSearch, Flavor::DataCenter) => Split::Offsets,
            (Source::Pages, _) if self.cql().is_none() => Split::Spaces,
            _ => Split::None,
        }
    }

    pub fn stream(self: Arc<Self>, schema: SchemaRef) -> BoxStream<'static, DfResult<RecordBatch>> {
        match self.client.result_cache().cloned() {
            Some(cache) => {
                let request = format!("{} projection={:?}", self.describe(), self.projection);
                cache.serve(request, move || self.read(schema))
            }
            None => self.read(schema),
        }
    }

    fn read(self: Arc<Self>, schema: SchemaRef) -> BoxStream<'static, DfResult<RecordBatch>> {
        if let Source::Lists(parts) = &self.def.source {
            if self.limit.is_none() && self.client.max_concurrency() > 1 && self.parents.iter().any(Option::is_some) {
                let parts: Vec<BoxStream<'static, DfResult<RecordBatch>>> = (0..parts.len()).map(|i| self.clone().part_stream(i, schema.clone())).collect();
                return futures::stream::iter(parts).flatten().boxed();
            }
        }
        let split = self.split();
        let first = PageState::new(
            self.clone(),
            schema.clone(),
            Slice { order: (split == Split::Created).then_some("created ASC"), record: split != Split::None, ..Slice::default() },
        );
        if split == Split::None {
            return first.pages().boxed();
        }
        // The first pages as any scan reads them; only a result that does not fit is split.
        // Cursor paging reads two pages first: a result of two pages then costs exactly two
        // requests, and a split (which costs a round trip and a few requests) only pays for larger.
        let plan = self.clone();
        let before_split = if split == Split::Offsets { 1 } else { 2 };
        futures::stream::once(async move {
            let mut st = first;
            let mut head = Vec::new();
            for _ in 0..before_split {
                if let Some(b) = st.next_page().await.map_err(df)?.filter(|b| b.num_rows() > 0) {
                    head.push(Ok(b));
                }
                if matches!(st.cursor, Cursor::Done) {
                    break;
                }
            }
            let head = futures::stream::iter(head);
            if matches!(st.cursor, Cursor::Done) {
                return Ok::<_, DataFusionError>(head.boxed());
            }
            let rest = match split {
                Split::Created => plan.created_slices(&schema, &st).await?,
                Split::Offsets => plan.offset_pages(&schema, &st),
                Split::Spaces => plan.space_slices(&schema, &st).await?,
                Split::None => None,
            };
            Ok(match rest {
                Some(rest) => head.chain(rest).boxed(),
                // Not splittable after all (one space, one minute): the first stream goes on.
                None => {
                    st.slice.record = false;
                    head.chain(st.pages()).boxed()
                }
            })
        })
        .try_flatten()
        .boxed()
    }

    /// One part of a `Source::Lists` table; a part read per parent row reads the lists of
    /// several parent rows at once (`MaxConcurrency`), in the parent rows' order.
    fn part_stream(self: Arc<Self>, i: usize, schema: SchemaRef) -> BoxStream<'static, DfResult<RecordBatch>> {
        let Source::Lists(parts) = &self.def.source else { unreachable!("part_stream reads lists") };
        let (Some(parent), Some(link)) = (self.parents.get(i).cloned().flatten(), parts[i].parent) else {
            return PageState::new(self, schema, Slice { part: Some(i), ..Slice::default() }).pages().boxed();
        };
        let streams = self.client.max_concurrency();
        let contexts = parent
            .clone()
            .stream(super::schema_of(&parent.def))
            .map_ok(move |batch| futures::stream::iter(parent_contexts(&batch, &link).into_iter().map(Ok::<_, DataFusionError>)))
            .try_flatten();
        let plan = self.clone();
        contexts
            .map(move |ctx| {
                let (plan, schema) = (plan.clone(), schema.clone());
                async move {
                    let slice = Slice { part: Some(i), context: Some(ctx?), ..Slice::default() };
                    PageState::new(plan, schema, slice).pages().try_collect::<Vec<_>>().await
                }
            })
            .buffered(streams)
            .map_ok(|batches| futures::stream::iter(batches.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Jira Cloud: the rest of an issue search as ranges of `created`, read at once. The first
    /// pages (sorted by `created`) end at c1; a cheap request finds the newest issue, and
    /// `approximate-count` how many pages remain. The first range starts a day before c1 (JQL
    /// reads a date in the user's time zone, which is within a day of UTC): rows it repeats
    /// from the first pages are skipped. The last range has no upper end.
    async fn created_slices(self: &Arc<Self>, schema: &SchemaRef, first: &PageState) -> DfResult<Option<BoxStream<'static, DfResult<RecordBatch>>>> {
        let Some(c1) = first.seen.last_created.as_deref().and_then(super::parse_timestamp_millis) else { return Ok(None) };
        let jql = self.jql();
        let newest = json!({"jql": format!("{jql} ORDER BY created DESC"), "fields": ["created"], "maxResults": 1});
        let count = json!({"jql": jql});
        let (newest, count) = futures::join!(
            self.client.search_json(Product::Jira, "/rest/api/3/search/jql", &newest),
            self.client.search_json(Product::Jira, "/rest/api/3/search/approximate-count", &count),
        );
        // Without the newest issue there is nothing to split by: the first stream goes on (and
        // reports a fault that lasts).
        let Ok(newest) = newest else { return Ok(None) };
        let Some(last) = newest.pointer("/issues/0/fields/created").and_then(Value::as_str).and_then(super::parse_timestamp_millis) else { return Ok(None) };
        // The count only sizes the split: without it, the most streams.
        let remaining_pages =
            count.ok().and_then(|c| c.get("count").and_then(Value::as_u64)).map(|n| (n as usize).saturating_sub(first.seen.ids.len()).div_ceil(JIRA_PAGE));
        let streams = self.client.max_concurrency();
        let wanted = remaining_pages.map_or(2 * streams, |p| (p / 2).clamp(1, 2 * streams));
        let bounds = created_bounds(c1, last, wanted);
        if bounds.len() < 2 {
            return Ok(None);
        }
        let skip = first.seen.skip();
        let slices: Vec<Slice> = bounds
            .iter()
            .enumerate()
            .map(|(i, lo)| {
                let range = match bounds.get(i + 1) {
                    Some(hi) => format!("created >= \"{lo}\" AND created < \"{hi}\""),
                    None => format!("created >= \"{lo}\""),
                };
                Slice { jql: Some(range), skip: skip.clone(), ..Slice::default() }
            })
            .collect();
        tracing::debug!(table = %self.def.qualified_name(), slices = slices.len(), streams, "split by created");
        Ok(Some(self.read_slices(schema, slices, streams)))
    }

    /// Data Center: the pages after the first at once (the first told the total), in order.
    fn offset_pages(self: &Arc<Self>, schema: &SchemaRef, first: &PageState) -> Option<BoxStream<'static, DfResult<RecordBatch>>> {
        let total = first.seen.total?;
        let size = first.seen.ids.len().max(1);
        let plan = self.clone();
        let schema = schema.clone();
        let pages = (size..total).step_by(size).map(move |at| {
            let mut st = PageState::new(plan.clone(), schema.clone(), Slice { start_at: Some(at), ..Slice::default() });
            async move { st.next_page().await.map_err(df) }
        });
        let pages = futures::stream::iter(pages).buffered(self.client.max_concurrency());
        Some(pages.try_filter_map(|b| futures::future::ready(Ok(b.filter(|b| b.num_rows() > 0)))).boxed())
    }

    /// Confluence: the rest of the pages by space, read at once (a page is in one space):
    /// groups of spaces on Cloud, one space a stream on Data Center; pages the first pages
    /// returned are skipped.
    async fn space_slices(self: &Arc<Self>, schema: &SchemaRef, first: &PageState) -> DfResult<Option<BoxStream<'static, DfResult<RecordBatch>>>> {
        let streams = self.client.max_concurrency();
        let skip = first.seen.skip();
        if self.client.flavor() == Flavor::DataCenter {
            // Data Center's content list takes one space key: a slice per space.
            let keys = self.dc_space_keys().await.map_err(df)?;
            if keys.len() < 2 {
                return Ok(None);
            }
            let slices = keys.into_iter().map(|k| Slice { space_key: Some(k), skip: skip.clone(), ..Slice::default() }).collect();
            return Ok(Some(self.read_slices(schema, slices, streams)));
        }
        let mut ids: Vec<u64> = first.space_keys().await.map_err(df)?.keys().filter_map(|k| k.parse().ok()).collect();
        if ids.len() < 2 {
            return Ok(None);
        }
        ids.sort_unstable();
        // Confluence takes at most 100 space ids in one filter.
        let groups = (2 * streams).min(ids.len()).max(ids.len().div_ceil(100));
        let slices: Vec<Slice> = (0..groups)
            .map(|g| {
                let group: Vec<String> = ids.iter().skip(g).step_by(groups).map(u64::to_string).collect();
                Slice { space_ids: Some(group.join(",")), skip: skip.clone(), ..Slice::default() }
            })
            .collect();
        Ok(Some(self.read_slices(schema, slices, streams)))
    }

    /// Every space key of a Data Center site.
    async fn dc_space_keys(&self) -> Result<Vec<String>, MapperError> {
        Ok(crate::rest::space_directory(&self.client).await?.into_iter().map(|(_, key)| key).collect())
    }

    /// The slices' streams, `streams` of them at once, their batches as they come.
    fn read_slices(self: &Arc<Self>, schema: &SchemaRef, slices: Vec<Slice>, streams: usize) -> BoxStream<'static, DfResult<RecordBatch>> {
        let plan = self.clone();
        let schema = schema.clone();
        futures::stream::iter(slices).map(move |slice| PageState::new(plan.clone(), schema.clone(), slice).pages().boxed()).flatten_unordered(streams).boxed()
    }
}

/// Range bounds ("yyyy-MM-dd HH:mm", as JQL reads dates) splitting `created` from `c1` to
/// `last` (epoch milliseconds) into about `wanted` ranges: the first bound a day before `c1`,
/// whole minutes, no two the same.
fn created_bounds(c1: i64, last: i64, wanted: usize) -> Vec<String> {
    const MINUTE: i64 = 60_000;
    let format = |ms: i64| chrono::DateTime::from_timestamp_millis(ms.div_euclid(MINUTE) * MINUTE).map(|t| t.format("%Y-%m-%d %H:%M").to_string());
    let mut bounds: Vec<String> = format(c1 - 86_400_000).into_iter().collect();
    let span = (last + MINUTE - c1).max(0);
    for i in 1..wanted.max(1) as i64 {
        if let Some(b) = format(c1 + span * i / wanted as i64) {
            if bounds.last() != Some(&b) {
                bounds.push(b);
            }
        }
    }
    bounds
}

impl PageState {
    fn new(plan: Arc<FetchPlan>, schema: SchemaRef, slice: Slice) -> PageState {
        let cursor = match slice.start_at {
            Some(at) => Cursor::Offset(at),
            None => Cursor::Start,
        };
        let part = slice.part.unwrap_or(0);
        PageState { plan, schema, cursor, produced: 0, part, pending: VecDeque::new(), parent_stream: None, context: None, slice, seen: Seen::default() }
    }

    /// This stream's pages as batches, until its cursor or the limit ends it.
    fn pages(self) -> impl Stream<Item = DfResult<RecordBatch>> + Send + 'static {
        futures::stream::try_unfold(self, |mut st| async move {
            loop {
                if matches!(st.cursor, Cursor::Done) || st.plan.limit.is_some_and(|l| st.produced >= l) {
                    return Ok(None);
                }
                let batch = st.next_page().await.map_err(df)?;
                if let Some(b) = batch {
                    st.produced += b.num_rows();
                    if b.num_rows() > 0 {
                        return Ok(Some((b, st)));
                    }
                }
            }
        })
    }

    /// Rows the first pages of a split scan returned are not returned again; those pages
    /// record what they returned.
    fn keep_new(&mut self, items: Vec<Value>) -> Vec<Value> {
        let id = |item: &Value| item.get("id").map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
        if self.slice.record {
            self.seen.ids.extend(items.iter().filter_map(id));
        }
        match &self.slice.skip {
            Some(skip) => items.into_iter().filter(|i| id(i).is_none_or(|id| !skip.contains(&id))).collect(),
            None => items,
        }
    }

    fn builder(&self) -> BatchBuilder {
        BatchBuilder::new(&self.plan.def, self.schema.clone(), self.plan.projection.as_deref())
    }

    async fn next_page(&mut self) -> Result<Option<RecordBatch>, MapperError> {
        let p = self.plan.clone();
        match &p.def.source {
            Source::IssueSearch => self.issues_page().await,
            Source::Spaces => self.spaces_page().await,
            Source::Pages => self.pages_page().await,
            Source::Lists(parts) => self.lists_page(parts).await,
            Source::OAuthTokenPage => {
                self.cursor = Cursor::Done;
                let rows = super::token_page::rows(&p.client, p.def.product).await?;
                Ok(Some(self.items_to_batch(&rows, &HashMap::new())?))
            }
        }
    }

    fn items_to_batch(&self, items: &[Value], context: &HashMap<String, Value>) -> Result<RecordBatch, MapperError> {
        let mut b = self.builder();
        let room = self.plan.limit.map(|l| l.saturating_sub(self.produced)).unwrap_or(usize::MAX);
        for item in items.iter().take(room) {
            b.push(item, context)?;
        }
        b.finish()
    }

    /// One page of a JQL search: items and the next cursor.
    async fn search_page(&self, jql: &str, fields: &[String], size: usize, cursor: &Cursor) -> Result<(Vec<Value>, Cursor, Option<usize>), MapperError> {
        let client = &self.plan.client;
        match client.flavor() {
            Flavor::Cloud => {
                let mut body = json!({"jql": jql, "fields": fields, "maxResults": size});
                if let Cursor::Token(t) = cursor {
                    body["nextPageToken"] = json!(t);
                }
                let mut v = client.read_page(Product::Jira, "/rest/api/3/search/jql", Some(&body), &self.plan.page_paths).await?;
                let items = take_array(&mut v, "/issues")?;
                let next = match v.get("nextPageToken").and_then(Value::as_str) {
                    Some(t) if v.get("isLast") != Some(&Value::Bool(true)) => Cursor::Token(t.to_string()),
                    _ => Cursor::Done,
                };
                Ok((items, next, None))
            }
            Flavor::DataCenter => {
                let start = if let Cursor::Offset(o) = cursor { *o } else { 0 };
                let path = format!("/rest/api/2/search?jql={}&fields={}&startAt={start}&maxResults={size}", enc(jql), enc(&fields.join(",")));
                let mut v = client.read_page(Product::Jira, &path, None, &self.plan.page_paths).await?;
                let items = take_array(&mut v, "/issues")?;
                let total = v.get("total").and_then(Value::as_u64).unwrap_or(0) as usize;
                let next_start = start + items.len();
                let next = if items.is_empty() || next_start >= total { Cursor::Done } else { Cursor::Offset(next_start) };
                Ok((items, next, Some(total)))
            }
        }
    }

    /// The JQL this stream sends: the pushed clauses, its slice's range, its order.
    fn sliced_jql(&self) -> String {
        let mut jql = self.plan.jql();
        if let Some(range) = &self.slice.jql {
            jql = format!("{jql} AND {range}");
        }
        if let Some(order) = self.slice.order {
            jql = format!("{jql} ORDER BY {order}");
        }
        jql
    }

    async fn issues_page(&mut self) -> Result<Option<RecordBatch>, MapperError> {
        let mut fields = self.plan.jira_fields();
        // A scan split by `created` learns from its first page where that page ended.
        if self.slice.order.is_some() && !fields.iter().any(|f| f == "created") {
            fields.push("created".into());
        }
        let size = self.plan.issue_page_size(&fields);
        let first = matches!(self.cursor, Cursor::Start);
        let (items, next, total) = match self.search_page(&self.sliced_jql(), &fields, size, &self.cursor).await {
            // Jira refuses a whole query that names a missing (or invisible) issue; the filter
            // was inexact, so search without it and let the engine filter.
            Err(e) if first && names_missing_value(&e) && self.plan.drop_value_naming_clauses() => {
                self.search_page(&self.sliced_jql(), &fields, size, &self.cursor).await?
            }
            other => other?,
        };
        if self.slice.record {
            self.seen.total = total;
            self.seen.last_created = items.last().and_then(|i| i.pointer("/fields/created")).and_then(Value::as_str).map(str::to_string);
        }
        let items = self.keep_new(items);
        self.cursor = next;
        let mut ctx = HashMap::new();
        ctx.insert("jql".to_string(), Value::Null);
        Ok(Some(self.items_to_batch(&items, &ctx)?))
    }

    /// One page of a `Source::Lists` table: the next page of the current list, moving to the
    /// next parent row, and then to the next part, as each runs out.
    async fn lists_page(&mut self, parts: &[Part]) -> Result<Option<RecordBatch>, MapperError> {
        loop {
            let Some(part) = parts.get(self.part).filter(|_| self.slice.part.is_none_or(|p| p == self.part)) else {
                self.cursor = Cursor::Done;
                return Ok(None);
            };
            let flavor = self.plan.client.flavor();
            let endpoint = match flavor {
                Flavor::Cloud => part.cloud,
                Flavor::DataCenter => part.data_center,
            };
            let Some(endpoint) = endpoint else {
                // A part this flavor reads differently (or not at all) is skipped; a table no part
                // of which this flavor has is refused, never answered as empty.
                let any = parts.iter().any(|p| if flavor == Flavor::Cloud { p.cloud.is_some() } else { p.data_center.is_some() });
                if any {
                    self.next_part();
                    continue;
                }
                let site = if flavor == Flavor::Cloud { "Confluence and Jira Cloud" } else { "Data Center" };
                return Err(MapperError::new(
                    crate::SqlState::NotSupported,
                    format!("{} is not available on {site}: the site has no REST resource for it", self.plan.def.qualified_name()),
                ));
            };
            // The context of the list being read: the parent row's, or the part's constants.
            if self.context.is_none() {
                match &self.plan.parents.get(self.part).cloned().flatten() {
                    _ if self.slice.context.is_some() => self.context = self.slice.context.clone(),
                    None => self.context = Some(HashMap::new()),
                    Some(parent) => match self.next_parent_row(parent, part).await? {
                        Some(ctx) => self.context = Some(ctx),
                        None => {
                            self.next_part();
                            continue;
                        }
                    },
                }
                if let Some(ctx) = self.context.as_mut() {
                    for (k, v) in part.constants {
                        ctx.insert(k.to_string(), json!(v));
                    }
                }
                self.cursor = Cursor::Start;
            }
            let ctx = self.context.clone().unwrap_or_default();
            let first = matches!(self.cursor, Cursor::Start);
            let items = match self.list_page(&endpoint, &ctx).await {
                // The server refused a value it looks up (a user it does not know, tokens the
                // caller may not see): those filters were inexact, so ask without them.
                Err(e) if first && matches!(e.http_status, Some(400 | 403 | 404)) && self.plan.drop_droppable_params() => self.list_page(&endpoint, &ctx).await,
                other => other,
            };
            let items = match items {
                Err(e) if endpoint.optional && e.http_status == Some(404) => {
                    if self.plan.part_missing(self.part) {
                        return Err(MapperError::new(
                            crate::SqlState::NotSupported,
                            format!("{} is not supported by this site: it has no {} resource ({})", self.plan.def.qualified_name(), endpoint.path, e.message),
                        ));
                    }
                    // Another part answers for the table (a site without the Marketplace app
                    // still has its personal access tokens).
                    self.next_part();
                    continue;
                }
                other => other?,
            };
            // This list is read: the next parent row's (or the next part's) list follows; the
            // page loop stops only when the last part is done.
            // (A stream of one parent row's list ends with it.)
            if matches!(self.cursor, Cursor::Done) && self.slice.context.is_none() {
                self.context = None;
                self.cursor = Cursor::Start;
                if part.parent.is_none() {
                    self.next_part();
                }
            }
            let rows: Vec<Value> = match endpoint.rows {
                Some(f) => items.iter().flat_map(f).collect(),
                None => items,
            };
            return Ok(Some(self.items_to_batch(&rows, &ctx)?));
        }
    }

    fn next_part(&mut self) {
        self.part += 1;
        self.pending.clear();
        self.parent_stream = None;
        self.context = None;
        self.cursor = Cursor::Start;
    }

    /// The next parent row's context (its bound columns), pulling parent batches as needed.
    async fn next_parent_row(&mut self, parent: &Arc<FetchPlan>, part: &Part) -> Result<Option<HashMap<String, Value>>, MapperError> {
        let link = part.parent.expect("a part with a parent plan has a parent link");
        loop {
            if let Some(ctx) = self.pending.pop_front() {
                return Ok(Some(ctx));
            }
            if self.parent_stream.is_none() {
                let schema = super::schema_of(&parent.def);
                self.parent_stream = Some(futures::lock::Mutex::new(parent.clone().stream(schema).boxed()));
            }
            let stream = self.parent_stream.as_mut().expect("parent stream set").get_mut();
            let Some(batch) = stream.next().await else { return Ok(None) };
            let batch = batch.map_err(crate::error::df_error)?;
            self.pending.extend(parent_contexts(&batch, &link));
        }
    }

    /// One page of one list endpoint, following its paging; sets the cursor for the next.
    async fn list_page(&mut self, e: &Endpoint, ctx: &HashMap<String, Value>) -> Result<Vec<Value>, MapperError> {
        if let Paging::Context(name) = e.paging {
            self.cursor = Cursor::Done;
            let items = match ctx.get(name) {
                Some(Value::String(s)) => serde_json::from_str::<Value>(s).ok(),
                Some(v) => Some(v.clone()),
                None => None,
            };
            return Ok(items.and_then(|v| v.as_array().cloned()).unwrap_or_default());
        }
        let client = self.plan.client.clone();
        let api = client.flavor().jira_api();
        let mut path = e.path.replace("{api}", api);
        for (k, v) in ctx {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            path = path.replace(&format!("{{{k}}}"), &enc(&text));
        }
        let mut params = self.plan.extra_params();
        params.extend(self.plan.endpoint_params(e));
        for (pushed, with) in e.implied {
            let sent = params.iter().any(|p| p.split_once('=').is_some_and(|(n, _)| n == *pushed));
            if sent && !params.iter().any(|p| p == with) {
                params.push(with.to_string());
            }
        }
        // Confluence v1 lists have one `expand` list: the body goes into it.
        if path.contains("expand=") && params.iter().any(|p| p == "body-format=storage") {
            params.retain(|p| p != "body-format=storage");
            path = path.replacen("expand=", "expand=body.storage,", 1);
        }
        let path = match (&self.cursor, e.paging) {
            (cursor, Paging::Links(max)) => {
                params.push(format!("pageSize={}", self.plan.page_size(max)));
                if let Cursor::Next(c) = cursor {
                    params.push(format!("cursor={}", enc(c)));
                }
                with_params(&path, &params)
            }
            (Cursor::Next(next), _) => next.clone(),
            (_, Paging::Whole | Paging::Context(_)) => with_params(&path, &params),
            (cursor, Paging::StartAt(max)) => {
                let start = if let Cursor::Offset(o) = cursor { *o } else { 0 };
                params.extend([format!("startAt={start}"), format!("maxResults={}", self.plan.page_size(max))]);
                with_params(&path, &params)
            }
            (_, Paging::Cursor(max)) => {
                params.push(format!("limit={}", self.plan.page_size(max)));
                with_params(&path, &params)
            }
            (cursor, Paging::Pages(max)) => {
                let page = if let Cursor::Offset(o) = cursor { *o } else { 0 };
                params.extend([format!("page={page}"), format!("limit={}", self.plan.page_size(max))]);
                with_params(&path, &params)
            }
            (cursor, Paging::Start(max)) => {
                let start = if let Cursor::Offset(o) = cursor { *o } else { 0 };
                params.extend([format!("start={start}"), format!("limit={}", self.plan.page_size(max))]);
                with_params(&path, &params)
            }
        };
        let mut v = client.get_json(self.plan.def.product, &path).await?;
        let items = take_array(&mut v, e.items)?;
        let start = if let Cursor::Offset(o) = self.cursor { o } else { 0 };
        self.cursor = match e.paging {
            Paging::Whole | Paging::Context(_) => Cursor::Done,
            // Jira: `isLast` where the resource has it, else `total`; a bare array ends with an empty page.
            Paging::StartAt(_) => {
                let next = start + items.len();
                let last = match (v.get("isLast").and_then(Value::as_bool), v.get("total").and_then(Value::as_u64)) {
                    (Some(l), _) => l,
                    (None, Some(total)) => next as u64 >= total,
                    (None, None) => false,
                };
                if last || items.is_empty() {
                    Cursor::Done
                } else {
                    Cursor::Offset(next)
                }
            }
            Paging::Cursor(_) => match v.pointer("/_links/next").and_then(Value::as_str) {
                Some(n) if !items.is_empty() => Cursor::Next(confluence_next(n, &path)),
                _ => Cursor::Done,
            },
            Paging::Links(_) => match v.pointer("/links/next").and_then(Value::as_str) {
                Some(n) if !items.is_empty() && !n.is_empty() => Cursor::Next(n.to_string()),
                _ => Cursor::Done,
            },
            Paging::Start(_) => {
                if v.pointer("/_links/next").is_some() && !items.is_empty() {
                    Cursor::Offset(start + items.len())
                } else {
                    Cursor::Done
                }
            }
            // The offset here counts pages; a short page is the last.
            Paging::Pages(max) => {
                if items.len() < self.plan.page_size(max) {
                    Cursor::Done
                } else {
                    Cursor::Offset(start + 1)
                }
            }
        };
        Ok(items)
    }

    /// Follows Confluence paging: v2 cursors on Cloud (`_links.next`), `start` on Data Center.
    async fn confluence_page(&mut self, cloud_first: &str, dc_first: &str) -> Result<Vec<Value>, MapperError> {
        let client = self.plan.client.clone();
        let size = self.plan.page_size(CONFLUENCE_PAGE);
        match client.flavor() {
            Flavor::Cloud => {
                let path = match &self.cursor {
                    Cursor::Next(n) => n.trim_start_matches("/wiki").to_string(),
                    _ => format!("{cloud_first}{}limit={size}", if cloud_first.contains('?') { "&" } else { "?" }),
                };
                let mut v = client.read_page(Product::Confluence, &format!("/wiki{path}"), None, &self.plan.page_paths).await?;
                self.cursor = match v.pointer("/_links/next").and_then(Value::as_str) {
                    Some(n) => Cursor::Next(n.to_string()),
                    None => Cursor::Done,
                };
                Ok(take_array(&mut v, "/results")?)
            }
            Flavor::DataCenter => {
                let start = if let Cursor::Offset(o) = self.cursor { o } else { 0 };
                let sep = if dc_first.contains('?') { "&" } else { "?" };
                let mut v = client.get_json(Product::Confluence, &format!("{dc_first}{sep}start={start}&limit={size}")).await?;
                let items = take_array(&mut v, "/results")?;
                let has_next = v.pointer("/_links/next").is_some() && !items.is_empty();
                self.cursor = if has_next { Cursor::Offset(start + items.len()) } else { Cursor::Done };
                Ok(items)
            }
        }
    }

    /// One page of a CQL content search (`/wiki/rest/api/content/search` on Cloud), following
    /// its `_links.next`.
    async fn cql_page(&mut self, cql: &str, expand: &str) -> Result<Vec<Value>, MapperError> {
        let client = self.plan.client.clone();
        let prefix = if client.flavor() == Flavor::Cloud { "/wiki" } else { "" };
        let path = match &self.cursor {
            Cursor::Next(n) => n.clone(),
            _ => format!("{prefix}/rest/api/content/search?cql={}&expand={}&limit={}", enc(cql), enc(expand), self.plan.page_size(CONFLUENCE_PAGE)),
        };
        let mut v = client.get_json(Product::Confluence, &path).await?;
        let items = take_array(&mut v, "/results")?;
        self.cursor = match v.pointer("/_links/next").and_then(Value::as_str) {
            Some(n) if !items.is_empty() => Cursor::Next(confluence_next(n, &path)),
            _ => Cursor::Done,
        };
        Ok(items)
    }

    async fn spaces_page(&mut self) -> Result<Option<RecordBatch>, MapperError> {
        let first_cloud = with_params("/api/v2/spaces", &self.plan.filter_params());
        let items = self.confluence_page(&first_cloud, "/rest/api/space?expand=homepage,history").await?;
        let items: Vec<Value> = if self.plan.client.flavor() == Flavor::DataCenter { items.iter().map(dc_space).collect() } else { items };
        Ok(Some(self.items_to_batch(&items, &HashMap::new())?))
    }

    /// Confluence space id → key, loaded once per scan (its split streams share it).
    async fn space_keys(&self) -> Result<Arc<HashMap<String, String>>, MapperError> {
        let client = self.plan.client.clone();
        self.plan
            .space_keys
            .get_or_try_init(|| async move { Ok(Arc::new(crate::rest::space_directory(&client).await?.into_iter().collect::<HashMap<_, _>>())) })
            .await
            .cloned()
    }

    async fn pages_page(&mut self) -> Result<Option<RecordBatch>, MapperError> {
        let body = if self.plan.wants_body() { "&body-format=storage" } else { "" };
        let dc_expand = if self.plan.wants_body() { "space,version,ancestors,history,body.storage" } else { "space,version,ancestors,history" };
        let spaces = self.slice.space_ids.as_ref().map(|ids| format!("&space-id={ids}")).unwrap_or_default();
        let first_cloud = format!("/api/v2/pages?status=current{body}{spaces}");
        let space = self.slice.space_key.as_ref().map(|k| format!("&spaceKey={}", enc(k))).unwrap_or_default();
        let first_dc = format!("/rest/api/content?type=page&expand={dc_expand}{space}");
        // Pushed filters: a CQL search (v1 shape on both flavors).
        let (items, dc) = match self.plan.cql() {
            Some(cql) => (self.cql_page(&format!("type=page AND {cql}"), dc_expand).await?, true),
            None => (self.confluence_page(&first_cloud, &first_dc).await?, self.plan.client.flavor() == Flavor::DataCenter),
        };
        let items = self.keep_new(items);
        let keys = if !dc && self.plan.needs_context("SpaceKey") { Some(self.space_keys().await?) } else { None };
        let mut b = self.builder();
        let room = self.plan.limit.map(|l| l.saturating_sub(self.produced)).unwrap_or(usize::MAX);
        for item in items.iter().take(room) {
            let mut ctx = HashMap::new();
            let item = if dc { dc_page(item) } else { item.clone() };
            if dc {
                ctx.insert("SpaceKey".to_string(), item.get("spaceKey").cloned().unwrap_or(Value::Null));
            } else if let Some(keys) = &keys {
                let id = item.get("spaceId").and_then(Value::as_str).unwrap_or("");
                ctx.insert("SpaceKey".to_string(), keys.get(id).map(|k| json!(k)).unwrap_or(Value::Null));
            }
            b.push(&item, &ctx)?;
        }
        Ok(Some(b.finish()?))
    }
}

/// The contexts (bound column values) of a batch of parent rows, of the rows the link visits.
fn parent_contexts(batch: &RecordBatch, link: &crate::catalog::ParentLink) -> Vec<HashMap<String, Value>> {
    let columns: Vec<(usize, &str)> = link.bind.iter().filter_map(|(col, name)| Some((batch.schema().index_of(col).ok()?, *name))).collect();
    let only = link.only.and_then(|(col, value)| Some((batch.schema().index_of(col).ok()?, value)));
    (0..batch.num_rows())
        .filter(|row| only.is_none_or(|(i, value)| super::cell_value(batch.column(i).as_ref(), *row) == json!(value)))
        .map(|row| columns.iter().map(|(i, name)| (name.to_string(), super::cell_value(batch.column(*i).as_ref(), row))).collect())
        .collect()
}

/// One page of a table's REST reply as the scan decodes it (the first list the table is read
/// from on `flavor`), for tests and the fuzz targets: any bytes give a batch or an error.
pub fn decode_page(def: &TableDef, flavor: Flavor, body: &[u8]) -> Result<RecordBatch, MapperError> {
    let mut page: Value = serde_json::from_slice(body).map_err(|e| MapperError::new(crate::SqlState::LinkFailure, format!("not valid JSON: {e}")))?;
    let dc = flavor == Flavor::DataCenter;
    type Reshape = Option<fn(&Value) -> Vec<Value>>;
    let (pointer, reshape): (&str, Reshape) = match &def.source {
        Source::IssueSearch => ("/issues", None),
        Source::Spaces => ("/results", if dc { Some(|s| vec![dc_space(s)]) } else { None }),
        Source::Pages => ("/results", if dc { Some(|p| vec![dc_page(p)]) } else { None }),
        Source::Lists(parts) => match parts.iter().find_map(|p| if dc { p.data_center } else { p.cloud }) {
            Some(e) => (e.items, e.rows),
            None => return Err(MapperError::new(crate::SqlState::NotSupported, format!("{} has no list on this flavor", def.qualified_name()))),
        },
        Source::OAuthTokenPage => {
            return Err(MapperError::new(crate::SqlState::NotSupported, format!("{} is read from an HTML page, not JSON", def.qualified_name())))
        }
    };
    let items = take_array(&mut page, pointer)?;
    let rows: Vec<Value> = match reshape {
        Some(f) => items.iter().flat_map(f).collect(),
        None => items,
    };
    let mut b = BatchBuilder::new(def, super::schema_of(def), None);
    let context = HashMap::new();
    for r in &rows {
        b.push(r, &context)?;
    }
    b.finish()
}

/// The array at `pointer` ("" for the page itself), moved out of the page rather than copied.
/// A reply without the list has no items; a reply whose list is something else is an error,
/// never an empty (or shortened) result.
fn take_array(page: &mut Value, pointer: &str) -> Result<Vec<Value>, MapperError> {
    let not_a_list = |what: &str| MapperError::new(crate::SqlState::LinkFailure, format!("The site's reply is not what its API returns: {what}"));
    if !pointer.is_empty() && !page.is_object() {
        return Err(not_a_list(&format!("expected an object holding '{}', got {}", pointer.trim_start_matches('/'), kind_of(page))));
    }
    let slot = if pointer.is_empty() { Some(page) } else { page.pointer_mut(pointer) };
    match slot.map(Value::take) {
        Some(Value::Array(items)) => Ok(items),
        // A resource that is one object (`/myself`) is one row.
        Some(one @ Value::Object(_)) if pointer.is_empty() => Ok(vec![one]),
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(other) => Err(not_a_list(&format!("'{}' should be a list, and is {}", pointer.trim_start_matches('/'), kind_of(&other)))),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn with_params(path: &str, params: &[String]) -> String {
    if params.is_empty() {
        return path.to_string();
    }
    format!("{path}{}{}", if path.contains('?') { "&" } else { "?" }, params.join("&"))
}

/// A `_links.next` URL as a path for the client: Confluence Cloud gives it under `/wiki`, or
/// relative to it, depending on the resource; the request just made tells which.
fn confluence_next(next: &str, current: &str) -> String {
    if next.starts_with("/wiki") || !current.starts_with("/wiki") {
        next.to_string()
    } else {
        format!("/wiki{next}")
    }
}

/// Jira's refusal of a query that names a value it does not have ("The value 'x' does not exist
/// for the field 'priority'", "An issue with key 'X-1' does not exist for field 'key'").
fn names_missing_value(e: &MapperError) -> bool {
    e.message.contains("does not exist for the field '")
        || e.message.contains("does not exist for field '")
        || (e.message.contains("The issue key '") && e.message.contains("is invalid"))
}

/// A Data Center v1 space in the v2 shape the catalog reads.
fn dc_space(s: &Value) -> Value {
    json!({
        "id": s.get("id").map(|v| v.to_string().trim_matches('"').to_string()),
        "key": s.get("key"),
        "name": s.get("name"),
        "type": s.get("type"),
        "status": s.get("status").cloned().unwrap_or(json!("current")),
        "homepageId": s.pointer("/homepage/id"),
        "authorId": s.pointer("/history/createdBy/accountId").or_else(|| s.pointer("/history/createdBy/userKey")),
        "createdAt": s.pointer("/history/createdDate"),
    })
}

/// A Data Center v1 page in the v2 shape the catalog reads.
fn dc_page(p: &Value) -> Value {
    let parent = p.get("ancestors").and_then(Value::as_array).and_then(|a| a.last()).and_then(|a| a.get("id")).cloned();
    json!({
        "id": p.get("id"),
        "title": p.get("title"),
        "spaceId": p.pointer("/space/id").map(|v| v.to_string().trim_matches('"').to_string()),
        "spaceKey": p.pointer("/space/key"),
        "parentId": parent,
        "status": p.get("status"),
        "authorId": p.pointer("/history/createdBy/accountId").or_else(|| p.pointer("/history/createdBy/userKey")),
        "createdAt": p.pointer("/history/createdDate"),
        "version": {"number": p.pointer("/version/number")},
        "body": {"storage": {"value": p.pointer("/body/storage/value")}},
    })
}

#[cfg(test)]
mod tests {
    use super::created_bounds;

    fn ms(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
    }

    #[test]
    fn created_ranges_start_a_day_early_and_split_evenly() {
        let b = created_bounds(ms("2024-01-02T00:00:30Z"), ms("2024-01-10T00:00:00Z"), 4);
        assert_eq!(b, ["2024-01-01 00:00", "2024-01-04 00:00", "2024-01-06 00:00", "2024-01-08 00:00"]);
    }

    #[test]
    fn created_ranges_never_repeat_a_minute() {
        // Everything within two minutes: at most three distinct bounds, however many are wanted.
        let b = created_bounds(ms("2024-01-02T00:00:00Z"), ms("2024-01-02T00:01:00Z"), 16);
        let mut d = b.clone();
        d.dedup();
        assert_eq!(b, d);
        assert!(b.len() <= 3, "{b:?}");
        // One range only: the caller reads on in one stream.
        assert_eq!(created_bounds(ms("2024-01-02T00:00:00Z"), ms("2024-01-02T00:00:00Z"), 1).len(), 1);
    }
}
