//! The ODBC functions' behaviour, in safe Rust. The FFI layer decodes arguments (strings in
//! either encoding, raw integers), finds the handle, and calls these; they return values for it
//! to write back. One implementation serves the ANSI and the Unicode entry points.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use crate::catalog_results::{self, Pattern};
use crate::connection::{attr as cattr, Connection};
use crate::connstr::Properties;
use crate::convert::{c, Target};
use crate::descriptor::{self, field, DescKind, FieldValue};
use crate::diag::{DiagRecord, Diagnostics};
use crate::environment::Environment;
use crate::error::{OdbcError, OdbcResult, SqlState};
use crate::ffi::buffers::AppPtr;
use crate::handles::{self, DbcHandle, DescHandle, EnvHandle, Kind, Object, StmtHandle, Token};
use crate::params;
use crate::runtime::{CancelPoint, CancelSignal};
use crate::statement::state::Call;
use crate::statement::{attr as sattr, Dest, Executed, Fetched, Statement};
use crate::types::{sql, ColumnMeta, ValueKind};

/// What a call returns besides success: no data, or parameters wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ret {
    Success,
    NoData,
    NeedData,
}

pub type Warnings = Vec<DiagRecord>;

// ---------------------------------------------------------------- handles

pub fn alloc_env() -> Token {
    handles::insert(Object::Env(Arc::new(EnvHandle { diag: Mutex::new(Diagnostics::default()), env: Mutex::new(Environment::default()) })))
}

pub fn alloc_dbc(env: &Arc<EnvHandle>) -> OdbcResult<Token> {
    let mut e = env.env.lock();
    if e.odbc_version == 0 {
        return Err(OdbcError::sequence("Function sequence error: set SQL_ATTR_ODBC_VERSION on the environment before allocating a connection"));
    }
    e.connections += 1;
    let version = e.odbc_version;
    drop(e);
    Ok(handles::insert(Object::Dbc(Arc::new(DbcHandle {
        diag: Mutex::new(Diagnostics::default()),
        env: env.clone(),
        conn: Mutex::new(Connection::new(version)),
    }))))
}

static STATEMENT_NUMBER: AtomicU64 = AtomicU64::new(1);

pub fn alloc_stmt(dbc: &Arc<DbcHandle>) -> OdbcResult<Token> {
    let mut conn = dbc.conn.lock();
    if !conn.is_connected() {
        return Err(OdbcError::new(SqlState::CONNECTION_NOT_OPEN, "Connection does not exist: connect before allocating statements"));
    }
    let number = STATEMENT_NUMBER.fetch_add(1, Ordering::Relaxed);
    let mut stmt = Statement::new(conn.odbc_version, number);
    stmt.attrs.static_cursor_memory = conn.static_cursor_memory;
    let token = handles::insert_with(Kind::Stmt, |_| {
        Object::Stmt(Arc::new(StmtHandle {
            diag: Mutex::new(Diagnostics::default()),
            dbc: dbc.clone(),
            cancel: Arc::new(CancelSignal::default()),
            stmt: Mutex::new(stmt),
            descriptors: std::sync::OnceLock::new(),
        }))
    });
    let Some(Object::Stmt(h)) = handles::get(token, Some(Kind::Stmt)) else { unreachable!("just registered") };
    let descs = [DescKind::Ard, DescKind::Apd, DescKind::Ird, DescKind::Ipd]
        .map(|kind| handles::insert(Object::Desc(Arc::new(DescHandle { diag: Mutex::new(Diagnostics::default()), owner: token, kind }))));
    let _ = h.descriptors.set(descs);
    conn.statements.push(token);
    Ok(token)
}

fn free_statement_token(token: Token) {
    if let Some(Object::Stmt(h)) = handles::remove(token) {
        h.cancel.request();
        if let Some(descs) = h.descriptors.get() {
            for d in descs {
                handles::remove(*d);
            }
        }
    }
}

pub fn free_handle(kind: Kind, token: Token, obj: &Object) -> OdbcResult<Ret> {
    match obj {
        Object::Env(env) => {
            if env.env.lock().connections > 0 {
                return Err(OdbcError::sequence("Function sequence error: free the environment's connections first"));
            }
            handles::remove(token);
        }
        Object::Dbc(dbc) => {
            if dbc.conn.lock().is_connected() {
                return Err(OdbcError::sequence("Function sequence error: disconnect before freeing the connection"));
            }
            handles::remove(token);
            let mut e = dbc.env.env.lock();
            e.connections = e.connections.saturating_sub(1);
        }
        Object::Stmt(h) => {
            h.dbc.conn.lock().statements.retain(|t| *t != token);
            free_statement_token(token);
        }
        Object::Desc(_) => return Err(OdbcError::new(SqlState::AUTOMATIC_DESCRIPTOR, "Invalid use of an automatically allocated descriptor handle")),
    }
    let _ = kind;
    Ok(Ret::Success)
}

// ---------------------------------------------------------------- environment

pub fn set_env_attr(env: &EnvHandle, attr: i32, value: usize) -> OdbcResult<Ret> {
    env.env.lock().set_attr(attr, value)?;
    Ok(Ret::Success)
}

pub fn get_env_attr(env: &EnvHandle, attr: i32) -> OdbcResult<u32> {
    env.env.lock().get_attr(attr)
}

// ---------------------------------------------------------------- connection

/// Reads a DSN's attributes from odbc.ini through the driver manager's installer library.
pub type DsnReader = fn(&str) -> Properties;

pub fn driver_connect(dbc: &DbcHandle, conn_str: &str, read_dsn: DsnReader, w: &mut Warnings) -> OdbcResult<String> {
    let mut props = Properties::parse(conn_str)?;
    if let Some(dsn) = props.get("dsn").map(str::to_string).filter(|d| !d.is_empty()) {
        let dsn_props = read_dsn(&dsn);
        for k in dsn_props.keys() {
            props.insert_if_absent(k, dsn_props.get(k).unwrap_or_default());
        }
    }
    connect_with(dbc, props, w)
}

fn connect_with(dbc: &DbcHandle, props: Properties, w: &mut Warnings) -> OdbcResult<String> {
    let mut conn = dbc.conn.lock();
    let out = props.to_out_string();
    for msg in conn.connect(props)? {
        w.push(DiagRecord::warning(SqlState::INVALID_KEYWORD, msg));
    }
    Ok(out)
}

