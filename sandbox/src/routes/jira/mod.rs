//! Jira platform REST API: v3 on Cloud (`/rest/api/3`; `/rest/api/2` beside it, whose search is
//! gone as on Cloud), v2 on Data Center (`/rest/api/2`, `startAt` search). The version is read from
//! the path, so one set of handlers serves both; v3 speaks ADF, v2 plain (wiki) text.

mod attachments;
mod governance;
pub(crate) use governance::{audit_text as governance_audit_text, parse_instant as governance_parse_instant};
mod issues;
pub(crate) mod meta;
mod remote_links;
pub mod render;
pub(crate) mod search;
mod watchers;
mod worklogs;

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;

use super::sourced::{Source, SourcedRoutes, Spec};
use crate::auth::Principal;
use crate::config::Flavor;
use crate::errors::ApiError;
use crate::state::Sandbox;

pub fn routes(flavor: Flavor) -> SourcedRoutes {
    let mut r = SourcedRoutes::new();
    let versions: &[&str] = match flavor {
        Flavor::Cloud => &["3", "2"],
        Flavor::Datacenter => &["2"],
    };
    for v in versions {
        let p = |s: &str| format!("/rest/api/{v}{s}");
        let src = Source::Spec(Spec::jira(flavor, v));
        r = r
            .get(&p("/serverInfo"), meta::server_info, src)
            .get(&p("/myself"), meta::myself, src)
            .get(&p("/project"), meta::projects_all, src)
            .get(&p("/project/search"), meta::project_search, src)
            .get(&p("/project/{key}"), meta::project_get, src)
            .get(&p("/project/{key}/components"), meta::project_components, src)
            .get(&p("/project/{key}/versions"), meta::project_versions, src)
            .get(&p("/project/{key}/version"), meta::project_versions_page, src)
            .post(&p("/component"), meta::component_create, src)
            .get(&p("/component/{id}"), meta::component_get, src)
            .put(&p("/component/{id}"), meta::component_update, src)
            .delete(&p("/component/{id}"), meta::component_delete, src)
            .post(&p("/version"), meta::version_create, src)
            .get(&p("/version/{id}"), meta::version_get, src)
            .put(&p("/version/{id}"), meta::version_update, src)
            .get(&p("/field"), meta::fields, src)
            .post(&p("/field"), meta::field_create, src)
            .get(&p("/issuetype"), meta::issue_types, src)
            .get(&p("/status"), meta::statuses, src)
            .get(&p("/statuscategory"), meta::status_categories, src)
            .get(&p("/priority"), meta::priorities, src)
            .get(&p("/priority/search"), meta::priorities_search, src)
            .get(&p("/resolution"), meta::resolutions, src)
            .get(&p("/resolution/search"), meta::resolutions_search, src)
            .get(&p("/issueLinkType"), meta::link_types, src)
            .get(&p("/user/search"), meta::user_query, src)
            .get(&p("/user"), meta::user_get, src)
            .get(&p("/group/member"), meta::group_members, src)
            .get(&p("/groups/picker"), meta::groups_picker, src)
            .get(&p("/filter/search"), meta::filter_search, src)
            .get(&p("/filter/my"), meta::filter_my, src)
            .get(&p("/filter/favourite"), meta::filter_favourite, src)
            .get(&p("/filter/{id}"), meta::filter_get, src)
            .post(&p("/issue"), issues::create, src)
            .get(&p("/issue/{key}"), issues::get, src)
            .put(&p("/issue/{key}"), issues::update, src)
            .delete(&p("/issue/{key}"), issues::delete, src)
            .get(&p("/issue/{key}/comment"), issues::comments, src)
            .post(&p("/issue/{key}/comment"), issues::comment_create, src)
            .get(&p("/issue/{key}/comment/{id}"), issues::comment_get, src)
            .put(&p("/issue/{key}/comment/{id}"), issues::comment_update, src)
            .delete(&p("/issue/{key}/comment/{id}"), issues::comment_delete, src)
            .get(&p("/issue/{key}/worklog"), issues::worklogs, src)
            .post(&p("/issue/{key}/worklog"), issues::worklog_create, src)
            .get(&p("/issue/{key}/worklog/{id}"), issues::worklog_get, src)
            .put(&p("/issue/{key}/worklog/{id}"), issues::worklog_update, src)
            .delete(&p("/issue/{key}/worklog/{id}"), issues::worklog_delete, src)
            .get(&p("/worklog/updated"), worklogs::updated, src)
            .get(&p("/worklog/deleted"), worklogs::deleted, src)
            .post(&p("/worklog/list"), worklogs::list, src)
            .get(&p("/issue/{key}/transitions"), issues::transitions, src)
            .post(&p("/issue/{key}/transitions"), issues::transition, src)
            .post(&p("/issueLink"), issues::link_create, src)
            .get(&p("/issueLink/{id}"), issues::link_get, src)
            .delete(&p("/issueLink/{id}"), issues::link_delete, src)
            .get(&p("/issue/{key}/watchers"), watchers::watchers, src)
            .post(&p("/issue/{key}/watchers"), watchers::watcher_add, src)
            .delete(&p("/issue/{key}/watchers"), watchers::watcher_remove, src)
            .get(&p("/issue/{key}/votes"), watchers::votes, src)
            .post(&p("/issue/{key}/votes"), watchers::vote_add, src)
            .delete(&p("/issue/{key}/votes"), watchers::vote_remove, src)
            .get(&p("/issue/{key}/remotelink"), remote_links::list, src)
            .post(&p("/issue/{key}/remotelink"), remote_links::create, src)
            .delete(&p("/issue/{key}/remotelink"), remote_links::delete_by_global_id, src)
            .get(&p("/issue/{key}/remotelink/{id}"), remote_links::get, src)
            .put(&p("/issue/{key}/remotelink/{id}"), remote_links::update, src)
            .delete(&p("/issue/{key}/remotelink/{id}"), remote_links::delete, src)
            .post(&p("/issue/{key}/attachments"), attachments::upload, src)
            .get(&p("/attachment/{id}"), attachments::get, src)
            .delete(&p("/attachment/{id}"), attachments::delete, src)
            .get(&p("/project/{key}/role"), governance::project_roles, src)
            .get(&p("/project/{key}/role/{id}"), governance::project_role, src)
            .get(&p("/role"), governance::roles, src)
            .get(&p("/role/{id}"), governance::role, src)
            .get(&p("/permissionscheme"), governance::permission_schemes, src)
            .get(&p("/permissionscheme/{id}"), governance::permission_scheme, src)
            .get(&p("/permissionscheme/{id}/permission"), governance::permission_grants, src)
            .get(&p("/permissionscheme/{id}/permission/{grant}"), governance::permission_grant, src)
            .get(&p("/project/{key}/permissionscheme"), governance::project_permission_scheme, src)
            .get(&p("/project/{key}/securitylevel"), governance::project_security_levels, src)
            .get(&p("/issuesecurityschemes"), governance::security_schemes, src)
            .get(&p("/issuesecurityschemes/{id}"), governance::security_scheme, src)
            .get(&p("/securitylevel/{id}"), governance::security_level, src)
            .get(&p("/dashboard"), governance::dashboards, src)
            .get(&p("/dashboard/{id}"), governance::dashboard, src);
        r = match flavor {
            // Cloud's paged lists and its plain version DELETE; Data Center 10.3 has none of them.
            Flavor::Cloud => r
                .get(&p("/project/{key}/component"), meta::project_components_page, src)
                .get(&p("/field/search"), meta::fields_search, src)
                .get(&p("/users/search"), meta::users_search, src)
                .get(&p("/group/bulk"), meta::groups_bulk, src)
                .get(&p("/issue/{key}/changelog"), issues::changelog, src)
                .get(&p("/attachment/content/{id}"), attachments::content, src)
                .get(&p("/workflow/search"), governance::workflow_search, src)
                .get(&p("/dashboard/search"), governance::dashboard_search, src)
                .get(&p("/auditing/record"), governance::audit_records, src)
                .delete(&p("/version/{id}"), meta::version_delete, src),
            Flavor::Datacenter => {
                r.post(&p("/version/{id}/removeAndSwap"), meta::version_remove_and_swap, src).get(&p("/workflow"), governance::workflows_dc, src)
            }
        };
    }
    let (v3, v2, dc) = (Source::Spec(Spec::JiraCloud), Source::Spec(Spec::JiraCloudV2), Source::Spec(Spec::JiraDc));
    match flavor {
        Flavor::Cloud => r
            .get("/rest/api/3/search/jql", search::search_jql_get, v3)
            .post("/rest/api/3/search/jql", search::search_jql_post, v3)
            .post("/rest/api/3/search/approximate-count", search::approximate_count, v3)
            .post("/rest/api/3/changelog/bulkfetch", issues::bulk_changelogs, v3)
            // Cloud serves the enhanced search under v2 too (text fields as strings there).
            .get("/rest/api/2/search/jql", search::search_jql_get, v2)
            .post("/rest/api/2/search/jql", search::search_jql_post, v2)
            .post("/rest/api/2/search/approximate-count", search::approximate_count, v2)
            // Still described, but answers 410 Gone since the enhanced search replaced it.
            .get("/rest/api/3/search", search::removed, v3)
            .post("/rest/api/3/search", search::removed, v3)
            .get("/rest/api/2/search", search::removed, v2)
            .post("/rest/api/2/search", search::removed, v2),
        Flavor::Datacenter => r.get("/rest/api/2/search", search::search_dc_get, dc).post("/rest/api/2/search", search::search_dc_post, dc).get(
            "/secure/attachment/{id}/{name}",
            attachments::servlet,
            ATTACHMENT_SERVLET,
        ),
    }
}

