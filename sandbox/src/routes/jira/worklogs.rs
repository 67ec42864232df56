//! Jira's worklog feeds: the ids of worklogs updated or deleted since a time, a page of at most
//! 1000 at a time, oldest first, and worklogs by id. The feeds hold back the last minute's changes,
//! as Jira does (its descriptions: "does not return worklogs updated during the minute preceding
//! the request").

use std::collections::BTreeSet;

use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::Jira;
use crate::config::Flavor;
use crate::errors::{ApiError, ApiResult};

/// Changes a feed page holds, and ids a worklog list takes, at most.
const LIMIT: usize = 1000;

/// How long a change stays out of the feeds.
const QUIET_MILLIS: i64 = 60_000;

/// One page of a feed (`updated` or `deleted`) from `(time in ms, worklog id)` changes: those at
/// or after `since` (the descriptions' examples list a change at `since` itself) and older than a
/// minute, oldest first. `until` is the page's youngest change (`since` when there is none),
/// and the next page is `?since=<until>`, as Jira links it, so a change at `until` comes again
/// there. Cloud's `ChangedWorklogs` gives each change its (never expanded) `properties`; Data
/// Center's `WorklogChangedSinceBean` has no `properties` and says `isLastPage` beside `lastPage`.
fn feed_page(j: &Jira, what: &str, since: i64, mut changes: Vec<(i64, u64)>) -> Value {
    let cutoff = j.sb.clock.now().timestamp_millis() - QUIET_MILLIS;
    changes.retain(|(t, _)| *t >= since && *t < cutoff);
    changes.sort_unstable();
    let last_page = changes.len() <= LIMIT;
    changes.truncate(LIMIT);
    let until = changes.last().map(|c| c.0).unwrap_or(since);
    let cloud = j.sb.config.flavor == Flavor::Cloud;
    let values: Vec<Value> = changes
        .iter()
        .map(|(t, id)| if cloud { json!({"worklogId": id, "updatedTime": t, "properties": []}) } else { json!({"worklogId": id, "updatedTime": t}) })
        .collect();
    let api = j.api();
    let mut o = json!({
        "values": values,
        "since": since,
        "until": until,
        "self": format!("{api}/worklog/{what}?since={since}"),
        "lastPage": last_page,
    });
    if !last_page {
        o["nextPage"] = json!(format!("{api}/worklog/{what}?since={until}"));
    }
    if !cloud {
        o["isLastPage"] = json!(last_page);
    }
    o
}

/// `GET /rest/api/{3|2}/worklog/updated` ("Get IDs of updated worklogs",
/// `getIdsOfWorklogsModifiedSince`; Data Center: "Returns worklogs updated since given time"):
/// the ids and update times of the worklogs the caller may see (their issue's project, their
/// visibility) updated since `since` (epoch milliseconds, default 0). Creating a worklog is
/// updating it.
pub async fn updated(j: Jira) -> ApiResult {
    j.require_user()?;
    let since = j.query.int("since", 0)?;
    let changes: Vec<(i64, u64)> = {
        let site = j.sb.site.read();
        site.issues
            .iter()
            .filter(|i| site.project(i.project_id).is_some_and(|p| j.who.can_see(&site, &p.visibility)))
            .flat_map(|i| i.worklogs.iter())
            .filter(|w| j.may_see(&site, &w.restriction))
            .map(|w| (w.updated.timestamp_millis(), w.id))
            .collect()
    };
    Ok(Json(feed_page(&j, "updated", since, changes)))
}

/// `GET /rest/api/{3|2}/worklog/deleted` ("Get IDs of deleted worklogs",
/// `getIdsOfWorklogsDeletedSince`; Data Center: "Returns worklogs deleted since given time"): the
/// ids and deletion times of worklogs deleted since `since`, by themselves or with their issue.
/// "Permission to access Jira" is all it asks, so every deletion is listed.
pub async fn deleted(j: Jira) -> ApiResult {
    j.require_user()?;
    let since = j.query.int("since", 0)?;
    let changes: Vec<(i64, u64)> = j.sb.site.read().deleted_worklogs.iter().map(|d| (d.deleted.timestamp_millis(), d.id)).collect();
    Ok(Json(feed_page(&j, "deleted", since, changes)))
}

fn bad(message: &str) -> ApiError {
    ApiError::jira(StatusCode::BAD_REQUEST, message)
}

