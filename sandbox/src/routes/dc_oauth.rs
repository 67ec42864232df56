//! Data Center's OAuth 2.0 provider ("incoming application links"), on each Jira and Confluence
//! Data Center server, as its provider API page documents it
//! (https://confluence.atlassian.com/adminjiraserver101/jira-oauth-2-0-provider-api-1455427907.html):
//!
//! - `GET {base}/rest/oauth2/latest/authorize?client_id&redirect_uri&response_type=code&scope&state
//!   &code_challenge&code_challenge_method`: behind the site's login (`/login.jsp`), a consent page
//!   whose Approve / Deny form posts back to the same URL; Approve redirects to
//!   `redirect_uri?code=..&state=..`, Deny to `redirect_uri?error=access_denied&..`. Only the
//!   authorization code flow (with or without PKCE, `S256` or `plain`) exists: no implicit flow.
//! - `POST {base}/rest/oauth2/latest/token`, form-encoded, client credentials in the body:
//!   `authorization_code` (`code`, `redirect_uri`, `code_verifier`) and `refresh_token` →
//!   `{access_token, token_type: "bearer", expires_in, refresh_token, scope}`. Every refresh
//!   replaces the pair (the old access and refresh tokens die at once); a code presented twice
//!   revokes what it issued.
//! - `POST {base}/rest/oauth2/latest/revoke` (RFC 7009) and the authorization server metadata
//!   `GET {base}/rest/oauth2/latest/.well-known/oauth-authorization-server` (RFC 8414).
//! - Scopes `READ`, `WRITE`, `ADMIN`, `SYSTEM_ADMIN`, each including the ones before it (the
//!   "OAuth 2.0 scopes for incoming links" page beside the provider API's).
//!
//! Tokens are sent straight to the site as `Authorization: Bearer` (no gateway, no cloud id).

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::oauth::{
    attr, basic_pair, check_user_password, encode, error_page, esc, html, invalid_request, local_path, non_empty, now, oauth_error, pairs, redirect,
    redirect_allowed, redirect_error, set_cookie_header, signed_in, token_params, with_cookie, with_params, MAX_PARAM,
};
use crate::credentials::{digest, CodeChallenge, CodeError, IssuedTokens, PendingAuthorization, RefreshError};
use crate::routes::sourced::{Source, SourcedRoutes};
use crate::state::Sandbox;

const PROVIDER_API: &str = "https://confluence.atlassian.com/adminjiraserver101/jira-oauth-2-0-provider-api-1455427907.html";
/// Jira's login page, where a protected page sends a browser without a session
/// (`login.url` = `/login.jsp?permissionViolation=true&os_destination=${originalurl}`).
const LOGIN_PAGE: &str = "https://confluence.atlassian.com/jirakb/change-the-login-and-logout-urls-for-jira-server-433390329.html";
const AUTHORIZE: &str = "/rest/oauth2/latest/authorize";

/// The scopes, weakest first; each includes those before it.
pub const SCOPES: &[&str] = &["READ", "WRITE", "ADMIN", "SYSTEM_ADMIN"];

pub fn routes() -> SourcedRoutes {
    let (api, login) = (Source::Doc(PROVIDER_API), Source::Doc(LOGIN_PAGE));
    SourcedRoutes::new()
        .get(AUTHORIZE, authorize, api)
        // The consent page's own form posts back to the page.
        .post(AUTHORIZE, consent, api)
        .post("/rest/oauth2/latest/token", token, api)
        .post("/rest/oauth2/latest/revoke", revoke, api)
        .get("/rest/oauth2/latest/.well-known/oauth-authorization-server", metadata, api)
        .get("/login.jsp", login_page, login)
        .post("/login.jsp", login_submit, login)
}

/// Whether a token with `granted` may make a request with `method`: reading needs `READ`,
/// anything else `WRITE` (or a scope above it).
pub fn scope_allows(granted: &[String], method: &axum::http::Method) -> bool {
    let rank = granted.iter().filter_map(|g| SCOPES.iter().position(|s| s == g)).max();
    let read = method == axum::http::Method::GET || method == axum::http::Method::HEAD || method == axum::http::Method::OPTIONS;
    match rank {
        Some(r) => read || r >= 1,
        None => false,
    }
}

fn login_redirect(destination: &str) -> Response {
    redirect(StatusCode::FOUND, &format!("/login.jsp?{}", encode(&[("permissionViolation", "true"), ("os_destination", destination)])))
}

