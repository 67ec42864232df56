//! Issues: get, create, edit, delete, transitions, comments, worklogs, changelog, links.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Map, Value};

use super::render::{self, FieldSelection};
use super::{page_bounds, Jira};
use crate::errors::{ApiError, ApiResult};
use crate::model::*;

fn not_found() -> ApiError {
    ApiError::jira(StatusCode::NOT_FOUND, "Issue does not exist or you do not have permission to see it.")
}

fn bad_payload() -> ApiError {
    ApiError::jira(StatusCode::BAD_REQUEST, "Invalid request payload. Refer to the REST API documentation and try again.")
}

fn parse_object(body: &str) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(bad_payload()),
    }
}

/// A body's `visibility` (`{"type": "group"|"role", "value": ...}`); null or absent: everyone.
fn restriction_of(b: &Map<String, Value>) -> Result<Option<Restriction>, ApiError> {
    match b.get("visibility") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            let kind = v.get("type").and_then(Value::as_str).filter(|t| ["group", "role"].contains(t));
            let value = v.get("value").and_then(Value::as_str).filter(|s| !s.is_empty());
            match (kind, value) {
                (Some(k), Some(val)) => Ok(Some(Restriction { kind: k.to_string(), value: val.to_string() })),
                _ => Err(ApiError::jira_field("visibility", "Visibility needs a type (group or role) and a value.")),
            }
        }
    }
}

impl Jira {
    /// Whether the caller may see what this restricts: members of its group (roles are not
    /// modelled: everyone who sees the issue).
    pub(super) fn may_see(&self, site: &Site, r: &Option<Restriction>) -> bool {
        match r {
            Some(r) if r.kind == "group" => self.who.account().and_then(|a| site.user(a)).is_some_and(|u| u.groups.iter().any(|g| g == &r.value)),
            _ => true,
        }
    }

    /// The index of a visible issue, or Jira's 404.
    pub(super) fn issue_ix(&self, site: &Site, key: &str) -> Result<usize, ApiError> {
        let i = site.issue_index(key).ok_or_else(not_found)?;
        let p = site.project(site.issues[i].project_id).ok_or_else(not_found)?;
        if !self.who.can_see(site, &p.visibility) {
            return Err(not_found());
        }
        Ok(i)
    }
}

pub async fn get(j: Jira, Path(key): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let i = j.issue_ix(&site, &key)?;
    let wanted = FieldSelection::parse(&j.query.all("fields"), "*all");
    let api = j.api();
    let view = j.view(&site, &api);
    let issue = &site.issues[i];
    let mut o = view.issue(issue, &wanted);
    if o.get("key").is_none() {
        o = json!({"id": issue.id.to_string(), "key": issue.key, "self": format!("{api}/issue/{}", issue.id), "fields": {}});
    }
    if j.query.all("expand").iter().any(|e| e == "changelog") {
        let histories: Vec<Value> = issue.changelog.iter().map(|g| view.change_group(g)).collect();
        o["changelog"] = json!({"startAt": 0, "maxResults": histories.len(), "total": histories.len(), "histories": histories});
    }
    if j.query.all("expand").iter().any(|e| e == "names") {
        let names: Map<String, Value> = wanted
            .ids(&site)
            .into_iter()
            .map(|id| {
                let name = render::SYSTEM_FIELDS
                    .iter()
                    .find(|f| f.0 == id)
                    .map(|f| f.1.to_string())
                    .or_else(|| id.strip_prefix("customfield_").and_then(|n| n.parse().ok()).and_then(|n| site.custom_field(n)).map(|f| f.name.clone()));
                (id, json!(name.unwrap_or_default()))
            })
            .collect();
        o["names"] = Value::Object(names);
    }
    Ok(Json(o))
}

/// A reference to a named thing in a write: `{"id": ...}` or `{"name": ...}` (or `key`).
fn reference(v: &Value) -> Option<(Option<String>, Option<String>)> {
    let o = v.as_object()?;
    let id = o.get("id").map(|x| x.as_str().map(str::to_string).unwrap_or_else(|| x.to_string()));
    let name = o.get("name").or_else(|| o.get("key")).or_else(|| o.get("value")).and_then(Value::as_str).map(str::to_string);
    Some((id, name))
}

fn pick<'a>(items: &'a [NamedItem], v: &Value, field: &str, what: &str) -> Result<&'a NamedItem, ApiError> {
    let (id, name) = reference(v).ok_or_else(|| ApiError::jira_field(field, format!("Specify a valid '{what}' id or name")))?;
    items
        .iter()
        .find(|x| id.as_deref() == Some(&x.id.to_string()) || name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&x.name)))
        .ok_or_else(|| ApiError::jira_field(field, format!("Specify a valid '{what}' id or name")))
}

fn user_ref(site: &Site, v: &Value, field: &str) -> Result<Option<String>, ApiError> {
    if v.is_null() {
        return Ok(None);
    }
    let id = v.get("accountId").and_then(Value::as_str).ok_or_else(|| ApiError::jira_field(field, "Specify a valid value for the user (accountId)."))?;
    if id == "-1" {
        return Ok(None);
    }
    site.user(id).map(|u| Some(u.account_id.clone())).ok_or_else(|| ApiError::jira_field(field, format!("The user with accountId '{id}' does not exist.")))
}

fn parse_date(v: &Value, field: &str) -> Result<Option<NaiveDate>, ApiError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some).map_err(|_| ApiError::jira_field(field, "Error parsing date string: expected yyyy-MM-dd"))
        }
        _ => Err(ApiError::jira_field(field, "Error parsing date string: expected yyyy-MM-dd")),
    }
}

