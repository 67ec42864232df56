//! Atlassian's OAuth 2.0 (3LO) authorization server and the user's connected apps (Cloud only).
//! These routes are not behind the site's auth middleware: they sign callers in themselves.
//!
//! # Authorization server (as `auth.atlassian.com` and `api.atlassian.com` behave)
//!
//! - `GET /authorize?audience=api.atlassian.com&client_id=..&scope=..&redirect_uri=..&state=..&response_type=code&prompt=consent`
//!   shows the consent page (app name and description, the scopes in words, **Approve** / **Deny**).
//!   A missing `client_id`, `redirect_uri`, `response_type` or `scope`, an unknown client, or a
//!   `redirect_uri` the client may not use gives an HTML error page (400) and no redirect. Once the
//!   redirect_uri is known to be good, other problems go back to it as `error=...` (RFC 6749
//!   4.1.2.1): `unsupported_response_type`, `invalid_scope` (unknown scopes are refused, none are
//!   dropped silently), `access_denied` with `Service not found: X` for another `audience` (what
//!   Auth0, under Atlassian's server, answers), `login_required` / `consent_required` for
//!   `prompt=none`. Allowed callbacks: the client's registered ones (`http://localhost:33333` and
//!   `--oauth-callback`) exactly, and any loopback `http://localhost:PORT/...`,
//!   `http://127.0.0.1:PORT/...` or `http://[::1]:PORT/...` URL.
//!   Approve redirects (303) to `redirect_uri?code=..&state=..` (`response_type=token`: the implicit
//!   form `redirect_uri#access_token=..&token_type=Bearer&expires_in=..&scope=..&state=..`, never
//!   with a refresh token); Deny to `redirect_uri?error=access_denied&error_description=User did not
//!   authorize the request&state=..`. Each approval is a new grant (its own token family).
//! - `POST /oauth/token` (JSON or form body; client credentials in the body or as HTTP Basic):
//!   `authorization_code` (code, redirect_uri; codes are single-use and live 5 minutes) and
//!   `refresh_token`. Success: `{access_token, expires_in, token_type: "Bearer", scope,
//!   refresh_token}` (refresh token only with `offline_access`). Errors, as Atlassian answers them:
//!   missing parameter: 400 `invalid_request` "Missing required parameter: X"; unknown client or
//!   wrong secret: 401 `access_denied` "Unauthorized"; bad/used/foreign code or redirect_uri
//!   mismatch: 403 `invalid_grant` "Invalid authorization code"; expired code: 400
//!   `invalid_request` "authorization_code is invalid"; refresh token never issued: 403
//!   `unauthorized_client` "refresh_token is invalid"; expired, revoked or reused refresh token: 403
//!   `invalid_grant` "Unknown or invalid refresh token."; `client_credentials`/`password`/...: 403
//!   `unauthorized_client` "Grant type 'X' not allowed for the client."; anything else: 403
//!   `unsupported_grant_type`.
//!   Rotating refresh tokens: every refresh returns a new pair; the presented token may be
//!   presented again within `--refresh-reuse-interval` seconds (another valid pair; Atlassian's
//!   leeway is 10 minutes) and its companion access token dies when that interval ends; presenting
//!   it later revokes the whole grant. Refresh tokens expire after 90 days unused and 365 days after
//!   consent. Access tokens live `--oauth-expires-in` seconds and are JWT-shaped (opaque to clients).
//! - `GET /oauth/token/accessible-resources` (Bearer): `[{id, url, name, scopes, avatarUrl}]`.
//! - `GET /me` (Bearer, `read:me`): the signed-in user's profile.
//!
//! # Sign-in (the sandbox's stand-in for id.atlassian.com)
//!
//! `/authorize` and the connected apps screen need a signed-in user. Without a session they redirect (302) to
//! `GET /login?continue=<path>`, an HTML form (`username` = email, `password` = one of the user's
//! API tokens, hidden `continue`) that posts to `POST /login`; success sets the HttpOnly cookie
//! `cloud.session.token` and redirects (303) to `continue` (a local path only). HTTP Basic
//! (email + API token) on any of these pages also signs the caller in (and sets the cookie).
//! `GET|POST /logout` ends the session. The consent form carries a one-time `request_id` bound to
//! the session (or Basic account) it was shown to: a replayed or foreign `request_id` gets an error
//! page, never a redirect.
//!
//! # The user's connected apps
//!
//! Cloud has no API that lists or revokes the apps a user authorized (ECO-256). The user sees
//! them on id.atlassian.com's connected apps screen, `GET /manage-profile/apps` here (read-only:
//! App, Permissions, Access given; "You haven't given any apps access" when there are none), and
//! removes one there through Atlassian's own front end, for which tests use the control API's
//! `POST /__sandbox/grants/{id}/revoke`. A revoked grant's tokens stop working at once.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::credentials::{CodeError, Grant, IssuedTokens, PendingAuthorization, RefreshError};
use crate::errors::{ApiError, Family};
use crate::routes::sourced::{Source, SourcedRoutes};
use crate::state::Sandbox;

/// The session cookie Atlassian's own sign-in sets.
pub const SESSION_COOKIE: &str = "cloud.session.token";
/// Longest accepted parameter value (client ids, codes, tokens, state, redirect URIs).
pub(crate) const MAX_PARAM: usize = 4096;
/// The user's connected apps screen (id.atlassian.com/manage-profile/apps), where signing in
/// lands by default. Cloud has no API listing or revoking a user's grants (ECO-256); the screen
/// removes access through Atlassian's own front end, which the sandbox stands for with
/// `/__sandbox/grants/{id}/revoke`.
const CONNECTED_APPS: &str = "/manage-profile/apps";
const CONNECTED_APPS_DOC: &str = "https://support.atlassian.com/security-and-access-policies/docs/manage-your-users-third-party-apps/";
const SITE_NAME: &str = "sandbox";
const SITE_AVATAR: &str = "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png";

