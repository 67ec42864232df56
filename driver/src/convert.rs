//! One result cell → the bytes of the C type an application asked for, following the ODBC
//! specification's tables of SQL-to-C conversions (Appendix D): which pairs are allowed (`07006`
//! otherwise), when digits are lost (`01S07`), out of range (`22003`) or not a number (`22018`).
//! The bytes are produced here; writing them into application buffers is the FFI layer's job.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{
    Date32Type, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Time64MicrosecondType, TimestampMicrosecondType,
};

use crate::error::{OdbcError, OdbcResult, SqlState};
use crate::types::ValueKind;

/// ODBC C data types (`SQL_C_*`).
pub mod c {
    pub const CHAR: i16 = 1;
    pub const NUMERIC: i16 = 2;
    pub const LONG: i16 = 4;
    pub const SHORT: i16 = 5;
    pub const FLOAT: i16 = 7;
    pub const DOUBLE: i16 = 8;
    pub const DATE: i16 = 9;
    pub const TIME: i16 = 10;
    pub const TIMESTAMP: i16 = 11;
    pub const TYPE_DATE: i16 = 91;
    pub const TYPE_TIME: i16 = 92;
    pub const TYPE_TIMESTAMP: i16 = 93;
    pub const DEFAULT: i16 = 99;
    pub const BINARY: i16 = -2;
    pub const BIT: i16 = -7;
    pub const TINYINT: i16 = -6;
    pub const WCHAR: i16 = -8;
    pub const GUID: i16 = -11;
    pub const SLONG: i16 = -16;
    pub const SSHORT: i16 = -15;
    pub const ULONG: i16 = -18;
    pub const USHORT: i16 = -17;
    pub const SBIGINT: i16 = -25;
    pub const UBIGINT: i16 = -27;
    pub const STINYINT: i16 = -26;
    pub const UTINYINT: i16 = -28;
    pub const ARD_TYPE: i16 = -99;

    /// Every C type this driver converts to or from.
    pub fn is_known(t: i16) -> bool {
        matches!(
            t,
            CHAR | NUMERIC
                | LONG
                | SHORT
                | FLOAT
                | DOUBLE
                | DATE
                | TIME
                | TIMESTAMP
                | TYPE_DATE
                | TYPE_TIME
                | TYPE_TIMESTAMP
                | DEFAULT
                | BINARY
                | BIT
                | TINYINT
                | WCHAR
                | GUID
                | SLONG
                | SSHORT
                | ULONG
                | USHORT
                | SBIGINT
                | UBIGINT
                | STINYINT
                | UTINYINT
        )
    }

    /// Size in bytes of a fixed-length C type; `None` for character and binary buffers.
    pub fn fixed_size(t: i16) -> Option<usize> {
        Some(match t {
            BIT | TINYINT | STINYINT | UTINYINT => 1,
            SHORT | SSHORT | USHORT => 2,
            LONG | SLONG | ULONG | FLOAT => 4,
            DOUBLE | SBIGINT | UBIGINT => 8,
            DATE | TIME | TYPE_DATE | TYPE_TIME => 6,
            TIMESTAMP | TYPE_TIMESTAMP | GUID => 16,
            NUMERIC => 19,
            _ => return None,
        })
    }
}

/// One value of a result set, borrowed from its Arrow column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Null,
    Text(&'a str),
    Int(i64),
    Real(f32),
    Float(f64),
    /// Unscaled value and scale.
    Decimal(i128, i8),
    Bool(bool),
    /// Days since 1970-01-01.
    Date(i32),
    /// Microseconds since midnight.
    Time(i64),
    /// Microseconds since the epoch, UTC.
    Timestamp(i64),
    Binary(&'a [u8]),
}

/// Reads row `row` of a normalized column (see [`crate::types::normalize`]).
pub fn cell(a: &ArrayRef, kind: ValueKind, row: usize) -> Cell<'_> {
    if a.is_null(row) {
        return Cell::Null;
    }
    match kind {
        ValueKind::Text => Cell::Text(a.as_string::<i32>().value(row)),
        ValueKind::SmallInt => Cell::Int(a.as_primitive::<Int16Type>().value(row).into()),
        ValueKind::Integer => Cell::Int(a.as_primitive::<Int32Type>().value(row).into()),
        ValueKind::BigInt => Cell::Int(a.as_primitive::<Int64Type>().value(row)),
        ValueKind::Real => Cell::Real(a.as_primitive::<Float32Type>().value(row)),
        ValueKind::Double => Cell::Float(a.as_primitive::<Float64Type>().value(row)),
        ValueKind::Decimal { scale, .. } => Cell::Decimal(a.as_primitive::<Decimal128Type>().value(row), scale),
        ValueKind::Bit => Cell::Bool(a.as_boolean().value(row)),
        ValueKind::Date => Cell::Date(a.as_primitive::<Date32Type>().value(row)),
        ValueKind::Time => Cell::Time(a.as_primitive::<Time64MicrosecondType>().value(row)),
        ValueKind::Timestamp => Cell::Timestamp(a.as_primitive::<TimestampMicrosecondType>().value(row)),
        ValueKind::Binary => Cell::Binary(a.as_binary::<i32>().value(row)),
    }
}