fn parse_datetime(v: &Value, field: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.3f%z")
            .or_else(|_| DateTime::parse_from_rfc3339(s))
            .map(|d| Some(d.with_timezone(&Utc)))
            .map_err(|_| ApiError::jira_field(field, "Error parsing date-time string: expected yyyy-MM-dd'T'HH:mm:ss.SSSZ")),
        _ => Err(ApiError::jira_field(field, "Error parsing date-time string")),
    }
}

fn labels(v: &Value) -> Result<Vec<String>, ApiError> {
    let arr = v.as_array().ok_or_else(|| ApiError::jira_field("labels", "The labels must be an array of strings."))?;
    let mut out = Vec::new();
    for l in arr {
        let s = l.as_str().ok_or_else(|| ApiError::jira_field("labels", "The labels must be an array of strings."))?;
        if s.chars().any(char::is_whitespace) {
            return Err(ApiError::jira_field("labels", format!("The label '{s}' contains spaces which is invalid.")));
        }
        if s.chars().count() > 255 {
            return Err(ApiError::jira_field("labels", "The label must not exceed 255 characters."));
        }
        if !out.iter().any(|x| x == s) {
            out.push(s.to_string());
        }
    }
    Ok(out)
}

/// Applies `fields` of a create or edit to an issue, recording what changed.
fn apply_fields(j: &Jira, site: &Site, issue: &mut Issue, fields: &Map<String, Value>, creating: bool) -> Result<Vec<ChangeItem>, ApiError> {
    let mut changes = Vec::new();
    let project = site.project(issue.project_id).cloned().ok_or_else(not_found)?;
    let mut change = |field: &str, from: Option<String>, to: Option<String>| {
        if from != to {
            changes.push(ChangeItem {
                field: field.into(),
                field_type: "jira".into(),
                field_id: field.into(),
                from: None,
                from_string: from,
                to: None,
                to_string: to,
            });
        }
    };
    for (k, v) in fields {
        match k.as_str() {
            "project" | "issuetype" if !creating => {
                return Err(ApiError::jira_field(k, format!("Field '{k}' cannot be set. It is not on the appropriate screen, or unknown.")));
            }
            "project" => {}
            "issuetype" => issue.issue_type_id = pick(&site.issue_types, v, "issuetype", "issuetype")?.id,
            "summary" => {
                let s = v
                    .as_str()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| ApiError::jira_field("summary", "You must specify a summary of the issue."))?;
                if s.contains('\n') || s.chars().count() > 255 {
                    return Err(ApiError::jira_field("summary", "Summary must be less than 255 characters and on one line."));
                }
                change("summary", Some(issue.summary.clone()), Some(s.to_string()));
                issue.summary = s.to_string();
            }
            "description" | "environment" => {
                let text = render::rich_in(j.v, v).map_err(|m| ApiError::jira_field(k, m))?;
                let new = if v.is_null() { None } else { Some(text) };
                let slot = if k == "description" { &mut issue.description } else { &mut issue.environment };
                change(k, slot.clone(), new.clone());
                *slot = new;
            }
            "priority" => {
                let p = if v.is_null() { None } else { Some(pick(&site.priorities, v, "priority", "priority")?.id) };
                let name = |id: Option<u64>| id.and_then(|i| site.priority(i)).map(|p| p.name.clone());
                change("priority", name(issue.priority_id), name(p));
                issue.priority_id = p;
            }
            "assignee" | "reporter" => {
                let u = user_ref(site, v, k)?;
                let slot = if k == "assignee" { &mut issue.assignee_id } else { &mut issue.reporter_id };
                let name = |id: &Option<String>| id.as_deref().and_then(|i| site.user(i)).map(|u| u.display_name.clone());
                change(k, name(slot), name(&u));
                *slot = u;
            }
            "labels" => {
                let l = labels(v)?;
                change("labels", Some(issue.labels.join(" ")), Some(l.join(" ")));
                issue.labels = l;
            }
            "duedate" => {
                let d = parse_date(v, "duedate")?;
                change("duedate", issue.due_date.map(render::date), d.map(render::date));
                issue.due_date = d;
            }
            "components" | "fixVersions" | "versions" => {
                let arr = v.as_array().ok_or_else(|| ApiError::jira_field(k, "Expected an array of objects with id or name."))?;
                let mut ids = Vec::new();
                for item in arr {
                    let (id, name) = reference(item).ok_or_else(|| ApiError::jira_field(k, "Expected an object with id or name."))?;
                    let found = if k == "components" {
                        project.components.iter().find(|c| id.as_deref() == Some(&c.id.to_string()) || name.as_deref() == Some(c.name.as_str())).map(|c| c.id)
                    } else {
                        project.versions.iter().find(|c| id.as_deref() == Some(&c.id.to_string()) || name.as_deref() == Some(c.name.as_str())).map(|c| c.id)
                    };
                    let label = id.or(name).unwrap_or_default();
                    ids.push(found.ok_or_else(|| {
                        ApiError::jira_field(
                            k,
                            format!("{} with id or name '{label}' does not exist.", if k == "components" { "Component" } else { "Version" }),
                        )
                    })?);
                }
                match k.as_str() {
                    "components" => issue.component_ids = ids,
                    "versions" => issue.affected_version_ids = ids,
                    _ => issue.fix_version_ids = ids,
                }
            }
            "parent" => {
                let key = v
                    .get("key")
                    .or_else(|| v.get("id"))
                    .and_then(Value::as_str)
                    .ok_or_else(|| ApiError::jira_field("parent", "Could not find issue by id or key."))?;
                let p = site.issue(key).ok_or_else(|| ApiError::jira_field("parent", "Could not find issue by id or key."))?;
                issue.parent_id = Some(p.id);
            }
            "resolution" => {
                issue.resolution_id = if v.is_null() { None } else { Some(pick(&site.resolutions, v, "resolution", "resolution")?.id) };
            }
            other => {
                let number = other.strip_prefix("customfield_").and_then(|n| n.parse::<u64>().ok()).and_then(|n| site.custom_field(n)).cloned();
                let Some(f) = number else {
                    return Err(ApiError::jira_field(other, format!("Field '{other}' cannot be set. It is not on the appropriate screen, or unknown.")));
                };
                let val = custom_in(site, &f, v)?;
                match val {
                    Some(x) => issue.custom.insert(f.number, x),
                    None => issue.custom.remove(&f.number),
                };
            }
        }
    }
    Ok(changes)
}

