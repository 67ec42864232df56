//! A table of JQL cases over a few hand-made issues: each query and the exact keys it matches,
//! or the exact messages Jira gives.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::*;

struct Fake {
    id: u64,
    key: &'static str,
    project: (u64, &'static str, &'static str),
    summary: &'static str,
    description: &'static str,
    comments: Vec<&'static str>,
    status: (u64, &'static str, (u64, &'static str, &'static str)),
    issue_type: &'static str,
    priority: Option<(u64, &'static str)>,
    resolution: Option<&'static str>,
    assignee: Option<(&'static str, &'static str, &'static str)>,
    labels: Vec<&'static str>,
    created: DateTime<Utc>,
    due: Option<NaiveDate>,
    sprint: Option<(u64, &'static str, &'static str)>,
    points: Option<f64>,
    severity: Option<&'static str>,
}

const TODO: (u64, &str, (u64, &str, &str)) = (10000, "To Do", (2, "new", "To Do"));
const DONE: (u64, &str, (u64, &str, &str)) = (10002, "Done", (3, "done", "Done"));
const PROG: (u64, &str, (u64, &str, &str)) = (3, "In Progress", (4, "indeterminate", "In Progress"));
const ALICE: (&str, &str, &str) = ("712020:alice", "Alice Example", "alice@example.com");
const BOB: (&str, &str, &str) = ("712020:bob", "Bob Builder", "bob@example.com");

impl JqlIssue for Fake {
    fn id(&self) -> u64 {
        self.id
    }
    fn key(&self) -> &str {
        self.key
    }
    fn project(&self) -> Named<'_> {
        Named { id: self.project.0, key: self.project.1, name: self.project.2 }
    }
    fn summary(&self) -> &str {
        self.summary
    }
    fn description(&self) -> &str {
        self.description
    }
    fn comment_texts(&self) -> Vec<&str> {
        self.comments.clone()
    }
    fn status(&self) -> Named<'_> {
        Named { id: self.status.0, key: self.status.1, name: self.status.1 }
    }
    fn status_category(&self) -> Named<'_> {
        Named { id: self.status.2 .0, key: self.status.2 .1, name: self.status.2 .2 }
    }
    fn issue_type(&self) -> Named<'_> {
        Named { id: 1, key: self.issue_type, name: self.issue_type }
    }
    fn priority(&self) -> Option<Named<'_>> {
        self.priority.map(|(id, n)| Named { id, key: n, name: n })
    }
    fn resolution(&self) -> Option<Named<'_>> {
        self.resolution.map(|n| Named { id: 10000, key: n, name: n })
    }
    fn assignee(&self) -> Option<UserRef<'_>> {
        self.assignee.map(|(a, d, e)| UserRef { account_id: a, display_name: d, email: Some(e) })
    }
    fn reporter(&self) -> Option<UserRef<'_>> {
        Some(UserRef { account_id: BOB.0, display_name: BOB.1, email: Some(BOB.2) })
    }
    fn creator(&self) -> Option<UserRef<'_>> {
        self.reporter()
    }
    fn labels(&self) -> Vec<&str> {
        self.labels.clone()
    }
    fn components(&self) -> Vec<Named<'_>> {
        vec![]
    }
    fn fix_versions(&self) -> Vec<Named<'_>> {
        vec![]
    }
    fn created(&self) -> DateTime<Utc> {
        self.created
    }
    fn updated(&self) -> DateTime<Utc> {
        self.created
    }
    fn resolution_date(&self) -> Option<DateTime<Utc>> {
        self.resolution.map(|_| self.created)
    }
    fn due_date(&self) -> Option<NaiveDate> {
        self.due
    }
    fn sprints(&self) -> Vec<SprintRef<'_>> {
        self.sprint.map(|(id, name, state)| SprintRef { id, name, state }).into_iter().collect()
    }
    fn custom(&self, field_id: &str) -> CustomValue<'_> {
        match field_id {
            "customfield_10016" => self.points.map(CustomValue::Number).unwrap_or(CustomValue::None),
            "customfield_10040" => self.severity.map(CustomValue::Option).unwrap_or(CustomValue::None),
            _ => CustomValue::None,
        }
    }
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn issues() -> Vec<Fake> {
    let base = Fake {
        id: 0,
        key: "",
        project: (10000, "ENG", "Engineering"),
        summary: "",
        description: "",
        comments: vec![],
        status: TODO,
        issue_type: "Task",
        priority: Some((3, "Medium")),
        resolution: None,
        assignee: None,
        labels: vec![],
        created: at(2024, 1, 10, 12, 0),
        due: None,
        sprint: None,
        points: None,
        severity: None,
    };
    vec![
        Fake { id: 10001, key: "ENG-1", summary: "Login fails on mobile", description: "The catalog page times out.", assignee: Some(ALICE), labels: vec!["backend", "urgent"], points: Some(3.0), sprint: Some((1, "ENG Sprint 1", "active")), priority: Some((1, "Highest")), created: at(2024, 1, 30, 23, 30), ..base.clone_base() },
        Fake { id: 10002, key: "ENG-2", summary: "Catalog search is slow", description: "Searching logs takes minutes.", status: DONE, resolution: Some("Done"), assignee: Some(BOB), labels: vec!["performance"], points: Some(8.0), severity: Some("S1 - Critical"), created: at(2024, 1, 31, 0, 0), due: NaiveDate::from_ymd_opt(2024, 2, 15), ..base.clone_base() },
        Fake { id: 10003, key: "ENG-10", summary: "Add \"quoted\" export", description: "", comments: vec!["Customer asked for CSV files"], status: PROG, issue_type: "Bug", priority: None, created: at(2024, 2, 1, 9, 0), sprint: Some((2, "ENG Sprint 2", "future")), ..base.clone_base() },
        Fake { id: 10004, key: "OPS-1", project: (10001, "OPS", "Operations"), summary: "Rotate tokens", description: "Runbook: rotate API tokens weekly.", assignee: Some(ALICE), labels: vec!["Security"], severity: Some("S3 - Minor"), created: at(2023, 12, 31, 22, 0), due: NaiveDate::from_ymd_opt(2024, 1, 5), ..base.clone_base() },
    ]
}

