//! Deterministic generation of a plausible site: the same seed and sizes always give the same data,
//! so tests can compare what the driver returns with what the sandbox holds.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::Config;
use crate::model::*;

/// The sandbox's data starts on this instant; all generated timestamps follow it.
pub fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap()
}

const WORDS: &[&str] = &[
    "login",
    "catalog",
    "search",
    "report",
    "export",
    "import",
    "dashboard",
    "billing",
    "invoice",
    "timeout",
    "cache",
    "database",
    "migration",
    "upgrade",
    "release",
    "deploy",
    "pipeline",
    "permission",
    "audit",
    "backup",
    "restore",
    "sync",
    "webhook",
    "token",
    "session",
    "email",
    "notification",
    "latency",
    "memory",
    "crash",
    "layout",
    "mobile",
    "browser",
    "checkout",
    "payment",
    "refund",
    "analytics",
    "index",
    "query",
    "schema",
    "upload",
    "download",
    "preview",
    "onboarding",
    "settings",
    "profile",
    "avatar",
    "calendar",
    "reminder",
    "filter",
    "sorting",
];
const VERBS: &[&str] = &["Fix", "Improve", "Add", "Remove", "Investigate", "Document", "Refactor", "Speed up", "Test", "Review", "Design", "Support"];
const LABELS: &[&str] = &["backend", "frontend", "ux", "performance", "security", "tech-debt", "customer", "regression", "docs", "infra"];
const PAGE_TOPICS: &[&str] = &[
    "Architecture",
    "Runbook",
    "Meeting notes",
    "Retrospective",
    "Onboarding guide",
    "Release plan",
    "Design review",
    "Incident report",
    "How-to",
    "Roadmap",
    "Requirements",
    "Decision log",
];

struct Person(&'static str, &'static str, &'static str);

const PEOPLE: &[Person] = &[
    Person("Alice Example", "alice@example.com", "Europe/Berlin"),
    Person("Site Admin", "admin@example.com", "UTC"),
    Person("Bob Builder", "bob@example.com", "America/New_York"),
    Person("Carol Chen", "carol@example.com", "Asia/Shanghai"),
    Person("Dan Dubois", "dan@example.com", "Europe/Paris"),
    Person("Erin Ólafsdóttir", "erin@example.com", "Atlantic/Reykjavik"),
    Person("Frank Müller", "frank@example.com", "Europe/Zurich"),
    Person("Grace Hopper", "grace@example.com", "America/Los_Angeles"),
    Person("Hiro Tanaka", "hiro@example.com", "Asia/Tokyo"),
    Person("Ines O'Neil", "ines@example.com", "Pacific/Auckland"),
    Person("Security Officer", "sec@example.com", "UTC"),
];

/// Cloud account ids look like `712020:` + a UUID; derived from the seed so they are stable.
fn account_id(rng: &mut ChaCha8Rng) -> String {
    let b: [u8; 16] = rng.random();
    let u = uuid::Builder::from_random_bytes(b).into_uuid();
    format!("712020:{u}")
}

fn sentence(rng: &mut ChaCha8Rng, words: usize) -> String {
    let mut out = Vec::with_capacity(words);
    for _ in 0..words {
        out.push(*WORDS.choose(rng).unwrap());
    }
    let mut s = out.join(" ");
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    s.push('.');
    s
}

fn instant(rng: &mut ChaCha8Rng, days: i64) -> DateTime<Utc> {
    epoch() + Duration::seconds(rng.random_range(0..days.max(1) * 86_400))
}

pub fn generate(cfg: &Config) -> Site {
    // Jira Service Management's requests are dated relative to the sandbox's start (to the
    // minute), so "this month" and "last month" both hold some.
    generate_at(cfg, Utc.timestamp_opt(Utc::now().timestamp() / 60 * 60, 0).unwrap())
}

/// The site, its service requests dated relative to `now`.
pub fn generate_at(cfg: &Config, now: DateTime<Utc>) -> Site {
    let mut site = generate_before_service(cfg);
    // Jira Service Management, from a generator of its own too.
    crate::seed_service::generate(&mut ChaCha8Rng::seed_from_u64(cfg.seed ^ 0x15D5), &mut site, now);
    site.reindex();
    // Governance (roles, schemes, dashboards, audit logs, restrictions, whiteboards and folders),
    // from a generator of its own too.
    crate::seed_governance::generate(&mut ChaCha8Rng::seed_from_u64(cfg.seed ^ 0x60F3), &mut site, now);
    site
}

/// Everything seeded before Jira Service Management.
fn generate_before_service(cfg: &Config) -> Site {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    // Users and groups. The start-up line's user and admin are the first two people.
    let groups = ["site-admins", "confluence-users", "jira-software-users", "security-team", "developers"]
        .iter()
        .map(|name| Group { id: uuid::Builder::from_random_bytes(rng.random()).into_uuid().to_string(), name: (*name).to_string() })
        .collect();
    let mut site = Site { groups, ..Site::default() };
    for (i, p) in PEOPLE.iter().enumerate() {
        let email = match i {
            0 => cfg.user.clone(),
            1 => cfg.admin_user.clone(),
            _ => p.1.to_string(),
        };
        let mut groups = vec!["confluence-users".to_string(), "jira-software-users".to_string()];
        if i == 1 {
            groups.push("site-admins".into());
            groups.push("security-team".into());
        }
        if p.1.starts_with("sec@") {
            groups.push("security-team".into());
        }
        if i % 2 == 0 {
            groups.push("developers".into());
        }
        site.users.push(User { account_id: account_id(&mut rng), display_name: p.0.to_string(), email, active: true, time_zone: p.2.to_string(), groups });
    }
    let user_ids: Vec<String> = site.users.iter().map(|u| u.account_id.clone()).collect();
    let pick_user = |rng: &mut ChaCha8Rng| user_ids.choose(rng).unwrap().clone();

    generate_confluence(cfg, &mut rng, &mut site, &user_ids);
    generate_jira(cfg, &mut rng, &mut site, &pick_user);
    // From a generator of its own, so the data drawn before stays as it was.
    enrich_jira(cfg, &mut ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xA61E), &mut site, &user_ids);
    seed_issue_activity(&mut ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xA77A), &mut site, &user_ids);
    seed_macros(&mut site);
    site.reindex();
    site
}

