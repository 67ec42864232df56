//! Delivery: values into the application's buffers, bound columns (row-wise or column-wise,
//! a rowset at a time) and `SQLGetData`'s pieces, with the truncation rules of each C type.

use crate::convert::{self, c, Cell, Conversion, Converted, Target};
use crate::diag::DiagRecord;
use crate::error::{OdbcError, OdbcResult, SqlState};
use crate::ffi::buffers::AppPtr;

use super::cursor::ResultSet;
use super::{row_status, Fetched, SQL_NULL_DATA};
use crate::descriptor::{AppDesc, IrdHeader};

/// The application's buffer for one value.
#[derive(Debug, Clone, Copy)]
pub struct Dest {
    pub data: AppPtr,
    pub buffer_len: isize,
    pub len_ptr: AppPtr,
    pub ind_ptr: AppPtr,
}

/// What delivering one value did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Delivery {
    pub truncated: bool,
    pub fractional: bool,
    pub next_offset: usize,
}

/// Writes a converted value (or NULL) into the application's buffer, from byte `offset` on.
pub fn deliver(value: Option<&Conversion>, dest: &Dest, offset: usize) -> OdbcResult<Delivery> {
    let Some(conv) = value else {
        if dest.ind_ptr.is_null() {
            return Err(OdbcError::new(SqlState::INDICATOR_REQUIRED, "Indicator variable required but not supplied: the value is NULL"));
        }
        dest.ind_ptr.write_isize(SQL_NULL_DATA);
        return Ok(Delivery::default());
    };
    match &conv.value {
        Converted::Fixed(bytes) => Ok(deliver_fixed(bytes, conv.fractional_truncation, dest)),
        Converted::Var { data, terminator, min_whole } => deliver_var(data, *terminator, *min_whole, dest, offset),
    }
}

/// One cell (or NULL) into the application's buffer, from byte `offset` on: the common
/// conversions through `scratch`, a buffer reused from cell to cell (no allocation per cell),
/// the others through [`convert::convert`].
pub(super) fn deliver_cell(
    cell: &Cell,
    kind: crate::types::ValueKind,
    target: Target,
    dest: &Dest,
    offset: usize,
    scratch: &mut Vec<u8>,
) -> OdbcResult<Delivery> {
    let c_type = if target.c_type == c::DEFAULT { convert::default_c_type(kind) } else { target.c_type };
    match convert::convert_into(cell, c_type, scratch) {
        Some(convert::Scratch::Fixed) => Ok(deliver_fixed(scratch, false, dest)),
        Some(convert::Scratch::Text(terminator)) => deliver_var(scratch, terminator, 0, dest, offset),
        None if *cell == Cell::Null => deliver(None, dest, 0),
        None => convert::convert(cell, kind, target).and_then(|conv| deliver(Some(&conv), dest, offset)),
    }
}

/// The indicator of a non-null value, when it has a place of its own.
fn mark_not_null(dest: &Dest) {
    if !dest.ind_ptr.is_null() && dest.ind_ptr != dest.len_ptr {
        dest.ind_ptr.write_isize(0);
    }
}

/// A non-null fixed-size value into the application's buffer.
fn deliver_fixed(bytes: &[u8], fractional: bool, dest: &Dest) -> Delivery {
    mark_not_null(dest);
    dest.data.write_bytes(bytes);
    dest.len_ptr.write_isize(bytes.len() as isize);
    Delivery { truncated: false, fractional, next_offset: bytes.len() }
}

/// Non-null character or binary data, from byte `offset` on, into the application's buffer.
/// `terminator`: bytes of the null terminator; `min_whole`: bytes that must fit (22003).
fn deliver_var(data: &[u8], terminator: usize, min_whole: usize, dest: &Dest, offset: usize) -> OdbcResult<Delivery> {
    mark_not_null(dest);
    let remaining = data.len().saturating_sub(offset);
    if dest.data.is_null() {
        dest.len_ptr.write_isize(remaining as isize);
        return Ok(Delivery { truncated: remaining > 0, fractional: false, next_offset: offset });
    }
    if dest.buffer_len < 0 {
        return Err(OdbcError::bad_length("BufferLength", dest.buffer_len as i64));
    }
    let room = (dest.buffer_len as usize).saturating_sub(terminator);
    let mut n = remaining.min(room);
    // Whole wide code units only.
    if terminator > 1 {
        n -= n % terminator;
    }
    if n < remaining && offset == 0 && min_whole > n {
        return Err(OdbcError::new(
            SqlState::NUMERIC_OUT_OF_RANGE,
            format!("Numeric value out of range: the value needs {min_whole} bytes, the buffer has {}", dest.buffer_len),
        ));
    }
    dest.data.write_bytes(&data[offset..offset + n]);
    if terminator > 0 && dest.buffer_len as usize >= terminator {
        dest.data.advanced(n).write_bytes(&[0u8; 4][..terminator]);
    }
    dest.len_ptr.write_isize(remaining as isize);
    Ok(Delivery { truncated: n < remaining, fractional: false, next_offset: offset + n })
}

