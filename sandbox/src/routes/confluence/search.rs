//! CQL over the site's content: the adapter the CQL engine reads, and the search itself.

use std::cell::OnceCell;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};

use super::render::storage_text;
use super::Conf;
use crate::cql::{self, CqlContent, CqlContext};
use crate::errors::{ApiError, Family};
use crate::model::{Content, Site};

pub struct ContentFacts<'a> {
    pub site: &'a Site,
    pub c: &'a Content,
    text: OnceCell<String>,
}

impl<'a> ContentFacts<'a> {
    pub fn new(site: &'a Site, c: &'a Content) -> ContentFacts<'a> {
        ContentFacts { site, c, text: OnceCell::new() }
    }
}

impl CqlContent for ContentFacts<'_> {
    fn id(&self) -> u64 {
        self.c.id
    }
    fn content_type(&self) -> &str {
        self.c.kind.cql_type()
    }
    fn space_key(&self) -> &str {
        self.site.space(self.c.space_id).map(|s| s.key.as_str()).unwrap_or("")
    }
    fn space_id(&self) -> u64 {
        self.c.space_id
    }
    fn space_type(&self) -> &str {
        self.site.space(self.c.space_id).map(|s| s.kind.as_str()).unwrap_or("global")
    }
    fn title(&self) -> &str {
        &self.c.title
    }
    fn text(&self) -> &str {
        self.text.get_or_init(|| {
            let labels: Vec<&str> = self.c.labels.iter().map(|l| l.name.as_str()).collect();
            format!("{} {}", storage_text(&self.c.body), labels.join(" "))
        })
    }
    fn labels(&self) -> Vec<&str> {
        self.c.labels.iter().map(|l| l.name.as_str()).collect()
    }
    fn creator(&self) -> &str {
        &self.c.author_id
    }
    fn contributors(&self) -> Vec<&str> {
        self.c.versions.iter().map(|v| v.author_id.as_str()).collect()
    }
    fn created(&self) -> DateTime<Utc> {
        self.c.created_at
    }
    fn last_modified(&self) -> DateTime<Utc> {
        self.c.last_modified()
    }
    /// Page ancestors; comments count their page and its ancestors.
    fn ancestors(&self) -> Vec<u64> {
        let mut chain = Vec::new();
        let mut cur = self.c.parent_id.or(self.c.container_id);
        while let Some(id) = cur {
            chain.push(id);
            cur = self.site.content(id).and_then(|p| p.parent_id);
            if chain.len() > 1000 {
                break;
            }
        }
        chain.reverse();
        chain
    }
    fn parent(&self) -> Option<u64> {
        self.c.parent_id.or(self.c.container_id)
    }
    fn container(&self) -> Option<u64> {
        self.c.container_id.or(self.c.parent_id)
    }
}

/// Runs a CQL query for the caller: matching content indexes, ordered.
pub fn run(c: &Conf, site: &Site, cql_text: &str) -> Result<Vec<usize>, ApiError> {
    let q = cql::parse(cql_text).map_err(|e| ApiError::new(Family::ConfluenceV1, StatusCode::BAD_REQUEST, e.message))?;
    let ctx = CqlContext { now: c.sb.clock.now(), time_zone: c.sb.user_tz(c.who.account()), current_user: c.who.account() };
    let types = q.content_types();
    let mut hits: Vec<usize> = (0..site.contents.len())
        .filter(|&i| {
            let x = &site.contents[i];
            x.status != "trashed"
                && types.as_ref().is_none_or(|t| t.iter().any(|ty| ty == x.kind.cql_type()))
                && c.content_visible(site, x)
                && q.matches(&ContentFacts::new(site, x), &ctx)
        })
        .collect();
    hits.sort_by(|&a, &b| q.compare(&ContentFacts::new(site, &site.contents[a]), &ContentFacts::new(site, &site.contents[b]), &ctx));
    Ok(hits)
}
