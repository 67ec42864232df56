//! Tables with a column of their last change (`Jira.Issues.Updated`, the pages' and blog
//! posts' `LastModified`): the rows changed since the last sync (less an overlap) replace their
//! old ones, by id; an id-only scan finds the rows gone (deleted, trashed, moved out of sight).
//! For issues the scan runs only when Jira's count of the issues disagrees with the replica's,
//! and the issues that show a changed or removed one (its parent, epic, links, sub-tasks: Jira
//! does not move their `updated`) are read again too.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use datafusion::arrow::array::{Array, StringArray};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use serde_json::{json, Value};

use super::super::merge::{each_old_batch, ints, Delta, DropRule};
use super::super::{since_value, Run};
use super::{id_list, quoted};
use crate::catalog::{Flavor, Product, TableDef};
use crate::replica::TableEntry;
use crate::values::url_encode;
use crate::MapperError;

/// The columns of an issue that show other issues.
const REFERENCES: [&str; 4] = ["ParentKey", "EpicKey", "IssueLinks", "Subtasks"];
/// What those show of the other issue (its key first).
const SHOWN: [&str; 5] = ["Key", "Summary", "Status", "IssueType", "Priority"];
/// The JQL an unfiltered issue scan sends: the count must be of the same issues.
const ALL_ISSUES: &str = "created >= \"1970-01-01\"";
/// Issues read again per request (one JQL `id in (...)`).
const ISSUES_PER_QUERY: usize = 500;

pub(super) async fn changes(
    run: &Run<'_>,
    def: &TableDef,
    entry: &TableEntry,
    schema: &SchemaRef,
    since: i64,
    column: &str,
    issues: bool,
) -> Result<Option<Delta>, MapperError> {
    let changed_sql = format!("SELECT * FROM {} WHERE \"{column}\" >= $1", quoted(def));
    // Jira's count of the issues, asked at once with the changes (one round trip for both).
    let since = [since_value(since)];
    let (changed, count) = futures::join!(run.rows(&changed_sql, &since), async {
        match issues {
            true => issue_count(run).await,
            false => Ok(None),
        }
    });
    let (_, fresh) = changed?;
    let count = count?;
    let mut replaced: HashSet<i64> = fresh.iter().flat_map(|b| ints(b, "Id")).flatten().collect();
    // Most of the table changed: reading it whole is cheaper than merging.
    if replaced.len() as u64 * 2 > entry.rows {
        return Ok(None);
    }
    let mut old_ids = HashSet::new();
    each_old_batch(run.store, entry, schema, Some(&["Id"]), |b| {
        old_ids.extend(ints(&b, "Id").into_iter().flatten());
        Ok(())
    })?;
    let live: Option<HashSet<i64>> = if issues {
        // Every change makes an issue's `updated` move but its deletion: equal counts mean none went.
        let after = old_ids.union(&replaced).count() as u64;
        match count {
            Some(n) if n == after => None,
            _ => Some(run.issues().await?.keys.keys().copied().collect()),
        }
    } else {
        let (_, batches) = run.rows(&format!("SELECT \"Id\" FROM {}", quoted(def)), &[]).await?;
        Some(batches.iter().flat_map(|b| ints(b, "Id")).flatten().collect())
    };
    // The issues to read again are read while the merge runs.
    let mut reread = Vec::new();
    let mut reread_ids = HashSet::new();
    if issues {
        let mut again: Vec<i64> = shown_with(run, entry, schema, &fresh, &replaced, live.as_ref())?.into_iter().collect();
        again.sort_unstable();
        reread = again.chunks(ISSUES_PER_QUERY).map(|chunk| format!("SELECT * FROM {} WHERE \"Id\" IN {}", quoted(def), id_list(chunk))).collect();
        reread_ids.extend(again);
    }
    replaced.extend(&reread_ids);
    let mut drops = vec![DropRule::In("Id", replaced)];
    drops.extend(live.map(|l| DropRule::NotIn("Id", l)));
    Ok(Some(Delta { fresh, drops, issue_keys: None, reread, reread_ids }))
}

/// How many issues the unfiltered scan would read now: Cloud's approximate count, Data
/// Center's search total; `None` when the site does not say.
async fn issue_count(run: &Run<'_>) -> Result<Option<u64>, MapperError> {
    let client = run.session.client();
    let answer: Value = match client.flavor() {
        // POST /rest/api/3/search/approximate-count (Count issues using JQL).
        Flavor::Cloud => client.search_json(Product::Jira, "/rest/api/3/search/approximate-count", &json!({"jql": ALL_ISSUES})).await?,
        // GET /rest/api/2/search with maxResults=0: only the total.
        Flavor::DataCenter => client.get_json(Product::Jira, &format!("/rest/api/2/search?jql={}&maxResults=0&fields=id", url_encode(ALL_ISSUES))).await?,
    };
    Ok(answer.get("count").or_else(|| answer.get("total")).and_then(Value::as_u64))
}

/// The issue keys a text names (`ENG-12` in a parent key, a link's or a sub-task's JSON).
fn keys_in(text: &str) -> impl Iterator<Item = &str> {
    static KEY: OnceLock<regex::Regex> = OnceLock::new();
    KEY.get_or_init(|| regex::Regex::new(r"\b[A-Z][A-Z0-9_]+-[0-9]+\b").expect("a valid pattern")).find_iter(text).map(|m| m.as_str())
}

