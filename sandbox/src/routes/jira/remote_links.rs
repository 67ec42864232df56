//! An issue's remote links (to Confluence pages, pull requests, any URL):
//! `/rest/api/{2|3}/issue/{key}/remotelink`.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Map, Value};

use super::Jira;
use crate::errors::{ApiError, ApiResult};
use crate::model::*;

fn link_not_found(id: &str) -> ApiError {
    ApiError::jira(StatusCode::NOT_FOUND, format!("No remote link with id '{id}' exists on this issue."))
}

fn link_json(j: &Jira, issue: &Issue, l: &RemoteLink) -> Value {
    let mut o = json!({
        "id": l.id,
        "self": format!("{}/issue/{}/remotelink/{}", j.api(), issue.key, l.id),
        "object": {"url": l.url, "title": l.title, "icon": {}, "status": {"resolved": l.resolved, "icon": {}}},
    });
    if let Some(g) = &l.global_id {
        o["globalId"] = json!(g);
    }
    if let Some((ty, name)) = &l.application {
        o["application"] = json!({"type": ty, "name": name});
    }
    if let Some(r) = &l.relationship {
        o["relationship"] = json!(r);
    }
    if let Some(s) = &l.summary {
        o["object"]["summary"] = json!(s);
    }
    o
}

pub async fn list(j: Jira, Path(key): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let i = j.issue_ix(&site, &key)?;
    let issue = &site.issues[i];
    let global = j.query.get("globalId");
    let links: Vec<Value> =
        issue.remote_links.iter().filter(|l| global.is_none() || l.global_id.as_deref() == global).map(|l| link_json(&j, issue, l)).collect();
    Ok(Json(Value::Array(links)))
}

pub async fn get(j: Jira, Path((key, id)): Path<(String, String)>) -> ApiResult {
    let site = j.sb.site.read();
    let i = j.issue_ix(&site, &key)?;
    let issue = &site.issues[i];
    let l = issue.remote_links.iter().find(|l| l.id.to_string() == id).ok_or_else(|| link_not_found(&id))?;
    Ok(Json(link_json(&j, issue, l)))
}

/// A link from a create or update body: `object.url` and `object.title` are required.
fn from_body(body: &str, id: u64) -> Result<RemoteLink, ApiError> {
    let b: Map<String, Value> = match serde_json::from_str(body) {
        Ok(Value::Object(m)) => m,
        _ => return Err(ApiError::jira(StatusCode::BAD_REQUEST, "Invalid request payload. Refer to the REST API documentation and try again.")),
    };
    let whole = Value::Object(b);
    let text = |p: &str| whole.pointer(&format!("/{p}")).and_then(Value::as_str).map(str::to_string);
    let url = text("object/url").filter(|u| !u.is_empty()).ok_or_else(|| ApiError::jira_field("url", "'url' is required."))?;
    let title = text("object/title").filter(|t| !t.is_empty()).ok_or_else(|| ApiError::jira_field("title", "'title' is required."))?;
    let application = match (text("application/type"), text("application/name")) {
        (None, None) => None,
        (t, n) => Some((t.unwrap_or_default(), n.unwrap_or_default())),
    };
    Ok(RemoteLink {
        id,
        global_id: text("globalId"),
        application,
        relationship: text("relationship"),
        url,
        title,
        summary: text("object/summary"),
        resolved: whole.pointer("/object/status/resolved").and_then(Value::as_bool).unwrap_or(false),
    })
}

/// Creates a link, or updates the one with the same `globalId` (200 then; 201 for a new one on
/// Cloud, 200 on Data Center, as their descriptions say).
pub async fn create(j: Jira, Path(key): Path<String>, body: String) -> Result<(StatusCode, Json<Value>), ApiError> {
    j.require_user()?;
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    let mut link = from_body(&body, 0)?;
    let existing = link.global_id.as_ref().and_then(|g| site.issues[i].remote_links.iter().position(|l| l.global_id.as_ref() == Some(g)));
    let status = match existing {
        Some(ix) => {
            link.id = site.issues[i].remote_links[ix].id;
            site.issues[i].remote_links[ix] = link.clone();
            StatusCode::OK
        }
        None => {
            link.id = site.next_id("remotelink", 10_000);
            site.issues[i].remote_links.push(link.clone());
            if j.sb.config.flavor == crate::config::Flavor::Cloud {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            }
        }
    };
    let out = json!({"id": link.id, "self": format!("{}/issue/{}/remotelink/{}", j.api(), site.issues[i].key, link.id)});
    site.touch();
    drop(site);
    j.sb.persist();
    Ok((status, Json(out)))
}

pub async fn update(j: Jira, Path((key, id)): Path<(String, String)>, body: String) -> Result<StatusCode, ApiError> {
    j.require_user()?;
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    let ix = site.issues[i].remote_links.iter().position(|l| l.id.to_string() == id).ok_or_else(|| link_not_found(&id))?;
    let link = from_body(&body, site.issues[i].remote_links[ix].id)?;
    site.issues[i].remote_links[ix] = link;
    site.touch();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete(j: Jira, Path((key, id)): Path<(String, String)>) -> Result<StatusCode, ApiError> {
    j.require_user()?;
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    let before = site.issues[i].remote_links.len();
    site.issues[i].remote_links.retain(|l| l.id.to_string() != id);
    if site.issues[i].remote_links.len() == before {
        return Err(link_not_found(&id));
    }
    site.touch();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes the link with the `globalId` given.
pub async fn delete_by_global_id(j: Jira, Path(key): Path<String>) -> Result<StatusCode, ApiError> {
    j.require_user()?;
    let global = j.query.get("globalId").map(str::to_string).ok_or_else(|| ApiError::jira(StatusCode::BAD_REQUEST, "The globalId parameter is required."))?;
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    let before = site.issues[i].remote_links.len();
    site.issues[i].remote_links.retain(|l| l.global_id.as_ref() != Some(&global));
    if site.issues[i].remote_links.len() == before {
        return Err(link_not_found(&global));
    }
    site.touch();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}
