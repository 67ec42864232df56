//! Who is calling: Basic (email + API token on Cloud, user + password on Data Center), Bearer PAT
//! (Data Center), Bearer OAuth access tokens through the API gateway, or nobody (anonymous).
//! Permissions: what the caller may see, and which OAuth scopes a route needs.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;

use crate::config::Flavor;
use crate::errors::{ApiError, Family};
use crate::model::{Site, Visibility};
use crate::state::Sandbox;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthVia {
    Anonymous,
    ApiToken,
    Password,
    Pat,
    /// An OAuth 1.0a consumer's access token (application links, gadgets; Data Center).
    OAuth1,
    /// A token of the API Token Authentication app (Data Center).
    AppToken,
    OAuth {
        grant_id: String,
        scopes: Vec<String>,
    },
}

/// The caller of a request, put in the request's extensions by the auth middleware.
#[derive(Debug, Clone)]
pub struct Principal {
    pub account_id: Option<String>,
    pub via: AuthVia,
}

impl Principal {
    pub fn anonymous() -> Principal {
        Principal { account_id: None, via: AuthVia::Anonymous }
    }
    pub fn is_anonymous(&self) -> bool {
        self.account_id.is_none()
    }
    pub fn account(&self) -> Option<&str> {
        self.account_id.as_deref()
    }
    /// Whether the caller may see something with this visibility.
    pub fn can_see(&self, site: &Site, vis: &Visibility) -> bool {
        match (vis, &self.account_id) {
            (Visibility::Public, _) => true,
            (_, None) => false,
            (Visibility::Licensed, Some(_)) => true,
            (Visibility::Group(g), Some(id)) => site.user(id).is_some_and(|u| u.groups.iter().any(|x| x == g)),
        }
    }
    pub fn is_admin(&self, site: &Site) -> bool {
        self.account_id.as_deref().and_then(|id| site.user(id)).is_some_and(|u| u.groups.iter().any(|g| g == "site-admins"))
    }
}

fn unauthorized(family: Family, message: &str) -> Response {
    let mut resp = ApiError::new(family, StatusCode::UNAUTHORIZED, message).into_response();
    resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"protected-area\""));
    resp
}

/// Authentication for the site's own URL (not the gateway).
pub async fn site_auth(State(sb): State<Arc<Sandbox>>, mut req: Request, next: Next) -> Response {
    let family = Family::of_path(req.uri().path());
    let header_value = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string);
    let principal = match header_value {
        None => Principal::anonymous(),
        Some(h) if sb.config.flavor == Flavor::Datacenter && h.len() > 6 && h[..6].eq_ignore_ascii_case("OAuth ") => match oauth1_principal(&sb, &req, &h[6..])
        {
            Ok(p) => p,
            Err(resp) => return *resp,
        },
        Some(h) => match resolve_site_credentials(&sb, &h) {
            Ok(p) => p,
            Err(msg) => return unauthorized(family, msg),
        },
    };
    if let AuthVia::OAuth { scopes, .. } = &principal.via {
        if !crate::routes::dc_oauth::scope_allows(scopes, req.method()) {
            return ApiError::new(family, StatusCode::FORBIDDEN, "The OAuth 2.0 access token's scope does not allow this request").into_response();
        }
    }
    req.extensions_mut().insert(principal);
    next.run(req).await
}

/// A request signed by an OAuth 1.0a consumer, or the 401 naming the problem (token_rejected
/// for a revoked token) that tells the consumer to authorize again or go on without a token.
fn oauth1_principal(sb: &Sandbox, req: &Request, params: &str) -> Result<Principal, Box<Response>> {
    let scheme = if sb.config.tls_cert.is_some() { "https" } else { "http" };
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
    let base_url = format!("{scheme}://{host}{}", req.uri().path());
    let signed = crate::oauth1::SignedRequest { method: req.method().as_str(), base_url: base_url.clone(), query: req.uri().query(), params };
    let checked = crate::oauth1::verify(&sb.credentials.read().consumer_tokens, &signed, sb.clock.now());
    match checked {
        Ok(account) => Ok(Principal { account_id: Some(account), via: AuthVia::OAuth1 }),
        Err(problem) => {
            let family = Family::of_path(req.uri().path());
            let mut resp = ApiError::new(family, StatusCode::UNAUTHORIZED, format!("OAuth problem: oauth_problem={}", problem.name())).into_response();
            let challenge =
                format!("OAuth realm=\"{}\", oauth_problem=\"{}\"", html_escape::encode_double_quoted_attribute(&format!("{scheme}://{host}")), problem.name());
            if let Ok(v) = HeaderValue::from_str(&challenge) {
                resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
            }
            Err(Box::new(resp))
        }
    }
}

