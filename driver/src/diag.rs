//! Diagnostic records of one handle: the errors and warnings of its last call, as
//! `SQLGetDiagRec`/`SQLGetDiagField` report them.

use crate::error::{OdbcError, SqlState};

/// The vendor prefixes ODBC messages carry, so a user can tell who is speaking.
pub const MESSAGE_PREFIX: &str = "[Atlassian][ODBC]";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagRecord {
    pub state: SqlState,
    pub native: i32,
    pub message: String,
    /// Row and column a record refers to (`SQL_DIAG_ROW_NUMBER`, `SQL_DIAG_COLUMN_NUMBER`), when known.
    pub row: Option<i64>,
    pub column: Option<i32>,
}

impl DiagRecord {
    pub fn from_error(e: &OdbcError) -> DiagRecord {
        DiagRecord { state: e.state, native: e.native, message: e.message.clone(), row: None, column: None }
    }
    pub fn warning(state: SqlState, message: impl Into<String>) -> DiagRecord {
        DiagRecord { state, native: 0, message: message.into(), row: None, column: None }
    }
    pub fn full_message(&self) -> String {
        format!("{MESSAGE_PREFIX} {}", self.message)
    }
    /// `SQL_DIAG_CLASS_ORIGIN`/`SUBCLASS_ORIGIN`: ISO 9075 for the standard classes, ODBC 3.0 otherwise.
    pub fn class_origin(&self) -> &'static str {
        if self.state.starts_with("IM")
            || self.state.starts_with("HY")
            || self.state.starts_with("01S")
            || self.state.starts_with("07S")
            || self.state.starts_with("08S")
            || self.state.starts_with("21S")
            || self.state.starts_with("42S")
        {
            "ODBC 3.0"
        } else {
            "ISO 9075"
        }
    }
}

/// The records of a handle plus the header fields of its last call.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    pub records: Vec<DiagRecord>,
    /// `SQL_DIAG_RETURNCODE` of the last call.
    pub return_code: i16,
}

impl Diagnostics {
    pub fn clear(&mut self) {
        self.records.clear();
        self.return_code = 0;
    }
    pub fn push(&mut self, r: DiagRecord) {
        // Errors before warnings, as the ODBC ranking of records asks.
        let is_error = !r.state.starts_with("01");
        if is_error {
            let at = self.records.iter().position(|x| x.state.starts_with("01")).unwrap_or(self.records.len());
            self.records.insert(at, r);
        } else {
            self.records.push(r);
        }
    }
    pub fn error(&mut self, e: &OdbcError) {
        self.push(DiagRecord::from_error(e));
    }
    pub fn has_warnings(&self) -> bool {
        !self.records.is_empty()
    }
}
