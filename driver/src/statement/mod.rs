//! A statement: the ODBC state machine ([`state`]), what it runs ([`execution`]: a plan
//! prepared once, executed with typed parameter values), its open cursor ([`cursor`]), and
//! the delivery of rows into the application's buffers ([`delivery`]).

mod cursor;
mod delivery;
mod execution;
pub mod state;

use std::sync::Arc;

use sql_mapper::PreparedStatement;

use crate::convert::{self, c, Target};
use crate::descriptor::{AppDesc, Ipd, IrdHeader};
use crate::diag::DiagRecord;
use crate::error::{OdbcError, OdbcResult, SqlState};
use crate::runtime::CancelPoint;
use crate::types::ColumnMeta;

pub use cursor::{orientation, ResultSet};
pub use delivery::{Delivery, Dest};
pub use execution::{DataAtExec, Executed};
use state::{Call, Outcome, State};

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

    /// The attributes whose value is an address in the application's memory.
    pub fn is_pointer(attr: i32) -> bool {
        matches!(
            attr,
            FETCH_BOOKMARK_PTR
                | PARAM_BIND_OFFSET_PTR
                | PARAM_OPERATION_PTR
                | PARAM_STATUS_PTR
                | PARAMS_PROCESSED_PTR
                | ROW_BIND_OFFSET_PTR
                | ROW_OPERATION_PTR
                | ROW_STATUS_PTR
                | ROWS_FETCHED_PTR
        )
    }
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

/// A statement as the mapper prepared it: its plan, its markers, and its result's columns.
#[derive(Clone)]
pub struct Prepared {
    pub statement: Arc<PreparedStatement>,
    /// Parameter markers (`?`) in the text.
    pub markers: usize,
    /// Prepared by `SQLPrepare` (the state tables' "p"); `SQLExecDirect`'s own is forgotten
    /// when its cursor closes.
    pub explicit: bool,
    pub columns: Arc<Vec<ColumnMeta>>,
}

pub enum Fetched {
    Rows,
    NoData,
}

pub struct Statement {
    pub ard: AppDesc,
    pub apd: AppDesc,
    pub ipd: Ipd,
    pub ird: IrdHeader,
    pub attrs: StmtAttrs,
    /// Where the statement is in ODBC's state machine; the slots below hold what that state has.
    state: State,
    prepared: Option<Prepared>,
    /// The open cursor: `Some` in S5–S7 only.
    result: Option<ResultSet>,
    /// Data-at-execution parameters: `Some` in S8–S10 only.
    dae: Option<DataAtExec>,
    pub row_count: i64,
    /// What the last execution wants the user to know (`01000` warnings of that call).
    pub notices: Vec<String>,
    pub cursor_name: String,
    pub odbc_version: i32,
    /// Which row of the rowset `SQLGetData` reads (`SQLSetPos(SQL_POSITION)`), 0-based.
    current_row: usize,
    /// `SQLGetData`'s conversion buffer, reused from call to call.
    scratch: Vec<u8>,
}

impl Statement {
    pub fn new(odbc_version: i32, number: u64) -> Statement {
        Statement {
            ard: AppDesc::default(),
            apd: AppDesc::default(),
            ipd: Ipd::default(),
            ird: IrdHeader::default(),
            attrs: StmtAttrs::default(),
            state: State::Allocated,
            prepared: None,
            result: None,
            dae: None,
            row_count: -1,
            notices: Vec::new(),
            cursor_name: format!("SQL_CUR{number}"),
            odbc_version,
            current_row: 0,
            scratch: Vec::new(),
        }
    }

    /// Refuses `call` with the state tables' SQLSTATE when the state does not admit it.
    pub fn admit(&self, call: Call) -> OdbcResult<()> {
        self.state.admits(call, self.prepared.as_ref().is_some_and(|p| p.explicit)).map_err(|r| r.error(call, self.state))
    }

    /// The rows flag of a statement prepared by `SQLPrepare`; `None` when it was executed
    /// directly (or nothing is prepared).
    fn origin(&self) -> Option<bool> {
        self.prepared.as_ref().filter(|p| p.explicit).map(|p| !p.columns.is_empty())
    }

    /// Moves to the state `call` leaves with `outcome`, and empties the slots that state has
    /// no use for.
    fn settle(&mut self, call: Call, outcome: Outcome) {
        self.state = self.state.after(call, outcome, self.origin());
        self.tidy();
    }

