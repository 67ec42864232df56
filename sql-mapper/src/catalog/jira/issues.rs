//! `Jira.Issues`: one row per issue, from the issue search: `/rest/api/3/search/jql` (Cloud) or
//! `/rest/api/2/search` (Data Center). Filters become JQL. Every system field is a column;
//! custom fields are added per connection from `/rest/api/3/field`, each as its own typed column
//! named after the field.

use crate::catalog::{
    adf_text, at, context, delete, join, json_text, post, put, query, query_account, query_key, ColumnDef, Endpoint, Extract, ForeignKey, JqlSearch, Paging,
    Product, Pushdown, QueryValue, Shape, Source, SqlType, TableDef, Text, Writes,
};

use SqlType::*;

/// Jira's largest page of full issues, and of ids and keys only.
const PAGE: usize = 100;
const KEYS_PAGE: usize = 5000;

/// Jira's issue search, as every table read from it starts (`IssueStatusHistory` adds its own).
pub(crate) const SEARCH: JqlSearch = JqlSearch {
    cloud: Endpoint::new("/rest/api/3/search/jql", "/issues", Paging::Token(PAGE)),
    cloud_count: "/rest/api/3/search/approximate-count",
    data_center: Endpoint::new("/rest/api/2/search", "/issues", Paging::StartAt(PAGE)),
    keys_page: (KEYS_PAGE, &["key", "id"]),
    fields: &[],
    changelog: None,
    rows: None,
};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Issues",
        remarks: "Jira issues with every system field and one column per custom field.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Issue id").pushed(query("id")),
            c("Key", Varchar(255), true, at("/key"), "Issue key, e.g. ENG-12").pushed(query_key("key")),
            c("ProjectId", BigInt, true, at("/fields/project/id"), "Project id").field("project"),
            c("ProjectKey", Varchar(255), true, at("/fields/project/key"), "Project key")
                .field("project")
                .pushed(query("project"))
                .writes("/fields/project", Shape::Ref("key")),
            c("ProjectName", Varchar(255), true, at("/fields/project/name"), "Project name").field("project"),
            c("Summary", Varchar(255), true, at("/fields/summary"), "Summary").field("summary").writes("/fields/summary", Shape::Plain),
            c("Description", LongText(super::TEXT_LIMIT), true, adf_text("/fields/description"), "Description as plain text")
                .field("description")
                .writes("/fields/description", Shape::Adf),
            c("DescriptionAdf", LongText(super::TEXT_LIMIT), true, json_text("/fields/description"), "Description as Atlassian Document Format JSON")
                .field("description"),
            c("Status", Varchar(255), true, at("/fields/status/name"), "Status name").field("status").pushed(query("status")),
            c("StatusId", BigInt, true, at("/fields/status/id"), "Status id").field("status"),
            c("StatusCategory", Varchar(255), true, at("/fields/status/statusCategory/name"), "Status category: To Do, In Progress, Done")
                .field("status")
                .pushed(query("statusCategory")),
            c("IssueType", Varchar(255), true, at("/fields/issuetype/name"), "Issue type name")
                .field("issuetype")
                .pushed(query("issuetype"))
                .writes("/fields/issuetype", Shape::Ref("name")),
            c("Priority", Varchar(255), true, at("/fields/priority/name"), "Priority name")
                .field("priority")
                .pushed(query("priority"))
                .writes("/fields/priority", Shape::Ref("name")),
            c("Resolution", Varchar(255), true, at("/fields/resolution/name"), "Resolution name").field("resolution").pushed(query("resolution")),
            c("AssigneeAccountId", Varchar(128), true, at("/fields/assignee/accountId"), "Assignee account id")
                .field("assignee")
                .pushed(query_account("assignee"))
                .writes("/fields/assignee", Shape::Ref("accountId")),
            c("AssigneeDisplayName", Varchar(255), true, at("/fields/assignee/displayName"), "Assignee display name").field("assignee"),
            c("ReporterAccountId", Varchar(128), true, at("/fields/reporter/accountId"), "Reporter account id")
                .field("reporter")
                .pushed(query_account("reporter"))
                .writes("/fields/reporter", Shape::Ref("accountId")),
            c("ReporterDisplayName", Varchar(255), true, at("/fields/reporter/displayName"), "Reporter display name").field("reporter"),
            c("CreatorAccountId", Varchar(128), true, at("/fields/creator/accountId"), "Creator account id").field("creator").pushed(query_account("creator")),
            c("Labels", Varchar(4000), true, join("/fields/labels", ""), "Labels, comma separated").field("labels").writes("/fields/labels", Shape::List),
            c("Components", Varchar(4000), true, join("/fields/components", "/name"), "Component names, comma separated")
                .field("components")
                .writes("/fields/components", Shape::RefList("name")),
            c("FixVersions", Varchar(4000), true, join("/fields/fixVersions", "/name"), "Fix version names, comma separated")
                .field("fixVersions")
                .writes("/fields/fixVersions", Shape::RefList("name")),
            c("Created", Timestamp, true, at("/fields/created"), "Created (UTC)").field("created").pushed(query("created")),
            c("Updated", Timestamp, true, at("/fields/updated"), "Last updated (UTC)").field("updated").pushed(query("updated")),
            c("ResolutionDate", Timestamp, true, at("/fields/resolutiondate"), "Resolved (UTC)").field("resolutiondate").pushed(query("resolutiondate")),
            c("DueDate", Date, true, at("/fields/duedate"), "Due date").field("duedate").pushed(query("duedate")).writes("/fields/duedate", Shape::Plain),
            c("ParentKey", Varchar(255), true, at("/fields/parent/key"), "Parent issue key").field("parent").writes("/fields/parent", Shape::Ref("key")),
            // Jira Cloud names an issue's epic as its parent (the Epic Link field is gone there);
            // Data Center's Epic Link is a custom field, a column of its own named after it.
            c(
                "EpicKey",
                Varchar(255),
                true,
                Extract::AtWhen("/fields/parent/key", "/fields/parent/fields/issuetype/hierarchyLevel", "1"),
                "Key of the issue's epic, when its parent is one (Cloud)",
            )
            .field("parent"),
            c("TimeSpentSeconds", BigInt, true, at("/fields/timespent"), "Time logged, in seconds").field("timespent"),
            c("OriginalEstimateSeconds", BigInt, true, at("/fields/timeoriginalestimate"), "Original estimate, in seconds").field("timeoriginalestimate"),
            c("RemainingEstimateSeconds", BigInt, true, at("/fields/timeestimate"), "Remaining estimate, in seconds").field("timeestimate"),
            c("StatusCategoryChangedDate", Timestamp, true, at("/fields/statuscategorychangedate"), "When the status last changed category (UTC)")
                .field("statuscategorychangedate"),
            c("Environment", LongText(super::TEXT_LIMIT), true, adf_text("/fields/environment"), "Environment as plain text")
                .field("environment")
                .writes("/fields/environment", Shape::Adf),
            c("AffectedVersions", Varchar(4000), true, join("/fields/versions", "/name"), "Affects version names, comma separated")
                .field("versions")
                .pushed(query("affectedVersion"))
                .writes("/fields/versions", Shape::RefList("name")),
            c(
                "IssueLinks",
                LongText(super::LINKS_JSON_LIMIT),
                true,
                json_text("/fields/issuelinks"),
                "Links to other issues as JSON (Jira.IssueLinks has them as rows)",
            )
            .field("issuelinks"),
            c("Subtasks", LongText(super::LINKS_JSON_LIMIT), true, json_text("/fields/subtasks"), "Sub-tasks as JSON (Jira.Subtasks has them as rows)")
                .field("subtasks"),
            c(
                "Attachments",
                LongText(super::LINKS_JSON_LIMIT),
                true,
                json_text("/fields/attachment"),
                "Attachments as JSON (Jira.IssueAttachments has them as rows)",
            )
            .field("attachment"),
            c("WatchCount", Integer, true, at("/fields/watches/watchCount"), "How many watch it (Jira.IssueWatchers lists them)").field("watches"),
            c("VoteCount", Integer, true, at("/fields/votes/votes"), "How many voted for it (Jira.IssueVotes lists them)").field("votes"),
            c("JQL", Varchar(4000), true, context("jql"), "Pseudo-column: WHERE JQL = '...' passes a raw JQL query through").pushed(Pushdown::Raw),
        ],
        key: &["Id"],
        foreign_keys: &[ForeignKey { column: "ProjectId", references: (Product::Jira, "Projects", "Id") }],
        source: Source::JqlSearch(Box::new(SEARCH)),
        writes: Some(Writes {
            insert: Some(post("/rest/api/{api}/issue")),
            update: Some(put("/rest/api/{api}/issue/{Key}")),
            delete: Some(delete("/rest/api/{api}/issue/{Key}")),
            insert_only: &["ProjectKey", "IssueType"],
            required: &["ProjectKey", "IssueType", "Summary"],
            returns: &[("Id", "/id"), ("Key", "/key")],
            status_by_transition: true,
            ..Writes::default()
        }),
    }
}

