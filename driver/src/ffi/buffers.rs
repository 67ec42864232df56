//! The only code that touches application memory. ODBC makes the application responsible for
//! the pointers it passes (buffers, bound columns, length indicators); these helpers check for
//! null and respect the lengths given, and everything else in the driver stays safe.

#![allow(unsafe_code)]

use crate::error::{OdbcError, OdbcResult};

/// The length that says "up to the terminating null" (one definition, the statement's).
pub use crate::statement::SQL_NTS;

/// An address in the application's memory that it gave the driver to read or write later: a
/// bound column or parameter, a length or indicator slot, a status array, a bind offset. ODBC
/// makes the application keep such memory valid while it is bound; the value is made only by
/// [`AppPtr::from_app`], whose caller states that contract, so what the driver does with it
/// afterwards (element arithmetic, reads, writes) is safe code. A null address reads as zero
/// or nothing and ignores writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppPtr(usize);

impl AppPtr {
    pub const NULL: AppPtr = AppPtr(0);

    /// # Safety
    /// `addr` is null, or the application gave it in a function argument, attribute or
    /// descriptor field that ODBC defines as such a pointer, and it stays valid for the reads
    /// and writes ODBC defines for that use (of the sizes bound with it, and for arrays one
    /// element per row or parameter set, at the binding's stride and offset) until the
    /// application unbinds or frees it.
    pub unsafe fn from_app(addr: usize) -> AppPtr {
        AppPtr(addr)
    }

    pub fn is_null(self) -> bool {
        self.0 == 0
    }

    /// The address itself, to hand back to the application (`SQLParamData`'s token,
    /// `SQLGetStmtAttr`, `SQLGetDescField`).
    pub fn addr(self) -> usize {
        self.0
    }

    /// Element `index` of an array of `stride`-byte elements, after the binding's byte
    /// `offset` (`SQL_ATTR_ROW_BIND_OFFSET_PTR`, `SQL_ATTR_PARAM_BIND_OFFSET_PTR`). Null stays
    /// null: an unbound slot is unbound in every row.
    pub fn element(self, index: usize, stride: usize, offset: isize) -> AppPtr {
        if self.is_null() {
            return self;
        }
        AppPtr((self.0 as isize + offset) as usize + index * stride)
    }

    /// `bytes` further on: the rest of a buffer after what was written.
    pub fn advanced(self, bytes: usize) -> AppPtr {
        self.element(1, bytes, 0)
    }

    /// Copies `data` here; nothing when null.
    pub fn write_bytes(self, data: &[u8]) {
        if !self.is_null() && !data.is_empty() {
            // SAFETY: `from_app`'s contract: the application bound room for this value.
            unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), self.0 as *mut u8, data.len()) }
        }
    }

    /// An SQLLEN (length or indicator); unaligned, as row-wise binding may place it.
    pub fn write_isize(self, v: isize) {
        self.write_bytes(&v.to_ne_bytes());
    }

    /// An SQLULEN (rows fetched, parameter sets processed).
    pub fn write_usize(self, v: usize) {
        self.write_bytes(&v.to_ne_bytes());
    }

    /// Element `index` of an SQLUSMALLINT status array.
    pub fn write_status(self, index: usize, v: u16) {
        self.element(index, 2, 0).write_bytes(&v.to_ne_bytes());
    }

    /// Element `index` of an SQLUSMALLINT array (`SQL_ATTR_PARAM_OPERATION_PTR`); 0 when null.
    pub fn read_u16(self, index: usize) -> u16 {
        u16::from_ne_bytes(self.element(index, 2, 0).read_bytes(2).try_into().unwrap_or([0, 0]))
    }

    /// An SQLLEN; 0 when null.
    pub fn read_isize(self) -> isize {
        isize::from_ne_bytes(self.read_bytes(std::mem::size_of::<isize>()).try_into().unwrap_or([0; std::mem::size_of::<isize>()]))
    }

    pub fn read_bytes(self, len: usize) -> Vec<u8> {
        read_bytes(self.0, len)
    }

    /// Bytes up to a null terminator of `unit` bytes (1: char, 2: UTF-16, 4: UCS-4), at most
    /// `max` bytes.
    pub fn read_until_nul(self, unit: usize, max: usize) -> Vec<u8> {
        read_until_nul(self.0, unit, max)
    }
}

