//! `Timezone`: the zone the connection's timestamps are shown and read in. Atlassian's instants
//! are UTC and the scans keep them so (pushdown, caching and joins never see another zone); a
//! connection with a zone shows every timestamp result as that zone's wall time, and reads the
//! timestamps it is given (`TIMESTAMP '...'` literals and `{ts}` escapes, `CAST('...' AS
//! TIMESTAMP)`, timestamp parameters) as that zone's wall time too, so a value read can be
//! given back. A wall time a daylight-saving change skips is read an hour later; one it repeats,
//! as its first occurrence.

use std::ops::ControlFlow;
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;
use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit, TimestampMicrosecondType};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::ScalarValue;
use datafusion::sql::sqlparser::ast::{self, Expr, TimezoneInfo, TypedString, Value, VisitMut, VisitorMut};

use crate::{MapperError, SqlState};

#[derive(Debug, Clone, Copy)]
pub struct LocalTime {
    zone: Tz,
}

impl LocalTime {
    /// The zone `Timezone` names: an IANA zone, `User` (the signed-in user's, `user_zone`), or
    /// `UTC` and empty for none (`None`: timestamps stay UTC).
    pub fn named(spec: &str, user_zone: Option<&str>) -> Result<Option<LocalTime>, MapperError> {
        let spec = spec.trim();
        let name = if spec.eq_ignore_ascii_case("user") {
            user_zone.ok_or_else(|| {
                MapperError::new(
                    SqlState::CannotConnect,
                    "Timezone=User: the site did not say the signed-in user's time zone; give an IANA zone such as Europe/Berlin",
                )
            })?
        } else {
            spec
        };
        if name.is_empty() || name.eq_ignore_ascii_case("utc") {
            return Ok(None);
        }
        let zone: Tz = name.parse().map_err(|_| {
            MapperError::new(SqlState::CannotConnect, format!("Timezone '{name}' is not a time zone: give UTC, User or an IANA zone such as Europe/Berlin"))
        })?;
        Ok(Some(LocalTime { zone }))
    }

    /// The instant of a wall time in the zone.
    fn instant_of(&self, local: NaiveDateTime) -> NaiveDateTime {
        let at = |t: NaiveDateTime| self.zone.from_local_datetime(&t).earliest();
        at(local).or_else(|| at(local + chrono::Duration::hours(1))).map(|t| t.naive_utc()).unwrap_or(local)
    }

    fn micros_to_local(&self, utc_micros: i64) -> i64 {
        match DateTime::from_timestamp_micros(utc_micros) {
            Some(t) => utc_micros + i64::from(self.zone.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc()) * 1_000_000,
            None => utc_micros,
        }
    }

    /// Timestamp literals in `statement`, read as wall times in the zone, rewritten as UTC.
    pub fn literals_to_utc(&self, statement: &mut ast::Statement) {
        let _ = statement.visit(&mut Literals(self));
    }

    /// Timestamp parameters (wall times in the zone) as UTC.
    pub fn parameter_to_utc(&self, v: ScalarValue) -> ScalarValue {
        let shift = |ns: i64| {
            let t = DateTime::from_timestamp_nanos(ns).naive_utc();
            self.instant_of(t).and_utc().timestamp_nanos_opt().unwrap_or(ns)
        };
        match v {
            ScalarValue::TimestampNanosecond(Some(ns), None) => ScalarValue::TimestampNanosecond(Some(shift(ns)), None),
            ScalarValue::TimestampMicrosecond(Some(us), None) => ScalarValue::TimestampMicrosecond(Some(shift(us * 1000) / 1000), None),
            ScalarValue::TimestampMillisecond(Some(ms), None) => ScalarValue::TimestampMillisecond(Some(shift(ms * 1_000_000) / 1_000_000), None),
            ScalarValue::TimestampSecond(Some(s), None) => ScalarValue::TimestampSecond(Some(shift(s * 1_000_000_000) / 1_000_000_000), None),
            other => other,
        }
    }

    /// A result's schema as shown: every instant a wall time in the zone (no time zone).
    pub fn local_schema(&self, schema: &Schema) -> SchemaRef {
        Arc::new(Schema::new_with_metadata(
            schema
                .fields()
                .iter()
                .map(|f| match f.data_type() {
                    DataType::Timestamp(_, Some(_)) => {
                        Arc::new(Field::new(f.name(), DataType::Timestamp(TimeUnit::Microsecond, None), f.is_nullable()).with_metadata(f.metadata().clone()))
                    }
                    _ => f.clone(),
                })
                .collect::<Vec<_>>(),
            schema.metadata().clone(),
        ))
    }