fn custom_in(site: &Site, f: &CustomField, v: &Value) -> Result<Option<CustomValue>, ApiError> {
    let field = f.field_id();
    if v.is_null() {
        return Ok(None);
    }
    let bad = |m: &str| ApiError::jira_field(&field, m.to_string());
    let option = |x: &Value| -> Result<u64, ApiError> {
        let (id, name) = reference(x).ok_or_else(|| bad("Specify the option by id or value."))?;
        f.options
            .iter()
            .find(|(i, n)| id.as_deref() == Some(&i.to_string()) || name.as_deref() == Some(n.as_str()))
            .map(|(i, _)| *i)
            .ok_or_else(|| bad(&format!("Option value '{}' is not valid", name.or(id).unwrap_or_default())))
    };
    Ok(Some(match f.kind {
        CustomFieldKind::Number => CustomValue::Number(v.as_f64().ok_or_else(|| bad("Operation value must be a number"))?),
        CustomFieldKind::Date => CustomValue::Date(parse_date(v, &field)?.ok_or_else(|| bad("date expected"))?),
        CustomFieldKind::DateTime => CustomValue::DateTime(parse_datetime(v, &field)?.ok_or_else(|| bad("date-time expected"))?),
        CustomFieldKind::Text => CustomValue::Text(v.as_str().ok_or_else(|| bad("Operation value must be a string"))?.to_string()),
        CustomFieldKind::Select => CustomValue::Option(option(v)?),
        CustomFieldKind::MultiSelect => {
            CustomValue::Options(v.as_array().ok_or_else(|| bad("Operation value must be an array"))?.iter().map(option).collect::<Result<_, _>>()?)
        }
        CustomFieldKind::MultiUser => {
            let arr = v.as_array().ok_or_else(|| bad("Operation value must be an array of users"))?;
            CustomValue::Users(arr.iter().map(|u| user_ref(site, u, &field).map(Option::unwrap_or_default)).collect::<Result<_, _>>()?)
        }
        CustomFieldKind::Sprint => {
            let id = v.as_u64().ok_or_else(|| bad("Number value expected as the Sprint id."))?;
            site.sprint(id).ok_or_else(|| bad(&format!("Sprint with id {id} does not exist")))?;
            CustomValue::Sprints(vec![id])
        }
    }))
}

pub async fn create(j: Jira, body: String) -> Result<(StatusCode, Json<Value>), ApiError> {
    let me = j.require_user()?.to_string();
    let b = parse_object(&body)?;
    if let Some(k) = b.keys().find(|k| !["fields", "update", "transition", "properties", "historyMetadata"].contains(&k.as_str())) {
        return Err(ApiError::jira(StatusCode::BAD_REQUEST, format!("Unrecognized field \"{k}\"")));
    }
    let fields = b.get("fields").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut site = j.sb.site.write();
    let project_ref = fields.get("project").ok_or_else(|| ApiError::jira_field("project", "Specify a valid project ID or key"))?;
    let (pid, pkey) = reference(project_ref).ok_or_else(|| ApiError::jira_field("project", "Specify a valid project ID or key"))?;
    let project = site
        .projects
        .iter()
        .find(|p| pid.as_deref() == Some(&p.id.to_string()) || pkey.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(&p.key)))
        .filter(|p| j.who.can_see(&site, &p.visibility))
        .cloned()
        .ok_or_else(|| ApiError::jira_field("project", "Specify a valid project ID or key"))?;
    if !fields.contains_key("issuetype") {
        return Err(ApiError::jira_field("issuetype", "Specify an issue type"));
    }
    if !fields.contains_key("summary") {
        return Err(ApiError::jira_field("summary", "You must specify a summary of the issue."));
    }
    let now = j.sb.clock.now();
    let mut issue = Issue {
        status_id: site.statuses.first().map(|s| s.id).unwrap_or(1),
        priority_id: site.priorities.iter().find(|p| p.name == "Medium").map(|p| p.id),
        ..Issue::raised(project.id, &me, &me, now)
    };
    apply_fields(&j, &site, &mut issue, &fields, true)?;
    issue.id = site.next_id("issue", 10_000);
    let n = site.next_id(&format!("issuekey:{}", project.key), 1);
    issue.key = format!("{}-{n}", project.key);
    let out = json!({"id": issue.id.to_string(), "key": issue.key, "self": format!("{}/issue/{}", j.api(), issue.id)});
    site.issues.push(issue);
    site.touch();
    site.reindex();
    drop(site);
    j.sb.persist();
    Ok((StatusCode::CREATED, Json(out)))
}

