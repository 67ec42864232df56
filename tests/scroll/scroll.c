/* A static (scrollable) cursor walked through unixODBC in every orientation and checked row by
 * row against the same query read forward-only. Every expected position comes from a model of
 * the ODBC reference's "Cursor positioning rules" (SQLFetchScroll), written out below; every
 * fetched row must be the forward read's row at that position, and SQL_ATTR_ROW_NUMBER,
 * SQL_ATTR_ROWS_FETCHED_PTR, SQL_ATTR_ROW_STATUS_PTR and the return code (SQL_NO_DATA off
 * either end, 01S06 when a move is clipped to the first row) must say so too.
 *
 * usage: scroll walk CONNSTR             scripted moves, rowsets of 1, 7 and 50, column-wise
 *                                         and row-wise binding, SQLSetPos + SQLGetData,
 *                                         SQLExtendedFetch, a short result (clipped ABSOLUTE)
 *        scroll random CONNSTR SEED MOVES a seeded random walk per rowset size and binding
 *        scroll resize CONNSTR SEED MOVES a random walk that changes the rowset size between moves
 *        scroll memory CONNSTR QUERY...   CONNSTR sets MaxStaticCursorMemory small: the static
 *                                         cursor's LAST is HY001, forward-only streams it all
 *        scroll memory-retry CONNSTR QUERY...  the same, then moves past the limit again and
 *                                         again: each HY001, none losing rows
 *        scroll getdata CONNSTR           SQL_GETDATA_EXTENSIONS names what SQLGetData does
 *
 * Each check prints "ok ..." or "FAIL ..."; the last line is "N checks, M failures", and the
 * exit code is 0 only without failures. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sql.h>
#include <sqlext.h>

#define QUERY "SELECT \"Id\", \"Key\", Summary FROM Jira.Issues ORDER BY \"Id\" LIMIT 1000"
#define SHORT_QUERY "SELECT \"Id\", \"Key\", Summary FROM Jira.Issues ORDER BY \"Id\" LIMIT 5"
#define EXPECTED_ROWS 1000
#define MAX_ROWSET 50
#define KEYMAX 64
#define SUMMAX 1024

static long checks = 0, failures = 0;
static int verbose = 1;
/* While >= 0: failures past this many are counted, not printed (a random walk shows its first
 * few, then how many moves in all were wrong). */
static long print_budget = -1;

static void fail(const char *fmt, ...) {
    failures++;
    if (print_budget == 0) return;
    if (print_budget > 0) print_budget--;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

static void ok(const char *fmt, ...) {
    if (!verbose) return;
    va_list ap;
    va_start(ap, fmt);
    printf("ok   ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

/* The first diagnostic record of a handle: state and message. */
static void diag(SQLSMALLINT type, SQLHANDLE h, char state[6], char *msg, size_t msglen) {
    SQLINTEGER native;
    SQLSMALLINT len;
    state[0] = 0;
    if (msg) msg[0] = 0;
    SQLCHAR m[2048];
    m[0] = 0;
    if (SQLGetDiagRec(type, h, 1, (SQLCHAR *)state, &native, m, sizeof m, &len) != SQL_SUCCESS) state[0] = 0;
    if (msg) snprintf(msg, msglen, "%s", (char *)m);
}

static void must(SQLRETURN rc, SQLSMALLINT type, SQLHANDLE h, const char *what) {
    if (SQL_SUCCEEDED(rc)) return;
    char st[6], msg[2048];
    diag(type, h, st, msg, sizeof msg);
    fprintf(stderr, "FATAL %s: rc %d [%s] %s\n", what, (int)rc, st, msg);
    exit(2);
}

/* ---- the forward read ------------------------------------------------------------------- */

typedef struct {
    SQLBIGINT id;
    char key[KEYMAX];
    char summary[SUMMAX];
} Row;

static Row *fwd;
static long nfwd;

static SQLHENV env;
static SQLHDBC dbc;

static void connect_to(const char *connstr) {
    must(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env), SQL_HANDLE_ENV, env, "AllocHandle(ENV)");
    must(SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0), SQL_HANDLE_ENV, env, "SetEnvAttr(ODBC3)");
    must(SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc), SQL_HANDLE_ENV, env, "AllocHandle(DBC)");
    must(SQLDriverConnect(dbc, NULL, (SQLCHAR *)connstr, SQL_NTS, NULL, 0, NULL, SQL_DRIVER_NOPROMPT), SQL_HANDLE_DBC, dbc, "DriverConnect");
}

static void disconnect(void) {
    SQLDisconnect(dbc);
    SQLFreeHandle(SQL_HANDLE_DBC, dbc);
    SQLFreeHandle(SQL_HANDLE_ENV, env);
}

/* The query read with the default cursor (forward-only), one row at a time, by SQLGetData. */
static void read_forward(const char *sql, Row **out, long *n) {
    SQLHSTMT st;
    must(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st), SQL_HANDLE_DBC, dbc, "AllocHandle(STMT)");
    SQLULEN ct = 0;
    must(SQLGetStmtAttr(st, SQL_ATTR_CURSOR_TYPE, &ct, 0, NULL), SQL_HANDLE_STMT, st, "GetStmtAttr(CURSOR_TYPE)");
    checks++;
    if (ct != SQL_CURSOR_FORWARD_ONLY) fail("the default cursor type is %lu, not SQL_CURSOR_FORWARD_ONLY", (unsigned long)ct);
    must(SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS), SQL_HANDLE_STMT, st, "ExecDirect (forward-only)");
    long cap = 1024, count = 0;
    Row *rows = malloc(cap * sizeof(Row));
    SQLRETURN rc;
    while ((rc = SQLFetch(st)) != SQL_NO_DATA) {
        must(rc, SQL_HANDLE_STMT, st, "Fetch (forward-only)");
        if (count == cap) rows = realloc(rows, (cap *= 2) * sizeof(Row));
        Row *r = &rows[count];
        SQLLEN ind;
        must(SQLGetData(st, 1, SQL_C_SBIGINT, &r->id, 0, &ind), SQL_HANDLE_STMT, st, "GetData(Id)");
        if (ind == SQL_NULL_DATA) fail("forward row %ld: Id is NULL", count + 1);
        rc = SQLGetData(st, 2, SQL_C_CHAR, r->key, KEYMAX, &ind);
        if (rc != SQL_SUCCESS || ind < 0 || ind >= KEYMAX) fail("forward row %ld: Key rc %d ind %ld", count + 1, (int)rc, (long)ind);
        rc = SQLGetData(st, 3, SQL_C_CHAR, r->summary, SUMMAX, &ind);
        if (rc != SQL_SUCCESS || ind < 0 || ind >= SUMMAX) fail("forward row %ld: Summary rc %d ind %ld", count + 1, (int)rc, (long)ind);
        count++;
    }
    SQLFreeHandle(SQL_HANDLE_STMT, st);
    *out = rows;
    *n = count;
}

/* ---- the model: the ODBC reference's cursor positioning rules ------------------------------ */

enum { BEFORE, AT, AFTER };

