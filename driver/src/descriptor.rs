//! Descriptors: the application's bindings (ARD for result columns, APD for parameters) and the
//! implementation's descriptions (IRD of the result, IPD of the parameters). Each statement owns
//! one of each; `SQLGetStmtAttr(SQL_ATTR_APP_ROW_DESC)` hands out handles to them.

use crate::convert::c;
use crate::error::{OdbcError, OdbcResult, SqlState};
use crate::ffi::buffers::AppPtr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DescKind {
    Ard = 0,
    Apd = 1,
    Ird = 2,
    Ipd = 3,
}

/// One application binding: where a column's value goes, or where a parameter's comes from.
/// Addresses are the application's; the driver never owns that memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppRecord {
    pub c_type: i16,
    pub data_ptr: AppPtr,
    /// Buffer length in bytes (`SQL_DESC_OCTET_LENGTH`).
    pub octet_length: isize,
    pub octet_length_ptr: AppPtr,
    pub indicator_ptr: AppPtr,
    pub precision: i16,
    pub scale: i16,
}

impl Default for AppRecord {
    fn default() -> AppRecord {
        AppRecord {
            c_type: c::DEFAULT,
            data_ptr: AppPtr::NULL,
            octet_length: 0,
            octet_length_ptr: AppPtr::NULL,
            indicator_ptr: AppPtr::NULL,
            precision: 0,
            scale: 0,
        }
    }
}

impl AppRecord {
    pub fn is_bound(&self) -> bool {
        !self.data_ptr.is_null() || !self.octet_length_ptr.is_null() || !self.indicator_ptr.is_null()
    }
}

/// ARD or APD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppDesc {
    /// Record n is `records[n - 1]`; bookmarks (record 0) are not offered.
    pub records: Vec<AppRecord>,
    pub array_size: usize,
    /// `SQL_BIND_BY_COLUMN` (0) or the size of one row's structure.
    pub bind_type: usize,
    pub bind_offset_ptr: AppPtr,
    /// Row operation array (ARD) or parameter operation array (APD).
    pub array_status_ptr: AppPtr,
}

impl Default for AppDesc {
    fn default() -> AppDesc {
        AppDesc { records: Vec::new(), array_size: 1, bind_type: 0, bind_offset_ptr: AppPtr::NULL, array_status_ptr: AppPtr::NULL }
    }
}

impl AppDesc {
    pub fn record_mut(&mut self, n: usize) -> &mut AppRecord {
        if self.records.len() < n {
            self.records.resize(n, AppRecord::default());
        }
        &mut self.records[n - 1]
    }
    pub fn record(&self, n: usize) -> Option<&AppRecord> {
        n.checked_sub(1).and_then(|i| self.records.get(i))
    }
    /// `SQL_DESC_COUNT`: the highest bound record.
    pub fn count(&self) -> usize {
        self.records.iter().rposition(AppRecord::is_bound).map_or(0, |i| i + 1)
    }
    pub fn unbind_all(&mut self) {
        self.records.clear();
    }
}

/// One parameter as the application described it to `SQLBindParameter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamRecord {
    pub sql_type: i16,
    pub column_size: usize,
    pub decimal_digits: i16,
    pub io_type: i16,
}

