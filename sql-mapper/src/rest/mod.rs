//! The HTTP side: one client per connection, auth from `atlassian-oauth`, Atlassian's error
//! bodies turned into diagnostics.

mod client;
mod gate;
mod page_stream;
mod pruned;
mod retry;
mod spaces;

pub(crate) use client::auth_error;
pub use client::{AtlassianClient, Flavor, OrgAdmin, SiteConfig, Upload, DEFAULT_CONCURRENCY, ORG_ADMIN};
pub(crate) use page_stream::{take_array, with_params, Page, PageStream};
pub(crate) use pruned::{decode_page as decode_pruned, WantedPaths};
pub(crate) use spaces::space_directory;