/// Atlassian's OAuth 2.0 (3LO) guide: the authorization URL and its consent screen, the token
/// exchange and refresh, accessible-resources and `/me`.
const THREE_LO: &str = "https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/";
/// Signing in to an Atlassian account: the HTML pages the authorization URL sends a browser
/// through when it has no session.
const SIGN_IN: &str = "https://support.atlassian.com/atlassian-account/docs/log-in-to-your-atlassian-account/";

pub fn routes() -> SourcedRoutes {
    let (three_lo, sign_in) = (Source::Doc(THREE_LO), Source::Doc(SIGN_IN));
    SourcedRoutes::new()
        .get("/authorize", authorize, three_lo)
        // The consent screen's own form: what its Approve and Deny buttons post.
        .post("/authorize/consent", consent, three_lo)
        .get("/login", login_page, sign_in)
        .post("/login", login, sign_in)
        .get("/logout", logout, sign_in)
        .post("/logout", logout, sign_in)
        .post("/oauth/token", token, three_lo)
        .get("/oauth/token/accessible-resources", accessible_resources, three_lo)
        .get("/me", me, three_lo)
        .get(CONNECTED_APPS, connected_apps, Source::Doc(CONNECTED_APPS_DOC))
}

// ------------------------------------------------------------------ scopes

/// Classic scopes and the words the consent screen uses for them.
const CLASSIC_SCOPES: &[(&str, &str, &str)] = &[
    ("read:jira-work", "Jira", "View Jira issue data"),
    ("write:jira-work", "Jira", "Create and manage issues"),
    ("read:jira-user", "Jira", "View user profiles"),
    ("manage:jira-project", "Jira", "Manage project settings"),
    ("manage:jira-configuration", "Jira", "Manage Jira global settings"),
    ("manage:jira-webhook", "Jira", "Manage Jira webhooks"),
    ("manage:jira-data-provider", "Jira", "Manage development and release information for third parties in Jira"),
    ("read:servicedesk-request", "Jira Service Management", "View Jira Service Management request data"),
    ("write:servicedesk-request", "Jira Service Management", "Create and manage Jira Service Management requests"),
    ("manage:servicedesk-customer", "Jira Service Management", "Manage Jira Service Management customers and organizations"),
    ("read:confluence-content.all", "Confluence", "Read all content, including content body"),
    ("read:confluence-content.summary", "Confluence", "Read Confluence content summary"),
    ("read:confluence-content.permission", "Confluence", "Read content permissions"),
    ("read:confluence-props", "Confluence", "Read content properties"),
    ("read:confluence-space.summary", "Confluence", "Read Confluence space summary"),
    ("read:confluence-groups", "Confluence", "Read user groups"),
    ("read:confluence-user", "Confluence", "Read user"),
    ("write:confluence-content", "Confluence", "Create pages, blogs, comments and questions"),
    ("write:confluence-file", "Confluence", "Upload attachments"),
    ("write:confluence-props", "Confluence", "Write content properties"),
    ("write:confluence-space", "Confluence", "Create, update and delete space information"),
    ("write:confluence-groups", "Confluence", "Create, remove and update user groups"),
    ("search:confluence", "Confluence", "Search Confluence content and space summaries"),
    ("readonly:content.attachment:confluence", "Confluence", "Download content attachments"),
    ("manage:confluence-configuration", "Confluence", "Manage global settings"),
    ("read:me", "User identity API", "View active user profile"),
    ("read:account", "User identity API", "View user profiles"),
    ("offline_access", "Offline access", "Maintain access to data you have given it access to"),
];

const CONFLUENCE_NOUNS: &[&str] = &[
    "page",
    "blogpost",
    "comment",
    "attachment",
    "label",
    "space",
    "space-details",
    "space.permission",
    "space.property",
    "space.setting",
    "content",
    "content-details",
    "content.property",
    "content.metadata",
    "content.restriction",
    "content.permission",
    "custom-content",
    "hierarchical-content",
    "task",
    "inlinetask",
    "template",
    "user",
    "user.property",
    "group",
    "configuration",
    "audit-log",
    "watcher",
    "whiteboard",
    "database",
    "folder",
    "embed",
    "relation",
    "analytics.content",
    "app-data",
    "email-address",
    "permission",
];

const JIRA_NOUNS: &[&str] = &[
    "issue",
    "issue-details",
    "issue-meta",
    "issue-type",
    "issue-type.property",
    "issue-type-hierarchy",
    "issue-type-scheme",
    "issue-type-screen-scheme",
    "issue.changelog",
    "issue.remote-link",
    "issue.transition",
    "issue.vote",
    "issue.votes",
    "issue.watcher",
    "issue-worklog",
    "issue-worklog.property",
    "issue.property",
    "issue-link",
    "issue-link-type",
    "issue-security-level",
    "issue-security-scheme",
    "issue-status",
    "issue.time-tracking",
    "issue-event",
    "comment",
    "comment.property",
    "attachment",
    "field",
    "field-configuration",
    "field-configuration-scheme",
    "field.option",
    "field.options",
    "field.default-value",
    "custom-field-contextual-configuration",
    "user",
    "user.property",
    "user.columns",
    "user-configuration",
    "group",
    "project",
    "project-role",
    "project-category",
    "project-version",
    "project.component",
    "project.property",
    "project.feature",
    "project.avatar",
    "project-type",
    "project.email",
    "jql",
    "filter",
    "filter.column",
    "dashboard",
    "dashboard.property",
    "status",
    "priority",
    "resolution",
    "avatar",
    "application-role",
    "permission",
    "permission-scheme",
    "role",
    "workflow",
    "workflow-scheme",
    "workflow.property",
    "screen",
    "screen-scheme",
    "screenable-field",
    "screen-tab",
    "screen-field",
    "webhook",
    "label",
    "notification-scheme",
    "notification",
    "audit-log",
    "instance-configuration",
    "license",
    "jira-expressions",
    "issue-adjustments",
];

