//! Confluence governance: the audit log (v1, Cloud and Data Center), space permission
//! assignments (v2), content restrictions and page analytics (v1, Cloud), whiteboards, folders
//! and ancestors in the page tree (v2).

use std::collections::BTreeSet;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::cursor::{v1_page, v2_page};
use super::render::ts;
use super::Conf;
use crate::errors::ApiError;
use crate::model::*;
use crate::routes::jira::governance_parse_instant as parse_instant;

type JsonResult = Result<Json<Value>, ApiError>;

impl Conf {
    fn require_admin(&self, site: &Site) -> Result<(), ApiError> {
        self.require_user()?;
        if self.who.is_admin(site) {
            Ok(())
        } else {
            Err(self.error(StatusCode::FORBIDDEN, "You do not have permission to view the audit log."))
        }
    }
}

// ------------------------------------------------------------------ audit

/// A `startDate`/`endDate`/`fromDate`: a date, an ISO 8601 instant, or a timestamp (seconds, or
/// milliseconds when it is that large).
fn instant(c: &Conf, key: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(raw) = c.query.get(key).filter(|s| !s.trim().is_empty()) else { return Ok(None) };
    let bad = || c.error(StatusCode::BAD_REQUEST, format!("Invalid value for {key}: {raw}"));
    if let Ok(n) = raw.trim().parse::<i64>() {
        let ms = if n.abs() < 100_000_000_000 { n * 1000 } else { n };
        return chrono::TimeZone::timestamp_millis_opt(&Utc, ms).single().map(Some).ok_or_else(bad);
    }
    parse_instant(raw).map(Some).ok_or_else(bad)
}

fn audit_record(c: &Conf, site: &Site, r: &AuditEntry) -> Value {
    let mut author = json!({"type": "user", "displayName": "", "operations": null});
    if let Some(u) = site.user(&r.author_id) {
        author["displayName"] = json!(u.display_name);
        if c.dc {
            author["username"] = json!(u.account_id);
        } else {
            author["accountId"] = json!(u.account_id);
            author["accountType"] = json!("atlassian");
            author["publicName"] = json!(u.display_name);
        }
    }
    let object = |i: &AuditItem| json!({"name": i.name, "objectType": i.type_name});
    json!({
        "author": author,
        "remoteAddress": r.remote_address,
        "creationDate": r.created.timestamp_millis(),
        "summary": r.summary,
        "description": r.description,
        "category": r.category,
        "sysAdmin": false,
        "superAdmin": false,
        "affectedObject": object(&r.object),
        "changedValues": r.changed.iter().map(|ch| json!({"name": ch.field, "oldValue": ch.from.clone().unwrap_or_default(), "newValue": ch.to.clone().unwrap_or_default()})).collect::<Vec<_>>(),
        "associatedObjects": r.associated.iter().map(object).collect::<Vec<_>>(),
    })
}

/// `GET …/audit`: newest first; Confluence administrators only. Cloud honours `startDate`,
/// `endDate`, `searchString` (in any of the record's texts), `start` and `limit` (default
/// 1000); Data Center's description has no parameters, so there it answers every record.
pub async fn audit(c: Conf) -> JsonResult {
    let site = c.sb.site.read();
    c.require_admin(&site)?;
    let (from, to, search) = if c.dc {
        (None, None, String::new())
    } else {
        (instant(&c, "startDate")?, instant(&c, "endDate")?, c.query.get("searchString").unwrap_or("").to_lowercase())
    };
    let items: Vec<Value> = site
        .governance
        .confluence_audit
        .iter()
        .rev()
        .filter(|r| from.is_none_or(|f| r.created >= f) && to.is_none_or(|t| r.created <= t))
        .filter(|r| search.is_empty() || crate::routes::jira::governance_audit_text(&site, r).contains(&search))
        .map(|r| audit_record(&c, &site, r))
        .collect();
    if c.dc {
        let n = items.len();
        return Ok(Json(
            json!({"results": items, "start": 0, "limit": n.max(1), "size": n, "_links": {"base": c.wiki(), "context": "", "self": format!("{}{}", c.base, c.path)}}),
        ));
    }
    v1_page(&c, items, 1000, 1000)
}

// ------------------------------------------------------------------ space permissions

