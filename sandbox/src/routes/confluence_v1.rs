//! Confluence REST API v1: `/wiki/rest/api/` on Cloud, `/rest/api/` on Data Center; CQL search.

use std::sync::Arc;

use axum::Router;

use crate::state::Sandbox;

pub fn routes(_prefix: &str) -> Router<Arc<Sandbox>> {
    Router::new()
}
