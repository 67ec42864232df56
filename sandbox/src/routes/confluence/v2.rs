//! Confluence Cloud REST API v2 under `/wiki/api/v2`.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde_json::{json, Map, Value};

use super::cursor::v2_page;
use super::render::*;
use super::{governance, Conf};
use crate::errors::ApiError;
use crate::model::*;
use crate::routes::sourced::{Source, SourcedRoutes, Spec};

pub fn routes() -> SourcedRoutes {
    const SRC: Source = Source::Spec(Spec::ConfluenceV2);
    let p = |s: &str| format!("/wiki/api/v2{s}");
    SourcedRoutes::new()
        .get(&p("/spaces"), spaces, SRC)
        .get(&p("/spaces/{id}"), space, SRC)
        .get(&p("/spaces/{id}/pages"), space_pages, SRC)
        .get(&p("/spaces/{id}/blogposts"), space_blogposts, SRC)
        .get(&p("/pages"), pages, SRC)
        .post(&p("/pages"), page_create, SRC)
        .get(&p("/pages/{id}"), page, SRC)
        .put(&p("/pages/{id}"), page_update, SRC)
        .delete(&p("/pages/{id}"), page_delete, SRC)
        .get(&p("/pages/{id}/children"), page_children, SRC)
        .get(&p("/pages/{id}/versions"), content_versions, SRC)
        .get(&p("/pages/{id}/labels"), content_labels, SRC)
        .get(&p("/pages/{id}/properties"), content_properties, SRC)
        .get(&p("/pages/{id}/footer-comments"), content_footer_comments, SRC)
        .get(&p("/pages/{id}/inline-comments"), content_inline_comments, SRC)
        .get(&p("/pages/{id}/attachments"), content_attachments, SRC)
        .get(&p("/blogposts"), blogposts, SRC)
        .post(&p("/blogposts"), blogpost_create, SRC)
        .get(&p("/blogposts/{id}"), blogpost, SRC)
        .put(&p("/blogposts/{id}"), blogpost_update, SRC)
        .delete(&p("/blogposts/{id}"), blogpost_delete, SRC)
        .get(&p("/blogposts/{id}/versions"), content_versions, SRC)
        .get(&p("/blogposts/{id}/labels"), content_labels, SRC)
        .get(&p("/blogposts/{id}/properties"), content_properties, SRC)
        .get(&p("/blogposts/{id}/footer-comments"), content_footer_comments, SRC)
        .get(&p("/blogposts/{id}/inline-comments"), content_inline_comments, SRC)
        .get(&p("/blogposts/{id}/attachments"), content_attachments, SRC)
        .get(&p("/footer-comments"), footer_comments, SRC)
        .post(&p("/footer-comments"), footer_comment_create, SRC)
        .get(&p("/footer-comments/{id}"), footer_comment, SRC)
        .put(&p("/footer-comments/{id}"), footer_comment_update, SRC)
        .delete(&p("/footer-comments/{id}"), footer_comment_delete, SRC)
        .get(&p("/inline-comments"), inline_comments, SRC)
        .get(&p("/inline-comments/{id}"), inline_comment, SRC)
        .get(&p("/attachments"), attachments, SRC)
        .get(&p("/attachments/{id}"), attachment, SRC)
        .delete(&p("/attachments/{id}"), attachment_delete, SRC)
        .get(&p("/labels"), labels, SRC)
        .get(&p("/tasks"), tasks, SRC)
        .get(&p("/spaces/{id}/permissions"), governance::space_permissions, SRC)
        .get(&p("/pages/{id}/ancestors"), governance::page_ancestors, SRC)
        .get(&p("/whiteboards/{id}"), governance::whiteboard, SRC)
        .get(&p("/whiteboards/{id}/ancestors"), governance::whiteboard_ancestors, SRC)
        .get(&p("/folders/{id}"), governance::folder, SRC)
        .get(&p("/folders/{id}/ancestors"), governance::folder_ancestors, SRC)
}