/// A converted value, before it meets the application's buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Converted {
    /// A fixed-length C value (number, struct), written whole.
    Fixed(Vec<u8>),
    /// Character or binary data, possibly returned in pieces. `terminator`: bytes of the
    /// null terminator (0 for binary); `min_whole`: bytes that must fit, or the value is out of
    /// range (`22003`: the whole digits of a number) instead of truncated (`01004`).
    Var { data: Vec<u8>, terminator: usize, min_whole: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    pub value: Converted,
    /// `01S07`: fractional digits or a time part were dropped.
    pub fractional_truncation: bool,
}

impl Conversion {
    fn fixed(bytes: Vec<u8>, fractional_truncation: bool) -> Conversion {
        Conversion { value: Converted::Fixed(bytes), fractional_truncation }
    }
}

/// What the application asked for: the C type and, for `SQL_C_NUMERIC`, precision and scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub c_type: i16,
    pub precision: i16,
    pub scale: i16,
}

/// The C type `SQL_C_DEFAULT` means for a column kind.
pub fn default_c_type(kind: ValueKind) -> i16 {
    match kind {
        ValueKind::Text => c::WCHAR,
        ValueKind::SmallInt => c::SSHORT,
        ValueKind::Integer => c::SLONG,
        ValueKind::BigInt => c::SBIGINT,
        ValueKind::Real => c::FLOAT,
        ValueKind::Double => c::DOUBLE,
        ValueKind::Decimal { .. } => c::CHAR,
        ValueKind::Bit => c::BIT,
        ValueKind::Date => c::TYPE_DATE,
        ValueKind::Time => c::TYPE_TIME,
        ValueKind::Timestamp => c::TYPE_TIMESTAMP,
        ValueKind::Binary => c::BINARY,
    }
}

fn restricted(cell: &Cell, c_type: i16) -> OdbcError {
    let what = match cell {
        Cell::Text(_) => "text",
        Cell::Int(_) | Cell::Real(_) | Cell::Float(_) | Cell::Decimal(..) => "a number",
        Cell::Bool(_) => "a bit",
        Cell::Date(_) => "a date",
        Cell::Time(_) => "a time",
        Cell::Timestamp(_) => "a timestamp",
        Cell::Binary(_) => "binary data",
        Cell::Null => "NULL",
    };
    OdbcError::new(SqlState::RESTRICTED_DATA_TYPE, format!("Restricted data type attribute violation: {what} cannot be converted to C type {c_type}"))
}

fn out_of_range(text: impl std::fmt::Display, c_type: i16) -> OdbcError {
    OdbcError::new(SqlState::NUMERIC_OUT_OF_RANGE, format!("Numeric value out of range: {text} does not fit C type {c_type}"))
}

fn not_a_number(text: &str) -> OdbcError {
    OdbcError::new(SqlState::INVALID_CHARACTER_VALUE, format!("Invalid character value for cast specification: '{}' is not a number", preview(text)))
}

fn preview(s: &str) -> String {
    let p: String = s.chars().take(40).collect();
    if p.len() < s.len() {
        format!("{p}...")
    } else {
        p
    }
}

