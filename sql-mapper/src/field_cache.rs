//! Jira's field list (`/rest/api/{2,3}/field`), which names and types the custom-field columns
//! of `Jira.Issues`, kept per process for `MetadataCacheSeconds` so that a BI tool opening many
//! short connections does not fetch it each time. Keyed by site and user: fields can be hidden
//! from some users.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::Value;

type Key = (String, String);
/// Each site and user's field list, with when it was read.
type Entries = Mutex<HashMap<Key, (Instant, Arc<Value>)>>;

fn entries() -> &'static Entries {
    static ENTRIES: OnceLock<Entries> = OnceLock::new();
    ENTRIES.get_or_init(Default::default)
}

/// The cached field list of this site and user, if younger than `max_age`.
pub(crate) fn fresh(site: &str, user: &str, max_age: Duration) -> Option<Arc<Value>> {
    if max_age.is_zero() {
        return None;
    }
    let map = entries().lock().unwrap_or_else(|p| p.into_inner());
    map.get(&(site.to_string(), user.to_string())).filter(|(at, _)| at.elapsed() < max_age).map(|(_, v)| v.clone())
}

pub(crate) fn store(site: &str, user: &str, fields: Arc<Value>) {
    let mut map = entries().lock().unwrap_or_else(|p| p.into_inner());
    map.insert((site.to_string(), user.to_string()), (Instant::now(), fields));
}
