//! The tokens of one OAuth grant, as the driver keeps them: a type, not a map.

use std::time::{SystemTime, UNIX_EPOCH};

use oauth2::TokenResponse;
use serde::{Deserialize, Serialize};

pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Access and refresh token of a grant, when the access token was issued and when it expires
/// (Unix seconds), the scopes granted, and the site (cloud id) they were used for.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// `OAuthTokenTimestamp`: when the access token was issued.
    pub issued_at: u64,
    /// `issued_at + OAuthExpiresIn`; `None` when the server gave no lifetime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
    #[serde(default)]
    pub scope: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_id: Option<String>,
}

// Tokens are secrets: never printed.
impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .field("cloud_id", &self.cloud_id)
            .finish_non_exhaustive()
    }
}

/// Refresh this long before the access token expires, so no request is sent with one that dies
/// on the way.
pub const REFRESH_MARGIN_SECS: u64 = 60;

impl TokenSet {
    pub fn from_response(r: &oauth2::basic::BasicTokenResponse, now: u64) -> TokenSet {
        TokenSet {
            access_token: r.access_token().secret().clone(),
            refresh_token: r.refresh_token().map(|t| t.secret().clone()),
            issued_at: now,
            expires_at: r.expires_in().map(|d| now + d.as_secs()),
            scope: r.scopes().map(|s| s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(" ")).unwrap_or_default(),
            cloud_id: None,
        }
    }

    /// Whether the access token should be refreshed before use: a minute before it expires, or
    /// half way through a lifetime shorter than two minutes.
    pub fn needs_refresh(&self, now: u64) -> bool {
        self.expires_at.is_some_and(|e| {
            let margin = REFRESH_MARGIN_SECS.min(e.saturating_sub(self.issued_at) / 2);
            e <= now + margin
        })
    }
}
