//! `JqlBuilder`: DataFusion filter expressions → JQL, and (`JqlBuilder::cql`) → CQL, whose
//! clauses, literals and date forms are the same for what is pushed; CQL has no `IS EMPTY`.
//!
//! Care points, each a reason a filter is `Inexact` rather than `Exact`:
//! - JQL `=` on names (status, project, priority, ...) is case-insensitive; SQL's is not.
//! - JQL dates have minute precision and are read in the user's time zone: a timestamp bound is
//!   widened by a day on the safe side, and DataFusion applies the exact bound.
//! - JQL `~` is a word search, never `LIKE`: `LIKE` is not pushed at all.
//! - `NOT` is pushed only around an `Exact` filter (the negation of a superset is not a superset).
//!
//! Literals are always quoted and escaped, so no value can change the query's structure.

use datafusion::logical_expr::{Between, BinaryExpr, Expr, Operator};
use datafusion::scalar::ScalarValue;

use super::{column_name, literal, swap, Fidelity, Pushed};
use crate::catalog::{Pushdown, TableDef};

/// A JQL string literal: double-quoted, with `"` and `\` escaped and control characters as
/// JQL escapes, so the value stays one literal whatever it contains.
pub fn quote(value: &str) -> String {
    quoted_with(value, true)
}

/// A CQL string literal: CQL knows only the escapes `\"`, `\'` and `\\`; other characters,
/// line breaks included, stand for themselves inside the quotes.
pub fn quote_cql(value: &str) -> String {
    quoted_with(value, false)
}

fn quoted_with(value: &str, control_escapes: bool) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' if control_escapes => out.push_str("\\n"),
            '\r' if control_escapes => out.push_str("\\r"),
            '\t' if control_escapes => out.push_str("\\t"),
            c if control_escapes && c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What kind of JQL field a column maps to: decides operators and literal forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldKind {
    /// Numeric ids: exact comparisons.
    Number,
    /// Issue keys: exact within a project for `=`, but `ENG-1` and `eng-1` are the same key.
    Key,
    /// Names compared case-insensitively by Jira.
    Name,
    /// Account ids: exact.
    Account,
    Timestamp,
    Date,
}

pub struct JqlBuilder<'a> {
    table: &'a TableDef,
    cql: bool,
}

