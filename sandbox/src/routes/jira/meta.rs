//! Jira's reference data: projects, components, versions, fields, issue types, statuses,
//! priorities, resolutions, users, groups, filters.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::render::{self, View, SYSTEM_FIELDS};
use super::{page_bounds, Jira};
use crate::errors::{ApiError, ApiResult};
use crate::model::*;

impl Jira {
    pub fn view<'a>(&'a self, site: &'a Site, api: &'a str) -> View<'a> {
        View { site, api, base: &self.base, v: self.v, emails: self.who.is_admin(site), cloud: self.sb.config.flavor == crate::config::Flavor::Cloud }
    }
    pub fn visible_projects<'a>(&self, site: &'a Site) -> Vec<&'a Project> {
        site.projects.iter().filter(|p| self.who.can_see(site, &p.visibility)).collect()
    }
    pub fn find_project<'a>(&self, site: &'a Site, key: &str) -> Result<&'a Project, ApiError> {
        site.project_by_key_or_id(key)
            .filter(|p| self.who.can_see(site, &p.visibility))
            .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("No project could be found with key '{key}'.")))
    }
}

/// A `PageBean` of `values` with `startAt`/`maxResults`/`total`/`isLast`.
pub(crate) fn page_bean(j: &Jira, path: &str, all: Vec<Value>, default_max: i64, cap: i64) -> ApiResult {
    let (start, end) = page_bounds(&j.query, default_max, cap, all.len())?;
    let max = j.query.int("maxResults", default_max)?.min(cap);
    let is_last = end >= all.len();
    let mut o = json!({
        "self": format!("{}{}?startAt={start}&maxResults={max}", j.api(), path),
        "maxResults": max,
        "startAt": start,
        "total": all.len(),
        "isLast": is_last,
        "values": all[start..end].to_vec(),
    });
    if !is_last {
        o["nextPage"] = json!(format!("{}{}?startAt={end}&maxResults={max}", j.api(), path));
    }
    Ok(Json(o))
}

pub async fn server_info(j: Jira) -> ApiResult {
    let dc = j.v == 2 && j.sb.config.flavor == crate::config::Flavor::Datacenter;
    Ok(Json(json!({
        "baseUrl": j.base,
        "version": if dc { "9.12.2" } else { "1001.0.0-SNAPSHOT" },
        "versionNumbers": if dc { json!([9, 12, 2]) } else { json!([1001, 0, 0]) },
        "deploymentType": if dc { "Server" } else { "Cloud" },
        "buildNumber": 100_240,
        "buildDate": "2024-01-01T00:00:00.000+0000",
        "serverTime": render::ts(j.sb.clock.now()),
        "scmInfo": "sandbox",
        "serverTitle": "Atlassian Sandbox",
    })))
}

pub async fn myself(j: Jira) -> ApiResult {
    let id = j.require_user()?.to_string();
    let site = j.sb.site.read();
    let u = site.user(&id).ok_or_else(|| ApiError::jira(StatusCode::UNAUTHORIZED, "You are not authenticated."))?;
    let api = j.api();
    let mut o = render::user(&api, &j.base, u, true);
    o["groups"] = json!({"size": u.groups.len(), "items": []});
    o["applicationRoles"] = json!({"size": 1, "items": []});
    o["locale"] = json!("en_US");
    Ok(Json(o))
}

fn project_full(j: &Jira, site: &Site, p: &Project, api: &str) -> Value {
    let view = j.view(site, api);
    let mut o = view.project_ref(p);
    o["description"] = json!(p.description);
    o["lead"] = view.user_id(&p.lead_account_id);
    if let Some(u) = &p.url {
        o["url"] = json!(u);
    }
    o["components"] = Value::Array(p.components.iter().map(|c| view.component(p, c)).collect());
    o["issueTypes"] = Value::Array(site.issue_types.iter().map(|t| view.issue_type(t)).collect());
    o["versions"] = Value::Array(p.versions.iter().map(|v| view.version(p, v)).collect());
    o["assigneeType"] = json!("UNASSIGNED");
    o["style"] = json!("classic");
    o["isPrivate"] = json!(!matches!(p.visibility, Visibility::Public));
    o["properties"] = json!({});
    o
}

pub async fn projects_all(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    let api = j.api();
    let view = j.view(&site, &api);
    let expand = j.query.all("expand");
    Ok(Json(Value::Array(j.visible_projects(&site).into_iter().map(|p| view.project_expanded(p, &expand)).collect())))
}

pub async fn project_search(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    let api = j.api();
    let view = j.view(&site, &api);
    let query = j.query.get("query").map(str::to_lowercase);
    let keys = j.query.all("keys");
    let ids = j.query.all("id");
    let mut projects: Vec<&Project> = j
        .visible_projects(&site)
        .into_iter()
        .filter(|p| query.as_ref().is_none_or(|q| p.key.to_lowercase().contains(q) || p.name.to_lowercase().contains(q)))
        .filter(|p| keys.is_empty() || keys.iter().any(|k| k.eq_ignore_ascii_case(&p.key)))
        .filter(|p| ids.is_empty() || ids.iter().any(|i| *i == p.id.to_string()))
        .collect();
    match j.query.get("orderBy").unwrap_or("key") {
        "key" | "+key" => projects.sort_by(|a, b| a.key.cmp(&b.key)),
        "-key" => projects.sort_by(|a, b| b.key.cmp(&a.key)),
        "name" | "+name" => projects.sort_by(|a, b| a.name.cmp(&b.name)),
        "-name" => projects.sort_by(|a, b| b.name.cmp(&a.name)),
        "id" | "+id" => projects.sort_by_key(|p| p.id),
        "-id" => projects.sort_by_key(|p| std::cmp::Reverse(p.id)),
        other => return Err(ApiError::jira(StatusCode::BAD_REQUEST, format!("Invalid orderBy value: {other}"))),
    }
    let expand = j.query.all("expand");
    let values = projects.into_iter().map(|p| {
        let mut o = view.project_expanded(p, &expand);
        o["isPrivate"] = json!(!matches!(p.visibility, Visibility::Public));
        o["style"] = json!("classic");
        o["properties"] = json!({});
        o
    });
    page_bean(&j, "/project/search", values.collect(), 50, 100)
}

