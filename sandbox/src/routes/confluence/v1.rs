//! Confluence REST API v1: `/wiki/rest/api` (Cloud) or `/rest/api` (Data Center): content,
//! CQL search, spaces, labels, attachments (upload and download), groups and users.

use axum::extract::{Multipart, Path};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::cursor::v1_page;
use super::render::*;
use super::Conf;
use super::{governance, search};
use crate::config::Flavor;
use crate::errors::ApiError;
use crate::model::*;
use crate::routes::sourced::{Source, SourcedRoutes, Spec};
use crate::routes::upload::{read_upload, UploadedFile};

/// The `downloadLink` of a v2 attachment: the site's download servlet, not a REST operation
/// (https://developer.atlassian.com/cloud/confluence/rest/v2/api-group-attachment/#api-attachments-id-get,
/// field `downloadLink`).
const DOWNLOAD_LINK: Source = Source::Doc("https://developer.atlassian.com/cloud/confluence/rest/v2/api-group-attachment/#api-attachments-id-get");

/// v1 where the flavor serves it: `/wiki/rest/api` on Cloud, `/rest/api` on Data Center.
pub fn routes(flavor: Flavor) -> SourcedRoutes {
    let prefix = match flavor {
        Flavor::Cloud => "/wiki/rest/api",
        Flavor::Datacenter => "/rest/api",
    };
    let src = Source::Spec(Spec::confluence_v1(flavor));
    let p = |s: &str| format!("{prefix}{s}");
    let mut r = SourcedRoutes::new()
        .get(&p("/content"), contents, src)
        .post(&p("/content"), content_create, src)
        .get(&p("/content/search"), content_search, src)
        .get(&p("/content/{id}"), content, src)
        .put(&p("/content/{id}"), content_update, src)
        .delete(&p("/content/{id}"), content_delete, src)
        .get(&p("/content/{id}/child/page"), child_pages, src)
        .get(&p("/content/{id}/child/comment"), child_comments, src)
        .get(&p("/content/{id}/child/attachment"), child_attachments, src)
        .post(&p("/content/{id}/child/attachment"), attachment_upload, src)
        .get(&p("/content/{id}/label"), content_labels, src)
        .post(&p("/content/{id}/label"), label_add, src)
        .delete(&p("/content/{id}/label/{name}"), label_remove, src)
        .get(&p("/search"), site_search, src)
        .get(&p("/space"), spaces, src)
        .get(&p("/space/{key}"), space, src)
        .get(&p("/group"), groups, src)
        .get(&p("/group/{name}/member"), group_members, src)
        .get(&p("/group/member"), group_members_by_query, src)
        .get(&p("/user"), user, src)
        .get(&p("/audit"), governance::audit, src);
    r = match flavor {
        // Cloud serves attachment bytes at the v2 `downloadLink` and at v1's download operation,
        // and lists people through the user search.
        Flavor::Cloud => r
            .get("/wiki/download/attachments/{id}/{name}", download_by_name, DOWNLOAD_LINK)
            .get(&p("/content/{id}/child/attachment/{att}/download"), attachment_download, src)
            .get(&p("/search/user"), user_search, src)
            .get(&p("/content/{id}/restriction"), governance::restrictions, src)
            .get(&p("/content/{id}/restriction/byOperation"), governance::restrictions_by_operation, src)
            .get(&p("/analytics/content/{id}/views"), governance::views, src)
            .get(&p("/analytics/content/{id}/viewers"), governance::viewers, src),
        // Data Center: the bytes at `_links.download` (the download servlet), the registered
        // users' list, content properties (Cloud reads them from v2), space permissions and
        // restrictions by operation.
        Flavor::Datacenter => r
            .get("/download/attachments/{id}/{name}", download_by_name, DC_DOWNLOAD)
            .get(&p("/user/list"), user_list, src)
            .get(&p("/content/{id}/property"), content_properties, src)
            .get(&p("/space/{key}/permissions"), governance::space_permissions_dc, src)
            .get(&p("/content/{id}/restriction/byOperation"), governance::restrictions_by_operation_dc, src),
    };
    r
}

/// Where Confluence Data Center serves an attachment's bytes: the `_links.download` its REST API
/// gives each attachment, `/download/attachments/{contentId}/{fileName}` (the download servlet,
/// not a REST operation).
const DC_DOWNLOAD: Source = Source::Doc("https://developer.atlassian.com/server/confluence/rest/v1000/api-group-attachments");

