//! Every Confluence space's id and key, as each flavor lists them: Cloud's v2
//! `/wiki/api/v2/spaces`, Data Center's v1 `/rest/api/space`. The one listing the scans
//! (splitting by space, `SpaceKey`) and the writes (Data Center names a new page's space by key)
//! read.

use serde_json::Value;

use super::{AtlassianClient, Flavor, PageStream};
use crate::catalog::{Paging, Product};
use crate::values::scalar_text;
use crate::MapperError;

/// (id, key) of every space the connection can see, in the site's order.
pub(crate) async fn space_directory(client: &AtlassianClient) -> Result<Vec<(String, String)>, MapperError> {
    // Cloud's largest v2 page and Data Center's v1 page.
    let mut spaces = match client.flavor() {
        Flavor::Cloud => PageStream::new(Product::Confluence, "/wiki/api/v2/spaces".into(), "/results", Paging::Cursor(250), 250),
        Flavor::DataCenter => PageStream::new(Product::Confluence, "/rest/api/space".into(), "/results", Paging::Start(200), 200),
    };
    let of = |s: &Value| Some((s.get("id").map(scalar_text)?, s.get("key").and_then(Value::as_str)?.to_string()));
    let mut out = Vec::new();
    while !spaces.is_done() {
        out.extend(spaces.next_page(client).await?.items.iter().filter_map(of));
    }
    Ok(out)
}
