//! A connection: its properties (connection string over DSN), attributes, and once connected the
//! mapper session every statement of it runs on.

use std::sync::Arc;
use std::time::Duration;

use atlassian_oauth::{AuthScheme, Authenticator, StaticCredentials};
use sql_mapper::{ConnectOptions, Flavor, MapperSession, SiteConfig};

use crate::connstr::Properties;
use crate::error::{OdbcError, OdbcResult, SqlState};
use crate::handles::Token;
use crate::logging::LogSink;
use crate::runtime::{block_on_cancellable, CancelSignal};

pub mod attr {
    pub const ASYNC_ENABLE: i32 = 4;
    pub const ACCESS_MODE: i32 = 101;
    pub const AUTOCOMMIT: i32 = 102;
    pub const LOGIN_TIMEOUT: i32 = 103;
    pub const TRACE: i32 = 104;
    pub const TRACEFILE: i32 = 105;
    pub const TRANSLATE_LIB: i32 = 106;
    pub const TRANSLATE_OPTION: i32 = 107;
    pub const TXN_ISOLATION: i32 = 108;
    pub const CURRENT_CATALOG: i32 = 109;
    pub const ODBC_CURSORS: i32 = 110;
    pub const QUIET_MODE: i32 = 111;
    pub const PACKET_SIZE: i32 = 112;
    pub const CONNECTION_TIMEOUT: i32 = 113;
    pub const DISCONNECT_BEHAVIOR: i32 = 114;
    pub const CONNECTION_DEAD: i32 = 1209;
    pub const AUTO_IPD: i32 = 10001;
    pub const METADATA_ID: i32 = 10014;
    pub const ANSI_APP: i32 = 115;
    pub const RESET_CONNECTION: i32 = 116;
    /// iODBC 3.52.14+ (`iodbcext.h`): the application's wide encoding, offered to the driver;
    /// a driver that accepts it gets wide strings in it.
    pub const APP_WCHAR_TYPE: i32 = 1061;
}

/// iODBC's wide encodings (`SQL_DM_CP_*` of `iodbcext.h`).
pub mod wchar_type {
    pub const UTF16: usize = 1;
    pub const UCS4: usize = 3;
}

/// `Timeout` when not given: seconds one HTTP request may take.
pub const DEFAULT_TIMEOUT_SECS: u64 = 60;

/// What the connection learned of the site, for `SQLGetInfo`.
#[derive(Debug, Clone, Default)]
pub struct SiteInfo {
    pub dsn: String,
    pub host: String,
    pub user: String,
    pub cloud: bool,
    pub version: String,
    /// `ReadOnly`, or `SQL_ATTR_ACCESS_MODE = SQL_MODE_READ_ONLY` (`SQL_DATA_SOURCE_READ_ONLY`).
    pub read_only: bool,
}

pub struct Connection {
    pub props: Properties,
    pub session: Option<Arc<MapperSession>>,
    pub site: SiteInfo,
    pub statements: Vec<Token>,
    pub autocommit: bool,
    pub access_mode: u32,
    pub login_timeout: u32,
    pub connection_timeout: u32,
    pub metadata_id: bool,
    pub packet_size: u32,
    pub quiet_mode: usize,
    pub log: Option<LogSink>,
    /// The environment's `SQL_ATTR_ODBC_VERSION`, fixed when the connection is allocated.
    pub odbc_version: i32,
    pub connect_cancel: Arc<CancelSignal>,
    /// Bytes a static cursor may keep (`MaxStaticCursorMemory`), for the statements to come.
    pub static_cursor_memory: usize,
}

impl Connection {
    pub fn new(odbc_version: i32) -> Connection {
        Connection {
            props: Properties::default(),
            session: None,
            site: SiteInfo::default(),
            statements: Vec::new(),
            autocommit: true,
            access_mode: 0,
            login_timeout: 0,
            connection_timeout: 0,
            metadata_id: false,
            packet_size: 0,
            quiet_mode: 0,
            log: None,
            odbc_version,
            connect_cancel: Arc::new(CancelSignal::default()),
            static_cursor_memory: crate::statement::DEFAULT_STATIC_CURSOR_MIB << 20,
        }
    }

    pub fn is_connected(&self) -> bool {
        self.session.is_some()
    }

