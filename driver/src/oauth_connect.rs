//! `AuthScheme=OAuth` connection properties read into the OAuth crate's configuration, which
//! authorization server the site uses (Cloud's, or a Data Center server's own), and the site's API
//! bases through Atlassian's gateway once the cloud id is known (Cloud only).

use std::sync::Arc;
use std::time::Duration;

use atlassian_oauth::{InitiateOAuth, OAuthAuthenticator, OAuthConfig, OAuthFlow, Provider, SettingsStore, StaticCredentials, TokenSet};

use crate::connstr::Properties;
use crate::error::{OdbcError, OdbcResult, SqlState};

/// What an OAuth connection starts from, read from its properties before any request.
pub struct OAuthSetup {
    /// The configuration, its endpoints and scope still to be defaulted once the provider is
    /// known (`provider` `None`: asked of the site).
    config: OAuthConfig,
    provider: Option<Provider>,
    explicit: Explicit,
    store: SettingsStore,
    mode: InitiateOAuth,
    given: Option<TokenSet>,
    verifier: Option<String>,
}

/// `OAuthCallbackTimeout` when not given: seconds the desktop sign-in waits for the browser.
pub const DEFAULT_CALLBACK_TIMEOUT_SECS: u64 = 300;

fn seconds(props: &Properties, key: &str, name: &str) -> OdbcResult<Option<u64>> {
    match props.get(key).map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => v.parse().map(Some).map_err(|_| OdbcError::new(SqlState::CANNOT_CONNECT, format!("{name} '{v}' is not a whole number of seconds"))),
        None => Ok(None),
    }
}

pub fn setup(props: &Properties, url: &str, transport: &atlassian_oauth::Transport) -> OdbcResult<OAuthSetup> {
    let text = |k: &str| props.get(k).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    if let Some(v) = text("oauthversion").filter(|v| v != "2.0" && v != "2") {
        return Err(OdbcError::new(
            SqlState::CANNOT_CONNECT,
            format!("OAuthVersion '{v}' is not supported: Atlassian's sites (Cloud and Data Center) use OAuth 2.0"),
        ));
    }
    let client_id = text("oauthclientid").unwrap_or_default();
    let explicit = Explicit { authorize_url: text("oauthauthorizationurl"), token_url: text("oauthaccesstokenurl"), scope: text("scope") };
    // Deployment says which server signs the user in; without it, an authorization URL of a
    // Data Center provider does; else the site is asked at connect.
    let provider = match text("deployment").map(|d| d.to_ascii_lowercase()).as_deref() {
        Some("cloud") => Some(Provider::Cloud),
        Some("datacenter" | "server" | "dc") => Some(Provider::DataCenter),
        _ => explicit.authorize_url.as_deref().map(|u| if u.contains("/rest/oauth2/") { Provider::DataCenter } else { Provider::Cloud }),
    };
    let config = OAuthConfig {
        provider: provider.unwrap_or(Provider::Cloud),
        client_id: client_id.clone(),
        client_secret: text("oauthclientsecret"),
        authorize_url: String::new(),
        token_url: String::new(),
        gateway_url: text("apigatewayurl").unwrap_or_else(|| atlassian_oauth::DEFAULT_GATEWAY_URL.into()),
        callback_url: text("callbackurl").unwrap_or_else(|| atlassian_oauth::DEFAULT_CALLBACK_URL.into()),
        scope: String::new(),
        site_url: url.to_string(),
        cloud_id: text("cloudid"),
        transport: transport.clone(),
        browser_command: text("browsercommand"),
        callback_timeout: Duration::from_secs(seconds(props, "oauthcallbacktimeout", "OAuthCallbackTimeout")?.unwrap_or(DEFAULT_CALLBACK_TIMEOUT_SECS)),
    };
    let store = SettingsStore::from_property(props.get("oauthsettingslocation"), url, &client_id)?;
    let given = given_tokens(props, &text)?;
    // Without a token given, a desktop program signs in; with an access token, it is used as it
    // is; with only a refresh token, that is spent for the first access token.
    let mode = match text("initiateoauth") {
        Some(m) => m.parse().map_err(|e: String| OdbcError::new(SqlState::CANNOT_CONNECT, e))?,
        None => match &given {
            Some(t) if t.access_token.is_empty() => InitiateOAuth::Refresh,
            Some(_) => InitiateOAuth::Off,
            None => InitiateOAuth::GetAndRefresh,
        },
    };
    if mode == InitiateOAuth::Off && given.as_ref().is_some_and(|t| t.access_token.is_empty()) {
        return Err(OdbcError::new(SqlState::CANNOT_CONNECT, "InitiateOAuth=OFF uses OAuthAccessToken as given and never refreshes: give OAuthAccessToken too, or use InitiateOAuth=REFRESH to spend OAuthRefreshToken"));
    }
    Ok(OAuthSetup { config, provider, explicit, store, mode, given, verifier: text("oauthverifier") })
}