typedef struct {
    int where;       /* BEFORE, AT or AFTER */
    long start;      /* AT: the first row of the current rowset, 1-based */
    long last_size;  /* AT: the rowset size used when that rowset was fetched */
} Model;

typedef struct {
    int rows;     /* the move returns a rowset (else SQL_NO_DATA) */
    long start;   /* its first row */
    long count;   /* rows in it */
    int clipped;  /* 01S06 */
} Expect;

/* SQL_FETCH_ABSOLUTE's table, also used by RELATIVE from before the start (offset > 0) and
 * after the end (offset < 0). */
static void absolute_rule(Model *m, long k, long size, long last, Expect *e) {
    long a = k < 0 ? -k : k;
    if (k < 0 && a <= last) e->start = last + k + 1;
    else if (k < 0 && a > size) m->where = BEFORE;
    else if (k < 0) { e->start = 1; e->clipped = 1; }
    else if (k == 0) m->where = BEFORE;
    else if (k <= last) e->start = k;
    else m->where = AFTER;
}

/* Moves the model as SQLFetchScroll(orientation, k) does with rowset size `size` over a result
 * of `last` rows (last >= 1); what the call returns. */
static Expect model_move(Model *m, int orientation, long k, long size, long last) {
    Expect e = {0, 0, 0, 0};
    int where = m->where;
    long cur = m->start;
    e.start = -1;
    m->where = AT; /* unless a rule below says otherwise */
    switch (orientation) {
    case SQL_FETCH_NEXT:
        if (where == BEFORE) e.start = 1;
        else if (where == AFTER) m->where = AFTER;
        /* the previous fetch's rowset size (footnote 1 of SQL_FETCH_NEXT) */
        else if (cur + m->last_size <= last) e.start = cur + m->last_size;
        else m->where = AFTER;
        break;
    case SQL_FETCH_PRIOR:
        if (where == BEFORE) m->where = BEFORE;
        else if (where == AT && cur == 1) m->where = BEFORE;
        else if (where == AT && cur <= size) { e.start = 1; e.clipped = 1; }
        else if (where == AT) e.start = cur - size;
        else if (last < size) { e.start = 1; e.clipped = 1; }
        else e.start = last - size + 1;
        break;
    case SQL_FETCH_RELATIVE:
        if ((where == BEFORE && k > 0) || (where == AFTER && k < 0)) absolute_rule(m, k, size, last, &e);
        else if (where == BEFORE) m->where = BEFORE;
        else if (where == AFTER) m->where = AFTER;
        else if (cur == 1 && k < 0) m->where = BEFORE;
        else if (cur + k < 1 && (k < 0 ? -k : k) > size) m->where = BEFORE;
        else if (cur + k < 1) { e.start = 1; e.clipped = 1; }
        else if (cur + k <= last) e.start = cur + k;
        else m->where = AFTER;
        break;
    case SQL_FETCH_ABSOLUTE:
        absolute_rule(m, k, size, last, &e);
        break;
    case SQL_FETCH_FIRST:
        e.start = 1;
        break;
    case SQL_FETCH_LAST:
        e.start = size <= last ? last - size + 1 : 1;
        break;
    }
    if (m->where == AT) {
        m->start = e.start;
        m->last_size = size;
        e.rows = 1;
        e.count = last - e.start + 1 < size ? last - e.start + 1 : size;
    } else {
        e.start = 0;
    }
    return e;
}

static const char *orientation_name(int o) {
    switch (o) {
    case SQL_FETCH_NEXT: return "NEXT";
    case SQL_FETCH_PRIOR: return "PRIOR";
    case SQL_FETCH_FIRST: return "FIRST";
    case SQL_FETCH_LAST: return "LAST";
    case SQL_FETCH_ABSOLUTE: return "ABSOLUTE";
    case SQL_FETCH_RELATIVE: return "RELATIVE";
    }
    return "?";
}

/* ---- a scrollable statement with bound row arrays ------------------------------------------ */

typedef struct {
    SQLBIGINT id;
    SQLLEN id_ind;
    char key[KEYMAX];
    SQLLEN key_ind;
    char summary[SUMMAX];
    SQLLEN summary_ind;
} BoundRow;

typedef struct {
    SQLHSTMT st;
    int rowwise;
    long size;
    /* row-wise */
    BoundRow rows[MAX_ROWSET];
    /* column-wise */
    SQLBIGINT ids[MAX_ROWSET];
    SQLLEN id_ind[MAX_ROWSET];
    char keys[MAX_ROWSET][KEYMAX];
    SQLLEN key_ind[MAX_ROWSET];
    char sums[MAX_ROWSET][SUMMAX];
    SQLLEN sum_ind[MAX_ROWSET];
    SQLUSMALLINT status[MAX_ROWSET + 1];
    SQLULEN fetched;
    const Row *want;
    long nwant;
    char label[64];
    Model model;
} Cursor;

static void set_size(Cursor *c, long size) {
    must(SQLSetStmtAttr(c->st, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)(uintptr_t)size, 0), SQL_HANDLE_STMT, c->st, "SetStmtAttr(ROW_ARRAY_SIZE)");
    c->size = size;
    snprintf(c->label, sizeof c->label, "%s, rowset %ld", c->rowwise ? "row-wise" : "column-wise", size);
}