fn body_format(c: &Conf) -> Result<Option<String>, ApiError> {
    match c.query.get("body-format") {
        None | Some("") => Ok(None),
        Some(f @ ("storage" | "atlas_doc_format" | "view" | "export_view" | "anonymous_export_view")) => Ok(Some(f.to_string())),
        Some(other) => Err(c.error(StatusCode::BAD_REQUEST, format!("Invalid value for body-format: {other}"))),
    }
}

/// Orders content by the v2 `sort` parameter.
fn sort_content(c: &Conf, items: &mut [&Content]) -> Result<(), ApiError> {
    match c.query.get("sort").unwrap_or("id") {
        "id" => items.sort_by_key(|x| x.id),
        "-id" => items.sort_by_key(|x| std::cmp::Reverse(x.id)),
        "created-date" => items.sort_by_key(|x| (x.created_at, x.id)),
        "-created-date" => items.sort_by_key(|x| std::cmp::Reverse((x.created_at, x.id))),
        "modified-date" => items.sort_by_key(|x| (x.last_modified(), x.id)),
        "-modified-date" => items.sort_by_key(|x| std::cmp::Reverse((x.last_modified(), x.id))),
        "title" => items.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id))),
        "-title" => items.sort_by(|a, b| b.title.cmp(&a.title).then(b.id.cmp(&a.id))),
        other => return Err(c.error(StatusCode::BAD_REQUEST, format!("Invalid value for sort: {other}"))),
    }
    Ok(())
}

fn statuses(c: &Conf) -> Result<Vec<String>, ApiError> {
    let s = c.query.all("status");
    for x in &s {
        if !["current", "archived", "deleted", "trashed", "draft", "any"].contains(&x.as_str()) {
            return Err(c.error(StatusCode::BAD_REQUEST, format!("Invalid value for status: {x}")));
        }
    }
    Ok(if s.is_empty() || s.iter().any(|x| x == "any") { vec!["current".into(), "archived".into()] } else { s })
}

fn ids_param(c: &Conf, name: &str) -> Result<Vec<u64>, ApiError> {
    c.query.all(name).iter().map(|s| s.parse().map_err(|_| c.error(StatusCode::BAD_REQUEST, format!("Invalid value for {name}: {s}")))).collect()
}

async fn spaces(c: Conf) -> Result<Response, ApiError> {
    let items = {
        let site = c.sb.site.read();
        let ids = ids_param(&c, "ids")?;
        let keys = c.query.all("keys");
        let ty = c.query.get("type").map(str::to_string);
        let status = c.query.get("status").map(str::to_string);
        let labels = c.query.all("labels");
        let mut list: Vec<&Space> = site
            .spaces
            .iter()
            .filter(|s| c.space_visible(&site, s))
            .filter(|s| ids.is_empty() || ids.contains(&s.id))
            .filter(|s| keys.is_empty() || keys.contains(&s.key))
            .filter(|s| ty.as_ref().is_none_or(|t| *t == s.kind))
            .filter(|s| status.as_ref().is_none_or(|t| *t == s.status))
            .filter(|_| labels.is_empty())
            .collect();
        match c.query.get("sort").unwrap_or("id") {
            "id" => list.sort_by_key(|s| s.id),
            "-id" => list.sort_by_key(|s| std::cmp::Reverse(s.id)),
            "key" => list.sort_by(|a, b| a.key.cmp(&b.key)),
            "-key" => list.sort_by(|a, b| b.key.cmp(&a.key)),
            "name" => list.sort_by(|a, b| a.name.cmp(&b.name)),
            "-name" => list.sort_by(|a, b| b.name.cmp(&a.name)),
            other => return Err(c.error(StatusCode::BAD_REQUEST, format!("Invalid value for sort: {other}"))),
        }
        list.into_iter().map(space_v2).collect()
    };
    v2_page(&c, items, 20, 250)
}

async fn space(c: Conf, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let id = c.id(&id)?;
    let site = c.sb.site.read();
    let s = site.space(id).filter(|s| c.space_visible(&site, s)).ok_or_else(|| c.not_found())?;
    Ok(Json(space_v2(s)))
}

