//! `GetOAuthAuthorizationURL(CallbackUrl, Scope, State, GrantType)`: the URL a web application
//! sends its user to, to sign in and consent (the first step of the web flow).

use serde_json::json;

use super::{oauth_of, param, text, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Product, SqlType::*};
use crate::queries::Queries;
use crate::{MapperError, SqlState};

const PARAMS: &[ParamDef] = &[
    param("CallbackUrl", Varchar(2000), false, "Where Atlassian sends the user back (default: the connection's CallbackURL)"),
    param("Scope", Varchar(2000), false, "Scopes, space-separated (default: the connection's Scope)"),
    param("State", Varchar(255), false, "A value the callback carries back unchanged (default: a random one, returned)"),
    param("GrantType", Varchar(16), false, "CODE (default) or IMPLICIT"),
];

pub fn def() -> ProcedureDef {
    let c = ColumnDef::new;
    ProcedureDef {
        product: Product::Jira,
        name: "GetOAuthAuthorizationURL",
        remarks: "OAuth web flow, step 1: the authorization URL to send the user to.",
        params: PARAMS,
        result: vec![
            c("URL", Varchar(4000), false, at("/URL"), "The authorization URL"),
            c("State", Varchar(255), false, at("/State"), "The state it carries"),
        ],
        writes: false,
        run: |s, a| Box::pin(run(s, a)),
    }
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let oauth = oauth_of(session)?;
    let cfg = &oauth.flow().config;
    let implicit = match text(&args, "GrantType").map(|g| g.trim().to_ascii_uppercase()).as_deref() {
        None | Some("CODE") | Some("") => false,
        Some("IMPLICIT") => true,
        Some(other) => return Err(MapperError::new(SqlState::InvalidCharacterValue, format!("GrantType '{other}' must be CODE or IMPLICIT"))),
    };
    let callback = text(&args, "CallbackUrl").unwrap_or_else(|| cfg.callback_url.clone());
    let scope = text(&args, "Scope").unwrap_or_else(|| cfg.scope.clone());
    // On Data Center the URL carries a PKCE challenge; the connection keeps its verifier for
    // GetOAuthAccessToken with the same State.
    let req = oauth.web_authorization_url(&callback, &scope, text(&args, "State").as_deref(), implicit).map_err(crate::rest::auth_error)?;
    Ok(vec![[("URL".to_string(), json!(req.url)), ("State".to_string(), json!(req.state))].into_iter().collect()])
}
