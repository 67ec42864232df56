//! Errors of the mapper, each carrying the SQLSTATE the driver reports and a message a person
//! can act on (Atlassian's own message where it has one).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlState {
    /// 08001: cannot connect.
    CannotConnect,
    /// 08S01: the link failed during the statement.
    LinkFailure,
    /// 28000: credentials refused.
    InvalidAuthorization,
    /// 42000: syntax error or access violation.
    SyntaxOrAccess,
    /// 42S02: unknown table.
    TableNotFound,
    /// 42S22: unknown column.
    ColumnNotFound,
    /// HY000: an error Atlassian reported.
    General,
    /// HYT00: timeout.
    Timeout,
    /// HY008: cancelled.
    Cancelled,
    /// HYC00: not supported by this site.
    NotSupported,
    /// 22018: a value of the wrong type.
    InvalidCharacterValue,
    /// 23000: a required value is missing.
    IntegrityConstraint,
    /// 21S01: an insert's values do not match its column list.
    ValueListMismatch,
    /// 07001: a procedure's arguments do not match its parameters.
    ParameterCount,
}

impl SqlState {
    pub fn code(self) -> &'static str {
        match self {
            SqlState::CannotConnect => "08001",
            SqlState::LinkFailure => "08S01",
            SqlState::InvalidAuthorization => "28000",
            SqlState::SyntaxOrAccess => "42000",
            SqlState::TableNotFound => "42S02",
            SqlState::ColumnNotFound => "42S22",
            SqlState::General => "HY000",
            SqlState::Timeout => "HYT00",
            SqlState::Cancelled => "HY008",
            SqlState::NotSupported => "HYC00",
            SqlState::InvalidCharacterValue => "22018",
            SqlState::IntegrityConstraint => "23000",
            SqlState::ValueListMismatch => "21S01",
            SqlState::ParameterCount => "07001",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapperError {
    pub state: SqlState,
    pub message: String,
    /// The HTTP status Atlassian answered with, when the error is its refusal.
    pub http_status: Option<u16>,
}

impl MapperError {
    pub fn new(state: SqlState, message: impl Into<String>) -> MapperError {
        MapperError { state, message: message.into(), http_status: None }
    }
}

impl fmt::Display for MapperError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.state.code(), self.message)
    }
}

impl std::error::Error for MapperError {}

/// A DataFusion error as the mapper reports it: one raised by our own scans keeps its SQLSTATE;
/// the engine's own are classified by their kind (the innermost, under any context the engine
/// wrapped them in). The driver maps the errors of a result's stream through this too.
pub fn df_error(e: datafusion::error::DataFusionError) -> MapperError {
    use datafusion::common::SchemaError;
    use datafusion::error::DataFusionError;
    // Errors raised by our own scans come back wrapped: keep their SQLSTATE.
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(s) = source {
        if let Some(m) = s.downcast_ref::<MapperError>() {
            return m.clone();
        }
        source = s.source();
    }
    let state = match e.find_root() {
        DataFusionError::SchemaError(s, _) if matches!(**s, SchemaError::FieldNotFound { .. }) => SqlState::ColumnNotFound,
        DataFusionError::SQL(..) | DataFusionError::Plan(_) | DataFusionError::SchemaError(..) => SqlState::SyntaxOrAccess,
        _ => SqlState::General,
    };
    MapperError::new(state, e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::common::{Column, SchemaError};
    use datafusion::error::DataFusionError;

    #[test]
    fn engine_errors_are_classified_by_kind_under_any_context() {
        let missing = DataFusionError::SchemaError(
            Box::new(SchemaError::FieldNotFound { field: Box::new(Column::from_name("x")), valid_fields: vec![] }),
            Box::new(None),
        );
        assert_eq!(df_error(missing).state, SqlState::ColumnNotFound);
        let wrapped = DataFusionError::Context("planning".into(), Box::new(DataFusionError::Plan("no such function".into())));
        assert_eq!(df_error(wrapped).state, SqlState::SyntaxOrAccess);
        assert_eq!(df_error(DataFusionError::Execution("boom".into())).state, SqlState::General);
        // Ours keep their SQLSTATE, however deep.
        let ours = DataFusionError::Context("scan".into(), Box::new(DataFusionError::External(Box::new(MapperError::new(SqlState::NotSupported, "no")))));
        assert_eq!(df_error(ours).state, SqlState::NotSupported);
    }
}
