//! Lists read per issue (comments, changelogs, watchers, links...): Jira moves an issue's
//! `updated` when they change, so the rows of the issues updated since the last sync are read
//! again (a key-only search names them), and the rows of issues gone are dropped.

use std::collections::HashSet;

use super::super::merge::{Delta, DropRule};
use super::super::Run;
use super::{id_list, quoted};
use crate::catalog::TableDef;
use crate::MapperError;

/// Issues a request reads the lists of (their ids go into one JQL `id in (...)`).
const ISSUES_PER_QUERY: usize = 200;

pub(super) async fn changes(run: &Run<'_>, def: &TableDef, since: i64) -> Result<Option<Delta>, MapperError> {
    let changed = run.issues_changed_since(since).await?;
    let live: HashSet<i64> = run.issues().await?.keys.keys().copied().collect();
    // Most issues changed: reading the table whole costs no more.
    if changed.len() * 2 > live.len().max(1) {
        return Ok(None);
    }
    let mut ids: Vec<i64> = changed.iter().copied().filter(|i| live.contains(i)).collect();
    ids.sort_unstable();
    let mut fresh = Vec::new();
    for chunk in ids.chunks(ISSUES_PER_QUERY) {
        let (_, batches) = run.rows(&format!("SELECT * FROM {} WHERE \"IssueId\" IN {}", quoted(def), id_list(chunk)), &[]).await?;
        fresh.extend(batches);
    }
    Ok(Some(Delta {
        fresh,
        drops: vec![DropRule::In("IssueId", changed), DropRule::NotIn("IssueId", live)],
        issue_keys: None,
        reread: Vec::new(),
        reread_ids: HashSet::new(),
    }))
}
