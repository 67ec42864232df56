/* Careless ODBC calls, as real clients make them, against either the driver library itself
 * ("direct": no driver manager to mask anything) or unixODBC's driver manager ("dm"). Every
 * call's return code (and SQLSTATE where the spec names one) is checked; the program must never
 * crash. Run under valgrind by the test suite as well.
 *
 * usage: misuse direct|dm LIBRARY CONNECTION_STRING */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sql.h>
#include <sqlext.h>

static int failures = 0;
static int checks = 0;

typedef SQLRETURN (*AllocHandle_t)(SQLSMALLINT, SQLHANDLE, SQLHANDLE *);
typedef SQLRETURN (*FreeHandle_t)(SQLSMALLINT, SQLHANDLE);
typedef SQLRETURN (*SetEnvAttr_t)(SQLHENV, SQLINTEGER, SQLPOINTER, SQLINTEGER);
typedef SQLRETURN (*DriverConnect_t)(SQLHDBC, SQLHWND, SQLCHAR *, SQLSMALLINT, SQLCHAR *, SQLSMALLINT, SQLSMALLINT *, SQLUSMALLINT);
typedef SQLRETURN (*Disconnect_t)(SQLHDBC);
typedef SQLRETURN (*ExecDirect_t)(SQLHSTMT, SQLCHAR *, SQLINTEGER);
typedef SQLRETURN (*Fetch_t)(SQLHSTMT);
typedef SQLRETURN (*FetchScroll_t)(SQLHSTMT, SQLSMALLINT, SQLLEN);
typedef SQLRETURN (*GetData_t)(SQLHSTMT, SQLUSMALLINT, SQLSMALLINT, SQLPOINTER, SQLLEN, SQLLEN *);
typedef SQLRETURN (*BindCol_t)(SQLHSTMT, SQLUSMALLINT, SQLSMALLINT, SQLPOINTER, SQLLEN, SQLLEN *);
typedef SQLRETURN (*GetDiagRec_t)(SQLSMALLINT, SQLHANDLE, SQLSMALLINT, SQLCHAR *, SQLINTEGER *, SQLCHAR *, SQLSMALLINT, SQLSMALLINT *);
typedef SQLRETURN (*GetInfo_t)(SQLHDBC, SQLUSMALLINT, SQLPOINTER, SQLSMALLINT, SQLSMALLINT *);
typedef SQLRETURN (*NumResultCols_t)(SQLHSTMT, SQLSMALLINT *);
typedef SQLRETURN (*DescribeCol_t)(SQLHSTMT, SQLUSMALLINT, SQLCHAR *, SQLSMALLINT, SQLSMALLINT *, SQLSMALLINT *, SQLULEN *, SQLSMALLINT *, SQLSMALLINT *);
typedef SQLRETURN (*SetStmtAttr_t)(SQLHSTMT, SQLINTEGER, SQLPOINTER, SQLINTEGER);
typedef SQLRETURN (*CloseCursor_t)(SQLHSTMT);
typedef SQLRETURN (*Prepare_t)(SQLHSTMT, SQLCHAR *, SQLINTEGER);
typedef SQLRETURN (*Execute_t)(SQLHSTMT);
typedef SQLRETURN (*ColAttribute_t)(SQLHSTMT, SQLUSMALLINT, SQLUSMALLINT, SQLPOINTER, SQLSMALLINT, SQLSMALLINT *, SQLLEN *);
typedef SQLRETURN (*GetFunctions_t)(SQLHDBC, SQLUSMALLINT, SQLUSMALLINT *);
typedef SQLRETURN (*Tables_t)(SQLHSTMT, SQLCHAR *, SQLSMALLINT, SQLCHAR *, SQLSMALLINT, SQLCHAR *, SQLSMALLINT, SQLCHAR *, SQLSMALLINT);

static void *lib;
static void *sym(const char *name) {
    void *p = dlsym(lib, name);
    if (!p) {
        fprintf(stderr, "missing symbol %s\n", name);
        exit(2);
    }
    return p;
}