fn login_form(dest: &str, error: Option<&str>) -> String {
    let err = error.map(|e| format!("<div class=\"error\" id=\"login-error\">{}</div>\n", esc(e))).unwrap_or_default();
    format!(
        "<h1>Log in</h1>\n{err}<form method=\"post\" action=\"/login.jsp\" id=\"form-login\">\n\
         <input type=\"hidden\" name=\"os_destination\" value=\"{d}\">\n\
         <label for=\"username\">Username</label><input type=\"text\" id=\"username\" name=\"os_username\" autocomplete=\"username\" required>\n\
         <label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"os_password\" autocomplete=\"current-password\" required>\n\
         <p><button type=\"submit\" id=\"login-submit\" name=\"login\">Log In</button></p>\n</form>",
        d = attr(dest)
    )
}

async fn login_page(State(sb): State<Arc<Sandbox>>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let p = pairs(q.as_deref().unwrap_or(""));
    let dest = local_path(p.get("os_destination").map(String::as_str), "/");
    if let Some(caller) = signed_in(&sb, &headers, true) {
        return with_cookie(redirect(StatusCode::FOUND, &dest), caller.set_cookie);
    }
    html(StatusCode::OK, "Log in", &login_form(&dest, None))
}

async fn login_submit(State(sb): State<Arc<Sandbox>>, body: String) -> Response {
    if body.len() > MAX_PARAM * 12 {
        return html(StatusCode::BAD_REQUEST, "Log in", &login_form("/", Some("The form is too large.")));
    }
    let f = pairs(&body);
    let dest = local_path(f.get("os_destination").map(String::as_str), "/");
    let user = f.get("os_username").map(|s| s.trim()).unwrap_or("");
    let password = f.get("os_password").map(String::as_str).unwrap_or("");
    let Some(account) = check_user_password(&sb, user, password) else {
        return html(StatusCode::UNAUTHORIZED, "Log in", &login_form(&dest, Some("Sorry, your username and password are incorrect - please try again.")));
    };
    let secret = sb.credentials.write().create_session(&account, now(&sb));
    with_cookie(redirect(StatusCode::SEE_OTHER, &dest), set_cookie_header(&sb, &secret, None))
}

/// `scope` as granted: known scopes only, each once, in the order asked.
fn parse_scopes(scope: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for s in scope.split([' ', '+', ',']).filter(|s| !s.is_empty()) {
        if !SCOPES.contains(&s) {
            return Err(s.to_string());
        }
        if !out.iter().any(|x| x == s) {
            out.push(s.to_string());
        }
    }
    Ok(out)
}