/// Pages or blog posts, optionally of one space, filtered and sorted as v2 does.
fn content_list(c: &Conf, kind: ContentKind, space: Option<u64>) -> Result<Vec<Value>, ApiError> {
    let site = c.sb.site.read();
    if let Some(sid) = space {
        site.space(sid).filter(|s| c.space_visible(&site, s)).ok_or_else(|| c.not_found())?;
    }
    let ids = ids_param(c, "id")?;
    let space_ids = ids_param(c, "space-id")?;
    let title = c.query.get("title").map(str::to_string);
    let st = statuses(c)?;
    let fmt = body_format(c)?;
    let mut list: Vec<&Content> = site
        .contents
        .iter()
        .filter(|x| x.kind == kind && c.content_visible(&site, x))
        .filter(|x| st.contains(&x.status))
        .filter(|x| space.is_none_or(|s| x.space_id == s))
        .filter(|x| ids.is_empty() || ids.contains(&x.id))
        .filter(|x| space_ids.is_empty() || space_ids.contains(&x.space_id))
        .filter(|x| title.as_ref().is_none_or(|t| *t == x.title))
        .collect();
    sort_content(c, &mut list)?;
    Ok(list.into_iter().map(|x| page_v2(&site, x, fmt.as_deref())).collect())
}

async fn pages(c: Conf) -> Result<Response, ApiError> {
    let items = content_list(&c, ContentKind::Page, None)?;
    v2_page(&c, items, 25, 250)
}

async fn blogposts(c: Conf) -> Result<Response, ApiError> {
    let items = content_list(&c, ContentKind::BlogPost, None)?;
    v2_page(&c, items, 25, 250)
}

async fn space_pages(c: Conf, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = c.id(&id)?;
    let items = content_list(&c, ContentKind::Page, Some(id))?;
    v2_page(&c, items, 25, 250)
}

async fn space_blogposts(c: Conf, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = c.id(&id)?;
    let items = content_list(&c, ContentKind::BlogPost, Some(id))?;
    v2_page(&c, items, 25, 250)
}

/// A visible, non-trashed page or blog post (or comment) by id.
fn find<'a>(c: &Conf, site: &'a Site, raw: &str, kinds: &[ContentKind]) -> Result<&'a Content, ApiError> {
    let id = c.id(raw)?;
    site.content(id).filter(|x| kinds.contains(&x.kind) && c.content_visible(site, x)).ok_or_else(|| c.not_found())
}

fn single(c: &Conf, raw: &str, kind: ContentKind) -> Result<Json<Value>, ApiError> {
    let site = c.sb.site.read();
    let x = find(c, &site, raw, &[kind])?;
    let fmt = body_format(c)?;
    let mut o = page_v2(&site, x, fmt.as_deref());
    if c.query.bool("include-labels") == Some(true) {
        o["labels"] = json!({"results": x.labels.iter().map(label_v2).collect::<Vec<_>>(), "meta": {"hasMore": false}, "_links": {}});
    }
    o["_links"]["base"] = json!(c.wiki());
    Ok(Json(o))
}

async fn page(c: Conf, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    single(&c, &id, ContentKind::Page)
}

async fn blogpost(c: Conf, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    single(&c, &id, ContentKind::BlogPost)
}

async fn page_children(c: Conf, Path(id): Path<String>) -> Result<Response, ApiError> {
    let items = {
        let site = c.sb.site.read();
        let parent = find(&c, &site, &id, &[ContentKind::Page])?.id;
        let mut kids: Vec<&Content> = site
            .contents
            .iter()
            .filter(|x| x.kind == ContentKind::Page && x.parent_id == Some(parent) && c.content_visible(&site, x) && x.status == "current")
            .collect();
        kids.sort_by_key(|x| (x.position, x.id));
        kids.into_iter()
            .map(|x| json!({"id": x.id.to_string(), "status": x.status, "title": x.title, "spaceId": x.space_id.to_string(), "childPosition": x.position}))
            .collect()
    };
    v2_page(&c, items, 25, 250)
}

