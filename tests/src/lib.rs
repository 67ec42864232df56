//! Support for the end-to-end suites: starting the real `atlassian-sandbox` binary on a free
//! loopback port, reading its start-up line, stopping it when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
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

/// The build profile whose binaries are used: `debug` for tests, `release` when
/// `E2E_PROFILE=release` (the benchmarks).
pub fn profile() -> String {
    std::env::var("E2E_PROFILE").ok().filter(|p| !p.is_empty()).unwrap_or_else(|| "debug".into())
}

/// A binary or library of this workspace in the chosen profile, built on demand (the test
/// command builds the workspace first, so this normally finds it at once).
fn built(file: &str, package: &str) -> PathBuf {
    let profile = profile();
    let path = target_dir().join(&profile).join(file);
    if !path.exists() {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["build", "-p", package]);
        if profile != "debug" {
            cmd.args(["--profile", &profile]);
        }
        let status = cmd.status().expect("run cargo build");
        assert!(status.success(), "building {package} failed");
    }
    path
}

pub fn sandbox_binary() -> PathBuf {
    built("atlassian-sandbox", "atlassian-sandbox")
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

/// The driver library, built on demand like the sandbox.
pub fn driver_library() -> PathBuf {
    built("libatlassian_odbc.so", "atlassian-odbc-driver")
}

/// The name the tests register the driver under in their own odbcinst.ini.
pub const DRIVER_NAME: &str = "Atlassian ODBC";

/// A private unixODBC configuration (odbcinst.ini with the driver, odbc.ini for DSNs) for this
/// test process, selected through `ODBCSYSINI`/`ODBCINI` so the machine's own files are untouched.
pub struct OdbcConfig {
    pub dir: PathBuf,
    dsn_lock: std::sync::Mutex<()>,
}

static ODBC_CONFIG: std::sync::OnceLock<OdbcConfig> = std::sync::OnceLock::new();

pub fn odbc_config() -> &'static OdbcConfig {
    ODBC_CONFIG.get_or_init(|| {
        let dir = target_dir().join("odbc-test-config").join(std::process::id().to_string());
        std::fs::create_dir_all(&dir).expect("create the ODBC config dir");
        let lib = driver_library().canonicalize().expect("driver path");
        std::fs::write(
            dir.join("odbcinst.ini"),
            format!("[{DRIVER_NAME}]\nDescription=Atlassian Confluence and Jira\nDriver={}\nThreading=0\n", lib.display()),
        )
        .expect("write odbcinst.ini");
        std::fs::write(dir.join("odbc.ini"), "").expect("write odbc.ini");
        // Set before any ODBC environment exists in this process; tests only read them after.
        std::env::set_var("ODBCSYSINI", &dir);
        std::env::set_var("ODBCINI", dir.join("odbc.ini"));
        OdbcConfig { dir, dsn_lock: std::sync::Mutex::new(()) }
    })
}

impl OdbcConfig {
    /// Environment variables for a child process (isql, python) to see this configuration.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![("ODBCSYSINI".into(), self.dir.display().to_string()), ("ODBCINI".into(), self.dir.join("odbc.ini").display().to_string())]
    }

    /// Adds a DSN section to odbc.ini.
    pub fn add_dsn(&self, name: &str, attributes: &[(&str, &str)]) {
        let _g = self.dsn_lock.lock().unwrap();
        let path = self.dir.join("odbc.ini");
        let mut text = std::fs::read_to_string(&path).unwrap_or_default();
        text.push_str(&format!("\n[{name}]\nDriver={DRIVER_NAME}\n"));
        for (k, v) in attributes {
            text.push_str(&format!("{k}={v}\n"));
        }
        std::fs::write(&path, text).expect("write odbc.ini");
    }

    /// Registers another driver library under `name` in this configuration's odbcinst.ini, so
    /// that one process can load several builds side by side (the benchmarks compare them).
    /// Call it before the first ODBC environment exists: the driver manager may cache the file.
    pub fn add_driver(&self, name: &str, library: &Path) {
        let _g = self.dsn_lock.lock().unwrap();
        let lib = library.canonicalize().unwrap_or_else(|e| panic!("driver {}: {e}", library.display()));
        let path = self.dir.join("odbcinst.ini");
        let mut text = std::fs::read_to_string(&path).unwrap_or_default();
        text.push_str(&format!("\n[{name}]\nDescription=Atlassian Confluence and Jira\nDriver={}\nThreading=0\n", lib.display()));
        std::fs::write(&path, text).expect("write odbcinst.ini");
    }
}

impl Sandbox {
    /// A DSN-less connection string for the start-up user with an API token.
    pub fn connection_string(&self) -> String {
        self.connection_string_for(DRIVER_NAME)
    }

    /// The same through another registered driver (see [`OdbcConfig::add_driver`]).
    pub fn connection_string_for(&self, driver: &str) -> String {
        odbc_config();
        format!("Driver={{{driver}}};Url={};User={};APIToken={};", self.info.url, self.info.user, self.info.api_token)
    }

    /// Registers a DSN for this sandbox (Url, User, APIToken) and returns its name.
    pub fn dsn(&self, name: &str) -> String {
        let port = self.info.url.rsplit(':').next().unwrap_or("0").to_string();
        let dsn = format!("{name}_{port}");
        odbc_config().add_dsn(&dsn, &[("Url", &self.info.url), ("User", &self.info.user), ("APIToken", &self.info.api_token)]);
        dsn
    }
}
