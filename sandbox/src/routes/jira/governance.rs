//! Jira governance: workflows (derived from the site's statuses, as `/issue/{key}/transitions`
//! offers them), project roles and their actors, permission schemes, issue security levels,
//! dashboards and the audit log.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::{json, Value};

use super::issues::transition_id;
use super::meta::page_bean;
use super::render::{avatar_urls, ts};
use super::{page_bounds, Jira};
use crate::config::Flavor;
use crate::errors::{ApiError, ApiResult};
use crate::model::*;

fn forbidden() -> ApiError {
    ApiError::jira(StatusCode::FORBIDDEN, "You are not authorized to perform this operation. Please contact your Jira administrators.")
}

impl Jira {
    fn cloud(&self) -> bool {
        self.sb.config.flavor == Flavor::Cloud
    }
    /// Site admins only: 401 for anonymous callers, 403 for others.
    fn require_admin(&self, site: &Site) -> Result<(), ApiError> {
        self.require_user()?;
        if self.who.is_admin(site) {
            Ok(())
        } else {
            Err(forbidden())
        }
    }
    fn expands(&self) -> Vec<String> {
        self.query.all("expand")
    }
}

// ------------------------------------------------------------------ workflows

/// Each project's workflow: its name. Every status of the site is in it, reached by a global
/// transition named after it (the transitions `/issue/{key}/transitions` offers), and issues
/// are created in To Do.
fn workflow_name(p: &Project) -> String {
    match p.type_key.as_str() {
        "service_desk" => format!("Service Management workflow for Project {}", p.key),
        _ => format!("Software Simplified Workflow for Project {}", p.key),
    }
}

fn workflow_entity_id(p: &Project) -> String {
    let h = p.id.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", (h >> 32) as u32, (h >> 16) as u16, h as u16 & 0xfff, p.id as u16 & 0xfff, p.id)
}

fn workflow_transitions(site: &Site) -> Vec<Value> {
    let initial = site.statuses.first().map(|s| s.id.to_string()).unwrap_or_default();
    let mut list = vec![json!({"id": "1", "name": "Create", "description": "", "from": [], "to": initial, "type": "initial"})];
    list.extend(
        site.statuses
            .iter()
            .map(|s| json!({"id": transition_id(site, s.id), "name": s.name, "description": "", "from": [], "to": s.id.to_string(), "type": "global"})),
    );
    list
}

/// `GET /rest/api/{3|2}/workflow/search` (Cloud): a page of workflows; `expand` adds
/// `transitions`, `statuses`, `default` and `operations`; `workflowName`, `queryString`,
/// `orderBy` (`name`, `-name`, `created`, `updated` and their reverses) and `isActive` filter and order.
pub async fn workflow_search(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    j.require_admin(&site)?;
    let expand = j.expands();
    let wants = |w: &str| expand.iter().any(|e| e == w || e.starts_with(&format!("{w}.")));
    let names = j.query.all("workflowName");
    let q = j.query.get("queryString").unwrap_or("").to_lowercase();
    let mut projects: Vec<&Project> = site.projects.iter().collect();
    if j.query.bool("isActive") == Some(false) {
        projects.clear();
    }
    projects.retain(|p| (names.is_empty() || names.contains(&workflow_name(p))) && workflow_name(p).to_lowercase().contains(&q));
    let order = j.query.get("orderBy").unwrap_or("name");
    let (desc, key) = match order.strip_prefix('-') {
        Some(k) => (true, k),
        None => (false, order.strip_prefix('+').unwrap_or(order)),
    };
    match key {
        "name" => projects.sort_by_key(|p| workflow_name(p).to_lowercase()),
        "created" | "updated" => projects.sort_by_key(|p| p.id),
        _ => return Err(ApiError::jira(StatusCode::BAD_REQUEST, format!("The orderBy value '{order}' is not supported."))),
    }
    if desc {
        projects.reverse();
    }
    let created = ts(crate::seed::epoch());
    let values: Vec<Value> = projects
        .iter()
        .map(|p| {
            let mut o = json!({
                "id": {"name": workflow_name(p), "entityId": workflow_entity_id(p)},
                "description": format!("The workflow of the {} project.", p.name),
                "created": created,
                "updated": created,
            });
            if wants("transitions") {
                o["transitions"] = json!(workflow_transitions(&site));
            }
            if wants("statuses") {
                o["statuses"] = site.statuses.iter().map(|s| json!({"id": s.id.to_string(), "name": s.name})).collect();
            }
            if wants("default") {
                o["isDefault"] = json!(false);
            }
            if wants("operations") {
                o["operations"] = json!({"canEdit": true, "canDelete": false});
            }
            o
        })
        .collect();
    page_bean(&j, "/workflow/search", values, 50, 50)
}