async fn content_versions(c: Conf, Path(id): Path<String>) -> Result<Response, ApiError> {
    let items = {
        let site = c.sb.site.read();
        let x = find(&c, &site, &id, &[ContentKind::Page, ContentKind::BlogPost])?;
        let mut vs: Vec<Value> = x
            .versions
            .iter()
            .map(|v| {
                let mut o = version_v2(v);
                let key = if x.kind == ContentKind::Page { "page" } else { "blogpost" };
                o[key] = json!({"id": x.id.to_string(), "title": v.title});
                o
            })
            .collect();
        match c.query.get("sort").unwrap_or("-modified-date") {
            "modified-date" => {}
            "-modified-date" => vs.reverse(),
            other => return Err(c.error(StatusCode::BAD_REQUEST, format!("Invalid value for sort: {other}"))),
        }
        vs
    };
    v2_page(&c, items, 25, 250)
}

async fn content_labels(c: Conf, Path(id): Path<String>) -> Result<Response, ApiError> {
    let items = {
        let site = c.sb.site.read();
        let x = find(&c, &site, &id, &[ContentKind::Page, ContentKind::BlogPost])?;
        let prefix = c.query.get("prefix").map(str::to_string);
        x.labels.iter().filter(|l| prefix.as_ref().is_none_or(|p| *p == l.prefix)).map(label_v2).collect()
    };
    v2_page(&c, items, 25, 250)
}

async fn content_properties(c: Conf, Path(id): Path<String>) -> Result<Response, ApiError> {
    let items = {
        let site = c.sb.site.read();
        let x = find(&c, &site, &id, &[ContentKind::Page, ContentKind::BlogPost])?;
        let key = c.query.get("key").map(str::to_string);
        x.properties.iter().filter(|p| key.as_ref().is_none_or(|k| *k == p.key)).map(|p| property_v2(p, x.last_modified(), x.last_modifier())).collect()
    };
    v2_page(&c, items, 25, 250)
}

fn comments_of(c: &Conf, id: &str, kind: ContentKind) -> Result<Vec<Value>, ApiError> {
    let site = c.sb.site.read();
    let x = find(c, &site, id, &[ContentKind::Page, ContentKind::BlogPost])?;
    let fmt = body_format(c)?;
    let mut list: Vec<&Content> = site.contents.iter().filter(|k| k.kind == kind && k.container_id == Some(x.id) && k.status == "current").collect();
    sort_content(c, &mut list)?;
    Ok(list.into_iter().map(|k| comment_v2(&site, k, fmt.as_deref())).collect())
}

async fn content_footer_comments(c: Conf, Path(id): Path<String>) -> Result<Response, ApiError> {
    let items = comments_of(&c, &id, ContentKind::FooterComment)?;
    v2_page(&c, items, 25, 250)
}

async fn content_inline_comments(c: Conf, Path(id): Path<String>) -> Result<Response, ApiError> {
    let items = comments_of(&c, &id, ContentKind::InlineComment)?;
    v2_page(&c, items, 25, 250)
}

fn all_comments(c: &Conf, kind: ContentKind) -> Result<Vec<Value>, ApiError> {
    let site = c.sb.site.read();
    let fmt = body_format(c)?;
    let mut list: Vec<&Content> = site.contents.iter().filter(|k| k.kind == kind && k.status == "current" && c.content_visible(&site, k)).collect();
    sort_content(c, &mut list)?;
    Ok(list.into_iter().map(|k| comment_v2(&site, k, fmt.as_deref())).collect())
}

async fn footer_comments(c: Conf) -> Result<Response, ApiError> {
    let items = all_comments(&c, ContentKind::FooterComment)?;
    v2_page(&c, items, 25, 250)
}

async fn inline_comments(c: Conf) -> Result<Response, ApiError> {
    let items = all_comments(&c, ContentKind::InlineComment)?;
    v2_page(&c, items, 25, 250)
}

fn one_comment(c: &Conf, id: &str, kind: ContentKind) -> Result<Json<Value>, ApiError> {
    let site = c.sb.site.read();
    let x = find(c, &site, id, &[kind])?;
    let fmt = body_format(c)?;
    Ok(Json(comment_v2(&site, x, fmt.as_deref())))
}

async fn footer_comment(c: Conf, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    one_comment(&c, &id, ContentKind::FooterComment)
}

async fn inline_comment(c: Conf, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    one_comment(&c, &id, ContentKind::InlineComment)
}

