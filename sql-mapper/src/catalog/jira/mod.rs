//! The `Jira` schema.

pub(crate) mod api_tokens;
mod audit_records;
mod backlog_issues;
mod board_issues;
mod boards;
mod changelogs;
mod comments;
mod components;
mod current_user;
mod dashboards;
mod epics;
mod fields;
mod filters;
mod groups;
mod issue_attachments;
mod issue_links;
mod issue_remote_links;
mod issue_security_levels;
mod issue_status_history;
mod issue_types;
mod issue_votes;
mod issue_watchers;
mod issues;
pub(crate) mod oauth_access_tokens;
mod permission_grants;
mod permission_schemes;
mod priorities;
mod project_role_actors;
mod project_roles;
mod projects;
mod resolutions;
mod service_management;
mod sprint_issues;
mod sprints;
mod statuses;
mod subtasks;
mod users;
mod versions;
mod workflow_statuses;
mod workflow_transitions;
mod workflows;
mod worklogs;

pub use issues::custom_field_column;

use super::{ColumnDef, ParentLink, Product, TableDef};

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

/// Boards, for the lists read per board.
pub(crate) const fn board_parent(types: &'static [&'static str]) -> ParentLink {
    ParentLink { table: (Product::Jira, "Boards"), bind: &[("Id", "BoardId")], only: Some(("Type", types)) }
}

/// The columns of an issue in an agile list (a board's, a backlog's, a sprint's), as the agile
/// API returns it (the platform's issue with the agile fields), after the list's own columns.
pub(crate) fn agile_issue_columns(own: Vec<ColumnDef>) -> Vec<ColumnDef> {
    use super::{at, SqlType::*};
    let c = ColumnDef::new;
    let mut columns = own;
    columns.extend([
        c("IssueId", BigInt, true, at("/id"), "Issue id"),
        c("IssueKey", Varchar(255), true, at("/key"), "Issue key"),
        c("Summary", Varchar(255), true, at("/fields/summary"), "Summary").field("summary"),
        c("IssueType", Varchar(255), true, at("/fields/issuetype/name"), "Issue type name").field("issuetype"),
        c("Status", Varchar(255), true, at("/fields/status/name"), "Status name").field("status"),
        c("StatusCategory", Varchar(255), true, at("/fields/status/statusCategory/name"), "Status category").field("status"),
        c("Priority", Varchar(255), true, at("/fields/priority/name"), "Priority name").field("priority"),
        c("AssigneeAccountId", Varchar(128), true, at("/fields/assignee/accountId"), "Assignee account id").field("assignee"),
        c("ParentKey", Varchar(255), true, at("/fields/parent/key"), "Parent issue key (an epic's, on team-managed projects and Cloud)").field("parent"),
        c("Flagged", Bit, true, at("/fields/flagged"), "Whether the issue is flagged (agile field)").field("flagged"),
        c("Created", Timestamp, true, at("/fields/created"), "Created (UTC)").field("created"),
        c("Updated", Timestamp, true, at("/fields/updated"), "Last updated (UTC)").field("updated"),
    ]);
    columns
}

pub fn tables() -> Vec<TableDef> {
    let mut tables = vec![
        issues::table(),
        api_tokens::table(),
        projects::table(),
        comments::table(),
        worklogs::table(),
        changelogs::table(),
        fields::table(),
        issue_types::table(),
        issue_links::table(),
        issue_attachments::table(),
        issue_remote_links::table(),
        issue_votes::table(),
        issue_watchers::table(),
        subtasks::table(),
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
        sprint_issues::table(),
        board_issues::table(),
        backlog_issues::table(),
        epics::table(),
        issue_status_history::table(),
        workflows::table(),
        workflow_statuses::table(),
        workflow_transitions::table(),
        project_roles::table(),
        project_role_actors::table(),
        permission_schemes::table(),
        permission_grants::table(),
        issue_security_levels::table(),
        dashboards::table(),
        audit_records::table(),
    ];
    tables.extend(service_management::tables());
    tables
}
