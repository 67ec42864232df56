//! Confluence v2 cursor paging: opaque cursors, `_links.next` and the `Link` header agree; and
//! v1's `start`/`limit` paging with `_links.next`.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::Conf;
use crate::errors::ApiError;

/// The query without paging parameters, so a cursor is bound to the request it came from.
fn signature(c: &Conf) -> String {
    let mut params: Vec<(String, String)> = c.query.0.iter().filter(|(k, _)| k != "cursor" && k != "limit").cloned().collect();
    params.sort();
    let d = Sha256::digest(format!("{}?{params:?}|{}", c.path, c.who.account().unwrap_or("")).as_bytes());
    d.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

fn limit(c: &Conf, default: usize, max: usize) -> Result<usize, ApiError> {
    match c.query.get("limit") {
        None | Some("") => Ok(default),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 1 => Ok((n as usize).min(max)),
            _ => Err(c.error(StatusCode::BAD_REQUEST, format!("Invalid value for limit: {v}. It must be an integer between 1 and {max}."))),
        },
    }
}

/// One v2 page of `items` (already filtered and ordered) with cursor links.
pub fn v2_page(c: &Conf, items: Vec<Value>, default: usize, max: usize) -> Result<Response, ApiError> {
    let limit = limit(c, default, max)?;
    let sig = signature(c);
    let start = match c.query.get("cursor") {
        None | Some("") => 0,
        Some(cur) => decode(cur, &sig).ok_or_else(|| c.error(StatusCode::BAD_REQUEST, "Invalid cursor"))?,
    };
    let start = start.min(items.len());
    let end = (start + limit).min(items.len());
    let mut links = json!({"base": c.wiki()});
    let mut next_url = None;
    if end < items.len() {
        let mut params: Vec<(String, String)> = c.query.0.iter().filter(|(k, _)| k != "cursor").cloned().collect();
        params.push(("cursor".into(), encode(end, &sig)));
        if c.query.get("limit").is_none() {
            params.push(("limit".into(), limit.to_string()));
        }
        let qs: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
        let rel = format!("{}?{qs}", c.path.trim_start_matches(&c.base_prefix()));
        links["next"] = json!(rel);
        next_url = Some(format!("{}{}", c.base, rel));
    }
    let body = json!({"results": items[start..end].to_vec(), "_links": links});
    let mut resp = Json(body).into_response();
    if let Some(n) = next_url {
        let rel_path = n.strip_prefix(&c.base).unwrap_or(&n).to_string();
        if let Ok(h) = HeaderValue::from_str(&format!("<{rel_path}>; rel=\"next\", <{}>; rel=\"base\"", c.wiki())) {
            resp.headers_mut().insert("Link", h);
        }
    }
    Ok(resp)
}

impl Conf {
    /// The gateway prefix (`/ex/confluence/{cloudId}`) that `_links.next` leaves out, as
    /// Atlassian's relative links do.
    fn base_prefix(&self) -> String {
        match self.path.find("/wiki/") {
            Some(i) => self.path[..i].to_string(),
            None => String::new(),
        }
    }
}

fn encode(offset: usize, sig: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{offset}|{sig}"))
}

fn decode(cur: &str, sig: &str) -> Option<usize> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cur).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (o, s) = text.split_once('|')?;
    (s == sig).then(|| o.parse().ok()).flatten()
}

/// One v1 page: `start`/`limit`/`size` and `_links.next` (Cloud v1 and Data Center alike).
pub fn v1_page(c: &Conf, items: Vec<Value>, default: usize, max: usize) -> Result<Json<Value>, ApiError> {
    let limit = limit(c, default, max)?;
    let start = match c.query.get("start") {
        None | Some("") => 0,
        Some(v) => v.parse::<usize>().map_err(|_| c.error(StatusCode::BAD_REQUEST, format!("Invalid value for start: {v}")))?,
    };
    let start = start.min(items.len());
    let end = (start + limit).min(items.len());
    let mut links = json!({"base": c.wiki(), "context": c.wiki().strip_prefix(&c.base).unwrap_or(""), "self": format!("{}{}", c.base, c.path)});
    if end < items.len() {
        let mut params: Vec<(String, String)> = c.query.0.iter().filter(|(k, _)| k != "start" && k != "limit").cloned().collect();
        params.push(("start".into(), end.to_string()));
        params.push(("limit".into(), limit.to_string()));
        let qs: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
        let rel = c.path.strip_prefix(&c.base_prefix()).unwrap_or(&c.path).to_string();
        let rel = rel.strip_prefix("/wiki").unwrap_or(&rel).to_string();
        links["next"] = json!(format!("{rel}?{qs}"));
    }
    Ok(Json(json!({"results": items[start..end].to_vec(), "start": start, "limit": limit, "size": end - start, "_links": links})))
}