    pub fn session(&self) -> OdbcResult<Arc<MapperSession>> {
        self.session.clone().ok_or_else(|| OdbcError::new(SqlState::CONNECTION_NOT_OPEN, "Connection does not exist: connect first"))
    }

    /// Connects with these properties; returns the warnings (unknown keywords) to report.
    pub fn connect(&mut self, props: Properties) -> OdbcResult<Vec<String>> {
        if self.is_connected() {
            return Err(OdbcError::new(SqlState::CONNECTION_IN_USE, "Connection name in use: this connection is already open"));
        }
        let warnings: Vec<String> = props
            .keys()
            .filter(|k| !crate::properties::is_known(k))
            .map(|k| format!("Invalid connection string attribute: '{k}' is not a property of this driver and was ignored"))
            .collect();
        if let Some(path) = props.get("logfile").filter(|p| !p.is_empty()) {
            let verbosity = props.get("verbosity").and_then(|v| v.trim().parse().ok()).unwrap_or(1);
            self.log =
                Some(LogSink::attach(path, verbosity).map_err(|e| OdbcError::new(SqlState::CANNOT_CONNECT, format!("Cannot open Logfile '{path}': {e}")))?);
        }
        self.connect_logged(props, warnings)
    }

    fn connect_logged(&mut self, props: Properties, warnings: Vec<String>) -> OdbcResult<Vec<String>> {
        tracing::info!(target: "atlassian_odbc::connect", properties = %props.redacted(), "connecting");
        let url = props
            .get("url")
            .filter(|u| !u.trim().is_empty())
            .ok_or_else(|| {
                OdbcError::new(
                    SqlState::CANNOT_CONNECT,
                    "Url is required: the site's address, e.g. Url=https://yoursite.atlassian.net (or a Data Center base URL)",
                )
            })?
            .trim()
            .trim_end_matches('/')
            .to_string();
        let parsed = reqwest::Url::parse(&url).map_err(|e| OdbcError::new(SqlState::CANNOT_CONNECT, format!("Url '{url}' is not a valid URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(OdbcError::new(SqlState::CANNOT_CONNECT, format!("Url '{url}' must start with https:// (or http:// for a local site)")));
        }
        let timeout_secs: u64 = match props.get("timeout").map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => t.parse().map_err(|_| OdbcError::new(SqlState::CANNOT_CONNECT, format!("Timeout '{t}' is not a whole number of seconds")))?,
            None => DEFAULT_TIMEOUT_SECS,
        };
        let timeout = Duration::from_secs(if timeout_secs == 0 { 3600 } else { timeout_secs });
        let transport = transport(&props, timeout)?;
        let pushdown = flag(&props, "pushdown", "Pushdown", true)?;
        let read_only = flag(&props, "readonly", "ReadOnly", false)? || self.access_mode == 1;
        let list = |k: &str| {
            props
                .get(k)
                .map(|v| v.split(',').map(|n| n.trim().trim_matches('"').to_string()).filter(|n| !n.is_empty()).collect::<Vec<_>>())
                .filter(|v| !v.is_empty())
        };
        let catalog_options = sql_mapper::CatalogOptions {
            include_custom_fields: flag(&props, "includecustomfields", "IncludeCustomFields", true)?,
            use_display_names: flag(&props, "usedisplaynames", "UseDisplayNames", true)?,
            tables: list("tables"),
            browsable_schemas: list("browsableschemas"),
        };
        let timezone = props.get("timezone").unwrap_or_default().to_string();
        let max_rows = match props.get("maxrows").map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => match t.parse::<usize>() {
                Ok(0) => None,
                Ok(n) => Some(n),
                Err(_) => return Err(OdbcError::new(SqlState::CANNOT_CONNECT, format!("MaxRows '{t}' must be a whole number of rows (0: no cap)"))),
            },
            None => None,
        };
        let metadata_cache = match props.get("metadatacacheseconds").map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => Duration::from_secs(
                t.parse().map_err(|_| OdbcError::new(SqlState::CANNOT_CONNECT, format!("MetadataCacheSeconds '{t}' is not a whole number of seconds")))?,
            ),
            None => ConnectOptions::DEFAULT_METADATA_CACHE,
        };
        let max_concurrency = match props.get("maxconcurrency").map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => t
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=64).contains(n))
                .ok_or_else(|| OdbcError::new(SqlState::CANNOT_CONNECT, format!("MaxConcurrency '{t}' must be a whole number from 1 to 64")))?,
            None => sql_mapper::rest::DEFAULT_CONCURRENCY,
        };
        let cache_tolerance = match props.get("cachetolerance").map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => Duration::from_secs(
                t.parse().map_err(|_| OdbcError::new(SqlState::CANNOT_CONNECT, format!("CacheTolerance '{t}' is not a whole number of seconds")))?,
            ),
            None => Duration::ZERO,
        };
        let replica = replica_options(&props, &url, cache_tolerance, list("cachetables"))?;
        let offline = replica.as_ref().filter(|r| r.offline).map(|r| offline_flavor(&r.location)).transpose()?;
        let read_only = read_only || offline.is_some();
        let scheme = AuthScheme::of_properties(|k| props.get(k)).map_err(|e| OdbcError::new(SqlState::CANNOT_CONNECT, e))?;
        // Offline, nothing signs in: the replica is read as the user who synced it.
        let scheme = if offline.is_some() { AuthScheme::Anonymous } else { scheme };
        let oauth_setup = if scheme == AuthScheme::OAuth { Some(crate::oauth_connect::setup(&props, &url, &transport)?) } else { None };
        let fixed = if scheme == AuthScheme::OAuth { None } else { Some(authenticator(&props, scheme)?) };
        let flavor_prop = props.get("deployment").map(|d| d.trim().to_ascii_lowercase()).filter(|d| !d.is_empty() && d != "auto");
        let confluence_url = props.get("confluenceurl").filter(|u| !u.trim().is_empty()).map(|u| u.trim().trim_end_matches('/').to_string());
        let confluence_setup = match &oauth_setup {
            Some(first) => crate::oauth_connect::confluence_setup(&props, first, confluence_url.as_deref())?,
            None => None,
        };
        let static_cursor_memory = match props.get("maxstaticcursormemory").map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => {
                t.parse::<usize>().ok().filter(|n| (1..=1 << 20).contains(n)).ok_or_else(|| {
                    OdbcError::new(SqlState::CANNOT_CONNECT, format!("MaxStaticCursorMemory '{t}' must be a whole number of MiB from 1 to 1048576"))
                })? << 20
            }
            None => crate::statement::DEFAULT_STATIC_CURSOR_MIB << 20,
        };
        let org_admin = org_admin(&props)?;
        let login_timeout = if self.login_timeout > 0 { Some(Duration::from_secs(self.login_timeout.into())) } else { None };
        let cancel = self.connect_cancel.begin();
        let (session, flavor, version) = block_on_cancellable(
            async {
                // Cloud's OAuth reaches the site through the gateway, once the token is known;
                // Data Center's goes to the site itself.
                let (auth, oauth, bases): (Arc<dyn Authenticator>, _, _) = match (fixed, oauth_setup) {
                    (Some(a), _) => (a, None, None),
                    (None, Some(setup)) => {
                        let o = crate::oauth_connect::start(setup).await?;
                        let bases = crate::oauth_connect::gateway_bases(&o).await;
                        (o.clone(), Some(o), bases)
                    }
                    (None, None) => unreachable!("an authenticator or an OAuth set-up"),
                };
                // Confluence's own server signs in after the first (its own grant).
                let confluence_auth: Option<Arc<dyn Authenticator>> = match confluence_setup {
                    Some(setup) => Some(crate::oauth_connect::start(setup).await?),
                    None => None,
                };
                let (flavor, version) = match (offline, flavor_prop.as_deref()) {
                    // Offline, the site is as the last sync found it.
                    (Some(flavor), _) => (flavor, String::new()),
                    // The authorization server that signed the user in is the site's.
                    (None, _) if oauth.is_some() => match oauth.as_ref().map(|o| o.flow().config.provider) {
                        Some(atlassian_oauth::Provider::DataCenter) => (Flavor::DataCenter, String::new()),
                        _ => (Flavor::Cloud, String::new()),
                    },
                    (None, Some("cloud")) => (Flavor::Cloud, String::new()),
                    (None, Some("datacenter" | "server" | "dc")) => (Flavor::DataCenter, String::new()),
                    (None, Some(other)) => {
                        return Err(OdbcError::new(SqlState::CANNOT_CONNECT, format!("Deployment '{other}' must be Cloud, DataCenter or Auto")))
                    }
                    (None, None) => sql_mapper::detect_site(&url, auth.clone(), &transport).await?,
                };
                let (jira_base, confluence_base) = bases.unwrap_or_else(|| (url.clone(), confluence_url.clone().unwrap_or_else(|| url.clone())));
                let site = SiteConfig { jira_base, confluence_base, flavor, transport: transport.clone(), org_admin };
                let session = MapperSession::connect(
                    ConnectOptions {
                        site,
                        pushdown,
                        metadata_cache,
                        max_concurrency,
                        cache_tolerance,
                        oauth,
                        confluence_auth,
                        read_only,
                        max_rows,
                        catalog: catalog_options,
                        timezone,
                        replica,
                    },
                    auth,
                )
                .await?;
                Ok((session, flavor, version))
            },
            &cancel,
            login_timeout,
        )
        .map_err(|e| {
            if e.state == SqlState::TIMEOUT {
                OdbcError::new(SqlState::TIMEOUT, format!("Login timeout expired connecting to {url}"))
            } else {
                e
            }
        })?;
        self.site = SiteInfo {
            dsn: props.get("dsn").unwrap_or_default().to_string(),
            host: parsed.host_str().unwrap_or_default().to_string(),
            user: props.any(&["user", "uid"]).unwrap_or_default().to_string(),
            cloud: flavor == Flavor::Cloud,
            version,
            read_only,
        };
        crate::system_tables::offer(&session, &props, &self.site);
        self.session = Some(Arc::new(session));
        self.static_cursor_memory = static_cursor_memory;
        self.props = props;
        tracing::info!(target: "atlassian_odbc::connect", host = %self.site.host, cloud = self.site.cloud, "connected");
        Ok(warnings)
    }

    pub fn disconnect(&mut self) {
        self.session = None;
        self.log = None;
    }
}

