//! Token REST APIs on the site: API tokens and the Token Manager (Cloud), personal access tokens
//! `/rest/pat/latest/tokens` (Data Center).

use std::sync::Arc;

use axum::Router;

use crate::config::Flavor;
use crate::state::Sandbox;

pub fn site_routes(_flavor: Flavor) -> Router<Arc<Sandbox>> {
    Router::new()
}
