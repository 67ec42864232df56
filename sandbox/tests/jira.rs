//! Jira REST against the running sandbox binary: paging, visibility, writes, errors, Data Center.

mod support;

use std::collections::BTreeSet;

use serde_json::{json, Value};
use support::SandboxProc;

fn enc(s: &str) -> String {
    url_escape(s)
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every issue key of a JQL search, following `nextPageToken` with pages of `page` issues.
fn search_all(sb: &SandboxProc, jql: &str, page: usize) -> (Vec<String>, usize) {
    let mut keys = Vec::new();
    let mut token: Option<String> = None;
    let mut requests = 0;
    loop {
        let mut path = format!("/rest/api/3/search/jql?jql={}&maxResults={page}&fields=key", enc(jql));
        if let Some(t) = &token {
            path.push_str(&format!("&nextPageToken={}", enc(t)));
        }
        let v = sb.get_json(&path, 200);
        requests += 1;
        let issues = v["issues"].as_array().unwrap();
        assert!(issues.len() <= page);
        keys.extend(issues.iter().map(|i| i["key"].as_str().unwrap().to_string()));
        match v.get("nextPageToken").and_then(Value::as_str) {
            Some(t) => {
                assert_eq!(v["isLast"], false);
                token = Some(t.to_string());
            }
            None => {
                assert_eq!(v["isLast"], true);
                break;
            }
        }
    }
    (keys, requests)
}

#[test]
fn search_jql_pages_without_gaps_or_duplicates() {
    let sb = SandboxProc::start(&[]);
    let (small, requests) = search_all(&sb, "project in (ENG, OPS) ORDER BY key ASC", 7);
    let unique: BTreeSet<_> = small.iter().collect();
    assert_eq!(unique.len(), small.len(), "duplicates across pages");
    let (big, one) = search_all(&sb, "project in (ENG, OPS) ORDER BY key ASC", 5000);
    assert_eq!(one, 1);
    assert_eq!(small, big, "small pages and one big page disagree");
    assert_eq!(requests, big.len().div_ceil(7));
    let count = sb.send_json("POST", "/rest/api/3/search/approximate-count", &json!({"jql": "project in (ENG, OPS)"}));
    assert_eq!(count.0, 200);
    assert_eq!(count.1["count"].as_u64().unwrap() as usize, big.len());
    // Alice sees ENG (public) and OPS (licensed) but never SEC (security team only).
    assert!(big.iter().all(|k| k.starts_with("ENG-") || k.starts_with("OPS-")));
    assert!(!big.is_empty());
}

#[test]
fn search_jql_post_and_field_selection() {
    let sb = SandboxProc::start(&[]);
    let (status, v) =
        sb.send_json("POST", "/rest/api/3/search/jql", &json!({"jql": "project = ENG", "maxResults": 3, "fields": ["summary", "status", "customfield_10016"]}));
    assert_eq!(status, 200, "{v}");
    let issues = v["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 3);
    for i in issues {
        let fields = i["fields"].as_object().unwrap();
        let names: BTreeSet<&str> = fields.keys().map(String::as_str).collect();
        assert_eq!(names, BTreeSet::from(["summary", "status", "customfield_10016"]), "only the asked fields");
        assert!(i["key"].as_str().unwrap().starts_with("ENG-"));
    }
    // The default is ids only.
    let v = sb.get_json("/rest/api/3/search/jql?jql=project%20%3D%20ENG&maxResults=2", 200);
    assert_eq!(v["issues"][0].as_object().unwrap().keys().collect::<Vec<_>>(), vec!["id"]);
}

#[test]
fn search_refuses_what_jira_refuses() {
    let sb = SandboxProc::start(&[]);
    let r = sb.get("/rest/api/3/search?jql=project%3DENG");
    assert_eq!(r.status().as_u16(), 410);
    let v = sb.get_json("/rest/api/3/search/jql?jql=&maxResults=2", 400);
    assert!(v["errorMessages"][0].as_str().unwrap().contains("Unbounded JQL"), "{v}");
    let v = sb.get_json("/rest/api/3/search/jql?jql=project%3DENG&nextPageToken=garbage", 400);
    assert!(v["errorMessages"][0].as_str().unwrap().contains("token"), "{v}");
    let v = sb.get_json("/rest/api/3/search/jql?jql=project%3DENG&maxResults=abc", 400);
    assert!(v["errorMessages"].is_array());
    let (s, v) = sb.send_json("POST", "/rest/api/3/search/jql", &json!({"jql": "project = ENG", "maxResultz": 3}));
    assert_eq!(s, 400, "{v}");
    let resp = sb
        .http
        .post(sb.url("/rest/api/3/search/jql"))
        .basic_auth(&sb.info.user, Some(&sb.info.api_token))
        .body("{not json")
        .header("content-type", "application/json")
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    // A huge page is clamped to Jira's maximum, not an error.
    let v = sb.get_json("/rest/api/3/search/jql?jql=project%3DENG&maxResults=100000&fields=summary", 200);
    assert!(v["issues"].as_array().unwrap().len() <= 100);
}

#[test]
fn visibility_and_authentication() {
    let sb = SandboxProc::start(&[]);
    // Anonymous sees the public project only.
    let anon: Value = sb.http.get(sb.url("/rest/api/3/project/search")).send().unwrap().json().unwrap();
    let keys: Vec<&str> = anon["values"].as_array().unwrap().iter().map(|p| p["key"].as_str().unwrap()).collect();
    assert_eq!(keys, vec!["ENG"]);
    // Alice: public and licensed (ENG, OPS and the service project HELP); the admin (security
    // team) also SEC.
    let alice = sb.get_json("/rest/api/3/project/search", 200);
    assert_eq!(alice["total"], 3);
    let admin: Value =
        sb.http.get(sb.url("/rest/api/3/project/search")).basic_auth(&sb.info.admin_user, Some(&sb.info.admin_api_token)).send().unwrap().json().unwrap();
    assert_eq!(admin["total"], 4);
    assert_eq!(sb.get("/rest/api/3/issue/SEC-1").status().as_u16(), 404);
    let r = sb.http.get(sb.url("/rest/api/3/issue/SEC-1")).basic_auth(&sb.info.admin_user, Some(&sb.info.admin_api_token)).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // Wrong token: 401 with Jira's body; an OAuth-style bearer on the site URL is refused too.
    let r = sb.http.get(sb.url("/rest/api/3/myself")).basic_auth(&sb.info.user, Some("wrong")).send().unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let body: Value = r.json().unwrap();
    assert!(body["errorMessages"].is_array());
    let r = sb.http.get(sb.url("/rest/api/3/myself")).bearer_auth(&sb.info.api_token).send().unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let me = sb.get_json("/rest/api/3/myself", 200);
    assert_eq!(me["emailAddress"], sb.info.user);
}

#[test]
fn issue_write_round_trip() {
    let sb = SandboxProc::start(&[]);
    let (s, created) = sb.send_json(
        "POST",
        "/rest/api/3/issue",
        &json!({"fields": {"project": {"key": "OPS"}, "issuetype": {"name": "Bug"}, "summary": "Sandbox round trip",
                "description": {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "First line"}]}]},
                "labels": ["sandbox", "test"], "customfield_10016": 5, "customfield_10040": {"value": "S2 - Major"}}}),
    );
    assert_eq!(s, 201, "{created}");
    let key = created["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("OPS-"));
    let got = sb.get_json(&format!("/rest/api/3/issue/{key}"), 200);
    assert_eq!(got["fields"]["summary"], "Sandbox round trip");
    assert_eq!(got["fields"]["description"]["content"][0]["content"][0]["text"], "First line");
    assert_eq!(got["fields"]["customfield_10016"], 5.0);
    assert_eq!(got["fields"]["customfield_10040"]["value"], "S2 - Major");
    assert_eq!(got["fields"]["status"]["name"], "To Do");
    // Edit, then transition to Done (resolution set), comment, worklog.
    let (s, v) = sb.send_json("PUT", &format!("/rest/api/3/issue/{key}"), &json!({"fields": {"summary": "Renamed"}, "update": {"labels": [{"add": "more"}]}}));
    assert_eq!(s, 204, "{v}");
    let t = sb.get_json(&format!("/rest/api/3/issue/{key}/transitions"), 200);
    let done = t["transitions"].as_array().unwrap().iter().find(|t| t["to"]["name"] == "Done").unwrap()["id"].as_str().unwrap().to_string();
    let (s, v) = sb.send_json("POST", &format!("/rest/api/3/issue/{key}/transitions"), &json!({"transition": {"id": done}}));
    assert_eq!(s, 204, "{v}");
    let got = sb.get_json(&format!("/rest/api/3/issue/{key}?fields=summary,labels,status,resolution,resolutiondate"), 200);
    assert_eq!(got["fields"]["summary"], "Renamed");
    assert_eq!(got["fields"]["labels"], json!(["sandbox", "test", "more"]));
    assert_eq!(got["fields"]["status"]["name"], "Done");
    assert_eq!(got["fields"]["resolution"]["name"], "Done");
    assert!(got["fields"]["resolutiondate"].is_string());
    let cl = sb.get_json(&format!("/rest/api/3/issue/{key}/changelog"), 200);
    let fields: Vec<&str> =
        cl["values"].as_array().unwrap().iter().flat_map(|g| g["items"].as_array().unwrap()).map(|i| i["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"summary") && fields.contains(&"status"), "{cl}");
    let (s, c) = sb.send_json(
        "POST",
        &format!("/rest/api/3/issue/{key}/comment"),
        &json!({"body": {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "A comment"}]}]}}),
    );
    assert_eq!(s, 201, "{c}");
    let (s, w) = sb.send_json("POST", &format!("/rest/api/3/issue/{key}/worklog"), &json!({"timeSpent": "1h 30m", "started": "2024-05-01T10:00:00.000+0000"}));
    assert_eq!(s, 201, "{w}");
    assert_eq!(w["timeSpentSeconds"], 5400);
    let cs = sb.get_json(&format!("/rest/api/3/issue/{key}/comment"), 200);
    assert_eq!(cs["total"], 1);
    // Validation errors in Jira's shape.
    let (s, e) = sb.send_json("POST", "/rest/api/3/issue", &json!({"fields": {"project": {"key": "OPS"}, "issuetype": {"name": "Bug"}}}));
    assert_eq!(s, 400);
    assert!(e["errors"]["summary"].is_string(), "{e}");
    let (s, e) = sb.send_json("PUT", &format!("/rest/api/3/issue/{key}"), &json!({"fields": {"status": {"name": "To Do"}}}));
    assert_eq!(s, 400, "{e}");
    let (s, e) = sb.send_json("POST", &format!("/rest/api/3/issue/{key}/transitions"), &json!({"transition": {"id": "999"}}));
    assert_eq!(s, 400, "{e}");
    // Delete, gone.
    let r = sb.http.delete(sb.url(&format!("/rest/api/3/issue/{key}"))).basic_auth(&sb.info.user, Some(&sb.info.api_token)).send().unwrap();
    assert_eq!(r.status().as_u16(), 204);
    assert_eq!(sb.get(&format!("/rest/api/3/issue/{key}")).status().as_u16(), 404);
    // Anonymous cannot write.
    let r = sb.http.post(sb.url("/rest/api/3/issue")).json(&json!({"fields": {}})).send().unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