fn space_visibility(i: usize, n: usize) -> Visibility {
    // The first space is public (anonymous access), the last of several is the security team's.
    if i == 0 {
        Visibility::Public
    } else if n > 2 && i == n - 1 {
        Visibility::Group("security-team".into())
    } else {
        Visibility::Licensed
    }
}

fn generate_confluence(cfg: &Config, rng: &mut ChaCha8Rng, site: &mut Site, users: &[String]) {
    let space_names =
        [("ENG", "Engineering"), ("PROD", "Product"), ("SUP", "Support"), ("OPS", "Operations"), ("MKT", "Marketing"), ("FIN", "Finance"), ("PPL", "People")];
    let n_spaces = cfg.spaces.max(1);
    let mut next_content = 65_537u64;
    let mut next_label = 1_000u64;
    let mut next_space = 98_305u64;
    for i in 0..n_spaces {
        let vis = space_visibility(i, n_spaces);
        let (key, name) = if matches!(vis, Visibility::Group(_)) {
            ("SEC".to_string(), "Security Team".to_string())
        } else if i < space_names.len() {
            (space_names[i].0.to_string(), space_names[i].1.to_string())
        } else {
            (format!("SP{i}"), format!("Space {i}"))
        };
        let author = users.choose(rng).unwrap().clone();
        site.spaces.push(Space {
            id: next_space,
            key,
            name: name.clone(),
            kind: "global".into(),
            status: "current".into(),
            description: format!("The {name} team's space."),
            homepage_id: None,
            author_id: author,
            created_at: epoch() + Duration::days(i as i64),
            visibility: vis,
        });
        next_space += 1;
    }
    // A personal space, as every real site has.
    site.spaces.push(Space {
        id: next_space,
        key: "~alice".into(),
        name: site.users[0].display_name.clone(),
        kind: "personal".into(),
        status: "current".into(),
        description: String::new(),
        homepage_id: None,
        author_id: site.users[0].account_id.clone(),
        created_at: epoch(),
        visibility: Visibility::Licensed,
    });

    let issue_keys_hint = ["ENG", "OPS", "WEB", "APP", "SEC"];
    let mut pages_by_space: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    let space_ids: Vec<u64> = site.spaces.iter().map(|s| s.id).collect();
    let mut make_content = |site: &mut Site,
                            rng: &mut ChaCha8Rng,
                            kind: ContentKind,
                            space_id: u64,
                            parent: Option<u64>,
                            container: Option<u64>,
                            title: String,
                            created: DateTime<Utc>|
     -> u64 {
        let id = next_content;
        next_content += 1;
        let author = users.choose(rng).unwrap().clone();
        let mention = format!("{}-{}", issue_keys_hint[rng.random_range(0..3)], rng.random_range(1..40));
        let body = match kind {
            ContentKind::Page | ContentKind::BlogPost => format!(
                "<h1>{}</h1><p>{}</p><p>{} See <a href=\"/browse/{m}\">{m}</a>.</p><ul><li>{}</li><li>{}</li></ul>",
                html_escape::encode_text(&title),
                html_escape::encode_text(&sentence(rng, 12)),
                html_escape::encode_text(&sentence(rng, 8)),
                html_escape::encode_text(&sentence(rng, 4)),
                html_escape::encode_text(&sentence(rng, 5)),
                m = mention
            ),
            _ => format!("<p>{}</p>", html_escape::encode_text(&sentence(rng, 9))),
        };
        let n_versions = if matches!(kind, ContentKind::Page) { rng.random_range(1..=4) } else { 1 };
        let mut versions = Vec::new();
        let mut t = created;
        for v in 1..=n_versions {
            versions.push(ContentVersion {
                number: v,
                author_id: if v == 1 { author.clone() } else { users.choose(rng).unwrap().clone() },
                created_at: t,
                message: if v == 1 { String::new() } else { format!("Edit {v}") },
                minor_edit: v > 1 && rng.random_bool(0.3),
                title: title.clone(),
                body: if v == n_versions { body.clone() } else { format!("<p>Draft {v} of {}</p>", html_escape::encode_text(&title)) },
            });
            t += Duration::seconds(rng.random_range(3_600..20 * 86_400));
        }
        let mut labels = Vec::new();
        if !matches!(kind, ContentKind::FooterComment | ContentKind::InlineComment) {
            let mut pool: Vec<&str> = LABELS.to_vec();
            pool.shuffle(rng);
            for name in pool.into_iter().take(rng.random_range(0..3)) {
                labels.push(Label { id: next_label, name: name.to_string(), prefix: "global".into() });
                next_label += 1;
            }
        }
        let mut properties = Vec::new();
        if matches!(kind, ContentKind::Page) && rng.random_bool(0.3) {
            properties.push(ContentProperty {
                id: 300_000 + id,
                key: "review-state".into(),
                value: {
                    let state = ["draft", "in-review", "approved"][rng.random_range(0..3)];
                    serde_json::json!({"state": state, "reviewers": rng.random_range(0..4)})
                },
                version: 1,
            });
        }
        let is_comment = matches!(kind, ContentKind::FooterComment | ContentKind::InlineComment);
        site.contents.push(Content {
            id,
            kind,
            title,
            space_id,
            parent_id: parent,
            container_id: container,
            status: "current".into(),
            author_id: author.clone(),
            owner_id: author,
            created_at: created,
            body,
            versions,
            labels,
            properties,
            position: id as i64,
            inline_selection: if kind == ContentKind::InlineComment { Some(WORDS.choose(rng).unwrap().to_string()) } else { None },
            resolution_status: if is_comment { Some(if rng.random_bool(0.2) { "resolved" } else { "open" }.into()) } else { None },
        });
        id
    };

    // Home pages first, then the tree: each new page hangs under the home page or an earlier page.
    for (si, &sid) in space_ids.iter().enumerate() {
        let name = site.spaces[si].name.clone();
        let created = site.spaces[si].created_at;
        let home = make_content(site, rng, ContentKind::Page, sid, None, None, format!("{name} Home"), created);
        site.spaces[si].homepage_id = Some(home);
        pages_by_space.entry(sid).or_default().push(home);
    }
    let n_pages = cfg.pages.saturating_sub(space_ids.len());
    for i in 0..n_pages {
        let sid = space_ids[i % space_ids.len()];
        let siblings = pages_by_space.get(&sid).cloned().unwrap_or_default();
        let parent = *siblings.choose(rng).unwrap();
        let title = format!("{} {}: {} ({})", PAGE_TOPICS.choose(rng).unwrap(), i + 1, WORDS.choose(rng).unwrap(), sid % 1000);
        let created = instant(rng, 300);
        let id = make_content(site, rng, ContentKind::Page, sid, Some(parent), None, title, created);
        pages_by_space.entry(sid).or_default().push(id);
    }
    for i in 0..cfg.blogposts {
        let sid = space_ids[i % space_ids.len()];
        let title = format!("Weekly update {}: {}", i + 1, WORDS.choose(rng).unwrap());
        let created = instant(rng, 300);
        make_content(site, rng, ContentKind::BlogPost, sid, None, None, title, created);
    }
    // Comments on about half the pages and posts, footer and inline.
    let containers: Vec<(u64, u64, DateTime<Utc>, String)> = site
        .contents
        .iter()
        .filter(|c| matches!(c.kind, ContentKind::Page | ContentKind::BlogPost))
        .map(|c| (c.id, c.space_id, c.created_at, c.title.clone()))
        .collect();
    for (cid, sid, created, title) in &containers {
        if rng.random_bool(0.5) {
            for _ in 0..rng.random_range(1..=3) {
                let kind = if rng.random_bool(0.25) { ContentKind::InlineComment } else { ContentKind::FooterComment };
                let at = *created + Duration::seconds(rng.random_range(60..30 * 86_400));
                make_content(site, rng, kind, *sid, None, Some(*cid), format!("Re: {title}"), at);
            }
        }
    }
    // Attachments on some pages; small real bytes so downloads can be compared.
    let mut next_att = 500_000u64;
    for (cid, _sid, created, _title) in containers.iter().filter(|_| true) {
        if rng.random_bool(0.2) {
            let (name, media, data) = if rng.random_bool(0.5) {
                ("notes.txt".to_string(), "text/plain".to_string(), sentence(rng, 30).into_bytes())
            } else {
                let mut d = vec![0u8; rng.random_range(64..2048)];
                rng.fill(&mut d[..]);
                ("diagram.png".to_string(), "image/png".to_string(), d)
            };
            site.attachments.push(Attachment {
                id: next_att,
                title: name,
                media_type: media,
                comment: "Uploaded by the sandbox".into(),
                container_id: *cid,
                author_id: users.choose(rng).unwrap().clone(),
                created_at: *created + Duration::hours(2),
                version: 1,
                file_id: uuid::Builder::from_random_bytes(rng.random()).into_uuid().to_string(),
                data,
            });
            next_att += 1;
        }
    }
    // Tasks (from task lists) on a fifth of the pages.
    let mut next_task = 1u64;
    for (cid, sid, created, _t) in &containers {
        if rng.random_bool(0.2) {
            for _ in 0..rng.random_range(1..=3) {
                let done = rng.random_bool(0.4);
                site.tasks.push(Task {
                    id: next_task,
                    local_id: format!("{next_task}"),
                    content_id: *cid,
                    space_id: *sid,
                    status: if done { "complete" } else { "incomplete" }.into(),
                    body: format!("<span>{}</span>", sentence(rng, 5)),
                    creator_id: users.choose(rng).unwrap().clone(),
                    assignee_id: if rng.random_bool(0.6) { Some(users.choose(rng).unwrap().clone()) } else { None },
                    created_at: *created,
                    due_at: if rng.random_bool(0.5) { Some(*created + Duration::days(rng.random_range(1..30))) } else { None },
                });
                next_task += 1;
            }
        }
    }
    site.next_ids.insert("content".into(), next_content);
    site.next_ids.insert("label".into(), next_label);
    site.next_ids.insert("attachment".into(), next_att);
    site.next_ids.insert("task".into(), next_task);
    site.next_ids.insert("space".into(), next_space + 1);
}

