//! Table-driven tests: a small in-memory site, JQL strings and the exact matching keys, order,
//! or Jira's exact error messages.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::*;

// ---------------------------------------------------------------------------------------------
// The fake site

#[derive(Clone)]
struct User {
    id: &'static str,
    name: &'static str,
    email: Option<&'static str>,
}

const ALICE: User = User { id: "557058:alice", name: "Alice Anders", email: Some("alice@example.com") };
const BOB: User = User { id: "557058:bob", name: "Bob Brown", email: Some("bob@example.com") };
const CAROL: User = User { id: "557058:carol", name: "Carol Chu", email: None };

type N = (u64, &'static str);

const TODO: N = (10001, "To Do");
const INPROGRESS: N = (3, "In Progress");
const DONE: N = (10002, "Done");

#[derive(Clone)]
enum Cv {
    Num(f64),
    Day(NaiveDate),
    Time(DateTime<Utc>),
    Text(&'static str),
    Opt(&'static str),
    Opts(Vec<&'static str>),
    Users(Vec<User>),
}

#[derive(Clone)]
struct Issue {
    id: u64,
    key: &'static str,
    summary: &'static str,
    description: &'static str,
    comments: Vec<&'static str>,
    environment: &'static str,
    status: N,
    issue_type: N,
    priority: Option<N>,
    resolution: Option<N>,
    assignee: Option<User>,
    reporter: Option<User>,
    labels: Vec<&'static str>,
    components: Vec<N>,
    fix_versions: Vec<N>,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    resolved: Option<DateTime<Utc>>,
    due: Option<NaiveDate>,
    sprints: Vec<(u64, &'static str, &'static str)>,
    parent: Option<&'static str>,
    custom: HashMap<&'static str, Cv>,
}

fn user_ref(u: &User) -> UserRef<'_> {
    UserRef { account_id: u.id, display_name: u.name, email: u.email }
}

fn named(n: &N) -> Named<'_> {
    Named { id: n.0, key: n.1, name: n.1 }
}

impl JqlIssue for Issue {
    fn id(&self) -> u64 {
        self.id
    }
    fn key(&self) -> &str {
        self.key
    }
    fn project(&self) -> Named<'_> {
        if self.key.starts_with("ABC") {
            Named { id: 10000, key: "ABC", name: "Alpha Project" }
        } else {
            Named { id: 10001, key: "XYZ", name: "Xylophone" }
        }
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
    fn environment(&self) -> &str {
        self.environment
    }
    fn status(&self) -> Named<'_> {
        named(&self.status)
    }
    fn status_category(&self) -> Named<'_> {
        match self.status.1 {
            "To Do" => Named { id: 2, key: "new", name: "To Do" },
            "In Progress" => Named { id: 4, key: "indeterminate", name: "In Progress" },
            _ => Named { id: 3, key: "done", name: "Done" },
        }
    }
    fn issue_type(&self) -> Named<'_> {
        named(&self.issue_type)
    }
    fn priority(&self) -> Option<Named<'_>> {
        self.priority.as_ref().map(named)
    }
    fn resolution(&self) -> Option<Named<'_>> {
        self.resolution.as_ref().map(named)
    }
    fn assignee(&self) -> Option<UserRef<'_>> {
        self.assignee.as_ref().map(user_ref)
    }
    fn reporter(&self) -> Option<UserRef<'_>> {
        self.reporter.as_ref().map(user_ref)
    }
    fn creator(&self) -> Option<UserRef<'_>> {
        self.reporter.as_ref().map(user_ref)
    }
    fn labels(&self) -> Vec<&str> {
        self.labels.clone()
    }
    fn components(&self) -> Vec<Named<'_>> {
        self.components.iter().map(named).collect()
    }
    fn fix_versions(&self) -> Vec<Named<'_>> {
        self.fix_versions.iter().map(named).collect()
    }
    fn created(&self) -> DateTime<Utc> {
        self.created
    }
    fn updated(&self) -> DateTime<Utc> {
        self.updated
    }
    fn resolution_date(&self) -> Option<DateTime<Utc>> {
        self.resolved
    }
    fn due_date(&self) -> Option<NaiveDate> {
        self.due
    }
    fn sprints(&self) -> Vec<SprintRef<'_>> {
        self.sprints.iter().map(|(id, name, state)| SprintRef { id: *id, name, state }).collect()
    }
    fn parent_key(&self) -> Option<&str> {
        self.parent
    }
    fn custom(&self, field_id: &str) -> CustomValue<'_> {
        match self.custom.get(field_id) {
            None => CustomValue::None,
            Some(Cv::Num(x)) => CustomValue::Number(*x),
            Some(Cv::Day(d)) => CustomValue::Date(*d),
            Some(Cv::Time(t)) => CustomValue::DateTime(*t),
            Some(Cv::Text(s)) => CustomValue::Text(s),
            Some(Cv::Opt(s)) => CustomValue::Option(s),
            Some(Cv::Opts(v)) => CustomValue::Options(v.clone()),
            Some(Cv::Users(v)) => CustomValue::Users(v.iter().map(user_ref).collect()),
        }
    }
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn blank(id: u64, key: &'static str, created: &str) -> Issue {
    Issue {
        id,
        key,
        summary: "",
        description: "",
        comments: vec![],
        environment: "",
        status: TODO,
        issue_type: (10006, "Task"),
        priority: None,
        resolution: None,
        assignee: None,
        reporter: None,
        labels: vec![],
        components: vec![],
        fix_versions: vec![],
        created: t(created),
        updated: t(created),
        resolved: None,
        due: None,
        sprints: vec![],
        parent: None,
        custom: HashMap::new(),
    }
}

const S1: (u64, &str, &str) = (1, "ABC Sprint 1", "closed");
const S2: (u64, &str, &str) = (2, "ABC Sprint 2", "active");
const S3: (u64, &str, &str) = (3, "ABC Sprint 3", "future");

