//! The result cache (`CacheTolerance`): the batches of a finished scan, kept per process and
//! keyed by the requests the scan sends (site, user, resource, pushed JQL/CQL/parameters,
//! fields, limit), so a dashboard that repeats a query within the tolerance sends nothing.
//!
//! Off unless `CacheTolerance` is given. Only scans read to their end are kept (a scan cut short
//! by a `LIMIT` or a closed cursor is not a whole answer); an answer larger than
//! [`MAX_ENTRY_BYTES`] is not kept, and the oldest entries go when the cache passes
//! [`MAX_BYTES`]. Any write or procedure through a connection to a site empties that site's
//! entries: the driver knows its own writes, not other clients' (hence a tolerance).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::Result as DfResult;
use futures::stream::BoxStream;
use futures::StreamExt;

const MAX_ENTRY_BYTES: usize = 64 << 20;
const MAX_BYTES: usize = 256 << 20;

/// Where a connection's scans are cached: its site and user, and for how long.
#[derive(Debug, Clone)]
pub(crate) struct CacheScope {
    /// The site (Jira and Confluence bases); entries are emptied by site.
    pub site: String,
    pub user: String,
    pub tolerance: Duration,
}

struct Entry {
    at: Instant,
    bytes: usize,
    batches: Arc<Vec<RecordBatch>>,
}

fn entries() -> &'static Mutex<HashMap<(String, String), Entry>> {
    static ENTRIES: OnceLock<Mutex<HashMap<(String, String), Entry>>> = OnceLock::new();
    ENTRIES.get_or_init(Default::default)
}

impl CacheScope {
    fn key(&self, request: &str) -> (String, String) {
        (self.site.clone(), format!("{}\u{1f}{request}", self.user))
    }

    /// The scan's batches from the cache, or the scan itself, kept when read to its end.
    pub fn serve(&self, request: String, scan: impl FnOnce() -> BoxStream<'static, DfResult<RecordBatch>>) -> BoxStream<'static, DfResult<RecordBatch>> {
        let key = self.key(&request);
        if let Some(hit) = fresh(&key, self.tolerance) {
            tracing::debug!(request = %request, "result cache hit");
            return futures::stream::iter((0..hit.len()).map(move |i| Ok(hit[i].clone()))).boxed();
        }
        futures::stream::unfold((scan(), Some(Vec::new()), 0usize, key), |(mut inner, mut kept, mut bytes, key)| async move {
            match inner.next().await {
                Some(Ok(batch)) => {
                    bytes += batch.get_array_memory_size();
                    match kept.as_mut() {
                        Some(k) if bytes <= MAX_ENTRY_BYTES => k.push(batch.clone()),
                        _ => kept = None,
                    }
                    Some((Ok(batch), (inner, kept, bytes, key)))
                }
                Some(Err(e)) => Some((Err(e), (inner, None, bytes, key))),
                None => {
                    if let Some(batches) = kept {
                        store(key, batches, bytes);
                    }
                    None
                }
            }
        })
        .boxed()
    }
}

fn fresh(key: &(String, String), tolerance: Duration) -> Option<Arc<Vec<RecordBatch>>> {
    let map = entries().lock().unwrap_or_else(|p| p.into_inner());
    map.get(key).filter(|e| e.at.elapsed() < tolerance).map(|e| e.batches.clone())
}

fn store(key: (String, String), batches: Vec<RecordBatch>, bytes: usize) {
    let mut map = entries().lock().unwrap_or_else(|p| p.into_inner());
    map.insert(key, Entry { at: Instant::now(), bytes, batches: Arc::new(batches) });
    // Oldest first out, until the whole cache fits.
    while map.values().map(|e| e.bytes).sum::<usize>() > MAX_BYTES {
        let Some(oldest) = map.iter().min_by_key(|(_, e)| e.at).map(|(k, _)| k.clone()) else { break };
        map.remove(&oldest);
    }
}

/// Empties a site's entries (after a write through the driver).
pub(crate) fn forget_site(site: &str) {
    entries().lock().unwrap_or_else(|p| p.into_inner()).retain(|(s, _), _| s != site);
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::Int64Array;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};

    fn batch(n: i64) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
        RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from(vec![n]))]).unwrap()
    }

    fn scope(site: &str, secs: u64) -> CacheScope {
        CacheScope { site: site.into(), user: "u".into(), tolerance: Duration::from_secs(secs) }
    }

    async fn read(s: BoxStream<'static, DfResult<RecordBatch>>) -> Vec<i64> {
        s.map(|b| b.unwrap().column(0).as_any().downcast_ref::<Int64Array>().unwrap().value(0)).collect().await
    }

    #[tokio::test]
    async fn a_whole_scan_is_served_again_and_a_write_forgets_it() {
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let scan = |calls: Arc<std::sync::atomic::AtomicUsize>| {
            move || {
                calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                futures::stream::iter(vec![Ok(batch(1)), Ok(batch(2))]).boxed()
            }
        };
        let s = scope("https://cache-test-a", 60);
        assert_eq!(read(s.serve("q".into(), scan(calls.clone()))).await, [1, 2]);
        assert_eq!(read(s.serve("q".into(), scan(calls.clone()))).await, [1, 2]);
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
        // Another request, another user, no tolerance: not served from the cache.
        read(s.serve("other".into(), scan(calls.clone()))).await;
        read(CacheScope { user: "v".into(), ..s.clone() }.serve("q".into(), scan(calls.clone()))).await;
        read(scope("https://cache-test-a", 0).serve("q".into(), scan(calls.clone()))).await;
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 4);
        forget_site("https://cache-test-a");
        read(s.serve("q".into(), scan(calls.clone()))).await;
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 5);
    }

    #[tokio::test]
    async fn a_scan_cut_short_or_failed_is_not_kept() {
        let s = scope("https://cache-test-b", 60);
        let mut first = s.serve("q".into(), || futures::stream::iter(vec![Ok(batch(1)), Ok(batch(2))]).boxed());
        first.next().await.unwrap().unwrap();
        drop(first);
        let failing =
            s.serve("q".into(), || futures::stream::iter(vec![Ok(batch(3)), Err(datafusion::error::DataFusionError::Execution("lost".into()))]).boxed());
        let _ = failing.collect::<Vec<_>>().await;
        assert_eq!(read(s.serve("q".into(), || futures::stream::iter(vec![Ok(batch(4))]).boxed())).await, [4]);
    }
}
