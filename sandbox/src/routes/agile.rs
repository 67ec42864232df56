//! Jira Software agile API `/rest/agile/1.0/`: boards, sprints, board, backlog and sprint issues.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::jira::render::{FieldSelection, View};
use super::jira::search::run_query;
use super::jira::{page_bounds, Jira};
use crate::config::Flavor;
use crate::errors::{ApiError, ApiResult};
use crate::model::*;
use crate::routes::sourced::{Source, SourcedRoutes, Spec};

pub fn routes(flavor: Flavor) -> SourcedRoutes {
    let src = Source::Spec(Spec::agile(flavor));
    SourcedRoutes::new()
        .get("/rest/agile/1.0/board", boards, src)
        .get("/rest/agile/1.0/board/{id}", board, src)
        .get("/rest/agile/1.0/board/{id}/sprint", board_sprints, src)
        .get("/rest/agile/1.0/board/{id}/issue", board_issues, src)
        .get("/rest/agile/1.0/board/{id}/backlog", board_backlog, src)
        .get("/rest/agile/1.0/board/{id}/epic", board_epics, src)
        .get("/rest/agile/1.0/board/{id}/sprint/{sprint}/issue", board_sprint_issues, src)
        .get("/rest/agile/1.0/sprint/{id}", sprint, src)
        .get("/rest/agile/1.0/sprint/{id}/issue", sprint_issues, src)
}

fn agile_base(j: &Jira) -> String {
    format!("{}/rest/agile/1.0", j.base)
}

fn board_json(j: &Jira, site: &Site, b: &Board) -> Value {
    let p = site.project(b.project_id);
    json!({
        "id": b.id,
        "self": format!("{}/board/{}", agile_base(j), b.id),
        "name": b.name,
        "type": b.kind,
        "location": {
            "projectId": b.project_id,
            "displayName": p.map(|p| format!("{} ({})", p.name, p.key)),
            "projectName": p.map(|p| p.name.clone()),
            "projectKey": p.map(|p| p.key.clone()),
            "projectTypeKey": p.map(|p| p.type_key.clone()),
            "avatarURI": format!("{}/secure/projectavatar?size=small&pid={}", j.base, b.project_id),
            "name": p.map(|p| format!("{} ({})", p.name, p.key)),
        },
        "isPrivate": false,
    })
}

fn sprint_json(j: &Jira, s: &Sprint) -> Value {
    let fmt = |d: Option<chrono::DateTime<chrono::Utc>>| d.map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    let mut o = json!({"id": s.id, "self": format!("{}/sprint/{}", agile_base(j), s.id), "state": s.state, "name": s.name, "originBoardId": s.board_id, "goal": s.goal});
    for (k, v) in [("startDate", fmt(s.start_date)), ("endDate", fmt(s.end_date)), ("completeDate", fmt(s.complete_date))] {
        if let Some(v) = v {
            o[k] = json!(v);
        }
    }
    o
}

fn board_not_found(id: &str) -> ApiError {
    ApiError::jira(StatusCode::NOT_FOUND, format!("Board {id} does not exist or you do not have permission to see it."))
}

/// A board the caller may see (through its project).
fn find_board<'a>(j: &Jira, site: &'a Site, id: &str) -> Result<&'a Board, ApiError> {
    site.boards
        .iter()
        .find(|b| b.id.to_string() == id)
        .filter(|b| site.project(b.project_id).is_some_and(|p| j.who.can_see(site, &p.visibility)))
        .ok_or_else(|| board_not_found(id))
}

fn values_page(j: &Jira, all: Vec<Value>, default_max: i64, cap: i64) -> ApiResult {
    let (start, end) = page_bounds(&j.query, default_max, cap, all.len())?;
    let max = j.query.int("maxResults", default_max)?.min(cap);
    Ok(Json(json!({"maxResults": max, "startAt": start, "total": all.len(), "isLast": end >= all.len(), "values": all[start..end].to_vec()})))
}

