//! A statement: prepared text, bindings, the open cursor, and the fetch that moves rows from
//! Arrow batches into the application's buffers (bound columns, row-wise or column-wise) or
//! hands them out piece by piece (`SQLGetData`).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::arrow::array::ArrayRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::execution::SendableRecordBatchStream;
use futures::StreamExt;
use sql_mapper::MapperSession;

use crate::convert::{self, c, Cell, Conversion, Converted, Target};
use crate::descriptor::{AppDesc, Ipd, IrdHeader};
use crate::diag::DiagRecord;
use crate::error::{OdbcError, OdbcResult};
use crate::ffi::buffers;
use crate::params::{self, ParamValue};
use crate::runtime::{block_on_cancellable, CancelPoint};
use crate::sql_text;
use crate::types::{normalize, ColumnMeta};

pub mod attr {
    pub const QUERY_TIMEOUT: i32 = 0;
    pub const MAX_ROWS: i32 = 1;
    pub const NOSCAN: i32 = 2;
    pub const MAX_LENGTH: i32 = 3;
    pub const ASYNC_ENABLE: i32 = 4;
    pub const ROW_BIND_TYPE: i32 = 5;
    pub const CURSOR_TYPE: i32 = 6;
    pub const CONCURRENCY: i32 = 7;
    pub const KEYSET_SIZE: i32 = 8;
    pub const ROWSET_SIZE: i32 = 9;
    pub const SIMULATE_CURSOR: i32 = 10;
    pub const RETRIEVE_DATA: i32 = 11;
    pub const USE_BOOKMARKS: i32 = 12;
    pub const ROW_NUMBER: i32 = 14;
    pub const ENABLE_AUTO_IPD: i32 = 15;
    pub const FETCH_BOOKMARK_PTR: i32 = 16;
    pub const PARAM_BIND_OFFSET_PTR: i32 = 17;
    pub const PARAM_BIND_TYPE: i32 = 18;
    pub const PARAM_OPERATION_PTR: i32 = 19;
    pub const PARAM_STATUS_PTR: i32 = 20;
    pub const PARAMS_PROCESSED_PTR: i32 = 21;
    pub const PARAMSET_SIZE: i32 = 22;
    pub const ROW_BIND_OFFSET_PTR: i32 = 23;
    pub const ROW_OPERATION_PTR: i32 = 24;
    pub const ROW_STATUS_PTR: i32 = 25;
    pub const ROWS_FETCHED_PTR: i32 = 26;
    pub const ROW_ARRAY_SIZE: i32 = 27;
    pub const CURSOR_SCROLLABLE: i32 = -1;
    pub const CURSOR_SENSITIVITY: i32 = -2;
    pub const APP_ROW_DESC: i32 = 10010;
    pub const APP_PARAM_DESC: i32 = 10011;
    pub const IMP_ROW_DESC: i32 = 10012;
    pub const IMP_PARAM_DESC: i32 = 10013;
    pub const METADATA_ID: i32 = 10014;
}

/// Per-row status values (`SQL_ROW_*`).
pub mod row_status {
    pub const SUCCESS: u16 = 0;
    pub const NOROW: u16 = 3;
    pub const ERROR: u16 = 5;
    pub const SUCCESS_WITH_INFO: u16 = 6;
}

pub const SQL_NULL_DATA: isize = -1;
pub const SQL_DATA_AT_EXEC: isize = -2;
pub const SQL_NTS: isize = -3;
pub const SQL_LEN_DATA_AT_EXEC_OFFSET: isize = -100;

#[derive(Debug, Clone)]
pub struct StmtAttrs {
    pub query_timeout: u64,
    pub max_rows: u64,
    pub max_length: u64,
    pub noscan: bool,
    pub keyset_size: usize,
    pub simulate_cursor: usize,
    pub retrieve_data: bool,
    pub metadata_id: bool,
    pub cursor_sensitivity: usize,
    /// `SQL_ATTR_CURSOR_TYPE`: forward-only or static.
    pub cursor_type: usize,
    /// Bytes a static cursor may keep (`MaxStaticCursorMemory`).
    pub static_cursor_memory: usize,
}

/// `SQL_ATTR_CURSOR_TYPE` values.
pub mod cursor_type {
    pub const FORWARD_ONLY: usize = 0;
    pub const KEYSET_DRIVEN: usize = 1;
    pub const DYNAMIC: usize = 2;
    pub const STATIC: usize = 3;
}

/// `MaxStaticCursorMemory`'s default, in MiB.
pub const DEFAULT_STATIC_CURSOR_MIB: usize = 256;

impl Default for StmtAttrs {
    fn default() -> StmtAttrs {
        StmtAttrs {
            query_timeout: 0,
            max_rows: 0,
            max_length: 0,
            noscan: false,
            keyset_size: 0,
            simulate_cursor: 0,
            retrieve_data: true,
            metadata_id: false,
            cursor_sensitivity: 0,
            cursor_type: cursor_type::FORWARD_ONLY,
            static_cursor_memory: DEFAULT_STATIC_CURSOR_MIB << 20,
        }
    }
}

/// A statement's SQL after `SQLPrepare`: escapes translated, markers counted.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub sql: String,
    pub markers: usize,
    pub described: Option<Arc<Vec<ColumnMeta>>>,
}

enum RowSource {
    Stream(SendableRecordBatchStream),
    Batches(VecDeque<RecordBatch>),
}

/// A contiguous run of rows of one batch in the current rowset.
#[derive(Clone)]
struct Segment {
    arrays: Arc<Vec<ArrayRef>>,
    start: usize,
    len: usize,
}

/// Where `SQLGetData` is in the current row.
#[derive(Debug, Clone, Copy, Default)]
struct GetDataState {
    column: usize,
    offset: usize,
    done: bool,
}

