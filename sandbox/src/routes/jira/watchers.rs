//! An issue's watchers and votes: `/rest/api/{2|3}/issue/{key}/watchers` and `.../votes`.
//! Cloud names users by account id; Data Center by username (its users' names are their
//! account ids here).

use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::Jira;
use crate::errors::{ApiError, ApiResult};
use crate::model::*;

fn no_user(who: &str) -> ApiError {
    ApiError::jira(StatusCode::NOT_FOUND, format!("The user \"{who}\" does not exist."))
}

impl Jira {
    fn users_json(&self, site: &Site, ids: &[String]) -> Vec<Value> {
        let api = self.api();
        let view = self.view(site, &api);
        ids.iter().map(|id| view.user_id(id)).filter(|u| !u.is_null()).collect()
    }
    fn is_cloud(&self) -> bool {
        self.sb.config.flavor == crate::config::Flavor::Cloud
    }
}

pub async fn watchers(j: Jira, Path(key): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let i = j.issue_ix(&site, &key)?;
    let issue = &site.issues[i];
    let me = j.who.account().unwrap_or_default();
    Ok(Json(json!({
        "self": format!("{}/issue/{}/watchers", j.api(), issue.key),
        "isWatching": issue.watchers.iter().any(|w| w == me),
        "watchCount": issue.watchers.len(),
        "watchers": j.users_json(&site, &issue.watchers),
    })))
}

/// Adds a watcher: the body is the user (a JSON string: Cloud's account id, Data Center's
/// username, which it also takes as `userName`), or empty for the caller.
pub async fn watcher_add(j: Jira, Path(key): Path<String>, body: String) -> Result<StatusCode, ApiError> {
    let me = j.require_user()?.to_string();
    let named = match body.trim() {
        "" => j.query.get("userName").map(str::to_string),
        text => Some(serde_json::from_str::<String>(text).map_err(|_| ApiError::jira(StatusCode::BAD_REQUEST, "The user must be given as a JSON string."))?),
    };
    let who = named.unwrap_or(me);
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    if site.user(&who).is_none() {
        return Err(no_user(&who));
    }
    let issue = &mut site.issues[i];
    if !issue.watchers.contains(&who) {
        issue.watchers.push(who);
    }
    site.touch();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a watcher named by `accountId` (Cloud) or `username` (both).
pub async fn watcher_remove(j: Jira, Path(key): Path<String>) -> Result<StatusCode, ApiError> {
    j.require_user()?;
    let named =
        if j.is_cloud() { j.query.get("accountId").or_else(|| j.query.get("username")) } else { j.query.get("username").or_else(|| j.query.get("userName")) };
    let who = named.map(str::to_string).ok_or_else(|| ApiError::jira(StatusCode::BAD_REQUEST, "The user to remove must be given (accountId or username)."))?;
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    if site.user(&who).is_none() {
        return Err(no_user(&who));
    }
    site.issues[i].watchers.retain(|w| w != &who);
    site.touch();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

pub async fn votes(j: Jira, Path(key): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let i = j.issue_ix(&site, &key)?;
    let issue = &site.issues[i];
    let me = j.who.account().unwrap_or_default();
    Ok(Json(json!({
        "self": format!("{}/issue/{}/votes", j.api(), issue.key),
        "votes": issue.voters.len(),
        "hasVoted": issue.voters.iter().any(|v| v == me),
        "voters": j.users_json(&site, &issue.voters),
    })))
}

/// The caller votes for the issue; Jira refuses a vote for an issue you reported.
pub async fn vote_add(j: Jira, Path(key): Path<String>) -> Result<StatusCode, ApiError> {
    let me = j.require_user()?.to_string();
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    let issue = &mut site.issues[i];
    if issue.reporter_id.as_deref() == Some(me.as_str()) {
        return Err(ApiError::jira(StatusCode::NOT_FOUND, "You cannot vote for an issue you have reported."));
    }
    if !issue.voters.contains(&me) {
        issue.voters.push(me);
    }
    site.touch();
    drop(site);
    j.sb.persist();
    // Data Center's description answers 200, Cloud's 204.
    Ok(if j.is_cloud() { StatusCode::NO_CONTENT } else { StatusCode::OK })
}

pub async fn vote_remove(j: Jira, Path(key): Path<String>) -> Result<StatusCode, ApiError> {
    let me = j.require_user()?.to_string();
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    site.issues[i].voters.retain(|v| v != &me);
    site.touch();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}
