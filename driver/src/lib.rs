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
mod types;

pub use sql_mapper::MAPPER_VERSION;