fn generate_jira(cfg: &Config, rng: &mut ChaCha8Rng, site: &mut Site, pick_user: &dyn Fn(&mut ChaCha8Rng) -> String) {
    site.status_categories = vec![
        StatusCategory { id: 2, key: "new".into(), name: "To Do".into(), color: "blue-gray".into() },
        StatusCategory { id: 4, key: "indeterminate".into(), name: "In Progress".into(), color: "yellow".into() },
        StatusCategory { id: 3, key: "done".into(), name: "Done".into(), color: "green".into() },
    ];
    site.statuses = vec![
        Status { id: 10000, name: "To Do".into(), description: "Work that has not been started.".into(), category_id: 2 },
        Status { id: 3, name: "In Progress".into(), description: "This issue is being actively worked on.".into(), category_id: 4 },
        Status { id: 10001, name: "In Review".into(), description: "Waiting for review.".into(), category_id: 4 },
        Status { id: 10002, name: "Done".into(), description: "Work is finished.".into(), category_id: 3 },
    ];
    site.issue_types = vec![
        NamedItem { id: 10000, name: "Epic".into(), description: "A big user story that needs to be broken down.".into() },
        NamedItem { id: 10001, name: "Task".into(), description: "A small, distinct piece of work.".into() },
        NamedItem { id: 10002, name: "Bug".into(), description: "A problem or error.".into() },
        NamedItem { id: 10003, name: "Story".into(), description: "Functionality or a feature expressed as a user goal.".into() },
    ];
    site.priorities = ["Highest", "High", "Medium", "Low", "Lowest"]
        .iter()
        .enumerate()
        .map(|(i, n)| NamedItem { id: i as u64 + 1, name: n.to_string(), description: format!("{n} priority.") })
        .collect();
    site.resolutions = vec![
        NamedItem { id: 10000, name: "Done".into(), description: "Work has been completed on this issue.".into() },
        NamedItem { id: 10001, name: "Won't Do".into(), description: "This issue won't be actioned.".into() },
        NamedItem { id: 10002, name: "Duplicate".into(), description: "The problem is a duplicate of an existing issue.".into() },
    ];
    site.custom_fields = vec![
        CustomField::seeded(10016, "Story Points", CustomFieldKind::Number, "Estimate in story points", vec![]),
        CustomField::seeded(10015, "Start date", CustomFieldKind::Date, "When work starts", vec![]),
        CustomField::seeded(10020, "Sprint", CustomFieldKind::Sprint, "Jira Software sprint field", vec![]),
        CustomField::seeded(
            10040,
            "Severity",
            CustomFieldKind::Select,
            "Impact on customers",
            vec![(10100, "S1 - Critical".into()), (10101, "S2 - Major".into()), (10102, "S3 - Minor".into())],
        ),
        CustomField::seeded(10050, "Reviewers", CustomFieldKind::MultiUser, "Who reviews the work", vec![]),
        CustomField::seeded(10060, "Release Notes", CustomFieldKind::Text, "Text for the release notes", vec![]),
        CustomField::seeded(10070, "Deployed At", CustomFieldKind::DateTime, "When the fix reached production", vec![]),
        CustomField::seeded(
            10080,
            "Platforms",
            CustomFieldKind::MultiSelect,
            "Affected platforms",
            vec![(10200, "Web".into()), (10201, "iOS".into()), (10202, "Android".into()), (10203, "Desktop".into())],
        ),
    ];
    site.link_types = vec![
        IssueLinkType { id: 10000, name: "Blocks".into(), inward: "is blocked by".into(), outward: "blocks".into() },
        IssueLinkType { id: 10001, name: "Cloners".into(), inward: "is cloned by".into(), outward: "clones".into() },
        IssueLinkType { id: 10002, name: "Duplicate".into(), inward: "is duplicated by".into(), outward: "duplicates".into() },
        IssueLinkType { id: 10003, name: "Relates".into(), inward: "relates to".into(), outward: "relates to".into() },
    ];

    let keys = ["ENG", "OPS", "WEB", "APP", "DATA", "HR", "FIN", "MKT"];
    let names = ["Engineering", "Operations", "Website", "Mobile App", "Data Platform", "People Ops", "Finance", "Marketing"];
    let n_projects = cfg.projects.max(1);
    let mut next_comp = 10_000u64;
    let mut next_ver = 10_000u64;
    for i in 0..n_projects {
        let restricted = n_projects > 2 && i == n_projects - 1;
        let (key, name) = if restricted {
            ("SEC".to_string(), "Security".to_string())
        } else if i < keys.len() {
            (keys[i].to_string(), names[i].to_string())
        } else {
            (format!("P{i}"), format!("Project {i}"))
        };
        let visibility = if i == 0 {
            Visibility::Public
        } else if restricted {
            Visibility::Group("security-team".into())
        } else {
            Visibility::Licensed
        };
        let components = ["API", "UI", "Storage"]
            .iter()
            .map(|c| {
                next_comp += 1;
                Component { id: next_comp, name: c.to_string(), description: format!("{c} of {name}"), lead_account_id: Some(pick_user(rng)) }
            })
            .collect();
        let versions = (1..=3)
            .map(|v| {
                next_ver += 1;
                let released = v < 3;
                ProjectVersion {
                    id: next_ver,
                    name: format!("{v}.0"),
                    description: format!("Release {v}.0 of {name}"),
                    released,
                    archived: false,
                    release_date: Some(epoch().date_naive() + Duration::days(90 * v)),
                    start_date: Some(epoch().date_naive() + Duration::days(90 * (v - 1))),
                }
            })
            .collect();
        site.projects.push(Project {
            id: 10_000 + i as u64,
            key,
            description: format!("Issues of the {name} team"),
            name,
            lead_account_id: pick_user(rng),
            type_key: "software".into(),
            visibility,
            components,
            versions,
            category_id: None,
            url: None,
        });
    }
    // A scrum board with three sprints (closed, active, future) per project, and a kanban board for the first.
    let mut next_sprint = 1u64;
    for (i, p) in site.projects.iter().enumerate() {
        let board_id = i as u64 + 1;
        site.boards.push(Board { id: board_id, name: format!("{} board", p.key), kind: "scrum".into(), project_id: p.id });
        for (s, state) in ["closed", "active", "future"].iter().enumerate() {
            let start = epoch() + Duration::days(300 + 14 * s as i64);
            site.sprints.push(Sprint {
                id: next_sprint,
                board_id,
                name: format!("{} Sprint {}", p.key, s + 1),
                state: state.to_string(),
                goal: format!("Ship {}", WORDS[(next_sprint as usize * 7) % WORDS.len()]),
                start_date: if *state != "future" { Some(start) } else { None },
                end_date: if *state != "future" { Some(start + Duration::days(14)) } else { None },
                complete_date: if *state == "closed" { Some(start + Duration::days(14)) } else { None },
            });
            next_sprint += 1;
        }
    }
    let kanban_id = site.boards.len() as u64 + 1;
    site.boards.push(Board { id: kanban_id, name: format!("{} kanban", site.projects[0].key), kind: "kanban".into(), project_id: site.projects[0].id });

    // Issues, spread over projects; keys count up per project.
    let mut per_project = vec![0u64; n_projects];
    let mut next_comment = 10_000u64;
    let mut next_worklog = 10_000u64;
    let mut next_change = 10_000u64;
    for n in 0..cfg.issues {
        let pi = n % n_projects;
        per_project[pi] += 1;
        let project = &site.projects[pi];
        let id = 10_000 + n as u64;
        let key = format!("{}-{}", project.key, per_project[pi]);
        let created = instant(rng, 365);
        let status = site.statuses.choose(rng).unwrap().clone();
        let done = status.category_id == 3;
        let updated = created + Duration::seconds(rng.random_range(0..60 * 86_400));
        let resolution_date = if done { Some(updated) } else { None };
        let issue_type_id = [10001, 10001, 10002, 10002, 10003, 10000][rng.random_range(0..6)];
        let reporter = pick_user(rng);
        let n_labels = rng.random_range(0..3);
        let mut labels: Vec<String> = LABELS.choose_multiple(rng, n_labels).map(|s| s.to_string()).collect();
        labels.sort();
        let mut custom = BTreeMap::new();
        if rng.random_bool(0.7) {
            custom.insert(10016, CustomValue::Number([1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 0.5][rng.random_range(0..7)]));
        }
        if rng.random_bool(0.5) {
            custom.insert(10015, CustomValue::Date(created.date_naive() + Duration::days(rng.random_range(0..20))));
        }
        let project_sprints: Vec<u64> = site.sprints.iter().filter(|s| s.board_id == pi as u64 + 1).map(|s| s.id).collect();
        if rng.random_bool(0.6) && !project_sprints.is_empty() {
            custom.insert(10020, CustomValue::Sprints(vec![*project_sprints.choose(rng).unwrap()]));
        }
        if issue_type_id == 10002 || rng.random_bool(0.2) {
            custom.insert(10040, CustomValue::Option(10100 + rng.random_range(0..3)));
        }
        if rng.random_bool(0.4) {
            let mut r = vec![pick_user(rng)];
            if rng.random_bool(0.5) {
                let other = pick_user(rng);
                if other != r[0] {
                    r.push(other);
                }
            }
            custom.insert(10050, CustomValue::Users(r));
        }
        if done && rng.random_bool(0.5) {
            custom.insert(10060, CustomValue::Text(sentence(rng, 6)));
            custom.insert(10070, CustomValue::DateTime(updated));
        }
        if rng.random_bool(0.3) {
            let mut opts: Vec<u64> = (10200..10204).filter(|_| rng.random_bool(0.5)).collect();
            if opts.is_empty() {
                opts.push(10200);
            }
            custom.insert(10080, CustomValue::Options(opts));
        }
        let mut comments = Vec::new();
        for c in 0..rng.random_range(0..4) {
            let at = created + Duration::seconds(rng.random_range(60..20 * 86_400) * (c + 1));
            let author = pick_user(rng);
            comments.push(Comment {
                id: next_comment,
                author_id: author.clone(),
                body: sentence(rng, 10),
                created: at,
                updated: at,
                update_author_id: author,
                restriction: None,
            });
            next_comment += 1;
        }
        let mut worklogs = Vec::new();
        for _ in 0..rng.random_range(0..3) {
            let at = created + Duration::seconds(rng.random_range(3_600..10 * 86_400));
            worklogs.push(Worklog {
                id: next_worklog,
                author_id: pick_user(rng),
                comment: sentence(rng, 5),
                started: at,
                time_spent_seconds: 900 * rng.random_range(1..17),
                created: at,
                updated: at,
                restriction: None,
            });
            next_worklog += 1;
        }
        let mut changelog = Vec::new();
        if status.id != 10000 {
            changelog.push(ChangeGroup {
                id: next_change,
                author_id: pick_user(rng),
                created: updated,
                items: vec![ChangeItem::status_from_to_do(status.id, &status.name)],
            });
            next_change += 1;
        }
        let components: Vec<u64> = site.projects[pi].components.iter().map(|c| c.id).filter(|_| rng.random_bool(0.3)).collect();
        let fix_versions: Vec<u64> = if done { vec![site.projects[pi].versions[rng.random_range(0..2)].id] } else { vec![] };
        site.issues.push(Issue {
            id,
            key,
            project_id: site.projects[pi].id,
            summary: format!("{} {} {}", VERBS.choose(rng).unwrap(), WORDS.choose(rng).unwrap(), WORDS.choose(rng).unwrap()),
            description: if rng.random_bool(0.85) { Some(format!("{}\n\n{}", sentence(rng, 14), sentence(rng, 9))) } else { None },
            environment: None,
            issue_type_id,
            status_id: status.id,
            priority_id: Some(rng.random_range(1..=5)),
            resolution_id: if done { Some(10000 + rng.random_range(0..3)) } else { None },
            assignee_id: if rng.random_bool(0.8) { Some(pick_user(rng)) } else { None },
            reporter_id: Some(reporter.clone()),
            creator_id: reporter,
            labels,
            component_ids: components,
            fix_version_ids: fix_versions,
            affected_version_ids: Vec::new(),
            original_estimate: None,
            remaining_estimate: None,
            created,
            updated,
            resolution_date,
            due_date: if rng.random_bool(0.4) { Some(created.date_naive() + Duration::days(rng.random_range(1..60))) } else { None },
            parent_id: None,
            custom,
            comments,
            worklogs,
            changelog,
            watchers: Vec::new(),
            voters: Vec::new(),
            remote_links: Vec::new(),
            attachments: Vec::new(),
        });
    }
    // Links between nearby issues.
    let mut next_link = 10_000u64;
    for i in 1..site.issues.len() {
        if rng.random_bool(0.1) {
            let j = rng.random_range(0..i);
            site.links.push(IssueLink {
                id: next_link,
                type_id: site.link_types.choose(rng).unwrap().id,
                inward_issue_id: site.issues[j].id,
                outward_issue_id: site.issues[i].id,
            });
            next_link += 1;
        }
    }
    let alice = site.users[0].account_id.clone();
    site.filters = vec![
        Filter {
            id: 10000,
            name: "My open issues".into(),
            description: "Assigned to me and not done".into(),
            jql: "assignee = currentUser() AND statusCategory != Done ORDER BY updated DESC".into(),
            owner_id: alice.clone(),
            favourite: true,
        },
        Filter {
            id: 10001,
            name: "Recent bugs".into(),
            description: "Bugs created in the last two weeks".into(),
            jql: "issuetype = Bug AND created >= -14d".into(),
            owner_id: alice,
            favourite: false,
        },
    ];
    let _ = NaiveDate::from_ymd_opt(2024, 1, 1);
    site.next_ids.insert("issue".into(), 10_000 + cfg.issues as u64);
    site.next_ids.insert("comment".into(), next_comment);
    site.next_ids.insert("worklog".into(), next_worklog);
    site.next_ids.insert("changegroup".into(), next_change);
    site.next_ids.insert("issuelink".into(), next_link);
    site.next_ids.insert("component".into(), next_comp + 1);
    site.next_ids.insert("version".into(), next_ver + 1);
    site.next_ids.insert("filter".into(), 10002);
    for (i, p) in site.projects.iter().enumerate() {
        site.next_ids.insert(format!("issuekey:{}", p.key), per_project[i] + 1);
    }
}