#[test]
fn reference_lists_and_custom_fields() {
    let sb = SandboxProc::start(&[]);
    let fields = sb.get_json("/rest/api/3/field", 200);
    let custom: Vec<&Value> = fields.as_array().unwrap().iter().filter(|f| f["custom"] == true).collect();
    let types: BTreeSet<&str> = custom.iter().map(|f| f["schema"]["type"].as_str().unwrap()).collect();
    for t in ["number", "date", "option", "array"] {
        assert!(types.contains(t), "custom field of type {t}");
    }
    assert!(custom.iter().any(|f| f["schema"]["items"] == "user"), "a multi-user custom field");
    for path in [
        "/rest/api/3/issuetype",
        "/rest/api/3/status",
        "/rest/api/3/priority",
        "/rest/api/3/resolution",
        "/rest/api/3/project/ENG/components",
        "/rest/api/3/project/ENG/versions",
    ] {
        let v = sb.get_json(path, 200);
        assert!(!v.as_array().unwrap().is_empty(), "{path}");
    }
    // startAt paging of a PageBean.
    let mut seen = Vec::new();
    let mut start = 0;
    loop {
        let v = sb.get_json(&format!("/rest/api/3/field/search?startAt={start}&maxResults=4"), 200);
        let vals = v["values"].as_array().unwrap();
        seen.extend(vals.iter().map(|f| f["id"].as_str().unwrap().to_string()));
        start += vals.len();
        if v["isLast"] == true {
            break;
        }
        assert!(v["nextPage"].is_string());
    }
    assert_eq!(seen.len(), fields.as_array().unwrap().len());
    let users = sb.get_json("/rest/api/3/users/search?maxResults=1000", 200);
    assert!(users.as_array().unwrap().len() >= 10);
    let members = sb.get_json("/rest/api/3/group/member?groupname=site-admins", 200);
    assert_eq!(members["total"], 1);
}

