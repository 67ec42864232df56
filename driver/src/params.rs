//! Parameter values: the bytes an application bound with `SQLBindParameter`, decoded by their C
//! type and written into the SQL text as literals of the parameter's SQL type. Literals are
//! built here, never pasted from the application: text is quoted, numbers are re-printed.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::convert::{c, parse_datetime_text};
use crate::error::{OdbcError, OdbcResult};
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
        sql::CHAR | sql::VARCHAR | sql::LONGVARCHAR | sql::WCHAR | sql::WVARCHAR | sql::WLONGVARCHAR | sql::DECIMAL | sql::NUMERIC | sql::SMALLINT | sql::INTEGER
            | sql::REAL | sql::FLOAT | sql::DOUBLE | sql::BIT | sql::TINYINT | sql::BIGINT | sql::BINARY | sql::VARBINARY | sql::LONGVARBINARY
            | sql::TYPE_DATE | sql::TYPE_TIME | sql::TYPE_TIMESTAMP | sql::DATE_V2 | sql::TIME_V2 | sql::TIMESTAMP_V2 | sql::GUID
    )
}

fn ne<const N: usize>(b: &[u8]) -> OdbcResult<[u8; N]> {
    b.get(..N).and_then(|s| s.try_into().ok()).ok_or_else(|| OdbcError::new("HY090", format!("Parameter buffer holds {} bytes, {N} needed", b.len())))
}