impl Fake {
    fn clone_base(&self) -> Fake {
        Fake {
            id: self.id,
            key: self.key,
            project: self.project,
            summary: self.summary,
            description: self.description,
            comments: self.comments.clone(),
            status: self.status,
            issue_type: self.issue_type,
            priority: self.priority,
            resolution: self.resolution,
            assignee: self.assignee,
            labels: self.labels.clone(),
            created: self.created,
            due: self.due,
            sprint: self.sprint,
            points: self.points,
            severity: self.severity,
        }
    }
}

struct Known;
impl JqlCatalog for Known {
    fn project_exists(&self, v: &str) -> bool {
        ["ENG", "OPS", "10000", "10001", "engineering", "operations"].contains(&v.to_lowercase().as_str()) || ["eng", "ops"].contains(&v.to_lowercase().as_str())
    }
    fn status_exists(&self, v: &str) -> bool {
        ["to do", "done", "in progress", "10000", "10002", "3"].contains(&v.to_lowercase().as_str())
    }
    fn issue_type_exists(&self, v: &str) -> bool {
        ["task", "bug", "story", "epic"].contains(&v.to_lowercase().as_str())
    }
    fn priority_exists(&self, v: &str) -> bool {
        ["highest", "high", "medium", "low", "lowest"].contains(&v.to_lowercase().as_str())
    }
    fn resolution_exists(&self, v: &str) -> bool {
        v.eq_ignore_ascii_case("done")
    }
    fn user_exists(&self, v: &str) -> bool {
        [ALICE.0, BOB.0, ALICE.2, BOB.2].iter().any(|x| x.eq_ignore_ascii_case(v))
    }
    fn issue_exists(&self, key: &str) -> bool {
        ["ENG-1", "ENG-2", "ENG-10", "OPS-1"].iter().any(|k| k.eq_ignore_ascii_case(key))
    }
}

