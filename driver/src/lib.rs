//! `libatlassian_odbc.so`: the ODBC 3.8 driver for Atlassian Confluence and Jira.
//!
//! The C entry points arrive with the driver issue; this crate already builds the
//! shared library the driver manager will load, linked against the mapper and auth crates.

pub use sql_mapper::MAPPER_VERSION;