/// Converts a non-null cell. `kind` decides what `SQL_C_DEFAULT` means.
pub fn convert(cell: &Cell, kind: ValueKind, target: Target) -> OdbcResult<Conversion> {
    let c_type = if target.c_type == c::DEFAULT { default_c_type(kind) } else { target.c_type };
    match c_type {
        c::CHAR | c::WCHAR => {
            let (text, min_whole) = as_text(cell);
            let unit = if c_type == c::CHAR { 1 } else { crate::wide::width().unit() };
            let data = if c_type == c::CHAR { text.into_bytes() } else { crate::wide::width().encode(&text) };
            Ok(Conversion { value: Converted::Var { data, terminator: unit, min_whole: min_whole * unit }, fractional_truncation: false })
        }
        c::BINARY => {
            let (data, whole) = match cell {
                Cell::Text(s) => (s.as_bytes().to_vec(), false),
                Cell::Binary(b) => (b.to_vec(), false),
                Cell::Int(v) => (
                    match kind {
                        ValueKind::SmallInt => (*v as i16).to_ne_bytes().to_vec(),
                        ValueKind::Integer => (*v as i32).to_ne_bytes().to_vec(),
                        _ => v.to_ne_bytes().to_vec(),
                    },
                    true,
                ),
                Cell::Real(f) => (f.to_ne_bytes().to_vec(), true),
                Cell::Float(f) => (f.to_ne_bytes().to_vec(), true),
                Cell::Bool(b) => (vec![u8::from(*b)], true),
                Cell::Decimal(..) => (numeric_struct(cell, 38, decimal_scale(cell))?.0, true),
                Cell::Date(_) => (date_struct(cell)?.0, true),
                Cell::Time(_) => (time_struct(cell)?.0, true),
                Cell::Timestamp(_) => (timestamp_struct(cell)?.0, true),
                Cell::Null => (Vec::new(), false),
            };
            let min_whole = if whole { data.len() } else { 0 };
            Ok(Conversion { value: Converted::Var { data, terminator: 0, min_whole }, fractional_truncation: false })
        }
        c::BIT => {
            let (v, frac) = bit_value(cell)?;
            Ok(Conversion::fixed(vec![v], frac))
        }
        c::TINYINT | c::STINYINT => integer(cell, c_type, i8::MIN.into(), i8::MAX.into(), |v| (v as i8).to_ne_bytes().to_vec()),
        c::UTINYINT => integer(cell, c_type, 0, u8::MAX.into(), |v| vec![v as u8]),
        c::SHORT | c::SSHORT => integer(cell, c_type, i16::MIN.into(), i16::MAX.into(), |v| (v as i16).to_ne_bytes().to_vec()),
        c::USHORT => integer(cell, c_type, 0, u16::MAX.into(), |v| (v as u16).to_ne_bytes().to_vec()),
        c::LONG | c::SLONG => integer(cell, c_type, i32::MIN.into(), i32::MAX.into(), |v| (v as i32).to_ne_bytes().to_vec()),
        c::ULONG => integer(cell, c_type, 0, u32::MAX.into(), |v| (v as u32).to_ne_bytes().to_vec()),
        c::SBIGINT => integer(cell, c_type, i64::MIN.into(), i64::MAX.into(), |v| (v as i64).to_ne_bytes().to_vec()),
        c::UBIGINT => integer(cell, c_type, 0, u64::MAX.into(), |v| (v as u64).to_ne_bytes().to_vec()),
        c::DOUBLE => Ok(Conversion::fixed(float_value(cell, c_type)?.to_ne_bytes().to_vec(), false)),
        c::FLOAT => {
            let v = float_value(cell, c_type)?;
            if v.is_finite() && v.abs() > f64::from(f32::MAX) {
                return Err(out_of_range(v, c_type));
            }
            Ok(Conversion::fixed((v as f32).to_ne_bytes().to_vec(), false))
        }
        c::NUMERIC => {
            let precision = if target.precision > 0 { target.precision.min(38) as u8 } else { 38 };
            let scale = if target.precision > 0 { target.scale as i8 } else { decimal_scale(cell) };
            let (bytes, frac) = numeric_struct(cell, precision, scale)?;
            Ok(Conversion::fixed(bytes, frac))
        }
        c::DATE | c::TYPE_DATE => date_struct(cell).map(|(b, f)| Conversion::fixed(b, f)),
        c::TIME | c::TYPE_TIME => time_struct(cell).map(|(b, f)| Conversion::fixed(b, f)),
        c::TIMESTAMP | c::TYPE_TIMESTAMP => timestamp_struct(cell).map(|(b, f)| Conversion::fixed(b, f)),
        c::GUID => match cell {
            Cell::Text(s) => guid_bytes(s).map(|b| Conversion::fixed(b, false)),
            _ => Err(restricted(cell, c_type)),
        },
        other => Err(OdbcError::new(SqlState::INVALID_APP_BUFFER_TYPE, format!("Invalid application buffer type: {other}"))),
    }
}

