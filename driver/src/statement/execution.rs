//! Execution: a statement parsed and planned once by the mapper (`SQLPrepare`), run with the
//! application's parameter values read from their buffers and bound into the plan as typed
//! values (never written into SQL text); parameter arrays reuse the plan; data at execution.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::common::ScalarValue;
use sql_mapper::MapperSession;

use super::cursor::{ResultSet, RowSource};
use super::delivery::element;
use super::state::{Call, Outcome};
use super::{cursor_type, Prepared, Statement, SQL_DATA_AT_EXEC, SQL_LEN_DATA_AT_EXEC_OFFSET, SQL_NTS, SQL_NULL_DATA};
use crate::convert::{self, c};
use crate::error::{OdbcError, OdbcResult, SqlState};
use crate::params::{self, ParamValue};
use crate::runtime::{block_on, block_on_cancellable, CancelPoint};
use crate::sql_text;
use crate::types::ColumnMeta;

/// Parameters collected for `SQL_DATA_AT_EXEC`.
#[derive(Debug, Default)]
pub struct DataAtExec {
    /// Parameter numbers still to be sent, in order.
    pending: VecDeque<usize>,
    /// The parameter `SQLPutData` is filling now, and what it sent so far.
    current: Option<(usize, Option<Vec<u8>>)>,
    received: Vec<(usize, Option<Vec<u8>>)>,
}

pub enum Executed {
    /// A result set (maybe empty) or a statement without one.
    Done,
    /// `SQL_NEED_DATA`: parameters are to be sent with `SQLParamData`/`SQLPutData`.
    NeedData,
}

impl Statement {
    /// `SQLPrepare`: escapes translated, markers numbered, the statement parsed and planned.
    pub fn prepare(&mut self, session: &MapperSession, sql: &str) -> OdbcResult<()> {
        self.admit(Call::Prepare)?;
        self.prepared = None;
        let r = self.plan(session, sql, true);
        self.settle(Call::Prepare, if r.is_ok() { Outcome::Done } else { Outcome::Failed });
        r
    }

    /// `SQLExecDirect`: prepared for this one execution, then run.
    pub fn exec_direct(&mut self, session: &MapperSession, sql: &str, cancel: &CancelPoint<'_>) -> OdbcResult<Executed> {
        self.admit(Call::ExecDirect)?;
        self.prepared = None;
        let r = self.plan(session, sql, false).and_then(|()| self.start(session, cancel));
        self.settle(Call::ExecDirect, self.outcome(&r));
        r
    }

    /// `SQLExecute`: the prepared plan, run with the bound parameters' current values.
    pub fn execute(&mut self, session: &MapperSession, cancel: &CancelPoint<'_>) -> OdbcResult<Executed> {
        self.admit(Call::Execute)?;
        let r = self.start(session, cancel);
        self.settle(Call::Execute, self.outcome(&r));
        r
    }

    fn outcome(&self, r: &OdbcResult<Executed>) -> Outcome {
        match r {
            Ok(Executed::NeedData) => Outcome::NeedData,
            Ok(Executed::Done) if self.result.is_some() => Outcome::Rows,
            Ok(Executed::Done) => Outcome::Done,
            Err(_) => Outcome::Failed,
        }
    }

    fn plan(&mut self, session: &MapperSession, sql: &str, explicit: bool) -> OdbcResult<()> {
        let text = if self.attrs.noscan { sql.to_string() } else { sql_text::translate_escapes(sql)? };
        let (text, markers) = sql_text::number_markers(&text);
        tracing::debug!(target: "atlassian_odbc::sql", sql = %text, "prepare");
        let statement = block_on(session.prepare(&text)).map_err(OdbcError::from)?;
        let columns = Arc::new(statement.schema().fields().iter().map(|f| ColumnMeta::from_field(f)).collect());
        self.prepared = Some(Prepared { statement: Arc::new(statement), markers, explicit, columns });
        self.row_count = -1;
        Ok(())
    }