fn expand(c: &Conf) -> Vec<String> {
    c.query.all("expand")
}

async fn contents(c: Conf) -> Result<Json<Value>, ApiError> {
    let items = {
        let site = c.sb.site.read();
        let ty = c.query.get("type").unwrap_or("page").to_string();
        let kind = match ty.as_str() {
            "page" => ContentKind::Page,
            "blogpost" => ContentKind::BlogPost,
            other => return Err(c.error(StatusCode::BAD_REQUEST, format!("Type {other} is not supported in this context"))),
        };
        let space_key = c.query.get("spaceKey").map(str::to_string);
        let title = c.query.get("title").map(str::to_string);
        let status = c.query.get("status").unwrap_or("current").to_string();
        let ex = expand(&c);
        let wiki = c.wiki();
        site.contents
            .iter()
            .filter(|x| x.kind == kind && x.status == status && c.content_visible(&site, x))
            .filter(|x| space_key.as_ref().is_none_or(|k| site.space(x.space_id).is_some_and(|s| s.key == *k)))
            .filter(|x| title.as_ref().is_none_or(|t| *t == x.title))
            .map(|x| content_v1(&site, &wiki, x, &ex))
            .collect()
    };
    v1_page(&c, items, 25, 200)
}

async fn content(c: Conf, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    // Attachments are content too, under their `att…` ids.
    if let Some(n) = id.strip_prefix("att") {
        let n: u64 = n.parse().map_err(|_| c.error(StatusCode::BAD_REQUEST, format!("Invalid id: {id}")))?;
        let site = c.sb.site.read();
        let a = site
            .attachments
            .iter()
            .find(|a| a.id == n && site.content(a.container_id).is_some_and(|x| c.content_visible(&site, x)))
            .ok_or_else(|| c.error(StatusCode::NOT_FOUND, format!("No content found with id : ContentId{{id={id}}}")))?;
        let mut o = attachment_v1(&c.wiki(), a);
        if let Some(x) = site.content(a.container_id).filter(|_| expand(&c).iter().any(|e| e == "container")) {
            o["container"] = json!({"id": x.id.to_string(), "type": x.kind.cql_type(), "title": x.title});
        }
        return Ok(Json(o));
    }
    let id = c.id(&id)?;
    let site = c.sb.site.read();
    let x = site
        .content(id)
        .filter(|x| c.content_visible(&site, x))
        .ok_or_else(|| c.error(StatusCode::NOT_FOUND, format!("No content found with id : ContentId{{id={id}}}")))?;
    Ok(Json(content_v1(&site, &c.wiki(), x, &expand(&c))))
}

// ------------------------------------------------------------------------------------------- writes

/// An id in a v1 body: Confluence takes it as a string or a number.
fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A v1 content body (`type`, `space.key`, `ancestors`, `container`, `body.storage`) read into
/// the v2 form the shared write code takes, with the kind it names.
fn v2_form(c: &Conf, body: &str) -> Result<(ContentKind, Map<String, Value>), ApiError> {
    let b = super::v2::object(c, body)?;
    let kind = match b.get("type").and_then(Value::as_str) {
        Some("page") => ContentKind::Page,
        Some("blogpost") => ContentKind::BlogPost,
        Some("comment") => ContentKind::FooterComment,
        Some(other) => return Err(c.error(StatusCode::BAD_REQUEST, format!("Unsupported content type: {other}"))),
        None => return Err(c.error(StatusCode::BAD_REQUEST, "Content type is required")),
    };
    let mut o = Map::new();
    for k in ["title", "status", "version"] {
        if let Some(v) = b.get(k) {
            o.insert(k.into(), v.clone());
        }
    }
    if let Some(key) = b.get("space").and_then(|s| s.get("key")).and_then(Value::as_str) {
        let site = c.sb.site.read();
        let s =
            site.space_by_key(key).filter(|s| c.space_visible(&site, s)).ok_or_else(|| c.error(StatusCode::NOT_FOUND, format!("No space with key : {key}")))?;
        o.insert("spaceId".into(), json!(s.id.to_string()));
    }
    if let Some(parent) = b.get("ancestors").and_then(Value::as_array).and_then(|a| a.last()).and_then(|a| a.get("id")).and_then(id_text) {
        o.insert(if kind == ContentKind::FooterComment { "parentCommentId" } else { "parentId" }.into(), json!(parent));
    }
    if let Some(container) = b.get("container") {
        let id = container.get("id").and_then(id_text).ok_or_else(|| c.error(StatusCode::BAD_REQUEST, "container.id is required"))?;
        let key = if container.get("type").and_then(Value::as_str) == Some("blogpost") { "blogPostId" } else { "pageId" };
        o.insert(key.into(), json!(id));
    }
    if let Some(storage) = b.get("body").and_then(|x| x.get("storage")) {
        o.insert("body".into(), json!({"value": storage.get("value"), "representation": storage.get("representation").cloned().unwrap_or(json!("storage"))}));
    }
    Ok((kind, o))
}