/// A space's permission assignments: who may use it (its readers: the group it is restricted
/// to, else everyone licensed), create pages, blog posts and comments; its creator and the
/// site admins administer it. Ids derive from the space's.
pub fn space_assignments(site: &Site, s: &Space) -> Vec<(String, String, String, &'static str, &'static str)> {
    let readers = match &s.visibility {
        Visibility::Group(g) => g.clone(),
        _ => "confluence-users".to_string(),
    };
    let group_id = |name: &str| site.groups.iter().find(|g| g.name == name).map(|g| g.id.clone()).unwrap_or_default();
    let mut list = Vec::new();
    for (key, target) in [("read", "space"), ("create", "page"), ("create", "blogpost"), ("create", "comment"), ("create", "attachment"), ("delete", "comment")]
    {
        list.push(("group".to_string(), group_id(&readers), key, target));
    }
    for (key, target) in [("read", "space"), ("administer", "space"), ("delete", "page"), ("restrict_content", "space")] {
        list.push(("user".to_string(), s.author_id.clone(), key, target));
    }
    for (key, target) in [("read", "space"), ("administer", "space")] {
        list.push(("group".to_string(), group_id("site-admins"), key, target));
    }
    list.into_iter().enumerate().map(|(i, (ty, id, key, target))| (format!("{}{:03}", s.id, i + 1), ty, id, key, target)).collect()
}

/// `GET /wiki/api/v2/spaces/{id}/permissions` (cursor, limit).
pub async fn space_permissions(c: Conf, Path(id): Path<String>) -> Result<Response, ApiError> {
    let items = {
        let site = c.sb.site.read();
        let id = c.id(&id)?;
        let s = site.space(id).filter(|s| c.space_visible(&site, s)).ok_or_else(|| c.not_found())?;
        space_assignments(&site, s)
            .into_iter()
            .map(|(aid, ty, pid, key, target)| json!({"id": aid, "principal": {"type": ty, "id": pid}, "operation": {"key": key, "targetType": target}}))
            .collect()
    };
    v2_page(&c, items, 25, 250)
}

// ------------------------------------------------------------------ restrictions

fn restricted_content<'a>(c: &Conf, site: &'a Site, raw: &str) -> Result<&'a Content, ApiError> {
    let id = c.id(raw)?;
    site.content(id).filter(|x| c.content_visible(site, x)).ok_or_else(|| c.not_found())
}

fn restriction_json(c: &Conf, site: &Site, x: &Content, op: &str) -> Value {
    let r = site.governance.restrictions.iter().find(|r| r.content_id == x.id && r.operation == op);
    let users: Vec<Value> = r
        .map(|r| r.users.iter().filter_map(|id| site.user(id)).map(|u| json!({"type": "known", "accountId": u.account_id, "accountType": "atlassian", "displayName": u.display_name, "publicName": u.display_name})).collect())
        .unwrap_or_default();
    let groups: Vec<Value> = r
        .map(|r| {
            r.groups.iter().filter_map(|n| site.groups.iter().find(|g| &g.name == n)).map(|g| json!({"type": "group", "name": g.name, "id": g.id})).collect()
        })
        .unwrap_or_default();
    let api = format!("{}/rest/api", c.wiki());
    let mut o = json!({
        "operation": op,
        "restrictions": {
            "user": {"results": users, "start": 0, "limit": 200, "size": users.len()},
            "group": {"results": groups, "start": 0, "limit": 200, "size": groups.len()},
        },
        "_expandable": {"content": format!("/rest/api/content/{}", x.id)},
        "_links": {"self": format!("{api}/content/{}/restriction/byOperation/{op}", x.id)},
    });
    if c.query.all("expand").iter().any(|e| e == "content") {
        o["content"] = json!({"id": x.id.to_string(), "type": x.kind.cql_type(), "status": x.status, "title": x.title});
        o["_expandable"] = json!({});
    }
    o
}

/// `GET /wiki/rest/api/content/{id}/restriction`: its read and update restrictions (`start`,
/// `limit`; `expand=content`).
pub async fn restrictions(c: Conf, Path(id): Path<String>) -> JsonResult {
    let site = c.sb.site.read();
    let x = restricted_content(&c, &site, &id)?;
    let items: Vec<Value> = ["read", "update"].iter().map(|op| restriction_json(&c, &site, x, op)).collect();
    let hash = {
        use sha2::{Digest, Sha256};
        let text = serde_json::to_string(&site.governance.restrictions.iter().filter(|r| r.content_id == x.id).collect::<Vec<_>>()).unwrap_or_default();
        Sha256::digest(text.as_bytes()).iter().take(20).map(|b| format!("{b:02x}")).collect::<String>()
    };
    let Json(mut page) = v1_page(&c, items, 100, 100)?;
    page["restrictionsHash"] = json!(hash);
    Ok(Json(page))
}

/// `GET /wiki/rest/api/content/{id}/restriction/byOperation`: the same, keyed by operation.
pub async fn restrictions_by_operation(c: Conf, Path(id): Path<String>) -> JsonResult {
    let site = c.sb.site.read();
    let x = restricted_content(&c, &site, &id)?;
    let mut o = serde_json::Map::new();
    for op in ["read", "update"] {
        o.insert(op.to_string(), restriction_json(&c, &site, x, op));
    }
    Ok(Json(Value::Object(o)))
}

