//! The row-limiting forms BI tools and users of other databases write, as the `LIMIT`/`OFFSET`
//! DataFusion plans (and the scans push into page sizes): SQL:2008's `FETCH FIRST n ROWS ONLY`
//! and `OFFSET m ROWS FETCH NEXT n ROWS ONLY`, and SQL Server's `SELECT TOP n`. `PERCENT` and
//! `WITH TIES` have no `LIMIT` form and are refused, saying so.

use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{Expr, LimitClause, Query, SetExpr, Statement, TopQuantity, Value, VisitMut, VisitorMut};

use crate::{MapperError, SqlState};

struct AsLimit;

fn refuse(what: &str) -> ControlFlow<MapperError> {
    ControlFlow::Break(MapperError::new(
        SqlState::SyntaxOrAccess,
        format!("{what} is not supported: give the number of rows (FETCH FIRST n ROWS ONLY, TOP n or LIMIT n)"),
    ))
}

fn one() -> Expr {
    Expr::value(Value::Number("1".into(), false))
}

impl VisitorMut for AsLimit {
    type Break = MapperError;

    fn pre_visit_query(&mut self, q: &mut Query) -> ControlFlow<MapperError> {
        let mut limit = None;
        if let Some(fetch) = q.fetch.take() {
            if fetch.percent {
                return refuse("FETCH ... PERCENT");
            }
            if fetch.with_ties {
                return refuse("FETCH ... WITH TIES");
            }
            // `FETCH FIRST ROW ONLY` is one row.
            limit = Some(fetch.quantity.unwrap_or_else(one));
        }
        if let SetExpr::Select(select) = q.body.as_mut() {
            if let Some(top) = select.top.take() {
                if top.percent {
                    return refuse("TOP ... PERCENT");
                }
                if top.with_ties {
                    return refuse("TOP ... WITH TIES");
                }
                if limit.is_some() {
                    return ControlFlow::Break(MapperError::new(SqlState::SyntaxOrAccess, "A query takes TOP or FETCH FIRST, not both"));
                }
                limit = match top.quantity {
                    Some(TopQuantity::Constant(n)) => Some(Expr::value(Value::Number(n.to_string(), false))),
                    Some(TopQuantity::Expr(e)) => Some(e),
                    None => return refuse("TOP without a number"),
                };
            }
        }
        let Some(limit) = limit else { return ControlFlow::Continue(()) };
        match q.limit_clause.take() {
            None => q.limit_clause = Some(LimitClause::LimitOffset { limit: Some(limit), offset: None, limit_by: Vec::new() }),
            Some(LimitClause::LimitOffset { limit: None, offset, limit_by }) => {
                q.limit_clause = Some(LimitClause::LimitOffset { limit: Some(limit), offset, limit_by })
            }
            Some(_) => return ControlFlow::Break(MapperError::new(SqlState::SyntaxOrAccess, "A query takes LIMIT or FETCH FIRST (or TOP), not both")),
        }
        ControlFlow::Continue(())
    }
}

/// Rewrites every `FETCH FIRST` and `TOP` in the statement as `LIMIT` (keeping `OFFSET`).
pub fn as_limit(statement: &mut Statement) -> Result<(), MapperError> {
    match statement.visit(&mut AsLimit) {
        ControlFlow::Break(e) => Err(e),
        ControlFlow::Continue(()) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::sql::sqlparser::dialect::GenericDialect;
    use datafusion::sql::sqlparser::parser::Parser;

    fn rewritten(sql: &str) -> Result<String, MapperError> {
        let mut s = Parser::parse_sql(&GenericDialect {}, sql).unwrap().remove(0);
        as_limit(&mut s)?;
        Ok(s.to_string())
    }

    #[test]
    fn fetch_first_and_top_become_limit() {
        assert_eq!(rewritten("SELECT a FROM t FETCH FIRST 5 ROWS ONLY").unwrap(), "SELECT a FROM t LIMIT 5");
        assert_eq!(rewritten("SELECT a FROM t FETCH FIRST ROW ONLY").unwrap(), "SELECT a FROM t LIMIT 1");
        assert_eq!(rewritten("SELECT a FROM t ORDER BY a OFFSET 10 ROWS FETCH NEXT 5 ROWS ONLY").unwrap(), "SELECT a FROM t ORDER BY a LIMIT 5 OFFSET 10 ROWS");
        assert_eq!(rewritten("SELECT TOP 3 a FROM t ORDER BY a").unwrap(), "SELECT a FROM t ORDER BY a LIMIT 3");
        assert_eq!(rewritten("SELECT TOP (2) a FROM t").unwrap(), "SELECT a FROM t LIMIT 2");
        assert_eq!(rewritten("SELECT * FROM (SELECT TOP 2 a FROM t) AS s").unwrap(), "SELECT * FROM (SELECT a FROM t LIMIT 2) AS s");
        assert_eq!(rewritten("SELECT a FROM t LIMIT 4").unwrap(), "SELECT a FROM t LIMIT 4");
    }

    #[test]
    fn what_limit_cannot_say_is_refused() {
        for sql in [
            "SELECT a FROM t FETCH FIRST 5 PERCENT ROWS ONLY",
            "SELECT a FROM t ORDER BY a FETCH FIRST 5 ROWS WITH TIES",
            "SELECT TOP 5 a FROM t LIMIT 3",
            "SELECT a FROM t LIMIT 3 FETCH FIRST 2 ROWS ONLY",
        ] {
            let e = rewritten(sql).unwrap_err();
            assert_eq!(e.state, SqlState::SyntaxOrAccess, "{sql}");
        }
    }
}
