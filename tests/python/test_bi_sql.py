"""The SQL BI tools and users of other databases send, through pyodbc and unixODBC: the
row-limiting forms (`FETCH FIRST`, `OFFSET ... FETCH NEXT`, `TOP`) meaning `LIMIT`/`OFFSET` and
pushed down as it is (request counts from the sandbox's log), column sizes from Atlassian's
documented limits, and arrow-odbc (what polars and other columnar tools read ODBC through)
reading whole tables with its default settings."""

import datetime
import math

import pyodbc
import pytest

from test_performance import measured, reset, stats

JIRA_TEXT_LIMIT = 32767
# sqlext.h
SQL_ATTR_ACCESS_MODE, SQL_MODE_READ_WRITE, SQL_MODE_READ_ONLY = 101, 0, 1


@pytest.fixture(scope="module")
def conn(sandbox):
    c = pyodbc.connect(sandbox.connection_string())
    yield c
    c.close()


def keys(rows):
    return [r[0] for r in rows]


def test_fetch_first_and_top_are_limits_pushed_down(sandbox, conn):
    ordered = keys(conn.cursor().execute('SELECT "Key" FROM Jira.Issues ORDER BY Id').fetchall())
    assert len(ordered) > 100, "more than one search page"
    for sql in ['SELECT "Key" FROM Jira.Issues FETCH FIRST 5 ROWS ONLY', 'SELECT TOP 5 "Key" FROM Jira.Issues', 'SELECT TOP (5) "Key" FROM Jira.Issues', 'SELECT "Key" FROM Jira.Issues LIMIT 5']:
        rows, st = measured(sandbox, conn, sql)
        assert len(rows) == 5, sql
        # One search request (the whole table takes several): the limit reached the request.
        assert st["total"] == 1 and "/search/jql" in st["recent"][0], (sql, st["recent"])
    assert keys(conn.cursor().execute('SELECT "Key" FROM Jira.Issues ORDER BY Id FETCH FIRST ROW ONLY').fetchall()) == ordered[:1]
    assert keys(conn.cursor().execute('SELECT TOP 3 "Key" FROM Jira.Issues ORDER BY Id').fetchall()) == ordered[:3]
    assert keys(conn.cursor().execute('SELECT "Key" FROM Jira.Issues ORDER BY Id OFFSET 4 ROWS FETCH NEXT 3 ROWS ONLY').fetchall()) == ordered[4:7]
    assert keys(conn.cursor().execute('SELECT "Key" FROM Jira.Issues ORDER BY Id LIMIT 3 OFFSET 4').fetchall()) == ordered[4:7]
    # A parameter for the count, and a TOP inside a subquery.
    assert len(conn.cursor().execute('SELECT "Key" FROM Jira.Issues FETCH FIRST 2 ROWS ONLY').fetchall()) == 2
    assert keys(conn.cursor().execute('SELECT * FROM (SELECT TOP 2 "Key" FROM Jira.Issues ORDER BY Id) AS s').fetchall()) == ordered[:2]
    for bad in ['SELECT "Key" FROM Jira.Issues FETCH FIRST 10 PERCENT ROWS ONLY', 'SELECT TOP 5 "Key" FROM Jira.Issues LIMIT 2', 'SELECT "Key" FROM Jira.Issues ORDER BY Id FETCH FIRST 2 ROWS WITH TIES']:
        with pytest.raises(pyodbc.Error) as e:
            conn.cursor().execute(bad).fetchall()
        assert e.value.args[0] == "42000", bad


def test_bit_columns_compare_with_zero_and_one(sandbox, conn):
    """`WHERE Active = 1`, as SQL Server users and BI tools write a BIT test."""
    types = [(t["name"], t["subtask"]) for t in sandbox.rest("/rest/api/3/issuetype")]
    subtasks = sorted(n for n, sub in types if sub)
    others = sorted(n for n, sub in types if not sub)
    assert subtasks and others
    ask = lambda sql: sorted(r[0] for r in conn.cursor().execute(sql).fetchall())
    assert ask("SELECT Name FROM Jira.IssueTypes WHERE IsSubtask = 1") == subtasks
    assert ask("SELECT Name FROM Jira.IssueTypes WHERE 0 = IsSubtask") == others
    assert ask("SELECT Name FROM Jira.IssueTypes WHERE IsSubtask <> 0") == subtasks
    assert ask("SELECT Name FROM Jira.IssueTypes WHERE IsSubtask IN (0, 1)") == sorted(subtasks + others)
    with pytest.raises(pyodbc.Error):
        conn.cursor().execute("SELECT Name FROM Jira.IssueTypes WHERE IsSubtask = 2").fetchall()


