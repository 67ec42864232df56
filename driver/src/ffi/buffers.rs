//! The only code that touches application memory. ODBC makes the application responsible for
//! the pointers it passes (buffers, bound columns, length indicators); these helpers check for
//! null and respect the lengths given, and everything else in the driver stays safe.

#![allow(unsafe_code)]

use crate::error::{OdbcError, OdbcResult};

pub const SQL_NTS: isize = -3;

/// Copies `data` to `addr`; nothing when `addr` is null.
pub fn write_bytes(addr: usize, data: &[u8]) {
    if addr != 0 && !data.is_empty() {
        // SAFETY: the application bound `addr` with room for this value (ODBC's contract).
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), addr as *mut u8, data.len()) }
    }
}

pub fn write_isize(addr: usize, v: isize) {
    if addr != 0 {
        // SAFETY: an SQLLEN slot the application supplied; may be unaligned in row-wise binding.
        unsafe { std::ptr::write_unaligned(addr as *mut isize, v) }
    }
}

pub fn write_usize(addr: usize, v: usize) {
    if addr != 0 {
        // SAFETY: an SQLULEN slot the application supplied.
        unsafe { std::ptr::write_unaligned(addr as *mut usize, v) }
    }
}

/// Element `index` of an application's SQLUSMALLINT status array.
pub fn write_status(base: usize, index: usize, v: u16) {
    if base != 0 {
        // SAFETY: the status array has one element per row of the rowset (ODBC's contract).
        unsafe { std::ptr::write_unaligned((base as *mut u16).add(index), v) }
    }
}

pub fn read_isize(addr: usize) -> isize {
    if addr == 0 {
        return 0;
    }
    // SAFETY: an SQLLEN the application supplied.
    unsafe { std::ptr::read_unaligned(addr as *const isize) }
}

pub fn read_bytes(addr: usize, len: usize) -> Vec<u8> {
    if addr == 0 || len == 0 {
        return Vec::new();
    }
    // SAFETY: the application says `len` bytes are readable at `addr`.
    unsafe { std::slice::from_raw_parts(addr as *const u8, len).to_vec() }
}

/// Bytes up to a null terminator of `unit` bytes (1: char, 2: UTF-16, 4: UCS-4), at most `max` bytes.
pub fn read_until_nul(addr: usize, unit: usize, max: usize) -> Vec<u8> {
    let mut out = Vec::new();
    if addr == 0 {
        return out;
    }
    let mut i = 0;
    while i + unit <= max {
        // SAFETY: a null-terminated string the application supplied.
        let chunk = unsafe { std::slice::from_raw_parts((addr + i) as *const u8, unit) };
        if chunk.iter().all(|b| *b == 0) {
            break;
        }
        out.extend_from_slice(chunk);
        i += unit;
    }
    out
}

/// An input string argument: `(pointer, length)` in characters or `SQL_NTS`.
pub fn read_str(ptr: *const u8, len: isize) -> OdbcResult<Option<String>> {
    if ptr.is_null() {
        return Ok(None);
    }
    let bytes = match len {
        SQL_NTS => read_until_nul(ptr as usize, 1, usize::MAX),
        l if l >= 0 => read_bytes(ptr as usize, l as usize),
        l => return Err(OdbcError::bad_length("string length", l as i64)),
    };
    // The narrow functions carry UTF-8 on unixODBC; stray bytes become U+FFFD rather than an error.
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// A wide input string argument, in the driver manager's `SQLWCHAR` width: length in
/// characters (code units) or `SQL_NTS`.
pub fn read_wstr(ptr: *const u8, len: isize) -> OdbcResult<Option<String>> {
    if ptr.is_null() {
        return Ok(None);
    }
    let w = crate::wide::width();
    let bytes = match len {
        SQL_NTS => read_until_nul(ptr as usize, w.unit(), usize::MAX),
        l if l >= 0 => read_bytes(ptr as usize, l as usize * w.unit()),
        l => return Err(OdbcError::bad_length("string length", l as i64)),
    };
    Ok(Some(w.decode_lossy(&bytes)))
}

/// The first 4 bytes of a wide input string, when the string has that many whichever the
/// width (`SQL_NTS`, or a length of 2 characters or more), for [`crate::wide::WcharWidth::sniff`].
pub fn wide_prefix(ptr: *const u8, len: isize) -> Option<[u8; 4]> {
    if ptr.is_null() || !(len == SQL_NTS || len >= 2) {
        return None;
    }
    // Two UTF-16 units, or one UCS-4 unit: either is within the string or its terminator,
    // unless the first unit is the terminator itself.
    let first = read_bytes(ptr as usize, 2);
    if first == [0, 0] {
        return None;
    }
    read_bytes(ptr as usize, 4).try_into().ok()
}

/// How an output string is encoded and how its lengths are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// ANSI functions: UTF-8 bytes; lengths in bytes.
    Narrow,
    /// W functions whose lengths count characters (SQLDescribeColW, SQLGetDiagRecW, ...).
    WideChars,
    /// W functions whose lengths count bytes (SQLGetInfoW, SQLColAttributeW, SQLGet*AttrW, ...).
    WideBytes,
}