pub async fn project_get(j: Jira, Path(key): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let p = j.find_project(&site, &key)?;
    let api = j.api();
    Ok(Json(project_full(&j, &site, p, &api)))
}

pub async fn project_components(j: Jira, Path(key): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let p = j.find_project(&site, &key)?;
    let api = j.api();
    let view = j.view(&site, &api);
    Ok(Json(Value::Array(p.components.iter().map(|c| view.component(p, c)).collect())))
}

pub async fn project_components_page(j: Jira, Path(key): Path<String>) -> ApiResult {
    let values = {
        let site = j.sb.site.read();
        let p = j.find_project(&site, &key)?;
        let api = j.api();
        let view = j.view(&site, &api);
        p.components
            .iter()
            .map(|c| {
                // The paged list speaks `ComponentWithIssueCount`: no lead account id, an issue count.
                let mut o = view.component(p, c);
                if let Some(m) = o.as_object_mut() {
                    m.remove("leadAccountId");
                    m.insert("issueCount".into(), json!(site.issues.iter().filter(|i| i.component_ids.contains(&c.id)).count()));
                }
                o
            })
            .collect()
    };
    page_bean(&j, &format!("/project/{key}/component"), values, 50, 100)
}

pub async fn project_versions(j: Jira, Path(key): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let p = j.find_project(&site, &key)?;
    let api = j.api();
    let view = j.view(&site, &api);
    Ok(Json(Value::Array(p.versions.iter().map(|v| view.version(p, v)).collect())))
}

pub async fn project_versions_page(j: Jira, Path(key): Path<String>) -> ApiResult {
    let values = {
        let site = j.sb.site.read();
        let p = j.find_project(&site, &key)?;
        let api = j.api();
        let view = j.view(&site, &api);
        p.versions.iter().map(|v| view.version(p, v)).collect()
    };
    page_bean(&j, &format!("/project/{key}/version"), values, 50, 100)
}

fn parse_body(body: &str) -> Result<serde_json::Map<String, Value>, ApiError> {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(ApiError::jira(StatusCode::BAD_REQUEST, "Invalid request payload. Refer to the REST API documentation and try again.")),
    }
}

/// Rejects fields the resource does not have, as Jira's JSON binding does.
fn only_known(body: &serde_json::Map<String, Value>, known: &[&str]) -> Result<(), ApiError> {
    match body.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(ApiError::jira(StatusCode::BAD_REQUEST, format!("Unrecognized field \"{k}\""))),
        None => Ok(()),
    }
}

fn str_field<'a>(body: &'a serde_json::Map<String, Value>, k: &str) -> Result<Option<&'a str>, ApiError> {
    match body.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::jira_field(k, format!("The {k} must be a string."))),
    }
}

/// Locates a component or version by id across projects: (project index, item index).
fn locate<T>(site: &Site, id: &str, items: impl Fn(&Project) -> &Vec<T>, item_id: impl Fn(&T) -> u64) -> Option<(usize, usize)> {
    let id: u64 = id.parse().ok()?;
    site.projects.iter().enumerate().find_map(|(pi, p)| items(p).iter().position(|x| item_id(x) == id).map(|ii| (pi, ii)))
}

const COMPONENT_FIELDS: &[&str] = &["name", "description", "project", "projectId", "leadAccountId", "assigneeType", "leadUserName"];

pub async fn component_create(j: Jira, body: String) -> Result<(StatusCode, Json<Value>), ApiError> {
    j.require_user()?;
    let b = parse_body(&body)?;
    only_known(&b, COMPONENT_FIELDS)?;
    let name = str_field(&b, "name")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::jira_field("name", "The component name must not be empty."))?
        .to_string();
    let project_key = str_field(&b, "project")?.map(str::to_string).or_else(|| b.get("projectId").map(|v| v.to_string().trim_matches('"').to_string()));
    let project_key = project_key.ok_or_else(|| ApiError::jira_field("project", "The project must be specified."))?;
    let mut site = j.sb.site.write();
    let pi = site.projects.iter().position(|p| p.key.eq_ignore_ascii_case(&project_key) || p.id.to_string() == project_key);
    let pi = pi
        .filter(|&i| j.who.can_see(&site, &site.projects[i].visibility))
        .ok_or_else(|| ApiError::jira_field("project", format!("No project could be found with key '{project_key}'.")))?;
    if site.projects[pi].components.iter().any(|c| c.name.eq_ignore_ascii_case(&name)) {
        return Err(ApiError::jira_field("name", format!("A component with the name {name} already exists in this project.")));
    }
    let id = site.next_id("component", 20_000);
    let c = Component {
        id,
        name,
        description: str_field(&b, "description")?.unwrap_or("").to_string(),
        lead_account_id: str_field(&b, "leadAccountId")?.map(str::to_string),
    };
    site.projects[pi].components.push(c.clone());
    site.touch();
    let api = j.api();
    let out = j.view(&site, &api).component(&site.projects[pi], &c);
    drop(site);
    j.sb.persist();
    Ok((StatusCode::CREATED, Json(out)))
}