impl Default for ParamRecord {
    fn default() -> ParamRecord {
        ParamRecord { sql_type: crate::types::sql::VARCHAR, column_size: 0, decimal_digits: 0, io_type: 1 }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ipd {
    pub records: Vec<ParamRecord>,
    pub rows_processed_ptr: AppPtr,
    pub array_status_ptr: AppPtr,
}

impl Ipd {
    pub fn record_mut(&mut self, n: usize) -> &mut ParamRecord {
        if self.records.len() < n {
            self.records.resize(n, ParamRecord::default());
        }
        &mut self.records[n - 1]
    }
}

/// The IRD's header fields the application sets; its records are the result's columns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IrdHeader {
    /// `SQL_ATTR_ROW_STATUS_PTR`.
    pub array_status_ptr: AppPtr,
    /// `SQL_ATTR_ROWS_FETCHED_PTR`.
    pub rows_processed_ptr: AppPtr,
}

/// Descriptor field identifiers (`SQL_DESC_*`), shared with `SQLColAttribute`.
pub mod field {
    pub const COUNT: i16 = 1001;
    pub const TYPE: i16 = 1002;
    pub const LENGTH: i16 = 1003;
    pub const OCTET_LENGTH_PTR: i16 = 1004;
    pub const PRECISION: i16 = 1005;
    pub const SCALE: i16 = 1006;
    pub const DATETIME_INTERVAL_CODE: i16 = 1007;
    pub const NULLABLE: i16 = 1008;
    pub const INDICATOR_PTR: i16 = 1009;
    pub const DATA_PTR: i16 = 1010;
    pub const NAME: i16 = 1011;
    pub const UNNAMED: i16 = 1012;
    pub const OCTET_LENGTH: i16 = 1013;
    pub const ALLOC_TYPE: i16 = 1099;
    pub const ARRAY_SIZE: i16 = 20;
    pub const ARRAY_STATUS_PTR: i16 = 21;
    pub const BIND_OFFSET_PTR: i16 = 24;
    pub const BIND_TYPE: i16 = 25;
    pub const ROWS_PROCESSED_PTR: i16 = 34;
    pub const CONCISE_TYPE: i16 = 2;
    pub const DISPLAY_SIZE: i16 = 6;
    pub const UNSIGNED: i16 = 8;
    pub const FIXED_PREC_SCALE: i16 = 9;
    pub const UPDATABLE: i16 = 10;
    pub const AUTO_UNIQUE_VALUE: i16 = 11;
    pub const CASE_SENSITIVE: i16 = 12;
    pub const SEARCHABLE: i16 = 13;
    pub const TYPE_NAME: i16 = 14;
    pub const TABLE_NAME: i16 = 15;
    pub const SCHEMA_NAME: i16 = 16;
    pub const CATALOG_NAME: i16 = 17;
    pub const LABEL: i16 = 18;
    pub const BASE_COLUMN_NAME: i16 = 22;
    pub const BASE_TABLE_NAME: i16 = 23;
    pub const LITERAL_PREFIX: i16 = 27;
    pub const LITERAL_SUFFIX: i16 = 28;
    pub const LOCAL_TYPE_NAME: i16 = 29;
    pub const NUM_PREC_RADIX: i16 = 32;
    pub const PARAMETER_TYPE: i16 = 33;
    // ODBC 2 SQLColAttributes identifiers the driver manager passes through.
    pub const COLUMN_COUNT: i16 = 0;
    pub const COLUMN_NAME: i16 = 1;
    pub const COLUMN_LENGTH: i16 = 3;
    pub const COLUMN_PRECISION: i16 = 4;
    pub const COLUMN_SCALE: i16 = 5;
    pub const COLUMN_NULLABLE: i16 = 7;

    /// The fields whose value is an address in the application's memory.
    pub fn is_pointer(id: i16) -> bool {
        matches!(id, OCTET_LENGTH_PTR | INDICATOR_PTR | DATA_PTR | ARRAY_STATUS_PTR | BIND_OFFSET_PTR | ROWS_PROCESSED_PTR)
    }
}

/// A descriptor or column attribute's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    Int(i64),
    Ptr(usize),
    Text(String),
}

