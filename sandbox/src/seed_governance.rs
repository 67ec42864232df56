//! Governance data: project roles and their actors, permission schemes, an issue security
//! scheme, dashboards, Jira's and Confluence's audit logs (dated relative to the sandbox's
//! start), page restrictions, whiteboards and folders. It draws from a generator of its own and
//! only adds, so everything seeded before stays as it was.

use chrono::{DateTime, Duration, Utc};
use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::model::*;

/// Role ids: Administrators, Developers, Users.
pub const ROLE_ADMINISTRATORS: u64 = 10002;
pub const ROLE_DEVELOPERS: u64 = 10003;
pub const ROLE_USERS: u64 = 10004;

pub fn generate(rng: &mut ChaCha8Rng, site: &mut Site, now: DateTime<Utc>) {
    let people: Vec<String> = site.users.iter().take(11).map(|u| u.account_id.clone()).collect();
    let admin = people.get(1).cloned().unwrap_or_else(|| people[0].clone());
    let mut g = Governance {
        roles: vec![
            ProjectRoleDef {
                id: ROLE_ADMINISTRATORS,
                name: "Administrators".into(),
                description: "A project role that represents administrators in a project".into(),
            },
            ProjectRoleDef { id: ROLE_DEVELOPERS, name: "Developers".into(), description: "A project role that represents developers in a project".into() },
            ProjectRoleDef { id: ROLE_USERS, name: "Users".into(), description: "A project role that represents users in a project".into() },
        ],
        ..Governance::default()
    };
    let restricted_group = |p: &Project| match &p.visibility {
        Visibility::Group(gr) => Some(gr.clone()),
        _ => None,
    };
    for p in &site.projects {
        let mut admins = vec![p.lead_account_id.clone()];
        if !admins.contains(&admin) {
            admins.push(admin.clone());
        }
        g.role_actors.push(RoleActors { project_id: p.id, role_id: ROLE_ADMINISTRATORS, users: admins, groups: vec!["site-admins".into()] });
        let mut devs: Vec<String> = people.choose_multiple(rng, 3).cloned().collect();
        devs.sort();
        let dev_groups = if restricted_group(p).is_some() { vec![] } else { vec!["developers".to_string()] };
        g.role_actors.push(RoleActors { project_id: p.id, role_id: ROLE_DEVELOPERS, users: devs, groups: dev_groups });
        let users_group = restricted_group(p).unwrap_or_else(|| "jira-software-users".into());
        g.role_actors.push(RoleActors { project_id: p.id, role_id: ROLE_USERS, users: vec![], groups: vec![users_group] });
    }

    // Permission schemes: the default one, and the restricted project's.
    let mut next_grant = 10_000u64;
    let mut grants = |list: &[(&str, &str, Option<&str>)]| -> Vec<PermissionGrantDef> {
        list.iter()
            .map(|(perm, ty, param)| {
                next_grant += 1;
                PermissionGrantDef { id: next_grant, permission: perm.to_string(), holder_type: ty.to_string(), holder_parameter: param.map(str::to_string) }
            })
            .collect()
    };
    let (users, devs, admins) = (ROLE_USERS.to_string(), ROLE_DEVELOPERS.to_string(), ROLE_ADMINISTRATORS.to_string());
    let (u, d, a) = (Some(users.as_str()), Some(devs.as_str()), Some(admins.as_str()));
    let default_grants = grants(&[
        ("BROWSE_PROJECTS", "projectRole", u),
        ("CREATE_ISSUES", "projectRole", u),
        ("ADD_COMMENTS", "projectRole", u),
        ("CREATE_ATTACHMENTS", "projectRole", u),
        ("EDIT_ISSUES", "projectRole", d),
        ("TRANSITION_ISSUES", "projectRole", d),
        ("ASSIGN_ISSUES", "projectRole", d),
        ("ASSIGNABLE_USER", "projectRole", d),
        ("RESOLVE_ISSUES", "projectRole", d),
        ("WORK_ON_ISSUES", "projectRole", d),
        ("SCHEDULE_ISSUES", "projectRole", d),
        ("LINK_ISSUES", "projectRole", d),
        ("MANAGE_WATCHERS", "projectRole", a),
        ("DELETE_ISSUES", "projectRole", a),
        ("DELETE_ALL_COMMENTS", "projectRole", a),
        ("ADMINISTER_PROJECTS", "projectRole", a),
        ("EDIT_OWN_COMMENTS", "reporter", None),
        ("CLOSE_ISSUES", "assignee", None),
        ("ADMINISTER_PROJECTS", "projectLead", None),
    ]);
    g.permission_schemes.push(PermissionSchemeDef {
        id: 0,
        name: "Default Permission Scheme".into(),
        description: "This is the default Permission Scheme. Any new projects that are created will be assigned this scheme.".into(),
        grants: default_grants,
        project_ids: vec![],
    });
    if let Some(sec) = site.projects.iter().find(|p| restricted_group(p).is_some()) {
        let group = restricted_group(sec).unwrap_or_default();
        let gr = Some(group.as_str());
        let sec_grants = grants(&[
            ("BROWSE_PROJECTS", "group", gr),
            ("CREATE_ISSUES", "group", gr),
            ("ADD_COMMENTS", "group", gr),
            ("EDIT_ISSUES", "group", gr),
            ("TRANSITION_ISSUES", "group", gr),
            ("ASSIGNABLE_USER", "group", gr),
            ("RESOLVE_ISSUES", "group", gr),
            ("DELETE_ISSUES", "projectRole", a),
            ("ADMINISTER_PROJECTS", "projectRole", a),
        ]);
        g.permission_schemes.push(PermissionSchemeDef {
            id: 10_000,
            name: format!("{} Permission Scheme", sec.name),
            description: format!("Only the {group} group may see or work on the {} project.", sec.name),
            grants: sec_grants,
            project_ids: vec![sec.id],
        });
    }

    // An issue security scheme with two levels on the first project.
    if let Some(first) = site.projects.first() {
        g.security_schemes.push(SecuritySchemeDef {
            id: 10_000,
            name: format!("{} Security Scheme", first.name),
            description: "Who may see sensitive issues.".into(),
            default_level_id: None,
            levels: vec![
                SecurityLevelDef { id: 10_000, name: "Staff".into(), description: "Employees only.".into(), groups: vec!["jira-software-users".into()] },
                SecurityLevelDef {
                    id: 10_001,
                    name: "Security team".into(),
                    description: "The security team only.".into(),
                    groups: vec!["security-team".into()],
                },
            ],
            project_ids: vec![first.id],
        });
    }

    // Dashboards: the system dashboard and four users' ones, shared in different ways.
    let share = |id: u64, kind: &str, value: Option<String>| SharePermissionDef { id, kind: kind.into(), value };
    let first_project = site.projects.first().map(|p| p.id.to_string());
    let alice = people[0].clone();
    let bob = people.get(2).cloned().unwrap_or_else(|| alice.clone());
    let carol = people.get(3).cloned().unwrap_or_else(|| alice.clone());
    g.dashboards = vec![
        DashboardDef {
            id: 10_000,
            name: "Default dashboard".into(),
            description: String::new(),
            owner_id: None,
            share: vec![share(10_000, "global", None)],
            edit: vec![],
            favourite_of: vec![alice.clone()],
        },
        DashboardDef {
            id: 10_001,
            name: "Engineering overview".into(),
            description: "Open work, by component and assignee.".into(),
            owner_id: Some(alice.clone()),
            share: vec![share(10_001, "project", first_project.clone())],
            edit: vec![share(10_002, "user", Some(bob.clone()))],
            favourite_of: vec![alice.clone(), bob.clone()],
        },
        DashboardDef {
            id: 10_002,
            name: "My bugs".into(),
            description: "Bugs assigned to me.".into(),
            owner_id: Some(alice.clone()),
            share: vec![],
            edit: vec![],
            favourite_of: vec![alice.clone()],
        },
        DashboardDef {
            id: 10_003,
            name: "Release readiness".into(),
            description: "Fix versions and their open issues.".into(),
            owner_id: Some(bob.clone()),
            share: vec![share(10_003, "loggedin", None)],
            edit: vec![share(10_004, "group", Some("developers".into()))],
            favourite_of: vec![bob.clone(), carol.clone()],
        },
        DashboardDef {
            id: 10_004,
            name: "Security incidents".into(),
            description: "Open security issues.".into(),
            owner_id: Some(admin.clone()),
            share: vec![share(10_005, "group", Some("security-team".into()))],
            edit: vec![],
            favourite_of: vec![admin.clone()],
        },
        DashboardDef {
            id: 10_005,
            name: "Carol's notes".into(),
            description: "Private.".into(),
            owner_id: Some(carol.clone()),
            share: vec![],
            edit: vec![],
            favourite_of: vec![carol],
        },
    ];

    // Audit logs over the last 60 days, oldest first.
    let start = now - Duration::days(60);
    let mut when: Vec<DateTime<Utc>> = (0..120).map(|_| start + Duration::seconds(rng.random_range(0..60 * 86_400))).collect();
    when.sort();
    let projects: Vec<(u64, String, String)> = site.projects.iter().map(|p| (p.id, p.key.clone(), p.name.clone())).collect();
    let users: Vec<(String, String)> = site.users.iter().take(11).map(|u| (u.account_id.clone(), u.display_name.clone())).collect();
    for (i, at) in when.into_iter().enumerate() {
        let (pid, pkey, pname) = projects.choose(rng).unwrap().clone();
        let (uid, uname) = users.choose(rng).unwrap().clone();
        let item = |ty: &str, id: String, name: String| AuditItem { type_name: ty.into(), id, name, parent: None };
        let (summary, category, object, changed, associated) = match i % 6 {
            0 => ("User created", "user management", item("USER", uid.clone(), uname.clone()), vec![change("Active", None, Some("true"))], vec![]),
            1 => (
                "User added to group",
                "group management",
                item("GROUP", "jira-software-users".into(), "jira-software-users".into()),
                vec![],
                vec![item("USER", uid.clone(), uname.clone())],
            ),
            2 => {
                let s = &g.permission_schemes[rng.random_range(0..g.permission_schemes.len())];
                (
                    "Permission scheme updated",
                    "permissions",
                    item("SCHEME", s.id.to_string(), s.name.clone()),
                    vec![change("Permission", None, Some("BROWSE_PROJECTS"))],
                    vec![item("PROJECT", pid.to_string(), pname.clone())],
                )
            }
            3 => (
                "Workflow updated",
                "workflows",
                item("WORKFLOW", format!("workflow-{pkey}"), format!("Software Simplified Workflow for Project {pkey}")),
                vec![change("Transitions", None, Some("In Review"))],
                vec![item("PROJECT", pid.to_string(), pname.clone())],
            ),
            4 => (
                "Project roles changed",
                "projects",
                item("PROJECT", pid.to_string(), pname.clone()),
                vec![change("Developers", None, Some(&uname))],
                vec![item("USER", uid.clone(), uname.clone())],
            ),
            _ => ("Project updated", "projects", item("PROJECT", pid.to_string(), pname.clone()), vec![change("Lead", None, Some(&uname))], vec![]),
        };
        g.jira_audit.push(AuditEntry {
            id: 10_000 + i as u64,
            summary: summary.into(),
            description: String::new(),
            category: category.into(),
            author_id: admin.clone(),
            remote_address: format!("10.0.{}.{}", rng.random_range(0..8), rng.random_range(2..250)),
            created: at,
            object,
            changed,
            associated,
        });
    }
    let mut when: Vec<DateTime<Utc>> = (0..80).map(|_| start + Duration::seconds(rng.random_range(0..60 * 86_400))).collect();
    when.sort();
    let spaces: Vec<(String, String)> = site.spaces.iter().map(|s| (s.key.clone(), s.name.clone())).collect();
    for (i, at) in when.into_iter().enumerate() {
        let (skey, sname) = spaces.choose(rng).unwrap().clone();
        let (_, uname) = users.choose(rng).unwrap().clone();
        let item = |ty: &str, name: &str| AuditItem { type_name: ty.into(), id: String::new(), name: name.into(), parent: None };
        let (summary, category, object, changed, associated) = match i % 4 {
            0 => (
                "Space permission added",
                "Permissions",
                item("Space", &sname),
                vec![change("Permission", None, Some("VIEWSPACE"))],
                vec![item("Group", "confluence-users")],
            ),
            1 => ("Space created", "Spaces", item("Space", &sname), vec![change("Key", None, Some(&skey))], vec![]),
            2 => ("User added to group", "Users and groups", item("User", &uname), vec![], vec![item("Group", "confluence-users")]),
            _ => (
                "Global permission changed",
                "Permissions",
                item("Global permission", "Can use"),
                vec![change("Group", None, Some("confluence-users"))],
                vec![],
            ),
        };
        g.confluence_audit.push(AuditEntry {
            id: i as u64 + 1,
            summary: summary.into(),
            description: String::new(),
            category: category.into(),
            author_id: admin.clone(),
            remote_address: format!("10.1.{}.{}", rng.random_range(0..8), rng.random_range(2..250)),
            created: at,
            object,
            changed,
            associated,
        });
    }

    // Page restrictions: some pages only a group may read, some only their author may edit.
    let pages: Vec<(u64, String, u64)> =
        site.contents.iter().filter(|c| c.kind == ContentKind::Page && c.status == "current").map(|c| (c.id, c.author_id.clone(), c.space_id)).collect();
    for (n, (id, author, _)) in pages.iter().filter(|(id, ..)| id % 7 == 2).take(6).enumerate() {
        if n % 2 == 0 {
            g.restrictions.push(ContentRestrictionDef {
                content_id: *id,
                operation: "read".into(),
                users: vec![author.clone()],
                groups: vec!["developers".into()],
            });
        }
        g.restrictions.push(ContentRestrictionDef { content_id: *id, operation: "update".into(), users: vec![author.clone()], groups: vec![] });
    }

    // Whiteboards and folders: in the first space, a folder under a top-level page holding a
    // whiteboard and a folder, which holds another whiteboard.
    if let Some(space) = site.spaces.first().map(|s| s.id) {
        let parent =
            site.contents.iter().find(|c| c.kind == ContentKind::Page && c.status == "current" && c.space_id == space && c.parent_id.is_none()).map(|c| c.id);
        let next = |site: &mut Site| site.next_id("content", 1);
        let mut author = || people.choose(rng).unwrap().clone();
        let created = now - Duration::days(20);
        let mut ids: Vec<u64> = Vec::new();
        for (i, (kind, title, under, position)) in TREE.iter().enumerate() {
            let id = next(site);
            let parent_id = match under {
                Under::Page => parent,
                Under::Item(j) => Some(ids[*j]),
                Under::Top => None,
            };
            g.tree_items.push(TreeItem {
                id,
                kind: kind.to_string(),
                title: title.to_string(),
                space_id: space,
                parent_id,
                author_id: author(),
                created_at: created + Duration::days(i as i64),
                position: *position,
            });
            ids.push(id);
        }
    }
    site.governance = g;
}

/// Where a seeded whiteboard or folder sits: under the space's first top-level page, under an
/// item seeded before it (its index), or at the space's top.
enum Under {
    Page,
    Item(usize),
    Top,
}

/// The seeded whiteboards and folders, in order: kind, title, place, position among siblings.
const TREE: &[(&str, &str, Under, i64)] = &[
    ("folder", "Planning", Under::Page, 900),
    ("whiteboard", "Architecture sketch", Under::Item(0), 0),
    ("folder", "Quarterly", Under::Item(0), 1),
    ("whiteboard", "Q3 retro board", Under::Item(2), 0),
    ("whiteboard", "Brainstorm", Under::Top, 901),
];

fn change(field: &str, from: Option<&str>, to: Option<&str>) -> AuditChange {
    AuditChange { field: field.into(), from: from.map(str::to_string), to: to.map(str::to_string) }
}
