//! Fault injection, latency, rate limits and statistics, as configured, against the real binary.

mod support;

use serde_json::{json, Value};
use support::SandboxProc;

#[test]
fn faults_are_injected_as_configured_and_counted() {
    let sb = SandboxProc::start(&["--faults", "503=1"]);
    let r = sb.get("/rest/api/3/myself");
    assert_eq!(r.status().as_u16(), 503);
    // The control API is never faulted.
    let stats = sb.stats();
    assert_eq!(stats["status"]["503"], 1);
    assert_eq!(stats["faults"]["503"], 1);
    assert_eq!(stats["routes"]["GET /rest/api/3/myself"], 1);
    // Switch to 429 only.
    let r = sb.http.post(sb.url("/__sandbox/faults")).json(&json!({"503": 0, "429": 1})).send().unwrap();
    assert!(r.status().is_success());
    let r = sb.get("/rest/api/3/myself");
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "1");
    assert!(r.headers().contains_key("x-ratelimit-limit"));
    // Route filters: only the search route is faulted.
    sb.http.post(sb.url("/__sandbox/faults")).json(&json!({"503": 1, "routes": ["GET /rest/api/3/search/jql"]})).send().unwrap();
    assert_eq!(sb.get("/rest/api/3/myself").status().as_u16(), 200);
    assert_eq!(sb.get("/rest/api/3/search/jql?jql=project%3DENG").status().as_u16(), 503);
    // Bad fault configurations are refused, the old one kept.
    let r = sb.http.post(sb.url("/__sandbox/faults")).json(&json!({"503": 2})).send().unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let r = sb.http.post(sb.url("/__sandbox/faults")).json(&json!({"bogus": 0.5})).send().unwrap();
    assert_eq!(r.status().as_u16(), 400);
    sb.reset_stats();
    assert_eq!(sb.stats()["total"], 0);
}

#[test]
fn dropped_connections_fail_the_read() {
    let sb = SandboxProc::start(&["--faults", "reset=1"]);
    // Either the response never completes, or its body is cut short: never a whole JSON document.
    let sent = sb.http.get(sb.url("/rest/api/3/field")).basic_auth(&sb.info.user, Some(&sb.info.api_token)).send();
    if let Ok(r) = sent {
        let body = r.text();
        assert!(body.is_err() || serde_json::from_str::<Value>(&body.unwrap()).is_err());
    }
    assert_eq!(sb.stats()["faults"]["reset"], 1);
}

#[test]
fn probabilities_are_honoured_roughly() {
    let sb = SandboxProc::start(&["--faults", "503=0.3"]);
    let n = 300;
    let failures = (0..n).filter(|_| sb.get("/rest/api/3/serverInfo").status().as_u16() == 503).count();
    // 90 expected; a binomial(300, 0.3) is within 55..125 with overwhelming probability.
    assert!((55..=125).contains(&failures), "{failures} failures of {n}");
    assert_eq!(sb.stats()["faults"]["503"].as_u64().unwrap() as usize, failures);
}

#[test]
fn rate_limit_answers_429_with_retry_after() {
    let sb = SandboxProc::start(&["--rate-limit", "5"]);
    let mut limited = None;
    for i in 0..40 {
        let r = sb.get("/rest/api/3/serverInfo");
        if r.status().as_u16() == 429 {
            limited = Some((i, r));
            break;
        }
        assert!(r.headers().contains_key("x-ratelimit-remaining"));
    }
    let (i, r) = limited.expect("the rate limit must trigger");
    assert!(i >= 9, "burst of 10 allowed, limited after {i}");
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry >= 1);
    std::thread::sleep(std::time::Duration::from_millis(1100 * retry));
    assert_eq!(sb.get("/rest/api/3/serverInfo").status().as_u16(), 200);
}

#[test]
fn latency_is_added_to_api_routes_only() {
    let sb = SandboxProc::start(&["--latency-ms", "300"]);
    let t = std::time::Instant::now();
    sb.get("/rest/api/3/serverInfo");
    assert!(t.elapsed().as_millis() >= 300);
    let t = std::time::Instant::now();
    sb.stats();
    assert!(t.elapsed().as_millis() < 300);
}

#[test]
fn clock_moves_forward() {
    let sb = SandboxProc::start(&[]);
    let before: Value = sb.http.get(sb.url("/__sandbox/clock")).send().unwrap().json().unwrap();
    sb.advance_clock(7200);
    let after: Value = sb.http.get(sb.url("/__sandbox/clock")).send().unwrap().json().unwrap();
    let parse = |v: &Value| chrono_parse(v["now"].as_str().unwrap());
    assert!(parse(&after) - parse(&before) >= 7200);
    let r = sb.http.post(sb.url("/__sandbox/clock")).body("{\"advance\": 1}").send().unwrap();
    assert_eq!(r.status().as_u16(), 400);
}

fn chrono_parse(s: &str) -> i64 {
    // RFC 3339 seconds since the epoch, without pulling a date crate into the tests.
    let out = std::process::Command::new("date").args(["-d", s, "+%s"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().parse().unwrap()
}

#[test]
fn startup_line_and_loopback_only() {
    let sb = SandboxProc::start(&["--flavor", "cloud"]);
    assert!(sb.info.url.starts_with("http://127.0.0.1:"));
    assert_eq!(sb.info.authorize_url, format!("{}/authorize", sb.info.url));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_atlassian-sandbox")).args(["--listen", "0.0.0.0:0"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
}

#[test]
fn slow_responses_are_delayed_past_the_configured_time() {
    let sb = SandboxProc::start(&["--faults", "slow=1", "--slow-ms", "700"]);
    let t = std::time::Instant::now();
    assert_eq!(sb.get("/rest/api/3/serverInfo").status().as_u16(), 200);
    assert!(t.elapsed().as_millis() >= 700);
    assert_eq!(sb.stats()["faults"]["slow"], 1);
    // A client with a shorter timeout sees a timeout, not an answer.
    let quick = reqwest::blocking::Client::builder().timeout(std::time::Duration::from_millis(200)).build().unwrap();
    let err = quick.get(sb.url("/rest/api/3/serverInfo")).send().unwrap_err();
    assert!(err.is_timeout());
}
