//! Every credential the site has issued: API tokens (Cloud), personal access tokens (Data
//! Center), OAuth 2.0 clients, grants, authorization codes, access and refresh tokens.
//! Secrets are stored as SHA-256 digests, as a real site would; only creation returns them.

use base64::Engine;
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
    /// Who created it (the owner, at id.atlassian.com).
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

/// A token of the "API Token Authentication" app (resolution, Data Center): it signs its owner
/// in as Basic `user:token` (or Bearer) until `valid_until`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppToken {
    pub id: u64,
    pub owner_id: String,
    pub description: String,
    pub digest: String,
    pub created: DateTime<Utc>,
    pub last_accessed: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
    /// Who created it: the owner, or an admin for them.
    pub created_by: String,
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
    /// Why it was revoked: "user", "refresh_token_reuse", "code_reuse", "admin".
    pub revoked_reason: Option<String>,
    /// Data Center's provider issues a refresh token with every grant (no `offline_access`
    /// scope there).
    #[serde(default)]
    pub always_refresh: bool,
}

/// A PKCE challenge (RFC 7636) a code was issued against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeChallenge {
    /// `S256` or `plain`.
    pub method: String,
    pub challenge: String,
}

impl CodeChallenge {
    pub fn verifies(&self, verifier: &str) -> bool {
        match self.method.as_str() {
            "S256" => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == self.challenge,
            "plain" => verifier == self.challenge,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthorizationCode {
    pub digest: String,
    pub grant_id: String,
    pub redirect_uri: String,
    pub expires: DateTime<Utc>,
    pub used: bool,
    #[serde(default)]
    pub challenge: Option<CodeChallenge>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessToken {
    pub digest: String,
    pub grant_id: String,
    pub issued: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    pub scopes: Vec<String>,
    /// The refresh token issued together with it (its "companion"): once that one is exchanged,
    /// this access token stops working after the reuse interval, as Atlassian revokes companions.
    #[serde(default)]
    pub refresh_digest: Option<String>,
    /// Set when the companion refresh token was exchanged: the token dies at this moment.
    #[serde(default)]
    pub revoked_after: Option<DateTime<Utc>>,
}

/// An OAuth 1.0a access token a Data Center server issued to a gadget consumer on a user's behalf
/// (an application link of old): it lives seven days.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConsumerToken {
    pub token: String,
    pub owner_id: String,
    pub consumer: String,
    pub consumer_description: String,
    pub issued: DateTime<Utc>,
    pub expires: DateTime<Utc>,
}

/// The application links' consumers the seeded OAuth 1.0a tokens were issued to: (name as the
/// token page shows it, consumer key, description).
pub const CONSUMERS: &[(&str, &str, &str)] = &[
    ("Team dashboard", "team-dashboard-gadgets", "The wallboard gadgets on the team's intranet"),
    ("Release notes", "release-notes-publisher", "Publishes release notes from Jira to the company website"),
];

/// OAuth 1.0a access tokens expire seven days after they are issued.
pub const CONSUMER_TOKEN_DAYS: i64 = 7;

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
    #[serde(default)]
    pub consumer_tokens: Vec<ConsumerToken>,
    pub next_pat_id: u64,
    #[serde(default)]
    pub app_tokens: Vec<AppToken>,
    #[serde(default)]
    pub next_app_token_id: u64,
    /// Browser sessions of the sign-in page (cookie `cloud.session.token`); not persisted.
    #[serde(skip)]
    pub sessions: Vec<Session>,
    /// Consent screens shown and not yet answered, by one-time request id; not persisted.
    #[serde(skip)]
    pub pending: Vec<PendingAuthorization>,
}

/// A signed-in browser. The cookie value is a secret; only its digest is kept.
#[derive(Debug, Clone)]
pub struct Session {
    pub digest: String,
    pub account_id: String,
    pub created: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    /// The XSRF token forms of this session carry (Atlassian calls it `atl_token`).
    pub atl_token: String,
}

/// An authorization request waiting for the user's Approve or Deny.
#[derive(Debug, Clone)]
pub struct PendingAuthorization {
    /// Digest of the one-time request id the consent form carries.
    pub digest: String,
    /// Who may answer it: `s:<session digest>` or `b:<account id>` (Basic auth).
    pub bound_to: Vec<String>,
    pub account_id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    /// "code" or "token".
    pub response_type: String,
    pub expires: DateTime<Utc>,
    /// The PKCE challenge of the request (Data Center's provider), for the code it leads to.
    pub challenge: Option<CodeChallenge>,
}

/// How long an authorization code may be exchanged (RFC 6749 recommends at most 10 minutes).
pub const CODE_TTL_SECONDS: i64 = 300;
/// Rotating refresh tokens expire after 90 days without use...
pub const REFRESH_INACTIVITY_DAYS: i64 = 90;
/// ...and a grant's refresh tokens after 365 days whatever happens (then the user consents again).
pub const GRANT_ABSOLUTE_DAYS: i64 = 365;
/// Browser sessions of the sign-in page.
pub const SESSION_DAYS: i64 = 30;
/// Lifetimes and intervals from flags are capped at ten years (date arithmetic cannot overflow).
pub const MAX_LIFETIME_SECONDS: i64 = 10 * 366 * 86_400;
/// At most this many sessions (and unanswered consent screens) are kept; the oldest go first.
pub const MAX_SESSIONS: usize = 10_000;
/// A consent screen must be answered within this time.
pub const PENDING_TTL_SECONDS: i64 = 1800;

/// What a successful authorization-code or refresh exchange returns.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: i64,
    pub scopes: Vec<String>,
    pub grant_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeError {
    /// Unknown, already used, issued to another client, for another redirect_uri, or its grant is revoked.
    Invalid,
    /// Known but past its lifetime.
    Expired,
    /// Issued against a PKCE challenge the `code_verifier` does not meet (or that lacks one).
    Verifier,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshError {
    /// Never issued by this server.
    Unknown,
    /// Expired, revoked, or issued to another client.
    Invalid,
    /// A rotated token presented after the reuse interval: the whole grant has just been revoked.
    Reused,
}

/// Whether an API token still authenticates: ACTIVE, EXPIRED or REVOKED.
pub fn api_token_status(t: &ApiToken, now: DateTime<Utc>) -> &'static str {
    if t.revoked {
        "REVOKED"
    } else if t.expires <= now {
        "EXPIRED"
    } else {
        "ACTIVE"
    }
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// An access token shaped like Atlassian's (a JWT: header.claims.signature). The signature is
/// random: the sandbox recognises its tokens by digest, and clients must treat them as opaque.
fn new_access_token(grant: &Grant, issued: DateTime<Utc>, expires: DateTime<Utc>) -> String {
    let header = serde_json::json!({"kid": "auth.atlassian.io/sandbox", "typ": "JWT", "alg": "RS256"});
    let claims = serde_json::json!({
        "jti": uuid::Uuid::new_v4().to_string(),
        "iss": "https://auth.atlassian.com",
        "sub": grant.account_id,
        "aud": "api.atlassian.com",
        "client_id": grant.client_id,
        "scope": grant.scopes.join(" "),
        "iat": issued.timestamp(),
        "exp": expires.timestamp(),
    });
    let mut sig = Vec::with_capacity(32);
    sig.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    sig.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    format!("{}.{}.{}", b64url(header.to_string().as_bytes()), b64url(claims.to_string().as_bytes()), b64url(&sig))
}

/// A Data Center personal access token: base64 of "<12-digit id>:<random>", as the real ones look.
fn new_raw_pat() -> String {
    let n = uuid::Uuid::new_v4().as_u128();
    let id = format!("{:012}", n % 1_000_000_000_000);
    let secret = b64url(uuid::Uuid::new_v4().as_bytes());
    base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
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
        // Two gadget consumers the user approved, a day and three days ago.
        for ((consumer, _, description), days_ago) in CONSUMERS.iter().zip([1, 3]) {
            let issued = now - Duration::days(days_ago);
            c.consumer_tokens.push(ConsumerToken {
                token: new_secret(""),
                owner_id: c.pats[0].owner_id.clone(),
                consumer: consumer.to_string(),
                consumer_description: description.to_string(),
                issued,
                expires: issued + Duration::days(CONSUMER_TOKEN_DAYS),
            });
        }
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
        let t = self.access_tokens.iter().find(|t| t.digest == d && t.expires > now && t.revoked_after.is_none_or(|r| r > now))?;
        let g = self.grants.iter().find(|g| g.id == t.grant_id && g.revoked.is_none())?;
        Some((g.account_id.clone(), t.scopes.clone(), g.id.clone()))
    }

    // ------------------------------------------------------------------ OAuth 2.0 clients and grants

    pub fn client(&self, client_id: &str) -> Option<&OAuthClient> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    /// Whether this client id and secret belong together.
    pub fn client_authenticates(&self, client_id: &str, secret: &str) -> bool {
        let d = digest(secret);
        self.client(client_id).is_some_and(|c| c.secret_digest == d)
    }

    pub fn grant(&self, id: &str) -> Option<&Grant> {
        self.grants.iter().find(|g| g.id == id)
    }

    /// Records the user's consent and returns the grant's id.
    pub fn create_grant(&mut self, client_id: &str, account_id: &str, scopes: &[String], now: DateTime<Utc>) -> String {
        self.prune(now);
        let id = uuid::Uuid::new_v4().to_string();
        self.grants.push(Grant {
            id: id.clone(),
            client_id: client_id.to_string(),
            account_id: account_id.to_string(),
            scopes: scopes.to_vec(),
            created: now,
            revoked: None,
            revoked_reason: None,
            always_refresh: false,
        });
        id
    }

    /// A grant of Data Center's provider: a refresh token comes with every token response.
    pub fn create_refreshing_grant(&mut self, client_id: &str, account_id: &str, scopes: &[String], now: DateTime<Utc>) -> String {
        let id = self.create_grant(client_id, account_id, scopes, now);
        if let Some(g) = self.grants.iter_mut().find(|g| g.id == id) {
            g.always_refresh = true;
        }
        id
    }

    /// A one-time authorization code for a grant, bound to the redirect_uri it is sent to.
    pub fn issue_code(&mut self, grant_id: &str, redirect_uri: &str, challenge: Option<CodeChallenge>, now: DateTime<Utc>) -> String {
        let code = new_secret("");
        self.codes.push(AuthorizationCode {
            digest: digest(&code),
            grant_id: grant_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            expires: now + Duration::seconds(CODE_TTL_SECONDS),
            used: false,
            challenge,
        });
        code
    }

    /// Data Center's exchange: the code's PKCE challenge must be met by `verifier`, and a code
    /// presented a second time revokes every token issued from it (RFC 6749 4.1.2).
    pub fn redeem_code_pkce(
        &mut self,
        client_id: &str,
        code: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<String, CodeError> {
        let d = digest(code);
        if let Some(c) = self.codes.iter().find(|c| c.digest == d && c.used) {
            let grant_id = c.grant_id.clone();
            self.revoke_grant(&grant_id, "code_reuse", now);
            return Err(CodeError::Invalid);
        }
        let challenge = self.codes.iter().find(|c| c.digest == d).and_then(|c| c.challenge.clone());
        match (challenge, verifier) {
            (Some(ch), Some(v)) if ch.verifies(v) => {}
            (Some(_), _) => return Err(CodeError::Verifier),
            (None, _) => {}
        }
        self.redeem_code(client_id, code, redirect_uri, now)
    }

    /// Exchanges a code (once) for its grant's id.
    pub fn redeem_code(&mut self, client_id: &str, code: &str, redirect_uri: &str, now: DateTime<Utc>) -> Result<String, CodeError> {
        let d = digest(code);
        let i = self.codes.iter().position(|c| c.digest == d).ok_or(CodeError::Invalid)?;
        let (grant_id, used, expires, bound_uri) = {
            let c = &self.codes[i];
            (c.grant_id.clone(), c.used, c.expires, c.redirect_uri.clone())
        };
        let grant_ok = self.grant(&grant_id).is_some_and(|g| g.client_id == client_id && g.revoked.is_none());
        if used || !grant_ok {
            return Err(CodeError::Invalid);
        }
        if expires <= now {
            return Err(CodeError::Expired);
        }
        if bound_uri != redirect_uri {
            return Err(CodeError::Invalid);
        }
        self.codes[i].used = true;
        Ok(grant_id)
    }

    /// New tokens for a live grant: an access token, and a refresh token when the grant has
    /// `offline_access` (and `with_refresh`; the implicit flow never gets one).
    pub fn issue_tokens(&mut self, grant_id: &str, now: DateTime<Utc>, expires_in: i64, with_refresh: bool) -> Option<IssuedTokens> {
        self.prune(now);
        let grant = self.grant(grant_id).filter(|g| g.revoked.is_none())?.clone();
        let expires_in = expires_in.clamp(1, MAX_LIFETIME_SECONDS);
        let access = new_access_token(&grant, now, now + Duration::seconds(expires_in));
        let refresh = (with_refresh && (grant.always_refresh || grant.scopes.iter().any(|s| s == "offline_access"))).then(|| new_secret(""));
        if let Some(r) = &refresh {
            let absolute = grant.created + Duration::days(GRANT_ABSOLUTE_DAYS);
            self.refresh_tokens.push(RefreshToken {
                digest: digest(r),
                grant_id: grant.id.clone(),
                issued: now,
                rotated: None,
                expires: (now + Duration::days(REFRESH_INACTIVITY_DAYS)).min(absolute),
            });
        }
        self.access_tokens.push(AccessToken {
            digest: digest(&access),
            grant_id: grant.id.clone(),
            issued: now,
            expires: now + Duration::seconds(expires_in),
            scopes: grant.scopes.clone(),
            refresh_digest: refresh.as_deref().map(digest),
            revoked_after: None,
        });
        Some(IssuedTokens { access_token: access, refresh_token: refresh, expires_in, scopes: grant.scopes, grant_id: grant.id })
    }

    /// The refresh-token grant with rotation: the presented token is exchanged for a new pair and
    /// may be presented again only within `reuse_interval` seconds of its first exchange; a later
    /// reuse revokes the whole grant.
    pub fn refresh(&mut self, client_id: &str, token: &str, now: DateTime<Utc>, expires_in: i64, reuse_interval: i64) -> Result<IssuedTokens, RefreshError> {
        let d = digest(token);
        let i = self.refresh_tokens.iter().position(|t| t.digest == d).ok_or(RefreshError::Unknown)?;
        let (grant_id, rotated, expires) = {
            let t = &self.refresh_tokens[i];
            (t.grant_id.clone(), t.rotated, t.expires)
        };
        let grant_ok = self.grant(&grant_id).is_some_and(|g| g.client_id == client_id && g.revoked.is_none());
        if !grant_ok || expires <= now {
            return Err(RefreshError::Invalid);
        }
        let leeway = Duration::seconds(reuse_interval.clamp(0, MAX_LIFETIME_SECONDS));
        match rotated {
            Some(first) if now > first + leeway => {
                self.revoke_grant(&grant_id, "refresh_token_reuse", now);
                return Err(RefreshError::Reused);
            }
            Some(_) => {}
            None => {
                self.refresh_tokens[i].rotated = Some(now);
                // The companion access token dies when the leeway ends.
                for a in self.access_tokens.iter_mut().filter(|a| a.refresh_digest.as_deref() == Some(d.as_str())) {
                    a.revoked_after = Some(now + leeway);
                }
            }
        }
        self.issue_tokens(&grant_id, now, expires_in, true).ok_or(RefreshError::Invalid)
    }

    /// Revokes a grant: all its codes, access and refresh tokens stop working at once.
    pub fn revoke_grant(&mut self, grant_id: &str, reason: &str, now: DateTime<Utc>) -> bool {
        match self.grants.iter_mut().find(|g| g.id == grant_id && g.revoked.is_none()) {
            Some(g) => {
                g.revoked = Some(now);
                g.revoked_reason = Some(reason.to_string());
                true
            }
            None => false,
        }
    }

    /// When a live grant's access ends (the latest expiry of its usable tokens); `None` when the
    /// grant is revoked or nothing issued for it works any more.
    pub fn grant_expires(&self, grant: &Grant, now: DateTime<Utc>, reuse_interval: i64) -> Option<DateTime<Utc>> {
        if grant.revoked.is_some() {
            return None;
        }
        let access =
            self.access_tokens.iter().filter(|t| t.grant_id == grant.id && t.expires > now && t.revoked_after.is_none_or(|r| r > now)).map(|t| t.expires);
        let refresh = self
            .refresh_tokens
            .iter()
            .filter(|t| {
                t.grant_id == grant.id
                    && t.expires > now
                    && t.rotated.is_none_or(|r| r + Duration::seconds(reuse_interval.clamp(0, MAX_LIFETIME_SECONDS)) >= now)
            })
            .map(|t| t.expires);
        access.chain(refresh).max()
    }

    /// The grants a user made that still give access, oldest first.
    pub fn live_grants(&self, account_id: &str, now: DateTime<Utc>, reuse_interval: i64) -> Vec<(&Grant, DateTime<Utc>)> {
        self.grants.iter().filter(|g| g.account_id == account_id).filter_map(|g| self.grant_expires(g, now, reuse_interval).map(|e| (g, e))).collect()
    }

    /// Drops what can never be used again (expired codes, tokens and sessions).
    pub fn prune(&mut self, now: DateTime<Utc>) {
        let day = Duration::days(1);
        self.codes.retain(|c| c.expires + day > now);
        self.access_tokens.retain(|t| t.expires + day > now);
        self.refresh_tokens.retain(|t| t.expires > now);
        self.sessions.retain(|s| s.expires > now);
        self.pending.retain(|p| p.expires > now);
    }

    // ------------------------------------------------------------------ browser sessions

    /// Signs a user in: returns the cookie value (a secret) of the new session.
    pub fn create_session(&mut self, account_id: &str, now: DateTime<Utc>) -> String {
        self.prune(now);
        if self.sessions.len() >= MAX_SESSIONS {
            self.sessions.remove(0);
        }
        let secret = new_secret("");
        self.sessions.push(Session {
            digest: digest(&secret),
            account_id: account_id.to_string(),
            created: now,
            expires: now + Duration::days(SESSION_DAYS),
            atl_token: new_secret(""),
        });
        secret
    }

    pub fn session(&self, cookie_value: &str, now: DateTime<Utc>) -> Option<&Session> {
        let d = digest(cookie_value);
        self.sessions.iter().find(|s| s.digest == d && s.expires > now)
    }

    pub fn end_session(&mut self, cookie_value: &str) {
        let d = digest(cookie_value);
        self.sessions.retain(|s| s.digest != d);
    }

    /// Whether an `atl_token` was issued to one of this account's live sessions.
    pub fn atl_token_valid(&self, account_id: &str, atl_token: &str, now: DateTime<Utc>) -> bool {
        !atl_token.is_empty() && self.sessions.iter().any(|s| s.account_id == account_id && s.expires > now && s.atl_token == atl_token)
    }

    /// Stores a consent screen's request and returns its one-time id.
    pub fn add_pending(&mut self, mut p: PendingAuthorization, now: DateTime<Utc>) -> String {
        self.prune(now);
        if self.pending.len() >= MAX_SESSIONS {
            self.pending.remove(0);
        }
        let id = new_secret("");
        p.digest = digest(&id);
        p.expires = now + Duration::seconds(PENDING_TTL_SECONDS);
        self.pending.push(p);
        id
    }

    /// Takes (once) the request a consent form answers, if the caller is the one it was shown to.
    pub fn take_pending(&mut self, request_id: &str, caller_keys: &[String], now: DateTime<Utc>) -> Option<PendingAuthorization> {
        let d = digest(request_id);
        let i = self.pending.iter().position(|p| p.digest == d && p.expires > now && p.bound_to.iter().any(|k| caller_keys.contains(k)))?;
        Some(self.pending.remove(i))
    }

    // ------------------------------------------------------------------ API tokens and PATs

    /// A new API token; the secret is returned once and only its digest is kept.
    pub fn create_api_token(&mut self, owner_id: &str, label: &str, expires: DateTime<Utc>, created_by: &str, now: DateTime<Utc>) -> (ApiToken, String) {
        let secret = new_secret("ATATT3xFfGF0");
        let t = ApiToken {
            id: uuid::Uuid::new_v4().to_string(),
            owner_id: owner_id.to_string(),
            label: label.to_string(),
            digest: digest(&secret),
            created: now,
            last_used: None,
            expires,
            created_by: created_by.to_string(),
            revoked: false,
        };
        self.api_tokens.push(t.clone());
        (t, secret)
    }

    /// Revokes an API token; Basic auth with it fails from now on.
    pub fn revoke_api_token(&mut self, id: &str) -> bool {
        match self.api_tokens.iter_mut().find(|t| t.id == id) {
            Some(t) => {
                t.revoked = true;
                true
            }
            None => false,
        }
    }

    /// A new Data Center personal access token; the raw token is returned once.
    pub fn create_pat(&mut self, owner_id: &str, name: &str, expiring_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> (PersonalAccessToken, String) {
        let raw = new_raw_pat();
        let id = self.next_pat_id.max(1);
        self.next_pat_id = id + 1;
        let t = PersonalAccessToken {
            id,
            name: name.to_string(),
            owner_id: owner_id.to_string(),
            digest: digest(&raw),
            created: now,
            expiring_at,
            last_accessed: None,
        };
        self.pats.push(t.clone());
        (t, raw)
    }

    /// A new token of the API Token Authentication app; the plain text token is returned once.
    pub fn create_app_token(
        &mut self,
        owner_id: &str,
        description: &str,
        valid_until: Option<DateTime<Utc>>,
        created_by: &str,
        now: DateTime<Utc>,
    ) -> (AppToken, String) {
        let secret = new_secret("");
        let id = self.next_app_token_id.max(1);
        self.next_app_token_id = id + 1;
        let t = AppToken {
            id,
            owner_id: owner_id.to_string(),
            description: description.to_string(),
            digest: digest(&secret),
            created: now,
            last_accessed: None,
            valid_until,
            created_by: created_by.to_string(),
        };
        self.app_tokens.push(t.clone());
        (t, secret)
    }

    /// Whether this secret is a live app token of this account (Basic auth); notes the use.
    pub fn check_app_token(&mut self, owner_id: &str, secret: &str, now: DateTime<Utc>) -> bool {
        let d = digest(secret);
        match self.app_tokens.iter_mut().find(|t| t.owner_id == owner_id && t.digest == d && t.valid_until.is_none_or(|v| v > now)) {
            Some(t) => {
                t.last_accessed = Some(now);
                true
            }
            None => false,
        }
    }

    /// The owner of a live app token presented alone (Bearer); notes the use.
    pub fn app_token_owner(&mut self, secret: &str, now: DateTime<Utc>) -> Option<String> {
        let d = digest(secret);
        let t = self.app_tokens.iter_mut().find(|t| t.digest == d && t.valid_until.is_none_or(|v| v > now))?;
        t.last_accessed = Some(now);
        Some(t.owner_id.clone())
    }

    /// Deletes one of the owner's personal access tokens; it stops authenticating at once.
    pub fn delete_pat(&mut self, owner_id: &str, id: u64) -> bool {
        let before = self.pats.len();
        self.pats.retain(|t| !(t.id == id && t.owner_id == owner_id));
        self.pats.len() != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> (Credentials, String) {
        let mut c = Credentials { next_pat_id: 1, ..Default::default() };
        c.clients.push(OAuthClient {
            client_id: "cid".into(),
            secret_digest: digest("secret"),
            name: "App".into(),
            description: "An app".into(),
            callbacks: vec![],
        });
        let now = Utc::now();
        let g = c.create_grant("cid", "acc", &["read:jira-work".to_string(), "offline_access".to_string()], now);
        (c, g)
    }

    #[test]
    fn codes_are_single_use_and_bound_to_client_and_redirect() {
        let (mut c, g) = creds();
        let now = Utc::now();
        let code = c.issue_code(&g, "http://localhost:1/cb", None, now);
        assert_eq!(c.redeem_code("cid", &code, "http://localhost:2/cb", now), Err(CodeError::Invalid));
        assert_eq!(c.redeem_code("other", &code, "http://localhost:1/cb", now), Err(CodeError::Invalid));
        assert_eq!(c.redeem_code("cid", &code, "http://localhost:1/cb", now), Ok(g.clone()));
        assert_eq!(c.redeem_code("cid", &code, "http://localhost:1/cb", now), Err(CodeError::Invalid));
        let late = c.issue_code(&g, "http://localhost:1/cb", None, now);
        assert_eq!(c.redeem_code("cid", &late, "http://localhost:1/cb", now + Duration::seconds(CODE_TTL_SECONDS + 1)), Err(CodeError::Expired));
    }

    #[test]
    fn pkce_is_checked_and_a_reused_code_revokes_its_grant() {
        let (mut c, g) = creds();
        let now = Utc::now();
        // RFC 7636 appendix B's example verifier and challenge.
        let s256 = CodeChallenge { method: "S256".into(), challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into() };
        assert!(s256.verifies("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") && !s256.verifies("other"));
        let code = c.issue_code(&g, "http://localhost:1/cb", Some(s256), now);
        assert_eq!(c.redeem_code_pkce("cid", &code, "http://localhost:1/cb", None, now), Err(CodeError::Verifier));
        assert_eq!(c.redeem_code_pkce("cid", &code, "http://localhost:1/cb", Some("wrong"), now), Err(CodeError::Verifier));
        assert_eq!(c.redeem_code_pkce("cid", &code, "http://localhost:1/cb", Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), now), Ok(g.clone()));
        let tokens = c.issue_tokens(&g, now, 3600, true).unwrap();
        assert!(c.check_access_token(&tokens.access_token, now).is_some());
        assert_eq!(
            c.redeem_code_pkce("cid", &code, "http://localhost:1/cb", Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), now),
            Err(CodeError::Invalid)
        );
        assert!(c.check_access_token(&tokens.access_token, now).is_none(), "the code's second use revoked what it issued");
    }

    #[test]
    fn rotation_leeway_then_reuse_revokes_the_grant() {
        let (mut c, g) = creds();
        let now = Utc::now();
        let first = c.issue_tokens(&g, now, 3600, true).unwrap();
        let r0 = first.refresh_token.clone().unwrap();
        let second = c.refresh("cid", &r0, now, 3600, 10).unwrap();
        assert_ne!(second.refresh_token, first.refresh_token);
        // The companion access token of r0 survives the leeway only.
        assert!(c.check_access_token(&first.access_token, now + Duration::seconds(5)).is_some());
        assert!(c.check_access_token(&first.access_token, now + Duration::seconds(11)).is_none());
        let again = c.refresh("cid", &r0, now + Duration::seconds(5), 3600, 10).unwrap();
        assert!(c.check_access_token(&again.access_token, now + Duration::seconds(6)).is_some());
        assert_eq!(c.refresh("cid", &r0, now + Duration::seconds(11), 3600, 10).err(), Some(RefreshError::Reused));
        assert!(c.check_access_token(&second.access_token, now + Duration::seconds(12)).is_none());
        assert_eq!(c.refresh("cid", second.refresh_token.as_deref().unwrap(), now + Duration::seconds(12), 3600, 10).err(), Some(RefreshError::Invalid));
        assert_eq!(c.refresh("cid", "never-issued", now, 3600, 10).err(), Some(RefreshError::Unknown));
    }

    #[test]
    fn no_refresh_token_without_offline_access() {
        let (mut c, _) = creds();
        let now = Utc::now();
        let g = c.create_grant("cid", "acc", &["read:jira-work".to_string()], now);
        assert!(c.issue_tokens(&g, now, 3600, true).unwrap().refresh_token.is_none());
    }

    #[test]
    fn raw_pats_look_like_data_center_ones() {
        let raw = new_raw_pat();
        let decoded = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(&raw).unwrap()).unwrap();
        let (id, secret) = decoded.split_once(':').unwrap();
        assert_eq!(id.len(), 12);
        assert!(id.chars().all(|c| c.is_ascii_digit()));
        assert!(!secret.is_empty());
    }
}