fn written_v1(c: &Conf, x: &Content) -> Json<Value> {
    let site = c.sb.site.read();
    Json(content_v1(&site, &c.wiki(), x, &["space".into(), "version".into(), "history".into(), "container".into(), "ancestors".into(), "body.storage".into()]))
}

async fn content_create(c: Conf, body: String) -> Result<Json<Value>, ApiError> {
    let (kind, b) = v2_form(&c, &body)?;
    let x = match kind {
        ContentKind::FooterComment => super::v2::create_comment(&c, &b)?,
        _ => {
            if !b.contains_key("spaceId") {
                return Err(c.error(StatusCode::BAD_REQUEST, "Space is required: give space.key"));
            }
            super::v2::create(&c, &b, kind)?
        }
    };
    Ok(written_v1(&c, &x))
}

/// PUT names the type of the content it changes; it must match, as Confluence checks.
async fn content_update(c: Conf, Path(id): Path<String>, body: String) -> Result<Json<Value>, ApiError> {
    let (kind, b) = v2_form(&c, &body)?;
    let kinds: &[ContentKind] = if kind == ContentKind::FooterComment { &[ContentKind::FooterComment, ContentKind::InlineComment] } else { &[kind] };
    let x = super::v2::update(&c, &id, &b, kinds)?;
    Ok(written_v1(&c, &x))
}

/// Attachments are content in v1 too (`att…` ids).
async fn content_delete(c: Conf, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if id.starts_with("att") {
        return super::v2::delete_attachment(&c, &id);
    }
    super::v2::delete(&c, &id, &[ContentKind::Page, ContentKind::BlogPost, ContentKind::FooterComment, ContentKind::InlineComment])
}

fn cql_of(c: &Conf) -> Result<String, ApiError> {
    c.query.get("cql").map(str::to_string).ok_or_else(|| c.error(StatusCode::BAD_REQUEST, "CQL query parameter is required"))
}

/// CQL errors carry Confluence's own 400 body.
fn cql_error(c: &Conf, e: ApiError) -> Response {
    if e.status == StatusCode::BAD_REQUEST {
        let body = crate::cql::error_body(&crate::cql::CqlError { message: e.messages.join(" ") });
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    let _ = c;
    e.into_response()
}

async fn content_search(c: Conf) -> Response {
    let run = || -> Result<Json<Value>, ApiError> {
        let cql = cql_of(&c)?;
        let items = {
            let site = c.sb.site.read();
            let hits = search::run(&c, &site, &cql)?;
            let ex = expand(&c);
            let wiki = c.wiki();
            hits.into_iter().map(|i| content_v1(&site, &wiki, &site.contents[i], &ex)).collect()
        };
        v1_page(&c, items, 25, 200)
    };
    match run() {
        Ok(j) => j.into_response(),
        Err(e) => cql_error(&c, e),
    }
}

async fn site_search(c: Conf) -> Response {
    let run = || -> Result<Json<Value>, ApiError> {
        let cql = cql_of(&c)?;
        let (items, total) = {
            let site = c.sb.site.read();
            let hits = search::run(&c, &site, &cql)?;
            let ex = expand(&c);
            let wiki = c.wiki();
            let items: Vec<Value> = hits
                .iter()
                .map(|&i| {
                    let x = &site.contents[i];
                    let space = site.space(x.space_id);
                    let text = storage_text(&x.body);
                    let excerpt: String = text.chars().take(200).collect();
                    json!({
                        "content": content_v1(&site, &wiki, x, &ex),
                        "title": x.title,
                        "excerpt": excerpt,
                        "url": format!("/spaces/{}/pages/{}", space.map(|s| s.key.as_str()).unwrap_or(""), x.id),
                        "resultGlobalContainer": {"title": space.map(|s| s.name.clone()), "displayUrl": format!("/spaces/{}", space.map(|s| s.key.as_str()).unwrap_or(""))},
                        "breadcrumbs": [],
                        "entityType": "content",
                        "iconCssClass": format!("aui-icon content-type-{}", x.kind.cql_type()),
                        "lastModified": ts(x.last_modified()),
                        "friendlyLastModified": x.last_modified().format("%b %d, %Y").to_string(),
                        "score": 0.0,
                    })
                })
                .collect();
            let n = items.len();
            (items, n)
        };
        search_page(&c, items, total, &cql, 200)
    };
    match run() {
        Ok(j) => j.into_response(),
        Err(e) => cql_error(&c, e),
    }
}

fn container<'a>(c: &Conf, site: &'a Site, raw: &str) -> Result<&'a Content, ApiError> {
    let id = c.id(raw)?;
    site.content(id)
        .filter(|x| c.content_visible(site, x))
        .ok_or_else(|| c.error(StatusCode::NOT_FOUND, format!("No content found with id : ContentId{{id={id}}}")))
}