pub async fn component_get(j: Jira, Path(id): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let (pi, ci) = locate(&site, &id, |p| &p.components, |c| c.id)
        .filter(|(pi, _)| j.who.can_see(&site, &site.projects[*pi].visibility))
        .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("The component with id {id} does not exist.")))?;
    let api = j.api();
    Ok(Json(j.view(&site, &api).component(&site.projects[pi], &site.projects[pi].components[ci])))
}

pub async fn component_update(j: Jira, Path(id): Path<String>, body: String) -> ApiResult {
    j.require_user()?;
    let b = parse_body(&body)?;
    only_known(&b, COMPONENT_FIELDS)?;
    let mut site = j.sb.site.write();
    let (pi, ci) = locate(&site, &id, |p| &p.components, |c| c.id)
        .filter(|(pi, _)| j.who.can_see(&site, &site.projects[*pi].visibility))
        .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("The component with id {id} does not exist.")))?;
    if let Some(n) = str_field(&b, "name")? {
        if n.trim().is_empty() {
            return Err(ApiError::jira_field("name", "The component name must not be empty."));
        }
        site.projects[pi].components[ci].name = n.to_string();
    }
    if let Some(d) = str_field(&b, "description")? {
        site.projects[pi].components[ci].description = d.to_string();
    }
    if b.contains_key("leadAccountId") {
        site.projects[pi].components[ci].lead_account_id = str_field(&b, "leadAccountId")?.map(str::to_string);
    }
    site.touch();
    let api = j.api();
    let out = j.view(&site, &api).component(&site.projects[pi], &site.projects[pi].components[ci]);
    drop(site);
    j.sb.persist();
    Ok(Json(out))
}

pub async fn component_delete(j: Jira, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    j.require_user()?;
    let mut site = j.sb.site.write();
    let (pi, ci) = locate(&site, &id, |p| &p.components, |c| c.id)
        .filter(|(pi, _)| j.who.can_see(&site, &site.projects[*pi].visibility))
        .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("The component with id {id} does not exist.")))?;
    let cid = site.projects[pi].components.remove(ci).id;
    for issue in site.issues.iter_mut() {
        issue.component_ids.retain(|c| *c != cid);
    }
    site.touch();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

const VERSION_FIELDS: &[&str] =
    &["name", "description", "project", "projectId", "released", "archived", "releaseDate", "startDate", "userReleaseDate", "userStartDate"];

fn date_field(b: &serde_json::Map<String, Value>, k: &str) -> Result<Option<chrono::NaiveDate>, ApiError> {
    match str_field(b, k)? {
        None => Ok(None),
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ApiError::jira_field(k, format!("The {k} date format is invalid. Use yyyy-MM-dd."))),
    }
}

fn bool_field(b: &serde_json::Map<String, Value>, k: &str) -> Result<Option<bool>, ApiError> {
    match b.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(x)) => Ok(Some(*x)),
        Some(_) => Err(ApiError::jira(StatusCode::BAD_REQUEST, format!("Invalid request payload: {k} must be a boolean."))),
    }
}

pub async fn version_create(j: Jira, body: String) -> Result<(StatusCode, Json<Value>), ApiError> {
    j.require_user()?;
    let b = parse_body(&body)?;
    only_known(&b, VERSION_FIELDS)?;
    let name = str_field(&b, "name")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::jira_field("name", "You must specify a valid version name"))?
        .to_string();
    let project_key = str_field(&b, "project")?.map(str::to_string).or_else(|| b.get("projectId").map(|v| v.to_string().trim_matches('"').to_string()));
    let project_key = project_key.ok_or_else(|| ApiError::jira_field("project", "Project must be specified to create a version."))?;
    let mut site = j.sb.site.write();
    let pi = site.projects.iter().position(|p| p.key.eq_ignore_ascii_case(&project_key) || p.id.to_string() == project_key);
    let pi = pi.filter(|&i| j.who.can_see(&site, &site.projects[i].visibility)).ok_or_else(|| {
        ApiError::jira_field(
            "project",
            format!("Project with key '{project_key}' either does not exist or you do not have permission to create versions in it."),
        )
    })?;
    if site.projects[pi].versions.iter().any(|v| v.name == name) {
        return Err(ApiError::jira_field("name", "A version with this name already exists in this project."));
    }
    let id = site.next_id("version", 20_000);
    let v = ProjectVersion {
        id,
        name,
        description: str_field(&b, "description")?.unwrap_or("").to_string(),
        released: bool_field(&b, "released")?.unwrap_or(false),
        archived: bool_field(&b, "archived")?.unwrap_or(false),
        release_date: date_field(&b, "releaseDate")?,
        start_date: date_field(&b, "startDate")?,
    };
    site.projects[pi].versions.push(v.clone());
    site.touch();
    let api = j.api();
    let out = j.view(&site, &api).version(&site.projects[pi], &v);
    drop(site);
    j.sb.persist();
    Ok((StatusCode::CREATED, Json(out)))
}

pub async fn version_get(j: Jira, Path(id): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let (pi, vi) = locate(&site, &id, |p| &p.versions, |v| v.id)
        .filter(|(pi, _)| j.who.can_see(&site, &site.projects[*pi].visibility))
        .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("Could not find version for id '{id}'")))?;
    let api = j.api();
    Ok(Json(j.view(&site, &api).version(&site.projects[pi], &site.projects[pi].versions[vi])))
}