/// Address of row `row`'s element for a binding: column-wise strides by the element size,
/// row-wise by the row structure's size; the bind offset applies to every pointer.
pub(super) fn element(base: AppPtr, row: usize, bind_type: usize, elem: usize, offset: isize) -> AppPtr {
    base.element(row, if bind_type == 0 { elem } else { bind_type }, offset)
}

pub(super) fn located(mut d: DiagRecord, row: usize, col: usize) -> DiagRecord {
    d.row = Some(row as i64 + 1);
    d.column = Some(col as i32 + 1);
    d
}

/// The rowset the cursor moved to, into the bound columns (`SQL_ATTR_ROW_ARRAY_SIZE` rows,
/// column-wise or row-wise), with each row's status and the number of rows fetched. One row's
/// conversion error marks that row; with a one-row rowset it is the fetch's error.
pub(super) fn deliver_rowset(
    rs: &ResultSet,
    has_rows: bool,
    size: usize,
    ard: &AppDesc,
    ird: &IrdHeader,
    scratch: &mut Vec<u8>,
    diags: &mut Vec<DiagRecord>,
) -> OdbcResult<Fetched> {
    let n = rs.rowset_len;
    ird.rows_processed_ptr.write_usize(n);
    if !has_rows {
        for i in 0..size {
            ird.array_status_ptr.write_status(i, row_status::NOROW);
        }
        return Ok(Fetched::NoData);
    }
    let offset = ard.bind_offset_ptr.read_isize();
    let bind_type = ard.bind_type;
    let mut row_errors = 0;
    for row in 0..size {
        if row >= n {
            ird.array_status_ptr.write_status(row, row_status::NOROW);
            continue;
        }
        let mut status = row_status::SUCCESS;
        for (i, rec) in ard.records.iter().enumerate() {
            if !rec.is_bound() {
                continue;
            }
            if i >= rs.columns.len() {
                break;
            }
            let meta = &rs.columns[i];
            let c_type = if rec.c_type == c::DEFAULT { convert::default_c_type(meta.kind) } else { rec.c_type };
            let elem = convert::c::fixed_size(c_type).unwrap_or(rec.octet_length.max(0) as usize);
            let dest = Dest {
                data: element(rec.data_ptr, row, bind_type, elem, offset),
                buffer_len: rec.octet_length,
                len_ptr: element(rec.octet_length_ptr, row, bind_type, 8, offset),
                ind_ptr: element(rec.indicator_ptr, row, bind_type, 8, offset),
            };
            let cell = rs.cell(row, i);
            match deliver_cell(&cell, meta.kind, Target { c_type, precision: rec.precision, scale: rec.scale }, &dest, 0, scratch) {
                Ok(d) => {
                    if d.truncated {
                        status = row_status::SUCCESS_WITH_INFO;
                        diags.push(located(
                            DiagRecord::warning(SqlState::STRING_TRUNCATED, format!("String data, right truncated: column {} ({})", i + 1, meta.name)),
                            row,
                            i,
                        ));
                    }
                    if d.fractional {
                        status = row_status::SUCCESS_WITH_INFO;
                        diags.push(located(
                            DiagRecord::warning(SqlState::FRACTIONAL_TRUNCATION, format!("Fractional truncation: column {} ({})", i + 1, meta.name)),
                            row,
                            i,
                        ));
                    }
                }
                Err(e) => {
                    status = row_status::ERROR;
                    diags.push(located(DiagRecord::from_error(&e), row, i));
                }
            }
        }
        if status == row_status::ERROR {
            row_errors += 1;
        }
        ird.array_status_ptr.write_status(row, status);
    }
    if row_errors > 0 && size == 1 {
        let first = diags.iter().find(|d| !d.state.starts_with("01")).cloned().expect("an error was recorded");
        diags.retain(|d| d != &first);
        return Err(OdbcError { state: first.state, native: first.native, message: first.message });
    }
    Ok(Fetched::Rows)
}