/// Decodes a parameter's bytes (already read from the application's buffer) by C type.
pub fn decode(c_type: i16, bytes: &[u8]) -> OdbcResult<ParamValue> {
    let u16s = |i: usize| -> OdbcResult<u16> { Ok(u16::from_ne_bytes(ne::<2>(bytes.get(i..).unwrap_or_default())?)) };
    Ok(match c_type {
        c::CHAR => ParamValue::Text(String::from_utf8(bytes.to_vec()).map_err(|_| OdbcError::new("22018", "Parameter text is not valid UTF-8"))?),
        c::WCHAR => {
            let w = crate::wide::width();
            ParamValue::Text(w.decode(bytes).ok_or_else(|| OdbcError::new("22018", format!("Parameter text is not valid {}", if w == crate::wide::WcharWidth::Ucs4 { "UCS-4" } else { "UTF-16" })))?)
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
            let v = i128::try_from(magnitude).map_err(|_| OdbcError::new("22003", "SQL_NUMERIC_STRUCT value out of range"))?;
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
        other => return Err(OdbcError::new("HY003", format!("Invalid application buffer type {other} for a parameter"))),
    })
}

fn bad_datetime() -> OdbcError {
    OdbcError::new("22007", "Invalid datetime format in a parameter")
}

pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn decimal_literal(v: i128, scale: i8) -> String {
    if scale <= 0 {
        return format!("{v}{}", "0".repeat((-scale) as usize));
    }
    let digits = v.unsigned_abs().to_string();
    let s = scale as usize;
    let padded = if digits.len() <= s { format!("{}{digits}", "0".repeat(s - digits.len() + 1)) } else { digits };
    let (i, f) = padded.split_at(padded.len() - s);
    format!("{}{i}.{f}", if v < 0 { "-" } else { "" })
}

fn float_literal(f: f64) -> OdbcResult<String> {
    if !f.is_finite() {
        return Err(OdbcError::new("22003", format!("Parameter value {f} cannot be written as SQL")));
    }
    // `{:?}` keeps a decimal point, so the engine reads a float, not an integer.
    Ok(format!("{f:?}"))
}

/// The SQL literal for a parameter of the declared SQL type.
pub fn literal(v: &ParamValue, sql_type: i16) -> OdbcResult<String> {
    if *v == ParamValue::Null {
        return Ok("NULL".into());
    }
    Ok(match sql_type {
        sql::SMALLINT | sql::INTEGER | sql::BIGINT | sql::TINYINT | sql::DECIMAL | sql::NUMERIC | sql::REAL | sql::FLOAT | sql::DOUBLE => match v {
            ParamValue::Int(i) => i.to_string(),
            ParamValue::Float(f) => float_literal(*f)?,
            ParamValue::Decimal(u, s) => decimal_literal(*u, *s),
            ParamValue::Text(t) => {
                let t = t.trim();
                if let Ok(i) = t.parse::<i128>() {
                    i.to_string()
                } else {
                    match t.parse::<f64>() {
                        Ok(f) if f.is_finite() => float_literal(f)?,
                        _ => return Err(OdbcError::new("22018", format!("Invalid character value for cast specification: parameter '{t}' is not a number"))),
                    }
                }
            }
            _ => return Err(OdbcError::new("07006", "Restricted data type attribute violation: this parameter value is not a number")),
        },
        sql::BIT => match v {
            ParamValue::Int(i) => (if *i != 0 { "TRUE" } else { "FALSE" }).into(),
            ParamValue::Float(f) => (if *f != 0.0 { "TRUE" } else { "FALSE" }).into(),
            ParamValue::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
                "1" | "true" => "TRUE".into(),
                "0" | "false" => "FALSE".into(),
                other => return Err(OdbcError::new("22018", format!("Invalid character value for cast specification: '{other}' is not a bit"))),
            },
            _ => return Err(OdbcError::new("07006", "Restricted data type attribute violation: this parameter value is not a bit")),
        },
        sql::TYPE_DATE | sql::DATE_V2 => match v {
            ParamValue::Date(d) => format!("DATE '{}'", d.format("%Y-%m-%d")),
            ParamValue::Timestamp(t) => format!("DATE '{}'", t.format("%Y-%m-%d")),
            ParamValue::Text(t) => format!("DATE '{}'", parse_datetime_text(t).ok_or_else(bad_datetime)?.format("%Y-%m-%d")),
            _ => return Err(OdbcError::new("07006", "Restricted data type attribute violation: this parameter value is not a date")),
        },
        sql::TYPE_TIME | sql::TIME_V2 => match v {
            ParamValue::Time(t) => format!("TIME '{}'", t.format("%H:%M:%S%.f")),
            ParamValue::Timestamp(t) => format!("TIME '{}'", t.format("%H:%M:%S%.f")),
            ParamValue::Text(t) => format!("TIME '{}'", NaiveTime::parse_from_str(t.trim(), "%H:%M:%S%.f").map_err(|_| bad_datetime())?.format("%H:%M:%S%.f")),
            _ => return Err(OdbcError::new("07006", "Restricted data type attribute violation: this parameter value is not a time")),
        },
        sql::TYPE_TIMESTAMP | sql::TIMESTAMP_V2 => match v {
            ParamValue::Timestamp(t) => format!("TIMESTAMP '{}'", t.format("%Y-%m-%d %H:%M:%S%.f")),
            ParamValue::Date(d) => format!("TIMESTAMP '{} 00:00:00'", d.format("%Y-%m-%d")),
            ParamValue::Text(t) => format!("TIMESTAMP '{}'", parse_datetime_text(t).ok_or_else(bad_datetime)?.format("%Y-%m-%d %H:%M:%S%.f")),
            _ => return Err(OdbcError::new("07006", "Restricted data type attribute violation: this parameter value is not a timestamp")),
        },
        sql::BINARY | sql::VARBINARY | sql::LONGVARBINARY => match v {
            ParamValue::Binary(b) => format!("X'{}'", b.iter().map(|x| format!("{x:02X}")).collect::<String>()),
            ParamValue::Text(t) => format!("X'{}'", t.bytes().map(|x| format!("{x:02X}")).collect::<String>()),
            _ => return Err(OdbcError::new("07006", "Restricted data type attribute violation: this parameter value is not binary")),
        },
        // Character types (and GUID): the value's text.
        _ => quote(&match v {
            ParamValue::Text(t) => t.clone(),
            ParamValue::Int(i) => i.to_string(),
            ParamValue::Float(f) => f.to_string(),
            ParamValue::Decimal(u, s) => decimal_literal(*u, *s),
            ParamValue::Date(d) => d.format("%Y-%m-%d").to_string(),
            ParamValue::Time(t) => t.format("%H:%M:%S").to_string(),
            ParamValue::Timestamp(t) => t.format("%Y-%m-%d %H:%M:%S%.f").to_string(),
            ParamValue::Binary(b) => String::from_utf8_lossy(b).into_owned(),
            ParamValue::Null => unreachable!(),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_built_not_pasted() {
        assert_eq!(literal(&ParamValue::Text("O'Brien".into()), sql::VARCHAR).unwrap(), "'O''Brien'");
        assert_eq!(literal(&ParamValue::Text("42".into()), sql::INTEGER).unwrap(), "42");
        assert_eq!(literal(&ParamValue::Text("1; DROP".into()), sql::INTEGER).unwrap_err().state, "22018");
        assert_eq!(literal(&ParamValue::Float(2.0), sql::DOUBLE).unwrap(), "2.0");
        assert_eq!(literal(&ParamValue::Decimal(-105, 2), sql::DECIMAL).unwrap(), "-1.05");
        assert_eq!(literal(&ParamValue::Text("2024-01-02".into()), sql::TYPE_DATE).unwrap(), "DATE '2024-01-02'");
        assert_eq!(literal(&ParamValue::Null, sql::INTEGER).unwrap(), "NULL");
        let ts = decode(c::TYPE_TIMESTAMP, &[0xE8, 0x07, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 0, 0, 0, 0]).unwrap();
        assert_eq!(literal(&ts, sql::TYPE_TIMESTAMP).unwrap(), "TIMESTAMP '2024-01-02 03:04:05'");
        assert_eq!(decode(c::SLONG, &7i32.to_ne_bytes()).unwrap(), ParamValue::Int(7));
        assert_eq!(decode(c::WCHAR, &[0x41, 0, 0xE9, 0]).unwrap(), ParamValue::Text("Aé".into()));
    }
}
