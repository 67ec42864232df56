//! Confluence: the v2 REST API (`/wiki/api/v2`, Cloud) and the v1 REST API with CQL search
//! (`/wiki/rest/api` on Cloud, `/rest/api` on Data Center). Both read the same site data.

mod cursor;
mod governance;
mod render;
mod search;
mod v1;
mod v2;

pub use v1::routes as v1_routes;
pub use v2::routes as v2_routes;

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;

use crate::auth::Principal;
use crate::errors::{ApiError, Family};
use crate::model::{Content, Site, Space};
use crate::routes::jira::Params;
use crate::state::Sandbox;

/// What every Confluence handler needs.
pub struct Conf {
    pub sb: Arc<Sandbox>,
    pub who: Principal,
    /// The site URL plus any gateway prefix; `/wiki` is added by the handlers that need it.
    pub base: String,
    pub path: String,
    pub query: Params,
    /// Data Center: v1 at the root, `start`/`limit` paging.
    pub dc: bool,
}

impl FromRequestParts<Arc<Sandbox>> for Conf {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<Sandbox>) -> Result<Self, Self::Rejection> {
        let who = parts.extensions.get::<Principal>().cloned().unwrap_or_else(Principal::anonymous);
        let path = parts.uri.path().to_string();
        let prefix = match path.find("/wiki/") {
            Some(i) => path[..i].to_string(),
            None => path.find("/rest/").map(|i| path[..i].to_string()).unwrap_or_default(),
        };
        let base = format!("{}{}", state.base_url(&parts.headers), prefix);
        let dc = state.config.flavor == crate::config::Flavor::Datacenter;
        Ok(Conf { sb: state.clone(), who, base, path, query: Params::parse(parts.uri.query().unwrap_or("")), dc })
    }
}

impl Conf {
    pub fn family(&self) -> Family {
        if self.path.contains("/api/v2/") {
            Family::ConfluenceV2
        } else {
            Family::ConfluenceV1
        }
    }
    pub fn error(&self, status: StatusCode, msg: impl Into<String>) -> ApiError {
        ApiError::new(self.family(), status, msg)
    }
    pub fn not_found(&self) -> ApiError {
        self.error(StatusCode::NOT_FOUND, "Not Found")
    }
    pub fn require_user(&self) -> Result<&str, ApiError> {
        self.who.account().ok_or_else(|| self.error(StatusCode::UNAUTHORIZED, "You are not authorized to perform this action. Please log in."))
    }
    /// The base links point at: `…/wiki` on Cloud, the site on Data Center.
    pub fn wiki(&self) -> String {
        if self.dc {
            self.base.clone()
        } else {
            format!("{}/wiki", self.base)
        }
    }
    pub fn space_visible(&self, site: &Site, space: &Space) -> bool {
        self.who.can_see(site, &space.visibility)
    }
    pub fn content_visible(&self, site: &Site, c: &Content) -> bool {
        c.status != "trashed" && site.space(c.space_id).is_some_and(|s| self.space_visible(site, s))
    }
    /// A numeric id path parameter; anything else is a 400 as Confluence answers.
    pub fn id(&self, raw: &str) -> Result<u64, ApiError> {
        raw.parse().map_err(|_| self.error(StatusCode::BAD_REQUEST, format!("Invalid id: {raw}")))
    }
}