pub async fn version_update(j: Jira, Path(id): Path<String>, body: String) -> ApiResult {
    j.require_user()?;
    let b = parse_body(&body)?;
    only_known(&b, VERSION_FIELDS)?;
    let mut site = j.sb.site.write();
    let (pi, vi) = locate(&site, &id, |p| &p.versions, |v| v.id)
        .filter(|(pi, _)| j.who.can_see(&site, &site.projects[*pi].visibility))
        .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("Could not find version for id '{id}'")))?;
    let (name, desc, rel, arch, rd, sd) = (
        str_field(&b, "name")?,
        str_field(&b, "description")?,
        bool_field(&b, "released")?,
        bool_field(&b, "archived")?,
        date_field(&b, "releaseDate")?,
        date_field(&b, "startDate")?,
    );
    let v = &mut site.projects[pi].versions[vi];
    if let Some(n) = name {
        if n.trim().is_empty() {
            return Err(ApiError::jira_field("name", "You must specify a valid version name"));
        }
        v.name = n.to_string();
    }
    if let Some(d) = desc {
        v.description = d.to_string();
    }
    if let Some(x) = rel {
        v.released = x;
    }
    if let Some(x) = arch {
        v.archived = x;
    }
    if rd.is_some() {
        v.release_date = rd;
    }
    if sd.is_some() {
        v.start_date = sd;
    }
    site.touch();
    let api = j.api();
    let out = j.view(&site, &api).version(&site.projects[pi], &site.projects[pi].versions[vi]);
    drop(site);
    j.sb.persist();
    Ok(Json(out))
}

pub async fn version_delete(j: Jira, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    remove_version(&j, &id, None)
}

/// Data Center's `POST /rest/api/2/version/{id}/removeAndSwap`: the version goes; issues that had
/// it as a fix version get `moveFixIssuesTo` instead when given, else lose it.
pub async fn version_remove_and_swap(j: Jira, Path(id): Path<String>, body: String) -> Result<StatusCode, ApiError> {
    let swap: Value = if body.trim().is_empty() {
        json!({})
    } else {
        serde_json::from_str(&body).map_err(|_| ApiError::jira(StatusCode::BAD_REQUEST, "The request body is not valid JSON."))?
    };
    let to = match swap.get("moveFixIssuesTo") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                .ok_or_else(|| ApiError::jira(StatusCode::BAD_REQUEST, "moveFixIssuesTo must be a version id"))?,
        ),
    };
    remove_version(&j, &id, to)
}

fn remove_version(j: &Jira, id: &str, swap_to: Option<u64>) -> Result<StatusCode, ApiError> {
    j.require_user()?;
    let mut site = j.sb.site.write();
    let (pi, vi) = locate(&site, id, |p| &p.versions, |v| v.id)
        .filter(|(pi, _)| j.who.can_see(&site, &site.projects[*pi].visibility))
        .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("Could not find version for id '{id}'")))?;
    if let Some(to) = swap_to {
        if to.to_string() == id || !site.projects[pi].versions.iter().any(|v| v.id == to) {
            return Err(ApiError::jira(StatusCode::BAD_REQUEST, format!("The version {to} to move issues to is not another version of the project")));
        }
    }
    let vid = site.projects[pi].versions.remove(vi).id;
    for issue in site.issues.iter_mut() {
        if issue.fix_version_ids.contains(&vid) {
            issue.fix_version_ids.retain(|v| *v != vid);
            if let Some(to) = swap_to.filter(|to| !issue.fix_version_ids.contains(to)) {
                issue.fix_version_ids.push(to);
            }
        }
    }
    site.touch();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

fn custom_schema(f: &CustomField) -> Value {
    let (ty, items) = match f.kind {
        CustomFieldKind::Number => ("number", None),
        CustomFieldKind::Date => ("date", None),
        CustomFieldKind::DateTime => ("datetime", None),
        CustomFieldKind::Text => ("string", None),
        CustomFieldKind::Select => ("option", None),
        CustomFieldKind::MultiSelect => ("array", Some("option")),
        CustomFieldKind::MultiUser => ("array", Some("user")),
        CustomFieldKind::Sprint => ("array", Some("json")),
    };
    let mut s = json!({"type": ty, "custom": f.type_key(), "customId": f.number});
    if let Some(i) = items {
        s["items"] = json!(i);
    }
    s
}

fn system_schema(id: &str) -> Value {
    let (ty, items) = match id {
        "summary" | "environment" => ("string", None),
        "description" => ("string", None),
        "status" => ("status", None),
        "issuetype" => ("issuetype", None),
        "priority" => ("priority", None),
        "resolution" => ("resolution", None),
        "assignee" | "reporter" | "creator" => ("user", None),
        "labels" => ("array", Some("string")),
        "components" => ("array", Some("component")),
        "fixVersions" | "versions" => ("array", Some("version")),
        "created" | "updated" | "resolutiondate" | "lastViewed" | "statuscategorychangedate" => ("datetime", None),
        "duedate" => ("date", None),
        "project" => ("project", None),
        "parent" => ("issuelink", None),
        "subtasks" => ("array", Some("issuelinks")),
        "issuelinks" => ("array", Some("issuelinks")),
        "comment" => ("comments-page", None),
        "worklog" => ("array", Some("worklog")),
        "timespent" | "aggregatetimespent" => ("number", None),
        "watches" => ("watches", None),
        "attachment" => ("array", Some("attachment")),
        "votes" => ("votes", None),
        _ => ("any", None),
    };
    let mut s = json!({"type": ty, "system": id});
    if let Some(i) = items {
        s["items"] = json!(i);
    }
    s
}

fn all_fields(site: &Site) -> Vec<Value> {
    let mut out = Vec::new();
    for (id, name, nav) in SYSTEM_FIELDS {
        let clause = match *id {
            "issuetype" => vec!["issuetype", "type"],
            "fixVersions" => vec!["fixVersion"],
            "components" => vec!["component"],
            "resolutiondate" => vec!["resolutiondate", "resolved"],
            "duedate" => vec!["duedate", "due"],
            "created" => vec!["created", "createdDate"],
            "updated" => vec!["updated", "updatedDate"],
            "comment" => vec!["comment"],
            "issuelinks" => vec!["issueLink"],
            other => vec![other],
        };
        out.push(json!({
            "id": id, "key": id, "name": name, "custom": false, "orderable": *nav, "navigable": *nav, "searchable": true,
            "clauseNames": clause, "schema": system_schema(id),
        }));
    }
    out.extend(site.custom_fields.iter().map(custom_field_details));
    out
}

