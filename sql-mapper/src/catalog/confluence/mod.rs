//! The `Confluence` schema.

mod api_tokens;
mod attachments;
mod audit_records;
mod blog_posts;
mod comments;
mod content_properties;
mod content_restrictions;
mod group_members;
mod groups;
mod labels;
mod oauth_access_tokens;
mod page_ancestors;
mod page_versions;
mod page_views;
mod pages;
mod space_permissions;
mod spaces;
mod tasks;
mod users;

use serde_json::{json, Value};

use super::TableDef;

/// `pageId` or `blogPostId` from a v1 item's `container`, as the v2 items carry it.
fn v1_container(item: &Value, into: &mut Value) {
    if let Some(c) = item.get("container") {
        let key = if c.get("type").and_then(Value::as_str) == Some("blogpost") { "blogPostId" } else { "pageId" };
        into[key] = c.get("id").cloned().unwrap_or(Value::Null);
    }
}

/// A v1 item's version in v2's shape: number, when (`createdAt`) and by whom (`authorId`).
pub(crate) fn v1_version(item: &Value) -> Value {
    json!({"number": item.pointer("/version/number"), "createdAt": item.pointer("/version/when"), "authorId": item.pointer("/version/by/accountId").or_else(|| item.pointer("/version/by/userKey"))})
}

/// A v1 item's bodies (storage, rendered view) in v2's shape.
pub(crate) fn v1_bodies(item: &Value) -> Value {
    json!({"storage": {"value": item.pointer("/body/storage/value")}, "view": {"value": item.pointer("/body/view/value")}})
}

/// A v1 content item (blog post, comment) in the v2 shape the columns read.
pub(crate) fn from_v1_content(item: &Value) -> Vec<Value> {
    let mut o = json!({
        "id": item.get("id"),
        "title": item.get("title"),
        "status": item.get("status"),
        "spaceId": item.pointer("/space/id").map(crate::values::scalar_text),
        "authorId": item.pointer("/history/createdBy/accountId").or_else(|| item.pointer("/history/createdBy/userKey")),
        "createdAt": item.pointer("/history/createdDate"),
        "version": v1_version(item),
        "body": v1_bodies(item),
        "location": item.pointer("/extensions/location"),
    });
    v1_container(item, &mut o);
    vec![o]
}

/// A v2 write body (`spaceId`, `parentId`, `pageId`, `body.value`) in v1's shape. The space is
/// named by id here; the write resolves it to the key Data Center takes.
fn to_v1_content(kind: &str, v: Value) -> Value {
    let mut o = json!({"type": kind});
    let given = |k: &str| v.get(k).filter(|x| !x.is_null()).cloned();
    for k in ["id", "title", "status", "version"] {
        if let Some(x) = given(k) {
            o[k] = x;
        }
    }
    if let Some(space) = given("spaceId") {
        o["space"] = json!({"id": space});
    }
    if let Some(parent) = given("parentId").or_else(|| given("parentCommentId")) {
        o["ancestors"] = json!([{"id": parent}]);
    }
    if let Some(page) = given("pageId") {
        o["container"] = json!({"id": page, "type": "page"});
    }
    if let Some(post) = given("blogPostId") {
        o["container"] = json!({"id": post, "type": "blogpost"});
    }
    if let Some(text) = v.pointer("/body/value").filter(|x| !x.is_null()) {
        o["body"] = json!({"storage": {"value": text, "representation": "storage"}});
    }
    o
}
pub(crate) fn to_v1_page(v: Value) -> Value {
    to_v1_content("page", v)
}
pub(crate) fn to_v1_blogpost(v: Value) -> Value {
    to_v1_content("blogpost", v)
}
pub(crate) fn to_v1_comment(v: Value) -> Value {
    to_v1_content("comment", v)
}

/// v1 content writes on Data Center: `/rest/api/content`, the body reshaped by `body`.
pub(crate) const fn v1_content_writes(body: fn(Value) -> Value) -> super::DataCenterWrites {
    super::DataCenterWrites {
        insert: Some(super::post("/rest/api/content")),
        update: Some(super::put("/rest/api/content/{Id}")),
        delete: Some(super::delete("/rest/api/content/{Id}")),
        body,
        answer: from_v1_content,
    }
}

/// A v1 attachment in the v2 shape.
pub(crate) fn from_v1_attachment(item: &Value) -> Vec<Value> {
    let mut o = json!({
        "id": item.get("id"),
        "title": item.get("title"),
        "status": item.get("status"),
        "mediaType": item.pointer("/extensions/mediaType").or_else(|| item.pointer("/metadata/mediaType")),
        "fileSize": item.pointer("/extensions/fileSize"),
        "comment": item.pointer("/extensions/comment").or_else(|| item.pointer("/metadata/comment")),
        "fileId": item.pointer("/extensions/fileId"),
        "createdAt": item.pointer("/version/when"),
        "version": {"number": item.pointer("/version/number"), "authorId": item.pointer("/version/by/accountId").or_else(|| item.pointer("/version/by/userKey"))},
        "downloadLink": item.pointer("/_links/download"),
    });
    v1_container(item, &mut o);
    vec![o]
}

/// A v2 footer or inline comment, with which list it came from.
pub(crate) fn footer(item: &Value) -> Vec<Value> {
    located(item, "footer")
}
pub(crate) fn inline(item: &Value) -> Vec<Value> {
    located(item, "inline")
}
fn located(item: &Value, location: &str) -> Vec<Value> {
    let mut o = item.clone();
    o["location"] = json!(location);
    vec![o]
}

pub fn tables() -> Vec<TableDef> {
    vec![
        spaces::table(),
        pages::table(),
        blog_posts::table(),
        comments::table(),
        attachments::table(),
        labels::table(),
        page_versions::table(),
        content_properties::table(),
        tasks::table(),
        groups::table(),
        group_members::table(),
        users::table(),
        api_tokens::table(),
        oauth_access_tokens::table(),
        audit_records::table(),
        content_restrictions::table(),
        page_ancestors::table(),
        page_views::table(),
        space_permissions::table(),
    ]
}
