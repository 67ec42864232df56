//! The site's Jira data in Jira's JSON shapes (`IssueBean`, `UserDetails`, `StatusDetails`, ...).

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Map, Value};

use crate::model::*;

pub fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Plain text as an Atlassian Document Format document: paragraphs split on blank lines,
/// single newlines as hard breaks.
pub fn adf(text: &str) -> Value {
    let paragraphs: Vec<Value> = text
        .split("\n\n")
        .map(|p| {
            let mut content = Vec::new();
            for (i, line) in p.split('\n').enumerate() {
                if i > 0 {
                    content.push(json!({"type": "hardBreak"}));
                }
                if !line.is_empty() {
                    content.push(json!({"type": "text", "text": line}));
                }
            }
            json!({"type": "paragraph", "content": content})
        })
        .collect();
    json!({"type": "doc", "version": 1, "content": paragraphs})
}

/// The text of an ADF document (the inverse of [`adf`] for the nodes it produces; other nodes
/// contribute their text).
pub fn adf_text(doc: &Value) -> Result<String, String> {
    if doc.get("type").and_then(Value::as_str) != Some("doc") {
        return Err("Operation value must be an Atlassian Document (see the Atlassian Document Format)".into());
    }
    fn walk(node: &Value, out: &mut String) {
        match node.get("type").and_then(Value::as_str) {
            Some("text") => out.push_str(node.get("text").and_then(Value::as_str).unwrap_or("")),
            Some("hardBreak") => out.push('\n'),
            _ => {
                if let Some(children) = node.get("content").and_then(Value::as_array) {
                    for c in children {
                        walk(c, out);
                    }
                }
            }
        }
    }
    let mut blocks = Vec::new();
    for block in doc.get("content").and_then(Value::as_array).into_iter().flatten() {
        let mut s = String::new();
        walk(block, &mut s);
        blocks.push(s);
    }
    Ok(blocks.join("\n\n"))
}

/// A rich-text value as the API version speaks it: ADF for v3, plain string for v2.
pub fn rich(v: u8, text: &str) -> Value {
    if v >= 3 {
        adf(text)
    } else {
        json!(text)
    }
}

/// A rich-text value sent by a client, as plain text.
pub fn rich_in(v: u8, value: &Value) -> Result<String, String> {
    match (v, value) {
        (_, Value::Null) => Ok(String::new()),
        (3, Value::String(_)) => Err("Operation value must be an Atlassian Document (see the Atlassian Document Format)".into()),
        (_, Value::String(s)) => Ok(s.clone()),
        (3, doc) => adf_text(doc),
        _ => Err("Operation value must be a string".into()),
    }
}

pub fn avatar_urls(base: &str, id: &str) -> Value {
    json!({
        "48x48": format!("{base}/secure/useravatar?size=large&ownerId={id}"),
        "24x24": format!("{base}/secure/useravatar?size=small&ownerId={id}"),
        "16x16": format!("{base}/secure/useravatar?size=xsmall&ownerId={id}"),
        "32x32": format!("{base}/secure/useravatar?size=medium&ownerId={id}"),
    })
}

/// A user as Jira shows them to `viewer`: email only to the user themself and admins, as Cloud's
/// privacy settings do by default.
pub fn user(api: &str, base: &str, u: &User, show_email: bool) -> Value {
    let mut o = json!({
        "self": format!("{api}/user?accountId={}", u.account_id),
        "accountId": u.account_id,
        "accountType": "atlassian",
        "avatarUrls": avatar_urls(base, &u.account_id),
        "displayName": u.display_name,
        "active": u.active,
        "timeZone": u.time_zone,
    });
    if show_email {
        o["emailAddress"] = json!(u.email);
    }
    o
}

pub struct View<'a> {
    pub site: &'a Site,
    pub api: &'a str,
    pub base: &'a str,
    pub v: u8,
    /// Whether emails are shown (the viewer is an admin).
    pub emails: bool,
    /// A Cloud site (else Data Center), where the two shape a value differently.
    pub cloud: bool,
}