/// `GET /rest/api/2/workflow` (Data Center): every workflow, or the one `workflowName` names;
/// admins only (401 for others, as the description says).
pub async fn workflows_dc(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    j.require_user()?;
    if !j.who.is_admin(&site) {
        return Err(ApiError::jira(StatusCode::UNAUTHORIZED, "You do not have administration permission."));
    }
    let name = j.query.get("workflowName");
    let modified = crate::seed::epoch().format("%d/%b/%y %-I:%M %p").to_string();
    let list: Vec<Value> = site
        .projects
        .iter()
        .filter(|p| name.is_none_or(|n| n == workflow_name(p)))
        .map(|p| {
            json!({"name": workflow_name(p), "description": format!("The workflow of the {} project.", p.name), "lastModifiedDate": modified,
                   "lastModifiedUser": p.lead_account_id, "steps": site.statuses.len(), "default": false})
        })
        .collect();
    Ok(Json(Value::Array(list)))
}

// ------------------------------------------------------------------ project roles

fn no_role(id: &str) -> ApiError {
    ApiError::jira(StatusCode::NOT_FOUND, format!("Can not retrieve a role actor for a null project role: {id}"))
}

fn actors_json(j: &Jira, site: &Site, ra: &RoleActors, base_id: u64) -> Vec<Value> {
    let only_active = j.query.bool("excludeInactiveUsers") == Some(true);
    let mut out = Vec::new();
    for (k, name) in ra.groups.iter().enumerate() {
        let id = base_id + k as u64;
        let group = site.groups.iter().find(|g| &g.name == name);
        if j.cloud() {
            out.push(json!({"id": id, "displayName": name, "name": name, "type": "atlassian-group-role-actor",
                            "actorGroup": {"name": name, "displayName": name, "groupId": group.map(|g| g.id.clone())}}));
        } else {
            out.push(json!({"name": name, "avatarUrl": format!("{}/secure/useravatar?size=xsmall&avatarId=10123", j.base)}));
        }
    }
    for (k, uid) in ra.users.iter().enumerate() {
        let Some(u) = site.user(uid) else { continue };
        if only_active && !u.active {
            continue;
        }
        let avatar = avatar_urls(&j.base, &u.account_id)["16x16"].clone();
        if j.cloud() {
            out.push(json!({"id": base_id + 50 + k as u64, "displayName": u.display_name, "type": "atlassian-user-role-actor",
                            "actorUser": {"accountId": u.account_id}, "avatarUrl": avatar}));
        } else {
            out.push(json!({"name": u.account_id, "avatarUrl": avatar}));
        }
    }
    out
}

fn role_json(j: &Jira, r: &ProjectRoleDef, self_url: String, actors: Option<Vec<Value>>) -> Value {
    let mut o = json!({"self": self_url, "name": r.name, "id": r.id, "description": r.description});
    if let Some(a) = actors {
        o["actors"] = json!(a);
    }
    if j.cloud() {
        o["translatedName"] = json!(r.name);
    }
    o
}

/// `GET /project/{key}/role`: each role's name and URL.
pub async fn project_roles(j: Jira, Path(key): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let p = j.find_project(&site, &key)?;
    let map: serde_json::Map<String, Value> =
        site.governance.roles.iter().map(|r| (r.name.clone(), json!(format!("{}/project/{}/role/{}", j.api(), p.id, r.id)))).collect();
    Ok(Json(Value::Object(map)))
}

/// `GET /project/{key}/role/{id}`: the role with its actors in the project (`excludeInactiveUsers`).
pub async fn project_role(j: Jira, Path((key, id)): Path<(String, String)>) -> ApiResult {
    let site = j.sb.site.read();
    let p = j.find_project(&site, &key)?;
    let r = site.governance.roles.iter().find(|r| r.id.to_string() == id).ok_or_else(|| no_role(&id))?;
    let (ix, ra) = site.governance.role_actors.iter().enumerate().find(|(_, a)| a.project_id == p.id && a.role_id == r.id).ok_or_else(|| no_role(&id))?;
    let actors = actors_json(&j, &site, ra, 10_000 + ix as u64 * 100);
    Ok(Json(role_json(&j, r, format!("{}/project/{}/role/{}", j.api(), p.id, r.id), Some(actors))))
}