def test_the_end_of_time_is_a_timestamp(conn):
    """`TIMESTAMP '9999-12-31 ...'`, the "forever" BI tools write, beyond the engine's own range."""
    total = conn.cursor().execute("SELECT COUNT(*) FROM Jira.Issues").fetchval()
    assert conn.cursor().execute("SELECT COUNT(*) FROM Jira.Issues WHERE Created < TIMESTAMP '9999-12-31 23:59:59'").fetchval() == total
    assert conn.cursor().execute("SELECT COUNT(*) FROM Jira.Issues WHERE COALESCE(ResolutionDate, TIMESTAMP '9999-12-31 00:00:00') > Created").fetchval() == total
    assert conn.cursor().execute("SELECT TIMESTAMP '9999-12-31 00:00:00'").fetchval() == datetime.datetime(9999, 12, 31)


def test_long_text_reports_atlassians_documented_limits(conn):
    sizes = {(r.table_name, r.column_name): (r.type_name, r.column_size) for t in ("Issues", "Comments", "Worklogs", "Pages") for r in conn.cursor().columns(table=t)}
    for col in [("Issues", "Description"), ("Issues", "DescriptionAdf"), ("Comments", "Body"), ("Comments", "BodyAdf"), ("Worklogs", "Comment")]:
        assert sizes[col] == ("LONGVARCHAR", JIRA_TEXT_LIMIT), col
    assert sizes[("Issues", "Summary")] == ("VARCHAR", 255)
    # Confluence bodies have no documented bound.
    assert sizes[("Pages", "Body")][1] > 10**9
    # The result set says the same as the catalog.
    cur = conn.cursor().execute("SELECT Description, Summary FROM Jira.Issues LIMIT 1")
    assert [d[3] for d in cur.description] == [JIRA_TEXT_LIMIT, 255]


def test_arrow_odbc_reads_whole_tables_with_its_defaults(sandbox):
    arrow_odbc = pytest.importorskip("arrow_odbc")
    cs = sandbox.connection_string()
    for table, key in [("Jira.Issues", "Key"), ("Jira.Comments", "Id")]:
        reader = arrow_odbc.read_arrow_batches_from_odbc(query=f"SELECT * FROM {table}", connection_string=cs)
        batches = list(reader)
        got = sum(b.num_rows for b in batches)
        expected = pyodbc.connect(cs).cursor().execute(f"SELECT COUNT(*) FROM {table}").fetchval()
        assert got == expected > 0, table
        names = batches[0].schema.names
        assert key in names and len(names) > 5, names


D = "{d '2024-03-05'}"
TS = "{ts '2024-03-05 10:11:12'}"
when = datetime.datetime(2024, 3, 5, 10, 11, 12)

