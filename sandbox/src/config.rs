//! Command-line configuration of the sandbox. Every credential on the start-up line has a fixed
//! default so tests and the demo are reproducible, and a flag to override it.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::faults::FaultConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavor {
    /// Atlassian Cloud: `/wiki/api/v2`, `/rest/api/3`, API tokens, OAuth 2.0 gateway.
    Cloud,
    /// Data Center: `/rest/api/content`, `/rest/api/2`, personal access tokens, `startAt` paging.
    Datacenter,
}

#[derive(Debug, Clone, Parser)]
#[command(name = "atlassian-sandbox", version, about = "A local emulator of Atlassian Confluence and Jira")]
pub struct Config {
    /// Address to listen on; port 0 picks a free port. Only loopback addresses are accepted.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    #[arg(long, value_enum, default_value = "cloud")]
    pub flavor: Flavor,
    /// Seed of the generated site: the same seed and sizes give the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    #[arg(long, default_value_t = 4)]
    pub spaces: usize,
    #[arg(long, default_value_t = 60)]
    pub pages: usize,
    #[arg(long, default_value_t = 12)]
    pub blogposts: usize,
    #[arg(long, default_value_t = 3)]
    pub projects: usize,
    #[arg(long, default_value_t = 300)]
    pub issues: usize,
    /// Added to every API response (not to `/__sandbox/`), for realistic benchmarks.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Serve https with this certificate chain (PEM); needs `--tls-key`.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve https with a new self-signed certificate for 127.0.0.1 and localhost, written to
    /// DIR/cert.pem (and DIR/key.pem): what a client must be told to trust.
    #[arg(long, value_name = "DIR", conflicts_with = "tls_cert")]
    pub tls_self_signed: Option<PathBuf>,
    /// Persist writes and issued tokens in this file across restarts.
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Fault probabilities, e.g. `503=0.1,429=0.05,reset=0.02,slow=0.01`.
    #[arg(long, value_parser = FaultConfig::parse_flag)]
    pub faults: Option<FaultConfig>,
    /// How long a `slow` fault delays its response.
    #[arg(long, default_value_t = 30_000)]
    pub slow_ms: u64,
    /// Requests per second each caller may send before 429 (token bucket, burst of twice this).
    #[arg(long, default_value_t = 500)]
    pub rate_limit: u32,
    #[arg(long, default_value = "a436116f-02ce-4520-8fbb-7301462a1674")]
    pub cloud_id: String,
    #[arg(long, default_value = "alice@example.com")]
    pub user: String,
    #[arg(long, default_value = "ATATT-sandbox-alice-api-token")]
    pub api_token: String,
    #[arg(long, default_value = "NjQ4MzU0NzE5OTk2OnNhbmRib3gtYWxpY2UtcGF0")]
    pub pat: String,
    #[arg(long, default_value = "admin@example.com")]
    pub admin_user: String,
    #[arg(long, default_value = "ATATT-sandbox-admin-api-token")]
    pub admin_api_token: String,
    /// The organization the Cloud site belongs to (the Admin APIs' `orgId`).
    #[arg(long, default_value = "0c4a3f9e-5b1d-4e8a-9f2c-sandbox-org")]
    pub org_id: String,
    /// The organization's API key (admin.atlassian.com > Settings > API keys): the bearer token
    /// of the Admin APIs.
    #[arg(long, default_value = "ATCTT-sandbox-org-api-key")]
    pub org_api_key: String,
    #[arg(long, default_value = "sandboxClientId0123456789abcdef")]
    pub oauth_client_id: String,
    #[arg(long, default_value = "sandbox-client-secret-0123456789abcdef")]
    pub oauth_client_secret: String,
    /// Extra callback URLs the default OAuth client accepts (loopback URLs are always accepted).
    #[arg(long)]
    pub oauth_callback: Vec<String>,
    /// Lifetime of issued OAuth access tokens.
    #[arg(long, default_value_t = 3600)]
    pub oauth_expires_in: i64,
    /// A rotated refresh token may be presented again within this many seconds (network retries);
    /// after that, reuse revokes the whole grant, as Atlassian does.
    #[arg(long, default_value_t = 10)]
    pub refresh_reuse_interval: i64,
    /// Serve no token REST resources (Data Center's PATs), as a site without them: clients
    /// get 404 there.
    #[arg(long)]
    pub without_token_apis: bool,
    /// Leave out the "API Token Authentication" Marketplace app (resolution) on Data Center:
    /// its REST resources answer 404 and its tokens do not exist.
    #[arg(long)]
    pub without_token_app: bool,
    /// The app's admin setting: the longest validity a token may have, in months.
    #[arg(long, default_value_t = 12)]
    pub token_app_max_months: u32,
}

impl Config {
    /// With `--tls-self-signed DIR`: makes the certificate and points `tls_cert`/`tls_key` at it.
    pub fn with_self_signed_tls(mut self) -> Result<Config, String> {
        let Some(dir) = self.tls_self_signed.clone() else { return Ok(self) };
        let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .map_err(|e| format!("cannot make a certificate: {e}"))?;
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        std::fs::write(&cert, ck.cert.pem()).map_err(|e| format!("cannot write {}: {e}", cert.display()))?;
        std::fs::write(&key, ck.key_pair.serialize_pem()).map_err(|e| format!("cannot write {}: {e}", key.display()))?;
        self.tls_cert = Some(cert);
        self.tls_key = Some(key);
        Ok(self)
    }

    /// A configuration with every default, for tests that build a sandbox in-process.
    pub fn defaults() -> Config {
        Config::parse_from(["atlassian-sandbox"])
    }
}