static GetDiagRec_t GetDiagRec;

static void state_of(SQLSMALLINT type, SQLHANDLE h, char *state) {
    SQLCHAR msg[512];
    SQLINTEGER native;
    SQLSMALLINT len;
    state[0] = 0;
    if (GetDiagRec(type, h, 1, (SQLCHAR *)state, &native, msg, sizeof msg, &len) != SQL_SUCCESS) state[0] = 0;
}

#define CHECK(what, expr, expected) do { \
    SQLRETURN rc_ = (expr); checks++; \
    if (rc_ != (expected)) { failures++; fprintf(stderr, "FAIL %s: returned %d, expected %d\n", what, (int)rc_, (int)(expected)); } \
    else printf("ok   %s\n", what); } while (0)

#define CHECK_STATE(what, type, h, expr, expected, st) do { \
    SQLRETURN rc_ = (expr); char s_[6]; checks++; \
    state_of(type, h, s_); \
    if (rc_ != (expected) || strcmp(s_, st) != 0) { failures++; fprintf(stderr, "FAIL %s: returned %d [%s], expected %d [%s]\n", what, (int)rc_, s_, (int)(expected), st); } \
    else printf("ok   %s [%s]\n", what, s_); } while (0)

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: misuse direct|dm LIBRARY CONNECTION_STRING\n");
        return 2;
    }
    int direct = strcmp(argv[1], "direct") == 0;
    lib = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "dlopen %s: %s\n", argv[2], dlerror());
        return 2;
    }
    AllocHandle_t AllocHandle = (AllocHandle_t)sym("SQLAllocHandle");
    FreeHandle_t FreeHandle = (FreeHandle_t)sym("SQLFreeHandle");
    SetEnvAttr_t SetEnvAttr = (SetEnvAttr_t)sym("SQLSetEnvAttr");
    DriverConnect_t DriverConnect = (DriverConnect_t)sym("SQLDriverConnect");
    Disconnect_t Disconnect = (Disconnect_t)sym("SQLDisconnect");
    ExecDirect_t ExecDirect = (ExecDirect_t)sym("SQLExecDirect");
    Fetch_t Fetch = (Fetch_t)sym("SQLFetch");
    FetchScroll_t FetchScroll = (FetchScroll_t)sym("SQLFetchScroll");
    GetData_t GetData = (GetData_t)sym("SQLGetData");
    BindCol_t BindCol = (BindCol_t)sym("SQLBindCol");
    GetInfo_t GetInfo = (GetInfo_t)sym("SQLGetInfo");
    NumResultCols_t NumResultCols = (NumResultCols_t)sym("SQLNumResultCols");
    DescribeCol_t DescribeCol = (DescribeCol_t)sym("SQLDescribeCol");
    SetStmtAttr_t SetStmtAttr = (SetStmtAttr_t)sym("SQLSetStmtAttr");
    CloseCursor_t CloseCursor = (CloseCursor_t)sym("SQLCloseCursor");
    Prepare_t Prepare = (Prepare_t)sym("SQLPrepare");
    Execute_t Execute = (Execute_t)sym("SQLExecute");
    ColAttribute_t ColAttribute = (ColAttribute_t)sym("SQLColAttribute");
    GetFunctions_t GetFunctions = (GetFunctions_t)sym("SQLGetFunctions");
    Tables_t Tables = (Tables_t)sym("SQLTables");
    GetDiagRec = (GetDiagRec_t)sym("SQLGetDiagRec");

    SQLHANDLE env = NULL, dbc = NULL, stmt = NULL, stmt2 = NULL, bogus = NULL;

    /* Handles that are null, forged or of the wrong type. */
    CHECK("AllocHandle(ENV) with a null output pointer", AllocHandle(SQL_HANDLE_ENV, NULL, NULL), SQL_ERROR);
    CHECK("AllocHandle(DBC) on a null environment", AllocHandle(SQL_HANDLE_DBC, NULL, &bogus), SQL_INVALID_HANDLE);
    CHECK("FreeHandle(STMT, NULL)", FreeHandle(SQL_HANDLE_STMT, NULL), SQL_INVALID_HANDLE);
    CHECK("ExecDirect on a null statement", ExecDirect(NULL, (SQLCHAR *)"select 1", SQL_NTS), SQL_INVALID_HANDLE);
    CHECK("Fetch on a null statement", Fetch(NULL), SQL_INVALID_HANDLE);
    CHECK("GetDiagRec on a null handle", GetDiagRec(SQL_HANDLE_STMT, NULL, 1, NULL, NULL, NULL, 0, NULL), SQL_INVALID_HANDLE);
    if (direct) {
        /* The driver manager would crash on these itself or mask them: only the library sees them. */
        CHECK("FreeHandle(ENV) on a forged pointer", FreeHandle(SQL_HANDLE_ENV, (SQLHANDLE)(uintptr_t)0xdeadbeef), SQL_INVALID_HANDLE);
        CHECK("Fetch on a forged token", Fetch((SQLHANDLE)(uintptr_t)0xA7000001000000F3ull), SQL_INVALID_HANDLE);
    }

    CHECK("AllocHandle(ENV)", AllocHandle(SQL_HANDLE_ENV, NULL, &env), SQL_SUCCESS);
    if (direct) {
        CHECK_STATE("AllocHandle(DBC) before SQL_ATTR_ODBC_VERSION", SQL_HANDLE_ENV, env, AllocHandle(SQL_HANDLE_DBC, env, &bogus), SQL_ERROR, "HY010");
        CHECK("FreeHandle(DBC) given an environment", FreeHandle(SQL_HANDLE_DBC, env), SQL_INVALID_HANDLE);
        CHECK("AllocHandle(STMT) given an environment", AllocHandle(SQL_HANDLE_STMT, env, &bogus), SQL_INVALID_HANDLE);
    }
    /* The driver manager answers this one itself, in ODBC 2 terms (no version is set yet). */
    CHECK_STATE("SetEnvAttr(ODBC_VERSION, 42)", SQL_HANDLE_ENV, env, SetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)42, 0), SQL_ERROR, direct ? "HY024" : "S1009");
    CHECK("SetEnvAttr(ODBC_VERSION, 3.80)", SetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3_80, 0), SQL_SUCCESS);
    CHECK("AllocHandle(DBC)", AllocHandle(SQL_HANDLE_DBC, env, &dbc), SQL_SUCCESS);
    CHECK_STATE("FreeHandle(ENV) with a live connection", SQL_HANDLE_ENV, env, FreeHandle(SQL_HANDLE_ENV, env), SQL_ERROR, "HY010");
    if (direct) CHECK_STATE("AllocHandle(STMT) before connecting", SQL_HANDLE_DBC, dbc, AllocHandle(SQL_HANDLE_STMT, dbc, &bogus), SQL_ERROR, "08003");
    CHECK_STATE("DriverConnect with a null string", SQL_HANDLE_DBC, dbc, DriverConnect(dbc, NULL, NULL, SQL_NTS, NULL, 0, NULL, SQL_DRIVER_NOPROMPT), SQL_ERROR, direct ? "HY009" : "IM002");
    CHECK("DriverConnect", DriverConnect(dbc, NULL, (SQLCHAR *)argv[3], SQL_NTS, NULL, 0, NULL, SQL_DRIVER_NOPROMPT), SQL_SUCCESS);
    CHECK_STATE("FreeHandle(DBC) while connected", SQL_HANDLE_DBC, dbc, FreeHandle(SQL_HANDLE_DBC, dbc), SQL_ERROR, "HY010");

    /* Null and short output buffers never crash. */
    SQLSMALLINT len = -1;
    CHECK("GetInfo(DBMS_NAME) with a null buffer", GetInfo(dbc, SQL_DBMS_NAME, NULL, 0, &len), SQL_SUCCESS);
    if (len <= 0) { failures++; fprintf(stderr, "FAIL GetInfo length %d\n", len); }
    char tiny[4];
    CHECK("GetInfo(DBMS_NAME) into 4 bytes", GetInfo(dbc, SQL_DBMS_NAME, tiny, sizeof tiny, &len), SQL_SUCCESS_WITH_INFO);
    if (tiny[3] != 0) { failures++; fprintf(stderr, "FAIL GetInfo truncation is not null-terminated\n"); }
    CHECK("GetInfo(unknown type 31999)", GetInfo(dbc, 31999, tiny, sizeof tiny, &len), SQL_ERROR);
    SQLUSMALLINT funcs[SQL_API_ODBC3_ALL_FUNCTIONS_SIZE];
    CHECK("GetFunctions(ODBC3_ALL)", GetFunctions(dbc, SQL_API_ODBC3_ALL_FUNCTIONS, funcs), SQL_SUCCESS);

    CHECK("AllocHandle(STMT)", AllocHandle(SQL_HANDLE_STMT, dbc, &stmt), SQL_SUCCESS);
    CHECK_STATE("Fetch before execute", SQL_HANDLE_STMT, stmt, Fetch(stmt), SQL_ERROR, "HY010");
    char buf[64];
    SQLLEN ind;
    CHECK("GetData before execute", GetData(stmt, 1, SQL_C_CHAR, buf, sizeof buf, &ind), SQL_ERROR);
    CHECK_STATE("ExecDirect with null text", SQL_HANDLE_STMT, stmt, ExecDirect(stmt, NULL, SQL_NTS), SQL_ERROR, "HY009");
    CHECK_STATE("ExecDirect with length -5", SQL_HANDLE_STMT, stmt, ExecDirect(stmt, (SQLCHAR *)"select 1", -5), SQL_ERROR, "HY090");
    CHECK_STATE("Execute without Prepare", SQL_HANDLE_STMT, stmt, Execute(stmt), SQL_ERROR, "HY010");
    CHECK_STATE("NumResultCols with a null pointer", SQL_HANDLE_STMT, stmt, (Prepare(stmt, (SQLCHAR *)"select \"Key\" from Jira.Issues", SQL_NTS), NumResultCols(stmt, NULL)), SQL_ERROR, "HY009");
    CHECK_STATE("BindCol with a negative length", SQL_HANDLE_STMT, stmt, BindCol(stmt, 1, SQL_C_CHAR, buf, -1, &ind), SQL_ERROR, "HY090");
    CHECK_STATE("SetStmtAttr(ROW_ARRAY_SIZE, 0)", SQL_HANDLE_STMT, stmt, SetStmtAttr(stmt, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)0, 0), SQL_ERROR, "HY024");
    CHECK_STATE("ExecDirect on an unknown table", SQL_HANDLE_STMT, stmt, ExecDirect(stmt, (SQLCHAR *)"select * from Nope", SQL_NTS), SQL_ERROR, "42S02");
    CHECK("ExecDirect", ExecDirect(stmt, (SQLCHAR *)"select \"Key\", Summary from Jira.Issues order by Id limit 3", SQL_NTS), SQL_SUCCESS);
    CHECK("DescribeCol with every output null", DescribeCol(stmt, 1, NULL, 0, NULL, NULL, NULL, NULL, NULL), SQL_SUCCESS);
    CHECK_STATE("DescribeCol(0)", SQL_HANDLE_STMT, stmt, DescribeCol(stmt, 0, NULL, 0, NULL, NULL, NULL, NULL, NULL), SQL_ERROR, "07009");
    CHECK("ColAttribute with null outputs", ColAttribute(stmt, 1, SQL_DESC_NAME, NULL, 0, NULL, NULL), SQL_SUCCESS);
    CHECK_STATE("GetData before fetch", SQL_HANDLE_STMT, stmt, GetData(stmt, 1, SQL_C_CHAR, buf, sizeof buf, &ind), SQL_ERROR, "24000");
    CHECK_STATE("FetchScroll(PRIOR) on a forward-only cursor", SQL_HANDLE_STMT, stmt, FetchScroll(stmt, SQL_FETCH_PRIOR, 0), SQL_ERROR, "HY106");
    CHECK("Fetch", Fetch(stmt), SQL_SUCCESS);
    CHECK_STATE("GetData into a zero-length buffer", SQL_HANDLE_STMT, stmt, GetData(stmt, 1, SQL_C_CHAR, buf, 0, &ind), SQL_SUCCESS_WITH_INFO, "01004");
    CHECK_STATE("GetData with an unknown C type", SQL_HANDLE_STMT, stmt, GetData(stmt, 1, 12345, buf, sizeof buf, &ind), SQL_ERROR, "HY003");
    CHECK_STATE("GetData(9) past the last column", SQL_HANDLE_STMT, stmt, GetData(stmt, 9, SQL_C_CHAR, buf, sizeof buf, &ind), SQL_ERROR, "07009");
    CHECK("GetData in 3-byte pieces", GetData(stmt, 1, SQL_C_CHAR, buf, 3, &ind), SQL_SUCCESS_WITH_INFO);
    CHECK("GetData(Summary) with a null indicator (the value is not NULL)", GetData(stmt, 2, SQL_C_CHAR, buf, sizeof buf, NULL), SQL_SUCCESS);
    CHECK_STATE("GetData(Key) as a number", SQL_HANDLE_STMT, stmt, GetData(stmt, 1, SQL_C_SLONG, buf, sizeof buf, &ind), SQL_ERROR, "22018");
    CHECK("GetDiagRec(0) is an error", GetDiagRec(SQL_HANDLE_STMT, stmt, 0, NULL, NULL, NULL, 0, NULL), SQL_ERROR);
    CHECK("GetDiagRec(99) has no data", GetDiagRec(SQL_HANDLE_STMT, stmt, 99, NULL, NULL, NULL, 0, NULL), SQL_NO_DATA);
    CHECK("GetDiagRec with null buffers", GetDiagRec(SQL_HANDLE_STMT, stmt, 1, NULL, NULL, NULL, 0, NULL), SQL_SUCCESS);
    CHECK("CloseCursor", CloseCursor(stmt), SQL_SUCCESS);
    CHECK("Tables with all-null arguments", Tables(stmt, NULL, 0, NULL, 0, NULL, 0, NULL, 0), SQL_SUCCESS);
    CHECK("CloseCursor after Tables", CloseCursor(stmt), SQL_SUCCESS);

    /* Double free; statements of a closed connection. unixODBC does not validate its own freed
     * handles (it reads the freed memory), so these run against the library only. */
    CHECK("AllocHandle(STMT) #2", AllocHandle(SQL_HANDLE_STMT, dbc, &stmt2), SQL_SUCCESS);
    CHECK("FreeHandle(STMT)", FreeHandle(SQL_HANDLE_STMT, stmt), SQL_SUCCESS);
    if (direct) {
        CHECK("FreeHandle(STMT) again", FreeHandle(SQL_HANDLE_STMT, stmt), SQL_INVALID_HANDLE);
        CHECK("Fetch on a freed statement", Fetch(stmt), SQL_INVALID_HANDLE);
    }
    CHECK("Disconnect", Disconnect(dbc), SQL_SUCCESS);
    if (direct) CHECK("ExecDirect on a statement of a closed connection", ExecDirect(stmt2, (SQLCHAR *)"select 1", SQL_NTS), SQL_INVALID_HANDLE);
    CHECK_STATE("Disconnect again", SQL_HANDLE_DBC, dbc, Disconnect(dbc), SQL_ERROR, direct ? "08003" : "08003");
    CHECK("FreeHandle(DBC)", FreeHandle(SQL_HANDLE_DBC, dbc), SQL_SUCCESS);
    if (direct) CHECK("FreeHandle(DBC) again", FreeHandle(SQL_HANDLE_DBC, dbc), SQL_INVALID_HANDLE);
    CHECK("FreeHandle(ENV)", FreeHandle(SQL_HANDLE_ENV, env), SQL_SUCCESS);

    printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