const JIRA_SOFTWARE_NOUNS: &[&str] =
    &["board-scope", "board-scope.admin", "sprint", "epic", "issue", "source-code", "feature-flag", "deployment", "build", "remote-link", "design"];

/// The product heading and the words for a scope, or `None` for a scope Atlassian does not have.
fn scope_words(scope: &str) -> Option<(&'static str, String)> {
    if let Some((_, product, words)) = CLASSIC_SCOPES.iter().find(|(s, _, _)| *s == scope) {
        return Some((product, words.to_string()));
    }
    let mut parts = scope.splitn(3, ':');
    let (verb, noun, product) = (parts.next()?, parts.next()?, parts.next()?);
    let (heading, nouns) = match product {
        "confluence" => ("Confluence", CONFLUENCE_NOUNS),
        "jira" => ("Jira", JIRA_NOUNS),
        "jira-software" => ("Jira Software", JIRA_SOFTWARE_NOUNS),
        _ => return None,
    };
    if !nouns.contains(&noun) {
        return None;
    }
    let verb_words = match verb {
        "read" => "View",
        "write" => "Create and update",
        "delete" => "Delete",
        _ => return None,
    };
    Some((heading, format!("{verb_words} {}", noun.replace(['-', '.'], " "))))
}

pub fn is_known_scope(scope: &str) -> bool {
    scope_words(scope).is_some()
}

/// Scopes that reach a product on the site (accessible-resources lists the site for these).
fn is_site_scope(scope: &str) -> bool {
    !matches!(scope, "offline_access" | "read:me" | "read:account")
}

// ------------------------------------------------------------------ small helpers

pub(crate) fn now(sb: &Sandbox) -> DateTime<Utc> {
    sb.clock.now()
}

pub(crate) fn esc(s: &str) -> String {
    html_escape::encode_text(s).into_owned()
}

pub(crate) fn attr(s: &str) -> String {
    html_escape::encode_double_quoted_attribute(s).into_owned()
}

/// Query or form pairs; the first occurrence of a name wins.
pub(crate) fn pairs(raw: &str) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
        m.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    m
}

pub(crate) fn non_empty<'a>(p: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    p.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