static Cursor *open_cursor(const char *sql, int rowwise, long size, const Row *want, long nwant) {
    Cursor *c = calloc(1, sizeof(Cursor));
    c->rowwise = rowwise;
    c->want = want;
    c->nwant = nwant;
    must(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &c->st), SQL_HANDLE_DBC, dbc, "AllocHandle(STMT)");
    must(SQLSetStmtAttr(c->st, SQL_ATTR_CURSOR_TYPE, (SQLPOINTER)SQL_CURSOR_STATIC, 0), SQL_HANDLE_STMT, c->st, "SetStmtAttr(CURSOR_TYPE, STATIC)");
    SQLULEN ct = 0;
    must(SQLGetStmtAttr(c->st, SQL_ATTR_CURSOR_TYPE, &ct, 0, NULL), SQL_HANDLE_STMT, c->st, "GetStmtAttr(CURSOR_TYPE)");
    checks++;
    if (ct != SQL_CURSOR_STATIC) fail("SQL_ATTR_CURSOR_TYPE reads back %lu, not SQL_CURSOR_STATIC", (unsigned long)ct);
    set_size(c, size);
    must(SQLSetStmtAttr(c->st, SQL_ATTR_ROW_STATUS_PTR, c->status, 0), SQL_HANDLE_STMT, c->st, "SetStmtAttr(ROW_STATUS_PTR)");
    must(SQLSetStmtAttr(c->st, SQL_ATTR_ROWS_FETCHED_PTR, &c->fetched, 0), SQL_HANDLE_STMT, c->st, "SetStmtAttr(ROWS_FETCHED_PTR)");
    if (rowwise) {
        must(SQLSetStmtAttr(c->st, SQL_ATTR_ROW_BIND_TYPE, (SQLPOINTER)sizeof(BoundRow), 0), SQL_HANDLE_STMT, c->st, "SetStmtAttr(ROW_BIND_TYPE)");
        must(SQLBindCol(c->st, 1, SQL_C_SBIGINT, &c->rows[0].id, 0, &c->rows[0].id_ind), SQL_HANDLE_STMT, c->st, "BindCol(1)");
        must(SQLBindCol(c->st, 2, SQL_C_CHAR, c->rows[0].key, KEYMAX, &c->rows[0].key_ind), SQL_HANDLE_STMT, c->st, "BindCol(2)");
        must(SQLBindCol(c->st, 3, SQL_C_CHAR, c->rows[0].summary, SUMMAX, &c->rows[0].summary_ind), SQL_HANDLE_STMT, c->st, "BindCol(3)");
    } else {
        must(SQLSetStmtAttr(c->st, SQL_ATTR_ROW_BIND_TYPE, (SQLPOINTER)SQL_BIND_BY_COLUMN, 0), SQL_HANDLE_STMT, c->st, "SetStmtAttr(ROW_BIND_TYPE)");
        must(SQLBindCol(c->st, 1, SQL_C_SBIGINT, c->ids, 0, c->id_ind), SQL_HANDLE_STMT, c->st, "BindCol(1)");
        must(SQLBindCol(c->st, 2, SQL_C_CHAR, c->keys, KEYMAX, c->key_ind), SQL_HANDLE_STMT, c->st, "BindCol(2)");
        must(SQLBindCol(c->st, 3, SQL_C_CHAR, c->sums, SUMMAX, c->sum_ind), SQL_HANDLE_STMT, c->st, "BindCol(3)");
    }
    SQLRETURN rc = SQLExecDirect(c->st, (SQLCHAR *)sql, SQL_NTS);
    checks++;
    if (rc != SQL_SUCCESS) {
        char s[6], msg[1024];
        diag(SQL_HANDLE_STMT, c->st, s, msg, sizeof msg);
        fail("ExecDirect with a static cursor returned %d [%s] %s", (int)rc, s, msg);
    }
    c->model.where = BEFORE;
    return c;
}

static void close_cursor(Cursor *c) {
    must(SQLCloseCursor(c->st), SQL_HANDLE_STMT, c->st, "CloseCursor");
    SQLFreeHandle(SQL_HANDLE_STMT, c->st);
    free(c);
}

/* Poisons the bound buffers, so that a row not written cannot pass for a right one. */
static void poison(Cursor *c) {
    memset(c->rows, 0xA5, sizeof c->rows);
    memset(c->ids, 0xA5, sizeof c->ids);
    memset(c->id_ind, 0xA5, sizeof c->id_ind);
    memset(c->keys, 0xA5, sizeof c->keys);
    memset(c->key_ind, 0xA5, sizeof c->key_ind);
    memset(c->sums, 0xA5, sizeof c->sums);
    memset(c->sum_ind, 0xA5, sizeof c->sum_ind);
    memset(c->status, 0xEE, sizeof c->status);
    c->fetched = 0xDEADBEEF;
}

static int row_matches(const Row *w, SQLBIGINT id, SQLLEN id_ind, const char *key, SQLLEN key_ind, const char *sum, SQLLEN sum_ind) {
    return id_ind == (SQLLEN)sizeof(SQLBIGINT) && id == w->id && key_ind == (SQLLEN)strlen(w->key) && strcmp(key, w->key) == 0 && sum_ind == (SQLLEN)strlen(w->summary) && strcmp(sum, w->summary) == 0;
}

/* Row i of the rowset, as bound, against the forward read's row `n` (1-based). */
static int bound_row_matches(Cursor *c, long i, long n, char *why, size_t whylen) {
    const Row *w = &c->want[n - 1];
    SQLBIGINT id;
    SQLLEN id_ind, key_ind, sum_ind;
    const char *key, *sum;
    if (c->rowwise) {
        id = c->rows[i].id, id_ind = c->rows[i].id_ind, key = c->rows[i].key, key_ind = c->rows[i].key_ind, sum = c->rows[i].summary, sum_ind = c->rows[i].summary_ind;
    } else {
        id = c->ids[i], id_ind = c->id_ind[i], key = c->keys[i], key_ind = c->key_ind[i], sum = c->sums[i], sum_ind = c->sum_ind[i];
    }
    if (row_matches(w, id, id_ind, memchr(key, 0, KEYMAX) ? key : "<unterminated>", key_ind, memchr(sum, 0, SUMMAX) ? sum : "<unterminated>", sum_ind)) return 1;
    snprintf(why, whylen, "rowset row %ld: got Id %lld (ind %ld) Key '%.20s' (ind %ld); forward row %ld is Id %lld Key '%s'", i + 1, (long long)id, (long)id_ind,
             memchr(key, 0, KEYMAX) ? key : "<unterminated>", (long)key_ind, n, (long long)w->id, w->key);
    return 0;
}

/* No current row (before the start, after the end): SQLGetStmtAttr(SQL_ATTR_ROW_NUMBER) is
 * 24000 (SQLGetStmtAttr's diagnostics) or 0 (the attribute's description); what it was. */
static int no_row_number(SQLHSTMT st, char *got, size_t gotlen) {
    SQLULEN n = 0xDEADBEEF;
    SQLRETURN rc = SQLGetStmtAttr(st, SQL_ATTR_ROW_NUMBER, &n, 0, NULL);
    char state[6];
    diag(SQL_HANDLE_STMT, st, state, NULL, 0);
    snprintf(got, gotlen, "rc %d [%s] value %lu", (int)rc, state, (unsigned long)n);
    return (rc == SQL_ERROR && strcmp(state, "24000") == 0) || (rc == SQL_SUCCESS && n == 0);
}

static SQLULEN row_number(SQLHSTMT st) {
    SQLULEN n = 0xDEADBEEF;
    SQLRETURN rc = SQLGetStmtAttr(st, SQL_ATTR_ROW_NUMBER, &n, 0, NULL);
    if (!SQL_SUCCEEDED(rc)) return (SQLULEN)-2;
    return n;
}

/* After a move that failed its checks, the cursor and the model agree again (both before the
 * start: ABSOLUTE 0), so that one wrong move is reported once, not in every move after it. */
static int resync(Cursor *c, long failures_before) {
    if (failures == failures_before) return 0;
    SQLRETURN rc = SQLFetchScroll(c->st, SQL_FETCH_ABSOLUTE, 0);
    if (rc != SQL_NO_DATA) fail("%s: FetchScroll(ABSOLUTE, 0) to start again returned %d", c->label, (int)rc);
    c->model.where = BEFORE;
    return 1;
}

/* One SQLFetchScroll, checked against the model. Returns what the model expected (no rows
 * when the move failed and the cursor was put back before the start). */
