//! Errors as the driver reports them: each carries its SQLSTATE, a native code and a message a
//! person can act on. Safe code returns these; the FFI layer turns them into diagnostic records.

use std::fmt;

use atlassian_oauth::AuthError;
use sql_mapper::MapperError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OdbcError {
    pub state: SqlState,
    pub native: i32,
    pub message: String,
}

pub type OdbcResult<T> = Result<T, OdbcError>;

/// A SQLSTATE, by its name in the ODBC reference's appendix A; the five characters only where
/// a diagnostic is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SqlState(&'static str);

impl SqlState {
    /// Invalid use of an automatically allocated descriptor handle.
    pub const AUTOMATIC_DESCRIPTOR: SqlState = SqlState("HY017");
    /// Operation canceled.
    pub const CANCELLED: SqlState = SqlState("HY008");
    /// Client unable to establish connection.
    pub const CANNOT_CONNECT: SqlState = SqlState("08001");
    /// Cannot modify an implementation row descriptor.
    pub const CANNOT_MODIFY_IRD: SqlState = SqlState("HY016");
    /// Attribute cannot be set now.
    pub const CANNOT_SET_NOW: SqlState = SqlState("HY011");
    /// Column not found.
    pub const COLUMN_NOT_FOUND: SqlState = SqlState("42S22");
    /// Column type out of range.
    pub const COLUMN_TYPE_OUT_OF_RANGE: SqlState = SqlState("HY097");
    /// Connection name in use.
    pub const CONNECTION_IN_USE: SqlState = SqlState("08002");
    /// Connection not open.
    pub const CONNECTION_NOT_OPEN: SqlState = SqlState("08003");
    /// COUNT field incorrect.
    pub const COUNT_FIELD_INCORRECT: SqlState = SqlState("07002");
    /// Data source name not found.
    pub const DATA_SOURCE_NOT_FOUND: SqlState = SqlState("IM002");
    /// Datetime field overflow.
    pub const DATETIME_OVERFLOW: SqlState = SqlState("22008");
    /// Attempt to fetch before the result set returned the first rowset.
    pub const FETCH_BEFORE_FIRST_ROWSET: SqlState = SqlState("01S06");
    /// Fetch type out of range.
    pub const FETCH_TYPE_OUT_OF_RANGE: SqlState = SqlState("HY106");
    /// Fractional truncation.
    pub const FRACTIONAL_TRUNCATION: SqlState = SqlState("01S07");
    /// General error.
    pub const GENERAL: SqlState = SqlState("HY000");
    /// Inconsistent descriptor information.
    pub const INCONSISTENT_DESCRIPTOR: SqlState = SqlState("HY021");
    /// Indicator variable required but not supplied.
    pub const INDICATOR_REQUIRED: SqlState = SqlState("22002");
    /// Integrity constraint violation.
    pub const INTEGRITY_CONSTRAINT: SqlState = SqlState("23000");
    /// Invalid application buffer type.
    pub const INVALID_APP_BUFFER_TYPE: SqlState = SqlState("HY003");
    /// Invalid attribute/option identifier.
    pub const INVALID_ATTRIBUTE: SqlState = SqlState("HY092");
    /// Invalid attribute value.
    pub const INVALID_ATTRIBUTE_VALUE: SqlState = SqlState("HY024");
    /// Invalid authorization specification.
    pub const INVALID_AUTHORIZATION: SqlState = SqlState("28000");
    /// Invalid character value for cast specification.
    pub const INVALID_CHARACTER_VALUE: SqlState = SqlState("22018");
    /// Invalid cursor name.
    pub const INVALID_CURSOR_NAME: SqlState = SqlState("34000");
    /// Invalid cursor state.
    pub const INVALID_CURSOR_STATE: SqlState = SqlState("24000");
    /// Invalid datetime format.
    pub const INVALID_DATETIME_FORMAT: SqlState = SqlState("22007");
    /// Invalid descriptor field identifier.
    pub const INVALID_DESCRIPTOR_FIELD: SqlState = SqlState("HY091");
    /// Invalid descriptor index.
    pub const INVALID_DESCRIPTOR_INDEX: SqlState = SqlState("07009");
    /// Invalid driver completion.
    pub const INVALID_DRIVER_COMPLETION: SqlState = SqlState("HY110");
    /// Invalid escape sequence.
    pub const INVALID_ESCAPE: SqlState = SqlState("22025");
    /// Invalid information type.
    pub const INVALID_INFO_TYPE: SqlState = SqlState("HY096");
    /// Invalid connection string attribute.
    pub const INVALID_KEYWORD: SqlState = SqlState("01S00");
    /// Invalid string or buffer length.
    pub const INVALID_LENGTH: SqlState = SqlState("HY090");
    /// Invalid parameter type.
    pub const INVALID_PARAMETER_TYPE: SqlState = SqlState("HY105");
    /// Invalid SQL data type.
    pub const INVALID_SQL_TYPE: SqlState = SqlState("HY004");
    /// Invalid transaction operation code.
    pub const INVALID_TRANSACTION_CODE: SqlState = SqlState("HY012");
    /// Communication link failure.
    pub const LINK_FAILURE: SqlState = SqlState("08S01");
    /// Memory allocation error.
    pub const MEMORY: SqlState = SqlState("HY001");
    /// Prepared statement not a cursor-specification.
    pub const NOT_CURSOR_SPECIFICATION: SqlState = SqlState("07005");
    /// Optional feature not implemented.
    pub const NOT_IMPLEMENTED: SqlState = SqlState("HYC00");
    /// Associated statement is not prepared.
    pub const NOT_PREPARED: SqlState = SqlState("HY007");
    /// Invalid use of null pointer.
    pub const NULL_POINTER: SqlState = SqlState("HY009");
    /// Numeric value out of range.
    pub const NUMERIC_OUT_OF_RANGE: SqlState = SqlState("22003");
    /// Option value changed.
    pub const OPTION_VALUE_CHANGED: SqlState = SqlState("01S02");
    /// Restricted data type attribute violation.
    pub const RESTRICTED_DATA_TYPE: SqlState = SqlState("07006");
    /// Row value out of range.
    pub const ROW_OUT_OF_RANGE: SqlState = SqlState("HY107");
    /// Function sequence error.
    pub const SEQUENCE: SqlState = SqlState("HY010");
    /// String data, right truncated.
    pub const STRING_TRUNCATED: SqlState = SqlState("01004");
    /// Syntax error or access violation.
    pub const SYNTAX_OR_ACCESS: SqlState = SqlState("42000");
    /// Base table or view not found.
    pub const TABLE_NOT_FOUND: SqlState = SqlState("42S02");
    /// Timeout expired.
    pub const TIMEOUT: SqlState = SqlState("HYT00");
    /// Uniqueness option type out of range.
    pub const UNIQUENESS_OPTION_OUT_OF_RANGE: SqlState = SqlState("HY100");
    /// Insert value list does not match column list.
    pub const VALUE_LIST_MISMATCH: SqlState = SqlState("21S01");
    /// General warning.
    pub const WARNING: SqlState = SqlState("01000");
    /// Wrong number of parameters.
    pub const WRONG_PARAMETER_COUNT: SqlState = SqlState("07001");