    /// A result's rows as shown, in `schema` (from [`LocalTime::local_schema`]).
    pub fn local_batch(&self, batch: RecordBatch, schema: &SchemaRef) -> datafusion::error::Result<RecordBatch> {
        let columns: Vec<ArrayRef> = batch
            .columns()
            .iter()
            .map(|a| -> datafusion::error::Result<ArrayRef> {
                match a.data_type() {
                    DataType::Timestamp(_, Some(_)) => {
                        let utc = cast(a, &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())))?;
                        let local = utc.as_primitive::<TimestampMicrosecondType>().unary::<_, TimestampMicrosecondType>(|v| self.micros_to_local(v));
                        Ok(Arc::new(local) as ArrayRef)
                    }
                    _ => Ok(a.clone()),
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(RecordBatch::try_new(schema.clone(), columns)?)
    }
}

/// The text of a timestamp literal as a wall time.
fn wall_time(text: &str) -> Option<NaiveDateTime> {
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M"].iter().find_map(|f| NaiveDateTime::parse_from_str(text.trim(), f).ok())
}

struct Literals<'a>(&'a LocalTime);

impl Literals<'_> {
    fn shifted(&self, text: &str) -> Option<String> {
        wall_time(text).map(|t| self.0.instant_of(t).format("%Y-%m-%d %H:%M:%S%.f").to_string())
    }
}

fn is_plain_timestamp(t: &ast::DataType) -> bool {
    matches!(t, ast::DataType::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) | ast::DataType::Datetime(_))
}

impl VisitorMut for Literals<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        let text = match e {
            Expr::TypedString(TypedString { data_type, value, .. }) if is_plain_timestamp(data_type) => match &mut value.value {
                Value::SingleQuotedString(s) => Some(s),
                _ => None,
            },
            Expr::Cast { expr, data_type, .. } if is_plain_timestamp(data_type) => match expr.as_mut() {
                Expr::Value(v) => match &mut v.value {
                    Value::SingleQuotedString(s) => Some(s),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        if let Some(s) = text {
            if let Some(utc) = self.shifted(s) {
                *s = utc;
            }
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::sql::sqlparser::dialect::GenericDialect;
    use datafusion::sql::sqlparser::parser::Parser;

    fn berlin() -> LocalTime {
        LocalTime::named("Europe/Berlin", None).unwrap().unwrap()
    }

    #[test]
    fn zones_by_name_user_or_none() {
        assert!(LocalTime::named("UTC", None).unwrap().is_none());
        assert!(LocalTime::named("", None).unwrap().is_none());
        assert!(LocalTime::named("user", Some("America/New_York")).unwrap().is_some());
        assert_eq!(LocalTime::named("Mars/Olympus", None).unwrap_err().state, SqlState::CannotConnect);
        assert_eq!(LocalTime::named("User", None).unwrap_err().state, SqlState::CannotConnect);
    }

    #[test]
    fn literals_are_read_in_the_zone() {
        let mut s = Parser::parse_sql(
            &GenericDialect {},
            "SELECT a FROM t WHERE c >= TIMESTAMP '2024-07-01 12:00:00' AND d < CAST('2024-01-01 00:30:00' AS TIMESTAMP) AND e = DATE '2024-07-01'",
        )
        .unwrap()
        .remove(0);
        berlin().literals_to_utc(&mut s);
        assert_eq!(
            s.to_string(),
            "SELECT a FROM t WHERE c >= TIMESTAMP '2024-07-01 10:00:00' AND d < CAST('2023-12-31 23:30:00' AS TIMESTAMP) AND e = DATE '2024-07-01'"
        );
    }

    #[test]
    fn wall_times_round_trip_across_daylight_saving() {
        let z = berlin();
        let t = NaiveDateTime::parse_from_str("2024-07-01 12:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
        let utc = z.instant_of(t);
        assert_eq!(utc.format("%H").to_string(), "10");
        assert_eq!(z.micros_to_local(utc.and_utc().timestamp_micros()), t.and_utc().timestamp_micros());
        // 02:30 on the spring-forward night does not exist: read as 03:30 (01:30 UTC).
        let gap = NaiveDateTime::parse_from_str("2024-03-31 02:30:00", "%Y-%m-%d %H:%M:%S").unwrap();
        assert_eq!(z.instant_of(gap).format("%H:%M").to_string(), "01:30");
        let p = z.parameter_to_utc(ScalarValue::TimestampNanosecond(Some(t.and_utc().timestamp_nanos_opt().unwrap()), None));
        assert_eq!(p, ScalarValue::TimestampNanosecond(utc.and_utc().timestamp_nanos_opt(), None));
    }
}
