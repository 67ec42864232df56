//! A JQL (Jira Query Language) parser and evaluator that follows Jira Cloud.
//!
//! * [`parse`] turns a JQL string into a [`Query`], failing with Jira's own syntax messages
//!   (`Error in the JQL Query: ... (line 1, character 9)`).
//! * [`Query::validate`] checks fields, operators, functions and values against the
//!   site (a [`JqlContext`]) and returns every problem at once, in clause order, worded as Jira
//!   words them in `errorMessages`.
//! * [`Query::matches`] and [`Query::compare`] filter and sort issues seen through [`JqlIssue`].
//!
//! The module tree: `lexer` (tokens, escapes, reserved words/characters), `parser` (Jira's
//! grammar and its error messages), `ast`, `fields` (field names, operators per field),
//! `dates` (date literals, periods, date functions), `text` (the `~` word search),
//! `validate` and `eval`.

pub mod ast;
mod dates;
mod eval;
mod fields;
mod lexer;
mod parser;
mod text;
mod validate;

#[cfg(test)]
mod tests;

pub use ast::{Clause, FieldRef, HistoryPredicate, Literal, Operand, Operator, OrderBy, Query, SortDirection, Terminal};

use chrono::{DateTime, NaiveDate, Utc};

/// A named entity of the site: project, status, issue type, priority, component, version...
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named<'a> {
    pub id: u64,
    /// The key ("ABC" for a project, "new"/"indeterminate"/"done" for a status category);
    /// equal to `name` when the entity has no key.
    pub key: &'a str,
    pub name: &'a str,
}

/// A user as JQL sees it. Jira Cloud identifies users by account id or email, never by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserRef<'a> {
    pub account_id: &'a str,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
}

/// A sprint an issue belongs to (now or in the past).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SprintRef<'a> {
    pub id: u64,
    pub name: &'a str,
    /// "future" | "active" | "closed"
    pub state: &'a str,
}

/// The value of a custom field on an issue.
#[derive(Debug, Clone, PartialEq)]
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

/// The searcher type of a custom field, which decides its operators and values.
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

/// A custom field known to the site.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomFieldDef {
    /// "customfield_10016"
    pub id: String,
    /// 10016, as written in `cf[10016]`
    pub number: u64,
    /// "Story Points", as written in `"Story Points" > 3`
    pub name: String,
    pub kind: CustomKind,
}

/// An issue as JQL sees it. The sandbox's issue model implements this.
pub trait JqlIssue {
    fn id(&self) -> u64;
    /// "ABC-12"
    fn key(&self) -> &str;
    /// id, key "ABC", name
    fn project(&self) -> Named<'_>;
    fn summary(&self) -> &str;
    /// Plain text.
    fn description(&self) -> &str;
    /// Plain text of every comment, for `text ~` and `comment ~`.
    fn comment_texts(&self) -> Vec<&str>;
    fn environment(&self) -> &str {
        ""
    }
    fn status(&self) -> Named<'_>;
    /// key "new" | "indeterminate" | "done", name "To Do" | "In Progress" | "Done"
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
    /// Affects versions.
    fn affected_versions(&self) -> Vec<Named<'_>> {
        Vec::new()
    }
    fn created(&self) -> DateTime<Utc>;
    fn updated(&self) -> DateTime<Utc>;
    fn resolution_date(&self) -> Option<DateTime<Utc>>;
    fn due_date(&self) -> Option<NaiveDate>;
    fn sprints(&self) -> Vec<SprintRef<'_>>;
    fn parent_key(&self) -> Option<&str> {
        None
    }
    /// The value of custom field `field_id` ("customfield_10016").
    fn custom(&self, field_id: &str) -> CustomValue<'_>;
}

/// Everything outside the issue that evaluation depends on.
pub struct JqlContext<'a> {
    /// The sandbox's clock (may be advanced in tests).
    pub now: DateTime<Utc>,
    /// The searching user's zone: JQL dates are read in it.
    pub time_zone: chrono_tz::Tz,
    /// Account id, `None` for anonymous.
    pub current_user: Option<&'a str>,
    pub custom_fields: &'a [CustomFieldDef],
    /// To validate values: an unknown project/status/... is an error as in Jira.
    pub known: &'a dyn JqlCatalog,
}