/// Data Center's attachment servlet: an attachment's metadata (`GET /api/2/attachment/{id}` of
/// the Data Center 10.3 description: "including the URI of the actual attached file") gives
/// its file's URI as `content`, which is this servlet
/// (https://developer.atlassian.com/server/jira/platform/rest/v10003/api-group-attachment/#api-api-2-attachment-id-get).
const ATTACHMENT_SERVLET: Source =
    Source::Doc("https://developer.atlassian.com/server/jira/platform/rest/v10003/api-group-attachment/#api-api-2-attachment-id-get");

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
        self.who
            .account()
            .ok_or_else(|| ApiError::jira(StatusCode::UNAUTHORIZED, "You are not authenticated. Authentication required to perform this operation."))
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

/// The handlers' unit tests: requests to a small seeded site in-process, through the whole
/// application (authentication, routing), as the start-up line's user (Alice) or admin.
#[cfg(test)]
pub(crate) mod testing {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::Request;
    use base64::Engine;
    use serde_json::Value;
    use tower::ServiceExt;

    use crate::config::{Config, Flavor};
    use crate::state::Sandbox;

    #[derive(Clone, Copy)]
    pub enum As {
        Alice,
        Admin,
        Anonymous,
    }

    pub struct TestSite {
        pub sb: Arc<Sandbox>,
        app: axum::Router,
    }

