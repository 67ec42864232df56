use base64::Engine;

use crate::{AuthError, AuthScheme, Authenticator};

/// Credentials that do not change during a connection: API token, password, PAT, or none.
#[derive(Clone)]
pub struct StaticCredentials {
    scheme: AuthScheme,
    header: Option<String>,
}

// Never print the header: it carries the secret.
impl std::fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticCredentials").field("scheme", &self.scheme).field("header", &self.header.as_ref().map(|_| "<redacted>")).finish()
    }
}

impl StaticCredentials {
    /// Email (or user name) + API token or password, as HTTP Basic.
    pub fn basic(scheme: AuthScheme, user: &str, secret: &str) -> Result<StaticCredentials, AuthError> {
        if user.is_empty() {
            return Err(AuthError::Configuration(format!("AuthScheme={scheme} needs User (the account's email address on Cloud)")));
        }
        if secret.is_empty() {
            let what = if scheme == AuthScheme::ApiToken { "APIToken" } else { "Password (or APIToken)" };
            return Err(AuthError::Configuration(format!("AuthScheme={scheme} needs {what}")));
        }
        if user.contains(':') {
            return Err(AuthError::Configuration("User must not contain ':' (HTTP Basic cannot carry it)".into()));
        }
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"));
        Ok(StaticCredentials { scheme, header: Some(format!("Basic {token}")) })
    }

    /// A Data Center personal access token, as a bearer token.
    pub fn pat(token: &str) -> Result<StaticCredentials, AuthError> {
        if token.trim().is_empty() {
            return Err(AuthError::Configuration("AuthScheme=PAT needs PersonalAccessToken".into()));
        }
        Ok(StaticCredentials { scheme: AuthScheme::Pat, header: Some(format!("Bearer {}", token.trim())) })
    }

    pub fn anonymous() -> StaticCredentials {
        StaticCredentials { scheme: AuthScheme::Anonymous, header: None }
    }
}

#[async_trait::async_trait]
impl Authenticator for StaticCredentials {
    async fn authorization(&self) -> Result<Option<String>, AuthError> {
        Ok(self.header.clone())
    }
    async fn unauthorized(&self) -> Result<bool, AuthError> {
        let hint = match self.scheme {
            AuthScheme::ApiToken => "check User (your email) and APIToken; create a token at id.atlassian.com > Security > API tokens",
            AuthScheme::Basic => "check User and Password",
            AuthScheme::Pat => "check PersonalAccessToken; it may have expired or been revoked",
            _ => "this content needs credentials: set AuthScheme",
        };
        Err(AuthError::Rejected(format!("The site refused the credentials ({}): {hint}", self.scheme)))
    }
    fn scheme(&self) -> AuthScheme {
        self.scheme
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_and_validation() {
        let c = StaticCredentials::basic(AuthScheme::ApiToken, "a@example.com", "tok").unwrap();
        let h = ready(c.authorization()).unwrap().unwrap();
        assert_eq!(h, "Basic YUBleGFtcGxlLmNvbTp0b2s=");
        assert!(!format!("{c:?}").contains("YUBl"), "Debug never shows the secret");
        assert!(StaticCredentials::basic(AuthScheme::ApiToken, "", "tok").is_err());
        assert!(StaticCredentials::basic(AuthScheme::ApiToken, "a@example.com", "").unwrap_err().to_string().contains("APIToken"));
        assert_eq!(StaticCredentials::pat(" x ").unwrap().header.as_deref(), Some("Bearer x"));
        assert!(StaticCredentials::pat("").is_err());
        let rejected = ready(StaticCredentials::anonymous().unauthorized()).unwrap_err();
        assert_eq!(rejected.sqlstate(), "28000");
    }

    /// Runs a future that never waits (these never do) without pulling in a runtime.
    fn ready<F: std::future::Future>(f: F) -> F::Output {
        use std::task::{Context, Poll, Waker};
        let mut f = Box::pin(f);
        match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("future was expected to be ready"),
        }
    }
}
