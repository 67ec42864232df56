//! How a connection proves who it is. An [`Authenticator`] hands the REST client the
//! `Authorization` header for each request and, told that the server answered 401, decides
//! whether a retry can succeed (OAuth refreshes; fixed credentials cannot).
//!
//! This crate depends on no other crate of the project.
//!
//! OAuth 2.0: [`OAuthFlow`] speaks the protocol (through the `oauth2` crate), [`SettingsStore`]
//! keeps the tokens between connections, [`OAuthAuthenticator`] keeps a connection's token fresh.

mod desktop;
mod flow;
mod oauth_authenticator;
mod scheme;
mod settings;
mod static_credentials;
mod tokens;
mod transport;

pub use flow::{
    AuthorizationRequest, OAuthConfig, OAuthFlow, Provider, DEFAULT_AUTHORIZE_URL, DEFAULT_CALLBACK_URL, DEFAULT_DATA_CENTER_SCOPE, DEFAULT_GATEWAY_URL,
    DEFAULT_SCOPE, DEFAULT_TOKEN_URL,
};
pub use oauth_authenticator::{InitiateOAuth, OAuthAuthenticator};
pub use scheme::AuthScheme;
pub use settings::SettingsStore;
pub use static_credentials::StaticCredentials;
pub use tokens::{unix_now, TokenSet};
pub use transport::{trusted_pem_of, ProxyConfig, Transport};

/// Connection properties whose values are secrets: never logged, never returned in an
/// out-connection string, masked in listings; a DSN file holding one is private.
pub const SECRET_PROPERTIES: &[&str] = &[
    "confluenceoauthclientsecret",
    "pwd",
    "password",
    "apitoken",
    "personalaccesstoken",
    "proxypassword",
    "oauthclientsecret",
    "oauthaccesstoken",
    "oauthrefreshtoken",
    "oauthverifier",
    "orgapikey",
];

pub fn is_secret_property(key: &str) -> bool {
    SECRET_PROPERTIES.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// Why authentication failed, with the SQLSTATE the driver reports.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    /// Credentials are missing or malformed in the connection properties (`08001`).
    #[error("{0}")]
    Configuration(String),
    /// The server refused the credentials (`28000`).
    #[error("{0}")]
    Rejected(String),
    /// The OAuth grant is dead: revoked, expired, or its refresh token reused (`28000`).
    #[error("{0}")]
    Revoked(String),
}

impl AuthError {
    pub fn sqlstate(&self) -> &'static str {
        match self {
            AuthError::Configuration(_) => "08001",
            AuthError::Rejected(_) | AuthError::Revoked(_) => "28000",
        }
    }
}

/// Supplies credentials to every request of a connection.
#[async_trait::async_trait]
pub trait Authenticator: Send + Sync + std::fmt::Debug {
    /// The `Authorization` header value, or `None` for anonymous access.
    async fn authorization(&self) -> Result<Option<String>, AuthError>;
    /// The server answered 401 to a request made with `authorization()`: `Ok(true)` when new
    /// credentials were obtained and one retry is worth it.
    async fn unauthorized(&self) -> Result<bool, AuthError>;
    fn scheme(&self) -> AuthScheme;
    /// Whether requests carry credentials at all: not for anonymous access, nor for an OAuth
    /// connection that has no token yet (it opens for the OAuth procedures only).
    fn has_credentials(&self) -> bool {
        self.scheme() != AuthScheme::Anonymous
    }
    /// The OAuth grant this connection holds, as the driver keeps it. Atlassian Cloud lists the
    /// apps a user authorized only at id.atlassian.com (no API: ECO-256), so this is what the
    /// driver can show of them.
    async fn held_grant(&self) -> Result<Option<HeldGrant>, AuthError> {
        Ok(None)
    }
    /// Forgets the held grant: its tokens leave the settings store and this connection (which
    /// then has none). It is not revoked: no Cloud API revokes an app's access. `Ok(false)`
    /// when there was none.
    async fn forget_grant(&self) -> Result<bool, AuthError> {
        Ok(false)
    }
}

/// What the driver holds of one OAuth grant (never its tokens).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldGrant {
    pub client_id: String,
    /// Space-separated, as granted.
    pub scope: String,
    /// When the access token held was issued, and when it expires (Unix seconds).
    pub issued_at: u64,
    pub expires_at: Option<u64>,
    /// Where the tokens are kept (`OAuthSettingsLocation`).
    pub store: String,
}