/// What reports on issues read beyond their fields' current values: issues moved through In
/// Progress on their way to In Review or Done, estimates, environments and affected versions
/// of bugs, epics' children (`parent`), and on Cloud a team-managed board without sprints.
fn enrich_jira(cfg: &Config, rng: &mut ChaCha8Rng, site: &mut Site, users: &[String]) {
    let status = |site: &Site, id: u64| site.statuses.iter().find(|s| s.id == id).map(|s| s.name.clone());
    let in_progress = status(site, 3);
    let mut next_change = site.next_ids.get("changegroup").copied().unwrap_or(10_000);
    let epics: Vec<(u64, u64)> = site.issues.iter().filter(|i| i.issue_type_id == EPIC_TYPE).map(|i| (i.id, i.project_id)).collect();
    let n = site.issues.len();
    for ix in 0..n {
        let (created, project_id) = (site.issues[ix].created, site.issues[ix].project_id);
        // Through In Progress: the one seeded change (To Do -> now) splits at its midpoint.
        let through = matches!(site.issues[ix].status_id, 10001 | 10002) && site.issues[ix].changelog.len() == 1 && rng.random_bool(0.7);
        if let (true, Some(name)) = (through, in_progress.clone()) {
            let last = site.issues[ix].changelog[0].created;
            let mid = created + (last - created) / 2;
            let author = users.choose(rng).unwrap().clone();
            let first = ChangeGroup { id: next_change, author_id: author, created: mid, items: vec![ChangeItem::status_from_to_do(3, &name)] };
            next_change += 1;
            let issue = &mut site.issues[ix];
            issue.changelog[0].items[0].from = Some("3".into());
            issue.changelog[0].items[0].from_string = Some(name);
            issue.changelog.insert(0, first);
        }
        let issue = &mut site.issues[ix];
        if issue.issue_type_id != EPIC_TYPE && rng.random_bool(0.6) {
            let original = 3_600 * rng.random_range(1..=16);
            let spent: i64 = issue.worklogs.iter().map(|w| w.time_spent_seconds).sum();
            issue.original_estimate = Some(original);
            issue.remaining_estimate = Some(if issue.status_id == 10002 { 0 } else { (original - spent).max(0) });
        }
        // Bugs: where they were seen, and in which versions.
        if issue.issue_type_id == 10002 {
            if rng.random_bool(0.4) {
                issue.environment =
                    Some(["Chrome 120 on macOS 14", "Firefox 121 on Ubuntu 22.04", "Safari on iOS 17", "Edge on Windows 11"].choose(rng).unwrap().to_string());
            }
            if rng.random_bool(0.5) {
                if let Some(v) = site.projects.iter().find(|p| p.id == project_id).and_then(|p| p.versions.choose(rng)) {
                    let v = v.id;
                    site.issues[ix].affected_version_ids.push(v);
                }
            }
        }
        // Now and then a comment or worklog only the developers group may see.
        for c in site.issues[ix].comments.iter_mut().filter(|_| rng.random_bool(0.15)) {
            c.restriction = Some(Restriction { kind: "group".into(), value: "developers".into() });
        }
        for w in site.issues[ix].worklogs.iter_mut().filter(|_| rng.random_bool(0.1)) {
            w.restriction = Some(Restriction { kind: "group".into(), value: "developers".into() });
        }
        // Epics' children: a story, task or bug of the same project, now and then.
        let issue = &mut site.issues[ix];
        if issue.issue_type_id != EPIC_TYPE && rng.random_bool(0.4) {
            let mine: Vec<u64> = epics.iter().filter(|(_, p)| *p == project_id).map(|(id, _)| *id).collect();
            issue.parent_id = mine.choose(rng).copied();
        }
    }
    site.next_ids.insert("changegroup".into(), next_change);
    // Two categories; the first project in one with its documentation's URL, the second in the other.
    site.project_categories = vec![
        ProjectCategory { id: 10000, name: "Engineering".into(), description: "Product engineering".into() },
        ProjectCategory { id: 10001, name: "Operations".into(), description: "Keeping things running".into() },
    ];
    for (i, p) in site.projects.iter_mut().enumerate().take(2) {
        p.category_id = Some(10000 + i as u64);
        if i == 0 {
            p.url = Some(format!("https://docs.example.com/{}", p.key.to_lowercase()));
        }
    }
    if cfg.flavor == crate::config::Flavor::Cloud && site.projects.len() > 1 {
        // The second project (every user sees it; the last may be the security team's).
        let p = &site.projects[1];
        let board = Board { id: site.boards.len() as u64 + 1, name: format!("{} team board", p.key), kind: "simple".into(), project_id: p.id };
        site.boards.push(board);
    }
}

