//! How a connection proves who it is. An [`Authenticator`] hands the REST client the
//! `Authorization` header for each request and, told that the server answered 401, decides
//! whether a retry can succeed (OAuth refreshes; fixed credentials cannot).
//!
//! This crate depends on no other crate of the project.

mod scheme;
mod static_credentials;

pub use scheme::AuthScheme;
pub use static_credentials::StaticCredentials;

/// Why authentication failed, with the SQLSTATE the driver reports.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    /// Credentials are missing or malformed in the connection properties (`08001`).
    #[error("{0}")]
    Configuration(String),
    /// The server refused the credentials (`28000`).
    #[error("{0}")]
    Rejected(String),
}

impl AuthError {
    pub fn sqlstate(&self) -> &'static str {
        match self {
            AuthError::Configuration(_) => "08001",
            AuthError::Rejected(_) => "28000",
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
}