/// A text column of a batch as read (the replica's text columns are Utf8).
fn strings<'a>(b: &'a RecordBatch, name: &str) -> Option<&'a StringArray> {
    b.column_by_name(name)?.as_any().downcast_ref::<StringArray>()
}

/// What other issues show of row `row` (`SHOWN`, its key first), and the keys it names.
fn shown_and_references(b: &RecordBatch, row: usize) -> (Vec<Option<String>>, HashSet<String>) {
    let value = |c: &str| strings(b, c).filter(|a| a.is_valid(row)).map(|a| a.value(row));
    let shown = SHOWN.iter().map(|c| value(c).map(str::to_string)).collect();
    let refs = REFERENCES.iter().filter_map(|c| value(c)).flat_map(keys_in).map(str::to_string).collect();
    (shown, refs)
}

/// The unchanged issues whose rows show a changed or removed one as it no longer is (Jira
/// embeds an issue's key, summary, status, type and priority in the links, sub-tasks and parent
/// of others), or whose links or sub-tasks a changed, new or removed one added or dropped. Two
/// passes over the replica's key and reference columns: the old rows of the changed and removed
/// issues, then the rows that name one of them (one search for all their keys at once).
fn shown_with(
    run: &Run<'_>,
    entry: &TableEntry,
    schema: &SchemaRef,
    fresh: &[RecordBatch],
    replaced: &HashSet<i64>,
    live: Option<&HashSet<i64>>,
) -> Result<HashSet<i64>, MapperError> {
    let gone = |id: i64| live.is_some_and(|l| !l.contains(&id));
    let mut now: HashMap<i64, (Vec<Option<String>>, HashSet<String>)> = HashMap::new();
    for b in fresh {
        for (row, id) in ints(b, "Id").into_iter().enumerate() {
            if let Some(id) = id {
                now.insert(id, shown_and_references(b, row));
            }
        }
    }
    let mut changed_keys: HashSet<String> = HashSet::new();
    let mut shown: HashSet<String> = HashSet::new();
    let mut had_old: HashSet<i64> = HashSet::new();
    let columns: Vec<&str> = ["Id"].into_iter().chain(SHOWN).chain(REFERENCES).collect();
    each_old_batch(run.store, entry, schema, Some(&columns), |b| {
        for (row, id) in ints(&b, "Id").into_iter().enumerate() {
            let Some(id) = id else { continue };
            if let Some((is, refs_now)) = now.get(&id) {
                let (was, refs) = shown_and_references(&b, row);
                had_old.insert(id);
                if *is != was {
                    changed_keys.extend(was[0].clone());
                    changed_keys.extend(is[0].clone());
                }
                shown.extend(refs.symmetric_difference(refs_now).cloned());
            } else if gone(id) {
                let (was, refs) = shown_and_references(&b, row);
                changed_keys.extend(was[0].clone());
                shown.extend(refs);
            }
        }
        Ok(())
    })?;
    for (id, (_, refs)) in &now {
        if !had_old.contains(id) {
            shown.extend(refs.iter().cloned());
        }
    }
    let mut again = HashSet::new();
    if changed_keys.is_empty() && shown.is_empty() {
        return Ok(again);
    }
    // Any of the changed keys, as a whole key: one scan of each text finds them all.
    let names_changed = match changed_keys.is_empty() {
        true => None,
        false => {
            let alternatives: Vec<String> = changed_keys.iter().map(|k| regex::escape(k)).collect();
            Some(regex::Regex::new(&format!(r"\b(?:{})\b", alternatives.join("|"))).map_err(|e| MapperError::new(crate::SqlState::General, e.to_string()))?)
        }
    };
    let columns: Vec<&str> = ["Id", "Key"].into_iter().chain(REFERENCES).collect();
    each_old_batch(run.store, entry, schema, Some(&columns), |b| {
        let keys = strings(&b, "Key");
        let refs: Vec<&StringArray> = REFERENCES.iter().filter_map(|c| strings(&b, c)).collect();
        for (row, id) in ints(&b, "Id").into_iter().enumerate() {
            let Some(id) = id.filter(|id| !replaced.contains(id) && !gone(*id)) else { continue };
            let shows_changed = || names_changed.as_ref().is_some_and(|re| refs.iter().any(|a| a.is_valid(row) && re.is_match(a.value(row))));
            if keys.is_some_and(|k| k.is_valid(row) && shown.contains(k.value(row))) || shows_changed() {
                again.insert(id);
            }
        }
        Ok(())
    })?;
    Ok(again)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_in_links_and_parents() {
        let links = r#"[{"type":"Blocks","outwardIssue":"ENG-12","summary":"Fix OPS-3 first"},{"inwardIssue":"A_B2-7"}]"#;
        assert_eq!(keys_in(links).collect::<Vec<_>>(), ["ENG-12", "OPS-3", "A_B2-7"]);
        assert_eq!(keys_in("ENG-1").collect::<Vec<_>>(), ["ENG-1"]);
        assert!(keys_in("e-1 ENG- -12 x-ENG").next().is_none());
    }
}