/// What hangs off issues: sub-tasks (some stories, tasks and bugs become sub-tasks of another
/// issue of their project, so no issue is added), watchers (the reporter and assignee, as Jira
/// adds them, and others), votes (never the reporter's: Jira refuses voting for your own issue),
/// remote links and attachments. Its own random stream, so the data before it stays as it was.
fn seed_issue_activity(rng: &mut ChaCha8Rng, site: &mut Site, users: &[String]) {
    if !site.issue_types.iter().any(|t| t.id == SUBTASK_TYPE) {
        site.issue_types.push(NamedItem {
            id: SUBTASK_TYPE,
            name: "Sub-task".into(),
            description: "A small piece of work that's part of a larger task.".into(),
        });
    }
    let n = site.issues.len();
    let mut next_link = 10_000u64;
    let mut next_attachment = site.next_ids.get("jira_attachment").copied().unwrap_or(10_000);
    for ix in 0..n {
        let (project_id, ty, created) = (site.issues[ix].project_id, site.issues[ix].issue_type_id, site.issues[ix].created);
        let is_child = site.issues[ix].parent_id.is_some();
        if ty != EPIC_TYPE && !is_child && ix > 0 && rng.random_bool(0.12) {
            // Its parent: an earlier issue of the project that is neither an epic nor a sub-task.
            let parents: Vec<u64> = site.issues[..ix]
                .iter()
                .filter(|p| p.project_id == project_id && p.issue_type_id != EPIC_TYPE && p.issue_type_id != SUBTASK_TYPE)
                .map(|p| p.id)
                .collect();
            if let Some(parent) = parents.choose(rng) {
                site.issues[ix].parent_id = Some(*parent);
                site.issues[ix].issue_type_id = SUBTASK_TYPE;
            }
        }
        let issue = &mut site.issues[ix];
        let mut watchers: Vec<String> = issue.reporter_id.iter().chain(issue.assignee_id.iter()).cloned().collect();
        for _ in 0..rng.random_range(0..=2) {
            watchers.push(users.choose(rng).unwrap().clone());
        }
        watchers.sort();
        watchers.dedup();
        issue.watchers = watchers;
        let mut voters: Vec<String> =
            (0..rng.random_range(0..=3)).map(|_| users.choose(rng).unwrap().clone()).filter(|u| Some(u) != issue.reporter_id.as_ref()).collect();
        voters.sort();
        voters.dedup();
        issue.voters = voters;
        if rng.random_bool(0.2) {
            for _ in 0..rng.random_range(1..=2) {
                let confluence = rng.random_bool(0.5);
                let n = next_link;
                issue.remote_links.push(RemoteLink {
                    id: n,
                    global_id: confluence.then(|| format!("appId=8a1b2c3d&pageId={}", 65_000 + n)),
                    application: confluence.then(|| ("com.atlassian.confluence".to_string(), "Confluence".to_string())),
                    relationship: Some(if confluence { "mentioned in" } else { "relates to" }.to_string()),
                    url: if confluence {
                        format!("https://wiki.example.com/pages/viewpage.action?pageId={}", 65_000 + n)
                    } else {
                        format!("https://git.example.com/pulls/{n}")
                    },
                    title: if confluence { format!("Design notes {n}") } else { format!("Pull request #{n}") },
                    summary: (!confluence).then(|| format!("Changes for {}", issue.key)),
                    resolved: !confluence && rng.random_bool(0.5),
                });
                next_link += 1;
            }
        }
        if rng.random_bool(0.15) {
            for k in 0..rng.random_range(1..=2) {
                let (filename, mime_type, bytes) = if k == 0 {
                    (format!("{}-notes.txt", issue.key.to_lowercase()), "text/plain", format!("Notes on {}\n{}\n", issue.key, issue.summary).into_bytes())
                } else {
                    ("measurements.csv".to_string(), "text/csv", format!("issue,value\n{},{}\n", issue.key, rng.random_range(1..1000)).into_bytes())
                };
                issue.attachments.push(IssueAttachment {
                    id: next_attachment,
                    filename,
                    author_id: users.choose(rng).unwrap().clone(),
                    created: created + Duration::hours(rng.random_range(1..48)),
                    mime_type: mime_type.to_string(),
                    bytes,
                });
                next_attachment += 1;
            }
        }
    }
    site.next_ids.insert("remotelink".into(), next_link);
    site.next_ids.insert("jira_attachment".into(), next_attachment);
    // A closed sprint's unfinished issues were carried over into its board's next sprint: their
    // Sprint field names both, as Jira's does.
    let sprint_field = site.sprint_field_number();
    let carried: Vec<(usize, u64)> = site
        .issues
        .iter()
        .enumerate()
        .filter_map(|(ix, issue)| {
            let done = site.status(issue.status_id).and_then(|st| site.status_category(st.category_id)).is_some_and(|c| c.key == "done");
            let Some(CustomValue::Sprints(ids)) = sprint_field.and_then(|n| issue.custom.get(&n)) else { return None };
            let last = site.sprint(*ids.last()?)?;
            let next = site.sprints.iter().filter(|s| s.board_id == last.board_id && s.state != "closed" && s.id > last.id).map(|s| s.id).min()?;
            (!done && last.state == "closed").then_some((ix, next))
        })
        .collect();
    for (ix, next) in carried {
        if let Some(CustomValue::Sprints(ids)) = sprint_field.and_then(|n| site.issues[ix].custom.get_mut(&n)) {
            ids.push(next);
        }
    }
}

