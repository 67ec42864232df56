//! Jira Service Management's seed: an IT service project (`HELP`) whose customer requests are
//! issues of that project, with request types, customers and organizations, queues, comments
//! (public and internal), participants, approvals and SLA cycles derived from each request's own
//! history. It draws from a generator of its own and only appends (users, statuses, issue types,
//! a project, issues), so everything seeded before stays as it was.
//!
//! The requests are dated relative to `now` (the sandbox's start): about 60 over the last 75 days,
//! some in the current calendar month and some in the previous one for every request type, and a
//! few in the last hours whose SLAs are still running within their goals.

use chrono::{DateTime, Datelike, Duration, Months, TimeZone, Utc};
use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::model::*;

pub const HELP_KEY: &str = "HELP";
/// Statuses the service project's workflow adds.
pub const WAITING_FOR_SUPPORT: u64 = 10003;
pub const WAITING_FOR_CUSTOMER: u64 = 10004;
pub const WAITING_FOR_APPROVAL: u64 = 10005;
pub const RESOLVED: u64 = 10006;
pub const IN_PROGRESS: u64 = 3;
/// SLA metrics of the service project.
pub const TTFR: u64 = 1;
pub const TTR: u64 = 2;
pub const TTFR_NAME: &str = "Time to first response";
pub const TTR_NAME: &str = "Time to resolution";
pub const TTFR_GOAL_HOURS: i64 = 4;