async fn child_pages(c: Conf, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let items = {
        let site = c.sb.site.read();
        let parent = container(&c, &site, &id)?.id;
        let ex = expand(&c);
        let wiki = c.wiki();
        site.contents
            .iter()
            .filter(|x| x.kind == ContentKind::Page && x.parent_id == Some(parent) && x.status == "current")
            .map(|x| content_v1(&site, &wiki, x, &ex))
            .collect()
    };
    v1_page(&c, items, 25, 200)
}

async fn child_comments(c: Conf, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let items = {
        let site = c.sb.site.read();
        let parent = container(&c, &site, &id)?.id;
        let ex = expand(&c);
        let wiki = c.wiki();
        site.contents
            .iter()
            .filter(|x| matches!(x.kind, ContentKind::FooterComment | ContentKind::InlineComment) && x.container_id == Some(parent) && x.status == "current")
            .map(|x| {
                let mut o = content_v1(&site, &wiki, x, &ex);
                o["extensions"] = json!({"location": if x.kind == ContentKind::InlineComment { "inline" } else { "footer" }});
                o
            })
            .collect()
    };
    v1_page(&c, items, 25, 200)
}

/// `_links.download`, relative to the site's Confluence: v1's download operation on Cloud, the
/// download servlet on Data Center.
fn download_link(wiki: &str, a: &Attachment) -> String {
    if wiki.ends_with("/wiki") {
        format!("/rest/api/content/{}/child/attachment/att{}/download", a.container_id, a.id)
    } else {
        let name: String = form_urlencoded::byte_serialize(a.title.as_bytes()).collect::<String>().replace('+', "%20");
        format!("/download/attachments/{}/{name}?version={}&api=v2", a.container_id, a.version)
    }
}

fn attachment_v1(wiki: &str, a: &Attachment) -> Value {
    json!({
        "id": format!("att{}", a.id),
        "type": "attachment",
        "status": "current",
        "title": a.title,
        "metadata": {"mediaType": a.media_type, "comment": a.comment},
        "extensions": {"mediaType": a.media_type, "fileSize": a.data.len(), "comment": a.comment, "fileId": a.file_id},
        "version": {"number": a.version, "when": ts(a.created_at), "by": {"type": "known", "accountId": a.author_id}},
        "_links": {"download": download_link(wiki, a), "self": format!("{wiki}/rest/api/content/att{}", a.id)},
    })
}

async fn child_attachments(c: Conf, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let items = {
        let site = c.sb.site.read();
        let parent = container(&c, &site, &id)?.id;
        let file = c.query.get("filename").map(str::to_string);
        let wiki = c.wiki();
        let with_container = expand(&c).iter().any(|e| e == "container");
        site.attachments
            .iter()
            .filter(|a| a.container_id == parent && file.as_ref().is_none_or(|f| *f == a.title))
            .map(|a| {
                let mut o = attachment_v1(&wiki, a);
                // `expand=container`: the page or blog post the file is attached to.
                if let Some(p) = with_container.then(|| site.content(a.container_id)).flatten() {
                    o["container"] = json!({"id": p.id.to_string(), "type": p.kind.cql_type(), "title": p.title});
                }
                o
            })
            .collect()
    };
    v1_page(&c, items, 50, 200)
}

