//! Jira platform REST API: v3 on Cloud (`/rest/api/3`; `/rest/api/2` beside it, whose search is
//! gone as on Cloud), v2 on Data Center (`/rest/api/2`, `startAt` search). The version is read from
//! the path, so one set of handlers serves both; v3 speaks ADF, v2 plain (wiki) text.

mod issues;
pub(crate) mod meta;
pub mod render;
pub(crate) mod search;

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;

use crate::auth::Principal;
use crate::config::Flavor;
use crate::errors::ApiError;
use crate::state::Sandbox;

pub fn routes(flavor: Flavor) -> Router<Arc<Sandbox>> {
    let mut r = Router::new();
    let versions: &[&str] = match flavor {
        Flavor::Cloud => &["3", "2"],
        Flavor::Datacenter => &["2"],
    };
    for v in versions {
        let p = |s: &str| format!("/rest/api/{v}{s}");
        r = r
            .route(&p("/serverInfo"), get(meta::server_info))
            .route(&p("/myself"), get(meta::myself))
            .route(&p("/project"), get(meta::projects_all))
            .route(&p("/project/search"), get(meta::project_search))
            .route(&p("/project/{key}"), get(meta::project_get))
            .route(&p("/project/{key}/components"), get(meta::project_components))
            .route(&p("/project/{key}/component"), get(meta::project_components_page))
            .route(&p("/project/{key}/versions"), get(meta::project_versions))
            .route(&p("/project/{key}/version"), get(meta::project_versions_page))
            .route(&p("/component"), post(meta::component_create))
            .route(&p("/component/{id}"), get(meta::component_get).put(meta::component_update).delete(meta::component_delete))
            .route(&p("/version"), post(meta::version_create))
            .route(&p("/version/{id}"), get(meta::version_get).put(meta::version_update).delete(meta::version_delete))
            .route(&p("/field"), get(meta::fields))
            .route(&p("/field/search"), get(meta::fields_search))
            .route(&p("/issuetype"), get(meta::issue_types))
            .route(&p("/status"), get(meta::statuses))
            .route(&p("/statuscategory"), get(meta::status_categories))
            .route(&p("/priority"), get(meta::priorities))
            .route(&p("/priority/search"), get(meta::priorities_search))
            .route(&p("/resolution"), get(meta::resolutions))
            .route(&p("/resolution/search"), get(meta::resolutions_search))
            .route(&p("/issueLinkType"), get(meta::link_types))
            .route(&p("/users/search"), get(meta::users_search))
            .route(&p("/user/search"), get(meta::user_query))
            .route(&p("/user"), get(meta::user_get))
            .route(&p("/group/bulk"), get(meta::groups_bulk))
            .route(&p("/group/member"), get(meta::group_members))
            .route(&p("/groups/picker"), get(meta::groups_picker))
            .route(&p("/filter/search"), get(meta::filter_search))
            .route(&p("/filter/my"), get(meta::filter_my))
            .route(&p("/filter/favourite"), get(meta::filter_favourite))
            .route(&p("/filter/{id}"), get(meta::filter_get))
            .route(&p("/issue"), post(issues::create))
            .route(&p("/issue/{key}"), get(issues::get).put(issues::update).delete(issues::delete))
            .route(&p("/issue/{key}/comment"), get(issues::comments).post(issues::comment_create))
            .route(&p("/issue/{key}/comment/{id}"), get(issues::comment_get).put(issues::comment_update).delete(issues::comment_delete))
            .route(&p("/issue/{key}/worklog"), get(issues::worklogs).post(issues::worklog_create))
            .route(&p("/issue/{key}/worklog/{id}"), get(issues::worklog_get).put(issues::worklog_update).delete(issues::worklog_delete))
            .route(&p("/issue/{key}/changelog"), get(issues::changelog))
            .route(&p("/issue/{key}/transitions"), get(issues::transitions).post(issues::transition))
            .route(&p("/issueLink"), post(issues::link_create))
            .route(&p("/issueLink/{id}"), get(issues::link_get).delete(issues::link_delete));
    }
    match flavor {
        Flavor::Cloud => r
            .route("/rest/api/3/search/jql", get(search::search_jql_get).post(search::search_jql_post))
            .route("/rest/api/3/search/approximate-count", post(search::approximate_count))
            // Cloud serves the enhanced search under v2 too (text fields as strings there).
            .route("/rest/api/2/search/jql", get(search::search_jql_get).post(search::search_jql_post))
            .route("/rest/api/2/search/approximate-count", post(search::approximate_count))
            .route("/rest/api/3/search", get(search::removed).post(search::removed))
            .route("/rest/api/2/search", get(search::removed).post(search::removed)),
        Flavor::Datacenter => r.route("/rest/api/2/search", get(search::search_dc_get).post(search::search_dc_post)),
    }
}