static Expect move(Cursor *c, int orientation, long k) {
    char what[160];
    snprintf(what, sizeof what, "%s: FetchScroll(%s, %ld)", c->label, orientation_name(orientation), k);
    Model before = c->model;
    long failures_before = failures;
    Expect e = model_move(&c->model, orientation, k, c->size, c->nwant);
    poison(c);
    SQLRETURN rc = SQLFetchScroll(c->st, orientation, k);
    char st[6], msg[1024];
    diag(SQL_HANDLE_STMT, c->st, st, msg, sizeof msg);
    checks++;
    char from[48];
    if (before.where == AT) snprintf(from, sizeof from, "the rowset at row %ld", before.start);
    else snprintf(from, sizeof from, "%s", before.where == BEFORE ? "before the start" : "after the end");
    if (!e.rows) {
        if (rc != SQL_NO_DATA) fail("%s from %s: returned %d [%s] %s, expected SQL_NO_DATA (%s)", what, from, (int)rc, st, msg, c->model.where == BEFORE ? "before the start" : "after the end");
        else if (c->fetched != 0) fail("%s: SQL_NO_DATA with rows fetched %lu, expected 0", what, (unsigned long)c->fetched);
        else if (!no_row_number(c->st, msg, sizeof msg)) fail("%s: SQL_NO_DATA, yet SQLGetStmtAttr(SQL_ATTR_ROW_NUMBER) gave %s (expected 24000 or 0: no current row)", what, msg);
        else ok("%s from %s: SQL_NO_DATA", what, from);
        resync(c, failures_before);
        return e;
    }
    SQLRETURN want_rc = e.clipped ? SQL_SUCCESS_WITH_INFO : SQL_SUCCESS;
    if (rc != want_rc || (e.clipped && strcmp(st, "01S06") != 0)) {
        fail("%s from %s: returned %d [%s] %s, expected %s at row %ld", what, from, (int)rc, st, msg, e.clipped ? "SQL_SUCCESS_WITH_INFO [01S06]" : "SQL_SUCCESS", e.start);
        if (rc == SQL_NO_DATA || !SQL_SUCCEEDED(rc)) {
            resync(c, failures_before);
            return e;
        }
    }
    int bad = 0;
    if (c->fetched != (SQLULEN)e.count) {
        fail("%s: rows fetched %lu, expected %ld (rowset at row %ld)", what, (unsigned long)c->fetched, e.count, e.start);
        bad = 1;
    }
    for (long i = 0; i < c->size && !bad; i++) {
        SQLUSMALLINT want = i < e.count ? SQL_ROW_SUCCESS : SQL_ROW_NOROW;
        if (c->status[i] != want) {
            fail("%s: row status %ld is %u, expected %u", what, i + 1, c->status[i], want);
            bad = 1;
        }
    }
    if (c->status[c->size] != 0xEEEE) {
        fail("%s: the row status array was written past its %ld elements", what, c->size);
        bad = 1;
    }
    long got_first = -1;
    for (long i = 0; i < e.count && !bad; i++) {
        char why[512];
        if (!bound_row_matches(c, i, e.start + i, why, sizeof why)) {
            /* Which forward row is it, if any? */
            SQLBIGINT id = c->rowwise ? c->rows[0].id : c->ids[0];
            for (long n = 0; n < c->nwant; n++)
                if (c->want[n].id == id) got_first = n + 1;
            fail("%s from %s: expected the rowset at row %ld (%ld rows): %s (the rowset's first row is forward row %ld)", what, from, e.start, e.count, why, got_first);
            bad = 1;
        }
    }
    SQLULEN rn = row_number(c->st);
    if (!bad && rn != (SQLULEN)e.start) {
        fail("%s: SQL_ATTR_ROW_NUMBER is %lu, expected %ld", what, (unsigned long)rn, e.start);
        bad = 1;
    }
    if (!bad) ok("%s from %s: rows %ld-%ld%s", what, from, e.start, e.start + e.count - 1, e.clipped ? " [01S06]" : "");
    if (resync(c, failures_before)) e.rows = 0, e.count = 0;
    return e;
}

/* SQLSetPos(row, SQL_POSITION) on the current rowset, then SQLGetData of every column. */
static void position_and_get(Cursor *c, Expect e, long r) {
    char what[128];
    snprintf(what, sizeof what, "%s: SetPos(%ld, SQL_POSITION) on rows %ld-%ld", c->label, r, e.start, e.start + e.count - 1);
    checks++;
    SQLRETURN rc = SQLSetPos(c->st, (SQLSETPOSIROW)r, SQL_POSITION, SQL_LOCK_NO_CHANGE);
    char st[6], msg[1024];
    if (rc != SQL_SUCCESS) {
        diag(SQL_HANDLE_STMT, c->st, st, msg, sizeof msg);
        fail("%s: returned %d [%s] %s", what, (int)rc, st, msg);
        return;
    }
    long n = e.start + r - 1;
    SQLULEN rn = row_number(c->st);
    if (rn != (SQLULEN)n) {
        fail("%s: SQL_ATTR_ROW_NUMBER is %lu, expected %ld", what, (unsigned long)rn, n);
        return;
    }
    SQLBIGINT id = 0;
    char key[KEYMAX], sum[SUMMAX];
    SQLLEN id_ind = -9, key_ind = -9, sum_ind = -9;
    SQLRETURN r1 = SQLGetData(c->st, 1, SQL_C_SBIGINT, &id, 0, &id_ind);
    SQLRETURN r2 = SQLGetData(c->st, 2, SQL_C_CHAR, key, sizeof key, &key_ind);
    SQLRETURN r3 = SQLGetData(c->st, 3, SQL_C_CHAR, sum, sizeof sum, &sum_ind);
    if (r1 != SQL_SUCCESS || r2 != SQL_SUCCESS || r3 != SQL_SUCCESS) {
        diag(SQL_HANDLE_STMT, c->st, st, msg, sizeof msg);
        fail("%s: SQLGetData returned %d %d %d [%s] %s", what, (int)r1, (int)r2, (int)r3, st, msg);
        return;
    }
    if (!row_matches(&c->want[n - 1], id, id_ind, key, key_ind, sum, sum_ind)) {
        fail("%s: SQLGetData read Id %lld Key '%s', forward row %ld is Id %lld Key '%s'", what, (long long)id, key, n, (long long)c->want[n - 1].id, c->want[n - 1].key);
        return;
    }
    ok("%s: SQLGetData reads forward row %ld", what, n);
}

/* SQLSetPos past the rowset: HY107. */
static void position_out_of_range(Cursor *c, long r) {
    checks++;
    SQLRETURN rc = SQLSetPos(c->st, (SQLSETPOSIROW)r, SQL_POSITION, SQL_LOCK_NO_CHANGE);
    char st[6], msg[1024];
    diag(SQL_HANDLE_STMT, c->st, st, msg, sizeof msg);
    if (rc != SQL_ERROR || strcmp(st, "HY107") != 0) fail("%s: SetPos(%ld) past the rowset returned %d [%s] %s, expected SQL_ERROR [HY107]", c->label, r, (int)rc, st, msg);
    else ok("%s: SetPos(%ld) past the rowset: HY107", c->label, r);
}

/* ---- walk: every orientation, scripted ------------------------------------------------------ */

typedef struct {
    int orientation;
    long offset;
} Step;