pub(crate) fn encode(pairs: &[(&str, &str)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    ser.finish()
}

/// `uri` with parameters added to its query, or (implicit flow) as its fragment.
pub(crate) fn with_params(uri: &str, params: &[(&str, &str)], fragment: bool) -> String {
    let enc = encode(params);
    if fragment {
        format!("{uri}#{enc}")
    } else if uri.contains('?') {
        format!("{uri}&{enc}")
    } else {
        format!("{uri}?{enc}")
    }
}

pub(crate) fn redirect(status: StatusCode, location: &str) -> Response {
    let mut resp = status.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// A local path to continue to after signing in (never another site), else `default`.
pub(crate) fn local_path(c: Option<&str>, default: &str) -> String {
    match c {
        Some(c)
            if c.starts_with('/')
                && !c.starts_with("//")
                && !c.contains('\\')
                && c.len() <= MAX_PARAM * 4
                && c.is_ascii()
                && !c.chars().any(char::is_control) =>
        {
            c.to_string()
        }
        _ => default.to_string(),
    }
}

fn safe_continue(c: Option<&str>) -> String {
    local_path(c, CONNECTED_APPS)
}

/// Whether a redirect_uri is a loopback URL with an explicit port (`http://localhost:PORT/...`).
fn is_loopback(uri: &str) -> bool {
    let Some(rest) = uri.strip_prefix("http://") else { return false };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let (host, port) = match authority.strip_prefix("[::1]:") {
        Some(port) => ("[::1]", port),
        None => match authority.rsplit_once(':') {
            Some(hp) => hp,
            None => return false,
        },
    };
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
        && !port.is_empty()
        && port.chars().all(|c| c.is_ascii_digit())
        && port.parse::<u16>().is_ok_and(|p| p > 0)
}

pub(crate) fn redirect_allowed(callbacks: &[String], uri: &str) -> bool {
    let clean = uri.len() <= 2048 && uri.is_ascii() && !uri.contains(['#', '\\']) && !uri.chars().any(|c| c.is_whitespace() || c.is_control());
    clean && (callbacks.iter().any(|c| c == uri) || is_loopback(uri))
}

// ------------------------------------------------------------------ HTML

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font-family:-apple-system,'Segoe UI',Roboto,sans-serif;color:#172B4D;max-width:760px;margin:40px auto;padding:0 16px}}\
         h1{{font-size:24px}}table{{border-collapse:collapse;width:100%}}th,td{{text-align:left;border-bottom:1px solid #DFE1E6;padding:8px}}\
         button{{padding:6px 14px;margin-right:8px}}.error{{color:#DE350B}}code{{color:#5E6C84}}label{{display:block;margin-top:12px}}</style>\
         </head><body>\n{body}\n</body></html>\n",
        t = esc(title)
    )
}

pub(crate) fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let mut resp = (status, Html(page(title, body))).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The authorization server's error page: shown instead of redirecting to a callback.
pub(crate) fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    html(status, title, &format!("<h1>Something went wrong</h1>\n<h2 class=\"error\">{}</h2>\n<p>{}</p>", esc(title), esc(message)))
}

fn login_form(cont: &str, error: Option<&str>, email: &str) -> String {
    let err = error.map(|e| format!("<p class=\"error\" id=\"login-error\">{}</p>\n", esc(e))).unwrap_or_default();
    format!(
        "<h1>Log in to continue</h1>\n{err}<form method=\"post\" action=\"/login\" id=\"form-login\">\n\
         <input type=\"hidden\" name=\"continue\" value=\"{c}\">\n\
         <label for=\"username\">Email</label><input type=\"email\" id=\"username\" name=\"username\" value=\"{e}\" autocomplete=\"username\" required>\n\
         <label for=\"password\">API token</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\n\
         <p><button type=\"submit\" id=\"login-submit\">Log in</button></p>\n</form>\n\
         <p><small>The sandbox signs you in with your email address and one of your API tokens.</small></p>",
        c = attr(cont),
        e = attr(email)
    )
}

pub(crate) fn set_cookie_header(sb: &Sandbox, value: &str, max_age: Option<i64>) -> Option<HeaderValue> {
    let secure = if sb.config.tls_cert.is_some() { "; Secure" } else { "" };
    let age = max_age.map(|a| format!("; Max-Age={a}")).unwrap_or_default();
    HeaderValue::from_str(&format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax{secure}{age}")).ok()
}

pub(crate) fn with_cookie(mut resp: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(c) = cookie {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

// ------------------------------------------------------------------ who is calling

/// A signed-in browser or Basic caller of the HTML pages.
pub(crate) struct Caller {
    pub(crate) account_id: String,
    /// What a pending consent may be bound to: `s:<session digest>`, `b:<account id>`.
    pub(crate) keys: Vec<String>,
    /// A new session's cookie, when Basic auth signed the caller in just now.
    pub(crate) set_cookie: Option<HeaderValue>,
}

pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty() && v.len() <= MAX_PARAM)
}

pub(crate) fn basic_pair(headers: &HeaderMap) -> Option<(String, String)> {
    let h = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, value) = h.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") || value.len() > MAX_PARAM * 2 {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(value.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (u, p) = decoded.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    let h = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, value) = h.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("Bearer") && !value.trim().is_empty() && value.len() <= MAX_PARAM * 4).then(|| value.trim().to_string())
}

/// The account an email (or account id) and API token sign in, if they are valid now.
pub(crate) fn check_user_password(sb: &Sandbox, user: &str, secret: &str) -> Option<String> {
    if user.is_empty() || secret.is_empty() || user.len() > MAX_PARAM || secret.len() > MAX_PARAM {
        return None;
    }
    let account = {
        let site = sb.site.read();
        site.user_by_email(user).or_else(|| site.user(user)).filter(|u| u.active).map(|u| u.account_id.clone())
    }?;
    sb.credentials.write().check_api_token(&account, secret, now(sb)).then_some(account)
}

/// The signed-in caller: a live session cookie, else valid Basic credentials (which start a
/// session when `start_session`).
pub(crate) fn signed_in(sb: &Sandbox, headers: &HeaderMap, start_session: bool) -> Option<Caller> {
    let t = now(sb);
    if let Some(cookie) = cookie_value(headers, SESSION_COOKIE) {
        let session = sb.credentials.read().session(&cookie, t).map(|s| (s.digest.clone(), s.account_id.clone()));
        if let Some((digest, account)) = session {
            if sb.site.read().user(&account).is_some_and(|u| u.active) {
                let mut keys = vec![format!("s:{digest}")];
                if let Some((u, p)) = basic_pair(headers) {
                    if check_user_password(sb, &u, &p).as_deref() == Some(account.as_str()) {
                        keys.push(format!("b:{account}"));
                    }
                }
                return Some(Caller { account_id: account, keys, set_cookie: None });
            }
        }
    }
    let (u, p) = basic_pair(headers)?;
    let account = check_user_password(sb, &u, &p)?;
    let mut keys = vec![format!("b:{account}")];
    let set_cookie = if start_session {
        let mut creds = sb.credentials.write();
        let secret = creds.create_session(&account, t);
        let s = creds.session(&secret, t).cloned();
        drop(creds);
        s.and_then(|s| {
            keys.push(format!("s:{}", s.digest));
            set_cookie_header(sb, &secret, None)
        })
    } else {
        None
    };
    Some(Caller { account_id: account, keys, set_cookie })
}

fn login_redirect(cont: &str) -> Response {
    redirect(StatusCode::FOUND, &format!("/login?{}", encode(&[("continue", cont)])))
}

// ------------------------------------------------------------------ /authorize

/// An `error=` redirect to a callback already known to be allowed.
pub(crate) fn redirect_error(uri: &str, fragment: bool, error: &str, description: &str, state: Option<&str>, status: StatusCode) -> Response {
    let mut p = vec![("error", error), ("error_description", description)];
    if let Some(s) = state {
        p.push(("state", s));
    }
    redirect(status, &with_params(uri, &p, fragment))
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
    let Some(client_id) = non_empty(&p, "client_id") else {
        return error_page(StatusCode::BAD_REQUEST, "Missing parameter: client_id", "The authorization URL must include the app's client_id.");
    };
    let Some(client) = sb.credentials.read().client(client_id).cloned() else {
        return error_page(StatusCode::BAD_REQUEST, "Invalid client_id", &format!("There is no app with the client_id '{client_id}'."));
    };
    let Some(redirect_uri) = non_empty(&p, "redirect_uri") else {
        return error_page(StatusCode::BAD_REQUEST, "Missing parameter: redirect_uri", "The authorization URL must include a redirect_uri.");
    };
    if !redirect_allowed(&client.callbacks, redirect_uri) {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Invalid redirect_uri",
            &format!("The redirect_uri '{redirect_uri}' does not match a callback URL registered for the app '{}'.", client.name),
        );
    }
    let Some(response_type) = non_empty(&p, "response_type") else {
        return error_page(StatusCode::BAD_REQUEST, "Missing parameter: response_type", "The authorization URL must include response_type=code.");
    };
    let Some(scope) = non_empty(&p, "scope") else {
        return error_page(StatusCode::BAD_REQUEST, "Missing parameter: scope", "The authorization URL must include the scopes the app requests.");
    };
    let state = p.get("state").map(String::as_str).filter(|s| !s.is_empty());
    let implicit = response_type == "token";
    if response_type != "code" && !implicit {
        return redirect_error(
            redirect_uri,
            false,
            "unsupported_response_type",
            &format!("Unsupported response type: {response_type}"),
            state,
            StatusCode::FOUND,
        );
    }
    if let Some(aud) = non_empty(&p, "audience") {
        if aud != "api.atlassian.com" {
            return redirect_error(redirect_uri, implicit, "access_denied", &format!("Service not found: {aud}"), state, StatusCode::FOUND);
        }
    }
    let mut scopes: Vec<String> = Vec::new();
    for s in scope.split_whitespace() {
        if !scopes.iter().any(|x| x == s) {
            scopes.push(s.to_string());
        }
    }
    let unknown: Vec<&str> = scopes.iter().map(String::as_str).filter(|s| !is_known_scope(s)).collect();
    if !unknown.is_empty() {
        return redirect_error(redirect_uri, implicit, "invalid_scope", &format!("Unknown scope(s): {}", unknown.join(" ")), state, StatusCode::FOUND);
    }
    let prompt = non_empty(&p, "prompt").unwrap_or("consent");
    let Some(caller) = signed_in(&sb, &headers, true) else {
        if prompt == "none" {
            return redirect_error(redirect_uri, implicit, "login_required", "Login required", state, StatusCode::FOUND);
        }
        return login_redirect(&format!("/authorize?{raw}"));
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
        response_type: response_type.to_string(),
        expires: t,
        challenge: None,
    };
    if prompt == "none" {
        let covered = {
            let creds = sb.credentials.read();
            creds
                .live_grants(&caller.account_id, t, sb.config.refresh_reuse_interval)
                .iter()
                .any(|(g, _)| g.client_id == client.client_id && scopes.iter().all(|s| g.scopes.contains(s)))
        };
        let resp = if covered {
            complete(&sb, &pending, StatusCode::FOUND)
        } else {
            redirect_error(redirect_uri, implicit, "consent_required", "Consent required", state, StatusCode::FOUND)
        };
        return with_cookie(resp, caller.set_cookie);
    }
    let request_id = sb.credentials.write().add_pending(pending, t);
    let (name, email) = {
        let site = sb.site.read();
        site.user(&caller.account_id).map(|u| (u.display_name.clone(), u.email.clone())).unwrap_or_default()
    };
    let base = sb.base_url(&headers);
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for s in &scopes {
        if let Some((heading, words)) = scope_words(s) {
            let item = format!("<li>{} <code>{}</code></li>", esc(&words), esc(s));
            match groups.iter_mut().find(|(h, _)| *h == heading) {
                Some((_, items)) => items.push(item),
                None => groups.push((heading, vec![item])),
            }
        }
    }
    let scope_html: String = groups.iter().map(|(h, items)| format!("<h3>{}</h3>\n<ul>{}</ul>\n", esc(h), items.join(""))).collect();
    let body = format!(
        "<h1>{app} is requesting access to your Atlassian account</h1>\n\
         <p id=\"app-description\">{desc}</p>\n\
         <p>Signed in as <strong>{name}</strong> ({email}). <a href=\"/logout?{logout}\">Not you? Log out</a></p>\n\
         <p>Use app on: <strong id=\"site\">{site}</strong></p>\n\
         <h2>{app} would like to:</h2>\n{scope_html}\
         <form method=\"post\" action=\"/authorize/consent\" id=\"consent-form\">\n\
         <input type=\"hidden\" name=\"request_id\" value=\"{rid}\">\n\
         <button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">Approve</button>\n\
         <button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button>\n\
         </form>",
        app = esc(&client.name),
        desc = esc(&client.description),
        name = esc(&name),
        email = esc(&email),
        logout = attr(&encode(&[("continue", &format!("/authorize?{raw}"))])),
        site = esc(&base),
        rid = attr(&request_id),
    );
    with_cookie(html(StatusCode::OK, &format!("{} is requesting access", client.name), &body), caller.set_cookie)
}

/// Approves a request: a new grant, then the code (or, implicit flow, the token) to the callback.
fn complete(sb: &Sandbox, p: &PendingAuthorization, status: StatusCode) -> Response {
    let t = now(sb);
    let implicit = p.response_type == "token";
    let location = {
        let mut creds = sb.credentials.write();
        let grant_id = creds.create_grant(&p.client_id, &p.account_id, &p.scopes, t);
        if implicit {
            let Some(tokens) = creds.issue_tokens(&grant_id, t, sb.config.oauth_expires_in, false) else {
                return error_page(StatusCode::INTERNAL_SERVER_ERROR, "Grant unavailable", "The grant could not be issued.");
            };
            let expires_in = tokens.expires_in.to_string();
            let scope = tokens.scopes.join(" ");
            let mut params =
                vec![("access_token", tokens.access_token.as_str()), ("token_type", "Bearer"), ("expires_in", expires_in.as_str()), ("scope", scope.as_str())];
            if let Some(s) = p.state.as_deref() {
                params.push(("state", s));
            }
            with_params(&p.redirect_uri, &params, true)
        } else {
            let code = creds.issue_code(&grant_id, &p.redirect_uri, None, t);
            let mut params = vec![("code", code.as_str())];
            if let Some(s) = p.state.as_deref() {
                params.push(("state", s));
            }
            with_params(&p.redirect_uri, &params, false)
        }
    };
    sb.persist();
    redirect(status, &location)
}

async fn consent(State(sb): State<Arc<Sandbox>>, headers: HeaderMap, body: String) -> Response {
    if body.len() > MAX_PARAM * 4 {
        return error_page(StatusCode::BAD_REQUEST, "Invalid request", "The form is too large.");
    }
    let f = pairs(&body);
    let Some(caller) = signed_in(&sb, &headers, false) else {
        return error_page(StatusCode::UNAUTHORIZED, "You're not logged in", "Log in and start the authorization again from the app.");
    };
    let Some(request_id) = non_empty(&f, "request_id") else {
        return error_page(StatusCode::BAD_REQUEST, "Invalid request", "The consent form is missing its request_id.");
    };
    let decision = non_empty(&f, "decision").unwrap_or("");
    if decision != "approve" && decision != "deny" {
        return error_page(StatusCode::BAD_REQUEST, "Invalid request", "Choose Approve or Deny.");
    }
    let taken = sb.credentials.write().take_pending(request_id, &caller.keys, now(&sb));
    let Some(p) = taken.filter(|p| p.account_id == caller.account_id) else {
        return error_page(
            StatusCode::FORBIDDEN,
            "This authorization request is no longer valid",
            "It was already answered, has expired, or was shown to someone else. Start again from the app.",
        );
    };
    if decision == "approve" {
        complete(&sb, &p, StatusCode::SEE_OTHER)
    } else {
        redirect_error(
            &p.redirect_uri,
            p.response_type == "token",
            "access_denied",
            "User did not authorize the request",
            p.state.as_deref(),
            StatusCode::SEE_OTHER,
        )
    }
}

// ------------------------------------------------------------------ sign-in

async fn login_page(State(sb): State<Arc<Sandbox>>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let p = pairs(q.as_deref().unwrap_or(""));
    let cont = safe_continue(p.get("continue").map(String::as_str));
    if let Some(caller) = signed_in(&sb, &headers, true) {
        return with_cookie(redirect(StatusCode::FOUND, &cont), caller.set_cookie);
    }
    html(StatusCode::OK, "Log in", &login_form(&cont, None, ""))
}

async fn login(State(sb): State<Arc<Sandbox>>, body: String) -> Response {
    if body.len() > MAX_PARAM * 12 {
        return html(StatusCode::BAD_REQUEST, "Log in", &login_form(CONNECTED_APPS, Some("The form is too large."), ""));
    }
    let f = pairs(&body);
    let cont = safe_continue(f.get("continue").map(String::as_str));
    let user = f.get("username").map(|s| s.trim()).unwrap_or("");
    let password = f.get("password").map(String::as_str).unwrap_or("");
    let Some(account) = check_user_password(&sb, user, password) else {
        let shown = if user.len() <= 256 { user } else { "" };
        return html(StatusCode::UNAUTHORIZED, "Log in", &login_form(&cont, Some("Incorrect email address and / or API token."), shown));
    };
    let secret = sb.credentials.write().create_session(&account, now(&sb));
    with_cookie(redirect(StatusCode::SEE_OTHER, &cont), set_cookie_header(&sb, &secret, None))
}

async fn logout(State(sb): State<Arc<Sandbox>>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if let Some(cookie) = cookie_value(&headers, SESSION_COOKIE) {
        sb.credentials.write().end_session(&cookie);
    }
    let p = pairs(q.as_deref().unwrap_or(""));
    let cont = safe_continue(p.get("continue").map(String::as_str));
    let to = format!("/login?{}", encode(&[("continue", &cont)]));
    with_cookie(redirect(StatusCode::SEE_OTHER, &to), set_cookie_header(&sb, "", Some(0)))
}

// ------------------------------------------------------------------ /oauth/token

pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut resp = (status, Json(json!({"error": error, "error_description": description}))).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}

pub(crate) fn invalid_request(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

/// The token request's parameters from a JSON or form body.
pub(crate) fn token_params(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, String>, Box<Response>> {
    let bad = |msg: &str| Box::new(invalid_request(msg));
    let text = std::str::from_utf8(body).map_err(|_| bad("The request body is not valid UTF-8."))?;
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let json_like = ct.starts_with("application/json") || (!ct.starts_with("application/x-www-form-urlencoded") && text.trim_start().starts_with('{'));
    if !json_like {
        return Ok(pairs(text.trim()));
    }
    let v: Value = serde_json::from_str(text).map_err(|_| bad("The request body is not valid JSON."))?;
    let Value::Object(map) = v else {
        return Err(bad("The request body must be a JSON object."));
    };
    let mut out = HashMap::new();
    for (k, v) in map {
        let s = match v {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => continue,
            _ => return Err(bad(&format!("The parameter '{k}' must be a string."))),
        };
        out.insert(k, s);
    }
    Ok(out)
}

fn token_response(t: &IssuedTokens) -> Response {
    let mut body = json!({
        "access_token": t.access_token,
        "expires_in": t.expires_in,
        "token_type": "Bearer",
        "scope": t.scopes.join(" "),
    });
    if let Some(r) = &t.refresh_token {
        body["refresh_token"] = json!(r);
    }
    let mut resp = (StatusCode::OK, Json(body)).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}

async fn token(State(sb): State<Arc<Sandbox>>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let p = match token_params(&headers, &body) {
        Ok(p) => p,
        Err(resp) => return *resp,
    };
    if let Some((k, _)) = p.iter().find(|(_, v)| v.len() > MAX_PARAM) {
        return invalid_request(&format!("The parameter '{k}' is too long."));
    }
    let Some(grant_type) = non_empty(&p, "grant_type") else {
        return invalid_request("Missing required parameter: grant_type");
    };
    let basic = basic_pair(&headers);
    let client_id = non_empty(&p, "client_id").map(str::to_string).or_else(|| basic.as_ref().map(|(u, _)| u.clone()));
    let secret = p.get("client_secret").cloned().or_else(|| basic.as_ref().map(|(_, s)| s.clone()));
    let authenticated = match (&client_id, &secret) {
        (Some(id), Some(s)) => sb.credentials.read().client_authenticates(id, s),
        _ => false,
    };
    let Some(client_id) = client_id.filter(|_| authenticated) else {
        return oauth_error(StatusCode::UNAUTHORIZED, "access_denied", "Unauthorized");
    };
    let t = now(&sb);
    match grant_type {
        "authorization_code" => {
            let Some(code) = non_empty(&p, "code") else {
                return invalid_request("Missing required parameter: code");
            };
            let Some(redirect_uri) = non_empty(&p, "redirect_uri") else {
                return invalid_request("Missing required parameter: redirect_uri");
            };
            let issued = {
                let mut creds = sb.credentials.write();
                match creds.redeem_code(&client_id, code, redirect_uri, t) {
                    Ok(grant_id) => creds.issue_tokens(&grant_id, t, sb.config.oauth_expires_in, true).ok_or(CodeError::Invalid),
                    Err(e) => Err(e),
                }
            };
            sb.persist();
            match issued {
                Ok(tokens) => token_response(&tokens),
                Err(CodeError::Expired) => invalid_request("authorization_code is invalid"),
                Err(CodeError::Invalid | CodeError::Verifier) => oauth_error(StatusCode::FORBIDDEN, "invalid_grant", "Invalid authorization code"),
            }
        }
        "refresh_token" => {
            let Some(refresh_token) = non_empty(&p, "refresh_token") else {
                return invalid_request("Missing required parameter: refresh_token");
            };
            let result = sb.credentials.write().refresh(&client_id, refresh_token, t, sb.config.oauth_expires_in, sb.config.refresh_reuse_interval);
            sb.persist();
            match result {
                Ok(tokens) => token_response(&tokens),
                Err(RefreshError::Unknown) => oauth_error(StatusCode::FORBIDDEN, "unauthorized_client", "refresh_token is invalid"),
                Err(RefreshError::Invalid | RefreshError::Reused) => oauth_error(StatusCode::FORBIDDEN, "invalid_grant", "Unknown or invalid refresh token."),
            }
        }
        "client_credentials"
        | "password"
        | "implicit"
        | "urn:ietf:params:oauth:grant-type:device_code"
        | "urn:ietf:params:oauth:grant-type:jwt-bearer"
        | "http://auth0.com/oauth/grant-type/password-realm" => {
            oauth_error(StatusCode::FORBIDDEN, "unauthorized_client", &format!("Grant type '{grant_type}' not allowed for the client."))
        }
        other => oauth_error(StatusCode::FORBIDDEN, "unsupported_grant_type", &format!("Unsupported grant type: {other}")),
    }
}

// ------------------------------------------------------------------ bearer APIs

fn gateway_error(status: StatusCode, message: &str) -> Response {
    ApiError::new(Family::Gateway, status, message).into_response()
}

/// The (account, scopes) of a valid OAuth access token in the Authorization header.
fn bearer_caller(sb: &Sandbox, headers: &HeaderMap) -> Option<(String, Vec<String>)> {
    let token = bearer(headers)?;
    let (account, scopes, _) = sb.credentials.read().check_access_token(&token, now(sb))?;
    Some((account, scopes))
}

async fn accessible_resources(State(sb): State<Arc<Sandbox>>, headers: HeaderMap) -> Response {
    let Some((_, scopes)) = bearer_caller(&sb, &headers) else {
        return gateway_error(StatusCode::UNAUTHORIZED, "Unauthorized");
    };
    let site_scopes: Vec<&String> = scopes.iter().filter(|s| is_site_scope(s)).collect();
    if site_scopes.is_empty() {
        return Json(json!([])).into_response();
    }
    Json(json!([{
        "id": sb.config.cloud_id,
        "url": sb.base_url(&headers),
        "name": SITE_NAME,
        "scopes": site_scopes,
        "avatarUrl": SITE_AVATAR,
    }]))
    .into_response()
}

async fn me(State(sb): State<Arc<Sandbox>>, headers: HeaderMap) -> Response {
    let Some((account, scopes)) = bearer_caller(&sb, &headers) else {
        return gateway_error(StatusCode::UNAUTHORIZED, "Unauthorized");
    };
    if !scopes.iter().any(|s| s == "read:me") {
        return gateway_error(StatusCode::UNAUTHORIZED, "Unauthorized; scope does not match");
    }
    let site = sb.site.read();
    let Some(u) = site.user(&account) else {
        return gateway_error(StatusCode::NOT_FOUND, "Not Found");
    };
    Json(json!({
        "account_type": "atlassian",
        "account_id": u.account_id,
        "email": u.email,
        "email_verified": true,
        "name": u.display_name,
        "nickname": u.display_name,
        "picture": format!("{}/secure/useravatar?ownerId={}", sb.base_url(&headers), u.account_id),
        "account_status": if u.active { "active" } else { "inactive" },
        "zoneinfo": u.time_zone,
        "locale": "en-US",
        "extended_profile": {},
    }))
    .into_response()
}

// ------------------------------------------------------------------ the user's grants

/// The live grants of an account with their expiry, oldest first.
fn live_grants(sb: &Sandbox, account: &str) -> Vec<(Grant, DateTime<Utc>)> {
    let creds = sb.credentials.read();
    creds.live_grants(account, now(sb), sb.config.refresh_reuse_interval).into_iter().map(|(g, e)| (g.clone(), e)).collect()
}

async fn connected_apps(State(sb): State<Arc<Sandbox>>, headers: HeaderMap) -> Response {
    let Some(caller) = signed_in(&sb, &headers, true) else {
        return login_redirect(CONNECTED_APPS);
    };
    let grants = live_grants(&sb, &caller.account_id);
    let rows: String = {
        let creds = sb.credentials.read();
        grants
            .iter()
            .map(|(g, _)| {
                let client = creds.client(&g.client_id);
                format!(
                    "<tr data-grant-id=\"{id}\"><td>{name}</td><td>{scopes}</td><td>{issued}</td></tr>\n",
                    id = attr(&g.id),
                    name = esc(client.map(|c| c.name.as_str()).unwrap_or(&g.client_id)),
                    scopes = esc(&g.scopes.join(" ")),
                    issued = esc(&g.created.format("%d %b %Y").to_string()),
                )
            })
            .collect()
    };
    let table = if grants.is_empty() {
        "<p id=\"no-apps\">You haven't given any apps access to your account.</p>".to_string()
    } else {
        format!("<table id=\"connected-apps\"><thead><tr><th>App</th><th>Permissions</th><th>Access given</th></tr></thead>\n<tbody>\n{rows}</tbody></table>")
    };
    let body = format!("<h1>Connected apps</h1>\n{table}\n<p><a href=\"/logout\">Log out</a></p>");
    with_cookie(html(StatusCode::OK, "Connected apps", &body), caller.set_cookie)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Method;

    #[test]
    fn every_scope_a_route_needs_is_known() {
        let paths = [
            "/rest/api/3/search/jql",
            "/rest/api/3/field",
            "/rest/api/3/worklog/list",
            "/rest/servicedeskapi/request",
            "/rest/api/3/user/search",
            "/rest/agile/1.0/board",
            "/wiki/api/v2/pages",
            "/wiki/rest/api/content",
        ];
        for m in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
            for p in paths {
                for s in crate::auth::required_scopes(&m, p) {
                    assert!(is_known_scope(s), "{s} (needed by {m} {p}) is not a known scope");
                }
            }
        }
        for s in ["read:page:confluence", "write:issue:jira", "read:sprint:jira-software", "offline_access", "read:me"] {
            assert!(is_known_scope(s), "{s}");
        }
        for s in ["read:jira", "read:page:bitbucket", "admin:page:confluence", "read:nothing:jira", "", "read:page"] {
            assert!(!is_known_scope(s), "{s}");
        }
    }

    #[test]
    fn loopback_and_registered_callbacks() {
        let registered = vec!["http://localhost:33333".to_string(), "https://app.example.com/cb".to_string()];
        for ok in ["http://localhost:33333", "http://localhost:8080/callback", "http://127.0.0.1:5/x?y=1", "http://[::1]:9000/", "https://app.example.com/cb"] {
            assert!(redirect_allowed(&registered, ok), "{ok}");
        }
        for bad in [
            "https://evil.example.com/cb",
            "http://localhost/cb",
            "http://localhost:0/",
            "http://localhost:99999/",
            "http://localhost:80@evil.com/",
            "http://localhost.evil.com:80/",
            "http://localhost:8080/cb#frag",
            "https://app.example.com/cb/",
            "http://127.0.0.1:80\\@evil.com",
            "javascript:alert(1)",
            "http://localhost:8080/c\u{e4}llback",
        ] {
            assert!(!redirect_allowed(&registered, bad), "{bad}");
        }
    }

    #[test]
    fn continue_targets_stay_local() {
        assert_eq!(safe_continue(Some("/authorize?x=1")), "/authorize?x=1");
        assert_eq!(safe_continue(Some("//evil.com/")), CONNECTED_APPS);
        assert_eq!(safe_continue(Some("https://evil.com/")), CONNECTED_APPS);
        assert_eq!(safe_continue(None), CONNECTED_APPS);
    }

    #[test]
    fn params_go_in_query_or_fragment() {
        assert_eq!(with_params("http://localhost:1/cb", &[("code", "a b"), ("state", "s&t")], false), "http://localhost:1/cb?code=a+b&state=s%26t");
        assert_eq!(with_params("http://localhost:1/cb?x=1", &[("code", "c")], false), "http://localhost:1/cb?x=1&code=c");
        assert_eq!(with_params("http://localhost:1/cb", &[("access_token", "t")], true), "http://localhost:1/cb#access_token=t");
    }
}