fn record_changes(site: &mut Site, i: usize, author: &str, items: Vec<ChangeItem>, now: DateTime<Utc>) {
    if items.is_empty() {
        return;
    }
    let id = site.next_id("changegroup", 10_000);
    let issue = &mut site.issues[i];
    issue.changelog.push(ChangeGroup { id, author_id: author.to_string(), created: now, items });
    issue.updated = now;
}

pub async fn update(j: Jira, Path(key): Path<String>, body: String) -> Result<StatusCode, ApiError> {
    let me = j.require_user()?.to_string();
    let b = parse_object(&body)?;
    if let Some(k) = b.keys().find(|k| !["fields", "update", "historyMetadata", "properties", "transition"].contains(&k.as_str())) {
        return Err(ApiError::jira(StatusCode::BAD_REQUEST, format!("Unrecognized field \"{k}\"")));
    }
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    let mut issue = site.issues[i].clone();
    let fields = b.get("fields").and_then(Value::as_object).cloned().unwrap_or_default();
    if fields.contains_key("status") {
        return Err(ApiError::jira_field("status", "Field 'status' cannot be set. It is not on the appropriate screen, or unknown."));
    }
    let mut changes = apply_fields(&j, &site, &mut issue, &fields, false)?;
    // The `update` verbs Jira supports for the fields the sandbox has.
    if let Some(update) = b.get("update").and_then(Value::as_object) {
        for (field, ops) in update {
            let ops = ops.as_array().ok_or_else(bad_payload)?;
            for op in ops {
                let op = op.as_object().ok_or_else(bad_payload)?;
                for (verb, val) in op {
                    match (field.as_str(), verb.as_str()) {
                        ("labels", "add") => {
                            let l = labels(&json!([val]))?;
                            for x in l {
                                if !issue.labels.contains(&x) {
                                    issue.labels.push(x);
                                }
                            }
                        }
                        ("labels", "remove") => issue.labels.retain(|x| Some(x.as_str()) != val.as_str()),
                        (_, "set") => {
                            let mut m = Map::new();
                            m.insert(field.clone(), val.clone());
                            changes.extend(apply_fields(&j, &site, &mut issue, &m, false)?);
                        }
                        _ => return Err(ApiError::jira_field(field, format!("Field '{field}' does not support the '{verb}' operation."))),
                    }
                }
            }
        }
    }
    let now = j.sb.clock.now();
    issue.updated = now;
    site.issues[i] = issue;
    record_changes(&mut site, i, &me, changes, now);
    site.touch();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete(j: Jira, Path(key): Path<String>) -> Result<StatusCode, ApiError> {
    j.require_user()?;
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    let id = site.issues[i].id;
    // An epic's children are not its subtasks: they lose their parent with it.
    let epic = site.issues[i].issue_type_id == EPIC_TYPE;
    if !epic && site.issues.iter().any(|x| x.parent_id == Some(id)) && j.query.bool("deleteSubtasks") != Some(true) {
        return Err(ApiError::jira(StatusCode::BAD_REQUEST, "The issue has subtasks. Set deleteSubtasks to true to delete them too."));
    }
    for child in site.issues.iter_mut().filter(|x| epic && x.parent_id == Some(id)) {
        child.parent_id = None;
    }
    // The issue goes with its subtasks (an epic's children stay), and their worklogs are
    // remembered as deleted.
    let mut doomed = vec![id];
    doomed.extend(site.issues.iter().filter(|x| x.parent_id == Some(id)).map(|x| x.id));
    let now = j.sb.clock.now();
    for gone in &doomed {
        if let Some(ix) = site.issues.iter().position(|x| x.id == *gone) {
            site.remove_issue(ix, now);
        }
    }
    site.links.retain(|l| !doomed.contains(&l.inward_issue_id) && !doomed.contains(&l.outward_issue_id));
    site.touch();
    site.reindex();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

/// Every status is reachable from every other (Jira's simplified "all transitions" workflow);
/// a transition's id is fixed per target status.
pub(super) fn transition_id(site: &Site, status_id: u64) -> String {
    let pos = site.statuses.iter().position(|s| s.id == status_id).unwrap_or(0);
    ((pos + 1) * 10 + 1).to_string()
}

pub async fn transitions(j: Jira, Path(key): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let i = j.issue_ix(&site, &key)?;
    let api = j.api();
    let view = j.view(&site, &api);
    let current = site.issues[i].status_id;
    let only = j.query.get("transitionId");
    let list: Vec<Value> = site
        .statuses
        .iter()
        .filter(|s| s.id != current)
        .map(|s| {
            json!({"id": transition_id(&site, s.id), "name": s.name, "to": view.status(s), "hasScreen": false, "isGlobal": true,
                   "isInitial": false, "isAvailable": true, "isConditional": false, "isLooped": false})
        })
        .filter(|t| only.is_none_or(|id| t["id"] == id))
        .collect();
    Ok(Json(json!({"expand": "transitions", "transitions": list})))
}

pub async fn transition(j: Jira, Path(key): Path<String>, body: String) -> Result<StatusCode, ApiError> {
    let me = j.require_user()?.to_string();
    let b = parse_object(&body)?;
    let tid = b.get("transition").and_then(|t| t.get("id")).map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()));
    let tid = tid.ok_or_else(|| ApiError::jira(StatusCode::BAD_REQUEST, "Missing 'transition' identifier"))?;
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    let current = site.issues[i].status_id;
    let target = site
        .statuses
        .iter()
        .find(|s| s.id != current && transition_id(&site, s.id) == tid)
        .cloned()
        .ok_or_else(|| ApiError::jira(StatusCode::BAD_REQUEST, format!("Transition id '{tid}' is not valid for this issue.")))?;
    let done = site.status_category(target.category_id).is_some_and(|c| c.key == "done");
    let mut issue = site.issues[i].clone();
    let mut changes = Vec::new();
    if let Some(fields) = b.get("fields").and_then(Value::as_object) {
        changes = apply_fields(&j, &site, &mut issue, fields, false)?;
    }
    let now = j.sb.clock.now();
    let from = site.status(current).map(|s| s.name.clone());
    changes.push(ChangeItem {
        field: "status".into(),
        field_type: "jira".into(),
        field_id: "status".into(),
        from: Some(current.to_string()),
        from_string: from,
        to: Some(target.id.to_string()),
        to_string: Some(target.name.clone()),
    });
    issue.status_id = target.id;
    if done {
        issue.resolution_id = issue.resolution_id.or(site.resolutions.first().map(|r| r.id));
        issue.resolution_date = Some(now);
    } else {
        issue.resolution_id = None;
        issue.resolution_date = None;
    }
    site.issues[i] = issue;
    record_changes(&mut site, i, &me, changes, now);
    site.touch();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

pub async fn comments(j: Jira, Path(key): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let i = j.issue_ix(&site, &key)?;
    let issue = &site.issues[i];
    let mut list: Vec<&Comment> = issue.comments.iter().filter(|c| j.may_see(&site, &c.restriction)).collect();
    match j.query.get("orderBy") {
        None | Some("created") | Some("+created") => list.sort_by_key(|c| (c.created, c.id)),
        Some("-created") => list.sort_by_key(|c| std::cmp::Reverse((c.created, c.id))),
        Some(o) => return Err(ApiError::jira(StatusCode::BAD_REQUEST, format!("Invalid orderBy value: {o}"))),
    }
    let (start, end) = page_bounds(&j.query, 5000, 5000, list.len())?;
    let api = j.api();
    let view = j.view(&site, &api);
    let page: Vec<Value> = list[start..end].iter().map(|c| view.comment(issue, c)).collect();
    Ok(Json(json!({"startAt": start, "maxResults": j.query.int("maxResults", 5000)?.min(5000), "total": list.len(), "comments": page})))
}

fn body_text(j: &Jira, b: &Map<String, Value>, field: &str, required: bool) -> Result<Option<String>, ApiError> {
    match b.get(field) {
        None if required => Err(ApiError::jira_field(field, "Comment body can not be empty!")),
        None => Ok(None),
        Some(v) => {
            let t = render::rich_in(j.v, v).map_err(|m| ApiError::jira_field(field, m))?;
            if required && t.trim().is_empty() {
                return Err(ApiError::jira_field(field, "Comment body can not be empty!"));
            }
            Ok(Some(t))
        }
    }
}

pub async fn comment_create(j: Jira, Path(key): Path<String>, body: String) -> Result<(StatusCode, Json<Value>), ApiError> {
    let me = j.require_user()?.to_string();
    let b = parse_object(&body)?;
    if let Some(k) = b.keys().find(|k| !["body", "visibility", "properties"].contains(&k.as_str())) {
        return Err(ApiError::jira(StatusCode::BAD_REQUEST, format!("Unrecognized field \"{k}\"")));
    }
    let text = body_text(&j, &b, "body", true)?.unwrap_or_default();
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    let now = j.sb.clock.now();
    let id = site.next_id("comment", 10_000);
    let c = Comment { id, author_id: me.clone(), body: text, created: now, updated: now, update_author_id: me, restriction: restriction_of(&b)? };
    site.issues[i].comments.push(c.clone());
    site.issues[i].updated = now;
    site.touch();
    let api = j.api();
    let out = j.view(&site, &api).comment(&site.issues[i], &c);
    drop(site);
    j.sb.persist();
    Ok((StatusCode::CREATED, Json(out)))
}

fn comment_ix(issue: &Issue, id: &str) -> Result<usize, ApiError> {
    issue
        .comments
        .iter()
        .position(|c| c.id.to_string() == id)
        .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("Can not find a comment for the id: {id}.")))
}

