//! Atlassian's OAuth 2.0 (3LO) authorization server and the user's token pages.

use std::sync::Arc;

use axum::Router;

use crate::state::Sandbox;

pub fn routes() -> Router<Arc<Sandbox>> {
    Router::new()
}
