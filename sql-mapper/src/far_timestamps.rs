//! `FarTimestamps`: timestamp literals the engine cannot hold (`TIMESTAMP '9999-12-31 00:00:00'`,
//! the "forever" BI tools and SQL users write; anything before 1677 or after 2262) reach it as
//! millisecond timestamps. Its SQL reads a timestamp literal as nanoseconds, which would refuse
//! them; the driver's timestamps are milliseconds, which hold years 1 to 9999.

use std::ops::ControlFlow;

use chrono::NaiveDateTime;
use datafusion::sql::sqlparser::ast::{DataType, Expr, Statement, TimezoneInfo, TypedString, Value, VisitMut, VisitorMut};
use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::parser::Parser;

/// The text of a timestamp literal as an instant (UTC).
fn instant(text: &str) -> Option<NaiveDateTime> {
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%d"].iter().find_map(|f| {
        NaiveDateTime::parse_from_str(text.trim(), f)
            .ok()
            .or_else(|| chrono::NaiveDate::parse_from_str(text.trim(), f).ok().and_then(|d| d.and_hms_opt(0, 0, 0)))
    })
}

fn is_plain_timestamp(t: &DataType) -> bool {
    matches!(t, DataType::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) | DataType::Datetime(_))
}

/// Whether nanoseconds since 1970 (an `i64`) cannot hold the instant.
fn beyond_nanoseconds(t: &NaiveDateTime) -> bool {
    t.and_utc().timestamp_nanos_opt().is_none()
}

struct Far;

impl VisitorMut for Far {
    type Break = ();

    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        let text = match e {
            Expr::TypedString(TypedString { data_type, value, .. }) if is_plain_timestamp(data_type) => match &value.value {
                Value::SingleQuotedString(s) => Some(s.clone()),
                _ => None,
            },
            Expr::Cast { expr, data_type, .. } if is_plain_timestamp(data_type) => match expr.as_ref() {
                Expr::Value(v) => match &v.value {
                    Value::SingleQuotedString(s) => Some(s.clone()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        if let Some(t) = text.as_deref().and_then(instant).filter(beyond_nanoseconds) {
            let millis = t.and_utc().timestamp_millis();
            let cast = format!("arrow_cast({millis}, 'Timestamp(Millisecond, None)')");
            if let Ok(parsed) = Parser::new(&GenericDialect {}).try_with_sql(&cast).and_then(|mut p| p.parse_expr()) {
                *e = parsed;
            }
        }
        ControlFlow::Continue(())
    }
}

/// Rewrites the statement's far timestamp literals.
pub fn as_milliseconds(stmt: &mut Statement) {
    let _ = stmt.visit(&mut Far);
}

#[cfg(test)]
mod tests {
    use datafusion::prelude::SessionContext;

    use super::*;

    async fn answer(sql: &str) -> String {
        let mut stmt = Parser::parse_sql(&GenericDialect {}, sql).unwrap().remove(0);
        as_milliseconds(&mut stmt);
        let ctx = SessionContext::new();
        let batches = ctx.sql(&stmt.to_string()).await.unwrap().collect().await.unwrap();
        datafusion::arrow::util::pretty::pretty_format_batches(&batches).unwrap().to_string()
    }

    #[tokio::test]
    async fn the_end_of_time_is_a_timestamp() {
        let out = answer("SELECT TIMESTAMP '9999-12-31 00:00:00' > TIMESTAMP '2024-01-01 00:00:00' AS later, CAST('0001-01-01' AS TIMESTAMP) AS first").await;
        assert!(out.contains("true") && out.contains("0001-01-01T00:00:00"), "{out}");
        // Ordinary literals are left to the engine.
        let mut stmt = Parser::parse_sql(&GenericDialect {}, "SELECT TIMESTAMP '2024-01-01 00:00:00'").unwrap().remove(0);
        as_milliseconds(&mut stmt);
        assert_eq!(stmt.to_string(), "SELECT TIMESTAMP '2024-01-01 00:00:00'");
    }
}