fn attachment_list(c: &Conf, container: Option<u64>) -> Result<Vec<Value>, ApiError> {
    let site = c.sb.site.read();
    let media = c.query.get("mediaType").map(str::to_string);
    let file = c.query.get("filename").map(str::to_string);
    let mut list: Vec<&Attachment> = site
        .attachments
        .iter()
        .filter(|a| site.content(a.container_id).is_some_and(|x| c.content_visible(&site, x)))
        .filter(|a| container.is_none_or(|id| a.container_id == id))
        .filter(|a| media.as_ref().is_none_or(|m| *m == a.media_type))
        .filter(|a| file.as_ref().is_none_or(|f| *f == a.title))
        .collect();
    match c.query.get("sort").unwrap_or("id") {
        "id" | "created-date" => list.sort_by_key(|a| a.id),
        "-id" | "-created-date" => list.sort_by_key(|a| std::cmp::Reverse(a.id)),
        "modified-date" => list.sort_by_key(|a| (a.created_at, a.id)),
        "-modified-date" => list.sort_by_key(|a| std::cmp::Reverse((a.created_at, a.id))),
        other => return Err(c.error(StatusCode::BAD_REQUEST, format!("Invalid value for sort: {other}"))),
    }
    Ok(list.into_iter().map(|a| attachment_v2(&site, a)).collect())
}

async fn attachments(c: Conf) -> Result<Response, ApiError> {
    let items = attachment_list(&c, None)?;
    v2_page(&c, items, 50, 250)
}

async fn content_attachments(c: Conf, Path(id): Path<String>) -> Result<Response, ApiError> {
    let cid = {
        let site = c.sb.site.read();
        find(&c, &site, &id, &[ContentKind::Page, ContentKind::BlogPost])?.id
    };
    let items = attachment_list(&c, Some(cid))?;
    v2_page(&c, items, 50, 250)
}

fn attachment_ix(c: &Conf, site: &Site, raw: &str) -> Result<usize, ApiError> {
    let n: u64 = raw.strip_prefix("att").unwrap_or(raw).parse().map_err(|_| c.error(StatusCode::BAD_REQUEST, format!("Invalid id: {raw}")))?;
    site.attachments.iter().position(|a| a.id == n && site.content(a.container_id).is_some_and(|x| c.content_visible(site, x))).ok_or_else(|| c.not_found())
}

async fn attachment(c: Conf, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let site = c.sb.site.read();
    let i = attachment_ix(&c, &site, &id)?;
    let mut o = attachment_v2(&site, &site.attachments[i]);
    o["_links"]["base"] = json!(c.wiki());
    Ok(Json(o))
}

async fn attachment_delete(c: Conf, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    delete_attachment(&c, &id)
}

pub(super) fn delete_attachment(c: &Conf, id: &str) -> Result<StatusCode, ApiError> {
    c.require_user()?;
    let mut site = c.sb.site.write();
    let i = attachment_ix(c, &site, id)?;
    site.attachments.remove(i);
    site.touch();
    drop(site);
    c.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

async fn labels(c: Conf) -> Result<Response, ApiError> {
    let items = {
        let site = c.sb.site.read();
        let prefix = c.query.all("prefix");
        let mut seen = std::collections::BTreeMap::new();
        for x in site.contents.iter().filter(|x| c.content_visible(&site, x)) {
            for l in &x.labels {
                if prefix.is_empty() || prefix.contains(&l.prefix) {
                    seen.entry(l.name.clone()).or_insert_with(|| l.clone());
                }
            }
        }
        let mut list: Vec<Label> = seen.into_values().collect();
        list.sort_by_key(|l| l.id);
        list.iter().map(label_v2).collect()
    };
    v2_page(&c, items, 25, 250)
}

async fn tasks(c: Conf) -> Result<Response, ApiError> {
    let items = {
        let site = c.sb.site.read();
        let status = c.query.get("status").map(str::to_string);
        if let Some(s) = &status {
            if s != "complete" && s != "incomplete" {
                return Err(c.error(StatusCode::BAD_REQUEST, format!("Invalid value for status: {s}")));
            }
        }
        let spaces = ids_param(&c, "space-id")?;
        let pages = ids_param(&c, "page-id")?;
        let assigned = c.query.all("assigned-to");
        let with_body = body_format(&c)?.is_some();
        site.tasks
            .iter()
            .filter(|t| site.content(t.content_id).is_some_and(|x| c.content_visible(&site, x)))
            .filter(|t| status.as_ref().is_none_or(|s| *s == t.status))
            .filter(|t| spaces.is_empty() || spaces.contains(&t.space_id))
            .filter(|t| pages.is_empty() || pages.contains(&t.content_id))
            .filter(|t| assigned.is_empty() || t.assignee_id.as_ref().is_some_and(|a| assigned.contains(a)))
            .map(|t| task_v2(&site, t, with_body))
            .collect()
    };
    v2_page(&c, items, 20, 250)
}

// ------------------------------------------------------------------------------------------- writes

pub(super) fn object(c: &Conf, body: &str) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(c.error(StatusCode::BAD_REQUEST, "Invalid request body: expected a JSON object")),
    }
}

