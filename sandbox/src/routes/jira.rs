//! Jira platform REST API: v3 on Cloud (`/rest/api/3`, with `/rest/api/2` beside it), v2 on Data Center.

use std::sync::Arc;

use axum::Router;

use crate::config::Flavor;
use crate::state::Sandbox;

pub fn routes(_flavor: Flavor) -> Router<Arc<Sandbox>> {
    Router::new()
}