    /// The five characters.
    pub fn code(self) -> &'static str {
        self.0
    }

    /// The SQLSTATE the mapper named.
    pub fn of_mapper(s: sql_mapper::SqlState) -> SqlState {
        use sql_mapper::SqlState as M;
        match s {
            M::CannotConnect => SqlState::CANNOT_CONNECT,
            M::LinkFailure => SqlState::LINK_FAILURE,
            M::InvalidAuthorization => SqlState::INVALID_AUTHORIZATION,
            M::SyntaxOrAccess => SqlState::SYNTAX_OR_ACCESS,
            M::TableNotFound => SqlState::TABLE_NOT_FOUND,
            M::ColumnNotFound => SqlState::COLUMN_NOT_FOUND,
            M::General => SqlState::GENERAL,
            M::Timeout => SqlState::TIMEOUT,
            M::Cancelled => SqlState::CANCELLED,
            M::NotSupported => SqlState::NOT_IMPLEMENTED,
            M::InvalidCharacterValue => SqlState::INVALID_CHARACTER_VALUE,
            M::IntegrityConstraint => SqlState::INTEGRITY_CONSTRAINT,
            M::ValueListMismatch => SqlState::VALUE_LIST_MISMATCH,
            M::ParameterCount => SqlState::WRONG_PARAMETER_COUNT,
        }
    }

    /// The SQLSTATE of an authentication failure.
    pub fn of_auth(e: &AuthError) -> SqlState {
        match e {
            AuthError::Configuration(_) => SqlState::CANNOT_CONNECT,
            AuthError::Rejected(_) | AuthError::Revoked(_) => SqlState::INVALID_AUTHORIZATION,
        }
    }
}

impl std::ops::Deref for SqlState {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl PartialEq<&str> for SqlState {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl fmt::Display for SqlState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl OdbcError {
    pub fn new(state: SqlState, message: impl Into<String>) -> OdbcError {
        OdbcError { state, native: 0, message: message.into() }
    }
    /// HY010: the call is out of order (fetch before execute, free while connected, ...).
    pub fn sequence(what: impl Into<String>) -> OdbcError {
        OdbcError::new(SqlState::SEQUENCE, what)
    }
    /// HY009: a null pointer where a value is required.
    pub fn null_pointer(what: &str) -> OdbcError {
        OdbcError::new(SqlState::NULL_POINTER, format!("Invalid use of null pointer: {what}"))
    }
    /// HY090: a buffer or string length that is negative or otherwise impossible.
    pub fn bad_length(what: &str, value: i64) -> OdbcError {
        OdbcError::new(SqlState::INVALID_LENGTH, format!("Invalid string or buffer length: {what} = {value}"))
    }
    /// HY092: an attribute or option this call does not know.
    pub fn bad_attribute(what: &str, value: i64) -> OdbcError {
        OdbcError::new(SqlState::INVALID_ATTRIBUTE, format!("Invalid attribute/option identifier: {what} {value}"))
    }
    /// HYC00: a valid request this driver does not implement.
    pub fn not_implemented(what: impl Into<String>) -> OdbcError {
        OdbcError::new(SqlState::NOT_IMPLEMENTED, format!("Optional feature not implemented: {}", what.into()))
    }
    /// 07009: a column or parameter number out of range.
    pub fn bad_index(what: &str, n: i64) -> OdbcError {
        OdbcError::new(SqlState::INVALID_DESCRIPTOR_INDEX, format!("Invalid descriptor index: {what} {n}"))
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
        OdbcError::new(SqlState::of_mapper(e.state), e.message)
    }
}

impl From<AuthError> for OdbcError {
    fn from(e: AuthError) -> OdbcError {
        OdbcError::new(SqlState::of_auth(&e), e.to_string())
    }
}