/// A value converted into a buffer the caller reuses from cell to cell.
#[derive(Debug)]
pub enum Scratch {
    /// Written whole (a number, a struct).
    Fixed,
    /// Character data with a terminator of this many bytes.
    Text(usize),
}

/// The conversions a bulk fetch spends its time in (text as `SQL_C_CHAR`/`SQL_C_WCHAR`, whole
/// numbers as 64-bit integers or doubles, timestamps as the timestamp struct), written into
/// `out` (cleared first) rather than into a new buffer per cell. `None`: any other case, which
/// [`convert`] handles (with its checks and diagnostics); the results are the same.
pub fn convert_into(cell: &Cell, c_type: i16, out: &mut Vec<u8>) -> Option<Scratch> {
    out.clear();
    match (cell, c_type) {
        (Cell::Text(s), c::CHAR) => {
            out.extend_from_slice(s.as_bytes());
            Some(Scratch::Text(1))
        }
        (Cell::Text(s), c::WCHAR) => {
            let w = crate::wide::width();
            w.encode_into(s, out);
            Some(Scratch::Text(w.unit()))
        }
        (Cell::Int(v), c::SBIGINT) => {
            out.extend_from_slice(&v.to_ne_bytes());
            Some(Scratch::Fixed)
        }
        (Cell::Int(v), c::DOUBLE) => {
            out.extend_from_slice(&(*v as f64).to_ne_bytes());
            Some(Scratch::Fixed)
        }
        (Cell::Float(f), c::DOUBLE) => {
            out.extend_from_slice(&f.to_ne_bytes());
            Some(Scratch::Fixed)
        }
        (Cell::Timestamp(us), c::TYPE_TIMESTAMP | c::TIMESTAMP) => {
            let d = datetime_of(*us)?;
            for v in [d.year() as i16 as u16, d.month() as u16, d.day() as u16, d.hour() as u16, d.minute() as u16, d.second() as u16] {
                out.extend_from_slice(&v.to_ne_bytes());
            }
            out.extend_from_slice(&d.nanosecond().min(999_999_999).to_ne_bytes());
            Some(Scratch::Fixed)
        }
        _ => None,
    }
}

fn decimal_text(v: i128, scale: i8) -> String {
    if scale <= 0 {
        let mut s = v.to_string();
        s.extend(std::iter::repeat_n('0', (-scale) as usize));
        return s;
    }
    let neg = v < 0;
    let digits = v.unsigned_abs().to_string();
    let scale = scale as usize;
    let padded = if digits.len() <= scale { format!("{}{digits}", "0".repeat(scale - digits.len() + 1)) } else { digits };
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{}{int}.{frac}", if neg { "-" } else { "" })
}

pub fn date_of(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(719_163)?)
}

pub fn datetime_of(micros: i64) -> Option<NaiveDateTime> {
    chrono::DateTime::from_timestamp_micros(micros).map(|d| d.naive_utc())
}

fn time_of(micros: i64) -> Option<NaiveTime> {
    NaiveTime::from_num_seconds_from_midnight_opt((micros / 1_000_000) as u32, ((micros % 1_000_000) * 1000) as u32)
}

/// The cell's text form and how many leading bytes must fit (0: any truncation is fine).
fn as_text(cell: &Cell) -> (String, usize) {
    match cell {
        Cell::Null => (String::new(), 0),
        Cell::Text(s) => (s.to_string(), 0),
        Cell::Int(v) => {
            let s = v.to_string();
            let n = s.len();
            (s, n)
        }
        Cell::Real(f) => float_text(f.to_string()),
        Cell::Float(f) => float_text(f.to_string()),
        Cell::Decimal(v, s) => float_text(decimal_text(*v, *s)),
        Cell::Bool(b) => ((if *b { "1" } else { "0" }).to_string(), 1),
        Cell::Date(d) => (date_of(*d).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(), 10),
        Cell::Time(t) => {
            let s = time_of(*t)
                .map(|t| if t.nanosecond() == 0 { t.format("%H:%M:%S").to_string() } else { t.format("%H:%M:%S%.6f").to_string() })
                .unwrap_or_default();
            (s, 8)
        }
        Cell::Timestamp(us) => (timestamp_text(*us), 19),
        Cell::Binary(b) => {
            let s: String = b.iter().map(|x| format!("{x:02X}")).collect();
            (s, 0)
        }
    }
}

