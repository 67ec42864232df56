//! `PageStream`: the one paging loop. Every list the driver reads (a table's lists, the issue
//! and content searches, the space directory, the procedures that page) is a `PageStream` over
//! one of the ways Atlassian pages a list ([`Paging`]): it builds each page's request, reads the
//! page and moves its cursor.

use serde_json::{json, Value};

use super::{AtlassianClient, WantedPaths};
use crate::catalog::{Paging, Product};
use crate::values::url_encode;
use crate::{MapperError, SqlState};

/// Where a stream stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cursor {
    Start,
    /// Jira Cloud's `nextPageToken`.
    Token(String),
    /// `startAt` / `start` offsets, or the page number of `page` paging.
    Offset(usize),
    /// The next page's URL (Confluence's `_links.next`) or the Admin APIs' `cursor`.
    Next(String),
    Done,
}

/// One page's items, and the total the site reported, if it does.
pub(crate) struct Page {
    pub items: Vec<Value>,
    pub total: Option<usize>,
}

pub(crate) struct PageStream {
    product: Product,
    /// The list's path and query (filters, fields) without paging parameters.
    path: String,
    /// A search sent as a POST: its body, which then carries the paging fields.
    body: Option<Value>,
    /// JSON pointer to the items ("" when the answer is the list).
    items: &'static str,
    paging: Paging,
    size: usize,
    cursor: Cursor,
    /// Decode keeping only these paths (the columns' leaves).
    pruned: Option<WantedPaths>,
    /// The request just sent (a relative `_links.next` is relative to it).
    last: String,
}

impl PageStream {
    /// A stream of `path`'s pages of at most `size` items, paged as `paging` says.
    pub fn new(product: Product, path: String, items: &'static str, paging: Paging, size: usize) -> PageStream {
        let cursor = if matches!(paging, Paging::Context(_)) { Cursor::Done } else { Cursor::Start };
        PageStream { product, path, body: None, items, paging, size: size.max(1), cursor, pruned: None, last: String::new() }
    }

    /// Sent as a POST search with this body (the paging fields are added to it).
    pub fn posting(mut self, body: Value) -> PageStream {
        self.body = Some(body);
        self
    }

    /// Pages decoded keeping only what the item paths name (and the page's own members).
    /// Only a list under one top-level member can be pruned.
    pub fn pruned(mut self, item_paths: WantedPaths) -> PageStream {
        let top = self.items.trim_start_matches('/');
        if !top.is_empty() && !top.contains('/') {
            self.pruned = Some(WantedPaths::page(top, item_paths));
        }
        self
    }

    /// Starts at this offset (a page read on its own, of a list whose total is known).
    pub fn starting_at(mut self, at: usize) -> PageStream {
        self.cursor = Cursor::Offset(at);
        self
    }

    pub fn is_done(&self) -> bool {
        self.cursor == Cursor::Done
    }

    /// No page read yet.
    pub fn at_start(&self) -> bool {
        self.cursor == Cursor::Start
    }

    /// The request for the page at `cursor`: path and query, and the body of a POST.
    fn request(&self, cursor: &Cursor) -> (String, Option<Value>) {
        let offset = if let Cursor::Offset(o) = cursor { *o } else { 0 };
        let size = self.size;
        let (params, body_fields): (Vec<String>, Vec<(&str, Value)>) = match (self.paging, cursor) {
            (Paging::Cursor(_), Cursor::Next(next)) => return (next.clone(), self.body.clone()),
            (Paging::Whole | Paging::Context(_), _) => (Vec::new(), Vec::new()),
            (Paging::StartAt(_), _) => (vec![format!("startAt={offset}"), format!("maxResults={size}")], Vec::new()),
            (Paging::Start(_), _) => (vec![format!("start={offset}"), format!("limit={size}")], Vec::new()),
            (Paging::Offset(_), _) => (vec![format!("offset={offset}"), format!("limit={size}")], Vec::new()),
            (Paging::Cursor(_), _) => (vec![format!("limit={size}")], Vec::new()),
            (Paging::Links(_), Cursor::Next(c)) => (vec![format!("pageSize={size}"), format!("cursor={}", url_encode(c))], Vec::new()),
            (Paging::Links(_), _) => (vec![format!("pageSize={size}")], Vec::new()),
            (Paging::Pages(_), _) if self.body.is_some() => (Vec::new(), vec![("page", json!(offset)), ("limit", json!(size))]),
            (Paging::Pages(_), _) => (vec![format!("page={offset}"), format!("limit={size}")], Vec::new()),
            (Paging::Token(_), Cursor::Token(t)) => (Vec::new(), vec![("maxResults", json!(size)), ("nextPageToken", json!(t))]),
            (Paging::Token(_), _) => (Vec::new(), vec![("maxResults", json!(size))]),
        };
        let body = self.body.clone().map(|mut b| {
            for (k, v) in body_fields {
                b[k] = v;
            }
            b
        });
        (with_params(&self.path, &params), body)
    }