# Every scalar function ODBC names, by its bit in the SQLGetInfo bitmap that advertises it:
# (escape, the value it must give; a callable checks values that vary).
STRING_FUNCTIONS = {
    0x1: ("{fn CONCAT('a', 'b')}", "ab"),
    0x2: ("{fn INSERT('abcdef', 2, 3, 'XY')}", "aXYef"),
    0x4: ("{fn LEFT('abcdef', 2)}", "ab"),
    0x8: ("{fn LTRIM('  a ')}", "a "),
    0x10: ("{fn LENGTH('abc  ')}", 3),
    0x20: ("{fn LOCATE('c', 'abcabc', 4)}", 6),
    0x40: ("{fn LCASE('AbC')}", "abc"),
    0x80: ("{fn REPEAT('ab', 3)}", "ababab"),
    0x100: ("{fn REPLACE('abab', 'b', 'x')}", "axax"),
    0x200: ("{fn RIGHT('abcdef', 2)}", "ef"),
    0x400: ("{fn RTRIM(' a  ')}", " a"),
    0x800: ("{fn SUBSTRING('abcdef', 2, 3)}", "bcd"),
    0x1000: ("{fn UCASE('abC')}", "ABC"),
    0x2000: ("{fn ASCII('A')}", 65),
    0x4000: ("{fn CHAR(65)}", "A"),
    0x10000: ("{fn LOCATE('c', 'abcabc')}", 3),
    0x40000: ("{fn SPACE(3)}", "   "),
    0x80000: ("{fn BIT_LENGTH('ab')}", 16),
    0x100000: ("{fn CHAR_LENGTH('abc')}", 3),
    0x200000: ("{fn CHARACTER_LENGTH('abcd')}", 4),
    0x400000: ("{fn OCTET_LENGTH('ab')}", 2),
    0x800000: ("{fn POSITION('c' IN 'abc')}", 3),
}
NUMERIC_FUNCTIONS = {
    0x1: ("{fn ABS(-2)}", 2),
    0x2: ("{fn ACOS(1)}", 0.0),
    0x4: ("{fn ASIN(1)}", pytest.approx(math.pi / 2)),
    0x8: ("{fn ATAN(1)}", pytest.approx(math.pi / 4)),
    0x10: ("{fn ATAN2(1, 1)}", pytest.approx(math.pi / 4)),
    0x20: ("{fn CEILING(1.2)}", 2),
    0x40: ("{fn COS(0)}", 1.0),
    0x80: ("{fn COT(1)}", pytest.approx(1 / math.tan(1))),
    0x100: ("{fn EXP(1)}", pytest.approx(math.e)),
    0x200: ("{fn FLOOR(1.7)}", 1),
    0x400: ("{fn LOG(10)}", pytest.approx(math.log(10))),
    0x800: ("{fn MOD(7, 3)}", 1),
    0x1000: ("{fn SIGN(-5)}", -1),
    0x2000: ("{fn SIN(0)}", 0.0),
    0x4000: ("{fn SQRT(16)}", 4.0),
    0x8000: ("{fn TAN(0)}", 0.0),
    0x10000: ("{fn PI()}", pytest.approx(math.pi)),
    0x20000: ("{fn RAND()}", lambda v: 0 <= v < 1),
    0x40000: ("{fn DEGREES(PI())}", pytest.approx(180.0)),
    0x80000: ("{fn LOG10(1000)}", pytest.approx(3.0)),
    0x100000: ("{fn POWER(2, 10)}", 1024),
    0x200000: ("{fn RADIANS(180)}", pytest.approx(math.pi)),
    0x400000: ("{fn ROUND(2.567, 2)}", pytest.approx(2.57)),
    0x800000: ("{fn TRUNCATE(2.567, 1)}", pytest.approx(2.5)),
}
TIMEDATE_FUNCTIONS = {
    0x1: ("{fn NOW()}", lambda v: abs((v - datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)).total_seconds()) < 120),
    0x2: ("{fn CURDATE()}", lambda v: v == datetime.datetime.now(datetime.timezone.utc).date()),
    0x4: (f"{{fn DAYOFMONTH({D})}}", 5),
    0x8: (f"{{fn DAYOFWEEK({D})}}", 3),
    0x10: (f"{{fn DAYOFYEAR({D})}}", 65),
    0x20: (f"{{fn MONTH({D})}}", 3),
    0x40: (f"{{fn QUARTER({D})}}", 1),
    0x80: (f"{{fn WEEK({D})}}", 10),
    0x100: (f"{{fn YEAR({D})}}", 2024),
    0x200: ("{fn CURTIME()}", lambda v: isinstance(v, datetime.time)),
    0x400: (f"{{fn HOUR({TS})}}", 10),
    0x800: (f"{{fn MINUTE({TS})}}", 11),
    0x1000: (f"{{fn SECOND({TS})}}", 12),
    0x2000: (f"{{fn TIMESTAMPADD(SQL_TSI_DAY, 7, {TS})}}", when + datetime.timedelta(days=7)),
    0x4000: (f"{{fn TIMESTAMPDIFF(SQL_TSI_DAY, {TS}, {{ts '2024-03-12 10:11:12'}})}}", 7),
    0x8000: (f"{{fn DAYNAME({D})}}", "Tuesday"),
    0x10000: (f"{{fn MONTHNAME({D})}}", "March"),
    0x20000: ("{fn CURRENT_DATE()}", lambda v: v == datetime.datetime.now(datetime.timezone.utc).date()),
    0x40000: ("{fn CURRENT_TIME()}", lambda v: isinstance(v, datetime.time)),
    0x80000: ("{fn CURRENT_TIMESTAMP()}", lambda v: abs((v - datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)).total_seconds()) < 120),
    0x100000: (f"{{fn EXTRACT(YEAR FROM {D})}}", 2024),
}
SYSTEM_FUNCTIONS = {
    0x2: ("{fn DATABASE()}", "Atlassian"),
    0x4: ("{fn IFNULL(NULL, 3)}", 3),
}
CONVERT_FUNCTIONS = {
    0x1: ("{fn CONVERT('12', SQL_INTEGER)}", 12),
    0x2: ("CAST('12' AS INTEGER)", 12),
}
# Every interval ODBC names, added and measured between two known instants.
INTERVALS = {
    0x1: ("FRAC_SECOND", 7_000_000_000, when + datetime.timedelta(seconds=7)),
    0x2: ("SECOND", 7, when + datetime.timedelta(seconds=7)),
    0x4: ("MINUTE", 7, when + datetime.timedelta(minutes=7)),
    0x8: ("HOUR", 7, when + datetime.timedelta(hours=7)),
    0x10: ("DAY", 7, when + datetime.timedelta(days=7)),
    0x20: ("WEEK", 7, when + datetime.timedelta(weeks=7)),
    0x40: ("MONTH", 7, datetime.datetime(2024, 10, 5, 10, 11, 12)),
    0x80: ("QUARTER", 7, datetime.datetime(2025, 12, 5, 10, 11, 12)),
    0x100: ("YEAR", 7, datetime.datetime(2031, 3, 5, 10, 11, 12)),
}