fn bytes_response(a: &Attachment) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", a.title.replace('"', ""));
    ([(header::CONTENT_TYPE, a.media_type.clone()), (header::CONTENT_DISPOSITION, disposition)], a.data.clone()).into_response()
}

async fn attachment_download(c: Conf, Path((id, att)): Path<(String, String)>) -> Result<Response, ApiError> {
    let site = c.sb.site.read();
    let parent = container(&c, &site, &id)?.id;
    let n: u64 = att.strip_prefix("att").unwrap_or(&att).parse().map_err(|_| c.not_found())?;
    let a = site.attachments.iter().find(|a| a.id == n && a.container_id == parent).ok_or_else(|| c.not_found())?;
    Ok(bytes_response(a))
}

async fn download_by_name(c: Conf, Path((id, name)): Path<(String, String)>) -> Result<Response, ApiError> {
    let site = c.sb.site.read();
    let parent = container(&c, &site, &id)?.id;
    let a = site.attachments.iter().rev().find(|a| a.container_id == parent && a.title == name).ok_or_else(|| c.not_found())?;
    Ok(bytes_response(a))
}

/// Multipart upload ([`read_upload`]): one v1 attachment per file.
async fn attachment_upload(c: Conf, Path(id): Path<String>, headers: HeaderMap, form: Multipart) -> Result<Json<Value>, ApiError> {
    let me = c.require_user()?.to_string();
    let (files, comment) = read_upload(&headers, form).await.map_err(|(status, message)| c.error(status, message))?;
    let mut site = c.sb.site.write();
    let parent = container(&c, &site, &id)?.id;
    let now = c.sb.clock.now();
    let wiki = c.wiki();
    let mut out = Vec::new();
    for UploadedFile { name: title, media_type: media, data } in files {
        if site.attachments.iter().any(|a| a.container_id == parent && a.title == title) {
            return Err(c.error(StatusCode::BAD_REQUEST, format!("Cannot add a new attachment with same file name as an existing attachment: {title}")));
        }
        let aid = site.next_id("attachment", 500_000);
        let a = Attachment {
            id: aid,
            title,
            media_type: media,
            comment: comment.clone(),
            container_id: parent,
            author_id: me.clone(),
            created_at: now,
            version: 1,
            file_id: uuid::Uuid::new_v4().to_string(),
            data,
        };
        out.push(attachment_v1(&wiki, &a));
        site.attachments.push(a);
    }
    site.touch();
    drop(site);
    c.sb.persist();
    let n = out.len();
    Ok(Json(json!({"results": out, "start": 0, "limit": n, "size": n, "_links": {"base": wiki}})))
}

async fn content_properties(c: Conf, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let items = {
        let site = c.sb.site.read();
        let x = container(&c, &site, &id)?;
        x.properties.iter().map(|p| property_v1(&c.wiki(), x.id, p, x.last_modified())).collect()
    };
    v1_page(&c, items, 10, 200)
}

async fn content_labels(c: Conf, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let items = {
        let site = c.sb.site.read();
        let x = container(&c, &site, &id)?;
        let prefix = c.query.get("prefix").map(str::to_string);
        x.labels
            .iter()
            .filter(|l| prefix.as_ref().is_none_or(|p| *p == l.prefix))
            .map(|l| json!({"prefix": l.prefix, "name": l.name, "id": l.id.to_string(), "label": l.name}))
            .collect()
    };
    v1_page(&c, items, 200, 200)
}

