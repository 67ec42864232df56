//! The `Confluence` schema.

mod attachments;
mod blog_posts;
mod comments;
mod content_properties;
mod group_members;
mod groups;
mod labels;
mod page_versions;
mod pages;
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

/// A v1 content item (blog post, comment) in the v2 shape the columns read.
pub(crate) fn from_v1_content(item: &Value) -> Vec<Value> {
    let mut o = json!({
        "id": item.get("id"),
        "title": item.get("title"),
        "status": item.get("status"),
        "spaceId": item.pointer("/space/id").map(|v| v.to_string().trim_matches('"').to_string()),
        "authorId": item.pointer("/history/createdBy/accountId").or_else(|| item.pointer("/history/createdBy/userKey")),
        "createdAt": item.pointer("/history/createdDate"),
        "version": {"number": item.pointer("/version/number"), "createdAt": item.pointer("/version/when"), "authorId": item.pointer("/version/by/accountId").or_else(|| item.pointer("/version/by/userKey"))},
        "body": {"storage": {"value": item.pointer("/body/storage/value")}},
        "location": item.pointer("/extensions/location"),
    });
    v1_container(item, &mut o);
    vec![o]
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
    ]
}