#[test]
fn agile_boards_sprints_and_issues() {
    let sb = SandboxProc::start(&[]);
    let boards = sb.get_json("/rest/agile/1.0/board", 200);
    let ids: Vec<u64> = boards["values"].as_array().unwrap().iter().map(|b| b["id"].as_u64().unwrap()).collect();
    assert!(ids.len() >= 2);
    let sprints = sb.get_json(&format!("/rest/agile/1.0/board/{}/sprint?state=active", ids[0]), 200);
    let active = sprints["values"].as_array().unwrap();
    assert_eq!(active.len(), 1);
    let sid = active[0]["id"].as_u64().unwrap();
    let mut all = Vec::new();
    let mut start = 0;
    loop {
        let v = sb.get_json(&format!("/rest/agile/1.0/sprint/{sid}/issue?startAt={start}&maxResults=5&fields=summary"), 200);
        let page = v["issues"].as_array().unwrap();
        all.extend(page.iter().map(|i| i["key"].as_str().unwrap().to_string()));
        start += page.len();
        if start >= v["total"].as_u64().unwrap() as usize || page.is_empty() {
            break;
        }
    }
    let via_jql = search_all(&sb, &format!("sprint = {sid}"), 100).0;
    let a: BTreeSet<_> = all.iter().collect();
    let b: BTreeSet<_> = via_jql.iter().collect();
    assert_eq!(a, b);
    assert_eq!(sb.get("/rest/agile/1.0/board/999").status().as_u16(), 404);
}