pub fn connect(dbc: &DbcHandle, dsn: &str, user: Option<String>, password: Option<String>, read_dsn: DsnReader, w: &mut Warnings) -> OdbcResult<Ret> {
    if dsn.is_empty() {
        return Err(OdbcError::new(SqlState::DATA_SOURCE_NOT_FOUND, "Data source name not found: SQLConnect needs a DSN"));
    }
    let dsn_props = read_dsn(dsn);
    let mut props = Properties::default();
    props.set("DSN", dsn);
    if let Some(u) = user.filter(|u| !u.is_empty()) {
        props.set("User", &u);
    }
    if let Some(p) = password.filter(|p| !p.is_empty()) {
        props.set("Password", &p);
    }
    for k in dsn_props.keys() {
        props.insert_if_absent(k, dsn_props.get(k).unwrap_or_default());
    }
    // A DSN's Driver/Description are the driver manager's, not connection properties.
    connect_with(dbc, props, w)?;
    Ok(Ret::Success)
}

pub fn disconnect(dbc: &DbcHandle) -> OdbcResult<Ret> {
    let mut conn = dbc.conn.lock();
    if !conn.is_connected() {
        return Err(OdbcError::new(SqlState::CONNECTION_NOT_OPEN, "Connection does not exist"));
    }
    for t in std::mem::take(&mut conn.statements) {
        free_statement_token(t);
    }
    conn.disconnect();
    Ok(Ret::Success)
}

pub enum AttrOut {
    U32(u32),
    ULen(usize),
    Str(String),
}

pub fn set_connect_attr(dbc: &DbcHandle, attr: i32, value: usize, text: Option<String>) -> OdbcResult<Ret> {
    let mut c = dbc.conn.lock();
    match attr {
        cattr::AUTOCOMMIT => c.autocommit = value != 0,
        cattr::ACCESS_MODE => {
            c.access_mode = value as u32;
            // SQL_MODE_READ_ONLY (1) on top of ReadOnly, which it cannot lift.
            let read_only = c.access_mode == 1 || crate::connection::flag(&c.props, "readonly", "ReadOnly", false).unwrap_or(false);
            c.site.read_only = read_only;
            if let Some(s) = &c.session {
                s.set_read_only(read_only);
            }
        }
        cattr::LOGIN_TIMEOUT => c.login_timeout = value as u32,
        cattr::CONNECTION_TIMEOUT => c.connection_timeout = value as u32,
        cattr::METADATA_ID => c.metadata_id = value != 0,
        cattr::PACKET_SIZE => c.packet_size = value as u32,
        cattr::QUIET_MODE => c.quiet_mode = value,
        cattr::TXN_ISOLATION => {
            if value != 0 {
                return Err(OdbcError::not_implemented("transaction isolation levels: Atlassian sites have no transactions"));
            }
        }
        cattr::CURRENT_CATALOG => {
            if text.as_deref().is_some_and(|t| !t.is_empty()) {
                return Err(OdbcError::not_implemented("catalogs: this data source has schemas only"));
            }
        }
        cattr::ASYNC_ENABLE => {
            if value != 0 {
                return Err(OdbcError::not_implemented("asynchronous execution"));
            }
        }
        cattr::TRACE
        | cattr::TRACEFILE
        | cattr::TRANSLATE_LIB
        | cattr::TRANSLATE_OPTION
        | cattr::ODBC_CURSORS
        | cattr::ANSI_APP
        | cattr::RESET_CONNECTION
        | cattr::DISCONNECT_BEHAVIOR => {}
        cattr::CONNECTION_DEAD | cattr::AUTO_IPD => {
            return Err(OdbcError::new(SqlState::INVALID_ATTRIBUTE, format!("Connection attribute {attr} is read-only")))
        }
        // Wide strings in UTF-16 or UCS-4 as the application uses them; UTF-8 is refused, so
        // iODBC keeps its own conversion.
        cattr::APP_WCHAR_TYPE => match value {
            crate::connection::wchar_type::UTF16 => crate::wide::set(crate::wide::WcharWidth::Utf16),
            crate::connection::wchar_type::UCS4 => crate::wide::set(crate::wide::WcharWidth::Ucs4),
            other => return Err(OdbcError::not_implemented(format!("wide character encoding {other} (UTF-16 and UCS-4 are supported)"))),
        },
        other => return Err(OdbcError::bad_attribute("connection attribute", other.into())),
    }
    Ok(Ret::Success)
}

pub fn get_connect_attr(dbc: &DbcHandle, attr: i32) -> OdbcResult<AttrOut> {
    let c = dbc.conn.lock();
    Ok(match attr {
        cattr::AUTOCOMMIT => AttrOut::U32(u32::from(c.autocommit)),
        cattr::ACCESS_MODE => AttrOut::U32(c.access_mode),
        cattr::LOGIN_TIMEOUT => AttrOut::U32(c.login_timeout),
        cattr::CONNECTION_TIMEOUT => AttrOut::U32(c.connection_timeout),
        cattr::METADATA_ID => AttrOut::U32(u32::from(c.metadata_id)),
        cattr::PACKET_SIZE => AttrOut::U32(c.packet_size),
        cattr::QUIET_MODE => AttrOut::ULen(c.quiet_mode),
        cattr::TXN_ISOLATION => AttrOut::U32(0),
        cattr::ASYNC_ENABLE => AttrOut::ULen(0),
        cattr::AUTO_IPD => AttrOut::U32(0),
        // SQL_CD_TRUE (1) once disconnected: nothing to talk to.
        cattr::CONNECTION_DEAD => AttrOut::U32(u32::from(!c.is_connected())),
        cattr::CURRENT_CATALOG => AttrOut::Str(String::new()),
        cattr::ODBC_CURSORS => AttrOut::ULen(2),
        cattr::TRACE => AttrOut::U32(0),
        cattr::TRACEFILE => AttrOut::Str(String::new()),
        other => return Err(OdbcError::bad_attribute("connection attribute", other.into())),
    })
}

pub fn end_tran(completion: i16) -> OdbcResult<Ret> {
    match completion {
        // Every statement takes effect when it runs: a commit has nothing left to do, and with
        // nothing written there is nothing to roll back either.
        0 | 1 => Ok(Ret::Success),
        other => Err(OdbcError::new(SqlState::INVALID_TRANSACTION_CODE, format!("Invalid transaction operation code {other}"))),
    }
}

pub fn native_sql(sql: &str) -> OdbcResult<String> {
    crate::sql_text::translate_escapes(sql)
}

// ---------------------------------------------------------------- statements

