//! `FetchPlan`: what one scan asks of the site (projection, pushed filters, limit, parent
//! scans), whatever kind of source the table is read from, and `PageState`, one stream of its
//! pages. The kinds (`sources/`) build each page's requests; what is common to all of them is
//! here: the fields and parameters the columns ask for, rows a split repeats, the limit, and
//! items into batches.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::{DataFusionError, Result as DfResult};
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt, TryStreamExt};
use serde_json::{json, Value};

use super::batch::BatchBuilder;
use super::sources::{source_of, TableSource};
use crate::catalog::{ColumnDef, Endpoint, Extract, Pushdown, TableDef};
use crate::pushdown::params::{merged, QueryParam};
use crate::rest::{AtlassianClient, Flavor, PageStream, WantedPaths};
use crate::values::url_encode;
use crate::MapperError;

pub struct FetchPlan {
    pub(crate) def: Arc<TableDef>,
    pub(crate) client: Arc<AtlassianClient>,
    /// The kind of source the table is read from.
    pub(crate) source: Arc<dyn TableSource>,
    projection: Option<Vec<usize>>,
    /// For each part read per parent row: the parent's own scan (projected to the bound
    /// columns, with the filters pushed into it).
    pub(crate) parents: Vec<Option<Arc<FetchPlan>>>,
    /// Pushed query-language clauses (JQL, CQL), ANDed. Clauses naming issues by key or id are
    /// dropped (they are inexact, so the engine filters) when Jira refuses them for naming an
    /// issue it does not have.
    clauses: std::sync::Mutex<Vec<crate::pushdown::Pushed>>,
    /// Pushed query parameters (lists that filter by parameters). Those naming values the
    /// server looks up are dropped when it refuses them.
    params: std::sync::Mutex<Vec<QueryParam>>,
    pub(crate) limit: Option<usize>,
    /// Confluence space id → key, for `SpaceKey` and for splitting by space.
    space_keys: tokio::sync::OnceCell<Arc<HashMap<String, String>>>,
    /// What the columns read of an item (and the scan itself: ids, `created`, space ids), for
    /// pages decoded keeping only that.
    pub(crate) item_paths: WantedPaths,
    /// The parts whose optional resource this site lacks (404): when every part of the
    /// flavor's is missing, the table is refused rather than read as empty.
    missing_parts: std::sync::Mutex<std::collections::BTreeSet<usize>>,
    /// A parent scan's filters on its rows (a child's filters on the columns it binds): the
    /// child visits only the rows they keep, whether or not the parent could push them.
    pub(crate) row_filters: Vec<datafusion::logical_expr::Expr>,
}

/// One of the independent queries a large scan is split into; together they return every row
/// exactly once (rows the first page already returned are skipped).
#[derive(Clone, Default)]
pub(crate) struct Slice {
    /// JQL ANDed to the pushed clauses (a `created` range).
    pub jql: Option<String>,
    /// JQL `ORDER BY` (the first page of a splittable issue scan is sorted by `created`).
    pub order: Option<&'static str>,
    /// A parameter the list is sent with (`space-id=...`, `spaceKey=...`).
    pub param: Option<String>,
    /// The offset the paging starts from (a page read on its own).
    pub start_at: Option<usize>,
    /// Ids the first page returned.
    pub skip: Option<Arc<HashSet<String>>>,
    /// Keep what the first page shows (`Seen`).
    pub record: bool,
    /// Lists: read only this part.
    pub part: Option<usize>,
    /// Lists: read only the list of this parent row (its bound columns); the stream ends with
    /// that one list.
    pub context: Option<HashMap<String, Value>>,
}

/// What the first pages of a scan showed, for splitting the rest: its row ids, the last row's
/// `created` (issues sorted by it), and the result's size where the site tells it.
#[derive(Default)]
pub(crate) struct Seen {
    pub ids: Vec<String>,
    pub last_created: Option<String>,
    pub total: Option<usize>,
}

