//! `AuthScheme=OAuth`: a connection's bearer token, obtained and kept fresh as `InitiateOAuth`
//! says, shared with the other connections and processes that use the same settings location.

use std::sync::Arc;

use crate::desktop::{open_browser, CallbackListener};
use crate::flow::{AuthorizationRequest, OAuthFlow, Provider};
use crate::settings::SettingsStore;
use crate::tokens::{unix_now, TokenSet};
use crate::{AuthError, AuthScheme, Authenticator, HeldGrant};

/// `InitiateOAuth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitiateOAuth {
    /// Use `OAuthAccessToken` as given; never refresh.
    Off,
    /// Sign in through the browser when there is no token; refresh when needed.
    GetAndRefresh,
    /// Refresh when needed; never open a browser.
    Refresh,
}

impl std::str::FromStr for InitiateOAuth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_uppercase().as_str() {
            "OFF" | "FALSE" => Ok(InitiateOAuth::Off),
            "GETANDREFRESH" | "TRUE" => Ok(InitiateOAuth::GetAndRefresh),
            "REFRESH" => Ok(InitiateOAuth::Refresh),
            other => Err(format!("InitiateOAuth '{other}' must be OFF, GETANDREFRESH or REFRESH")),
        }
    }
}

#[derive(Debug)]
pub struct OAuthAuthenticator {
    flow: Arc<OAuthFlow>,
    store: SettingsStore,
    mode: InitiateOAuth,
    current: tokio::sync::Mutex<Option<TokenSet>>,
    /// PKCE verifiers of the web flow's authorization URLs, by their state, until the code
    /// comes back (a few at most: the oldest go first).
    pending_verifiers: std::sync::Mutex<Vec<(String, String)>>,
}

/// Web-flow authorization URLs whose verifiers a connection keeps.
const PENDING_VERIFIERS: usize = 16;

fn sign_in_hint(store: &SettingsStore) -> String {
    format!("sign in once with `atlassian-odbc login` or a connection with InitiateOAuth=GETANDREFRESH (tokens are kept in {})", store.describe())
}

impl OAuthAuthenticator {
    /// Gets the connection's token as `mode` says: the one given, the saved one (refreshed if
    /// it is about to expire), one exchanged for `verifier`, or one from a browser sign-in.
    /// With `OFF` and no token the connection still opens, for the OAuth procedures.
    pub async fn start(
        flow: Arc<OAuthFlow>,
        store: SettingsStore,
        mode: InitiateOAuth,
        given: Option<TokenSet>,
        verifier: Option<String>,
    ) -> Result<OAuthAuthenticator, AuthError> {
        let auth = OAuthAuthenticator { flow, store, mode, current: tokio::sync::Mutex::new(None), pending_verifiers: std::sync::Mutex::new(Vec::new()) };
        let tokens = match mode {
            InitiateOAuth::Off => match (given, verifier) {
                (Some(t), _) => Some(t),
                (None, Some(v)) => Some(auth.exchange(&v, &auth.flow.config.callback_url, None).await?),
                (None, None) => None,
            },
            InitiateOAuth::Refresh | InitiateOAuth::GetAndRefresh => {
                let _lock = auth.store.lock().await?;
                let saved = auth.store.load()?.or(given);
                let t = match (saved, verifier) {
                    (Some(t), _) if t.needs_refresh(unix_now()) => auth.refresh_with(&t).await?,
                    (Some(t), _) => t,
                    (None, Some(v)) => auth.exchange(&v, &auth.flow.config.callback_url, None).await?,
                    (None, None) if mode == InitiateOAuth::GetAndRefresh => auth.desktop_sign_in().await?,
                    (None, None) => {
                        return Err(AuthError::Rejected(format!(
                            "No OAuth token is saved for this connection (InitiateOAuth=REFRESH never opens a browser): {}",
                            sign_in_hint(&auth.store)
                        )))
                    }
                };
                let t = auth.with_cloud_id(t).await?;
                auth.store.save(&t)?;
                Some(t)
            }
        };
        let tokens = match tokens {
            Some(t) if mode == InitiateOAuth::Off => Some(auth.with_cloud_id(t).await?),
            other => other,
        };
        *auth.current.lock().await = tokens;
        Ok(auth)
    }