/// `ptr`: the value as an application pointer, for the pointer attributes ([`sattr::is_pointer`]).
pub fn stmt_attr_set(h: &StmtHandle, attr: i32, value: usize, ptr: AppPtr, w: &mut Warnings) -> OdbcResult<Ret> {
    let mut s = h.stmt.lock();
    let st = &mut *s;
    // The attributes that shape the cursor are fixed once a statement is prepared.
    let shapes_cursor = matches!(
        attr,
        sattr::CONCURRENCY | sattr::CURSOR_TYPE | sattr::SIMULATE_CURSOR | sattr::USE_BOOKMARKS | sattr::CURSOR_SCROLLABLE | sattr::CURSOR_SENSITIVITY
    );
    st.admit(if shapes_cursor { Call::SetCursorAttr } else { Call::Bind })?;
    match attr {
        sattr::QUERY_TIMEOUT => st.attrs.query_timeout = value as u64,
        sattr::MAX_ROWS => st.attrs.max_rows = value as u64,
        sattr::MAX_LENGTH => st.attrs.max_length = value as u64,
        sattr::NOSCAN => st.attrs.noscan = value != 0,
        sattr::ROW_BIND_TYPE => st.ard.bind_type = value,
        sattr::CURSOR_TYPE => {
            use crate::statement::cursor_type::*;
            st.attrs.cursor_type = match value {
                FORWARD_ONLY | STATIC => value,
                KEYSET_DRIVEN | DYNAMIC => {
                    w.push(DiagRecord::warning(SqlState::OPTION_VALUE_CHANGED, "Option value changed: keyset-driven and dynamic cursors are static here (SQL_CURSOR_STATIC): the rows do not change while the cursor is open"));
                    STATIC
                }
                other => return Err(OdbcError::new(SqlState::INVALID_ATTRIBUTE_VALUE, format!("Invalid attribute value: SQL_ATTR_CURSOR_TYPE {other}"))),
            };
        }
        sattr::CONCURRENCY => {
            if value != 1 {
                w.push(DiagRecord::warning(SqlState::OPTION_VALUE_CHANGED, "Option value changed: the cursor is read-only (SQL_CONCUR_READ_ONLY)"));
            }
        }
        // SQL_SCROLLABLE: the driver picks its scrollable type, static.
        sattr::CURSOR_SCROLLABLE => {
            st.attrs.cursor_type = if value != 0 { crate::statement::cursor_type::STATIC } else { crate::statement::cursor_type::FORWARD_ONLY }
        }
        sattr::CURSOR_SENSITIVITY => {
            if value > 1 {
                return Err(OdbcError::not_implemented("sensitive cursors: a static cursor is insensitive (SQL_INSENSITIVE)"));
            }
            st.attrs.cursor_sensitivity = value;
        }
        sattr::KEYSET_SIZE => st.attrs.keyset_size = value,
        sattr::SIMULATE_CURSOR => st.attrs.simulate_cursor = value,
        sattr::RETRIEVE_DATA => st.attrs.retrieve_data = value != 0,
        sattr::USE_BOOKMARKS => {
            if value != 0 {
                return Err(OdbcError::not_implemented("bookmarks"));
            }
        }
        sattr::ENABLE_AUTO_IPD => {
            if value != 0 {
                return Err(OdbcError::not_implemented("automatic population of the IPD"));
            }
        }
        sattr::ASYNC_ENABLE => {
            if value != 0 {
                return Err(OdbcError::not_implemented("asynchronous execution"));
            }
        }
        sattr::FETCH_BOOKMARK_PTR => {
            if value != 0 {
                return Err(OdbcError::not_implemented("bookmarks"));
            }
        }
        sattr::PARAM_BIND_OFFSET_PTR => st.apd.bind_offset_ptr = ptr,
        sattr::PARAM_BIND_TYPE => st.apd.bind_type = value,
        sattr::PARAM_OPERATION_PTR => st.apd.array_status_ptr = ptr,
        sattr::PARAM_STATUS_PTR => st.ipd.array_status_ptr = ptr,
        sattr::PARAMS_PROCESSED_PTR => st.ipd.rows_processed_ptr = ptr,
        sattr::PARAMSET_SIZE => {
            if value == 0 {
                return Err(OdbcError::new(SqlState::INVALID_ATTRIBUTE_VALUE, "Invalid attribute value: SQL_ATTR_PARAMSET_SIZE must be at least 1"));
            }
            st.apd.array_size = value;
        }
        sattr::ROW_BIND_OFFSET_PTR => st.ard.bind_offset_ptr = ptr,
        sattr::ROW_OPERATION_PTR => st.ard.array_status_ptr = ptr,
        sattr::ROW_STATUS_PTR => st.ird.array_status_ptr = ptr,
        sattr::ROWS_FETCHED_PTR => st.ird.rows_processed_ptr = ptr,
        sattr::ROW_ARRAY_SIZE | sattr::ROWSET_SIZE => {
            if value == 0 {
                return Err(OdbcError::new(SqlState::INVALID_ATTRIBUTE_VALUE, "Invalid attribute value: the row array size must be at least 1"));
            }
            st.ard.array_size = value;
        }
        sattr::METADATA_ID => st.attrs.metadata_id = value != 0,
        sattr::APP_ROW_DESC | sattr::APP_PARAM_DESC => {
            let implicit = h.descriptors.get().map(|d| d[if attr == sattr::APP_ROW_DESC { 0 } else { 1 }].0 as usize);
            if value != 0 && Some(value) != implicit {
                return Err(OdbcError::new(
                    SqlState::AUTOMATIC_DESCRIPTOR,
                    "Invalid use of an automatically allocated descriptor handle: explicit descriptors are not supported",
                ));
            }
        }
        sattr::IMP_ROW_DESC | sattr::IMP_PARAM_DESC | sattr::ROW_NUMBER => {
            return Err(OdbcError::new(SqlState::INVALID_ATTRIBUTE, format!("Statement attribute {attr} is read-only")))
        }
        other => return Err(OdbcError::bad_attribute("statement attribute", other.into())),
    }
    Ok(Ret::Success)
}

