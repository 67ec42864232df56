//! HTTP routes, one module per API family. Each family module exposes a `routes` function; this
//! module decides which the flavor serves and where (site URL, gateway).

pub mod agile;
pub mod confluence;
pub mod control;
pub mod jira;
pub mod oauth;
pub mod tokens;

use std::sync::Arc;

use axum::Router;

use crate::config::Flavor;
use crate::state::Sandbox;

/// The product APIs, as served on the site's URL (and, on Cloud, under the gateway).
fn jira_api(sb: &Sandbox) -> Router<Arc<Sandbox>> {
    jira::routes(sb.config.flavor).merge(agile::routes())
}

fn confluence_api(sb: &Sandbox) -> Router<Arc<Sandbox>> {
    match sb.config.flavor {
        Flavor::Cloud => confluence::v2_routes().merge(confluence::v1_routes("/wiki/rest/api")),
        Flavor::Datacenter => confluence::v1_routes("/rest/api"),
    }
}

/// The REST APIs on the site's own URL, as the flavor serves them, plus the token REST APIs.
pub fn site_api(sb: &Sandbox) -> Router<Arc<Sandbox>> {
    let api = jira_api(sb).merge(confluence_api(sb));
    if sb.config.without_token_apis {
        api
    } else {
        api.merge(tokens::site_routes(sb.config.flavor))
    }
}

/// The same product APIs under the OAuth 2.0 gateway: `/ex/jira/{cloudId}/...`, `/ex/confluence/{cloudId}/...`.
/// Data Center has no gateway.
pub fn gateway_api(sb: &Sandbox) -> Router<Arc<Sandbox>> {
    match sb.config.flavor {
        Flavor::Cloud => Router::new().nest("/ex/jira/{cloud_id}", jira_api(sb)).nest("/ex/confluence/{cloud_id}", confluence_api(sb)),
        Flavor::Datacenter => Router::new(),
    }
}

/// The authorization server (`/authorize`, `/oauth/token`, accessible resources) and the token pages.
pub fn oauth_routes(sb: &Sandbox) -> Router<Arc<Sandbox>> {
    match sb.config.flavor {
        Flavor::Cloud => oauth::routes(),
        Flavor::Datacenter => Router::new(),
    }
}