/// A custom field as `GET /field` lists it (`FieldDetails`).
fn custom_field_details(f: &CustomField) -> Value {
    json!({
        "id": f.field_id(), "key": f.field_id(), "name": f.name, "custom": true, "orderable": true, "navigable": true,
        "searchable": f.searcher_key().is_some(),
        "clauseNames": [format!("cf[{}]", f.number), f.name.clone()],
        "schema": custom_schema(f),
    })
}

pub async fn fields(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    Ok(Json(Value::Array(all_fields(&site))))
}

pub async fn fields_search(j: Jira) -> ApiResult {
    let all = {
        let site = j.sb.site.read();
        let q = j.query.get("query").map(str::to_lowercase);
        let ty = j.query.all("type");
        let custom =
            |f: &Value| f["id"].as_str().and_then(|id| id.strip_prefix("customfield_")).and_then(|n| n.parse().ok()).and_then(|n| site.custom_field(n));
        all_fields(&site)
            .into_iter()
            .filter(|f| q.as_ref().is_none_or(|q| f["name"].as_str().unwrap_or("").to_lowercase().contains(q)))
            .filter(|f| ty.is_empty() || ty.iter().any(|t| (t == "custom") == f["custom"].as_bool().unwrap_or(false)))
            .map(|f| {
                // `/field/search` speaks `Field`, not `FieldDetails`.
                json!({
                    "id": f["id"], "key": f["key"], "name": f["name"], "schema": f["schema"],
                    "description": custom(&f).map(|c| json!(c.description)).unwrap_or(json!("")),
                    "isLocked": f["custom"] != true,
                    "searcherKey": custom(&f).and_then(|c| c.searcher_key()).map(Value::from).unwrap_or(Value::Null),
                })
            })
            .map(|mut f: Value| {
                if f["searcherKey"].is_null() {
                    f.as_object_mut().map(|o| o.remove("searcherKey"));
                }
                f
            })
            .collect()
    };
    page_bean(&j, "/field/search", all, 50, 100)
}

/// `POST /rest/api/3/field` (Cloud's "Create custom field", `createCustomField`) and
/// `POST /rest/api/2/field` (Data Center's "Create a custom field using a definition"): a custom
/// field of a built-in type from `{name, description, type, searcherKey}`, answered 201 with the
/// field as `GET /field` then lists it. Without a searcher the field is not searchable. Jira
/// administrators only: Cloud's description answers others 400, Data Center (whose description
/// names no answer for it) 403 as its other admin resources.
pub async fn field_create(j: Jira, body: String) -> Result<(StatusCode, Json<Value>), ApiError> {
    j.require_user()?;
    let cloud = j.sb.config.flavor == crate::config::Flavor::Cloud;
    if !j.who.is_admin(&j.sb.site.read()) {
        let status = if cloud { StatusCode::BAD_REQUEST } else { StatusCode::FORBIDDEN };
        return Err(ApiError::jira(status, "You do not have permission to create custom fields. Only Jira administrators can."));
    }
    let b = match serde_json::from_str::<Value>(&body) {
        Ok(Value::Object(m)) => m,
        _ => return Err(ApiError::jira(StatusCode::BAD_REQUEST, "Invalid request payload. Refer to the REST API documentation and try again.")),
    };
    // Cloud's CustomFieldDefinitionJsonBean; Data Center's also carries these (not modelled: a
    // created field is global, as one with no contexts limited to projects or issue types).
    let known: &[&str] = if cloud {
        &["name", "description", "type", "searcherKey"]
    } else {
        &["name", "description", "type", "searcherKey", "id", "self", "projectIds", "issueTypeIds"]
    };
    if let Some(k) = b.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(ApiError::jira(StatusCode::BAD_REQUEST, format!("Unrecognized field \"{k}\"")));
    }
    let text = |k: &str| -> Result<Option<String>, ApiError> {
        match b.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::jira_field(k, format!("The {k} must be a string."))),
        }
    };
    let name = text("name")?.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    let name = name.ok_or_else(|| ApiError::jira_field("name", "You must specify a name for the custom field."))?;
    if name.chars().count() > 255 {
        return Err(ApiError::jira_field("name", "The custom field name must not exceed 255 characters."));
    }
    let description = text("description")?.unwrap_or_default();
    let type_key = text("type")?.ok_or_else(|| ApiError::jira_field("type", "You must specify the type of the custom field."))?;
    let (_, kind, searchers) = type_key
        .strip_prefix(CUSTOM_FIELD_TYPE_PREFIX)
        .and_then(|t| CUSTOM_FIELD_TYPES.iter().find(|c| c.0 == t))
        .ok_or_else(|| ApiError::jira_field("type", format!("The custom field type '{type_key}' is not available.")))?;
    let searcher = text("searcherKey")?;
    if let Some(s) = &searcher {
        if !s.strip_prefix(CUSTOM_FIELD_TYPE_PREFIX).is_some_and(|x| searchers.contains(&x)) {
            return Err(ApiError::jira_field("searcherKey", format!("The searcher '{s}' is not valid for the custom field type '{type_key}'.")));
        }
    }
    let mut site = j.sb.site.write();
    let first = site.custom_fields.iter().map(|f| f.number + 1).max().unwrap_or(10_000);
    let number = site.next_id("customfield", first);
    let field = CustomField {
        number,
        name,
        kind: *kind,
        description,
        options: Vec::new(),
        type_key: Some(type_key),
        unsearchable: searcher.is_none(),
        searcher_key: searcher,
    };
    let mut out = custom_field_details(&field);
    if !cloud {
        // Data Center's `FieldBean` has no `key`.
        if let Some(o) = out.as_object_mut() {
            o.remove("key");
        }
    }
    site.custom_fields.push(field);
    site.touch();
    drop(site);
    j.sb.persist();
    Ok((StatusCode::CREATED, Json(out)))
}