impl Seen {
    /// The rows the split's streams skip: those the first pages returned.
    pub fn skip(&self) -> Option<Arc<HashSet<String>>> {
        Some(Arc::new(self.ids.iter().cloned().collect()))
    }
}

/// The rest of a split scan, made from what its first pages showed; `None`: not splittable
/// after all (one space, one minute), and the first stream goes on.
pub(crate) type SplitRest = Box<dyn FnOnce(Seen) -> BoxFuture<'static, DfResult<Option<BoxStream<'static, DfResult<RecordBatch>>>>> + Send>;

pub(crate) fn df(e: MapperError) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

impl FetchPlan {
    pub fn new(
        def: Arc<TableDef>,
        client: Arc<AtlassianClient>,
        projection: Option<&[usize]>,
        clauses: Vec<crate::pushdown::Pushed>,
        limit: Option<usize>,
        parents: Vec<Option<Arc<FetchPlan>>>,
    ) -> FetchPlan {
        let mut plan = FetchPlan {
            source: source_of(&def.source),
            def,
            client,
            projection: projection.map(<[usize]>::to_vec),
            parents,
            clauses: std::sync::Mutex::new(clauses),
            params: std::sync::Mutex::new(Vec::new()),
            limit,
            space_keys: tokio::sync::OnceCell::new(),
            item_paths: WantedPaths::default(),
            missing_parts: Default::default(),
            row_filters: Vec::new(),
        };
        plan.item_paths = plan.item_paths();
        plan
    }

    /// The JSON pointers the projected columns read of an item, and what the scan itself
    /// reads (ids, for skipping rows a split repeats; `created`, for splitting; a page's
    /// space, for `SpaceKey`).
    fn item_paths(&self) -> WantedPaths {
        let mut paths = WantedPaths::default();
        for p in ["/id", "/fields/created", "/spaceId"] {
            paths.keep(p);
        }
        for c in self.wanted() {
            match &c.extract {
                Extract::At(p) | Extract::AdfText(p) | Extract::MarkupText(p) | Extract::JsonText(p) | Extract::AtOrContext(p, _) => paths.keep(p),
                Extract::SpaceKey(p) => {
                    paths.keep(p);
                    paths.keep("/spaceKey");
                }
                Extract::Join(p, each) => paths.keep(&format!("{p}/*{each}")),
                Extract::FirstOf(ps) => ps.iter().for_each(|p| paths.keep(p)),
                Extract::AtWhen(p, test, _) => {
                    paths.keep(p);
                    paths.keep(test);
                }
                Extract::Context(_) => {}
            }
        }
        paths
    }

    /// A parent scan whose rows these filters keep (see `row_filters`).
    pub(crate) fn keeping(mut self, filters: Vec<datafusion::logical_expr::Expr>) -> FetchPlan {
        self.row_filters = filters;
        self
    }

