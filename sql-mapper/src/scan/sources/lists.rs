//! REST lists read one after the other (`Source::Lists`), each once or per row of a parent
//! table, paged however the list pages (`startAt`, `start`, v2 cursors, the Admin APIs' links,
//! `page`, or the parent row's own JSON), each reshaped by its endpoint's `rows`. Filters reach
//! a list as the query parameters it takes; filters on the columns a parent row binds narrow
//! the parent's scan. A part read per parent row reads several parent rows' lists at once.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::{DataFusionError, Result as DfResult};
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};

use super::TableSource;
use crate::catalog::{Endpoint, Flavor, Paging, ParentLink, Part};
use crate::rest::{with_params, PageStream};
use crate::scan::fetch::{FetchPlan, PageState, Slice};
use crate::values::url_encode;
use crate::{MapperError, SqlState};

pub(crate) struct ListsSource(pub Vec<Part>);

#[async_trait]
impl TableSource for ListsSource {
    fn accepts(&self, flavor: Flavor, name: &str) -> bool {
        self.0.iter().filter_map(|p| p.on(flavor)).any(|e| e.sends(name).is_some())
    }

    fn first_list(&self, flavor: Flavor) -> Option<Endpoint> {
        self.0.iter().find_map(|p| p.on(flavor))
    }

    /// Each list this site reads, with the parameters it is sent.
    fn requests(&self, plan: &FetchPlan) -> String {
        let parents: Vec<String> = plan.parents.iter().flatten().map(|p| format!(" per row of [{}]", p.describe())).collect();
        format!("{} limit={:?}{}", lists_sent(plan, &self.0).join(" + "), plan.limit, parents.join(""))
    }

    fn read(self: Arc<Self>, plan: Arc<FetchPlan>, schema: SchemaRef) -> BoxStream<'static, DfResult<RecordBatch>> {
        if plan.may_split() && plan.parents.iter().any(Option::is_some) {
            let parts: Vec<BoxStream<'static, DfResult<RecordBatch>>> = (0..self.0.len()).map(|i| self.part_stream(&plan, i, schema.clone())).collect();
            return futures::stream::iter(parts).flatten().boxed();
        }
        PageState::new(plan, schema, Slice::default()).pages().boxed()
    }

    /// The next page of the current list, moving to the next parent row, and then to the next
    /// part, as each runs out.
    async fn next_page(&self, st: &mut PageState) -> Result<Option<RecordBatch>, MapperError> {
        let parts = &self.0;
        let plan = st.plan.clone();
        loop {
            let Some(part) = parts.get(st.part).filter(|_| st.slice.part.is_none_or(|p| p == st.part)) else {
                st.done = true;
                return Ok(None);
            };
            let flavor = plan.client.flavor();
            let Some(endpoint) = part.on(flavor) else {
                // A part this flavor reads differently (or not at all) is skipped; a table no part
                // of which this flavor has is refused, never answered as empty.
                if parts.iter().any(|p| p.on(flavor).is_some()) {
                    next_part(st);
                    continue;
                }
                return Err(not_on_flavor(&plan));
            };
            // The context of the list being read: the parent row's, or the part's constants.
            if st.context.is_none() {
                match plan.parents.get(st.part).cloned().flatten() {
                    _ if st.slice.context.is_some() => st.context = st.slice.context.clone(),
                    None => st.context = Some(HashMap::new()),
                    Some(parent) => match next_parent_row(st, &parent, part).await? {
                        Some(ctx) => st.context = Some(ctx),
                        None => {
                            next_part(st);
                            continue;
                        }
                    },
                }
                if let Some(ctx) = st.context.as_mut() {
                    for (k, v) in part.constants {
                        ctx.insert(k.to_string(), json!(v));
                    }
                }
                st.list = None;
            }
            let ctx = st.context.clone().unwrap_or_default();
            let first = st.list.as_ref().is_none_or(PageStream::at_start);
            let items = match read_list(st, &endpoint, &ctx, None).await {
                // The server refused a value it looks up (a user it does not know, tokens the
                // caller may not see): those filters were inexact, so ask without them.
                Err(e) if first && matches!(e.http_status, Some(400 | 403 | 404)) && plan.drop_droppable_params() => {
                    st.list = None;
                    read_list(st, &endpoint, &ctx, None).await
                }
                other => other,
            };
            let items = match items {
                // This parent row has no such list (a board without sprints).
                Err(e) if endpoint.none_when.is_some() && e.http_status == endpoint.none_when && part.parent.is_some() => {
                    tracing::debug!(table = %plan.def.qualified_name(), error = %e.message, "no list for this parent row");
                    st.list = None;
                    Vec::new()
                }
                Err(e) if endpoint.optional && e.http_status == Some(404) => {
                    if plan.part_missing(st.part) {
                        return Err(MapperError::new(
                            SqlState::NotSupported,
                            format!("{} is not supported by this site: it has no {} resource ({})", plan.def.qualified_name(), endpoint.path, e.message),
                        ));
                    }
                    // Another part answers for the table (a site without the Marketplace app
                    // still has its personal access tokens).
                    next_part(st);
                    continue;
                }
                other => other?,
            };
            // This list is read: the next parent row's (or the next part's) list follows; the
            // stream ends only when the last part is done, or with the one list of its slice.
            if st.list.as_ref().is_none_or(PageStream::is_done) {
                if st.slice.context.is_some() {
                    st.done = true;
                } else {
                    st.context = None;
                    st.list = None;
                    if part.parent.is_none() {
                        next_part(st);
                    }
                }
            }
            return Ok(Some(st.batch(items, &ctx).await?));
        }
    }
}

