//! Errors as the driver reports them: each carries its SQLSTATE, a native code and a message a
//! person can act on. Safe code returns these; the FFI layer turns them into diagnostic records.

use std::fmt;

use atlassian_oauth::AuthError;
use sql_mapper::MapperError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OdbcError {
    pub state: &'static str,
    pub native: i32,
    pub message: String,
}

pub type OdbcResult<T> = Result<T, OdbcError>;

impl OdbcError {
    pub fn new(state: &'static str, message: impl Into<String>) -> OdbcError {
        OdbcError { state, native: 0, message: message.into() }
    }
    /// HY010: the call is out of order (fetch before execute, free while connected, ...).
    pub fn sequence(what: impl Into<String>) -> OdbcError {
        OdbcError::new("HY010", what)
    }
    /// HY009: a null pointer where a value is required.
    pub fn null_pointer(what: &str) -> OdbcError {
        OdbcError::new("HY009", format!("Invalid use of null pointer: {what}"))
    }
    /// HY090: a buffer or string length that is negative or otherwise impossible.
    pub fn bad_length(what: &str, value: i64) -> OdbcError {
        OdbcError::new("HY090", format!("Invalid string or buffer length: {what} = {value}"))
    }
    /// HY092: an attribute or option this call does not know.
    pub fn bad_attribute(what: &str, value: i64) -> OdbcError {
        OdbcError::new("HY092", format!("Invalid attribute/option identifier: {what} {value}"))
    }
    /// HYC00: a valid request this driver does not implement.
    pub fn not_implemented(what: impl Into<String>) -> OdbcError {
        OdbcError::new("HYC00", format!("Optional feature not implemented: {}", what.into()))
    }
    /// 07009: a column or parameter number out of range.
    pub fn bad_index(what: &str, n: i64) -> OdbcError {
        OdbcError::new("07009", format!("Invalid descriptor index: {what} {n}"))
    }
}

impl fmt::Display for OdbcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.state, self.message)
    }
}

impl std::error::Error for OdbcError {}

impl From<MapperError> for OdbcError {
    fn from(e: MapperError) -> OdbcError {
        OdbcError::new(e.state.code(), e.message)
    }
}

impl From<AuthError> for OdbcError {
    fn from(e: AuthError) -> OdbcError {
        OdbcError::new(e.sqlstate(), e.to_string())
    }
}
