//! `FetchPlan`: the REST requests of one scan, and the page loop that turns them into batches.
//! Requests ask only for the fields the projection needs and stop as soon as the limit is met.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::{DataFusionError, Result as DfResult};
use futures::Stream;
use serde_json::{json, Value};

use super::batch::BatchBuilder;
use crate::catalog::{Extract, Product, TableDef};
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
    /// Pushed JQL clauses, ANDed. Clauses naming issues by key or id are dropped (they are
    /// inexact, so the engine filters) when Jira refuses them for naming an issue it does not
    /// have.
    jql: std::sync::Mutex<Vec<crate::pushdown::Pushed>>,
    limit: Option<usize>,
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
    /// Per-issue fan-out (comments): issue (id, key) still to visit, and the issue cursor.
    parents: VecDeque<(String, String)>,
    parent_cursor: Cursor,
    /// Confluence space id → key, loaded once for `SpaceKey`.
    space_keys: Option<HashMap<String, String>>,
}

fn df(e: MapperError) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

fn enc(s: &str) -> String {
    url_encode(s)
}

pub(crate) fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl FetchPlan {
    pub fn new(def: Arc<TableDef>, client: Arc<AtlassianClient>, projection: Option<&[usize]>, jql: Vec<crate::pushdown::Pushed>, limit: Option<usize>) -> FetchPlan {
        FetchPlan { def, client, projection: projection.map(<[usize]>::to_vec), jql: std::sync::Mutex::new(jql), limit }
    }

    /// After Jira refused a query for naming a missing issue: drop the clauses that name issues.
    /// Returns false when there was nothing to drop.
    fn drop_issue_naming_clauses(&self) -> bool {
        let mut jql = self.jql.lock().expect("jql lock");
        let before = jql.len();
        jql.retain(|p| !p.names_issues);
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

    fn page_size(&self, max: usize) -> usize {
        match self.limit {
            Some(l) if l < max => l.max(1),
            _ => max,
        }
    }

    /// For `EXPLAIN`: what this scan sends.
    pub fn describe(&self) -> String {
        match (self.def.product, self.def.name) {
            (Product::Jira, "Issues") => format!("{} jql={:?} fields={} maxResults={}", self.def.source, self.jql(), self.jira_fields().join(","), self.page_size(JIRA_PAGE)),
            _ => format!("{} limit={:?}", self.def.source, self.limit),
        }
    }

    pub fn stream(self: Arc<Self>, schema: SchemaRef) -> impl Stream<Item = DfResult<RecordBatch>> + Send + 'static {
        let state = PageState { plan: self, schema, cursor: Cursor::Start, produced: 0, parents: VecDeque::new(), parent_cursor: Cursor::Start, space_keys: None };
        futures::stream::try_unfold(state, |mut st| async move {
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
}

impl PageState {
    fn builder(&self) -> BatchBuilder {
        BatchBuilder::new(&self.plan.def, self.schema.clone(), self.plan.projection.as_deref())
    }

    async fn next_page(&mut self) -> Result<Option<RecordBatch>, MapperError> {
        let p = self.plan.clone();
        match (p.def.product, p.def.name) {
            (Product::Jira, "Issues") => self.issues_page().await,
            (Product::Jira, "Projects") => self.projects_page().await,
            (Product::Jira, "Comments") => self.comments_page().await,
            (Product::Confluence, "Spaces") => self.spaces_page().await,
            (Product::Confluence, "Pages") => self.pages_page().await,
            (product, name) => Err(MapperError::new(crate::SqlState::NotSupported, format!("{}.{name} cannot be read yet", product.schema_name()))),
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
    async fn search_page(&self, jql: &str, fields: &[String], size: usize, cursor: &Cursor) -> Result<(Vec<Value>, Cursor), MapperError> {
        let client = &self.plan.client;
        match client.flavor() {
            Flavor::Cloud => {
                let mut body = json!({"jql": jql, "fields": fields, "maxResults": size});
                if let Cursor::Token(t) = cursor {
                    body["nextPageToken"] = json!(t);
                }
                let v = client.send_json(reqwest::Method::POST, Product::Jira, "/rest/api/3/search/jql", Some(&body)).await?;
                let items = v.get("issues").and_then(Value::as_array).cloned().unwrap_or_default();
                let next = match v.get("nextPageToken").and_then(Value::as_str) {
                    Some(t) if v.get("isLast") != Some(&Value::Bool(true)) => Cursor::Token(t.to_string()),
                    _ => Cursor::Done,
                };
                Ok((items, next))
            }
            Flavor::DataCenter => {
                let start = if let Cursor::Offset(o) = cursor { *o } else { 0 };
                let path = format!("/rest/api/2/search?jql={}&fields={}&startAt={start}&maxResults={size}", enc(jql), enc(&fields.join(",")));
                let v = client.get_json(Product::Jira, &path).await?;
                let items = v.get("issues").and_then(Value::as_array).cloned().unwrap_or_default();
                let total = v.get("total").and_then(Value::as_u64).unwrap_or(0) as usize;
                let next_start = start + items.len();
                let next = if items.is_empty() || next_start >= total { Cursor::Done } else { Cursor::Offset(next_start) };
                Ok((items, next))
            }
        }
    }

    async fn issues_page(&mut self) -> Result<Option<RecordBatch>, MapperError> {
        let fields = self.plan.jira_fields();
        let keys_only = fields.iter().all(|f| f == "key" || f == "id");
        let size = self.plan.page_size(if keys_only { JIRA_KEYS_PAGE } else { JIRA_PAGE });
        let jql = self.plan.jql();
        let (items, next) = match self.search_page(&jql, &fields, size, &self.cursor).await {
            // Jira refuses a whole query that names a missing (or invisible) issue; the filter
            // was inexact, so search without it and let the engine filter.
            Err(e) if matches!(self.cursor, Cursor::Start) && names_missing_issue(&e) && self.plan.drop_issue_naming_clauses() => {
                let jql = self.plan.jql();
                self.search_page(&jql, &fields, size, &self.cursor).await?
            }
            other => other?,
        };
        self.cursor = next;
        let mut ctx = HashMap::new();
        ctx.insert("jql".to_string(), Value::Null);
        Ok(Some(self.items_to_batch(&items, &ctx)?))
    }

    async fn projects_page(&mut self) -> Result<Option<RecordBatch>, MapperError> {
        let client = self.plan.client.clone();
        let (items, next) = match client.flavor() {
            Flavor::Cloud => {
                let start = if let Cursor::Offset(o) = self.cursor { o } else { 0 };
                let v = client.get_json(Product::Jira, &format!("/rest/api/3/project/search?startAt={start}&maxResults=100")).await?;
                let items = v.get("values").and_then(Value::as_array).cloned().unwrap_or_default();
                let done = v.get("isLast").and_then(Value::as_bool).unwrap_or(true) || items.is_empty();
                let next = if done { Cursor::Done } else { Cursor::Offset(start + items.len()) };
                (items, next)
            }
            Flavor::DataCenter => {
                let v = client.get_json(Product::Jira, "/rest/api/2/project").await?;
                (v.as_array().cloned().unwrap_or_default(), Cursor::Done)
            }
        };
        self.cursor = next;
        Ok(Some(self.items_to_batch(&items, &HashMap::new())?))
    }

    async fn comments_page(&mut self) -> Result<Option<RecordBatch>, MapperError> {
        // Refill the queue of issues whose comments are still to be read.
        while self.parents.is_empty() {
            if matches!(self.parent_cursor, Cursor::Done) {
                self.cursor = Cursor::Done;
                return Ok(None);
            }
            let fields = vec!["key".to_string()];
            let (items, next) = self.search_page("created >= \"1970-01-01\" ORDER BY key ASC", &fields, JIRA_KEYS_PAGE, &self.parent_cursor).await?;
            self.parent_cursor = next;
            self.parents.extend(items.iter().filter_map(|i| Some((i.get("id")?.as_str()?.to_string(), i.get("key")?.as_str()?.to_string()))));
        }
        let (id, key) = self.parents.pop_front().expect("queue refilled");
        let api = if self.plan.client.flavor() == Flavor::Cloud { 3 } else { 2 };
        let v = self.plan.client.get_json(Product::Jira, &format!("/rest/api/{api}/issue/{}/comment?maxResults=5000", enc(&key))).await?;
        let items = v.get("comments").and_then(Value::as_array).cloned().unwrap_or_default();
        let mut ctx = HashMap::new();
        ctx.insert("IssueKey".to_string(), json!(key));
        ctx.insert("IssueId".to_string(), json!(id));
        Ok(Some(self.items_to_batch(&items, &ctx)?))
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
                let v = client.get_json(Product::Confluence, &format!("/wiki{path}")).await?;
                self.cursor = match v.pointer("/_links/next").and_then(Value::as_str) {
                    Some(n) => Cursor::Next(n.to_string()),
                    None => Cursor::Done,
                };
                Ok(v.get("results").and_then(Value::as_array).cloned().unwrap_or_default())
            }
            Flavor::DataCenter => {
                let start = if let Cursor::Offset(o) = self.cursor { o } else { 0 };
                let sep = if dc_first.contains('?') { "&" } else { "?" };
                let v = client.get_json(Product::Confluence, &format!("{dc_first}{sep}start={start}&limit={size}")).await?;
                let items = v.get("results").and_then(Value::as_array).cloned().unwrap_or_default();
                let has_next = v.pointer("/_links/next").is_some() && !items.is_empty();
                self.cursor = if has_next { Cursor::Offset(start + items.len()) } else { Cursor::Done };
                Ok(items)
            }
        }
    }

    async fn spaces_page(&mut self) -> Result<Option<RecordBatch>, MapperError> {
        let items = self.confluence_page("/api/v2/spaces", "/rest/api/space?expand=homepage,history").await?;
        let items: Vec<Value> = if self.plan.client.flavor() == Flavor::DataCenter { items.iter().map(dc_space).collect() } else { items };
        Ok(Some(self.items_to_batch(&items, &HashMap::new())?))
    }

    async fn space_keys(&mut self) -> Result<HashMap<String, String>, MapperError> {
        if let Some(m) = &self.space_keys {
            return Ok(m.clone());
        }
        let client = self.plan.client.clone();
        let mut map = HashMap::new();
        let mut path = "/wiki/api/v2/spaces?limit=250".to_string();
        loop {
            let v = client.get_json(Product::Confluence, &path).await?;
            for s in v.get("results").and_then(Value::as_array).into_iter().flatten() {
                if let (Some(id), Some(key)) = (s.get("id").and_then(Value::as_str), s.get("key").and_then(Value::as_str)) {
                    map.insert(id.to_string(), key.to_string());
                }
            }
            match v.pointer("/_links/next").and_then(Value::as_str) {
                Some(n) => path = if n.starts_with("/wiki") { n.to_string() } else { format!("/wiki{n}") },
                None => break,
            }
        }
        self.space_keys = Some(map.clone());
        Ok(map)
    }

    async fn pages_page(&mut self) -> Result<Option<RecordBatch>, MapperError> {
        let body = if self.plan.wants_body() { "&body-format=storage" } else { "" };
        let dc_expand = if self.plan.wants_body() { "space,version,ancestors,history,body.storage" } else { "space,version,ancestors,history" };
        let first_cloud = format!("/api/v2/pages?status=current{body}");
        let first_dc = format!("/rest/api/content?type=page&expand={dc_expand}");
        let items = self.confluence_page(&first_cloud, &first_dc).await?;
        let dc = self.plan.client.flavor() == Flavor::DataCenter;
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

fn names_missing_issue(e: &MapperError) -> bool {
    e.message.contains("does not exist for the field 'key'") || e.message.contains("does not exist for the field 'id'") || e.message.contains("does not exist for field 'key'") || e.message.contains("does not exist for the field 'issuekey'")
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