impl View<'_> {
    pub fn user_id(&self, id: &str) -> Value {
        match self.site.user(id) {
            Some(u) => user(self.api, self.base, u, self.emails),
            None => Value::Null,
        }
    }
    pub fn opt_user(&self, id: Option<&str>) -> Value {
        id.map(|i| self.user_id(i)).unwrap_or(Value::Null)
    }
    pub fn status_category(&self, c: &StatusCategory) -> Value {
        json!({"self": format!("{}/statuscategory/{}", self.api, c.id), "id": c.id, "key": c.key, "colorName": c.color, "name": c.name})
    }
    pub fn status(&self, s: &Status) -> Value {
        let cat = self.site.status_category(s.category_id).map(|c| self.status_category(c)).unwrap_or(Value::Null);
        json!({
            "self": format!("{}/status/{}", self.api, s.id),
            "description": s.description,
            "iconUrl": format!("{}/images/icons/statuses/generic.png", self.base),
            "name": s.name,
            "id": s.id.to_string(),
            "statusCategory": cat,
        })
    }
    pub fn issue_type(&self, t: &NamedItem) -> Value {
        json!({
            "self": format!("{}/issuetype/{}", self.api, t.id),
            "id": t.id.to_string(),
            "description": t.description,
            "iconUrl": format!("{}/images/icons/issuetypes/{}.svg", self.base, t.name.to_lowercase()),
            "name": t.name,
            "subtask": t.id == SUBTASK_TYPE,
            "avatarId": 10300 + t.id % 100,
            "hierarchyLevel": match t.id {
                EPIC_TYPE => 1,
                SUBTASK_TYPE => -1,
                _ => 0,
            },
        })
    }
    pub fn priority(&self, p: &NamedItem) -> Value {
        json!({"self": format!("{}/priority/{}", self.api, p.id), "iconUrl": format!("{}/images/icons/priorities/{}.svg", self.base, p.name.to_lowercase()), "name": p.name, "id": p.id.to_string()})
    }
    pub fn resolution(&self, r: &NamedItem) -> Value {
        json!({"self": format!("{}/resolution/{}", self.api, r.id), "id": r.id.to_string(), "description": r.description, "name": r.name})
    }
    pub fn project_ref(&self, p: &Project) -> Value {
        let mut o = json!({
            "self": format!("{}/project/{}", self.api, p.id),
            "id": p.id.to_string(),
            "key": p.key,
            "name": p.name,
            "projectTypeKey": p.type_key,
            "simplified": false,
            "avatarUrls": avatar_urls(self.base, &p.key),
        });
        if let Some(c) = p.category_id.and_then(|id| self.site.project_categories.iter().find(|c| c.id == id)) {
            o["projectCategory"] =
                json!({"self": format!("{}/projectCategory/{}", self.api, c.id), "id": c.id.to_string(), "name": c.name, "description": c.description});
        }
        o
    }

    /// What a project list's `expand` asks for: `description`, `lead`, `url`.
    pub fn project_expanded(&self, p: &Project, expand: &[String]) -> Value {
        let mut o = self.project_ref(p);
        let asked = |what: &str| expand.iter().flat_map(|e| e.split(',')).any(|e| e.trim() == what);
        if asked("description") {
            o["description"] = json!(p.description);
        }
        if asked("lead") {
            o["lead"] = self.user_id(&p.lead_account_id);
        }
        if asked("url") {
            if let Some(u) = &p.url {
                o["url"] = json!(u);
            }
        }
        o
    }
    pub fn component(&self, p: &Project, c: &Component) -> Value {
        let mut o = json!({
            "self": format!("{}/component/{}", self.api, c.id),
            "id": c.id.to_string(),
            "name": c.name,
            "description": c.description,
            "assigneeType": "PROJECT_DEFAULT",
            "realAssigneeType": "PROJECT_DEFAULT",
            "isAssigneeTypeValid": false,
            "project": p.key,
            "projectId": p.id,
        });
        if let Some(lead) = &c.lead_account_id {
            o["lead"] = self.user_id(lead);
            o["leadAccountId"] = json!(lead);
        }
        o
    }
    pub fn version(&self, p: &Project, v: &ProjectVersion) -> Value {
        let mut o = json!({
            "self": format!("{}/version/{}", self.api, v.id),
            "id": v.id.to_string(),
            "name": v.name,
            "description": v.description,
            "archived": v.archived,
            "released": v.released,
            "projectId": p.id,
        });
        if let Some(d) = v.release_date {
            o["releaseDate"] = json!(date(d));
            o["overdue"] = json!(!v.released && d < Utc::now().date_naive());
        }
        if let Some(d) = v.start_date {
            o["startDate"] = json!(date(d));
        }
        o
    }
    pub fn comment(&self, issue: &Issue, c: &Comment) -> Value {
        json!({
            "self": format!("{}/issue/{}/comment/{}", self.api, issue.id, c.id),
            "id": c.id.to_string(),
            "author": self.user_id(&c.author_id),
            "body": rich(self.v, &c.body),
            "updateAuthor": self.user_id(&c.update_author_id),
            "created": ts(c.created),
            "updated": ts(c.updated),
            "jsdPublic": !self.site.service.internal_comments.contains(&c.id),
        })
        .with_visibility(&c.restriction)
    }
    pub fn worklog(&self, issue: &Issue, w: &Worklog) -> Value {
        json!({
            "self": format!("{}/issue/{}/worklog/{}", self.api, issue.id, w.id),
            "author": self.user_id(&w.author_id),
            "updateAuthor": self.user_id(&w.author_id),
            "comment": rich(self.v, &w.comment),
            "created": ts(w.created),
            "updated": ts(w.updated),
            "started": ts(w.started),
            "timeSpent": duration_text(w.time_spent_seconds),
            "timeSpentSeconds": w.time_spent_seconds,
            "id": w.id.to_string(),
            "issueId": issue.id.to_string(),
        })
        .with_visibility(&w.restriction)
    }
    pub fn change_group(&self, g: &ChangeGroup) -> Value {
        let items: Vec<Value> = g
            .items
            .iter()
            .map(|i| {
                let mut o =
                    json!({"field": i.field, "fieldtype": i.field_type, "from": i.from, "fromString": i.from_string, "to": i.to, "toString": i.to_string});
                // Data Center's change items have no field id (its ChangeItemBean).
                if self.cloud {
                    o["fieldId"] = json!(i.field_id);
                }
                o
            })
            .collect();
        json!({"id": g.id.to_string(), "author": self.user_id(&g.author_id), "created": ts(g.created), "items": items})
    }
    pub fn sprint(&self, s: &Sprint) -> Value {
        let mut o = json!({"id": s.id, "name": s.name, "state": s.state, "boardId": s.board_id, "goal": s.goal});
        if let Some(d) = s.start_date {
            o["startDate"] = json!(d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
        }
        if let Some(d) = s.end_date {
            o["endDate"] = json!(d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
        }
        if let Some(d) = s.complete_date {
            o["completeDate"] = json!(d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
        }
        o
    }
    fn option(&self, f: &CustomField, id: u64) -> Value {
        let value = f.options.iter().find(|(i, _)| *i == id).map(|(_, v)| v.clone()).unwrap_or_default();
        json!({"self": format!("{}/customFieldOption/{id}", self.api), "value": value, "id": id.to_string()})
    }
    pub fn custom_value(&self, f: &CustomField, v: Option<&CustomValue>) -> Value {
        match v {
            None => Value::Null,
            Some(CustomValue::Number(n)) => json!(n),
            Some(CustomValue::Date(d)) => json!(date(*d)),
            Some(CustomValue::DateTime(t)) => json!(ts(*t)),
            Some(CustomValue::Text(t)) => json!(t),
            Some(CustomValue::Option(id)) => self.option(f, *id),
            Some(CustomValue::Options(ids)) => Value::Array(ids.iter().map(|id| self.option(f, *id)).collect()),
            Some(CustomValue::Users(ids)) => Value::Array(ids.iter().map(|id| self.user_id(id)).collect()),
            Some(CustomValue::Sprints(ids)) => Value::Array(ids.iter().filter_map(|id| self.site.sprint(*id)).map(|s| self.sprint(s)).collect()),
        }
    }
    /// An attachment's metadata; `content` is where its file is: Cloud's content resource, Data
    /// Center's attachment servlet (the URI its metadata gives).
    pub fn attachment(&self, a: &IssueAttachment) -> Value {
        let content =
            if self.cloud { format!("{}/attachment/content/{}", self.api, a.id) } else { format!("{}/secure/attachment/{}/{}", self.base, a.id, a.filename) };
        json!({
            "self": format!("{}/attachment/{}", self.api, a.id),
            "id": a.id.to_string(),
            "filename": a.filename,
            "author": self.user_id(&a.author_id),
            "created": ts(a.created),
            "size": a.bytes.len(),
            "mimeType": a.mime_type,
            "content": content,
        })
    }
    fn linked_issue(&self, other: &Issue) -> Value {
        let mut fields = Map::new();
        fields.insert("summary".into(), json!(other.summary));
        if let Some(s) = self.site.status(other.status_id) {
            fields.insert("status".into(), self.status(s));
        }
        if let Some(p) = other.priority_id.and_then(|p| self.site.priority(p)) {
            fields.insert("priority".into(), self.priority(p));
        }
        if let Some(t) = self.site.issue_type(other.issue_type_id) {
            fields.insert("issuetype".into(), self.issue_type(t));
        }
        json!({"id": other.id.to_string(), "key": other.key, "self": format!("{}/issue/{}", self.api, other.id), "fields": fields})
    }
    pub fn link(&self, l: &IssueLink, from: Option<u64>) -> Value {
        let lt = self.site.link_types.iter().find(|t| t.id == l.type_id);
        let ty = lt.map(|t| self.link_type(t)).unwrap_or(Value::Null);
        let mut o = json!({"id": l.id.to_string(), "self": format!("{}/issueLink/{}", self.api, l.id), "type": ty});
        // Seen from one issue, the link shows the other side only; standalone, both.
        if from != Some(l.inward_issue_id) {
            if let Some(i) = self.site.issue_by_id(l.inward_issue_id) {
                o["inwardIssue"] = self.linked_issue(i);
            }
        }
        if from != Some(l.outward_issue_id) {
            if let Some(i) = self.site.issue_by_id(l.outward_issue_id) {
                o["outwardIssue"] = self.linked_issue(i);
            }
        }
        o
    }
    pub fn link_type(&self, t: &IssueLinkType) -> Value {
        json!({"id": t.id.to_string(), "name": t.name, "inward": t.inward, "outward": t.outward, "self": format!("{}/issueLinkType/{}", self.api, t.id)})
    }

    /// One field of an issue, by field id; `None` when the id names no field.
    pub fn field(&self, issue: &Issue, id: &str) -> Option<Value> {
        let site = self.site;
        let project = site.project(issue.project_id)?;
        Some(match id {
            "summary" => json!(issue.summary),
            "description" => issue.description.as_deref().map(|d| rich(self.v, d)).unwrap_or(Value::Null),
            "environment" => issue.environment.as_deref().map(|d| rich(self.v, d)).unwrap_or(Value::Null),
            "status" => site.status(issue.status_id).map(|s| self.status(s)).unwrap_or(Value::Null),
            "statuscategorychangedate" => json!(ts(self.site.status_category_changed(issue))),
            "issuetype" => site.issue_type(issue.issue_type_id).map(|t| self.issue_type(t)).unwrap_or(Value::Null),
            "priority" => issue.priority_id.and_then(|p| site.priority(p)).map(|p| self.priority(p)).unwrap_or(Value::Null),
            "resolution" => issue.resolution_id.and_then(|r| site.resolution(r)).map(|r| self.resolution(r)).unwrap_or(Value::Null),
            "assignee" => self.opt_user(issue.assignee_id.as_deref()),
            "reporter" => self.opt_user(issue.reporter_id.as_deref()),
            "creator" => self.user_id(&issue.creator_id),
            "labels" => json!(issue.labels),
            "components" => {
                Value::Array(project.components.iter().filter(|c| issue.component_ids.contains(&c.id)).map(|c| self.component(project, c)).collect())
            }
            "fixVersions" => {
                Value::Array(project.versions.iter().filter(|v| issue.fix_version_ids.contains(&v.id)).map(|v| self.version(project, v)).collect())
            }
            "versions" => {
                Value::Array(project.versions.iter().filter(|v| issue.affected_version_ids.contains(&v.id)).map(|v| self.version(project, v)).collect())
            }
            "timeoriginalestimate" => json!(issue.original_estimate),
            "timeestimate" => json!(issue.remaining_estimate),
            "created" => json!(ts(issue.created)),
            "updated" => json!(ts(issue.updated)),
            "resolutiondate" => issue.resolution_date.map(|t| json!(ts(t))).unwrap_or(Value::Null),
            "duedate" => issue.due_date.map(|d| json!(date(d))).unwrap_or(Value::Null),
            "lastViewed" => Value::Null,
            "project" => self.project_ref(project),
            "parent" => match issue.parent_id.and_then(|p| site.issue_by_id(p)) {
                Some(p) => self.linked_issue(p),
                None => return Some(Value::Null),
            },
            "subtasks" => {
                let related = site.related();
                Value::Array(related.subtasks.get(&issue.id).into_iter().flatten().map(|&i| self.linked_issue(&site.issues[i])).collect())
            }
            "attachment" => Value::Array(issue.attachments.iter().map(|a| self.attachment(a)).collect()),
            "issuelinks" => {
                let related = site.related();
                Value::Array(related.links.get(&issue.id).into_iter().flatten().map(|&i| self.link(&site.links[i], Some(issue.id))).collect())
            }
            "comment" => {
                let comments: Vec<Value> = issue.comments.iter().map(|c| self.comment(issue, c)).collect();
                json!({"comments": comments, "self": format!("{}/issue/{}/comment", self.api, issue.id), "maxResults": comments.len(), "total": comments.len(), "startAt": 0})
            }
            "worklog" => {
                let w: Vec<Value> = issue.worklogs.iter().map(|w| self.worklog(issue, w)).collect();
                json!({"startAt": 0, "maxResults": 20, "total": w.len(), "worklogs": w})
            }
            "timespent" | "aggregatetimespent" => {
                let total: i64 = issue.worklogs.iter().map(|w| w.time_spent_seconds).sum();
                if total == 0 {
                    Value::Null
                } else {
                    json!(total)
                }
            }
            "watches" => json!({"self": format!("{}/issue/{}/watchers", self.api, issue.key), "watchCount": issue.watchers.len(), "isWatching": false}),
            "votes" => json!({"self": format!("{}/issue/{}/votes", self.api, issue.key), "votes": issue.voters.len(), "hasVoted": false}),
            other => {
                let number: u64 = other.strip_prefix("customfield_")?.parse().ok()?;
                let f = site.custom_field(number)?;
                self.custom_value(f, issue.custom.get(&number))
            }
        })
    }

    /// The `fields` object for the requested field ids.
    pub fn fields(&self, issue: &Issue, wanted: &FieldSelection) -> Map<String, Value> {
        let mut m = Map::new();
        for id in wanted.ids(self.site) {
            if let Some(v) = self.field(issue, &id) {
                m.insert(id, v);
            }
        }
        m
    }

    pub fn issue(&self, issue: &Issue, wanted: &FieldSelection) -> Value {
        if wanted.id_only() {
            return json!({"id": issue.id.to_string()});
        }
        json!({
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": issue.id.to_string(),
            "self": format!("{}/issue/{}", self.api, issue.id),
            "key": issue.key,
            "fields": self.fields(issue, wanted),
        })
    }
}

pub fn duration_text(seconds: i64) -> String {
    let (d, h, m) = (seconds / 28_800, (seconds % 28_800) / 3600, (seconds % 3600) / 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d}d"));
    }
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 || parts.is_empty() {
        parts.push(format!("{m}m"));
    }
    parts.join(" ")
}

/// System fields in the order Jira lists them; `navigable` ones are in `*navigable`.
pub const SYSTEM_FIELDS: &[(&str, &str, bool)] = &[
    ("summary", "Summary", true),
    ("description", "Description", true),
    ("environment", "Environment", true),
    ("status", "Status", true),
    ("statuscategorychangedate", "Status Category Changed", true),
    ("issuetype", "Issue Type", true),
    ("priority", "Priority", true),
    ("resolution", "Resolution", true),
    ("assignee", "Assignee", true),
    ("reporter", "Reporter", true),
    ("creator", "Creator", true),
    ("labels", "Labels", true),
    ("components", "Components", true),
    ("fixVersions", "Fix versions", true),
    ("versions", "Affects versions", true),
    ("created", "Created", true),
    ("updated", "Updated", true),
    ("resolutiondate", "Resolved", true),
    ("duedate", "Due date", true),
    ("lastViewed", "Last Viewed", true),
    ("project", "Project", true),
    ("parent", "Parent", true),
    ("subtasks", "Sub-tasks", true),
    ("issuelinks", "Linked Issues", true),
    ("timeoriginalestimate", "Original Estimate", true),
    ("timeestimate", "Remaining Estimate", true),
    ("timespent", "Time Spent", true),
    ("aggregatetimespent", "Σ Time Spent", true),
    ("watches", "Watchers", true),
    ("attachment", "Attachment", true),
    ("votes", "Votes", true),
    ("comment", "Comment", false),
    ("worklog", "Log Work", false),
];

/// The `fields` parameter: `*all`, `*navigable`, ids, `-id` exclusions, as Jira reads it.
#[derive(Debug, Clone)]
pub struct FieldSelection {
    all: bool,
    navigable: bool,
    include: Vec<String>,
    exclude: BTreeSet<String>,
}

impl FieldSelection {
    pub fn parse(items: &[String], default: &str) -> FieldSelection {
        let items: Vec<String> = if items.is_empty() { vec![default.to_string()] } else { items.to_vec() };
        let mut s = FieldSelection { all: false, navigable: false, include: Vec::new(), exclude: BTreeSet::new() };
        for it in items {
            match it.as_str() {
                "*all" => s.all = true,
                "*navigable" => s.navigable = true,
                x if x.starts_with('-') => {
                    s.exclude.insert(x[1..].to_string());
                    // An exclusion alone means "navigable except".
                    if s.include.is_empty() && !s.all {
                        s.navigable = true;
                    }
                }
                x => {
                    if !s.include.iter().any(|i| i == x) {
                        s.include.push(x.to_string())
                    }
                }
            }
        }
        s
    }
    /// Only ids (and keys) asked for: Jira then allows its largest pages.
    pub fn id_only(&self) -> bool {
        !self.all && !self.navigable && self.include.iter().all(|f| f == "id")
    }
    pub fn keys_only(&self) -> bool {
        !self.all && !self.navigable && self.include.iter().all(|f| f == "id" || f == "key")
    }
    pub fn ids(&self, site: &Site) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let push = |f: String, out: &mut Vec<String>| {
            if !self.exclude.contains(&f) && !out.contains(&f) {
                out.push(f);
            }
        };
        if self.all || self.navigable {
            for (id, _, nav) in SYSTEM_FIELDS {
                if self.all || *nav {
                    push(id.to_string(), &mut out);
                }
            }
            for f in &site.custom_fields {
                push(f.field_id(), &mut out);
            }
        }
        for f in &self.include {
            if f == "id" || f == "key" {
                continue;
            }
            // Jira also accepts a custom field's `cf[N]` form is not valid here; names are not either.
            push(f.clone(), &mut out);
        }
        out
    }
}

/// A comment's or worklog's `visibility`, when it is restricted.
trait WithVisibility {
    fn with_visibility(self, r: &Option<Restriction>) -> Value;
}

impl WithVisibility for Value {
    fn with_visibility(mut self, r: &Option<Restriction>) -> Value {
        if let Some(r) = r {
            self["visibility"] = json!({"type": r.kind, "value": r.value});
        }
        self
    }
}