def scalar(conn, expr):
    return conn.cursor().execute(f"SELECT {expr}").fetchone()[0]


def check(got, expected, expr):
    if callable(expected) and not hasattr(expected, "expected"):
        assert expected(got), (expr, got)
    else:
        assert got == expected, (expr, got)


@pytest.mark.parametrize("info,cases", [
    (pyodbc.SQL_STRING_FUNCTIONS, STRING_FUNCTIONS),
    (pyodbc.SQL_NUMERIC_FUNCTIONS, NUMERIC_FUNCTIONS),
    (pyodbc.SQL_TIMEDATE_FUNCTIONS, TIMEDATE_FUNCTIONS),
    (pyodbc.SQL_SYSTEM_FUNCTIONS, SYSTEM_FUNCTIONS),
    (pyodbc.SQL_CONVERT_FUNCTIONS, CONVERT_FUNCTIONS),
], ids=["string", "numeric", "timedate", "system", "convert"])
def test_every_advertised_scalar_function_gives_its_value(conn, info, cases):
    advertised = conn.getinfo(info)
    bits = [1 << i for i in range(32) if advertised & (1 << i)]
    assert bits, "some functions are advertised"
    missing = [hex(b) for b in bits if b not in cases]
    assert not missing, f"advertised without a test: {missing}"
    for bit in bits:
        expr, expected = cases[bit]
        check(scalar(conn, expr), expected, expr)


def test_every_advertised_interval_adds_and_measures(conn):
    for info in (pyodbc.SQL_TIMEDATE_ADD_INTERVALS, pyodbc.SQL_TIMEDATE_DIFF_INTERVALS):
        advertised = conn.getinfo(info)
        assert all(advertised & bit for bit in INTERVALS), hex(advertised)
    for unit, n, later in INTERVALS.values():
        assert scalar(conn, f"{{fn TIMESTAMPADD(SQL_TSI_{unit}, {n}, {TS})}}") == later, unit
        assert scalar(conn, f"{{fn TIMESTAMPDIFF(SQL_TSI_{unit}, {TS}, {{ts '{later:%Y-%m-%d %H:%M:%S}'}})}}") == n, unit
    # On a column, and with a negative count (the case BI tools generate).
    row = conn.cursor().execute('SELECT {fn TIMESTAMPADD(SQL_TSI_DAY, -7, "Created")}, Created FROM Jira.Issues LIMIT 1').fetchone()
    assert row[0] == row[1] - datetime.timedelta(days=7)


def test_other_escapes_keep_working(conn):
    assert scalar(conn, "{d '2024-03-05'}") == datetime.date(2024, 3, 5)
    assert scalar(conn, "{ts '2024-03-05 10:11:12'}") == when
    assert scalar(conn, "{t '10:11:12'}") == datetime.time(10, 11, 12)
    n = conn.cursor().execute("SELECT COUNT(*) FROM {oj Jira.Issues i LEFT OUTER JOIN Jira.Projects p ON i.ProjectKey = p.\"Key\"}").fetchval()
    assert n > 0
    # `{escape}` with a character of the application's choosing: `!_` is a literal underscore.
    like = "SELECT CASE WHEN ? LIKE 'a!_b!%' {escape '!'} THEN 1 ELSE 0 END"
    assert [conn.cursor().execute(like, v).fetchval() for v in ("a_b%", "axb%", "a_bx")] == [1, 0, 0]
    assert conn.cursor().execute("SELECT COUNT(*) FROM Jira.Projects WHERE Name LIKE '%!_%' {escape '!'}").fetchval() == 0


