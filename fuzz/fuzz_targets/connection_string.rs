//! Connection strings and DSN text: never a panic; what parses prints and parses again to the
//! same properties, with secrets masked in logs and absent from the out-connection string.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| atlassian_odbc::fuzzing::connection_string(text));