    fn tidy(&mut self) {
        if !self.state.is_cursor() {
            self.result = None;
        }
        if !self.state.is_need_data() {
            self.dae = None;
        }
        if self.state == State::Allocated {
            self.prepared = None;
        }
    }

    /// A call that `SQLCancel` stopped from another thread: its cursor and pending parameters
    /// are gone, as both driver managers assume when `SQLCancel` succeeds.
    pub fn cancelled(&mut self) {
        self.state = self.state.cancelled(self.origin());
        self.tidy();
    }

    /// `SQLCancel` with nothing running: drops pending data-at-execution parameters.
    pub fn cancel_data_at_exec(&mut self) -> bool {
        if !self.state.is_need_data() {
            return false;
        }
        self.cancelled();
        true
    }

    /// Catalog functions: a result computed in memory (or the error computing it).
    pub fn open_result(&mut self, result: OdbcResult<ResultSet>) -> OdbcResult<()> {
        self.admit(Call::Catalog)?;
        self.prepared = None;
        self.row_count = -1;
        match result {
            Ok(r) => {
                self.result = Some(r);
                self.settle(Call::Catalog, Outcome::Rows);
                Ok(())
            }
            Err(e) => {
                self.settle(Call::Catalog, Outcome::Failed);
                Err(e)
            }
        }
    }

    /// `SQLCloseCursor`, `SQLFreeStmt(SQL_CLOSE)` or `SQLMoreResults` (there is never a next
    /// result): the cursor closes, a prepared statement stays prepared.
    pub fn close(&mut self, call: Call) -> OdbcResult<()> {
        self.admit(call)?;
        self.settle(call, Outcome::Done);
        Ok(())
    }

    /// The result's columns (`SQLNumResultCols`, `SQLDescribeCol`, `SQLColAttribute`, the
    /// IRD): the open cursor's, or the prepared statement's before it runs; none after a
    /// statement without a result set.
    pub fn result_columns(&self, call: Call) -> OdbcResult<Arc<Vec<ColumnMeta>>> {
        self.admit(call)?;
        if let Some(r) = &self.result {
            return Ok(r.columns.clone());
        }
        match (&self.prepared, self.state) {
            (Some(p), State::Prepared { .. }) => Ok(p.columns.clone()),
            _ => Ok(Arc::new(Vec::new())),
        }
    }

    /// `SQLNumParams`.
    pub fn num_params(&self) -> OdbcResult<usize> {
        self.admit(Call::NumParams)?;
        Ok(self.prepared.as_ref().map_or(0, |p| p.markers))
    }

    /// `SQLDescribeParam`: the type the plan gives parameter `n`, where it gives one.
    pub fn parameter_type(&self, n: usize) -> OdbcResult<Option<datafusion::arrow::datatypes::DataType>> {
        self.admit(Call::DescribeParam)?;
        let p = self.prepared.as_ref().expect("S2 and S3 have a prepared statement");
        if n == 0 || n > p.markers {
            return Err(OdbcError::bad_index("parameter", n as i64));
        }
        Ok(p.statement.parameter_type(n).cloned())
    }

    /// `SQLRowCount`.
    pub fn row_count(&self) -> OdbcResult<i64> {
        self.admit(Call::RowCount)?;
        Ok(self.row_count)
    }

    /// `SQLSetPos(SQL_POSITION)`: row `row` (1-based) of the rowset is the one `SQLGetData`
    /// reads.
    pub fn set_position(&mut self, row: usize) -> OdbcResult<()> {
        self.admit(Call::SetPos)?;
        let rs = self.result.as_mut().expect("a cursor state has a cursor");
        if rs.rowset_len == 0 {
            return Err(OdbcError::new(
                SqlState::INVALID_CURSOR_STATE,
                "Invalid cursor state: the cursor is before the first row or after the last; fetch a rowset first",
            ));
        }
        if row == 0 || row > rs.rowset_len {
            return Err(OdbcError::new(
                SqlState::ROW_OUT_OF_RANGE,
                format!("Row value out of range: the rowset has {} row(s), row {row} was asked for", rs.rowset_len),
            ));
        }
        self.current_row = row - 1;
        rs.getdata = Default::default();
        Ok(())
    }