    /// The next page; an empty page once the list is done.
    pub async fn next_page(&mut self, client: &AtlassianClient) -> Result<Page, MapperError> {
        if self.is_done() {
            return Ok(Page { items: Vec::new(), total: None });
        }
        let (path, body) = self.request(&self.cursor);
        let mut v = match (&self.pruned, &body) {
            (Some(paths), _) => client.read_page(self.product, &path, body.as_ref(), paths).await?,
            (None, Some(body)) => client.search_json(self.product, &path, body).await?,
            (None, None) => client.get_json(self.product, &path).await?,
        };
        let items = take_array(&mut v, self.items)?;
        let total = v.get("total").and_then(Value::as_u64).map(|t| t as usize);
        self.cursor = self.after(&v, &items, &path);
        self.last = path;
        Ok(Page { items, total })
    }

    /// The cursor after a page with these items.
    fn after(&self, page: &Value, items: &[Value], path: &str) -> Cursor {
        let start = if let Cursor::Offset(o) = self.cursor { o } else { 0 };
        let done_if = |last: bool, next: Cursor| if last { Cursor::Done } else { next };
        match self.paging {
            Paging::Whole | Paging::Context(_) => Cursor::Done,
            // Jira: `isLast` where the resource has it, else `total`; a bare array ends with an empty page.
            Paging::StartAt(_) => {
                let next = start + items.len();
                let last = match (page.get("isLast").and_then(Value::as_bool), page.get("total").and_then(Value::as_u64)) {
                    (Some(l), _) => l,
                    (None, Some(total)) => next as u64 >= total,
                    (None, None) => false,
                };
                done_if(last || items.is_empty(), Cursor::Offset(next))
            }
            Paging::Cursor(_) => match page.pointer("/_links/next").and_then(Value::as_str) {
                Some(n) if !items.is_empty() => Cursor::Next(confluence_next(n, path)),
                _ => Cursor::Done,
            },
            Paging::Links(_) => match page.pointer("/links/next").and_then(Value::as_str) {
                Some(n) if !items.is_empty() && !n.is_empty() => Cursor::Next(n.to_string()),
                _ => Cursor::Done,
            },
            // Confluence v1 has `_links.next` while there is more; Service Management's pages
            // also say `isLastPage`.
            Paging::Start(_) => {
                let last = page.get("isLastPage").and_then(Value::as_bool).unwrap_or_else(|| page.pointer("/_links/next").is_none());
                done_if(last || items.is_empty(), Cursor::Offset(start + items.len()))
            }
            Paging::Offset(_) => {
                let next = start + items.len();
                let total = page.get("total").and_then(Value::as_u64);
                done_if(items.len() < self.size || total.is_some_and(|t| next as u64 >= t), Cursor::Offset(next))
            }
            // The offset counts pages; a short page is the last.
            Paging::Pages(_) => done_if(items.len() < self.size, Cursor::Offset(start + 1)),
            Paging::Token(_) => match page.get("nextPageToken").and_then(Value::as_str) {
                Some(t) if !items.is_empty() && page.get("isLast") != Some(&Value::Bool(true)) => Cursor::Token(t.to_string()),
                _ => Cursor::Done,
            },
        }
    }
}

/// `path` with these query parameters appended.
pub(crate) fn with_params(path: &str, params: &[String]) -> String {
    if params.is_empty() {
        return path.to_string();
    }
    format!("{path}{}{}", if path.contains('?') { "&" } else { "?" }, params.join("&"))
}

/// A `_links.next` URL as a path for the client: Confluence Cloud gives it under `/wiki`, or
/// relative to it, depending on the resource; the request just made tells which.
fn confluence_next(next: &str, current: &str) -> String {
    if next.starts_with("/wiki") || !current.starts_with("/wiki") {
        next.to_string()
    } else {
        format!("/wiki{next}")
    }
}

