//! Data Center's "View OAuth Access Tokens" page, on each Jira and Confluence server
//! (https://confluence.atlassian.com/doc/view-and-revoke-oauth-access-tokens-208961965.html; Jira's
//! is the same servlet, seed 001): `GET /plugins/servlet/oauth/users/access-tokens` shows the
//! signed-in user's tokens in a table (Consumer, Consumer Description, Issued On, Expires On,
//! Actions), or "None specified": the OAuth 1.0a tokens gadget consumers hold (seven days each)
//! and the OAuth 2.0 grants of the server's provider. There is no REST list.
//!
//! Revoking is a `POST` of the form field `token` to the same page: 401 when the caller is not
//! signed in or the token is someone else's, 400 without the field, and 200 with the page again
//! otherwise, an unknown token included (read the page to confirm).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};

use super::oauth::{attr, error_page, esc, html, non_empty, now, pairs, redirect, signed_in, with_cookie, Caller, MAX_PARAM};
use crate::routes::sourced::{Source, SourcedRoutes};
use crate::state::Sandbox;

pub const PAGE: &str = "/plugins/servlet/oauth/users/access-tokens";
const DOC: &str = "https://confluence.atlassian.com/doc/view-and-revoke-oauth-access-tokens-208961965.html";

pub fn routes() -> SourcedRoutes {
    SourcedRoutes::new().get(PAGE, page, Source::Doc(DOC)).post(PAGE, revoke, Source::Doc(DOC))
}

/// One row of the page: what the revoke form posts, and the four columns.
struct Row {
    token: String,
    consumer: String,
    description: String,
    issued: DateTime<Utc>,
    expires: DateTime<Utc>,
}

fn rows(sb: &Sandbox, account: &str) -> Vec<Row> {
    let t = now(sb);
    let creds = sb.credentials.read();
    let consumer = creds.consumer_tokens.iter().filter(|c| c.owner_id == account && c.expires > t).map(|c| Row {
        token: c.token.clone(),
        consumer: c.consumer.clone(),
        description: c.consumer_description.clone(),
        issued: c.issued,
        expires: c.expires,
    });
    let grants = creds.live_grants(account, t, 0).into_iter().map(|(g, expires)| {
        let client = creds.client(&g.client_id);
        Row {
            token: g.id.clone(),
            consumer: client.map(|c| c.name.clone()).unwrap_or_else(|| g.client_id.clone()),
            description: client.map(|c| c.description.clone()).unwrap_or_default(),
            issued: g.created,
            expires,
        }
    });
    let mut all: Vec<Row> = consumer.chain(grants).collect();
    all.sort_by_key(|r| r.issued);
    all
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%d %b %Y %H:%M UTC").to_string()
}

fn render(sb: &Sandbox, caller: Caller) -> Response {
    let rows = rows(sb, &caller.account_id);
    let table = if rows.is_empty() {
        "<p id=\"no-tokens\">None specified</p>".to_string()
    } else {
        let body: String = rows
            .iter()
            .map(|r| {
                format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><form method=\"post\" action=\"{PAGE}\">\
                     <input type=\"hidden\" name=\"token\" value=\"{}\"><button type=\"submit\">Revoke Access</button></form></td></tr>\n",
                    esc(&r.consumer),
                    esc(&r.description),
                    esc(&when(r.issued)),
                    esc(&when(r.expires)),
                    attr(&r.token),
                )
            })
            .collect();
        format!(
            "<table id=\"oauth-access-tokens\"><thead><tr><th>Consumer</th><th>Consumer Description</th><th>Issued On</th><th>Expires On</th>\
             <th>Actions</th></tr></thead>\n<tbody>\n{body}</tbody></table>"
        )
    };
    let page = format!("<h1>View OAuth Access Tokens</h1>\n{table}");
    with_cookie(html(StatusCode::OK, "View OAuth Access Tokens", &page), caller.set_cookie)
}

async fn page(State(sb): State<Arc<Sandbox>>, headers: HeaderMap) -> Response {
    match signed_in(&sb, &headers, true) {
        Some(caller) => render(&sb, caller),
        None => redirect(StatusCode::FOUND, &format!("/login.jsp?os_destination={}", form_urlencoded::byte_serialize(PAGE.as_bytes()).collect::<String>())),
    }
}

async fn revoke(State(sb): State<Arc<Sandbox>>, headers: HeaderMap, body: String) -> Response {
    let Some(caller) = signed_in(&sb, &headers, false) else {
        return error_page(StatusCode::UNAUTHORIZED, "You're not logged in", "Log in to manage your OAuth access tokens.");
    };
    if body.len() > MAX_PARAM * 4 {
        return error_page(StatusCode::BAD_REQUEST, "Invalid request", "The form is too large.");
    }
    let form = pairs(&body);
    let Some(token) = non_empty(&form, "token").map(str::to_string) else {
        return error_page(StatusCode::BAD_REQUEST, "Invalid request", "The form has no token to revoke.");
    };
    let t = now(&sb);
    // The row's token is a gadget consumer's OAuth 1.0a token or an OAuth 2.0 grant's id.
    let (consumer_owner, grant_owner) = {
        let creds = sb.credentials.read();
        (creds.consumer_tokens.iter().find(|c| c.token == token).map(|c| c.owner_id.clone()), creds.grant(&token).map(|g| g.account_id.clone()))
    };
    if consumer_owner.as_ref().or(grant_owner.as_ref()).is_some_and(|o| *o != caller.account_id) {
        return error_page(StatusCode::UNAUTHORIZED, "Not your token", "Only the user a token was issued to can revoke it.");
    }
    let mut creds = sb.credentials.write();
    if consumer_owner.is_some() {
        creds.consumer_tokens.retain(|c| c.token != token);
    } else if grant_owner.is_some() {
        creds.revoke_grant(&token, "user", t);
    }
    drop(creds);
    if consumer_owner.is_some() || grant_owner.is_some() {
        sb.persist();
    }
    render(&sb, caller)
}