impl ListsSource {
    /// One part; a part read per parent row reads several parent rows' lists at once
    /// (`MaxConcurrency`), in the parent rows' order.
    fn part_stream(&self, plan: &Arc<FetchPlan>, i: usize, schema: SchemaRef) -> BoxStream<'static, DfResult<RecordBatch>> {
        let (Some(parent), Some(link)) = (plan.parents.get(i).cloned().flatten(), self.0[i].parent) else {
            return PageState::new(plan.clone(), schema, Slice { part: Some(i), ..Slice::default() }).pages().boxed();
        };
        let streams = plan.client.max_concurrency();
        let keep = parent.clone();
        let contexts = parent
            .clone()
            .stream(crate::scan::schema_of(&parent.def))
            .map_ok(move |batch| futures::stream::iter(parent_contexts(&keep.kept_rows(batch), &link).into_iter().map(Ok::<_, DataFusionError>)))
            .try_flatten();
        let plan = plan.clone();
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
}

/// Each list the connection's flavor reads of these parts, with the parameters it is sent.
pub(super) fn lists_sent(plan: &FetchPlan, parts: &[Part]) -> Vec<String> {
    let flavor = plan.client.flavor();
    parts
        .iter()
        .filter_map(|p| p.on(flavor))
        .map(|e| {
            let params = plan.endpoint_params(&e);
            let params = if params.is_empty() { String::new() } else { format!(" params={}", params.join("&")) };
            format!("{}{params}", e.path.replace("{api}", flavor.jira_api()))
        })
        .collect()
}

/// A table this flavor has no list for is refused, never answered as empty.
pub(super) fn not_on_flavor(plan: &FetchPlan) -> MapperError {
    let site = if plan.client.flavor() == Flavor::Cloud { "Confluence and Jira Cloud" } else { "Data Center" };
    let instead = plan.def.source.parts().iter().find_map(|p| p.by_hand).map(|place| format!("; on the site it is at {place}")).unwrap_or_default();
    MapperError::new(SqlState::NotSupported, format!("{} is not available on {site}: the site has no REST resource for it{instead}", plan.def.qualified_name()))
}

fn next_part(st: &mut PageState) {
    st.part += 1;
    st.pending.clear();
    st.parent_stream = None;
    st.context = None;
    st.list = None;
}

/// The next parent row's context (its bound columns), pulling parent batches as needed.
async fn next_parent_row(st: &mut PageState, parent: &Arc<FetchPlan>, part: &Part) -> Result<Option<HashMap<String, Value>>, MapperError> {
    let link = part.parent.expect("a part with a parent plan has a parent link");
    loop {
        if let Some(ctx) = st.pending.pop_front() {
            return Ok(Some(ctx));
        }
        if st.parent_stream.is_none() {
            let schema = crate::scan::schema_of(&parent.def);
            st.parent_stream = Some(futures::lock::Mutex::new(parent.clone().stream(schema).boxed()));
        }
        let stream = st.parent_stream.as_mut().expect("parent stream set").get_mut();
        let Some(batch) = stream.next().await else { return Ok(None) };
        let batch = batch.map_err(crate::error::df_error)?;
        st.pending.extend(parent_contexts(&parent.kept_rows(batch), &link));
    }
}

