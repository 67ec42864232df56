//! `RefreshOAuthAccessToken(OAuthRefreshToken)`: new tokens for a refresh token. Atlassian
//! rotates refresh tokens: the answer's refresh token replaces the one given, which must not be
//! used again after a short grace period (reuse revokes the grant).

use super::{oauth_of, param, text, token_result, token_row, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{Product, SqlType::*};
use crate::queries::Queries;
use crate::{MapperError, SqlState};

const PARAMS: &[ParamDef] = &[param("OAuthRefreshToken", Varchar(4000), true, "The refresh token to spend")];

pub fn def() -> ProcedureDef {
    ProcedureDef {
        product: Product::Jira,
        name: "RefreshOAuthAccessToken",
        remarks: "New OAuth tokens for a refresh token (the rotated refresh token included).",
        params: PARAMS,
        result: token_result(),
        writes: false,
        run: |s, a| Box::pin(run(s, a)),
    }
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let oauth = oauth_of(session)?;
    let rt = text(&args, "OAuthRefreshToken")
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| MapperError::new(SqlState::ParameterCount, "RefreshOAuthAccessToken needs OAuthRefreshToken"))?;
    let t = oauth.flow().refresh(rt.trim()).await.map_err(crate::rest::auth_error)?;
    let t = super::adopt(session, t).await?;
    Ok(vec![token_row(&t)])
}
