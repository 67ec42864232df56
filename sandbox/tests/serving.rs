//! How the sandbox serves: https with a given certificate, and state kept across restarts.

mod support;

use serde_json::json;
use support::SandboxProc;

#[test]
fn serves_https_with_the_given_certificate() {
    let dir = std::env::temp_dir().join(format!("sandbox-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, ck.cert.pem()).unwrap();
    std::fs::write(&key, ck.key_pair.serialize_pem()).unwrap();
    let sb = SandboxProc::start(&["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()]);
    assert!(sb.info.url.starts_with("https://127.0.0.1:"), "{}", sb.info.url);
    // An untrusted self-signed certificate is refused by a verifying client...
    let strict = reqwest::blocking::Client::new();
    assert!(strict.get(sb.url("/rest/api/3/serverInfo")).send().is_err());
    // ...and accepted once the client trusts it.
    let ca = reqwest::Certificate::from_pem(ck.cert.pem().as_bytes()).unwrap();
    let trusting = reqwest::blocking::Client::builder().add_root_certificate(ca).build().unwrap();
    let r = trusting.get(sb.url("/rest/api/3/serverInfo")).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn state_file_keeps_writes_across_restarts() {
    let dir = std::env::temp_dir().join(format!("sandbox-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let key = {
        let sb = SandboxProc::start(&["--state", state.to_str().unwrap()]);
        let (s, v) = sb.send_json(
            "POST",
            "/rest/api/3/issue",
            &json!({"fields": {"project": {"key": "ENG"}, "issuetype": {"name": "Task"}, "summary": "Survives a restart"}}),
        );
        assert_eq!(s, 201, "{v}");
        v["key"].as_str().unwrap().to_string()
    };
    assert!(state.exists());
    let sb = SandboxProc::start(&["--state", state.to_str().unwrap()]);
    let v = sb.get_json(&format!("/rest/api/3/issue/{key}?fields=summary"), 200);
    assert_eq!(v["fields"]["summary"], "Survives a restart");
    // The key counter survived too: the next issue gets a new key.
    let (_, v2) = sb.send_json("POST", "/rest/api/3/issue", &json!({"fields": {"project": {"key": "ENG"}, "issuetype": {"name": "Task"}, "summary": "Next"}}));
    assert_ne!(v2["key"].as_str().unwrap(), key);
    drop(sb);
    // A corrupt state file is refused with a clear message, not overwritten.
    std::fs::write(&state, "{not json").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_atlassian-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--state", state.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid"));
    assert_eq!(std::fs::read_to_string(&state).unwrap(), "{not json");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn same_seed_same_site_other_seed_other_site() {
    let a = SandboxProc::start(&["--seed", "7"]);
    let b = SandboxProc::start(&["--seed", "7"]);
    let c = SandboxProc::start(&["--seed", "8"]);
    let get = |sb: &SandboxProc| {
        let f = sb.get_json("/rest/api/3/issue/ENG-3?fields=summary,created,assignee", 200)["fields"].clone();
        (f["summary"].clone(), f["created"].clone(), f["assignee"]["accountId"].clone())
    };
    assert_eq!(get(&a), get(&b));
    assert_ne!(get(&a), get(&c));
}

#[test]
fn large_sites_generate() {
    let sb = SandboxProc::start(&["--issues", "20000", "--pages", "5000", "--projects", "5"]);
    let v = sb.send_json("POST", "/rest/api/3/search/approximate-count", &json!({"jql": "project = ENG"}));
    assert_eq!(v.0, 200);
    assert!(v.1["count"].as_u64().unwrap() >= 3000);
}