static void scripted_walk(int rowwise, long size) {
    const long L = EXPECTED_ROWS;
    Cursor *c = open_cursor(QUERY, rowwise, size, fwd, nfwd);
    Step steps[] = {
        {SQL_FETCH_PRIOR, 0},             /* before the start: stays there */
        {SQL_FETCH_RELATIVE, -1},         /* before the start, offset <= 0: stays there */
        {SQL_FETCH_RELATIVE, 0},
        {SQL_FETCH_NEXT, 0},              /* 1 */
        {SQL_FETCH_NEXT, 0},
        {SQL_FETCH_NEXT, 0},
        {SQL_FETCH_PRIOR, 0},
        {SQL_FETCH_PRIOR, 0},             /* back at 1 */
        {SQL_FETCH_PRIOR, 0},             /* from 1: before the start */
        {SQL_FETCH_NEXT, 0},              /* 1 again */
        {SQL_FETCH_RELATIVE, -1},         /* from 1, offset < 0: before the start */
        {SQL_FETCH_RELATIVE, 10},         /* from before the start, offset > 0: as ABSOLUTE 10 */
        {SQL_FETCH_RELATIVE, 0},          /* the same rowset again */
        {SQL_FETCH_RELATIVE, 5},
        {SQL_FETCH_RELATIVE, -3},
        {SQL_FETCH_RELATIVE, -13},        /* 12 - 13 < 1: clipped (01S06) or before, by |offset| vs the rowset size */
        {SQL_FETCH_ABSOLUTE, 3},
        {SQL_FETCH_PRIOR, 0},             /* from 3: clipped to 1 (01S06) when the rowset is 3 or more */
        {SQL_FETCH_ABSOLUTE, 3},
        {SQL_FETCH_RELATIVE, -4},         /* from 3: clipped or before */
        {SQL_FETCH_ABSOLUTE, 8},
        {SQL_FETCH_PRIOR, 0},             /* from 8 */
        {SQL_FETCH_ABSOLUTE, 500},
        {SQL_FETCH_RELATIVE, 123},
        {SQL_FETCH_RELATIVE, -400},
        {SQL_FETCH_RELATIVE, -10000},     /* before the start */
        {SQL_FETCH_NEXT, 0},
        {SQL_FETCH_LAST, 0},
        {SQL_FETCH_NEXT, 0},              /* after the end */
        {SQL_FETCH_NEXT, 0},              /* stays after the end */
        {SQL_FETCH_RELATIVE, 0},
        {SQL_FETCH_RELATIVE, 3},          /* after the end, offset >= 0: stays */
        {SQL_FETCH_PRIOR, 0},             /* from after the end: the last rowset */
        {SQL_FETCH_PRIOR, 0},
        {SQL_FETCH_ABSOLUTE, L},          /* the last row alone (a partial rowset) */
        {SQL_FETCH_ABSOLUTE, L - 3},      /* partial for rowsets over 4 */
        {SQL_FETCH_NEXT, 0},              /* past the end from a partial rowset */
        {SQL_FETCH_RELATIVE, -1},         /* after the end, offset < 0: as ABSOLUTE -1 */
        {SQL_FETCH_RELATIVE, 1},          /* from the last row: after the end */
        {SQL_FETCH_ABSOLUTE, L + 1},      /* after the end */
        {SQL_FETCH_ABSOLUTE, -1},
        {SQL_FETCH_ABSOLUTE, -L},         /* row 1 */
        {SQL_FETCH_ABSOLUTE, -(L + 1)},   /* before the start (|offset| > the rowset) */
        {SQL_FETCH_ABSOLUTE, -(L + 30)},
        {SQL_FETCH_ABSOLUTE, -37},
        {SQL_FETCH_ABSOLUTE, 0},          /* before the start */
        {SQL_FETCH_RELATIVE, L - 2},      /* from before the start: as ABSOLUTE */
        {SQL_FETCH_RELATIVE, 2},          /* from L-2 to L */
        {SQL_FETCH_RELATIVE, -(L - 1)},   /* from L to 1 */
        {SQL_FETCH_FIRST, 0},
        {SQL_FETCH_ABSOLUTE, 2},
        {SQL_FETCH_LAST, 0},
        {SQL_FETCH_FIRST, 0},
    };
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        Expect e = move(c, steps[i].orientation, steps[i].offset);
        if (e.rows && (i % 3 == 0 || e.count < size)) {
            position_and_get(c, e, e.count);
            if (e.count > 2) position_and_get(c, e, 2);
            position_and_get(c, e, 1);
            if (i % 9 == 0) position_out_of_range(c, e.count + 1);
        }
    }
    /* SQLFetch is FetchScroll(NEXT) on a scrollable cursor too. */
    poison(c);
    Model before = c->model;
    Expect e = model_move(&c->model, SQL_FETCH_NEXT, 0, c->size, c->nwant);
    SQLRETURN rc = SQLFetch(c->st);
    char why[512];
    checks++;
    if (rc != SQL_SUCCESS || c->fetched != (SQLULEN)e.count || !bound_row_matches(c, 0, e.start, why, sizeof why)) fail("%s: SQLFetch after FIRST returned %d, %lu rows (expected the rowset at %ld)", c->label, (int)rc, (unsigned long)c->fetched, e.start);
    else ok("%s: SQLFetch from %ld: rows %ld-%ld", c->label, before.start, e.start, e.start + e.count - 1);
    close_cursor(c);
}

/* A result shorter than the rowset: ABSOLUTE with a negative offset past the first row but
 * within a rowset of it, and PRIOR from after the end, are clipped to row 1 with 01S06. */
static void short_result(int rowwise, long size) {
    Row *rows;
    long n;
    read_forward(SHORT_QUERY, &rows, &n);
    checks++;
    if (n != 5) {
        fail("the short query returned %ld rows, expected 5", n);
        return;
    }
    Cursor *c = open_cursor(SHORT_QUERY, rowwise, size, rows, n);
    Step steps[] = {
        {SQL_FETCH_ABSOLUTE, -6},   /* |-6| > 5 rows, <= rowset: 1 [01S06] */
        {SQL_FETCH_NEXT, 0},        /* after the end */
        {SQL_FETCH_PRIOR, 0},       /* after the end, 5 rows < rowset: 1 [01S06] */
        {SQL_FETCH_ABSOLUTE, -5},   /* row 1, no warning */
        {SQL_FETCH_ABSOLUTE, -(size + 1)}, /* |offset| > the rowset: before the start */
        {SQL_FETCH_RELATIVE, -3},   /* before the start, offset <= 0: stays */
        {SQL_FETCH_LAST, 0},        /* rowset > rows: 1 */
        {SQL_FETCH_ABSOLUTE, 4},    /* rows 4-5 */
        {SQL_FETCH_RELATIVE, -3},   /* 4 - 3 = 1 */
        {SQL_FETCH_ABSOLUTE, 4},
        {SQL_FETCH_RELATIVE, -5},   /* 4 - 5 < 1, |-5| <= rowset: 1 [01S06] */
        {SQL_FETCH_ABSOLUTE, 4},
        {SQL_FETCH_PRIOR, 0},       /* 1 < 4 <= rowset: 1 [01S06] */
        {SQL_FETCH_RELATIVE, 4},    /* rows 5 */
        {SQL_FETCH_RELATIVE, 1},    /* after the end */
        {SQL_FETCH_RELATIVE, -(size + 1)}, /* after the end, offset < 0: as ABSOLUTE: before the start */
    };
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        Expect e = move(c, steps[i].orientation, steps[i].offset);
        if (e.rows) position_and_get(c, e, e.count);
    }
    close_cursor(c);
    free(rows);
}