fn storage_body(c: &Conf, b: &Map<String, Value>, required: bool) -> Result<Option<String>, ApiError> {
    match b.get("body") {
        None | Some(Value::Null) if !required => Ok(None),
        None | Some(Value::Null) => Err(c.error(StatusCode::BAD_REQUEST, "body is required")),
        Some(v) => {
            let rep = v.get("representation").and_then(Value::as_str).unwrap_or("storage");
            if rep != "storage" && rep != "wiki" {
                return Err(c.error(StatusCode::BAD_REQUEST, format!("Unsupported body representation: {rep}")));
            }
            let value = v.get("value").and_then(Value::as_str).ok_or_else(|| c.error(StatusCode::BAD_REQUEST, "body.value must be a string"))?;
            Ok(Some(value.to_string()))
        }
    }
}

fn str_field<'a>(c: &Conf, b: &'a Map<String, Value>, k: &str) -> Result<Option<&'a str>, ApiError> {
    match b.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(_)) => Err(c.error(StatusCode::BAD_REQUEST, format!("{k} must be a string"))),
        Some(_) => Err(c.error(StatusCode::BAD_REQUEST, format!("{k} must be a string"))),
    }
}

/// A new page or blog post from a v2-shaped body (v1's is read into this shape first).
pub(super) fn create(c: &Conf, b: &Map<String, Value>, kind: ContentKind) -> Result<Content, ApiError> {
    let me = c.require_user()?.to_string();
    let space_id: u64 = str_field(c, b, "spaceId")?
        .ok_or_else(|| c.error(StatusCode::BAD_REQUEST, "spaceId is required"))?
        .parse()
        .map_err(|_| c.error(StatusCode::BAD_REQUEST, "spaceId must be a numeric id"))?;
    let title =
        str_field(c, b, "title")?.map(str::trim).filter(|t| !t.is_empty()).ok_or_else(|| c.error(StatusCode::BAD_REQUEST, "Title is required"))?.to_string();
    if title.chars().count() > 255 {
        return Err(c.error(StatusCode::BAD_REQUEST, "Title must be at most 255 characters"));
    }
    let status = str_field(c, b, "status")?.unwrap_or("current").to_string();
    if status != "current" && status != "draft" {
        return Err(c.error(StatusCode::BAD_REQUEST, format!("Invalid status: {status}")));
    }
    let text = storage_body(c, b, false)?.unwrap_or_default();
    let mut site = c.sb.site.write();
    let space =
        site.space(space_id).filter(|s| c.space_visible(&site, s)).ok_or_else(|| c.error(StatusCode::NOT_FOUND, format!("Space {space_id} not found")))?;
    let homepage = space.homepage_id;
    let parent = match str_field(c, b, "parentId")? {
        Some(p) => {
            let pid: u64 = p.parse().map_err(|_| c.error(StatusCode::BAD_REQUEST, "parentId must be a numeric id"))?;
            site.content(pid)
                .filter(|x| x.kind == ContentKind::Page && x.space_id == space_id && x.status == "current")
                .ok_or_else(|| c.error(StatusCode::BAD_REQUEST, format!("Parent page {pid} was not found in the space")))?;
            Some(pid)
        }
        None if kind == ContentKind::Page => homepage,
        None => None,
    };
    if site.contents.iter().any(|x| x.kind == kind && x.space_id == space_id && x.status == "current" && x.title == title) {
        return Err(c.error(
            StatusCode::BAD_REQUEST,
            format!("A {} with this title already exists: A {} already exists with the same TITLE in this space", kind.cql_type(), kind.cql_type()),
        ));
    }
    let now = c.sb.clock.now();
    let id = site.next_id("content", 65_537);
    let content = Content {
        id,
        kind,
        title: title.clone(),
        space_id,
        parent_id: parent,
        container_id: None,
        status,
        author_id: me.clone(),
        owner_id: me.clone(),
        created_at: now,
        body: text.clone(),
        versions: vec![ContentVersion { number: 1, author_id: me, created_at: now, message: String::new(), minor_edit: false, title, body: text }],
        labels: vec![],
        properties: vec![],
        position: id as i64,
        inline_selection: None,
        resolution_status: None,
    };
    site.contents.push(content.clone());
    site.touch();
    site.reindex();
    drop(site);
    c.sb.persist();
    Ok(content)
}

