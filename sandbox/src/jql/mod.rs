//! A JQL engine as Jira Cloud implements the language: parser (quoting, escapes, reserved words
//! and characters, precedence), validation with Jira's messages (unknown fields, operators a
//! field does not support, values that do not exist), evaluation (word search for `~`, dates in
//! the searcher's time zone, relative dates and date functions, users by account id or email,
//! custom fields by `cf[N]` and by name) and ORDER BY.
//!
//! Choices where Jira's documentation is silent, made once here:
//! - Without ORDER BY, results come newest first (`created DESC`, then id DESC).
//! - Ties in ORDER BY are broken by id, descending.
//! - Empty values sort last ascending and first descending.
//! - `NOT (a = b)` is the logical negation (it includes issues where `a` is empty), while `!=`
//!   and `NOT IN` never match an empty field, as Jira documents.
//! - Label and name equality are case-insensitive; `~` is word search with light English stemming.
//! - `startOfWeek()` starts on Sunday (Jira's default locale).

mod eval;
mod lexer;
mod parser;
#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, Utc};

pub use parser::{Clause, FieldRef, Op, Operand, OrderBy};

pub struct Named<'a> {
    pub id: u64,
    pub key: &'a str,
    pub name: &'a str,
}
pub struct UserRef<'a> {
    pub account_id: &'a str,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
}
pub struct SprintRef<'a> {
    pub id: u64,
    pub name: &'a str,
    /// "future", "active" or "closed".
    pub state: &'a str,
}
pub enum CustomValue<'a> {
    None,
    Number(f64),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    Text(&'a str),
    Option(&'a str),
    Options(Vec<&'a str>),
    Users(Vec<UserRef<'a>>),
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomKind {
    Number,
    Date,
    DateTime,
    Text,
    Select,
    MultiSelect,
    MultiUser,
    Labels,
}
#[derive(Debug, Clone)]
pub struct CustomFieldDef {
    pub id: String,
    pub number: u64,
    pub name: String,
    pub kind: CustomKind,
}

/// What the JQL engine needs to know about one issue.
pub trait JqlIssue {
    fn id(&self) -> u64;
    fn key(&self) -> &str;
    fn project(&self) -> Named<'_>;
    fn summary(&self) -> &str;
    fn description(&self) -> &str;
    fn comment_texts(&self) -> Vec<&str>;
    fn environment(&self) -> &str {
        ""
    }
    fn status(&self) -> Named<'_>;
    fn status_category(&self) -> Named<'_>;
    fn issue_type(&self) -> Named<'_>;
    fn priority(&self) -> Option<Named<'_>>;
    fn resolution(&self) -> Option<Named<'_>>;
    fn assignee(&self) -> Option<UserRef<'_>>;
    fn reporter(&self) -> Option<UserRef<'_>>;
    fn creator(&self) -> Option<UserRef<'_>>;
    fn labels(&self) -> Vec<&str>;
    fn components(&self) -> Vec<Named<'_>>;
    fn fix_versions(&self) -> Vec<Named<'_>>;
    fn created(&self) -> DateTime<Utc>;
    fn updated(&self) -> DateTime<Utc>;
    fn resolution_date(&self) -> Option<DateTime<Utc>>;
    fn due_date(&self) -> Option<NaiveDate>;
    fn sprints(&self) -> Vec<SprintRef<'_>>;
    fn parent_key(&self) -> Option<&str> {
        None
    }
    /// Priority rank for ORDER BY: higher is more important.
    fn priority_rank(&self) -> Option<u64> {
        self.priority().map(|p| 1000 - p.id)
    }
    fn custom(&self, field_id: &str) -> CustomValue<'_>;
}

/// The names values are validated against.
pub trait JqlCatalog {
    fn project_exists(&self, key_or_id_or_name: &str) -> bool;
    fn status_exists(&self, name_or_id: &str) -> bool;
    fn issue_type_exists(&self, name_or_id: &str) -> bool;
    fn priority_exists(&self, name_or_id: &str) -> bool;
    fn resolution_exists(&self, name_or_id: &str) -> bool;
    fn user_exists(&self, account_id_or_email: &str) -> bool;
    /// Whether an issue key names an issue the searcher can see (Jira refuses `key = X-999`).
    fn issue_exists(&self, _key: &str) -> bool {
        true
    }
}

/// Everything outside the issue that evaluation depends on.
pub struct JqlContext<'a> {
    pub now: DateTime<Utc>,
    pub time_zone: chrono_tz::Tz,
    pub current_user: Option<&'a str>,
    pub custom_fields: &'a [CustomFieldDef],
    pub known: &'a dyn JqlCatalog,
}

/// Jira's `errorMessages` for a query it refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JqlError {
    pub messages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub clause: Option<Clause>,
    pub order: Vec<OrderBy>,
}

pub fn parse(jql: &str) -> Result<Query, JqlError> {
    let (clause, order) = parser::parse(jql)?;
    Ok(Query { clause, order })
}

impl Query {
    /// A query with a search restriction (Cloud's `/search/jql` refuses the others).
    pub fn is_bounded(&self) -> bool {
        self.clause.is_some()
    }
}
