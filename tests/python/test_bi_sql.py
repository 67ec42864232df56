"""The SQL BI tools and users of other databases send, through pyodbc and unixODBC: the
row-limiting forms (`FETCH FIRST`, `OFFSET ... FETCH NEXT`, `TOP`) meaning `LIMIT`/`OFFSET` and
pushed down as it is (request counts from the sandbox's log), column sizes from Atlassian's
documented limits, and arrow-odbc (what polars and other columnar tools read ODBC through)
reading whole tables with its default settings."""

import pyodbc
import pytest

from test_performance import measured, reset, stats

JIRA_TEXT_LIMIT = 32767


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
