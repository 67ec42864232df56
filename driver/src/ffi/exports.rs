//! The exported ODBC functions. Each is a few lines: decode arguments, call `crate::api`,
//! write outputs. The ANSI and the W variant of a function share one body (`wide` flag).
//!
//! Every `unsafe { buffers::write_value(p, ..) }` writes an output argument of the entry point
//! it is in, through the pointer the application passed for that value (null is skipped), and
//! every `AppPtr::from_app` takes a pointer the application passed as one that ODBC defines as
//! a deferred buffer (bound data, lengths, indicators, status arrays, offsets).

#![allow(non_snake_case, clippy::too_many_arguments)]

use std::ffi::c_void;

use odbc_sys::SqlReturn;

use super::buffers::{self, AppPtr, Encoding};
use super::{guard, in_str, kind_of, read_dsn, shield, str_out, write_out, SQL_HANDLE_DBC, SQL_HANDLE_DESC, SQL_HANDLE_ENV, SQL_HANDLE_STMT};
use crate::api::{self, AttrOut, CatalogCall, FieldWidth, Ret};
use crate::descriptor::FieldValue;
use crate::error::OdbcError;
use crate::error::SqlState;
use crate::functions;
use crate::handles::{Kind, Object, Token};
use crate::info::InfoValue;
use crate::statement::Dest;

type H = *mut c_void;

macro_rules! env {
    ($o:expr) => {
        match $o {
            Object::Env(h) => h,
            _ => unreachable!("guard checked the kind"),
        }
    };
}
macro_rules! dbc {
    ($o:expr) => {
        match $o {
            Object::Dbc(h) => h,
            _ => unreachable!("guard checked the kind"),
        }
    };
}
macro_rules! stmt {
    ($o:expr) => {
        match $o {
            Object::Stmt(h) => h,
            _ => unreachable!("guard checked the kind"),
        }
    };
}
macro_rules! desc {
    ($o:expr) => {
        match $o {
            Object::Desc(h) => h,
            _ => unreachable!("guard checked the kind"),
        }
    };
}

fn enc_chars(wide: bool) -> Encoding {
    if wide {
        Encoding::WideChars
    } else {
        Encoding::Narrow
    }
}

fn enc_bytes(wide: bool) -> Encoding {
    if wide {
        Encoding::WideBytes
    } else {
        Encoding::Narrow
    }
}

// ------------------------------------------------------------------ handles

#[no_mangle]
pub extern "C" fn SQLAllocHandle(handle_type: i16, input: H, output: *mut H) -> SqlReturn {
    super::pin_library();
    match handle_type {
        SQL_HANDLE_ENV => shield(|| {
            if output.is_null() {
                return SqlReturn::ERROR;
            }
            let t = api::alloc_env();
            unsafe { buffers::write_value(output, t.0 as H) };
            SqlReturn::SUCCESS
        }),
        SQL_HANDLE_DBC => guard(Kind::Env, input, "SQLAllocHandle(DBC)", |o, _| {
            if output.is_null() {
                return Err(OdbcError::null_pointer("OutputHandlePtr"));
            }
            unsafe { buffers::write_value(output, std::ptr::null_mut()) };
            let t = api::alloc_dbc(env!(o))?;
            unsafe { buffers::write_value(output, t.0 as H) };
            Ok(Ret::Success)
        }),
        SQL_HANDLE_STMT => guard(Kind::Dbc, input, "SQLAllocHandle(STMT)", |o, _| {
            if output.is_null() {
                return Err(OdbcError::null_pointer("OutputHandlePtr"));
            }
            unsafe { buffers::write_value(output, std::ptr::null_mut()) };
            let t = api::alloc_stmt(dbc!(o))?;
            unsafe { buffers::write_value(output, t.0 as H) };
            Ok(Ret::Success)
        }),
        SQL_HANDLE_DESC => guard(Kind::Dbc, input, "SQLAllocHandle(DESC)", |_, _| {
            unsafe { buffers::write_value(output, std::ptr::null_mut()) };
            Err(OdbcError::not_implemented("explicitly allocated descriptors"))
        }),
        // No handle to hang a diagnostic on when the type is unknown and the input invalid.
        _ => {
            let k = if input.is_null() { None } else { [Kind::Env, Kind::Dbc].into_iter().find(|k| super::lookup(*k, input).is_some()) };
            match k {
                Some(k) => guard(k, input, "SQLAllocHandle", |_, _| {
                    Err(OdbcError::new(SqlState::INVALID_ATTRIBUTE, format!("Invalid attribute/option identifier: handle type {handle_type}")))
                }),
                None => SqlReturn::INVALID_HANDLE,
            }
        }
    }
}

#[no_mangle]
pub extern "C" fn SQLFreeHandle(handle_type: i16, handle: H) -> SqlReturn {
    let Some(kind) = kind_of(handle_type) else { return SqlReturn::INVALID_HANDLE };
    guard(kind, handle, "SQLFreeHandle", |o, _| api::free_handle(kind, Token(handle as u64), o))
}

#[no_mangle]
pub extern "C" fn SQLFreeStmt(stmt: H, option: u16) -> SqlReturn {
    if option == api::free_option::DROP {
        // ODBC 2's way to free the handle.
        return SQLFreeHandle(SQL_HANDLE_STMT, stmt);
    }
    guard(Kind::Stmt, stmt, "SQLFreeStmt", |o, _| api::free_stmt(stmt!(o), option))
}

// ------------------------------------------------------------------ environment

#[no_mangle]
pub extern "C" fn SQLSetEnvAttr(env: H, attr: i32, value: H, _len: i32) -> SqlReturn {
    guard(Kind::Env, env, "SQLSetEnvAttr", |o, _| api::set_env_attr(env!(o), attr, value as usize))
}

#[no_mangle]
pub extern "C" fn SQLGetEnvAttr(env: H, attr: i32, value: H, _cap: i32, len: *mut i32) -> SqlReturn {
    guard(Kind::Env, env, "SQLGetEnvAttr", |o, _| {
        let v = api::get_env_attr(env!(o), attr)?;
        unsafe { buffers::write_value(value.cast::<u32>(), v) };
        unsafe { buffers::write_value(len, 4) };
        Ok(Ret::Success)
    })
}

// ------------------------------------------------------------------ connections