/* SQLExtendedFetch (ODBC 2): the same moves, reported into its own arguments. */
static void extended_fetch(long size) {
    SQLHSTMT st;
    must(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st), SQL_HANDLE_DBC, dbc, "AllocHandle(STMT)");
    must(SQLSetStmtAttr(st, SQL_ATTR_CURSOR_TYPE, (SQLPOINTER)SQL_CURSOR_STATIC, 0), SQL_HANDLE_STMT, st, "SetStmtAttr(CURSOR_TYPE)");
    must(SQLSetStmtAttr(st, SQL_ROWSET_SIZE, (SQLPOINTER)(uintptr_t)size, 0), SQL_HANDLE_STMT, st, "SetStmtAttr(SQL_ROWSET_SIZE)");
    static SQLBIGINT ids[MAX_ROWSET];
    static SQLLEN ind[MAX_ROWSET];
    static char keys[MAX_ROWSET][KEYMAX];
    static SQLLEN kind[MAX_ROWSET];
    must(SQLBindCol(st, 1, SQL_C_SBIGINT, ids, 0, ind), SQL_HANDLE_STMT, st, "BindCol(1)");
    must(SQLBindCol(st, 2, SQL_C_CHAR, keys, KEYMAX, kind), SQL_HANDLE_STMT, st, "BindCol(2)");
    must(SQLExecDirect(st, (SQLCHAR *)QUERY, SQL_NTS), SQL_HANDLE_STMT, st, "ExecDirect");
    Model m = {BEFORE, 0, 0};
    long failures_before = failures;
    Step steps[] = {
        {SQL_FETCH_NEXT, 0}, {SQL_FETCH_NEXT, 0}, {SQL_FETCH_PRIOR, 0}, {SQL_FETCH_PRIOR, 0}, {SQL_FETCH_LAST, 0},
        {SQL_FETCH_NEXT, 0}, {SQL_FETCH_PRIOR, 0}, {SQL_FETCH_ABSOLUTE, 500}, {SQL_FETCH_RELATIVE, -7},
        {SQL_FETCH_ABSOLUTE, -3}, {SQL_FETCH_ABSOLUTE, 3}, {SQL_FETCH_PRIOR, 0}, {SQL_FETCH_FIRST, 0},
        {SQL_FETCH_RELATIVE, -1}, {SQL_FETCH_ABSOLUTE, EXPECTED_ROWS + 1},
    };
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        if (i > 0 && failures != failures_before) {
            /* Start again from before the start, so that one wrong move is reported once. */
            SQLULEN n;
            SQLUSMALLINT st2[MAX_ROWSET];
            SQLExtendedFetch(st, SQL_FETCH_ABSOLUTE, 0, &n, st2);
            m.where = BEFORE;
        }
        failures_before = failures;
        SQLULEN crow = 0xDEADBEEF;
        SQLUSMALLINT status[MAX_ROWSET + 1];
        memset(status, 0xEE, sizeof status);
        memset(ids, 0xA5, sizeof ids);
        Expect e = model_move(&m, steps[i].orientation, steps[i].offset, size, nfwd);
        SQLRETURN rc = SQLExtendedFetch(st, steps[i].orientation, steps[i].offset, &crow, status);
        char s[6], msg[1024];
        diag(SQL_HANDLE_STMT, st, s, msg, sizeof msg);
        checks++;
        char what[96];
        snprintf(what, sizeof what, "ExtendedFetch(%s, %ld), rowset %ld", orientation_name(steps[i].orientation), steps[i].offset, size);
        if (!e.rows) {
            if (rc != SQL_NO_DATA) fail("%s: returned %d [%s] %s, expected SQL_NO_DATA", what, (int)rc, s, msg);
            else ok("%s: SQL_NO_DATA", what);
            continue;
        }
        if (rc != (e.clipped ? SQL_SUCCESS_WITH_INFO : SQL_SUCCESS) || (e.clipped && strcmp(s, "01S06") != 0)) {
            fail("%s: returned %d [%s] %s, expected the rowset at %ld%s", what, (int)rc, s, msg, e.start, e.clipped ? " [01S06]" : "");
            continue;
        }
        int bad = crow != (SQLULEN)e.count;
        if (bad) fail("%s: *pcrow is %lu, expected %ld", what, (unsigned long)crow, e.count);
        for (long r = 0; r < size && !bad; r++) {
            SQLUSMALLINT want = r < e.count ? SQL_ROW_SUCCESS : SQL_ROW_NOROW;
            if (status[r] != want) {
                fail("%s: rgfRowStatus[%ld] is %u, expected %u", what, r, status[r], want);
                bad = 1;
            }
        }
        for (long r = 0; r < e.count && !bad; r++) {
            const Row *w = &fwd[e.start + r - 1];
            if (ids[r] != w->id || strcmp(keys[r], w->key) != 0) {
                fail("%s: row %ld is Id %lld Key '%s', forward row %ld is Id %lld Key '%s'", what, r + 1, (long long)ids[r], keys[r], e.start + r, (long long)w->id, w->key);
                bad = 1;
            }
        }
        if (!bad && row_number(st) != (SQLULEN)e.start) {
            fail("%s: SQL_ATTR_ROW_NUMBER is %lu, expected %ld", what, (unsigned long)row_number(st), e.start);
            bad = 1;
        }
        if (!bad) ok("%s: rows %ld-%ld%s", what, e.start, e.start + e.count - 1, e.clipped ? " [01S06]" : "");
    }
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* ---- random walks ------------------------------------------------------------------------ */

static uint64_t rng;
static uint64_t next_random(void) {
    /* xorshift64* */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ull;
}
static long pick(long lo, long hi) { return lo + (long)(next_random() % (uint64_t)(hi - lo + 1)); }

static long random_offset(long size) {
    const long L = EXPECTED_ROWS;
    switch (pick(0, 5)) {
    case 0: return pick(-3, 3);
    case 1: return pick(-60, 60);
    case 2: return pick(-(L + 60), L + 60);
    case 3: {
        long edges[] = {0, 1, -1, L, -L, L + 1, -(L + 1), L - 1, -(L - 1), size, -size, size + 1, -(size + 1), L - size, -(L - size), L + size, -(L + size)};
        return edges[pick(0, sizeof edges / sizeof *edges - 1)];
    }
    default: return pick(-(2 * L), 2 * L);
    }
}