/// `GET /role`: the site's roles, with their default actors (none); admins only.
pub async fn roles(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    j.require_admin(&site)?;
    let list: Vec<Value> = site.governance.roles.iter().map(|r| role_json(&j, r, format!("{}/role/{}", j.api(), r.id), Some(vec![]))).collect();
    Ok(Json(Value::Array(list)))
}

/// `GET /role/{id}`; admins only.
pub async fn role(j: Jira, Path(id): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    j.require_admin(&site)?;
    let r = site.governance.roles.iter().find(|r| r.id.to_string() == id).ok_or_else(|| no_role(&id))?;
    Ok(Json(role_json(&j, r, format!("{}/role/{}", j.api(), r.id), Some(vec![]))))
}

// ------------------------------------------------------------------ permission schemes

fn no_scheme(id: &str) -> ApiError {
    ApiError::jira(StatusCode::NOT_FOUND, format!("A permission scheme with the id '{id}' does not exist."))
}

fn holder_json(j: &Jira, site: &Site, g: &PermissionGrantDef) -> Value {
    let mut h = json!({"type": g.holder_type});
    if let Some(p) = &g.holder_parameter {
        h["parameter"] = json!(p);
        if j.cloud() {
            let value = match g.holder_type.as_str() {
                "group" => site.groups.iter().find(|gr| &gr.name == p).map(|gr| gr.id.clone()).unwrap_or_else(|| p.clone()),
                _ => p.clone(),
            };
            h["value"] = json!(value);
        }
    }
    if j.cloud() {
        h["expand"] = json!(match g.holder_type.as_str() {
            "projectRole" => "projectRole",
            "group" => "group",
            "user" => "user",
            _ => "",
        });
        if h["expand"] == "" {
            h.as_object_mut().map(|o| o.remove("expand"));
        }
    }
    h
}

fn grant_json(j: &Jira, site: &Site, s: &PermissionSchemeDef, g: &PermissionGrantDef) -> Value {
    json!({"id": g.id, "self": format!("{}/permissionscheme/{}/permission/{}", j.api(), s.id, g.id), "holder": holder_json(j, site, g), "permission": g.permission})
}

fn scheme_json(j: &Jira, site: &Site, s: &PermissionSchemeDef) -> Value {
    let expand = j.expands();
    let mut o = json!({"expand": "permissions,user,group,projectRole,field,all", "id": s.id, "self": format!("{}/permissionscheme/{}", j.api(), s.id),
                       "name": s.name, "description": s.description});
    if expand.iter().any(|e| e == "permissions" || e == "all") {
        o["permissions"] = s.grants.iter().map(|g| grant_json(j, site, s, g)).collect();
    }
    o
}

/// `GET /permissionscheme` (`expand=permissions` adds the grants).
pub async fn permission_schemes(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    j.require_user()?;
    let list: Vec<Value> = site.governance.permission_schemes.iter().map(|s| scheme_json(&j, &site, s)).collect();
    Ok(Json(json!({"permissionSchemes": list})))
}

pub async fn permission_scheme(j: Jira, Path(id): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    j.require_user()?;
    let s = site.governance.permission_schemes.iter().find(|s| s.id.to_string() == id).ok_or_else(|| no_scheme(&id))?;
    Ok(Json(scheme_json(&j, &site, s)))
}

/// `GET /permissionscheme/{id}/permission`: the scheme's grants.
pub async fn permission_grants(j: Jira, Path(id): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    j.require_user()?;
    let s = site.governance.permission_schemes.iter().find(|s| s.id.to_string() == id).ok_or_else(|| no_scheme(&id))?;
    let grants: Vec<Value> = s.grants.iter().map(|g| grant_json(&j, &site, s, g)).collect();
    Ok(Json(json!({"expand": "user,group,projectRole,field,all", "permissions": grants})))
}

