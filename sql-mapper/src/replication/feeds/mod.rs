//! The changes of a table since its last sync, one kind of feed per way Atlassian tells what
//! changed: a column of the last change with a scan of ids for what went (`updated_since`:
//! issues, pages, blog posts), the issues whose `updated` moved for the lists read per issue
//! (`per_issue`: comments, changelogs, watchers...), and Jira's worklog change feeds
//! (`worklogs`). Every other table is small enough to read whole: it has no feed.

mod per_issue;
mod updated_since;
mod worklogs;

use datafusion::arrow::datatypes::SchemaRef;

use super::merge::Delta;
use super::Run;
use crate::catalog::{Product, Source, TableDef};
use crate::replica::TableEntry;
use crate::MapperError;

/// How far before the last sync the changes are read again: JQL and CQL compare minutes (in the
/// user's zone), and Jira's worklog feed leaves out the minute before each request.
const OVERLAP_MILLIS: i64 = 10 * 60 * 1000;

enum Feed {
    /// Rows whose `column` is at or after the last sync, and an id scan for the rows gone.
    UpdatedSince { column: &'static str, issues: bool },
    /// A list read per issue: the rows of the issues updated since.
    PerIssue,
    /// `/worklog/updated`, `/worklog/deleted`, `POST /worklog/list`.
    Worklogs,
}

fn feed_of(def: &TableDef) -> Option<Feed> {
    match (def.product, def.name) {
        (Product::Jira, "Issues") => Some(Feed::UpdatedSince { column: "Updated", issues: true }),
        (Product::Confluence, "Pages" | "BlogPosts") => Some(Feed::UpdatedSince { column: "LastModified", issues: false }),
        (Product::Jira, "Worklogs") => Some(Feed::Worklogs),
        (Product::Jira, _) => match &def.source {
            Source::Lists(parts)
                if !parts.is_empty()
                    && parts.iter().all(|p| p.parent.is_some_and(|l| l.table == (Product::Jira, "Issues")))
                    && def.columns.iter().any(|c| c.name == "IssueId") =>
            {
                Some(Feed::PerIssue)
            }
            _ => None,
        },
        _ => None,
    }
}

/// The table's changes since `entry` was written; `None` when it has no feed, its last sync
/// time is unreadable, or so much changed that reading it whole is cheaper.
pub(super) async fn changes(run: &Run<'_>, def: &TableDef, entry: &TableEntry, schema: &SchemaRef) -> Result<Option<Delta>, MapperError> {
    let Some(feed) = feed_of(def) else { return Ok(None) };
    let Ok(last) = chrono::DateTime::parse_from_rfc3339(&entry.synced_at) else { return Ok(None) };
    let since = last.timestamp_millis() - OVERLAP_MILLIS;
    match feed {
        Feed::UpdatedSince { column, issues } => updated_since::changes(run, def, entry, schema, since, column, issues).await,
        Feed::PerIssue => per_issue::changes(run, def, since).await,
        Feed::Worklogs => worklogs::changes(run, def, entry, schema, since).await,
    }
}

/// `"Schema"."Table"`, for the SQL the feeds read with.
fn quoted(def: &TableDef) -> String {
    format!("\"{}\".\"{}\"", def.product.schema_name(), def.name)
}

/// `(1, 2, 3)`, ids for an `IN` list.
fn id_list(ids: &[i64]) -> String {
    format!("({})", ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn each_large_table_has_its_feed_and_small_ones_none() {
        let c = Catalog::standard();
        let feed = |s: &str, t: &str| feed_of(c.resolve(Some(s), t).unwrap());
        assert!(matches!(feed("Jira", "Issues"), Some(Feed::UpdatedSince { column: "Updated", issues: true })));
        assert!(matches!(feed("Confluence", "Pages"), Some(Feed::UpdatedSince { column: "LastModified", issues: false })));
        assert!(matches!(feed("Jira", "Worklogs"), Some(Feed::Worklogs)));
        for t in ["Comments", "Changelogs", "IssueWatchers", "IssueRemoteLinks"] {
            assert!(matches!(feed("Jira", t), Some(Feed::PerIssue)), "{t}");
        }
        for t in ["Projects", "Statuses", "Fields", "Sprints", "SprintIssues"] {
            assert!(feed("Jira", t).is_none(), "{t}");
        }
    }
}
