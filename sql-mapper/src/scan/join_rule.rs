//! `JoinNarrowsParents`: a join on a table read per parent row narrows the parent rows visited.
//!
//! `Issues i JOIN Comments c ON c.IssueKey = i."Key" WHERE i.ProjectKey = 'X'`: Comments are
//! read issue by issue, and without this rule for every issue of the site, since the filter
//! names Issues only. The join keeps only comments of issues the other side has, so the
//! filters pushed into the other side's Issues scan can be pushed into the Issues scan that
//! Comments are read per row of: the same JQL, so the comments of project X's issues only.
//! Sound whenever the narrowed side's unmatched rows never reach the result (inner joins, the
//! inner side of outer joins, either semi/anti side's filter side); the rows the narrowed
//! side loses are rows no join partner exists for.

use std::sync::Arc;

use datafusion::catalog::default_table_source::{provider_as_source, source_as_provider};
use datafusion::common::tree_node::Transformed;
use datafusion::common::{JoinType, Result as DfResult};
use datafusion::logical_expr::{Expr, LogicalPlan, TableScan};
use datafusion::optimizer::{ApplyOrder, OptimizerConfig, OptimizerRule};

use super::AtlassianTable;

#[derive(Debug, Default)]
pub struct JoinNarrowsParents;

impl OptimizerRule for JoinNarrowsParents {
    fn name(&self) -> &str {
        "atlassian_join_narrows_parents"
    }

    fn apply_order(&self) -> Option<ApplyOrder> {
        Some(ApplyOrder::BottomUp)
    }

    fn rewrite(&self, plan: LogicalPlan, _config: &dyn OptimizerConfig) -> DfResult<Transformed<LogicalPlan>> {
        let LogicalPlan::Join(join) = &plan else { return Ok(Transformed::no(plan)) };
        let keys: Vec<(&str, &str)> = join
            .on
            .iter()
            .filter_map(|(l, r)| match (l, r) {
                (Expr::Column(l), Expr::Column(r)) => Some((l.name.as_str(), r.name.as_str())),
                _ => None,
            })
            .collect();
        // Which side may lose the rows without a partner: one whose unmatched rows are dropped.
        let (left_narrows, right_narrows) = match join.join_type {
            JoinType::Inner => (true, true),
            JoinType::Left | JoinType::LeftSemi | JoinType::LeftAnti => (false, true),
            JoinType::Right | JoinType::RightSemi | JoinType::RightAnti => (true, false),
            _ => (false, false),
        };
        let mut join = join.clone();
        let mut changed = false;
        if right_narrows {
            if let Some(new) = narrowed(&join.right, &join.left, keys.iter().map(|(l, r)| (*r, *l)))? {
                join.right = Arc::new(new);
                changed = true;
            }
        }
        if left_narrows {
            if let Some(new) = narrowed(&join.left, &join.right, keys.iter().map(|(l, r)| (*l, *r)))? {
                join.left = Arc::new(new);
                changed = true;
            }
        }
        Ok(if changed { Transformed::yes(LogicalPlan::Join(join)) } else { Transformed::no(plan) })
    }
}

/// The scan a side is, seen through aliases, filters and plain column projections (nothing
/// that changes which rows or what a column name means).
fn scan_of(plan: &LogicalPlan) -> Option<&TableScan> {
    match plan {
        LogicalPlan::TableScan(s) => Some(s),
        LogicalPlan::SubqueryAlias(a) => scan_of(&a.input),
        LogicalPlan::Filter(f) => scan_of(&f.input),
        LogicalPlan::Projection(p) if p.expr.iter().all(|e| matches!(e, Expr::Column(_))) => scan_of(&p.input),
        _ => None,
    }
}

fn table_of(scan: &TableScan) -> Option<Arc<dyn datafusion::datasource::TableProvider>> {
    let provider = source_as_provider(&scan.source).ok()?;
    provider.is::<AtlassianTable>().then_some(provider)
}

/// `side` with its scan narrowed by the filters pushed into `other`'s scan, when `side` is read
/// per row of `other`'s table and the join keys are the columns the parent rows bind.
fn narrowed<'a>(side: &LogicalPlan, other: &LogicalPlan, keys: impl Iterator<Item = (&'a str, &'a str)>) -> DfResult<Option<LogicalPlan>> {
    let (Some(scan), Some(other_scan)) = (scan_of(side), scan_of(other)) else { return Ok(None) };
    let (Some(child), Some(parent)) = (table_of(scan), table_of(other_scan)) else { return Ok(None) };
    let child: &AtlassianTable = (child.as_ref() as &dyn std::any::Any).downcast_ref().expect("checked above");
    let parent: &AtlassianTable = (parent.as_ref() as &dyn std::any::Any).downcast_ref().expect("checked above");
    if other_scan.filters.is_empty() {
        return Ok(None);
    }
    let keys: Vec<(&str, &str)> = keys.collect();
    let Some(part) = child.part_bound_by(parent, &keys) else { return Ok(None) };
    let Some(table) = child.with_parent_filters(part, &other_scan.filters) else { return Ok(None) };
    let new_source = provider_as_source(Arc::new(table));
    let replaced = replace_scan(side, &|s| TableScan { source: new_source.clone(), ..s.clone() });
    Ok(Some(replaced))
}

fn replace_scan(plan: &LogicalPlan, with: &dyn Fn(&TableScan) -> TableScan) -> LogicalPlan {
    match plan {
        LogicalPlan::TableScan(s) => LogicalPlan::TableScan(with(s)),
        other => {
            let inputs: Vec<LogicalPlan> = other.inputs().into_iter().map(|i| replace_scan(i, with)).collect();
            other.with_new_exprs(other.expressions(), inputs).expect("the same expressions over the same schema")
        }
    }
}