/// The next page of one list endpoint in this context, its items reshaped into rows; `param`
/// is one more parameter to send (a split stream's part of the list).
pub(super) async fn read_list(st: &mut PageState, e: &Endpoint, ctx: &HashMap<String, Value>, param: Option<&str>) -> Result<Vec<Value>, MapperError> {
    // No request: the parent row brought the list (no list open means this one is done).
    if let Paging::Context(name) = e.paging {
        st.list = None;
        let items = match ctx.get(name) {
            Some(Value::String(s)) => serde_json::from_str::<Value>(s).ok(),
            Some(v) => Some(v.clone()),
            None => None,
        };
        return Ok(reshaped(e, items.and_then(|v| v.as_array().cloned()).unwrap_or_default()));
    }
    let items = st.read_list(|st| open_list(&st.plan, e, ctx, param)).await?;
    Ok(reshaped(e, items))
}

/// Items as the rows the columns read (an endpoint's `rows`: another shape, or several rows).
pub(super) fn reshaped(e: &Endpoint, items: Vec<Value>) -> Vec<Value> {
    match e.rows {
        Some(f) => items.iter().flat_map(f).collect(),
        None => items,
    }
}

/// A list endpoint's pages in this context: its path's placeholders filled, the fields the
/// columns ask for and the pushed parameters it takes; decoded keeping only what the columns
/// read where the items are read as they come.
fn open_list(plan: &FetchPlan, e: &Endpoint, ctx: &HashMap<String, Value>, param: Option<&str>) -> PageStream {
    let mut path = e.path.replace("{api}", plan.client.flavor().jira_api());
    for (k, v) in ctx {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        path = path.replace(&format!("{{{k}}}"), &url_encode(&text));
    }
    let mut params = plan.extra_params();
    if let Some(name) = e.fields {
        params.push(format!("{name}={}", url_encode(&plan.jira_fields(&[]).join(","))));
    }
    params.extend(plan.endpoint_params(e));
    for (pushed, with) in e.implied {
        let sent = params.iter().any(|p| p.split_once('=').is_some_and(|(n, _)| n == *pushed));
        if sent && !params.iter().any(|p| p == with) {
            params.push(with.to_string());
        }
    }
    // Confluence v1 lists have one `expand` list: the bodies go into it.
    if path.contains("expand=") {
        let bodies = v1_bodies(&params);
        if !bodies.is_empty() {
            params.retain(|p| !p.starts_with(BODY_FORMAT));
            path = path.replacen("expand=", &format!("expand={},", bodies.join(",")), 1);
        }
    }
    params.extend(param.map(str::to_string));
    let list = PageStream::new(plan.def.product, with_params(&path, &params), e.items, e.paging, plan.page_size(e.paging.page_max()));
    // A reshaped item reads more than the columns name.
    if e.rows.is_none() {
        list.pruned(plan.item_paths.clone())
    } else {
        list
    }
}

/// How a v2 list is asked for a body, in a format: `body-format=storage`, `body-format=view`.
pub(crate) const BODY_FORMAT: &str = "body-format=";

/// The v1 expansions (`body.storage`, `body.view`) of the body formats these parameters ask for.
pub(crate) fn v1_bodies(params: &[String]) -> Vec<String> {
    params.iter().filter_map(|p| p.strip_prefix(BODY_FORMAT)).map(|f| format!("body.{f}")).collect()
}

/// The contexts (bound column values) of a batch of parent rows, of the rows the link visits.
fn parent_contexts(batch: &RecordBatch, link: &ParentLink) -> Vec<HashMap<String, Value>> {
    let columns: Vec<(usize, &str)> = link.bind.iter().filter_map(|(col, name)| Some((batch.schema().index_of(col).ok()?, *name))).collect();
    let only = link.only.and_then(|(col, values)| Some((batch.schema().index_of(col).ok()?, values)));
    (0..batch.num_rows())
        .filter(|row| only.is_none_or(|(i, values)| values.iter().any(|v| crate::scan::cell_value(batch.column(i).as_ref(), *row) == json!(v))))
        .map(|row| columns.iter().map(|(i, name)| (name.to_string(), crate::scan::cell_value(batch.column(*i).as_ref(), row))).collect())
        .collect()
}
