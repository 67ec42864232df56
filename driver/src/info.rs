//! `SQLGetInfo`: what the driver and the data source can do, answered for every information
//! type of ODBC 3.8 that applications ask. Unknown types get `HY096`, never a guess.

use crate::connection::SiteInfo;

pub enum InfoValue {
    Str(String),
    U16(u16),
    U32(u32),
    ULen(u64),
}

use InfoValue::{Str, U16, U32};

/// The `SQLGetInfo` types this driver answers, by their names in sql.h/sqlext.h (the system
/// table `sys_sqlinfo` lists them with their values).
pub const NAMED: &[(&str, u16)] = &[
    ("SQL_MAX_DRIVER_CONNECTIONS", 0),
    ("SQL_MAX_CONCURRENT_ACTIVITIES", 1),
    ("SQL_DATA_SOURCE_NAME", 2),
    ("SQL_DRIVER_NAME", 6),
    ("SQL_DRIVER_VER", 7),
    ("SQL_FETCH_DIRECTION", 8),
    ("SQL_ODBC_API_CONFORMANCE", 9),
    ("SQL_ODBC_VER", 10),
    ("SQL_ROW_UPDATES", 11),
    ("SQL_ODBC_SAG_CLI_CONFORMANCE", 12),
    ("SQL_SERVER_NAME", 13),
    ("SQL_SEARCH_PATTERN_ESCAPE", 14),
    ("SQL_ODBC_SQL_CONFORMANCE", 15),
    ("SQL_DATABASE_NAME", 16),
    ("SQL_DBMS_NAME", 17),
    ("SQL_DBMS_VER", 18),
    ("SQL_ACCESSIBLE_TABLES", 19),
    ("SQL_ACCESSIBLE_PROCEDURES", 20),
    ("SQL_PROCEDURES", 21),
    ("SQL_CONCAT_NULL_BEHAVIOR", 22),
    ("SQL_CURSOR_COMMIT_BEHAVIOR", 23),
    ("SQL_CURSOR_ROLLBACK_BEHAVIOR", 24),
    ("SQL_DATA_SOURCE_READ_ONLY", 25),
    ("SQL_DEFAULT_TXN_ISOLATION", 26),
    ("SQL_EXPRESSIONS_IN_ORDERBY", 27),
    ("SQL_IDENTIFIER_CASE", 28),
    ("SQL_IDENTIFIER_QUOTE_CHAR", 29),
    ("SQL_MAX_COLUMN_NAME_LEN", 30),
    ("SQL_MAX_CURSOR_NAME_LEN", 31),
    ("SQL_MAX_SCHEMA_NAME_LEN", 32),
    ("SQL_MAX_PROCEDURE_NAME_LEN", 33),
    ("SQL_MAX_CATALOG_NAME_LEN", 34),
    ("SQL_MAX_TABLE_NAME_LEN", 35),
    ("SQL_MULT_RESULT_SETS", 36),
    ("SQL_MULTIPLE_ACTIVE_TXN", 37),
    ("SQL_OUTER_JOINS", 38),
    ("SQL_SCHEMA_TERM", 39),
    ("SQL_PROCEDURE_TERM", 40),
    ("SQL_CATALOG_NAME_SEPARATOR", 41),
    ("SQL_CATALOG_TERM", 42),
    ("SQL_SCROLL_CONCURRENCY", 43),
    ("SQL_SCROLL_OPTIONS", 44),
    ("SQL_TABLE_TERM", 45),
    ("SQL_TXN_CAPABLE", 46),
    ("SQL_USER_NAME", 47),
    ("SQL_CONVERT_FUNCTIONS", 48),
    ("SQL_NUMERIC_FUNCTIONS", 49),
    ("SQL_STRING_FUNCTIONS", 50),
    ("SQL_SYSTEM_FUNCTIONS", 51),
    ("SQL_TIMEDATE_FUNCTIONS", 52),
    ("SQL_CONVERT_BIT", 55),
    ("SQL_TIMEDATE_ADD_INTERVALS", 109),
    ("SQL_TIMEDATE_DIFF_INTERVALS", 110),
    ("SQL_CONVERT_BIGINT", 53),
    ("SQL_CONVERT_CHAR", 56),
    ("SQL_CONVERT_DECIMAL", 58),
    ("SQL_CONVERT_DOUBLE", 59),
    ("SQL_CONVERT_FLOAT", 60),
    ("SQL_CONVERT_INTEGER", 61),
    ("SQL_CONVERT_LONGVARCHAR", 62),
    ("SQL_CONVERT_NUMERIC", 63),
    ("SQL_CONVERT_REAL", 64),
    ("SQL_CONVERT_SMALLINT", 65),
    ("SQL_CONVERT_TINYINT", 68),
    ("SQL_CONVERT_VARCHAR", 70),
    ("SQL_CONVERT_WCHAR", 122),
    ("SQL_CONVERT_WLONGVARCHAR", 125),
    ("SQL_CONVERT_WVARCHAR", 126),
    ("SQL_CONVERT_DATE", 57),
    ("SQL_CONVERT_TIME", 66),
    ("SQL_CONVERT_TIMESTAMP", 67),
    ("SQL_TXN_ISOLATION_OPTION", 72),
    ("SQL_INTEGRITY", 73),
    ("SQL_CORRELATION_NAME", 74),
    ("SQL_NON_NULLABLE_COLUMNS", 75),
    ("SQL_DRIVER_HLIB", 76),
    ("SQL_DRIVER_ODBC_VER", 77),
    ("SQL_LOCK_TYPES", 78),
    ("SQL_POS_OPERATIONS", 79),
    ("SQL_POSITIONED_STATEMENTS", 80),
    ("SQL_GETDATA_EXTENSIONS", 81),
    ("SQL_BOOKMARK_PERSISTENCE", 82),
    ("SQL_STATIC_SENSITIVITY", 83),
    ("SQL_FILE_USAGE", 84),
    ("SQL_NULL_COLLATION", 85),
    ("SQL_ALTER_TABLE", 86),
    ("SQL_COLUMN_ALIAS", 87),
    ("SQL_GROUP_BY", 88),
    ("SQL_KEYWORDS", 89),
    ("SQL_ORDER_BY_COLUMNS_IN_SELECT", 90),
    ("SQL_SCHEMA_USAGE", 91),
    ("SQL_CATALOG_USAGE", 92),
    ("SQL_QUOTED_IDENTIFIER_CASE", 93),
    ("SQL_SPECIAL_CHARACTERS", 94),
    ("SQL_SUBQUERIES", 95),
    ("SQL_UNION", 96),
    ("SQL_MAX_INDEX_SIZE", 102),
    ("SQL_MAX_ROW_SIZE_INCLUDES_LONG", 103),
    ("SQL_MAX_ROW_SIZE", 104),
    ("SQL_MAX_STATEMENT_LEN", 105),
    ("SQL_MAX_TABLES_IN_SELECT", 106),
    ("SQL_MAX_USER_NAME_LEN", 107),
    ("SQL_MAX_CHAR_LITERAL_LEN", 108),
    ("SQL_NEED_LONG_DATA_LEN", 111),
    ("SQL_MAX_BINARY_LITERAL_LEN", 112),
    ("SQL_LIKE_ESCAPE_CLAUSE", 113),
    ("SQL_CATALOG_LOCATION", 114),
    ("SQL_OJ_CAPABILITIES", 115),
    ("SQL_ACTIVE_ENVIRONMENTS", 116),
    ("SQL_ALTER_DOMAIN", 117),
    ("SQL_SQL_CONFORMANCE", 118),
    ("SQL_DATETIME_LITERALS", 119),
    ("SQL_BATCH_ROW_COUNT", 120),
    ("SQL_BATCH_SUPPORT", 121),
    ("SQL_COLLATION_SEQ", 134),
    ("SQL_STATIC_CURSOR_ATTRIBUTES1", 167),
    ("SQL_STATIC_CURSOR_ATTRIBUTES2", 168),
    ("SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1", 146),
    ("SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES2", 147),
    ("SQL_INDEX_KEYWORDS", 148),
    ("SQL_INFO_SCHEMA_VIEWS", 149),
    ("SQL_ODBC_INTERFACE_CONFORMANCE", 152),
    ("SQL_PARAM_ARRAY_ROW_COUNTS", 153),
    ("SQL_PARAM_ARRAY_SELECTS", 154),
    ("SQL_SQL92_DATETIME_FUNCTIONS", 155),
    ("SQL_SQL92_NUMERIC_VALUE_FUNCTIONS", 159),
    ("SQL_SQL92_PREDICATES", 160),
    ("SQL_SQL92_RELATIONAL_JOIN_OPERATORS", 161),
    ("SQL_SQL92_STRING_FUNCTIONS", 164),
    ("SQL_SQL92_VALUE_EXPRESSIONS", 165),
    ("SQL_STANDARD_CLI_CONFORMANCE", 166),
    ("SQL_AGGREGATE_FUNCTIONS", 169),
    ("SQL_DDL_INDEX", 170),
    ("SQL_DM_VER", 171),
    ("SQL_INSERT_STATEMENT", 172),
    ("SQL_XOPEN_CLI_YEAR", 10000),
    ("SQL_CURSOR_SENSITIVITY", 10001),
    ("SQL_DESCRIBE_PARAMETER", 10002),
    ("SQL_CATALOG_NAME", 10003),
    ("SQL_MAX_IDENTIFIER_LEN", 10005),
    ("SQL_ASYNC_MODE", 10021),
    ("SQL_MAX_ASYNC_CONCURRENT_STATEMENTS", 10022),
    ("SQL_ASYNC_DBC_FUNCTIONS", 10023),
    ("SQL_DRIVER_AWARE_POOLING_SUPPORTED", 10024),
    ("SQL_ASYNC_NOTIFICATION", 10025),
    ("SQL_DTC_TRANSITION_COST", 1750),
];

