//! ODBC escape sequences (`{fn}`, `{d}`, `{ts}`, `{oj}`, `{call}`, `{escape}`) and parameter
//! markers over any text: never a panic, an unbounded recursion or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| atlassian_odbc::fuzzing::sql_text(text));