fn defs() -> Vec<CustomFieldDef> {
    vec![
        CustomFieldDef { id: "customfield_10016".into(), number: 10016, name: "Story Points".into(), kind: CustomKind::Number },
        CustomFieldDef { id: "customfield_10040".into(), number: 10040, name: "Severity".into(), kind: CustomKind::Select },
    ]
}

fn run_in(jql: &str, tz: chrono_tz::Tz) -> Result<Vec<&'static str>, Vec<String>> {
    let d = defs();
    let ctx = JqlContext { now: at(2024, 2, 2, 12, 0), time_zone: tz, current_user: Some(ALICE.0), custom_fields: &d, known: &Known };
    let q = parse(jql).map_err(|e| e.messages)?;
    q.validate(&ctx).map_err(|e| e.messages)?;
    let all = issues();
    let mut hits: Vec<&Fake> = all.iter().filter(|i| q.matches(*i, &ctx)).collect();
    hits.sort_by(|a, b| q.compare(*a, *b, &ctx));
    Ok(hits.iter().map(|i| i.key).collect())
}

fn run(jql: &str) -> Result<Vec<&'static str>, Vec<String>> {
    run_in(jql, chrono_tz::UTC)
}

fn keys(jql: &str) -> Vec<&'static str> {
    let mut k = run(jql).unwrap_or_else(|e| panic!("{jql}: {e:?}"));
    k.sort();
    k
}