def test_nullability_agrees_between_the_catalog_and_results_for_every_table(sandbox, conn):
    tables = [(r.table_schem, r.table_name) for r in conn.cursor().tables(tableType="TABLE")]
    assert len(tables) > 30
    for schema, table in tables:
        declared = {r.column_name: r.nullable for r in conn.cursor().columns(table=table, schema=schema)}
        # A result's description, without reading a row (LIMIT 0 sends no request).
        cur = conn.cursor().execute(f'SELECT * FROM "{schema}"."{table}" LIMIT 0')
        described = {d[0]: d[6] for d in cur.description}
        assert set(declared) == set(described), (schema, table)
        for name, null_ok in described.items():
            assert declared[name] == pyodbc.SQL_NULLABLE and null_ok, f"{schema}.{table}.{name}: SQLColumns {declared[name]}, SQLDescribeCol {null_ok}"


def test_read_only_refuses_every_write_and_says_why(sandbox):
    ro = pyodbc.connect(sandbox.connection_string(ReadOnly="true"), autocommit=True)
    assert ro.getinfo(pyodbc.SQL_DATA_SOURCE_READ_ONLY) in ("Y", True)
    key = ro.cursor().execute('SELECT "Key" FROM Jira.Issues LIMIT 1').fetchval()
    writes = [
        ("INSERT INTO Jira.Comments (IssueKey, Body) VALUES (?, 'not allowed')", (key,)),
        ("UPDATE Jira.Issues SET Summary = 'not allowed' WHERE \"Key\" = ?", (key,)),
        ("DELETE FROM Jira.Comments WHERE IssueKey = ?", (key,)),
        ("{call Jira.TransitionIssue(?, 'Done')}", (key,)),
    ]
    for sql, params in writes:
        with pytest.raises(pyodbc.Error) as e:
            ro.cursor().execute(sql, *params)
        assert e.value.args[0] == "42000" and "ReadOnly" in str(e.value), (sql, e.value)
    # Reading, and procedures that only read, go on.
    assert ro.cursor().execute("{call Jira.GetIssueTransitions(?)}", key).fetchall()
    ro.close()
    # SQL_ATTR_ACCESS_MODE = SQL_MODE_READ_ONLY does the same for one connection, and back.
    rw = pyodbc.connect(sandbox.connection_string(), autocommit=True)
    assert rw.getinfo(pyodbc.SQL_DATA_SOURCE_READ_ONLY) in ("N", False)
    before = rw.cursor().execute("SELECT COUNT(*) FROM Jira.Comments WHERE IssueKey = ?", key).fetchval()
    rw.set_attr(SQL_ATTR_ACCESS_MODE, SQL_MODE_READ_ONLY)
    assert rw.getinfo(pyodbc.SQL_DATA_SOURCE_READ_ONLY) in ("Y", True)
    with pytest.raises(pyodbc.Error) as e:
        rw.cursor().execute("INSERT INTO Jira.Comments (IssueKey, Body) VALUES (?, 'not allowed')", key)
    assert "read-only" in str(e.value)
    assert rw.cursor().execute("SELECT COUNT(*) FROM Jira.Comments WHERE IssueKey = ?", key).fetchval() == before, "nothing written"
    rw.set_attr(SQL_ATTR_ACCESS_MODE, SQL_MODE_READ_WRITE)
    rw.cursor().execute("INSERT INTO Jira.Comments (IssueKey, Body) VALUES (?, 'allowed again')", key)
    assert rw.cursor().execute("SELECT COUNT(*) FROM Jira.Comments WHERE IssueKey = ?", key).fetchval() == before + 1
    rw.close()


def test_max_rows_caps_every_result_and_its_requests(sandbox):
    capped = pyodbc.connect(sandbox.connection_string(MaxRows="7"))
    rows, st = measured(sandbox, capped, 'SELECT "Key" FROM Jira.Issues')
    assert len(rows) == 7 and st["total"] == 1, st["recent"]
    # A smaller LIMIT wins; an ORDER BY still sorts everything first, then the cap holds.
    assert len(capped.cursor().execute('SELECT "Key" FROM Jira.Issues LIMIT 3').fetchall()) == 3
    ordered = keys(pyodbc.connect(sandbox.connection_string()).cursor().execute('SELECT "Key" FROM Jira.Issues ORDER BY Id DESC').fetchall())
    assert keys(capped.cursor().execute('SELECT "Key" FROM Jira.Issues ORDER BY Id DESC').fetchall()) == ordered[:7]
    assert len(capped.cursor().execute("SELECT * FROM Jira.Projects").fetchall()) <= 7
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(sandbox.connection_string(MaxRows="many"))
    assert e.value.args[0] == "08001" and "MaxRows" in str(e.value)


