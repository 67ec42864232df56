//! Jira's issue search (`Source::JqlSearch`): filters become JQL, projections the `fields`
//! list. Cloud's enhanced search is a POST paged by `nextPageToken`; Data Center's a GET paged by
//! `startAt` that tells the total. A scan larger than two pages is split: on Cloud into ranges
//! of `created` read at once, on Data Center into the remaining offsets read at once.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::Result as DfResult;
use futures::stream::BoxStream;
use futures::{FutureExt, StreamExt, TryStreamExt};
use serde_json::{json, Value};

use super::TableSource;
use crate::catalog::{BulkChangelog, Endpoint, Flavor, JqlSearch, Paging, Product, TableDef};
use crate::pushdown::jql::JqlBuilder;
use crate::rest::PageStream;
use crate::scan::fetch::{df, FetchPlan, PageState, Seen, Slice};
use crate::values::url_encode;
use crate::MapperError;

pub(crate) struct JqlSearchSource(pub JqlSearch);

#[async_trait]
impl TableSource for JqlSearchSource {
    fn language<'a>(&self, def: &'a TableDef) -> Option<JqlBuilder<'a>> {
        Some(JqlBuilder::new(def))
    }

    fn first_list(&self, flavor: Flavor) -> Option<Endpoint> {
        Some(self.endpoint(flavor))
    }

    fn requests(&self, plan: &FetchPlan) -> String {
        let fields = plan.jira_fields(self.0.fields);
        let flavor = plan.client.flavor();
        let size = self.page_size(plan, &fields);
        let history = match (self.0.changelog, flavor) {
            (Some(bulk), Flavor::Cloud) => {
                format!(" + {} per {} issues fieldIds={}", bulk.cloud.path, size.min(bulk.issues_per_request), bulk.field_ids.join(","))
            }
            (Some(_), Flavor::DataCenter) => " expand=changelog".into(),
            (None, _) => String::new(),
        };
        format!("{} jql={:?} fields={} maxResults={size}{history}", self.endpoint(flavor).path, jql(plan), fields.join(","))
    }

    fn read(self: Arc<Self>, plan: Arc<FetchPlan>, schema: SchemaRef) -> BoxStream<'static, DfResult<RecordBatch>> {
        let flavor = plan.client.flavor();
        // Key-only scans come thousands to a page: few enough pages to read in one stream.
        let splits = plan.may_split() && (flavor == Flavor::DataCenter || self.page_size(&plan, &plan.jira_fields(self.0.fields)) < self.0.keys_page.0);
        if !splits {
            return PageState::new(plan, schema, Slice::default()).pages().boxed();
        }
        let (first, rest): (Slice, crate::scan::fetch::SplitRest) = match flavor {
            // Cursor paging reads two pages first: a result of two pages then costs exactly two
            // requests, and a split (a round trip and a few requests) only pays for larger.
            Flavor::Cloud => {
                let (me, p, s) = (self.clone(), plan.clone(), schema.clone());
                (Slice { order: Some("created ASC"), ..Slice::default() }, Box::new(move |seen| async move { me.created_slices(&p, &s, seen).await }.boxed()))
            }
            Flavor::DataCenter => {
                let (p, s) = (plan.clone(), schema.clone());
                (Slice::default(), Box::new(move |seen| async move { Ok(offset_pages(&p, &s, &seen)) }.boxed()))
            }
        };
        let before_split = if flavor == Flavor::DataCenter { 1 } else { 2 };
        plan.split_after(schema, first, before_split, rest)
    }

    async fn next_page(&self, st: &mut PageState) -> Result<Option<RecordBatch>, MapperError> {
        let plan = st.plan.clone();
        let mut fields = plan.jira_fields(self.0.fields);
        // A scan split by `created` learns from its first page where that page ended.
        if st.slice.order.is_some() && !fields.iter().any(|f| f == "created") {
            fields.push("created".into());
        }
        let first = st.list.as_ref().is_none_or(PageStream::at_start) && st.slice.start_at.is_none();
        let page = match self.search_page(st, &fields).await {
            // Jira refuses a whole query that names a missing (or invisible) issue; the filter
            // was inexact, so search without it and let the engine filter.
            Err(e) if first && names_missing_value(&e) && plan.drop_value_naming_clauses() => {
                st.list = None;
                self.search_page(st, &fields).await?
            }
            other => other?,
        };
        st.done = st.list.as_ref().is_none_or(PageStream::is_done);
        if st.slice.record {
            st.seen.total = page.total;
            st.seen.last_created = page.items.last().and_then(|i| i.pointer("/fields/created")).and_then(Value::as_str).map(str::to_string);
        }
        let mut items = st.keep_new(page.items);
        if let (Some(bulk), Flavor::Cloud) = (self.0.changelog, plan.client.flavor()) {
            with_changelogs(&plan, &bulk, &mut items).await?;
        }
        let items = match self.0.rows {
            Some(rows) => items.iter().flat_map(rows).collect(),
            None => items,
        };
        let ctx = HashMap::from([("jql".to_string(), Value::Null)]);
        Ok(Some(st.batch(items, &ctx).await?))
    }
}