fn sorted(mut v: Vec<&'static str>) -> Vec<&'static str> {
    v.sort();
    v
}

#[test]
fn fields_and_operators() {
    let cases: &[(&str, &[&str])] = &[
        ("project = ENG", &["ENG-1", "ENG-10", "ENG-2"]),
        ("project = eng", &["ENG-1", "ENG-10", "ENG-2"]),
        ("project = Operations", &["OPS-1"]),
        ("project in (ENG, OPS) AND status = Done", &["ENG-2"]),
        ("project != ENG", &["OPS-1"]),
        ("key = eng-10", &["ENG-10"]),
        ("issuekey in (ENG-1, OPS-1)", &["ENG-1", "OPS-1"]),
        ("key > ENG-1", &["ENG-10", "ENG-2"]),
        ("key <= ENG-2", &["ENG-1", "ENG-2"]),
        ("id >= 10003", &["ENG-10", "OPS-1"]),
        ("status = \"In Progress\"", &["ENG-10"]),
        ("status = 'to do'", &["ENG-1", "OPS-1"]),
        ("status in (10002, 3)", &["ENG-10", "ENG-2"]),
        ("statusCategory = Done", &["ENG-2"]),
        ("statusCategory != done", &["ENG-1", "ENG-10", "OPS-1"]),
        ("statusCategory = indeterminate", &["ENG-10"]),
        ("assignee = \"712020:alice\"", &["ENG-1", "OPS-1"]),
        ("assignee = 'bob@example.com'", &["ENG-2"]),
        ("assignee = currentUser()", &["ENG-1", "OPS-1"]),
        ("assignee is EMPTY", &["ENG-10"]),
        ("assignee is not null", &["ENG-1", "ENG-2", "OPS-1"]),
        ("assignee != currentUser()", &["ENG-2"]),
        ("assignee not in (currentUser())", &["ENG-2"]),
        ("assignee in (EMPTY, 'bob@example.com')", &["ENG-10", "ENG-2"]),
        ("NOT assignee = currentUser()", &["ENG-10", "ENG-2"]),
        ("reporter = 'bob@example.com' AND creator = '712020:bob'", &["ENG-1", "ENG-10", "ENG-2", "OPS-1"]),
        ("priority = Highest", &["ENG-1"]),
        ("priority is empty", &["ENG-10"]),
        ("issuetype = bug", &["ENG-10"]),
        ("type in (Task)", &["ENG-1", "ENG-2", "OPS-1"]),
        ("resolution = Done", &["ENG-2"]),
        ("resolution is EMPTY", &["ENG-1", "ENG-10", "OPS-1"]),
        ("labels = backend", &["ENG-1"]),
        ("labels = security", &["OPS-1"]),
        ("labels in (performance, urgent)", &["ENG-1", "ENG-2"]),
        ("labels is empty", &["ENG-10"]),
        ("labels not in (backend)", &["ENG-2", "OPS-1"]),
        ("sprint = 1", &["ENG-1"]),
        ("sprint = 'ENG Sprint 2'", &["ENG-10"]),
        ("sprint in openSprints()", &["ENG-1"]),
        ("sprint in futureSprints()", &["ENG-10"]),
        ("sprint is EMPTY", &["ENG-2", "OPS-1"]),
        ("cf[10016] > 3", &["ENG-2"]),
        ("\"Story Points\" <= 3", &["ENG-1"]),
        ("\"story points\" is empty", &["ENG-10", "OPS-1"]),
        ("Severity = \"S1 - Critical\"", &["ENG-2"]),
        ("cf[10040] in ('S1 - Critical', 'S3 - Minor')", &["ENG-2", "OPS-1"]),
    ];
    for (jql, want) in cases {
        assert_eq!(keys(jql), sorted(want.to_vec()), "{jql}");
    }
}

#[test]
fn word_search_is_not_substring() {
    let cases: &[(&str, &[&str])] = &[
        ("summary ~ login", &["ENG-1"]),
        ("summary ~ log", &[]),
        ("summary ~ \"log*\"", &["ENG-1"]),
        ("summary ~ catalog", &["ENG-2"]),
        ("text ~ catalog", &["ENG-1", "ENG-2"]),
        ("description ~ searching", &["ENG-2"]),
        ("description ~ \"search\"", &["ENG-2"]),
        ("description ~ \"log\"", &["ENG-2"]),
        ("summary ~ \"slow search\"", &["ENG-2"]),
        ("summary ~ \"\\\"search is slow\\\"\"", &["ENG-2"]),
        ("summary ~ \"\\\"slow search\\\"\"", &[]),
        ("summary ~ \"\\\"slow search\\\"\" OR summary ~ \"\\\"catalog search\\\"\"", &["ENG-2"]),
        ("comment ~ csv", &["ENG-10"]),
        ("text ~ \"file\"", &["ENG-10"]),
        ("summary !~ login", &["ENG-10", "ENG-2", "OPS-1"]),
        ("description is EMPTY", &["ENG-10"]),
        ("summary ~ 'qu?ted'", &["ENG-10"]),
    ];
    for (jql, want) in cases {
        assert_eq!(keys(jql), sorted(want.to_vec()), "{jql}");
    }
}

#[test]
fn quoting_and_escapes() {
    assert_eq!(keys("summary ~ \"\\\"quoted\\\"\""), vec!["ENG-10"]);
    assert_eq!(keys("summary ~ 'quoted'"), vec!["ENG-10"]);
    assert_eq!(keys("labels = \"back\\u0065nd\""), vec!["ENG-1"]);
    assert_eq!(keys("labels = back\\u0065nd"), vec!["ENG-1"]);
    assert!(run("labels = 'it''s'").is_err(), "two strings in a row are not one value");
    assert_eq!(keys("labels = \"it's\"").len(), 0);
    assert_eq!(keys("labels = 'say \\'hi\\''").len(), 0);
}

#[test]
fn precedence_parentheses_and_not() {
    assert_eq!(keys("project = OPS OR project = ENG AND status = Done"), vec!["ENG-2", "OPS-1"]);
    assert_eq!(keys("(project = OPS OR project = ENG) AND status = Done"), vec!["ENG-2"]);
    assert_eq!(keys("NOT project = ENG OR status = Done"), vec!["ENG-2", "OPS-1"]);
    assert_eq!(keys("NOT (project = ENG OR status = Done)"), vec!["OPS-1"]);
    assert_eq!(keys("project = ENG && !(status = Done) || key = OPS-1"), vec!["ENG-1", "ENG-10", "OPS-1"]);
}

#[test]
fn dates_in_the_users_time_zone() {
    // ENG-1 was created 2024-01-30 23:30 UTC, ENG-2 at 2024-01-31 00:00 UTC.
    assert_eq!(sorted(run_in("created >= \"2024-01-31\"", chrono_tz::UTC).unwrap()), vec!["ENG-10", "ENG-2"]);
    // In Auckland (UTC+13 in January) midnight of the 31st is 11:00 on the 30th UTC.
    assert_eq!(sorted(run_in("created >= \"2024-01-31\"", chrono_tz::Pacific::Auckland).unwrap()), vec!["ENG-1", "ENG-10", "ENG-2"]);
    // In New York (UTC-5) it is 05:00 UTC on the 31st.
    assert_eq!(sorted(run_in("created >= '2024/01/31'", chrono_tz::America::New_York).unwrap()), vec!["ENG-10"]);
    assert_eq!(keys("created = \"2024-01-31\""), vec!["ENG-2"]);
    assert_eq!(keys("created = \"2024-01-31 00:00\""), vec!["ENG-2"]);
    assert_eq!(keys("created < \"2024/01/01 00:00\""), vec!["OPS-1"]);
    // now is 2024-02-02 12:00 UTC.
    assert_eq!(keys("created >= -2d"), vec!["ENG-10"]);
    assert_eq!(keys("created >= -3d"), vec!["ENG-1", "ENG-10", "ENG-2"]);
    assert_eq!(keys("created >= \"-1w 2d\""), vec!["ENG-1", "ENG-10", "ENG-2"]);
    assert_eq!(keys("created >= startOfDay(-2)"), vec!["ENG-10", "ENG-2"]);
    assert_eq!(keys("created >= startOfMonth()"), vec!["ENG-10"]);
    assert_eq!(keys("created < startOfYear()"), vec!["OPS-1"]);
    assert_eq!(keys("created <= endOfMonth(-1)"), vec!["ENG-1", "ENG-2", "OPS-1"]);
    assert_eq!(keys("created > now()"), Vec::<&str>::new());
    assert_eq!(keys("duedate < 2024-02-01"), vec!["OPS-1"]);
    assert_eq!(keys("due = '2024-02-15'"), vec!["ENG-2"]);
    assert_eq!(keys("duedate is empty"), vec!["ENG-1", "ENG-10"]);
    assert_eq!(keys("resolved >= 2024-01-01"), vec!["ENG-2"]);
}

#[test]
fn order_by() {
    assert_eq!(run("project = ENG ORDER BY key ASC").unwrap(), vec!["ENG-1", "ENG-2", "ENG-10"]);
    assert_eq!(run("project = ENG ORDER BY key DESC").unwrap(), vec!["ENG-10", "ENG-2", "ENG-1"]);
    assert_eq!(run("ORDER BY created ASC").unwrap(), vec!["OPS-1", "ENG-1", "ENG-2", "ENG-10"]);
    assert_eq!(run("project in (ENG, OPS) ORDER BY priority DESC, key ASC").unwrap(), vec!["ENG-10", "ENG-1", "ENG-2", "OPS-1"]);
    assert_eq!(run("project in (ENG, OPS) ORDER BY priority ASC, key ASC").unwrap(), vec!["ENG-2", "OPS-1", "ENG-1", "ENG-10"]);
    assert_eq!(run("project in (ENG, OPS) ORDER BY \"Story Points\" ASC, key").unwrap(), vec!["ENG-1", "ENG-2", "ENG-10", "OPS-1"]);
    assert_eq!(run("project in (ENG, OPS) ORDER BY assignee ASC, key DESC").unwrap(), vec!["OPS-1", "ENG-1", "ENG-2", "ENG-10"]);
    // Default order: newest first.
    assert_eq!(run("project in (ENG, OPS)").unwrap(), vec!["ENG-10", "ENG-2", "ENG-1", "OPS-1"]);
}

#[test]
fn bounded_queries() {
    assert!(parse("project = ENG").unwrap().is_bounded());
    assert!(parse("created >= \"1970-01-01\" ORDER BY key").unwrap().is_bounded());
    assert!(!parse("ORDER BY key DESC").unwrap().is_bounded());
    assert!(!parse("").unwrap().is_bounded());
    assert!(!parse("   ").unwrap().is_bounded());
}

#[test]
fn rejected_queries_with_jiras_messages() {
    let cases: &[(&str, &str)] = &[
        ("project = ", "Error in the JQL Query: Expecting either a value, list or function but got the end of the query. (line 1, character 11)"),
        ("project ENG", "Error in the JQL Query: Expecting operator but got 'ENG'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character 9)"),
        ("summary ~ \"unterminated", "Error in the JQL Query: The quoted string '\"unterminated' has not been completed. (line 1, character 11)"),
        ("labels = a.b", "Error in the JQL Query: The character '.' is a reserved JQL character. You must enclose it in a string or use the escape '\\u002e' instead. (line 1, character 11)"),
        ("labels = foo@bar", "Error in the JQL Query: The character '@' is a reserved JQL character. You must enclose it in a string or use the escape '\\u0040' instead. (line 1, character 13)"),
        ("labels = select", "Error in the JQL Query: 'select' is a reserved JQL word. You must surround it in quotation marks to use it in a query. (line 1, character 10)"),
        ("(project = ENG", "Error in the JQL Query: Expecting ')' but got 'EOF'. (line 1, character 15)"),
        ("project = ENG status = Done", "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'status'. (line 1, character 15)"),
        ("project = ENG ORDER key", "Error in the JQL Query: Expecting 'by' but got 'key'. (line 1, character 21)"),
        ("assignee is bob", "Error in the JQL Query: Expecting 'EMPTY' or 'NULL' but got 'bob'. (line 1, character 13)"),
        ("project in ENG", "Error in the JQL Query: Expecting '(' but got 'EOF'. (line 1, character 15)"),
        ("project = (ENG, OPS)", "Error in the JQL Query: The operator '=' does not support the list value. (line 1, character 11)"),
        ("summary = login", "The operator '=' is not supported by the 'summary' field."),
        ("text = foo", "The operator '=' is not supported by the 'text' field."),
        ("status ~ Done", "The operator '~' is not supported by the 'status' field."),
        ("status > Done", "The operator '>' is not supported by the 'status' field."),
        ("assignee < x", "The operator '<' is not supported by the 'assignee' field."),
        ("nosuchfield = 1", "Field 'nosuchfield' does not exist or you do not have permission to view it."),
        ("cf[99999] = 1", "Field 'cf[99999]' does not exist or you do not have permission to view it."),
        ("\"No Such Field\" = 1", "Field 'No Such Field' does not exist or you do not have permission to view it."),
        ("project = NOPE", "The value 'NOPE' does not exist for the field 'project'."),
        ("status = Closed", "The value 'Closed' does not exist for the field 'status'."),
        ("priority = Urgent", "The value 'Urgent' does not exist for the field 'priority'."),
        ("issuetype = Feature", "The value 'Feature' does not exist for the field 'issuetype'."),
        ("assignee = 'Alice Example'", "The value 'Alice Example' does not exist for the field 'assignee'."),
        ("key = ENG-999", "An issue with key 'ENG-999' does not exist for field 'key'."),
        ("key = banana", "The issue key 'banana' for field 'key' is invalid."),
        ("created > yesterday", "Date value 'yesterday' for field 'created' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."),
        ("\"Story Points\" > lots", "The value 'lots' is not a valid number for the field 'Story Points'."),
        ("assignee = notAFunction()", "Unable to find JQL function 'notAFunction()'."),
        ("created > currentUser()", "A value provided by the function 'currentUser' is invalid for the field 'created'."),
        ("status changed", "Error in the JQL Query: History searches ('CHANGED') are not supported by this site. (line 1, character 8)"),
        ("labels = \"bad\\q\"", "Error in the JQL Query: Illegal escape sequence '\\q'. (line 1, character 14)"),
        ("project = ENG ORDER BY key, id, created, updated, summary, status, priority, assignee", "The ORDER BY clause can contain a maximum of 7 fields."),
    ];
    for (jql, msg) in cases {
        match run(jql) {
            Ok(k) => panic!("{jql}: accepted, matched {k:?}"),
            Err(m) => assert_eq!(m, vec![msg.to_string()], "{jql}"),
        }
    }
}