/// What the site knows, for validation (and a few look-ups during evaluation).
///
/// The methods with default bodies accept everything / know nothing; implement them to get
/// Jira's validation messages for those values too.
pub trait JqlCatalog {
    fn project_exists(&self, key_or_id_or_name: &str) -> bool;
    fn status_exists(&self, name_or_id: &str) -> bool;
    fn issue_type_exists(&self, name_or_id: &str) -> bool;
    fn priority_exists(&self, name_or_id: &str) -> bool;
    fn resolution_exists(&self, name_or_id: &str) -> bool;
    fn user_exists(&self, account_id_or_email: &str) -> bool;
    fn component_exists(&self, _name_or_id: &str) -> bool {
        true
    }
    fn version_exists(&self, _name_or_id: &str) -> bool {
        true
    }
    fn sprint_exists(&self, _name_or_id: &str) -> bool {
        true
    }
    /// Whether an issue with this key (or numeric id) exists.
    fn issue_exists(&self, _key_or_id: &str) -> bool {
        true
    }
    /// The key of the issue with this id (lets `parent = 10001` and `key > 10001` work).
    fn issue_key_for_id(&self, _id: u64) -> Option<String> {
        None
    }
    /// The option exists for select / multi-select custom field `field_id`.
    fn option_exists(&self, _field_id: &str, _value: &str) -> bool {
        true
    }
    /// Account ids of the members of a group; `None` when there is no such group.
    fn group_members(&self, _group: &str) -> Option<Vec<String>> {
        None
    }
    /// The position used by `<`, `>`, `ORDER BY` for a priority, resolution, status or
    /// fixVersion (`field` is "priority", "resolution", "status" or "fixVersion"), by name or id.
    /// Lower sequence sorts first; for priorities a lower sequence is a *higher* priority.
    /// Default: the id (and Jira's default priority scheme by name).
    fn sequence(&self, _field: &str, _name_or_id: &str) -> Option<i64> {
        None
    }
}

/// The strings Jira puts in `errorMessages`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .messages.join(" "))]
pub struct JqlError {
    pub messages: Vec<String>,
}

impl JqlError {
    pub(crate) fn one(message: impl Into<String>) -> JqlError {
        JqlError { messages: vec![message.into()] }
    }
}

/// Parses a JQL string. An empty (or blank) string is a valid query with no restriction.
pub fn parse(jql: &str) -> Result<Query, JqlError> {
    parser::parse(jql)
}

/// The message `/rest/api/3/search/jql` answers with when [`Query::is_bounded`] is false.
pub const UNBOUNDED_MESSAGE: &str = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.";

/// The most ORDER BY fields `/rest/api/3/search/jql` accepts.
pub const MAX_ORDER_BY_FIELDS: usize = 7;

impl Query {
    /// Checks the query against the site: unknown fields, operators a field does not support,
    /// functions, and values that do not exist. Returns all of Jira's messages, in clause order.
    pub fn validate(&self, ctx: &JqlContext) -> Result<(), JqlError> {
        validate::validate(self, ctx)
    }

    /// Whether `issue` matches the where-clause (always true without one).
    pub fn matches(&self, issue: &dyn JqlIssue, ctx: &JqlContext) -> bool {
        match &self.where_clause {
            None => true,
            Some(clause) => eval::matches(clause, issue, ctx),
        }
    }

    /// Orders two issues by the ORDER BY clause. Fields without a direction use Jira's default
    /// for the field (descending for created, updated, resolved and priority); empty values sort
    /// last in either direction. Ties — and queries without ORDER BY — fall back to
    /// Jira's default order: `created DESC`, then the issue id descending.
    pub fn compare(&self, a: &dyn JqlIssue, b: &dyn JqlIssue, ctx: &JqlContext) -> std::cmp::Ordering {
        eval::compare(self, a, b, ctx)
    }

    /// The new `/rest/api/3/search/jql` refuses queries without a search restriction
    /// (e.g. `""` or `ORDER BY created`): this is true when there is a where-clause.
    pub fn is_bounded(&self) -> bool {
        self.where_clause.is_some()
    }
}
