//! `SQLGetFunctions`: exactly the functions this library exports. The driver manager disables
//! whatever the bitmap leaves out, and calls whatever it includes, so the two must agree
//! (a test checks the bitmap against the library's exported symbols).

/// `SQL_API_*` identifiers of the exported functions, with their names.
pub const EXPORTED: &[(u16, &str)] = &[
    (4, "SQLBindCol"),
    (5, "SQLCancel"),
    (6, "SQLColAttribute"),
    (7, "SQLConnect"),
    (8, "SQLDescribeCol"),
    (9, "SQLDisconnect"),
    (11, "SQLExecDirect"),
    (12, "SQLExecute"),
    (13, "SQLFetch"),
    (16, "SQLFreeStmt"),
    (17, "SQLGetCursorName"),
    (18, "SQLNumResultCols"),
    (19, "SQLPrepare"),
    (20, "SQLRowCount"),
    (21, "SQLSetCursorName"),
    (40, "SQLColumns"),
    (41, "SQLDriverConnect"),
    (43, "SQLGetData"),
    (44, "SQLGetFunctions"),
    (45, "SQLGetInfo"),
    (47, "SQLGetTypeInfo"),
    (48, "SQLParamData"),
    (49, "SQLPutData"),
    (52, "SQLSpecialColumns"),
    (53, "SQLStatistics"),
    (54, "SQLTables"),
    (58, "SQLDescribeParam"),
    (59, "SQLExtendedFetch"),
    (60, "SQLForeignKeys"),
    (61, "SQLMoreResults"),
    (62, "SQLNativeSql"),
    (63, "SQLNumParams"),
    (65, "SQLPrimaryKeys"),
    (66, "SQLProcedureColumns"),
    (67, "SQLProcedures"),
    (68, "SQLSetPos"),
    (72, "SQLBindParameter"),
    (1001, "SQLAllocHandle"),
    (1003, "SQLCloseCursor"),
    (1005, "SQLEndTran"),
    (1006, "SQLFreeHandle"),
    (1007, "SQLGetConnectAttr"),
    (1008, "SQLGetDescField"),
    (1009, "SQLGetDescRec"),
    (1010, "SQLGetDiagField"),
    (1011, "SQLGetDiagRec"),
    (1012, "SQLGetEnvAttr"),
    (1014, "SQLGetStmtAttr"),
    (1016, "SQLSetConnectAttr"),
    (1017, "SQLSetDescField"),
    (1019, "SQLSetEnvAttr"),
    (1020, "SQLSetStmtAttr"),
    (1021, "SQLFetchScroll"),
];

pub const SQL_API_ALL_FUNCTIONS: u16 = 0;
pub const SQL_API_ODBC3_ALL_FUNCTIONS: u16 = 999;
pub const SQL_API_ODBC3_ALL_FUNCTIONS_SIZE: usize = 250;

pub fn supports(id: u16) -> bool {
    EXPORTED.iter().any(|(i, _)| *i == id)
}

/// The ODBC 3 bitmap: bit `id & 15` of word `id >> 4`.
pub fn odbc3_bitmap() -> [u16; SQL_API_ODBC3_ALL_FUNCTIONS_SIZE] {
    let mut b = [0u16; SQL_API_ODBC3_ALL_FUNCTIONS_SIZE];
    for (id, _) in EXPORTED {
        b[(*id >> 4) as usize] |= 1 << (*id & 0xF);
    }
    b
}

/// The ODBC 2 array: one flag per function id below 100.
pub fn odbc2_array() -> [u16; 100] {
    let mut a = [0u16; 100];
    for (id, _) in EXPORTED.iter().filter(|(id, _)| *id < 100) {
        a[*id as usize] = 1;
    }
    a
}