/// An open cursor.
pub struct ResultSet {
    pub columns: Arc<Vec<ColumnMeta>>,
    source: RowSource,
    /// The batch being read and the next row in it.
    current: Option<(Arc<Vec<ArrayRef>>, usize, usize)>,
    rowset: Vec<Segment>,
    rowset_len: usize,
    rows_returned: u64,
    exhausted: bool,
    getdata: GetDataState,
    deadline: Option<Instant>,
    /// A static (scrollable) cursor's rows, kept as they are read; `None`: forward-only.
    store: Option<RowStore>,
    /// Where a static cursor is.
    position: Position,
}

/// A static cursor's rows: every batch read so far, kept, in result order, within a memory
/// limit (`MaxStaticCursorMemory`).
struct RowStore {
    batches: Vec<(Arc<Vec<ArrayRef>>, usize)>,
    rows: usize,
    bytes: usize,
    limit: usize,
}

/// A static cursor's position: before the first row, on a rowset starting at a row (0-based),
/// or after the last row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Before,
    At(usize),
    After,
}

/// `SQLFetchScroll` orientations (`SQL_FETCH_*`).
pub mod orientation {
    pub const NEXT: i16 = 1;
    pub const FIRST: i16 = 2;
    pub const LAST: i16 = 3;
    pub const PRIOR: i16 = 4;
    pub const ABSOLUTE: i16 = 5;
    pub const RELATIVE: i16 = 6;
    pub const BOOKMARK: i16 = 8;
}

impl ResultSet {
    pub fn from_batches(columns: Vec<ColumnMeta>, batches: Vec<RecordBatch>) -> ResultSet {
        ResultSet::new(columns, RowSource::Batches(batches.into()), None)
    }
    fn new(columns: Vec<ColumnMeta>, source: RowSource, deadline: Option<Instant>) -> ResultSet {
        ResultSet { columns: Arc::new(columns), source, current: None, rowset: Vec::new(), rowset_len: 0, rows_returned: 0, exhausted: false, getdata: GetDataState::default(), deadline, store: None, position: Position::Before }
    }

    /// Makes this a static cursor: rows are kept as read, up to `limit` bytes of them.
    fn keep_rows(&mut self, limit: usize) {
        self.store = Some(RowStore { batches: Vec::new(), rows: 0, bytes: 0, limit });
    }

    /// Reads until the static cursor holds `n` rows or the result ends; the rows held.
    fn fill_to(&mut self, n: usize, cancel: &CancelPoint<'_>) -> OdbcResult<usize> {
        loop {
            let store = self.store.as_ref().expect("a static cursor");
            if store.rows >= n || (self.exhausted && self.current.is_none()) {
                return Ok(store.rows);
            }
            let arrays = match self.current.take() {
                Some((a, 0, _)) => a,
                Some((a, start, total)) => Arc::new(a.iter().map(|c| c.slice(start, total - start)).collect()),
                None => match self.next_batch(cancel)? {
                    Some(a) => a,
                    None => {
                        self.exhausted = true;
                        continue;
                    }
                },
            };
            let len = arrays.first().map_or(0, |x| x.len());
            let bytes: usize = arrays.iter().map(|c| c.get_array_memory_size()).sum();
            let store = self.store.as_mut().expect("a static cursor");
            if store.bytes + bytes > store.limit {
                return Err(OdbcError::new(
                    "HY001",
                    format!(
                        "Memory allocation error: a static (scrollable) cursor keeps its rows in memory, and this result needs more than MaxStaticCursorMemory ({} MiB) after {} rows; raise MaxStaticCursorMemory, narrow the query, or read it with a forward-only cursor (SQL_CURSOR_FORWARD_ONLY, the default), which streams",
                        store.limit >> 20,
                        store.rows
                    ),
                ));
            }
            store.bytes += bytes;
            store.batches.push((arrays, store.rows));
            store.rows += len;
        }
    }

    /// Moves a static cursor as `SQLFetchScroll` does (the ODBC reference's table for each
    /// orientation) and makes the rowset there. Returns whether there are rows, and whether
    /// the move was cut short at the first row (`01S06`).
    fn scroll(&mut self, orientation: i16, offset: isize, size: usize, max_rows: u64, cancel: &CancelPoint<'_>) -> OdbcResult<(bool, bool)> {
        let cap = if max_rows > 0 { max_rows as usize } else { usize::MAX };
        let size_i = size as i64;
        let all = |rs: &mut ResultSet| -> OdbcResult<i64> { Ok(rs.fill_to(usize::MAX, cancel)?.min(cap) as i64) };
        // 1-based start of the new rowset; `None` with the position to take otherwise.
        let mut clipped = false;
        let target: Result<i64, Position> = match (orientation, self.position) {
            (orientation::NEXT, Position::Before) => Ok(1),
            (orientation::NEXT, Position::At(s)) => Ok(s as i64 + 1 + size_i),
            (orientation::NEXT, Position::After) => Err(Position::After),
            (orientation::FIRST, _) => Ok(1),
            (orientation::LAST, _) => Ok((all(self)? - size_i + 1).max(1)),
            (orientation::PRIOR, Position::Before) => Err(Position::Before),
            (orientation::PRIOR, Position::After) => {
                let start = all(self)? - size_i + 1;
                clipped = start < 1;
                Ok(start.max(1))
            }
            (orientation::PRIOR, Position::At(s)) => {
                let cur = s as i64 + 1;
                if cur == 1 {
                    Err(Position::Before)
                } else if cur - size_i < 1 {
                    clipped = true;
                    Ok(1)
                } else {
                    Ok(cur - size_i)
                }
            }
            (orientation::ABSOLUTE, _) | (orientation::RELATIVE, Position::Before | Position::After) => {
                let k = offset as i64;
                match (orientation, self.position) {
                    (orientation::RELATIVE, Position::Before) if k <= 0 => Err(Position::Before),
                    (orientation::RELATIVE, Position::After) if k >= 0 => Err(Position::After),
                    (orientation::RELATIVE, Position::After) => Ok(all(self)? + k + 1).and_then(|s| absolute_before(s, k, size_i, &mut clipped)),
                    _ if k < 0 => Ok(all(self)? + k + 1).and_then(|s| absolute_before(s, k, size_i, &mut clipped)),
                    _ if k == 0 => Err(Position::Before),
                    _ => Ok(k),
                }
            }
            (orientation::RELATIVE, Position::At(s)) => {
                let k = offset as i64;
                let start = s as i64 + 1 + k;
                if start < 1 {
                    if k.abs() > size_i {
                        Err(Position::Before)
                    } else {
                        clipped = true;
                        Ok(1)
                    }
                } else {
                    Ok(start)
                }
            }
            (orientation::BOOKMARK, _) => return Err(OdbcError::not_implemented("bookmarks (SQL_FETCH_BOOKMARK)")),
            (other, _) => return Err(OdbcError::new("HY106", format!("Fetch type out of range: {other}"))),
        };
        self.rowset.clear();
        self.rowset_len = 0;
        self.getdata = GetDataState::default();
        let start = match target {
            Err(p) => {
                self.position = p;
                return Ok((false, false));
            }
            Ok(s) => (s - 1) as usize,
        };
        let held = self.fill_to(start.saturating_add(size), cancel)?.min(cap);
        if start >= held {
            self.position = Position::After;
            return Ok((false, false));
        }
        self.position = Position::At(start);
        let end = (start + size).min(held);
        let store = self.store.as_ref().expect("a static cursor");
        for (arrays, first) in &store.batches {
            let len = arrays.first().map_or(0, |x| x.len());
            let (from, to) = (start.max(*first), end.min(first + len));
            if from < to {
                self.rowset.push(Segment { arrays: arrays.clone(), start: from - first, len: to - from });
            }
        }
        self.rowset_len = end - start;
        Ok((true, clipped))
    }