/// Copies `data` to `addr`; nothing when `addr` is null. Only for this module's own
/// arguments: `addr` is the function's output argument, valid for `data.len()` bytes.
pub(super) fn write_bytes(addr: usize, data: &[u8]) {
    if addr != 0 && !data.is_empty() {
        // SAFETY: an output argument of the called function with room for this value (ODBC's contract).
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), addr as *mut u8, data.len()) }
    }
}

pub(super) fn read_bytes(addr: usize, len: usize) -> Vec<u8> {
    if addr == 0 || len == 0 {
        return Vec::new();
    }
    // SAFETY: the application says `len` bytes are readable at `addr`.
    unsafe { std::slice::from_raw_parts(addr as *const u8, len).to_vec() }
}

pub(super) fn read_until_nul(addr: usize, unit: usize, max: usize) -> Vec<u8> {
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
            _ => write_bytes(self.len_ptr, &(n as isize).to_ne_bytes()),
        }
    }
}

/// Writes a fixed-size value to an output pointer that may be null.
///
/// # Safety
/// `ptr` is null or an output argument of the ODBC function being called, with room for a `T`
/// (it may be unaligned).
pub unsafe fn write_value<T: Copy>(ptr: *mut T, v: T) {
    if !ptr.is_null() {
        // SAFETY: the caller's contract above.
        unsafe { std::ptr::write_unaligned(ptr, v) }
    }
}

#[cfg(test)]
mod app_ptr_tests {
    use super::AppPtr;

    #[test]
    fn null_reads_nothing_and_ignores_writes() {
        let p = AppPtr::NULL;
        p.write_isize(5);
        p.write_status(3, 1);
        assert_eq!(p.read_isize(), 0);
        assert_eq!(p.read_u16(2), 0);
        assert!(p.read_bytes(4).is_empty());
        assert!(p.element(10, 8, 100).is_null());
    }

    #[test]
    fn elements_step_by_stride_after_the_offset() {
        // Row-wise binding: 3 rows of a 12-byte structure, an SQLLEN at byte 4 of each, and a
        // bind offset of 12 (the application moved its array by one structure).
        let mut rows = [0u8; 12 * 4];
        // SAFETY: the array outlives every use below, and all writes stay inside it.
        let base = unsafe { AppPtr::from_app(rows.as_mut_ptr() as usize + 4) };
        for row in 0..3 {
            base.element(row, 12, 12).write_isize(row as isize * 100 - 1);
        }
        for row in 0..3 {
            let at = 12 + row * 12 + 4;
            assert_eq!(isize::from_ne_bytes(rows[at..at + 8].try_into().unwrap()), row as isize * 100 - 1);
            assert_eq!(base.element(row, 12, 12).read_isize(), row as isize * 100 - 1);
        }
        // The unaligned slots (byte 4 of the first structure) were never touched.
        assert_eq!(&rows[..16], &[0u8; 16]);
    }

    #[test]
    fn status_arrays_and_strings() {
        let mut statuses = [9u16; 4];
        // SAFETY: as above.
        let p = unsafe { AppPtr::from_app(statuses.as_mut_ptr() as usize) };
        p.write_status(2, 3);
        assert_eq!(statuses, [9, 9, 3, 9]);
        assert_eq!(p.read_u16(2), 3);
        let text = [b'a', 0, b'b', 0, 0, 0, b'c', 0];
        // SAFETY: as above (only read).
        let t = unsafe { AppPtr::from_app(text.as_ptr() as usize) };
        assert_eq!(t.read_until_nul(2, 8), vec![b'a', 0, b'b', 0]);
        assert_eq!(t.read_until_nul(1, 8), vec![b'a']);
        assert_eq!(t.advanced(2).read_bytes(2), vec![b'b', 0]);
    }
}