fn issues() -> Vec<Issue> {
    let mut v = Vec::new();

    let mut i = blank(10001, "ABC-1", "2024-01-30T10:00:00Z");
    i.summary = "Login page shows catalog error";
    i.description = "The login form fails with a stack trace.";
    i.comments = vec!["Reproduced on staging.", "Customer's browser cache was the culprit"];
    i.environment = "Chrome 120";
    i.status = DONE;
    i.issue_type = (10004, "Bug");
    i.priority = Some((2, "High"));
    i.resolution = Some((10000, "Done"));
    i.assignee = Some(ALICE);
    i.reporter = Some(BOB);
    i.labels = vec!["backend", "Urgent"];
    i.components = vec![(20001, "Backend")];
    i.fix_versions = vec![(30001, "1.0")];
    i.updated = t("2024-02-10T09:00:00Z");
    i.resolved = Some(t("2024-02-10T09:00:00Z"));
    i.due = Some(d("2024-02-01"));
    i.sprints = vec![S1];
    i.custom.insert("customfield_10016", Cv::Num(3.0));
    i.custom.insert("customfield_10020", Cv::Opt("Red"));
    i.custom.insert("customfield_10021", Cv::Opts(vec!["alpha", "beta"]));
    i.custom.insert("customfield_10022", Cv::Users(vec![BOB]));
    i.custom.insert("customfield_10023", Cv::Day(d("2024-01-29")));
    i.custom.insert("customfield_10024", Cv::Time(t("2024-02-10T08:00:00Z")));
    i.custom.insert("customfield_10025", Cv::Text("needs log review"));
    i.custom.insert("customfield_10026", Cv::Opts(vec!["auth"]));
    v.push(i);

    let mut i = blank(10002, "ABC-2", "2024-01-30T12:00:00Z");
    i.summary = "Export logs to CSV";
    i.status = INPROGRESS;
    i.issue_type = (10005, "Story");
    i.priority = Some((3, "Medium"));
    i.assignee = Some(BOB);
    i.reporter = Some(ALICE);
    i.labels = vec!["frontend"];
    i.components = vec![(20002, "Frontend"), (20001, "Backend")];
    i.fix_versions = vec![(30002, "2.0")];
    i.updated = t("2024-02-14T12:00:00Z");
    i.due = Some(d("2024-02-20"));
    i.sprints = vec![S1, S2];
    i.custom.insert("customfield_10016", Cv::Num(5.0));
    i.custom.insert("customfield_10020", Cv::Opt("Blue"));
    i.custom.insert("customfield_10021", Cv::Opts(vec!["beta"]));
    i.custom.insert("customfield_10022", Cv::Users(vec![ALICE, BOB]));
    v.push(i);

    let mut i = blank(10003, "ABC-3", "2024-02-14T23:30:00Z");
    i.summary = "Add dark mode toggle to settings";
    i.description = "Users want a dark theme. Mode switching should be instant.";
    i.comments = vec!["Design approved", "Dark MODE is popular"];
    i.issue_type = (10005, "Story");
    i.reporter = Some(CAROL);
    i.updated = t("2024-02-15T11:00:00Z");
    i.sprints = vec![S3];
    v.push(i);

    let mut i = blank(10004, "ABC-4", "2024-02-01T00:00:00Z");
    i.summary = "Write CSV exporter tests";
    i.description = "Covers queries, issues and bugs";
    i.issue_type = (10007, "Sub-task");
    i.priority = Some((4, "Low"));
    i.assignee = Some(ALICE);
    i.reporter = Some(ALICE);
    i.labels = vec!["backend"];
    i.components = vec![(20001, "Backend")];
    i.due = Some(d("2024-02-15"));
    i.sprints = vec![S2];
    i.parent = Some("ABC-2");
    i.custom.insert("customfield_10016", Cv::Num(1.5));
    i.custom.insert("customfield_10020", Cv::Opt("Red"));
    v.push(i);

    let mut i = blank(10010, "ABC-10", "2024-02-10T08:00:00Z");
    i.summary = "Crash when path contains [brackets] and 100% CPU";
    i.description = "Stack trace: java.lang.NullPointerException at Foo.bar";
    i.status = DONE;
    i.issue_type = (10004, "Bug");
    i.priority = Some((1, "Highest"));
    i.resolution = Some((10001, "Won't Do"));
    i.assignee = Some(CAROL);
    i.reporter = Some(ALICE);
    i.labels = vec!["urgent"];
    i.fix_versions = vec![(30001, "1.0"), (30002, "2.0")];
    i.updated = t("2024-02-12T08:00:00Z");
    i.resolved = Some(t("2024-02-12T08:00:00Z"));
    i.due = Some(d("2024-02-12"));
    i.custom.insert("customfield_10016", Cv::Num(8.0));
    i.custom.insert("customfield_10020", Cv::Opt("Blue"));
    v.push(i);

    let mut i = blank(20001, "XYZ-1", "2024-01-31T00:00:00Z");
    i.summary = "Café menu: naïve encoding bug";
    i.description = "Unicode handling of résumé";
    i.priority = Some((5, "Lowest"));
    i.reporter = Some(BOB);
    v.push(i);

    let mut i = blank(20002, "XYZ-2", "2024-02-15T11:45:00Z");
    i.summary = "Quarterly report O'Brien's numbers";
    i.description = "Contains the phrase quick brown fox jumps";
    i.comments = vec!["the quick red fox"];
    i.status = INPROGRESS;
    i.priority = Some((3, "Medium"));
    i.assignee = Some(BOB);
    i.reporter = Some(BOB);
    i.labels = vec!["Report"];
    i.due = Some(d("2024-02-16"));
    v.push(i);

    v
}

struct Catalog {
    issues: Vec<Issue>,
}

fn has(list: &[(u64, &str)], v: &str) -> bool {
    list.iter().any(|(id, name)| name.eq_ignore_ascii_case(v) || id.to_string() == v)
}

impl JqlCatalog for Catalog {
    fn project_exists(&self, v: &str) -> bool {
        has(&[(10000, "ABC"), (10000, "Alpha Project"), (10001, "XYZ"), (10001, "Xylophone")], v)
    }
    fn status_exists(&self, v: &str) -> bool {
        has(&[TODO, INPROGRESS, DONE], v)
    }
    fn issue_type_exists(&self, v: &str) -> bool {
        has(&[(10004, "Bug"), (10005, "Story"), (10006, "Task"), (10007, "Sub-task")], v)
    }
    fn priority_exists(&self, v: &str) -> bool {
        has(&[(1, "Highest"), (2, "High"), (3, "Medium"), (4, "Low"), (5, "Lowest")], v)
    }
    fn resolution_exists(&self, v: &str) -> bool {
        has(&[(10000, "Done"), (10001, "Won't Do")], v)
    }
    fn user_exists(&self, v: &str) -> bool {
        [ALICE, BOB, CAROL].iter().any(|u| u.id == v || u.email.is_some_and(|e| e.eq_ignore_ascii_case(v)))
    }
    fn component_exists(&self, v: &str) -> bool {
        has(&[(20001, "Backend"), (20002, "Frontend")], v)
    }
    fn version_exists(&self, v: &str) -> bool {
        has(&[(30001, "1.0"), (30002, "2.0")], v)
    }
    fn sprint_exists(&self, v: &str) -> bool {
        has(&[(1, S1.1), (2, S2.1), (3, S3.1)], v)
    }
    fn issue_exists(&self, v: &str) -> bool {
        self.issues.iter().any(|i| i.key.eq_ignore_ascii_case(v) || i.id.to_string() == v)
    }
    fn issue_key_for_id(&self, id: u64) -> Option<String> {
        self.issues.iter().find(|i| i.id == id).map(|i| i.key.to_string())
    }
    fn option_exists(&self, field_id: &str, v: &str) -> bool {
        let options: &[&str] = match field_id {
            "customfield_10020" => &["Red", "Blue", "Green"],
            "customfield_10021" => &["alpha", "beta", "gamma"],
            _ => return true,
        };
        options.iter().any(|o| o.eq_ignore_ascii_case(v))
    }
    fn group_members(&self, group: &str) -> Option<Vec<String>> {
        (group == "developers").then(|| vec![ALICE.id.to_string(), BOB.id.to_string()])
    }
    fn sequence(&self, field: &str, v: &str) -> Option<i64> {
        match (field, v) {
            ("fixVersion", "1.0" | "30001") => Some(1),
            ("fixVersion", "2.0" | "30002") => Some(2),
            _ => None,
        }
    }
}

fn custom_fields() -> Vec<CustomFieldDef> {
    let def = |number: u64, name: &str, kind| CustomFieldDef { id: format!("customfield_{}", number), number, name: name.to_string(), kind };
    vec![
        def(10016, "Story Points", CustomKind::Number),
        def(10020, "Team", CustomKind::Select),
        def(10021, "Tags", CustomKind::MultiSelect),
        def(10022, "Reviewers", CustomKind::MultiUser),
        def(10023, "Start date", CustomKind::Date),
        def(10024, "Deployed at", CustomKind::DateTime),
        def(10025, "Notes", CustomKind::Text),
        def(10026, "Topics", CustomKind::Labels),
    ]
}