    /// The 1-based row number of the current rowset's row `row` (`SQL_ATTR_ROW_NUMBER`).
    fn row_number(&self, row: usize) -> usize {
        match self.position {
            Position::At(s) => s + row + 1,
            _ if self.rowset_len > 0 => self.rows_returned as usize - self.rowset_len + row + 1,
            _ => 0,
        }
    }

    /// Pulls the next non-empty batch, normalized; `None` at the end.
    fn next_batch(&mut self, cancel: &CancelPoint<'_>) -> OdbcResult<Option<Arc<Vec<ArrayRef>>>> {
        loop {
            let batch = match &mut self.source {
                RowSource::Batches(q) => q.pop_front(),
                RowSource::Stream(s) => {
                    let timeout = self.deadline.map(|d| d.saturating_duration_since(Instant::now()).max(Duration::from_millis(1)));
                    block_on_cancellable(async { s.next().await.transpose().map_err(stream_error) }, cancel, timeout)?
                }
            };
            match batch {
                None => return Ok(None),
                Some(b) if b.num_rows() == 0 => continue,
                Some(b) => return Ok(Some(Arc::new(normalize(&b, &self.columns)?))),
            }
        }
    }

    /// Reads the first batch, so that the statement's errors (and its timeout) surface at
    /// execute, where applications look for them, rather than at the first fetch.
    fn prime(&mut self, cancel: &CancelPoint<'_>) -> OdbcResult<()> {
        if self.current.is_none() && !self.exhausted {
            match self.next_batch(cancel)? {
                Some(a) => {
                    let n = a.first().map_or(0, |x| x.len());
                    self.current = Some((a, 0, n));
                }
                None => self.exhausted = true,
            }
        }
        Ok(())
    }

    /// Moves the cursor to the next `size` rows; `false` when there are none.
    fn advance(&mut self, size: usize, max_rows: u64, cancel: &CancelPoint<'_>) -> OdbcResult<bool> {
        self.rowset.clear();
        self.rowset_len = 0;
        self.getdata = GetDataState::default();
        let mut want = size;
        if max_rows > 0 {
            want = want.min(max_rows.saturating_sub(self.rows_returned) as usize);
        }
        while self.rowset_len < want && !self.exhausted {
            let (arrays, next, total) = match self.current.take() {
                Some(c) if c.1 < c.2 => c,
                _ => match self.next_batch(cancel)? {
                    Some(a) => {
                        let n = a.first().map_or(0, |x| x.len());
                        (a, 0, n)
                    }
                    None => {
                        self.exhausted = true;
                        break;
                    }
                },
            };
            let take = (want - self.rowset_len).min(total - next);
            self.rowset.push(Segment { arrays: arrays.clone(), start: next, len: take });
            self.rowset_len += take;
            self.current = Some((arrays, next + take, total));
        }
        self.rows_returned += self.rowset_len as u64;
        Ok(self.rowset_len > 0)
    }

    /// Cell (column `col`, 0-based) of rowset row `row`.
    fn cell(&self, row: usize, col: usize) -> Cell<'_> {
        let mut r = row;
        for s in &self.rowset {
            if r < s.len {
                return convert::cell(&s.arrays[col], self.columns[col].kind, s.start + r);
            }
            r -= s.len;
        }
        Cell::Null
    }
}

/// `ABSOLUTE` with a negative offset: a start before the first row is the first row (`01S06`)
/// when the offset is within a rowset of it, before the start otherwise.
fn absolute_before(start: i64, k: i64, size: i64, clipped: &mut bool) -> Result<i64, Position> {
    if start >= 1 {
        Ok(start)
    } else if k.abs() > size {
        Err(Position::Before)
    } else {
        *clipped = true;
        Ok(1)
    }
}

fn stream_error(e: datafusion::error::DataFusionError) -> OdbcError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(s) = source {
        if let Some(m) = s.downcast_ref::<sql_mapper::MapperError>() {
            return m.clone().into();
        }
        source = s.source();
    }
    OdbcError::new("HY000", e.to_string())
}

/// Parameters collected for `SQL_DATA_AT_EXEC`.
#[derive(Debug, Default)]
pub struct DataAtExec {
    /// Parameter numbers still to be sent, in order.
    pending: VecDeque<usize>,
    /// The parameter `SQLPutData` is filling now, and what it sent so far.
    current: Option<(usize, Option<Vec<u8>>)>,
    received: Vec<(usize, Option<Vec<u8>>)>,
}