fn resolve_site_credentials(sb: &Sandbox, header_value: &str) -> Result<Principal, &'static str> {
    let now = sb.clock.now();
    let (scheme, value) = header_value.split_once(' ').ok_or("Client must be authenticated to access this resource.")?;
    if scheme.eq_ignore_ascii_case("Basic") {
        let decoded = base64::engine::general_purpose::STANDARD.decode(value.trim()).map_err(|_| "Client must be authenticated to access this resource.")?;
        let decoded = String::from_utf8(decoded).map_err(|_| "Client must be authenticated to access this resource.")?;
        let (user, secret) = decoded.split_once(':').ok_or("Client must be authenticated to access this resource.")?;
        let account = {
            let site = sb.site.read();
            site.user_by_email(user).or_else(|| site.user(user)).filter(|u| u.active).map(|u| u.account_id.clone())
        };
        let account = account.ok_or("Client must be authenticated to access this resource.")?;
        // Data Center has passwords, not API tokens; the sandbox's password for a user is their API token.
        if sb.credentials.write().check_api_token(&account, secret, now) {
            let via = if sb.config.flavor == Flavor::Datacenter { AuthVia::Password } else { AuthVia::ApiToken };
            return Ok(Principal { account_id: Some(account), via });
        }
        // The API Token Authentication app's tokens stand in for the password.
        if token_app_installed(sb) && sb.credentials.write().check_app_token(&account, secret, now) {
            return Ok(Principal { account_id: Some(account), via: AuthVia::AppToken });
        }
        return Err("Client must be authenticated to access this resource.");
    }
    if scheme.eq_ignore_ascii_case("Bearer") {
        if sb.config.flavor == Flavor::Datacenter {
            // A personal access token, or an access token of the site's own OAuth 2.0 provider.
            if let Some(owner) = sb.credentials.write().check_pat(value.trim(), now) {
                return Ok(Principal { account_id: Some(owner), via: AuthVia::Pat });
            }
            if token_app_installed(sb) {
                if let Some(owner) = sb.credentials.write().app_token_owner(value.trim(), now) {
                    return Ok(Principal { account_id: Some(owner), via: AuthVia::AppToken });
                }
            }
            let (account, scopes, grant_id) =
                sb.credentials.read().check_access_token(value.trim(), now).ok_or("Client must be authenticated to access this resource.")?;
            return Ok(Principal { account_id: Some(account), via: AuthVia::OAuth { grant_id, scopes } });
        }
        // Cloud accepts OAuth 2.0 tokens only through the API gateway (api.atlassian.com).
        return Err("Client must be authenticated to access this resource.");
    }
    Err("Client must be authenticated to access this resource.")
}

fn token_app_installed(sb: &Sandbox) -> bool {
    sb.config.flavor == Flavor::Datacenter && !sb.config.without_token_app
}

/// The scopes (any one suffices) a gateway request needs, classic or granular, as Atlassian documents them.
pub fn required_scopes(method: &Method, product_path: &str) -> &'static [&'static str] {
    let read = method == Method::GET || method == Method::HEAD;
    // Jira Service Management's classic scopes.
    if product_path.starts_with("/rest/servicedeskapi/") {
        return if read { &["read:servicedesk-request"] } else { &["write:servicedesk-request", "manage:servicedesk-customer"] };
    }
    let jira = product_path.starts_with("/rest/api/") || product_path.starts_with("/rest/agile/");
    if jira {
        // Creating a custom field is global configuration; reads whose query is a POST body
        // need the read scopes (as their descriptions say).
        if method == Method::POST && product_path.ends_with("/field") {
            return &["manage:jira-configuration", "write:field:jira"];
        }
        let post_read = method == Method::POST
            && ["/worklog/list", "/search/jql", "/search/approximate-count", "/changelog/bulkfetch"].iter().any(|s| product_path.ends_with(s));
        let read = read || post_read;
        let users = product_path.contains("/user") || product_path.contains("/group");
        return match (read, users) {
            (true, true) => &["read:jira-user", "read:user:jira", "read:jira-work"],
            (true, false) => &["read:jira-work", "read:issue:jira", "read:board-scope:jira-software", "read:sprint:jira-software"],
            (false, _) => &["write:jira-work", "write:issue:jira", "manage:jira-project"],
        };
    }
    if product_path.starts_with("/wiki/api/v2") {
        return if read {
            &[
                "read:page:confluence",
                "read:space:confluence",
                "read:blogpost:confluence",
                "read:comment:confluence",
                "read:attachment:confluence",
                "read:label:confluence",
                "read:content-details:confluence",
                "read:confluence-content.all",
            ]
        } else {
            &[
                "write:page:confluence",
                "write:blogpost:confluence",
                "write:comment:confluence",
                "write:label:confluence",
                "write:attachment:confluence",
                "delete:page:confluence",
                "write:confluence-content",
            ]
        };
    }
    if read {
        &[
            "read:confluence-content.all",
            "read:confluence-content.summary",
            "search:confluence",
            "read:confluence-space.summary",
            "read:confluence-user",
            "read:content:confluence",
        ]
    } else {
        &["write:confluence-content", "write:confluence-file", "write:confluence-space", "write:content:confluence"]
    }
}

/// Authentication for `/ex/{product}/{cloudId}/...`: OAuth 2.0 bearer tokens only, scopes enforced.
pub async fn gateway_auth(State(sb): State<Arc<Sandbox>>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut parts = path.splitn(5, '/'); // "", "ex", product, cloudid, rest
    let (_, _, product, cloud_id, rest) = (parts.next(), parts.next(), parts.next(), parts.next(), parts.next().unwrap_or(""));
    let gateway = |status: StatusCode, msg: &str| ApiError::new(Family::Gateway, status, msg).into_response();
    if cloud_id != Some(sb.config.cloud_id.as_str()) {
        return gateway(StatusCode::NOT_FOUND, "Cannot find resource for cloudId");
    }
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
        .map(|t| t.trim().to_string());
    let Some(token) = token else {
        return gateway(StatusCode::UNAUTHORIZED, "Unauthorized");
    };
    let checked = sb.credentials.read().check_access_token(&token, sb.clock.now());
    let Some((account, scopes, grant_id)) = checked else {
        return gateway(StatusCode::UNAUTHORIZED, "Unauthorized");
    };
    let product_path = format!("/{rest}");
    let needed = required_scopes(req.method(), &product_path);
    let _ = product;
    if !needed.iter().any(|s| scopes.iter().any(|g| g == s)) {
        return gateway(StatusCode::UNAUTHORIZED, "Unauthorized; scope does not match");
    }
    req.extensions_mut().insert(Principal { account_id: Some(account), via: AuthVia::OAuth { grant_id, scopes } });
    next.run(req).await
}