pub async fn permission_grant(j: Jira, Path((id, grant)): Path<(String, String)>) -> ApiResult {
    let site = j.sb.site.read();
    j.require_user()?;
    let s = site.governance.permission_schemes.iter().find(|s| s.id.to_string() == id).ok_or_else(|| no_scheme(&id))?;
    let g = s
        .grants
        .iter()
        .find(|g| g.id.to_string() == grant)
        .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("A permission with the id '{grant}' does not exist in the scheme.")))?;
    Ok(Json(grant_json(&j, &site, s, g)))
}

/// Whether the caller administers the project: a site admin, or in its Administrators role
/// (as a user or through a group).
fn project_admin(j: &Jira, site: &Site, p: &Project) -> bool {
    let Some(me) = j.who.account().and_then(|id| site.user(id)) else { return false };
    j.who.is_admin(site)
        || site.governance.role_actors.iter().any(|ra| {
            ra.project_id == p.id
                && ra.role_id == crate::seed_governance::ROLE_ADMINISTRATORS
                && (ra.users.contains(&me.account_id) || ra.groups.iter().any(|g| me.groups.contains(g)))
        })
}

/// `GET /project/{key}/permissionscheme`: the scheme assigned to the project; its
/// administrators only (403 for others who see it).
pub async fn project_permission_scheme(j: Jira, Path(key): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    j.require_user()?;
    let p = j.find_project(&site, &key)?;
    if !project_admin(&j, &site, p) {
        return Err(forbidden());
    }
    let s = site.governance.permission_scheme_of(p.id).ok_or_else(|| no_scheme("0"))?;
    Ok(Json(scheme_json(&j, &site, s)))
}

// ------------------------------------------------------------------ issue security

fn level_json(j: &Jira, scheme: &SecuritySchemeDef, l: &SecurityLevelDef) -> Value {
    let mut o = json!({"self": format!("{}/securitylevel/{}", j.api(), l.id), "id": l.id.to_string(), "description": l.description, "name": l.name});
    if j.cloud() {
        o["isDefault"] = json!(scheme.default_level_id == Some(l.id));
        o["issueSecuritySchemeId"] = json!(scheme.id.to_string());
    }
    o
}

/// `GET /project/{key}/securitylevel`: the levels of the project's scheme the caller is a member of.
pub async fn project_security_levels(j: Jira, Path(key): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let p = j.find_project(&site, &key)?;
    let my_groups: Vec<String> = j.who.account().and_then(|id| site.user(id)).map(|u| u.groups.clone()).unwrap_or_default();
    let levels: Vec<Value> = site
        .governance
        .security_schemes
        .iter()
        .filter(|s| s.project_ids.contains(&p.id))
        .flat_map(|s| s.levels.iter().filter(|l| l.groups.iter().any(|g| my_groups.contains(g))).map(move |l| (s, l)))
        .map(|(s, l)| level_json(&j, s, l))
        .collect();
    Ok(Json(json!({"levels": levels})))
}

fn security_scheme_json(j: &Jira, s: &SecuritySchemeDef) -> Value {
    let mut o = json!({"self": format!("{}/issuesecurityschemes/{}", j.api(), s.id), "id": s.id, "name": s.name, "description": s.description,
                       "levels": s.levels.iter().map(|l| level_json(j, s, l)).collect::<Vec<_>>()});
    if let Some(d) = s.default_level_id {
        o["defaultSecurityLevelId"] = json!(d);
    }
    o
}

/// `GET /issuesecurityschemes`; admins only.
pub async fn security_schemes(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    j.require_admin(&site)?;
    let list: Vec<Value> = site.governance.security_schemes.iter().map(|s| security_scheme_json(&j, s)).collect();
    Ok(Json(json!({"issueSecuritySchemes": list})))
}

pub async fn security_scheme(j: Jira, Path(id): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    j.require_admin(&site)?;
    let s = site
        .governance
        .security_schemes
        .iter()
        .find(|s| s.id.to_string() == id)
        .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("The issue security scheme with id '{id}' does not exist.")))?;
    Ok(Json(security_scheme_json(&j, s)))
}

// ------------------------------------------------------------------ dashboards

