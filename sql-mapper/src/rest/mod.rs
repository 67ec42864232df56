//! The HTTP side: one client per connection, auth from `atlassian-oauth`, Atlassian's error
//! bodies turned into diagnostics.

mod client;
mod gate;
mod retry;

pub use client::{AtlassianClient, Flavor, SiteConfig, Upload, DEFAULT_CONCURRENCY};
pub(crate) use client::auth_error;
