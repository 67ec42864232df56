//! Wide strings (`SQLWCHAR`) in the width the loading driver manager uses. unixODBC (like the
//! Windows driver manager) passes UTF-16 code units of 2 bytes; iODBC passes its `wchar_t`, UCS-4
//! code units of 4 bytes, to every W function and for `SQL_C_WCHAR` data (it converts nothing for
//! a driver that exports W functions). A process loads one driver manager, so the width is a
//! process-wide fact: `ffi` decides it when the driver is first called, from the driver manager
//! library that is loaded, or from the first wide connection string when none is visible (a
//! program with iODBC linked in statically), and iODBC 3.52.14+ may state it through
//! `SQL_ATTR_APP_WCHAR_TYPE`.

use std::sync::atomic::{AtomicU8, Ordering};

/// The width of one `SQLWCHAR` code unit, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WcharWidth {
    Utf16 = 2,
    Ucs4 = 4,
}

/// 0 while undecided (UTF-16 is assumed then), else the width in bytes.
static WIDTH: AtomicU8 = AtomicU8::new(0);

/// The width in use.
pub fn width() -> WcharWidth {
    match WIDTH.load(Ordering::Relaxed) {
        4 => WcharWidth::Ucs4,
        _ => WcharWidth::Utf16,
    }
}

/// Whether the width is known yet.
pub fn decided() -> bool {
    WIDTH.load(Ordering::Relaxed) != 0
}

/// Decides the width unless it was decided already.
pub fn decide(w: WcharWidth) {
    let _ = WIDTH.compare_exchange(0, w as u8, Ordering::Relaxed, Ordering::Relaxed);
}

/// Sets the width whatever was decided (the driver manager said so itself).
pub fn set(w: WcharWidth) {
    WIDTH.store(w as u8, Ordering::Relaxed);
}

impl WcharWidth {
    /// Bytes per code unit.
    pub fn unit(self) -> usize {
        self as usize
    }

    /// The code units of `s`, each widened to `u32` (a UTF-16 unit or a whole code point).
    pub fn units(self, s: &str) -> Vec<u32> {
        match self {
            WcharWidth::Utf16 => s.encode_utf16().map(u32::from).collect(),
            WcharWidth::Ucs4 => s.chars().map(u32::from).collect(),
        }
    }

    /// Whether a string may be cut after `units[..n]` (never inside a UTF-16 surrogate pair).
    pub fn can_cut(self, units: &[u32], n: usize) -> bool {
        self == WcharWidth::Ucs4 || n == 0 || n >= units.len() || !(0xD800..0xDC00).contains(&units[n - 1])
    }

    /// Appends code units as native-endian bytes.
    pub fn push_units(self, units: &[u32], out: &mut Vec<u8>) {
        out.reserve(units.len() * self.unit());
        for &u in units {
            match self {
                WcharWidth::Utf16 => out.extend_from_slice(&(u as u16).to_ne_bytes()),
                WcharWidth::Ucs4 => out.extend_from_slice(&u.to_ne_bytes()),
            }
        }
    }

    /// Appends `s` encoded, without a terminator.
    pub fn encode_into(self, s: &str, out: &mut Vec<u8>) {
        match self {
            WcharWidth::Utf16 => {
                out.reserve(s.len() * 2);
                for u in s.encode_utf16() {
                    out.extend_from_slice(&u.to_ne_bytes());
                }
            }
            WcharWidth::Ucs4 => {
                out.reserve(s.len() * 4);
                for c in s.chars() {
                    out.extend_from_slice(&u32::from(c).to_ne_bytes());
                }
            }
        }
    }

    pub fn encode(self, s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(s, &mut out);
        out
    }

    /// Decodes whole code units; `None` when they are not valid text (a lone surrogate, a
    /// value past U+10FFFF). A trailing partial unit is ignored.
    pub fn decode(self, bytes: &[u8]) -> Option<String> {
        match self {
            WcharWidth::Utf16 => String::from_utf16(&utf16_units(bytes)).ok(),
            WcharWidth::Ucs4 => bytes.chunks_exact(4).map(|p| char::from_u32(u32::from_ne_bytes([p[0], p[1], p[2], p[3]]))).collect(),
        }
    }

    /// As [`WcharWidth::decode`], invalid units becoming U+FFFD.
    pub fn decode_lossy(self, bytes: &[u8]) -> String {
        match self {
            WcharWidth::Utf16 => String::from_utf16_lossy(&utf16_units(bytes)),
            WcharWidth::Ucs4 => bytes.chunks_exact(4).map(|p| char::from_u32(u32::from_ne_bytes([p[0], p[1], p[2], p[3]])).unwrap_or('\u{FFFD}')).collect(),
        }
    }

    /// The width a wide string's first 4 bytes were written in, when they tell: a non-zero
    /// first UTF-16 unit followed by a zero one is a UCS-4 character (as UTF-16 it would end a
    /// one-character string, which no connection string or DSN name is).
    pub fn sniff(first: [u8; 4]) -> Option<WcharWidth> {
        let a = u16::from_ne_bytes([first[0], first[1]]);
        let b = u16::from_ne_bytes([first[2], first[3]]);
        match (a, b) {
            (0, _) => None,
            (_, 0) => Some(WcharWidth::Ucs4),
            _ => Some(WcharWidth::Utf16),
        }
    }
}

/// Native-endian UTF-16 code units; a trailing odd byte is ignored.
fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes.chunks_exact(2).map(|p| u16::from_ne_bytes([p[0], p[1]])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_both_widths() {
        for w in [WcharWidth::Utf16, WcharWidth::Ucs4] {
            let s = "Aé日本語😀";
            let b = w.encode(s);
            assert_eq!(b.len(), w.units(s).len() * w.unit());
            assert_eq!(w.decode(&b).as_deref(), Some(s));
            assert_eq!(w.decode_lossy(&b), s);
        }
        assert_eq!(WcharWidth::Utf16.units("😀").len(), 2);
        assert_eq!(WcharWidth::Ucs4.units("😀").len(), 1);
    }

    #[test]
    fn ucs4_is_native_endian_code_points() {
        assert_eq!(WcharWidth::Ucs4.encode("é"), 0xE9u32.to_ne_bytes().to_vec());
        assert_eq!(WcharWidth::Ucs4.decode(&0x110000u32.to_ne_bytes()), None);
        assert_eq!(WcharWidth::Ucs4.decode_lossy(&0xD800u32.to_ne_bytes()), "\u{FFFD}");
    }

    #[test]
    fn never_cuts_a_surrogate_pair() {
        let u = WcharWidth::Utf16.units("a😀");
        assert!(WcharWidth::Utf16.can_cut(&u, 1));
        assert!(!WcharWidth::Utf16.can_cut(&u, 2));
        assert!(WcharWidth::Ucs4.can_cut(&WcharWidth::Ucs4.units("a😀"), 1));
    }

    #[test]
    fn sniffs_the_width_of_a_connection_string() {
        let utf16 = WcharWidth::Utf16.encode("DSN=x");
        let ucs4 = WcharWidth::Ucs4.encode("DSN=x");
        assert_eq!(WcharWidth::sniff(utf16[..4].try_into().unwrap()), Some(WcharWidth::Utf16));
        assert_eq!(WcharWidth::sniff(ucs4[..4].try_into().unwrap()), Some(WcharWidth::Ucs4));
        assert_eq!(WcharWidth::sniff([0; 4]), None);
    }
}
