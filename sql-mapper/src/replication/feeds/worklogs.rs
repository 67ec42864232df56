//! `Jira.Worklogs` from Jira's worklog change feeds: the ids of the worklogs updated and deleted
//! since the last sync (`GET /rest/api/{2|3}/worklog/updated` and `/worklog/deleted`, a thousand
//! a page), the updated ones read by id (`POST /rest/api/{2|3}/worklog/list`, a thousand a
//! request). The feeds leave out the last minute's changes, so the worklogs of the issues
//! updated in the last minutes (a worklog change moves its issue's `updated`) are read per
//! issue instead. The rows of issues gone are dropped; the issue keys of the rows kept are the
//! issues' keys now (a moved issue changes key).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use serde_json::{json, Value};

use super::super::merge::{Delta, DropRule};
use super::super::Run;
use crate::catalog::{Product, TableDef};
use crate::replica::TableEntry;
use crate::rest::AtlassianClient;
use crate::MapperError;

/// Worklogs `POST /worklog/list` takes at once.
const PER_LIST: usize = 1000;
/// How far back from now the feeds may not see yet (they hold back the minute before the
/// request; a margin for the clocks).
const FEED_LAG_MILLIS: i64 = 2 * 60 * 1000;
/// Issues whose worklogs one query reads (one JQL `id in (...)`).
const ISSUES_PER_QUERY: usize = 200;

pub(super) async fn changes(run: &Run<'_>, def: &TableDef, entry: &TableEntry, schema: &SchemaRef, since: i64) -> Result<Option<Delta>, MapperError> {
    let client = run.session.client();
    let api = client.flavor().jira_api();
    let Some(updated) = changed_ids(client, &format!("/rest/api/{api}/worklog/updated?since={since}")).await? else { return Ok(None) };
    if updated.len() as u64 * 2 > entry.rows.max(1) {
        return Ok(None);
    }
    let Some(deleted) = changed_ids(client, &format!("/rest/api/{api}/worklog/deleted?since={since}")).await? else { return Ok(None) };
    let keys: Arc<HashMap<i64, String>> = Arc::new(run.issues().await?.keys.clone());
    let lag_since = chrono::Utc::now().timestamp_millis() - FEED_LAG_MILLIS;
    let mut recent: Vec<i64> = run.issues_changed_since(lag_since.max(since)).await?.into_iter().filter(|i| keys.contains_key(i)).collect();
    recent.sort_unstable();
    let mut fresh = Vec::new();
    for chunk in recent.chunks(ISSUES_PER_QUERY) {
        let (_, batches) = run.rows(&format!("SELECT * FROM \"Jira\".\"Worklogs\" WHERE \"IssueId\" IN {}", super::id_list(chunk)), &[]).await?;
        fresh.extend(batches);
    }
    let recent: HashSet<i64> = recent.into_iter().collect();
    let mut builder = crate::scan::BatchBuilder::new(def, schema.clone(), None);
    let mut ids: Vec<i64> = updated.iter().copied().collect();
    ids.sort_unstable();
    for chunk in ids.chunks(PER_LIST) {
        let list = client.search_json(Product::Jira, &format!("/rest/api/{api}/worklog/list"), &json!({ "ids": chunk })).await?;
        for w in list.as_array().into_iter().flatten() {
            let issue = w.get("issueId").and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())));
            // A worklog of an issue gone or out of sight has no row.
            let Some((issue, key)) = issue.and_then(|i| keys.get(&i).map(|k| (i, k))) else { continue };
            // Read whole above, with the issue's other worklogs.
            if recent.contains(&issue) {
                continue;
            }
            let context = HashMap::from([("IssueKey".to_string(), json!(key)), ("IssueId".to_string(), json!(issue))]);
            builder.push(w, &context)?;
        }
    }
    fresh.push(builder.finish()?);
    let mut gone: HashSet<i64> = updated;
    gone.extend(deleted);
    let live: HashSet<i64> = keys.keys().copied().collect();
    Ok(Some(Delta {
        fresh,
        drops: vec![DropRule::In("Id", gone), DropRule::In("IssueId", recent), DropRule::NotIn("IssueId", live)],
        issue_keys: Some(keys),
        reread: Vec::new(),
        reread_ids: HashSet::new(),
    }))
}

/// The worklog ids a change feed lists from `path` on, page after page; `None` when a page
/// names itself as the next (more changes in one millisecond than a page holds: the feed cannot
/// get past them, and the table is read whole instead).
async fn changed_ids(client: &AtlassianClient, path: &str) -> Result<Option<HashSet<i64>>, MapperError> {
    let mut ids = HashSet::new();
    let mut next = Some(path.to_string());
    while let Some(path) = next.take() {
        let page = client.get_json(Product::Jira, &path).await?;
        ids.extend(page.get("values").and_then(Value::as_array).into_iter().flatten().filter_map(|v| v.get("worklogId").and_then(Value::as_i64)));
        let last = page.get("lastPage").and_then(Value::as_bool).unwrap_or(true);
        next = if last { None } else { page.get("nextPage").and_then(Value::as_str).and_then(|u| client.site_path(Product::Jira, u)) };
        if next.as_deref() == Some(path.as_str()) {
            return Ok(None);
        }
    }
    Ok(Some(ids))
}
