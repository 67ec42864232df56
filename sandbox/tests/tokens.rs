//! Token REST APIs against the real binary: Cloud API tokens and the Token Manager, Data Center
//! personal access tokens, and what creating, expiring and revoking them does to authentication.

mod support;

use serde_json::{json, Value};
use support::SandboxProc;

const TM: &str = "/rest/api-tokens/latest/tokens";

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

fn labels(list: &Value) -> Vec<String> {
    list["values"].as_array().unwrap().iter().map(|t| t["label"].as_str().unwrap().to_string()).collect()
}

fn today_plus(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).format("%Y-%m-%d").to_string()
}

/// Whether Basic auth with these credentials is accepted by the site.
fn basic_works(sp: &SandboxProc, user: &str, secret: &str) -> bool {
    let st = sp.http.get(sp.url(TM)).basic_auth(user, Some(secret)).send().unwrap().status().as_u16();
    assert!(st == 200 || st == 401, "{st}");
    st == 200
}

#[test]
fn own_api_tokens_create_list_filter_and_revoke() {
    let sp = SandboxProc::start(&[]);
    let (st, ci) = send(&sp, "POST", TM, alice(&sp), Some(&json!({"label": "CI Pipeline", "expiresInDays": 30})));
    assert_eq!(st, 201, "{ci}");
    let secret = ci["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("ATATT"));
    assert_eq!(ci["status"], "ACTIVE");
    assert_eq!(ci["email"], "alice@example.com");
    assert!(ci["lastUsedAt"].is_null());
    let alice_id = ci["accountId"].as_str().unwrap().to_string();
    assert_eq!(ci["createdBy"], alice_id.as_str());
    let (st, rep) = send(&sp, "POST", TM, alice(&sp), Some(&json!({"description": "Reporting"})));
    assert_eq!(st, 201, "{rep}");

    // The secret is shown once: never in lists.
    let (st, list) = send(&sp, "GET", TM, alice(&sp), None);
    assert_eq!(st, 200);
    assert!(!list.to_string().contains(&secret));
    assert_eq!(labels(&list), ["sandbox", "CI Pipeline", "Reporting"]);
    assert_eq!(list["total"], 3);
    assert_eq!(list["isLast"], true);

    // The new token authenticates Basic at once, and records its use.
    assert!(basic_works(&sp, &sp.info.user, &secret));
    let (_, one) = send(&sp, "GET", &format!("{TM}/{}", ci["id"].as_str().unwrap()), alice(&sp), None);
    assert!(one["lastUsedAt"].is_string(), "{one}");

    // Filters.
    let (_, f) = send(&sp, "GET", &format!("{TM}?description=ci%20pipe"), alice(&sp), None);
    assert_eq!(labels(&f), ["CI Pipeline"]);
    let (_, f) = send(&sp, "GET", &format!("{TM}?label=REPORT"), alice(&sp), None);
    assert_eq!(labels(&f), ["Reporting"]);
    let (_, f) = send(&sp, "GET", &format!("{TM}?expiresTo={}", today_plus(31)), alice(&sp), None);
    assert_eq!(labels(&f), ["CI Pipeline"]);
    let (_, f) = send(&sp, "GET", &format!("{TM}?expiresFrom={}", today_plus(100)), alice(&sp), None);
    assert_eq!(labels(&f), ["sandbox", "Reporting"]);
    let (_, f) = send(&sp, "GET", &format!("{TM}?createdFrom={}&createdTo={}", today_plus(-1), today_plus(1)), alice(&sp), None);
    assert_eq!(f["total"], 3);
    let (_, f) = send(&sp, "GET", &format!("{TM}?createdTo={}", today_plus(-2)), alice(&sp), None);
    assert_eq!(f["total"], 0);
    let (_, f) = send(&sp, "GET", &format!("{TM}?lastUsedFrom={}", today_plus(0)), alice(&sp), None);
    assert!(labels(&f).contains(&"CI Pipeline".to_string()) && !labels(&f).contains(&"Reporting".to_string()), "{f}");
    let (_, f) = send(&sp, "GET", &format!("{TM}?maxResults=2"), alice(&sp), None);
    assert_eq!((labels(&f).len(), f["isLast"].as_bool()), (2, Some(false)));
    let (_, f) = send(&sp, "GET", &format!("{TM}?maxResults=2&startAt=2"), alice(&sp), None);
    assert_eq!(labels(&f), ["Reporting"]);
    for bad in ["createdFrom=yesterday", "status=BROKEN", "maxResults=many", "user=nobody@example.com"] {
        assert_eq!(send(&sp, "GET", &format!("{TM}?{bad}"), alice(&sp), None).0, 400, "{bad}");
    }

    // Bad creations.
    for body in [json!({"label": "x", "expiresInDays": 366}), json!({"label": "x", "expiresInDays": 0}), json!({"expiresInDays": 5}), json!({"label": "x".repeat(300)}), json!({"label": 5}), json!(["label"])] {
        let (st, v) = send(&sp, "POST", TM, alice(&sp), Some(&body));
        assert_eq!(st, 400, "{body} -> {v}");
        assert!(v["errorMessages"][0].is_string(), "{v}");
    }
    let resp = sp.http.post(sp.url(TM)).basic_auth(&sp.info.user, Some(&sp.info.api_token)).header("content-type", "application/json").body("{oops").send().unwrap();
    assert_eq!(resp.status().as_u16(), 400);

    // A non-admin cannot see or create others' tokens.
    assert_eq!(send(&sp, "GET", &format!("{TM}?user={}", sp.info.admin_user), alice(&sp), None).0, 403);
    assert_eq!(send(&sp, "POST", TM, alice(&sp), Some(&json!({"label": "x", "user": sp.info.admin_user}))).0, 403);
    assert_eq!(sp.http.get(sp.url(TM)).send().unwrap().status().as_u16(), 401, "anonymous");

    // Revoke: Basic with it fails at once; it is listed only on request.
    let (st, _) = send(&sp, "DELETE", &format!("{TM}/{}", ci["id"].as_str().unwrap()), alice(&sp), None);
    assert_eq!(st, 204);
    assert!(!basic_works(&sp, &sp.info.user, &secret));
    let (_, list) = send(&sp, "GET", TM, alice(&sp), None);
    assert_eq!(labels(&list), ["sandbox", "Reporting"]);
    let (_, list) = send(&sp, "GET", &format!("{TM}?status=REVOKED"), alice(&sp), None);
    assert_eq!(labels(&list), ["CI Pipeline"]);
    assert_eq!(list["values"][0]["status"], "REVOKED");

    // Expiry follows the sandbox clock.
    let (_, short) = send(&sp, "POST", TM, alice(&sp), Some(&json!({"label": "Short", "expiresInDays": 1})));
    let short_secret = short["token"].as_str().unwrap().to_string();
    assert!(basic_works(&sp, &sp.info.user, &short_secret));
    sp.advance_clock(2 * 86_400);
    assert!(!basic_works(&sp, &sp.info.user, &short_secret));
    let (_, list) = send(&sp, "GET", &format!("{TM}?status=EXPIRED"), alice(&sp), None);
    assert_eq!(labels(&list), ["Short"]);

    // Atlassian's user-management shape.
    let (st, um) = send(&sp, "GET", &format!("/users/{alice_id}/manage/api-tokens"), alice(&sp), None);
    assert_eq!(st, 200, "{um}");
    let um = um.as_array().unwrap().clone();
    assert_eq!(um.iter().map(|t| t["label"].as_str().unwrap()).collect::<Vec<_>>(), ["sandbox", "Reporting"]);
    assert!(um[0]["createdAt"].is_string() && um[0]["expiry"].is_string() && um[0]["id"].is_string());
    let rep_id = rep["id"].as_str().unwrap();
    assert_eq!(send(&sp, "DELETE", &format!("/users/{alice_id}/manage/api-tokens/{rep_id}"), alice(&sp), None).0, 204);
    assert_eq!(send(&sp, "DELETE", &format!("/users/{alice_id}/manage/api-tokens/{rep_id}"), alice(&sp), None).0, 404);
}

#[test]
fn token_manager_admin_creates_and_revokes_for_others_within_the_maximum() {
    let sp = SandboxProc::start(&[]);
    let (_, mine) = send(&sp, "GET", TM, alice(&sp), None);
    let alice_id = mine["values"][0]["accountId"].as_str().unwrap().to_string();

    // Within the maximum (90 days by default), by email or account id.
    let (st, t) = send(&sp, "POST", TM, admin(&sp), Some(&json!({"label": "Provisioned for Alice", "user": "ALICE@example.com", "expiresInDays": 90})));
    assert_eq!(st, 201, "{t}");
    assert_eq!(t["accountId"], alice_id.as_str());
    assert_ne!(t["createdBy"], alice_id.as_str());
    let secret = t["token"].as_str().unwrap().to_string();
    assert!(basic_works(&sp, &sp.info.user, &secret), "the owner signs in with it");
    assert!(!basic_works(&sp, &sp.info.admin_user, &secret), "it is the owner's, not the admin's");
    let (st, dflt) = send(&sp, "POST", TM, admin(&sp), Some(&json!({"label": "Default expiry", "accountId": alice_id})));
    assert_eq!(st, 201);
    let days = (chrono::DateTime::parse_from_rfc3339(dflt["expiresAt"].as_str().unwrap()).unwrap() - chrono::DateTime::parse_from_rfc3339(dflt["createdAt"].as_str().unwrap()).unwrap()).num_days();
    assert_eq!(days, 90, "the default is the maximum");

    // Beyond it: a clear 400.
    let (st, v) = send(&sp, "POST", TM, admin(&sp), Some(&json!({"label": "Too long", "user": alice_id, "expiresInDays": 91})));
    assert_eq!(st, 400);
    let msg = v["errorMessages"][0].as_str().unwrap();
    assert!(msg.contains("90 days"), "{msg}");
    let (st, _) = send(&sp, "POST", TM, admin(&sp), Some(&json!({"label": "Too long", "user": alice_id, "expiresAt": today_plus(120)})));
    assert_eq!(st, 400);
    // For themselves the usual yearly limit applies.
    assert_eq!(send(&sp, "POST", TM, admin(&sp), Some(&json!({"label": "Mine", "expiresInDays": 200}))).0, 201);
    assert_eq!(send(&sp, "POST", TM, admin(&sp), Some(&json!({"label": "x", "user": "ghost@example.com"}))).0, 400);

    // The admin sees everyone's tokens and filters by users.
    let (_, all) = send(&sp, "GET", TM, admin(&sp), None);
    let owners: Vec<&str> = all["values"].as_array().unwrap().iter().map(|t| t["email"].as_str().unwrap()).collect();
    assert!(owners.contains(&"alice@example.com") && owners.contains(&"admin@example.com"), "{owners:?}");
    let (_, a) = send(&sp, "GET", &format!("{TM}?user=alice@example.com"), admin(&sp), None);
    assert_eq!(labels(&a), ["sandbox", "Provisioned for Alice", "Default expiry"]);
    let (_, both) = send(&sp, "GET", &format!("{TM}?user={alice_id},{}&description=SANDBOX", sp.info.admin_user), admin(&sp), None);
    assert_eq!(labels(&both), ["sandbox", "sandbox admin"]);
    let (_, both2) = send(&sp, "GET", &format!("{TM}?user={alice_id}&user={}&label=sandbox", sp.info.admin_user), admin(&sp), None);
    assert_eq!(labels(&both2), ["sandbox", "sandbox admin"]);

    // Alice cannot revoke the admin's token; the admin can revoke Alice's.
    let admin_token_id = both["values"][1]["id"].as_str().unwrap();
    assert_eq!(send(&sp, "DELETE", &format!("{TM}/{admin_token_id}"), alice(&sp), None).0, 404);
    assert_eq!(send(&sp, "GET", &format!("{TM}/{admin_token_id}"), alice(&sp), None).0, 404);
    assert_eq!(send(&sp, "DELETE", &format!("{TM}/{}", t["id"].as_str().unwrap()), admin(&sp), None).0, 204);
    assert!(!basic_works(&sp, &sp.info.user, &secret));
    assert_eq!(send(&sp, "DELETE", &format!("{TM}/no-such-token"), admin(&sp), None).0, 404);

    // The user-management shape: self or admin only.
    let (_, admin_list) = send(&sp, "GET", &format!("{TM}?user={}", sp.info.admin_user), admin(&sp), None);
    let admin_id = admin_list["values"][0]["accountId"].as_str().unwrap();
    assert_eq!(send(&sp, "GET", &format!("/users/{admin_id}/manage/api-tokens"), alice(&sp), None).0, 403);
    assert_eq!(send(&sp, "GET", &format!("/users/{alice_id}/manage/api-tokens"), admin(&sp), None).0, 200);
    assert_eq!(send(&sp, "GET", "/users/nobody/manage/api-tokens", admin(&sp), None).0, 404);
}

#[test]
fn token_manager_maximum_follows_the_flag() {
    let sp = SandboxProc::start(&["--token-manager-max-days", "7"]);
    let body = |d: i64| json!({"label": "x", "user": sp.info.user, "expiresInDays": d});
    assert_eq!(send(&sp, "POST", TM, admin(&sp), Some(&body(7))).0, 201);
    let (st, v) = send(&sp, "POST", TM, admin(&sp), Some(&body(8)));
    assert_eq!(st, 400);
    assert!(v["errorMessages"][0].as_str().unwrap().contains("7 days"), "{v}");
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
    for body in [json!({}), json!({"name": ""}), json!({"name": "x", "expirationDuration": 0}), json!({"name": "x", "expirationDuration": 100000}), json!({"name": "x", "expirationDuration": "soon"}), json!("x")] {
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
    let dc = SandboxProc::start(&["--flavor", "datacenter"]);
    assert_eq!(send(&dc, "GET", TM, alice(&dc), None).0, 404);
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
        let (_, kept) = send(&sp, "POST", TM, alice(&sp), Some(&json!({"label": "Kept"})));
        let (_, gone) = send(&sp, "POST", TM, alice(&sp), Some(&json!({"label": "Gone"})));
        assert_eq!(send(&sp, "DELETE", &format!("{TM}/{}", gone["id"].as_str().unwrap()), alice(&sp), None).0, 204);
        (kept["token"].as_str().unwrap().to_string(), gone["token"].as_str().unwrap().to_string())
    };
    let sp = SandboxProc::start(&["--state", state_arg]);
    assert!(basic_works(&sp, &sp.info.user, &secret));
    assert!(!basic_works(&sp, &sp.info.user, &revoked));
    let (_, list) = send(&sp, "GET", TM, alice(&sp), None);
    assert_eq!(labels(&list), ["sandbox", "Kept"]);
    drop(sp);
    let _ = std::fs::remove_dir_all(&dir);
}
