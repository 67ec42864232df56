//! ODBC types of result columns: every Arrow type a query can produce maps to one canonical
//! value kind, an ODBC SQL type, and honest sizes (`SQLDescribeCol`, `SQLColAttribute`).

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};

use crate::error::{OdbcError, OdbcResult, SqlState};

/// ODBC SQL data types (`SQL_*` in sql.h/sqlext.h/sqlucode.h).
pub mod sql {
    pub const CHAR: i16 = 1;
    pub const NUMERIC: i16 = 2;
    pub const DECIMAL: i16 = 3;
    pub const INTEGER: i16 = 4;
    pub const SMALLINT: i16 = 5;
    pub const FLOAT: i16 = 6;
    pub const REAL: i16 = 7;
    pub const DOUBLE: i16 = 8;
    pub const DATETIME: i16 = 9;
    pub const VARCHAR: i16 = 12;
    pub const TYPE_DATE: i16 = 91;
    pub const TYPE_TIME: i16 = 92;
    pub const TYPE_TIMESTAMP: i16 = 93;
    pub const LONGVARCHAR: i16 = -1;
    pub const BINARY: i16 = -2;
    pub const VARBINARY: i16 = -3;
    pub const LONGVARBINARY: i16 = -4;
    pub const BIGINT: i16 = -5;
    pub const TINYINT: i16 = -6;
    pub const BIT: i16 = -7;
    pub const WCHAR: i16 = -8;
    pub const WVARCHAR: i16 = -9;
    pub const WLONGVARCHAR: i16 = -10;
    pub const GUID: i16 = -11;
    /// ODBC 2 names of the date types, reported to ODBC 2 applications.
    pub const DATE_V2: i16 = 9;
    pub const TIME_V2: i16 = 10;
    pub const TIMESTAMP_V2: i16 = 11;
    pub const CODE_DATE: i16 = 1;
    pub const CODE_TIME: i16 = 2;
    pub const CODE_TIMESTAMP: i16 = 3;
}

/// Column size reported for long text (bodies, descriptions): what the column can hold.
pub const LONG_TEXT_SIZE: usize = 1_073_741_823;
/// Column size for text whose length the engine cannot know (expressions).
pub const COMPUTED_TEXT_SIZE: usize = 4000;

/// Field metadata the mapper sets on table columns, read back here.
pub const META_LENGTH: &str = "odbc.length";
pub const META_LONG: &str = "odbc.long";

/// The value kinds the cursor converts from, each with one canonical Arrow type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    SmallInt,
    Integer,
    BigInt,
    Real,
    Double,
    Decimal {
        precision: u8,
        scale: i8,
    },
    Bit,
    Date,
    Time,
    /// Microseconds since the epoch, UTC.
    Timestamp,
    Binary,
}

impl ValueKind {
    pub fn of(t: &DataType) -> ValueKind {
        match t {
            DataType::Int8 | DataType::Int16 | DataType::UInt8 => ValueKind::SmallInt,
            DataType::Int32 | DataType::UInt16 => ValueKind::Integer,
            DataType::Int64 | DataType::UInt32 | DataType::UInt64 => ValueKind::BigInt,
            DataType::Float16 | DataType::Float32 => ValueKind::Real,
            DataType::Float64 => ValueKind::Double,
            DataType::Decimal32(p, s) | DataType::Decimal64(p, s) | DataType::Decimal128(p, s) if *p <= 38 => ValueKind::Decimal { precision: *p, scale: *s },
            DataType::Boolean => ValueKind::Bit,
            DataType::Date32 | DataType::Date64 => ValueKind::Date,
            DataType::Time32(_) | DataType::Time64(_) => ValueKind::Time,
            DataType::Timestamp(_, _) => ValueKind::Timestamp,
            DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => ValueKind::Binary,
            _ => ValueKind::Text,
        }
    }

    /// The Arrow type a batch column is cast to before conversion; `None`: formatted as text.
    fn canonical(self) -> Option<DataType> {
        Some(match self {
            ValueKind::Text => DataType::Utf8,
            ValueKind::SmallInt => DataType::Int16,
            ValueKind::Integer => DataType::Int32,
            ValueKind::BigInt => DataType::Int64,
            ValueKind::Real => DataType::Float32,
            ValueKind::Double => DataType::Float64,
            ValueKind::Decimal { precision, scale } => DataType::Decimal128(precision, scale),
            ValueKind::Bit => DataType::Boolean,
            ValueKind::Date => DataType::Date32,
            ValueKind::Time => DataType::Time64(TimeUnit::Microsecond),
            ValueKind::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
            ValueKind::Binary => DataType::Binary,
        })
    }
}

/// What `SQLDescribeCol`/`SQLColAttribute` report for one result column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMeta {
    pub name: String,
    pub kind: ValueKind,
    pub sql_type: i16,
    pub type_name: &'static str,
    /// Characters for text, digits for numbers, characters of the text form for dates.
    pub column_size: usize,
    pub decimal_digits: i16,
    pub nullable: bool,
    pub display_size: usize,
    /// Bytes of the value in its default C type (UTF-16 for text).
    pub octet_length: usize,
    pub base_table: String,
    pub schema: String,
}

