//! `atlassian-sandbox`: a faithful local emulator of Atlassian Confluence and Jira (Cloud and Data
//! Center) and of Atlassian's OAuth 2.0 authorization server, with deterministic data, fault
//! injection and a control API. It shares no code with the driver, so a bug cannot hide by being
//! the same on both sides.

pub mod auth;
pub mod config;
pub mod cql;
pub mod credentials;
pub mod errors;
pub mod faults;
pub mod jql;
pub mod model;
pub mod oauth1;
pub mod routes;
pub mod seed;
pub mod seed_governance;
pub mod seed_service;
pub mod server;
pub mod state;

pub use config::{Config, Flavor};
pub use state::Sandbox;
