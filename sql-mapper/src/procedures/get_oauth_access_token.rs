//! `GetOAuthAccessToken(AuthMode, Verifier, Scope, CallbackUrl, State)`: tokens for the
//! connection. `WEB` exchanges the code (verifier) the web application received at its callback;
//! `APP` runs the desktop browser sign-in and saves the tokens to `OAuthSettingsLocation`.
//! Either way the connection uses the new token from then on.

use super::{oauth_of, param, text, token_result, token_row, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{Product, SqlType::*};
use crate::queries::Queries;
use crate::{MapperError, SqlState};

const PARAMS: &[ParamDef] = &[
    param("AuthMode", Varchar(8), false, "WEB (default: exchange Verifier) or APP (sign in through the browser here)"),
    param("Verifier", Varchar(4000), false, "WEB: the code from the callback (or the whole callback URL)"),
    param("Scope", Varchar(2000), false, "APP: scopes to ask for (default: the connection's Scope)"),
    param("CallbackUrl", Varchar(2000), false, "The callback URL the code was issued for (default: the connection's CallbackURL)"),
    param(
        "State",
        Varchar(255),
        false,
        "WEB: the state the callback carried (checked by the application; on Data Center it picks the PKCE verifier kept for that URL)",
    ),
];

pub fn def() -> ProcedureDef {
    ProcedureDef {
        product: Product::Jira,
        name: "GetOAuthAccessToken",
        remarks: "OAuth step 2: exchange the verifier for tokens (WEB), or sign in through the browser (APP).",
        params: PARAMS,
        result: token_result(),
        writes: false,
        run: |s, a| Box::pin(run(s, a)),
    }
}

/// The code itself, from a code or a whole callback URL (`...?code=X&state=Y`).
fn code_of(verifier: &str) -> String {
    let v = verifier.trim();
    match reqwest::Url::parse(v) {
        Ok(u) => u.query_pairs().find(|(k, _)| k == "code").map(|(_, c)| c.into_owned()).unwrap_or_else(|| v.to_string()),
        Err(_) => v.to_string(),
    }
}

/// The state of a whole callback URL, when the verifier is one.
fn state_of(verifier: &str) -> Option<String> {
    let u = reqwest::Url::parse(verifier.trim()).ok()?;
    u.query_pairs().find(|(k, _)| k == "state").map(|(_, s)| s.into_owned())
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let oauth = oauth_of(session)?;
    let callback = text(&args, "CallbackUrl").unwrap_or_else(|| oauth.flow().config.callback_url.clone());
    let mode = text(&args, "AuthMode").map(|m| m.trim().to_ascii_uppercase()).unwrap_or_else(|| "WEB".into());
    let tokens = match mode.as_str() {
        "WEB" => {
            let verifier = text(&args, "Verifier").filter(|v| !v.trim().is_empty()).ok_or_else(|| {
                MapperError::new(SqlState::ParameterCount, "GetOAuthAccessToken with AuthMode=WEB needs Verifier: the code your callback received")
            })?;
            let state = text(&args, "State").or_else(|| state_of(&verifier));
            let t = oauth.exchange(&code_of(&verifier), &callback, state.as_deref()).await.map_err(crate::rest::auth_error)?;
            super::adopt(session, t).await?
        }
        "APP" => {
            let t = oauth.desktop_sign_in().await.map_err(crate::rest::auth_error)?;
            let t = super::adopt(session, t).await?;
            oauth.store().save(&t).map_err(crate::rest::auth_error)?;
            t
        }
        other => return Err(MapperError::new(SqlState::InvalidCharacterValue, format!("AuthMode '{other}' must be WEB or APP"))),
    };
    Ok(vec![token_row(&tokens)])
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_verifier_may_be_the_whole_callback_url() {
        assert_eq!(super::code_of("abc"), "abc");
        assert_eq!(super::code_of("http://localhost:33333/?code=x%2By&state=s"), "x+y");
    }
}
