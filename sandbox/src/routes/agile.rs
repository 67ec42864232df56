//! Jira Software agile API `/rest/agile/1.0/`: boards, sprints, board and sprint issues.

use std::sync::Arc;

use axum::Router;

use crate::state::Sandbox;

pub fn routes() -> Router<Arc<Sandbox>> {
    Router::new()
}