pub async fn issue_types(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    let api = j.api();
    let view = j.view(&site, &api);
    Ok(Json(Value::Array(site.issue_types.iter().map(|t| view.issue_type(t)).collect())))
}

pub async fn statuses(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    let api = j.api();
    let view = j.view(&site, &api);
    Ok(Json(Value::Array(site.statuses.iter().map(|s| view.status(s)).collect())))
}

pub async fn status_categories(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    let api = j.api();
    let view = j.view(&site, &api);
    Ok(Json(Value::Array(site.status_categories.iter().map(|c| view.status_category(c)).collect())))
}

pub async fn priorities(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    let api = j.api();
    let view = j.view(&site, &api);
    Ok(Json(Value::Array(site.priorities.iter().map(|p| view.priority(p)).collect())))
}

pub async fn priorities_search(j: Jira) -> ApiResult {
    let all = {
        let site = j.sb.site.read();
        let api = j.api();
        let view = j.view(&site, &api);
        site.priorities
            .iter()
            .map(|p| {
                let mut o = view.priority(p);
                o["description"] = json!(p.description);
                o["statusColor"] = json!("#cccccc");
                o["isDefault"] = json!(p.name == "Medium");
                o
            })
            .collect()
    };
    page_bean(&j, "/priority/search", all, 50, 100)
}

pub async fn resolutions(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    let api = j.api();
    let view = j.view(&site, &api);
    Ok(Json(Value::Array(site.resolutions.iter().map(|r| view.resolution(r)).collect())))
}

pub async fn resolutions_search(j: Jira) -> ApiResult {
    let all = {
        let site = j.sb.site.read();
        site.resolutions.iter().map(|r| json!({"id": r.id.to_string(), "name": r.name, "description": r.description, "isDefault": false})).collect()
    };
    page_bean(&j, "/resolution/search", all, 50, 100)
}

pub async fn link_types(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    let api = j.api();
    let view = j.view(&site, &api);
    Ok(Json(json!({"issueLinkTypes": site.link_types.iter().map(|t| view.link_type(t)).collect::<Vec<_>>()})))
}

/// Users are visible to signed-in callers only (anonymous user search is refused, as on Cloud).
fn users_for(j: &Jira, site: &Site) -> Result<Vec<Value>, ApiError> {
    j.require_user()?;
    let api = j.api();
    let view = j.view(site, &api);
    Ok(site.users.iter().map(|u| view.user_id(&u.account_id)).collect())
}

pub async fn users_search(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    let all = users_for(&j, &site)?;
    let (start, end) = page_bounds(&j.query, 50, 1000, all.len())?;
    Ok(Json(Value::Array(all[start..end].to_vec())))
}

pub async fn user_query(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    let q = j.query.get("query").or(j.query.get("username")).map(str::to_lowercase);
    let account = j.query.get("accountId");
    if q.is_none() && account.is_none() {
        return Err(ApiError::jira(StatusCode::BAD_REQUEST, "The query parameter 'query' or 'accountId' is required."));
    }
    let all: Vec<Value> = users_for(&j, &site)?
        .into_iter()
        .zip(site.users.iter())
        .filter(|(_, u)| account.is_none_or(|a| a == u.account_id))
        // Jira Server/Data Center answers `username=.` with every user (a documented idiom of
        // its user search, which clients use to list users).
        .filter(|(_, u)| q.as_ref().is_none_or(|q| q == "." || u.display_name.to_lowercase().contains(q) || u.email.to_lowercase().starts_with(q)))
        .map(|(v, _)| v)
        .collect();
    let (start, end) = page_bounds(&j.query, 50, 1000, all.len())?;
    Ok(Json(Value::Array(all[start..end].to_vec())))
}

pub async fn user_get(j: Jira) -> ApiResult {
    j.require_user()?;
    let site = j.sb.site.read();
    let id = j.query.get("accountId").ok_or_else(|| ApiError::jira(StatusCode::BAD_REQUEST, "The accountId query parameter needs to be provided."))?;
    let u = site.user(id).ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, "Specified user does not exist or you do not have required permissions"))?;
    let api = j.api();
    let mut o = j.view(&site, &api).user_id(&u.account_id);
    o["groups"] = json!({"size": u.groups.len(), "items": u.groups.iter().map(|g| json!({"name": g})).collect::<Vec<_>>()});
    Ok(Json(o))
}

pub async fn groups_bulk(j: Jira) -> ApiResult {
    j.require_user()?;
    let all = {
        let site = j.sb.site.read();
        let names = j.query.all("groupName");
        let ids = j.query.all("groupId");
        site.groups
            .iter()
            .filter(|g| names.is_empty() || names.contains(&g.name))
            .filter(|g| ids.is_empty() || ids.contains(&g.id))
            .map(|g| json!({"name": g.name, "groupId": g.id}))
            .collect()
    };
    page_bean(&j, "/group/bulk", all, 50, 1000)
}