impl ColumnMeta {
    pub fn from_field(f: &Field) -> ColumnMeta {
        let kind = ValueKind::of(f.data_type());
        let md = f.metadata();
        let (sql_type, type_name, column_size, decimal_digits, display_size, octet_length) = match kind {
            ValueKind::Text => {
                if md.contains_key(META_LONG) {
                    // A documented limit where Atlassian gives one, else unbounded.
                    let n = md.get(META_LENGTH).and_then(|v| v.parse().ok()).unwrap_or(LONG_TEXT_SIZE);
                    (sql::WLONGVARCHAR, "LONGVARCHAR", n, 0, n, n * crate::wide::width().unit())
                } else {
                    let n = md.get(META_LENGTH).and_then(|v| v.parse().ok()).unwrap_or(COMPUTED_TEXT_SIZE);
                    (sql::WVARCHAR, "VARCHAR", n, 0, n, n * crate::wide::width().unit())
                }
            }
            ValueKind::SmallInt => (sql::SMALLINT, "SMALLINT", 5, 0, 6, 2),
            ValueKind::Integer => (sql::INTEGER, "INTEGER", 10, 0, 11, 4),
            ValueKind::BigInt => (sql::BIGINT, "BIGINT", 19, 0, 20, 8),
            ValueKind::Real => (sql::REAL, "REAL", 7, 0, 14, 4),
            ValueKind::Double => (sql::DOUBLE, "DOUBLE", 15, 0, 24, 8),
            ValueKind::Decimal { precision, scale } => {
                (sql::DECIMAL, "DECIMAL", precision as usize, scale as i16, precision as usize + 2, precision as usize + 2)
            }
            ValueKind::Bit => (sql::BIT, "BIT", 1, 0, 1, 1),
            ValueKind::Date => (sql::TYPE_DATE, "DATE", 10, 0, 10, 6),
            ValueKind::Time => (sql::TYPE_TIME, "TIME", 8, 0, 8, 6),
            ValueKind::Timestamp => (sql::TYPE_TIMESTAMP, "TIMESTAMP", 23, 3, 23, 16),
            ValueKind::Binary => (sql::VARBINARY, "VARBINARY", 8000, 0, 16000, 8000),
        };
        ColumnMeta {
            name: f.name().clone(),
            kind,
            sql_type,
            type_name,
            column_size,
            decimal_digits,
            nullable: f.is_nullable(),
            display_size,
            octet_length,
            base_table: md.get("odbc.table").cloned().unwrap_or_default(),
            schema: md.get("odbc.schema").cloned().unwrap_or_default(),
        }
    }

    /// The SQL type as the application's ODBC version names it.
    pub fn sql_type_for(&self, odbc_version: i32) -> i16 {
        if odbc_version == 2 {
            match self.sql_type {
                sql::TYPE_DATE => return sql::DATE_V2,
                sql::TYPE_TIME => return sql::TIME_V2,
                sql::TYPE_TIMESTAMP => return sql::TIMESTAMP_V2,
                _ => {}
            }
        }
        self.sql_type
    }

    /// `SQL_DESC_TYPE`: the verbose type (`SQL_DATETIME` for dates and times).
    pub fn verbose_type(&self) -> (i16, i16) {
        match self.sql_type {
            sql::TYPE_DATE => (sql::DATETIME, sql::CODE_DATE),
            sql::TYPE_TIME => (sql::DATETIME, sql::CODE_TIME),
            sql::TYPE_TIMESTAMP => (sql::DATETIME, sql::CODE_TIMESTAMP),
            t => (t, 0),
        }
    }

    pub fn is_text(&self) -> bool {
        self.kind == ValueKind::Text
    }

    pub fn is_unsigned(&self) -> bool {
        !matches!(self.kind, ValueKind::SmallInt | ValueKind::Integer | ValueKind::BigInt | ValueKind::Real | ValueKind::Double | ValueKind::Decimal { .. })
    }
}

/// Casts every column of a batch to its kind's canonical type, so conversion reads few types.
pub fn normalize(batch: &RecordBatch, columns: &[ColumnMeta]) -> OdbcResult<Vec<ArrayRef>> {
    batch
        .columns()
        .iter()
        .zip(columns)
        .map(|(a, m)| {
            let target = m.kind.canonical().expect("every kind has a canonical type");
            if a.data_type() == &target {
                return Ok(a.clone());
            }
            if m.kind == ValueKind::Timestamp {
                // Drop the zone after converting to UTC instants: ODBC timestamps carry none.
                if let DataType::Timestamp(_, Some(_)) = a.data_type() {
                    let utc = cast(a, &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))).map_err(arrow_error)?;
                    let data = utc.to_data().into_builder().data_type(target.clone()).build().map_err(arrow_error)?;
                    return Ok(datafusion::arrow::array::make_array(data));
                }
            }
            match cast(a, &target) {
                Ok(c) => Ok(c),
                Err(_) if m.kind == ValueKind::Text => as_display_text(a),
                Err(e) => Err(arrow_error(e)),
            }
        })
        .collect()
}

/// Lists, structs, intervals: their display form, as text.
fn as_display_text(a: &ArrayRef) -> OdbcResult<ArrayRef> {
    let f = ArrayFormatter::try_new(a.as_ref(), &FormatOptions::default()).map_err(arrow_error)?;
    let values: StringArray = (0..a.len()).map(|i| if a.is_null(i) { None } else { Some(f.value(i).to_string()) }).collect();
    Ok(Arc::new(values))
}

fn arrow_error(e: datafusion::arrow::error::ArrowError) -> OdbcError {
    OdbcError::new(SqlState::GENERAL, format!("cannot convert a result column: {e}"))
}