/// Whether the caller may see a dashboard: its owner, or someone it is shared with.
fn dashboard_visible(j: &Jira, site: &Site, d: &DashboardDef) -> bool {
    let me = j.who.account().and_then(|id| site.user(id));
    if me.is_some_and(|u| d.owner_id.as_deref() == Some(u.account_id.as_str())) {
        return true;
    }
    d.share.iter().any(|s| match s.kind.as_str() {
        "global" => true,
        "loggedin" | "authenticated" => me.is_some(),
        "group" => me.is_some_and(|u| s.value.as_ref().is_some_and(|g| u.groups.contains(g))),
        "user" => me.is_some_and(|u| s.value.as_deref() == Some(u.account_id.as_str())),
        "project" => me.is_some() && s.value.as_deref().and_then(|id| site.project_by_key_or_id(id)).is_some_and(|p| j.who.can_see(site, &p.visibility)),
        _ => false,
    })
}

fn user_bean(j: &Jira, u: &User) -> Value {
    json!({"self": format!("{}/user?accountId={}", j.api(), u.account_id), "accountId": u.account_id, "displayName": u.display_name, "active": u.active,
           "avatarUrls": avatar_urls(&j.base, &u.account_id)})
}

fn share_json(j: &Jira, site: &Site, s: &SharePermissionDef) -> Value {
    let mut o = json!({"id": s.id, "type": s.kind});
    match s.kind.as_str() {
        "group" => {
            if let Some(g) = s.value.as_ref().and_then(|n| site.groups.iter().find(|g| &g.name == n)) {
                o["group"] = json!({"name": g.name, "groupId": g.id, "self": format!("{}/group?groupId={}", j.api(), g.id)});
            }
        }
        "user" => {
            if let Some(u) = s.value.as_deref().and_then(|id| site.user(id)) {
                o["user"] = user_bean(j, u);
            }
        }
        "project" => {
            if let Some(p) = s.value.as_deref().and_then(|id| site.project_by_key_or_id(id)) {
                o["project"] = j.view(site, &j.api()).project_ref(p);
            }
        }
        _ => {}
    }
    o
}

/// A dashboard as Cloud shows it; `expand` is `None` for every field, else the fields
/// `/dashboard/search` was asked to expand.
fn dashboard_json(j: &Jira, site: &Site, d: &DashboardDef, expand: Option<&[String]>) -> Value {
    let me = j.who.account().unwrap_or("");
    let mut o = json!({"id": d.id.to_string(), "name": d.name, "self": format!("{}/dashboard/{}", j.api(), d.id),
                       "view": format!("{}/secure/Dashboard.jspa?selectPageId={}", j.base, d.id)});
    if !j.cloud() {
        return o;
    }
    let wants = |w: &str| expand.is_none_or(|e| e.iter().any(|x| x == w));
    o["popularity"] = json!(d.favourite_of.len());
    o["systemDashboard"] = json!(d.owner_id.is_none());
    if wants("description") && !d.description.is_empty() {
        o["description"] = json!(d.description);
    }
    if wants("owner") {
        if let Some(u) = d.owner_id.as_deref().and_then(|id| site.user(id)) {
            o["owner"] = user_bean(j, u);
        }
    }
    if wants("favourite") || wants("isFavourite") {
        o["isFavourite"] = json!(d.favourite_of.iter().any(|f| f == me));
    }
    if wants("sharePermissions") {
        o["sharePermissions"] = d.share.iter().map(|s| share_json(j, site, s)).collect();
    }
    if wants("editPermissions") {
        o["editPermissions"] = d.edit.iter().map(|s| share_json(j, site, s)).collect();
    }
    if wants("isWritable") {
        let writable = d.owner_id.as_deref() == Some(me)
            || d.edit.iter().any(|s| match s.kind.as_str() {
                "user" => s.value.as_deref() == Some(me),
                "group" => site.user(me).is_some_and(|u| s.value.as_ref().is_some_and(|g| u.groups.contains(g))),
                _ => false,
            });
        o["isWritable"] = json!(writable);
    }
    if expand.is_some() && !wants("viewUrl") {
        o.as_object_mut().map(|m| m.remove("view"));
    }
    o
}

