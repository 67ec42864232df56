//! Parameter values: the bytes an application bound with `SQLBindParameter`, decoded by their C
//! type, and typed by the parameter's SQL type as the value the prepared plan is executed with.
//! No value is ever written into SQL text.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use datafusion::common::ScalarValue;

use crate::convert::{c, parse_datetime_text};
use crate::error::{OdbcError, OdbcResult, SqlState};
use crate::types::sql;

#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Null,
    Text(String),
    Int(i128),
    Float(f64),
    /// Unscaled value and scale (`SQL_C_NUMERIC`).
    Decimal(i128, i8),
    Date(NaiveDate),
    Time(NaiveTime),
    Timestamp(NaiveDateTime),
    Binary(Vec<u8>),
}

/// The C type `SQL_C_DEFAULT` means for a parameter of this SQL type.
pub fn default_c_for_sql(sql_type: i16) -> i16 {
    match sql_type {
        sql::WCHAR | sql::WVARCHAR | sql::WLONGVARCHAR => c::WCHAR,
        sql::BIGINT => c::SBIGINT,
        sql::INTEGER => c::SLONG,
        sql::SMALLINT => c::SSHORT,
        sql::TINYINT => c::STINYINT,
        sql::BIT => c::BIT,
        sql::REAL => c::FLOAT,
        sql::FLOAT | sql::DOUBLE => c::DOUBLE,
        sql::TYPE_DATE | sql::DATE_V2 => c::TYPE_DATE,
        sql::TYPE_TIME | sql::TIME_V2 => c::TYPE_TIME,
        sql::TYPE_TIMESTAMP | sql::TIMESTAMP_V2 => c::TYPE_TIMESTAMP,
        sql::BINARY | sql::VARBINARY | sql::LONGVARBINARY => c::BINARY,
        _ => c::CHAR,
    }
}

pub fn is_known_sql_type(t: i16) -> bool {
    matches!(
        t,
        sql::CHAR
            | sql::VARCHAR
            | sql::LONGVARCHAR
            | sql::WCHAR
            | sql::WVARCHAR
            | sql::WLONGVARCHAR
            | sql::DECIMAL
            | sql::NUMERIC
            | sql::SMALLINT
            | sql::INTEGER
            | sql::REAL
            | sql::FLOAT
            | sql::DOUBLE
            | sql::BIT
            | sql::TINYINT
            | sql::BIGINT
            | sql::BINARY
            | sql::VARBINARY
            | sql::LONGVARBINARY
            | sql::TYPE_DATE
            | sql::TYPE_TIME
            | sql::TYPE_TIMESTAMP
            | sql::DATE_V2
            | sql::TIME_V2
            | sql::TIMESTAMP_V2
            | sql::GUID
    )
}

fn ne<const N: usize>(b: &[u8]) -> OdbcResult<[u8; N]> {
    b.get(..N)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| OdbcError::new(SqlState::INVALID_LENGTH, format!("Parameter buffer holds {} bytes, {N} needed", b.len())))
}