#[test]
fn data_center_search_pages_with_start_at() {
    let sb = SandboxProc::start(&["--flavor", "datacenter"]);
    let pat = sb.info.pat.clone();
    let get = |path: &str| -> Value { sb.http.get(sb.url(path)).bearer_auth(&pat).send().unwrap().json().unwrap() };
    let first = get("/rest/api/2/search?jql=project%3DENG&maxResults=10&fields=summary,description");
    let total = first["total"].as_u64().unwrap() as usize;
    assert!(total > 10);
    assert!(first["issues"][0]["fields"]["description"].is_string() || first["issues"][0]["fields"]["description"].is_null());
    let mut keys = BTreeSet::new();
    let mut start = 0;
    while start < total {
        let v = get(&format!("/rest/api/2/search?jql=project%3DENG&startAt={start}&maxResults=10"));
        for i in v["issues"].as_array().unwrap() {
            assert!(keys.insert(i["key"].as_str().unwrap().to_string()));
        }
        start += 10;
    }
    assert_eq!(keys.len(), total);
    // Cloud-only paths do not exist on Data Center, and the PAT is required.
    assert_eq!(sb.http.get(sb.url("/rest/api/3/myself")).bearer_auth(&pat).send().unwrap().status().as_u16(), 404);
    assert_eq!(sb.http.get(sb.url("/rest/api/2/myself")).bearer_auth("nope").send().unwrap().status().as_u16(), 401);
}