pub fn stmt_attr_get(h: &StmtHandle, attr: i32) -> OdbcResult<usize> {
    let s = h.stmt.lock();
    if attr == sattr::ROW_NUMBER {
        return s.row_number();
    }
    s.admit(Call::Bind)?;
    let descs = h.descriptors.get().copied().unwrap_or([Token(0); 4]);
    Ok(match attr {
        sattr::QUERY_TIMEOUT => s.attrs.query_timeout as usize,
        sattr::MAX_ROWS => s.attrs.max_rows as usize,
        sattr::MAX_LENGTH => s.attrs.max_length as usize,
        sattr::NOSCAN => usize::from(s.attrs.noscan),
        sattr::ROW_BIND_TYPE => s.ard.bind_type,
        sattr::CURSOR_TYPE => s.attrs.cursor_type,
        sattr::CONCURRENCY => 1,
        sattr::CURSOR_SCROLLABLE => usize::from(s.attrs.cursor_type != crate::statement::cursor_type::FORWARD_ONLY),
        sattr::CURSOR_SENSITIVITY => s.attrs.cursor_sensitivity,
        sattr::KEYSET_SIZE => s.attrs.keyset_size,
        sattr::SIMULATE_CURSOR => s.attrs.simulate_cursor,
        sattr::RETRIEVE_DATA => usize::from(s.attrs.retrieve_data),
        sattr::USE_BOOKMARKS | sattr::ENABLE_AUTO_IPD | sattr::ASYNC_ENABLE | sattr::FETCH_BOOKMARK_PTR => 0,
        sattr::PARAM_BIND_OFFSET_PTR => s.apd.bind_offset_ptr.addr(),
        sattr::PARAM_BIND_TYPE => s.apd.bind_type,
        sattr::PARAM_OPERATION_PTR => s.apd.array_status_ptr.addr(),
        sattr::PARAM_STATUS_PTR => s.ipd.array_status_ptr.addr(),
        sattr::PARAMS_PROCESSED_PTR => s.ipd.rows_processed_ptr.addr(),
        sattr::PARAMSET_SIZE => s.apd.array_size,
        sattr::ROW_BIND_OFFSET_PTR => s.ard.bind_offset_ptr.addr(),
        sattr::ROW_OPERATION_PTR => s.ard.array_status_ptr.addr(),
        sattr::ROW_STATUS_PTR => s.ird.array_status_ptr.addr(),
        sattr::ROWS_FETCHED_PTR => s.ird.rows_processed_ptr.addr(),
        sattr::ROW_ARRAY_SIZE | sattr::ROWSET_SIZE => s.ard.array_size,
        sattr::METADATA_ID => usize::from(s.attrs.metadata_id),
        sattr::APP_ROW_DESC => descs[0].0 as usize,
        sattr::APP_PARAM_DESC => descs[1].0 as usize,
        sattr::IMP_ROW_DESC => descs[2].0 as usize,
        sattr::IMP_PARAM_DESC => descs[3].0 as usize,
        other => return Err(OdbcError::bad_attribute("statement attribute", other.into())),
    })
}

fn session_of(h: &StmtHandle) -> OdbcResult<Arc<sql_mapper::MapperSession>> {
    h.dbc.conn.lock().session()
}

pub fn prepare(h: &StmtHandle, sql: &str) -> OdbcResult<Ret> {
    let session = session_of(h)?;
    h.stmt.lock().prepare(&session, sql)?;
    Ok(Ret::Success)
}

