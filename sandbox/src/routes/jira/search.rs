//! Issue search: Cloud's `/rest/api/{3,2}/search/jql` (`nextPageToken`, bounded queries only), its
//! approximate count, the removed `/search` (410), and Data Center's `/rest/api/2/search` (`startAt`).

use axum::http::StatusCode;
use axum::Json;
use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::render::FieldSelection;
use super::{Jira, Params};
use crate::errors::{ApiError, ApiResult};
use crate::jql::{self, CustomFieldDef, CustomKind, JqlCatalog, JqlContext, JqlIssue, Named, SprintRef, UserRef};
use crate::model::*;

/// One issue as the JQL engine sees it.
struct IssueFacts<'a> {
    site: &'a Site,
    issue: &'a Issue,
}

fn named<'a>(id: u64, key: &'a str, name: &'a str) -> Named<'a> {
    Named { id, key, name }
}

fn user_ref<'a>(site: &'a Site, id: Option<&str>) -> Option<UserRef<'a>> {
    let u = site.user(id?)?;
    Some(UserRef { account_id: &u.account_id, display_name: &u.display_name, email: Some(&u.email) })
}

impl JqlIssue for IssueFacts<'_> {
    fn id(&self) -> u64 {
        self.issue.id
    }
    fn key(&self) -> &str {
        &self.issue.key
    }
    fn project(&self) -> Named<'_> {
        let p = self.site.project(self.issue.project_id).expect("issue's project exists");
        named(p.id, &p.key, &p.name)
    }
    fn summary(&self) -> &str {
        &self.issue.summary
    }
    fn description(&self) -> &str {
        self.issue.description.as_deref().unwrap_or("")
    }
    fn comment_texts(&self) -> Vec<&str> {
        self.issue.comments.iter().map(|c| c.body.as_str()).collect()
    }
    fn environment(&self) -> &str {
        self.issue.environment.as_deref().unwrap_or("")
    }
    fn status(&self) -> Named<'_> {
        let s = self.site.status(self.issue.status_id).expect("issue's status exists");
        named(s.id, &s.name, &s.name)
    }
    fn status_category(&self) -> Named<'_> {
        let s = self.site.status(self.issue.status_id).expect("issue's status exists");
        let c = self.site.status_category(s.category_id).expect("status category exists");
        named(c.id, &c.key, &c.name)
    }
    fn issue_type(&self) -> Named<'_> {
        let t = self.site.issue_type(self.issue.issue_type_id).expect("issue type exists");
        named(t.id, &t.name, &t.name)
    }
    fn priority(&self) -> Option<Named<'_>> {
        self.issue.priority_id.and_then(|p| self.site.priority(p)).map(|p| named(p.id, &p.name, &p.name))
    }
    fn resolution(&self) -> Option<Named<'_>> {
        self.issue.resolution_id.and_then(|p| self.site.resolution(p)).map(|p| named(p.id, &p.name, &p.name))
    }
    fn assignee(&self) -> Option<UserRef<'_>> {
        user_ref(self.site, self.issue.assignee_id.as_deref())
    }
    fn reporter(&self) -> Option<UserRef<'_>> {
        user_ref(self.site, self.issue.reporter_id.as_deref())
    }
    fn creator(&self) -> Option<UserRef<'_>> {
        user_ref(self.site, Some(&self.issue.creator_id))
    }
    fn labels(&self) -> Vec<&str> {
        self.issue.labels.iter().map(String::as_str).collect()
    }
    fn components(&self) -> Vec<Named<'_>> {
        let p = self.site.project(self.issue.project_id).expect("issue's project exists");
        p.components.iter().filter(|c| self.issue.component_ids.contains(&c.id)).map(|c| named(c.id, &c.name, &c.name)).collect()
    }
    fn fix_versions(&self) -> Vec<Named<'_>> {
        let p = self.site.project(self.issue.project_id).expect("issue's project exists");
        p.versions.iter().filter(|v| self.issue.fix_version_ids.contains(&v.id)).map(|v| named(v.id, &v.name, &v.name)).collect()
    }
    fn affected_versions(&self) -> Vec<Named<'_>> {
        let p = self.site.project(self.issue.project_id).expect("issue's project exists");
        p.versions.iter().filter(|v| self.issue.affected_version_ids.contains(&v.id)).map(|v| named(v.id, &v.name, &v.name)).collect()
    }
    fn created(&self) -> chrono::DateTime<chrono::Utc> {
        self.issue.created
    }
    fn updated(&self) -> chrono::DateTime<chrono::Utc> {
        self.issue.updated
    }
    fn resolution_date(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.issue.resolution_date
    }
    fn due_date(&self) -> Option<chrono::NaiveDate> {
        self.issue.due_date
    }
    fn sprints(&self) -> Vec<SprintRef<'_>> {
        self.site.issue_sprints(self.issue).into_iter().map(|s| SprintRef { id: s.id, name: &s.name, state: &s.state }).collect()
    }
    fn parent_key(&self) -> Option<&str> {
        self.issue.parent_id.and_then(|p| self.site.issue_by_id(p)).map(|p| p.key.as_str())
    }
    fn custom(&self, field_id: &str) -> jql::CustomValue<'_> {
        let Some(n) = field_id.strip_prefix("customfield_").and_then(|n| n.parse::<u64>().ok()) else { return jql::CustomValue::None };
        let Some(f) = self.site.custom_field(n) else { return jql::CustomValue::None };
        let option_name = |id: u64| f.options.iter().find(|(i, _)| *i == id).map(|(_, v)| v.as_str()).unwrap_or("");
        match self.issue.custom.get(&n) {
            None => jql::CustomValue::None,
            Some(CustomValue::Number(x)) => jql::CustomValue::Number(*x),
            Some(CustomValue::Date(d)) => jql::CustomValue::Date(*d),
            Some(CustomValue::DateTime(t)) => jql::CustomValue::DateTime(*t),
            Some(CustomValue::Text(t)) => jql::CustomValue::Text(t),
            Some(CustomValue::Option(id)) => jql::CustomValue::Option(option_name(*id)),
            Some(CustomValue::Options(ids)) => jql::CustomValue::Options(ids.iter().map(|i| option_name(*i)).collect()),
            Some(CustomValue::Users(ids)) => jql::CustomValue::Users(ids.iter().filter_map(|i| user_ref(self.site, Some(i))).collect()),
            // The Sprint field is searched through `sprint`, not as a custom value.
            Some(CustomValue::Sprints(_)) => jql::CustomValue::None,
        }
    }
}