pub async fn boards(j: Jira) -> ApiResult {
    let all = {
        let site = j.sb.site.read();
        let ty = j.query.get("type");
        let name = j.query.get("name").map(str::to_lowercase);
        let project = j.query.get("projectKeyOrId");
        site.boards
            .iter()
            .filter(|b| site.project(b.project_id).is_some_and(|p| j.who.can_see(&site, &p.visibility)))
            .filter(|b| ty.is_none_or(|t| t == b.kind))
            .filter(|b| name.as_ref().is_none_or(|n| b.name.to_lowercase().contains(n)))
            .filter(|b| project.is_none_or(|k| site.project(b.project_id).is_some_and(|p| p.key.eq_ignore_ascii_case(k) || p.id.to_string() == k)))
            .map(|b| board_json(&j, &site, b))
            .collect()
    };
    values_page(&j, all, 50, 50)
}

pub async fn board(j: Jira, Path(id): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let b = find_board(&j, &site, &id)?;
    Ok(Json(board_json(&j, &site, b)))
}

pub async fn board_sprints(j: Jira, Path(id): Path<String>) -> ApiResult {
    let all = {
        let site = j.sb.site.read();
        let b = find_board(&j, &site, &id)?;
        if b.kind != "scrum" {
            return Err(ApiError::jira(StatusCode::BAD_REQUEST, "The board does not support sprints"));
        }
        let states = j.query.all("state");
        for s in &states {
            if !["future", "active", "closed"].contains(&s.as_str()) {
                return Err(ApiError::jira(StatusCode::BAD_REQUEST, format!("The state '{s}' is not valid. Valid states are: future, active, closed.")));
            }
        }
        site.sprints.iter().filter(|s| s.board_id == b.id && (states.is_empty() || states.contains(&s.state))).map(|s| sprint_json(&j, s)).collect()
    };
    values_page(&j, all, 50, 50)
}

pub async fn sprint(j: Jira, Path(id): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let s = site
        .sprints
        .iter()
        .find(|s| s.id.to_string() == id)
        .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("Sprint with id {id} does not exist or you do not have permission to see it.")))?;
    find_board(&j, &site, &s.board_id.to_string())
        .map_err(|_| ApiError::jira(StatusCode::NOT_FOUND, format!("Sprint with id {id} does not exist or you do not have permission to see it.")))?;
    Ok(Json(sprint_json(&j, s)))
}

/// Issues of a scope (board, backlog, sprint) further filtered by the request's `jql`, with
/// `startAt` paging and the agile representation (`sprint`, `closedSprints` fields added).
fn scoped_issues(j: &Jira, scope_jql: String) -> ApiResult {
    let user_jql = j.query.get("jql").unwrap_or("").trim().to_string();
    let (where_part, order_part) = split_order_by(&user_jql);
    let combined = match where_part.trim() {
        "" => format!("{scope_jql} {order_part}"),
        w => format!("({scope_jql}) AND ({w}) {order_part}"),
    };
    let hits = run_query(j, combined.trim(), false)?;
    let (start, end) = page_bounds(&j.query, 50, 1000, hits.len())?;
    let max = j.query.int("maxResults", 50)?.min(1000);
    let site = j.sb.site.read();
    let api = j.api();
    let view = View { site: &site, api: &api, base: &j.base, v: 2, emails: j.who.is_admin(&site), cloud: j.sb.config.flavor == Flavor::Cloud };
    let wanted = FieldSelection::parse(&j.query.all("fields"), "*navigable");
    let issues: Vec<Value> = hits[start..end]
        .iter()
        .map(|&i| {
            let issue = &site.issues[i];
            let mut o = view.issue(issue, &wanted);
            if o.get("key").is_none() {
                o = json!({"id": issue.id.to_string(), "key": issue.key, "fields": {}});
            }
            o["self"] = json!(format!("{}/issue/{}", agile_base(j), issue.id));
            let sprints = site.issue_sprints(issue);
            if let Some(fields) = o.get_mut("fields").and_then(Value::as_object_mut) {
                if !wanted.id_only() {
                    let active = sprints.iter().find(|s| s.state != "closed").map(|s| sprint_json(j, s));
                    fields.insert("sprint".into(), active.unwrap_or(Value::Null));
                    fields.insert("closedSprints".into(), Value::Array(sprints.iter().filter(|s| s.state == "closed").map(|s| sprint_json(j, s)).collect()));
                    fields.insert("flagged".into(), json!(false));
                }
            }
            o
        })
        .collect();
    Ok(Json(json!({"expand": "names,schema", "startAt": start, "maxResults": max, "total": hits.len(), "issues": issues})))
}

