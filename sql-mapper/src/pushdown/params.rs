//! `ParamBuilder`: filters → REST query parameters, for list resources that filter by
//! parameters rather than a query language (the Admin API's `q=`, `createdAtFrom=`…,
//! Confluence's `keys=`).
//!
//! Every parameter filter is `Inexact`: servers match names and text case-insensitively, dates
//! by whole ranges, and may refuse a value they cannot look up; the engine applies the exact
//! filter to what comes back. Only conjunctions push: a parameter cannot say "or".

use datafusion::logical_expr::expr::Like;
use datafusion::logical_expr::{Between, BinaryExpr, Expr, Operator};
use datafusion::scalar::ScalarValue;

use super::{column_name, literal, swap};
use crate::catalog::{Pushdown, TableDef};

/// One query parameter a filter became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParam {
    pub name: String,
    pub value: String,
    /// The server looks the value up and refuses the request when it knows no such thing (a
    /// user that does not exist, someone else's tokens): the scan may drop it and let the
    /// engine filter.
    pub droppable: bool,
}

pub struct ParamBuilder<'a> {
    table: &'a TableDef,
    /// The parameter names the endpoints read on this site accept.
    accepted: &'a dyn Fn(&str) -> bool,
}

impl<'a> ParamBuilder<'a> {
    pub fn new(table: &'a TableDef, accepted: &'a dyn Fn(&str) -> bool) -> ParamBuilder<'a> {
        ParamBuilder { table, accepted }
    }

    /// The parameters one filter becomes, or `None` when it cannot be pushed.
    pub fn translate(&self, e: &Expr) -> Option<Vec<QueryParam>> {
        match e {
            Expr::BinaryExpr(BinaryExpr { left, op: Operator::And, right }) => match (self.translate(left), self.translate(right)) {
                (Some(mut l), Some(r)) => {
                    l.extend(r);
                    Some(l)
                }
                (Some(one), None) | (None, Some(one)) => Some(one),
                (None, None) => None,
            },
            // `a = x OR a = y` (the engine's form of a short IN list): values of one list
            // parameter, which a repeated parameter ORs.
            Expr::BinaryExpr(BinaryExpr { left, op: Operator::Or, right }) => {
                let mut l = self.translate(left)?;
                let r = self.translate(right)?;
                let name = l.first()?.name.clone();
                l.extend(r);
                let listed = self.table.columns.iter().any(|c| matches!(&c.pushdown, Pushdown::Params(n) if *n == name));
                (listed && l.iter().all(|p| p.droppable && p.name == name)).then_some(l)
            }
            Expr::BinaryExpr(BinaryExpr { left, op, right }) => {
                let (col, lit, op) = match (column_name(left), literal(right)) {
                    (Some(c), Some(l)) => (c, l, *op),
                    _ => (column_name(right)?, literal(left)?, swap(*op)?),
                };
                self.comparison(&col, op, &lit)
            }
            Expr::InList(list) if !list.negated && !list.list.is_empty() => {
                let name = match self.pushdown(&column_name(&list.expr)?)? {
                    Pushdown::Params(n) => n.to_string(),
                    // A parameter of one value says nothing of a list of them.
                    Pushdown::Param(n) if list.list.len() == 1 => n.to_string(),
                    _ => return None,
                };
                list.list.iter().map(|item| Some(QueryParam { name: name.clone(), value: text_of(&literal(item)?)?, droppable: true })).collect()
            }
            Expr::Between(Between { expr, negated: false, low, high }) => {
                let col = column_name(expr)?;
                let mut lo = self.comparison(&col, Operator::GtEq, &literal(low)?)?;
                lo.extend(self.comparison(&col, Operator::LtEq, &literal(high)?)?);
                Some(lo)
            }
            Expr::Like(Like { negated: false, expr, pattern, escape_char: None, .. }) => {
                let name = match self.pushdown(&column_name(expr)?)? {
                    Pushdown::Contains(n) => n.to_string(),
                    _ => return None,
                };
                let fragment = longest_fragment(&text_of(&literal(pattern)?)?)?;
                Some(vec![QueryParam { name, value: fragment, droppable: false }])
            }
            _ => None,
        }
    }

    /// The column's parameter pushdown, when the endpoints accept its parameter(s).
    fn pushdown(&self, column: &str) -> Option<&'a Pushdown> {
        let p = &self.table.column(column)?.pushdown;
        let ok = match p {
            Pushdown::Param(n) | Pushdown::Params(n) | Pushdown::Contains(n) => (self.accepted)(n),
            Pushdown::Range(from, to) => (self.accepted)(from) && (self.accepted)(to),
            _ => false,
        };
        ok.then_some(p)
    }

    fn comparison(&self, col: &str, op: Operator, lit: &ScalarValue) -> Option<Vec<QueryParam>> {
        let one = |name: &str, value: String, droppable| Some(vec![QueryParam { name: name.to_string(), value, droppable }]);
        match (self.pushdown(col)?, op) {
            (Pushdown::Param(n) | Pushdown::Params(n), Operator::Eq) => one(n, text_of(lit)?, true),
            // Equal text contains itself: a superset the engine narrows.
            (Pushdown::Contains(n), Operator::Eq) => one(n, text_of(lit)?, false).filter(|_| !text_of(lit).unwrap_or_default().is_empty()),
            (Pushdown::Range(from, to), _) => {
                let t = millis_of(lit)?;
                // `from` is inclusive and `to` exclusive; a second past an upper bound keeps every
                // row the SQL bound keeps, whatever precision the server stores.
                let lower = |v: i64| QueryParam { name: from.to_string(), value: instant(v), droppable: false };
                let upper = |v: i64| QueryParam { name: to.to_string(), value: instant(v.saturating_add(1000)), droppable: false };
                match op {
                    Operator::Gt | Operator::GtEq => Some(vec![lower(t)]),
                    Operator::Lt | Operator::LtEq => Some(vec![upper(t)]),
                    Operator::Eq => Some(vec![lower(t), upper(t)]),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// Parameters for one request: several bounds on one range keep the narrowest (bounds are
/// written in one format, so they compare as text).
pub fn merged(params: &[QueryParam], ranges: &[(String, bool)]) -> Vec<QueryParam> {
    let mut out: Vec<QueryParam> = Vec::new();
    for p in params {
        let lower = ranges.iter().find(|(n, _)| *n == p.name).map(|(_, lower)| *lower);
        let same = out.iter().position(|q| q.name == p.name);
        match (lower, same) {
            (Some(true), Some(i)) if p.value > out[i].value => out[i].value = p.value.clone(),
            (Some(false), Some(i)) if p.value < out[i].value => out[i].value = p.value.clone(),
            (Some(_), Some(_)) => {}
            _ if out.contains(p) => {}
            _ => out.push(p.clone()),
        }
    }
    out
}

/// An instant as RFC 3339 with milliseconds in UTC.
fn instant(millis: i64) -> String {
    chrono::DateTime::from_timestamp_millis(millis).map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()).unwrap_or_default()
}

/// The longest run of literal characters in a `LIKE` pattern (every match contains it); `None`
/// when the pattern has none or uses the escape character.
fn longest_fragment(pattern: &str) -> Option<String> {
    if pattern.contains('\\') {
        return None;
    }
    pattern.split(['%', '_']).max_by_key(|f| f.chars().count()).filter(|f| !f.is_empty()).map(str::to_string)
}

/// A literal as the text a parameter carries (numbers as digits).
fn text_of(v: &ScalarValue) -> Option<String> {
    match v {
        ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)) => Some(s.clone()),
        ScalarValue::Int64(Some(x)) => Some(x.to_string()),
        ScalarValue::Int32(Some(x)) => Some(x.to_string()),
        _ => None,
    }
}

/// A timestamp or date literal (or ISO text) as milliseconds since the epoch, UTC.
pub(crate) fn millis_of(v: &ScalarValue) -> Option<i64> {
    Some(match v {
        ScalarValue::TimestampSecond(Some(s), _) => s.checked_mul(1000)?,
        ScalarValue::TimestampMillisecond(Some(ms), _) => *ms,
        ScalarValue::TimestampMicrosecond(Some(us), _) => us.div_euclid(1000),
        ScalarValue::TimestampNanosecond(Some(ns), _) => ns.div_euclid(1_000_000),
        ScalarValue::Date32(Some(d)) => (*d as i64) * 86_400_000,
        ScalarValue::Date64(Some(ms)) => *ms,
        // Text the engine did not turn into a timestamp: an RFC 3339 instant or a whole date only.
        ScalarValue::Utf8(Some(s)) if s.len() == 10 => {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis()
        }
        ScalarValue::Utf8(Some(s)) => crate::values::parse_timestamp_millis(s)?,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::{col, lit};

    fn tokens() -> TableDef {
        crate::catalog::Catalog::standard().table(crate::catalog::Product::Jira, "ApiTokens").unwrap().clone()
    }

    fn ts(ms: i64) -> Expr {
        Expr::Literal(ScalarValue::TimestampMillisecond(Some(ms), Some("UTC".into())), None)
    }

    fn pairs(p: Option<Vec<QueryParam>>) -> Vec<(String, String)> {
        p.unwrap_or_default().into_iter().map(|q| (q.name, q.value)).collect()
    }

    #[test]
    fn filters_become_parameters_the_endpoint_accepts() {
        let t = tokens();
        let all = |_: &str| true;
        let b = ParamBuilder::new(&t, &all);
        let spaces = crate::catalog::Catalog::standard().table(crate::catalog::Product::Confluence, "Spaces").unwrap().clone();
        let sb = ParamBuilder::new(&spaces, &all);
        let keys = sb.translate(&col("Key").in_list(vec![lit("A"), lit("B")], false)).unwrap();
        assert_eq!(keys.iter().map(|q| (q.name.as_str(), q.value.as_str(), q.droppable)).collect::<Vec<_>>(), vec![("keys", "A", true), ("keys", "B", true)]);
        assert_eq!(pairs(b.translate(&col("Description").like(lit("%Build_bot%")))), vec![("q".into(), "Build".into())]);
        assert_eq!(pairs(b.translate(&col("Description").ilike(lit("ci%")))), vec![("q".into(), "ci".into())]);
        assert_eq!(pairs(b.translate(&col("Description").eq(lit("CI")))), vec![("q".into(), "CI".into())]);
        assert!(b.translate(&col("Description").like(lit("%%"))).is_none(), "no literal text: nothing to send");
        assert!(b.translate(&col("Description").like(lit("a\\%b"))).is_none(), "escapes are not guessed at");
        // 2024-02-01T00:00Z
        let day = 1_706_745_600_000;
        assert_eq!(pairs(b.translate(&col("Created").gt_eq(ts(day)))), vec![("createdAtFrom".into(), "2024-02-01T00:00:00.000Z".into())]);
        assert_eq!(pairs(b.translate(&col("Created").lt(ts(day)))), vec![("createdAtTo".into(), "2024-02-01T00:00:01.000Z".into())]);
        assert_eq!(
            pairs(b.translate(&col("LastUsed").between(ts(day), ts(day + 86_400_000)))),
            vec![("lastActiveAtFrom".into(), "2024-02-01T00:00:00.000Z".into()), ("lastActiveAtTo".into(), "2024-02-02T00:00:01.000Z".into())]
        );
        // Only the Data Center app filters by expiry; the Admin API's endpoint does not take it.
        assert_eq!(pairs(b.translate(&col("Expires").lt(ts(day)))), vec![("untilExpiresDuring".into(), "2024-02-01T00:00:01.000Z".into())]);
        let admin_api = |n: &str| ["q", "createdAtFrom", "createdAtTo"].contains(&n);
        assert!(ParamBuilder::new(&t, &admin_api).translate(&col("Expires").lt(ts(day))).is_none());
        // A conjunction pushes what it can; a disjunction or a negation pushes nothing.
        assert_eq!(pairs(b.translate(&col("Description").eq(lit("a")).and(col("Id").eq(lit("x"))))), vec![("q".into(), "a".into())]);
        assert_eq!(pairs(sb.translate(&col("Key").eq(lit("A")).or(col("Key").eq(lit("B"))))), vec![("keys".into(), "A".into()), ("keys".into(), "B".into())]);
        assert!(b.translate(&col("Description").eq(lit("a")).or(col("Description").eq(lit("b")))).is_none(), "a substring parameter takes one value");
        assert!(sb.translate(&col("Key").eq(lit("A")).or(col("Type").eq(lit("global")))).is_none());
        // Status takes one value: a list of them is not pushed (the server would read only one).
        assert_eq!(pairs(sb.translate(&col("Type").eq(lit("global")))), vec![("type".into(), "global".into())]);
        assert!(sb.translate(&col("Type").in_list(vec![lit("global"), lit("personal")], false)).is_none());
        assert!(sb.translate(&col("Type").eq(lit("global")).or(col("Type").eq(lit("personal")))).is_none());
        assert!(sb.translate(&col("Key").eq(lit("A")).and(col("Type").eq(lit("global"))).or(col("Key").eq(lit("B")))).is_none());
        assert!(sb.translate(&col("Key").not_eq(lit("A"))).is_none());
        assert!(sb.translate(&col("Key").in_list(vec![lit("A")], true)).is_none());
        // An endpoint that takes no parameters (Data Center's PAT list) gets none.
        let none = |_: &str| false;
        assert!(ParamBuilder::new(&t, &none).translate(&col("Description").eq(lit("a"))).is_none());
    }

    #[test]
    fn bounds_on_one_range_keep_the_narrowest() {
        let q = |n: &str, v: &str| QueryParam { name: n.into(), value: v.into(), droppable: false };
        let ranges = vec![("createdAtFrom".to_string(), true), ("createdAtTo".to_string(), false)];
        let m = merged(
            &[
                q("createdAtFrom", "2024-01-01T00:00:00.000Z"),
                q("createdAtFrom", "2024-03-01T00:00:00.000Z"),
                q("createdAtTo", "2025-01-01T00:00:00.000Z"),
                q("createdAtTo", "2024-06-01T00:00:00.000Z"),
                q("keys", "a"),
                q("keys", "a"),
            ],
            &ranges,
        );
        assert_eq!(m, vec![q("createdAtFrom", "2024-03-01T00:00:00.000Z"), q("createdAtTo", "2024-06-01T00:00:00.000Z"), q("keys", "a")]);
    }
}
