//! The C boundary. Every exported function is a thin wrapper generated the same way: find the
//! handle in the registry (`SQL_INVALID_HANDLE` if it is not a live handle of the right kind),
//! clear its diagnostics, run the safe implementation under `catch_unwind` (no panic ever
//! crosses into the host program), and turn its result into a return code plus diagnostic
//! records. Arguments arrive as raw integers and are converted here; no Rust enum is ever an FFI
//! parameter type.

#![allow(unsafe_code)]

pub mod buffers;
pub(crate) mod driver_manager;
mod exports;

use std::ffi::{c_void, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use odbc_sys::SqlReturn;

use crate::api::{Ret, Warnings};
use crate::connstr::Properties;
use crate::error::{OdbcError, OdbcResult, SqlState};
use crate::handles::{self, Kind, Object, Token};
use buffers::{Encoding, StrOut};

pub const SQL_HANDLE_ENV: i16 = 1;
pub const SQL_HANDLE_DBC: i16 = 2;
pub const SQL_HANDLE_STMT: i16 = 3;
pub const SQL_HANDLE_DESC: i16 = 4;

pub fn kind_of(handle_type: i16) -> Option<Kind> {
    match handle_type {
        SQL_HANDLE_ENV => Some(Kind::Env),
        SQL_HANDLE_DBC => Some(Kind::Dbc),
        SQL_HANDLE_STMT => Some(Kind::Stmt),
        SQL_HANDLE_DESC => Some(Kind::Desc),
        _ => None,
    }
}

fn lookup(kind: Kind, handle: *mut c_void) -> Option<Object> {
    if handle.is_null() {
        return None;
    }
    handles::get(Token(handle as u64), Some(kind))
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_else(|| "unknown panic".into())
}

/// The uniform guard around every function that takes a handle.
pub(crate) fn guard(kind: Kind, handle: *mut c_void, name: &'static str, f: impl FnOnce(&Object, &mut Warnings) -> OdbcResult<Ret>) -> SqlReturn {
    crate::logging::ready();
    driver_manager::detect();
    let Some(obj) = lookup(kind, handle) else { return SqlReturn::INVALID_HANDLE };
    obj.diag().lock().clear();
    let mut warnings = Vec::new();
    let result = catch_unwind(AssertUnwindSafe(|| {
        tracing::debug!(target: "atlassian_odbc::call", "{name}");
        let r = f(&obj, &mut warnings);
        if let Err(e) = &r {
            tracing::warn!(target: "atlassian_odbc::call", "{name} failed: {e}");
        }
        r
    }));
    let mut d = obj.diag().lock();
    let rc = match result {
        Ok(Ok(ret)) => {
            for w in warnings {
                d.push(w);
            }
            match ret {
                Ret::Success if d.has_warnings() => SqlReturn::SUCCESS_WITH_INFO,
                Ret::Success => SqlReturn::SUCCESS,
                Ret::NoData => SqlReturn::NO_DATA,
                Ret::NeedData => SqlReturn::NEED_DATA,
            }
        }
        Ok(Err(e)) => {
            d.error(&e);
            for w in warnings {
                d.push(w);
            }
            SqlReturn::ERROR
        }
        Err(p) => {
            d.error(&OdbcError::new(
                SqlState::GENERAL,
                format!("Internal error in the driver during {name}: {}. The call was abandoned; the handle is still usable.", panic_message(p.as_ref())),
            ));
            SqlReturn::ERROR
        }
    };
    d.return_code = rc.0;
    rc
}

/// `catch_unwind` for the few functions without a handle to report on.
pub(crate) fn shield(f: impl FnOnce() -> SqlReturn) -> SqlReturn {
    crate::logging::ready();
    driver_manager::detect();
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(SqlReturn::ERROR)
}

/// Keeps the library mapped once loaded: the driver manager may `dlclose` it when the last
/// connection closes, while the runtime's threads still run its code.
pub(crate) fn pin_library() {
    static PIN: Once = Once::new();
    PIN.call_once(|| {
        #[cfg(unix)]
        // SAFETY: dladdr/dlopen on the address of one of our own functions.
        unsafe {
            let mut info: libc::Dl_info = std::mem::zeroed();
            if libc::dladdr(pin_library as *const c_void, &mut info) != 0 && !info.dli_fname.is_null() {
                libc::dlopen(info.dli_fname, libc::RTLD_NOW | libc::RTLD_NODELETE);
            }
        }
    });
}

/// A DSN's attributes from odbc.ini (user and system), through the driver manager's installer
/// library.
pub(crate) fn read_dsn(dsn: &str) -> Properties {
    let mut props = Properties::default();
    let Ok(section) = CString::new(dsn) else { return props };
    for (key, value) in driver_manager::section_entries(&section) {
        props.insert_if_absent(&String::from_utf8_lossy(&key), &String::from_utf8_lossy(&value));
    }
    props
}

/// An input string in the function's encoding; `len` in characters (or bytes for narrow), or SQL_NTS.
pub(crate) fn in_str(wide: bool, ptr: *const c_void, len: isize) -> OdbcResult<Option<String>> {
    if wide {
        buffers::read_wstr(ptr.cast(), len)
    } else {
        buffers::read_str(ptr.cast(), len)
    }
}

pub(crate) fn str_out(enc: Encoding, ptr: *mut c_void, capacity: isize, len_ptr: *mut c_void, len_width: usize) -> StrOut {
    StrOut { ptr: ptr as usize, capacity, len_ptr: len_ptr as usize, len_width, enc }
}

/// Writes `s` and reports truncation as the `01004` warning.
pub(crate) fn write_out(out: &StrOut, s: &str, w: &mut Warnings) -> OdbcResult<()> {
    if out.write(s)? {
        w.push(crate::diag::DiagRecord::warning(SqlState::STRING_TRUNCATED, "String data, right truncated"));
    }
    Ok(())
}