/// The application's buffer for one value.
#[derive(Debug, Clone, Copy)]
pub struct Dest {
    pub data: usize,
    pub buffer_len: isize,
    pub len_ptr: usize,
    pub ind_ptr: usize,
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
        if dest.ind_ptr == 0 {
            return Err(OdbcError::new("22002", "Indicator variable required but not supplied: the value is NULL"));
        }
        buffers::write_isize(dest.ind_ptr, SQL_NULL_DATA);
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
fn deliver_cell(cell: &Cell, kind: crate::types::ValueKind, target: Target, dest: &Dest, offset: usize, scratch: &mut Vec<u8>) -> OdbcResult<Delivery> {
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
    if dest.ind_ptr != 0 && dest.ind_ptr != dest.len_ptr {
        buffers::write_isize(dest.ind_ptr, 0);
    }
}

/// A non-null fixed-size value into the application's buffer.
fn deliver_fixed(bytes: &[u8], fractional: bool, dest: &Dest) -> Delivery {
    mark_not_null(dest);
    buffers::write_bytes(dest.data, bytes);
    buffers::write_isize(dest.len_ptr, bytes.len() as isize);
    Delivery { truncated: false, fractional, next_offset: bytes.len() }
}

/// Non-null character or binary data, from byte `offset` on, into the application's buffer.
/// `terminator`: bytes of the null terminator; `min_whole`: bytes that must fit (22003).
fn deliver_var(data: &[u8], terminator: usize, min_whole: usize, dest: &Dest, offset: usize) -> OdbcResult<Delivery> {
    mark_not_null(dest);
    let remaining = data.len().saturating_sub(offset);
    if dest.data == 0 {
        buffers::write_isize(dest.len_ptr, remaining as isize);
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
        return Err(OdbcError::new("22003", format!("Numeric value out of range: the value needs {min_whole} bytes, the buffer has {}", dest.buffer_len)));
    }
    buffers::write_bytes(dest.data, &data[offset..offset + n]);
    if terminator > 0 && dest.buffer_len as usize >= terminator {
        buffers::write_bytes(dest.data + n, &[0u8; 4][..terminator]);
    }
    buffers::write_isize(dest.len_ptr, remaining as isize);
    Ok(Delivery { truncated: n < remaining, fractional: false, next_offset: offset + n })
}

/// Address of row `row`'s element for a binding: column-wise strides by the element size,
/// row-wise by the row structure's size; the bind offset applies to every pointer.
fn element(base: usize, row: usize, bind_type: usize, elem: usize, offset: isize) -> usize {
    if base == 0 {
        return 0;
    }
    let stride = if bind_type == 0 { elem } else { bind_type };
    (base as isize + offset) as usize + row * stride
}

pub enum Executed {
    /// A result set (maybe empty) or a statement without one.
    Done,
    /// `SQL_NEED_DATA`: parameters are to be sent with `SQLParamData`/`SQLPutData`.
    NeedData,
}

pub enum Fetched {
    Rows,
    NoData,
}

#[derive(Default)]
pub struct Statement {
    pub ard: AppDesc,
    pub apd: AppDesc,
    pub ipd: Ipd,
    pub ird: IrdHeader,
    pub attrs: StmtAttrs,
    pub prepared: Option<Prepared>,
    pub result: Option<ResultSet>,
    /// A statement was executed (a later `SQLCloseCursor` is harmless even if the cursor is gone).
    pub executed: bool,
    pub row_count: i64,
    pub dae: Option<DataAtExec>,
    pub cursor_name: String,
    pub odbc_version: i32,
    /// The rowset's row that `SQLGetData` reads (after a fetch).
    positioned: bool,
    /// Which row of the rowset that is (`SQLSetPos(SQL_POSITION)`), 0-based.
    current_row: usize,
    /// `SQLGetData`'s conversion buffer, reused from call to call.
    scratch: Vec<u8>,
}

impl Statement {
    pub fn new(odbc_version: i32, number: u64) -> Statement {
        Statement { odbc_version, cursor_name: format!("SQL_CUR{number}"), ..Default::default() }
    }

    pub fn has_cursor(&self) -> bool {
        self.result.is_some()
    }

    fn ensure_no_pending(&self) -> OdbcResult<()> {
        if self.dae.is_some() {
            return Err(OdbcError::sequence("Function sequence error: data-at-execution parameters are still expected (SQLParamData/SQLPutData)"));
        }
        Ok(())
    }

    pub fn prepare(&mut self, sql: &str) -> OdbcResult<()> {
        self.ensure_no_pending()?;
        if self.result.is_some() {
            return Err(OdbcError::new("24000", "Invalid cursor state: close the open cursor first (SQLCloseCursor)"));
        }
        let text = if self.attrs.noscan { sql.to_string() } else { sql_text::translate_escapes(sql)? };
        tracing::debug!(target: "atlassian_odbc::sql", sql = %text, "prepare");
        let markers = sql_text::parameter_markers(&text).len();
        self.prepared = Some(Prepared { sql: text, markers, described: None });
        self.row_count = -1;
        Ok(())
    }

    /// Columns of the prepared statement without running it.
    pub fn describe_prepared(&mut self, session: &MapperSession) -> OdbcResult<Arc<Vec<ColumnMeta>>> {
        if let Some(r) = &self.result {
            return Ok(r.columns.clone());
        }
        let p = self.prepared.as_mut().ok_or_else(|| OdbcError::sequence("Function sequence error: no statement is prepared or executed"))?;
        if let Some(d) = &p.described {
            return Ok(d.clone());
        }
        let probe = sql_text::substitute_parameters(&p.sql, &vec!["NULL".to_string(); p.markers]);
        let schema = crate::runtime::block_on(session.describe(&probe)).map_err(OdbcError::from)?;
        let cols: Vec<ColumnMeta> = schema.fields().iter().map(|f| ColumnMeta::from_field(f)).collect();
        let cols = Arc::new(cols);
        p.described = Some(cols.clone());
        Ok(cols)
    }

