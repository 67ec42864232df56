//! Support for the end-to-end suites: starting the real `atlassian-sandbox` binary on a free
//! loopback port, reading its start-up line, stopping it when dropped.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde::Deserialize;

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
}

/// The workspace's target directory (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("target"),
    }
}

/// The sandbox binary, built on demand (the test command builds the workspace first, so this
/// normally finds it at once).
pub fn sandbox_binary() -> PathBuf {
    let bin = target_dir().join("debug").join("atlassian-sandbox");
    if !bin.exists() {
        let status = Command::new(env!("CARGO")).args(["build", "-p", "atlassian-sandbox"]).status().expect("run cargo build");
        assert!(status.success(), "building the sandbox failed");
    }
    bin
}

pub struct Sandbox {
    pub info: StartupInfo,
    child: Child,
}

impl Sandbox {
    pub fn start(args: &[&str]) -> Sandbox {
        let mut child = Command::new(sandbox_binary())
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start atlassian-sandbox");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read the start-up line");
        let info = serde_json::from_str(&line).unwrap_or_else(|e| panic!("bad start-up line {line:?}: {e}"));
        Sandbox { info, child }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.info.url, path)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