    /// `SQL_ATTR_ROW_NUMBER`: the current row's number in the result set; 0 when the cursor is
    /// not on a row.
    pub fn row_number(&self) -> OdbcResult<usize> {
        self.admit(Call::RowNumber)?;
        Ok(self.result.as_ref().filter(|rs| rs.rowset_len > 0).map_or(0, |rs| rs.row_number(self.current_row)))
    }

    /// `SQLFetchScroll` (`SQLFetch` is its `SQL_FETCH_NEXT`; `extended`: `SQLExtendedFetch`):
    /// a forward-only cursor moves to the next rowset only, a static one anywhere; the rowset
    /// goes into the bound columns.
    pub fn fetch_scroll(
        &mut self,
        orientation: i16,
        offset: isize,
        extended: bool,
        cancel: &CancelPoint<'_>,
        diags: &mut Vec<DiagRecord>,
    ) -> OdbcResult<Fetched> {
        let call = if extended { Call::ExtendedFetch } else { Call::Fetch };
        self.admit(call)?;
        let r = self.move_and_deliver(orientation, offset, cancel, diags);
        self.settle(call, if r.is_ok() { Outcome::Done } else { Outcome::Failed });
        r
    }

    fn move_and_deliver(&mut self, orientation: i16, offset: isize, cancel: &CancelPoint<'_>, diags: &mut Vec<DiagRecord>) -> OdbcResult<Fetched> {
        let rs = self.result.as_mut().expect("a cursor state has a cursor");
        let size = self.ard.array_size.max(1);
        let has_rows = if rs.store.is_some() {
            let (has_rows, clipped) = rs.scroll(orientation, offset, size, self.attrs.max_rows, cancel)?;
            if clipped {
                diags.push(DiagRecord::warning(
                    SqlState::FETCH_BEFORE_FIRST_ROWSET,
                    "Attempt to fetch before the result set returned the first rowset: the first rowset was returned",
                ));
            }
            has_rows
        } else if orientation == orientation::NEXT {
            rs.advance(size, self.attrs.max_rows, cancel)?
        } else {
            return Err(OdbcError::new(
                SqlState::FETCH_TYPE_OUT_OF_RANGE,
                format!("Fetch type out of range: the cursor is forward-only (SQL_ATTR_CURSOR_TYPE), only SQL_FETCH_NEXT is allowed (got {orientation})"),
            ));
        };
        self.current_row = 0;
        delivery::deliver_rowset(rs, has_rows, size, &self.ard, &self.ird, &mut self.scratch, diags)
    }

    /// `SQLGetData` for column `col` (1-based) of the current row.
    pub fn get_data(&mut self, col: usize, target: Target, dest: &Dest) -> OdbcResult<Option<Delivery>> {
        self.admit(Call::GetData)?;
        let rs = self.result.as_mut().expect("a cursor state has a cursor");
        if rs.rowset_len == 0 {
            return Err(OdbcError::new(
                SqlState::INVALID_CURSOR_STATE,
                "Invalid cursor state: the cursor is not on a row (before the first or after the last)",
            ));
        }
        if col == 0 {
            return Err(OdbcError::bad_index("column (bookmarks are not supported)", 0));
        }
        if col > rs.columns.len() {
            return Err(OdbcError::bad_index("column", col as i64));
        }
        if !convert::c::is_known(target.c_type) && target.c_type != c::ARD_TYPE {
            return Err(OdbcError::new(SqlState::INVALID_APP_BUFFER_TYPE, format!("Invalid application buffer type {}", target.c_type)));
        }
        let target = if target.c_type == c::ARD_TYPE {
            let r = self.ard.record(col).copied().unwrap_or_default();
            Target { c_type: r.c_type, precision: r.precision, scale: r.scale }
        } else {
            target
        };
        if rs.getdata.column != col {
            rs.getdata = cursor::GetDataState { column: col, offset: 0, done: false };
        } else if rs.getdata.done {
            return Ok(None);
        }
        let kind = rs.columns[col - 1].kind;
        let cell = rs.cell(self.current_row, col - 1);
        let delivery = delivery::deliver_cell(&cell, kind, target, dest, rs.getdata.offset, &mut self.scratch)?;
        rs.getdata.offset = delivery.next_offset;
        rs.getdata.done = !delivery.truncated;
        Ok(Some(delivery))
    }
}