static void random_walk(int rowwise, long size, uint64_t seed, long moves, int resize) {
    static const int orientations[] = {SQL_FETCH_NEXT, SQL_FETCH_PRIOR, SQL_FETCH_FIRST, SQL_FETCH_LAST, SQL_FETCH_ABSOLUTE, SQL_FETCH_RELATIVE};
    static const long sizes[] = {1, 7, 50};
    rng = seed * 0x9E3779B97F4A7C15ull + (uint64_t)size * 131 + (uint64_t)rowwise + 1;
    Cursor *c = open_cursor(QUERY, rowwise, size, fwd, nfwd);
    char label[128];
    snprintf(label, sizeof label, "%s%s", c->label, resize ? " at first, then 1, 7 or 50" : "");
    long failures_before = failures, rows_seen = 0, no_data = 0, clipped = 0;
    int was_verbose = verbose;
    verbose = 0;
    print_budget = 3;
    for (long i = 0; i < moves; i++) {
        if (resize && pick(0, 3) == 0) set_size(c, sizes[pick(0, 2)]);
        int o = orientations[pick(0, 5)];
        long k = (o == SQL_FETCH_ABSOLUTE || o == SQL_FETCH_RELATIVE) ? random_offset(c->size) : 0;
        Expect e = move(c, o, k);
        rows_seen += e.count;
        no_data += !e.rows;
        clipped += e.clipped;
        if (e.rows && pick(0, 9) == 0) position_and_get(c, e, pick(1, e.count));
    }
    verbose = was_verbose;
    print_budget = -1;
    if (failures != failures_before)
        fprintf(stderr, "FAIL random walk (%s, seed %llu): %ld failed checks in %ld moves (the first 3 shown above)\n", label, (unsigned long long)seed, failures - failures_before, moves);
    else
        ok("random walk (%s, seed %llu): %ld moves, %ld rows compared, %ld SQL_NO_DATA, %ld 01S06", label, (unsigned long long)seed, moves, rows_seen, no_data, clipped);
    close_cursor(c);
}

/* ---- memory limit -------------------------------------------------------------------------- */

/* The query's Ids, read forward-only (the default cursor streams and keeps nothing). */
static SQLBIGINT *forward_ids(const char *sql, long *n) {
    SQLHSTMT st;
    must(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st), SQL_HANDLE_DBC, dbc, "AllocHandle(STMT)");
    must(SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS), SQL_HANDLE_STMT, st, "ExecDirect (forward-only)");
    long cap = 1024, count = 0;
    SQLBIGINT *ids = malloc(cap * sizeof *ids);
    SQLRETURN rc;
    SQLLEN ind;
    while ((rc = SQLFetch(st)) == SQL_SUCCESS) {
        if (count == cap) ids = realloc(ids, (cap *= 2) * sizeof *ids);
        must(SQLGetData(st, 1, SQL_C_SBIGINT, &ids[count++], 0, &ind), SQL_HANDLE_STMT, st, "GetData(Id)");
    }
    char s[6], msg[2048];
    diag(SQL_HANDLE_STMT, st, s, msg, sizeof msg);
    checks++;
    if (rc != SQL_NO_DATA) fail("forward-only read of %s ended with %d [%s] %s after %ld rows", sql, (int)rc, s, msg, count);
    else ok("forward-only read of %s: %ld rows", sql, count);
    printf("forward rows: %ld\n", count);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
    *n = count;
    return ids;
}

/* One FetchScroll on a statement whose column 1 is bound to *id: the return code, the state. */
static SQLRETURN fetch_id(SQLHSTMT st, int orientation, long k, SQLBIGINT *id, char state[6], char *msg, size_t msglen) {
    *id = -1;
    SQLRETURN rc = SQLFetchScroll(st, orientation, k);
    diag(SQL_HANDLE_STMT, st, state, msg, msglen);
    return rc;
}

/* A static cursor over `sql` with MaxStaticCursorMemory small (the connection string sets
 * it): LAST is HY001 naming MaxStaticCursorMemory. The rows kept before the limit stay
 * readable, in order; a row past them is HY001 again, never another row or SQL_NO_DATA; the
 * same query forward-only streams to its end. */
static void memory_limit(const char *sql, int retry) {
    long n;
    SQLBIGINT *ids = forward_ids(sql, &n);
    SQLHSTMT st;
    must(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st), SQL_HANDLE_DBC, dbc, "AllocHandle(STMT)");
    must(SQLSetStmtAttr(st, SQL_ATTR_CURSOR_TYPE, (SQLPOINTER)SQL_CURSOR_STATIC, 0), SQL_HANDLE_STMT, st, "SetStmtAttr(CURSOR_TYPE)");
    SQLBIGINT id;
    SQLLEN ind;
    must(SQLBindCol(st, 1, SQL_C_SBIGINT, &id, 0, &ind), SQL_HANDLE_STMT, st, "BindCol(1)");
    SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
    char s[6], msg[2048];
    diag(SQL_HANDLE_STMT, st, s, msg, sizeof msg);
    checks++;
    if (!SQL_SUCCEEDED(rc)) {
        fail("ExecDirect (static) of %s returned %d [%s] %s", sql, (int)rc, s, msg);
        SQLFreeHandle(SQL_HANDLE_STMT, st);
        free(ids);
        return;
    }
    ok("ExecDirect of %s with a static cursor", sql);
    rc = fetch_id(st, SQL_FETCH_LAST, 0, &id, s, msg, sizeof msg);
    checks++;
    long kept = -1;
    const char *after = strstr(msg, " after ");
    if (rc != SQL_ERROR || strcmp(s, "HY001") != 0 || !strstr(msg, "MaxStaticCursorMemory") || !after) {
        fail("FetchScroll(LAST) past MaxStaticCursorMemory returned %d [%s] %s (Id %lld), expected SQL_ERROR [HY001] naming MaxStaticCursorMemory", (int)rc, s, msg, (long long)id);
    } else {
        kept = strtol(after + 7, NULL, 10);
        ok("FetchScroll(LAST): HY001 after %ld rows: %s", kept, msg);
        printf("kept rows: %ld\n", kept);
    }
    /* The rows kept are still there; with `retry`, twice, after moves refused in between (a
     * refused move must lose nothing). */
    for (int round = 0; round < (retry ? 2 : 1) && kept >= 0; round++) {
        if (kept == 0 && !retry) break;
        checks++;
        rc = fetch_id(st, SQL_FETCH_FIRST, 0, &id, s, msg, sizeof msg);
        if (kept == 0) {
            if (rc != SQL_ERROR || strcmp(s, "HY001") != 0) fail("FetchScroll(FIRST) (round %d), no row fitting the limit: returned %d [%s] %s (Id %lld), expected HY001 again", round + 1, (int)rc, s, msg, (long long)id);
            else ok("FetchScroll(FIRST) (round %d), no row fitting the limit: HY001 again", round + 1);
            continue;
        }
        if (rc != SQL_SUCCESS || id != ids[0]) fail("FetchScroll(FIRST) (round %d) after HY001 returned %d [%s] %s, Id %lld (expected %lld)", round + 1, (int)rc, s, msg, (long long)id, (long long)ids[0]);
        else ok("FetchScroll(FIRST) (round %d) after HY001: the first row", round + 1);
        checks++;
        rc = fetch_id(st, SQL_FETCH_ABSOLUTE, kept, &id, s, msg, sizeof msg);
        if (rc != SQL_SUCCESS || id != ids[kept - 1]) fail("FetchScroll(ABSOLUTE, %ld), the last row kept (round %d): returned %d [%s] %s, Id %lld (expected %lld)", kept, round + 1, (int)rc, s, msg, (long long)id, (long long)ids[kept - 1]);
        else ok("FetchScroll(ABSOLUTE, %ld), the last row kept (round %d)", kept, round + 1);
        if (!retry) break;
        checks++;
        rc = fetch_id(st, SQL_FETCH_NEXT, 0, &id, s, msg, sizeof msg);
        if (!(rc == SQL_ERROR && strcmp(s, "HY001") == 0) && !(rc == SQL_SUCCESS && kept < n && id == ids[kept]))
            fail("FetchScroll(NEXT) past the rows kept (round %d): returned %d [%s] %s, Id %lld; expected HY001 or row %ld (Id %lld)", round + 1, (int)rc, s, msg, (long long)id, kept + 1, kept < n ? (long long)ids[kept] : -1LL);
        else ok("FetchScroll(NEXT) past the rows kept (round %d): %s", round + 1, rc == SQL_ERROR ? "HY001" : "the next row");
    }
    /* Asked again and again for the first row past the limit: HY001 each time (or that very
     * row), never SQL_NO_DATA (rows the result has would have vanished) nor another row. */
    if (retry && kept >= 0 && kept < n) {
        int good = 1;
        checks++;
        for (int i = 0; i < 15 && good; i++) {
            rc = fetch_id(st, SQL_FETCH_ABSOLUTE, kept + 1, &id, s, msg, sizeof msg);
            if (!(rc == SQL_ERROR && strcmp(s, "HY001") == 0) && !(rc == SQL_SUCCESS && id == ids[kept])) {
                fail("FetchScroll(ABSOLUTE, %ld), the first row past the limit, try %d: returned %d [%s] %s, Id %lld; expected HY001 or Id %lld (the result has %ld rows)", kept + 1, i + 1, (int)rc, s, msg, (long long)id, (long long)ids[kept], n);
                good = 0;
            }
        }
        if (good) ok("FetchScroll(ABSOLUTE, %ld) 15 times: HY001 each time", kept + 1);
    }
    SQLFreeHandle(SQL_HANDLE_STMT, st);
    free(ids);
}