    /// The rows of a batch of this (parent) scan that its row filters keep. A filter the engine
    /// cannot evaluate here keeps every row: the child's own filter still applies to its rows.
    pub(crate) fn kept_rows(&self, batch: RecordBatch) -> RecordBatch {
        use datafusion::arrow::array::AsArray;
        use datafusion::arrow::compute::filter_record_batch;
        let Ok(schema) = datafusion::common::DFSchema::try_from(batch.schema().as_ref().clone()) else { return batch };
        let props = datafusion::execution::context::ExecutionProps::new();
        let mut batch = batch;
        for f in &self.row_filters {
            let kept = datafusion::physical_expr::create_physical_expr(f, &schema, &props, &Default::default())
                .and_then(|p| p.evaluate(&batch))
                .and_then(|v| v.into_array(batch.num_rows()))
                .ok()
                .and_then(|mask| filter_record_batch(&batch, mask.as_boolean_opt()?).ok());
            if let Some(k) = kept {
                batch = k;
            }
        }
        batch
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

    /// The pushed parameters one list endpoint takes, under its names and in its forms.
    pub(crate) fn endpoint_params(&self, e: &Endpoint) -> Vec<String> {
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
                Some(format!("{}={}", url_encode(name), url_encode(&value)))
            })
            .collect()
    }

    /// Notes that part `i`'s optional resource is missing; true when no part of the table's
    /// on this flavor is left to answer.
    pub(crate) fn part_missing(&self, i: usize) -> bool {
        let flavor = self.client.flavor();
        let mut missing = self.missing_parts.lock().expect("missing parts lock");
        missing.insert(i);
        self.def.source.parts().iter().enumerate().filter(|(_, p)| p.on(flavor).is_some()).all(|(j, _)| missing.contains(&j))
    }

    /// After the server refused a value it looks up: ask without such parameters (the engine
    /// filters). Returns false when there was nothing to drop.
    pub(crate) fn drop_droppable_params(&self) -> bool {
        let mut params = self.params.lock().expect("params lock");
        let before = params.len();
        params.retain(|p| !p.droppable);
        params.len() != before
    }

    /// After Jira refused a query for naming a missing issue: drop the clauses that name issues.
    /// Returns false when there was nothing to drop.
    pub(crate) fn drop_value_naming_clauses(&self) -> bool {
        let mut clauses = self.clauses.lock().expect("clauses lock");
        let before = clauses.len();
        clauses.retain(|p| !p.names_values);
        clauses.len() != before
    }

    /// The projected columns.
    pub(crate) fn wanted(&self) -> impl Iterator<Item = &ColumnDef> {
        self.def.columns.iter().enumerate().filter(|(i, _)| self.projection.as_ref().is_none_or(|p| p.contains(i))).map(|(_, c)| c)
    }

    /// The Jira fields (`fields=`) the projected columns need, and these always; `key` when
    /// nothing is needed.
    pub(crate) fn jira_fields(&self, always: &[&str]) -> Vec<String> {
        let mut f: Vec<String> = Vec::new();
        let needed = self.wanted().filter_map(|c| c.api_field.as_deref()).filter(|a| !a.contains('=')).chain(always.iter().copied());
        for api in needed {
            if !f.iter().any(|x| x == api) {
                f.push(api.to_string());
            }
        }
        if f.is_empty() {
            f.push("key".into());
        }
        f
    }

    /// The pushed query-language clauses, ANDed, if any.
    pub(crate) fn clauses(&self) -> Option<String> {
        let pushed = self.clauses.lock().expect("clauses lock");
        (!pushed.is_empty()).then(|| pushed.iter().map(|c| format!("({})", c.text)).collect::<Vec<_>>().join(" AND "))
    }

    /// A page of at most `max` items, fewer when the limit is smaller.
    pub(crate) fn page_size(&self, max: usize) -> usize {
        match self.limit {
            Some(l) if l < max => l.max(1),
            _ => max,
        }
    }

    /// Query parameters the projected columns ask for (`body-format=storage` for bodies).
    pub(crate) fn extra_params(&self) -> Vec<String> {
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

    /// Whether the scan reads the large scans it splits at once: not under a limit (one stream
    /// meets it), nor with one request at a time.
    pub(crate) fn may_split(&self) -> bool {
        self.limit.is_none() && self.client.max_concurrency() > 1
    }

    /// For `EXPLAIN`: what this scan sends.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.def.qualified_name(), self.source.requests(self))
    }

    pub fn stream(self: Arc<Self>, schema: SchemaRef) -> BoxStream<'static, DfResult<RecordBatch>> {
        match self.client.result_cache().cloned() {
            Some(cache) => {
                let request = format!("{} projection={:?}", self.describe(), self.projection);
                cache.serve(request, move || self.source.clone().read(self, schema))
            }
            None => self.source.clone().read(self, schema),
        }
    }

    /// Confluence space id → key, loaded once per scan (its split streams share it).
    pub(crate) async fn space_keys(&self) -> Result<Arc<HashMap<String, String>>, MapperError> {
        let client = self.client.clone();
        self.space_keys
            .get_or_try_init(|| async move { Ok(Arc::new(crate::rest::space_directory(&client).await?.into_iter().collect::<HashMap<_, _>>())) })
            .await
            .cloned()
    }

    /// The first pages as any scan reads them (`before_split` of them); only a result that
    /// does not fit is split, into what `rest` makes of what those pages showed.
    pub(crate) fn split_after(
        self: Arc<Self>,
        schema: SchemaRef,
        first: Slice,
        before_split: usize,
        rest: SplitRest,
    ) -> BoxStream<'static, DfResult<RecordBatch>> {
        let first = PageState::new(self, schema, Slice { record: true, ..first });
        futures::stream::once(async move {
            let mut st = first;
            let mut head = Vec::new();
            for _ in 0..before_split {
                if let Some(b) = st.next_page().await.map_err(df)?.filter(|b| b.num_rows() > 0) {
                    head.push(Ok(b));
                }
                if st.done {
                    break;
                }
            }
            let head = futures::stream::iter(head);
            if st.done {
                return Ok::<_, DataFusionError>(head.boxed());
            }
            Ok(match rest(std::mem::take(&mut st.seen)).await? {
                Some(rest) => head.chain(rest).boxed(),
                None => {
                    st.slice.record = false;
                    head.chain(st.pages()).boxed()
                }
            })
        })
        .try_flatten()
        .boxed()
    }

    /// The slices' streams, `streams` of them at once, their batches as they come.
    pub(crate) fn read_slices(self: &Arc<Self>, schema: &SchemaRef, slices: Vec<Slice>, streams: usize) -> BoxStream<'static, DfResult<RecordBatch>> {
        let plan = self.clone();
        let schema = schema.clone();
        futures::stream::iter(slices).map(move |slice| PageState::new(plan.clone(), schema.clone(), slice).pages().boxed()).flatten_unordered(streams).boxed()
    }
}