fn driver_connect(wide: bool, dbc: H, in_ptr: *const c_void, in_len: i16, out_ptr: H, out_cap: i16, out_len: *mut i16, completion: u16) -> SqlReturn {
    guard(Kind::Dbc, dbc, "SQLDriverConnect", |o, w| {
        if completion > 3 {
            return Err(OdbcError::new(SqlState::INVALID_DRIVER_COMPLETION, format!("Invalid driver completion {completion}")));
        }
        let text = in_str(wide, in_ptr, in_len.into())?.ok_or_else(|| OdbcError::null_pointer("InConnectionString"))?;
        // No dialog exists to prompt with: every completion mode connects with what it was given
        // and says exactly what is missing.
        let out = api::driver_connect(dbc!(o), &text, read_dsn, w)?;
        write_out(&str_out(enc_chars(wide), out_ptr, out_cap.into(), out_len.cast(), 2), &out, w)?;
        Ok(Ret::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLDriverConnect(
    dbc: H,
    _hwnd: H,
    in_str: *const u8,
    in_len: i16,
    out: *mut u8,
    out_cap: i16,
    out_len: *mut i16,
    completion: u16,
) -> SqlReturn {
    driver_connect(false, dbc, in_str.cast(), in_len, out.cast(), out_cap, out_len, completion)
}

#[no_mangle]
pub extern "C" fn SQLDriverConnectW(
    dbc: H,
    _hwnd: H,
    in_str: *const u16,
    in_len: i16,
    out: *mut u16,
    out_cap: i16,
    out_len: *mut i16,
    completion: u16,
) -> SqlReturn {
    super::driver_manager::sniff_wide(in_str.cast(), in_len.into());
    driver_connect(true, dbc, in_str.cast(), in_len, out.cast(), out_cap, out_len, completion)
}

fn connect(wide: bool, dbc: H, dsn: *const c_void, dsn_len: i16, uid: *const c_void, uid_len: i16, pwd: *const c_void, pwd_len: i16) -> SqlReturn {
    guard(Kind::Dbc, dbc, "SQLConnect", |o, w| {
        let dsn = in_str(wide, dsn, dsn_len.into())?.unwrap_or_default();
        let uid = in_str(wide, uid, uid_len.into())?;
        let pwd = in_str(wide, pwd, pwd_len.into())?;
        api::connect(dbc!(o), &dsn, uid, pwd, read_dsn, w)
    })
}

#[no_mangle]
pub extern "C" fn SQLConnect(dbc: H, dsn: *const u8, dsn_len: i16, uid: *const u8, uid_len: i16, pwd: *const u8, pwd_len: i16) -> SqlReturn {
    connect(false, dbc, dsn.cast(), dsn_len, uid.cast(), uid_len, pwd.cast(), pwd_len)
}

#[no_mangle]
pub extern "C" fn SQLConnectW(dbc: H, dsn: *const u16, dsn_len: i16, uid: *const u16, uid_len: i16, pwd: *const u16, pwd_len: i16) -> SqlReturn {
    super::driver_manager::sniff_wide(dsn.cast(), dsn_len.into());
    connect(true, dbc, dsn.cast(), dsn_len, uid.cast(), uid_len, pwd.cast(), pwd_len)
}

#[no_mangle]
pub extern "C" fn SQLDisconnect(dbc: H) -> SqlReturn {
    guard(Kind::Dbc, dbc, "SQLDisconnect", |o, _| api::disconnect(dbc!(o)))
}

fn set_connect_attr(wide: bool, dbc: H, attr: i32, value: H, len: i32) -> SqlReturn {
    guard(Kind::Dbc, dbc, "SQLSetConnectAttr", |o, _| {
        let text = match attr {
            crate::connection::attr::CURRENT_CATALOG | crate::connection::attr::TRACEFILE => {
                let chars = if wide && len >= 0 { (len as usize / crate::wide::width().unit()) as isize } else { len as isize };
                in_str(wide, value, chars)?
            }
            _ => None,
        };
        api::set_connect_attr(dbc!(o), attr, value as usize, text)
    })
}

#[no_mangle]
pub extern "C" fn SQLSetConnectAttr(dbc: H, attr: i32, value: H, len: i32) -> SqlReturn {
    set_connect_attr(false, dbc, attr, value, len)
}

#[no_mangle]
pub extern "C" fn SQLSetConnectAttrW(dbc: H, attr: i32, value: H, len: i32) -> SqlReturn {
    set_connect_attr(true, dbc, attr, value, len)
}

fn get_connect_attr(wide: bool, dbc: H, attr: i32, value: H, cap: i32, len: *mut i32) -> SqlReturn {
    guard(Kind::Dbc, dbc, "SQLGetConnectAttr", |o, w| {
        match api::get_connect_attr(dbc!(o), attr)? {
            AttrOut::U32(v) => {
                unsafe { buffers::write_value(value.cast::<u32>(), v) };
                unsafe { buffers::write_value(len, 4) };
            }
            AttrOut::ULen(v) => {
                unsafe { buffers::write_value(value.cast::<usize>(), v) };
                unsafe { buffers::write_value(len, 8) };
            }
            AttrOut::Str(s) => write_out(&str_out(enc_bytes(wide), value, cap as isize, len.cast(), 4), &s, w)?,
        }
        Ok(Ret::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLGetConnectAttr(dbc: H, attr: i32, value: H, cap: i32, len: *mut i32) -> SqlReturn {
    get_connect_attr(false, dbc, attr, value, cap, len)
}

#[no_mangle]
pub extern "C" fn SQLGetConnectAttrW(dbc: H, attr: i32, value: H, cap: i32, len: *mut i32) -> SqlReturn {
    get_connect_attr(true, dbc, attr, value, cap, len)
}

fn get_info(wide: bool, dbc: H, info: u16, value: H, cap: i16, len: *mut i16) -> SqlReturn {
    guard(Kind::Dbc, dbc, "SQLGetInfo", |o, w| {
        match api::get_info(dbc!(o), Token(dbc as u64), info)? {
            InfoValue::Str(s) => write_out(&str_out(enc_bytes(wide), value, cap.into(), len.cast(), 2), &s, w)?,
            InfoValue::U16(v) => {
                unsafe { buffers::write_value(value.cast::<u16>(), v) };
                unsafe { buffers::write_value(len, 2) };
            }
            InfoValue::U32(v) => {
                unsafe { buffers::write_value(value.cast::<u32>(), v) };
                unsafe { buffers::write_value(len, 4) };
            }
            InfoValue::ULen(v) => {
                unsafe { buffers::write_value(value.cast::<u64>(), v) };
                unsafe { buffers::write_value(len, 8) };
            }
        }
        Ok(Ret::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLGetInfo(dbc: H, info: u16, value: H, cap: i16, len: *mut i16) -> SqlReturn {
    get_info(false, dbc, info, value, cap, len)
}

#[no_mangle]
pub extern "C" fn SQLGetInfoW(dbc: H, info: u16, value: H, cap: i16, len: *mut i16) -> SqlReturn {
    get_info(true, dbc, info, value, cap, len)
}

#[no_mangle]
pub extern "C" fn SQLGetFunctions(dbc: H, id: u16, supported: *mut u16) -> SqlReturn {
    guard(Kind::Dbc, dbc, "SQLGetFunctions", |_, _| {
        if supported.is_null() {
            return Err(OdbcError::null_pointer("SupportedPtr"));
        }
        let bytes: Vec<u8> = match id {
            functions::SQL_API_ODBC3_ALL_FUNCTIONS => functions::odbc3_bitmap().iter().flat_map(|v| v.to_ne_bytes()).collect(),
            functions::SQL_API_ALL_FUNCTIONS => functions::odbc2_array().iter().flat_map(|v| v.to_ne_bytes()).collect(),
            id => u16::from(functions::supports(id)).to_ne_bytes().to_vec(),
        };
        buffers::write_bytes(supported as usize, &bytes);
        Ok(Ret::Success)
    })
}

fn native_sql(wide: bool, dbc: H, in_ptr: *const c_void, in_len: i32, out: H, cap: i32, out_len: *mut i32) -> SqlReturn {
    guard(Kind::Dbc, dbc, "SQLNativeSql", |_, w| {
        let sql = in_str(wide, in_ptr, in_len as isize)?.ok_or_else(|| OdbcError::null_pointer("InStatementText"))?;
        let native = api::native_sql(&sql)?;
        write_out(&str_out(enc_chars(wide), out, cap as isize, out_len.cast(), 4), &native, w)?;
        Ok(Ret::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLNativeSql(dbc: H, in_sql: *const u8, in_len: i32, out: *mut u8, cap: i32, out_len: *mut i32) -> SqlReturn {
    native_sql(false, dbc, in_sql.cast(), in_len, out.cast(), cap, out_len)
}

#[no_mangle]
pub extern "C" fn SQLNativeSqlW(dbc: H, in_sql: *const u16, in_len: i32, out: *mut u16, cap: i32, out_len: *mut i32) -> SqlReturn {
    native_sql(true, dbc, in_sql.cast(), in_len, out.cast(), cap, out_len)
}

#[no_mangle]
pub extern "C" fn SQLEndTran(handle_type: i16, handle: H, completion: i16) -> SqlReturn {
    let Some(kind) = kind_of(handle_type).filter(|k| matches!(k, Kind::Env | Kind::Dbc)) else { return SqlReturn::INVALID_HANDLE };
    guard(kind, handle, "SQLEndTran", |_, _| api::end_tran(completion))
}

// ------------------------------------------------------------------ statements

fn set_stmt_attr(stmt: H, attr: i32, value: H) -> SqlReturn {
    // SAFETY: a pointer attribute's value is a deferred buffer the application keeps valid.
    let ptr = if crate::statement::attr::is_pointer(attr) { unsafe { AppPtr::from_app(value as usize) } } else { AppPtr::NULL };
    guard(Kind::Stmt, stmt, "SQLSetStmtAttr", |o, w| api::stmt_attr_set(stmt!(o), attr, value as usize, ptr, w))
}

#[no_mangle]
pub extern "C" fn SQLSetStmtAttr(stmt: H, attr: i32, value: H, _len: i32) -> SqlReturn {
    set_stmt_attr(stmt, attr, value)
}

#[no_mangle]
pub extern "C" fn SQLSetStmtAttrW(stmt: H, attr: i32, value: H, _len: i32) -> SqlReturn {
    set_stmt_attr(stmt, attr, value)
}

fn get_stmt_attr(stmt: H, attr: i32, value: H, len: *mut i32) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLGetStmtAttr", |o, _| {
        if value.is_null() {
            return Err(OdbcError::null_pointer("ValuePtr"));
        }
        let v = api::stmt_attr_get(stmt!(o), attr)?;
        unsafe { buffers::write_value(value.cast::<usize>(), v) };
        unsafe { buffers::write_value(len, 8) };
        Ok(Ret::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLGetStmtAttr(stmt: H, attr: i32, value: H, _cap: i32, len: *mut i32) -> SqlReturn {
    get_stmt_attr(stmt, attr, value, len)
}

#[no_mangle]
pub extern "C" fn SQLGetStmtAttrW(stmt: H, attr: i32, value: H, _cap: i32, len: *mut i32) -> SqlReturn {
    get_stmt_attr(stmt, attr, value, len)
}

fn sql_arg(wide: bool, text: *const c_void, len: i32) -> Result<String, OdbcError> {
    in_str(wide, text, len as isize)?.ok_or_else(|| OdbcError::null_pointer("StatementText"))
}

#[no_mangle]
pub extern "C" fn SQLPrepare(stmt: H, text: *const u8, len: i32) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLPrepare", |o, _| api::prepare(stmt!(o), &sql_arg(false, text.cast(), len)?))
}

#[no_mangle]
pub extern "C" fn SQLPrepareW(stmt: H, text: *const u16, len: i32) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLPrepareW", |o, _| api::prepare(stmt!(o), &sql_arg(true, text.cast(), len)?))
}

#[no_mangle]
pub extern "C" fn SQLExecDirect(stmt: H, text: *const u8, len: i32) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLExecDirect", |o, w| api::exec_direct(stmt!(o), &sql_arg(false, text.cast(), len)?, w))
}

#[no_mangle]
pub extern "C" fn SQLExecDirectW(stmt: H, text: *const u16, len: i32) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLExecDirectW", |o, w| api::exec_direct(stmt!(o), &sql_arg(true, text.cast(), len)?, w))
}

#[no_mangle]
pub extern "C" fn SQLExecute(stmt: H) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLExecute", |o, w| api::execute(stmt!(o), w))
}

#[no_mangle]
pub extern "C" fn SQLParamData(stmt: H, value: *mut H) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLParamData", |o, w| {
        let (ret, token) = api::param_data(stmt!(o), w)?;
        if ret == Ret::NeedData {
            unsafe { buffers::write_value(value, token as H) };
        }
        Ok(ret)
    })
}

#[no_mangle]
pub extern "C" fn SQLPutData(stmt: H, data: H, len: isize) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLPutData", |o, _| {
        let h = stmt!(o);
        let c_type = api::put_data_c_type(h);
        let piece = match len {
            crate::statement::SQL_NULL_DATA => None,
            crate::statement::SQL_NTS => {
                Some(buffers::read_until_nul(data as usize, if c_type == crate::convert::c::WCHAR { crate::wide::width().unit() } else { 1 }, usize::MAX))
            }
            l if l >= 0 => {
                let l = crate::convert::c::fixed_size(c_type).unwrap_or(l as usize);
                if data.is_null() && l > 0 {
                    return Err(OdbcError::null_pointer("DataPtr"));
                }
                Some(buffers::read_bytes(data as usize, l))
            }
            l => return Err(OdbcError::bad_length("StrLen_or_Ind", l as i64)),
        };
        api::put_data(h, piece)
    })
}

#[no_mangle]
pub extern "C" fn SQLNumParams(stmt: H, count: *mut i16) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLNumParams", |o, _| {
        let n = api::num_params(stmt!(o))?;
        unsafe { buffers::write_value(count, n) };
        Ok(Ret::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLDescribeParam(stmt: H, n: u16, data_type: *mut i16, size: *mut usize, digits: *mut i16, nullable: *mut i16) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLDescribeParam", |o, _| {
        let d = api::describe_param(stmt!(o), n)?;
        unsafe { buffers::write_value(data_type, d.sql_type) };
        unsafe { buffers::write_value(size, d.size) };
        unsafe { buffers::write_value(digits, d.digits) };
        unsafe { buffers::write_value(nullable, d.nullable) };
        Ok(Ret::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLBindParameter(
    stmt: H,
    n: u16,
    io_type: i16,
    c_type: i16,
    sql_type: i16,
    column_size: usize,
    digits: i16,
    value: H,
    buffer_len: isize,
    ind: *mut isize,
) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLBindParameter", |o, _| {
        // SAFETY: SQLBindParameter's value and length/indicator buffers are deferred buffers.
        let (value, ind) = unsafe { (AppPtr::from_app(value as usize), AppPtr::from_app(ind as usize)) };
        api::bind_parameter(stmt!(o), n, io_type, c_type, sql_type, column_size, digits, value, buffer_len, ind)
    })
}

#[no_mangle]
pub extern "C" fn SQLNumResultCols(stmt: H, count: *mut i16) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLNumResultCols", |o, _| {
        if count.is_null() {
            return Err(OdbcError::null_pointer("ColumnCountPtr"));
        }
        let n = api::num_result_cols(stmt!(o))?;
        unsafe { buffers::write_value(count, n) };
        Ok(Ret::Success)
    })
}

fn describe_col(
    wide: bool,
    stmt: H,
    col: u16,
    name: H,
    cap: i16,
    name_len: *mut i16,
    data_type: *mut i16,
    size: *mut usize,
    digits: *mut i16,
    nullable: *mut i16,
) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLDescribeCol", |o, w| {
        let d = api::describe_col(stmt!(o), col)?;
        write_out(&str_out(enc_chars(wide), name, cap.into(), name_len.cast(), 2), &d.name, w)?;
        unsafe { buffers::write_value(data_type, d.sql_type) };
        unsafe { buffers::write_value(size, d.size) };
        unsafe { buffers::write_value(digits, d.digits) };
        unsafe { buffers::write_value(nullable, d.nullable) };
        Ok(Ret::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLDescribeCol(
    stmt: H,
    col: u16,
    name: *mut u8,
    cap: i16,
    name_len: *mut i16,
    data_type: *mut i16,
    size: *mut usize,
    digits: *mut i16,
    nullable: *mut i16,
) -> SqlReturn {
    describe_col(false, stmt, col, name.cast(), cap, name_len, data_type, size, digits, nullable)
}

#[no_mangle]
pub extern "C" fn SQLDescribeColW(
    stmt: H,
    col: u16,
    name: *mut u16,
    cap: i16,
    name_len: *mut i16,
    data_type: *mut i16,
    size: *mut usize,
    digits: *mut i16,
    nullable: *mut i16,
) -> SqlReturn {
    describe_col(true, stmt, col, name.cast(), cap, name_len, data_type, size, digits, nullable)
}

fn col_attribute(wide: bool, stmt: H, col: u16, field: u16, text: H, cap: i16, text_len: *mut i16, numeric: *mut isize) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLColAttribute", |o, w| {
        match api::col_attribute(stmt!(o), col, field as i16)? {
            FieldValue::Int(v) => unsafe { buffers::write_value(numeric, v as isize) },
            FieldValue::Ptr(v) => unsafe { buffers::write_value(numeric, v as isize) },
            FieldValue::Text(s) => write_out(&str_out(enc_bytes(wide), text, cap.into(), text_len.cast(), 2), &s, w)?,
        }
        Ok(Ret::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLColAttribute(stmt: H, col: u16, field: u16, text: H, cap: i16, text_len: *mut i16, numeric: *mut isize) -> SqlReturn {
    col_attribute(false, stmt, col, field, text, cap, text_len, numeric)
}

#[no_mangle]
pub extern "C" fn SQLColAttributeW(stmt: H, col: u16, field: u16, text: H, cap: i16, text_len: *mut i16, numeric: *mut isize) -> SqlReturn {
    col_attribute(true, stmt, col, field, text, cap, text_len, numeric)
}

#[no_mangle]
pub extern "C" fn SQLBindCol(stmt: H, col: u16, c_type: i16, value: H, buffer_len: isize, ind: *mut isize) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLBindCol", |o, _| {
        // SAFETY: SQLBindCol's target and length/indicator buffers are deferred buffers.
        let (value, ind) = unsafe { (AppPtr::from_app(value as usize), AppPtr::from_app(ind as usize)) };
        api::bind_col(stmt!(o), col, c_type, value, buffer_len, ind)
    })
}

#[no_mangle]
pub extern "C" fn SQLFetch(stmt: H) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLFetch", |o, w| api::fetch(stmt!(o), w))
}

