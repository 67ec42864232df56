/* The driver's W functions through iODBC, code unit by code unit. iODBC passes its wchar_t
 * (4 bytes, UCS-4) to every W function of a driver that exports them and for SQL_C_WCHAR
 * data, and counts lengths as the ODBC reference does: characters for string arguments of
 * functions (SQLDescribeColW, SQLGetDiagRecW, SQLDriverConnectW), bytes for SQLGetData,
 * SQLColAttributeW, SQLGetInfoW and SQLGetDiagFieldW.
 *
 * Compiled against unixODBC's headers with SQL_WCHART_CONVERT (SQLWCHAR is wchar_t there) and
 * linked with iODBC's libiodbc.so.2 by path, never with unixODBC's libodbc.
 *
 * usage: wide CONNECTION_STRING (e.g. DSN=IWide, a DSN in iODBC's ODBCINI)
 *
 * Each check prints "ok ..." or "FAIL ..."; the last line is "N checks, M failures". */
#define SQL_WCHART_CONVERT 1
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <locale.h>
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

_Static_assert(sizeof(SQLWCHAR) == 4, "SQLWCHAR must be iODBC's 4-byte wchar_t here");

static int checks = 0, failures = 0;

#define POISON 0xA5A5A5A5u

static void fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    failures++;
    fprintf(stderr, "FAIL ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

static void ok(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    printf("ok   ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

/* Code units as text, for messages: U+XXXX each. */
static const char *units(const SQLWCHAR *s, long n) {
    static char out[4096];
    size_t o = 0;
    out[0] = 0;
    for (long i = 0; i < n && o + 12 < sizeof out; i++) o += snprintf(out + o, sizeof out - o, "%sU+%04X", i ? " " : "", (unsigned)s[i]);
    return out;
}

/* ASCII-safe rendering of UCS-4 text (non-ASCII as U+XXXX), for messages. */
static const char *show(const SQLWCHAR *s, long n) {
    static char out[4096];
    size_t o = 0;
    out[0] = 0;
    for (long i = 0; i < n && o + 12 < sizeof out; i++) {
        uint32_t u = (uint32_t)s[i];
        if (u >= 0x20 && u < 0x7F) out[o++] = (char)u, out[o] = 0;
        else o += snprintf(out + o, sizeof out - o, "<U+%04X>", u);
    }
    return out;
}

static void poison(SQLWCHAR *buf, size_t n) {
    for (size_t i = 0; i < n; i++) buf[i] = (SQLWCHAR)POISON;
}

/* `got[0..n)` is exactly `want` (n units), then a whole 4-byte zero. */
static int same_units(const char *what, const SQLWCHAR *got, long n, const uint32_t *want, long wn) {
    checks++;
    if (n != wn) {
        fail("%s: %ld code units (%s), expected %ld (%s)", what, n, units(got, n > 0 && n < 512 ? n : 0), wn, units((const SQLWCHAR *)want, wn));
        return 0;
    }
    for (long i = 0; i < n; i++) {
        if ((uint32_t)got[i] != want[i]) {
            fail("%s: code unit %ld is U+%04X, expected U+%04X (got %s)", what, i, (unsigned)got[i], (unsigned)want[i], units(got, n));
            return 0;
        }
    }
    if ((uint32_t)got[n] != 0) {
        fail("%s: the terminator after %ld units is 0x%08X, not a 4-byte zero", what, n, (unsigned)got[n]);
        return 0;
    }
    return 1;
}

/* Every unit of `s[0..n)` is a Unicode scalar value, none is zero, and s[n] is a 4-byte zero. */
static int valid_ucs4(const char *what, const SQLWCHAR *s, long n) {
    checks++;
    for (long i = 0; i < n; i++) {
        uint32_t u = (uint32_t)s[i];
        if (u == 0 || u >= 0x110000 || (u >= 0xD800 && u < 0xE000)) {
            fail("%s: code unit %ld of %ld is 0x%08X, not a Unicode scalar value (text so far: %s)", what, i, n, u, show(s, i));
            return 0;
        }
    }
    if ((uint32_t)s[n] != 0) {
        fail("%s: unit %ld after the text is 0x%08X, not a 4-byte zero terminator", what, n, (unsigned)s[n]);
        return 0;
    }
    return 1;
}

static long wlen(const SQLWCHAR *s, long max) {
    long n = 0;
    while (n < max && s[n] != 0) n++;
    return n;
}

/* `s` contains the ASCII text `needle`. */
static int contains_ascii(const SQLWCHAR *s, long n, const char *needle) {
    long m = (long)strlen(needle);
    for (long i = 0; i + m <= n; i++) {
        long j = 0;
        while (j < m && (uint32_t)s[i + j] == (unsigned char)needle[j]) j++;
        if (j == m) return 1;
    }
    return 0;
}

static int contains_units(const SQLWCHAR *s, long n, const uint32_t *needle, long m) {
    for (long i = 0; i + m <= n; i++) {
        long j = 0;
        while (j < m && (uint32_t)s[i + j] == needle[j]) j++;
        if (j == m) return 1;
    }
    return 0;
}

static void die(const char *what, SQLRETURN rc, SQLSMALLINT type, SQLHANDLE h) {
    SQLWCHAR state[6] = {0}, msg[1024] = {0};
    SQLINTEGER native = 0;
    SQLSMALLINT len = 0;
    if (h) SQLGetDiagRecW(type, h, 1, state, &native, msg, 1024, &len);
    fprintf(stderr, "FATAL %s: rc %d [%s] ", what, (int)rc, show(state, wlen(state, 5)));
    fprintf(stderr, "%s\n", show(msg, wlen(msg, 1023)));
    printf("%d checks, %d failures\n", checks, failures + 1);
    exit(2);
}

#define MUST(what, type, h, call) do { SQLRETURN rc_ = (call); if (!SQL_SUCCEEDED(rc_)) die(what, rc_, type, h); } while (0)

static const uint32_t JA[] = {0x65E5, 0x672C, 0x8A9E, 0x30C6, 0x30AD, 0x30B9, 0x30C8};            /* 日本語テキスト */
static const uint32_t CAFE[] = {'c', 'a', 'f', 0xE9, ' ', 'c', 'r', 0xE8, 'm', 'e'};              /* café crème */
static const uint32_t EMOJI[] = {'o', 'k', ' ', 0x1F600, ' ', 0x00C5};                            /* ok 😀 Å (beyond the BMP: one unit in UCS-4) */
static const uint32_t COL1[] = {0x5217, 0x540D};                                                   /* 列名 */
static const uint32_t COL2[] = {0xDC, 'n', 0xEF, 'c', 0xF6, 'd', 0xE9};                            /* Ünïcödé */
static const uint32_t COL3[] = {0x1F600};                                                          /* 😀 */
#define N(a) ((long)(sizeof(a) / sizeof *(a)))

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    setlocale(LC_ALL, "");
    if (argc != 2) {
        fprintf(stderr, "usage: wide CONNECTION_STRING\n");
        return 2;
    }
    SQLHENV env;
    SQLHDBC dbc;
    SQLHSTMT st;
    MUST("AllocHandle(ENV)", SQL_HANDLE_ENV, NULL, SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env));
    MUST("SetEnvAttr(ODBC3)", SQL_HANDLE_ENV, env, SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0));
    MUST("AllocHandle(DBC)", SQL_HANDLE_ENV, env, SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc));

    /* The connection string in UCS-4, and the completed one back in UCS-4 (lengths in characters). */
    SQLWCHAR in[512], out[1024];
    long inlen = (long)mbstowcs(in, argv[1], 511);
    if (inlen < 0) {
        fprintf(stderr, "the connection string is not valid in this locale\n");
        return 2;
    }
    poison(out, 1024);
    SQLSMALLINT outlen = -1;
    MUST("DriverConnectW", SQL_HANDLE_DBC, dbc, SQLDriverConnectW(dbc, NULL, in, SQL_NTS, out, 1024, &outlen, SQL_DRIVER_NOPROMPT));
    long outchars = wlen(out, 1024);
    if (valid_ucs4("DriverConnectW's completed connection string", out, outchars)) {
        checks++;
        /* The driver writes the length in characters; iODBC 3.52.9 then overwrites it with the
         * length in bytes (SQLDriverConnect_Internal, "fixup pcbConnStrOut": WCSLEN * sizeof
         * (SQLWCHAR)), which is iODBC's doing, not the driver's: either is accepted. */
        if ((outlen != outchars && outlen != outchars * 4) || !contains_ascii(out, outchars, "Url=")) fail("DriverConnectW: length %d, the string has %ld characters (%s)", outlen, outchars, show(out, outchars));
        else ok("DriverConnectW: %ld characters of valid UCS-4, length %d%s", outchars, outlen, outlen == outchars ? "" : " (in bytes: iODBC 3.52.9 rewrites it)");
    }

    /* SQLGetInfoW: string lengths in bytes, 4 per character. */
    SQLWCHAR info[256];
    SQLSMALLINT ilen = -1;
    poison(info, 256);
    MUST("GetInfoW(DRIVER_NAME)", SQL_HANDLE_DBC, dbc, SQLGetInfoW(dbc, SQL_DRIVER_NAME, info, sizeof info, &ilen));
    long chars = wlen(info, 256);
    if (valid_ucs4("GetInfoW(SQL_DRIVER_NAME)", info, chars)) {
        checks++;
        if (ilen != chars * 4 || !contains_ascii(info, chars, "atlassian")) fail("GetInfoW(SQL_DRIVER_NAME) '%s': length %d bytes for %ld characters (expected %ld)", show(info, chars), ilen, chars, chars * 4);
        else ok("GetInfoW(SQL_DRIVER_NAME) '%s': %d bytes = 4 x %ld characters", show(info, chars), ilen, chars);
    }
    long full = chars;
    /* Truncated into 3 characters' room (12 bytes): 2 characters and the terminator, 01004, the whole length. */
    poison(info, 256);
    ilen = -1;
    SQLRETURN rc = SQLGetInfoW(dbc, SQL_DRIVER_NAME, info, 3 * sizeof(SQLWCHAR), &ilen);
    checks++;
    if (rc != SQL_SUCCESS_WITH_INFO || ilen != full * 4 || (uint32_t)info[2] != 0 || (uint32_t)info[3] != POISON) fail("GetInfoW(SQL_DRIVER_NAME) into 12 bytes: rc %d, length %d (expected %ld), units %s", (int)rc, ilen, full * 4, units(info, 4));
    else ok("GetInfoW(SQL_DRIVER_NAME) into 12 bytes: 01004, 2 characters + a 4-byte zero, length %d bytes", ilen);
    poison(info, 256);
    ilen = -1;
    MUST("GetInfoW(DBMS_NAME)", SQL_HANDLE_DBC, dbc, SQLGetInfoW(dbc, SQL_DBMS_NAME, info, sizeof info, &ilen));
    chars = wlen(info, 256);
    if (valid_ucs4("GetInfoW(SQL_DBMS_NAME)", info, chars)) {
        checks++;
        if (ilen != chars * 4) fail("GetInfoW(SQL_DBMS_NAME) '%s': length %d bytes for %ld characters", show(info, chars), ilen, chars);
        else ok("GetInfoW(SQL_DBMS_NAME) '%s': %d bytes", show(info, chars), ilen);
    }

    /* A query whose values and column names are not ASCII. */
    MUST("AllocHandle(STMT)", SQL_HANDLE_DBC, dbc, SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st));
    SQLWCHAR *sql = L"SELECT '日本語テキスト' AS \"列名\", 'café crème' AS \"Ünïcödé\", 'ok 😀 Å' AS \"😀\"";
    MUST("ExecDirectW", SQL_HANDLE_STMT, st, SQLExecDirectW(st, sql, SQL_NTS));
    SQLSMALLINT ncols = 0;
    MUST("NumResultCols", SQL_HANDLE_STMT, st, SQLNumResultCols(st, &ncols));
    checks++;
    if (ncols != 3) fail("NumResultCols: %d, expected 3", ncols);

    /* SQLDescribeColW: the name in characters. */
    const uint32_t *names[] = {COL1, COL2, COL3};
    long name_lens[] = {N(COL1), N(COL2), N(COL3)};
    for (int c = 1; c <= 3; c++) {
        SQLWCHAR name[64];
        SQLSMALLINT nlen = -1, type = 0, digits = 0, nullable = 0;
        SQLULEN size = 0;
        poison(name, 64);
        MUST("DescribeColW", SQL_HANDLE_STMT, st, SQLDescribeColW(st, c, name, 64, &nlen, &type, &size, &digits, &nullable));
        char what[64];
        snprintf(what, sizeof what, "DescribeColW(%d) name", c);
        if (same_units(what, name, nlen, names[c - 1], name_lens[c - 1])) ok("%s: %s, %d characters, type %d size %lu", what, units(name, nlen), nlen, type, (unsigned long)size);
        /* Into a buffer of 2 characters: 1 character and the terminator, the whole length
         * (SQL_SUCCESS_WITH_INFO when the name is longer than that one character). */
        SQLRETURN cut_rc = name_lens[c - 1] > 1 ? SQL_SUCCESS_WITH_INFO : SQL_SUCCESS;
        poison(name, 64);
        nlen = -1;
        rc = SQLDescribeColW(st, c, name, 2, &nlen, &type, &size, &digits, &nullable);
        checks++;
        if (rc != cut_rc || nlen != name_lens[c - 1] || (uint32_t)name[0] != names[c - 1][0] || (uint32_t)name[1] != 0 || (uint32_t)name[2] != POISON)
            fail("DescribeColW(%d) into 2 characters: rc %d (expected %d), length %d (expected %ld), units %s", c, (int)rc, (int)cut_rc, nlen, name_lens[c - 1], units(name, 3));
        else ok("DescribeColW(%d) into 2 characters: rc %d, %s + a 4-byte zero, length %d characters", c, (int)rc, units(name, 1), nlen);

        /* SQLColAttributeW(SQL_DESC_NAME): the length in bytes. */
        SQLSMALLINT blen = -1;
        poison(name, 64);
        MUST("ColAttributeW(DESC_NAME)", SQL_HANDLE_STMT, st, SQLColAttributeW(st, c, SQL_DESC_NAME, name, sizeof name, &blen, NULL));
        snprintf(what, sizeof what, "ColAttributeW(%d, SQL_DESC_NAME)", c);
        if (same_units(what, name, wlen(name, 64), names[c - 1], name_lens[c - 1])) {
            checks++;
            if (blen != name_lens[c - 1] * 4) fail("%s: length %d, expected %ld bytes (4 x %ld characters)", what, blen, name_lens[c - 1] * 4, name_lens[c - 1]);
            else ok("%s: %s, %d bytes", what, units(name, name_lens[c - 1]), blen);
        }
        /* Into 8 bytes: 1 character and the terminator, the whole length in bytes. */
        poison(name, 64);
        blen = -1;
        rc = SQLColAttributeW(st, c, SQL_DESC_NAME, name, 2 * sizeof(SQLWCHAR), &blen, NULL);
        checks++;
        if (rc != cut_rc || blen != name_lens[c - 1] * 4 || (uint32_t)name[0] != names[c - 1][0] || (uint32_t)name[1] != 0 || (uint32_t)name[2] != POISON)
            fail("%s into 8 bytes: rc %d (expected %d), length %d (expected %ld), units %s", what, (int)rc, (int)cut_rc, blen, name_lens[c - 1] * 4, units(name, 3));
        else ok("%s into 8 bytes: rc %d, %s + a 4-byte zero, length %d bytes", what, (int)rc, units(name, 1), blen);
        SQLLEN octets = -1;
        MUST("ColAttributeW(DESC_OCTET_LENGTH)", SQL_HANDLE_STMT, st, SQLColAttributeW(st, c, SQL_DESC_OCTET_LENGTH, NULL, 0, NULL, &octets));
        checks++;
        /* A wide column's octet length is in the driver manager's SQLWCHAR width. */
        if (type == SQL_WVARCHAR && octets != (SQLLEN)size * 4) fail("ColAttributeW(%d, SQL_DESC_OCTET_LENGTH) is %ld for SQL_WVARCHAR(%lu): expected %lu (4 bytes a character)", c, (long)octets, (unsigned long)size, (unsigned long)size * 4);
        else ok("column %d: SQL type %d, size %lu, SQL_DESC_OCTET_LENGTH %ld", c, type, (unsigned long)size, (long)octets);
    }

    MUST("Fetch", SQL_HANDLE_STMT, st, SQLFetch(st));
    /* SQLGetData(SQL_C_WCHAR): whole values, length in bytes (4 per character), a 4-byte zero. */
    const uint32_t *values[] = {JA, CAFE, EMOJI};
    long value_lens[] = {N(JA), N(CAFE), N(EMOJI)};
    for (int c = 1; c <= 3; c++) {
        SQLWCHAR buf[64];
        SQLLEN ind = -7;
        poison(buf, 64);
        rc = SQLGetData(st, c, SQL_C_WCHAR, buf, sizeof buf, &ind);
        char what[64];
        snprintf(what, sizeof what, "GetData(%d, SQL_C_WCHAR)", c);
        checks++;
        if (rc != SQL_SUCCESS) {
            fail("%s: rc %d", what, (int)rc);
            continue;
        }
        if (ind != value_lens[c - 1] * 4) fail("%s: indicator %ld, expected %ld bytes (4 x %ld characters); units %s", what, (long)ind, value_lens[c - 1] * 4, value_lens[c - 1], units(buf, 12));
        else if (same_units(what, buf, ind / 4, values[c - 1], value_lens[c - 1])) {
            checks++;
            if ((uint32_t)buf[ind / 4 + 1] != POISON) fail("%s: wrote past its terminator (unit %ld is 0x%08X)", what, (long)ind / 4 + 1, (unsigned)buf[ind / 4 + 1]);
            else ok("%s: %s, %ld bytes, a 4-byte zero after", what, units(buf, ind / 4), (long)ind);
        }
    }
    /* In pieces of 3 characters (a 16-byte buffer: 3 characters and the terminator): each piece
     * 01004 with the bytes left, then SQL_SUCCESS with the rest, then SQL_NO_DATA. */
    {
        SQLWCHAR buf[8];
        long got = 0, left = N(CAFE), piece = 0;
        int good = 1;
        for (;;) {
            SQLLEN ind = -7;
            poison(buf, 8);
            rc = SQLGetData(st, 2, SQL_C_WCHAR, buf, 4 * sizeof(SQLWCHAR), &ind);
            if (rc == SQL_NO_DATA) break;
            piece++;
            long n = left < 3 ? left : 3;
            SQLRETURN want_rc = left > 3 ? SQL_SUCCESS_WITH_INFO : SQL_SUCCESS;
            char what[64];
            snprintf(what, sizeof what, "GetData(2, SQL_C_WCHAR) piece %ld", piece);
            if (rc != want_rc || ind != left * 4) {
                checks++;
                fail("%s: rc %d, indicator %ld, expected rc %d and %ld bytes left", what, (int)rc, (long)ind, (int)want_rc, left * 4);
                good = 0;
                break;
            }
            if (!same_units(what, buf, n, CAFE + got, n) || (uint32_t)buf[n + 1] != POISON) {
                good = 0;
                break;
            }
            got += n;
            left -= n;
            if (piece > 10) break;
        }
        checks++;
        if (good && got == N(CAFE) && left == 0) ok("GetData(2, SQL_C_WCHAR) in %ld pieces of 3 characters, then SQL_NO_DATA", piece);
        else if (good) fail("GetData(2, SQL_C_WCHAR) in pieces: %ld of %ld characters read", got, N(CAFE));
    }
    SQLCloseCursor(st);

    /* A deliberate error: SQLGetDiagRecW's message is whole UCS-4, lengths in characters. */
    rc = SQLExecDirectW(st, L"SELECT \"列x\", nope FROM Jira.Issues", SQL_NTS);
    checks++;
    if (rc != SQL_ERROR) fail("ExecDirectW of an unknown column: rc %d, expected SQL_ERROR", (int)rc);
    static SQLWCHAR msg[8192];
    SQLWCHAR state[8];
    SQLINTEGER native = 0;
    SQLSMALLINT mlen = -1;
    poison(state, 8);
    poison(msg, 8192);
    rc = SQLGetDiagRecW(SQL_HANDLE_STMT, st, 1, state, &native, msg, 8192, &mlen);
    checks++;
    if (rc != SQL_SUCCESS) fail("GetDiagRecW into 8192 characters: rc %d, length %d: %s", (int)rc, mlen, show(msg, wlen(msg, 8192)));
    else {
        static const uint32_t S42S22[] = {'4', '2', 'S', '2', '2'};
        static const uint32_t COLX[] = {0x5217, 'x'};
        if (same_units("GetDiagRecW SQLSTATE", state, 5, S42S22, 5)) ok("GetDiagRecW SQLSTATE %s", show(state, 5));
        long n = wlen(msg, 8192);
        if (valid_ucs4("GetDiagRecW message", msg, n)) {
            checks++;
            if (mlen != n) fail("GetDiagRecW: length %d, the message has %ld characters: %s", mlen, n, show(msg, n));
            else if (!contains_ascii(msg, n, "No field named")) fail("GetDiagRecW message lacks 'No field named': %s", show(msg, n));
            else if (!contains_units(msg, n, COLX, 2)) fail("GetDiagRecW message does not name the column U+5217 'x' as UCS-4: %s", show(msg, n));
            else ok("GetDiagRecW message (%d characters): %s", mlen, show(msg, n));
        }
        long whole = n;
        /* Into 10 characters: 9 and the terminator, SQL_SUCCESS_WITH_INFO, the whole length. */
        poison(msg, 8192);
        mlen = -1;
        rc = SQLGetDiagRecW(SQL_HANDLE_STMT, st, 1, state, &native, msg, 10, &mlen);
        checks++;
        if (rc != SQL_SUCCESS_WITH_INFO || mlen != whole || wlen(msg, 12) != 9 || (uint32_t)msg[10] != POISON) fail("GetDiagRecW into 10 characters: rc %d, length %d (expected %ld), units %s", (int)rc, mlen, whole, units(msg, 11));
        else if (valid_ucs4("GetDiagRecW truncated message", msg, 9)) ok("GetDiagRecW into 10 characters: 9 + a 4-byte zero, length %d characters", mlen);
        /* SQLGetDiagFieldW(SQL_DIAG_MESSAGE_TEXT): the same text, the length in bytes. */
        SQLSMALLINT flen = -1;
        poison(msg, 8192);
        /* SQLSMALLINT lengths: at most 32767 bytes. */
        rc = SQLGetDiagFieldW(SQL_HANDLE_STMT, st, 1, SQL_DIAG_MESSAGE_TEXT, msg, 8000 * sizeof(SQLWCHAR), &flen);
        checks++;
        if (rc != SQL_SUCCESS) fail("GetDiagFieldW(MESSAGE_TEXT): rc %d", (int)rc);
        else if (valid_ucs4("GetDiagFieldW(MESSAGE_TEXT)", msg, wlen(msg, 8192))) {
            checks++;
            if (wlen(msg, 8192) != whole || flen != whole * 4) fail("GetDiagFieldW(MESSAGE_TEXT): %ld characters, length %d (expected %ld bytes)", wlen(msg, 8192), flen, whole * 4);
            else ok("GetDiagFieldW(MESSAGE_TEXT): %d bytes = 4 x %ld characters", flen, whole);
        }
    }

    SQLFreeHandle(SQL_HANDLE_STMT, st);
    SQLDisconnect(dbc);
    SQLFreeHandle(SQL_HANDLE_DBC, dbc);
    SQLFreeHandle(SQL_HANDLE_ENV, env);
    printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
