//! A CQL engine as Confluence Cloud implements it for `content/search` and `search`: parser
//! (quoting, escapes, reserved words), field/operator checks, evaluation (word search for `~`,
//! dates in the searcher's time zone, relative dates and date functions) and ORDER BY.
//!
//! Choices where the documentation is silent: `title =` is an exact, case-insensitive match of
//! the whole title; without ORDER BY results come most recently modified first; ties are broken
//! by id, descending.

mod engine;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};

pub use engine::{parse, CqlQuery, CqlTerm};

/// What the CQL engine needs to know about one piece of content.
pub trait CqlContent {
    fn id(&self) -> u64;
    /// "page", "blogpost", "comment" or "attachment".
    fn content_type(&self) -> &str;
    fn space_key(&self) -> &str;
    fn space_id(&self) -> u64;
    fn space_type(&self) -> &str {
        "global"
    }
    fn title(&self) -> &str;
    /// Plain text of the body.
    fn text(&self) -> &str;
    fn labels(&self) -> Vec<&str>;
    fn creator(&self) -> &str;
    fn contributors(&self) -> Vec<&str> {
        vec![]
    }
    fn created(&self) -> DateTime<Utc>;
    fn last_modified(&self) -> DateTime<Utc>;
    /// Every ancestor page id, nearest last.
    fn ancestors(&self) -> Vec<u64>;
    /// The direct parent page (for comments and attachments: the content they belong to).
    fn parent(&self) -> Option<u64>;
    fn container(&self) -> Option<u64> {
        self.parent()
    }
}

pub struct CqlContext<'a> {
    pub now: DateTime<Utc>,
    pub time_zone: chrono_tz::Tz,
    pub current_user: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CqlError {
    pub message: String,
}

/// The 400 body Confluence returns for a CQL query it refuses.
pub fn error_body(err: &CqlError) -> serde_json::Value {
    serde_json::json!({
        "statusCode": 400,
        "data": {"authorized": false, "valid": true, "errors": [], "successful": false},
        "message": err.message,
        "reason": "Bad Request",
    })
}
