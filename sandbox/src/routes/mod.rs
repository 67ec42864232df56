//! HTTP routes, one module per API family.

pub mod control;

use std::sync::Arc;

use axum::Router;

use crate::state::Sandbox;

/// The REST APIs on the site's own URL, as the flavor serves them.
pub fn site_api(_sb: &Sandbox) -> Router<Arc<Sandbox>> {
    Router::new()
}

/// The same product APIs under the OAuth 2.0 gateway: `/ex/jira/{cloudId}/...`, `/ex/confluence/{cloudId}/...`.
pub fn gateway_api(_sb: &Sandbox) -> Router<Arc<Sandbox>> {
    Router::new()
}

/// The authorization server and the token pages.
pub fn oauth_routes(_sb: &Sandbox) -> Router<Arc<Sandbox>> {
    Router::new()
}