/// Some pages and blog posts end with a macro, so their rendered view differs from their
/// storage: an info panel naming their author (a user mention) or a code block. By id, without
/// randomness, so the data before it stays as it was.
fn seed_macros(site: &mut Site) {
    for c in site.contents.iter_mut().filter(|c| matches!(c.kind, ContentKind::Page | ContentKind::BlogPost)) {
        let extra = match c.id % 6 {
            0 => format!(
                "<ac:structured-macro ac:name=\"info\" ac:schema-version=\"1\"><ac:rich-text-body><p>Owned by <ac:link><ri:user ri:account-id=\"{}\" /></ac:link>.</p></ac:rich-text-body></ac:structured-macro>",
                c.author_id
            ),
            3 => "<ac:structured-macro ac:name=\"code\" ac:schema-version=\"1\"><ac:plain-text-body><![CDATA[if a < b { deploy(); }]]></ac:plain-text-body></ac:structured-macro>".to_string(),
            _ => continue,
        };
        c.body.push_str(&extra);
        if let Some(v) = c.versions.last_mut() {
            v.body.push_str(&extra);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The service project's seed only appends: what was seeded before stays exactly as it was,
    /// and the same seed and start give the same requests.
    #[test]
    fn service_seed_leaves_earlier_data_alone() {
        let cfg = Config::defaults();
        let before = generate_before_service(&cfg);
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap();
        let after = generate_at(&cfg, now);
        assert_eq!(json(&after.issues[..before.issues.len()]), json(&before.issues[..]));
        assert_eq!(json(&after.users[..before.users.len()]), json(&before.users[..]));
        assert_eq!(json(&after.projects[..before.projects.len()]), json(&before.projects[..]));
        assert_eq!(json(&after.statuses[..before.statuses.len()]), json(&before.statuses[..]));
        assert_eq!(json(&after.issue_types[..before.issue_types.len()]), json(&before.issue_types[..]));
        assert_eq!(json(&after.contents), json(&before.contents));
        assert_eq!(after.issues.len(), before.issues.len() + 60);
        assert!(after.issues[before.issues.len()..].iter().all(|i| i.key.starts_with("HELP-") && i.id >= 10_000 + cfg.issues as u64));
        let again = generate_at(&cfg, now);
        assert_eq!(json(&again.issues[..]), json(&after.issues[..]));
        assert_eq!(json(&again.service), json(&after.service));
        // Started just after a month began: its requests still fit.
        let early = generate_at(&cfg, Utc.with_ymd_and_hms(2026, 1, 1, 0, 30, 0).unwrap());
        assert_eq!(early.service.requests.len(), 60);
    }

    /// The governance seed only adds: what was seeded before stays exactly as it was.
    #[test]
    fn governance_seed_leaves_earlier_data_alone() {
        let cfg = Config::defaults();
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap();
        let mut before = generate_before_service(&cfg);
        crate::seed_service::generate(&mut ChaCha8Rng::seed_from_u64(cfg.seed ^ 0x15D5), &mut before, now);
        let after = generate_at(&cfg, now);
        assert_eq!(json(&after.issues), json(&before.issues));
        assert_eq!(json(&after.users), json(&before.users));
        assert_eq!(json(&after.projects), json(&before.projects));
        assert_eq!(json(&after.contents), json(&before.contents));
        assert_eq!(json(&after.spaces), json(&before.spaces));
        assert_eq!(json(&after.service), json(&before.service));
        let g = &after.governance;
        assert_eq!(g.roles.len(), 3);
        assert_eq!(g.jira_audit.len(), 120);
        assert_eq!(g.confluence_audit.len(), 80);
        assert!(g.jira_audit.iter().all(|r| r.created <= now && r.created >= now - Duration::days(60)));
        assert_eq!(g.tree_items.len(), 5);
        assert!(g.tree_items.iter().all(|t| after.content(t.id).is_none()));
        assert_eq!(json(&generate_at(&cfg, now).governance), json(g));
    }

    fn json<T: serde::Serialize + ?Sized>(v: &T) -> String {
        serde_json::to_string(v).unwrap()
    }
}
