//! Every Confluence space's id and key, as each flavor lists them: Cloud's v2
//! `/wiki/api/v2/spaces` (cursor in `_links.next`), Data Center's v1 `/rest/api/space` (`start`
//! while `_links.next` is there). The one listing the scans (splitting by space, `SpaceKey`) and
//! the writes (Data Center names a new page's space by key) read.

use serde_json::Value;

use super::{AtlassianClient, Flavor};
use crate::catalog::Product;
use crate::values::scalar_text;
use crate::MapperError;

/// Cloud's largest v2 page and Data Center's v1 page.
const CLOUD_PAGE: usize = 250;
const DC_PAGE: usize = 200;

/// (id, key) of every space the connection can see, in the site's order.
pub(crate) async fn space_directory(client: &AtlassianClient) -> Result<Vec<(String, String)>, MapperError> {
    let mut out = Vec::new();
    let of = |s: &Value| Some((s.get("id").map(scalar_text)?, s.get("key").and_then(Value::as_str)?.to_string()));
    match client.flavor() {
        Flavor::Cloud => {
            let mut path = format!("/wiki/api/v2/spaces?limit={CLOUD_PAGE}");
            loop {
                let v = client.get_json(Product::Confluence, &path).await?;
                out.extend(v.get("results").and_then(Value::as_array).into_iter().flatten().filter_map(of));
                match v.pointer("/_links/next").and_then(Value::as_str) {
                    Some(n) => path = if n.starts_with("/wiki") { n.to_string() } else { format!("/wiki{n}") },
                    None => return Ok(out),
                }
            }
        }
        Flavor::DataCenter => loop {
            let v = client.get_json(Product::Confluence, &format!("/rest/api/space?start={}&limit={DC_PAGE}", out.len())).await?;
            let page: Vec<(String, String)> = v.get("results").and_then(Value::as_array).into_iter().flatten().filter_map(of).collect();
            let more = v.pointer("/_links/next").is_some() && !page.is_empty();
            out.extend(page);
            if !more {
                return Ok(out);
            }
        },
    }
}