def rows_of(conn, sql):
    return [tuple(r) for r in conn.cursor().execute(sql).fetchall()]


def test_system_tables_and_information_schema_agree_with_the_catalog_functions(sandbox, conn):
    cur = conn.cursor
    tables = sorted((r.table_schem, r.table_name, r.table_type, r.remarks) for r in cur().tables(tableType="TABLE"))
    assert sorted(rows_of(conn, 'SELECT SchemaName, TableName, TableType, Description FROM sys_tables')) == tables
    assert sorted(rows_of(conn, 'SELECT schemaname, tablename, tabletype, description FROM SYS.SYS_TABLES')) == tables, "names in any case"
    assert sorted(rows_of(conn, "SELECT table_schema, table_name, CASE table_type WHEN 'BASE TABLE' THEN 'TABLE' END, remarks FROM information_schema.tables")) == tables
    assert sorted(rows_of(conn, "SELECT SchemaName FROM sys_schemas")) == [("Confluence",), ("Jira",)] == sorted(rows_of(conn, "SELECT schema_name FROM information_schema.schemata"))

    columns = sorted((r.table_schem, r.table_name, r.column_name, r.type_name, r.data_type, r.column_size, r.nullable == 1, r.ordinal_position) for r in cur().columns())
    assert sorted(rows_of(conn, "SELECT SchemaName, TableName, ColumnName, DataTypeName, DataType, Length, IsNullable, Ordinal FROM sys_tablecolumns")) == columns
    assert sorted(rows_of(conn, "SELECT table_schema, table_name, column_name, data_type, ordinal_position, is_nullable FROM information_schema.columns")) == sorted(
        (r.table_schem, r.table_name, r.column_name, r.type_name, r.ordinal_position, r.is_nullable) for r in cur().columns()
    )
    # Custom fields are columns of Jira.Issues there too.
    custom = [r.column_name for r in cur().columns(table="Issues") if (r.remarks or "").startswith("Custom field")]
    assert custom and set(custom) <= {r[0] for r in rows_of(conn, "SELECT column_name FROM information_schema.columns WHERE table_name = 'Issues'")}

    pks, fks, stats = [], [], []
    for schema, table, _, _ in tables:
        pks += [(r.table_schem, r.table_name, r.column_name, r.key_seq, r.pk_name) for r in cur().primaryKeys(table, schema=schema)]
        fks += [(r.fktable_schem, r.fktable_name, r.fkcolumn_name, r.pktable_schem, r.pktable_name, r.pkcolumn_name, r.fk_name) for r in cur().foreignKeys(foreignTable=table, foreignSchema=schema)]
        stats += [(r.table_schem, r.table_name, r.index_name, r.column_name, r.ordinal_position) for r in cur().statistics(table, schema=schema) if r.index_name]
    assert sorted(rows_of(conn, "SELECT SchemaName, TableName, ColumnName, KeySeq, KeyName FROM sys_primarykeys")) == sorted(pks)
    assert sorted(rows_of(conn, "SELECT SchemaName, TableName, ColumnName, ReferencedSchemaName, ReferencedTableName, ReferencedColumnName, ForeignKeyName FROM sys_foreignkeys")) == sorted(fks) and fks
    assert sorted(rows_of(conn, "SELECT SchemaName, TableName, IndexName, ColumnName, OrdinalPosition FROM sys_indexes")) == sorted(stats)
    keyed = {(p[0], p[1], p[2]) for p in pks} | {(f[0], f[1], f[2]) for f in fks}
    assert {(r[0], r[1], r[2]) for r in rows_of(conn, "SELECT SchemaName, TableName, ColumnName FROM sys_keycolumns")} == keyed
    assert {(r[0], r[1], r[2]) for r in rows_of(conn, "SELECT SchemaName, TableName, ColumnName FROM sys_tablecolumns WHERE IsKey")} == {(p[0], p[1], p[2]) for p in pks}

    procs = sorted((r.procedure_schem, r.procedure_name, r.remarks) for r in cur().procedures())
    assert sorted(rows_of(conn, "SELECT SchemaName, ProcedureName, Description FROM sys_procedures")) == procs
    assert sorted(rows_of(conn, "SELECT routine_schema, routine_name, remarks FROM information_schema.routines")) == procs
    params = sorted((r.procedure_schem, r.procedure_name, r.column_name, r.type_name, r.ordinal_position) for r in cur().procedureColumns() if r.column_type == 1)
    assert sorted(rows_of(conn, "SELECT SchemaName, ProcedureName, ColumnName, DataTypeName, Ordinal FROM sys_procedureparameters")) == params
    assert sorted(rows_of(conn, "SELECT specific_schema, specific_name, parameter_name, data_type, ordinal_position FROM information_schema.parameters")) == params
    assert rows_of(conn, "SELECT * FROM information_schema.views") == [] and rows_of(conn, "SELECT * FROM sys_identity") == []

    info = dict(rows_of(conn, "SELECT Name, Value FROM sys_sqlinfo"))
    assert info["SQL_DBMS_NAME"] == conn.getinfo(pyodbc.SQL_DBMS_NAME)
    assert info["SQL_IDENTIFIER_QUOTE_CHAR"] == conn.getinfo(pyodbc.SQL_IDENTIFIER_QUOTE_CHAR)
    assert int(info["SQL_STRING_FUNCTIONS"]) == conn.getinfo(pyodbc.SQL_STRING_FUNCTIONS)
    props = {r[0]: r[1] for r in rows_of(conn, "SELECT Name, Value FROM sys_connection_props")}
    assert props["Url"] == sandbox.url and props["APIToken"] == "********" and sandbox.info["api_token"] not in str(props)
    assert set(props) >= {"ReadOnly", "MaxRows", "Timeout"} and props["MaxRows"] is None