pub fn timestamp_text(us: i64) -> String {
    match datetime_of(us) {
        Some(d) if us.rem_euclid(1000) != 0 => d.format("%Y-%m-%d %H:%M:%S%.6f").to_string(),
        Some(d) => d.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
        None => String::new(),
    }
}

fn float_text(s: String) -> (String, usize) {
    // Whole digits (and sign) must fit; fractional digits may be cut (01004).
    let whole = s.find('.').unwrap_or(s.len());
    (s, whole)
}

/// A text value as a number: exact integer when it is one, else a float.
enum Parsed {
    Int(i128),
    Float(f64),
}

fn parse_number(s: &str) -> OdbcResult<Parsed> {
    let t = s.trim();
    if let Ok(i) = t.parse::<i128>() {
        return Ok(Parsed::Int(i));
    }
    match t.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(Parsed::Float(f)),
        Ok(_) => Err(out_of_range(t, c::DOUBLE)),
        Err(_) => Err(not_a_number(t)),
    }
}

/// The integral part of a numeric cell and whether a fraction was dropped.
fn integral(cell: &Cell, c_type: i16) -> OdbcResult<(i128, bool)> {
    let from_float = |f: f64| -> OdbcResult<(i128, bool)> {
        if !f.is_finite() || f.abs() >= 1.7e38 {
            return Err(out_of_range(f, c_type));
        }
        Ok((f.trunc() as i128, f.fract() != 0.0))
    };
    match cell {
        Cell::Int(v) => Ok((i128::from(*v), false)),
        Cell::Real(f) => from_float(f64::from(*f)),
        Cell::Float(f) => from_float(*f),
        Cell::Bool(b) => Ok((i128::from(*b), false)),
        Cell::Decimal(v, s) => {
            if *s <= 0 {
                let m = 10i128.checked_pow((-*s) as u32).and_then(|m| v.checked_mul(m)).ok_or_else(|| out_of_range(decimal_text(*v, *s), c_type))?;
                Ok((m, false))
            } else {
                let d = 10i128.pow(*s as u32);
                Ok((v / d, v % d != 0))
            }
        }
        Cell::Text(t) => match parse_number(t)? {
            Parsed::Int(i) => Ok((i, false)),
            Parsed::Float(f) => from_float(f),
        },
        _ => Err(restricted(cell, c_type)),
    }
}

fn integer(cell: &Cell, c_type: i16, min: i128, max: i128, bytes: impl Fn(i128) -> Vec<u8>) -> OdbcResult<Conversion> {
    let (v, frac) = integral(cell, c_type)?;
    if v < min || v > max {
        let (text, _) = as_text(cell);
        return Err(out_of_range(text, c_type));
    }
    Ok(Conversion::fixed(bytes(v), frac))
}

fn float_value(cell: &Cell, c_type: i16) -> OdbcResult<f64> {
    Ok(match cell {
        Cell::Int(v) => *v as f64,
        Cell::Real(f) => f64::from(*f),
        Cell::Float(f) => *f,
        Cell::Bool(b) => f64::from(u8::from(*b)),
        Cell::Decimal(v, s) => *v as f64 / 10f64.powi(i32::from(*s)),
        Cell::Text(t) => match parse_number(t)? {
            Parsed::Int(i) => i as f64,
            Parsed::Float(f) => f,
        },
        _ => return Err(restricted(cell, c_type)),
    })
}

fn bit_value(cell: &Cell) -> OdbcResult<(u8, bool)> {
    if let Cell::Bool(b) = cell {
        return Ok((u8::from(*b), false));
    }
    let v = float_value(cell, c::BIT)?;
    if !(0.0..2.0).contains(&v) {
        return Err(out_of_range(v, c::BIT));
    }
    Ok((u8::from(v >= 1.0), v != 0.0 && v != 1.0))
}

fn decimal_scale(cell: &Cell) -> i8 {
    match cell {
        Cell::Decimal(_, s) => *s,
        _ => 0,
    }
}