async fn page_create(c: Conf, body: String) -> Result<Json<Value>, ApiError> {
    let made = create(&c, &object(&c, &body)?, ContentKind::Page)?;
    Ok(Json(page_v2(&c.sb.site.read(), &made, Some("storage"))))
}

async fn blogpost_create(c: Conf, body: String) -> Result<Json<Value>, ApiError> {
    let made = create(&c, &object(&c, &body)?, ContentKind::BlogPost)?;
    Ok(Json(page_v2(&c.sb.site.read(), &made, Some("storage"))))
}

/// PUT with `version.number` exactly one more than the current version, as Confluence requires.
pub(super) fn update(c: &Conf, raw: &str, b: &Map<String, Value>, kinds: &[ContentKind]) -> Result<Content, ApiError> {
    let me = c.require_user()?.to_string();
    let number =
        b.get("version").and_then(|v| v.get("number")).and_then(Value::as_u64).ok_or_else(|| c.error(StatusCode::BAD_REQUEST, "version.number is required"))?;
    let message = b.get("version").and_then(|v| v.get("message")).and_then(Value::as_str).unwrap_or("").to_string();
    let text = storage_body(c, b, false)?;
    let title = str_field(c, b, "title")?.map(str::to_string);
    let status = str_field(c, b, "status")?.map(str::to_string);
    let mut site = c.sb.site.write();
    let id = find(c, &site, raw, kinds)?.id;
    let x = site.content(id).expect("found").clone();
    let current = x.version_number() as u64;
    if number != current + 1 {
        return Err(c.error(
            StatusCode::CONFLICT,
            format!("Version must be incremented when updating a page. Current Version: [{current}]. Provided version: [{number}]"),
        ));
    }
    if let Some(t) = &title {
        if t.trim().is_empty() {
            return Err(c.error(StatusCode::BAD_REQUEST, "Title is required"));
        }
        if site.contents.iter().any(|o| o.id != id && o.kind == x.kind && o.space_id == x.space_id && o.status == "current" && o.title == *t) {
            return Err(c.error(StatusCode::BAD_REQUEST, format!("A {} already exists with the same TITLE in this space", x.kind.cql_type())));
        }
    }
    let now = c.sb.clock.now();
    let out = {
        let m = site.content_mut(id).expect("found");
        if let Some(t) = title {
            m.title = t;
        }
        if let Some(t) = text {
            m.body = t;
        }
        if let Some(s) = status {
            m.status = s;
        }
        let v =
            ContentVersion { number: number as u32, author_id: me, created_at: now, message, minor_edit: false, title: m.title.clone(), body: m.body.clone() };
        m.versions.push(v);
        m.clone()
    };
    site.touch();
    drop(site);
    c.sb.persist();
    Ok(out)
}

async fn page_update(c: Conf, Path(id): Path<String>, body: String) -> Result<Json<Value>, ApiError> {
    let made = update(&c, &id, &object(&c, &body)?, &[ContentKind::Page])?;
    Ok(Json(page_v2(&c.sb.site.read(), &made, Some("storage"))))
}

