use std::sync::Arc;

use atlassian_oauth::Authenticator;
use serde_json::Value;

use super::gate::RequestGate;
use super::retry::{GaveUp, RetryBudget};
pub use crate::catalog::Flavor;
use crate::catalog::Product;
use crate::{MapperError, SqlState};

/// `MaxConcurrency` when not given: at 100 ms of latency, 8 streams already make a scan of
/// 20,000 issues over 4x quicker than one, and more mostly spend the site's rate limit.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Where the products live for this connection.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// Base URL for Jira REST paths (`/rest/api/...`): the site, or the OAuth gateway's `/ex/jira/{cloudId}`.
    pub jira_base: String,
    /// Base URL for Confluence REST paths (`/wiki/...` on Cloud, `/rest/api/...` on Data Center).
    pub confluence_base: String,
    pub flavor: Flavor,
    /// Timeout, trusted certificates and proxy.
    pub transport: atlassian_oauth::Transport,
    /// The organization's Admin APIs (Cloud), when `OrgId` and `OrgApiKey` are given.
    pub org_admin: Option<OrgAdmin>,
}

/// Where a path beginning with this goes: the organization's Admin APIs (`api.atlassian.com`),
/// with `{orgId}` filled in and the organization's API key as the bearer token, whatever the
/// connection's own credentials are.
pub const ORG_ADMIN: &str = "{admin}";
/// Jira Service Management's REST API.
pub(crate) const SERVICE_MANAGEMENT: &str = "/rest/servicedeskapi/";

/// The organization a Cloud site belongs to, as its admins reach it: `AdminApiURL`, `OrgId`
/// and the organization API key (`OrgApiKey`, admin.atlassian.com > Settings > API keys).
#[derive(Clone)]
pub struct OrgAdmin {
    pub base: String,
    pub org_id: String,
    pub api_key: String,
}

impl std::fmt::Debug for OrgAdmin {
    // The key is a secret: never in a log or an error.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrgAdmin").field("base", &self.base).field("org_id", &self.org_id).finish_non_exhaustive()
    }
}

/// Where one request goes and, for the Admin APIs, the key it carries instead of the
/// connection's credentials.
struct Target {
    url: String,
    org_key: Option<String>,
    /// The credentials of the server it goes to.
    auth: Arc<dyn Authenticator>,
}

#[derive(Debug)]
pub struct AtlassianClient {
    http: reqwest::Client,
    site: SiteConfig,
    /// Jira's and Confluence's bases: the site's, or the OAuth gateway's once a token names the
    /// site (an OAuth connection that opened without one moves when it gets one).
    bases: std::sync::RwLock<(String, String)>,
    auth: Arc<dyn Authenticator>,
    /// Confluence's own credentials where its server is its own authorization server (Data
    /// Center on another host, signed in to with a second OAuth grant); else `auth`'s.
    confluence_auth: Option<Arc<dyn Authenticator>>,
    /// How many requests are in flight at once (`MaxConcurrency`), eased near the rate limit.
    gate: RequestGate,
    /// Where finished scans are kept (`CacheTolerance`), once the user is known.
    result_cache: std::sync::OnceLock<crate::result_cache::CacheScope>,
    /// Requests sent so far (each attempt), for a sync's progress and summary.
    sent: std::sync::atomic::AtomicU64,
    /// `Offline`: nothing is sent.
    offline: bool,
}

impl AtlassianClient {
    /// How the connection signs its requests.
    pub fn scheme(&self) -> atlassian_oauth::AuthScheme {
        self.auth.scheme()
    }

