//! The OAuth 2.0 protocol through the `oauth2` crate, against either authorization server
//! Atlassian runs: Cloud's (3LO at auth.atlassian.com, requests through the api.atlassian.com
//! gateway with the site's cloud id) or a Data Center server's own provider (`/rest/oauth2/latest`,
//! PKCE, tokens sent straight to the site). The authorization URL, the code exchange, the refresh
//! (both rotate refresh tokens), and Cloud's cloud id from accessible-resources.

use std::time::Duration;

use oauth2::basic::{BasicClient, BasicErrorResponseType};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError,
    Scope, StandardErrorResponse, TokenUrl,
};
use serde::Deserialize;

use crate::tokens::{unix_now, TokenSet};
use crate::AuthError;

/// Read access to Jira and Confluence, the user's profile, and `offline_access` (a refresh
/// token). Writes need their scopes added to `Scope`.
pub const DEFAULT_SCOPE: &str =
    "read:jira-work read:jira-user read:confluence-content.all read:confluence-space.summary read:confluence-user search:confluence read:me offline_access";
pub const DEFAULT_AUTHORIZE_URL: &str = "https://auth.atlassian.com/authorize";
pub const DEFAULT_TOKEN_URL: &str = "https://auth.atlassian.com/oauth/token";
pub const DEFAULT_GATEWAY_URL: &str = "https://api.atlassian.com";
pub const DEFAULT_CALLBACK_URL: &str = "http://localhost:33333";
/// Data Center's scopes are `READ`, `WRITE`, `ADMIN`, `SYSTEM_ADMIN` (each includes the ones
/// before it); the driver reads unless told otherwise.
pub const DEFAULT_DATA_CENTER_SCOPE: &str = "READ";

/// Which authorization server a connection signs in at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// auth.atlassian.com, through the api.atlassian.com gateway.
    Cloud,
    /// The Data Center server's own provider (Jira 8.22+, Confluence 7.17+).
    DataCenter,
}

impl Provider {
    /// The provider's endpoints for a site: Cloud's are fixed, Data Center's under the site.
    pub fn default_urls(self, site_url: &str) -> (String, String) {
        match self {
            Provider::Cloud => (DEFAULT_AUTHORIZE_URL.to_string(), DEFAULT_TOKEN_URL.to_string()),
            Provider::DataCenter => {
                let base = site_url.trim_end_matches('/');
                (format!("{base}/rest/oauth2/latest/authorize"), format!("{base}/rest/oauth2/latest/token"))
            }
        }
    }

    pub fn default_scope(self) -> &'static str {
        match self {
            Provider::Cloud => DEFAULT_SCOPE,
            Provider::DataCenter => DEFAULT_DATA_CENTER_SCOPE,
        }
    }
}

/// An authorization URL with what its callback is checked and exchanged with.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    pub url: String,
    pub state: String,
    /// The PKCE verifier the code must be exchanged with (Data Center), kept by the client.
    pub pkce_verifier: Option<String>,
}

/// The OAuth properties of a connection.
#[derive(Clone)]
pub struct OAuthConfig {
    pub provider: Provider,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub authorize_url: String,
    pub token_url: String,
    pub gateway_url: String,
    pub callback_url: String,
    pub scope: String,
    /// The site (`Url`) whose cloud id accessible-resources is searched for.
    pub site_url: String,
    pub cloud_id: Option<String>,
    /// Timeout, trusted certificates and proxy of the token and accessible-resources requests.
    pub transport: crate::Transport,
    /// How to open the browser (`BrowserCommand`); the system's opener when absent.
    pub browser_command: Option<String>,
    /// How long the desktop sign-in waits for the browser to come back.
    pub callback_timeout: Duration,
}

impl std::fmt::Debug for OAuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthConfig")
            .field("client_id", &self.client_id)
            .field("callback_url", &self.callback_url)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Resource {
    id: String,
    url: String,
}