#[no_mangle]
pub extern "C" fn SQLFetchScroll(stmt: H, orientation: i16, offset: isize) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLFetchScroll", |o, w| api::fetch_scroll(stmt!(o), orientation, offset, w))
}

#[no_mangle]
pub extern "C" fn SQLExtendedFetch(stmt: H, orientation: u16, offset: isize, rows: *mut usize, statuses: *mut u16) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLExtendedFetch", |o, w| {
        // SAFETY: SQLExtendedFetch's row count and status array outputs, for this call.
        let (rows, statuses) = unsafe { (AppPtr::from_app(rows as usize), AppPtr::from_app(statuses as usize)) };
        api::extended_fetch(stmt!(o), orientation as i16, offset, rows, statuses, w)
    })
}

#[no_mangle]
pub extern "C" fn SQLSetPos(stmt: H, row: u64, operation: u16, lock: u16) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLSetPos", |o, _| api::set_pos(stmt!(o), row, operation, lock))
}

#[no_mangle]
pub extern "C" fn SQLGetData(stmt: H, col: u16, c_type: i16, value: H, buffer_len: isize, ind: *mut isize) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLGetData", |o, w| {
        // SAFETY: SQLGetData's target buffer (`buffer_len` bytes) and length/indicator output.
        let (data, ind) = unsafe { (AppPtr::from_app(value as usize), AppPtr::from_app(ind as usize)) };
        let dest = Dest { data, buffer_len, len_ptr: ind, ind_ptr: ind };
        api::get_data(stmt!(o), col, crate::convert::Target { c_type, precision: 0, scale: 0 }, &dest, w)
    })
}