/// One stream of a scan's pages: the list being read and, for lists read per parent row, where
/// the parent rows stand.
pub(crate) struct PageState {
    pub plan: Arc<FetchPlan>,
    schema: SchemaRef,
    /// The list being read; `None` before its first page (and between lists).
    pub list: Option<PageStream>,
    /// No page is left.
    pub done: bool,
    produced: usize,
    /// Lists: the part being read, and for a part read per parent row the parent rows'
    /// contexts still to visit, the parent's stream, and the current row's context.
    pub part: usize,
    pub pending: VecDeque<HashMap<String, Value>>,
    /// (Behind a lock only to make the state `Sync`: the stream is polled by one task.)
    pub parent_stream: Option<futures::lock::Mutex<BoxStream<'static, DfResult<RecordBatch>>>>,
    pub context: Option<HashMap<String, Value>>,
    /// The part of the result this stream reads (all of it, unless the scan is split).
    pub slice: Slice,
    /// What the first page showed, for splitting the rest.
    pub seen: Seen,
}

impl PageState {
    pub fn new(plan: Arc<FetchPlan>, schema: SchemaRef, slice: Slice) -> PageState {
        let part = slice.part.unwrap_or(0);
        PageState {
            plan,
            schema,
            list: None,
            done: false,
            produced: 0,
            part,
            pending: VecDeque::new(),
            parent_stream: None,
            context: None,
            slice,
            seen: Seen::default(),
        }
    }

