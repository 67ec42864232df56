//! Starts the real `atlassian-sandbox` binary on a free loopback port, reads its start-up line,
//! and stops it when dropped. Shared by the sandbox's integration tests.
#![allow(dead_code)]

pub mod openapi;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, Deserialize)]
pub struct StartupInfo {
    pub url: String,
    pub cloud_id: String,
    pub user: String,
    pub api_token: String,
    pub pat: String,
    pub admin_user: String,
    pub admin_api_token: String,
    pub oauth_client_id: String,
    pub oauth_client_secret: String,
    pub authorize_url: String,
    pub token_url: String,
    pub api_gateway_url: String,
    pub org_id: String,
    pub org_api_key: String,
}

pub struct SandboxProc {
    pub info: StartupInfo,
    child: Child,
    pub http: reqwest::blocking::Client,
}

impl SandboxProc {
    /// Starts a sandbox with these extra flags (`--listen 127.0.0.1:0` is always given).
    pub fn start(args: &[&str]) -> SandboxProc {
        let mut child = Command::new(env!("CARGO_BIN_EXE_atlassian-sandbox"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start atlassian-sandbox");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read start-up line");
        let info: StartupInfo = serde_json::from_str(&line).unwrap_or_else(|e| panic!("bad start-up line {line:?}: {e}"));
        let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        SandboxProc { info, child, http }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.info.url, path)
    }

    /// GET with the default user's Basic credentials (email + API token).
    /// Service Management requests opt in to its experimental operations, as the driver does.
    pub fn get(&self, path: &str) -> reqwest::blocking::Response {
        let mut req = self.http.get(self.url(path)).basic_auth(&self.info.user, Some(&self.info.api_token));
        if path.contains("/rest/servicedeskapi/") {
            req = req.header("X-ExperimentalApi", "opt-in");
        }
        req.send().expect("GET")
    }

    /// GET without opting in to experimental operations.
    pub fn get_without_opt_in(&self, path: &str) -> reqwest::blocking::Response {
        self.http.get(self.url(path)).basic_auth(&self.info.user, Some(&self.info.api_token)).send().expect("GET")
    }

    /// GET as JSON, asserting the status.
    pub fn get_json(&self, path: &str, status: u16) -> Value {
        let resp = self.get(path);
        let got = resp.status().as_u16();
        let text = resp.text().unwrap_or_default();
        assert_eq!(got, status, "GET {path}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {text}"))
    }

    pub fn send_json(&self, method: &str, path: &str, body: &Value) -> (u16, Value) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let resp = self.http.request(m, self.url(path)).basic_auth(&self.info.user, Some(&self.info.api_token)).json(body).send().expect("send");
        let status = resp.status().as_u16();
        let text = resp.text().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// A multipart upload of one file (as Atlassian takes attachments, with its XSRF header).
    pub fn upload(&self, path: &str, file_name: &str, bytes: &[u8]) -> (u16, Value) {
        let part = reqwest::blocking::multipart::Part::bytes(bytes.to_vec()).file_name(file_name.to_string()).mime_str("text/plain").unwrap();
        let form = reqwest::blocking::multipart::Form::new().part("file", part);
        let resp = self
            .http
            .post(self.url(path))
            .basic_auth(&self.info.user, Some(&self.info.api_token))
            .header("X-Atlassian-Token", "no-check")
            .multipart(form)
            .send()
            .expect("upload");
        let status = resp.status().as_u16();
        let text = resp.text().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub fn stats(&self) -> Value {
        self.http.get(self.url("/__sandbox/stats")).send().unwrap().json().unwrap()
    }

    pub fn reset_stats(&self) {
        self.http.post(self.url("/__sandbox/reset-stats")).send().unwrap();
    }

    pub fn advance_clock(&self, seconds: i64) {
        let r = self.http.post(self.url("/__sandbox/clock")).json(&serde_json::json!({"advance_seconds": seconds})).send().unwrap();
        assert!(r.status().is_success());
    }
}

impl Drop for SandboxProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SandboxProc {
    /// GET as the site admin.
    pub fn get_as_admin(&self, path: &str) -> reqwest::blocking::Response {
        self.http.get(self.url(path)).basic_auth(&self.info.admin_user, Some(&self.info.admin_api_token)).send().expect("GET")
    }
}

/// The seeded whiteboards and folders (id, type), found as Confluence shows them: their ids
/// follow the last seeded content's, so the ids after the highest content id are probed.
pub fn tree_item_list(sb: &SandboxProc) -> Vec<(String, String)> {
    let mut max = 0u64;
    for list in ["pages", "blogposts", "footer-comments", "inline-comments"] {
        let statuses = if list.ends_with("comments") { "" } else { "&status=current,archived,draft" };
        let mut next = Some(format!("/wiki/api/v2/{list}?limit=250{statuses}"));
        while let Some(path) = next.take() {
            let body: Value = sb.get_as_admin(&path).json().expect("JSON");
            for r in body["results"].as_array().into_iter().flatten() {
                max = max.max(r["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or(0));
            }
            next = body["_links"]["next"].as_str().map(str::to_string);
        }
    }
    let mut found = Vec::new();
    for id in max + 1..max + 20 {
        for kind in ["whiteboards", "folders"] {
            if sb.get_as_admin(&format!("/wiki/api/v2/{kind}/{id}")).status().as_u16() == 200 {
                found.push((id.to_string(), kind.trim_end_matches('s').to_string()));
            }
        }
    }
    found
}

/// A seeded whiteboard under a folder, and that folder.
pub fn tree_items(sb: &SandboxProc) -> (String, String) {
    let items = tree_item_list(sb);
    let wb = items.iter().find(|(id, kind)| {
        kind == "whiteboard" && {
            let b: Value = sb.get_as_admin(&format!("/wiki/api/v2/whiteboards/{id}")).json().unwrap();
            b["parentType"] == "folder"
        }
    });
    let wb = wb.expect("a whiteboard in a folder").0.clone();
    let b: Value = sb.get_as_admin(&format!("/wiki/api/v2/whiteboards/{wb}")).json().unwrap();
    (wb, b["parentId"].as_str().unwrap().to_string())
}