    /// Starts the prepared statement: data-at-execution parameters asked for, an array of
    /// parameter sets run one set after another, or the statement run once.
    fn start(&mut self, session: &MapperSession, cancel: &CancelPoint<'_>) -> OdbcResult<Executed> {
        self.result = None;
        let p = self.prepared.clone().expect("an executable state has a prepared statement");
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
        if !pending.is_empty() && crate::ffi::driver_manager::cursor_library_loaded() && !p.columns.is_empty() {
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
        let r = self.apd.record(n).filter(|r| r.is_bound()).ok_or_else(|| {
            OdbcError::new(
                SqlState::COUNT_FIELD_INCORRECT,
                format!("COUNT field incorrect: the statement has a parameter marker {n} with no value bound (SQLBindParameter)"),
            )
        })?;
        let offset = self.apd.bind_offset_ptr.read_isize();
        let ptr = element(r.indicator_ptr, row, self.apd.bind_type, 8, offset);
        Ok((!ptr.is_null()).then(|| ptr.read_isize()))
    }

    /// The value of parameter `n` in parameter set `row` (column-wise binding steps by the
    /// buffer's length, row-wise by `SQL_ATTR_PARAM_BIND_TYPE`).
    fn param_value(&self, n: usize, row: usize, sent: &[(usize, Option<Vec<u8>>)]) -> OdbcResult<ParamValue> {
        let r =
            *self.apd.record(n).ok_or_else(|| OdbcError::new(SqlState::COUNT_FIELD_INCORRECT, format!("COUNT field incorrect: parameter {n} is not bound")))?;
        let c_type = self.param_c_type(n, r.c_type);
        if let Some((_, data)) = sent.iter().find(|(i, _)| *i == n) {
            return match data {
                None => Ok(ParamValue::Null),
                Some(bytes) => params::decode(c_type, bytes),
            };
        }
        let offset = self.apd.bind_offset_ptr.read_isize();
        let bind_type = self.apd.bind_type;
        let ind_ptr = element(r.indicator_ptr, row, bind_type, 8, offset);
        let len_ptr = element(r.octet_length_ptr, row, bind_type, 8, offset);
        let elem = convert::c::fixed_size(c_type).unwrap_or(r.octet_length.max(0) as usize);
        let data = element(r.data_ptr, row, bind_type, elem, offset);
        if !ind_ptr.is_null() && ind_ptr.read_isize() == SQL_NULL_DATA {
            return Ok(ParamValue::Null);
        }
        if data.is_null() {
            return Err(OdbcError::new(SqlState::NULL_POINTER, format!("Invalid use of null pointer: parameter {n} has no value buffer and is not NULL")));
        }
        let bytes = match convert::c::fixed_size(c_type) {
            Some(size) => data.read_bytes(size),
            None => {
                let unit = if c_type == c::WCHAR { crate::wide::width().unit() } else { 1 };
                let len = if !len_ptr.is_null() {
                    len_ptr.read_isize()
                } else if c_type == c::BINARY {
                    r.octet_length
                } else {
                    SQL_NTS
                };
                match len {
                    SQL_NTS => data.read_until_nul(unit, if r.octet_length > 0 { r.octet_length as usize } else { usize::MAX }),
                    l if l >= 0 => data.read_bytes(l as usize),
                    l => return Err(OdbcError::bad_length(&format!("length of parameter {n}"), l as i64)),
                }
            }
        };
        params::decode(c_type, &bytes)
    }

    /// The C type a parameter's buffer holds: `SQL_C_DEFAULT` is its SQL type's default.
    fn param_c_type(&self, n: usize, bound: i16) -> i16 {
        if bound == c::DEFAULT {
            params::default_c_for_sql(self.param_sql_type(n))
        } else {
            bound
        }
    }

    fn param_sql_type(&self, n: usize) -> i16 {
        self.ipd.records.get(n - 1).map_or(crate::types::sql::VARCHAR, |p| p.sql_type)
    }

    /// Parameter set `row`'s values, each typed by the SQL type it was bound as.
    fn param_values(&self, p: &Prepared, sent: &[(usize, Option<Vec<u8>>)], row: usize) -> OdbcResult<Vec<ScalarValue>> {
        (1..=p.markers).map(|n| params::scalar(&self.param_value(n, row, sent)?, self.param_sql_type(n))).collect()
    }

    /// `SQL_ATTR_PARAMSET_SIZE` > 1: the plan once per parameter set, in order, each set's
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
        if !p.columns.is_empty() {
            return Err(OdbcError::not_implemented("arrays of parameters for a statement that returns rows: use them with INSERT, UPDATE and DELETE"));
        }
        for row in 0..sets {
            if operations.read_u16(row) == SQL_PARAM_IGNORE {
                statuses.write_status(row, SQL_PARAM_UNUSED);
                continue;
            }
            processed += 1;
            self.ipd.rows_processed_ptr.write_usize(processed);
            let outcome = self.param_values(p, &[], row).and_then(|values| {
                let r = block_on_cancellable(async { session.execute(&p.statement, &values).await.map_err(OdbcError::from) }, cancel, timeout)?;
                match r.rows_affected {
                    Some(n) if r.schema.fields().is_empty() => Ok(n as i64),
                    _ => Err(OdbcError::not_implemented("arrays of parameters for a statement that returns rows: use them with INSERT, UPDATE and DELETE")),
                }
            });
            match outcome {
                Ok(n) => {
                    total += n;
                    statuses.write_status(row, SQL_PARAM_SUCCESS);
                }
                Err(e) => {
                    statuses.write_status(row, SQL_PARAM_ERROR);
                    for rest in row + 1..sets {
                        statuses.write_status(rest, SQL_PARAM_UNUSED);
                    }
                    self.row_count = total;
                    let done = if row == 0 { "no earlier set ran".to_string() } else { format!("sets 1 to {row} were executed ({total} row(s) written)") };
                    return Err(OdbcError::new(e.state, format!("{} (parameter set {} of {sets}; {done}; the rest were not executed)", e.message, row + 1)));
                }
            }
        }
        self.row_count = total;
        Ok(Executed::Done)
    }