/// `GET /dashboard`: the dashboards the caller may see, `filter` `my` (theirs) or `favourite`,
/// paged by `startAt`/`maxResults` (default 20).
pub async fn dashboards(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    let me = j.who.account().unwrap_or("").to_string();
    let filter = j.query.get("filter").unwrap_or("");
    let all: Vec<&DashboardDef> = site
        .governance
        .dashboards
        .iter()
        .filter(|d| dashboard_visible(&j, &site, d))
        .filter(|d| match filter {
            "my" => d.owner_id.as_deref() == Some(me.as_str()),
            "favourite" => d.favourite_of.contains(&me),
            _ => true,
        })
        .collect();
    let (start, end) = page_bounds(&j.query, 20, 1000, all.len())?;
    let max = j.query.int("maxResults", 20)?;
    let mut o = json!({"startAt": start, "maxResults": max, "total": all.len(),
                       "dashboards": all[start..end].iter().map(|d| dashboard_json(&j, &site, d, None)).collect::<Vec<_>>()});
    let link = |at: usize| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if !filter.is_empty() {
            q.append_pair("filter", filter);
        }
        q.append_pair("startAt", &at.to_string()).append_pair("maxResults", &max.to_string());
        format!("{}/dashboard?{}", j.api(), q.finish())
    };
    if end < all.len() {
        o["next"] = json!(link(end));
    }
    if start > 0 {
        o["prev"] = json!(link(start.saturating_sub(max.max(0) as usize)));
    }
    Ok(Json(o))
}

/// `GET /dashboard/search` (Cloud): `dashboardName` (contains), `accountId` (owner),
/// `groupname`/`groupId` (shared with), `projectId` (shared with), `orderBy` (`name`, `id`,
/// `owner`, `favourite_count`, `-` for descending), `status` (`active`, all are), `expand`.
pub async fn dashboard_search(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    let expand = j.expands();
    let name = j.query.get("dashboardName").map(str::to_lowercase);
    let owner = j.query.get("accountId").or_else(|| j.query.get("owner"));
    let group = j
        .query
        .get("groupname")
        .map(str::to_string)
        .or_else(|| j.query.get("groupId").and_then(|id| site.groups.iter().find(|g| g.id == id)).map(|g| g.name.clone()));
    let project = j.query.get("projectId");
    let status = j.query.get("status").unwrap_or("active");
    let mut all: Vec<&DashboardDef> = site
        .governance
        .dashboards
        .iter()
        .filter(|d| dashboard_visible(&j, &site, d) && d.owner_id.is_some())
        .filter(|d| name.as_ref().is_none_or(|n| d.name.to_lowercase().contains(n)))
        .filter(|d| owner.is_none_or(|o| d.owner_id.as_deref() == Some(o)))
        .filter(|d| group.as_ref().is_none_or(|g| d.share.iter().any(|s| s.kind == "group" && s.value.as_ref() == Some(g))))
        .filter(|d| project.is_none_or(|p| d.share.iter().any(|s| s.kind == "project" && s.value.as_deref() == Some(p))))
        .filter(|_| status != "archived" && status != "deleted")
        .collect();
    let order = j.query.get("orderBy").unwrap_or("name");
    let (desc, key) = match order.strip_prefix('-') {
        Some(k) => (true, k),
        None => (false, order.strip_prefix('+').unwrap_or(order)),
    };
    let owner_name = |d: &DashboardDef| d.owner_id.as_deref().and_then(|id| site.user(id)).map(|u| u.display_name.to_lowercase()).unwrap_or_default();
    match key {
        "name" => all.sort_by_key(|d| d.name.to_lowercase()),
        "id" => all.sort_by_key(|d| d.id),
        "owner" => all.sort_by_key(|d| owner_name(d)),
        "favourite_count" | "is_favourite" => all.sort_by_key(|d| d.favourite_of.len()),
        _ => return Err(ApiError::jira(StatusCode::BAD_REQUEST, format!("The orderBy value '{order}' is not supported."))),
    }
    if desc {
        all.reverse();
    }
    let values = all.iter().map(|d| dashboard_json(&j, &site, d, Some(&expand))).collect();
    page_bean(&j, "/dashboard/search", values, 50, 1000)
}

pub async fn dashboard(j: Jira, Path(id): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let d = site
        .governance
        .dashboards
        .iter()
        .find(|d| d.id.to_string() == id && dashboard_visible(&j, &site, d))
        .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("The dashboard with id '{id}' does not exist.")))?;
    Ok(Json(dashboard_json(&j, &site, d, None)))
}

// ------------------------------------------------------------------ audit records