    /// Runs the prepared statement.
    pub fn execute(&mut self, session: &MapperSession, cancel: &CancelPoint<'_>) -> OdbcResult<Executed> {
        self.ensure_no_pending()?;
        if self.result.is_some() {
            return Err(OdbcError::new("24000", "Invalid cursor state: a cursor is open on this statement; close it first (SQLCloseCursor)"));
        }
        let p = self.prepared.clone().ok_or_else(|| OdbcError::sequence("Function sequence error: SQLExecute without SQLPrepare"))?;
        let mut pending = VecDeque::new();
        for n in 1..=p.markers {
            if self.param_indicator(n, 0)?.is_some_and(|ind| ind == SQL_DATA_AT_EXEC || ind <= SQL_LEN_DATA_AT_EXEC_OFFSET) {
                pending.push_back(n);
            }
        }
        if self.apd.array_size > 1 {
            if !pending.is_empty() {
                return Err(OdbcError::not_implemented("data-at-execution parameters in an array of parameter sets"));
            }
            return self.run_array(session, cancel, &p);
        }
        if !pending.is_empty() && crate::ffi::driver_manager::cursor_library_loaded() && !self.describe_prepared(session)?.is_empty() {
            // unixODBC's cursor library learns a result's columns only when SQLExecute itself
            // succeeds; after SQLParamData it fetches into buffers it never allocated and crashes
            // the program. Refused before anything runs.
            return Err(OdbcError::not_implemented("a query whose parameters are sent at execution (SQLParamData/SQLPutData) through unixODBC's cursor library (SQL_ATTR_ODBC_CURSORS = SQL_CUR_USE_ODBC), which loses such a query's result: connect with SQL_CUR_USE_IF_NEEDED or SQL_CUR_USE_DRIVER (the driver's own cursors scroll), or bind the parameter values"));
        }
        if !pending.is_empty() {
            self.dae = Some(DataAtExec { pending, current: None, received: Vec::new() });
            return Ok(Executed::NeedData);
        }
        self.run(session, cancel, &p, &[])
    }

    fn param_indicator(&self, n: usize, row: usize) -> OdbcResult<Option<isize>> {
        let r = self.apd.record(n).filter(|r| r.is_bound()).ok_or_else(|| OdbcError::new("07002", format!("COUNT field incorrect: the statement has a parameter marker {n} with no value bound (SQLBindParameter)")))?;
        let offset = buffers::read_isize(self.apd.bind_offset_ptr);
        let ptr = element(r.indicator_ptr, row, self.apd.bind_type, 8, offset);
        Ok((ptr != 0).then(|| buffers::read_isize(ptr)))
    }

    /// The value of parameter `n` in parameter set `row` (column-wise binding steps by the
    /// buffer's length, row-wise by `SQL_ATTR_PARAM_BIND_TYPE`).
    fn param_value(&self, n: usize, row: usize, sent: &[(usize, Option<Vec<u8>>)]) -> OdbcResult<ParamValue> {
        let r = *self.apd.record(n).ok_or_else(|| OdbcError::new("07002", format!("COUNT field incorrect: parameter {n} is not bound")))?;
        let sql_type = self.ipd.records.get(n - 1).map_or(crate::types::sql::VARCHAR, |p| p.sql_type);
        let c_type = if r.c_type == c::DEFAULT { params::default_c_for_sql(sql_type) } else { r.c_type };
        if let Some((_, data)) = sent.iter().find(|(i, _)| *i == n) {
            return match data {
                None => Ok(ParamValue::Null),
                Some(bytes) => params::decode(c_type, bytes),
            };
        }
        let offset = buffers::read_isize(self.apd.bind_offset_ptr);
        let bind_type = self.apd.bind_type;
        let ind_ptr = element(r.indicator_ptr, row, bind_type, 8, offset);
        let len_ptr = element(r.octet_length_ptr, row, bind_type, 8, offset);
        let elem = convert::c::fixed_size(c_type).unwrap_or(r.octet_length.max(0) as usize);
        let data = element(r.data_ptr, row, bind_type, elem, offset);
        if ind_ptr != 0 && buffers::read_isize(ind_ptr) == SQL_NULL_DATA {
            return Ok(ParamValue::Null);
        }
        if data == 0 {
            return Err(OdbcError::new("HY009", format!("Invalid use of null pointer: parameter {n} has no value buffer and is not NULL")));
        }
        let bytes = match convert::c::fixed_size(c_type) {
            Some(size) => buffers::read_bytes(data, size),
            None => {
                let unit = if c_type == c::WCHAR { crate::wide::width().unit() } else { 1 };
                let len = if len_ptr != 0 { buffers::read_isize(len_ptr) } else if c_type == c::BINARY { r.octet_length } else { SQL_NTS };
                match len {
                    SQL_NTS => buffers::read_until_nul(data, unit, if r.octet_length > 0 { r.octet_length as usize } else { usize::MAX }),
                    l if l >= 0 => buffers::read_bytes(data, l as usize),
                    l => return Err(OdbcError::bad_length(&format!("length of parameter {n}"), l as i64)),
                }
            }
        };
        params::decode(c_type, &bytes)
    }

    /// The statement's text with parameter set `row`'s values in place of its markers.
    fn sql_for(&self, p: &Prepared, sent: &[(usize, Option<Vec<u8>>)], row: usize) -> OdbcResult<String> {
        let mut literals = Vec::with_capacity(p.markers);
        for n in 1..=p.markers {
            let v = self.param_value(n, row, sent)?;
            let sql_type = self.ipd.records.get(n - 1).map_or(crate::types::sql::VARCHAR, |r| r.sql_type);
            literals.push(params::literal(&v, sql_type)?);
        }
        Ok(if p.markers > 0 { sql_text::substitute_parameters(&p.sql, &literals) } else { p.sql.clone() })
    }

