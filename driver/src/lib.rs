//! `libatlassian_odbc.so`: the ODBC 3.8 driver for Atlassian Confluence and Jira.
//!
//! `ffi` holds every exported C function (and all the code that touches raw pointers); `api` implements them in
//! safe Rust over handles from the `handles` registry; statements run SQL through the mapper
//! (`sql-mapper`) on the driver's tokio runtime and move Arrow batches into application buffers.

#![deny(unsafe_code)]

mod api;
mod catalog_results;
mod connection;
mod connstr;
mod convert;
mod descriptor;
mod diag;
mod environment;
mod error;
pub mod ffi;
pub mod functions;
mod handles;
mod info;
mod logging;
mod oauth_connect;
mod params;
mod properties;
mod runtime;
mod sql_text;
mod statement;
mod system_tables;
mod types;
mod wide;

pub use sql_mapper::MAPPER_VERSION;

/// Entry points for the fuzz targets in `fuzz/` (not part of the driver's API): the text
/// parsers an application's strings reach before anything else.
#[doc(hidden)]
pub mod fuzzing {
    /// Parses a connection string; what parses must print and parse again to the same
    /// properties, with every secret masked in the log form and absent from the out form.
    pub fn connection_string(text: &str) {
        let Ok(p) = crate::connstr::Properties::parse(text) else { return };
        let out = p.to_out_string();
        let again = crate::connstr::Properties::parse(&out).unwrap_or_else(|e| panic!("the out-connection string {out:?} does not parse: {e}"));
        for k in again.keys() {
            assert_eq!(again.get(k), p.get(k), "property {k} changed through {out:?}");
        }
        let shown = p.redacted();
        for k in p.keys().filter(|k| atlassian_oauth::is_secret_property(k)) {
            assert!(shown.contains(&format!("{k}=***;")), "secret {k} not masked in {shown:?}");
            assert!(again.get(k).is_none(), "secret {k} in the out-connection string {out:?}");
        }
    }

    /// ODBC escapes and parameter markers over any text.
    pub fn sql_text(text: &str) {
        let _ = crate::sql_text::parameter_markers(text);
        if let Ok(t) = crate::sql_text::translate_escapes(text) {
            let _ = crate::sql_text::parameter_markers(&t);
        }
    }
}