    pub fn flow(&self) -> &Arc<OAuthFlow> {
        &self.flow
    }

    pub fn store(&self) -> &SettingsStore {
        &self.store
    }

    /// The connection's tokens, if it has any yet.
    pub async fn tokens(&self) -> Option<TokenSet> {
        self.current.lock().await.clone()
    }

    /// Makes `tokens` the connection's own (the web flow's `GetOAuthAccessToken`), saved where
    /// the connection keeps its tokens unless it runs with `InitiateOAuth=OFF`.
    pub async fn adopt(&self, tokens: TokenSet) -> Result<TokenSet, AuthError> {
        let t = self.with_cloud_id(tokens).await?;
        if self.mode != InitiateOAuth::Off {
            let _lock = self.store.lock().await?;
            self.store.save(&t)?;
        }
        *self.current.lock().await = Some(t.clone());
        Ok(t)
    }

    /// The web flow's authorization URL; its PKCE verifier (Data Center) stays with the
    /// connection until `exchange` is given the code with the same state.
    pub fn web_authorization_url(&self, callback: &str, scope: &str, state: Option<&str>, implicit: bool) -> Result<AuthorizationRequest, AuthError> {
        let req = self.flow.authorization_url(callback, scope, state, implicit)?;
        if let Some(v) = &req.pkce_verifier {
            let mut pending = self.pending_verifiers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            pending.retain(|(s, _)| *s != req.state);
            if pending.len() >= PENDING_VERIFIERS {
                pending.remove(0);
            }
            pending.push((req.state.clone(), v.clone()));
        }
        Ok(req)
    }

    /// Exchanges an authorization code for tokens (not yet the connection's own), with the PKCE
    /// verifier kept for `state` (or the only one kept), if any.
    pub async fn exchange(&self, code: &str, callback: &str, state: Option<&str>) -> Result<TokenSet, AuthError> {
        let kept = {
            let mut pending = self.pending_verifiers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let at = match state {
                Some(s) => pending.iter().position(|(ps, _)| ps == s),
                None if pending.len() == 1 => Some(0),
                None => None,
            };
            at.map(|i| pending.remove(i).1)
        };
        self.flow.exchange_code(code.trim(), callback, kept.as_deref()).await
    }

    /// The browser sign-in: listen, open the browser, wait for the code, exchange it.
    pub async fn desktop_sign_in(&self) -> Result<TokenSet, AuthError> {
        let cfg = self.flow.config.clone();
        let listener = CallbackListener::bind(&cfg.callback_url)?;
        let AuthorizationRequest { url, state, pkce_verifier } = self.flow.authorization_url(&cfg.callback_url, &cfg.scope, None, false)?;
        tracing::info!(target: "atlassian_odbc::oauth", callback = %cfg.callback_url, "opening the browser for the OAuth sign-in");
        open_browser(&url, cfg.browser_command.as_deref())?;
        let timeout = cfg.callback_timeout;
        let code = tokio::task::spawn_blocking(move || listener.wait_for_code(&state, timeout))
            .await
            .map_err(|e| AuthError::Rejected(format!("The sign-in listener stopped: {e}")))??;
        self.flow.exchange_code(code.trim(), &cfg.callback_url, pkce_verifier.as_deref()).await
    }

    /// Cloud's tokens reach sites through the gateway by cloud id; Data Center's go straight to
    /// the server that issued them.
    async fn with_cloud_id(&self, mut t: TokenSet) -> Result<TokenSet, AuthError> {
        if self.flow.config.provider == Provider::DataCenter {
            return Ok(t);
        }
        if t.cloud_id.is_none() || self.flow.config.cloud_id.is_some() {
            t.cloud_id = Some(self.flow.cloud_id(&t.access_token).await?);
        }
        Ok(t)
    }