#[no_mangle]
pub extern "C" fn SQLRowCount(stmt: H, count: *mut isize) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLRowCount", |o, _| {
        if count.is_null() {
            return Err(OdbcError::null_pointer("RowCountPtr"));
        }
        let n = api::row_count(stmt!(o))?;
        unsafe { buffers::write_value(count, n) };
        Ok(Ret::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLMoreResults(stmt: H) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLMoreResults", |o, _| api::more_results(stmt!(o)))
}

#[no_mangle]
pub extern "C" fn SQLCloseCursor(stmt: H) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLCloseCursor", |o, _| api::close_cursor(stmt!(o)))
}

#[no_mangle]
pub extern "C" fn SQLCancel(stmt: H) -> SqlReturn {
    // No diagnostics are cleared: another thread may be reading them for the running call.
    let Some(Object::Stmt(h)) = super::lookup(Kind::Stmt, stmt) else { return SqlReturn::INVALID_HANDLE };
    shield(|| match api::cancel(&h) {
        Ok(_) => SqlReturn::SUCCESS,
        // Nothing was running (or it had ended): no other call is reading the diagnostics.
        Err(e) => {
            let mut d = h.diag.lock();
            d.clear();
            d.error(&e);
            d.return_code = SqlReturn::ERROR.0;
            SqlReturn::ERROR
        }
    })
}