pub async fn comment_get(j: Jira, Path((key, id)): Path<(String, String)>) -> ApiResult {
    let site = j.sb.site.read();
    let i = j.issue_ix(&site, &key)?;
    let c = comment_ix(&site.issues[i], &id)?;
    let api = j.api();
    Ok(Json(j.view(&site, &api).comment(&site.issues[i], &site.issues[i].comments[c])))
}

pub async fn comment_update(j: Jira, Path((key, id)): Path<(String, String)>, body: String) -> ApiResult {
    let me = j.require_user()?.to_string();
    let b = parse_object(&body)?;
    let text = body_text(&j, &b, "body", true)?.unwrap_or_default();
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    let c = comment_ix(&site.issues[i], &id)?;
    let now = j.sb.clock.now();
    {
        let cm = &mut site.issues[i].comments[c];
        cm.body = text;
        if b.contains_key("visibility") {
            cm.restriction = restriction_of(&b)?;
        }
        cm.updated = now;
        cm.update_author_id = me;
    }
    site.issues[i].updated = now;
    site.touch();
    let api = j.api();
    let out = j.view(&site, &api).comment(&site.issues[i], &site.issues[i].comments[c]);
    drop(site);
    j.sb.persist();
    Ok(Json(out))
}

pub async fn comment_delete(j: Jira, Path((key, id)): Path<(String, String)>) -> Result<StatusCode, ApiError> {
    j.require_user()?;
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    let c = comment_ix(&site.issues[i], &id)?;
    site.issues[i].comments.remove(c);
    site.issues[i].updated = j.sb.clock.now();
    site.touch();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

pub async fn worklogs(j: Jira, Path(key): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let i = j.issue_ix(&site, &key)?;
    let issue = &site.issues[i];
    let visible: Vec<&Worklog> = issue.worklogs.iter().filter(|w| j.may_see(&site, &w.restriction)).collect();
    let (start, end) = page_bounds(&j.query, 5000, 5000, visible.len())?;
    let api = j.api();
    let view = j.view(&site, &api);
    let page: Vec<Value> = visible[start..end].iter().map(|w| view.worklog(issue, w)).collect();
    Ok(Json(json!({"startAt": start, "maxResults": j.query.int("maxResults", 5000)?.min(5000), "total": visible.len(), "worklogs": page})))
}

/// Jira's duration text: `1w 2d 3h 4m` with 5-day weeks and 8-hour days.
fn parse_time_spent(s: &str) -> Option<i64> {
    let mut total = 0i64;
    for part in s.split_whitespace() {
        let (num, unit) = part.split_at(part.find(|c: char| !c.is_ascii_digit() && c != '.')?);
        let n: f64 = num.parse().ok()?;
        let mult = match unit {
            "w" => 5 * 8 * 3600,
            "d" => 8 * 3600,
            "h" => 3600,
            "m" => 60,
            _ => return None,
        } as f64;
        total += (n * mult) as i64;
    }
    (total > 0).then_some(total)
}

fn worklog_fields(j: &Jira, b: &Map<String, Value>, w: &mut Worklog) -> Result<(), ApiError> {
    if let Some(k) = b.keys().find(|k| !["timeSpent", "timeSpentSeconds", "started", "comment", "visibility", "properties"].contains(&k.as_str())) {
        return Err(ApiError::jira(StatusCode::BAD_REQUEST, format!("Unrecognized field \"{k}\"")));
    }
    if let Some(v) = b.get("timeSpentSeconds") {
        w.time_spent_seconds = v.as_i64().filter(|s| *s > 0).ok_or_else(|| ApiError::jira_field("timeLogged", "Time Spent must be greater than zero."))?;
    } else if let Some(v) = b.get("timeSpent") {
        w.time_spent_seconds = v.as_str().and_then(parse_time_spent).ok_or_else(|| ApiError::jira_field("timeLogged", "Invalid time duration entered."))?;
    }
    if let Some(v) = b.get("started") {
        w.started = parse_datetime(v, "started")?.ok_or_else(|| ApiError::jira_field("started", "You must specify when the work was started."))?;
    }
    if let Some(t) = body_text(j, b, "comment", false)? {
        w.comment = t;
    }
    if b.contains_key("visibility") {
        w.restriction = restriction_of(b)?;
    }
    Ok(())
}

pub async fn worklog_create(j: Jira, Path(key): Path<String>, body: String) -> Result<(StatusCode, Json<Value>), ApiError> {
    let me = j.require_user()?.to_string();
    let b = parse_object(&body)?;
    if !b.contains_key("timeSpent") && !b.contains_key("timeSpentSeconds") {
        return Err(ApiError::jira_field("timeLogged", "You must indicate the time spent working."));
    }
    let now = j.sb.clock.now();
    let mut w = Worklog { id: 0, author_id: me, comment: String::new(), started: now, time_spent_seconds: 0, created: now, updated: now, restriction: None };
    worklog_fields(&j, &b, &mut w)?;
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    w.id = site.next_id("worklog", 10_000);
    site.issues[i].worklogs.push(w.clone());
    site.issues[i].updated = now;
    site.touch();
    let api = j.api();
    let out = j.view(&site, &api).worklog(&site.issues[i], &w);
    drop(site);
    j.sb.persist();
    Ok((StatusCode::CREATED, Json(out)))
}

fn worklog_ix(issue: &Issue, id: &str) -> Result<usize, ApiError> {
    issue
        .worklogs
        .iter()
        .position(|w| w.id.to_string() == id)
        .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("Cannot find worklog with id: {id}")))
}