impl<'a> JqlBuilder<'a> {
    pub fn new(table: &'a TableDef) -> JqlBuilder<'a> {
        JqlBuilder { table, cql: false }
    }

    /// The same translation into Confluence's CQL.
    pub fn cql(table: &'a TableDef) -> JqlBuilder<'a> {
        JqlBuilder { table, cql: true }
    }

    /// Issue-naming clauses make Jira refuse a query naming a missing issue; CQL has none.
    fn naming(&self, clause: &str) -> bool {
        !self.cql && names_values(clause)
    }

    fn clause(&self, column: &str) -> Option<(String, FieldKind, bool)> {
        let col = self.table.column(column)?;
        let kind = match col.sql_type {
            crate::catalog::SqlType::BigInt | crate::catalog::SqlType::Integer | crate::catalog::SqlType::Double => FieldKind::Number,
            crate::catalog::SqlType::Timestamp => FieldKind::Timestamp,
            crate::catalog::SqlType::Date => FieldKind::Date,
            _ => match &col.pushdown {
                Pushdown::Query(_, crate::catalog::QueryValue::Key) => FieldKind::Key,
                Pushdown::Query(_, crate::catalog::QueryValue::Account) => FieldKind::Account,
                _ => FieldKind::Name,
            },
        };
        match &col.pushdown {
            Pushdown::Query(c, _) => Some((c.to_string(), kind, false)),
            Pushdown::Raw => Some((String::new(), kind, true)),
            _ => None,
        }
    }

    /// Translates one filter, or `None` when it cannot be pushed.
    pub fn translate(&self, e: &Expr) -> Option<Pushed> {
        match e {
            Expr::BinaryExpr(BinaryExpr { left, op: Operator::And, right }) => {
                // Either side alone is still a superset of the conjunction.
                match (self.translate(left), self.translate(right)) {
                    (Some(l), Some(r)) => Some(Pushed::join(l, "AND", r)),
                    (Some(one), None) | (None, Some(one)) => Some(Pushed { fidelity: Fidelity::Inexact, ..one }),
                    (None, None) => None,
                }
            }
            Expr::BinaryExpr(BinaryExpr { left, op: Operator::Or, right }) => {
                let (l, r) = (self.translate(left)?, self.translate(right)?);
                Some(Pushed::join(l, "OR", r))
            }
            Expr::Not(inner) => {
                let p = self.translate(inner)?;
                (p.fidelity == Fidelity::Exact).then(|| Pushed { text: format!("NOT ({})", p.text), ..p })
            }
            Expr::BinaryExpr(BinaryExpr { left, op, right }) => {
                let (col, lit, op) = match (column_name(left), literal(right)) {
                    (Some(c), Some(l)) => (c, l, *op),
                    _ => (column_name(right)?, literal(left)?, swap(*op)?),
                };
                self.comparison(&col, op, &lit)
            }
            Expr::InList(list) => {
                let col = column_name(&list.expr)?;
                let (clause, kind, raw) = self.clause(&col)?;
                if raw || list.list.is_empty() {
                    return None;
                }
                let mut values = Vec::new();
                for item in &list.list {
                    values.push(self.value(kind, &literal(item)?)?);
                }
                let op = if list.negated { "NOT IN" } else { "IN" };
                // NOT IN over a case-insensitive match excludes more than SQL would: not pushed.
                if list.negated && kind_is_fuzzy(kind) {
                    return None;
                }
                // JQL's NOT IN also drops issues where the field is empty; SQL's NOT IN drops NULLs too.
                Some(
                    Pushed { text: format!("{clause} {op} ({})", values.join(", ")), fidelity: fidelity_of(kind), names_values: false }
                        .value_naming(self.naming(&clause)),
                )
            }
            Expr::IsNull(inner) | Expr::IsNotNull(inner) => {
                let col = column_name(inner)?;
                let (clause, _kind, raw) = self.clause(&col)?;
                if raw || self.cql {
                    return None;
                }
                let is = if matches!(e, Expr::IsNull(_)) { "IS EMPTY" } else { "IS NOT EMPTY" };
                Some(Pushed::exact(format!("{clause} {is}")))
            }
            Expr::Between(Between { expr, negated: false, low, high }) => {
                let col = column_name(expr)?;
                let lo = self.comparison(&col, Operator::GtEq, &literal(low)?)?;
                let hi = self.comparison(&col, Operator::LtEq, &literal(high)?)?;
                Some(Pushed::join(lo, "AND", hi))
            }
            _ => None,
        }
    }

    fn comparison(&self, col: &str, op: Operator, lit: &ScalarValue) -> Option<Pushed> {
        let (clause, kind, raw) = self.clause(col)?;
        if raw {
            // WHERE JQL = '...': the text is JQL, ANDed in as written.
            return match (op, scalar_text(lit)) {
                (Operator::Eq, Some(text)) if !text.trim().is_empty() => Some(Pushed::exact(text)),
                _ => None,
            };
        }
        let jql_op = match op {
            Operator::Eq => "=",
            Operator::NotEq => "!=",
            Operator::Lt => "<",
            Operator::LtEq => "<=",
            Operator::Gt => ">",
            Operator::GtEq => ">=",
            _ => return None,
        };
        match kind {
            FieldKind::Timestamp | FieldKind::Date => {
                // Widen by a day on the safe side of the bound; DataFusion applies the exact bound.
                let day = widened_day(lit, op)?;
                let (jop, value) = match op {
                    Operator::Gt | Operator::GtEq => (">=", day),
                    Operator::Lt | Operator::LtEq => ("<", day),
                    Operator::Eq => {
                        let hi = widened_day(lit, Operator::Lt)?;
                        let lo = widened_day(lit, Operator::Gt)?;
                        return Some(Pushed::inexact(format!("{clause} >= {} AND {clause} < {}", self.quoted(&lo), self.quoted(&hi))));
                    }
                    _ => return None,
                };
                Some(Pushed::inexact(format!("{clause} {jop} {}", self.quoted(&value))))
            }
            _ => {
                // Ordering comparisons on names and keys follow Jira's collation, not SQL's; CQL
                // compares ids for equality only.
                if !matches!(op, Operator::Eq | Operator::NotEq) && (kind != FieldKind::Number || self.cql) {
                    return None;
                }
                // != on a case-insensitive field would drop rows SQL keeps ('Done' != 'done').
                if op == Operator::NotEq && kind_is_fuzzy(kind) {
                    return None;
                }
                let value = self.value(kind, lit)?;
                // Jira's != also drops issues where the field is empty; so does SQL's <>.
                Some(Pushed { text: format!("{clause} {jql_op} {value}"), fidelity: fidelity_of(kind), names_values: false }.value_naming(self.naming(&clause)))
            }
        }
    }

    fn value(&self, kind: FieldKind, lit: &ScalarValue) -> Option<String> {
        match kind {
            // Confluence content ids are positive (found by fuzzing: `id = -3` made the whole
            // CQL query fail); no content has another id, so the engine filters.
            FieldKind::Number if self.cql => scalar_number(lit).filter(|n| !n.starts_with('-')),
            FieldKind::Number => scalar_number(lit),
            // Jira refuses text that is not shaped like an issue key; no issue has such a key,
            // so the engine alone filters.
            FieldKind::Key => scalar_text(lit).filter(|s| looks_like_issue_key(s)).map(|s| self.quoted(&s)),
            // Dates and times compare as ranges (see `comparison`); as list items or other text
            // they would be sent as the site's date syntax, which they may not be (found by
            // fuzzing: `Created IN ('')` made Confluence refuse the whole query).
            FieldKind::Timestamp | FieldKind::Date => None,
            _ => scalar_text(lit).map(|s| self.quoted(&s)),
        }
    }

    fn quoted(&self, s: &str) -> String {
        if self.cql {
            quote_cql(s)
        } else {
            quote(s)
        }
    }
}

/// `PROJ-123`: a project key (a letter, then letters, digits or `_`), a dash, a number.
fn looks_like_issue_key(s: &str) -> bool {
    let Some((project, number)) = s.rsplit_once('-') else { return false };
    let mut chars = project.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}

/// Clauses whose values Jira looks up: it rejects the whole query ("The value 'x' does not
/// exist for the field 'priority'") when one does not exist. Free-text fields and dates are not.
fn names_values(clause: &str) -> bool {
    matches!(
        clause,
        "key"
            | "id"
            | "issuekey"
            | "parent"
            | "project"
            | "status"
            | "statusCategory"
            | "priority"
            | "issuetype"
            | "resolution"
            | "assignee"
            | "reporter"
            | "creator"
            | "component"
            | "fixVersion"
            | "sprint"
    )
}

fn kind_is_fuzzy(kind: FieldKind) -> bool {
    matches!(kind, FieldKind::Name | FieldKind::Key)
}

fn fidelity_of(kind: FieldKind) -> Fidelity {
    if kind_is_fuzzy(kind) {
        Fidelity::Inexact
    } else {
        Fidelity::Exact
    }
}

fn scalar_text(v: &ScalarValue) -> Option<String> {
    match v {
        ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)) => Some(s.clone()),
        _ => None,
    }
}