/// Decodes a parameter's bytes (already read from the application's buffer) by C type.
pub fn decode(c_type: i16, bytes: &[u8]) -> OdbcResult<ParamValue> {
    let u16s = |i: usize| -> OdbcResult<u16> { Ok(u16::from_ne_bytes(ne::<2>(bytes.get(i..).unwrap_or_default())?)) };
    Ok(match c_type {
        c::CHAR => ParamValue::Text(
            String::from_utf8(bytes.to_vec()).map_err(|_| OdbcError::new(SqlState::INVALID_CHARACTER_VALUE, "Parameter text is not valid UTF-8"))?,
        ),
        c::WCHAR => {
            let w = crate::wide::width();
            ParamValue::Text(w.decode(bytes).ok_or_else(|| {
                OdbcError::new(
                    SqlState::INVALID_CHARACTER_VALUE,
                    format!("Parameter text is not valid {}", if w == crate::wide::WcharWidth::Ucs4 { "UCS-4" } else { "UTF-16" }),
                )
            })?)
        }
        c::BINARY => ParamValue::Binary(bytes.to_vec()),
        c::BIT | c::UTINYINT => ParamValue::Int(ne::<1>(bytes)?[0].into()),
        c::TINYINT | c::STINYINT => ParamValue::Int(i8::from_ne_bytes(ne::<1>(bytes)?).into()),
        c::SHORT | c::SSHORT => ParamValue::Int(i16::from_ne_bytes(ne::<2>(bytes)?).into()),
        c::USHORT => ParamValue::Int(u16::from_ne_bytes(ne::<2>(bytes)?).into()),
        c::LONG | c::SLONG => ParamValue::Int(i32::from_ne_bytes(ne::<4>(bytes)?).into()),
        c::ULONG => ParamValue::Int(u32::from_ne_bytes(ne::<4>(bytes)?).into()),
        c::SBIGINT => ParamValue::Int(i64::from_ne_bytes(ne::<8>(bytes)?).into()),
        c::UBIGINT => ParamValue::Int(u64::from_ne_bytes(ne::<8>(bytes)?).into()),
        c::FLOAT => ParamValue::Float(f32::from_ne_bytes(ne::<4>(bytes)?).into()),
        c::DOUBLE => ParamValue::Float(f64::from_ne_bytes(ne::<8>(bytes)?)),
        c::NUMERIC => {
            let b = ne::<19>(bytes)?;
            let magnitude = u128::from_le_bytes(b[3..19].try_into().expect("16 bytes"));
            let v = i128::try_from(magnitude).map_err(|_| OdbcError::new(SqlState::NUMERIC_OUT_OF_RANGE, "SQL_NUMERIC_STRUCT value out of range"))?;
            ParamValue::Decimal(if b[2] == 1 { v } else { -v }, b[1] as i8)
        }
        c::DATE | c::TYPE_DATE => {
            let y = i16::from_ne_bytes(ne::<2>(bytes)?);
            ParamValue::Date(NaiveDate::from_ymd_opt(y.into(), u16s(2)?.into(), u16s(4)?.into()).ok_or_else(bad_datetime)?)
        }
        c::TIME | c::TYPE_TIME => ParamValue::Time(NaiveTime::from_hms_opt(u16s(0)?.into(), u16s(2)?.into(), u16s(4)?.into()).ok_or_else(bad_datetime)?),
        c::TIMESTAMP | c::TYPE_TIMESTAMP => {
            let y = i16::from_ne_bytes(ne::<2>(bytes)?);
            let frac = u32::from_ne_bytes(ne::<4>(bytes.get(12..).unwrap_or_default())?);
            let d = NaiveDate::from_ymd_opt(y.into(), u16s(2)?.into(), u16s(4)?.into()).ok_or_else(bad_datetime)?;
            let t = NaiveTime::from_hms_nano_opt(u16s(6)?.into(), u16s(8)?.into(), u16s(10)?.into(), frac).ok_or_else(bad_datetime)?;
            ParamValue::Timestamp(d.and_time(t))
        }
        other => return Err(OdbcError::new(SqlState::INVALID_APP_BUFFER_TYPE, format!("Invalid application buffer type {other} for a parameter"))),
    })
}

fn bad_datetime() -> OdbcError {
    OdbcError::new(SqlState::INVALID_DATETIME_FORMAT, "Invalid datetime format in a parameter")
}

/// A numeric parameter as a decimal of its scale (an integer when the scale is not positive).
fn decimal(v: i128, scale: i8) -> OdbcResult<ScalarValue> {
    if scale <= 0 {
        let whole = 10i128.checked_pow((-scale) as u32).and_then(|f| v.checked_mul(f)).ok_or_else(|| out_of_range(&format!("{v}E{}", -scale)))?;
        return integer(whole);
    }
    Ok(ScalarValue::Decimal128(Some(v), 38, scale))
}

fn integer(i: i128) -> OdbcResult<ScalarValue> {
    Ok(match i64::try_from(i) {
        Ok(i) => ScalarValue::Int64(Some(i)),
        Err(_) => ScalarValue::Decimal128(Some(i), 38, 0),
    })
}

fn float(f: f64) -> OdbcResult<ScalarValue> {
    // Not a number and the infinities have no place in JQL or CQL, where filters go.
    if !f.is_finite() {
        return Err(out_of_range(&f.to_string()));
    }
    Ok(ScalarValue::Float64(Some(f)))
}

fn out_of_range(v: &str) -> OdbcError {
    OdbcError::new(SqlState::NUMERIC_OUT_OF_RANGE, format!("Numeric value out of range: parameter value {v}"))
}