def test_tables_and_browsable_schemas_narrow_what_is_listed_not_what_is_reached(sandbox):
    c = pyodbc.connect(sandbox.connection_string(Tables="issues, Jira.Projects"))
    listed = sorted((r.table_schem, r.table_name) for r in c.cursor().tables())
    assert listed == [("Jira", "Issues"), ("Jira", "Projects")]
    assert sorted(rows_of(c, "SELECT SchemaName, TableName FROM sys_tables")) == listed == sorted(rows_of(c, "SELECT table_schema, table_name FROM information_schema.tables"))
    assert {r.table_name for r in c.cursor().columns()} == {"Issues", "Projects"}
    assert c.cursor().execute("SELECT COUNT(*) FROM Jira.Comments").fetchval() > 0, "other tables are still queried by name"
    c.close()
    c = pyodbc.connect(sandbox.connection_string(BrowsableSchemas="Confluence"))
    assert {r.table_schem for r in c.cursor().tables()} == {"Confluence"}
    assert c.cursor().execute('SELECT COUNT(*) FROM Jira.Issues').fetchval() > 0
    c.close()


def test_custom_fields_by_display_name_by_id_or_not_at_all(sandbox):
    def custom(conn):
        return [(r.column_name, r.remarks) for r in conn.cursor().columns(table="Issues", schema="Jira") if (r.remarks or "").startswith("Custom field ")]

    by_name = custom(pyodbc.connect(sandbox.connection_string()))
    assert by_name and all(not n.startswith("customfield_") for n, _ in by_name)
    by_id_conn = pyodbc.connect(sandbox.connection_string(UseDisplayNames="false"))
    by_id = custom(by_id_conn)
    # The same fields, each named by its id (which the remarks carry).
    assert sorted(n for n, _ in by_id) == sorted(r.split()[-1] for _, r in by_name) and all(n.startswith("customfield_") for n, _ in by_id)
    field = by_id[0][0]
    assert len(by_id_conn.cursor().execute(f'SELECT "Key", "{field}" FROM Jira.Issues LIMIT 3').fetchall()) == 3
    none = pyodbc.connect(sandbox.connection_string(IncludeCustomFields="false"))
    assert custom(none) == []
    assert {r.column_name for r in none.cursor().columns(table="Issues", schema="Jira")} >= {"Key", "Summary", "Status"}
    with pytest.raises(pyodbc.Error) as e:
        none.cursor().execute(f'SELECT "{by_name[0][0]}" FROM Jira.Issues LIMIT 1').fetchall()
    assert e.value.args[0] == "42S22"