fn get_cursor_name(wide: bool, stmt: H, name: H, cap: i16, len: *mut i16) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLGetCursorName", |o, w| {
        write_out(&str_out(enc_chars(wide), name, cap.into(), len.cast(), 2), &api::cursor_name(stmt!(o)), w)?;
        Ok(Ret::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLGetCursorName(stmt: H, name: *mut u8, cap: i16, len: *mut i16) -> SqlReturn {
    get_cursor_name(false, stmt, name.cast(), cap, len)
}

#[no_mangle]
pub extern "C" fn SQLGetCursorNameW(stmt: H, name: *mut u16, cap: i16, len: *mut i16) -> SqlReturn {
    get_cursor_name(true, stmt, name.cast(), cap, len)
}

fn set_cursor_name(wide: bool, stmt: H, name: *const c_void, len: i16) -> SqlReturn {
    guard(Kind::Stmt, stmt, "SQLSetCursorName", |o, _| {
        let n = in_str(wide, name, len.into())?.ok_or_else(|| OdbcError::null_pointer("CursorName"))?;
        api::set_cursor_name(stmt!(o), &n)
    })
}

#[no_mangle]
pub extern "C" fn SQLSetCursorName(stmt: H, name: *const u8, len: i16) -> SqlReturn {
    set_cursor_name(false, stmt, name.cast(), len)
}

#[no_mangle]
pub extern "C" fn SQLSetCursorNameW(stmt: H, name: *const u16, len: i16) -> SqlReturn {
    set_cursor_name(true, stmt, name.cast(), len)
}

// ------------------------------------------------------------------ catalog functions

fn arg(wide: bool, p: *const c_void, len: i16) -> Result<Option<String>, OdbcError> {
    in_str(wide, p, len.into())
}

fn catalog_call(stmt: H, name: &'static str, make: impl FnOnce() -> Result<CatalogCall, OdbcError>) -> SqlReturn {
    guard(Kind::Stmt, stmt, name, |o, _| api::catalog(stmt!(o), make()?))
}

fn tables(wide: bool, stmt: H, c: *const c_void, cl: i16, s: *const c_void, sl: i16, t: *const c_void, tl: i16, ty: *const c_void, tyl: i16) -> SqlReturn {
    catalog_call(stmt, "SQLTables", || {
        Ok(CatalogCall::Tables { catalog: arg(wide, c, cl)?, schema: arg(wide, s, sl)?, table: arg(wide, t, tl)?, types: arg(wide, ty, tyl)? })
    })
}

#[no_mangle]
pub extern "C" fn SQLTables(stmt: H, c: *const u8, cl: i16, s: *const u8, sl: i16, t: *const u8, tl: i16, ty: *const u8, tyl: i16) -> SqlReturn {
    tables(false, stmt, c.cast(), cl, s.cast(), sl, t.cast(), tl, ty.cast(), tyl)
}

#[no_mangle]
pub extern "C" fn SQLTablesW(stmt: H, c: *const u16, cl: i16, s: *const u16, sl: i16, t: *const u16, tl: i16, ty: *const u16, tyl: i16) -> SqlReturn {
    tables(true, stmt, c.cast(), cl, s.cast(), sl, t.cast(), tl, ty.cast(), tyl)
}

fn columns(wide: bool, stmt: H, c: *const c_void, cl: i16, s: *const c_void, sl: i16, t: *const c_void, tl: i16, col: *const c_void, coll: i16) -> SqlReturn {
    catalog_call(stmt, "SQLColumns", || {
        Ok(CatalogCall::Columns { catalog: arg(wide, c, cl)?, schema: arg(wide, s, sl)?, table: arg(wide, t, tl)?, column: arg(wide, col, coll)? })
    })
}

#[no_mangle]
pub extern "C" fn SQLColumns(stmt: H, c: *const u8, cl: i16, s: *const u8, sl: i16, t: *const u8, tl: i16, col: *const u8, coll: i16) -> SqlReturn {
    columns(false, stmt, c.cast(), cl, s.cast(), sl, t.cast(), tl, col.cast(), coll)
}

#[no_mangle]
pub extern "C" fn SQLColumnsW(stmt: H, c: *const u16, cl: i16, s: *const u16, sl: i16, t: *const u16, tl: i16, col: *const u16, coll: i16) -> SqlReturn {
    columns(true, stmt, c.cast(), cl, s.cast(), sl, t.cast(), tl, col.cast(), coll)
}

fn primary_keys(wide: bool, stmt: H, c: *const c_void, cl: i16, s: *const c_void, sl: i16, t: *const c_void, tl: i16) -> SqlReturn {
    catalog_call(stmt, "SQLPrimaryKeys", || Ok(CatalogCall::PrimaryKeys { catalog: arg(wide, c, cl)?, schema: arg(wide, s, sl)?, table: arg(wide, t, tl)? }))
}

#[no_mangle]
pub extern "C" fn SQLPrimaryKeys(stmt: H, c: *const u8, cl: i16, s: *const u8, sl: i16, t: *const u8, tl: i16) -> SqlReturn {
    primary_keys(false, stmt, c.cast(), cl, s.cast(), sl, t.cast(), tl)
}

#[no_mangle]
pub extern "C" fn SQLPrimaryKeysW(stmt: H, c: *const u16, cl: i16, s: *const u16, sl: i16, t: *const u16, tl: i16) -> SqlReturn {
    primary_keys(true, stmt, c.cast(), cl, s.cast(), sl, t.cast(), tl)
}

fn foreign_keys(wide: bool, stmt: H, a: [(*const c_void, i16); 6]) -> SqlReturn {
    catalog_call(stmt, "SQLForeignKeys", || {
        Ok(CatalogCall::ForeignKeys {
            pk: (arg(wide, a[0].0, a[0].1)?, arg(wide, a[1].0, a[1].1)?, arg(wide, a[2].0, a[2].1)?),
            fk: (arg(wide, a[3].0, a[3].1)?, arg(wide, a[4].0, a[4].1)?, arg(wide, a[5].0, a[5].1)?),
        })
    })
}

#[no_mangle]
pub extern "C" fn SQLForeignKeys(
    stmt: H,
    pc: *const u8,
    pcl: i16,
    ps: *const u8,
    psl: i16,
    pt: *const u8,
    ptl: i16,
    fc: *const u8,
    fcl: i16,
    fs: *const u8,
    fsl: i16,
    ft: *const u8,
    ftl: i16,
) -> SqlReturn {
    foreign_keys(false, stmt, [(pc.cast(), pcl), (ps.cast(), psl), (pt.cast(), ptl), (fc.cast(), fcl), (fs.cast(), fsl), (ft.cast(), ftl)])
}

#[no_mangle]
pub extern "C" fn SQLForeignKeysW(
    stmt: H,
    pc: *const u16,
    pcl: i16,
    ps: *const u16,
    psl: i16,
    pt: *const u16,
    ptl: i16,
    fc: *const u16,
    fcl: i16,
    fs: *const u16,
    fsl: i16,
    ft: *const u16,
    ftl: i16,
) -> SqlReturn {
    foreign_keys(true, stmt, [(pc.cast(), pcl), (ps.cast(), psl), (pt.cast(), ptl), (fc.cast(), fcl), (fs.cast(), fsl), (ft.cast(), ftl)])
}

fn statistics(wide: bool, stmt: H, c: *const c_void, cl: i16, s: *const c_void, sl: i16, t: *const c_void, tl: i16, unique: u16) -> SqlReturn {
    catalog_call(stmt, "SQLStatistics", || {
        if unique > 1 {
            return Err(OdbcError::new(SqlState::UNIQUENESS_OPTION_OUT_OF_RANGE, format!("Uniqueness option type out of range: {unique}")));
        }
        Ok(CatalogCall::Statistics { catalog: arg(wide, c, cl)?, schema: arg(wide, s, sl)?, table: arg(wide, t, tl)? })
    })
}

#[no_mangle]
pub extern "C" fn SQLStatistics(stmt: H, c: *const u8, cl: i16, s: *const u8, sl: i16, t: *const u8, tl: i16, unique: u16, _reserved: u16) -> SqlReturn {
    statistics(false, stmt, c.cast(), cl, s.cast(), sl, t.cast(), tl, unique)
}

#[no_mangle]
pub extern "C" fn SQLStatisticsW(stmt: H, c: *const u16, cl: i16, s: *const u16, sl: i16, t: *const u16, tl: i16, unique: u16, _reserved: u16) -> SqlReturn {
    statistics(true, stmt, c.cast(), cl, s.cast(), sl, t.cast(), tl, unique)
}

fn special_columns(wide: bool, stmt: H, id_type: u16, c: *const c_void, cl: i16, s: *const c_void, sl: i16, t: *const c_void, tl: i16) -> SqlReturn {
    catalog_call(stmt, "SQLSpecialColumns", || {
        Ok(CatalogCall::SpecialColumns { id_type, catalog: arg(wide, c, cl)?, schema: arg(wide, s, sl)?, table: arg(wide, t, tl)? })
    })
}

#[no_mangle]
pub extern "C" fn SQLSpecialColumns(
    stmt: H,
    id_type: u16,
    c: *const u8,
    cl: i16,
    s: *const u8,
    sl: i16,
    t: *const u8,
    tl: i16,
    _scope: u16,
    _nullable: u16,
) -> SqlReturn {
    special_columns(false, stmt, id_type, c.cast(), cl, s.cast(), sl, t.cast(), tl)
}

#[no_mangle]
pub extern "C" fn SQLSpecialColumnsW(
    stmt: H,
    id_type: u16,
    c: *const u16,
    cl: i16,
    s: *const u16,
    sl: i16,
    t: *const u16,
    tl: i16,
    _scope: u16,
    _nullable: u16,
) -> SqlReturn {
    special_columns(true, stmt, id_type, c.cast(), cl, s.cast(), sl, t.cast(), tl)
}

#[no_mangle]
pub extern "C" fn SQLProcedures(stmt: H, _c: *const u8, _cl: i16, _s: *const u8, _sl: i16, p: *const u8, pl: i16) -> SqlReturn {
    catalog_call(stmt, "SQLProcedures", || Ok(CatalogCall::Procedures { procedure: arg(false, p.cast(), pl)? }))
}

#[no_mangle]
pub extern "C" fn SQLProceduresW(stmt: H, _c: *const u16, _cl: i16, _s: *const u16, _sl: i16, p: *const u16, pl: i16) -> SqlReturn {
    catalog_call(stmt, "SQLProceduresW", || Ok(CatalogCall::Procedures { procedure: arg(true, p.cast(), pl)? }))
}

#[no_mangle]
pub extern "C" fn SQLProcedureColumns(
    stmt: H,
    _c: *const u8,
    _cl: i16,
    _s: *const u8,
    _sl: i16,
    p: *const u8,
    pl: i16,
    col: *const u8,
    coll: i16,
) -> SqlReturn {
    catalog_call(stmt, "SQLProcedureColumns", || {
        Ok(CatalogCall::ProcedureColumns { procedure: arg(false, p.cast(), pl)?, column: arg(false, col.cast(), coll)? })
    })
}

#[no_mangle]
pub extern "C" fn SQLProcedureColumnsW(
    stmt: H,
    _c: *const u16,
    _cl: i16,
    _s: *const u16,
    _sl: i16,
    p: *const u16,
    pl: i16,
    col: *const u16,
    coll: i16,
) -> SqlReturn {
    catalog_call(stmt, "SQLProcedureColumnsW", || {
        Ok(CatalogCall::ProcedureColumns { procedure: arg(true, p.cast(), pl)?, column: arg(true, col.cast(), coll)? })
    })
}

#[no_mangle]
pub extern "C" fn SQLGetTypeInfo(stmt: H, data_type: i16) -> SqlReturn {
    catalog_call(stmt, "SQLGetTypeInfo", || Ok(CatalogCall::TypeInfo { data_type }))
}

#[no_mangle]
pub extern "C" fn SQLGetTypeInfoW(stmt: H, data_type: i16) -> SqlReturn {
    SQLGetTypeInfo(stmt, data_type)
}

// ------------------------------------------------------------------ diagnostics

fn get_diag_rec(wide: bool, handle_type: i16, handle: H, rec: i16, state: H, native: *mut i32, msg: H, cap: i16, msg_len: *mut i16) -> SqlReturn {
    let Some(kind) = kind_of(handle_type) else { return SqlReturn::INVALID_HANDLE };
    let Some(obj) = super::lookup(kind, handle) else { return SqlReturn::INVALID_HANDLE };
    shield(|| {
        if rec < 1 || cap < 0 {
            return SqlReturn::ERROR;
        }
        let d = obj.diag().lock();
        let Some(r) = d.records.get(rec as usize - 1).cloned() else { return SqlReturn::NO_DATA };
        drop(d);
        let enc = enc_chars(wide);
        let _ = str_out(enc, state, 6, std::ptr::null_mut(), 2).write(r.state.code());
        unsafe { buffers::write_value(native, r.native) };
        match str_out(enc, msg, cap.into(), msg_len.cast(), 2).write(&r.full_message()) {
            Ok(false) => SqlReturn::SUCCESS,
            Ok(true) => SqlReturn::SUCCESS_WITH_INFO,
            Err(_) => SqlReturn::ERROR,
        }
    })
}

#[no_mangle]
pub extern "C" fn SQLGetDiagRec(
    handle_type: i16,
    handle: H,
    rec: i16,
    state: *mut u8,
    native: *mut i32,
    msg: *mut u8,
    cap: i16,
    msg_len: *mut i16,
) -> SqlReturn {
    get_diag_rec(false, handle_type, handle, rec, state.cast(), native, msg.cast(), cap, msg_len)
}

#[no_mangle]
pub extern "C" fn SQLGetDiagRecW(
    handle_type: i16,
    handle: H,
    rec: i16,
    state: *mut u16,
    native: *mut i32,
    msg: *mut u16,
    cap: i16,
    msg_len: *mut i16,
) -> SqlReturn {
    get_diag_rec(true, handle_type, handle, rec, state.cast(), native, msg.cast(), cap, msg_len)
}

/// `SQLGetDiagField` identifiers (sql.h, sqlext.h).
mod diag_field {
    pub const RETURNCODE: i16 = 1;
    pub const NUMBER: i16 = 2;
    pub const ROW_COUNT: i16 = 3;
    pub const SQLSTATE: i16 = 4;
    pub const NATIVE: i16 = 5;
    pub const MESSAGE_TEXT: i16 = 6;
    pub const DYNAMIC_FUNCTION: i16 = 7;
    pub const CLASS_ORIGIN: i16 = 8;
    pub const SUBCLASS_ORIGIN: i16 = 9;
    pub const CONNECTION_NAME: i16 = 10;
    pub const SERVER_NAME: i16 = 11;
    pub const DYNAMIC_FUNCTION_CODE: i16 = 12;
    pub const CURSOR_ROW_COUNT: i16 = -1249;
    pub const ROW_NUMBER: i16 = -1248;
    pub const COLUMN_NUMBER: i16 = -1247;
    /// `SQL_DIAG_SELECT_CURSOR`: the dynamic function code of a statement's result.
    pub const SELECT_CURSOR_CODE: i32 = 85;
}

fn get_diag_field(wide: bool, handle_type: i16, handle: H, rec: i16, id: i16, value: H, cap: i16, len: *mut i16) -> SqlReturn {
    let Some(kind) = kind_of(handle_type) else { return SqlReturn::INVALID_HANDLE };
    let Some(obj) = super::lookup(kind, handle) else { return SqlReturn::INVALID_HANDLE };
    shield(|| {
        let d = obj.diag().lock().clone();
        let text = |s: &str| match str_out(enc_bytes(wide), value, cap.into(), len.cast(), 2).write(s) {
            Ok(false) => SqlReturn::SUCCESS,
            Ok(true) => SqlReturn::SUCCESS_WITH_INFO,
            Err(_) => SqlReturn::ERROR,
        };
        match id {
            // Header fields.
            diag_field::RETURNCODE => {
                unsafe { buffers::write_value(value.cast::<i16>(), d.return_code) };
                SqlReturn::SUCCESS
            }
            diag_field::NUMBER => {
                unsafe { buffers::write_value(value.cast::<i32>(), d.records.len() as i32) };
                SqlReturn::SUCCESS
            }
            diag_field::ROW_COUNT | diag_field::CURSOR_ROW_COUNT => {
                if kind != Kind::Stmt {
                    return SqlReturn::ERROR;
                }
                let n = match &obj {
                    Object::Stmt(h) => h.stmt.lock().row_count,
                    _ => -1,
                };
                unsafe { buffers::write_value(value.cast::<isize>(), n as isize) };
                SqlReturn::SUCCESS
            }
            diag_field::DYNAMIC_FUNCTION => text(if kind == Kind::Stmt { "SELECT CURSOR" } else { "" }),
            diag_field::DYNAMIC_FUNCTION_CODE => {
                unsafe { buffers::write_value(value.cast::<i32>(), if kind == Kind::Stmt { diag_field::SELECT_CURSOR_CODE } else { 0 }) };
                SqlReturn::SUCCESS
            }
            // Record fields.
            _ => {
                if rec < 1 {
                    return SqlReturn::ERROR;
                }
                let Some(r) = d.records.get(rec as usize - 1) else { return SqlReturn::NO_DATA };
                match id {
                    diag_field::SQLSTATE => text(r.state.code()),
                    diag_field::NATIVE => {
                        unsafe { buffers::write_value(value.cast::<i32>(), r.native) };
                        SqlReturn::SUCCESS
                    }
                    diag_field::MESSAGE_TEXT => text(&r.full_message()),
                    diag_field::CLASS_ORIGIN | diag_field::SUBCLASS_ORIGIN => text(r.class_origin()),
                    diag_field::CONNECTION_NAME => text(""),
                    diag_field::SERVER_NAME => text(&server_name(&obj)),
                    diag_field::ROW_NUMBER => {
                        unsafe { buffers::write_value(value.cast::<isize>(), r.row.map_or(-1, |n| n as isize)) };
                        SqlReturn::SUCCESS
                    }
                    diag_field::COLUMN_NUMBER => {
                        unsafe { buffers::write_value(value.cast::<i32>(), r.column.unwrap_or(-1)) };
                        SqlReturn::SUCCESS
                    }
                    _ => SqlReturn::ERROR,
                }
            }
        }
    })
}

fn server_name(obj: &Object) -> String {
    match obj {
        Object::Dbc(h) => h.conn.lock().site.host.clone(),
        Object::Stmt(h) => h.dbc.conn.lock().site.host.clone(),
        _ => String::new(),
    }
}

#[no_mangle]
pub extern "C" fn SQLGetDiagField(handle_type: i16, handle: H, rec: i16, id: i16, value: H, cap: i16, len: *mut i16) -> SqlReturn {
    get_diag_field(false, handle_type, handle, rec, id, value, cap, len)
}

#[no_mangle]
pub extern "C" fn SQLGetDiagFieldW(handle_type: i16, handle: H, rec: i16, id: i16, value: H, cap: i16, len: *mut i16) -> SqlReturn {
    get_diag_field(true, handle_type, handle, rec, id, value, cap, len)
}

// ------------------------------------------------------------------ descriptors

fn get_desc_field(wide: bool, desc: H, rec: i16, id: i16, value: H, cap: i32, len: *mut i32) -> SqlReturn {
    guard(Kind::Desc, desc, "SQLGetDescField", |o, w| {
        let v = api::desc_get_field(desc!(o), rec, id)?;
        match (api::field_width(id), v) {
            (_, FieldValue::Text(s)) => write_out(&str_out(enc_bytes(wide), value, cap as isize, len.cast(), 4), &s, w)?,
            (FieldWidth::Small, FieldValue::Int(n)) => unsafe { buffers::write_value(value.cast::<i16>(), n as i16) },
            (FieldWidth::Integer, FieldValue::Int(n)) => unsafe { buffers::write_value(value.cast::<i32>(), n as i32) },
            (_, FieldValue::Int(n)) => unsafe { buffers::write_value(value.cast::<isize>(), n as isize) },
            (_, FieldValue::Ptr(p)) => unsafe { buffers::write_value(value.cast::<usize>(), p) },
        }
        Ok(Ret::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLGetDescField(desc: H, rec: i16, id: i16, value: H, cap: i32, len: *mut i32) -> SqlReturn {
    get_desc_field(false, desc, rec, id, value, cap, len)
}

#[no_mangle]
pub extern "C" fn SQLGetDescFieldW(desc: H, rec: i16, id: i16, value: H, cap: i32, len: *mut i32) -> SqlReturn {
    get_desc_field(true, desc, rec, id, value, cap, len)
}

#[no_mangle]
pub extern "C" fn SQLSetDescField(desc: H, rec: i16, id: i16, value: H, _len: i32) -> SqlReturn {
    // SAFETY: a pointer field's value is a deferred buffer the application keeps valid.
    let ptr = if crate::descriptor::field::is_pointer(id) { unsafe { AppPtr::from_app(value as usize) } } else { AppPtr::NULL };
    guard(Kind::Desc, desc, "SQLSetDescField", |o, _| api::desc_set_field(desc!(o), rec, id, value as usize, ptr))
}

#[no_mangle]
pub extern "C" fn SQLSetDescFieldW(desc: H, rec: i16, id: i16, value: H, len: i32) -> SqlReturn {
    SQLSetDescField(desc, rec, id, value, len)
}

fn get_desc_rec(
    wide: bool,
    desc: H,
    rec: i16,
    name: H,
    cap: i16,
    name_len: *mut i16,
    ty: *mut i16,
    sub: *mut i16,
    length: *mut isize,
    precision: *mut i16,
    scale: *mut i16,
    nullable: *mut i16,
) -> SqlReturn {
    use crate::descriptor::field;
    guard(Kind::Desc, desc, "SQLGetDescRec", |o, w| {
        let d = desc!(o);
        let count = match api::desc_get_field(d, 0, field::COUNT)? {
            FieldValue::Int(n) => n,
            _ => 0,
        };
        if rec < 1 || i64::from(rec) > count {
            return Ok(Ret::NoData);
        }
        let int = |id| match api::desc_get_field(d, rec, id) {
            Ok(FieldValue::Int(n)) => n,
            _ => 0,
        };
        let n = match api::desc_get_field(d, rec, field::NAME) {
            Ok(FieldValue::Text(s)) => s,
            _ => String::new(),
        };
        write_out(&str_out(enc_chars(wide), name, cap.into(), name_len.cast(), 2), &n, w)?;
        unsafe { buffers::write_value(ty, int(field::TYPE) as i16) };
        unsafe { buffers::write_value(sub, int(field::DATETIME_INTERVAL_CODE) as i16) };
        unsafe { buffers::write_value(length, int(field::OCTET_LENGTH) as isize) };
        unsafe { buffers::write_value(precision, int(field::PRECISION) as i16) };
        unsafe { buffers::write_value(scale, int(field::SCALE) as i16) };
        unsafe { buffers::write_value(nullable, int(field::NULLABLE) as i16) };
        Ok(Ret::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLGetDescRec(
    desc: H,
    rec: i16,
    name: *mut u8,
    cap: i16,
    name_len: *mut i16,
    ty: *mut i16,
    sub: *mut i16,
    length: *mut isize,
    precision: *mut i16,
    scale: *mut i16,
    nullable: *mut i16,
) -> SqlReturn {
    get_desc_rec(false, desc, rec, name.cast(), cap, name_len, ty, sub, length, precision, scale, nullable)
}

#[no_mangle]
pub extern "C" fn SQLGetDescRecW(
    desc: H,
    rec: i16,
    name: *mut u16,
    cap: i16,
    name_len: *mut i16,
    ty: *mut i16,
    sub: *mut i16,
    length: *mut isize,
    precision: *mut i16,
    scale: *mut i16,
    nullable: *mut i16,
) -> SqlReturn {
    get_desc_rec(true, desc, rec, name.cast(), cap, name_len, ty, sub, length, precision, scale, nullable)
}