/// What every Jira handler needs: the sandbox, the caller, the base URL for `self` links and the
/// API version of the request path.
pub struct Jira {
    pub sb: Arc<Sandbox>,
    pub who: Principal,
    pub base: String,
    pub v: u8,
    pub query: Params,
}

impl FromRequestParts<Arc<Sandbox>> for Jira {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<Sandbox>) -> Result<Self, Self::Rejection> {
        let who = parts.extensions.get::<Principal>().cloned().unwrap_or_else(Principal::anonymous);
        let path = parts.uri.path();
        // The agile API speaks the v2 representation (plain-text rich fields), as Jira Software does.
        let v = if path.contains("/rest/api/2/") || path.contains("/rest/agile/") { 2 } else { 3 };
        let prefix = path.find("/rest/").map(|i| &path[..i]).unwrap_or("");
        let base = format!("{}{}", state.base_url(&parts.headers), prefix);
        Ok(Jira { sb: state.clone(), who, base, v, query: Params::parse(parts.uri.query().unwrap_or("")) })
    }
}

impl Jira {
    pub fn api(&self) -> String {
        format!("{}/rest/api/{}", self.base, self.v)
    }
    pub fn require_user(&self) -> Result<&str, ApiError> {
        self.who.account().ok_or_else(|| ApiError::jira(StatusCode::UNAUTHORIZED, "You are not authenticated. Authentication required to perform this operation."))
    }
}

/// Query parameters, keeping repeats (`fields=a&fields=b`).
#[derive(Debug, Clone, Default)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn parse(q: &str) -> Params {
        Params(form_urlencoded::parse(q.as_bytes()).into_owned().collect())
    }
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0.iter().find(|(a, _)| a == k).map(|(_, b)| b.as_str())
    }
    pub fn all(&self, k: &str) -> Vec<String> {
        self.0.iter().filter(|(a, _)| a == k).flat_map(|(_, b)| b.split(',').map(|s| s.trim().to_string())).filter(|s| !s.is_empty()).collect()
    }
    /// An integer parameter; a malformed one is a 400, as Jira answers.
    pub fn int(&self, k: &str, default: i64) -> Result<i64, ApiError> {
        match self.get(k) {
            None | Some("") => Ok(default),
            Some(v) => v.trim().parse::<i64>().map_err(|_| ApiError::jira(StatusCode::BAD_REQUEST, format!("The '{k}' parameter must be an integer."))),
        }
    }
    pub fn bool(&self, k: &str) -> Option<bool> {
        self.get(k).map(|v| v.eq_ignore_ascii_case("true"))
    }
    pub fn map(&self) -> HashMap<String, String> {
        self.0.iter().cloned().collect()
    }
}

/// `startAt`/`maxResults` paging of a list, as Jira's `PageBean`s do.
pub fn page_bounds(q: &Params, default_max: i64, cap: i64, len: usize) -> Result<(usize, usize), ApiError> {
    let start = q.int("startAt", 0)?;
    let max = q.int("maxResults", default_max)?;
    if start < 0 {
        return Err(ApiError::jira(StatusCode::BAD_REQUEST, "The 'startAt' parameter must not be negative."));
    }
    if max < 0 {
        return Err(ApiError::jira(StatusCode::BAD_REQUEST, "The 'maxResults' parameter must not be negative."));
    }
    let start = (start as usize).min(len);
    let end = (start + max.min(cap) as usize).min(len);
    Ok((start, end))
}