/// `SQL_NUMERIC_STRUCT`: precision, scale, sign (1 = positive), 16-byte little-endian magnitude.
fn numeric_struct(cell: &Cell, precision: u8, scale: i8) -> OdbcResult<(Vec<u8>, bool)> {
    // The exact decimal digits of the value: (unscaled, scale).
    let (v, s): (i128, i8) = match cell {
        Cell::Decimal(v, s) => (*v, *s),
        Cell::Int(v) => (i128::from(*v), 0),
        Cell::Bool(b) => (i128::from(*b), 0),
        Cell::Real(_) | Cell::Float(_) | Cell::Text(_) => {
            let text = match cell {
                Cell::Text(t) => t.trim().to_string(),
                Cell::Real(f) => format!("{f}"),
                Cell::Float(f) => format!("{f}"),
                _ => unreachable!(),
            };
            parse_decimal(&text).ok_or_else(|| if matches!(cell, Cell::Text(_)) { not_a_number(&text) } else { out_of_range(&text, c::NUMERIC) })?
        }
        _ => return Err(restricted(cell, c::NUMERIC)),
    };
    let (scaled, lost) = rescale(v, s, scale).ok_or_else(|| out_of_range(decimal_text(v, s), c::NUMERIC))?;
    if scaled.unsigned_abs().to_string().len() > precision as usize && scaled != 0 {
        return Err(out_of_range(decimal_text(v, s), c::NUMERIC));
    }
    let mut out = vec![precision, scale as u8, u8::from(scaled >= 0)];
    out.extend_from_slice(&scaled.unsigned_abs().to_le_bytes());
    Ok((out, lost))
}

fn rescale(v: i128, from: i8, to: i8) -> Option<(i128, bool)> {
    let diff = i32::from(to) - i32::from(from);
    if diff >= 0 {
        Some((v.checked_mul(10i128.checked_pow(diff as u32)?)?, false))
    } else {
        let d = 10i128.checked_pow((-diff) as u32)?;
        Some((v / d, v % d != 0))
    }
}

/// `-12.345e2` → (unscaled, scale).
fn parse_decimal(s: &str) -> Option<(i128, i8)> {
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(p) => (&s[..p], s[p + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (neg, m) = match mantissa.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int, frac) = m.split_once('.').unwrap_or((m, ""));
    if int.is_empty() && frac.is_empty() || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let mut v: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    if neg {
        v = -v;
    }
    let scale = frac.len() as i32 - exp;
    i8::try_from(scale).ok().map(|s| (v, s))
}

fn date_bytes(d: NaiveDate) -> Vec<u8> {
    let mut out = Vec::with_capacity(6);
    out.extend_from_slice(&(d.year() as i16).to_ne_bytes());
    out.extend_from_slice(&(d.month() as u16).to_ne_bytes());
    out.extend_from_slice(&(d.day() as u16).to_ne_bytes());
    out
}

fn time_bytes(t: NaiveTime) -> Vec<u8> {
    let mut out = Vec::with_capacity(6);
    for v in [t.hour(), t.minute(), t.second()] {
        out.extend_from_slice(&(v as u16).to_ne_bytes());
    }
    out
}

fn timestamp_bytes(d: NaiveDateTime) -> Vec<u8> {
    let mut out = date_bytes(d.date());
    out.extend_from_slice(&time_bytes(d.time()));
    out.extend_from_slice(&d.nanosecond().min(999_999_999).to_ne_bytes());
    out
}

fn bad_datetime(s: &str) -> OdbcError {
    OdbcError::new(SqlState::INVALID_CHARACTER_VALUE, format!("Invalid character value for cast specification: '{}' is not a date or timestamp", preview(s)))
}

/// Date, timestamp and time texts as users and ODBC write them.
pub fn parse_datetime_text(s: &str) -> Option<NaiveDateTime> {
    let t = s.trim();
    for f in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return Some(d);
        }
    }
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(t) {
        return Some(d.naive_utc());
    }
    if let Ok(d) = chrono::DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(d.naive_utc());
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0))
}

fn date_struct(cell: &Cell) -> OdbcResult<(Vec<u8>, bool)> {
    match cell {
        Cell::Date(d) => Ok((date_bytes(date_of(*d).ok_or_else(|| out_of_range(d, c::TYPE_DATE))?), false)),
        Cell::Timestamp(us) => {
            let d = datetime_of(*us).ok_or_else(|| out_of_range(us, c::TYPE_DATE))?;
            Ok((date_bytes(d.date()), d.time() != NaiveTime::MIN))
        }
        Cell::Text(s) => {
            let d = parse_datetime_text(s).ok_or_else(|| bad_datetime(s))?;
            if d.time() != NaiveTime::MIN {
                return Err(bad_datetime(s));
            }
            Ok((date_bytes(d.date()), false))
        }
        _ => Err(restricted(cell, c::TYPE_DATE)),
    }
}

