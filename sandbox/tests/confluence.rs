//! Confluence REST against the running sandbox: paging, visibility, bodies, writes, CQL, Data Center.

mod support;

use std::collections::BTreeSet;

use serde_json::{json, Value};
use support::SandboxProc;

/// Every id of a v2 list, following `_links.next` (and checking the `Link` header agrees).
fn v2_all(sb: &SandboxProc, first: &str) -> (Vec<String>, usize) {
    let mut ids = Vec::new();
    let mut next = Some(first.to_string());
    let mut requests = 0;
    while let Some(path) = next {
        let resp = sb.get(&path);
        assert_eq!(resp.status().as_u16(), 200, "{path}");
        let link = resp.headers().get("link").map(|h| h.to_str().unwrap().to_string());
        let v: Value = resp.json().unwrap();
        requests += 1;
        ids.extend(v["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()));
        next = v["_links"]["next"].as_str().map(str::to_string);
        match (&next, link) {
            (Some(n), Some(l)) => assert!(l.starts_with(&format!("<{n}>")), "Link header {l} vs {n}"),
            (None, Some(l)) => assert!(!l.contains("rel=\"next\""), "no next link on the last page: {l}"),
            (Some(n), None) => panic!("_links.next {n} without a Link header"),
            (None, None) => {}
        }
    }
    (ids, requests)
}

#[test]
fn v2_lists_page_without_gaps_or_duplicates() {
    let sb = SandboxProc::start(&[]);
    for list in [
        "/wiki/api/v2/pages",
        "/wiki/api/v2/spaces",
        "/wiki/api/v2/blogposts",
        "/wiki/api/v2/footer-comments",
        "/wiki/api/v2/attachments",
        "/wiki/api/v2/tasks",
        "/wiki/api/v2/labels",
    ] {
        let (small, requests) = v2_all(&sb, &format!("{list}?limit=3"));
        let (big, one) = v2_all(&sb, &format!("{list}?limit=250"));
        assert_eq!(one, 1, "{list}");
        assert_eq!(small, big, "{list}: small pages and one big page disagree");
        let unique: BTreeSet<_> = small.iter().collect();
        assert_eq!(unique.len(), small.len(), "{list}: duplicates");
        assert!(requests > 1 || small.len() <= 3, "{list}: more than one page");
    }
    // Filters and sort survive paging.
    let (desc, _) = v2_all(&sb, "/wiki/api/v2/pages?limit=4&sort=-id");
    let mut sorted = desc.clone();
    sorted.sort_by_key(|id| std::cmp::Reverse(id.parse::<u64>().unwrap()));
    assert_eq!(desc, sorted);
}

#[test]
fn bodies_only_when_asked_and_bad_input() {
    let sb = SandboxProc::start(&[]);
    let v = sb.get_json("/wiki/api/v2/pages?limit=2", 200);
    assert_eq!(v["results"][0]["body"], json!({}));
    let v = sb.get_json("/wiki/api/v2/pages?limit=2&body-format=storage", 200);
    assert!(v["results"][0]["body"]["storage"]["value"].as_str().unwrap().contains("<h1>"));
    // Bad paging input: Atlassian's 400, in v2's error shape.
    for bad in [
        "/wiki/api/v2/pages?cursor=nope",
        "/wiki/api/v2/pages?limit=0",
        "/wiki/api/v2/pages?limit=abc",
        "/wiki/api/v2/pages?sort=sideways",
        "/wiki/api/v2/pages/abc",
    ] {
        let v = sb.get_json(bad, 400);
        assert!(v["errors"][0]["title"].is_string(), "{bad}: {v}");
    }
    // A cursor is bound to its query.
    let first = sb.get_json("/wiki/api/v2/pages?limit=2", 200);
    let next = first["_links"]["next"].as_str().unwrap();
    let cursor = next.split("cursor=").nth(1).unwrap();
    sb.get_json(&format!("/wiki/api/v2/blogposts?limit=2&cursor={cursor}"), 400);
    // Huge limits are clamped to the maximum.
    let v = sb.get_json("/wiki/api/v2/pages?limit=100000", 200);
    assert!(v["results"].as_array().unwrap().len() <= 250);
}

#[test]
fn visibility_follows_space_permissions() {
    let sb = SandboxProc::start(&[]);
    let keys = |v: &Value| -> BTreeSet<String> { v["results"].as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap().to_string()).collect() };
    let anon: Value = sb.http.get(sb.url("/wiki/api/v2/spaces")).send().unwrap().json().unwrap();
    assert_eq!(keys(&anon), BTreeSet::from(["ENG".to_string()]));
    let alice = sb.get_json("/wiki/api/v2/spaces", 200);
    assert!(!keys(&alice).contains("SEC"));
    let admin: Value =
        sb.http.get(sb.url("/wiki/api/v2/spaces")).basic_auth(&sb.info.admin_user, Some(&sb.info.admin_api_token)).send().unwrap().json().unwrap();
    assert!(keys(&admin).contains("SEC"));
    // A SEC page is invisible to Alice: 404 by id, absent from lists and search.
    let sec_space = admin["results"].as_array().unwrap().iter().find(|s| s["key"] == "SEC").unwrap()["id"].as_str().unwrap().to_string();
    let sec_pages: Value = sb
        .http
        .get(sb.url(&format!("/wiki/api/v2/spaces/{sec_space}/pages")))
        .basic_auth(&sb.info.admin_user, Some(&sb.info.admin_api_token))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let sec_page = sec_pages["results"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(sb.get(&format!("/wiki/api/v2/pages/{sec_page}")).status().as_u16(), 404);
    let found = sb.get_json("/wiki/rest/api/content/search?cql=space%3DSEC", 200);
    assert_eq!(found["size"], 0);
    // Anonymous writes are refused.
    let r = sb.http.post(sb.url("/wiki/api/v2/pages")).json(&json!({"spaceId": sec_space, "title": "x"})).send().unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

#[test]
fn page_writes_round_trip_with_versions() {
    let sb = SandboxProc::start(&[]);
    let space = sb.get_json("/wiki/api/v2/spaces?keys=ENG", 200)["results"][0]["id"].as_str().unwrap().to_string();
    let (s, p) = sb.send_json(
        "POST",
        "/wiki/api/v2/pages",
        &json!({"spaceId": space, "title": "Sandbox page", "body": {"representation": "storage", "value": "<p>Hello</p>"}}),
    );
    assert_eq!(s, 200, "{p}");
    let id = p["id"].as_str().unwrap().to_string();
    assert_eq!(p["version"]["number"], 1);
    let got = sb.get_json(&format!("/wiki/api/v2/pages/{id}?body-format=storage"), 200);
    assert_eq!(got["body"]["storage"]["value"], "<p>Hello</p>");
    // Same title again in the space: refused.
    let (s, _) = sb.send_json("POST", "/wiki/api/v2/pages", &json!({"spaceId": space, "title": "Sandbox page"}));
    assert_eq!(s, 400);
    // Update needs the next version number.
    let (s, e) = sb.send_json("PUT", &format!("/wiki/api/v2/pages/{id}"), &json!({"id": id, "status": "current", "title": "Sandbox page", "body": {"representation": "storage", "value": "<p>Stale</p>"}, "version": {"number": 1}}));
    assert_eq!(s, 409, "{e}");
    let (s, u) = sb.send_json("PUT", &format!("/wiki/api/v2/pages/{id}"), &json!({"id": id, "status": "current", "title": "Renamed page", "body": {"representation": "storage", "value": "<p>Second</p>"}, "version": {"number": 2, "message": "edit"}}));
    assert_eq!(s, 200, "{u}");
    let vs = sb.get_json(&format!("/wiki/api/v2/pages/{id}/versions"), 200);
    assert_eq!(vs["results"].as_array().unwrap().len(), 2);
    // Labels through v1; found by CQL.
    let (s, l) = sb.send_json("POST", &format!("/wiki/rest/api/content/{id}/label"), &json!([{"prefix": "global", "name": "sandbox-test"}]));
    assert_eq!(s, 200, "{l}");
    let found = sb.get_json("/wiki/rest/api/content/search?cql=label%3Dsandbox-test", 200);
    assert_eq!(found["results"][0]["id"], id);
    // A footer comment, then delete: trash hides the page.
    let (s, c) = sb.send_json("POST", "/wiki/api/v2/footer-comments", &json!({"pageId": id, "body": {"representation": "storage", "value": "<p>Nice</p>"}}));
    assert_eq!(s, 201, "{c}");
    let r = sb.http.delete(sb.url(&format!("/wiki/api/v2/pages/{id}"))).basic_auth(&sb.info.user, Some(&sb.info.api_token)).send().unwrap();
    assert_eq!(r.status().as_u16(), 204);
    assert_eq!(sb.get(&format!("/wiki/api/v2/pages/{id}")).status().as_u16(), 404);
    // Malformed bodies are 400s.
    let (s, _) = sb.send_json("POST", "/wiki/api/v2/pages", &json!({"spaceId": 5}));
    assert_eq!(s, 400);
}

#[test]
fn attachments_upload_and_download() {
    let sb = SandboxProc::start(&[]);
    let page = sb.get_json("/wiki/api/v2/pages?limit=1", 200)["results"][0]["id"].as_str().unwrap().to_string();
    let form = || {
        reqwest::blocking::multipart::Form::new()
            .part("file", reqwest::blocking::multipart::Part::bytes(b"hello sandbox".to_vec()).file_name("hello.txt").mime_str("text/plain").unwrap())
    };
    let url = sb.url(&format!("/wiki/rest/api/content/{page}/child/attachment"));
    let r = sb.http.post(&url).basic_auth(&sb.info.user, Some(&sb.info.api_token)).multipart(form()).send().unwrap();
    assert_eq!(r.status().as_u16(), 403, "XSRF header required");
    let r = sb.http.post(&url).basic_auth(&sb.info.user, Some(&sb.info.api_token)).header("X-Atlassian-Token", "no-check").multipart(form()).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().unwrap();
    let att = v["results"][0]["id"].as_str().unwrap().to_string();
    let meta = sb.get_json(&format!("/wiki/api/v2/attachments/{att}"), 200);
    let link = meta["downloadLink"].as_str().unwrap();
    let bytes = sb.get(&format!("/wiki{link}")).bytes().unwrap();
    assert_eq!(&bytes[..], b"hello sandbox");
    let bytes = sb.get(&format!("/wiki/rest/api/content/{page}/child/attachment/{att}/download")).bytes().unwrap();
    assert_eq!(&bytes[..], b"hello sandbox");
}

#[test]
fn cql_search_filters_and_rejects() {
    let sb = SandboxProc::start(&[]);
    let all_eng = sb.get_json("/wiki/rest/api/content/search?cql=space%3DENG%20and%20type%3Dpage&limit=200", 200);
    let v2_eng: Vec<String> = {
        let sid = sb.get_json("/wiki/api/v2/spaces?keys=ENG", 200)["results"][0]["id"].as_str().unwrap().to_string();
        v2_all(&sb, &format!("/wiki/api/v2/spaces/{sid}/pages?limit=250")).0
    };
    let cql_ids: BTreeSet<String> = all_eng["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(cql_ids, v2_eng.into_iter().collect::<BTreeSet<_>>());
    // start/limit paging of search.
    let mut seen = Vec::new();
    let mut start = 0;
    loop {
        let v = sb.get_json(&format!("/wiki/rest/api/content/search?cql=type%3Dpage&start={start}&limit=7"), 200);
        let n = v["size"].as_u64().unwrap() as usize;
        seen.extend(v["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()));
        start += n;
        if v["_links"]["next"].is_null() {
            break;
        }
    }
    assert_eq!(seen.len(), seen.iter().collect::<BTreeSet<_>>().len());
    let r = sb.get("/wiki/rest/api/content/search?cql=type%20%3D%3D%20page");
    assert_eq!(r.status().as_u16(), 400);
    let body: Value = r.json().unwrap();
    assert_eq!(body["statusCode"], 400);
    assert!(body["message"].as_str().unwrap().starts_with("Could not parse cql"));
    let s = sb.get_json("/wiki/rest/api/search?cql=type%3Dblogpost&limit=3", 200);
    assert!(s["totalSize"].as_u64().unwrap() >= 3);
    assert!(s["results"][0]["content"]["id"].is_string());
}

#[test]
fn data_center_serves_v1_at_the_root_with_start_paging() {
    let sb = SandboxProc::start(&["--flavor", "datacenter"]);
    let pat = sb.info.pat.clone();
    let get = |p: &str| -> Value { sb.http.get(sb.url(p)).bearer_auth(&pat).send().unwrap().json().unwrap() };
    let mut ids = BTreeSet::new();
    let mut start = 0;
    loop {
        let v = get(&format!("/rest/api/content?type=page&start={start}&limit=10&expand=space,version"));
        for r in v["results"].as_array().unwrap() {
            assert!(ids.insert(r["id"].as_str().unwrap().to_string()));
            assert!(r["space"]["key"].is_string());
        }
        start += v["size"].as_u64().unwrap() as usize;
        if v["_links"]["next"].is_null() {
            break;
        }
    }
    assert!(ids.len() > 10);
    let s = get("/rest/api/content/search?cql=type%3Dpage&limit=5");
    assert_eq!(s["size"], 5);
    // Cloud-only paths are absent.
    assert_eq!(sb.http.get(sb.url("/wiki/api/v2/pages")).bearer_auth(&pat).send().unwrap().status().as_u16(), 404);
}