pub async fn groups_picker(j: Jira) -> ApiResult {
    j.require_user()?;
    let site = j.sb.site.read();
    let q = j.query.get("query").unwrap_or("").to_lowercase();
    let groups: Vec<Value> = site
        .groups
        .iter()
        .filter(|g| g.name.to_lowercase().contains(&q))
        .map(|g| json!({"name": g.name, "groupId": g.id, "html": html_escape::encode_text(&g.name), "labels": []}))
        .collect();
    Ok(Json(json!({"header": format!("Showing {} of {} matching groups", groups.len(), groups.len()), "total": groups.len(), "groups": groups})))
}

pub async fn group_members(j: Jira) -> ApiResult {
    j.require_user()?;
    let all = {
        let site = j.sb.site.read();
        let name = j.query.get("groupname").map(str::to_string);
        let id = j.query.get("groupId").map(str::to_string);
        let g = site
            .groups
            .iter()
            .find(|g| Some(&g.name) == name.as_ref() || Some(&g.id) == id.as_ref())
            .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, "Specified group does not exist."))?;
        let api = j.api();
        let view = j.view(&site, &api);
        let include_inactive = j.query.bool("includeInactiveUsers").unwrap_or(false);
        site.users.iter().filter(|u| u.groups.contains(&g.name) && (u.active || include_inactive)).map(|u| view.user_id(&u.account_id)).collect()
    };
    page_bean(&j, "/group/member", all, 50, 50)
}

fn filter_json(j: &Jira, site: &Site, f: &Filter) -> Value {
    let api = j.api();
    let view = j.view(site, &api);
    json!({
        "self": format!("{api}/filter/{}", f.id),
        "id": f.id.to_string(),
        "name": f.name,
        "description": f.description,
        "owner": view.user_id(&f.owner_id),
        "jql": f.jql,
        "viewUrl": format!("{}/issues/?filter={}", j.base, f.id),
        "searchUrl": format!("{api}/search/jql?jql={}", form_urlencoded::byte_serialize(f.jql.as_bytes()).collect::<String>()),
        "favourite": f.favourite,
        "favouritedCount": if f.favourite { 1 } else { 0 },
        "sharePermissions": [],
        "editPermissions": [],
    })
}

/// Filters are private to their owner in the sandbox (no share permissions).
fn visible_filters<'a>(j: &Jira, site: &'a Site) -> Vec<&'a Filter> {
    site.filters.iter().filter(|f| j.who.account() == Some(f.owner_id.as_str()) || j.who.is_admin(site)).collect()
}

pub async fn filter_search(j: Jira) -> ApiResult {
    let all = {
        let site = j.sb.site.read();
        let name = j.query.get("filterName").map(str::to_lowercase);
        visible_filters(&j, &site)
            .into_iter()
            .filter(|f| name.as_ref().is_none_or(|n| f.name.to_lowercase().contains(n)))
            .map(|f| filter_json(&j, &site, f))
            .collect()
    };
    page_bean(&j, "/filter/search", all, 50, 100)
}

pub async fn filter_my(j: Jira) -> ApiResult {
    j.require_user()?;
    let site = j.sb.site.read();
    let mine = site.filters.iter().filter(|f| j.who.account() == Some(f.owner_id.as_str())).map(|f| filter_json(&j, &site, f)).collect();
    Ok(Json(Value::Array(mine)))
}

pub async fn filter_favourite(j: Jira) -> ApiResult {
    j.require_user()?;
    let site = j.sb.site.read();
    let favs = visible_filters(&j, &site).into_iter().filter(|f| f.favourite).map(|f| filter_json(&j, &site, f)).collect();
    Ok(Json(Value::Array(favs)))
}