fn scalar_number(v: &ScalarValue) -> Option<String> {
    match v {
        ScalarValue::Int8(Some(x)) => Some(x.to_string()),
        ScalarValue::Int16(Some(x)) => Some(x.to_string()),
        ScalarValue::Int32(Some(x)) => Some(x.to_string()),
        ScalarValue::Int64(Some(x)) => Some(x.to_string()),
        ScalarValue::UInt8(Some(x)) => Some(x.to_string()),
        ScalarValue::UInt16(Some(x)) => Some(x.to_string()),
        ScalarValue::UInt32(Some(x)) => Some(x.to_string()),
        ScalarValue::UInt64(Some(x)) => Some(x.to_string()),
        // Ids are whole numbers: other values are left to the engine (found by fuzzing: a tiny
        // float printed in full is no id the site accepts).
        ScalarValue::Float64(Some(x)) if x.fract() == 0.0 && x.abs() < 9.0e15 => Some(format!("{}", *x as i64)),
        ScalarValue::Float32(Some(x)) if x.fract() == 0.0 && x.abs() < 1.6e7 => Some(format!("{}", *x as i64)),
        // A numeric string compared with a number column: Jira would read it as a number.
        ScalarValue::Utf8(Some(s)) if s.parse::<i64>().is_ok() => Some(s.clone()),
        _ => None,
    }
}