fn time_struct(cell: &Cell) -> OdbcResult<(Vec<u8>, bool)> {
    match cell {
        Cell::Time(t) => {
            let t = time_of(*t).ok_or_else(|| out_of_range(t, c::TYPE_TIME))?;
            Ok((time_bytes(t), t.nanosecond() != 0))
        }
        Cell::Timestamp(us) => {
            let d = datetime_of(*us).ok_or_else(|| out_of_range(us, c::TYPE_TIME))?;
            Ok((time_bytes(d.time()), d.nanosecond() != 0))
        }
        Cell::Text(s) => {
            let t =
                NaiveTime::parse_from_str(s.trim(), "%H:%M:%S%.f").or_else(|_| NaiveTime::parse_from_str(s.trim(), "%H:%M")).map_err(|_| bad_datetime(s))?;
            Ok((time_bytes(t), t.nanosecond() != 0))
        }
        _ => Err(restricted(cell, c::TYPE_TIME)),
    }
}

fn timestamp_struct(cell: &Cell) -> OdbcResult<(Vec<u8>, bool)> {
    match cell {
        Cell::Timestamp(us) => Ok((timestamp_bytes(datetime_of(*us).ok_or_else(|| out_of_range(us, c::TYPE_TIMESTAMP))?), false)),
        Cell::Date(d) => Ok((timestamp_bytes(date_of(*d).ok_or_else(|| out_of_range(d, c::TYPE_TIMESTAMP))?.and_time(NaiveTime::MIN)), false)),
        Cell::Time(t) => {
            let today = chrono::Utc::now().date_naive();
            Ok((timestamp_bytes(today.and_time(time_of(*t).ok_or_else(|| out_of_range(t, c::TYPE_TIMESTAMP))?)), false))
        }
        Cell::Text(s) => Ok((timestamp_bytes(parse_datetime_text(s).ok_or_else(|| bad_datetime(s))?), false)),
        _ => Err(restricted(cell, c::TYPE_TIMESTAMP)),
    }
}