    /// A refresh with `t`'s refresh token; a dead grant's tokens are forgotten.
    async fn refresh_with(&self, t: &TokenSet) -> Result<TokenSet, AuthError> {
        let Some(rt) = t.refresh_token.as_deref() else {
            return Err(AuthError::Rejected(format!(
                "The OAuth access token has expired and there is no refresh token (add offline_access to Scope): {}",
                sign_in_hint(&self.store)
            )));
        };
        match self.flow.refresh(rt).await {
            Ok(mut new) => {
                new.cloud_id = t.cloud_id.clone();
                if new.refresh_token.is_none() {
                    new.refresh_token = t.refresh_token.clone();
                }
                tracing::info!(target: "atlassian_odbc::oauth", "refreshed the OAuth access token");
                Ok(new)
            }
            Err(AuthError::Revoked(m)) => {
                self.store.clear()?;
                Err(AuthError::Revoked(format!("{m}; its tokens were removed from {}: {}", self.store.describe(), sign_in_hint(&self.store))))
            }
            Err(e) => Err(e),
        }
    }

    /// Refreshes the connection's token, once across every connection and process sharing the
    /// settings location: under the lock, tokens another one already refreshed are taken as
    /// they are instead of spending the old refresh token again.
    async fn refresh_shared(&self, stale: &str) -> Result<(), AuthError> {
        let _lock = self.store.lock().await?;
        let saved = self.store.load()?;
        let mut current = self.current.lock().await;
        if let Some(s) = saved.as_ref().filter(|s| s.access_token != stale && !s.needs_refresh(unix_now())) {
            *current = Some(s.clone());
            return Ok(());
        }
        let base = saved.or_else(|| current.clone()).ok_or_else(|| AuthError::Rejected(format!("No OAuth token: {}", sign_in_hint(&self.store))))?;
        let new = self.refresh_with(&base).await?;
        self.store.save(&new)?;
        *current = Some(new);
        Ok(())
    }
}

#[async_trait::async_trait]
impl Authenticator for OAuthAuthenticator {
    async fn authorization(&self) -> Result<Option<String>, AuthError> {
        let t = self.current.lock().await.clone();
        let Some(t) = t else {
            return Err(AuthError::Rejected(
                "This connection has no OAuth access token yet: run GetOAuthAuthorizationURL and GetOAuthAccessToken, give OAuthAccessToken, or connect with InitiateOAuth=GETANDREFRESH".into(),
            ));
        };
        if t.needs_refresh(unix_now()) {
            if self.mode == InitiateOAuth::Off {
                return Err(AuthError::Rejected("The OAuth access token has expired (InitiateOAuth=OFF never refreshes): give a new OAuthAccessToken, or connect with InitiateOAuth=REFRESH".into()));
            }
            self.refresh_shared(&t.access_token).await?;
        }
        Ok(self.current.lock().await.as_ref().map(|t| format!("Bearer {}", t.access_token)))
    }

    async fn unauthorized(&self) -> Result<bool, AuthError> {
        if self.mode == InitiateOAuth::Off {
            return Ok(false);
        }
        let stale = self.current.lock().await.as_ref().map(|t| t.access_token.clone()).unwrap_or_default();
        self.refresh_shared(&stale).await?;
        Ok(true)
    }

    fn scheme(&self) -> AuthScheme {
        AuthScheme::OAuth
    }

    fn has_credentials(&self) -> bool {
        self.current.try_lock().map(|c| c.is_some()).unwrap_or(true)
    }

    async fn held_grant(&self) -> Result<Option<HeldGrant>, AuthError> {
        let t = self.current.lock().await.clone();
        Ok(t.map(|t| HeldGrant {
            client_id: self.flow.config.client_id.clone(),
            scope: t.scope,
            issued_at: t.issued_at,
            expires_at: t.expires_at,
            store: self.store.describe(),
        }))
    }

    async fn forget_grant(&self) -> Result<bool, AuthError> {
        let _lock = self.store.lock().await?;
        let held = self.current.lock().await.take().is_some();
        // With InitiateOAuth=OFF the tokens were given, never saved: the store is not this
        // connection's to clear.
        if self.mode != InitiateOAuth::Off {
            self.store.clear()?;
        }
        Ok(held)
    }
}