// ------------------------------------------------------------------ analytics

fn mix(mut h: u64) -> u64 {
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// One day of a page's views: the day, its views, who viewed it.
type Day = (DateTime<Utc>, u64, Vec<String>);

/// A page's views, day by day since it was created: (day, views, viewers that day). Derived
/// from its id, so the same every time.
fn daily_views(site: &Site, x: &Content, now: DateTime<Utc>) -> Vec<Day> {
    let people: Vec<&User> = site.users.iter().filter(|u| !u.groups.is_empty()).collect();
    let mut out = Vec::new();
    let mut day = x.created_at;
    let mut n = 0u64;
    while day <= now && !people.is_empty() {
        let h = mix(x.id.wrapping_mul(1_000_003) ^ n);
        let views = h % 4;
        let mut who = Vec::new();
        if views > 0 {
            who.push(people[((h >> 8) % people.len() as u64) as usize].account_id.clone());
            if views > 1 {
                who.push(people[((h >> 24) % people.len() as u64) as usize].account_id.clone());
            }
        }
        out.push((day, views, who));
        day += Duration::days(1);
        n += 1;
    }
    out
}

fn analytics(c: &Conf, raw: &str) -> Result<(u64, Vec<Day>), ApiError> {
    let site = c.sb.site.read();
    let x = restricted_content(c, &site, raw)?;
    if !matches!(x.kind, ContentKind::Page | ContentKind::BlogPost) {
        return Err(c.not_found());
    }
    let from = instant(c, "fromDate")?;
    let days = daily_views(&site, x, c.sb.clock.now()).into_iter().filter(|(d, ..)| from.is_none_or(|f| d.date_naive() >= f.date_naive())).collect();
    Ok((x.id, days))
}

/// `GET /wiki/rest/api/analytics/content/{contentId}/views` (`fromDate`).
pub async fn views(c: Conf, Path(id): Path<String>) -> JsonResult {
    let (id, days) = analytics(&c, &id)?;
    Ok(Json(json!({"id": id, "count": days.iter().map(|(_, v, _)| v).sum::<u64>()})))
}

/// `GET /wiki/rest/api/analytics/content/{contentId}/viewers` (`fromDate`): distinct viewers.
pub async fn viewers(c: Conf, Path(id): Path<String>) -> JsonResult {
    let (id, days) = analytics(&c, &id)?;
    let distinct: BTreeSet<&String> = days.iter().flat_map(|(_, _, w)| w).collect();
    Ok(Json(json!({"id": id, "count": distinct.len()})))
}

// ------------------------------------------------------------------ whiteboards, folders, ancestors

fn tree_item<'a>(c: &Conf, site: &'a Site, raw: &str, kind: &str) -> Result<&'a TreeItem, ApiError> {
    let id = c.id(raw)?;
    site.governance.tree_item(id).filter(|t| t.kind == kind && site.space(t.space_id).is_some_and(|s| c.space_visible(site, s))).ok_or_else(|| c.not_found())
}

/// The type and id of whatever has this id in the page tree.
fn node(site: &Site, id: u64) -> Option<(&'static str, Option<u64>)> {
    if let Some(t) = site.governance.tree_item(id) {
        return Some((if t.kind == "folder" { "folder" } else { "whiteboard" }, t.parent_id));
    }
    site.content(id).filter(|x| x.kind == ContentKind::Page).map(|x| ("page", x.parent_id))
}

fn tree_item_json(c: &Conf, site: &Site, t: &TreeItem) -> Value {
    let mut o = json!({
        "id": t.id.to_string(),
        "type": t.kind,
        "status": "current",
        "title": t.title,
        "position": t.position,
        "authorId": t.author_id,
        "ownerId": t.author_id,
        "createdAt": ts(t.created_at),
        "version": {"createdAt": ts(t.created_at), "message": "", "number": 1, "minorEdit": false, "authorId": t.author_id},
    });
    if let Some(p) = t.parent_id {
        o["parentId"] = json!(p.to_string());
        o["parentType"] = json!(node(site, p).map(|n| n.0).unwrap_or("page"));
    }
    o["_links"] = if t.kind == "whiteboard" {
        json!({"webui": format!("/spaces/{}/whiteboard/{}", t.space_id, t.id), "editui": format!("/spaces/{}/whiteboard/{}", t.space_id, t.id), "base": c.wiki()})
    } else {
        json!({"webui": format!("/spaces/{}/folder/{}", t.space_id, t.id), "base": c.wiki()})
    };
    o
}

pub async fn whiteboard(c: Conf, Path(id): Path<String>) -> JsonResult {
    let site = c.sb.site.read();
    let t = tree_item(&c, &site, &id, "whiteboard")?;
    Ok(Json(tree_item_json(&c, &site, t)))
}