/// The names JQL validates values against.
struct SiteCatalog<'a>(&'a Site, &'a crate::auth::Principal);

impl JqlCatalog for SiteCatalog<'_> {
    fn project_exists(&self, v: &str) -> bool {
        self.0.projects.iter().any(|p| p.key.eq_ignore_ascii_case(v) || p.id.to_string() == v || p.name.eq_ignore_ascii_case(v))
    }
    fn status_exists(&self, v: &str) -> bool {
        self.0.statuses.iter().any(|s| s.name.eq_ignore_ascii_case(v) || s.id.to_string() == v)
    }
    fn issue_type_exists(&self, v: &str) -> bool {
        self.0.issue_types.iter().any(|s| s.name.eq_ignore_ascii_case(v) || s.id.to_string() == v)
    }
    fn priority_exists(&self, v: &str) -> bool {
        self.0.priorities.iter().any(|s| s.name.eq_ignore_ascii_case(v) || s.id.to_string() == v)
    }
    fn resolution_exists(&self, v: &str) -> bool {
        self.0.resolutions.iter().any(|s| s.name.eq_ignore_ascii_case(v) || s.id.to_string() == v)
    }
    fn user_exists(&self, v: &str) -> bool {
        self.0.user(v).is_some() || self.0.user_by_email(v).is_some()
    }
    fn issue_exists(&self, key: &str) -> bool {
        self.0.issue(key).is_some_and(|i| self.0.project(i.project_id).is_some_and(|p| self.1.can_see(self.0, &p.visibility)))
    }
}

fn custom_defs(site: &Site) -> Vec<CustomFieldDef> {
    site.custom_fields
        .iter()
        // The Sprint field is searched as `sprint`; a field made without a searcher is not searchable.
        .filter(|f| f.kind != CustomFieldKind::Sprint && !f.unsearchable)
        .map(|f| CustomFieldDef {
            id: f.field_id(),
            number: f.number,
            name: f.name.clone(),
            kind: match f.kind {
                CustomFieldKind::Number => CustomKind::Number,
                CustomFieldKind::Date => CustomKind::Date,
                CustomFieldKind::DateTime => CustomKind::DateTime,
                CustomFieldKind::Text => CustomKind::Text,
                CustomFieldKind::Select => CustomKind::Select,
                CustomFieldKind::MultiSelect => CustomKind::MultiSelect,
                CustomFieldKind::MultiUser | CustomFieldKind::Sprint => CustomKind::MultiUser,
            },
        })
        .collect()
}

