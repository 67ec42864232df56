//! The `Jira` schema.

pub(crate) mod api_tokens;
mod boards;
mod changelogs;
mod comments;
mod components;
mod current_user;
mod fields;
mod filters;
mod groups;
mod issue_links;
mod issue_types;
mod issues;
pub(crate) mod oauth_access_tokens;
mod priorities;
mod projects;
mod resolutions;
mod sprints;
mod statuses;
mod users;
mod versions;
mod worklogs;

pub use issues::custom_field_column;

use super::{ParentLink, Product, TableDef};

/// Jira's limit on a text field (descriptions, comments, worklog comments, text-area custom
/// fields): 32,767 characters, as the platform API documents for text areas
/// (`CustomFieldContextDefaultValueTextArea`).
pub const TEXT_LIMIT: u32 = 32_767;
/// At most this many characters are reported for an issue's links as JSON: Jira Cloud allows
/// 2,000 linked issues per issue, whose JSON (as the search returns it) fits.
pub const LINKS_JSON_LIMIT: u32 = 1_048_576;

/// Lists read per issue: the issue's key fills the path, key and id are the row's context.
pub(crate) const ISSUE_PARENT: ParentLink = ParentLink { table: (Product::Jira, "Issues"), bind: &[("Key", "IssueKey"), ("Id", "IssueId")], only: None };
/// Lists read per project.
pub(crate) const PROJECT_PARENT: ParentLink =
    ParentLink { table: (Product::Jira, "Projects"), bind: &[("Key", "ProjectKey"), ("Id", "ProjectId")], only: None };

pub fn tables() -> Vec<TableDef> {
    vec![
        issues::table(),
        api_tokens::table(),
        projects::table(),
        comments::table(),
        worklogs::table(),
        changelogs::table(),
        fields::table(),
        issue_types::table(),
        issue_links::table(),
        statuses::table(),
        priorities::table(),
        resolutions::table(),
        users::table(),
        current_user::table(),
        oauth_access_tokens::table(),
        groups::table(),
        filters::table(),
        components::table(),
        versions::table(),
        boards::table(),
        sprints::table(),
    ]
}