/// How the connection's HTTP clients reach the site: `Timeout`, `SSLServerCert`, `Proxy*`.
fn transport(props: &Properties, timeout: Duration) -> OdbcResult<sql_mapper::Transport> {
    let text = |k: &str| props.get(k).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let bad = |e: String| OdbcError::new(SqlState::CANNOT_CONNECT, e);
    let trusted_pem = text("sslservercert").map(|v| atlassian_oauth::trusted_pem_of(&v)).transpose().map_err(bad)?;
    let port = match text("proxyport") {
        Some(p) => Some(p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| bad(format!("ProxyPort '{p}' is not a port number")))?),
        None => None,
    };
    let proxy = text("proxyserver").map(|server| atlassian_oauth::ProxyConfig {
        server,
        port,
        user: text("proxyuser"),
        password: text("proxypassword"),
        exceptions: text("proxyexceptions"),
    });
    if proxy.is_none() && (port.is_some() || text("proxyuser").is_some()) {
        return Err(bad("ProxyPort and ProxyUser need ProxyServer: the proxy's host".into()));
    }
    let proxy_from_environment = flag(props, "proxyautodetect", "ProxyAutoDetect", true)?;
    // A proxy the HTTP client cannot use fails the connect when the first client is built.
    Ok(sql_mapper::Transport { timeout, trusted_pem, proxy, proxy_from_environment })
}