const NOW: &str = "2024-02-15T12:00:00Z";

/// Runs a query the way the sandbox will: parse, validate, filter, sort.
fn run_in(jql: &str, tz: chrono_tz::Tz, user: Option<&str>) -> Result<Vec<String>, Vec<String>> {
    let catalog = Catalog { issues: issues() };
    let defs = custom_fields();
    let ctx = JqlContext { now: t(NOW), time_zone: tz, current_user: user, custom_fields: &defs, known: &catalog };
    let query = parse(jql).map_err(|e| e.messages)?;
    query.validate(&ctx).map_err(|e| e.messages)?;
    let mut found: Vec<&Issue> = catalog.issues.iter().filter(|i| query.matches(*i, &ctx)).collect();
    found.sort_by(|a, b| query.compare(*a, *b, &ctx));
    Ok(found.iter().map(|i| i.key.to_string()).collect())
}

fn run(jql: &str) -> Result<Vec<String>, Vec<String>> {
    run_in(jql, chrono_tz::UTC, Some(ALICE.id))
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn check_table(cases: &[(&str, &[&str])], tz: chrono_tz::Tz) {
    let mut failures = Vec::new();
    for (jql, expected) in cases {
        let want = sorted(expected.iter().map(|s| s.to_string()).collect());
        match run_in(jql, tz, Some(ALICE.id)) {
            Ok(got) => {
                let got = sorted(got);
                if got != want {
                    failures.push(format!("{jql:?}: expected {want:?}, got {got:?}"));
                }
            }
            Err(e) => failures.push(format!("{jql:?}: expected {want:?}, got error {e:?}")),
        }
    }
    assert!(failures.is_empty(), "{} failing cases:\n{}", failures.len(), failures.join("\n"));
}

const ABC: &[&str] = &["ABC-1", "ABC-2", "ABC-3", "ABC-4", "ABC-10"];
const ALL: &[&str] = &["ABC-1", "ABC-2", "ABC-3", "ABC-4", "ABC-10", "XYZ-1", "XYZ-2"];
const NONE: &[&str] = &[];

// ---------------------------------------------------------------------------------------------
// Matching

#[test]
fn system_fields() {
    check_table(
        &[
            ("", ALL),
            ("project = ABC", ABC),
            ("project = abc", ABC),
            ("project = \"Alpha Project\"", ABC),
            ("project = 10001", &["XYZ-1", "XYZ-2"]),
            ("project in (ABC, XYZ)", ALL),
            ("project != ABC", &["XYZ-1", "XYZ-2"]),
            ("project not in (XYZ)", ABC),
            ("project is not empty", ALL),
            ("project is empty", NONE),
            ("PROJECT = ABC", ABC),
            ("key = ABC-1", &["ABC-1"]),
            ("key = abc-1", &["ABC-1"]),
            ("issue = 10002", &["ABC-2"]),
            ("issuekey in (ABC-1, XYZ-2)", &["ABC-1", "XYZ-2"]),
            ("id = 20001", &["XYZ-1"]),
            ("key > ABC-3", &["ABC-4", "ABC-10"]),
            ("key <= ABC-2", &["ABC-1", "ABC-2"]),
            ("key < XYZ-2", &["XYZ-1"]),
            ("key >= 10004", &["ABC-4", "ABC-10"]),
            ("key != ABC-1 AND project = ABC", &["ABC-2", "ABC-3", "ABC-4", "ABC-10"]),
            ("status = Done", &["ABC-1", "ABC-10"]),
            ("Status = done", &["ABC-1", "ABC-10"]),
            ("status = \"In Progress\"", &["ABC-2", "XYZ-2"]),
            ("status = 10001", &["ABC-3", "ABC-4", "XYZ-1"]),
            ("status in (\"To Do\", Done)", &["ABC-1", "ABC-3", "ABC-4", "ABC-10", "XYZ-1"]),
            ("status != Done", &["ABC-2", "ABC-3", "ABC-4", "XYZ-1", "XYZ-2"]),
            ("statusCategory = \"In Progress\"", &["ABC-2", "XYZ-2"]),
            ("statuscategory = done", &["ABC-1", "ABC-10"]),
            ("statusCategory = new", &["ABC-3", "ABC-4", "XYZ-1"]),
            ("statusCategory = 2", &["ABC-3", "ABC-4", "XYZ-1"]),
            ("statusCategory != Done", &["ABC-2", "ABC-3", "ABC-4", "XYZ-1", "XYZ-2"]),
            ("issuetype = Bug", &["ABC-1", "ABC-10"]),
            ("type in (Story, \"Sub-task\")", &["ABC-2", "ABC-3", "ABC-4"]),
            ("type != Bug", &["ABC-2", "ABC-3", "ABC-4", "XYZ-1", "XYZ-2"]),
            ("priority = High", &["ABC-1"]),
            ("priority = 1", &["ABC-10"]),
            ("priority > Medium", &["ABC-1", "ABC-10"]),
            ("priority <= Medium", &["ABC-2", "ABC-4", "XYZ-1", "XYZ-2"]),
            ("priority is empty", &["ABC-3"]),
            ("priority in (Low, Lowest)", &["ABC-4", "XYZ-1"]),
            ("resolution = Unresolved", &["ABC-2", "ABC-3", "ABC-4", "XYZ-1", "XYZ-2"]),
            ("resolution is empty", &["ABC-2", "ABC-3", "ABC-4", "XYZ-1", "XYZ-2"]),
            ("resolution = \"Won't Do\"", &["ABC-10"]),
            ("resolution in (Done, Unresolved)", &["ABC-1", "ABC-2", "ABC-3", "ABC-4", "XYZ-1", "XYZ-2"]),
            ("resolution != Unresolved", &["ABC-1", "ABC-10"]),
            ("resolution != Done", &["ABC-10"]),
            ("labels = backend", &["ABC-1", "ABC-4"]),
            ("labels = urgent", &["ABC-1", "ABC-10"]),
            ("labels in (frontend, report)", &["ABC-2", "XYZ-2"]),
            ("labels is empty", &["ABC-3", "XYZ-1"]),
            ("labels is null", &["ABC-3", "XYZ-1"]),
            ("labels != backend", &["ABC-2", "ABC-10", "XYZ-2"]),
            ("labels not in (backend, EMPTY)", &["ABC-2", "ABC-10", "XYZ-2"]),
            ("labels in (backend, EMPTY)", &["ABC-1", "ABC-3", "ABC-4", "XYZ-1"]),
            ("labels = \"and\"", NONE),
            ("component = Backend", &["ABC-1", "ABC-2", "ABC-4"]),
            ("component = 20002", &["ABC-2"]),
            ("component is empty", &["ABC-10", "ABC-3", "XYZ-1", "XYZ-2"]),
            ("component != Backend", NONE),
            ("component not in (Frontend)", &["ABC-1", "ABC-4"]),
            ("fixVersion = \"1.0\"", &["ABC-1", "ABC-10"]),
            ("FIXVERSION = 2.0", &["ABC-2", "ABC-10"]),
            ("fixVersion > \"1.0\"", &["ABC-2", "ABC-10"]),
            ("fixVersion is empty", &["ABC-3", "ABC-4", "XYZ-1", "XYZ-2"]),
            ("sprint in openSprints()", &["ABC-2", "ABC-4"]),
            ("sprint in closedSprints()", &["ABC-1", "ABC-2"]),
            ("sprint in futureSprints()", &["ABC-3"]),
            ("sprint = 1", &["ABC-1", "ABC-2"]),
            ("sprint = \"abc sprint 3\"", &["ABC-3"]),
            ("sprint is empty", &["ABC-10", "XYZ-1", "XYZ-2"]),
            ("sprint not in openSprints()", &["ABC-1", "ABC-3"]),
            ("parent = ABC-2", &["ABC-4"]),
            ("parent = 10002", &["ABC-4"]),
            ("parent in (ABC-1, ABC-2)", &["ABC-4"]),
            ("parent != ABC-2", NONE),
        ],
        chrono_tz::UTC,
    );
}

#[test]
fn users() {
    check_table(
        &[
            ("assignee = currentUser()", &["ABC-1", "ABC-4"]),
            ("assignee = \"557058:bob\"", &["ABC-2", "XYZ-2"]),
            ("assignee = \"bob@example.com\"", &["ABC-2", "XYZ-2"]),
            ("assignee = \"BOB@example.com\"", &["ABC-2", "XYZ-2"]),
            ("assignee is empty", &["ABC-3", "XYZ-1"]),
            ("assignee = EMPTY", &["ABC-3", "XYZ-1"]),
            ("assignee != NULL", &["ABC-1", "ABC-2", "ABC-4", "ABC-10", "XYZ-2"]),
            ("assignee is not empty", &["ABC-1", "ABC-2", "ABC-4", "ABC-10", "XYZ-2"]),
            ("assignee != currentUser()", &["ABC-2", "ABC-10", "XYZ-2"]),
            ("NOT assignee = currentUser()", &["ABC-2", "ABC-10", "XYZ-2"]),
            ("assignee != currentUser() OR assignee is EMPTY", &["ABC-2", "ABC-3", "ABC-10", "XYZ-1", "XYZ-2"]),
            ("assignee in (currentUser(), EMPTY)", &["ABC-1", "ABC-3", "ABC-4", "XYZ-1"]),
            ("assignee in membersOf(\"developers\")", &["ABC-1", "ABC-2", "ABC-4", "XYZ-2"]),
            ("assignee not in membersOf(developers)", &["ABC-10"]),
            ("reporter = \"557058:carol\"", &["ABC-3"]),
            ("creator = currentUser()", &["ABC-2", "ABC-4", "ABC-10"]),
            ("reporter in (\"alice@example.com\", \"557058:carol\")", &["ABC-2", "ABC-3", "ABC-4", "ABC-10"]),
        ],
        chrono_tz::UTC,
    );
    // Anonymous: currentUser() matches nobody.
    assert_eq!(run_in("assignee = currentUser()", chrono_tz::UTC, None).unwrap(), Vec::<String>::new());
}

#[test]
fn text_search() {
    check_table(
        &[
            ("summary ~ log", &["ABC-2"]),
            ("summary ~ catalog", &["ABC-1"]),
            ("summary ~ \"log*\"", &["ABC-1", "ABC-2"]),
            ("summary ~ LOGS", &["ABC-2"]),
            ("summary ~ \"export csv\"", &["ABC-2"]),
            ("summary ~ \"csv export\"", &["ABC-2"]),
            ("summary ~ \"\\\"csv export\\\"\"", NONE),
            ("summary ~ \"\\\"export logs\\\"\"", &["ABC-2"]),
            ("summary ~ \"export OR crash\"", &["ABC-2", "ABC-10"]),
            ("summary ~ \"export || crash\"", &["ABC-2", "ABC-10"]),
            ("summary ~ \"csv AND tests\"", &["ABC-4"]),
            ("summary ~ \"csv -tests\"", &["ABC-2"]),
            ("summary ~ \"csv NOT tests\"", &["ABC-2"]),
            ("summary ~ \"+csv +exporter\"", &["ABC-4"]),
            ("summary ~ \"(export OR write) AND csv\"", &["ABC-2", "ABC-4"]),
            ("summary ~ \"the\"", NONE),
            ("summary ~ \"the csv\"", &["ABC-2", "ABC-4"]),
            ("summary ~ \"csv~ export^2\"", &["ABC-2"]),
            ("summary ~ -csv", &["ABC-1", "ABC-3", "ABC-10", "XYZ-1", "XYZ-2"]),
            ("summary !~ csv", &["ABC-1", "ABC-3", "ABC-10", "XYZ-1", "XYZ-2"]),
            ("NOT summary ~ csv", &["ABC-1", "ABC-3", "ABC-10", "XYZ-1", "XYZ-2"]),
            ("summary ~ 123", NONE),
            ("summary ~ \"dark*\"", &["ABC-3"]),
            ("summary ~ \"tog?le\"", &["ABC-3"]),
            ("summary ~ 'dark mode'", &["ABC-3"]),
            ("summary ~ \"O\\'Brien\"", &["XYZ-2"]),
            ("summary ~ 'O\\'Brien'", &["XYZ-2"]),
            ("summary ~ \"Caf\\u00e9\"", &["XYZ-1"]),
            ("summary ~ \"naïve\"", &["XYZ-1"]),
            ("summary ~ \"100\\\\%\"", &["ABC-10"]),
            ("summary ~ \"\\\\[brackets\\\\]\"", &["ABC-10"]),
            ("summary ~ \"lcls-ii OR path-contains\"", &["ABC-10"]),
            ("description ~ query", &["ABC-4"]),
            ("description ~ bugs", &["ABC-4"]),
            ("description ~ issue", &["ABC-4"]),
            ("description ~ \"java.lang.NullPointerException\"", &["ABC-10"]),
            ("description ~ NullPointerException", NONE),
            ("description is empty", &["ABC-2"]),
            ("description is not empty", &["ABC-1", "ABC-3", "ABC-4", "ABC-10", "XYZ-1", "XYZ-2"]),
            ("description !~ stack", &["ABC-2", "ABC-3", "ABC-4", "XYZ-1", "XYZ-2"]),
            ("comment ~ staging", &["ABC-1"]),
            ("comment ~ customer", &["ABC-1"]),
            ("comment ~ \"dark mode\"", &["ABC-3"]),
            ("comment !~ dark", &["ABC-1", "ABC-2", "ABC-4", "ABC-10", "XYZ-1", "XYZ-2"]),
            ("environment ~ chrome", &["ABC-1"]),
            ("environment is empty", &["ABC-2", "ABC-3", "ABC-4", "ABC-10", "XYZ-1", "XYZ-2"]),
            ("text ~ \"dark theme\"", &["ABC-3"]),
            ("text ~ \"staging stack\"", NONE),
            ("text ~ fox", &["XYZ-2"]),
            ("text ~ \"\\\"quick brown fox\\\"\"", &["XYZ-2"]),
            ("text ~ \"\\\"quick red fox\\\"\"", &["XYZ-2"]),
            ("text ~ \"\\\"brown quick fox\\\"\"", NONE),
            ("text ~ \"summary\"", NONE),
        ],
        chrono_tz::UTC,
    );
}

#[test]
fn dates_in_utc() {
    check_table(
        &[
            ("created >= \"2024-01-31\"", &["ABC-3", "ABC-4", "ABC-10", "XYZ-1", "XYZ-2"]),
            ("created < \"2024-01-31\"", &["ABC-1", "ABC-2"]),
            ("created = \"2024-01-31\"", &["XYZ-1"]),
            ("created = \"2024/02/01 00:00\"", &["ABC-4"]),
            ("created in (\"2024-01-31\", \"2024/02/01\")", &["ABC-4", "XYZ-1"]),
            ("createdDate > \"2024-02-14 23:00\"", &["ABC-3", "XYZ-2"]),
            ("updatedDate < \"2024-01-31 00:01\"", &["XYZ-1"]),
            ("created >= -1h", &["XYZ-2"]),
            ("created >= -15m", &["XYZ-2"]),
            ("created >= -1d", &["ABC-3", "XYZ-2"]),
            ("created > \"-1w 2d\"", &["ABC-3", "ABC-10", "XYZ-2"]),
            ("created > '-9d'", &["ABC-3", "ABC-10", "XYZ-2"]),
            ("updated >= startOfDay()", &["ABC-3", "XYZ-2"]),
            ("created >= startOfDay(-1)", &["ABC-3", "XYZ-2"]),
            ("created >= startOfWeek()", &["ABC-3", "XYZ-2"]),
            ("created >= startOfMonth()", &["ABC-3", "ABC-4", "ABC-10", "XYZ-2"]),
            ("created >= startOfMonth(-1) AND created < startOfMonth()", &["ABC-1", "ABC-2", "XYZ-1"]),
            ("created > startOfMonth(\"+14d\")", &["XYZ-2"]),
            ("created <= endOfDay(-1)", &["ABC-1", "ABC-2", "ABC-3", "ABC-4", "ABC-10", "XYZ-1"]),
            ("created > endOfMonth(-1M)", &["ABC-3", "ABC-4", "ABC-10", "XYZ-2"]),
            ("created < endOfWeek() AND created > startOfWeek(\"-1w\")", &["ABC-3", "ABC-10", "XYZ-2"]),
            ("created >= startOfYear()", ALL),
            ("created > endOfYear()", NONE),
            ("created < now()", ALL),
            ("created > 1707000000000", &["ABC-3", "ABC-10", "XYZ-2"]),
            ("resolved >= \"2024-02-11\"", &["ABC-10"]),
            ("resolutiondate is not empty", &["ABC-1", "ABC-10"]),
            ("resolved is empty", &["ABC-2", "ABC-3", "ABC-4", "XYZ-1", "XYZ-2"]),
            ("due < \"2024-02-15\"", &["ABC-1", "ABC-10"]),
            ("duedate = \"2024-02-15\"", &["ABC-4"]),
            ("due <= now()", &["ABC-1", "ABC-4", "ABC-10"]),
            ("due >= 1d", &["ABC-2", "XYZ-2"]),
            ("due is empty", &["ABC-3", "XYZ-1"]),
            ("due != \"2024-02-15\"", &["ABC-1", "ABC-2", "ABC-10", "XYZ-2"]),
            ("NOT created < \"2024-01-31\"", &["ABC-3", "ABC-4", "ABC-10", "XYZ-1", "XYZ-2"]),
        ],
        chrono_tz::UTC,
    );
}

#[test]
fn dates_in_auckland() {
    // Midnight 31 January in Auckland (UTC+13 in summer) is 11:00 UTC on the 30th.
    let tz = chrono_tz::Pacific::Auckland;
    check_table(
        &[
            ("created >= \"2024-01-31\"", &["ABC-2", "ABC-3", "ABC-4", "ABC-10", "XYZ-1", "XYZ-2"]),
            ("created < \"2024-01-31\"", &["ABC-1"]),
            ("created = \"2024-01-31\"", NONE),
            ("created = \"2024-01-31 13:00\"", &["XYZ-1"]),
            ("updated >= startOfDay()", &["ABC-3", "XYZ-2"]),
            ("created >= startOfDay()", &["XYZ-2"]),
            ("due <= now()", &["ABC-1", "ABC-4", "ABC-10", "XYZ-2"]),
            ("due = startOfDay()", &["XYZ-2"]),
        ],
        tz,
    );
    // The same query, two users, two answers.
    let utc = sorted(run_in("created >= \"2024-01-31\"", chrono_tz::UTC, None).unwrap());
    let akl = sorted(run_in("created >= \"2024-01-31\"", tz, None).unwrap());
    assert_ne!(utc, akl);
}

#[test]
fn custom_fields_by_id_and_name() {
    check_table(
        &[
            ("\"Story Points\" > 3", &["ABC-2", "ABC-10"]),
            ("cf[10016] >= 3", &["ABC-1", "ABC-2", "ABC-10"]),
            ("CF[10016] < 3", &["ABC-4"]),
            ("\"story points\" = 1.5", &["ABC-4"]),
            ("\"Story Points\" is empty", &["ABC-3", "XYZ-1", "XYZ-2"]),
            ("\"Story Points\" in (3, 8)", &["ABC-1", "ABC-10"]),
            ("cf[10016] != 3", &["ABC-2", "ABC-4", "ABC-10"]),
            ("Team = red", &["ABC-1", "ABC-4"]),
            ("Team in (Blue)", &["ABC-2", "ABC-10"]),
            ("cf[10020] is empty", &["ABC-3", "XYZ-1", "XYZ-2"]),
            ("Tags = beta", &["ABC-1", "ABC-2"]),
            ("cf[10021] = alpha", &["ABC-1"]),
            ("Reviewers = currentUser()", &["ABC-2"]),
            ("Reviewers in (\"557058:bob\")", &["ABC-1", "ABC-2"]),
            ("\"Start date\" <= \"2024-01-29\"", &["ABC-1"]),
            ("\"Deployed at\" >= \"2024-02-10\"", &["ABC-1"]),
            ("\"Deployed at\" = \"2024-02-10 08:00\"", &["ABC-1"]),
            ("Notes ~ log", &["ABC-1"]),
            ("Notes is empty", &["ABC-2", "ABC-3", "ABC-4", "ABC-10", "XYZ-1", "XYZ-2"]),
            ("Topics = AUTH", &["ABC-1"]),
        ],
        chrono_tz::UTC,
    );
}

#[test]
fn logic_precedence_and_quoting() {
    check_table(
        &[
            ("project = XYZ OR project = ABC AND type = Bug", &["ABC-1", "ABC-10", "XYZ-1", "XYZ-2"]),
            ("(project = XYZ OR project = ABC) AND type = Bug", &["ABC-1", "ABC-10"]),
            ("NOT project = ABC", &["XYZ-1", "XYZ-2"]),
            ("NOT (project = ABC OR priority = Medium)", &["XYZ-1"]),
            ("NOT priority = Medium", &["ABC-1", "ABC-4", "ABC-10", "XYZ-1"]),
            ("project = ABC && type = Bug || key = XYZ-2", &["ABC-1", "ABC-10", "XYZ-2"]),
            ("project = ABC & type = Bug | key = XYZ-2", &["ABC-1", "ABC-10", "XYZ-2"]),
            ("!(status = Done)", &["ABC-2", "ABC-3", "ABC-4", "XYZ-1", "XYZ-2"]),
            ("not not project = XYZ", &["XYZ-1", "XYZ-2"]),
            ("project = ABC AND NOT (labels = backend OR labels = urgent)", &["ABC-2"]),
            ("project = ABC and (status = Done or (type = Story and priority = Medium))", &["ABC-1", "ABC-2", "ABC-10"]),
            ("NOT (project = ABC AND status = Done)", &["ABC-2", "ABC-3", "ABC-4", "XYZ-1", "XYZ-2"]),
            ("\"project\" = ABC", ABC),
            ("'summary' ~ csv", &["ABC-2", "ABC-4"]),
            ("project = \"\\u0041BC\"", ABC),
            ("labels = back\\u0065nd", &["ABC-1", "ABC-4"]),
            ("project\t=\nABC", ABC),
            ("resolution = 'Won\\'t Do'", &["ABC-10"]),
            ("resolution = \"Won\\'t Do\" OR resolution = Won\\'t\\ Do", &["ABC-10"]),
            ("status WAS Done", &["ABC-1", "ABC-10"]),
            ("assignee WAS NOT currentUser() BY currentUser() AFTER \"2024-01-01\"", &["ABC-2", "ABC-10", "XYZ-2"]),
            ("status CHANGED", NONE),
            ("NOT status CHANGED", ALL),
        ],
        chrono_tz::UTC,
    );
}

// ---------------------------------------------------------------------------------------------
// ORDER BY

fn order(jql: &str) -> Vec<String> {
    run(jql).unwrap()
}

#[test]
fn order_by() {
    assert_eq!(order("project = ABC ORDER BY key ASC"), ["ABC-1", "ABC-2", "ABC-3", "ABC-4", "ABC-10"]);
    assert_eq!(order("project = ABC ORDER BY key DESC"), ["ABC-10", "ABC-4", "ABC-3", "ABC-2", "ABC-1"]);
    assert_eq!(order("ORDER BY key"), ["ABC-1", "ABC-2", "ABC-3", "ABC-4", "ABC-10", "XYZ-1", "XYZ-2"]);
    assert_eq!(order("ORDER BY created DESC"), ["XYZ-2", "ABC-3", "ABC-10", "ABC-4", "XYZ-1", "ABC-2", "ABC-1"]);
    // created sorts newest first unless told otherwise, as does a query without ORDER BY.
    assert_eq!(order("ORDER BY created"), order("ORDER BY created DESC"));
    assert_eq!(order(""), order("ORDER BY created DESC"));
    assert_eq!(order("ORDER BY created ASC"), ["ABC-1", "ABC-2", "XYZ-1", "ABC-4", "ABC-10", "ABC-3", "XYZ-2"]);
    assert_eq!(order("ORDER BY priority DESC, key ASC"), ["ABC-10", "ABC-1", "ABC-2", "XYZ-2", "ABC-4", "XYZ-1", "ABC-3"]);
    assert_eq!(order("ORDER BY priority, key"), order("ORDER BY priority DESC, key ASC"));
    assert_eq!(order("ORDER BY priority ASC, key DESC"), ["XYZ-1", "ABC-4", "XYZ-2", "ABC-2", "ABC-1", "ABC-10", "ABC-3"]);
    assert_eq!(order("project = ABC ORDER BY duedate"), ["ABC-1", "ABC-10", "ABC-4", "ABC-2", "ABC-3"]);
    assert_eq!(order("project = ABC ORDER BY due DESC"), ["ABC-2", "ABC-4", "ABC-10", "ABC-1", "ABC-3"]);
    assert_eq!(order("ORDER BY \"Story Points\" DESC"), ["ABC-10", "ABC-2", "ABC-1", "ABC-4", "XYZ-2", "ABC-3", "XYZ-1"]);
    assert_eq!(order("ORDER BY assignee ASC, created ASC"), ["ABC-1", "ABC-4", "ABC-2", "XYZ-2", "ABC-10", "XYZ-1", "ABC-3"]);
    assert_eq!(order("ORDER BY project ASC, cf[10016] ASC"), ["ABC-4", "ABC-1", "ABC-2", "ABC-10", "ABC-3", "XYZ-2", "XYZ-1"]);
    assert_eq!(order("project = XYZ ORDER BY summary"), ["XYZ-1", "XYZ-2"]);
    assert_eq!(order("labels is not empty ORDER BY labels"), ["ABC-4", "ABC-1", "ABC-2", "XYZ-2", "ABC-10"]);
}

#[test]
fn bounded_queries() {
    assert!(!parse("").unwrap().is_bounded());
    assert!(!parse("   ").unwrap().is_bounded());
    assert!(!parse("ORDER BY created DESC").unwrap().is_bounded());
    assert!(parse("project = ABC").unwrap().is_bounded());
    assert!(parse("project = ABC ORDER BY key").unwrap().is_bounded());
    assert_eq!(UNBOUNDED_MESSAGE, "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.");
}

#[test]
fn ast_shape() {
    let q = parse("a = b OR c = d AND NOT e in (1, EMPTY, f()) ORDER BY g DESC, cf[10016]").unwrap();
    match q.where_clause.unwrap() {
        Clause::Or(parts) => {
            assert_eq!(parts.len(), 2);
            match &parts[1] {
                Clause::And(and) => assert!(matches!(and[1], Clause::Not(_))),
                other => panic!("unexpected {other:?}"),
            }
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(q.order_by.len(), 2);
    assert_eq!(q.order_by[0].direction, Some(SortDirection::Desc));
    assert_eq!(q.order_by[1].field.cf_number, Some(10016));
    assert_eq!(q.order_by[1].direction, None);
}

// ---------------------------------------------------------------------------------------------
// Errors

const OPS: &str = "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";
const ESC: &str = "The valid escape sequences are \\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX.";
const DT_FORMATS: &str = "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.";

#[test]
fn syntax_errors() {
    let cases: Vec<(&str, String)> = vec![
        ("project = ", "Error in JQL Query: Expecting either a value, list or function before the end of the query.".into()),
        ("project ABC", format!("Error in the JQL Query: Expecting operator but got 'ABC'. {OPS} (line 1, character 9)")),
        ("invalid query", format!("Error in the JQL Query: Expecting operator but got 'query'. {OPS} (line 1, character 9)")),
        ("project", format!("Error in the JQL Query: Expecting operator before the end of the query. {OPS}")),
        ("project = ABC AND", "Error in the JQL Query: Expecting a field name at the end of the query.".into()),
        ("project = ABC status = Done", "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'status'. (line 1, character 15)".into()),
        ("a=b !c=d", "Error in the JQL Query: Expecting either 'OR' or 'AND' but got '!'. (line 1, character 5)".into()),
        ("(project = ABC", "Error in the JQL Query: Expecting ')' before the end of the query.".into()),
        ("abc IN ((foo) abc = a", "Error in the JQL Query: Expecting ')' but got 'abc'. (line 1, character 15)".into()),
        ("a in (b, c", "Error in the JQL Query: Expecting ')' before the end of the query.".into()),
        ("summary ~ \"abc", "Error in the JQL Query: The quoted string 'abc' has not been completed. (line 1, character 11)".into()),
        ("priority=\"test\nword", "Error in the JQL Query: The quoted string 'test word' has not been completed. (line 1, character 10)".into()),
        ("summary ~ '", "Error in the JQL Query: The quoted string has not been completed. (line 1, character 11)".into()),
        ("summary ~ \"a\\k\"", format!("Error in the JQL Query: '\\k' is an illegal JQL escape sequence. {ESC} (line 1, character 13)")),
        ("comme\\unt ~ 'test", format!("Error in the JQL Query: '\\un' is an illegal JQL escape sequence. {ESC} (line 1, character 6)")),
        ("labels = foo\\", format!("Error in the JQL Query: The escape sequence has not been completed. {ESC} (line 1, character 13)")),
        ("mine{www = qwwr", "Error in the JQL Query: The character '{' is a reserved JQL character. You must enclose it in a string or use the escape '\\u007b' instead. (line 1, character 5)".into()),
        ("assignee = bob@example.com", "Error in the JQL Query: The character '@' is a reserved JQL character. You must enclose it in a string or use the escape '\\u0040' instead. (line 1, character 15)".into()),
        ("summary ~ abort", "Error in the JQL Query: 'abort' is a reserved JQL word. You must surround it in quotation marks to use it in a query. (line 1, character 11)".into()),
        ("project = AS", "Error in the JQL Query: 'AS' is a reserved JQL word. You must surround it in quotation marks to use it in a query. (line 1, character 11)".into()),
        ("project = IN", "Error in JQL Query: Expecting either a value, list or function but got 'IN'. You must surround 'IN' in quotation marks to use it as a value. (line 1, character 11)".into()),
        ("a =b order by asc", "Error in the JQL Query: Expecting a field name but got 'asc'. You must surround 'asc' in quotation marks to use it as a field name. (line 1, character 15)".into()),
        ("a =b order by ajsks blah", "Error in the JQL Query: Expecting either 'ASC' or 'DESC' but got 'blah'. (line 1, character 21)".into()),
        ("a =b order summary", "Error in the JQL Query: Expecting 'by' but got 'summary'. (line 1, character 12)".into()),
        ("a =b order", "Error in the JQL Query: Expecting 'by' before the end of the query.".into()),
        ("a =b order by", "Error in the JQL Query: Expecting a field name at the end of the query.".into()),
        ("order by a desc d", "Error in the JQL Query: Expecting ',' but got 'd'. (line 1, character 17)".into()),
        ("'' = c", "Error in the JQL Query: A field name cannot be empty. (line 1, character 1)".into()),
        ("a =b order by \"\" desc", "Error in the JQL Query: A field name cannot be empty. (line 1, character 15)".into()),
        ("a = ''()", "Error in the JQL Query: A function name cannot be empty. (line 1, character 5)".into()),
        ("cf", "Error in the JQL Query: Expecting '[' before the end of the query.".into()),
        ("a = b and not (cf = 6)", "Error in the JQL Query: Expecting '[' but got '='. (line 1, character 19)".into()),
        ("cf[", "Error in the JQL Query: Expecting a custom field id (a positive number) before the end of the query.".into()),
        ("cf[ = 9", "Error in the JQL Query: Expecting a custom field id (a positive number) but got '='. (line 1, character 5)".into()),
        ("cf[29829k] = ", "Error in the JQL Query: Expecting a custom field id (a positive number) but got '29829k'. (line 1, character 4)".into()),
        ("cf[29829 = world", "Error in the JQL Query: Expecting ']' but got '='. (line 1, character 10)".into()),
        ("a = func(", "Error in the JQL Query: Expecting ')' before the end of the query.".into()),
        ("a = func(, and not (a = x)", "Error in the JQL Query: Expecting ')' but got ','. (line 1, character 10)".into()),
        ("bas=func(bad,)", "Error in the JQL Query: Function argument must be specified. (line 1, character 14)".into()),
        ("bas=func(bad,", "Error in the JQL Query: Expecting a function argument at the end of the query.".into()),
        ("k = func(!", "Error in the JQL Query: Expecting a function argument but got '!'. You must surround '!' in quotation marks to use it as an argument. (line 1, character 10)".into()),
        ("k = func(abc, jk!)", "Error in the JQL Query: Expecting ')' or ',' but got '!'. (line 1, character 17)".into()),
        ("a=!", "Error in JQL Query: Expecting either a value, list or function but got '!'. You must surround '!' in quotation marks to use it as a value. (line 1, character 3)".into()),
        ("a=(a,(,bad))", "Error in JQL Query: Expecting either a value, list or function but got ','. You must surround ',' in quotation marks to use it as a value. (line 1, character 7)".into()),
        ("[brenden] = a", "Error in the JQL Query: Expecting a field name but got '['. Did you mean 'cf['? (line 1, character 1)".into()),
        (", a = b", "Error in the JQL Query: Expecting a field name but got ','. You must surround ',' in quotation marks to use it as a field name. (line 1, character 1)".into()),
        ("a =a and j not is empty", "Error in the JQL Query: Expecting 'IN' but got 'is'. (line 1, character 16)".into()),
        ("a =a and j is ! empty", "Error in the JQL Query: Expecting 'NOT' but got '!'. (line 1, character 15)".into()),
        ("aaaaa=-3482094382084092840932809482", "Error in the JQL Query: '-3482094382084092840932809482' is not a valid number. Numbers must be between -9,223,372,036,854,775,808 and 9,223,372,036,854,775,807. (line 1, character 7)".into()),
        ("cf[1002020202002020202020202020020202822]=a", "Error in the JQL Query: '1002020202002020202020202020020202822' is not a valid number. Numbers must be between -9,223,372,036,854,775,808 and 9,223,372,036,854,775,807. (line 1, character 4)".into()),
        ("minewww =\u{7f}qwwr", "Error in the JQL Query: The character 'U+007F' on line 1 at position 10 must be escaped. Use the escape '\\u007f' instead. (line 1, character 10)".into()),
        ("mqwwr=\"\u{7f} this is broken\"", "Error in the JQL Query: The character 'U+007F' on line 1 at position 8 must be escaped. Use the escape '\\u007f' instead. (line 1, character 8)".into()),
        ("project = ABC\nAND status = = Done", "Error in JQL Query: Expecting either a value, list or function but got '='. You must surround '=' in quotation marks to use it as a value. (line 2, character 14)".into()),
        ("status = \"Open\" by admin", "Error in the JQL Query: The EQUALS operator does not support the use of the by \"admin\" predicate.".into()),
    ];
    let mut failures = Vec::new();
    for (jql, want) in &cases {
        match parse(jql) {
            Ok(q) => failures.push(format!("{jql:?}: parsed as {q:?}")),
            Err(e) => {
                if e.messages != vec![want.clone()] {
                    failures.push(format!("{jql:?}:\n   want {want:?}\n    got {:?}", e.messages));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} failing cases:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn validation_errors() {
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("foo = bar", vec!["Field 'foo' does not exist or you do not have permission to view it.".into()]),
        ("universe = 42", vec!["Field 'universe' does not exist or you do not have permission to view it.".into()]),
        ("cf[99999] = 1", vec!["Field 'cf[99999]' does not exist or you do not have permission to view it.".into()]),
        ("summary = test", vec!["The operator '=' is not supported by the 'summary' field.".into()]),
        ("Summary > test", vec!["The operator '>' is not supported by the 'Summary' field.".into()]),
        ("summary in test", vec!["Operator 'in' does not support the non-list value '\"test\"' for field 'summary'.".into()]),
        ("project ~ ABC", vec!["The operator '~' is not supported by the 'project' field.".into()]),
        ("issuetype > Bug", vec!["The operator '>' is not supported by the 'issuetype' field.".into()]),
        ("status is EMPTY", vec!["The operator 'is' is not supported by the 'status' field.".into()]),
        ("text !~ foo", vec!["The operator '!~' is not supported by the 'text' field.".into()]),
        ("parent is EMPTY", vec!["The operator 'is' is not supported by the 'parent' field.".into()]),
        ("summary WAS foo", vec!["The operator 'was' is not supported by the 'summary' field.".into()]),
        ("parent = EMPTY", vec!["The field 'parent' does not support searching for EMPTY values.".into()]),
        ("comment ~ EMPTY", vec!["The field 'comment' does not support searching for EMPTY values.".into()]),
        ("project = NOPE", vec!["The value 'NOPE' does not exist for the field 'project'.".into()]),
        ("project = 999", vec!["A value with ID '999' does not exist for the field 'project'.".into()]),
        ("status = Bogus", vec!["The value 'Bogus' does not exist for the field 'status'.".into()]),
        ("statusCategory = Blocked", vec!["The value 'Blocked' does not exist for the field 'statusCategory'.".into()]),
        ("priority in (High, Urgent)", vec!["The value 'Urgent' does not exist for the field 'priority'.".into()]),
        ("component = Mobile", vec!["The value 'Mobile' does not exist for the field 'component'.".into()]),
        ("fixVersion = 3.0", vec!["The value '3.0' does not exist for the field 'fixVersion'.".into()]),
        ("resolution = Fixed", vec!["The value 'Fixed' does not exist for the field 'resolution'.".into()]),
        ("sprint = \"Nope\"", vec!["The value 'Nope' does not exist for the field 'sprint'.".into()]),
        ("assignee = jsmith", vec!["The value 'jsmith' does not exist for the field 'assignee'.".into()]),
        ("assignee = \"Alice Anders\"", vec!["The value 'Alice Anders' does not exist for the field 'assignee'.".into()]),
        ("reporter = 666", vec!["A value with ID '666' does not exist for the field 'reporter'.".into()]),
        ("created > \"2024-13-01\"", vec![format!("Date value '2024-13-01' for field 'created' is invalid. {DT_FORMATS}")]),
        ("created > \"17/FAKE/09\"", vec![format!("Date value '17/FAKE/09' for field 'created' is invalid. {DT_FORMATS}")]),
        ("resolved <= \"4w 2\"", vec![format!("Date value '4w 2' for field 'resolved' is invalid. {DT_FORMATS}")]),
        ("due = yesterday", vec!["Date value 'yesterday' for field 'due' is invalid. Valid formats include: 'YYYY/MM/DD', 'YYYY-MM-DD', or a period format e.g. '-5d', '4w 2d'.".into()]),
        ("created > bogus()", vec!["Unable to find JQL function 'bogus()'.".into()]),
        ("issue in issueHistory()", vec!["Unable to find JQL function 'issueHistory()'.".into()]),
        ("created > now(1)", vec!["Function 'now' expected '0' arguments but received '1'.".into()]),
        ("created > startOfDay(1, 2)", vec!["Function 'startOfDay' expected between '0' and '1' arguments but received '2'.".into()]),
        ("created > startOfDay(\"invalid\")", vec!["Duration for function 'startOfDay' should have the format (+/-)n(yMwdm), e.g -1M for 1 month earlier.".into()]),
        ("status = currentUser()", vec!["A value provided by the function 'currentUser' is invalid for the field 'status'.".into()]),
        ("assignee = membersOf(\"developers\")", vec!["Operator '=' does not support the list value 'membersOf(developers)' for field 'assignee'.".into()]),
        ("assignee in currentUser()", vec!["Operator 'in' does not support the non-list value 'currentUser()' for field 'assignee'.".into()]),
        ("assignee in membersOf(\"nobody\")", vec!["Function 'membersOf' can not generate a list of usernames for group 'nobody'; the group does not exist.".into()]),
        ("assignee = (a, b)", vec!["Operator '=' does not support the list value '(\"a\", \"b\")' for field 'assignee'.".into()]),
        ("priority in EMPTY", vec!["Operator 'in' does not support the empty value representation 'EMPTY' for field 'priority'.".into()]),
        ("priority > EMPTY", vec!["Operator '>' does not support the empty value representation 'EMPTY' for field 'priority'.".into()]),
        ("assignee is currentUser()", vec!["Operator 'is' does not support searching for non-empty values for field 'assignee'.".into()]),
        ("summary ~ \"\"", vec!["The field 'summary' does not support searching for an empty string.".into()]),
        ("summary ~ \"*start\"", vec!["The text query '*start' for field 'summary' is not allowed to start with '*'.".into()]),
        ("description ~ '?'", vec!["The text query '?' for field 'description' is not allowed to start with '?'.".into()]),
        ("text ~ \"AND\"", vec!["Unable to parse the text 'AND' for field 'text'.".into()]),
        ("summary ~ 'BAD +'", vec!["Unable to parse the text 'BAD +' for field 'summary'.".into()]),
        ("summary ~ \"[brackets]\"", vec!["Unable to parse the text '[brackets]' for field 'summary'.".into()]),
        ("key = foo", vec!["The issue key 'foo' for field 'key' is invalid.".into()]),
        ("issue = '10001'", vec!["The issue key '10001' for field 'issue' is invalid.".into()]),
        ("key = ABC-999", vec!["An issue with key 'ABC-999' does not exist for field 'key'.".into()]),
        ("issue = 666", vec!["A value with ID '666' does not exist for the field 'issue'.".into()]),
        ("parent = NOPE-1", vec!["An issue with key 'NOPE-1' does not exist for field 'parent'.".into()]),
        ("\"Story Points\" > abc", vec!["Value 'abc' for the 'Story Points' field is not a valid number.".into()]),
        ("Team = Purple", vec!["The option 'Purple' for field 'Team' does not exist.".into()]),
        ("status CHANGED AFTER \"20/12/10\"", vec![format!("Date value '20/12/10' for predicate 'after' is invalid. {DT_FORMATS}")]),
        ("project = ABC ORDER BY bogus", vec!["Not able to sort using field 'bogus'.".into()]),
        ("project = ABC ORDER BY description", vec!["Field 'description' does not support sorting.".into()]),
        ("project = ABC ORDER BY text", vec!["Not able to sort using field 'text'.".into()]),
        (
            "project = ABC ORDER BY key, summary, created, updated, priority, status, assignee, reporter",
            vec!["The ORDER BY clause can contain a maximum of 7 fields.".into()],
        ),
        (
            "foo = 1 AND status = Bogus OR bar = 2 AND status = Bogus ORDER BY baz",
            vec![
                "Field 'foo' does not exist or you do not have permission to view it.".into(),
                "The value 'Bogus' does not exist for the field 'status'.".into(),
                "Field 'bar' does not exist or you do not have permission to view it.".into(),
                "Not able to sort using field 'baz'.".into(),
            ],
        ),
        (
            "assignee = INVALID AND reporter = INVALID AND due >= \"17/FAKE/09\"",
            vec![
                "The value 'INVALID' does not exist for the field 'assignee'.".into(),
                "The value 'INVALID' does not exist for the field 'reporter'.".into(),
                "Date value '17/FAKE/09' for field 'due' is invalid. Valid formats include: 'YYYY/MM/DD', 'YYYY-MM-DD', or a period format e.g. '-5d', '4w 2d'.".into(),
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (jql, want) in &cases {
        match run(jql) {
            Ok(keys) => failures.push(format!("{jql:?}: no error, matched {keys:?}")),
            Err(got) => {
                if &got != want {
                    failures.push(format!("{jql:?}:\n   want {want:?}\n    got {got:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} failing cases:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn unvalidated_queries_do_not_panic() {
    let catalog = Catalog { issues: issues() };
    let defs = custom_fields();
    let ctx = JqlContext { now: t(NOW), time_zone: chrono_tz::UTC, current_user: None, custom_fields: &defs, known: &catalog };
    for jql in ["foo = bar", "created > \"nonsense\"", "summary ~ \"[x\"", "key > 99", "priority > Nope", "due = bogus()"] {
        let q = parse(jql).unwrap();
        for i in &catalog.issues {
            let _ = q.matches(i, &ctx);
        }
    }
    let deep = format!("{}project = ABC{}", "(".repeat(5000), ")".repeat(5000));
    assert!(parse(&deep).is_err());
    let _ = Utc.timestamp_opt(0, 0);
}