impl OAuthConfig {
    /// Jira's and Confluence's API bases through the gateway for the site `cloud_id`.
    pub fn gateway_bases(&self, cloud_id: &str) -> (String, String) {
        let gw = self.gateway_url.trim_end_matches('/');
        (format!("{gw}/ex/jira/{cloud_id}"), format!("{gw}/ex/confluence/{cloud_id}"))
    }
}

/// The protocol, for one client.
#[derive(Debug)]
pub struct OAuthFlow {
    pub config: OAuthConfig,
    http: oauth2::reqwest::Client,
}

fn config_error(what: &str, value: &str, e: impl std::fmt::Display) -> AuthError {
    AuthError::Configuration(format!("{what} '{value}' is not a valid URL: {e}"))
}

impl OAuthFlow {
    pub fn new(config: OAuthConfig) -> Result<OAuthFlow, AuthError> {
        if config.client_id.trim().is_empty() {
            return Err(AuthError::Configuration(
                "AuthScheme=OAuth needs OAuthClientId (and OAuthClientSecret) from your app in the Atlassian developer console".into(),
            ));
        }
        // No redirects: a token endpoint that redirects is not followed with the client's secret.
        let http = config
            .transport
            .builder()
            .map_err(AuthError::Configuration)?
            .redirect(oauth2::reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| AuthError::Configuration(format!("Cannot set up HTTPS for OAuth: {e}")))?;
        Ok(OAuthFlow { config, http })
    }

    fn client(
        &self,
        callback: &str,
    ) -> Result<
        oauth2::basic::BasicClient<oauth2::EndpointSet, oauth2::EndpointNotSet, oauth2::EndpointNotSet, oauth2::EndpointNotSet, oauth2::EndpointSet>,
        AuthError,
    > {
        let mut c = BasicClient::new(ClientId::new(self.config.client_id.clone()))
            .set_auth_uri(AuthUrl::new(self.config.authorize_url.clone()).map_err(|e| config_error("OAuthAuthorizationURL", &self.config.authorize_url, e))?)
            .set_token_uri(TokenUrl::new(self.config.token_url.clone()).map_err(|e| config_error("OAuthAccessTokenURL", &self.config.token_url, e))?)
            .set_redirect_uri(RedirectUrl::new(callback.to_string()).map_err(|e| config_error("CallbackURL", callback, e))?);
        if self.config.provider == Provider::DataCenter {
            // Data Center's token endpoint reads the client's credentials from the form.
            c = c.set_auth_type(AuthType::RequestBody);
        }
        if let Some(s) = self.config.client_secret.as_ref().filter(|s| !s.is_empty()) {
            c = c.set_client_secret(ClientSecret::new(s.clone()));
        }
        Ok(c)
    }

    /// The URL the user signs in and consents at; `implicit` asks for a token in the fragment
    /// instead of a code (no refresh token then; Cloud only). Data Center's requests carry a
    /// PKCE S256 challenge, whose verifier comes back with the URL.
    pub fn authorization_url(&self, callback: &str, scope: &str, state: Option<&str>, implicit: bool) -> Result<AuthorizationRequest, AuthError> {
        let client = self.client(callback)?;
        let state = state.filter(|s| !s.is_empty()).map(|s| CsrfToken::new(s.to_string())).unwrap_or_else(CsrfToken::new_random);
        let mut req = client.authorize_url(|| state.clone());
        let mut pkce_verifier = None;
        match self.config.provider {
            Provider::Cloud => req = req.add_extra_param("audience", "api.atlassian.com").add_extra_param("prompt", "consent"),
            Provider::DataCenter => {
                if implicit {
                    return Err(AuthError::Configuration("Data Center's OAuth 2.0 provider has no implicit flow: use GrantType=CODE".into()));
                }
                let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
                req = req.set_pkce_challenge(challenge);
                pkce_verifier = Some(verifier.secret().clone());
            }
        }
        for s in scope.split_whitespace() {
            req = req.add_scope(Scope::new(s.to_string()));
        }
        if implicit {
            req = req.use_implicit_flow();
        }
        let (url, state) = req.url();
        Ok(AuthorizationRequest { url: url.to_string(), state: state.secret().clone(), pkce_verifier })
    }