impl JqlSearchSource {
    fn endpoint(&self, flavor: Flavor) -> Endpoint {
        flavor.pick(self.0.cloud, self.0.data_center)
    }

    /// Jira serves more issues a page when only keys and ids are asked for.
    fn page_size(&self, plan: &FetchPlan, fields: &[String]) -> usize {
        let (keys_page, keys) = self.0.keys_page;
        let max = self.endpoint(plan.client.flavor()).paging.page_max();
        plan.page_size(if fields.iter().all(|f| keys.contains(&f.as_str())) { keys_page } else { max })
    }

    /// The next page of this stream's search: its JQL (the pushed clauses, its slice's range,
    /// its order) as Cloud's POST body or Data Center's query.
    async fn search_page(&self, st: &mut PageState, fields: &[String]) -> Result<crate::rest::Page, MapperError> {
        if st.list.is_none() {
            let plan = &st.plan;
            let mut jql = jql(plan);
            if let Some(range) = &st.slice.jql {
                jql = format!("{jql} AND {range}");
            }
            if let Some(order) = st.slice.order {
                jql = format!("{jql} ORDER BY {order}");
            }
            let e = self.endpoint(plan.client.flavor());
            let size = self.page_size(plan, fields);
            let list = match e.paging {
                Paging::Token(_) => PageStream::new(Product::Jira, e.path.into(), e.items, e.paging, size).posting(json!({"jql": jql, "fields": fields})),
                _ => {
                    let expand = if self.0.changelog.is_some() { "&expand=changelog" } else { "" };
                    let path = format!("{}?jql={}&fields={}{expand}", e.path, url_encode(&jql), url_encode(&fields.join(",")));
                    PageStream::new(Product::Jira, path, e.items, e.paging, size)
                }
            };
            // Issues reshaped into rows are read whole: the columns name the rows' paths.
            let list = if self.0.rows.is_none() { list.pruned(plan.item_paths.clone()) } else { list };
            st.list = Some(match st.slice.start_at {
                Some(at) => list.starting_at(at),
                None => list,
            });
        }
        let client = st.plan.client.clone();
        st.list.as_mut().expect("a search is open").next_page(&client).await
    }

    /// Cloud: the rest of an issue search as ranges of `created`, read at once. The first
    /// pages (sorted by `created`) end at c1; a cheap request finds the newest issue, and
    /// the count of matches how many pages remain. The first range starts a day before c1 (JQL
    /// reads a date in the user's time zone, which is within a day of UTC): rows it repeats
    /// from the first pages are skipped. The last range has no upper end.
    async fn created_slices(&self, plan: &Arc<FetchPlan>, schema: &SchemaRef, first: Seen) -> DfResult<Option<BoxStream<'static, DfResult<RecordBatch>>>> {
        let Some(c1) = first.last_created.as_deref().and_then(crate::scan::parse_timestamp_millis) else { return Ok(None) };
        let jql = jql(plan);
        let newest = json!({"jql": format!("{jql} ORDER BY created DESC"), "fields": ["created"], "maxResults": 1});
        let count = json!({"jql": jql});
        let (newest, count) = futures::join!(
            plan.client.search_json(Product::Jira, self.0.cloud.path, &newest),
            plan.client.search_json(Product::Jira, self.0.cloud_count, &count),
        );
        // Without the newest issue there is nothing to split by: the first stream goes on (and
        // reports a fault that lasts).
        let Ok(newest) = newest else { return Ok(None) };
        let Some(last) = newest.pointer("/issues/0/fields/created").and_then(Value::as_str).and_then(crate::scan::parse_timestamp_millis) else {
            return Ok(None);
        };
        let page = self.0.cloud.paging.page_max();
        // The count only sizes the split: without it, the most streams.
        let remaining_pages =
            count.ok().and_then(|c| c.get("count").and_then(Value::as_u64)).map(|n| (n as usize).saturating_sub(first.ids.len()).div_ceil(page));
        let streams = plan.client.max_concurrency();
        let wanted = remaining_pages.map_or(2 * streams, |p| (p / 2).clamp(1, 2 * streams));
        let bounds = created_bounds(c1, last, wanted);
        if bounds.len() < 2 {
            return Ok(None);
        }
        let skip = first.skip();
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
        tracing::debug!(table = %plan.def.qualified_name(), slices = slices.len(), streams, "split by created");
        Ok(Some(plan.read_slices(schema, slices, streams)))
    }
}