/// The column of a custom field from `/rest/api/3/field`: named after the field, typed from its
/// schema (`type`, `items`, `customId`).
pub fn custom_field_column(id: &str, name: &str, schema_type: &str, items: Option<&str>, custom_id: Option<u64>) -> ColumnDef {
    let at = Text::Owned(format!("/fields/{id}"));
    let clause = Pushdown::Query(
        Text::Owned(match custom_id {
            Some(n) => format!("cf[{n}]"),
            None => id.to_string(),
        }),
        QueryValue::Name,
    );
    let remarks = format!("Custom field {id}");
    let joined = |each: &'static str| Extract::Join(at.clone(), Text::Borrowed(each));
    let col = match (schema_type, items) {
        ("number", _) => ColumnDef::new(name, Double, true, Extract::At(at.clone()), &remarks).pushed(clause).written(&at, Shape::Plain),
        ("date", _) => ColumnDef::new(name, Date, true, Extract::At(at.clone()), &remarks).pushed(clause).written(&at, Shape::Plain),
        ("datetime", _) => ColumnDef::new(name, Timestamp, true, Extract::At(at.clone()), &remarks).pushed(clause).written(&at, Shape::Plain),
        // Text fields and text areas alike: a text area holds up to Jira's limit.
        ("string", _) => ColumnDef::new(name, Varchar(super::TEXT_LIMIT), true, Extract::At(at.clone()), &remarks).written(&at, Shape::Plain),
        ("option", _) => {
            ColumnDef::new(name, Varchar(255), true, Extract::At(Text::Owned(format!("{at}/value"))), &remarks).pushed(clause).written(&at, Shape::Ref("value"))
        }
        ("array", Some("option")) => ColumnDef::new(name, Varchar(4000), true, joined("/value"), &remarks).written(&at, Shape::RefList("value")),
        ("array", Some("user")) => ColumnDef::new(name, Varchar(4000), true, joined("/accountId"), &remarks).written(&at, Shape::RefList("accountId")),
        ("array", Some("json")) => ColumnDef::new(name, Varchar(4000), true, joined("/name"), &remarks),
        ("array", Some("string")) => ColumnDef::new(name, Varchar(4000), true, joined(""), &remarks).written(&at, Shape::List),
        _ => ColumnDef::new(name, LongText(super::TEXT_LIMIT), true, Extract::JsonText(at.clone()), &remarks),
    };
    col.field(id)
}
