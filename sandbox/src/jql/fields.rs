//! JQL field names and what each field accepts (operators, EMPTY, functions, sorting).

use super::ast::{FieldRef, Operator};
use super::{CustomFieldDef, CustomKind, JqlContext};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Field<'c> {
    Project,
    IssueKey,
    Summary,
    Description,
    Environment,
    Comment,
    Text,
    Status,
    StatusCategory,
    Assignee,
    Reporter,
    Creator,
    Priority,
    IssueType,
    Labels,
    Component,
    FixVersion,
    AffectedVersion,
    Created,
    Updated,
    Resolved,
    Due,
    Resolution,
    Sprint,
    Parent,
    Custom(&'c CustomFieldDef),
}

/// What kind of values a field holds, which decides literals and functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueKind {
    Text,
    DateTime,
    Date,
    Number,
    User,
    Key,
    Named,
    Label,
    Sprint,
    Option,
}

/// Resolves a field reference (case-insensitive; system names win over custom field names).
pub(crate) fn resolve<'c>(field: &FieldRef, ctx: &JqlContext<'c>) -> Option<Field<'c>> {
    if field.property.is_some() {
        return None;
    }
    if let Some(n) = field.cf_number {
        return ctx.custom_fields.iter().find(|d| d.number == n).map(Field::Custom);
    }
    let lower = field.name.to_lowercase();
    let f = match lower.as_str() {
        "project" => Field::Project,
        "key" | "issue" | "issuekey" | "id" => Field::IssueKey,
        "summary" => Field::Summary,
        "description" => Field::Description,
        "environment" => Field::Environment,
        "comment" => Field::Comment,
        "text" => Field::Text,
        "status" => Field::Status,
        "statuscategory" => Field::StatusCategory,
        "assignee" => Field::Assignee,
        "reporter" => Field::Reporter,
        "creator" => Field::Creator,
        "priority" => Field::Priority,
        "issuetype" | "type" => Field::IssueType,
        "labels" => Field::Labels,
        "component" => Field::Component,
        "fixversion" => Field::FixVersion,
        "affectedversion" => Field::AffectedVersion,
        "created" | "createddate" => Field::Created,
        "updated" | "updateddate" => Field::Updated,
        "resolutiondate" | "resolved" => Field::Resolved,
        "duedate" | "due" => Field::Due,
        "resolution" => Field::Resolution,
        "sprint" => Field::Sprint,
        "parent" => Field::Parent,
        _ => return ctx.custom_fields.iter().find(|d| d.name.to_lowercase() == lower || d.id.to_lowercase() == lower).map(Field::Custom),
    };
    Some(f)
}

impl Field<'_> {
    pub fn value_kind(&self) -> ValueKind {
        match self {
            Field::Summary | Field::Description | Field::Environment | Field::Comment | Field::Text => ValueKind::Text,
            Field::Created | Field::Updated | Field::Resolved => ValueKind::DateTime,
            Field::Due => ValueKind::Date,
            Field::Assignee | Field::Reporter | Field::Creator => ValueKind::User,
            Field::IssueKey | Field::Parent => ValueKind::Key,
            Field::Labels => ValueKind::Label,
            Field::Sprint => ValueKind::Sprint,
            Field::Project
            | Field::Status
            | Field::StatusCategory
            | Field::Priority
            | Field::IssueType
            | Field::Component
            | Field::FixVersion
            | Field::AffectedVersion
            | Field::Resolution => ValueKind::Named,
            Field::Custom(d) => match d.kind {
                CustomKind::Number => ValueKind::Number,
                CustomKind::Date => ValueKind::Date,
                CustomKind::DateTime => ValueKind::DateTime,
                CustomKind::Text => ValueKind::Text,
                CustomKind::Select | CustomKind::MultiSelect => ValueKind::Option,
                CustomKind::MultiUser => ValueKind::User,
                CustomKind::Labels => ValueKind::Label,
            },
        }
    }

    /// The operators Jira Cloud documents as supported for the field.
    pub fn supports(&self, op: Operator) -> bool {
        use Operator::*;
        let equality = matches!(op, Equals | NotEquals | In | NotIn);
        let is = matches!(op, Is | IsNot);
        let relational = op.is_relational();
        let history = op.is_history();
        match self {
            Field::Project | Field::Creator | Field::Labels | Field::Component | Field::Sprint | Field::AffectedVersion => equality || is,
            Field::IssueKey => equality || relational,
            Field::Summary | Field::Comment => matches!(op, Like | NotLike),
            Field::Text => op == Like,
            Field::Description | Field::Environment => matches!(op, Like | NotLike) || is,
            Field::Status => equality || history,
            Field::StatusCategory | Field::IssueType | Field::Parent => equality,
            Field::Assignee | Field::Reporter => equality || is || history,
            Field::Priority | Field::FixVersion | Field::Resolution => equality || is || relational || history,
            Field::Created | Field::Updated | Field::Resolved | Field::Due => equality || is || relational,
            Field::Custom(d) => match d.kind {
                CustomKind::Number | CustomKind::Date | CustomKind::DateTime => equality || is || relational,
                CustomKind::Text => matches!(op, Like | NotLike) || is,
                _ => equality || is,
            },
        }
    }

    /// Whether `EMPTY` may be searched for.
    pub fn supports_empty(&self) -> bool {
        !matches!(self, Field::Comment | Field::Text | Field::Parent)
    }

    /// The name of the field in the catalog's `sequence()` look-ups.
    pub fn sequence_name(&self) -> &'static str {
        match self {
            Field::Priority => "priority",
            Field::Resolution => "resolution",
            Field::Status => "status",
            Field::FixVersion => "fixVersion",
            _ => "",
        }
    }

    /// Functions that produce values for this field (lower case).
    pub fn accepts_function(&self, lower_name: &str) -> bool {
        match self.value_kind() {
            ValueKind::User => matches!(lower_name, "currentuser" | "membersof"),
            ValueKind::DateTime | ValueKind::Date => is_date_function(lower_name),
            ValueKind::Sprint => matches!(lower_name, "opensprints" | "closedsprints" | "futuresprints"),
            _ => false,
        }
    }
}

pub(crate) fn is_date_function(lower_name: &str) -> bool {
    matches!(lower_name, "now" | "startofday" | "endofday" | "startofweek" | "endofweek" | "startofmonth" | "endofmonth" | "startofyear" | "endofyear")
}

/// Functions the sandbox knows (lower case).
pub(crate) fn is_known_function(lower_name: &str) -> bool {
    is_date_function(lower_name) || matches!(lower_name, "currentuser" | "membersof" | "opensprints" | "closedsprints" | "futuresprints")
}

/// Functions returning a list (only usable with IN / NOT IN).
pub(crate) fn is_list_function(lower_name: &str) -> bool {
    matches!(lower_name, "membersof" | "opensprints" | "closedsprints" | "futuresprints")
}