/// Cloud: the history of a page of issues, read in bulk (a request per so many issues, paged by
/// `nextPageToken`), put into each issue as `changelog.histories`, the shape Data Center's
/// search gives when expanded with the changelog.
async fn with_changelogs(plan: &FetchPlan, bulk: &BulkChangelog, issues: &mut [Value]) -> Result<(), MapperError> {
    let ids: Vec<String> = issues.iter().filter_map(|i| i.get("id").map(crate::values::scalar_text)).collect();
    let mut histories: HashMap<String, Vec<Value>> = HashMap::new();
    for chunk in ids.chunks(bulk.issues_per_request.max(1)) {
        let e = bulk.cloud;
        let body = json!({"issueIdsOrKeys": chunk, "fieldIds": bulk.field_ids});
        let mut pages = PageStream::new(Product::Jira, e.path.into(), e.items, e.paging, e.paging.page_max()).posting(body);
        while !pages.is_done() {
            for log in pages.next_page(&plan.client).await?.items {
                let id = log.get("issueId").map(crate::values::scalar_text).unwrap_or_default();
                let changes = log.get("changeHistories").and_then(Value::as_array).cloned().unwrap_or_default();
                histories.entry(id).or_default().extend(changes);
            }
        }
    }
    for issue in issues.iter_mut() {
        let id = issue.get("id").map(crate::values::scalar_text).unwrap_or_default();
        let mine = histories.remove(&id).unwrap_or_default();
        if let Some(o) = issue.as_object_mut() {
            o.insert("changelog".into(), json!({ "histories": mine }));
        }
    }
    Ok(())
}

/// The JQL sent: pushed clauses ANDed; Jira Cloud refuses unbounded searches, so a scan of
/// everything is bounded by a restriction every issue meets.
fn jql(plan: &FetchPlan) -> String {
    plan.clauses().unwrap_or_else(|| "created >= \"1970-01-01\"".to_string())
}

/// Data Center: the pages after the first at once (the first told the total), in order.
fn offset_pages(plan: &Arc<FetchPlan>, schema: &SchemaRef, first: &Seen) -> Option<BoxStream<'static, DfResult<RecordBatch>>> {
    let total = first.total?;
    let size = first.ids.len().max(1);
    let (plan, schema) = (plan.clone(), schema.clone());
    let streams = plan.client.max_concurrency();
    let pages = (size..total).step_by(size).map(move |at| {
        let mut st = PageState::new(plan.clone(), schema.clone(), Slice { start_at: Some(at), ..Slice::default() });
        async move { st.next_page().await.map_err(df) }
    });
    let pages = futures::stream::iter(pages).buffered(streams);
    Some(pages.try_filter_map(|b| futures::future::ready(Ok(b.filter(|b| b.num_rows() > 0)))).boxed())
}

/// Jira's refusal of a query that names a value it does not have ("The value 'x' does not exist
/// for the field 'priority'", "An issue with key 'X-1' does not exist for field 'key'").
fn names_missing_value(e: &MapperError) -> bool {
    e.message.contains("does not exist for the field '")
        || e.message.contains("does not exist for field '")
        || (e.message.contains("The issue key '") && e.message.contains("is invalid"))
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