    /// This stream's pages as batches, until its lists or the limit end it.
    pub fn pages(self) -> impl Stream<Item = DfResult<RecordBatch>> + Send + 'static {
        futures::stream::try_unfold(self, |mut st| async move {
            loop {
                if st.done || st.plan.limit.is_some_and(|l| st.produced >= l) {
                    return Ok(None);
                }
                if let Some(b) = st.next_page().await.map_err(df)? {
                    if b.num_rows() > 0 {
                        return Ok(Some((b, st)));
                    }
                }
            }
        })
    }

    /// The next page as a batch, from the table's kind of source.
    pub async fn next_page(&mut self) -> Result<Option<RecordBatch>, MapperError> {
        let source = self.plan.source.clone();
        let batch = source.next_page(self).await?;
        if let Some(b) = &batch {
            self.produced += b.num_rows();
        }
        Ok(batch)
    }

    /// Reads the next page of the list being read, which `open` makes when none is.
    pub async fn read_list(&mut self, open: impl FnOnce(&Self) -> PageStream) -> Result<Vec<Value>, MapperError> {
        if self.list.is_none() {
            self.list = Some(open(self));
        }
        let client = self.plan.client.clone();
        let list = self.list.as_mut().expect("a list is open");
        Ok(list.next_page(&client).await?.items)
    }

    /// Rows the first pages of a split scan returned are not returned again; those pages
    /// record what they returned.
    pub fn keep_new(&mut self, items: Vec<Value>) -> Vec<Value> {
        let id = |item: &Value| item.get("id").map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
        if self.slice.record {
            self.seen.ids.extend(items.iter().filter_map(id));
        }
        match &self.slice.skip {
            Some(skip) => items.into_iter().filter(|i| id(i).is_none_or(|id| !skip.contains(&id))).collect(),
            None => items,
        }
    }

    /// Items (in the shape the columns read) as a batch, up to what the limit leaves room for.
    pub async fn batch(&self, mut items: Vec<Value>, context: &HashMap<String, Value>) -> Result<RecordBatch, MapperError> {
        self.add_space_keys(&mut items).await?;
        let mut b = BatchBuilder::new(&self.plan.def, self.schema.clone(), self.plan.projection.as_deref());
        let room = self.plan.limit.map(|l| l.saturating_sub(self.produced)).unwrap_or(usize::MAX);
        for item in items.iter().take(room) {
            b.push(item, context)?;
        }
        b.finish()
    }

    /// `spaceKey` for items whose list names their space by id only, when a selected column
    /// reads it.
    async fn add_space_keys(&self, items: &mut [Value]) -> Result<(), MapperError> {
        let Some(id_at) = self.plan.wanted().find_map(|c| if let Extract::SpaceKey(p) = &c.extract { Some(p.clone()) } else { None }) else {
            return Ok(());
        };
        if items.iter().all(|i| i.get("spaceKey").is_some()) {
            return Ok(());
        }
        let keys = self.plan.space_keys().await?;
        for item in items.iter_mut().filter(|i| i.get("spaceKey").is_none()) {
            let key = item.pointer(&id_at).map(crate::values::scalar_text).and_then(|id| keys.get(&id).cloned());
            if let Some(o) = item.as_object_mut() {
                o.insert("spaceKey".into(), key.map(|k| json!(k)).unwrap_or(Value::Null));
            }
        }
        Ok(())
    }
}

/// One page of a table's REST reply as the scan decodes it (the first list the table is read
/// from on `flavor`), for tests and the fuzz targets: any bytes give a batch or an error.
pub fn decode_page(def: &TableDef, flavor: Flavor, body: &[u8]) -> Result<RecordBatch, MapperError> {
    let mut page: Value = serde_json::from_slice(body).map_err(|e| MapperError::new(crate::SqlState::LinkFailure, format!("not valid JSON: {e}")))?;
    let Some(e) = source_of(&def.source).first_list(flavor) else {
        return Err(MapperError::new(crate::SqlState::NotSupported, format!("{} has no JSON list on this flavor", def.qualified_name())));
    };
    let items = crate::rest::take_array(&mut page, e.items)?;
    let rows: Vec<Value> = match e.rows {
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
