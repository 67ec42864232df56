//! Every route the sandbox serves, with where Atlassian documents it. A sandbox that agrees with
//! the driver about an API Atlassian does not have proves nothing, so routes are only added
//! through [`SourcedRoutes`], which records each method and path with its [`Source`]; the
//! route-source test (`tests/route_sources.rs`) checks every spec source against the reference
//! descriptions and refuses a route without one.

use std::sync::Arc;

use axum::handler::Handler;
use axum::routing::{on, MethodFilter};
use axum::Router;

use crate::config::Flavor;
use crate::state::Sandbox;

/// A reference description in `../shared/reference/atlassian-openapi/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spec {
    /// Jira Cloud platform REST API v3.
    JiraCloud,
    /// Jira Cloud platform REST API v2: the same operations as v3 under `/rest/api/2`, text
    /// fields as strings instead of ADF
    /// (https://developer.atlassian.com/cloud/jira/platform/rest/v2/intro/).
    JiraCloudV2,
    /// Jira Software Cloud (agile).
    JiraAgile,
    ConfluenceV1,
    ConfluenceV2,
    /// Jira Service Management Cloud (`/rest/servicedeskapi`).
    ServiceManagement,
    /// Jira Software Data Center 10.3 (platform v2 and agile).
    JiraDc,
    ConfluenceDc,
    /// The Admin "API access" API, on the gateway host.
    AdminApiAccess,
    /// The Admin user-management API, on the gateway host.
    AdminUserManagement,
}

impl Spec {
    pub fn file(self) -> &'static str {
        match self {
            Spec::JiraCloud | Spec::JiraCloudV2 => "jira-platform-v3.openapi.json",
            Spec::JiraAgile => "jira-software-agile.openapi.json",
            Spec::ConfluenceV1 => "confluence-v1.openapi.json",
            Spec::ConfluenceV2 => "confluence-v2.openapi.json",
            Spec::ServiceManagement => "jira-service-management.openapi.json",
            Spec::JiraDc => "jira-software-dc-10.3.openapi.json",
            Spec::ConfluenceDc => "confluence-dc-10.0.3.openapi.json",
            Spec::AdminApiAccess => "admin-api-access.openapi.json",
            Spec::AdminUserManagement => "admin-user-management.openapi.json",
        }
    }

    /// The path a route has in the description: the part of the route's path that the
    /// description's server URL holds is taken off (Data Center's `/rest`, v2's `/wiki/api/v2`,
    /// the Admin API's `/admin/api-access/v1`), and v2 is looked up as the v3 it mirrors.
    pub fn described_path(self, path: &str) -> Option<String> {
        let strip = |prefix: &str| path.strip_prefix(prefix).map(str::to_string);
        match self {
            Spec::JiraDc => strip("/rest"),
            Spec::ConfluenceV2 => strip("/wiki/api/v2"),
            Spec::AdminApiAccess => strip("/admin/api-access/v1"),
            Spec::JiraCloudV2 => path.strip_prefix("/rest/api/2/").map(|rest| format!("/rest/api/3/{rest}")),
            _ => Some(path.to_string()),
        }
    }

    /// The Jira platform API of a flavor, by version (`3` or `2`).
    pub fn jira(flavor: Flavor, version: &str) -> Spec {
        match (flavor, version) {
            (Flavor::Datacenter, _) => Spec::JiraDc,
            (Flavor::Cloud, "2") => Spec::JiraCloudV2,
            (Flavor::Cloud, _) => Spec::JiraCloud,
        }
    }

    pub fn agile(flavor: Flavor) -> Spec {
        match flavor {
            Flavor::Cloud => Spec::JiraAgile,
            Flavor::Datacenter => Spec::JiraDc,
        }
    }

    pub fn confluence_v1(flavor: Flavor) -> Spec {
        match flavor {
            Flavor::Cloud => Spec::ConfluenceV1,
            Flavor::Datacenter => Spec::ConfluenceDc,
        }
    }
}

/// Where Atlassian documents a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// An operation of a reference description.
    Spec(Spec),
    /// A documentation page (HTML pages, sign-in, Marketplace apps, APIs without a description).
    Doc(&'static str),
    /// The sandbox's own control API under `/__sandbox/`: tests drive the emulator with it; the
    /// driver never calls it.
    Control,
}

/// One method on one path, as served.
#[derive(Clone, Debug)]
pub struct Listed {
    pub method: &'static str,
    pub path: String,
    pub source: Source,
}

/// A router that knows where each of its routes comes from.
pub struct SourcedRoutes {
    router: Router<Arc<Sandbox>>,
    listed: Vec<Listed>,
}

impl Default for SourcedRoutes {
    fn default() -> Self {
        SourcedRoutes::new()
    }
}

impl SourcedRoutes {
    pub fn new() -> SourcedRoutes {
        SourcedRoutes { router: Router::new(), listed: Vec::new() }
    }

    /// Serves `handler` for `method` on `path`; routes on one path merge as axum's do.
    pub fn at<H, T>(mut self, method: MethodFilter, name: &'static str, path: &str, handler: H, source: Source) -> SourcedRoutes
    where
        H: Handler<T, Arc<Sandbox>>,
        T: 'static,
    {
        self.router = self.router.route(path, on(method, handler));
        self.listed.push(Listed { method: name, path: path.to_string(), source });
        self
    }

    pub fn get<H: Handler<T, Arc<Sandbox>>, T: 'static>(self, path: &str, handler: H, source: Source) -> SourcedRoutes {
        self.at(MethodFilter::GET, "GET", path, handler, source)
    }

    pub fn post<H: Handler<T, Arc<Sandbox>>, T: 'static>(self, path: &str, handler: H, source: Source) -> SourcedRoutes {
        self.at(MethodFilter::POST, "POST", path, handler, source)
    }

    pub fn put<H: Handler<T, Arc<Sandbox>>, T: 'static>(self, path: &str, handler: H, source: Source) -> SourcedRoutes {
        self.at(MethodFilter::PUT, "PUT", path, handler, source)
    }

    pub fn patch<H: Handler<T, Arc<Sandbox>>, T: 'static>(self, path: &str, handler: H, source: Source) -> SourcedRoutes {
        self.at(MethodFilter::PATCH, "PATCH", path, handler, source)
    }

    pub fn delete<H: Handler<T, Arc<Sandbox>>, T: 'static>(self, path: &str, handler: H, source: Source) -> SourcedRoutes {
        self.at(MethodFilter::DELETE, "DELETE", path, handler, source)
    }

    pub fn merge(mut self, other: SourcedRoutes) -> SourcedRoutes {
        self.router = self.router.merge(other.router);
        self.listed.extend(other.listed);
        self
    }

    /// `other` under `prefix` (the OAuth gateway's `/ex/jira/{cloud_id}`): the same operations,
    /// so the same sources.
    pub fn nest(mut self, prefix: &str, other: SourcedRoutes) -> SourcedRoutes {
        self.router = self.router.nest(prefix, other.router);
        self.listed.extend(other.listed.into_iter().map(|l| Listed { path: format!("{prefix}{}", l.path), ..l }));
        self
    }

    pub fn listed(&self) -> &[Listed] {
        &self.listed
    }

    pub fn into_router(self) -> Router<Arc<Sandbox>> {
        self.router
    }
}