/// Where an output string goes: buffer, its capacity (per `Encoding`), and a length slot.
pub struct StrOut {
    pub ptr: usize,
    pub capacity: isize,
    pub len_ptr: usize,
    /// Width of the length slot: 2 (SQLSMALLINT), 4 (SQLINTEGER) or 8 (SQLLEN).
    pub len_width: usize,
    pub enc: Encoding,
}

impl StrOut {
    /// Writes `s` null-terminated, truncated to the buffer on a character boundary. Returns
    /// `true` when it was truncated (the caller reports `01004`). The length slot always gets
    /// the full length.
    pub fn write(&self, s: &str) -> OdbcResult<bool> {
        if self.capacity < 0 {
            return Err(OdbcError::bad_length("BufferLength", self.capacity as i64));
        }
        let (full_len, truncated) = match self.enc {
            Encoding::Narrow => {
                let cap = self.capacity as usize;
                let mut n = s.len().min(cap.saturating_sub(1));
                while !s.is_char_boundary(n) {
                    n -= 1;
                }
                if self.ptr != 0 && cap > 0 {
                    write_bytes(self.ptr, &s.as_bytes()[..n]);
                    write_bytes(self.ptr + n, &[0]);
                }
                (s.len(), n < s.len())
            }
            Encoding::WideChars | Encoding::WideBytes => {
                let w = crate::wide::width();
                let units = w.units(s);
                let cap_units = match self.enc {
                    Encoding::WideChars => self.capacity as usize,
                    _ => self.capacity as usize / w.unit(),
                };
                let mut n = units.len().min(cap_units.saturating_sub(1));
                if !w.can_cut(&units, n) {
                    n -= 1;
                }
                if self.ptr != 0 && cap_units > 0 {
                    let mut bytes = Vec::with_capacity((n + 1) * w.unit());
                    w.push_units(&units[..n], &mut bytes);
                    w.push_units(&[0], &mut bytes);
                    write_bytes(self.ptr, &bytes);
                }
                let full = if self.enc == Encoding::WideChars { units.len() } else { units.len() * w.unit() };
                (full, n < units.len())
            }
        };
        self.write_len(full_len);
        Ok(truncated && self.ptr != 0)
    }

    fn write_len(&self, n: usize) {
        if self.len_ptr == 0 {
            return;
        }
        match self.len_width {
            2 => write_bytes(self.len_ptr, &(n.min(i16::MAX as usize) as i16).to_ne_bytes()),
            4 => write_bytes(self.len_ptr, &(n.min(i32::MAX as usize) as i32).to_ne_bytes()),
            _ => write_isize(self.len_ptr, n as isize),
        }
    }
}

/// Writes a fixed-size value to an output pointer that may be null.
pub fn write_value<T: Copy>(ptr: *mut T, v: T) {
    if !ptr.is_null() {
        // SAFETY: an output argument of the called function, of type T.
        unsafe { std::ptr::write_unaligned(ptr, v) }
    }
}
