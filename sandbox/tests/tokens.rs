//! Token APIs against the real binary: Cloud API tokens through the organization's Admin APIs
//! (what an organization admin can list and revoke; users create them at id.atlassian.com, which
//! the control API stands for), Data Center personal access tokens, and what creating, expiring
//! and revoking them does to authentication.

mod support;

use serde_json::{json, Value};
use support::SandboxProc;

fn send(sp: &SandboxProc, method: &str, path: &str, auth: (&str, &str), body: Option<&Value>) -> (u16, Value) {
    let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = sp.http.request(m, sp.url(path)).basic_auth(auth.0, Some(auth.1));
    if let Some(b) = body {
        req = req.json(b);
    }
    let resp = req.send().unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn alice(sp: &SandboxProc) -> (&str, &str) {
    (&sp.info.user, &sp.info.api_token)
}

fn admin(sp: &SandboxProc) -> (&str, &str) {
    (&sp.info.admin_user, &sp.info.admin_api_token)
}

// ------------------------------------------------------------------ Cloud

/// A request to the organization's Admin APIs with this bearer key.
fn org(sp: &SandboxProc, method: &str, path: &str, key: &str) -> (u16, Value) {
    let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let resp = sp.http.request(m, format!("{}{path}", sp.info.api_gateway_url)).bearer_auth(key).send().unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn org_tokens(sp: &SandboxProc, query: &str) -> Value {
    let (st, v) = org(sp, "GET", &format!("/admin/api-access/v1/orgs/{}/api-tokens?{query}", sp.info.org_id), &sp.info.org_api_key);
    assert_eq!(st, 200, "{query}: {v}");
    v
}

fn org_labels(page: &Value) -> Vec<String> {
    page["data"].as_array().unwrap().iter().map(|t| t["label"].as_str().unwrap().to_string()).collect()
}

/// A user's account id, from the site's own `/myself`.
fn account_id(sp: &SandboxProc, auth: (&str, &str)) -> String {
    let (st, me) = send(sp, "GET", "/rest/api/3/myself", auth, None);
    assert_eq!(st, 200, "{me}");
    me["accountId"].as_str().unwrap().to_string()
}

/// What a user does at id.atlassian.com/manage-profile/security/api-tokens.
fn create_cloud_token(sp: &SandboxProc, account: &str, label: &str, days: i64) -> (String, String) {
    let r = sp.http.post(sp.url("/__sandbox/api-tokens")).json(&json!({"accountId": account, "label": label, "expiresInDays": days})).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().unwrap();
    (v["id"].as_str().unwrap().to_string(), v["token"].as_str().unwrap().to_string())
}

/// Whether Basic auth with these credentials is accepted by the site.
fn basic_works(sp: &SandboxProc, user: &str, secret: &str) -> bool {
    let st = sp.http.get(sp.url("/rest/api/3/myself")).basic_auth(user, Some(secret)).send().unwrap().status().as_u16();
    assert!(st == 200 || st == 401, "{st}");
    st == 200
}

fn iso_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[test]
fn organization_admin_lists_filters_pages_and_revokes_api_tokens() {
    let sp = SandboxProc::start(&[]);
    let alice_id = account_id(&sp, alice(&sp));
    let admin_id = account_id(&sp, admin(&sp));
    sp.advance_clock(1);
    let (ci_id, ci) = create_cloud_token(&sp, &alice_id, "CI Pipeline", 30);
    // A second apart: tokens made in one millisecond would sort by their random ids.
    sp.advance_clock(1);
    create_cloud_token(&sp, &alice_id, "Reporting", 365);
    assert!(ci.starts_with("ATATT"), "{ci}");
    // A second on, so that its use below is the latest one by a clear margin.
    sp.advance_clock(1);
    assert!(basic_works(&sp, &sp.info.user, &ci), "a new token authenticates Basic at once");

    // Every managed user's live tokens, secrets never shown.
    let all = org_tokens(&sp, "sort=createdAt");
    assert!(!all.to_string().contains(&ci));
    // The two seeded tokens were made at the same instant: their order is their ids'.
    let seeded = |labels: &[String]| {
        let mut two = labels[..2].to_vec();
        two.sort();
        two == ["sandbox", "sandbox admin"]
    };
    let labels = org_labels(&all);
    assert!(seeded(&labels) && labels[2..] == ["CI Pipeline", "Reporting"], "{labels:?}");
    let first = &all["data"][2];
    assert_eq!((first["id"].as_str(), first["status"].as_str()), (Some(ci_id.as_str()), Some("ALLOWED")));
    assert_eq!(first["user"]["id"], alice_id.as_str());
    assert_eq!(first["user"]["email"], "alice@example.com");
    assert_eq!(first["user"]["orgId"], sp.info.org_id.as_str());
    assert!(first["lastActiveAt"].is_string(), "the Basic sign-in above used it: {first}");
    assert!(all["data"][3].get("lastActiveAt").is_none());
    assert!(all["links"].get("next").is_none());

    // Filters: q over label, name and email, case-insensitive; date windows.
    assert_eq!(org_labels(&org_tokens(&sp, "q=ci%20PIPE")), ["CI Pipeline"]);
    assert_eq!(org_labels(&org_tokens(&sp, "q=ADMIN%40example")), ["sandbox admin"]);
    assert_eq!(org_labels(&org_tokens(&sp, "status=allowed")).len(), 4);
    assert_eq!(org_labels(&org_tokens(&sp, "status=blocked")).len(), 0);
    let window = format!("createdAtSearchType=range&createdAtFrom={}&createdAtTo={}", iso_days(-1), iso_days(1));
    assert_eq!(org_labels(&org_tokens(&sp, &window)).len(), 4);
    let before = format!("createdAtSearchType=range&createdAtTo={}", iso_days(-2));
    assert_eq!(org_labels(&org_tokens(&sp, &before)).len(), 0);
    let used = format!("lastActiveAtSearchType=range&lastActiveAtFrom={}", iso_days(-1));
    assert!(org_labels(&org_tokens(&sp, &used)).contains(&"CI Pipeline".to_string()));
    assert!(!org_labels(&org_tokens(&sp, &used)).contains(&"Reporting".to_string()));

    // Cursor paging through links.next.
    let p1 = org_tokens(&sp, "pageSize=3&sort=createdAt");
    assert_eq!(org_labels(&p1).len(), 3);
    let next = p1["links"]["next"].as_str().unwrap();
    assert_eq!(org_labels(&org_tokens(&sp, &format!("pageSize=3&sort=createdAt&cursor={next}"))), ["Reporting"]);

    // Sorting: by default the most recently used first, never-used last.
    assert_eq!(org_labels(&org_tokens(&sp, ""))[0], "CI Pipeline");
    assert_eq!(org_labels(&org_tokens(&sp, ""))[3], "Reporting");
    assert_eq!(org_labels(&org_tokens(&sp, "sort=-label")), ["sandbox admin", "sandbox", "Reporting", "CI Pipeline"]);

    // Bad requests and the key.
    let path = format!("/admin/api-access/v1/orgs/{}/api-tokens", sp.info.org_id);
    for bad in [
        "pageSize=0",
        "pageSize=1001",
        "status=broken",
        "createdAtFrom=yesterday",
        "createdAtFrom=2026-01-01T00:00:00Z",
        "createdAtSearchType=range",
        "createdAtSearchType=gt&createdAtUom=day&createdAtValue=3",
        "cursor=nope",
        "sort=owner",
    ] {
        let (st, v) = org(&sp, "GET", &format!("{path}?{bad}"), &sp.info.org_api_key);
        assert_eq!(st, 400, "{bad}: {v}");
        assert!(v["errors"][0]["title"].is_string(), "{v}");
    }
    assert_eq!(org(&sp, "GET", &path, "not-the-key").0, 401);
    assert_eq!(org(&sp, "GET", "/admin/api-access/v1/orgs/another-org/api-tokens", &sp.info.org_api_key).0, 403);
    assert_eq!(send(&sp, "GET", &path, alice(&sp), None).0, 401, "a user's API token is no organization key");

    // The user-management API: one user's tokens, and revoking one stops it at once.
    let (st, um) = org(&sp, "GET", &format!("/users/{alice_id}/manage/api-tokens"), &sp.info.org_api_key);
    assert_eq!(st, 200, "{um}");
    let um_labels: Vec<&str> = um.as_array().unwrap().iter().map(|t| t["label"].as_str().unwrap()).collect();
    assert_eq!(um_labels, ["sandbox", "CI Pipeline", "Reporting"]);
    assert!(um[1]["lastAccess"].is_string() && um[1]["createdAt"].is_string());
    assert_eq!(org(&sp, "DELETE", &format!("/users/{alice_id}/manage/api-tokens/{ci_id}"), &sp.info.org_api_key).0, 204);
    assert!(!basic_works(&sp, &sp.info.user, &ci));
    assert!(basic_works(&sp, &sp.info.user, &sp.info.api_token), "her other tokens still work");
    assert_eq!(org(&sp, "DELETE", &format!("/users/{alice_id}/manage/api-tokens/{ci_id}"), &sp.info.org_api_key).0, 404);
    assert_eq!(org(&sp, "DELETE", &format!("/users/{admin_id}/manage/api-tokens/{ci_id}"), &sp.info.org_api_key).0, 404, "not that user's token");
    assert_eq!(org(&sp, "GET", "/users/nobody/manage/api-tokens", &sp.info.org_api_key).0, 404);
    assert_eq!(org(&sp, "GET", &format!("/users/{alice_id}/manage/api-tokens"), "not-the-key").0, 401);
    let labels = org_labels(&org_tokens(&sp, "sort=createdAt"));
    assert!(seeded(&labels) && labels[2..] == ["Reporting"], "{labels:?}");

    // Expiry follows the sandbox clock: an expired token is neither listed nor accepted.
    let (_, short) = create_cloud_token(&sp, &alice_id, "Short", 1);
    assert!(basic_works(&sp, &sp.info.user, &short));
    sp.advance_clock(2 * 86_400);
    assert!(!basic_works(&sp, &sp.info.user, &short));
    assert!(!org_labels(&org_tokens(&sp, "")).contains(&"Short".to_string()));
}

#[test]
fn no_token_manager_on_either_flavor() {
    for args in [&[][..], &["--flavor", "datacenter"][..]] {
        let sp = SandboxProc::start(args);
        for path in ["/rest/api-tokens/latest/tokens", "/rest/oauth2/latest/tokens"] {
            assert_eq!(send(&sp, "GET", path, alice(&sp), None).0, 404, "{args:?} {path}");
            assert_eq!(send(&sp, "POST", path, alice(&sp), Some(&json!({"label": "x"}))).0, 404, "{args:?} {path}");
        }
    }
}

// ------------------------------------------------------------------ Data Center

const PAT: &str = "/rest/pat/latest/tokens";

fn bearer_status(sp: &SandboxProc, token: &str) -> u16 {
    sp.http.get(sp.url(PAT)).bearer_auth(token).send().unwrap().status().as_u16()
}

fn is_dc_time(v: &Value) -> bool {
    let s = v.as_str().unwrap_or("");
    chrono::DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.3f%:z").is_ok() && s.len() == 29
}

#[test]
fn data_center_personal_access_tokens() {
    let sp = SandboxProc::start(&["--flavor", "datacenter"]);
    let (st, list) = send(&sp, "GET", PAT, alice(&sp), None);
    assert_eq!(st, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "sandbox");
    assert!(is_dc_time(&list[0]["createdAt"]), "{list}");
    assert!(list[0].get("rawToken").is_none());
    assert_eq!(bearer_status(&sp, &sp.info.pat), 200, "the seeded PAT works");

    let (st, created) = send(&sp, "POST", PAT, alice(&sp), Some(&json!({"name": "ODBC driver", "expirationDuration": 30})));
    assert_eq!(st, 201, "{created}");
    for k in ["id", "name", "createdAt", "expiringAt", "rawToken"] {
        assert!(created.get(k).is_some(), "{k} missing: {created}");
    }
    assert!(is_dc_time(&created["expiringAt"]), "{created}");
    let raw = created["rawToken"].as_str().unwrap().to_string();
    let id = created["id"].as_u64().unwrap();

    // Works as Bearer at once; the list then shows its last access, never the raw token.
    assert_eq!(bearer_status(&sp, &raw), 200);
    let resp = sp.http.get(sp.url(PAT)).bearer_auth(&raw).send().unwrap();
    let list: Value = resp.json().unwrap();
    let mine = list.as_array().unwrap().iter().find(|t| t["id"] == id).unwrap().clone();
    assert!(is_dc_time(&mine["lastAccessedAt"]), "{mine}");
    assert!(!list.to_string().contains(&raw));
    let (st, one) = send(&sp, "GET", &format!("{PAT}/{id}"), alice(&sp), None);
    assert_eq!((st, one["name"].as_str()), (200, Some("ODBC driver")));

    // No expiry given: it never expires.
    let (_, forever) = send(&sp, "POST", PAT, alice(&sp), Some(&json!({"name": "forever"})));
    assert!(forever.get("expiringAt").is_none(), "{forever}");

    // Others cannot see or delete it.
    assert_eq!(send(&sp, "DELETE", &format!("{PAT}/{id}"), admin(&sp), None).0, 404);
    let (_, admins) = send(&sp, "GET", PAT, admin(&sp), None);
    assert_eq!(admins, json!([]));

    // Bad input.
    for body in [
        json!({}),
        json!({"name": ""}),
        json!({"name": "x", "expirationDuration": 0}),
        json!({"name": "x", "expirationDuration": 100000}),
        json!({"name": "x", "expirationDuration": "soon"}),
        json!("x"),
    ] {
        let (st, v) = send(&sp, "POST", PAT, alice(&sp), Some(&body));
        assert_eq!(st, 400, "{body} -> {v}");
    }
    assert_eq!(send(&sp, "DELETE", &format!("{PAT}/not-a-number"), alice(&sp), None).0, 404);
    assert_eq!(sp.http.get(sp.url(PAT)).send().unwrap().status().as_u16(), 401, "anonymous");
    assert_eq!(bearer_status(&sp, "not-a-pat"), 401);

    // Delete: it stops at once.
    assert_eq!(send(&sp, "DELETE", &format!("{PAT}/{id}"), alice(&sp), None).0, 204);
    assert_eq!(bearer_status(&sp, &raw), 401);
    assert_eq!(send(&sp, "DELETE", &format!("{PAT}/{id}"), alice(&sp), None).0, 404);

    // Expiry follows the sandbox clock.
    let (_, short) = send(&sp, "POST", PAT, alice(&sp), Some(&json!({"name": "short", "expirationDuration": 1})));
    let short_raw = short["rawToken"].as_str().unwrap().to_string();
    assert_eq!(bearer_status(&sp, &short_raw), 200);
    sp.advance_clock(2 * 86_400);
    assert_eq!(bearer_status(&sp, &short_raw), 401);
    assert_eq!(bearer_status(&sp, forever["rawToken"].as_str().unwrap()), 200);

    // At most 10 per user.
    let count = send(&sp, "GET", PAT, alice(&sp), None).1.as_array().unwrap().len();
    for i in count..10 {
        assert_eq!(send(&sp, "POST", PAT, alice(&sp), Some(&json!({"name": format!("t{i}")}))).0, 201);
    }
    let (st, v) = send(&sp, "POST", PAT, alice(&sp), Some(&json!({"name": "one too many"})));
    assert_eq!(st, 400, "{v}");
}

#[test]
fn cloud_and_data_center_serve_their_own_token_apis() {
    let cloud = SandboxProc::start(&[]);
    assert_eq!(send(&cloud, "GET", PAT, alice(&cloud), None).0, 404);
    assert_eq!(org(&cloud, "GET", &format!("/admin/api-access/v1/orgs/{}/api-tokens", cloud.info.org_id), &cloud.info.org_api_key).0, 200);
    let dc = SandboxProc::start(&["--flavor", "datacenter"]);
    assert_eq!(org(&dc, "GET", &format!("/admin/api-access/v1/orgs/{}/api-tokens", dc.info.org_id), &dc.info.org_api_key).0, 404);
}

#[test]
fn tokens_survive_a_restart_with_state() {
    let dir = std::env::temp_dir().join(format!("atlassian-sandbox-tokens-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let _ = std::fs::remove_file(&state);
    let state_arg = state.to_str().unwrap();
    let (secret, revoked) = {
        let sp = SandboxProc::start(&["--state", state_arg]);
        let alice_id = account_id(&sp, alice(&sp));
        let (_, kept) = create_cloud_token(&sp, &alice_id, "Kept", 30);
        let (gone_id, gone) = create_cloud_token(&sp, &alice_id, "Gone", 30);
        assert_eq!(org(&sp, "DELETE", &format!("/users/{alice_id}/manage/api-tokens/{gone_id}"), &sp.info.org_api_key).0, 204);
        (kept, gone)
    };
    let sp = SandboxProc::start(&["--state", state_arg]);
    assert!(basic_works(&sp, &sp.info.user, &secret));
    assert!(!basic_works(&sp, &sp.info.user, &revoked));
    let labels = org_labels(&org_tokens(&sp, ""));
    assert!(labels.contains(&"Kept".to_string()) && !labels.contains(&"Gone".to_string()), "{labels:?}");
    drop(sp);
    let _ = std::fs::remove_dir_all(&dir);
}