fn guid_bytes(s: &str) -> OdbcResult<Vec<u8>> {
    let hex: String = s.trim().trim_matches(['{', '}']).chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(OdbcError::new(SqlState::INVALID_CHARACTER_VALUE, format!("'{}' is not a GUID", preview(s))));
    }
    let b: Vec<u8> = (0..16).map(|i| u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap_or(0)).collect();
    // SQLGUID: Data1 (u32), Data2 (u16), Data3 (u16) in native order, then 8 bytes.
    let mut out = Vec::with_capacity(16);
    out.extend_from_slice(&u32::from_be_bytes([b[0], b[1], b[2], b[3]]).to_ne_bytes());
    out.extend_from_slice(&u16::from_be_bytes([b[4], b[5]]).to_ne_bytes());
    out.extend_from_slice(&u16::from_be_bytes([b[6], b[7]]).to_ne_bytes());
    out.extend_from_slice(&b[8..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(c_type: i16) -> Target {
        Target { c_type, precision: 0, scale: 0 }
    }

    /// The bulk-fetch fast path gives exactly what [`convert`] gives, wherever it answers.
    #[test]
    fn convert_into_equals_convert() {
        let cells = [
            (Cell::Text("héllo, 世界"), ValueKind::Text),
            (Cell::Text(""), ValueKind::Text),
            (Cell::Int(-42), ValueKind::BigInt),
            (Cell::Int(i64::MAX), ValueKind::BigInt),
            (Cell::Float(2.5), ValueKind::Double),
            (Cell::Timestamp(1_706_745_600_123_456), ValueKind::Timestamp),
            (Cell::Timestamp(-1_000_000), ValueKind::Timestamp),
        ];
        let mut answered = 0;
        for (cell, kind) in &cells {
            for c_type in [c::CHAR, c::WCHAR, c::SBIGINT, c::DOUBLE, c::TYPE_TIMESTAMP, c::TIMESTAMP] {
                let mut out = Vec::new();
                let Some(scratch) = convert_into(cell, c_type, &mut out) else { continue };
                answered += 1;
                let slow = convert(cell, *kind, t(c_type)).unwrap().value;
                match (scratch, slow) {
                    (Scratch::Fixed, Converted::Fixed(bytes)) => assert_eq!(out, bytes, "{c_type}"),
                    (Scratch::Text(term), Converted::Var { data, terminator, .. }) => assert_eq!((out, term), (data, terminator), "{c_type}"),
                    (s, v) => panic!("{c_type}: the fast path gave {s:?}, convert {v:?}"),
                }
            }
        }
        assert!(answered >= 10, "{answered}");
    }

    #[test]
    fn numbers_convert_with_the_spec_states() {
        let r = convert(&Cell::Int(300), ValueKind::BigInt, t(c::UTINYINT)).unwrap_err();
        assert_eq!(r.state, "22003");
        let r = convert(&Cell::Float(2.5), ValueKind::Double, t(c::SLONG)).unwrap();
        assert_eq!(r.value, Converted::Fixed(2i32.to_ne_bytes().to_vec()));
        assert!(r.fractional_truncation);
        assert_eq!(convert(&Cell::Text("abc"), ValueKind::Text, t(c::SLONG)).unwrap_err().state, "22018");
        assert_eq!(convert(&Cell::Text(" 42 "), ValueKind::Text, t(c::SBIGINT)).unwrap().value, Converted::Fixed(42i64.to_ne_bytes().to_vec()));
        assert_eq!(convert(&Cell::Date(0), ValueKind::Date, t(c::SLONG)).unwrap_err().state, "07006");
        assert_eq!(convert(&Cell::Int(5), ValueKind::BigInt, t(c::TYPE_DATE)).unwrap_err().state, "07006");
        assert_eq!(convert(&Cell::Int(2), ValueKind::BigInt, t(c::BIT)).unwrap_err().state, "22003");
        match convert(&Cell::Float(-12.75), ValueKind::Double, t(c::CHAR)).unwrap().value {
            Converted::Var { data, terminator, min_whole } => {
                assert_eq!(data, b"-12.75");
                assert_eq!((terminator, min_whole), (1, 3));
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn numeric_struct_and_decimal_text() {
        assert_eq!(decimal_text(-1234, 2), "-12.34");
        assert_eq!(decimal_text(5, 3), "0.005");
        let r =
            convert(&Cell::Decimal(-12345, 2), ValueKind::Decimal { precision: 10, scale: 2 }, Target { c_type: c::NUMERIC, precision: 10, scale: 1 }).unwrap();
        let Converted::Fixed(b) = r.value else { panic!() };
        assert_eq!(&b[..3], &[10, 1, 0]);
        assert_eq!(u128::from_le_bytes(b[3..19].try_into().unwrap()), 1234);
        assert!(r.fractional_truncation);
        assert_eq!(parse_decimal("1.5e2"), Some((15, -1)));
    }

    #[test]
    fn dates_and_timestamps() {
        let us = 1_700_000_000_123_000i64; // 2023-11-14 22:13:20.123 UTC
        assert_eq!(timestamp_text(us), "2023-11-14 22:13:20.123");
        let r = convert(&Cell::Timestamp(us), ValueKind::Timestamp, t(c::TYPE_TIMESTAMP)).unwrap();
        let Converted::Fixed(b) = r.value else { panic!() };
        assert_eq!(i16::from_ne_bytes([b[0], b[1]]), 2023);
        assert_eq!(u32::from_ne_bytes(b[12..16].try_into().unwrap()), 123_000_000);
        let r = convert(&Cell::Timestamp(us), ValueKind::Timestamp, t(c::TYPE_DATE)).unwrap();
        assert!(r.fractional_truncation);
        assert_eq!(convert(&Cell::Text("not a date"), ValueKind::Text, t(c::TYPE_DATE)).unwrap_err().state, "22018");
        assert!(parse_datetime_text("2024-03-01T10:00:00.000+0100").is_some());
    }

    #[test]
    fn text_as_wide_chars() {
        match convert(&Cell::Text("é😀"), ValueKind::Text, t(c::DEFAULT)).unwrap().value {
            Converted::Var { data, terminator, .. } => {
                assert_eq!(terminator, 2);
                assert_eq!(data.len(), 6, "é is one UTF-16 unit, the emoji two");
            }
            v => panic!("{v:?}"),
        }
    }
}