async fn authorize(State(sb): State<Arc<Sandbox>>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let raw = q.unwrap_or_default();
    if raw.len() > MAX_PARAM * 8 {
        return error_page(StatusCode::BAD_REQUEST, "Request too large", "The authorization request is too long.");
    }
    let p = pairs(&raw);
    if let Some((k, _)) = p.iter().find(|(_, v)| v.len() > MAX_PARAM) {
        return error_page(StatusCode::BAD_REQUEST, "Invalid request", &format!("The parameter '{k}' is too long."));
    }
    let Some(client) = non_empty(&p, "client_id").and_then(|id| sb.credentials.read().client(id).cloned()) else {
        return error_page(StatusCode::BAD_REQUEST, "Invalid client", "There is no incoming application link with this client_id.");
    };
    let Some(redirect_uri) = non_empty(&p, "redirect_uri").filter(|u| redirect_allowed(&client.callbacks, u)) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Invalid redirect_uri",
            &format!("The redirect_uri does not match the redirect URL of the application link '{}'.", client.name),
        );
    };
    let state = p.get("state").map(String::as_str).filter(|s| !s.is_empty());
    let back = |error: &str, description: &str| redirect_error(redirect_uri, false, error, description, state, StatusCode::FOUND);
    if non_empty(&p, "response_type") != Some("code") {
        return back("unsupported_response_type", "Only response_type=code is supported");
    }
    let scopes = match parse_scopes(non_empty(&p, "scope").unwrap_or("READ")) {
        Ok(s) if !s.is_empty() => s,
        Ok(_) => vec!["READ".to_string()],
        Err(bad) => return back("invalid_scope", &format!("Unknown scope: {bad}")),
    };
    let challenge = match (non_empty(&p, "code_challenge"), non_empty(&p, "code_challenge_method")) {
        (None, None) => None,
        (None, Some(_)) => return back("invalid_request", "code_challenge_method without code_challenge"),
        (Some(c), m) => match m.unwrap_or("plain") {
            method @ ("S256" | "plain") => Some(CodeChallenge { method: method.to_string(), challenge: c.to_string() }),
            other => return back("invalid_request", &format!("Unsupported code_challenge_method: {other}")),
        },
    };
    let Some(caller) = signed_in(&sb, &headers, true) else {
        return login_redirect(&format!("{AUTHORIZE}?{raw}"));
    };
    let t = now(&sb);
    let pending = PendingAuthorization {
        digest: String::new(),
        bound_to: caller.keys.clone(),
        account_id: caller.account_id.clone(),
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_string(),
        scopes: scopes.clone(),
        state: state.map(str::to_string),
        response_type: "code".into(),
        expires: t,
        challenge,
    };
    let request_id = sb.credentials.write().add_pending(pending, t);
    let name = sb.site.read().user(&caller.account_id).map(|u| u.display_name.clone()).unwrap_or_default();
    let scope_list: String = scopes.iter().map(|s| format!("<li><code>{}</code></li>", esc(s))).collect();
    let body = format!(
        "<h1>{app} wants to access your account</h1>\n<p id=\"app-description\">{desc}</p>\n\
         <p>Signed in as <strong>{name}</strong>.</p>\n<h2>Permissions</h2>\n<ul id=\"scopes\">{scope_list}</ul>\n\
         <form method=\"post\" action=\"{AUTHORIZE}\" id=\"consent-form\">\n<input type=\"hidden\" name=\"request_id\" value=\"{rid}\">\n\
         <button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">Allow</button>\n\
         <button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button>\n</form>",
        app = esc(&client.name),
        desc = esc(&client.description),
        name = esc(&name),
        rid = attr(&request_id),
    );
    with_cookie(html(StatusCode::OK, &format!("{} wants to access your account", client.name), &body), caller.set_cookie)
}

async fn consent(State(sb): State<Arc<Sandbox>>, headers: HeaderMap, body: String) -> Response {
    if body.len() > MAX_PARAM * 4 {
        return error_page(StatusCode::BAD_REQUEST, "Invalid request", "The form is too large.");
    }
    let f = pairs(&body);
    let Some(caller) = signed_in(&sb, &headers, false) else {
        return error_page(StatusCode::UNAUTHORIZED, "You're not logged in", "Log in and start the authorization again from the application.");
    };
    let decision = non_empty(&f, "decision").unwrap_or("");
    let taken = non_empty(&f, "request_id").and_then(|id| sb.credentials.write().take_pending(id, &caller.keys, now(&sb)));
    let Some(p) = taken.filter(|p| p.account_id == caller.account_id && (decision == "approve" || decision == "deny")) else {
        return error_page(
            StatusCode::FORBIDDEN,
            "This authorization request is no longer valid",
            "It was already answered, has expired, or was shown to someone else.",
        );
    };
    if decision == "deny" {
        return redirect_error(&p.redirect_uri, false, "access_denied", "The user denied the request", p.state.as_deref(), StatusCode::SEE_OTHER);
    }
    let t = now(&sb);
    let code = {
        let mut creds = sb.credentials.write();
        let grant_id = creds.create_refreshing_grant(&p.client_id, &p.account_id, &p.scopes, t);
        creds.issue_code(&grant_id, &p.redirect_uri, p.challenge.clone(), t)
    };
    sb.persist();
    let mut params = vec![("code", code.as_str())];
    if let Some(s) = p.state.as_deref() {
        params.push(("state", s));
    }
    redirect(StatusCode::SEE_OTHER, &with_params(&p.redirect_uri, &params, false))
}

fn token_response(t: &IssuedTokens) -> Response {
    let mut resp = Json(json!({
        "access_token": t.access_token,
        "token_type": "bearer",
        "expires_in": t.expires_in,
        "refresh_token": t.refresh_token,
        "scope": t.scopes.join(" "),
    }))
    .into_response();
    resp.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    resp
}