/// A `from`/`to` instant: ISO 8601 (`2026-01-01T10:00:00.000+0000`, RFC 3339), a date, or epoch
/// milliseconds.
pub fn parse_instant(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z"] {
        if let Ok(t) = DateTime::parse_from_str(raw, f) {
            return Some(t.with_timezone(&Utc));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0)?));
    }
    raw.parse::<i64>().ok().and_then(|ms| Utc.timestamp_millis_opt(ms).single())
}

fn audit_item(i: &AuditItem) -> Value {
    let mut o = json!({"id": i.id, "name": i.name, "typeName": i.type_name});
    if let Some((id, name)) = &i.parent {
        o["parentId"] = json!(id);
        o["parentName"] = json!(name);
    }
    o
}

/// The text an audit filter word is matched against.
pub fn audit_text(site: &Site, r: &AuditEntry) -> String {
    let mut parts =
        vec![r.summary.clone(), r.category.clone(), r.description.clone(), r.object.name.clone(), r.object.type_name.clone(), r.remote_address.clone()];
    parts.extend(r.associated.iter().map(|a| a.name.clone()));
    parts.extend(r.changed.iter().flat_map(|c| [Some(c.field.clone()), c.from.clone(), c.to.clone()]).flatten());
    if let Some(u) = site.user(&r.author_id) {
        parts.push(u.display_name.clone());
    }
    parts.join("\n").to_lowercase()
}

/// `GET /rest/api/3/auditing/record` (Cloud): newest first; `filter` (every space-separated word
/// must occur in the record), `from`/`to` (inclusive), `offset`/`limit` (default 1000); site
/// admins only.
pub async fn audit_records(j: Jira) -> ApiResult {
    let site = j.sb.site.read();
    j.require_admin(&site)?;
    let bad = |k: &str| ApiError::jira(StatusCode::BAD_REQUEST, format!("The '{k}' parameter is not a valid date."));
    let from = j.query.get("from").filter(|s| !s.is_empty()).map(|s| parse_instant(s).ok_or_else(|| bad("from"))).transpose()?;
    let to = j.query.get("to").filter(|s| !s.is_empty()).map(|s| parse_instant(s).ok_or_else(|| bad("to"))).transpose()?;
    let words: Vec<String> = j.query.get("filter").unwrap_or("").split_whitespace().map(str::to_lowercase).collect();
    let offset = j.query.int("offset", 0)?.max(0) as usize;
    let limit = j.query.int("limit", 1000)?.clamp(0, 1000) as usize;
    let all: Vec<&AuditEntry> = site
        .governance
        .jira_audit
        .iter()
        .rev()
        .filter(|r| from.is_none_or(|f| r.created >= f) && to.is_none_or(|t| r.created <= t))
        .filter(|r| {
            let text = audit_text(&site, r);
            words.iter().all(|w| text.contains(w))
        })
        .collect();
    let records: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(|r| {
            let mut o = json!({
                "id": r.id, "summary": r.summary, "remoteAddress": r.remote_address, "authorKey": r.author_id, "created": ts(r.created),
                "category": r.category, "eventSource": "", "objectItem": audit_item(&r.object),
                "changedValues": r.changed.iter().map(|c| {
                    let mut v = json!({"fieldName": c.field});
                    if let Some(f) = &c.from { v["changedFrom"] = json!(f); }
                    if let Some(t) = &c.to { v["changedTo"] = json!(t); }
                    v
                }).collect::<Vec<_>>(),
                "associatedItems": r.associated.iter().map(audit_item).collect::<Vec<_>>(),
            });
            if !r.description.is_empty() {
                o["description"] = json!(r.description);
            }
            o
        })
        .collect();
    Ok(Json(json!({"offset": offset, "limit": limit, "total": all.len(), "records": records})))
}

/// `GET /securitylevel/{id}`: the level the security levels' `self` links name.
pub async fn security_level(j: Jira, Path(id): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    j.require_user()?;
    let (s, l) = site
        .governance
        .security_schemes
        .iter()
        .flat_map(|s| s.levels.iter().map(move |l| (s, l)))
        .find(|(_, l)| l.id.to_string() == id)
        .ok_or_else(|| ApiError::jira(StatusCode::NOT_FOUND, format!("The issue security level with id '{id}' does not exist.")))?;
    Ok(Json(level_json(&j, s, l)))
}