    pub fn new(site: SiteConfig, auth: Arc<dyn Authenticator>) -> Result<AtlassianClient, MapperError> {
        let http = site
            .transport
            .builder()
            .map_err(|e| MapperError::new(SqlState::CannotConnect, e))?
            .gzip(true)
            .user_agent(concat!("atlassian-odbc/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| MapperError::new(SqlState::CannotConnect, format!("cannot create the HTTP client: {e}")))?;
        let bases = std::sync::RwLock::new((site.jira_base.clone(), site.confluence_base.clone()));
        Ok(AtlassianClient {
            http,
            site,
            bases,
            auth,
            confluence_auth: None,
            gate: RequestGate::new(DEFAULT_CONCURRENCY),
            result_cache: std::sync::OnceLock::new(),
            sent: std::sync::atomic::AtomicU64::new(0),
            offline: false,
        })
    }

    /// Confluence's requests signed with their own credentials (its server's own grant).
    pub fn with_confluence_auth(mut self, auth: Option<Arc<dyn Authenticator>>) -> AtlassianClient {
        self.confluence_auth = auth;
        self
    }

    fn auth_for(&self, product: Product) -> Arc<dyn Authenticator> {
        match (&self.confluence_auth, product) {
            (Some(a), Product::Confluence) => a.clone(),
            _ => self.auth.clone(),
        }
    }

    /// A connection that never contacts the site (`Offline`): every request is refused.
    pub fn offline(mut self, on: bool) -> AtlassianClient {
        self.offline = on;
        self
    }

    /// Requests this connection has sent (retries included).
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// At most `n` requests of this connection in flight at once.
    pub fn with_max_concurrency(mut self, n: usize) -> AtlassianClient {
        self.gate = RequestGate::new(n);
        self
    }

    /// Keeps this connection's finished scans for `tolerance` (`CacheTolerance`).
    pub(crate) fn cache_results(&self, user: &str, tolerance: std::time::Duration) {
        let _ = self.result_cache.set(crate::result_cache::CacheScope { site: self.site_key(), user: user.to_string(), tolerance });
    }

    pub(crate) fn result_cache(&self) -> Option<&crate::result_cache::CacheScope> {
        self.result_cache.get()
    }

    /// The site, as the result cache names it.
    pub(crate) fn site_key(&self) -> String {
        format!("{} {}", self.site.jira_base, self.site.confluence_base)
    }

    /// `MaxConcurrency`: how many requests (and so scan partitions) run at once.
    pub fn max_concurrency(&self) -> usize {
        self.gate.max()
    }

    /// The OAuth grant the connection holds (Cloud's authorized apps have no API).
    pub async fn held_grant(&self) -> Result<Option<atlassian_oauth::HeldGrant>, MapperError> {
        self.auth.held_grant().await.map_err(auth_error)
    }

    /// Forgets the held grant (see [`atlassian_oauth::Authenticator::forget_grant`]).
    pub async fn forget_grant(&self) -> Result<bool, MapperError> {
        self.auth.forget_grant().await.map_err(auth_error)
    }

    pub fn flavor(&self) -> Flavor {
        self.site.flavor
    }

    pub fn url(&self, product: Product, path_and_query: &str) -> String {
        let bases = self.bases.read().unwrap_or_else(|p| p.into_inner());
        let base = match product {
            Product::Jira => &bases.0,
            Product::Confluence => &bases.1,
        };
        format!("{}{}", base.trim_end_matches('/'), path_and_query)
    }

    /// The path and query of a URL the site gave (Data Center's attachment `content`), when it
    /// is on the product's base: `None` for any other host, which never sees the credentials.
    pub fn site_path(&self, product: Product, url: &str) -> Option<String> {
        let bases = self.bases.read().unwrap_or_else(|p| p.into_inner());
        let base = match product {
            Product::Jira => &bases.0,
            Product::Confluence => &bases.1,
        };
        let rest = url.strip_prefix(base.trim_end_matches('/'))?;
        (rest.starts_with('/') && !rest.starts_with("//")).then(|| rest.to_string())
    }

    /// The request's URL: the product's base, or the Admin APIs' for an [`ORG_ADMIN`] path
    /// (HYC00 when the connection names no organization).
    fn target(&self, product: Product, path_and_query: &str) -> Result<Target, MapperError> {
        let auth = self.auth_for(product);
        let Some(rest) = path_and_query.strip_prefix(ORG_ADMIN) else { return Ok(Target { url: self.url(product, path_and_query), org_key: None, auth }) };
        let admin = self.site.org_admin.as_ref().ok_or_else(|| {
            MapperError::new(
                SqlState::NotSupported,
                "Cloud lists and revokes API tokens only through the organization's Admin API: give OrgId and OrgApiKey (an organization API key, created at admin.atlassian.com > Settings > API keys)",
            )
        })?;
        let org = crate::values::url_encode(&admin.org_id);
        Ok(Target {
            url: format!("{}{}", admin.base.trim_end_matches('/'), rest.replace("{orgId}", &org)),
            org_key: Some(format!("Bearer {}", admin.api_key)),
            auth,
        })
    }

    pub fn set_bases(&self, jira: String, confluence: String) {
        *self.bases.write().unwrap_or_else(|p| p.into_inner()) = (jira, confluence);
    }

    /// GET a JSON document. A 401 asks the authenticator once whether a retry can succeed.
    pub async fn get_json(&self, product: Product, path_and_query: &str) -> Result<Value, MapperError> {
        self.send_json(reqwest::Method::GET, product, path_and_query, None).await
    }

    pub async fn send_json(&self, method: reqwest::Method, product: Product, path_and_query: &str, body: Option<&Value>) -> Result<Value, MapperError> {
        let read = method == reqwest::Method::GET;
        self.exchange_json(method, product, path_and_query, body, read).await
    }

    /// A POST that only reads (Jira's JQL search): as safe to send again as a GET.
    pub async fn search_json(&self, product: Product, path_and_query: &str, body: &Value) -> Result<Value, MapperError> {
        self.exchange_json(reqwest::Method::POST, product, path_and_query, Some(body), true).await
    }

    async fn exchange_json(
        &self,
        method: reqwest::Method,
        product: Product,
        path_and_query: &str,
        body: Option<&Value>,
        read: bool,
    ) -> Result<Value, MapperError> {
        self.exchange_page(method, product, path_and_query, body, read, None).await
    }

    /// A page of a scan: a GET (`body` None) or a read-only search POST, decoded keeping
    /// only `page` (what the scan's columns read).
    pub(crate) async fn read_page(
        &self,
        product: Product,
        path_and_query: &str,
        body: Option<&Value>,
        page: &crate::rest::WantedPaths,
    ) -> Result<Value, MapperError> {
        let method = if body.is_some() { reqwest::Method::POST } else { reqwest::Method::GET };
        self.exchange_page(method, product, path_and_query, body, true, Some(page)).await
    }

    async fn exchange_page(
        &self,
        method: reqwest::Method,
        product: Product,
        path_and_query: &str,
        body: Option<&Value>,
        read: bool,
        pruned: Option<&crate::rest::WantedPaths>,
    ) -> Result<Value, MapperError> {
        let target = self.target(product, path_and_query)?;
        let text = self.send(method, &target, body.map_or(Payload::None, Payload::Json), read).await?;
        if text.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        match pruned {
            Some(page) => crate::rest::decode_pruned(&text, page).map_err(|e| not_json(&target.url, e)),
            None => json_of(&target.url, &text),
        }
    }

    /// GET raw bytes (attachment downloads).
    pub async fn get_bytes(&self, product: Product, path_and_query: &str) -> Result<Vec<u8>, MapperError> {
        self.send(reqwest::Method::GET, &self.target(product, path_and_query)?, Payload::None, true).await
    }

    /// POST one file as `multipart/form-data` (part `file`, and `comment`), with the header
    /// Confluence's XSRF check wants.
    pub async fn upload(&self, product: Product, path_and_query: &str, file: &Upload<'_>) -> Result<Value, MapperError> {
        let target = self.target(product, path_and_query)?;
        let text = self.send(reqwest::Method::POST, &target, Payload::File(file), false).await?;
        json_of(&target.url, &text)
    }

    /// One request with the connection's credentials. A 401 asks the authenticator once whether
    /// a retry can succeed; rate limits, overloaded servers and lost connections are waited out
    /// as [`RetryBudget`] allows (`read`: sending the request twice does no harm); any other
    /// failure is an error with Atlassian's message.
    async fn send(&self, method: reqwest::Method, target: &Target, payload: Payload<'_>, read: bool) -> Result<Vec<u8>, MapperError> {
        self.send_accepting(method, target, payload, read, "application/json").await.map(|(bytes, _)| bytes)
    }

    /// An HTML page of the server's (Data Center's "View OAuth Access Tokens"): a GET, or a
    /// POST of a form (with the header the XSRF check of non-browser posts wants). Answers the
    /// page and the URL it came from after redirects (a login page when the credentials are
    /// not a signed-in user's).
    pub(crate) async fn page(&self, product: Product, path: &str, form: Option<&[(&str, &str)]>) -> Result<(String, String), MapperError> {
        let target = self.target(product, path)?;
        let (method, payload, read) = match form {
            Some(f) => (reqwest::Method::POST, Payload::Form(f), false),
            None => (reqwest::Method::GET, Payload::None, true),
        };
        let (bytes, landed) = self.send_accepting(method, &target, payload, read, "text/html").await?;
        Ok((String::from_utf8_lossy(&bytes).into_owned(), landed))
    }

    async fn send_accepting(
        &self,
        method: reqwest::Method,
        target: &Target,
        payload: Payload<'_>,
        read: bool,
        accept: &str,
    ) -> Result<(Vec<u8>, String), MapperError> {
        let url = target.url.as_str();
        if self.offline {
            return Err(MapperError::new(
                SqlState::NotSupported,
                format!("Offline=true: this connection reads only its replica and sends nothing to the site ({method} {url} refused)"),
            ));
        }
        // The organization's key is fixed: nothing to refresh.
        let mut refreshed = target.org_key.is_some();
        let mut budget = RetryBudget::new(self.site.transport.timeout, read);
        loop {
            budget.attempts += 1;
            let mut req = self.http.request(method.clone(), url).header("Accept", accept);
            // Service Management marks some operations experimental (its customer lists): they
            // answer 412 unless the request opts in, which stable ones ignore.
            if url.contains(SERVICE_MANAGEMENT) {
                req = req.header("X-ExperimentalApi", "opt-in");
            }
            let authorization = match &target.org_key {
                Some(k) => Some(k.clone()),
                None => target.auth.authorization().await.map_err(auth_error)?,
            };
            if let Some(h) = authorization {
                req = req.header("Authorization", h);
            }
            req = match payload {
                Payload::None => req,
                Payload::Json(b) => req.json(b),
                Payload::Form(f) => req.header("X-Atlassian-Token", "no-check").form(f),
                Payload::File(f) => {
                    let part = reqwest::multipart::Part::bytes(f.bytes.to_vec())
                        .file_name(f.file_name.to_string())
                        .mime_str(f.media_type)
                        .map_err(|e| MapperError::new(SqlState::InvalidCharacterValue, format!("'{}' is not a media type: {e}", f.media_type)))?;
                    let mut form = reqwest::multipart::Form::new().part("file", part);
                    if let Some(c) = f.comment {
                        form = form.text("comment", c.to_string());
                    }
                    req.header("X-Atlassian-Token", "no-check").multipart(form)
                }
            };
            let started = std::time::Instant::now();
            let pass = self.gate.enter().await;
            self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let answer = match req.send().await {
                Err(e) => Err(e),
                Ok(resp) => {
                    let status = resp.status();
                    tracing::debug!(method = %method, url = %url, status = status.as_u16(), ms = started.elapsed().as_millis() as u64, "REST");
                    if status.as_u16() == 401 && !refreshed {
                        refreshed = true;
                        if target.auth.unauthorized().await.map_err(auth_error)? {
                            continue;
                        }
                    }
                    let headers = resp.headers().clone();
                    self.gate.observe(status.as_u16(), &headers);
                    let landed = resp.url().to_string();
                    resp.bytes().await.map(|b| (status, headers, b, landed))
                }
            };
            drop(pass);
            let (error, next) = match answer {
                Ok((status, _, bytes, landed)) if status.is_success() => return Ok((bytes.to_vec(), landed)),
                Ok((status, headers, bytes, _)) => {
                    let e = status_error(status.as_u16(), &String::from_utf8_lossy(&bytes));
                    let e = if target.org_key.is_some() { org_admin_hint(e) } else { e };
                    (e, budget.after_status(status.as_u16(), &headers))
                }
                Err(e) => (transport_error(url, &e), budget.after_transport(e.is_connect(), e.is_timeout())),
            };
            match next {
                Ok(wait) => {
                    tracing::warn!(method = %method, url = %url, attempt = budget.attempts, wait_ms = wait.as_millis() as u64, error = %error.message, "retrying");
                    tokio::time::sleep(wait).await;
                }
                Err(why) => return Err(gave_up(error, why)),
            }
        }
    }
}

/// What to check when the Admin APIs refuse the organization's key or id.
fn org_admin_hint(e: MapperError) -> MapperError {
    let hint = match e.http_status {
        Some(401) => "check OrgApiKey: an organization API key from admin.atlassian.com > Settings > API keys, not yet expired",
        Some(403) => "check OrgId: the organization the API key belongs to, and that the key may read API tokens",
        _ => return e,
    };
    MapperError { message: format!("{} ({hint})", e.message), ..e }
}

fn json_of(url: &str, text: &[u8]) -> Result<Value, MapperError> {
    serde_json::from_slice(text).map_err(|e| not_json(url, e))
}

fn not_json(url: &str, e: serde_json::Error) -> MapperError {
    MapperError::new(SqlState::LinkFailure, format!("{url} returned a response that is not valid JSON: {e}"))
}

/// The last failure, saying why it was not sent again.
fn gave_up(e: MapperError, why: GaveUp) -> MapperError {
    let with = |state: SqlState, note: String| MapperError { state, message: format!("{} ({note})", e.message), http_status: e.http_status };
    match why {
        GaveUp::Final => e,
        GaveUp::NotRepeatable => with(e.state, "not sent again: the write may have been applied; check before repeating it".into()),
        GaveUp::Attempts(n, spent) => with(e.state, format!("gave up after {n} attempts in {:.1} s", spent.as_secs_f64())),
        GaveUp::Deadline { wait, timeout } => with(
            SqlState::Timeout,
            format!(
                "gave up: the next attempt would be {:.1} s away, past the Timeout of {} s; raise Timeout to wait longer",
                wait.as_secs_f64(),
                timeout.as_secs()
            ),
        ),
    }
}

/// A file to upload.
pub struct Upload<'a> {
    pub file_name: &'a str,
    pub media_type: &'a str,
    pub bytes: &'a [u8],
    pub comment: Option<&'a str>,
}

#[derive(Clone, Copy)]
enum Payload<'a> {
    None,
    Json(&'a Value),
    Form(&'a [(&'a str, &'a str)]),
    File(&'a Upload<'a>),
}

pub(crate) fn auth_error(e: atlassian_oauth::AuthError) -> MapperError {
    use atlassian_oauth::AuthError;
    let state = match &e {
        AuthError::Rejected(_) | AuthError::Revoked(_) => SqlState::InvalidAuthorization,
        AuthError::Configuration(_) => SqlState::CannotConnect,
    };
    MapperError::new(state, e.to_string())
}

fn transport_error(url: &str, e: &reqwest::Error) -> MapperError {
    // Never include the request itself: its headers carry credentials.
    let state = if e.is_timeout() { SqlState::Timeout } else { SqlState::LinkFailure };
    let host = reqwest::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let kind = if e.is_connect() {
        "cannot connect to"
    } else if e.is_timeout() {
        "timed out talking to"
    } else {
        "lost the connection to"
    };
    // The innermost causes say what happened (a refused connection, an untrusted certificate).
    let mut causes: Vec<String> = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !causes.iter().any(|c| c.contains(&text)) {
            causes.push(text);
        }
        source = s.source();
    }
    let cause = if causes.is_empty() { e.to_string() } else { causes.join(": ") };
    let hint = if cause.contains("certificate") {
        ". The site's TLS certificate is not trusted: if it is self-signed or issued by your company's CA, give that certificate (PEM) as SSLServerCert"
    } else {
        ""
    };
    MapperError::new(state, format!("{kind} {host}: {cause}{hint}"))
}

/// Atlassian's own message from any of its error shapes.
pub fn atlassian_message(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    let mut parts: Vec<String> = Vec::new();
    if let Some(msgs) = v.get("errorMessages").and_then(Value::as_array) {
        parts.extend(msgs.iter().filter_map(Value::as_str).map(str::to_string));
    }
    if let Some(errs) = v.get("errors") {
        match errs {
            Value::Object(m) => parts.extend(m.iter().map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or(&v.to_string())))),
            Value::Array(a) => parts.extend(a.iter().filter_map(|e| e.get("title").or_else(|| e.get("detail")).and_then(Value::as_str)).map(str::to_string)),
            _ => {}
        }
    }
    if parts.is_empty() {
        if let Some(m) = v.get("message").and_then(Value::as_str) {
            parts.push(m.to_string());
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn status_error(status: u16, body: &str) -> MapperError {
    let msg = atlassian_message(body).unwrap_or_else(|| format!("HTTP {status}"));
    let state = match status {
        401 => SqlState::InvalidAuthorization,
        407 => {
            return MapperError {
                http_status: Some(407),
                ..MapperError::new(
                    SqlState::CannotConnect,
                    "The proxy refused the request (407 Proxy Authentication Required): check ProxyUser and ProxyPassword",
                )
            }
        }
        403 => SqlState::SyntaxOrAccess,
        408 | 504 => SqlState::Timeout,
        429 | 502 | 503 => SqlState::LinkFailure,
        _ => SqlState::General,
    };
    MapperError { http_status: Some(status), ..MapperError::new(state, format!("Atlassian answered {status}: {msg}")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_atlassian_messages_from_each_shape() {
        assert_eq!(atlassian_message(r#"{"errorMessages":["Bad JQL"],"errors":{}}"#).unwrap(), "Bad JQL");
        assert_eq!(atlassian_message(r#"{"errorMessages":[],"errors":{"summary":"required"}}"#).unwrap(), "summary: required");
        assert_eq!(atlassian_message(r#"{"errors":[{"status":400,"code":"INVALID","title":"Bad cursor","detail":null}]}"#).unwrap(), "Bad cursor");
        assert_eq!(atlassian_message(r#"{"statusCode":400,"message":"Could not parse cql"}"#).unwrap(), "Could not parse cql");
        assert!(atlassian_message("<html>").is_none());
        assert_eq!(status_error(401, "").state, SqlState::InvalidAuthorization);
    }
}