/// The client a token or revoke request authenticates as (body or HTTP Basic).
fn client_of(sb: &Sandbox, headers: &HeaderMap, p: &std::collections::HashMap<String, String>) -> Option<String> {
    let basic = basic_pair(headers);
    let id = non_empty(p, "client_id").map(str::to_string).or_else(|| basic.as_ref().map(|(u, _)| u.clone()))?;
    let secret = p.get("client_secret").cloned().or_else(|| basic.map(|(_, s)| s))?;
    sb.credentials.read().client_authenticates(&id, &secret).then_some(id)
}

async fn token(State(sb): State<Arc<Sandbox>>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let p = match token_params(&headers, &body) {
        Ok(p) => p,
        Err(resp) => return *resp,
    };
    let Some(client_id) = client_of(&sb, &headers, &p) else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Client authentication failed");
    };
    let t = now(&sb);
    let expires_in = sb.config.oauth_expires_in;
    let result = match non_empty(&p, "grant_type") {
        Some("authorization_code") => {
            let (Some(code), Some(redirect_uri)) = (non_empty(&p, "code"), non_empty(&p, "redirect_uri")) else {
                return invalid_request("code and redirect_uri are required");
            };
            let mut creds = sb.credentials.write();
            match creds.redeem_code_pkce(&client_id, code, redirect_uri, non_empty(&p, "code_verifier"), t) {
                Ok(grant_id) => creds.issue_tokens(&grant_id, t, expires_in, true).ok_or("The grant is no longer valid"),
                Err(CodeError::Expired) => Err("The authorization code has expired"),
                Err(CodeError::Verifier) => Err("The code_verifier does not match the code_challenge"),
                Err(CodeError::Invalid) => Err("The authorization code is invalid"),
            }
        }
        Some("refresh_token") => {
            let Some(rt) = non_empty(&p, "refresh_token") else {
                return invalid_request("refresh_token is required");
            };
            // No reuse interval: the old pair is gone the moment the new one is issued.
            sb.credentials.write().refresh(&client_id, rt, t, expires_in, 0).map_err(|e| match e {
                RefreshError::Unknown | RefreshError::Invalid => "The refresh token is invalid",
                RefreshError::Reused => "The refresh token was already used; the grant is revoked",
            })
        }
        Some(other) => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", &format!("Unsupported grant type: {other}")),
        None => return invalid_request("grant_type is required"),
    };
    sb.persist();
    match result {
        Ok(tokens) => token_response(&tokens),
        Err(why) => oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", why),
    }
}

/// RFC 7009: the grant of an access or refresh token is revoked; an unknown token is not an error.
async fn revoke(State(sb): State<Arc<Sandbox>>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let p = match token_params(&headers, &body) {
        Ok(p) => p,
        Err(resp) => return *resp,
    };
    if client_of(&sb, &headers, &p).is_none() {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Client authentication failed");
    }
    let Some(token) = non_empty(&p, "token") else {
        return invalid_request("token is required");
    };
    let d = digest(token);
    let t = now(&sb);
    let revoked = {
        let mut creds = sb.credentials.write();
        let grant = creds
            .access_tokens
            .iter()
            .find(|a| a.digest == d)
            .map(|a| a.grant_id.clone())
            .or_else(|| creds.refresh_tokens.iter().find(|r| r.digest == d).map(|r| r.grant_id.clone()));
        grant.is_some_and(|g| creds.revoke_grant(&g, "user", t))
    };
    if revoked {
        sb.persist();
    }
    StatusCode::OK.into_response()
}

async fn metadata(State(sb): State<Arc<Sandbox>>, headers: HeaderMap) -> Json<serde_json::Value> {
    let base = sb.base_url(&headers);
    Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}{AUTHORIZE}"),
        "token_endpoint": format!("{base}/rest/oauth2/latest/token"),
        "revocation_endpoint": format!("{base}/rest/oauth2/latest/revoke"),
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Method;

    #[test]
    fn scopes_include_the_weaker_ones() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(scope_allows(&s(&["READ"]), &Method::GET) && !scope_allows(&s(&["READ"]), &Method::POST));
        assert!(scope_allows(&s(&["WRITE"]), &Method::GET) && scope_allows(&s(&["ADMIN"]), &Method::DELETE));
        assert!(!scope_allows(&s(&[]), &Method::GET) && !scope_allows(&s(&["read:jira-work"]), &Method::GET));
        assert_eq!(parse_scopes("READ WRITE READ"), Ok(s(&["READ", "WRITE"])));
        assert_eq!(parse_scopes("read:jira-work"), Err("read:jira-work".to_string()));
    }
}