    /// `SQL_ATTR_PARAMSET_SIZE` > 1: the statement once per parameter set, in order, each set's
    /// outcome in `SQL_ATTR_PARAM_STATUS_PTR`. Only writes take arrays (a query per set would be
    /// several result sets). The first failing set stops the rest, which are reported unused.
    fn run_array(&mut self, session: &MapperSession, cancel: &CancelPoint<'_>, p: &Prepared) -> OdbcResult<Executed> {
        const SQL_PARAM_SUCCESS: u16 = 0;
        const SQL_PARAM_ERROR: u16 = 5;
        const SQL_PARAM_UNUSED: u16 = 7;
        const SQL_PARAM_IGNORE: u16 = 1;
        let sets = self.apd.array_size;
        let (operations, statuses) = (self.apd.array_status_ptr, self.ipd.array_status_ptr);
        let timeout = (self.attrs.query_timeout > 0).then(|| Duration::from_secs(self.attrs.query_timeout));
        let (mut total, mut processed) = (0i64, 0usize);
        self.row_count = -1;
        for row in 0..sets {
            if operations != 0 && u16::from_ne_bytes(buffers::read_bytes(operations + row * 2, 2).try_into().unwrap_or([0, 0])) == SQL_PARAM_IGNORE {
                buffers::write_status(statuses, row, SQL_PARAM_UNUSED);
                continue;
            }
            processed += 1;
            buffers::write_usize(self.ipd.rows_processed_ptr, processed);
            let outcome = self.sql_for(p, &[], row).and_then(|sql| {
                let r = block_on_cancellable(async { session.query(&sql).await.map_err(OdbcError::from) }, cancel, timeout)?;
                match r.rows_affected {
                    Some(n) if r.schema.fields().is_empty() => Ok(n as i64),
                    _ => Err(OdbcError::not_implemented("arrays of parameters for a statement that returns rows: use them with INSERT, UPDATE and DELETE")),
                }
            });
            match outcome {
                Ok(n) => {
                    total += n;
                    buffers::write_status(statuses, row, SQL_PARAM_SUCCESS);
                }
                Err(e) => {
                    buffers::write_status(statuses, row, SQL_PARAM_ERROR);
                    for rest in row + 1..sets {
                        buffers::write_status(statuses, rest, SQL_PARAM_UNUSED);
                    }
                    self.row_count = total;
                    let done = if row == 0 { "no earlier set ran".to_string() } else { format!("sets 1 to {row} were executed ({total} row(s) written)") };
                    return Err(OdbcError::new(e.state, format!("{} (parameter set {} of {sets}; {done}; the rest were not executed)", e.message, row + 1)));
                }
            }
        }
        self.executed = true;
        self.positioned = false;
        self.row_count = total;
        Ok(Executed::Done)
    }

    fn run(&mut self, session: &MapperSession, cancel: &CancelPoint<'_>, p: &Prepared, sent: &[(usize, Option<Vec<u8>>)]) -> OdbcResult<Executed> {
        let sql = self.sql_for(p, sent, 0)?;
        buffers::write_usize(self.ipd.rows_processed_ptr, 1);
        let timeout = (self.attrs.query_timeout > 0).then(|| Duration::from_secs(self.attrs.query_timeout));
        let deadline = timeout.map(|t| Instant::now() + t);
        let started = Instant::now();
        let result = block_on_cancellable(async { session.query(&sql).await.map_err(OdbcError::from) }, cancel, timeout)?;
        tracing::info!(target: "atlassian_odbc::sql", ms = started.elapsed().as_millis() as u64, "executed");
        let columns: Vec<ColumnMeta> = result.schema.fields().iter().map(|f| ColumnMeta::from_field(f)).collect();
        self.executed = true;
        self.positioned = false;
        self.row_count = result.rows_affected.map_or(-1, |n| n as i64);
        // A write without RETURNING has no result set (SQLNumResultCols answers 0).
        if result.rows_affected.is_some() && columns.is_empty() {
            return Ok(Executed::Done);
        }
        let mut rs = ResultSet::new(columns, RowSource::Stream(result.stream), deadline);
        if self.attrs.cursor_type == cursor_type::STATIC {
            rs.keep_rows(self.attrs.static_cursor_memory);
        }
        rs.prime(cancel)?;
        self.result = Some(rs);
        Ok(Executed::Done)
    }

    /// `SQLParamData`: `Some(token)` names the next parameter to send; `None` means the
    /// statement ran.
    pub fn param_data(&mut self, session: &MapperSession, cancel: &CancelPoint<'_>) -> OdbcResult<Option<usize>> {
        let Some(dae) = self.dae.as_mut() else {
            return Err(OdbcError::sequence("Function sequence error: SQLParamData without a pending data-at-execution parameter"));
        };
        if let Some(done) = dae.current.take() {
            dae.received.push(done);
        }
        if let Some(n) = dae.pending.pop_front() {
            dae.current = Some((n, Some(Vec::new())));
            let r = self.apd.record(n).copied().unwrap_or_default();
            let offset = buffers::read_isize(self.apd.bind_offset_ptr);
            return Ok(Some(element(r.data_ptr, 0, 0, 0, offset)));
        }
        let dae = self.dae.take().expect("checked above");
        let p = self.prepared.clone().ok_or_else(|| OdbcError::sequence("no statement prepared"))?;
        self.run(session, cancel, &p, &dae.received)?;
        Ok(None)
    }

    /// `SQLPutData`: appends a piece of the current parameter's value.
    pub fn put_data(&mut self, piece: Option<Vec<u8>>) -> OdbcResult<()> {
        let current = self.dae.as_mut().and_then(|d| d.current.as_mut()).ok_or_else(|| OdbcError::sequence("Function sequence error: SQLPutData before SQLParamData named a parameter"))?;
        match (piece, &mut current.1) {
            (None, v) => *v = None,
            (Some(bytes), Some(v)) => v.extend_from_slice(&bytes),
            (Some(_), None) => return Err(OdbcError::new("HY011", "Attribute cannot be set now: the parameter was already sent as NULL")),
        }
        Ok(())
    }

    /// The C type of the parameter `SQLPutData` is filling.
    pub fn current_data_at_exec_c_type(&self) -> Option<i16> {
        let n = self.dae.as_ref()?.current.as_ref()?.0;
        let r = self.apd.record(n)?;
        let sql_type = self.ipd.records.get(n - 1).map_or(crate::types::sql::VARCHAR, |p| p.sql_type);
        Some(if r.c_type == c::DEFAULT { params::default_c_for_sql(sql_type) } else { r.c_type })
    }