/// Splits `... ORDER BY ...` so a scope can be ANDed in front of the user's filter.
fn split_order_by(jql: &str) -> (String, String) {
    let lower = jql.to_lowercase();
    match lower.find("order by") {
        Some(i) => (jql[..i].to_string(), jql[i..].to_string()),
        None => (jql.to_string(), String::new()),
    }
}

pub async fn board_issues(j: Jira, Path(id): Path<String>) -> ApiResult {
    let key = {
        let site = j.sb.site.read();
        let b = find_board(&j, &site, &id)?;
        site.project(b.project_id).map(|p| p.key.clone()).unwrap_or_default()
    };
    scoped_issues(&j, format!("project = \"{key}\""))
}

pub async fn board_backlog(j: Jira, Path(id): Path<String>) -> ApiResult {
    let key = {
        let site = j.sb.site.read();
        let b = find_board(&j, &site, &id)?;
        if b.kind != "scrum" {
            return Err(ApiError::jira(StatusCode::BAD_REQUEST, "The board does not have a backlog"));
        }
        site.project(b.project_id).map(|p| p.key.clone()).unwrap_or_default()
    };
    // The backlog: issues not in an open (active or future) sprint and not done.
    scoped_issues(&j, format!("project = \"{key}\" AND (sprint IS EMPTY OR sprint NOT IN (openSprints(), futureSprints())) AND statusCategory != Done"))
}

pub async fn sprint_issues(j: Jira, Path(id): Path<String>) -> ApiResult {
    {
        let site = j.sb.site.read();
        let s = site
            .sprints
            .iter()
            .find(|s| s.id.to_string() == id)
            .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("Sprint with id {id} does not exist or you do not have permission to see it.")))?;
        find_board(&j, &site, &s.board_id.to_string())?;
    }
    scoped_issues(&j, format!("sprint = {id}"))
}

/// A board's epics: the Epic issues of its project (company-managed boards; a team-managed
/// board's epics are not listed here), `done` filtering by their status category. Cloud's epic
/// has no `key` (its examples show none); Data Center's `EpicBean` has one.
pub async fn board_epics(j: Jira, Path(id): Path<String>) -> ApiResult {
    let all = {
        let site = j.sb.site.read();
        let b = find_board(&j, &site, &id)?;
        if b.kind == "simple" {
            return Err(ApiError::jira(StatusCode::BAD_REQUEST, "Epics are not supported for this board."));
        }
        let done = match j.query.get("done") {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(other) => return Err(ApiError::jira(StatusCode::BAD_REQUEST, format!("'{other}' is not a valid value for done."))),
        };
        let cloud = j.sb.config.flavor == Flavor::Cloud;
        site.issues
            .iter()
            .filter(|i| i.project_id == b.project_id && i.issue_type_id == EPIC_TYPE)
            .map(|i| (i, site.statuses.iter().find(|s| s.id == i.status_id).is_some_and(|s| s.category_id == 3)))
            .filter(|(_, is_done)| done.is_none_or(|d| d == *is_done))
            .map(|(i, is_done)| {
                let mut o = json!({
                    "id": i.id,
                    "self": format!("{}/epic/{}", agile_base(&j), i.id),
                    "name": i.summary,
                    "summary": i.summary,
                    "color": {"key": format!("color_{}", i.id % 14 + 1)},
                    "done": is_done,
                });
                if !cloud {
                    o["key"] = json!(i.key);
                }
                o
            })
            .collect()
    };
    values_page(&j, all, 50, 50)
}

/// The issues of a sprint that are on this board.
pub async fn board_sprint_issues(j: Jira, Path((id, sprint)): Path<(String, String)>) -> ApiResult {
    let key = {
        let site = j.sb.site.read();
        let b = find_board(&j, &site, &id)?;
        if !site.sprints.iter().any(|s| s.id.to_string() == sprint) {
            return Err(ApiError::jira(StatusCode::NOT_FOUND, format!("Sprint with id {sprint} does not exist or you do not have permission to see it.")));
        }
        site.project(b.project_id).map(|p| p.key.clone()).unwrap_or_default()
    };
    let sprint: u64 = sprint.parse().map_err(|_| ApiError::jira(StatusCode::BAD_REQUEST, "The sprint id is not a number."))?;
    scoped_issues(&j, format!("project = \"{key}\" AND sprint = {sprint}"))
}