/// The organization's Admin API (Cloud): `OrgId` and `OrgApiKey` together, at `AdminApiURL`.
fn org_admin(props: &Properties) -> OdbcResult<Option<sql_mapper::OrgAdmin>> {
    let text = |k: &str| props.get(k).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let base = text("adminapiurl").unwrap_or_else(|| "https://api.atlassian.com".into());
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return Err(OdbcError::new(SqlState::CANNOT_CONNECT, format!("AdminApiURL '{base}' must be an http(s) URL")));
    }
    match (text("orgid"), text("orgapikey")) {
        (Some(org_id), Some(api_key)) => Ok(Some(sql_mapper::OrgAdmin { base, org_id, api_key })),
        (None, None) => Ok(None),
        (Some(_), None) => {
            Err(OdbcError::new(SqlState::CANNOT_CONNECT, "OrgId needs OrgApiKey: an organization API key from admin.atlassian.com > Settings > API keys"))
        }
        (None, Some(_)) => Err(OdbcError::new(
            SqlState::CANNOT_CONNECT,
            "OrgApiKey needs OrgId: the organization's id, shown beside the key at admin.atlassian.com > Settings > API keys",
        )),
    }
}

/// A true/false property (`true`/`1`/`yes`, `false`/`0`/`no`; empty or absent: `default`).
pub(crate) fn flag(props: &Properties, key: &str, name: &str, default: bool) -> OdbcResult<bool> {
    match props.get(key).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if v.is_empty() => Ok(default),
        Some(v) if matches!(v.as_str(), "true" | "1" | "yes") => Ok(true),
        Some(v) if matches!(v.as_str(), "false" | "0" | "no") => Ok(false),
        Some(v) => Err(OdbcError::new(SqlState::CANNOT_CONNECT, format!("{name} '{v}' must be true or false"))),
    }
}

