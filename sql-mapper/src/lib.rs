//! SQL → Atlassian REST. The catalog, pushdown and DataFusion providers arrive with the SQL issue.

/// Version of the mapper, reported by the driver's `SQLGetInfo(SQL_DRIVER_VER)`.
pub const MAPPER_VERSION: &str = env!("CARGO_PKG_VERSION");