def test_timezone_shows_and_reads_timestamps_in_the_zone(sandbox):
    from zoneinfo import ZoneInfo

    utc_conn = pyodbc.connect(sandbox.connection_string())
    key, created_utc = utc_conn.cursor().execute('SELECT "Key", Created FROM Jira.Issues ORDER BY Id LIMIT 1').fetchone()
    for spec, zone in [("Europe/Berlin", "Europe/Berlin"), ("User", sandbox.rest("/rest/api/3/myself")["timeZone"])]:
        conn = pyodbc.connect(sandbox.connection_string(Timezone=spec))
        shown = conn.cursor().execute('SELECT Created FROM Jira.Issues WHERE "Key" = ?', key).fetchval()
        expected = created_utc.replace(tzinfo=datetime.timezone.utc).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        assert shown == expected, (spec, shown, expected)
        # What is shown can be given back: as a parameter, an escape and a literal.
        assert conn.cursor().execute('SELECT "Key" FROM Jira.Issues WHERE Created = ?', shown).fetchval() == key
        text = shown.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        assert conn.cursor().execute(f"SELECT \"Key\" FROM Jira.Issues WHERE Created = {{ts '{text}'}}").fetchval() == key
        assert conn.cursor().execute(f"SELECT \"Key\" FROM Jira.Issues WHERE Created = TIMESTAMP '{text}'").fetchval() == key
        conn.close()
    if ZoneInfo("Europe/Berlin").utcoffset(created_utc) != datetime.timedelta(0):
        assert utc_conn.cursor().execute('SELECT "Key" FROM Jira.Issues WHERE Created = ?', created_utc).fetchval() == key
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(sandbox.connection_string(Timezone="Mars/Olympus"))
    assert e.value.args[0] == "08001" and "Timezone" in str(e.value)


# SQL_CONVERT_<source> info types, with a value of that source type written in SQL.
CONVERT_SOURCES = {
    "BIGINT": (53, "CAST(5 AS BIGINT)"), "DECIMAL": (58, "CAST(5 AS DECIMAL(10, 2))"), "DOUBLE": (59, "CAST(5 AS DOUBLE)"), "FLOAT": (60, "CAST(5 AS DOUBLE)"),
    "INTEGER": (61, "CAST(5 AS INTEGER)"), "NUMERIC": (63, "CAST(5 AS DECIMAL(10, 2))"), "REAL": (64, "CAST(5 AS REAL)"), "SMALLINT": (65, "CAST(5 AS SMALLINT)"),
    "TINYINT": (68, "CAST(5 AS TINYINT)"), "BIT": (55, "true"), "CHAR": (56, None), "LONGVARCHAR": (62, None), "VARCHAR": (70, None), "WCHAR": (122, None),
    "WLONGVARCHAR": (125, None), "WVARCHAR": (126, None), "DATE": (57, "DATE '2024-03-05'"), "TIME": (66, "TIME '10:11:12'"), "TIMESTAMP": (67, "TIMESTAMP '2024-03-05 10:11:12'"),
}
# SQL_CVT_<target> bits, with what converting each kind of source to it must give.
NUMBER = lambda v: v == 5 or v is True
CONVERT_TARGETS = {
    0x1: "CHAR", 0x2: "NUMERIC", 0x4: "DECIMAL", 0x8: "INTEGER", 0x10: "SMALLINT", 0x20: "FLOAT", 0x40: "REAL", 0x80: "DOUBLE", 0x100: "VARCHAR", 0x200: "LONGVARCHAR",
    0x1000: "BIT", 0x2000: "TINYINT", 0x4000: "BIGINT", 0x8000: "DATE", 0x10000: "TIME", 0x20000: "TIMESTAMP", 0x200000: "WCHAR", 0x400000: "WLONGVARCHAR", 0x800000: "WVARCHAR",
}
TEXT_TYPES = {"CHAR", "VARCHAR", "LONGVARCHAR", "WCHAR", "WVARCHAR", "WLONGVARCHAR"}
# A text source converts to each target from the text that target reads.
TEXT_SAMPLE = {"DATE": "'2024-03-05'", "TIME": "'10:11:12'", "TIMESTAMP": "'2024-03-05 10:11:12'", "BIT": "'true'"}


def converted_ok(source, target, v):
    if target in TEXT_TYPES:
        return isinstance(v, str) and v != ""
    if target == "DATE":
        return v == datetime.date(2024, 3, 5)
    if target == "TIME":
        return v == datetime.time(10, 11, 12)
    if target == "TIMESTAMP":
        return v == (datetime.datetime(2024, 3, 5, 0, 0) if source == "DATE" else datetime.datetime(2024, 3, 5, 10, 11, 12))
    if target == "BIT":
        return v is True or v == 1
    return v == 1 if source == "BIT" else v == 5


def test_every_advertised_conversion_converts(conn):
    checked = 0
    for source, (info, sample) in CONVERT_SOURCES.items():
        advertised = conn.getinfo(info)
        for bit, target in CONVERT_TARGETS.items():
            if not advertised & bit:
                continue
            value = sample if sample is not None else (TEXT_SAMPLE.get(target, "'5'") if target not in TEXT_TYPES else "'abc'")
            got = scalar(conn, f"{{fn CONVERT({value}, SQL_{target})}}")
            assert converted_ok(source, target, got), (source, target, value, got)
            checked += 1
    assert checked > 150, checked