/// `POST /rest/api/{3|2}/worklog/list` ("Get worklogs", `getWorklogsForIds`; Data Center:
/// "Returns worklogs for given ids"): the worklogs of `{"ids": [...]}` that exist and the caller
/// may see, each as `GET /issue/{key}/worklog/{id}` shows it (with its `issueId`), in id order.
/// No `ids`, or more than 1000 of them, is a 400, as both descriptions say.
pub async fn list(j: Jira, body: String) -> ApiResult {
    j.require_user()?;
    let b = match serde_json::from_str::<Value>(&body) {
        Ok(Value::Object(m)) => m,
        _ => return Err(bad("Invalid request payload. Refer to the REST API documentation and try again.")),
    };
    if let Some(k) = b.keys().find(|k| k.as_str() != "ids") {
        return Err(bad(&format!("Unrecognized field \"{k}\"")));
    }
    let ids = match b.get("ids") {
        Some(Value::Array(a)) => a,
        _ => return Err(bad("The worklog ids must be given.")),
    };
    if ids.len() > LIMIT {
        return Err(bad(&format!("The number of worklog ids must not exceed {LIMIT}.")));
    }
    let wanted: BTreeSet<u64> = ids
        .iter()
        .map(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())))
        .collect::<Option<_>>()
        .ok_or_else(|| bad("The worklog ids must be numbers."))?;
    // Cloud's `expand=properties` (worklog properties are not modelled: none).
    let properties = j.sb.config.flavor == Flavor::Cloud && j.query.all("expand").iter().any(|e| e == "properties");
    let site = j.sb.site.read();
    let api = j.api();
    let view = j.view(&site, &api);
    let mut found: Vec<(u64, Value)> = Vec::new();
    for issue in site.issues.iter().filter(|i| site.project(i.project_id).is_some_and(|p| j.who.can_see(&site, &p.visibility))) {
        for w in issue.worklogs.iter().filter(|w| wanted.contains(&w.id) && j.may_see(&site, &w.restriction)) {
            let mut o = view.worklog(issue, w);
            if properties {
                o["properties"] = json!([]);
            }
            found.push((w.id, o));
        }
    }
    found.sort_by_key(|(id, _)| *id);
    Ok(Json(Value::Array(found.into_iter().map(|(_, o)| o).collect())))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::testing::{As, TestSite};
    use crate::config::Flavor;
    use crate::model::{DeletedWorklog, Worklog};

    fn ids(feed: &Value) -> Vec<u64> {
        feed["values"].as_array().expect("values").iter().map(|v| v["worklogId"].as_u64().expect("worklogId")).collect()
    }

    /// A worklog of an hour on `key`, by Alice unless restricted to a group (then by the admin).
    async fn log_work(ts: &TestSite, key: &str, group: Option<&str>) -> u64 {
        let mut body = json!({"timeSpentSeconds": 3600, "comment": "Worked"});
        let who = match group {
            Some(g) => {
                body["visibility"] = json!({"type": "group", "value": g});
                As::Admin
            }
            None => As::Alice,
        };
        let (s, w) = ts.call(who, "POST", &format!("/rest/api/2/issue/{key}/worklog"), Some(&body)).await;
        assert_eq!(s, 201, "{w}");
        w["id"].as_str().expect("id").parse().expect("numeric id")
    }

    #[tokio::test]
    async fn updated_feed_lists_visible_changes_since_a_time_but_not_the_last_minute() {
        let ts = TestSite::new(Flavor::Cloud);
        // The seeded worklogs, oldest first, in one page.
        let all = ts.get("/rest/api/3/worklog/updated").await;
        assert_eq!(all["since"], 0);
        assert_eq!(all["lastPage"], true);
        assert!(all.get("nextPage").is_none());
        let times: Vec<i64> = all["values"].as_array().unwrap().iter().map(|v| v["updatedTime"].as_i64().unwrap()).collect();
        assert!(!times.is_empty() && times.windows(2).all(|w| w[0] <= w[1]), "oldest first: {times:?}");
        assert_eq!(all["values"][0]["properties"], json!([]));
        assert_eq!(all["until"], json!(times.last().unwrap()));

        let t0 = ts.now_ms();
        let mine = log_work(&ts, "ENG-1", None).await;
        let hidden = log_work(&ts, "ENG-2", Some("security-team")).await;
        let feed = format!("/rest/api/3/worklog/updated?since={t0}");
        // Changed during the minute before the request: held back.
        let fresh = ts.get(&feed).await;
        assert_eq!(ids(&fresh), Vec::<u64>::new(), "{fresh}");
        ts.sb.clock.advance(61);
        let page = ts.get(&feed).await;
        assert_eq!(ids(&page), vec![mine], "the security team's worklog is not Alice's to see: {page}");
        assert_eq!(page["since"], t0);
        assert_eq!(page["until"], t0, "`since` is inclusive: the worklog made at it is listed");
        assert_eq!(page["self"], format!("http://jira.test/rest/api/3/worklog/updated?since={t0}"));
        assert_eq!(page["lastPage"], true);
        let (_, admin) = ts.call(As::Admin, "GET", &feed, None).await;
        assert_eq!(ids(&admin), vec![mine, hidden]);
        // An update moves the worklog to its new time; v2 answers the same.
        ts.sb.clock.advance(30);
        let t1 = ts.now_ms();
        let (s, _) = ts.call(As::Alice, "PUT", &format!("/rest/api/2/issue/ENG-1/worklog/{mine}"), Some(&json!({"timeSpent": "2h"}))).await;
        assert_eq!(s, 200);
        ts.sb.clock.advance(61);
        let later = ts.get(&format!("/rest/api/2/worklog/updated?since={}", t0 + 1)).await;
        assert_eq!(later["values"], json!([{"worklogId": mine, "updatedTime": t1, "properties": []}]));
        assert!(later["self"].as_str().unwrap().starts_with("http://jira.test/rest/api/2/worklog/updated?since="));
        // Anonymous callers are refused; a malformed `since` is a 400.
        assert_eq!(ts.call(As::Anonymous, "GET", &feed, None).await.0, 401);
        assert_eq!(ts.call(As::Alice, "GET", "/rest/api/3/worklog/updated?since=yesterday", None).await.0, 400);
    }

    #[tokio::test]
    async fn deleted_feed_lists_worklogs_deleted_alone_or_with_their_issue() {
        let ts = TestSite::new(Flavor::Cloud);
        let t0 = ts.now_ms();
        assert_eq!(ids(&ts.get("/rest/api/3/worklog/deleted").await), Vec::<u64>::new());
        let alone = log_work(&ts, "ENG-1", None).await;
        let (s, _) = ts.call(As::Alice, "DELETE", &format!("/rest/api/3/issue/ENG-1/worklog/{alone}"), None).await;
        assert_eq!(s, 204);
        ts.sb.clock.advance(5);
        let t1 = ts.now_ms();
        let (s, made) = ts
            .call(
                As::Alice,
                "POST",
                "/rest/api/2/issue",
                Some(&json!({"fields": {"project": {"key": "OPS"}, "issuetype": {"name": "Task"}, "summary": "Doomed"}})),
            )
            .await;
        assert_eq!(s, 201, "{made}");
        let key = made["key"].as_str().unwrap().to_string();
        let with_issue = log_work(&ts, &key, None).await;
        let (s, _) = ts.call(As::Alice, "DELETE", &format!("/rest/api/3/issue/{key}"), None).await;
        assert_eq!(s, 204);
        let feed = format!("/rest/api/3/worklog/deleted?since={t0}");
        assert_eq!(ids(&ts.get(&feed).await), Vec::<u64>::new(), "deleted during the last minute");
        ts.sb.clock.advance(61);
        let page = ts.get(&feed).await;
        assert_eq!(
            page["values"],
            json!([{"worklogId": alone, "updatedTime": t0, "properties": []}, {"worklogId": with_issue, "updatedTime": t1, "properties": []}])
        );
        assert_eq!(page["until"], t1);
        assert_eq!(ids(&ts.get(&format!("/rest/api/3/worklog/deleted?since={}", t0 + 1)).await), vec![with_issue]);
        // The updated feed no longer has them.
        let updated = ids(&ts.get(&format!("/rest/api/3/worklog/updated?since={t0}")).await);
        assert!(!updated.contains(&alone) && !updated.contains(&with_issue), "{updated:?}");
    }

    #[tokio::test]
    async fn feeds_page_at_1000_and_link_the_next_page() {
        let ts = TestSite::new(Flavor::Cloud);
        let t0 = ts.now_ms() - 10 * 60_000;
        {
            let mut site = ts.sb.site.write();
            let i = site.issue_index("ENG-3").unwrap();
            let author = site.issues[i].reporter_id.clone().unwrap();
            for n in 0..1500u64 {
                let at = chrono::DateTime::from_timestamp_millis(t0 + n as i64).unwrap();
                site.issues[i].worklogs.push(Worklog {
                    id: 500_000 + n,
                    author_id: author.clone(),
                    comment: String::new(),
                    started: at,
                    time_spent_seconds: 60,
                    created: at,
                    updated: at,
                    restriction: None,
                });
                site.deleted_worklogs.push(DeletedWorklog { id: 600_000 + n, deleted: at });
            }
        }
        for what in ["updated", "deleted"] {
            let first = ts.get(&format!("/rest/api/3/worklog/{what}?since={t0}")).await;
            let one = ids(&first);
            assert_eq!(one.len(), 1000, "{what}");
            assert_eq!(first["lastPage"], false);
            let until = first["until"].as_i64().unwrap();
            assert_eq!(until, t0 + 999);
            let next = first["nextPage"].as_str().unwrap();
            assert_eq!(next, format!("http://jira.test/rest/api/3/worklog/{what}?since={until}"));
            let second = ts.get(next.strip_prefix("http://jira.test").unwrap()).await;
            let two = ids(&second);
            assert_eq!(second["lastPage"], true);
            assert!(second.get("nextPage").is_none());
            // The next page starts at `until`: the change there comes again.
            assert_eq!(two.len(), 501);
            assert_eq!(two[0], one[999]);
            let mut all: Vec<u64> = one.into_iter().chain(two).collect();
            all.dedup();
            let base = if what == "updated" { 500_000 } else { 600_000 };
            assert_eq!(all, (base..base + 1500).collect::<Vec<_>>(), "{what}");
        }
    }

    #[tokio::test]
    async fn data_center_feeds_speak_its_bean() {
        let ts = TestSite::new(Flavor::Datacenter);
        let t0 = ts.now_ms();
        let id = log_work(&ts, "ENG-1", None).await;
        ts.sb.clock.advance(61);
        let page = ts.get(&format!("/rest/api/2/worklog/updated?since={t0}")).await;
        assert_eq!(page["values"], json!([{"worklogId": id, "updatedTime": t0}]));
        assert_eq!((&page["lastPage"], &page["isLastPage"]), (&json!(true), &json!(true)));
        let deleted = ts.get("/rest/api/2/worklog/deleted?since=0").await;
        assert_eq!(deleted["values"], json!([]));
        assert_eq!(ts.call(As::Alice, "GET", "/rest/api/3/worklog/updated", None).await.0, 404);
    }

    #[tokio::test]
    async fn worklog_list_answers_visible_worklogs_as_the_issue_shows_them() {
        for flavor in [Flavor::Cloud, Flavor::Datacenter] {
            let ts = TestSite::new(flavor);
            let api = if flavor == Flavor::Cloud { "/rest/api/3" } else { "/rest/api/2" };
            let a = log_work(&ts, "ENG-1", None).await;
            let b = log_work(&ts, "OPS-1", None).await;
            let hidden = log_work(&ts, "ENG-2", Some("security-team")).await;
            let sec = {
                let site = ts.sb.site.read();
                site.issues.iter().filter(|i| i.key.starts_with("SEC-")).flat_map(|i| i.worklogs.iter()).map(|w| w.id).next()
            };
            let mut asked = vec![json!(b), json!(a.to_string()), json!(hidden), json!(999_999)];
            asked.extend(sec.map(|s| json!(s)));
            let (s, list) = ts.call(As::Alice, "POST", &format!("{api}/worklog/list"), Some(&json!({"ids": asked}))).await;
            assert_eq!(s, 200, "{list}");
            let one = ts.get(&format!("{api}/issue/ENG-1/worklog/{a}")).await;
            let other = ts.get(&format!("{api}/issue/OPS-1/worklog/{b}")).await;
            assert_eq!(list, json!([one, other]), "existing, visible worklogs only, in id order");
            assert!(list[0]["issueId"].is_string() && list[1]["issueId"] != list[0]["issueId"]);
            let (_, admin) = ts.call(As::Admin, "POST", &format!("{api}/worklog/list"), Some(&json!({"ids": [hidden]}))).await;
            assert_eq!(admin[0]["id"], hidden.to_string());
            // More than 1000 ids, or none, is a 400; an empty list is an empty answer.
            let many: Vec<u64> = (1..=1001).collect();
            assert_eq!(ts.call(As::Alice, "POST", &format!("{api}/worklog/list"), Some(&json!({"ids": many}))).await.0, 400);
            assert_eq!(ts.call(As::Alice, "POST", &format!("{api}/worklog/list"), Some(&json!({}))).await.0, 400);
            assert_eq!(ts.call(As::Alice, "POST", &format!("{api}/worklog/list"), Some(&json!({"ids": []}))).await, (200, json!([])));
        }
    }
}