/// Runs a JQL search for the caller: the visible matching issues, in order (cached per query).
pub(crate) fn run_query(j: &Jira, jql_text: &str, require_bounded: bool) -> Result<std::sync::Arc<Vec<usize>>, ApiError> {
    let query = jql::parse(jql_text).map_err(|e| ApiError::jira_messages(StatusCode::BAD_REQUEST, e.messages))?;
    let site = j.sb.site.read();
    let defs = custom_defs(&site);
    let catalog = SiteCatalog(&site, &j.who);
    let ctx =
        JqlContext { now: j.sb.clock.now(), time_zone: j.sb.user_tz(j.who.account()), current_user: j.who.account(), custom_fields: &defs, known: &catalog };
    query.validate(&ctx).map_err(|e| ApiError::jira_messages(StatusCode::BAD_REQUEST, e.messages))?;
    if require_bounded && !query.is_bounded() {
        return Err(ApiError::jira(StatusCode::BAD_REQUEST, "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."));
    }
    // Relative dates make results depend on the clock; the minute is part of the key.
    let key = format!("{}|{}|{}|{}", site.generation, j.who.account().unwrap_or("-"), ctx.now.timestamp() / 60, jql_text);
    Ok(j.sb.results.get_or_compute(&key, || {
        let visible: Vec<bool> = site.projects.iter().map(|p| j.who.can_see(&site, &p.visibility)).collect();
        let mut hits: Vec<usize> = (0..site.issues.len())
            .filter(|&i| {
                let issue = &site.issues[i];
                site.index.project_by_id.get(&issue.project_id).is_some_and(|&p| visible[p]) && query.matches(&IssueFacts { site: &site, issue }, &ctx)
            })
            .collect();
        hits.sort_by(|&a, &b| query.compare(&IssueFacts { site: &site, issue: &site.issues[a] }, &IssueFacts { site: &site, issue: &site.issues[b] }, &ctx));
        hits
    }))
}

/// The request of a search, from a query string or a JSON body.
struct SearchRequest {
    jql: String,
    token: Option<String>,
    start_at: i64,
    max_results: Option<i64>,
    fields: Vec<String>,
    expand: Vec<String>,
}

impl SearchRequest {
    fn from_query(q: &Params) -> Result<SearchRequest, ApiError> {
        Ok(SearchRequest {
            jql: q.get("jql").unwrap_or("").to_string(),
            token: q.get("nextPageToken").map(str::to_string),
            start_at: q.int("startAt", 0)?,
            max_results: q.get("maxResults").map(|_| q.int("maxResults", 50)).transpose()?,
            fields: q.all("fields"),
            expand: q.all("expand"),
        })
    }

    fn from_body(body: &str, allowed: &[&str]) -> Result<SearchRequest, ApiError> {
        let invalid = || ApiError::jira(StatusCode::BAD_REQUEST, "Invalid request payload. Refer to the REST API documentation and try again.");
        let b: Map<String, Value> = match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(m)) => m,
            _ => return Err(invalid()),
        };
        if let Some(k) = b.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(ApiError::jira(StatusCode::BAD_REQUEST, format!("Unrecognized field \"{k}\"")));
        }
        let str_list = |k: &str| -> Result<Vec<String>, ApiError> {
            match b.get(k) {
                None | Some(Value::Null) => Ok(vec![]),
                Some(Value::Array(a)) => a.iter().map(|v| v.as_str().map(str::to_string).ok_or_else(invalid)).collect(),
                Some(Value::String(s)) => Ok(s.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()),
                Some(_) => Err(invalid()),
            }
        };
        let int = |k: &str| -> Result<Option<i64>, ApiError> {
            match b.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v.as_i64().map(Some).ok_or_else(invalid),
            }
        };
        Ok(SearchRequest {
            jql: match b.get("jql") {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(_) => return Err(invalid()),
            },
            token: match b.get("nextPageToken") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(_) => return Err(invalid()),
            },
            start_at: int("startAt")?.unwrap_or(0),
            max_results: int("maxResults")?,
            fields: str_list("fields")?,
            expand: str_list("expand")?,
        })
    }
}

fn query_signature(jql: &str, caller: Option<&str>) -> String {
    let d = Sha256::digest(format!("{}\u{0}{jql}", caller.unwrap_or("")).as_bytes());
    d.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

fn encode_token(offset: usize, sig: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{offset}:{sig}"))
}

fn decode_token(token: &str, sig: &str) -> Option<usize> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (offset, s) = text.split_once(':')?;
    (s == sig).then(|| offset.parse().ok()).flatten()
}

fn names_and_schema(site: &Site, wanted: &FieldSelection, expand: &[String], out: &mut Value) {
    if expand.iter().any(|e| e == "names") {
        let names: Map<String, Value> = wanted
            .ids(site)
            .into_iter()
            .filter_map(|id| {
                let name = super::render::SYSTEM_FIELDS
                    .iter()
                    .find(|f| f.0 == id)
                    .map(|f| f.1.to_string())
                    .or_else(|| id.strip_prefix("customfield_").and_then(|n| n.parse().ok()).and_then(|n| site.custom_field(n)).map(|f| f.name.clone()))?;
                Some((id, json!(name)))
            })
            .collect();
        out["names"] = Value::Object(names);
    }
}

