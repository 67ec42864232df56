//! Bad input never panics the sandbox: every route answers malformed bodies, odd parameters and
//! huge values with a 4xx in the product's error shape, and the server keeps serving.

mod support;

use serde_json::Value;
use support::SandboxProc;

const GET_PATHS: &[&str] = &[
    "/rest/api/3/search/jql?jql=project%3DENG&maxResults=-5",
    "/rest/api/3/search/jql?jql=project%3DENG&maxResults=99999999999999999999",
    "/rest/api/3/search/jql?jql=project%3DENG&nextPageToken=%00%FF",
    "/rest/api/3/search/jql?jql=%22unterminated",
    "/rest/api/3/search/jql?jql=((((((((((((((((((((project%3DENG",
    "/rest/api/3/project/search?startAt=-1",
    "/rest/api/3/project/search?orderBy=nonsense",
    "/rest/api/3/issue/ENG-99999999999999999999",
    "/rest/api/3/issue/%F0%9F%92%A9",
    "/rest/api/3/issue/ENG-1/comment?startAt=abc",
    "/rest/api/3/issue/ENG-1/changelog?maxResults=-1",
    "/rest/api/3/user",
    "/rest/api/3/group/member",
    "/rest/agile/1.0/board/abc/sprint?state=nope",
    "/rest/agile/1.0/sprint/0/issue?jql=%3D%3D%3D",
    "/wiki/api/v2/pages?limit=100000",
    "/wiki/api/v2/pages?limit=-1",
    "/wiki/api/v2/pages?cursor=not-a-cursor",
    "/wiki/api/v2/spaces?limit=abc",
    "/wiki/api/v2/pages/abc",
    "/wiki/rest/api/content/search?cql=%22unterminated",
    "/wiki/rest/api/content/search?cql=type%20%3D%20page&limit=999999",
    "/wiki/rest/api/search?cql=",
];

const BODIES: &[&str] =
    &["", "{", "[]", "null", "\"text\"", "{\"fields\": 5}", "{\"fields\": {\"project\": []}}", "{\"body\": {\"type\": \"doc\", \"content\": 7}}"];

const POST_PATHS: &[&str] = &[
    "/rest/api/3/issue",
    "/rest/api/3/search/jql",
    "/rest/api/3/search/approximate-count",
    "/rest/api/3/issue/ENG-1/comment",
    "/rest/api/3/issue/ENG-1/worklog",
    "/rest/api/3/issue/ENG-1/transitions",
    "/rest/api/3/issueLink",
    "/rest/api/3/component",
    "/rest/api/3/version",
    "/wiki/api/v2/pages",
    "/wiki/api/v2/footer-comments",
    "/oauth/token",
];

#[test]
fn malformed_requests_get_client_errors_never_a_crash() {
    let sb = SandboxProc::start(&[]);
    for path in GET_PATHS {
        let r = sb.get(path);
        let status = r.status().as_u16();
        assert!(status < 500, "GET {path} answered {status}");
        if status >= 400 {
            let body: Result<Value, _> = r.json();
            assert!(body.is_ok(), "GET {path}: the error body is JSON");
        }
    }
    for path in POST_PATHS {
        for body in BODIES {
            for method in ["POST", "PUT"] {
                let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
                let r = sb
                    .http
                    .request(m, sb.url(path))
                    .basic_auth(&sb.info.user, Some(&sb.info.api_token))
                    .header("content-type", "application/json")
                    .body(body.to_string())
                    .send()
                    .unwrap();
                let status = r.status().as_u16();
                assert!(status < 500, "{method} {path} with {body:?} answered {status}");
            }
        }
    }
    // A very long JQL and a very large body are refused or answered, not fatal.
    let long = format!("summary ~ \"{}\"", "x".repeat(200_000));
    let (s, _) = sb.send_json("POST", "/rest/api/3/search/jql", &serde_json::json!({"jql": long}));
    assert!(s < 500);
    let r = sb.get("/rest/api/3/serverInfo");
    assert_eq!(r.status().as_u16(), 200, "still serving");
}