fn decimal_text(v: i128, scale: i8) -> String {
    if scale <= 0 {
        return format!("{v}{}", "0".repeat((-scale) as usize));
    }
    let digits = v.unsigned_abs().to_string();
    let s = scale as usize;
    let padded = if digits.len() <= s { format!("{}{digits}", "0".repeat(s - digits.len() + 1)) } else { digits };
    let (i, f) = padded.split_at(padded.len() - s);
    format!("{}{i}.{f}", if v < 0 { "-" } else { "" })
}

fn nanos(t: &NaiveDateTime) -> OdbcResult<i64> {
    t.and_utc()
        .timestamp_nanos_opt()
        .ok_or_else(|| OdbcError::new(SqlState::DATETIME_OVERFLOW, format!("Datetime field overflow: {t} is outside the years 1677 to 2262")))
}

fn days(d: &NaiveDate) -> i32 {
    (*d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("the epoch")).num_days() as i32
}

fn time_nanos(t: &NaiveTime) -> i64 {
    (*t - NaiveTime::MIN).num_nanoseconds().unwrap_or(0)
}

/// The typed value of a parameter bound as this SQL type: what the engine compares, computes
/// and writes with. Nothing becomes SQL text.
pub fn scalar(v: &ParamValue, sql_type: i16) -> OdbcResult<ScalarValue> {
    if *v == ParamValue::Null {
        return Ok(ScalarValue::Null);
    }
    Ok(match sql_type {
        sql::SMALLINT | sql::INTEGER | sql::BIGINT | sql::TINYINT | sql::DECIMAL | sql::NUMERIC | sql::REAL | sql::FLOAT | sql::DOUBLE => match v {
            ParamValue::Int(i) => integer(*i)?,
            ParamValue::Float(f) => float(*f)?,
            ParamValue::Decimal(u, s) => decimal(*u, *s)?,
            ParamValue::Text(t) => {
                let t = t.trim();
                if let Ok(i) = t.parse::<i128>() {
                    integer(i)?
                } else {
                    match t.parse::<f64>() {
                        Ok(f) => float(f)?,
                        _ => {
                            return Err(OdbcError::new(
                                SqlState::INVALID_CHARACTER_VALUE,
                                format!("Invalid character value for cast specification: parameter '{t}' is not a number"),
                            ))
                        }
                    }
                }
            }
            _ => return Err(OdbcError::new(SqlState::RESTRICTED_DATA_TYPE, "Restricted data type attribute violation: this parameter value is not a number")),
        },
        sql::BIT => ScalarValue::Boolean(Some(match v {
            ParamValue::Int(i) => *i != 0,
            ParamValue::Float(f) => *f != 0.0,
            ParamValue::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
                "1" | "true" => true,
                "0" | "false" => false,
                other => {
                    return Err(OdbcError::new(
                        SqlState::INVALID_CHARACTER_VALUE,
                        format!("Invalid character value for cast specification: '{other}' is not a bit"),
                    ))
                }
            },
            _ => return Err(OdbcError::new(SqlState::RESTRICTED_DATA_TYPE, "Restricted data type attribute violation: this parameter value is not a bit")),
        })),
        sql::TYPE_DATE | sql::DATE_V2 => ScalarValue::Date32(Some(days(&match v {
            ParamValue::Date(d) => *d,
            ParamValue::Timestamp(t) => t.date(),
            ParamValue::Text(t) => parse_datetime_text(t).ok_or_else(bad_datetime)?.date(),
            _ => return Err(OdbcError::new(SqlState::RESTRICTED_DATA_TYPE, "Restricted data type attribute violation: this parameter value is not a date")),
        }))),
        sql::TYPE_TIME | sql::TIME_V2 => ScalarValue::Time64Nanosecond(Some(time_nanos(&match v {
            ParamValue::Time(t) => *t,
            ParamValue::Timestamp(t) => t.time(),
            ParamValue::Text(t) => NaiveTime::parse_from_str(t.trim(), "%H:%M:%S%.f").map_err(|_| bad_datetime())?,
            _ => return Err(OdbcError::new(SqlState::RESTRICTED_DATA_TYPE, "Restricted data type attribute violation: this parameter value is not a time")),
        }))),
        sql::TYPE_TIMESTAMP | sql::TIMESTAMP_V2 => ScalarValue::TimestampNanosecond(
            Some(nanos(&match v {
                ParamValue::Timestamp(t) => *t,
                ParamValue::Date(d) => d.and_time(NaiveTime::MIN),
                ParamValue::Text(t) => parse_datetime_text(t).ok_or_else(bad_datetime)?,
                _ => {
                    return Err(OdbcError::new(
                        SqlState::RESTRICTED_DATA_TYPE,
                        "Restricted data type attribute violation: this parameter value is not a timestamp",
                    ))
                }
            })?),
            None,
        ),
        sql::BINARY | sql::VARBINARY | sql::LONGVARBINARY => ScalarValue::Binary(Some(match v {
            ParamValue::Binary(b) => b.clone(),
            ParamValue::Text(t) => t.as_bytes().to_vec(),
            _ => return Err(OdbcError::new(SqlState::RESTRICTED_DATA_TYPE, "Restricted data type attribute violation: this parameter value is not binary")),
        })),
        // Character types (and GUID): the value's text.
        _ => ScalarValue::Utf8(Some(match v {
            ParamValue::Text(t) => t.clone(),
            ParamValue::Int(i) => i.to_string(),
            ParamValue::Float(f) => f.to_string(),
            ParamValue::Decimal(u, s) => decimal_text(*u, *s),
            ParamValue::Date(d) => d.format("%Y-%m-%d").to_string(),
            ParamValue::Time(t) => t.format("%H:%M:%S").to_string(),
            ParamValue::Timestamp(t) => t.format("%Y-%m-%d %H:%M:%S%.f").to_string(),
            ParamValue::Binary(b) => String::from_utf8_lossy(b).into_owned(),
            ParamValue::Null => unreachable!(),
        })),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_typed_by_their_sql_type() {
        let text = |t: &str| ParamValue::Text(t.into());
        // Text stays text, quotes and all: nothing is parsed as SQL.
        assert_eq!(scalar(&text("O'Brien'; DROP"), sql::VARCHAR).unwrap(), ScalarValue::Utf8(Some("O'Brien'; DROP".into())));
        assert_eq!(scalar(&text("42"), sql::INTEGER).unwrap(), ScalarValue::Int64(Some(42)));
        assert_eq!(scalar(&text("1; DROP"), sql::INTEGER).unwrap_err().state, "22018");
        assert_eq!(scalar(&ParamValue::Float(2.0), sql::DOUBLE).unwrap(), ScalarValue::Float64(Some(2.0)));
        assert_eq!(scalar(&ParamValue::Float(f64::NAN), sql::DOUBLE).unwrap_err().state, "22003");
        assert_eq!(scalar(&ParamValue::Decimal(-105, 2), sql::DECIMAL).unwrap(), ScalarValue::Decimal128(Some(-105), 38, 2));
        assert_eq!(scalar(&ParamValue::Decimal(-105, 2), sql::VARCHAR).unwrap(), ScalarValue::Utf8(Some("-1.05".into())));
        assert_eq!(scalar(&ParamValue::Decimal(7, -2), sql::NUMERIC).unwrap(), ScalarValue::Int64(Some(700)));
        assert_eq!(scalar(&ParamValue::Int(i128::from(i64::MAX) + 1), sql::BIGINT).unwrap(), ScalarValue::Decimal128(Some(i128::from(i64::MAX) + 1), 38, 0));
        assert_eq!(scalar(&text("true"), sql::BIT).unwrap(), ScalarValue::Boolean(Some(true)));
        assert_eq!(scalar(&text("2024-01-02"), sql::TYPE_DATE).unwrap(), ScalarValue::Date32(Some(19724)));
        assert_eq!(scalar(&text("not a date"), sql::TYPE_DATE).unwrap_err().state, "22007");
        assert_eq!(scalar(&ParamValue::Null, sql::INTEGER).unwrap(), ScalarValue::Null);
        let ts = decode(c::TYPE_TIMESTAMP, &[0xE8, 0x07, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 0, 0, 0, 0]).unwrap();
        assert_eq!(scalar(&ts, sql::TYPE_TIMESTAMP).unwrap(), ScalarValue::TimestampNanosecond(Some(1_704_164_645_000_000_000), None));
        assert_eq!(scalar(&ts, sql::TYPE_TIME).unwrap(), ScalarValue::Time64Nanosecond(Some(11_045_000_000_000)));
        assert_eq!(scalar(&ParamValue::Binary(vec![0, 255]), sql::VARBINARY).unwrap(), ScalarValue::Binary(Some(vec![0, 255])));
        assert_eq!(decode(c::SLONG, &7i32.to_ne_bytes()).unwrap(), ParamValue::Int(7));
        assert_eq!(decode(c::WCHAR, &[0x41, 0, 0xE9, 0]).unwrap(), ParamValue::Text("Aé".into()));
    }
}