    pub fn cancel_data_at_exec(&mut self) -> bool {
        self.dae.take().is_some()
    }

    /// Catalog functions: a result computed in memory.
    pub fn open_result(&mut self, result: ResultSet) -> OdbcResult<()> {
        self.ensure_no_pending()?;
        if self.result.is_some() {
            return Err(OdbcError::new("24000", "Invalid cursor state: a cursor is open on this statement; close it first (SQLCloseCursor)"));
        }
        self.prepared = None;
        self.result = Some(result);
        self.executed = true;
        self.positioned = false;
        self.row_count = -1;
        Ok(())
    }

    /// `SQLSetPos(SQL_POSITION)`: row `row` (1-based) of the rowset is the one `SQLGetData`
    /// reads.
    pub fn set_position(&mut self, row: usize) -> OdbcResult<()> {
        self.ensure_no_pending()?;
        let rs = self.result.as_mut().ok_or_else(|| OdbcError::new("24000", "Invalid cursor state: the statement has no open cursor"))?;
        if !self.positioned {
            return Err(OdbcError::new("24000", "Invalid cursor state: the cursor is not positioned on a rowset (call SQLFetch or SQLFetchScroll first)"));
        }
        if row == 0 || row > rs.rowset_len {
            return Err(OdbcError::new("HY107", format!("Row value out of range: the rowset has {} row(s), row {row} was asked for", rs.rowset_len)));
        }
        self.current_row = row - 1;
        rs.getdata = GetDataState::default();
        Ok(())
    }

    /// `SQL_ATTR_ROW_NUMBER`: the current row's number in the result set; 0 when unknown.
    pub fn row_number(&self) -> usize {
        match &self.result {
            Some(rs) if self.positioned => rs.row_number(self.current_row),
            _ => 0,
        }
    }

    pub fn close_cursor(&mut self) {
        self.result = None;
        self.positioned = false;
    }

    pub fn columns(&self) -> Option<&Arc<Vec<ColumnMeta>>> {
        self.result.as_ref().map(|r| &r.columns)
    }