/// The authenticator the properties ask for. The scheme is inferred when `AuthScheme` is absent.
fn authenticator(props: &Properties, scheme: AuthScheme) -> OdbcResult<Arc<dyn Authenticator>> {
    let user = props.any(&["user", "uid"]).unwrap_or_default();
    let password = props.any(&["password", "pwd"]);
    let token = props.any(&["apitoken"]);
    let pat = props.any(&["personalaccesstoken"]);
    let creds = match scheme {
        AuthScheme::ApiToken => StaticCredentials::basic(AuthScheme::ApiToken, user, token.or(password).unwrap_or_default())?,
        // Older connection strings give Basic an API token instead of a password.
        AuthScheme::Basic => match (password, token) {
            (None, Some(t)) => StaticCredentials::basic(AuthScheme::ApiToken, user, t)?,
            (p, _) => StaticCredentials::basic(AuthScheme::Basic, user, p.unwrap_or_default())?,
        },
        AuthScheme::Pat => StaticCredentials::pat(pat.or(password).unwrap_or_default())?,
        AuthScheme::Anonymous => StaticCredentials::anonymous(),
        AuthScheme::OAuth => unreachable!("OAuth connections start in oauth_connect"),
    };
    Ok(Arc::new(creds))
}

/// The flavor of the site an `Offline` connection's replica was synced from.
fn offline_flavor(location: &std::path::Path) -> OdbcResult<Flavor> {
    let manifest =
        sql_mapper::replica::ReplicaStore::open(location).and_then(|s| s.manifest()).map_err(|e| OdbcError::new(SqlState::CANNOT_CONNECT, e.message))?;
    match manifest.site.as_ref().map(|s| s.flavor.as_str()) {
        Some("cloud") => Ok(Flavor::Cloud),
        Some(_) => Ok(Flavor::DataCenter),
        None => Err(OdbcError::new(
            SqlState::CANNOT_CONNECT,
            format!(
                "Offline=true, but nothing was ever synced to the replica at {}: sync it while online first (atlassian-odbc sync <DSN>, or EXEC SyncReplica)",
                location.display()
            ),
        )),
    }
}

/// `CacheLocation`, `AutoCache`, `Offline`, `CacheTolerance` and `CacheTables`: the replica's
/// folder (by default one per site and user under the user's cache folder) and how queries use it.
fn replica_options(props: &Properties, url: &str, tolerance: Duration, tables: Option<Vec<String>>) -> OdbcResult<Option<sql_mapper::ReplicaOptions>> {
    let auto = flag(props, "autocache", "AutoCache", false)?;
    let offline = flag(props, "offline", "Offline", false)?;
    let location = match props.get("cachelocation").map(str::trim).filter(|l| !l.is_empty()) {
        Some(l) => std::path::PathBuf::from(l),
        None => {
            let Some(cache) = std::env::var_os("XDG_CACHE_HOME")
                .map(std::path::PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cache")))
            else {
                return match offline {
                    true => {
                        Err(OdbcError::new(SqlState::CANNOT_CONNECT, "Offline=true needs a CacheLocation (no HOME or XDG_CACHE_HOME to put the default under)"))
                    }
                    false => Ok(None),
                };
            };
            // One folder per site and user; names kept to what any file system takes.
            let safe = |s: &str| s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect::<String>();
            let host = url.split("://").nth(1).unwrap_or(url).split('/').next().unwrap_or_default();
            let user = props.any(&["user", "uid"]).unwrap_or("default");
            cache.join("atlassian-odbc").join(safe(host)).join(safe(user))
        }
    };
    Ok(Some(sql_mapper::ReplicaOptions { location, auto, offline, tolerance: if auto { tolerance } else { Duration::ZERO }, tables }))
}