async fn blogpost_update(c: Conf, Path(id): Path<String>, body: String) -> Result<Json<Value>, ApiError> {
    let made = update(&c, &id, &object(&c, &body)?, &[ContentKind::BlogPost])?;
    Ok(Json(page_v2(&c.sb.site.read(), &made, Some("storage"))))
}

async fn footer_comment_update(c: Conf, Path(id): Path<String>, body: String) -> Result<Json<Value>, ApiError> {
    let out = update(&c, &id, &object(&c, &body)?, &[ContentKind::FooterComment])?;
    Ok(Json(comment_v2(&c.sb.site.read(), &out, Some("storage"))))
}

/// DELETE moves to the trash; `purge=true` on trashed content removes it.
pub(super) fn delete(c: &Conf, raw: &str, kinds: &[ContentKind]) -> Result<StatusCode, ApiError> {
    c.require_user()?;
    let id = c.id(raw)?;
    let purge = c.query.bool("purge") == Some(true);
    let mut site = c.sb.site.write();
    let visible = site.content(id).filter(|x| kinds.contains(&x.kind) && site.space(x.space_id).is_some_and(|s| c.space_visible(&site, s)));
    let Some(x) = visible else { return Err(c.not_found()) };
    match (x.status.as_str(), purge) {
        ("trashed", true) => {
            site.contents.retain(|k| k.id != id && k.container_id != Some(id));
            site.attachments.retain(|a| a.container_id != id);
        }
        ("trashed", false) => return Err(c.not_found()),
        _ => {
            let m = site.content_mut(id).expect("visible");
            m.status = "trashed".into();
        }
    }
    site.touch();
    site.reindex();
    drop(site);
    c.sb.persist();
    Ok(StatusCode::NO_CONTENT)
}

async fn page_delete(c: Conf, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    delete(&c, &id, &[ContentKind::Page])
}

async fn blogpost_delete(c: Conf, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    delete(&c, &id, &[ContentKind::BlogPost])
}

async fn footer_comment_delete(c: Conf, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    let r = delete(&c, &id, &[ContentKind::FooterComment])?;
    Ok(r)
}

async fn footer_comment_create(c: Conf, body: String) -> Result<(StatusCode, Json<Value>), ApiError> {
    let comment = create_comment(&c, &object(&c, &body)?)?;
    let out = comment_v2(&c.sb.site.read(), &comment, Some("storage"));
    Ok((StatusCode::CREATED, Json(out)))
}

/// A new footer comment on the page or blog post the body names.
pub(super) fn create_comment(c: &Conf, b: &Map<String, Value>) -> Result<Content, ApiError> {
    let me = c.require_user()?.to_string();
    let container = str_field(c, b, "pageId")?
        .or(str_field(c, b, "blogPostId")?)
        .ok_or_else(|| c.error(StatusCode::BAD_REQUEST, "pageId or blogPostId is required"))?
        .to_string();
    let text = storage_body(c, b, true)?.unwrap_or_default();
    if text.trim().is_empty() {
        return Err(c.error(StatusCode::BAD_REQUEST, "Comment body cannot be empty"));
    }
    let mut site = c.sb.site.write();
    let parent = find(c, &site, &container, &[ContentKind::Page, ContentKind::BlogPost])?.clone();
    let now = c.sb.clock.now();
    let id = site.next_id("content", 65_537);
    let title = format!("Re: {}", parent.title);
    let comment = Content {
        id,
        kind: ContentKind::FooterComment,
        title: title.clone(),
        space_id: parent.space_id,
        parent_id: None,
        container_id: Some(parent.id),
        status: "current".into(),
        author_id: me.clone(),
        owner_id: me.clone(),
        created_at: now,
        body: text.clone(),
        versions: vec![ContentVersion { number: 1, author_id: me, created_at: now, message: String::new(), minor_edit: false, title, body: text }],
        labels: vec![],
        properties: vec![],
        position: id as i64,
        inline_selection: None,
        resolution_status: Some("open".into()),
    };
    site.contents.push(comment.clone());
    site.touch();
    site.reindex();
    drop(site);
    c.sb.persist();
    Ok(comment)
}