    impl TestSite {
        /// A small site of this flavor, its clock stopped (times read twice agree).
        pub fn new(flavor: Flavor) -> TestSite {
            let config = Config { flavor, issues: 40, pages: 4, blogposts: 2, ..Config::defaults() };
            let sb = Sandbox::new(config).expect("sandbox");
            sb.clock.stop(true);
            TestSite { app: crate::server::app(sb.clone()), sb }
        }

        /// The status and JSON body (null when there is none) of a request.
        pub async fn call(&self, who: As, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
            let mut req = Request::builder().method(method).uri(path).header("host", "jira.test");
            let c = &self.sb.config;
            let secret = match who {
                As::Alice => Some(format!("{}:{}", c.user, c.api_token)),
                As::Admin => Some(format!("{}:{}", c.admin_user, c.admin_api_token)),
                As::Anonymous => None,
            };
            if let Some(s) = secret {
                req = req.header("authorization", format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(s)));
            }
            let body = match body {
                Some(b) => {
                    req = req.header("content-type", "application/json");
                    Body::from(b.to_string())
                }
                None => Body::empty(),
            };
            let resp = self.app.clone().oneshot(req.body(body).expect("request")).await.expect("response");
            let status = resp.status().as_u16();
            let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.expect("body");
            (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
        }

        /// A GET as Alice that must answer 200.
        pub async fn get(&self, path: &str) -> Value {
            let (status, body) = self.call(As::Alice, "GET", path, None).await;
            assert_eq!(status, 200, "GET {path}: {body}");
            body
        }

        /// The clock's now in epoch milliseconds.
        pub fn now_ms(&self) -> i64 {
            self.sb.clock.now().timestamp_millis()
        }
    }
}