struct Customer(&'static str, &'static str, &'static str);

const CUSTOMERS: &[Customer] = &[
    Customer("Chris Customer", "chris@customer.example", "Europe/London"),
    Customer("Pat Partner", "pat@partner.example", "America/Chicago"),
    Customer("Robin Retail", "robin@retail.example", "Australia/Sydney"),
    Customer("Sam Shopper", "sam@retail.example", "Europe/Madrid"),
];

const SUMMARIES: [&[&str]; 4] = [
    &[
        "VPN keeps disconnecting",
        "Cannot open the shared drive",
        "Outlook does not sync",
        "Need access to a Confluence space",
        "Printer on the third floor jams",
    ],
    &["New laptop for a new starter", "Replacement monitor", "Docking station", "Noise-cancelling headset", "Second monitor for the home office"],
    &["Payroll system is down", "Website answers 502", "Email delivery is delayed", "CRM is very slow", "Wi-Fi outage in building B"],
    &["Locked out of my account", "Password reset for the ERP", "Lost my MFA device", "Reset my Jira password", "Account disabled after leave"],
];

/// An issue's move from one status to another, as its changelog records it.
pub(crate) fn status_change(site: &Site, id: u64, author: &str, at: DateTime<Utc>, from: u64, to: u64) -> ChangeGroup {
    let name = |s: u64| site.status(s).map(|s| s.name.clone());
    ChangeGroup {
        id,
        author_id: author.to_string(),
        created: at,
        items: vec![ChangeItem {
            field: "status".into(),
            field_type: "jira".into(),
            field_id: "status".into(),
            from: Some(from.to_string()),
            from_string: name(from),
            to: Some(to.to_string()),
            to_string: name(to),
        }],
    }
}

/// What the seed decides for one request before writing it.
#[derive(Clone, Copy)]
enum Fate {
    /// Answered within `respond` hours, resolved `resolve` hours after creation.
    Resolved {
        respond: f64,
        resolve: f64,
    },
    InProgress {
        respond: f64,
    },
    /// Answered, then waiting for the customer since `wait` hours after creation.
    WaitingForCustomer {
        respond: f64,
        wait: f64,
    },
    WaitingForSupport,
    /// A request needing approval, still waiting for it.
    WaitingForApproval,
}

pub fn generate(rng: &mut ChaCha8Rng, site: &mut Site, now: DateTime<Utc>) {
    // Customers: users without product access.
    let mut customers = Vec::new();
    for c in CUSTOMERS {
        let b: [u8; 16] = rng.random();
        let id = format!("712020:{}", uuid::Builder::from_random_bytes(b).into_uuid());
        site.users.push(User { account_id: id.clone(), display_name: c.0.into(), email: c.1.into(), active: true, time_zone: c.2.into(), groups: vec![] });
        customers.push(id);
    }
    let people: Vec<String> = site.users.iter().take(11).map(|u| u.account_id.clone()).collect();
    let alice = people[0].clone();
    let admin = people.get(1).cloned().unwrap_or_else(|| alice.clone());
    // The agents: the first people (Alice, the admin, Bob, Carol, Dan).
    let agents: Vec<String> = people.iter().take(5).cloned().collect();
    let approver_pool: Vec<String> = people.iter().skip(2).take(3).cloned().collect();
    // Who raises requests: customers and employees (Alice among them).
    let mut reporters = customers.clone();
    reporters.extend(people.iter().skip(2).take(4).cloned());
    reporters.push(alice.clone());

    site.statuses.extend([
        Status { id: WAITING_FOR_SUPPORT, name: "Waiting for support".into(), description: "The request waits for an agent.".into(), category_id: 2 },
        Status { id: WAITING_FOR_CUSTOMER, name: "Waiting for customer".into(), description: "The agent waits for the customer.".into(), category_id: 4 },
        Status { id: WAITING_FOR_APPROVAL, name: "Waiting for approval".into(), description: "The request waits for its approvers.".into(), category_id: 2 },
        Status { id: RESOLVED, name: "Resolved".into(), description: "The request is resolved.".into(), category_id: 3 },
    ]);
    site.issue_types.extend([
        NamedItem { id: 10004, name: "IT Help".into(), description: "For general IT problems and questions.".into() },
        NamedItem { id: 10005, name: "Service Request".into(), description: "For requests that do not need approval.".into() },
        NamedItem { id: 10006, name: "Service Request with Approvals".into(), description: "For requests that need approval.".into() },
        NamedItem { id: 10007, name: "Incident".into(), description: "For system outages or incidents.".into() },
    ]);
    let project_id = site.projects.iter().map(|p| p.id).max().unwrap_or(9_999) + 1;
    site.projects.push(Project {
        id: project_id,
        key: HELP_KEY.into(),
        name: "IT Help Desk".into(),
        description: "Requests to the IT team".into(),
        lead_account_id: admin.clone(),
        type_key: "service_desk".into(),
        visibility: Visibility::Licensed,
        components: vec![],
        versions: vec![],
        category_id: None,
        url: None,
    });
    let desk_id = 1;
    let sm = &mut site.service;
    sm.request_type_groups = vec![
        RequestTypeGroup { id: 1, desk_id, name: "Get help".into() },
        RequestTypeGroup { id: 2, desk_id, name: "Hardware and software".into() },
        RequestTypeGroup { id: 3, desk_id, name: "Incidents".into() },
    ];
    let rt = |id: u64, name: &str, description: &str, help: &str, issue_type_id: u64, group_ids: Vec<u64>, goal: i64, approval: bool| RequestType {
        id,
        desk_id,
        name: name.into(),
        description: description.into(),
        help_text: help.into(),
        issue_type_id,
        group_ids,
        icon_id: 10_600 + id,
        resolution_goal_hours: goal,
        needs_approval: approval,
    };
    sm.request_types = vec![
        rt(1, "Get IT help", "Get assistance for general IT problems and questions.", "Tell us what you need.", 10004, vec![1], 24, false),
        rt(2, "Request new hardware", "Request a new laptop, monitor or accessory.", "Your manager approves hardware requests.", 10006, vec![2], 24, true),
        rt(3, "Report a system problem", "Let us know if something is not working.", "Say what you were doing when it happened.", 10007, vec![1, 3], 8, false),
        rt(4, "Reset a password", "Get a password or account unlocked.", "We never ask for your password.", 10005, vec![1], 8, false),
    ];

    // Dates: three recent requests, then the current month, the previous month and before.
    let month_start = Utc.with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0).unwrap();
    let last_month_start = month_start.checked_sub_months(Months::new(1)).unwrap();
    let earliest = now - Duration::days(75);
    let n = 60usize;
    let span = |from: DateTime<Utc>, to: DateTime<Utc>, k: usize, of: usize, rng: &mut ChaCha8Rng| {
        let width = (to - from).num_seconds().max(of as i64);
        let slot = width / of as i64;
        from + Duration::seconds(slot * k as i64 + rng.random_range(0..slot.max(1)))
    };
    let this_month_end = (now - Duration::hours(5)).max(month_start + Duration::minutes(1));
    let mut next_comment = site.next_ids.get("comment").copied().unwrap_or(10_000);
    let mut next_change = site.next_ids.get("changegroup").copied().unwrap_or(10_000);
    let mut next_issue = site.next_ids.get("issue").copied().unwrap_or(10_000);
    let mut next_approval = 1u64;
    let mut issues = Vec::new();
    let mut requests = Vec::new();
    let mut internal = Vec::new();
    for i in 0..n {
        let type_ix = i % 4;
        let rtype = site.service.request_types[type_ix].clone();
        let created = match i {
            0 => now - Duration::minutes(25),
            1 => now - Duration::minutes(130),
            2 => now - Duration::minutes(210),
            3..=18 => span(month_start.min(this_month_end - Duration::minutes(1)), this_month_end, i - 3, 16, rng),
            19..=42 => span(last_month_start, month_start, i - 19, 24, rng),
            _ => span(earliest, last_month_start, i - 43, n - 43, rng),
        };
        let age_h = (now - created).num_seconds() as f64 / 3600.0;
        let goal = rtype.resolution_goal_hours as f64;
        // A few fates are fixed so every SLA state is present whatever the seed; the rest drawn.
        let fate = if age_h < TTFR_GOAL_HOURS as f64 {
            Fate::WaitingForSupport
        } else {
            match i {
                3 => Fate::Resolved { respond: 1.0, resolve: 3.0 },
                4 => Fate::Resolved { respond: 6.5, resolve: goal + 10.0 },
                5 if rtype.needs_approval => Fate::WaitingForApproval,
                6 => Fate::WaitingForCustomer { respond: 1.5, wait: 2.0 },
                7 => Fate::InProgress { respond: 2.0 },
                8 => Fate::WaitingForSupport,
                _ => {
                    let respond = rng.random_range(0.2..7.0);
                    match rng.random_range(0..100) {
                        r if r < 55 => Fate::Resolved { respond, resolve: respond + rng.random_range(0.5..30.0) },
                        _ if rtype.needs_approval => Fate::WaitingForApproval,
                        r if r < 68 => Fate::InProgress { respond },
                        r if r < 84 => Fate::WaitingForCustomer { respond, wait: respond + rng.random_range(0.2..goal * 0.6) },
                        _ => Fate::WaitingForSupport,
                    }
                }
            }
        };
        let fate = match fate {
            Fate::Resolved { resolve, .. } | Fate::WaitingForCustomer { wait: resolve, .. } if resolve >= age_h => {
                Fate::InProgress { respond: 0.1_f64.max(age_h / 4.0) }
            }
            f => f,
        };
        let at = |h: f64| created + Duration::seconds((h * 3600.0) as i64);
        let reporter = if i % 7 == 1 { alice.clone() } else { reporters.choose(rng).unwrap().clone() };
        let agent = agents.iter().filter(|a| **a != reporter).collect::<Vec<_>>().choose(rng).map(|a| (*a).clone()).unwrap_or_else(|| admin.clone());
        let id = next_issue;
        next_issue += 1;
        let mut comments = Vec::new();
        let mut changelog = Vec::new();
        let mut comment = |author: &str, body: &str, t: DateTime<Utc>, is_internal: bool, comments: &mut Vec<Comment>| {
            comments.push(Comment {
                id: next_comment,
                author_id: author.to_string(),
                body: body.to_string(),
                created: t,
                updated: t,
                update_author_id: author.to_string(),
                restriction: None,
            });
            if is_internal {
                internal.push(next_comment);
            }
            next_comment += 1;
        };
        let mut change = |from: u64, to: u64, t: DateTime<Utc>, author: &str, changelog: &mut Vec<ChangeGroup>, site: &Site| {
            changelog.push(status_change(site, next_change, author, t, from, to));
            next_change += 1;
        };
        let mut status = WAITING_FOR_SUPPORT;
        let mut status_date = created;
        let (mut first_response, mut resolved, mut paused) = (None, None, None);
        let mut approvals = Vec::new();
        let mut assignee = None;
        if rtype.needs_approval {
            change(WAITING_FOR_SUPPORT, WAITING_FOR_APPROVAL, created + Duration::minutes(1), &admin, &mut changelog, site);
            status = WAITING_FOR_APPROVAL;
            status_date = created + Duration::minutes(1);
            // Alice approves every other request; the others go to colleagues.
            let approvers: Vec<String> =
                if i % 8 < 4 { vec![alice.clone(), admin.clone()] } else { approver_pool.iter().filter(|a| **a != reporter).take(2).cloned().collect() };
            let decided = !matches!(fate, Fate::WaitingForApproval | Fate::WaitingForSupport);
            let declined = decided && i % 10 == 9;
            let done_at = at(0.5_f64.min(age_h / 2.0));
            let decision = if !decided {
                "pending"
            } else if declined {
                "declined"
            } else {
                "approved"
            };
            approvals.push(Approval {
                id: next_approval,
                name: "Waiting for approval".into(),
                final_decision: decision.into(),
                approvers: approvers
                    .iter()
                    .enumerate()
                    .map(|(k, a)| Approver { account_id: a.clone(), decision: if decided && k == 0 { decision.into() } else { "pending".into() } })
                    .collect(),
                created: status_date,
                completed: decided.then_some(done_at),
            });
            next_approval += 1;
            if decided {
                let to = if declined { RESOLVED } else { WAITING_FOR_SUPPORT };
                change(WAITING_FOR_APPROVAL, to, done_at, &approvers[0], &mut changelog, site);
                status = to;
                status_date = done_at;
                if declined {
                    resolved = Some(done_at);
                    comment(&agent, "Your manager declined the purchase.", done_at, false, &mut comments);
                    first_response = Some(done_at);
                }
            }
        }
        let plan = match fate {
            Fate::Resolved { respond, resolve } => Some((respond, Some(resolve), false)),
            Fate::WaitingForCustomer { respond, wait } => Some((respond, Some(wait), true)),
            Fate::InProgress { respond } => Some((respond, None, false)),
            Fate::WaitingForSupport | Fate::WaitingForApproval => None,
        };
        match plan {
            _ if resolved.is_some() => {}
            Some((respond, until, waiting)) => {
                let respond = respond.max(0.75_f64.min(age_h / 8.0));
                assignee = Some(agent.clone());
                if rng.random_bool(0.3) {
                    comment(&agent, "Internal note: checked the logs, nothing unusual yet.", at(respond / 2.0), true, &mut comments);
                }
                comment(&agent, "Thanks for reaching out, we are looking into it.", at(respond), false, &mut comments);
                first_response = Some(at(respond));
                change(status, IN_PROGRESS, at(respond), &agent, &mut changelog, site);
                status = IN_PROGRESS;
                status_date = at(respond);
                if let Some(until) = until.map(|u| u.max(respond + 0.1)) {
                    if waiting {
                        comment(&agent, "Could you tell us which device this happens on?", at(until), false, &mut comments);
                        change(status, WAITING_FOR_CUSTOMER, at(until), &agent, &mut changelog, site);
                        status = WAITING_FOR_CUSTOMER;
                        paused = Some(at(until));
                    } else {
                        if rng.random_bool(0.4) {
                            comment(&reporter, "Thanks, that works for me.", at((respond + until) / 2.0), false, &mut comments);
                        }
                        comment(&agent, "This is fixed now; reopen the request if it comes back.", at(until), false, &mut comments);
                        change(status, RESOLVED, at(until), &agent, &mut changelog, site);
                        status = RESOLVED;
                        resolved = Some(at(until));
                    }
                    status_date = at(until);
                }
            }
            None => {
                if rng.random_bool(0.4) && age_h > 1.0 {
                    comment(&reporter, "Any update on this?", at(age_h / 2.0), false, &mut comments);
                }
            }
        }
        let declined = approvals.iter().any(|a| a.final_decision == "declined");
        let mut participants = Vec::new();
        if rng.random_bool(0.35) {
            for _ in 0..rng.random_range(1..=2) {
                let p = reporters.choose(rng).unwrap().clone();
                if p != reporter && !participants.contains(&p) {
                    participants.push(p);
                }
            }
        }
        let updated = comments.iter().map(|c| c.created).chain([status_date, created]).max().unwrap();
        let summary = SUMMARIES[type_ix].choose(rng).unwrap().to_string();
        let description =
            format!("{summary}. It started {} and affects my daily work.", ["this morning", "yesterday", "after the last update"].choose(rng).unwrap());
        let priority = if type_ix == 2 { rng.random_range(1..=3) } else { rng.random_range(2..=4) };
        let key_n = i + 1;
        issues.push(Issue {
            id,
            key: format!("{HELP_KEY}-{key_n}"),
            summary,
            description: Some(description),
            issue_type_id: rtype.issue_type_id,
            status_id: status,
            priority_id: Some(priority),
            resolution_id: resolved.map(|_| if declined { 10001 } else { 10000 }),
            assignee_id: assignee,
            updated,
            resolution_date: resolved,
            comments,
            changelog,
            ..Issue::raised(project_id, &reporter, &reporter, created)
        });
        let ms = |h: i64| h * 3_600_000;
        requests.push(CustomerRequest {
            issue_id: id,
            desk_id,
            request_type_id: rtype.id,
            participants,
            status_date,
            slas: vec![
                SlaRecord {
                    metric_id: TTFR,
                    name: TTFR_NAME.into(),
                    goal_millis: ms(TTFR_GOAL_HOURS),
                    start: created,
                    stop: first_response,
                    paused_at: None,
                    paused_millis: 0,
                },
                SlaRecord {
                    metric_id: TTR,
                    name: TTR_NAME.into(),
                    goal_millis: ms(rtype.resolution_goal_hours),
                    start: created,
                    stop: resolved,
                    paused_at: if resolved.is_none() { paused } else { None },
                    paused_millis: 0,
                },
            ],
            approvals,
        });
    }
    let mut desk_customers: Vec<String> = Vec::new();
    for issue in &issues {
        if let Some(r) = &issue.reporter_id {
            if !desk_customers.contains(r) {
                desk_customers.push(r.clone());
            }
        }
    }
    site.issues.extend(issues);
    let sm = &mut site.service;
    sm.requests = requests;
    sm.internal_comments = internal.into_iter().collect();
    sm.organizations = vec![
        Organization { id: 1, name: "Acme Retail".into(), created: now - Duration::days(200), members: vec![customers[2].clone(), customers[3].clone()] },
        Organization { id: 2, name: "Partner Network".into(), created: now - Duration::days(150), members: vec![customers[1].clone(), customers[0].clone()] },
        Organization {
            id: 3,
            name: "Head Office".into(),
            created: now - Duration::days(100),
            members: vec![alice.clone(), people[2].clone(), people[3].clone()],
        },
    ];
    sm.desks = vec![ServiceDesk { id: desk_id, project_id, customers: desk_customers, organization_ids: vec![1, 2, 3] }];
    let queue = |id: u64, name: &str, jql: &str| Queue {
        id,
        desk_id,
        name: name.into(),
        jql: jql.into(),
        fields: ["issuetype", "issuekey", "summary", "reporter", "assignee", "status", "created"].iter().map(|s| s.to_string()).collect(),
    };
    sm.queues = vec![
        queue(1, "All open", "project = HELP AND resolution = Unresolved ORDER BY created DESC"),
        queue(2, "Assigned to me", "project = HELP AND assignee = currentUser() AND resolution = Unresolved ORDER BY created DESC"),
        queue(3, "Unassigned", "project = HELP AND assignee is EMPTY AND resolution = Unresolved ORDER BY created DESC"),
        queue(4, "Waiting for customer", "project = HELP AND status = \"Waiting for customer\" ORDER BY created DESC"),
    ];
    site.next_ids.insert("comment".into(), next_comment);
    site.next_ids.insert("changegroup".into(), next_change);
    site.next_ids.insert("issue".into(), next_issue);
    site.next_ids.insert(format!("issuekey:{HELP_KEY}"), n as u64 + 1);
    site.next_ids.insert("approval".into(), next_approval);
}
