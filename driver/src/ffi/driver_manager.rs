//! Which driver manager loaded the driver, and its installer library. The same `.so` serves
//! unixODBC and iODBC: they differ in the width of `SQLWCHAR` (see `crate::wide`) and in where
//! DSNs live, which each one's installer library (`libodbcinst` / `libiodbcinst`) knows. The
//! driver links neither: it asks the one of the driver manager in the process, so a DSN is read
//! from the files that driver manager reads.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::{Once, OnceLock};

use crate::wide::{self, WcharWidth};

const IODBC: &CStr = c"libiodbc.so.2";
const UNIXODBC: &CStr = c"libodbc.so.2";

/// Whether a shared library is loaded in the process (without loading it).
fn loaded(name: &CStr) -> bool {
    // SAFETY: RTLD_NOLOAD only looks the library up; a handle it returns is released at once.
    unsafe {
        let h = libc::dlopen(name.as_ptr(), libc::RTLD_LAZY | libc::RTLD_NOLOAD);
        if h.is_null() {
            return false;
        }
        libc::dlclose(h);
        true
    }
}

/// Decides the wide width from the driver manager library in the process, once. A program
/// with a driver manager linked in statically shows neither; the first wide connection
/// string decides then ([`sniff_wide`]).
pub fn detect() {
    static DETECT: Once = Once::new();
    DETECT.call_once(|| {
        if loaded(IODBC) {
            wide::decide(WcharWidth::Ucs4);
        } else if loaded(UNIXODBC) {
            wide::decide(WcharWidth::Utf16);
        }
    });
}

/// The width a wide connection string or DSN name shows, while nothing else decided it.
pub fn sniff_wide(ptr: *const c_void, len: isize) {
    if wide::decided() {
        return;
    }
    if let Some(w) = super::buffers::wide_prefix(ptr.cast(), len).and_then(WcharWidth::sniff) {
        wide::decide(w);
    }
}

/// Whether unixODBC's cursor library (`libodbccr`, loaded for `SQL_CUR_USE_ODBC`) is in the
/// process.
pub fn cursor_library_loaded() -> bool {
    loaded(c"libodbccr.so.2")
}

type ProfileFn = unsafe extern "C" fn(*const c_char, *const c_char, *const c_char, *mut c_char, c_int, *const c_char) -> c_int;

/// `SQLGetPrivateProfileString` of one installer library, opened once (its first name found).
fn profile_fn(cell: &'static OnceLock<Option<ProfileFn>>, names: &[&CStr]) -> Option<ProfileFn> {
    *cell.get_or_init(|| {
        names.iter().find_map(|name| {
            // SAFETY: opening a system library by name and looking up a function whose C
            // signature both installer libraries document identically (odbcinst.h); the handle
            // stays open for the life of the process.
            unsafe {
                let h = libc::dlopen(name.as_ptr(), libc::RTLD_NOW);
                if h.is_null() {
                    return None;
                }
                let f = libc::dlsym(h, c"SQLGetPrivateProfileString".as_ptr());
                (!f.is_null()).then(|| std::mem::transmute::<*mut c_void, ProfileFn>(f))
            }
        })
    })
}

/// The installer library's `SQLGetPrivateProfileString`: iODBC's when iODBC is the driver
/// manager (its wide width says so), unixODBC's otherwise.
fn get_private_profile_string() -> Option<ProfileFn> {
    static IODBCINST: OnceLock<Option<ProfileFn>> = OnceLock::new();
    static ODBCINST: OnceLock<Option<ProfileFn>> = OnceLock::new();
    if wide::width() == WcharWidth::Ucs4 || loaded(IODBC) {
        profile_fn(&IODBCINST, &[c"libiodbcinst.so.2", c"libiodbcinst.so"])
    } else {
        profile_fn(&ODBCINST, &[c"libodbcinst.so.2", c"libodbcinst.so"])
    }
}

/// Every key and value of a section of `odbc.ini`, through the driver manager's installer
/// library (found once for the section).
pub fn section_entries(section: &CStr) -> Vec<(Vec<u8>, Vec<u8>)> {
    let Some(f) = get_private_profile_string() else { return Vec::new() };
    let Some(keys) = profile_string(f, section, None) else { return Vec::new() };
    keys.split(|b| *b == 0)
        .filter(|k| !k.is_empty())
        .filter_map(|key| {
            let entry = std::ffi::CString::new(key).ok()?;
            Some((key.to_vec(), profile_string(f, section, Some(&entry)).unwrap_or_default()))
        })
        .collect()
}

/// One value (`entry` `None`: the section's key names, each null-terminated); `None` when
/// there is none.
fn profile_string(f: ProfileFn, section: &CStr, entry: Option<&CStr>) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; 65536];
    // SAFETY: buffers sized as passed; the library writes at most `size` bytes.
    let n = unsafe {
        f(section.as_ptr(), entry.map_or(std::ptr::null(), CStr::as_ptr), c"".as_ptr(), buf.as_mut_ptr().cast(), buf.len() as c_int, c"odbc.ini".as_ptr())
    };
    if n <= 0 {
        return None;
    }
    buf.truncate((n as usize).min(buf.len()));
    Some(buf)
}
