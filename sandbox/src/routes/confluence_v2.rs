//! Confluence Cloud REST API v2 `/wiki/api/v2/`.

use std::sync::Arc;

use axum::Router;

use crate::state::Sandbox;

pub fn routes() -> Router<Arc<Sandbox>> {
    Router::new()
}
