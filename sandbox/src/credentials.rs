//! Every credential the site has issued: API tokens (Cloud), personal access tokens (Data
//! Center), OAuth 2.0 clients, grants, authorization codes, access and refresh tokens.
//! Secrets are stored as SHA-256 digests, as a real site would; only creation returns them.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::model::Site;

pub fn digest(secret: &str) -> String {
    let d = Sha256::digest(secret.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random secret with a recognisable prefix.
pub fn new_secret(prefix: &str) -> String {
    let a = uuid::Uuid::new_v4().simple().to_string();
    let b = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}{a}{b}")
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: String,
    pub owner_id: String,
    pub label: String,
    pub digest: String,
    pub created: DateTime<Utc>,
    pub last_used: Option<DateTime<Utc>>,
    pub expires: DateTime<Utc>,
    /// Who created it (the owner, or a Token Manager admin).
    pub created_by: String,
    pub revoked: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PersonalAccessToken {
    pub id: u64,
    pub name: String,
    pub owner_id: String,
    pub digest: String,
    pub created: DateTime<Utc>,
    pub expiring_at: Option<DateTime<Utc>>,
    pub last_accessed: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OAuthClient {
    pub client_id: String,
    pub secret_digest: String,
    pub name: String,
    pub description: String,
    /// Callback URLs registered besides the loopback ones, which are always allowed.
    pub callbacks: Vec<String>,
}

/// A user's consent to a client for some scopes. Revoking it kills all its tokens at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    pub id: String,
    pub client_id: String,
    pub account_id: String,
    pub scopes: Vec<String>,
    pub created: DateTime<Utc>,
    pub revoked: Option<DateTime<Utc>>,
    /// Why it was revoked: "user", "refresh_token_reuse", "admin".
    pub revoked_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthorizationCode {
    pub digest: String,
    pub grant_id: String,
    pub redirect_uri: String,
    pub expires: DateTime<Utc>,
    pub used: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessToken {
    pub digest: String,
    pub grant_id: String,
    pub issued: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshToken {
    pub digest: String,
    pub grant_id: String,
    pub issued: DateTime<Utc>,
    /// Set when this token was exchanged: it may be presented again only until
    /// `rotated + reuse interval`; later reuse revokes the grant.
    pub rotated: Option<DateTime<Utc>>,
    pub expires: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Credentials {
    pub api_tokens: Vec<ApiToken>,
    pub pats: Vec<PersonalAccessToken>,
    pub clients: Vec<OAuthClient>,
    pub grants: Vec<Grant>,
    pub codes: Vec<AuthorizationCode>,
    pub access_tokens: Vec<AccessToken>,
    pub refresh_tokens: Vec<RefreshToken>,
    pub next_pat_id: u64,
}

impl Credentials {
    /// The credentials on the start-up line, ready to use.
    pub fn seeded(cfg: &Config, site: &Site) -> Credentials {
        let now = Utc::now();
        let mut c = Credentials { next_pat_id: 1, ..Default::default() };
        let alice = site.user_by_email(&cfg.user).map(|u| u.account_id.clone()).unwrap_or_default();
        let admin = site.user_by_email(&cfg.admin_user).map(|u| u.account_id.clone()).unwrap_or_default();
        for (owner, secret, label) in [(&alice, &cfg.api_token, "sandbox"), (&admin, &cfg.admin_api_token, "sandbox admin")] {
            c.api_tokens.push(ApiToken {
                id: uuid::Uuid::new_v4().to_string(),
                owner_id: owner.clone(),
                label: label.to_string(),
                digest: digest(secret),
                created: now,
                last_used: None,
                expires: now + Duration::days(365),
                created_by: owner.clone(),
                revoked: false,
            });
        }
        c.pats.push(PersonalAccessToken {
            id: c.next_pat_id,
            name: "sandbox".into(),
            owner_id: alice,
            digest: digest(&cfg.pat),
            created: now,
            expiring_at: None,
            last_accessed: None,
        });
        c.next_pat_id += 1;
        c.clients.push(OAuthClient {
            client_id: cfg.oauth_client_id.clone(),
            secret_digest: digest(&cfg.oauth_client_secret),
            name: "Atlassian ODBC Driver".into(),
            description: "SQL access to Confluence and Jira through ODBC".into(),
            callbacks: std::iter::once("http://localhost:33333".to_string()).chain(cfg.oauth_callback.iter().cloned()).collect(),
        });
        c
    }

    /// The account an API token (Cloud Basic auth) belongs to, if it is valid now.
    pub fn check_api_token(&mut self, owner_id: &str, secret: &str, now: DateTime<Utc>) -> bool {
        let d = digest(secret);
        match self.api_tokens.iter_mut().find(|t| t.owner_id == owner_id && t.digest == d && !t.revoked && t.expires > now) {
            Some(t) => {
                t.last_used = Some(now);
                true
            }
            None => false,
        }
    }

    pub fn check_pat(&mut self, secret: &str, now: DateTime<Utc>) -> Option<String> {
        let d = digest(secret);
        let t = self.pats.iter_mut().find(|t| t.digest == d && t.expiring_at.is_none_or(|e| e > now))?;
        t.last_accessed = Some(now);
        Some(t.owner_id.clone())
    }

    /// The live grant an OAuth access token belongs to: (account id, scopes).
    pub fn check_access_token(&self, secret: &str, now: DateTime<Utc>) -> Option<(String, Vec<String>, String)> {
        let d = digest(secret);
        let t = self.access_tokens.iter().find(|t| t.digest == d && t.expires > now)?;
        let g = self.grants.iter().find(|g| g.id == t.grant_id && g.revoked.is_none())?;
        Some((g.account_id.clone(), t.scopes.clone(), g.id.clone()))
    }
}
