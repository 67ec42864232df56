//! Issue attachments: uploaded to `/rest/api/{2|3}/issue/{key}/attachments`, described by
//! `/attachment/{id}`, their files read from Cloud's `/attachment/content/{id}` or, on Data
//! Center, from the URI their metadata gives (`/secure/attachment/{id}/{filename}`).

use axum::extract::{Multipart, Path};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

use super::Jira;
use crate::errors::{ApiError, ApiResult};
use crate::model::*;
use crate::routes::upload::{read_upload, UploadedFile};

fn no_attachment(id: &str) -> ApiError {
    ApiError::jira(StatusCode::NOT_FOUND, format!("The attachment with id '{id}' does not exist."))
}

impl Jira {
    /// The issue index and attachment index of a visible attachment.
    fn attachment_ix(&self, site: &Site, id: &str) -> Result<(usize, usize), ApiError> {
        for issue in &site.issues {
            if let Some(a) = issue.attachments.iter().position(|a| a.id.to_string() == id) {
                // Its issue's visibility decides; an attachment of an issue the caller may not see is missing.
                let i = self.issue_ix(site, &issue.key).map_err(|_| no_attachment(id))?;
                return Ok((i, a));
            }
        }
        Err(no_attachment(id))
    }
}

fn file_response(a: &IssueAttachment) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", a.filename.replace('"', ""));
    ([(header::CONTENT_TYPE, a.mime_type.clone()), (header::CONTENT_DISPOSITION, disposition)], a.bytes.clone()).into_response()
}

pub async fn get(j: Jira, Path(id): Path<String>) -> ApiResult {
    let site = j.sb.site.read();
    let (i, a) = j.attachment_ix(&site, &id)?;
    let api = j.api();
    let mut meta = j.view(&site, &api).attachment(&site.issues[i].attachments[a]);
    // The metadata resource gives the id as a number, the issue's field as text.
    meta["id"] = serde_json::json!(site.issues[i].attachments[a].id);
    Ok(Json(meta))
}

pub async fn delete(j: Jira, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    j.require_user()?;
    let mut site = j.sb.site.write();
    let (i, a) = j.attachment_ix(&site, &id)?;
    site.issues[i].attachments.remove(a);
    site.touch();
    drop(site);
    j.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

/// Cloud's content resource. It may answer with a redirect to Atlassian's media service
/// (`redirect`, by default); the sandbox has no media service and serves the file itself.
pub async fn content(j: Jira, Path(id): Path<String>) -> Result<Response, ApiError> {
    let site = j.sb.site.read();
    let (i, a) = j.attachment_ix(&site, &id)?;
    Ok(file_response(&site.issues[i].attachments[a]))
}

/// Data Center's attachment servlet: the file at the URI the metadata's `content` gives.
pub async fn servlet(j: Jira, Path((id, name)): Path<(String, String)>) -> Result<Response, ApiError> {
    let site = j.sb.site.read();
    let (i, a) = j.attachment_ix(&site, &id)?;
    let file = &site.issues[i].attachments[a];
    if file.filename != name {
        return Err(no_attachment(&id));
    }
    Ok(file_response(file))
}

/// Multipart upload ([`read_upload`]): one attachment per file; the answer lists them.
pub async fn upload(j: Jira, Path(key): Path<String>, headers: HeaderMap, form: Multipart) -> ApiResult {
    let me = j.require_user()?.to_string();
    let (files, _) = read_upload(&headers, form).await.map_err(|(status, message)| ApiError::jira(status, message))?;
    let mut site = j.sb.site.write();
    let i = j.issue_ix(&site, &key)?;
    let now = j.sb.clock.now();
    let mut made = Vec::new();
    for UploadedFile { name, media_type, data } in files {
        let id = site.next_id("jira_attachment", 10_000);
        let a = IssueAttachment { id, filename: name, author_id: me.clone(), created: now, mime_type: media_type, bytes: data };
        site.issues[i].attachments.push(a.clone());
        made.push(a);
    }
    site.issues[i].updated = now;
    site.touch();
    let api = j.api();
    let view = j.view(&site, &api);
    let out: Vec<Value> = made.iter().map(|a| view.attachment(a)).collect();
    drop(site);
    j.sb.persist();
    Ok(Json(Value::Array(out)))
}
