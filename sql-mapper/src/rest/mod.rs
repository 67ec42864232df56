//! The HTTP side: one client per connection, auth from `atlassian-oauth`, Atlassian's error
//! bodies turned into diagnostics.

mod client;
mod retry;

pub use client::{AtlassianClient, Flavor, SiteConfig, Upload};
pub(crate) use client::auth_error;