/// Adds labels: a JSON array of `{prefix, name}` (or one object), as Confluence accepts.
async fn label_add(c: Conf, Path(id): Path<String>, body: String) -> Result<Json<Value>, ApiError> {
    c.require_user()?;
    let v: Value = serde_json::from_str(&body).map_err(|_| c.error(StatusCode::BAD_REQUEST, "Invalid request body"))?;
    let list = match v {
        Value::Array(a) => a,
        o @ Value::Object(_) => vec![o],
        _ => return Err(c.error(StatusCode::BAD_REQUEST, "Expected a label or a list of labels")),
    };
    let mut wanted = Vec::new();
    for l in &list {
        let name = l
            .get("name")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| c.error(StatusCode::BAD_REQUEST, "Label name is required"))?;
        if name.chars().any(|ch| ch.is_whitespace() || "!#&()*,.:;<>?@[]^".contains(ch)) {
            return Err(c.error(StatusCode::BAD_REQUEST, format!("Label '{name}' contains an invalid character")));
        }
        let prefix = l.get("prefix").and_then(Value::as_str).unwrap_or("global");
        if !["global", "my", "team"].contains(&prefix) {
            return Err(c.error(StatusCode::BAD_REQUEST, format!("Invalid label prefix: {prefix}")));
        }
        wanted.push((prefix.to_string(), name.to_lowercase()));
    }
    let mut site = c.sb.site.write();
    let cid = container(&c, &site, &id)?.id;
    for (prefix, name) in wanted {
        let exists = site.content(cid).is_some_and(|x| x.labels.iter().any(|l| l.name == name && l.prefix == prefix));
        if !exists {
            let lid = site.next_id("label", 1000);
            site.content_mut(cid).expect("found").labels.push(Label { id: lid, name, prefix });
        }
    }
    site.touch();
    let labels: Vec<Value> = site
        .content(cid)
        .map(|x| x.labels.iter().map(|l| json!({"prefix": l.prefix, "name": l.name, "id": l.id.to_string(), "label": l.name})).collect())
        .unwrap_or_default();
    drop(site);
    c.sb.persist();
    let n = labels.len();
    Ok(Json(json!({"results": labels, "start": 0, "limit": 200, "size": n, "_links": {}})))
}