fn yn(b: bool) -> InfoValue {
    Str(if b { "Y" } else { "N" }.to_string())
}

pub const DRIVER_VERSION: &str = "00.01.0000";

/// ODBC SQL_CVT_* bits for the CAST conversions the engine supports.
mod cvt {
    pub const CHAR: u32 = 0x1;
    pub const NUMERIC: u32 = 0x2;
    pub const DECIMAL: u32 = 0x4;
    pub const INTEGER: u32 = 0x8;
    pub const SMALLINT: u32 = 0x10;
    pub const FLOAT: u32 = 0x20;
    pub const REAL: u32 = 0x40;
    pub const DOUBLE: u32 = 0x80;
    pub const VARCHAR: u32 = 0x100;
    pub const LONGVARCHAR: u32 = 0x200;
    pub const BIT: u32 = 0x1000;
    pub const TINYINT: u32 = 0x2000;
    pub const BIGINT: u32 = 0x4000;
    pub const DATE: u32 = 0x8000;
    pub const TIME: u32 = 0x10000;
    pub const TIMESTAMP: u32 = 0x20000;
    pub const WCHAR: u32 = 0x200000;
    pub const WLONGVARCHAR: u32 = 0x400000;
    pub const WVARCHAR: u32 = 0x800000;
    pub const TEXT: u32 = CHAR | VARCHAR | LONGVARCHAR | WCHAR | WVARCHAR | WLONGVARCHAR;
    pub const NUMBERS: u32 = NUMERIC | DECIMAL | INTEGER | SMALLINT | FLOAT | REAL | DOUBLE | BIT | TINYINT | BIGINT;
}