/// The array at `pointer` ("" for the page itself), moved out of the page rather than copied.
/// A reply without the list has no items; a reply whose list is something else is an error,
/// never an empty (or shortened) result.
pub(crate) fn take_array(page: &mut Value, pointer: &str) -> Result<Vec<Value>, MapperError> {
    let not_a_list = |what: &str| MapperError::new(SqlState::LinkFailure, format!("The site's reply is not what its API returns: {what}"));
    if !pointer.is_empty() && !page.is_object() {
        return Err(not_a_list(&format!("expected an object holding '{}', got {}", pointer.trim_start_matches('/'), kind_of(page))));
    }
    let slot = if pointer.is_empty() { Some(page) } else { page.pointer_mut(pointer) };
    match slot.map(Value::take) {
        Some(Value::Array(items)) => Ok(items),
        // A resource that is one object (`/myself`) is one row.
        Some(one @ Value::Object(_)) if pointer.is_empty() => Ok(vec![one]),
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(other) => Err(not_a_list(&format!("'{}' should be a list, and is {}", pointer.trim_start_matches('/'), kind_of(&other)))),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(paging: Paging) -> PageStream {
        PageStream::new(Product::Jira, "/rest/api/2/x?a=1".into(), "/values", paging, 50)
    }

    #[test]
    fn requests_carry_each_pagings_parameters() {
        assert_eq!(stream(Paging::StartAt(100)).request(&Cursor::Offset(50)).0, "/rest/api/2/x?a=1&startAt=50&maxResults=50");
        assert_eq!(stream(Paging::Start(100)).request(&Cursor::Start).0, "/rest/api/2/x?a=1&start=0&limit=50");
        assert_eq!(stream(Paging::Cursor(100)).request(&Cursor::Next("/wiki/n?c=2".into())).0, "/wiki/n?c=2");
        assert_eq!(stream(Paging::Links(100)).request(&Cursor::Next("a b".into())).0, "/rest/api/2/x?a=1&pageSize=50&cursor=a%20b");
        assert_eq!(stream(Paging::Whole).request(&Cursor::Start).0, "/rest/api/2/x?a=1");
        assert_eq!(stream(Paging::Offset(1000)).request(&Cursor::Offset(50)).0, "/rest/api/2/x?a=1&offset=50&limit=50");
        let posted = stream(Paging::Token(100)).posting(json!({"jql": "x"}));
        assert_eq!(posted.request(&Cursor::Token("t".into())).1, Some(json!({"jql": "x", "maxResults": 50, "nextPageToken": "t"})));
        let posted = stream(Paging::Pages(100)).posting(json!({"name": "n"}));
        assert_eq!(posted.request(&Cursor::Offset(2)), ("/rest/api/2/x?a=1".to_string(), Some(json!({"name": "n", "page": 2, "limit": 50}))));
    }

    #[test]
    fn cursors_end_where_each_paging_says() {
        let items = vec![json!({"id": 1}); 50];
        let s = stream(Paging::StartAt(100));
        assert_eq!(s.after(&json!({"total": 120}), &items, ""), Cursor::Offset(50));
        assert_eq!(s.after(&json!({"total": 50}), &items, ""), Cursor::Done);
        assert_eq!(s.after(&json!({"isLast": true, "total": 500}), &items, ""), Cursor::Done);
        assert_eq!(s.after(&json!({}), &[], ""), Cursor::Done);
        let s = stream(Paging::Cursor(100));
        assert_eq!(s.after(&json!({"_links": {"next": "/api/v2/p?cursor=c"}}), &items, "/wiki/api/v2/p"), Cursor::Next("/wiki/api/v2/p?cursor=c".into()));
        assert_eq!(
            s.after(&json!({"_links": {"next": "/rest/api/content?start=2"}}), &items, "/rest/api/content"),
            Cursor::Next("/rest/api/content?start=2".into())
        );
        assert_eq!(s.after(&json!({}), &items, ""), Cursor::Done);
        assert_eq!(stream(Paging::Pages(100)).after(&json!({}), &items[..49], ""), Cursor::Done);
        assert_eq!(stream(Paging::Pages(100)).after(&json!({}), &items, ""), Cursor::Offset(1));
        assert_eq!(stream(Paging::Offset(100)).after(&json!({"total": 120}), &items, ""), Cursor::Offset(50));
        assert_eq!(stream(Paging::Offset(100)).after(&json!({"total": 50}), &items, ""), Cursor::Done);
        assert_eq!(stream(Paging::Offset(100)).after(&json!({}), &items[..10], ""), Cursor::Done);
        let s = stream(Paging::Token(100));
        assert_eq!(s.after(&json!({"nextPageToken": "t"}), &items, ""), Cursor::Token("t".into()));
        assert_eq!(s.after(&json!({"nextPageToken": "t", "isLast": true}), &items, ""), Cursor::Done);
        assert_eq!(stream(Paging::Start(100)).after(&json!({"_links": {"next": "x"}}), &items, ""), Cursor::Offset(50));
        assert_eq!(stream(Paging::Start(100)).after(&json!({"isLastPage": false, "_links": {}}), &items, ""), Cursor::Offset(50));
        assert_eq!(stream(Paging::Start(100)).after(&json!({"isLastPage": true, "_links": {"next": "x"}}), &items, ""), Cursor::Done);
    }
}