fn cloud_search(j: &Jira, req: SearchRequest) -> ApiResult {
    let wanted = FieldSelection::parse(&req.fields, "id");
    let cap = if wanted.keys_only() { 5000 } else { 100 };
    let max = req.max_results.unwrap_or(50);
    if max < 0 {
        return Err(ApiError::jira(StatusCode::BAD_REQUEST, "The 'maxResults' parameter must not be negative."));
    }
    let max = max.clamp(1, cap) as usize;
    let sig = query_signature(&req.jql, j.who.account());
    let offset = match &req.token {
        None => 0,
        Some(t) => decode_token(t, &sig).ok_or_else(|| ApiError::jira(StatusCode::BAD_REQUEST, "The provided next page token is invalid or expired."))?,
    };
    let hits = run_query(j, &req.jql, true)?;
    let site = j.sb.site.read();
    let api = j.api();
    let view = j.view(&site, &api);
    let start = offset.min(hits.len());
    let end = (start + max).min(hits.len());
    let issues: Vec<Value> = hits[start..end].iter().filter_map(|&i| site.issues.get(i)).map(|issue| view.issue(issue, &wanted)).collect();
    let mut out = json!({"issues": issues, "isLast": end >= hits.len()});
    if end < hits.len() {
        out["nextPageToken"] = json!(encode_token(end, &sig));
    }
    names_and_schema(&site, &wanted, &req.expand, &mut out);
    Ok(Json(out))
}

pub async fn search_jql_get(j: Jira) -> ApiResult {
    let req = SearchRequest::from_query(&j.query)?;
    cloud_search(&j, req)
}

pub async fn search_jql_post(j: Jira, body: String) -> ApiResult {
    let req = SearchRequest::from_body(
        &body,
        &["jql", "nextPageToken", "maxResults", "fields", "expand", "properties", "fieldsByKeys", "failFast", "reconcileIssues"],
    )?;
    cloud_search(&j, req)
}

pub async fn approximate_count(j: Jira, body: String) -> ApiResult {
    let req = SearchRequest::from_body(&body, &["jql"])?;
    let hits = run_query(&j, &req.jql, true)?;
    Ok(Json(json!({"count": hits.len()})))
}

pub async fn removed() -> ApiError {
    ApiError::jira(
        StatusCode::GONE,
        "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046",
    )
}

fn dc_search(j: &Jira, req: SearchRequest) -> ApiResult {
    let wanted = FieldSelection::parse(&req.fields, "*navigable");
    if req.start_at < 0 {
        return Err(ApiError::jira(StatusCode::BAD_REQUEST, "The 'startAt' parameter must not be negative."));
    }
    let max = req.max_results.unwrap_or(50).clamp(0, 1000) as usize;
    let hits = run_query(j, &req.jql, false)?;
    let site = j.sb.site.read();
    let api = j.api();
    let view = j.view(&site, &api);
    let start = (req.start_at as usize).min(hits.len());
    let end = (start + max).min(hits.len());
    let issues: Vec<Value> = hits[start..end]
        .iter()
        .filter_map(|&i| site.issues.get(i))
        .map(|issue| {
            let mut o = view.issue(issue, &wanted);
            if o.get("key").is_none() {
                o = json!({"id": issue.id.to_string(), "key": issue.key, "self": format!("{api}/issue/{}", issue.id)});
            }
            // Each issue's whole history, when asked for (`expand=changelog`).
            if req.expand.iter().any(|e| e.split(',').any(|e| e.trim() == "changelog")) {
                let histories: Vec<Value> = issue.changelog.iter().map(|g| view.change_group(g)).collect();
                o["changelog"] = json!({"startAt": 0, "maxResults": histories.len(), "total": histories.len(), "histories": histories});
            }
            o
        })
        .collect();
    let mut out = json!({"expand": "schema,names", "startAt": start, "maxResults": max, "total": hits.len(), "issues": issues});
    names_and_schema(&site, &wanted, &req.expand, &mut out);
    Ok(Json(out))
}

pub async fn search_dc_get(j: Jira) -> ApiResult {
    let req = SearchRequest::from_query(&j.query)?;
    dc_search(&j, req)
}

pub async fn search_dc_post(j: Jira, body: String) -> ApiResult {
    let req = SearchRequest::from_body(&body, &["jql", "startAt", "maxResults", "fields", "expand", "validateQuery", "properties", "fieldsByKeys"])?;
    dc_search(&j, req)
}