    pub async fn exchange_code(&self, code: &str, callback: &str, pkce_verifier: Option<&str>) -> Result<TokenSet, AuthError> {
        let client = self.client(callback)?;
        let mut req = client.exchange_code(AuthorizationCode::new(code.to_string()));
        if let Some(v) = pkce_verifier {
            req = req.set_pkce_verifier(PkceCodeVerifier::new(v.to_string()));
        }
        let r = req.request_async(&self.http).await.map_err(|e| token_error(e, "The authorization code was refused"))?;
        Ok(TokenSet::from_response(&r, unix_now()))
    }

    /// New tokens for a refresh token; the answer carries the next (rotated) refresh token.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenSet, AuthError> {
        let client = self.client(&self.config.callback_url)?;
        let refresh_token = RefreshToken::new(refresh_token.to_string());
        let mut req = client.exchange_refresh_token(&refresh_token);
        if self.config.provider == Provider::DataCenter {
            // Data Center's refresh request names the link's redirect URL too.
            req = req.add_extra_param("redirect_uri", self.config.callback_url.clone());
        }
        let r = req.request_async(&self.http).await.map_err(|e| token_error(e, "The refresh token was refused"))?;
        Ok(TokenSet::from_response(&r, unix_now()))
    }

    /// The cloud id of `Url` among the sites the token reaches (`CloudId` when given).
    pub async fn cloud_id(&self, access_token: &str) -> Result<String, AuthError> {
        if let Some(id) = self.config.cloud_id.as_ref().filter(|s| !s.is_empty()) {
            return Ok(id.clone());
        }
        let url = format!("{}/oauth/token/accessible-resources", self.config.gateway_url.trim_end_matches('/'));
        let resp = self
            .http
            .get(&url)
            .bearer_auth(access_token)
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| AuthError::Configuration(format!("Cannot reach {url}: {e}")))?;
        if !resp.status().is_success() {
            return Err(AuthError::Rejected(format!("accessible-resources answered {}: the token cannot reach any site", resp.status())));
        }
        let sites: Vec<Resource> =
            resp.json().await.map_err(|e| AuthError::Configuration(format!("accessible-resources answered something else than a list of sites: {e}")))?;
        let want = self.config.site_url.trim_end_matches('/').to_ascii_lowercase();
        sites.iter().find(|s| s.url.trim_end_matches('/').eq_ignore_ascii_case(&want)).map(|s| s.id.clone()).ok_or_else(|| {
            let listed: Vec<&str> = sites.iter().map(|s| s.url.as_str()).collect();
            AuthError::Rejected(format!(
                "The OAuth grant does not include the site {}; it reaches: {}. Check Url, or give CloudId",
                self.config.site_url,
                if listed.is_empty() { "no site".to_string() } else { listed.join(", ") }
            ))
        })
    }
}

/// Atlassian's answer as an error that says what to do. `invalid_grant` on a refresh means the
/// grant was revoked, expired, or its refresh token reused.
fn token_error<RE: std::error::Error + 'static>(e: RequestTokenError<RE, StandardErrorResponse<BasicErrorResponseType>>, what: &str) -> AuthError {
    match e {
        RequestTokenError::ServerResponse(r) => {
            let detail = r.error_description().map(|d| format!(": {d}")).unwrap_or_default();
            match r.error() {
                BasicErrorResponseType::InvalidGrant => {
                    AuthError::Revoked(format!("{what} (invalid_grant{detail}): the grant was revoked, has expired, or its refresh token was already used"))
                }
                other => AuthError::Rejected(format!("{what} ({}{detail})", other.as_ref())),
            }
        }
        RequestTokenError::Request(err) => AuthError::Configuration(format!("Cannot reach the OAuth token endpoint: {err}")),
        RequestTokenError::Parse(err, _) => AuthError::Rejected(format!("{what}: the token endpoint's answer is not a token response ({err})")),
        RequestTokenError::Other(m) => AuthError::Rejected(format!("{what}: {m}")),
    }
}