/// The value of information type `info`, or `None` for a type this driver does not know.
pub fn get_info(info: u16, site: &SiteInfo, handles: (u64, u64)) -> Option<InfoValue> {
    Some(match info {
        // Driver and data source.
        0 => U16(0),                                   // SQL_MAX_DRIVER_CONNECTIONS: no limit
        1 => U16(0),                                   // SQL_MAX_CONCURRENT_ACTIVITIES
        2 => Str(site.dsn.clone()),                    // SQL_DATA_SOURCE_NAME
        3 => InfoValue::ULen(handles.0),               // SQL_DRIVER_HDBC
        4 => InfoValue::ULen(handles.1),               // SQL_DRIVER_HENV
        6 => Str("libatlassian_odbc.so".into()),       // SQL_DRIVER_NAME
        7 => Str(DRIVER_VERSION.into()),               // SQL_DRIVER_VER
        8 => U32(0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20), // SQL_FETCH_DIRECTION: NEXT, FIRST, LAST, PRIOR, ABSOLUTE, RELATIVE (static cursors)
        9 => U16(1),                                   // SQL_ODBC_API_CONFORMANCE: level 1
        10 => Str("03.80".into()),                     // SQL_ODBC_VER (the driver manager normally answers)
        11 => yn(false),                               // SQL_ROW_UPDATES
        12 => U16(1),                                  // SQL_ODBC_SAG_CLI_CONFORMANCE
        13 => Str(site.host.clone()),                  // SQL_SERVER_NAME
        14 => Str("\\".into()),                        // SQL_SEARCH_PATTERN_ESCAPE
        15 => U16(1),                                  // SQL_ODBC_SQL_CONFORMANCE: core
        16 => Str(String::new()),                      // SQL_DATABASE_NAME: no catalogs
        17 => Str(if site.cloud { "Atlassian Cloud (Jira, Confluence)" } else { "Atlassian Data Center (Jira, Confluence)" }.into()), // SQL_DBMS_NAME
        18 => Str(dbms_version(&site.version)),        // SQL_DBMS_VER
        19 => yn(true),                                // SQL_ACCESSIBLE_TABLES
        20 => yn(true),                                // SQL_ACCESSIBLE_PROCEDURES
        21 => yn(true),                                // SQL_PROCEDURES
        22 => U16(0),                                  // SQL_CONCAT_NULL_BEHAVIOR: SQL_CB_NULL
        23 => U16(2),                                  // SQL_CURSOR_COMMIT_BEHAVIOR: SQL_CB_PRESERVE
        24 => U16(2),                                  // SQL_CURSOR_ROLLBACK_BEHAVIOR
        25 => yn(site.read_only),                      // SQL_DATA_SOURCE_READ_ONLY
        26 => U32(0),                                  // SQL_DEFAULT_TXN_ISOLATION: no transactions
        27 => yn(true),                                // SQL_EXPRESSIONS_IN_ORDERBY
        28 => U16(4),                                  // SQL_IDENTIFIER_CASE: SQL_IC_MIXED (case-insensitive)
        29 => Str("\"".into()),                        // SQL_IDENTIFIER_QUOTE_CHAR
        30 => U16(128),                                // SQL_MAX_COLUMN_NAME_LEN
        31 => U16(128),                                // SQL_MAX_CURSOR_NAME_LEN
        32 => U16(128),                                // SQL_MAX_SCHEMA_NAME_LEN
        33 => U16(128),                                // SQL_MAX_PROCEDURE_NAME_LEN
        34 => U16(0),                                  // SQL_MAX_CATALOG_NAME_LEN
        35 => U16(128),                                // SQL_MAX_TABLE_NAME_LEN
        36 => yn(false),                               // SQL_MULT_RESULT_SETS
        37 => yn(true),                                // SQL_MULTIPLE_ACTIVE_TXN
        38 => yn(true),                                // SQL_OUTER_JOINS
        39 => Str("schema".into()),                    // SQL_SCHEMA_TERM
        40 => Str("procedure".into()),                 // SQL_PROCEDURE_TERM
        41 => Str(String::new()),                      // SQL_CATALOG_NAME_SEPARATOR
        42 => Str(String::new()),                      // SQL_CATALOG_TERM
        43 => U32(1),                                  // SQL_SCROLL_CONCURRENCY: SQL_SCCO_READ_ONLY
        44 => U32(0x1 | 0x10),                         // SQL_SCROLL_OPTIONS: SQL_SO_FORWARD_ONLY, SQL_SO_STATIC
        45 => Str("table".into()),                     // SQL_TABLE_TERM
        46 => U16(0),                                  // SQL_TXN_CAPABLE: SQL_TC_NONE
        47 => Str(site.user.clone()),                  // SQL_USER_NAME
        48 => U32(0x3),                                // SQL_CONVERT_FUNCTIONS: CONVERT, CAST
        49 => U32(0xFF_FFFF),                          // SQL_NUMERIC_FUNCTIONS: all ODBC numeric functions
        50 => U32(0xFF_FFFF & !0x8000 & !0x20000),     // SQL_STRING_FUNCTIONS: all but DIFFERENCE, SOUNDEX
        51 => U32(0x2 | 0x4),                          // SQL_SYSTEM_FUNCTIONS: DBNAME, IFNULL
        52 => U32(0x1F_FFFF),                          // SQL_TIMEDATE_FUNCTIONS: all
        53 | 59 | 60 | 61 | 64 | 65 | 68 => U32(cvt::TEXT | cvt::NUMBERS), // SQL_CONVERT_<numeric types>
        // The engine casts no decimal to a boolean, nor back.
        58 | 63 => U32(cvt::TEXT | (cvt::NUMBERS & !cvt::BIT)), // SQL_CONVERT_DECIMAL, SQL_CONVERT_NUMERIC
        55 => U32(cvt::TEXT | (cvt::NUMBERS & !(cvt::DECIMAL | cvt::NUMERIC))), // SQL_CONVERT_BIT
        56 | 62 | 70 | 122 | 125 | 126 => U32(cvt::TEXT | cvt::NUMBERS | cvt::DATE | cvt::TIME | cvt::TIMESTAMP), // SQL_CONVERT_<text types>
        57 => U32(cvt::TEXT | cvt::DATE | cvt::TIMESTAMP),      // SQL_CONVERT_DATE
        66 => U32(cvt::TEXT | cvt::TIME),                       // SQL_CONVERT_TIME
        67 => U32(cvt::TEXT | cvt::DATE | cvt::TIMESTAMP | cvt::TIME), // SQL_CONVERT_TIMESTAMP
        54 | 69 | 71 | 123 | 124 | 173 => U32(0),               // BINARY, VARBINARY, LONGVARBINARY, INTERVAL_*, GUID
        72 => U32(0),                                           // SQL_TXN_ISOLATION_OPTION
        73 => yn(false),                                        // SQL_INTEGRITY
        74 => U16(2),                                           // SQL_CORRELATION_NAME: SQL_CN_ANY
        75 => U16(1),                                           // SQL_NON_NULLABLE_COLUMNS: SQL_NNC_NON_NULL
        76 => InfoValue::ULen(0),                               // SQL_DRIVER_HLIB (the driver manager answers)
        77 => Str("03.80".into()),                              // SQL_DRIVER_ODBC_VER
        78 => U32(0x1),                                         // SQL_LOCK_TYPES: SQL_LCK_NO_CHANGE
        79 => U32(0x1 | 0x2),                                   // SQL_POS_OPERATIONS: SQL_POS_POSITION, SQL_POS_REFRESH
        80 => U32(0),                                           // SQL_POSITIONED_STATEMENTS
        81 => U32(0x1 | 0x2 | 0x4 | 0x8), // SQL_GETDATA_EXTENSIONS: ANY_COLUMN, ANY_ORDER, BLOCK (SQLSetPos then SQLGetData in a rowset), BOUND
        82 => U32(0),                     // SQL_BOOKMARK_PERSISTENCE
        83 => U32(0),                     // SQL_STATIC_SENSITIVITY
        84 => U16(0),                     // SQL_FILE_USAGE: not a file driver
        85 => U16(0),                     // SQL_NULL_COLLATION: SQL_NC_HIGH (NULLs last ascending)
        86 => U32(0),                     // SQL_ALTER_TABLE
        87 => yn(true),                   // SQL_COLUMN_ALIAS
        88 => U16(2),                     // SQL_GROUP_BY: SQL_GB_GROUP_BY_CONTAINS_SELECT
        89 => Str("JQL,CQL".into()),      // SQL_KEYWORDS beyond ODBC's reserved words
        90 => yn(false),                  // SQL_ORDER_BY_COLUMNS_IN_SELECT
        91 => U32(0x1 | 0x2),             // SQL_SCHEMA_USAGE: DML, procedure invocation
        92 => U32(0),                     // SQL_CATALOG_USAGE
        93 => U16(4),                     // SQL_QUOTED_IDENTIFIER_CASE: SQL_IC_MIXED
        94 => Str(" ".into()),            // SQL_SPECIAL_CHARACTERS (custom field names carry spaces)
        95 => U32(0x1 | 0x2 | 0x4 | 0x10), // SQL_SUBQUERIES: comparison, EXISTS, IN, correlated
        96 => U32(0x1 | 0x2),             // SQL_UNION: UNION, UNION ALL
        97..=101 => U16(0),               // SQL_MAX_COLUMNS_IN_GROUP_BY/INDEX/ORDER_BY/SELECT/TABLE
        102 => U32(0),                    // SQL_MAX_INDEX_SIZE
        103 => yn(true),                  // SQL_MAX_ROW_SIZE_INCLUDES_LONG
        104 => U32(0),                    // SQL_MAX_ROW_SIZE
        105 => U32(0),                    // SQL_MAX_STATEMENT_LEN
        106 => U16(0),                    // SQL_MAX_TABLES_IN_SELECT
        107 => U16(128),                  // SQL_MAX_USER_NAME_LEN
        108 => U32(0),                    // SQL_MAX_CHAR_LITERAL_LEN
        109 | 110 => U32(0x1FF),          // SQL_TIMEDATE_ADD_INTERVALS / DIFF_INTERVALS
        111 => yn(false),                 // SQL_NEED_LONG_DATA_LEN
        112 => U32(0),                    // SQL_MAX_BINARY_LITERAL_LEN
        113 => yn(true),                  // SQL_LIKE_ESCAPE_CLAUSE
        114 => U16(0),                    // SQL_CATALOG_LOCATION
        115 => U32(0x7F),                 // SQL_OJ_CAPABILITIES: all
        116 => U16(0),                    // SQL_ACTIVE_ENVIRONMENTS
        117 => U32(0),                    // SQL_ALTER_DOMAIN
        118 => U32(1),                    // SQL_SQL_CONFORMANCE: SQL92 entry
        119 => U32(0x7),                  // SQL_DATETIME_LITERALS: DATE, TIME, TIMESTAMP
        120 => U32(0),                    // SQL_BATCH_ROW_COUNT
        121 => U32(0),                    // SQL_BATCH_SUPPORT
        127..=133 | 135..=143 => U32(0),  // SQL_CREATE_*/SQL_DROP_* (no DDL)
        134 => Str(String::new()),        // SQL_COLLATION_SEQ (deprecated id)
        144 | 145 | 150 | 151 => U32(0),  // dynamic and keyset cursor attributes
        167 => U32(0x1 | 0x2 | 0x4 | 0x40 | 0x200 | 0x1000), // SQL_STATIC_CURSOR_ATTRIBUTES1: NEXT, ABSOLUTE, RELATIVE, LOCK_NO_CHANGE, POS_POSITION, POS_REFRESH
        168 => U32(0x1 | 0x80),                              // SQL_STATIC_CURSOR_ATTRIBUTES2: READ_ONLY_CONCURRENCY, MAX_ROWS_SELECT
        146 => U32(0x1 | 0x40 | 0x200 | 0x1000),             // SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1: NEXT, LOCK_NO_CHANGE, POS_POSITION, POS_REFRESH
        147 => U32(0x1 | 0x80),                              // SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES2: READ_ONLY_CONCURRENCY, MAX_ROWS_SELECT
        148 => U32(0),                                       // SQL_INDEX_KEYWORDS: SQL_IK_NONE
        149 => U32(0),                                       // SQL_INFO_SCHEMA_VIEWS
        152 => U32(1),                                       // SQL_ODBC_INTERFACE_CONFORMANCE: core
        153 => U32(2),                                       // SQL_PARAM_ARRAY_ROW_COUNTS: SQL_PARC_NO_BATCH
        154 => U32(3),                                       // SQL_PARAM_ARRAY_SELECTS: SQL_PAS_NO_SELECT
        155 => U32(0x7),                                     // SQL_SQL92_DATETIME_FUNCTIONS
        156 | 157 | 158 | 162 | 163 => U32(0),               // FK rules, GRANT, REVOKE, row value constructor
        159 => U32(0x3F),                                    // SQL_SQL92_NUMERIC_VALUE_FUNCTIONS
        160 => U32(0x1 | 0x2 | 0x4 | 0x200 | 0x400 | 0x800 | 0x1000), // SQL_SQL92_PREDICATES
        161 => U32(0x2 | 0x8 | 0x10 | 0x40 | 0x80 | 0x100),  // SQL_SQL92_RELATIONAL_JOIN_OPERATORS
        164 => U32(0xFE),                                    // SQL_SQL92_STRING_FUNCTIONS
        165 => U32(0xF),                                     // SQL_SQL92_VALUE_EXPRESSIONS: CASE, CAST, COALESCE, NULLIF
        166 => U32(1),                                       // SQL_STANDARD_CLI_CONFORMANCE: X/Open CLI 1
        169 => U32(0x7F),                                    // SQL_AGGREGATE_FUNCTIONS: all
        170 => U32(0),                                       // SQL_DDL_INDEX
        171 => Str(DRIVER_VERSION.into()),                   // SQL_DM_VER (the driver manager answers)
        172 => U32(0),                                       // SQL_INSERT_STATEMENT
        10000 => Str("1995".into()),                         // SQL_XOPEN_CLI_YEAR
        10001 => U32(1),                                     // SQL_CURSOR_SENSITIVITY: SQL_INSENSITIVE
        10002 => yn(true),                                   // SQL_DESCRIBE_PARAMETER
        10003 => yn(false),                                  // SQL_CATALOG_NAME
        10004 => Str(String::new()),                         // SQL_COLLATION_SEQ
        10005 => U16(128),                                   // SQL_MAX_IDENTIFIER_LEN
        10021 => U32(0),                                     // SQL_ASYNC_MODE: SQL_AM_NONE
        10022 => U32(0),                                     // SQL_MAX_ASYNC_CONCURRENT_STATEMENTS
        10023 => U32(0),                                     // SQL_ASYNC_DBC_FUNCTIONS: not capable
        10024 => U32(0),                                     // SQL_DRIVER_AWARE_POOLING_SUPPORTED: not capable
        10025 => U32(0),                                     // SQL_ASYNC_NOTIFICATION: not capable
        1750 => U32(0),                                      // SQL_DTC_TRANSITION_COST
        _ => return None,
    })
}

/// `##.##.####` from a product version like `9.12.2` (Cloud: `1001.0.0-SNAPSHOT`).
fn dbms_version(v: &str) -> String {
    let nums: Vec<u32> = v.split(['.', '-']).take(3).map(|p| p.parse().unwrap_or(0)).collect();
    if v.is_empty() || nums.is_empty() {
        return "00.00.0000".into();
    }
    format!("{:02}.{:02}.{:04}", nums[0], nums.get(1).copied().unwrap_or(0), nums.get(2).copied().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_unknown_types() {
        assert_eq!(dbms_version("9.12.2"), "09.12.0002");
        assert!(get_info(9999, &SiteInfo::default(), (0, 0)).is_none());
        assert!(matches!(get_info(77, &SiteInfo::default(), (0, 0)), Some(Str(s)) if s == "03.80"));
    }
}