pub async fn worklog_get(j: Jira, Path((key, id)): Path<(String, String)>) -> ApiResult {
    let site = j.sb.site.read();
    let i = j.issue_ix(&site, &key)?;
    let w = worklog_ix(&site.issues[i], &id)?;
    let api = j.api();
    Ok(Json(j.view(&site, &api).worklog(&site.issues[i], &site.issues[i].worklogs[w])))
}

pub async fn worklog_update(j: Jira, Path((key, id)): Path<(String, String)>, body: String) -> ApiResult {
    j.require_user()?;
    let b = parse_object(&body)?;
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    let wi = worklog_ix(&site.issues[i], &id)?;
    let mut w = site.issues[i].worklogs[wi].clone();
    worklog_fields(&j, &b, &mut w)?;
    let now = j.sb.clock.now();
    w.updated = now;
    site.issues[i].worklogs[wi] = w.clone();
    site.issues[i].updated = now;
    site.touch();
    let api = j.api();
    let out = j.view(&site, &api).worklog(&site.issues[i], &w);
    drop(site);
    j.sb.persist();
    Ok(Json(out))
}

pub async fn worklog_delete(j: Jira, Path((key, id)): Path<(String, String)>) -> Result<StatusCode, ApiError> {
    j.require_user()?;
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    let w = worklog_ix(&site.issues[i], &id)?;
    let now = j.sb.clock.now();
    let gone = site.issues[i].worklogs.remove(w);
    site.deleted_worklogs.push(DeletedWorklog { id: gone.id, deleted: now });
    site.issues[i].updated = now;
    site.touch();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

pub async fn changelog(j: Jira, Path(key): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let i = j.issue_ix(&site, &key)?;
    let issue = &site.issues[i];
    let (start, end) = page_bounds(&j.query, 100, 100, issue.changelog.len())?;
    let api = j.api();
    let view = j.view(&site, &api);
    let max = j.query.int("maxResults", 100)?.min(100);
    let values: Vec<Value> = issue.changelog[start..end].iter().map(|g| view.change_group(g)).collect();
    let is_last = end >= issue.changelog.len();
    let mut o = json!({
        "self": format!("{api}/issue/{}/changelog?startAt={start}&maxResults={max}", issue.key),
        "maxResults": max, "startAt": start, "total": issue.changelog.len(), "isLast": is_last, "values": values,
    });
    if !is_last {
        o["nextPage"] = json!(format!("{api}/issue/{}/changelog?startAt={end}&maxResults={max}", issue.key));
    }
    Ok(Json(o))
}

pub async fn link_create(j: Jira, body: String) -> Result<StatusCode, ApiError> {
    j.require_user()?;
    let b = parse_object(&body)?;
    let mut site = j.sb.site.write();
    let ty = b.get("type").and_then(reference).ok_or_else(|| ApiError::jira(StatusCode::BAD_REQUEST, "Issue link type must be specified."))?;
    let type_id = site
        .link_types
        .iter()
        .find(|t| ty.0.as_deref() == Some(&t.id.to_string()) || ty.1.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&t.name)))
        .map(|t| t.id)
        .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("No issue link type with name '{}' found.", ty.1.or(ty.0).unwrap_or_default())))?;
    let side = |k: &str| -> Result<u64, ApiError> {
        let key = b
            .get(k)
            .and_then(|v| v.get("key").or_else(|| v.get("id")))
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::jira(StatusCode::BAD_REQUEST, format!("The {k} must be specified.")))?;
        let i = j.issue_ix(&site, key)?;
        Ok(site.issues[i].id)
    };
    let (inward, outward) = (side("inwardIssue")?, side("outwardIssue")?);
    if inward == outward {
        return Err(ApiError::jira(StatusCode::BAD_REQUEST, "You cannot link an issue to itself."));
    }
    let id = site.next_id("issuelink", 10_000);
    site.links.push(IssueLink { id, type_id, inward_issue_id: inward, outward_issue_id: outward });
    site.touch();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::CREATED)
}