/// The tokens the connection string gives. A refresh token alone stands for an access token that
/// has already expired, so the first request spends it (and the rotated pair is saved).
fn given_tokens(props: &Properties, text: &dyn Fn(&str) -> Option<String>) -> OdbcResult<Option<TokenSet>> {
    let now = atlassian_oauth::unix_now();
    let refresh_token = text("oauthrefreshtoken");
    let Some(access_token) = text("oauthaccesstoken") else {
        return Ok(refresh_token.map(|rt| TokenSet {
            access_token: String::new(),
            refresh_token: Some(rt),
            issued_at: now,
            expires_at: Some(now),
            scope: String::new(),
            cloud_id: text("cloudid"),
        }));
    };
    let issued_at = seconds(props, "oauthtokentimestamp", "OAuthTokenTimestamp")?.unwrap_or(now);
    let expires_at = seconds(props, "oauthexpiresin", "OAuthExpiresIn")?.map(|s| issued_at + s);
    Ok(Some(TokenSet { access_token, refresh_token, issued_at, expires_at, scope: String::new(), cloud_id: text("cloudid") }))
}

/// The endpoints and scope the connection string gave; the provider's defaults fill the rest.
struct Explicit {
    authorize_url: Option<String>,
    token_url: Option<String>,
    scope: Option<String>,
}

pub async fn start(s: OAuthSetup) -> OdbcResult<Arc<OAuthAuthenticator>> {
    let mut config = s.config;
    config.provider = match s.provider {
        Some(p) => p,
        // Jira's server info answers anonymously and says which deployment the site is.
        None => match sql_mapper::detect_site(&config.site_url, Arc::new(StaticCredentials::anonymous()), &config.transport).await {
            Ok((sql_mapper::Flavor::DataCenter, _)) => Provider::DataCenter,
            _ => Provider::Cloud,
        },
    };
    let (authorize, token) = config.provider.default_urls(&config.site_url);
    config.authorize_url = s.explicit.authorize_url.unwrap_or(authorize);
    config.token_url = s.explicit.token_url.unwrap_or(token);
    config.scope = s.explicit.scope.unwrap_or_else(|| config.provider.default_scope().to_string());
    let flow = Arc::new(OAuthFlow::new(config)?);
    Ok(Arc::new(OAuthAuthenticator::start(flow, s.store, s.mode, s.given, s.verifier).await?))
}

/// The second grant a Data Center connection holds when Confluence is on a server of its own
/// (`ConfluenceUrl`, `ConfluenceOAuthClientId`): that server is its own authorization server,
/// with its own client. It signs in as the first does (same callback, browser and
/// `InitiateOAuth`; the tokens given in the connection string are the first server's) and is
/// kept in the same settings file, under Confluence's URL. `None` when Confluence shares the
/// site's server.
pub fn confluence_setup(props: &Properties, first: &OAuthSetup, confluence_url: Option<&str>) -> OdbcResult<Option<OAuthSetup>> {
    let text = |k: &str| props.get(k).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let client_id = text("confluenceoauthclientid");
    let Some(url) = confluence_url.filter(|u| !u.eq_ignore_ascii_case(&first.config.site_url)) else {
        return match client_id {
            Some(_) => Err(OdbcError::new(
                SqlState::CANNOT_CONNECT,
                "ConfluenceOAuthClientId is for a Confluence on a server of its own: give its base URL as ConfluenceUrl",
            )),
            None => Ok(None),
        };
    };
    let Some(client_id) = client_id else {
        // One client for both: only where the one authorization server serves both (Cloud).
        return Ok(None);
    };
    let mut config = first.config.clone();
    config.provider = Provider::DataCenter;
    config.site_url = url.to_string();
    config.client_id = client_id;
    config.client_secret = text("confluenceoauthclientsecret");
    config.cloud_id = None;
    let mode = match text("initiateoauth") {
        Some(_) => first.mode,
        None => InitiateOAuth::GetAndRefresh,
    };
    Ok(Some(OAuthSetup {
        config,
        provider: Some(Provider::DataCenter),
        explicit: Explicit { authorize_url: None, token_url: None, scope: first.explicit.scope.clone() },
        store: first.store.for_server(url),
        mode,
        given: None,
        verifier: None,
    }))
}

/// Jira's and Confluence's bases through the gateway, for the site the token reaches.
pub async fn gateway_bases(auth: &OAuthAuthenticator) -> Option<(String, String)> {
    let cloud = auth.tokens().await?.cloud_id?;
    Some(auth.flow().config.gateway_bases(&cloud))
}