pub async fn filter_get(j: Jira, Path(id): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let f = visible_filters(&j, &site)
        .into_iter()
        .find(|f| f.id.to_string() == id)
        .ok_or_else(|| ApiError::jira(StatusCode::BAD_REQUEST, format!("The selected filter with id '{id}' does not exist.")))?;
    Ok(Json(filter_json(&j, &site, f)))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::testing::{As, TestSite};
    use crate::config::Flavor;

    const TYPES: &str = "com.atlassian.jira.plugin.system.customfieldtypes:";

    async fn create_field(ts: &TestSite, api: &str, name: &str, ty: &str, searcher: Option<&str>) -> Value {
        let mut body = json!({"name": name, "description": format!("About {name}"), "type": format!("{TYPES}{ty}")});
        if let Some(s) = searcher {
            body["searcherKey"] = json!(format!("{TYPES}{s}"));
        }
        let (s, f) = ts.call(As::Admin, "POST", &format!("{api}/field"), Some(&body)).await;
        assert_eq!(s, 201, "{f}");
        f
    }

    #[tokio::test]
    async fn a_created_custom_field_is_listed_settable_and_read_back() {
        let ts = TestSite::new(Flavor::Cloud);
        let f = create_field(&ts, "/rest/api/3", "Effort", "float", Some("numberrange")).await;
        let id = f["id"].as_str().unwrap().to_string();
        let n: u64 = id.strip_prefix("customfield_").unwrap().parse().unwrap();
        assert!(n > 10_080, "after the seeded fields: {id}");
        assert_eq!(f["schema"], json!({"type": "number", "custom": format!("{TYPES}float"), "customId": n}));
        assert_eq!((&f["custom"], &f["name"], &f["key"], &f["searchable"]), (&json!(true), &json!("Effort"), &json!(id), &json!(true)));
        assert_eq!(f["clauseNames"], json!([format!("cf[{n}]"), "Effort"]));
        // Listed by `GET /field` (as created) and `/field/search` (with its description and searcher).
        let fields = ts.get("/rest/api/3/field").await;
        assert_eq!(fields.as_array().unwrap().iter().find(|x| x["id"] == id.as_str()), Some(&f));
        let found = ts.get("/rest/api/3/field/search?query=effort").await;
        assert_eq!(found["values"][0]["description"], "About Effort");
        assert_eq!(found["values"][0]["searcherKey"], format!("{TYPES}numberrange"));
        // Settable on create and edit, read back on the issue and in searches (by JQL too).
        let (s, made) = ts
            .call(
                As::Alice,
                "POST",
                "/rest/api/3/issue",
                Some(&json!({"fields": {"project": {"key": "OPS"}, "issuetype": {"name": "Task"}, "summary": "Measured", id.as_str(): 3.5}})),
            )
            .await;
        assert_eq!(s, 201, "{made}");
        let key = made["key"].as_str().unwrap().to_string();
        assert_eq!(ts.get(&format!("/rest/api/3/issue/{key}")).await["fields"][&id], 3.5);
        let (s, e) = ts.call(As::Alice, "PUT", &format!("/rest/api/3/issue/{key}"), Some(&json!({"fields": {id.as_str(): 8}}))).await;
        assert_eq!(s, 204, "{e}");
        let got = ts.get(&format!("/rest/api/3/issue/{key}?fields={id}&expand=names")).await;
        assert_eq!((&got["fields"][&id], &got["names"][&id]), (&json!(8.0), &json!("Effort")));
        let hits = ts.get(&format!("/rest/api/3/search/jql?jql=cf%5B{n}%5D%20%3E%205&fields={id},summary")).await;
        assert_eq!(hits["issues"].as_array().unwrap().len(), 1, "{hits}");
        assert_eq!((&hits["issues"][0]["key"], &hits["issues"][0]["fields"][&id]), (&json!(key), &json!(8.0)));
        let all = ts.get(&format!("/rest/api/2/search/jql?jql=key%3D{key}&fields=*all")).await;
        assert_eq!(all["issues"][0]["fields"][&id], 8.0);
        // A wrong value is refused as a seeded number field's is.
        let (s, e) = ts.call(As::Alice, "PUT", &format!("/rest/api/3/issue/{key}"), Some(&json!({"fields": {id.as_str(): "lots"}}))).await;
        assert_eq!(s, 400);
        assert!(e["errors"][&id].is_string(), "{e}");
    }

    #[tokio::test]
    async fn custom_fields_of_other_types_and_without_a_searcher() {
        let ts = TestSite::new(Flavor::Cloud);
        let text = create_field(&ts, "/rest/api/2", "Customer ref", "textfield", None).await;
        let id = text["id"].as_str().unwrap().to_string();
        assert_eq!(text["schema"]["type"], "string");
        assert_eq!(text["searchable"], false, "no searcher given");
        let date = create_field(&ts, "/rest/api/3", "Go live", "datepicker", Some("daterange")).await;
        assert_eq!(date["schema"]["type"], "date");
        let select = create_field(&ts, "/rest/api/3", "Tier", "select", Some("multiselectsearcher")).await;
        assert_eq!(select["schema"]["type"], "option");
        let did = date["id"].as_str().unwrap();
        let body = json!({"fields": {"project": {"key": "ENG"}, "issuetype": {"name": "Bug"}, "summary": "Typed", id.as_str(): "ACME-7", did: "2026-04-01"}});
        let (s, made) = ts.call(As::Alice, "POST", "/rest/api/2/issue", Some(&body)).await;
        assert_eq!(s, 201, "{made}");
        let got = ts.get(&format!("/rest/api/2/issue/{}?fields={id},{did}", made["key"].as_str().unwrap())).await;
        assert_eq!((&got["fields"][&id], &got["fields"][did]), (&json!("ACME-7"), &json!("2026-04-01")));
        // Not searchable without a searcher.
        let n = id.strip_prefix("customfield_").unwrap();
        assert_eq!(ts.call(As::Alice, "GET", &format!("/rest/api/3/search/jql?jql=cf%5B{n}%5D%20%7E%20ACME"), None).await.0, 400);
    }

    #[tokio::test]
    async fn creating_a_custom_field_is_for_admins_and_checks_its_definition() {
        let ts = TestSite::new(Flavor::Cloud);
        let ok = json!({"name": "X", "type": format!("{TYPES}textfield"), "searcherKey": format!("{TYPES}textsearcher")});
        assert_eq!(ts.call(As::Anonymous, "POST", "/rest/api/3/field", Some(&ok)).await.0, 401);
        assert_eq!(ts.call(As::Alice, "POST", "/rest/api/3/field", Some(&ok)).await.0, 400, "Cloud's description: 400 without permission");
        for bad in [
            json!({"type": format!("{TYPES}textfield")}),
            json!({"name": "X"}),
            json!({"name": "X", "type": format!("{TYPES}nosuchtype")}),
            json!({"name": "X", "type": format!("{TYPES}textfield"), "searcherKey": format!("{TYPES}daterange")}),
            json!({"name": "X", "type": format!("{TYPES}textfield"), "colour": "red"}),
        ] {
            let (s, e) = ts.call(As::Admin, "POST", "/rest/api/3/field", Some(&bad)).await;
            assert_eq!(s, 400, "{bad}: {e}");
        }
        let before = ts.sb.site.read().custom_fields.len();
        assert_eq!(before, 8, "nothing was created");
        // Data Center: the same on `/rest/api/2/field`; 403 for non-admins.
        let dc = TestSite::new(Flavor::Datacenter);
        assert_eq!(dc.call(As::Alice, "POST", "/rest/api/2/field", Some(&ok)).await.0, 403);
        let f = create_field(&dc, "/rest/api/2", "Effort", "float", Some("exactnumber")).await;
        let listed = dc.get("/rest/api/2/field").await;
        assert!(listed.as_array().unwrap().iter().any(|x| x["id"] == f["id"]));
        assert_eq!(dc.call(As::Admin, "POST", "/rest/api/3/field", Some(&ok)).await.0, 404);
    }
}
