//! HTTP routes, one module per API family. Each family module exposes a `routes` function; this
//! module decides which the flavor serves and where (site URL, gateway).

pub mod access_tokens;
pub mod admin;
pub mod agile;
pub mod confluence;
pub mod control;
pub mod dc_oauth;
pub mod jira;
pub mod oauth;
pub mod service_desk;
pub mod sourced;
pub mod token_app;
pub mod tokens;
pub mod upload;

use crate::config::{Config, Flavor};
use sourced::{Listed, SourcedRoutes};

/// The product APIs, as served on the site's URL (and, on Cloud, under the gateway).
fn jira_api(config: &Config) -> SourcedRoutes {
    jira::routes(config.flavor).merge(agile::routes(config.flavor)).merge(service_desk::routes(config.flavor))
}

fn confluence_api(config: &Config) -> SourcedRoutes {
    match config.flavor {
        Flavor::Cloud => confluence::v2_routes().merge(confluence::v1_routes(config.flavor)),
        Flavor::Datacenter => confluence::v1_routes(config.flavor),
    }
}

/// The REST APIs on the site's own URL, as the flavor serves them, plus the token REST APIs
/// and, on Data Center, the API Token Authentication app's.
fn site_api(config: &Config) -> SourcedRoutes {
    let mut api = jira_api(config).merge(confluence_api(config));
    if !config.without_token_apis {
        api = api.merge(tokens::site_routes(config.flavor));
    }
    if config.flavor == Flavor::Datacenter && !config.without_token_app {
        api = api.merge(token_app::routes());
    }
    api
}

/// The same product APIs under the OAuth 2.0 gateway: `/ex/jira/{cloudId}/...`, `/ex/confluence/{cloudId}/...`.
/// Data Center has no gateway.
fn gateway_api(config: &Config) -> SourcedRoutes {
    match config.flavor {
        Flavor::Cloud => SourcedRoutes::new().nest("/ex/jira/{cloud_id}", jira_api(config)).nest("/ex/confluence/{cloud_id}", confluence_api(config)),
        Flavor::Datacenter => SourcedRoutes::new(),
    }
}

/// The authorization server (`/authorize`, `/oauth/token`, accessible resources), the token
/// pages, and Cloud's organization Admin APIs: routes that authenticate their callers themselves.
fn oauth_routes(config: &Config) -> SourcedRoutes {
    match config.flavor {
        Flavor::Cloud => oauth::routes().merge(admin::routes()),
        Flavor::Datacenter => dc_oauth::routes().merge(access_tokens::routes()),
    }
}

/// Everything a sandbox with a configuration serves, by the auth each part sits behind.
pub struct Served {
    pub site: SourcedRoutes,
    pub gateway: SourcedRoutes,
    pub oauth: SourcedRoutes,
    pub control: SourcedRoutes,
}

impl Served {
    pub fn new(config: &Config) -> Served {
        Served { site: site_api(config), gateway: gateway_api(config), oauth: oauth_routes(config), control: control::routes() }
    }

    /// Every method and path with its source, for the route-source test.
    pub fn listing(&self) -> Vec<Listed> {
        [&self.site, &self.gateway, &self.oauth, &self.control].iter().flat_map(|r| r.listed().to_vec()).collect()
    }
}