    fn run(&mut self, session: &MapperSession, cancel: &CancelPoint<'_>, p: &Prepared, sent: &[(usize, Option<Vec<u8>>)]) -> OdbcResult<Executed> {
        let values = self.param_values(p, sent, 0)?;
        self.ipd.rows_processed_ptr.write_usize(1);
        let timeout = (self.attrs.query_timeout > 0).then(|| Duration::from_secs(self.attrs.query_timeout));
        let deadline = timeout.map(|t| Instant::now() + t);
        let started = Instant::now();
        let mut result = block_on_cancellable(async { session.execute(&p.statement, &values).await.map_err(OdbcError::from) }, cancel, timeout)?;
        self.notices = std::mem::take(&mut result.notices);
        tracing::info!(target: "atlassian_odbc::sql", ms = started.elapsed().as_millis() as u64, "executed");
        let columns: Vec<ColumnMeta> = result.schema.fields().iter().map(|f| ColumnMeta::from_field(f)).collect();
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
        self.admit(Call::ParamData)?;
        let r = self.next_parameter(session, cancel);
        let outcome = match &r {
            Ok(Some(_)) => Outcome::NeedData,
            Ok(None) if self.result.is_some() => Outcome::Rows,
            Ok(None) => Outcome::Done,
            Err(_) => Outcome::Failed,
        };
        self.settle(Call::ParamData, outcome);
        r
    }

    fn next_parameter(&mut self, session: &MapperSession, cancel: &CancelPoint<'_>) -> OdbcResult<Option<usize>> {
        let dae = self.dae.as_mut().expect("a need-data state has its parameters");
        if let Some(done) = dae.current.take() {
            dae.received.push(done);
        }
        if let Some(n) = dae.pending.pop_front() {
            dae.current = Some((n, Some(Vec::new())));
            let r = self.apd.record(n).copied().unwrap_or_default();
            let offset = self.apd.bind_offset_ptr.read_isize();
            return Ok(Some(element(r.data_ptr, 0, 0, 0, offset).addr()));
        }
        let received = std::mem::take(&mut dae.received);
        let p = self.prepared.clone().expect("a need-data state has a prepared statement");
        self.run(session, cancel, &p, &received)?;
        Ok(None)
    }

    /// `SQLPutData`: appends a piece of the current parameter's value.
    pub fn put_data(&mut self, piece: Option<Vec<u8>>) -> OdbcResult<()> {
        self.admit(Call::PutData)?;
        let current = self.dae.as_mut().and_then(|d| d.current.as_mut()).expect("S9 and S10 have a current parameter");
        match (piece, &mut current.1) {
            (None, v) => *v = None,
            (Some(bytes), Some(v)) => v.extend_from_slice(&bytes),
            // The one SQLPutData error that keeps the execution going (the table's HY011).
            (Some(_), None) => return Err(OdbcError::new(SqlState::CANNOT_SET_NOW, "Attribute cannot be set now: the parameter was already sent as NULL")),
        }
        self.settle(Call::PutData, Outcome::Done);
        Ok(())
    }

    /// The C type of the parameter `SQLPutData` is filling.
    pub fn current_data_at_exec_c_type(&self) -> Option<i16> {
        let n = self.dae.as_ref()?.current.as_ref()?.0;
        Some(self.param_c_type(n, self.apd.record(n)?.c_type))
    }
}
