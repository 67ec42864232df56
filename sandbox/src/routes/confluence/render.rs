//! The site's Confluence data in the v2 and v1 JSON shapes.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use crate::model::*;

pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Storage-format XHTML → plain text (for CQL `text` and search excerpts).
pub fn storage_text(xhtml: &str) -> String {
    let mut out = String::with_capacity(xhtml.len());
    let mut in_tag = false;
    for ch in xhtml.chars() {
        match ch {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = html_escape::decode_html_entities(&out).to_string();
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn version_v2(v: &ContentVersion) -> Value {
    json!({"createdAt": ts(v.created_at), "message": v.message, "number": v.number, "minorEdit": v.minor_edit, "authorId": v.author_id})
}

pub fn space_v2(s: &Space) -> Value {
    json!({
        "id": s.id.to_string(),
        "key": s.key,
        "name": s.name,
        "type": s.kind,
        "status": s.status,
        "authorId": s.author_id,
        "createdAt": ts(s.created_at),
        "homepageId": s.homepage_id.map(|h| h.to_string()),
        "_links": {"webui": format!("/spaces/{}", s.key)},
    })
}

/// The body as the site renders it (the `view` representation): the storage format with its
/// macros expanded to HTML (info panels, code blocks) and user mentions as links named by the
/// user's display name.
pub fn view_html(site: &Site, wiki: &str, storage: &str) -> String {
    let mut out = storage.to_string();
    // User mentions.
    while let Some(start) = out.find("<ac:link><ri:user ri:account-id=\"") {
        let id_start = start + "<ac:link><ri:user ri:account-id=\"".len();
        let Some(id_len) = out[id_start..].find('"') else { break };
        let id = out[id_start..id_start + id_len].to_string();
        let Some(end) = out[start..].find("</ac:link>").map(|e| start + e + "</ac:link>".len()) else { break };
        let name = site.user(&id).map(|u| u.display_name.clone()).unwrap_or_else(|| id.clone());
        let link = format!(
            "<a class=\"confluence-userlink user-mention\" data-account-id=\"{id}\" href=\"{wiki}/people/{id}\">{}</a>",
            html_escape::encode_text(&name)
        );
        out.replace_range(start..end, &link);
    }
    // Code blocks: their text escaped in a <pre>.
    while let Some(start) = out.find("<ac:structured-macro ac:name=\"code\"") {
        let Some(end) = out[start..].find("</ac:structured-macro>").map(|e| start + e + "</ac:structured-macro>".len()) else { break };
        let inner = &out[start..end];
        let code = inner.find("<![CDATA[").and_then(|b| inner[b + 9..].find("]]>").map(|e| &inner[b + 9..b + 9 + e])).unwrap_or("");
        let html = format!(
            "<div class=\"code panel pdl\"><div class=\"codeContent panelContent pdl\"><pre class=\"syntaxhighlighter-pre\">{}</pre></div></div>",
            html_escape::encode_text(code)
        );
        out.replace_range(start..end, &html);
    }
    // Info panels: their rich text in the panel's markup.
    while let Some(start) = out.find("<ac:structured-macro ac:name=\"info\"") {
        let Some(end) = out[start..].find("</ac:structured-macro>").map(|e| start + e + "</ac:structured-macro>".len()) else { break };
        let inner = &out[start..end];
        let body = inner.find("<ac:rich-text-body>").and_then(|b| inner.find("</ac:rich-text-body>").map(|e| inner[b + 19..e].to_string())).unwrap_or_default();
        let html = format!(
            "<div class=\"confluence-information-macro confluence-information-macro-information\"><div class=\"confluence-information-macro-body\">{body}</div></div>"
        );
        out.replace_range(start..end, &html);
    }
    out
}

fn body_v2(site: &Site, c: &Content, format: Option<&str>) -> Value {
    match format {
        Some("storage") => json!({"storage": {"representation": "storage", "value": c.body}}),
        Some(view @ ("view" | "export_view" | "anonymous_export_view")) => json!({view: {"representation": view, "value": view_html(site, "/wiki", &c.body)}}),
        Some("atlas_doc_format") => {
            let text = storage_text(&c.body);
            let adf = json!({"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]});
            json!({"atlas_doc_format": {"representation": "atlas_doc_format", "value": adf.to_string()}})
        }
        _ => json!({}),
    }
}

pub fn page_v2(site: &Site, c: &Content, format: Option<&str>) -> Value {
    let mut o = json!({
        "id": c.id.to_string(),
        "status": c.status,
        "title": c.title,
        "spaceId": c.space_id.to_string(),
        "parentId": c.parent_id.map(|p| p.to_string()),
        "parentType": c.parent_id.map(|_| "page"),
        "position": c.position,
        "authorId": c.author_id,
        "ownerId": c.owner_id,
        "lastOwnerId": null,
        "createdAt": ts(c.created_at),
        "version": c.versions.last().map(version_v2),
        "body": body_v2(site, c, format),
        "_links": {"webui": format!("/spaces/{}/pages/{}", c.space_id, c.id), "editui": format!("/pages/resumedraft.action?draftId={}", c.id), "tinyui": format!("/x/{}", c.id)},
    });
    // Absent, not null, where a value does not apply (root pages have no parent).
    if c.parent_id.is_none() {
        let m = o.as_object_mut().expect("object");
        m.remove("parentId");
        m.remove("parentType");
        m.remove("lastOwnerId");
    }
    if c.kind == ContentKind::BlogPost {
        let m = o.as_object_mut().expect("object");
        for k in ["parentId", "parentType", "position", "ownerId", "lastOwnerId"] {
            m.remove(k);
        }
        m.insert("_links".into(), json!({"webui": format!("/spaces/{}/blog/{}", c.space_id, c.id), "tinyui": format!("/x/{}", c.id)}));
    }
    o
}

pub fn comment_v2(site: &Site, c: &Content, format: Option<&str>) -> Value {
    let container = c.container_id.and_then(|id| site.content(id));
    let mut o = json!({
        "id": c.id.to_string(),
        "status": c.status,
        "title": c.title,
        "version": c.versions.last().map(version_v2),
        "body": body_v2(site, c, format),
        "_links": {"webui": format!("/spaces/{}/pages/{}?focusedCommentId={}", c.space_id, c.container_id.unwrap_or(0), c.id)},
    });
    match container.map(|x| x.kind) {
        Some(ContentKind::BlogPost) => o["blogPostId"] = json!(c.container_id.map(|i| i.to_string())),
        _ => o["pageId"] = json!(c.container_id.map(|i| i.to_string())),
    }
    if c.kind == ContentKind::InlineComment {
        o["resolutionStatus"] = json!(c.resolution_status.clone().unwrap_or_else(|| "open".into()));
        o["properties"] = json!({"inlineMarkerRef": format!("marker-{}", c.id), "inlineOriginalSelection": c.inline_selection});
    }
    o
}

pub fn attachment_v2(site: &Site, a: &Attachment) -> Value {
    let container = site.content(a.container_id);
    let mut o = json!({
        "id": format!("att{}", a.id),
        "status": "current",
        "title": a.title,
        "createdAt": ts(a.created_at),
        "mediaType": a.media_type,
        "mediaTypeDescription": if a.media_type.starts_with("image/") { "Image" } else { "Text" },
        "comment": a.comment,
        "fileId": a.file_id,
        "fileSize": a.data.len(),
        "webuiLink": format!("/pages/viewpageattachments.action?pageId={}&preview=/{}/{}/{}", a.container_id, a.container_id, a.id, a.title),
        "downloadLink": format!("/download/attachments/{}/{}?version={}&api=v2", a.container_id, a.title, a.version),
        "version": {"createdAt": ts(a.created_at), "message": "", "number": a.version, "minorEdit": false, "authorId": a.author_id},
        "_links": {"webui": format!("/pages/viewpageattachments.action?pageId={}", a.container_id), "download": format!("/download/attachments/{}/{}?version={}&api=v2", a.container_id, a.title, a.version)},
    });
    match container.map(|c| c.kind) {
        Some(ContentKind::BlogPost) => o["blogPostId"] = json!(a.container_id.to_string()),
        _ => o["pageId"] = json!(a.container_id.to_string()),
    }
    o
}

pub fn label_v2(l: &Label) -> Value {
    json!({"id": l.id.to_string(), "name": l.name, "prefix": l.prefix})
}

pub fn property_v2(p: &ContentProperty, when: DateTime<Utc>, author: &str) -> Value {
    json!({"id": p.id.to_string(), "key": p.key, "value": p.value, "version": {"createdAt": ts(when), "message": "", "number": p.version, "minorEdit": false, "authorId": author}})
}

/// A v1 content property (Data Center): its version as v1 dates it.
pub fn property_v1(wiki: &str, content_id: u64, p: &ContentProperty, when: DateTime<Utc>) -> Value {
    json!({
        "id": p.id.to_string(),
        "key": p.key,
        "value": p.value,
        "version": {"when": ts(when), "message": "", "number": p.version, "minorEdit": false},
        "_links": {"self": format!("{wiki}/rest/api/content/{content_id}/property/{}", p.key)},
    })
}

pub fn task_v2(site: &Site, t: &Task, with_body: bool) -> Value {
    let container = site.content(t.content_id);
    let mut o = json!({
        "id": t.id.to_string(),
        "localId": t.local_id,
        "spaceId": t.space_id.to_string(),
        "status": t.status,
        "createdBy": t.creator_id,
        "assignedTo": t.assignee_id,
        "completedBy": if t.status == "complete" { json!(t.creator_id) } else { Value::Null },
        "createdAt": ts(t.created_at),
        "updatedAt": ts(t.created_at),
        "dueAt": t.due_at.map(ts),
        "completedAt": if t.status == "complete" { json!(ts(t.created_at)) } else { Value::Null },
    });
    match container.map(|c| c.kind) {
        Some(ContentKind::BlogPost) => o["blogPostId"] = json!(t.content_id.to_string()),
        _ => o["pageId"] = json!(t.content_id.to_string()),
    }
    if with_body {
        o["body"] = json!({"storage": {"representation": "storage", "value": t.body}});
    }
    // Absent, not null, where a value does not apply.
    if let Some(m) = o.as_object_mut() {
        m.retain(|_, v| !v.is_null());
    }
    o
}

/// A v1 content object with the requested `expand`s.
pub fn content_v1(site: &Site, wiki: &str, c: &Content, expand: &[String]) -> Value {
    let has = |k: &str| expand.iter().any(|e| e == k || e.starts_with(&format!("{k}.")));
    let mut o = json!({
        "id": c.id.to_string(),
        "type": c.kind.cql_type(),
        "status": c.status,
        "title": c.title,
        "_links": {"webui": format!("/spaces/{}/pages/{}", site.space(c.space_id).map(|s| s.key.as_str()).unwrap_or(""), c.id), "self": format!("{wiki}/rest/api/content/{}", c.id), "tinyui": format!("/x/{}", c.id)},
        "_expandable": {"space": "", "history": "", "version": "", "ancestors": "", "body": "", "children": "", "container": ""},
    });
    if has("space") {
        if let Some(s) = site.space(c.space_id) {
            o["space"] = json!({"id": s.id, "key": s.key, "name": s.name, "type": s.kind, "status": s.status, "_expandable": {"homepage": "", "description": ""}, "_links": {"webui": format!("/spaces/{}", s.key)}});
        }
    }
    if has("version") {
        if let Some(v) = c.versions.last() {
            o["version"] = json!({"by": {"type": "known", "accountId": v.author_id}, "when": ts(v.created_at), "number": v.number, "message": v.message, "minorEdit": v.minor_edit});
        }
    }
    if has("history") {
        o["history"] = json!({"latest": true, "createdBy": {"type": "known", "accountId": c.author_id}, "createdDate": ts(c.created_at)});
    }
    if has("ancestors") {
        let mut chain = Vec::new();
        let mut cur = c.parent_id.or(c.container_id);
        while let Some(id) = cur {
            let Some(p) = site.content(id) else { break };
            chain.push(json!({"id": p.id.to_string(), "type": p.kind.cql_type(), "status": p.status, "title": p.title}));
            cur = p.parent_id;
        }
        chain.reverse();
        o["ancestors"] = Value::Array(chain);
    }
    if has("container") {
        if let Some(p) = c.container_id.and_then(|id| site.content(id)) {
            o["container"] = json!({"id": p.id.to_string(), "type": p.kind.cql_type(), "title": p.title});
        }
    }
    if has("body.storage") || expand.iter().any(|e| e == "body") {
        o["body"] = json!({"storage": {"value": c.body, "representation": "storage"}});
    }
    if has("body.view") {
        if !o["body"].is_object() {
            o["body"] = json!({});
        }
        o["body"]["view"] = json!({"value": view_html(site, wiki, &c.body), "representation": "view"});
    }
    if has("metadata.labels") || has("metadata") {
        o["metadata"] = json!({"labels": {"results": c.labels.iter().map(|l| json!({"prefix": l.prefix, "name": l.name, "id": l.id.to_string(), "label": l.name})).collect::<Vec<_>>(), "size": c.labels.len()}});
    }
    o
}

pub fn space_v1(s: &Space, expand: &[String], site: &Site) -> Value {
    let mut o = json!({"id": s.id, "key": s.key, "name": s.name, "type": s.kind, "status": s.status, "_expandable": {"homepage": "", "description": ""}, "_links": {"webui": format!("/spaces/{}", s.key)}});
    if expand.iter().any(|e| e == "homepage") {
        if let Some(h) = s.homepage_id.and_then(|h| site.content(h)) {
            o["homepage"] = json!({"id": h.id.to_string(), "type": "page", "title": h.title});
        }
    }
    if expand.iter().any(|e| e == "history") {
        o["history"] = json!({"createdBy": {"type": "known", "accountId": s.author_id}, "createdDate": ts(s.created_at)});
    }
    if expand.iter().any(|e| e == "description" || e == "description.plain") {
        o["description"] = json!({"plain": {"value": s.description, "representation": "plain"}});
    }
    o
}