/// Runs one of the statement's functions that `SQLCancel` can stop (execution, fetching,
/// describing), holding the statement. A cancel that arrives while it runs makes it fail with
/// `HY008` and close the cursor, whatever it got done: both driver managers treat a successful
/// `SQLCancel` as closing the cursor, so the driver must have closed it too.
fn cancellable<T>(h: &StmtHandle, f: impl FnOnce(&mut Statement, &CancelPoint<'_>) -> OdbcResult<T>) -> OdbcResult<T> {
    let mut s = h.stmt.lock();
    let point = h.cancel.begin();
    let r = f(&mut s, &point);
    if point.is_cancelled() {
        s.cancelled();
        point.take();
        return Err(crate::runtime::cancelled());
    }
    r
}

/// The statement's notices of this execution, as `01000` warnings.
fn notices_into(s: &mut Statement, w: &mut Warnings) {
    w.extend(s.notices.drain(..).map(|n| DiagRecord::warning(SqlState::WARNING, n)));
}

pub fn execute(h: &StmtHandle, w: &mut Warnings) -> OdbcResult<Ret> {
    let session = session_of(h)?;
    cancellable(h, |s, cancel| {
        s.notices.clear();
        let ret = match s.execute(&session, cancel)? {
            Executed::Done => Ret::Success,
            Executed::NeedData => Ret::NeedData,
        };
        notices_into(s, w);
        Ok(ret)
    })
}

pub fn exec_direct(h: &StmtHandle, sql: &str, w: &mut Warnings) -> OdbcResult<Ret> {
    let session = session_of(h)?;
    cancellable(h, |s, cancel| {
        s.notices.clear();
        let ret = match s.exec_direct(&session, sql, cancel)? {
            Executed::Done => Ret::Success,
            Executed::NeedData => Ret::NeedData,
        };
        notices_into(s, w);
        Ok(ret)
    })
}

pub fn param_data(h: &StmtHandle, w: &mut Warnings) -> OdbcResult<(Ret, usize)> {
    let session = session_of(h)?;
    cancellable(h, |s, cancel| {
        s.notices.clear();
        let ret = match s.param_data(&session, cancel)? {
            Some(token) => (Ret::NeedData, token),
            None => (Ret::Success, 0),
        };
        notices_into(s, w);
        Ok(ret)
    })
}

/// `SQLPutData`: the C type of the parameter being sent decides how to read its length.
pub fn put_data_c_type(h: &StmtHandle) -> i16 {
    h.stmt.lock().current_data_at_exec_c_type().unwrap_or(c::CHAR)
}

pub fn put_data(h: &StmtHandle, piece: Option<Vec<u8>>) -> OdbcResult<Ret> {
    h.stmt.lock().put_data(piece)?;
    Ok(Ret::Success)
}

/// `SQLCancel`. Both driver managers close the statement's cursor in their own state when the
/// driver's `SQLCancel` succeeds, so it succeeds only when the driver's state changes the same
/// way: a running call was stopped (it fails with `HY008`, its cursor closed), or pending
/// data-at-execution parameters were dropped. With nothing to cancel it fails and changes
/// nothing (ODBC 3's "no effect"), so the application's open cursor stays usable on both sides.
pub fn cancel(h: &StmtHandle) -> OdbcResult<Ret> {
    if let Some(mut s) = h.stmt.try_lock() {
        return if s.cancel_data_at_exec() { Ok(Ret::Success) } else { Err(nothing_to_cancel()) };
    }
    let request = h.cancel.request();
    // The running call ends promptly (its waits were woken); whether it took the request is
    // known once it has let go of the statement.
    let _s = h.stmt.lock();
    if h.cancel.was_taken(request) {
        Ok(Ret::Success)
    } else {
        Err(nothing_to_cancel())
    }
}

fn nothing_to_cancel() -> OdbcError {
    OdbcError::new(SqlState::GENERAL, "Nothing to cancel: no function that can be cancelled is running on this statement and no data-at-execution parameters are pending; the statement and its cursor are unchanged")
}

/// `SQLFreeStmt` options (sql.h).
pub mod free_option {
    pub const CLOSE: u16 = 0;
    pub const DROP: u16 = 1;
    pub const UNBIND: u16 = 2;
    pub const RESET_PARAMS: u16 = 3;
}

pub fn free_stmt(h: &StmtHandle, option: u16) -> OdbcResult<Ret> {
    let mut s = h.stmt.lock();
    match option {
        free_option::CLOSE => s.close(Call::FreeClose)?,
        free_option::UNBIND => {
            s.admit(Call::Bind)?;
            s.ard.unbind_all();
        }
        free_option::RESET_PARAMS => {
            s.admit(Call::Bind)?;
            s.apd.records.clear();
            s.ipd.records.clear();
        }
        other => return Err(OdbcError::new(SqlState::INVALID_ATTRIBUTE, format!("Invalid attribute/option identifier: SQLFreeStmt option {other}"))),
    }
    Ok(Ret::Success)
}

pub fn close_cursor(h: &StmtHandle) -> OdbcResult<Ret> {
    h.stmt.lock().close(Call::CloseCursor)?;
    Ok(Ret::Success)
}

/// `SQLMoreResults`: a statement has one result at most, so there is never a next one.
pub fn more_results(h: &StmtHandle) -> OdbcResult<Ret> {
    h.stmt.lock().close(Call::MoreResults)?;
    Ok(Ret::NoData)
}

pub fn row_count(h: &StmtHandle) -> OdbcResult<isize> {
    Ok(h.stmt.lock().row_count()? as isize)
}

fn columns_of(h: &StmtHandle, call: Call) -> OdbcResult<Arc<Vec<ColumnMeta>>> {
    h.stmt.lock().result_columns(call)
}

pub fn num_result_cols(h: &StmtHandle) -> OdbcResult<i16> {
    Ok(columns_of(h, Call::NumResultCols)?.len() as i16)
}

pub struct Described {
    pub name: String,
    pub sql_type: i16,
    pub size: usize,
    pub digits: i16,
    pub nullable: i16,
}

fn column(h: &StmtHandle, col: u16) -> OdbcResult<(ColumnMeta, i32)> {
    let cols = columns_of(h, Call::DescribeCol)?;
    if col == 0 || col as usize > cols.len() {
        return Err(OdbcError::bad_index("column", col.into()));
    }
    let version = h.stmt.lock().odbc_version;
    Ok((cols[col as usize - 1].clone(), version))
}

pub fn describe_col(h: &StmtHandle, col: u16) -> OdbcResult<Described> {
    let (m, version) = column(h, col)?;
    Ok(Described {
        name: m.name.clone(),
        sql_type: m.sql_type_for(version),
        size: m.column_size,
        digits: m.decimal_digits,
        nullable: if m.nullable { 1 } else { 0 },
    })
}

/// A column attribute (`SQLColAttribute`) or IRD record field.
pub fn column_attribute(m: &ColumnMeta, id: i16, version: i32) -> OdbcResult<FieldValue> {
    use FieldValue::{Int, Text};
    let numeric =
        matches!(m.kind, ValueKind::SmallInt | ValueKind::Integer | ValueKind::BigInt | ValueKind::Real | ValueKind::Double | ValueKind::Decimal { .. });
    Ok(match id {
        field::NAME | field::COLUMN_NAME | field::LABEL | field::BASE_COLUMN_NAME => Text(m.name.clone()),
        field::CONCISE_TYPE => Int(m.sql_type_for(version).into()),
        field::TYPE => Int(if version == 2 { m.sql_type_for(2).into() } else { m.verbose_type().0.into() }),
        field::DATETIME_INTERVAL_CODE => Int(m.verbose_type().1.into()),
        field::COLUMN_LENGTH => Int(m.octet_length.min(i32::MAX as usize) as i64),
        field::LENGTH => Int(m.column_size as i64),
        field::OCTET_LENGTH => Int(m.octet_length as i64),
        field::PRECISION | field::COLUMN_PRECISION => Int(match m.kind {
            ValueKind::Text | ValueKind::Binary => m.column_size.min(i32::MAX as usize) as i64,
            ValueKind::Timestamp => 3,
            ValueKind::Date | ValueKind::Time | ValueKind::Bit => 0,
            _ => m.column_size as i64,
        }),
        field::SCALE | field::COLUMN_SCALE => Int(m.decimal_digits.into()),
        field::DISPLAY_SIZE => Int(m.display_size as i64),
        field::NULLABLE | field::COLUMN_NULLABLE => Int(if m.nullable { 1 } else { 0 }),
        field::UNNAMED => Int(if m.name.is_empty() { 1 } else { 0 }),
        field::UNSIGNED => Int(i64::from(m.is_unsigned())),
        field::FIXED_PREC_SCALE => Int(0),
        field::UPDATABLE => Int(0), // SQL_ATTR_READONLY
        field::AUTO_UNIQUE_VALUE => Int(0),
        field::CASE_SENSITIVE => Int(i64::from(m.is_text())),
        // SQL_PRED_SEARCHABLE (3) for text, SQL_PRED_BASIC (2) otherwise.
        field::SEARCHABLE => Int(if m.is_text() { 3 } else { 2 }),
        field::TYPE_NAME | field::LOCAL_TYPE_NAME => Text(m.type_name.to_string()),
        field::TABLE_NAME | field::BASE_TABLE_NAME => Text(m.base_table.clone()),
        field::SCHEMA_NAME => Text(m.schema.clone()),
        field::CATALOG_NAME => Text(String::new()),
        field::LITERAL_PREFIX => Text(match m.kind {
            ValueKind::Text => "'".into(),
            ValueKind::Date => "DATE '".into(),
            ValueKind::Time => "TIME '".into(),
            ValueKind::Timestamp => "TIMESTAMP '".into(),
            ValueKind::Binary => "X'".into(),
            _ => String::new(),
        }),
        field::LITERAL_SUFFIX => Text(if matches!(m.kind, ValueKind::Text | ValueKind::Date | ValueKind::Time | ValueKind::Timestamp | ValueKind::Binary) {
            "'".into()
        } else {
            String::new()
        }),
        field::NUM_PREC_RADIX => Int(if numeric { 10 } else { 0 }),
        field::COUNT | field::COLUMN_COUNT => return Err(OdbcError::new(SqlState::GENERAL, "SQL_DESC_COUNT is answered by the caller")),
        other => return Err(OdbcError::new(SqlState::INVALID_DESCRIPTOR_FIELD, format!("Invalid descriptor field identifier {other}"))),
    })
}

pub fn col_attribute(h: &StmtHandle, col: u16, id: i16) -> OdbcResult<FieldValue> {
    if id == field::COUNT || id == field::COLUMN_COUNT {
        return Ok(FieldValue::Int(columns_of(h, Call::ColumnCount)?.len() as i64));
    }
    let (m, version) = column(h, col)?;
    column_attribute(&m, id, version)
}

pub fn bind_col(h: &StmtHandle, col: u16, c_type: i16, ptr: AppPtr, buffer_len: isize, ind: AppPtr) -> OdbcResult<Ret> {
    if col == 0 {
        return Err(OdbcError::bad_index("column (bookmarks are not supported)", 0));
    }
    let mut s = h.stmt.lock();
    s.admit(Call::Bind)?;
    if ptr.is_null() && ind.is_null() {
        if let Some(r) = s.ard.records.get_mut(col as usize - 1) {
            *r = descriptor::AppRecord::default();
        }
        return Ok(Ret::Success);
    }
    if !c::is_known(c_type) {
        return Err(OdbcError::new(SqlState::INVALID_APP_BUFFER_TYPE, format!("Invalid application buffer type {c_type}")));
    }
    if buffer_len < 0 {
        return Err(OdbcError::bad_length("BufferLength", buffer_len as i64));
    }
    let r = s.ard.record_mut(col as usize);
    *r = descriptor::AppRecord {
        c_type,
        data_ptr: ptr,
        octet_length: buffer_len,
        octet_length_ptr: ind,
        indicator_ptr: ind,
        precision: if c_type == c::NUMERIC { 38 } else { 0 },
        scale: 0,
    };
    Ok(Ret::Success)
}

#[allow(clippy::too_many_arguments)]
pub fn bind_parameter(
    h: &StmtHandle,
    n: u16,
    io_type: i16,
    c_type: i16,
    sql_type: i16,
    column_size: usize,
    digits: i16,
    ptr: AppPtr,
    buffer_len: isize,
    ind: AppPtr,
) -> OdbcResult<Ret> {
    if n == 0 {
        return Err(OdbcError::bad_index("parameter", 0));
    }
    match io_type {
        1 => {}
        2 | 4 => return Err(OdbcError::not_implemented("output parameters")),
        other => return Err(OdbcError::new(SqlState::INVALID_PARAMETER_TYPE, format!("Invalid parameter type {other}"))),
    }
    if !c::is_known(c_type) {
        return Err(OdbcError::new(SqlState::INVALID_APP_BUFFER_TYPE, format!("Invalid application buffer type {c_type}")));
    }
    if !params::is_known_sql_type(sql_type) {
        return Err(OdbcError::new(SqlState::INVALID_SQL_TYPE, format!("Invalid SQL data type {sql_type}")));
    }
    if buffer_len < 0 {
        return Err(OdbcError::bad_length("BufferLength", buffer_len as i64));
    }
    let mut s = h.stmt.lock();
    s.admit(Call::Bind)?;
    *s.apd.record_mut(n as usize) = descriptor::AppRecord {
        c_type,
        data_ptr: ptr,
        octet_length: buffer_len,
        octet_length_ptr: ind,
        indicator_ptr: ind,
        precision: column_size.min(i16::MAX as usize) as i16,
        scale: digits,
    };
    *s.ipd.record_mut(n as usize) = descriptor::ParamRecord { sql_type, column_size, decimal_digits: digits, io_type };
    Ok(Ret::Success)
}

pub fn num_params(h: &StmtHandle) -> OdbcResult<i16> {
    Ok(h.stmt.lock().num_params()? as i16)
}

/// `SQLDescribeParam`: the type the prepared plan gives the parameter (from the column it is
/// compared with or written to); text, which every filter accepts and converts, where the plan
/// gives none.
pub fn describe_param(h: &StmtHandle, n: u16) -> OdbcResult<Described> {
    let s = h.stmt.lock();
    let Some(t) = s.parameter_type(n as usize)? else {
        return Ok(Described { name: String::new(), sql_type: sql::WVARCHAR, size: crate::types::COMPUTED_TEXT_SIZE, digits: 0, nullable: 1 });
    };
    let m = ColumnMeta::from_field(&datafusion::arrow::datatypes::Field::new("", t, true));
    Ok(Described { name: String::new(), sql_type: m.sql_type_for(s.odbc_version), size: m.column_size, digits: m.decimal_digits, nullable: 1 })
}

pub fn fetch(h: &StmtHandle, w: &mut Warnings) -> OdbcResult<Ret> {
    fetch_scroll(h, crate::statement::orientation::NEXT, 0, w)
}

pub fn fetch_scroll(h: &StmtHandle, orientation: i16, offset: isize, w: &mut Warnings) -> OdbcResult<Ret> {
    scroll(h, orientation, offset, None, w)
}

/// `SQLFetchScroll`, or with `extended` (its rows-fetched and row-status arguments)
/// `SQLExtendedFetch`, which reports there rather than in `SQL_ATTR_ROWS_FETCHED_PTR` and
/// `SQL_ATTR_ROW_STATUS_PTR`: those are swapped in for the one call, under one lock.
fn scroll(h: &StmtHandle, orientation: i16, offset: isize, extended: Option<(AppPtr, AppPtr)>, w: &mut Warnings) -> OdbcResult<Ret> {
    cancellable(h, |s, cancel| {
        let saved = (s.ird.rows_processed_ptr, s.ird.array_status_ptr);
        if let Some((rows_fetched, statuses)) = extended {
            (s.ird.rows_processed_ptr, s.ird.array_status_ptr) = (rows_fetched, statuses);
        }
        let mut diags = Vec::new();
        let r = s.fetch_scroll(orientation, offset, extended.is_some(), cancel, &mut diags);
        (s.ird.rows_processed_ptr, s.ird.array_status_ptr) = saved;
        w.extend(diags);
        Ok(match r? {
            Fetched::Rows => Ret::Success,
            Fetched::NoData => Ret::NoData,
        })
    })
}

/// `SQLExtendedFetch` (ODBC 2).
pub fn extended_fetch(h: &StmtHandle, orientation: i16, offset: isize, rows_fetched: AppPtr, statuses: AppPtr, w: &mut Warnings) -> OdbcResult<Ret> {
    scroll(h, orientation, offset, Some((rows_fetched, statuses)), w)
}

/// `SQLSetPos`: positioning within the rowset (`SQL_POSITION`, and `SQL_REFRESH` of a row that
/// cannot change); the cursor is read-only.
pub fn set_pos(h: &StmtHandle, row: u64, operation: u16, lock: u16) -> OdbcResult<Ret> {
    const SQL_POSITION: u16 = 0;
    const SQL_REFRESH: u16 = 1;
    const SQL_LOCK_NO_CHANGE: u16 = 0;
    if lock != SQL_LOCK_NO_CHANGE {
        return Err(OdbcError::not_implemented("row locks: the cursor is read-only (SQL_LOCK_NO_CHANGE)"));
    }
    match operation {
        SQL_POSITION | SQL_REFRESH => {
            h.stmt.lock().set_position(row as usize)?;
            Ok(Ret::Success)
        }
        2..=4 => Err(OdbcError::not_implemented(
            "SQLSetPos updates, deletes and inserts: the cursor is read-only; change rows with UPDATE, DELETE and INSERT statements",
        )),
        other => Err(OdbcError::new(SqlState::INVALID_ATTRIBUTE, format!("Invalid attribute/option identifier: SQLSetPos operation {other}"))),
    }
}

pub fn get_data(h: &StmtHandle, col: u16, target: Target, dest: &Dest, w: &mut Warnings) -> OdbcResult<Ret> {
    if dest.buffer_len < 0 {
        return Err(OdbcError::bad_length("BufferLength", dest.buffer_len as i64));
    }
    match cancellable(h, |s, _| s.get_data(col as usize, target, dest))? {
        None => Ok(Ret::NoData),
        Some(d) => {
            if d.truncated {
                w.push(DiagRecord::warning(SqlState::STRING_TRUNCATED, format!("String data, right truncated: column {col}")));
            }
            if d.fractional {
                w.push(DiagRecord::warning(SqlState::FRACTIONAL_TRUNCATION, format!("Fractional truncation: column {col}")));
            }
            Ok(Ret::Success)
        }
    }
}

pub fn cursor_name(h: &StmtHandle) -> String {
    h.stmt.lock().cursor_name.clone()
}

pub fn set_cursor_name(h: &StmtHandle, name: &str) -> OdbcResult<Ret> {
    h.stmt.lock().admit(Call::SetCursorName)?;
    if name.is_empty() || name.len() > 128 || name.to_ascii_uppercase().starts_with("SQL_CUR") || name.to_ascii_uppercase().starts_with("SQLCUR") {
        return Err(OdbcError::new(SqlState::INVALID_CURSOR_NAME, format!("Invalid cursor name '{name}'")));
    }
    h.stmt.lock().cursor_name = name.to_string();
    Ok(Ret::Success)
}

// ---------------------------------------------------------------- catalog functions

pub enum CatalogCall {
    Tables { catalog: Option<String>, schema: Option<String>, table: Option<String>, types: Option<String> },
    Columns { catalog: Option<String>, schema: Option<String>, table: Option<String>, column: Option<String> },
    PrimaryKeys { catalog: Option<String>, schema: Option<String>, table: Option<String> },
    ForeignKeys { pk: (Option<String>, Option<String>, Option<String>), fk: (Option<String>, Option<String>, Option<String>) },
    Statistics { catalog: Option<String>, schema: Option<String>, table: Option<String> },
    SpecialColumns { id_type: u16, catalog: Option<String>, schema: Option<String>, table: Option<String> },
    Procedures { procedure: Option<String> },
    ProcedureColumns { procedure: Option<String>, column: Option<String> },
    TypeInfo { data_type: i16 },
}

pub fn catalog(h: &StmtHandle, call: CatalogCall) -> OdbcResult<Ret> {
    let (metadata_id, version) = {
        let s = h.stmt.lock();
        s.admit(Call::Catalog)?;
        (s.attrs.metadata_id || h.dbc.conn.lock().metadata_id, s.odbc_version)
    };
    let result = catalog_result(h, call, metadata_id, version);
    h.stmt.lock().open_result(result)?;
    Ok(Ret::Success)
}

fn catalog_result(h: &StmtHandle, call: CatalogCall, metadata_id: bool, version: i32) -> OdbcResult<crate::statement::ResultSet> {
    let pat = |p: Option<String>| Pattern::new(p, metadata_id);
    if let CatalogCall::TypeInfo { data_type } = call {
        return catalog_results::type_info(data_type, version);
    }
    let session = session_of(h)?;
    let cat = session.browsable_catalog();
    match call {
        CatalogCall::Tables { catalog, schema, table, types } => catalog_results::tables(cat, catalog, pat(schema), pat(table), types),
        CatalogCall::Columns { catalog, schema, table, column } => catalog_results::columns(cat, catalog, pat(schema), pat(table), pat(column), version),
        CatalogCall::PrimaryKeys { catalog, schema, table } => catalog_results::primary_keys(cat, catalog, schema, table),
        CatalogCall::ForeignKeys { pk, fk } => catalog_results::foreign_keys(cat, pk, fk),
        CatalogCall::Statistics { catalog, schema, table } => catalog_results::statistics(cat, catalog, schema, table),
        CatalogCall::SpecialColumns { id_type, catalog, schema, table } => catalog_results::special_columns(cat, id_type, catalog, schema, table),
        CatalogCall::Procedures { procedure } => catalog_results::procedures(session.procedures(), pat(procedure)),
        CatalogCall::ProcedureColumns { procedure, column } => catalog_results::procedure_columns(session.procedures(), pat(procedure), pat(column)),
        CatalogCall::TypeInfo { .. } => unreachable!("answered above"),
    }
}

// ---------------------------------------------------------------- descriptors

pub fn desc_get_field(d: &DescHandle, rec: i16, id: i16) -> OdbcResult<FieldValue> {
    let Some(Object::Stmt(h)) = handles::get(d.owner, Some(Kind::Stmt)) else {
        return Err(OdbcError::new(SqlState::GENERAL, "The descriptor's statement was freed"));
    };
    if d.kind != DescKind::Ird {
        h.stmt.lock().admit(Call::Bind)?;
    }
    match d.kind {
        DescKind::Ard => descriptor::get_app_field(&h.stmt.lock().ard, rec, id),
        DescKind::Apd => descriptor::get_app_field(&h.stmt.lock().apd, rec, id),
        DescKind::Ird => {
            let s = h.stmt.lock();
            match id {
                field::ARRAY_STATUS_PTR => return Ok(FieldValue::Ptr(s.ird.array_status_ptr.addr())),
                field::ROWS_PROCESSED_PTR => return Ok(FieldValue::Ptr(s.ird.rows_processed_ptr.addr())),
                field::ALLOC_TYPE => return Ok(FieldValue::Int(1)),
                _ => {}
            }
            drop(s);
            let cols = columns_of(&h, Call::ReadIrd)?;
            if id == field::COUNT {
                return Ok(FieldValue::Int(cols.len() as i64));
            }
            if rec < 1 || rec as usize > cols.len() {
                return Err(OdbcError::new(SqlState::GENERAL, format!("No IRD record {rec}")));
            }
            let version = h.stmt.lock().odbc_version;
            column_attribute(&cols[rec as usize - 1], id, version)
        }
        DescKind::Ipd => {
            let s = h.stmt.lock();
            match id {
                field::ARRAY_STATUS_PTR => return Ok(FieldValue::Ptr(s.ipd.array_status_ptr.addr())),
                field::ROWS_PROCESSED_PTR => return Ok(FieldValue::Ptr(s.ipd.rows_processed_ptr.addr())),
                field::ALLOC_TYPE => return Ok(FieldValue::Int(1)),
                field::COUNT => return Ok(FieldValue::Int(s.ipd.records.len() as i64)),
                _ => {}
            }
            let r = s.ipd.records.get((rec as usize).wrapping_sub(1)).copied().ok_or_else(|| OdbcError::bad_index("record", rec.into()))?;
            Ok(match id {
                field::TYPE | field::CONCISE_TYPE => FieldValue::Int(r.sql_type.into()),
                field::LENGTH | field::PRECISION => FieldValue::Int(r.column_size as i64),
                field::SCALE => FieldValue::Int(r.decimal_digits.into()),
                field::PARAMETER_TYPE => FieldValue::Int(r.io_type.into()),
                field::NULLABLE => FieldValue::Int(1),
                other => return Err(OdbcError::new(SqlState::INVALID_DESCRIPTOR_FIELD, format!("Invalid descriptor field identifier {other} for the IPD"))),
            })
        }
    }
}

/// `ptr`: the value as an application pointer, for the pointer fields ([`field::is_pointer`]).
pub fn desc_set_field(d: &DescHandle, rec: i16, id: i16, value: usize, ptr: AppPtr) -> OdbcResult<Ret> {
    let Some(Object::Stmt(h)) = handles::get(d.owner, Some(Kind::Stmt)) else {
        return Err(OdbcError::new(SqlState::GENERAL, "The descriptor's statement was freed"));
    };
    let mut s = h.stmt.lock();
    s.admit(Call::Bind)?;
    match d.kind {
        DescKind::Ard => descriptor::set_app_field(&mut s.ard, rec, id, value, ptr)?,
        DescKind::Apd => descriptor::set_app_field(&mut s.apd, rec, id, value, ptr)?,
        DescKind::Ird => match id {
            field::ARRAY_STATUS_PTR => s.ird.array_status_ptr = ptr,
            field::ROWS_PROCESSED_PTR => s.ird.rows_processed_ptr = ptr,
            _ => return Err(OdbcError::new(SqlState::CANNOT_MODIFY_IRD, "Cannot modify an implementation row descriptor")),
        },
        DescKind::Ipd => match id {
            field::ARRAY_STATUS_PTR => s.ipd.array_status_ptr = ptr,
            field::ROWS_PROCESSED_PTR => s.ipd.rows_processed_ptr = ptr,
            _ if rec < 1 => return Err(OdbcError::bad_index("record", rec.into())),
            field::TYPE | field::CONCISE_TYPE => s.ipd.record_mut(rec as usize).sql_type = value as i16,
            field::LENGTH | field::PRECISION => s.ipd.record_mut(rec as usize).column_size = value,
            field::SCALE => s.ipd.record_mut(rec as usize).decimal_digits = value as i16,
            field::PARAMETER_TYPE => s.ipd.record_mut(rec as usize).io_type = value as i16,
            other => return Err(OdbcError::new(SqlState::INVALID_DESCRIPTOR_FIELD, format!("Invalid descriptor field identifier {other} for the IPD"))),
        },
    }
    Ok(Ret::Success)
}

/// How a descriptor field's value is laid out in the caller's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldWidth {
    Small,
    Integer,
    Len,
    Ptr,
    Text,
}