/// Reads an application descriptor field.
pub fn get_app_field(d: &AppDesc, rec: i16, id: i16) -> OdbcResult<FieldValue> {
    use field::*;
    match id {
        COUNT => return Ok(FieldValue::Int(d.count() as i64)),
        ARRAY_SIZE => return Ok(FieldValue::Int(d.array_size as i64)),
        ARRAY_STATUS_PTR => return Ok(FieldValue::Ptr(d.array_status_ptr.addr())),
        BIND_OFFSET_PTR => return Ok(FieldValue::Ptr(d.bind_offset_ptr.addr())),
        BIND_TYPE => return Ok(FieldValue::Int(d.bind_type as i64)),
        ALLOC_TYPE => return Ok(FieldValue::Int(1)),
        _ => {}
    }
    if rec < 1 {
        return Err(OdbcError::bad_index("record", rec.into()));
    }
    let r = d.record(rec as usize).copied().unwrap_or_default();
    Ok(match id {
        TYPE | CONCISE_TYPE => FieldValue::Int(r.c_type.into()),
        DATA_PTR => FieldValue::Ptr(r.data_ptr.addr()),
        OCTET_LENGTH => FieldValue::Int(r.octet_length as i64),
        LENGTH => FieldValue::Int(r.octet_length as i64),
        OCTET_LENGTH_PTR => FieldValue::Ptr(r.octet_length_ptr.addr()),
        INDICATOR_PTR => FieldValue::Ptr(r.indicator_ptr.addr()),
        PRECISION => FieldValue::Int(r.precision.into()),
        SCALE => FieldValue::Int(r.scale.into()),
        DATETIME_INTERVAL_CODE => FieldValue::Int(0),
        other => {
            return Err(OdbcError::new(
                SqlState::INVALID_DESCRIPTOR_FIELD,
                format!("Invalid descriptor field identifier {other} for an application descriptor"),
            ))
        }
    })
}

/// Writes an application descriptor field. Setting the type or data pointer is how
/// applications bind without `SQLBindCol` (odbc-api does so for some types).
/// `ptr` is the value as an application pointer, for the pointer fields ([`field::is_pointer`]).
pub fn set_app_field(d: &mut AppDesc, rec: i16, id: i16, value: usize, ptr: AppPtr) -> OdbcResult<()> {
    use field::*;
    match id {
        ARRAY_SIZE => {
            if value == 0 {
                return Err(OdbcError::new(SqlState::INVALID_ATTRIBUTE_VALUE, "Invalid attribute value: the array size must be at least 1"));
            }
            d.array_size = value;
            return Ok(());
        }
        ARRAY_STATUS_PTR => {
            d.array_status_ptr = ptr;
            return Ok(());
        }
        BIND_OFFSET_PTR => {
            d.bind_offset_ptr = ptr;
            return Ok(());
        }
        BIND_TYPE => {
            d.bind_type = value;
            return Ok(());
        }
        COUNT => {
            d.records.truncate(value);
            return Ok(());
        }
        ALLOC_TYPE => return Err(OdbcError::new(SqlState::INVALID_DESCRIPTOR_FIELD, "SQL_DESC_ALLOC_TYPE is read-only")),
        _ => {}
    }
    if rec < 1 {
        return Err(OdbcError::bad_index("record", rec.into()));
    }
    let r = d.record_mut(rec as usize);
    match id {
        TYPE | CONCISE_TYPE => {
            let t = value as i16;
            if !c::is_known(t) {
                return Err(OdbcError::new(SqlState::INCONSISTENT_DESCRIPTOR, format!("Inconsistent descriptor information: unknown C type {t}")));
            }
            r.c_type = t;
        }
        DATA_PTR => r.data_ptr = ptr,
        OCTET_LENGTH | LENGTH => r.octet_length = value as isize,
        OCTET_LENGTH_PTR => r.octet_length_ptr = ptr,
        INDICATOR_PTR => r.indicator_ptr = ptr,
        PRECISION => r.precision = value as i16,
        SCALE => r.scale = value as i16,
        DATETIME_INTERVAL_CODE => {}
        other => return Err(OdbcError::new(SqlState::INVALID_DESCRIPTOR_FIELD, format!("Invalid descriptor field identifier {other}"))),
    }
    Ok(())
}
