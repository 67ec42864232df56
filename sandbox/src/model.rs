//! The site's data: one in-memory store for Confluence and Jira, shared by the Cloud and Data
//! Center faces. Rendering to Atlassian's JSON shapes lives in the route modules.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub account_id: String,
    pub display_name: String,
    pub email: String,
    pub active: bool,
    /// IANA zone; JQL and CQL dates are read in it.
    pub time_zone: String,
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub name: String,
}

/// Who may see a space or a project.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum Visibility {
    /// Anonymous users too.
    Public,
    /// Any signed-in user.
    Licensed,
    /// Members of this group only.
    Group(String),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Space {
    pub id: u64,
    pub key: String,
    pub name: String,
    /// "global" or "personal".
    pub kind: String,
    /// "current" or "archived".
    pub status: String,
    pub description: String,
    pub homepage_id: Option<u64>,
    pub author_id: String,
    pub created_at: DateTime<Utc>,
    pub visibility: Visibility,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub enum ContentKind {
    Page,
    BlogPost,
    FooterComment,
    InlineComment,
}

impl ContentKind {
    /// The `type` Confluence v1 and CQL use.
    pub fn cql_type(self) -> &'static str {
        match self {
            ContentKind::Page => "page",
            ContentKind::BlogPost => "blogpost",
            ContentKind::FooterComment | ContentKind::InlineComment => "comment",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContentVersion {
    pub number: u32,
    pub author_id: String,
    pub created_at: DateTime<Utc>,
    pub message: String,
    pub minor_edit: bool,
    pub title: String,
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Label {
    pub id: u64,
    pub name: String,
    /// "global", "my" or "team".
    pub prefix: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContentProperty {
    pub id: u64,
    pub key: String,
    pub value: serde_json::Value,
    pub version: u32,
}

/// A page, blog post or comment. Comments point at the content they belong to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Content {
    pub id: u64,
    pub kind: ContentKind,
    pub title: String,
    pub space_id: u64,
    pub parent_id: Option<u64>,
    /// For comments: the page or blog post commented on.
    pub container_id: Option<u64>,
    /// "current", "draft", "archived" or "trashed".
    pub status: String,
    pub author_id: String,
    pub owner_id: String,
    pub created_at: DateTime<Utc>,
    /// Storage-format XHTML of the current version.
    pub body: String,
    /// Older versions, oldest first; the current one is last.
    pub versions: Vec<ContentVersion>,
    pub labels: Vec<Label>,
    pub properties: Vec<ContentProperty>,
    /// Position among siblings (page tree order).
    pub position: i64,
    /// Inline comments: the text they are anchored to.
    pub inline_selection: Option<String>,
    /// "open" or "resolved" for comments.
    pub resolution_status: Option<String>,
}

impl Content {
    pub fn version_number(&self) -> u32 {
        self.versions.last().map(|v| v.number).unwrap_or(1)
    }
    pub fn last_modified(&self) -> DateTime<Utc> {
        self.versions.last().map(|v| v.created_at).unwrap_or(self.created_at)
    }
    pub fn last_modifier(&self) -> &str {
        self.versions.last().map(|v| v.author_id.as_str()).unwrap_or(&self.author_id)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attachment {
    pub id: u64,
    pub title: String,
    pub media_type: String,
    pub comment: String,
    pub container_id: u64,
    pub author_id: String,
    pub created_at: DateTime<Utc>,
    pub version: u32,
    pub file_id: String,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Task {
    pub id: u64,
    pub local_id: String,
    pub content_id: u64,
    pub space_id: u64,
    pub status: String,
    pub body: String,
    pub creator_id: String,
    pub assignee_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
}

// ------------------------------------------------------------------ Jira

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Project {
    pub id: u64,
    pub key: String,
    pub name: String,
    pub description: String,
    pub lead_account_id: String,
    /// "software", "business" or "service_desk".
    pub type_key: String,
    pub visibility: Visibility,
    pub components: Vec<Component>,
    pub versions: Vec<ProjectVersion>,
    /// Its project category, if any.
    #[serde(default)]
    pub category_id: Option<u64>,
    /// The URL the project names (its documentation), if any.
    #[serde(default)]
    pub url: Option<String>,
}

/// A project category (Jira's `projectCategory`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectCategory {
    pub id: u64,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Component {
    pub id: u64,
    pub name: String,
    pub description: String,
    pub lead_account_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectVersion {
    pub id: u64,
    pub name: String,
    pub description: String,
    pub released: bool,
    pub archived: bool,
    pub release_date: Option<NaiveDate>,
    pub start_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusCategory {
    pub id: u64,
    pub key: String,
    pub name: String,
    pub color: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Status {
    pub id: u64,
    pub name: String,
    pub description: String,
    pub category_id: u64,
}

/// Issue types, priorities and resolutions share this shape.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NamedItem {
    pub id: u64,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum CustomFieldKind {
    Number,
    Date,
    DateTime,
    Text,
    Select,
    MultiSelect,
    MultiUser,
    Sprint,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CustomField {
    pub number: u64,
    pub name: String,
    pub kind: CustomFieldKind,
    pub description: String,
    /// Allowed values for select fields: (option id, value).
    pub options: Vec<(u64, String)>,
    /// Its type's key when it is not the kind's usual one (a `textarea` is text, a
    /// `radiobuttons` a select): what its schema's `custom` says.
    #[serde(default)]
    pub type_key: Option<String>,
    /// Its searcher's key when it is not the kind's usual one.
    #[serde(default)]
    pub searcher_key: Option<String>,
    /// Made without a searcher: JQL does not know it, and `/field` says it is not searchable.
    #[serde(default)]
    pub unsearchable: bool,
}

/// The Jira custom field types the sandbox stores: the type key's last part, the kind of value
/// it holds, and the searchers valid for it (the first is the one it gets by default), as the
/// Cloud description of "Create custom field" lists them.
pub const CUSTOM_FIELD_TYPES: &[(&str, CustomFieldKind, &[&str])] = &[
    ("textfield", CustomFieldKind::Text, &["textsearcher"]),
    ("textarea", CustomFieldKind::Text, &["textsearcher"]),
    ("url", CustomFieldKind::Text, &["exacttextsearcher"]),
    ("float", CustomFieldKind::Number, &["numberrange", "exactnumber"]),
    ("datepicker", CustomFieldKind::Date, &["daterange"]),
    ("datetime", CustomFieldKind::DateTime, &["datetimerange"]),
    ("select", CustomFieldKind::Select, &["multiselectsearcher"]),
    ("radiobuttons", CustomFieldKind::Select, &["multiselectsearcher"]),
    ("multiselect", CustomFieldKind::MultiSelect, &["multiselectsearcher"]),
    ("multicheckboxes", CustomFieldKind::MultiSelect, &["multiselectsearcher"]),
    ("multiuserpicker", CustomFieldKind::MultiUser, &["userpickergroupsearcher"]),
];

/// The prefix of the built-in custom field types' and searchers' keys.
pub const CUSTOM_FIELD_TYPE_PREFIX: &str = "com.atlassian.jira.plugin.system.customfieldtypes:";

impl CustomField {
    pub fn field_id(&self) -> String {
        format!("customfield_{}", self.number)
    }
    /// A field of the seeded site: the kind's usual type and searcher.
    pub fn seeded(number: u64, name: &str, kind: CustomFieldKind, description: &str, options: Vec<(u64, String)>) -> CustomField {
        CustomField {
            number,
            name: name.to_string(),
            kind,
            description: description.to_string(),
            options,
            type_key: None,
            searcher_key: None,
            unsearchable: false,
        }
    }
    /// Its type's full key (`com.atlassian.jira.plugin.system.customfieldtypes:float`).
    pub fn type_key(&self) -> String {
        if let Some(k) = &self.type_key {
            return k.clone();
        }
        match self.kind {
            CustomFieldKind::Sprint => "com.pyxis.greenhopper.jira:gh-sprint".to_string(),
            kind => {
                let name = CUSTOM_FIELD_TYPES.iter().find(|t| t.1 == kind).map(|t| t.0).unwrap_or("textfield");
                format!("{CUSTOM_FIELD_TYPE_PREFIX}{name}")
            }
        }
    }
    /// Its searcher's full key; `None` when it has none.
    pub fn searcher_key(&self) -> Option<String> {
        if self.unsearchable {
            return None;
        }
        if let Some(k) = &self.searcher_key {
            return Some(k.clone());
        }
        Some(match self.kind {
            CustomFieldKind::Sprint => "com.pyxis.greenhopper.jira:gh-sprint-searcher".to_string(),
            kind => {
                let name = CUSTOM_FIELD_TYPES.iter().find(|t| t.1 == kind).map(|t| t.2[0]).unwrap_or("textsearcher");
                format!("{CUSTOM_FIELD_TYPE_PREFIX}{name}")
            }
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum CustomValue {
    Number(f64),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    Text(String),
    Option(u64),
    Options(Vec<u64>),
    Users(Vec<String>),
    Sprints(Vec<u64>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Comment {
    pub id: u64,
    pub author_id: String,
    pub body: String,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub update_author_id: String,
    /// Who may see it (a group or a project role), if restricted.
    #[serde(default)]
    pub restriction: Option<Restriction>,
}

/// A worklog that was deleted (by itself or with its issue), and when: what Jira's deleted
/// worklogs feed (`GET /rest/api/3/worklog/deleted`) lists.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeletedWorklog {
    pub id: u64,
    pub deleted: DateTime<Utc>,
}

/// A comment's or worklog's visibility: `type` (`group` or `role`) and its `value`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Restriction {
    pub kind: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Worklog {
    pub id: u64,
    pub author_id: String,
    pub comment: String,
    pub started: DateTime<Utc>,
    pub time_spent_seconds: i64,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// Who may see it, if restricted.
    #[serde(default)]
    pub restriction: Option<Restriction>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangeItem {
    pub field: String,
    pub field_type: String,
    pub field_id: String,
    pub from: Option<String>,
    pub from_string: Option<String>,
    pub to: Option<String>,
    pub to_string: Option<String>,
}

impl ChangeItem {
    /// An issue's move out of To Do (status 10000) into this status.
    pub fn status_from_to_do(to: u64, name: &str) -> ChangeItem {
        ChangeItem {
            field: "status".into(),
            field_type: "jira".into(),
            field_id: "status".into(),
            from: Some("10000".into()),
            from_string: Some("To Do".into()),
            to: Some(to.to_string()),
            to_string: Some(name.to_string()),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangeGroup {
    pub id: u64,
    pub author_id: String,
    pub created: DateTime<Utc>,
    pub items: Vec<ChangeItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssueLinkType {
    pub id: u64,
    pub name: String,
    pub inward: String,
    pub outward: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssueLink {
    pub id: u64,
    pub type_id: u64,
    pub inward_issue_id: u64,
    pub outward_issue_id: u64,
}

/// The Epic issue type's id.
pub const EPIC_TYPE: u64 = 10000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Issue {
    pub id: u64,
    pub key: String,
    pub project_id: u64,
    pub summary: String,
    /// Plain text; served as ADF on Cloud and as wiki text on Data Center.
    pub description: Option<String>,
    pub environment: Option<String>,
    pub issue_type_id: u64,
    pub status_id: u64,
    pub priority_id: Option<u64>,
    pub resolution_id: Option<u64>,
    pub assignee_id: Option<String>,
    pub reporter_id: Option<String>,
    pub creator_id: String,
    pub labels: Vec<String>,
    pub component_ids: Vec<u64>,
    pub fix_version_ids: Vec<u64>,
    /// Affects versions.
    #[serde(default)]
    pub affected_version_ids: Vec<u64>,
    /// Original and remaining estimates, in seconds.
    #[serde(default)]
    pub original_estimate: Option<i64>,
    #[serde(default)]
    pub remaining_estimate: Option<i64>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub resolution_date: Option<DateTime<Utc>>,
    pub due_date: Option<NaiveDate>,
    pub parent_id: Option<u64>,
    pub custom: BTreeMap<u64, CustomValue>,
    pub comments: Vec<Comment>,
    pub worklogs: Vec<Worklog>,
    pub changelog: Vec<ChangeGroup>,
    /// Account ids of who watches it, and of who voted for it.
    #[serde(default)]
    pub watchers: Vec<String>,
    #[serde(default)]
    pub voters: Vec<String>,
    #[serde(default)]
    pub remote_links: Vec<RemoteLink>,
    #[serde(default)]
    pub attachments: Vec<IssueAttachment>,
}

impl Issue {
    /// A new issue of a project, raised by `reporter` (also its creator and, as Jira makes
    /// them, its watcher) at `now`: nothing else set yet.
    pub fn raised(project_id: u64, reporter: &str, creator: &str, now: DateTime<Utc>) -> Issue {
        Issue {
            id: 0,
            key: String::new(),
            project_id,
            summary: String::new(),
            description: None,
            environment: None,
            issue_type_id: 0,
            status_id: 0,
            priority_id: None,
            resolution_id: None,
            assignee_id: None,
            reporter_id: Some(reporter.to_string()),
            creator_id: creator.to_string(),
            labels: vec![],
            component_ids: vec![],
            fix_version_ids: vec![],
            affected_version_ids: vec![],
            original_estimate: None,
            remaining_estimate: None,
            created: now,
            updated: now,
            resolution_date: None,
            due_date: None,
            parent_id: None,
            custom: Default::default(),
            comments: vec![],
            worklogs: vec![],
            changelog: vec![],
            watchers: vec![reporter.to_string()],
            voters: vec![],
            remote_links: vec![],
            attachments: vec![],
        }
    }
}

/// A link from an issue to something outside Jira (a Confluence page, a pull request).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemoteLink {
    pub id: u64,
    pub global_id: Option<String>,
    /// The linking application's type and name (`com.atlassian.confluence`, `Confluence`).
    pub application: Option<(String, String)>,
    pub relationship: Option<String>,
    pub url: String,
    pub title: String,
    pub summary: Option<String>,
    pub resolved: bool,
}

/// A file attached to an issue.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssueAttachment {
    pub id: u64,
    pub filename: String,
    pub author_id: String,
    pub created: DateTime<Utc>,
    pub mime_type: String,
    pub bytes: Vec<u8>,
}

/// The Sub-task issue type's id.
pub const SUBTASK_TYPE: u64 = 10008;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Board {
    pub id: u64,
    pub name: String,
    /// "scrum", "kanban", or "simple" (a team-managed project's board, Cloud only).
    pub kind: String,
    pub project_id: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sprint {
    pub id: u64,
    pub board_id: u64,
    pub name: String,
    /// "future", "active" or "closed".
    pub state: String,
    pub goal: String,
    pub start_date: Option<DateTime<Utc>>,
    pub end_date: Option<DateTime<Utc>>,
    pub complete_date: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Filter {
    pub id: u64,
    pub name: String,
    pub description: String,
    pub jql: String,
    pub owner_id: String,
    pub favourite: bool,
}

// ------------------------------------------------------------------ Jira Service Management

/// A service project's service desk: its customers and organizations.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServiceDesk {
    pub id: u64,
    pub project_id: u64,
    /// Account ids of the service desk's customers.
    pub customers: Vec<String>,
    pub organization_ids: Vec<u64>,
}

/// A request type of a service desk, on an issue type of its project.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestType {
    pub id: u64,
    pub desk_id: u64,
    pub name: String,
    pub description: String,
    pub help_text: String,
    pub issue_type_id: u64,
    pub group_ids: Vec<u64>,
    pub icon_id: u64,
    /// The "Time to resolution" goal of its requests, in hours.
    pub resolution_goal_hours: i64,
    /// Whether its requests go through an approval.
    pub needs_approval: bool,
}

/// A request type group of a service desk's portal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestTypeGroup {
    pub id: u64,
    pub desk_id: u64,
    pub name: String,
}

/// One cycle of an SLA metric on a request: started, maybe stopped, maybe paused (its clock
/// frozen since `paused_at`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SlaRecord {
    /// The SLA metric's id (per service project).
    pub metric_id: u64,
    pub name: String,
    pub goal_millis: i64,
    pub start: DateTime<Utc>,
    pub stop: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
    /// Time spent paused in earlier pauses of this cycle (not counted as elapsed).
    #[serde(default)]
    pub paused_millis: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Approver {
    pub account_id: String,
    /// "approved", "declined" or "pending".
    pub decision: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Approval {
    pub id: u64,
    pub name: String,
    /// "approved", "declined" or "pending".
    pub final_decision: String,
    pub approvers: Vec<Approver>,
    pub created: DateTime<Utc>,
    pub completed: Option<DateTime<Utc>>,
}

/// What makes an issue of a service project a customer request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CustomerRequest {
    pub issue_id: u64,
    pub desk_id: u64,
    pub request_type_id: u64,
    pub participants: Vec<String>,
    /// When the request reached its current status.
    pub status_date: DateTime<Utc>,
    pub slas: Vec<SlaRecord>,
    pub approvals: Vec<Approval>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Organization {
    pub id: u64,
    pub name: String,
    pub created: DateTime<Utc>,
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Queue {
    pub id: u64,
    pub desk_id: u64,
    pub name: String,
    pub jql: String,
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ServiceManagement {
    pub desks: Vec<ServiceDesk>,
    pub request_type_groups: Vec<RequestTypeGroup>,
    pub request_types: Vec<RequestType>,
    pub requests: Vec<CustomerRequest>,
    pub organizations: Vec<Organization>,
    pub queues: Vec<Queue>,
    /// Comments (of requests' issues) that are internal: agents only, `jsdPublic` false.
    pub internal_comments: std::collections::BTreeSet<u64>,
}

impl ServiceManagement {
    pub fn desk(&self, id: u64) -> Option<&ServiceDesk> {
        self.desks.iter().find(|d| d.id == id)
    }
    pub fn request(&self, issue_id: u64) -> Option<&CustomerRequest> {
        self.requests.iter().find(|r| r.issue_id == issue_id)
    }
    pub fn request_mut(&mut self, issue_id: u64) -> Option<&mut CustomerRequest> {
        self.requests.iter_mut().find(|r| r.issue_id == issue_id)
    }
    pub fn request_type(&self, id: u64) -> Option<&RequestType> {
        self.request_types.iter().find(|t| t.id == id)
    }
}

// ------------------------------------------------------------------ Governance

/// A project role (Administrators, Developers, Users): site-wide, its actors per project.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectRoleDef {
    pub id: u64,
    pub name: String,
    pub description: String,
}

/// The users and groups a project role holds in one project.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoleActors {
    pub project_id: u64,
    pub role_id: u64,
    pub users: Vec<String>,
    pub groups: Vec<String>,
}

/// A permission granted to a holder: `projectRole` (parameter: role id), `group` (group name),
/// `user` (account id), `projectLead`, `reporter`, `assignee`, `anyone`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PermissionGrantDef {
    pub id: u64,
    pub permission: String,
    pub holder_type: String,
    pub holder_parameter: Option<String>,
}

/// A permission scheme and the projects it is assigned to (the default scheme: every project
/// no other scheme names).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PermissionSchemeDef {
    pub id: u64,
    pub name: String,
    pub description: String,
    pub grants: Vec<PermissionGrantDef>,
    pub project_ids: Vec<u64>,
}

/// An issue security level; its members are groups.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SecurityLevelDef {
    pub id: u64,
    pub name: String,
    pub description: String,
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SecuritySchemeDef {
    pub id: u64,
    pub name: String,
    pub description: String,
    pub default_level_id: Option<u64>,
    pub levels: Vec<SecurityLevelDef>,
    pub project_ids: Vec<u64>,
}

/// Who a dashboard is shared with: `global`, `loggedin`, `group` (name), `project` (id), `user`
/// (account id).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SharePermissionDef {
    pub id: u64,
    pub kind: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DashboardDef {
    pub id: u64,
    pub name: String,
    pub description: String,
    /// None for the system dashboard.
    pub owner_id: Option<String>,
    pub share: Vec<SharePermissionDef>,
    pub edit: Vec<SharePermissionDef>,
    pub favourite_of: Vec<String>,
}

/// An object an audit record names: its type, id and name, and its parent's id and name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditItem {
    pub type_name: String,
    pub id: String,
    pub name: String,
    pub parent: Option<(String, String)>,
}

/// A field an audit record changed: name, from, to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditChange {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// One entry of Jira's or Confluence's audit log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: u64,
    pub summary: String,
    pub description: String,
    pub category: String,
    pub author_id: String,
    pub remote_address: String,
    pub created: DateTime<Utc>,
    pub object: AuditItem,
    pub changed: Vec<AuditChange>,
    pub associated: Vec<AuditItem>,
}

/// A Confluence content restriction: who may `read` or `update` a page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContentRestrictionDef {
    pub content_id: u64,
    pub operation: String,
    pub users: Vec<String>,
    pub groups: Vec<String>,
}

/// A Confluence whiteboard or folder in a space's page tree.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TreeItem {
    pub id: u64,
    /// "whiteboard" or "folder".
    pub kind: String,
    pub title: String,
    pub space_id: u64,
    pub parent_id: Option<u64>,
    pub author_id: String,
    pub created_at: DateTime<Utc>,
    pub position: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Governance {
    pub roles: Vec<ProjectRoleDef>,
    pub role_actors: Vec<RoleActors>,
    pub permission_schemes: Vec<PermissionSchemeDef>,
    pub security_schemes: Vec<SecuritySchemeDef>,
    pub dashboards: Vec<DashboardDef>,
    /// Newest last.
    pub jira_audit: Vec<AuditEntry>,
    pub confluence_audit: Vec<AuditEntry>,
    pub restrictions: Vec<ContentRestrictionDef>,
    pub tree_items: Vec<TreeItem>,
}

impl Governance {
    /// The scheme assigned to a project: the one naming it, else the default (the first).
    pub fn permission_scheme_of(&self, project_id: u64) -> Option<&PermissionSchemeDef> {
        self.permission_schemes.iter().find(|s| s.project_ids.contains(&project_id)).or_else(|| self.permission_schemes.first())
    }
    pub fn tree_item(&self, id: u64) -> Option<&TreeItem> {
        self.tree_items.iter().find(|t| t.id == id)
    }
}

/// Everything on the site. Collections are kept in id order, so scans and cursors are stable.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Site {
    #[serde(default)]
    pub project_categories: Vec<ProjectCategory>,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub spaces: Vec<Space>,
    pub contents: Vec<Content>,
    pub attachments: Vec<Attachment>,
    pub tasks: Vec<Task>,
    pub projects: Vec<Project>,
    pub status_categories: Vec<StatusCategory>,
    pub statuses: Vec<Status>,
    pub issue_types: Vec<NamedItem>,
    pub priorities: Vec<NamedItem>,
    pub resolutions: Vec<NamedItem>,
    pub custom_fields: Vec<CustomField>,
    pub link_types: Vec<IssueLinkType>,
    pub issues: Vec<Issue>,
    pub links: Vec<IssueLink>,
    pub boards: Vec<Board>,
    pub sprints: Vec<Sprint>,
    pub filters: Vec<Filter>,
    /// Worklogs deleted, oldest first.
    #[serde(default)]
    pub deleted_worklogs: Vec<DeletedWorklog>,
    /// Jira Service Management: service desks and what hangs off them.
    #[serde(default)]
    pub service: ServiceManagement,
    /// Governance: project roles, permission and issue security schemes, dashboards, audit
    /// logs, Confluence content restrictions, whiteboards and folders.
    #[serde(default)]
    pub governance: Governance,
    /// Next id per id space ("content", "issue", "comment", ...).
    pub next_ids: BTreeMap<String, u64>,
    /// Bumped on every write, so cached search results are dropped.
    pub generation: u64,
    #[serde(skip)]
    pub index: SiteIndex,
}

/// Lookups rebuilt after loading or writing; never persisted.
#[derive(Debug, Clone, Default)]
pub struct SiteIndex {
    pub user_by_id: HashMap<String, usize>,
    pub user_by_email: HashMap<String, usize>,
    pub content_by_id: HashMap<u64, usize>,
    pub issue_by_id: HashMap<u64, usize>,
    pub issue_by_key: HashMap<String, usize>,
    pub project_by_id: HashMap<u64, usize>,
    pub space_by_id: HashMap<u64, usize>,
    pub related: RelatedCache,
}

/// Each issue's sub-tasks and links (indexes into `issues` and `links`, in their order), so
/// rendering an issue does not scan the site: computed once per generation (every write
/// bumps it), when first asked.
#[derive(Debug, Default)]
pub struct Related {
    pub subtasks: HashMap<u64, Vec<usize>>,
    pub links: HashMap<u64, Vec<usize>>,
}

#[derive(Debug, Default)]
pub struct RelatedCache(std::sync::Mutex<Option<(u64, std::sync::Arc<Related>)>>);

/// A copy of the site starts without the cache: its generation says nothing of its own writes.
impl Clone for RelatedCache {
    fn clone(&self) -> RelatedCache {
        RelatedCache::default()
    }
}

impl Site {
    pub fn reindex(&mut self) {
        let mut ix = SiteIndex::default();
        for (i, u) in self.users.iter().enumerate() {
            ix.user_by_id.insert(u.account_id.clone(), i);
            ix.user_by_email.insert(u.email.to_lowercase(), i);
        }
        for (i, c) in self.contents.iter().enumerate() {
            ix.content_by_id.insert(c.id, i);
        }
        for (i, issue) in self.issues.iter().enumerate() {
            ix.issue_by_id.insert(issue.id, i);
            ix.issue_by_key.insert(issue.key.clone(), i);
        }
        for (i, p) in self.projects.iter().enumerate() {
            ix.project_by_id.insert(p.id, i);
        }
        for (i, s) in self.spaces.iter().enumerate() {
            ix.space_by_id.insert(s.id, i);
        }
        self.index = ix;
    }

    /// Marks a write: caches keyed on the generation are invalidated.
    pub fn touch(&mut self) {
        self.generation += 1;
    }

    pub fn next_id(&mut self, space: &str, start: u64) -> u64 {
        let slot = self.next_ids.entry(space.to_string()).or_insert(start);
        let id = *slot;
        *slot += 1;
        id
    }

    pub fn user(&self, account_id: &str) -> Option<&User> {
        self.index.user_by_id.get(account_id).map(|&i| &self.users[i])
    }
    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        self.index.user_by_email.get(&email.to_lowercase()).map(|&i| &self.users[i])
    }
    pub fn content(&self, id: u64) -> Option<&Content> {
        self.index.content_by_id.get(&id).map(|&i| &self.contents[i])
    }
    pub fn content_mut(&mut self, id: u64) -> Option<&mut Content> {
        let i = *self.index.content_by_id.get(&id)?;
        Some(&mut self.contents[i])
    }
    pub fn space(&self, id: u64) -> Option<&Space> {
        self.index.space_by_id.get(&id).map(|&i| &self.spaces[i])
    }
    pub fn space_by_key(&self, key: &str) -> Option<&Space> {
        self.spaces.iter().find(|s| s.key == key)
    }
    pub fn issue(&self, id_or_key: &str) -> Option<&Issue> {
        let i = match id_or_key.parse::<u64>() {
            Ok(id) => self.index.issue_by_id.get(&id),
            Err(_) => self.index.issue_by_key.get(&id_or_key.to_uppercase()),
        }?;
        Some(&self.issues[*i])
    }
    pub fn issue_index(&self, id_or_key: &str) -> Option<usize> {
        match id_or_key.parse::<u64>() {
            Ok(id) => self.index.issue_by_id.get(&id).copied(),
            Err(_) => self.index.issue_by_key.get(&id_or_key.to_uppercase()).copied(),
        }
    }
    /// Sub-tasks and links by issue, as of this generation of the site.
    pub fn related(&self) -> std::sync::Arc<Related> {
        let mut cached = self.index.related.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((generation, r)) = cached.as_ref() {
            if *generation == self.generation {
                return r.clone();
            }
        }
        let mut r = Related::default();
        for (i, issue) in self.issues.iter().enumerate() {
            if let (Some(parent), SUBTASK_TYPE) = (issue.parent_id, issue.issue_type_id) {
                r.subtasks.entry(parent).or_default().push(i);
            }
        }
        for (i, l) in self.links.iter().enumerate() {
            r.links.entry(l.inward_issue_id).or_default().push(i);
            if l.outward_issue_id != l.inward_issue_id {
                r.links.entry(l.outward_issue_id).or_default().push(i);
            }
        }
        let r = std::sync::Arc::new(r);
        *cached = Some((self.generation, r.clone()));
        r
    }

    pub fn issue_by_id(&self, id: u64) -> Option<&Issue> {
        self.index.issue_by_id.get(&id).map(|&i| &self.issues[i])
    }
    pub fn project(&self, id: u64) -> Option<&Project> {
        self.index.project_by_id.get(&id).map(|&i| &self.projects[i])
    }
    pub fn project_by_key_or_id(&self, key_or_id: &str) -> Option<&Project> {
        match key_or_id.parse::<u64>() {
            Ok(id) => self.project(id),
            Err(_) => self.projects.iter().find(|p| p.key.eq_ignore_ascii_case(key_or_id)),
        }
    }
    pub fn status(&self, id: u64) -> Option<&Status> {
        self.statuses.iter().find(|s| s.id == id)
    }
    pub fn status_category(&self, id: u64) -> Option<&StatusCategory> {
        self.status_categories.iter().find(|s| s.id == id)
    }
    pub fn issue_type(&self, id: u64) -> Option<&NamedItem> {
        self.issue_types.iter().find(|s| s.id == id)
    }
    pub fn priority(&self, id: u64) -> Option<&NamedItem> {
        self.priorities.iter().find(|s| s.id == id)
    }
    pub fn resolution(&self, id: u64) -> Option<&NamedItem> {
        self.resolutions.iter().find(|s| s.id == id)
    }
    pub fn custom_field(&self, number: u64) -> Option<&CustomField> {
        self.custom_fields.iter().find(|f| f.number == number)
    }
    /// Removes the issue at `i` (the caller reindexes), remembering its worklogs as deleted at `now`.
    pub fn remove_issue(&mut self, i: usize, now: DateTime<Utc>) -> Issue {
        let issue = self.issues.remove(i);
        self.deleted_worklogs.extend(issue.worklogs.iter().map(|w| DeletedWorklog { id: w.id, deleted: now }));
        issue
    }
    pub fn sprint(&self, id: u64) -> Option<&Sprint> {
        self.sprints.iter().find(|s| s.id == id)
    }
    pub fn sprint_field_number(&self) -> Option<u64> {
        self.custom_fields.iter().find(|f| f.kind == CustomFieldKind::Sprint).map(|f| f.number)
    }
    /// When the issue's status last changed category (Jira's `statuscategorychangedate`): the
    /// latest status change between categories, else its creation.
    pub fn status_category_changed(&self, issue: &Issue) -> DateTime<Utc> {
        let category = |id: &Option<String>| id.as_deref().and_then(|id| self.statuses.iter().find(|s| s.id.to_string() == id)).map(|s| s.category_id);
        issue
            .changelog
            .iter()
            .filter(|g| g.items.iter().any(|i| i.field_id == "status" && category(&i.from) != category(&i.to)))
            .map(|g| g.created)
            .max()
            .unwrap_or(issue.created)
    }

    /// The sprints an issue is in (through the Sprint custom field).
    pub fn issue_sprints(&self, issue: &Issue) -> Vec<&Sprint> {
        match self.sprint_field_number().and_then(|n| issue.custom.get(&n)) {
            Some(CustomValue::Sprints(ids)) => ids.iter().filter_map(|id| self.sprint(*id)).collect(),
            _ => Vec::new(),
        }
    }
}