fn link_ix(j: &Jira, site: &Site, id: &str) -> Result<usize, ApiError> {
    let nf = || ApiError::jira(StatusCode::NOT_FOUND, format!("No issue link with id '{id}' exists."));
    let i = site.links.iter().position(|l| l.id.to_string() == id).ok_or_else(nf)?;
    let l = &site.links[i];
    for side in [l.inward_issue_id, l.outward_issue_id] {
        j.issue_ix(site, &side.to_string()).map_err(|_| nf())?;
    }
    Ok(i)
}

pub async fn link_get(j: Jira, Path(id): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let i = link_ix(&j, &site, &id)?;
    let api = j.api();
    Ok(Json(j.view(&site, &api).link(&site.links[i], None)))
}

pub async fn link_delete(j: Jira, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    j.require_user()?;
    let mut site = j.sb.site.write();
    let i = link_ix(&j, &site, &id)?;
    site.links.remove(i);
    site.touch();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /rest/api/3/changelog/bulkfetch` (Cloud): the changelogs of up to 1000 issues, of up to
/// 10 fields, oldest first (then by issue id), `maxResults` histories a page (default 1000, at most
/// 10000), paged by `nextPageToken`; the last page has none. Issues the caller cannot see are left out.
pub async fn bulk_changelogs(j: Jira, body: String) -> ApiResult {
    let bad = |m: &str| ApiError::jira(StatusCode::BAD_REQUEST, m);
    let b: Map<String, Value> = match serde_json::from_str::<Value>(&body) {
        Ok(Value::Object(m)) => m,
        _ => return Err(bad_payload()),
    };
    if let Some(k) = b.keys().find(|k| !["issueIdsOrKeys", "fieldIds", "maxResults", "nextPageToken"].contains(&k.as_str())) {
        return Err(bad(&format!("Unrecognized field \"{k}\"")));
    }
    let strings = |k: &str| -> Result<Vec<String>, ApiError> {
        match b.get(k) {
            None => Ok(Vec::new()),
            Some(Value::Array(a)) => a.iter().map(|v| v.as_str().map(str::to_string).ok_or_else(bad_payload)).collect(),
            Some(_) => Err(bad_payload()),
        }
    };
    let wanted = strings("issueIdsOrKeys")?;
    if wanted.is_empty() || wanted.len() > 1000 {
        return Err(bad("Provide between 1 and 1000 issue IDs or keys."));
    }
    let fields = strings("fieldIds")?;
    if fields.len() > 10 {
        return Err(bad("Provide up to 10 field IDs."));
    }
    let max = match b.get("maxResults") {
        None => 1000,
        Some(v) => v.as_i64().filter(|n| (1..=10_000).contains(n)).ok_or_else(|| bad("maxResults must be between 1 and 10000."))? as usize,
    };
    let offset = match b.get("nextPageToken").and_then(Value::as_str) {
        None => 0,
        Some(t) => t.parse::<usize>().map_err(|_| bad("The provided next page token is invalid."))?,
    };
    let site = j.sb.site.read();
    let api = j.api();
    let view = j.view(&site, &api);
    // (created, issue id, history) of every wanted change, oldest first.
    let mut all: Vec<(DateTime<Utc>, u64, Value)> = Vec::new();
    for key in &wanted {
        let Ok(i) = j.issue_ix(&site, key) else { continue };
        let issue = &site.issues[i];
        for g in &issue.changelog {
            let mut h = view.change_group(g);
            if !fields.is_empty() {
                if let Some(items) = h.get_mut("items").and_then(Value::as_array_mut) {
                    items.retain(|it| it.get("fieldId").and_then(Value::as_str).is_some_and(|f| fields.iter().any(|w| w == f)));
                    if items.is_empty() {
                        continue;
                    }
                }
            }
            all.push((g.created, issue.id, h));
        }
    }
    all.sort_by_key(|(when, id, _)| (*when, *id));
    let end = (offset + max).min(all.len());
    let mut logs: Vec<Value> = Vec::new();
    for (_, id, h) in all.get(offset.min(all.len())..end).unwrap_or_default() {
        let id = id.to_string();
        match logs.last_mut() {
            Some(last) if last["issueId"] == id.as_str() => last["changeHistories"].as_array_mut().expect("histories").push(h.clone()),
            _ => logs.push(json!({"issueId": id, "changeHistories": [h]})),
        }
    }
    let mut out = json!({"issueChangeLogs": logs});
    if end < all.len() {
        out["nextPageToken"] = json!(end.to_string());
    }
    Ok(Json(out))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::testing::{As, TestSite};
    use crate::config::Flavor;

    /// Moves the clock on, does the request (which must answer `status`), and checks the issue's
    /// `updated` is the new now.
    async fn moves_updated(ts: &TestSite, method: &str, path: &str, body: Option<Value>, status: u16) -> Value {
        ts.sb.clock.advance(120);
        let (s, out) = ts.call(As::Alice, method, path, body.as_ref()).await;
        assert_eq!(s, status, "{method} {path}: {out}");
        let issue = ts.get("/rest/api/2/issue/ENG-4?fields=updated").await;
        assert_eq!(issue["fields"]["updated"], super::render::ts(ts.sb.clock.now()), "{method} {path} moves the issue's updated");
        out
    }

    #[tokio::test]
    async fn comment_and_worklog_changes_move_the_issues_updated() {
        let ts = TestSite::new(Flavor::Cloud);
        let base = "/rest/api/2/issue/ENG-4";
        let c = moves_updated(&ts, "POST", &format!("{base}/comment"), Some(json!({"body": "First"})), 201).await;
        let c = c["id"].as_str().unwrap().to_string();
        moves_updated(&ts, "PUT", &format!("{base}/comment/{c}"), Some(json!({"body": "Edited"})), 200).await;
        moves_updated(&ts, "DELETE", &format!("{base}/comment/{c}"), None, 204).await;
        let w = moves_updated(&ts, "POST", &format!("{base}/worklog"), Some(json!({"timeSpent": "1h"})), 201).await;
        let w = w["id"].as_str().unwrap().to_string();
        moves_updated(&ts, "PUT", &format!("{base}/worklog/{w}"), Some(json!({"timeSpent": "2h"})), 200).await;
        moves_updated(&ts, "DELETE", &format!("{base}/worklog/{w}"), None, 204).await;
    }

    #[tokio::test]
    async fn deleting_an_issue_with_its_subtasks_deletes_their_worklogs_too() {
        let ts = TestSite::new(Flavor::Cloud);
        let mut keys = Vec::new();
        for (ty, parent) in [(json!({"name": "Task"}), None), (json!({"id": "10008"}), Some(0))] {
            let mut fields = json!({"project": {"key": "OPS"}, "issuetype": ty, "summary": "Parent or child"});
            if let Some(p) = parent {
                fields["parent"] = json!({"key": keys[p]});
            }
            let (s, v) = ts.call(As::Alice, "POST", "/rest/api/2/issue", Some(&json!({"fields": fields}))).await;
            assert_eq!(s, 201, "{v}");
            keys.push(v["key"].as_str().unwrap().to_string());
        }
        let (parent, sub) = (&keys[0], &keys[1]);
        let (s, w) = ts.call(As::Alice, "POST", &format!("/rest/api/2/issue/{sub}/worklog"), Some(&json!({"timeSpent": "1h"}))).await;
        assert_eq!(s, 201, "{w}");
        assert_eq!(ts.call(As::Alice, "DELETE", &format!("/rest/api/2/issue/{parent}"), None).await.0, 400, "it has a subtask");
        assert_eq!(ts.call(As::Alice, "DELETE", &format!("/rest/api/2/issue/{parent}?deleteSubtasks=true"), None).await.0, 204);
        assert_eq!(ts.call(As::Alice, "GET", &format!("/rest/api/2/issue/{sub}"), None).await.0, 404);
        let deleted: Vec<u64> = ts.sb.site.read().deleted_worklogs.iter().map(|d| d.id).collect();
        assert_eq!(deleted, vec![w["id"].as_str().unwrap().parse::<u64>().unwrap()]);
    }
}
