//! Governance against the running sandbox: workflows, project roles, permission and issue
//! security schemes, dashboards, audit logs (Jira and Confluence), space permissions, content
//! restrictions, page analytics, whiteboards, folders and ancestors, on the flavors that serve them.

mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::SandboxProc;

fn as_user(sb: &SandboxProc, path: &str) -> (u16, Value) {
    let r = sb.get(path);
    (r.status().as_u16(), r.json().unwrap_or(Value::Null))
}

fn as_admin(sb: &SandboxProc, path: &str) -> (u16, Value) {
    let r = sb.get_as_admin(path);
    (r.status().as_u16(), r.json().unwrap_or(Value::Null))
}

fn ok(sb: &SandboxProc, path: &str) -> Value {
    let (s, b) = as_admin(sb, path);
    assert_eq!(s, 200, "GET {path}: {b}");
    b
}

fn group_names(sb: &SandboxProc) -> BTreeSet<String> {
    let b = ok(sb, "/rest/api/3/groups/picker?maxResults=50");
    b["groups"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap().to_string()).collect()
}

fn me(sb: &SandboxProc) -> String {
    as_user(sb, "/rest/api/3/myself").1["accountId"].as_str().unwrap().to_string()
}

#[test]
fn project_roles_hold_existing_users_and_groups() {
    let sb = SandboxProc::start(&[]);
    let groups = group_names(&sb);
    let roles = ok(&sb, "/rest/api/3/project/ENG/role");
    let map = roles.as_object().unwrap();
    assert_eq!(map.keys().cloned().collect::<BTreeSet<_>>(), ["Administrators", "Developers", "Users"].iter().map(|s| s.to_string()).collect());
    for (name, url) in map {
        let path = url.as_str().unwrap().strip_prefix(&sb.info.url).unwrap().to_string();
        let role = ok(&sb, &path);
        assert_eq!(&role["name"], name);
        assert!((10002..=10004).contains(&role["id"].as_u64().unwrap()));
        let actors = role["actors"].as_array().unwrap();
        assert!(!actors.is_empty(), "{name} has actors");
        for a in actors {
            match a["type"].as_str().unwrap() {
                "atlassian-group-role-actor" => assert!(groups.contains(a["actorGroup"]["name"].as_str().unwrap()), "{a}"),
                "atlassian-user-role-actor" => {
                    let id = a["actorUser"]["accountId"].as_str().unwrap();
                    let (s, u) = as_admin(&sb, &format!("/rest/api/3/user?accountId={id}"));
                    assert_eq!(s, 200);
                    assert_eq!(u["displayName"], a["displayName"]);
                }
                other => panic!("actor type {other}"),
            }
        }
    }
    // The site's roles: admins only.
    assert_eq!(as_user(&sb, "/rest/api/3/role").0, 403);
    let all = ok(&sb, "/rest/api/3/role");
    let ids: Vec<u64> = all.as_array().unwrap().iter().map(|r| r["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, vec![10002, 10003, 10004]);
    assert_eq!(ok(&sb, "/rest/api/2/role/10003")["name"], "Developers");
    assert_eq!(as_admin(&sb, "/rest/api/3/role/99").0, 404);
    assert_eq!(as_admin(&sb, "/rest/api/3/project/NOPE/role").0, 404);
    // The restricted project is not seen by whoever is outside its group.
    assert_eq!(as_user(&sb, "/rest/api/3/project/SEC/role").0, 404);
}

#[test]
fn permission_schemes_and_their_grants() {
    let sb = SandboxProc::start(&[]);
    let plain = ok(&sb, "/rest/api/3/permissionscheme");
    let schemes = plain["permissionSchemes"].as_array().unwrap();
    assert!(schemes.len() >= 2);
    assert!(schemes.iter().all(|s| s.get("permissions").is_none()), "grants only when expanded");
    let expanded = ok(&sb, "/rest/api/3/permissionscheme?expand=permissions");
    let default = &expanded["permissionSchemes"][0];
    assert_eq!(default["id"], 0);
    let grants = default["permissions"].as_array().unwrap();
    let holds = |perm: &str, role: u64| {
        grants.iter().any(|g| {
            g["permission"] == perm && g["holder"]["type"] == "projectRole" && g["holder"]["value"].as_str().and_then(|v| v.parse::<u64>().ok()) == Some(role)
        })
    };
    assert!(holds("BROWSE_PROJECTS", 10004) && holds("ADMINISTER_PROJECTS", 10002) && holds("EDIT_ISSUES", 10003));
    let listed = ok(&sb, "/rest/api/3/permissionscheme/0/permission");
    assert_eq!(listed["permissions"].as_array().unwrap().len(), grants.len());
    let one = grants[0]["id"].as_u64().unwrap();
    assert_eq!(ok(&sb, &format!("/rest/api/3/permissionscheme/0/permission/{one}"))["permission"], grants[0]["permission"]);
    assert_eq!(as_admin(&sb, "/rest/api/3/permissionscheme/4242").0, 404);
    // The restricted project has its own scheme, granting its group.
    let sec = ok(&sb, "/rest/api/3/project/SEC/permissionscheme?expand=permissions");
    assert_ne!(sec["id"], 0);
    assert!(sec["permissions"].as_array().unwrap().iter().any(|g| g["permission"] == "BROWSE_PROJECTS" && g["holder"]["parameter"] == "security-team"));
    assert_eq!(ok(&sb, "/rest/api/3/project/ENG/permissionscheme")["id"], 0);
    // A project's scheme is its administrators': the default user sees it where they are one.
    let alice = me(&sb);
    for key in ["ENG", "OPS"] {
        let admins = ok(&sb, &format!("/rest/api/3/project/{key}/role/10002"));
        let is_admin = admins["actors"].as_array().unwrap().iter().any(|a| a["actorUser"]["accountId"] == alice.as_str());
        let (s, _) = as_user(&sb, &format!("/rest/api/3/project/{key}/permissionscheme"));
        assert_eq!(s, if is_admin { 200 } else { 403 }, "{key}");
    }
    // Data Center's holders name the role by parameter only.
    let dc = SandboxProc::start(&["--flavor", "datacenter"]);
    let g = ok(&dc, "/rest/api/2/permissionscheme/0/permission");
    assert!(g["permissions"].as_array().unwrap().iter().all(|g| g["holder"].get("value").is_none()));
}

#[test]
fn issue_security_levels_are_the_callers() {
    let sb = SandboxProc::start(&[]);
    let admin_levels = ok(&sb, "/rest/api/3/project/ENG/securitylevel")["levels"].as_array().unwrap().len();
    let user_levels = as_user(&sb, "/rest/api/3/project/ENG/securitylevel").1["levels"].as_array().unwrap().len();
    assert_eq!(admin_levels, 2, "the admin is in both levels' groups");
    assert_eq!(user_levels, 1, "the default user is not in the security team");
    assert_eq!(ok(&sb, "/rest/api/3/project/OPS/securitylevel")["levels"].as_array().unwrap().len(), 0);
    assert_eq!(as_user(&sb, "/rest/api/3/issuesecurityschemes").0, 403);
    let schemes = ok(&sb, "/rest/api/3/issuesecurityschemes");
    let s = &schemes["issueSecuritySchemes"][0];
    assert_eq!(s["levels"].as_array().unwrap().len(), 2);
    assert_eq!(ok(&sb, &format!("/rest/api/3/issuesecurityschemes/{}", s["id"]))["name"], s["name"]);
    let level = &s["levels"][1];
    let path = level["self"].as_str().unwrap().strip_prefix(&sb.info.url).unwrap().to_string();
    assert_eq!(&as_user(&sb, &path).1, level);
    assert_eq!(as_user(&sb, "/rest/api/3/securitylevel/777").0, 404);
    let dc = SandboxProc::start(&["--flavor", "datacenter"]);
    assert_eq!(ok(&dc, "/rest/api/2/project/ENG/securitylevel")["levels"].as_array().unwrap().len(), 2);
}

#[test]
fn dashboards_page_filter_and_hide_what_is_not_shared() {
    let sb = SandboxProc::start(&[]);
    let alice = me(&sb);
    let all = as_user(&sb, "/rest/api/3/dashboard").1;
    let total = all["total"].as_u64().unwrap() as usize;
    let ids: Vec<String> = all["dashboards"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids.len(), total);
    assert!(!ids.contains(&"10005".to_string()), "a private dashboard of someone else");
    assert_eq!(as_user(&sb, "/rest/api/3/dashboard/10005").0, 404);
    assert!(!ids.contains(&"10004".to_string()), "shared with a group the user is not in");
    assert!(ok(&sb, "/rest/api/3/dashboard")["dashboards"].as_array().unwrap().iter().any(|d| d["id"] == "10004"), "the admin is in that group");
    // Paging.
    let mut seen = Vec::new();
    let mut start = 0;
    loop {
        let page = as_user(&sb, &format!("/rest/api/3/dashboard?startAt={start}&maxResults=2")).1;
        let got = page["dashboards"].as_array().unwrap();
        seen.extend(got.iter().map(|d| d["id"].as_str().unwrap().to_string()));
        assert_eq!(page["total"].as_u64().unwrap() as usize, total);
        if page.get("next").is_none() {
            break;
        }
        assert!(page["next"].as_str().unwrap().contains(&format!("startAt={}", start + 2)));
        start += 2;
    }
    assert_eq!(seen, ids);
    // `my` and `favourite`.
    let my = as_user(&sb, "/rest/api/3/dashboard?filter=my").1;
    assert!(my["total"].as_u64().unwrap() >= 1);
    assert!(my["dashboards"].as_array().unwrap().iter().all(|d| d["owner"]["accountId"] == alice.as_str()));
    let fav = as_user(&sb, "/rest/api/3/dashboard?filter=favourite").1;
    assert!(fav["dashboards"].as_array().unwrap().iter().all(|d| d["isFavourite"] == true));
    // The search: by name, owner, order; fields only as expanded.
    let found = as_user(&sb, "/rest/api/3/dashboard/search?dashboardName=readiness").1;
    assert_eq!(found["values"].as_array().unwrap().len(), 1);
    assert!(found["values"][0].get("owner").is_none());
    let mine = as_user(&sb, &format!("/rest/api/3/dashboard/search?accountId={alice}&expand=owner")).1;
    assert!(mine["values"].as_array().unwrap().iter().all(|d| d["owner"]["accountId"] == alice.as_str()));
    let desc = as_user(&sb, "/rest/api/3/dashboard/search?orderBy=-name").1;
    let names: Vec<String> = desc["values"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap().to_lowercase()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(names, sorted);
    // Data Center: the list, no search.
    let dc = SandboxProc::start(&["--flavor", "datacenter"]);
    let list = as_user(&dc, "/rest/api/2/dashboard?maxResults=1").1;
    assert_eq!(list["dashboards"].as_array().unwrap().len(), 1);
    assert!(list["total"].as_u64().unwrap() > 1);
    assert_eq!(as_user(&dc, "/rest/api/2/dashboard/search").0, 404);
}

#[test]
fn workflows_agree_with_the_transitions_issues_offer() {
    let sb = SandboxProc::start(&[]);
    assert_eq!(as_user(&sb, "/rest/api/3/workflow/search").0, 403);
    let page = ok(&sb, "/rest/api/3/workflow/search?expand=transitions,statuses");
    let wf =
        page["values"].as_array().unwrap().iter().find(|w| w["id"]["name"] == "Software Simplified Workflow for Project ENG").expect("ENG's workflow").clone();
    let statuses: BTreeSet<String> = wf["statuses"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()).collect();
    let offered = ok(&sb, "/rest/api/3/issue/ENG-2/transitions");
    for t in offered["transitions"].as_array().unwrap() {
        let to = t["to"]["id"].as_str().unwrap();
        assert!(statuses.contains(to));
        assert!(wf["transitions"].as_array().unwrap().iter().any(|w| w["id"] == t["id"] && w["to"] == to), "transition {t}");
    }
    assert!(ok(&sb, "/rest/api/3/workflow/search")["values"][0].get("transitions").is_none());
    let named = ok(&sb, "/rest/api/3/workflow/search?workflowName=Software%20Simplified%20Workflow%20for%20Project%20OPS");
    assert_eq!(named["total"], 1);
    let q = ok(&sb, "/rest/api/3/workflow/search?queryString=service");
    assert!(q["values"].as_array().unwrap().iter().all(|w| w["id"]["name"].as_str().unwrap().to_lowercase().contains("service")));
    let one = ok(&sb, "/rest/api/3/workflow/search?maxResults=1&startAt=1");
    assert_eq!(one["values"].as_array().unwrap().len(), 1);
    // Data Center: every workflow, admins only.
    let dc = SandboxProc::start(&["--flavor", "datacenter"]);
    assert_eq!(as_user(&dc, "/rest/api/2/workflow").0, 401);
    let list = ok(&dc, "/rest/api/2/workflow");
    assert_eq!(list.as_array().unwrap().len(), page["total"].as_u64().unwrap() as usize);
    assert_eq!(ok(&dc, "/rest/api/2/workflow?workflowName=Software%20Simplified%20Workflow%20for%20Project%20ENG").as_array().unwrap().len(), 1);
    assert_eq!(as_admin(&dc, "/rest/api/2/workflow/search").0, 404);
}

#[test]
fn jira_audit_records_filter_and_page_for_admins_only() {
    let sb = SandboxProc::start(&[]);
    assert_eq!(as_user(&sb, "/rest/api/3/auditing/record").0, 403);
    let all = ok(&sb, "/rest/api/3/auditing/record");
    assert_eq!(all["total"], 120);
    let records = all["records"].as_array().unwrap();
    assert_eq!(records.len(), 120);
    let created: Vec<String> = records.iter().map(|r| r["created"].as_str().unwrap().to_string()).collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "newest first");
    // Paging.
    let page = ok(&sb, "/rest/api/3/auditing/record?offset=100&limit=50");
    assert_eq!(page["records"].as_array().unwrap().len(), 20);
    assert_eq!(page["records"][0]["id"], records[100]["id"]);
    // from / to: the records between two of them.
    let (to, from) = (&created[10], &created[30]);
    let window = ok(&sb, &format!("/rest/api/3/auditing/record?from={}&to={}", enc(from), enc(to)));
    let expect = created.iter().filter(|c| *c >= from && *c <= to).count();
    assert_eq!(window["total"].as_u64().unwrap() as usize, expect);
    assert!(expect >= 21);
    assert_eq!(ok(&sb, &format!("/rest/api/3/auditing/record?from={}&to={}", enc(to), enc(from)))["total"], 0);
    assert_eq!(as_admin(&sb, "/rest/api/3/auditing/record?from=yesterday").0, 400);
    // filter: every word.
    let wf = ok(&sb, "/rest/api/3/auditing/record?filter=workflow%20updated");
    assert!(wf["total"].as_u64().unwrap() > 0);
    assert!(wf["records"].as_array().unwrap().iter().all(|r| r["summary"] == "Workflow updated"));
    assert_eq!(ok(&sb, "/rest/api/3/auditing/record?filter=workflow%20nosuchword")["total"], 0);
    // Data Center's description has no audit resource.
    let dc = SandboxProc::start(&["--flavor", "datacenter"]);
    assert_eq!(as_admin(&dc, "/rest/api/2/auditing/record").0, 404);
}

fn enc(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

#[test]
fn confluence_audit_for_admins_only() {
    let sb = SandboxProc::start(&[]);
    assert_eq!(as_user(&sb, "/wiki/rest/api/audit").0, 403);
    let all = ok(&sb, "/wiki/rest/api/audit");
    assert_eq!(all["size"], 80);
    let dates: Vec<i64> = all["results"].as_array().unwrap().iter().map(|r| r["creationDate"].as_i64().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));
    let page = ok(&sb, "/wiki/rest/api/audit?start=70&limit=25");
    assert_eq!(page["size"], 10);
    let first = ok(&sb, "/wiki/rest/api/audit?limit=25");
    assert!(first["_links"]["next"].as_str().unwrap().contains("start=25"));
    let (hi, lo) = (dates[5], dates[40]);
    let window = ok(&sb, &format!("/wiki/rest/api/audit?startDate={lo}&endDate={hi}"));
    assert_eq!(window["size"].as_u64().unwrap() as usize, dates.iter().filter(|d| **d >= lo && **d <= hi).count());
    let found = ok(&sb, "/wiki/rest/api/audit?searchString=space%20created");
    assert!(found["size"].as_u64().unwrap() > 0);
    assert!(found["results"].as_array().unwrap().iter().all(|r| r["summary"] == "Space created"));
    let dc = SandboxProc::start(&["--flavor", "datacenter"]);
    assert_eq!(as_user(&dc, "/rest/api/audit").0, 403);
    assert_eq!(ok(&dc, "/rest/api/audit")["size"], 80);
}

#[test]
fn space_permissions_page_by_cursor() {
    let sb = SandboxProc::start(&[]);
    let spaces = as_user(&sb, "/wiki/api/v2/spaces").1;
    let space = spaces["results"][0]["id"].as_str().unwrap().to_string();
    let all = as_user(&sb, &format!("/wiki/api/v2/spaces/{space}/permissions?limit=250")).1;
    let ids: Vec<String> = all["results"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    assert!(ids.len() > 3);
    let mut seen = Vec::new();
    let mut next = Some(format!("/wiki/api/v2/spaces/{space}/permissions?limit=3"));
    while let Some(p) = next.take() {
        let page = as_user(&sb, &p).1;
        seen.extend(page["results"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_string()));
        next = page["_links"]["next"].as_str().map(str::to_string);
    }
    assert_eq!(seen, ids);
    assert!(all["results"].as_array().unwrap().iter().any(|p| p["operation"]["key"] == "administer" && p["operation"]["targetType"] == "space"));
    assert!(all["results"].as_array().unwrap().iter().any(|p| p["operation"]["key"] == "read" && p["principal"]["type"] == "group"));
    assert_eq!(as_user(&sb, "/wiki/api/v2/spaces/1/permissions").0, 404);
}

#[test]
fn restrictions_analytics_and_the_page_tree() {
    let sb = SandboxProc::start(&[]);
    // A page some restriction applies to.
    let pages = as_user(&sb, "/wiki/api/v2/pages?limit=250").1;
    let pages = pages["results"].as_array().unwrap();
    let mut restricted = 0;
    for p in pages {
        let id = p["id"].as_str().unwrap();
        let r = as_user(&sb, &format!("/wiki/rest/api/content/{id}/restriction")).1;
        let ops: Vec<&str> = r["results"].as_array().unwrap().iter().map(|o| o["operation"].as_str().unwrap()).collect();
        assert_eq!(ops, ["read", "update"]);
        let by_op = as_user(&sb, &format!("/wiki/rest/api/content/{id}/restriction/byOperation")).1;
        assert_eq!(by_op["update"]["restrictions"], r["results"][1]["restrictions"]);
        let users = &r["results"][1]["restrictions"]["user"]["results"];
        if users.as_array().unwrap().is_empty() {
            continue;
        }
        restricted += 1;
        // Only the author edits.
        let page = as_user(&sb, &format!("/wiki/api/v2/pages/{id}")).1;
        assert_eq!(users[0]["accountId"], page["authorId"]);
    }
    assert!(restricted >= 3, "{restricted} restricted pages");
    // Views and viewers.
    let id = pages[0]["id"].as_str().unwrap();
    let views = as_user(&sb, &format!("/wiki/rest/api/analytics/content/{id}/views")).1["count"].as_u64().unwrap();
    let viewers = as_user(&sb, &format!("/wiki/rest/api/analytics/content/{id}/viewers")).1["count"].as_u64().unwrap();
    assert!(views > 0 && viewers > 0 && viewers <= views);
    let recent = as_user(&sb, &format!("/wiki/rest/api/analytics/content/{id}/views?fromDate=2025-06-01")).1["count"].as_u64().unwrap();
    assert!(recent < views);
    assert_eq!(as_user(&sb, &format!("/wiki/rest/api/analytics/content/{id}/views")).1["count"].as_u64().unwrap(), views, "the same every time");
    assert_eq!(as_user(&sb, &format!("/wiki/rest/api/analytics/content/{id}/views?fromDate=soon")).0, 400);
    // Ancestors follow the parentId chain, highest first.
    let by_id: std::collections::HashMap<String, &Value> = pages.iter().map(|p| (p["id"].as_str().unwrap().to_string(), p)).collect();
    let chain_of = |id: &str| {
        let mut chain = Vec::new();
        let mut cur = by_id[id]["parentId"].as_str().map(str::to_string);
        while let Some(p) = cur {
            chain.push(p.clone());
            cur = by_id.get(&p).and_then(|x| x["parentId"].as_str()).map(str::to_string);
        }
        chain.reverse();
        chain
    };
    let deep = pages.iter().map(|p| p["id"].as_str().unwrap()).max_by_key(|id| chain_of(id).len()).unwrap();
    let expected = chain_of(deep);
    assert!(expected.len() >= 2, "a page two levels down");
    let got = as_user(&sb, &format!("/wiki/api/v2/pages/{deep}/ancestors")).1;
    let got: Vec<String> = got["results"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(got, expected);
    let nearest = as_user(&sb, &format!("/wiki/api/v2/pages/{deep}/ancestors?limit=1")).1;
    assert_eq!(nearest["results"][0]["id"].as_str().unwrap(), expected.last().unwrap());
    let root = &expected[0];
    assert_eq!(as_user(&sb, &format!("/wiki/api/v2/pages/{root}/ancestors")).1["results"].as_array().unwrap().len(), 0);
    // Whiteboards and folders: their ancestors are their parentId chain too.
    let items = support::tree_item_list(&sb);
    assert_eq!(items.iter().filter(|(_, k)| k == "whiteboard").count(), 3);
    assert_eq!(items.iter().filter(|(_, k)| k == "folder").count(), 2);
    for (id, kind) in &items {
        let me = as_user(&sb, &format!("/wiki/api/v2/{kind}s/{id}")).1;
        assert_eq!(me["type"], kind.as_str());
        let anc = as_user(&sb, &format!("/wiki/api/v2/{kind}s/{id}/ancestors")).1;
        let anc = anc["results"].as_array().unwrap();
        match me["parentId"].as_str() {
            None => assert!(anc.is_empty()),
            Some(parent) => {
                let last = anc.last().unwrap();
                assert_eq!(last["id"], parent);
                assert_eq!(last["type"], me["parentType"]);
                if last["type"] == "page" {
                    assert_eq!(anc.len(), 1 + chain_of(parent).len());
                }
            }
        }
        let other = if kind == "folder" { "whiteboards" } else { "folders" };
        assert_eq!(as_user(&sb, &format!("/wiki/api/v2/{other}/{id}")).0, 404);
    }
    // Data Center: restrictions by operation only (under `restrictions`, as its description
    // has them), no restriction list, no analytics (its description lacks them).
    let dc = SandboxProc::start(&["--flavor", "datacenter"]);
    assert_eq!(as_user(&dc, &format!("/rest/api/content/{id}/restriction")).0, 404);
    assert_eq!(as_user(&dc, &format!("/rest/api/analytics/content/{id}/views")).0, 404);
    let by_op = as_user(&dc, &format!("/rest/api/content/{id}/restriction/byOperation")).1;
    let cloud = as_user(&sb, &format!("/wiki/rest/api/content/{id}/restriction/byOperation")).1;
    for op in ["read", "update"] {
        let names = |v: &Value| v["restrictions"]["group"]["results"].as_array().unwrap().iter().map(|g| g["name"].clone()).collect::<Vec<_>>();
        assert_eq!(names(&by_op["restrictions"][op]), names(&cloud[op]));
        assert_eq!(by_op["restrictions"][op]["restrictions"]["user"]["size"], cloud[op]["restrictions"]["user"]["size"]);
    }
}

#[test]
fn data_center_space_permissions_for_space_admins() {
    let dc = SandboxProc::start(&["--flavor", "datacenter"]);
    let list = ok(&dc, "/rest/api/space/ENG/permissions");
    let list = list.as_array().unwrap();
    assert!(list.iter().all(|p| p["spaceKey"] == "ENG"));
    assert!(list.iter().any(|p| p["operation"]["operationKey"] == "administer" && p["subject"]["type"] == "user"));
    assert!(list.iter().any(|p| p["operation"]["operationKey"] == "read" && p["subject"]["displayName"] == "confluence-users"));
    let sec = ok(&dc, "/rest/api/space/SEC/permissions");
    assert!(sec.as_array().unwrap().iter().any(|p| p["operation"]["operationKey"] == "read" && p["subject"]["displayName"] == "security-team"));
    let space = as_user(&dc, "/rest/api/space/ENG").1;
    let author_is_me = space["history"]["createdBy"]["username"].as_str().is_some_and(|u| u == me_dc(&dc));
    assert_eq!(as_user(&dc, "/rest/api/space/ENG/permissions").0, if author_is_me { 200 } else { 403 });
    assert_eq!(as_admin(&dc, "/rest/api/space/NOPE/permissions").0, 404);
}

fn me_dc(sb: &SandboxProc) -> String {
    as_user(sb, "/rest/api/2/myself").1["name"].as_str().unwrap_or_default().to_string()
}