pub async fn folder(c: Conf, Path(id): Path<String>) -> JsonResult {
    let site = c.sb.site.read();
    let t = tree_item(&c, &site, &id, "folder")?;
    Ok(Json(tree_item_json(&c, &site, t)))
}

/// The nearest `limit` ancestors of `parent`'s chain, highest first.
fn ancestors(c: &Conf, site: &Site, mut parent: Option<u64>) -> Result<Value, ApiError> {
    let limit = match c.query.get("limit") {
        None | Some("") => 25,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=250).contains(&n) => n as usize,
            _ => return Err(c.error(StatusCode::BAD_REQUEST, format!("Invalid value for limit: {v}. It must be an integer between 1 and 250."))),
        },
    };
    let mut chain = Vec::new();
    while let Some(id) = parent {
        let Some((ty, up)) = node(site, id) else { break };
        if chain.len() == limit || chain.iter().any(|(i, _)| *i == id) {
            break;
        }
        chain.push((id, ty));
        parent = up;
    }
    chain.reverse();
    Ok(json!({"results": chain.iter().map(|(id, ty)| json!({"id": id.to_string(), "type": ty})).collect::<Vec<_>>()}))
}

/// `GET /wiki/api/v2/pages/{id}/ancestors` (`limit`): the page's parents, highest first.
pub async fn page_ancestors(c: Conf, Path(id): Path<String>) -> JsonResult {
    let site = c.sb.site.read();
    let n = c.id(&id)?;
    let x = site.content(n).filter(|x| x.kind == ContentKind::Page && c.content_visible(&site, x)).ok_or_else(|| c.not_found())?;
    let mut o = ancestors(&c, &site, x.parent_id)?;
    o["_links"] = json!({"base": c.wiki()});
    Ok(Json(o))
}

pub async fn whiteboard_ancestors(c: Conf, Path(id): Path<String>) -> JsonResult {
    let site = c.sb.site.read();
    let t = tree_item(&c, &site, &id, "whiteboard")?;
    Ok(Json(ancestors(&c, &site, t.parent_id)?))
}

pub async fn folder_ancestors(c: Conf, Path(id): Path<String>) -> JsonResult {
    let site = c.sb.site.read();
    let t = tree_item(&c, &site, &id, "folder")?;
    Ok(Json(ancestors(&c, &site, t.parent_id)?))
}

/// `GET /rest/api/space/{spaceKey}/permissions` (Data Center): every grant of the space, as
/// `SpacePermission`s; for its administrators (the site admins, its creator) only.
pub async fn space_permissions_dc(c: Conf, Path(key): Path<String>) -> JsonResult {
    let site = c.sb.site.read();
    let me = c.require_user()?.to_string();
    let s = site.space_by_key(&key).filter(|s| c.space_visible(&site, s)).ok_or_else(|| c.not_found())?;
    if !(c.who.is_admin(&site) || s.author_id == me) {
        return Err(c.error(StatusCode::FORBIDDEN, format!("You do not have permission to administer the space {key}.")));
    }
    let list: Vec<Value> = space_assignments(&site, s)
        .into_iter()
        .map(|(_, ty, id, key, target)| {
            let name = match ty.as_str() {
                "group" => site.groups.iter().find(|g| g.id == id).map(|g| g.name.clone()).unwrap_or(id),
                _ => site.user(&id).map(|u| u.display_name.clone()).unwrap_or(id),
            };
            json!({"operation": {"operationKey": key, "targetType": target}, "subject": {"type": ty, "displayName": name}, "spaceKey": s.key, "spaceId": s.id})
        })
        .collect();
    Ok(Json(Value::Array(list)))
}

/// `GET /rest/api/content/{id}/restriction/byOperation` (Data Center): its description's
/// `MockRestrictionsResponse`, the operations under `restrictions`; users by username.
pub async fn restrictions_by_operation_dc(c: Conf, Path(id): Path<String>) -> JsonResult {
    let site = c.sb.site.read();
    let x = restricted_content(&c, &site, &id)?;
    let mut ops = serde_json::Map::new();
    for op in ["read", "update"] {
        let mut r = restriction_json(&c, &site, x, op);
        if let Some(users) = r.pointer_mut("/restrictions/user/results").and_then(Value::as_array_mut) {
            for u in users.iter_mut() {
                let id = u["accountId"].as_str().unwrap_or_default().to_string();
                *u = json!({"type": "known", "username": id, "userKey": id, "displayName": u["displayName"]});
            }
        }
        if let Some(groups) = r.pointer_mut("/restrictions/group/results").and_then(Value::as_array_mut) {
            for g in groups.iter_mut() {
                g.as_object_mut().map(|o| o.remove("id"));
            }
        }
        ops.insert(op.to_string(), r);
    }
    Ok(Json(json!({"restrictions": ops})))
}