/// The calendar day (`yyyy-MM-dd`) one day outside a timestamp or date bound, so that whatever
/// the user's time zone, the JQL range contains every row the SQL bound keeps.
fn widened_day(v: &ScalarValue, op: Operator) -> Option<String> {
    let millis = match v {
        // The day of a date-time text, whatever its time part: the range is widened anyway.
        ScalarValue::Utf8(Some(s)) => {
            let d = chrono::NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
            d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis()
        }
        other => super::params::millis_of(other)?,
    };
    let t = chrono::DateTime::from_timestamp_millis(millis)?;
    let day = match op {
        Operator::Gt | Operator::GtEq => t.date_naive().pred_opt()?,
        _ => t.date_naive().succ_opt()?.succ_opt()?,
    };
    // A bound past year 9999 (the end of time BI tools write) has no JQL date: the engine keeps it.
    use chrono::Datelike;
    (1..=9999).contains(&day.year()).then(|| day.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::{col, lit};

    fn issues() -> TableDef {
        crate::catalog::Catalog::standard().table(crate::catalog::Product::Jira, "Issues").unwrap().clone()
    }

    #[test]
    fn quoting_keeps_any_value_one_literal() {
        assert_eq!(quote("plain"), "\"plain\"");
        assert_eq!(quote("a\"b"), "\"a\\\"b\"");
        assert_eq!(quote("back\\slash"), "\"back\\\\slash\"");
        assert_eq!(quote("line\nbreak"), "\"line\\nbreak\"");
        assert_eq!(quote("x\" OR project = SEC OR key = \"y"), "\"x\\\" OR project = SEC OR key = \\\"y\"");
        assert_eq!(quote("ünïcödé ✓"), "\"ünïcödé ✓\"");
        assert_eq!(quote_cql("a\"b\\c\nd"), "\"a\\\"b\\\\c\nd\"");
    }

    #[test]
    fn translates_with_the_right_fidelity() {
        let t = issues();
        let b = JqlBuilder::new(&t);
        let p = b.translate(&col("Key").eq(lit("ENG-1"))).unwrap();
        assert_eq!((p.text.as_str(), p.fidelity, p.names_values), ("key = \"ENG-1\"", Fidelity::Inexact, true));
        let p = b.translate(&col("Id").eq(lit(10001i64))).unwrap();
        assert_eq!((p.text.as_str(), p.fidelity, p.names_values), ("id = 10001", Fidelity::Inexact, true));
        let p = b.translate(&col("ProjectKey").eq(lit("ENG")).and(col("Status").eq(lit("Done")))).unwrap();
        assert_eq!(p.text, "(project = \"ENG\") AND (status = \"Done\")");
        assert_eq!(p.fidelity, Fidelity::Inexact);
        assert!(b.translate(&col("Status").not_eq(lit("Done"))).is_none(), "!= on a case-insensitive name is not pushed");
        assert!(b.translate(&col("Key").eq(lit("x' or '1'='1"))).is_none(), "text no issue key can have is not sent");
        assert!(b.translate(&col("Key").in_list(vec![lit("ENG-1"), lit("nope")], false)).is_none());
        assert!(b.translate(&col("Summary").like(lit("%log%"))).is_none(), "LIKE is never pushed as ~");
        assert_eq!(b.translate(&col("AssigneeAccountId").is_null()).unwrap(), Pushed::exact("assignee IS EMPTY"));
        let p = b.translate(&col("Id").in_list(vec![lit(1i64), lit(2i64)], false)).unwrap();
        assert_eq!((p.text.as_str(), p.names_values), ("id IN (1, 2)", true));
        // NOT around a filter naming issues is not pushed (it is never exact).
        assert!(b.translate(&Expr::Not(Box::new(col("Id").eq(lit(5i64))))).is_none());
        // Jira looks users up: an assignee filter is droppable, so inexact, so not negated.
        let p = b.translate(&col("AssigneeAccountId").eq(lit("a"))).unwrap();
        assert_eq!((p.fidelity, p.names_values), (Fidelity::Inexact, true));
        assert!(b.translate(&Expr::Not(Box::new(col("AssigneeAccountId").eq(lit("a"))))).is_none());
        let p = b.translate(&Expr::Not(Box::new(col("AssigneeAccountId").is_null()))).unwrap();
        assert_eq!(p, Pushed::exact("NOT (assignee IS EMPTY)"));
        assert!(b.translate(&Expr::Not(Box::new(col("Status").eq(lit("Done"))))).is_none());
        let p = b.translate(&col("JQL").eq(lit("sprint in openSprints()"))).unwrap();
        assert_eq!(p, Pushed::exact("sprint in openSprints()"));
        // One side unpushable: the other still narrows, as a superset.
        let p = b.translate(&col("Id").eq(lit(5i64)).and(col("Summary").like(lit("x%")))).unwrap();
        assert_eq!((p.text.as_str(), p.fidelity), ("id = 5", Fidelity::Inexact));
        assert!(b.translate(&col("Id").eq(lit(5i64)).or(col("Summary").like(lit("x%")))).is_none());
    }

    #[test]
    fn timestamps_widen_by_a_day() {
        let t = issues();
        let b = JqlBuilder::new(&t);
        let ts = ScalarValue::TimestampMillisecond(Some(1_706_745_600_000), None); // 2024-02-01T00:00Z
        let p = b.translate(&col("Created").gt_eq(Expr::Literal(ts.clone(), None))).unwrap();
        assert_eq!(p, Pushed::inexact("created >= \"2024-01-31\""));
        let p = b.translate(&col("Created").lt(Expr::Literal(ts.clone(), None))).unwrap();
        assert_eq!(p, Pushed::inexact("created < \"2024-02-03\""));
        // The end of time has no JQL date: left to the engine.
        let end = ScalarValue::TimestampMillisecond(Some(253_402_300_799_000), None); // 9999-12-31T23:59:59Z
        assert!(b.translate(&col("Created").lt(Expr::Literal(end, None))).is_none());
        // A list of dates or times is left to the engine (regression: the fuzzer's `created IN ("")`).
        assert!(b.translate(&col("Created").in_list(vec![lit("")], false)).is_none());
        assert!(b.translate(&col("Created").in_list(vec![Expr::Literal(ts, None)], false)).is_none());
        let pages = crate::catalog::Catalog::standard().table(crate::catalog::Product::Confluence, "Pages").unwrap().clone();
        assert!(JqlBuilder::cql(&pages).translate(&col("CreatedAt").in_list(vec![lit("")], false)).is_none());
        assert!(JqlBuilder::cql(&pages).translate(&col("Id").eq(lit(-3i64))).is_none(), "no content has a negative id");
        assert!(JqlBuilder::cql(&pages).translate(&col("Id").eq(lit(3.5f64))).is_none(), "nor a fractional one");
        assert!(JqlBuilder::cql(&pages).translate(&col("Id").eq(lit(3i64))).is_some());
    }
}