static void getdata_extensions(void) {
    SQLUINTEGER gd = 0;
    must(SQLGetInfo(dbc, SQL_GETDATA_EXTENSIONS, &gd, sizeof gd, NULL), SQL_HANDLE_DBC, dbc, "GetInfo(GETDATA_EXTENSIONS)");
    checks++;
    /* SQLSetPos(SQL_POSITION) + SQLGetData in a rowset of more than one row (what the walk
     * does) is what SQL_GD_BLOCK announces. */
    if (!(gd & SQL_GD_BLOCK)) fail("SQL_GETDATA_EXTENSIONS is 0x%x: no SQL_GD_BLOCK, yet SQLGetData works on a row of a block cursor after SQLSetPos(SQL_POSITION)", (unsigned)gd);
    else ok("SQL_GETDATA_EXTENSIONS 0x%x includes SQL_GD_BLOCK", (unsigned)gd);
    SQLUINTEGER a1 = 0;
    must(SQLGetInfo(dbc, SQL_STATIC_CURSOR_ATTRIBUTES1, &a1, sizeof a1, NULL), SQL_HANDLE_DBC, dbc, "GetInfo(STATIC_CURSOR_ATTRIBUTES1)");
    checks++;
    SQLUINTEGER need = SQL_CA1_NEXT | SQL_CA1_ABSOLUTE | SQL_CA1_RELATIVE | SQL_CA1_POS_POSITION;
    if ((a1 & need) != need) fail("SQL_STATIC_CURSOR_ATTRIBUTES1 0x%x lacks some of NEXT, ABSOLUTE, RELATIVE, POS_POSITION", (unsigned)a1);
    else ok("SQL_STATIC_CURSOR_ATTRIBUTES1 0x%x", (unsigned)a1);
    SQLUINTEGER so = 0;
    must(SQLGetInfo(dbc, SQL_SCROLL_OPTIONS, &so, sizeof so, NULL), SQL_HANDLE_DBC, dbc, "GetInfo(SCROLL_OPTIONS)");
    checks++;
    if (!(so & SQL_SO_STATIC) || !(so & SQL_SO_FORWARD_ONLY)) fail("SQL_SCROLL_OPTIONS 0x%x lacks SQL_SO_STATIC or SQL_SO_FORWARD_ONLY", (unsigned)so);
    else ok("SQL_SCROLL_OPTIONS 0x%x", (unsigned)so);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 3) {
        fprintf(stderr, "usage: scroll walk|random|resize|memory|getdata CONNSTR [SEED MOVES | QUERY]\n");
        return 2;
    }
    const char *mode = argv[1];
    connect_to(argv[2]);
    if (strcmp(mode, "memory") == 0) {
        if (argc < 4) return 2;
        for (int i = 3; i < argc; i++) memory_limit(argv[i], 0);
    } else if (strcmp(mode, "memory-retry") == 0) {
        if (argc < 4) return 2;
        for (int i = 3; i < argc; i++) memory_limit(argv[i], 1);
    } else if (strcmp(mode, "getdata") == 0) {
        getdata_extensions();
    } else {
        read_forward(QUERY, &fwd, &nfwd);
        checks++;
        if (nfwd != EXPECTED_ROWS) {
            fail("the forward-only read returned %ld rows, expected %d (start the sandbox with more issues)", nfwd, EXPECTED_ROWS);
            return 1;
        }
        for (long i = 1; i < nfwd; i++)
            if (fwd[i].id <= fwd[i - 1].id) fail("forward rows %ld and %ld are not in Id order", i, i + 1);
        ok("forward-only read: %ld rows, Ids %lld to %lld", nfwd, (long long)fwd[0].id, (long long)fwd[nfwd - 1].id);
        static const long sizes[] = {1, 7, 50};
        if (strcmp(mode, "walk") == 0) {
            for (int rowwise = 0; rowwise < 2; rowwise++)
                for (int s = 0; s < 3; s++) scripted_walk(rowwise, sizes[s]);
            for (int s = 1; s < 3; s++) short_result(s == 1, sizes[s]);
            for (int s = 0; s < 3; s++) extended_fetch(sizes[s]);
        } else if ((strcmp(mode, "random") == 0 || strcmp(mode, "resize") == 0) && argc == 5) {
            uint64_t seed = strtoull(argv[3], NULL, 10);
            long moves = strtol(argv[4], NULL, 10);
            int resize = strcmp(mode, "resize") == 0;
            for (int rowwise = 0; rowwise < 2; rowwise++)
                for (int s = 0; s < (resize ? 1 : 3); s++) random_walk(rowwise, sizes[s], seed, moves, resize);
        } else {
            fprintf(stderr, "unknown mode %s\n", mode);
            return 2;
        }
        free(fwd);
    }
    disconnect();
    printf("%ld checks, %ld failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