async fn label_remove(c: Conf, Path((id, name)): Path<(String, String)>) -> Result<StatusCode, ApiError> {
    c.require_user()?;
    let mut site = c.sb.site.write();
    let cid = container(&c, &site, &id)?.id;
    let m = site.content_mut(cid).expect("found");
    let before = m.labels.len();
    m.labels.retain(|l| !l.name.eq_ignore_ascii_case(&name));
    if m.labels.len() == before {
        return Err(c.error(StatusCode::NOT_FOUND, format!("Label '{name}' is not on content {cid}")));
    }
    site.touch();
    drop(site);
    c.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

async fn spaces(c: Conf) -> Result<Json<Value>, ApiError> {
    let items = {
        let site = c.sb.site.read();
        let keys = c.query.all("spaceKey");
        let ty = c.query.get("type").map(str::to_string);
        let status = c.query.get("status").map(str::to_string);
        let ex = expand(&c);
        site.spaces
            .iter()
            .filter(|s| c.space_visible(&site, s))
            .filter(|s| keys.is_empty() || keys.contains(&s.key))
            .filter(|s| ty.as_ref().is_none_or(|t| *t == s.kind))
            .filter(|s| status.as_ref().is_none_or(|t| *t == s.status))
            .map(|s| space_v1(s, &ex, &site))
            .collect()
    };
    v1_page(&c, items, 25, 500)
}

async fn space(c: Conf, Path(key): Path<String>) -> Result<Json<Value>, ApiError> {
    let site = c.sb.site.read();
    let s =
        site.space_by_key(&key).filter(|s| c.space_visible(&site, s)).ok_or_else(|| c.error(StatusCode::NOT_FOUND, format!("No space with key : {key}")))?;
    Ok(Json(space_v1(s, &expand(&c), &site)))
}

async fn groups(c: Conf) -> Result<Json<Value>, ApiError> {
    c.require_user()?;
    let items = {
        let site = c.sb.site.read();
        site.groups.iter().map(|g| json!({"type": "group", "name": g.name, "id": g.id})).collect()
    };
    v1_page(&c, items, 200, 1000)
}

fn members(c: &Conf, name: &str) -> Result<Json<Value>, ApiError> {
    c.require_user()?;
    let items = {
        let site = c.sb.site.read();
        if !site.groups.iter().any(|g| g.name == name) {
            return Err(c.error(StatusCode::NOT_FOUND, format!("No group found with name : {name}")));
        }
        site.users
            .iter()
            .filter(|u| u.groups.iter().any(|g| g == name))
            .map(|u| json!({"type": "known", "accountId": u.account_id, "accountType": "atlassian", "displayName": u.display_name, "publicName": u.display_name}))
            .collect()
    };
    v1_page(c, items, 200, 1000)
}

async fn group_members(c: Conf, Path(name): Path<String>) -> Result<Json<Value>, ApiError> {
    members(&c, &name)
}

async fn group_members_by_query(c: Conf) -> Result<Json<Value>, ApiError> {
    let name = c.query.get("name").ok_or_else(|| c.error(StatusCode::BAD_REQUEST, "name is required"))?.to_string();
    members(&c, &name)
}

/// A page of search results with the search's own fields.
fn search_page(c: &Conf, items: Vec<Value>, total: usize, cql: &str, max: usize) -> Result<Json<Value>, ApiError> {
    let Json(mut page) = v1_page(c, items, 25, max)?;
    page["totalSize"] = json!(total);
    page["cqlQuery"] = json!(cql);
    page["searchDuration"] = json!(1);
    Ok(Json(page))
}

/// `search/user?cql=type=user [AND user.fullname ~ "text"]`: the people search, the only user
/// list Confluence offers. Any other CQL is refused as Confluence refuses it.
async fn user_search(c: Conf) -> Response {
    let run = || -> Result<Json<Value>, ApiError> {
        c.require_user()?;
        let cql = cql_of(&c)?;
        let squeezed: String = cql.chars().filter(|ch| !ch.is_whitespace()).collect::<String>().to_lowercase();
        let name_filter = match squeezed.strip_prefix("type=user") {
            Some("") => None,
            Some(rest) => {
                let text = rest.strip_prefix("anduser.fullname~").map(|t| t.trim_matches(|ch| ch == '"' || ch == '\''));
                Some(text.ok_or_else(|| c.error(StatusCode::BAD_REQUEST, format!("Could not parse cql : {cql}")))?.to_string())
            }
            None => return Err(c.error(StatusCode::BAD_REQUEST, format!("The CQL of a user search must select type=user: {cql}"))),
        };
        let site = c.sb.site.read();
        let items: Vec<Value> = site
            .users
            .iter()
            .filter(|u| name_filter.as_ref().is_none_or(|t| u.display_name.to_lowercase().replace(' ', "").contains(t.as_str())))
            .map(|u| {
                json!({
                    "user": {"type": "known", "accountId": u.account_id, "accountType": "atlassian", "displayName": u.display_name, "publicName": u.display_name, "timeZone": u.time_zone},
                    "title": u.display_name,
                    "excerpt": "",
                    "url": format!("/people/{}", u.account_id),
                    "breadcrumbs": [],
                    "entityType": "user",
                    "iconCssClass": "aui-icon content-type-profile",
                    "lastModified": "2024-01-01T00:00:00.000Z",
                    "score": 0.0,
                })
            })
            .collect();
        let total = items.len();
        drop(site);
        search_page(&c, items, total, &cql, 1000)
    };
    match run() {
        Ok(j) => j.into_response(),
        Err(e) => cql_error(&c, e),
    }
}

/// Data Center's `GET /rest/api/user/list`: every registered user as a `Person`, `start`/`limit`
/// paged (100 by default).
async fn user_list(c: Conf) -> Result<Json<Value>, ApiError> {
    c.require_user()?;
    let items: Vec<Value> = {
        let site = c.sb.site.read();
        site.users
            .iter()
            .map(|u| {
                json!({
                    "type": "known",
                    "username": u.email,
                    "userKey": u.account_id,
                    "displayName": u.display_name,
                    "profilePicture": {"path": format!("/images/icons/profilepics/default.svg"), "width": 48, "height": 48, "isDefault": true},
                })
            })
            .collect()
    };
    v1_page(&c, items, 100, 1000)
}

async fn user(c: Conf) -> Result<Json<Value>, ApiError> {
    c.require_user()?;
    let site = c.sb.site.read();
    let id = c.query.get("accountId").ok_or_else(|| c.error(StatusCode::BAD_REQUEST, "accountId is required"))?;
    let u = site.user(id).ok_or_else(|| c.error(StatusCode::NOT_FOUND, format!("No user found with accountId : {id}")))?;
    let mut o = json!({"type": "known", "accountId": u.account_id, "accountType": "atlassian", "displayName": u.display_name, "publicName": u.display_name, "timeZone": u.time_zone});
    if c.who.account() == Some(u.account_id.as_str()) || c.who.is_admin(&site) {
        o["email"] = json!(u.email);
    }
    Ok(Json(o))
}
