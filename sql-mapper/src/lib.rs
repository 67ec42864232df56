//! SQL → Atlassian REST. Apache DataFusion is the SQL engine; each Confluence/Jira table is a
//! table provider that pushes filters into JQL/CQL, projections into `fields`, limits into page
//! sizes, and streams pages as Arrow batches.

mod adf;
pub mod catalog;
mod error;
mod field_cache;
mod identifiers;
mod local_time;
pub mod procedures;
pub mod pushdown;
pub mod rest;
mod result_cache;
mod row_limits;
pub mod scan;
mod session;
mod workflow;
mod writes;

pub use catalog::{Catalog, Product};
pub use error::{MapperError, SqlState};

/// Version of the mapper, reported by the driver's `SQLGetInfo(SQL_DRIVER_VER)`.
pub const MAPPER_VERSION: &str = env!("CARGO_PKG_VERSION");

pub use atlassian_oauth::Transport;
/// The typed values a prepared statement's parameters are bound with.
pub use datafusion::common::ScalarValue;
pub use rest::{Flavor, OrgAdmin, SiteConfig};
pub use session::{detect_site, CatalogOptions, ConnectOptions, MapperSession, PreparedStatement, QueryResult, SystemRelations};

/// One cell as display text (tests, the installer's table output): `NULL` for nulls.
pub fn display_cell(array: &dyn datafusion::arrow::array::Array, row: usize) -> String {
    use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
    if array.is_null(row) {
        return "NULL".to_string();
    }
    match ArrayFormatter::try_new(array, &FormatOptions::default()) {
        Ok(f) => f.value(row).to_string(),
        Err(_) => String::new(),
    }
}