pub fn field_width(id: i16) -> FieldWidth {
    match id {
        field::ALLOC_TYPE
        | field::COUNT
        | field::CONCISE_TYPE
        | field::TYPE
        | field::DATETIME_INTERVAL_CODE
        | field::FIXED_PREC_SCALE
        | field::NULLABLE
        | field::PARAMETER_TYPE
        | field::PRECISION
        | field::SCALE
        | field::SEARCHABLE
        | field::UNNAMED
        | field::UNSIGNED
        | field::UPDATABLE => FieldWidth::Small,
        field::BIND_TYPE | field::AUTO_UNIQUE_VALUE | field::CASE_SENSITIVE | field::NUM_PREC_RADIX => FieldWidth::Integer,
        field::DISPLAY_SIZE | field::OCTET_LENGTH | field::ARRAY_SIZE | field::LENGTH => FieldWidth::Len,
        field::ARRAY_STATUS_PTR | field::BIND_OFFSET_PTR | field::ROWS_PROCESSED_PTR | field::DATA_PTR | field::INDICATOR_PTR | field::OCTET_LENGTH_PTR => {
            FieldWidth::Ptr
        }
        _ => FieldWidth::Text,
    }
}

// ---------------------------------------------------------------- info

pub fn get_info(dbc: &DbcHandle, token: Token, info: u16) -> OdbcResult<crate::info::InfoValue> {
    let c = dbc.conn.lock();
    crate::info::get_info(info, &c.site, (token.0, 0)).ok_or_else(|| OdbcError::new(SqlState::INVALID_INFO_TYPE, format!("Invalid information type {info}")))
}