    /// `SQLFetchScroll`: a forward-only cursor moves to the next rowset only; a static one
    /// anywhere.
    pub fn fetch_scroll(&mut self, orientation: i16, offset: isize, cancel: &CancelPoint<'_>, diags: &mut Vec<DiagRecord>) -> OdbcResult<Fetched> {
        self.ensure_no_pending()?;
        let Some(rs) = self.result.as_mut() else {
            return Err(if self.executed { OdbcError::new("24000", "Invalid cursor state: the statement has no open cursor") } else { OdbcError::sequence("Function sequence error: fetch before the statement was executed") });
        };
        let size = self.ard.array_size.max(1);
        let has_rows = if rs.store.is_some() {
            let (has_rows, clipped) = rs.scroll(orientation, offset, size, self.attrs.max_rows, cancel)?;
            if clipped {
                diags.push(DiagRecord::warning("01S06", "Attempt to fetch before the result set returned the first rowset: the first rowset was returned"));
            }
            has_rows
        } else if orientation == orientation::NEXT {
            rs.advance(size, self.attrs.max_rows, cancel)?
        } else {
            return Err(OdbcError::new("HY106", format!("Fetch type out of range: the cursor is forward-only (SQL_ATTR_CURSOR_TYPE), only SQL_FETCH_NEXT is allowed (got {orientation})")));
        };
        self.positioned = has_rows;
        self.current_row = 0;
        let n = rs.rowset_len;
        buffers::write_usize(self.ird.rows_processed_ptr, n);
        if !has_rows {
            for i in 0..size {
                buffers::write_status(self.ird.array_status_ptr, i, row_status::NOROW);
            }
            return Ok(Fetched::NoData);
        }
        let offset = buffers::read_isize(self.ard.bind_offset_ptr);
        let bind_type = self.ard.bind_type;
        let mut row_errors = 0;
        for row in 0..size {
            if row >= n {
                buffers::write_status(self.ird.array_status_ptr, row, row_status::NOROW);
                continue;
            }
            let mut status = row_status::SUCCESS;
            for (i, rec) in self.ard.records.iter().enumerate() {
                if rec.data_ptr == 0 && rec.octet_length_ptr == 0 && rec.indicator_ptr == 0 {
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
                let outcome = deliver_cell(&cell, meta.kind, Target { c_type, precision: rec.precision, scale: rec.scale }, &dest, 0, &mut self.scratch);
                match outcome {
                    Ok(d) => {
                        if d.truncated {
                            status = row_status::SUCCESS_WITH_INFO;
                            diags.push(located(DiagRecord::warning("01004", format!("String data, right truncated: column {} ({})", i + 1, meta.name)), row, i));
                        }
                        if d.fractional {
                            status = row_status::SUCCESS_WITH_INFO;
                            diags.push(located(DiagRecord::warning("01S07", format!("Fractional truncation: column {} ({})", i + 1, meta.name)), row, i));
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
            buffers::write_status(self.ird.array_status_ptr, row, status);
        }
        if row_errors > 0 && size == 1 {
            let first = diags.iter().find(|d| !d.state.starts_with("01")).cloned().expect("an error was recorded");
            diags.retain(|d| d != &first);
            return Err(OdbcError { state: first.state, native: first.native, message: first.message });
        }
        Ok(Fetched::Rows)
    }

    /// `SQLGetData` for column `col` (1-based) of the current row.
    pub fn get_data(&mut self, col: usize, target: Target, dest: &Dest) -> OdbcResult<Option<Delivery>> {
        self.ensure_no_pending()?;
        let Some(rs) = self.result.as_mut() else {
            return Err(if self.executed { OdbcError::new("24000", "Invalid cursor state: no open cursor") } else { OdbcError::sequence("Function sequence error: SQLGetData before execute and fetch") });
        };
        if !self.positioned {
            return Err(OdbcError::new("24000", "Invalid cursor state: the cursor is not positioned on a row (call SQLFetch first)"));
        }
        if col == 0 {
            return Err(OdbcError::bad_index("column (bookmarks are not supported)", 0));
        }
        if col > rs.columns.len() {
            return Err(OdbcError::bad_index("column", col as i64));
        }
        if !convert::c::is_known(target.c_type) && target.c_type != c::ARD_TYPE {
            return Err(OdbcError::new("HY003", format!("Invalid application buffer type {}", target.c_type)));
        }
        let target = if target.c_type == c::ARD_TYPE {
            let r = self.ard.record(col).copied().unwrap_or_default();
            Target { c_type: r.c_type, precision: r.precision, scale: r.scale }
        } else {
            target
        };
        if rs.getdata.column != col {
            rs.getdata = GetDataState { column: col, offset: 0, done: false };
        } else if rs.getdata.done {
            return Ok(None);
        }
        let kind = rs.columns[col - 1].kind;
        let cell = rs.cell(self.current_row, col - 1);
        let delivery = deliver_cell(&cell, kind, target, dest, rs.getdata.offset, &mut self.scratch)?;
        rs.getdata.offset = delivery.next_offset;
        rs.getdata.done = !delivery.truncated;
        Ok(Some(delivery))
    }
}

fn located(mut d: DiagRecord, row: usize, col: usize) -> DiagRecord {
    d.row = Some(row as i64 + 1);
    d.column = Some(col as i32 + 1);
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::CancelSignal;
    use datafusion::arrow::array::Int64Array;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};

    /// A static cursor over the numbers 1..=n, in batches of `per_batch`.
    fn numbers(n: i64, per_batch: i64, limit: usize) -> ResultSet {
        let field = Field::new("n", DataType::Int64, true);
        let schema = Arc::new(Schema::new(vec![field.clone()]));
        let batches = (1..=n).step_by(per_batch as usize).map(|s| RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from_iter_values(s..(s + per_batch).min(n + 1)))]).unwrap()).collect();
        let mut rs = ResultSet::from_batches(vec![ColumnMeta::from_field(&field)], batches);
        rs.keep_rows(limit);
        rs
    }

    /// The rowset's values after a move, or `None` when there are no rows.
    fn scroll(rs: &mut ResultSet, orientation: i16, offset: isize, size: usize) -> (Option<Vec<i64>>, bool) {
        let signal = CancelSignal::default();
        let (rows, clipped) = rs.scroll(orientation, offset, size, 0, &signal.begin()).unwrap();
        let values = (0..rs.rowset_len).map(|r| match rs.cell(r, 0) {
            Cell::Int(v) => v,
            other => panic!("{other:?}"),
        });
        (rows.then(|| values.collect()), clipped)
    }

    #[test]
    fn a_static_cursor_moves_as_the_odbc_tables_say() {
        use orientation::*;
        let mut rs = numbers(10, 4, 1 << 20);
        let r = |v: &[i64]| (Some(v.to_vec()), false);
        assert_eq!(scroll(&mut rs, NEXT, 0, 3), r(&[1, 2, 3]));
        assert_eq!(scroll(&mut rs, NEXT, 0, 3), r(&[4, 5, 6]));
        assert_eq!(scroll(&mut rs, PRIOR, 0, 3), r(&[1, 2, 3]));
        assert_eq!(scroll(&mut rs, PRIOR, 0, 3), (None, false));
        assert_eq!(rs.position, Position::Before);
        assert_eq!(scroll(&mut rs, RELATIVE, 2, 3), r(&[2, 3, 4]));
        assert_eq!(scroll(&mut rs, RELATIVE, -2, 3), (Some(vec![1, 2, 3]), true));
        assert_eq!(scroll(&mut rs, LAST, 0, 3), r(&[8, 9, 10]));
        assert_eq!(scroll(&mut rs, NEXT, 0, 3), (None, false));
        assert_eq!(rs.position, Position::After);
        assert_eq!(scroll(&mut rs, PRIOR, 0, 3), r(&[8, 9, 10]));
        assert_eq!(scroll(&mut rs, ABSOLUTE, -1, 3), r(&[10]));
        assert_eq!(scroll(&mut rs, ABSOLUTE, 9, 3), r(&[9, 10]));
        assert_eq!(scroll(&mut rs, ABSOLUTE, 0, 3), (None, false));
        assert_eq!(scroll(&mut rs, ABSOLUTE, 11, 3), (None, false));
        assert_eq!(rs.position, Position::After);
        assert_eq!(scroll(&mut rs, RELATIVE, -3, 3), r(&[8, 9, 10]));
        assert_eq!(scroll(&mut rs, ABSOLUTE, -12, 3), (None, false));
        assert_eq!(scroll(&mut rs, FIRST, 0, 4), r(&[1, 2, 3, 4]));
        assert_eq!(scroll(&mut rs, RELATIVE, 5, 4), r(&[6, 7, 8, 9]));
        assert_eq!(rs.row_number(2), 8);
        assert!(rs.scroll(BOOKMARK, 0, 1, 0, &CancelSignal::default().begin()).is_err());
    }

    #[test]
    fn a_short_result_clips_prior_and_negative_absolute_to_the_first_row() {
        let mut rs = numbers(2, 2, 1 << 20);
        assert_eq!(scroll(&mut rs, orientation::ABSOLUTE, -3, 4), (Some(vec![1, 2]), true));
        assert_eq!(scroll(&mut rs, orientation::NEXT, 0, 4), (None, false));
        assert_eq!(scroll(&mut rs, orientation::PRIOR, 0, 4), (Some(vec![1, 2]), true));
    }

    #[test]
    fn a_static_cursor_past_its_memory_limit_is_hy001() {
        let mut rs = numbers(100_000, 1000, 64 << 10);
        let e = rs.scroll(orientation::LAST, 0, 1, 0, &CancelSignal::default().begin()).unwrap_err();
        assert_eq!(e.state, "HY001");
        assert!(e.message.contains("MaxStaticCursorMemory") && e.message.contains("SQL_CURSOR_FORWARD_ONLY"), "{}", e.message);
        // The rows that fit are still there.
        assert_eq!(scroll(&mut rs, orientation::FIRST, 0, 2).0, Some(vec![1, 2]));
    }
}
