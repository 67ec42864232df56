"""pyodbc and pandas through unixODBC's driver manager: connect by DSN and DSN-less, catalog
calls, fetchall/fetchmany, parameters, unicode, types, errors, pandas.read_sql. Every expected
value comes from the sandbox's REST API or another path through the driver, never a constant."""

import datetime
import warnings
from collections import Counter

import pyodbc
import pytest


@pytest.fixture(scope="module")
def conn(sandbox):
    # pyodbc's default is autocommit off: the driver must accept it (there is nothing to commit).
    c = pyodbc.connect(sandbox.connection_string())
    yield c
    c.close()


def test_dsn_and_dsn_less_connections_answer_alike(sandbox, conn):
    dsn = sandbox.add_dsn("pyodbc")
    by_dsn = pyodbc.connect(f"DSN={dsn}", autocommit=True)
    # Connection-string values win over the DSN's: a wrong token in the DSN, the right one given.
    bad = sandbox.add_dsn("pyodbc_badtoken", APIToken="not-the-token")
    overridden = pyodbc.connect(f"DSN={bad};APIToken={sandbox.info['api_token']}")
    q = 'select "Key", Name from Jira.Projects order by "Key"'
    expected = conn.cursor().execute(q).fetchall()
    assert [tuple(r) for r in by_dsn.cursor().execute(q).fetchall()] == [tuple(r) for r in expected]
    assert [tuple(r) for r in overridden.cursor().execute(q).fetchall()] == [tuple(r) for r in expected]
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(f"DSN={bad}")
    assert "28000" in str(e.value)
    assert "not-the-token" not in str(e.value)
    assert conn.getinfo(pyodbc.SQL_DRIVER_ODBC_VER) == "03.80"
    assert conn.getinfo(pyodbc.SQL_DBMS_NAME)
    assert conn.getinfo(pyodbc.SQL_IDENTIFIER_QUOTE_CHAR) == '"'
    by_dsn.close()
    overridden.close()


def test_tables_and_columns(conn):
    cur = conn.cursor()
    tables = {(r.table_schem, r.table_name) for r in cur.tables(tableType="TABLE")}
    for t in [("Jira", "Issues"), ("Jira", "Projects"), ("Jira", "Comments"), ("Confluence", "Spaces"), ("Confluence", "Pages")]:
        assert t in tables, tables
    only_jira = {r.table_name for r in cur.tables(schema="Jira")}
    assert "Issues" in only_jira and "Pages" not in only_jira
    patterned = {r.table_name for r in cur.tables(schema="Jira", table="Issue%")}
    assert "Issues" in patterned and "Projects" not in patterned

    cols = {r.column_name: r for r in cur.columns(schema="Jira", table="Issues")}
    assert cols["Id"].data_type == pyodbc.SQL_BIGINT
    assert cols["Created"].data_type == pyodbc.SQL_TYPE_TIMESTAMP
    assert cols["Summary"].data_type in (pyodbc.SQL_WVARCHAR, pyodbc.SQL_VARCHAR)
    assert cols["Summary"].column_size > 0
    assert "Story Points" in cols
    # The result set of a query describes itself as SQLColumns does.
    cur.execute('select Id, Summary, Created, "Story Points" from Jira.Issues where 1 = 0')
    described = {d[0]: d for d in cur.description}
    assert described["Id"][1] is int
    assert described["Created"][1] is datetime.datetime
    assert described["Summary"][1] is str
    assert described["Story Points"][1] is float
    assert cur.fetchall() == []


def test_fetchall_matches_the_rest_api(sandbox, conn):
    projects = sandbox.rest("/rest/api/3/project/search?maxResults=100")["values"]
    expected = sorted((p["key"], p["name"]) for p in projects)
    rows = conn.cursor().execute('select "Key", Name from Jira.Projects').fetchall()
    assert sorted(tuple(r) for r in rows) == expected

    issues = sandbox.all_issues("project is not EMPTY", ["status", "summary"])
    rows = conn.cursor().execute('select "Key", Status, Summary from Jira.Issues order by Id').fetchall()
    assert [tuple(r) for r in rows] == [(i["key"], i["fields"]["status"]["name"], i["fields"]["summary"]) for i in issues]


def test_fetchmany_sees_every_row_once(conn):
    cur = conn.cursor()
    total = cur.execute("select count(*) from Jira.Issues").fetchval()
    assert total > 100
    cur.execute('select "Key" from Jira.Issues order by Id')
    seen = []
    while True:
        batch = cur.fetchmany(37)
        if not batch:
            break
        assert len(batch) <= 37
        seen.extend(r[0] for r in batch)
    assert len(seen) == total == len(set(seen))
    # fetchone after the end keeps answering None.
    assert cur.fetchone() is None


def test_parameters(conn):
    cur = conn.cursor()
    eng = cur.execute("select Id, \"Key\" from Jira.Issues where ProjectKey = 'ENG' order by Id").fetchall()
    pivot_id, pivot_key = eng[5]
    got = cur.execute('select "Key" from Jira.Issues where ProjectKey = ? and Id >= ? order by Id', "ENG", pivot_id).fetchall()
    assert [r[0] for r in got] == [r[1] for r in eng[5:]]
    assert cur.execute('select count(*) from Jira.Issues where "Key" = ?', pivot_key).fetchval() == 1
    # A parameter that looks like SQL stays one value.
    assert cur.execute("select count(*) from Jira.Issues where Summary = ?", "x' or '1'='1").fetchval() == 0
    # Several parameter sets in one call (executemany); a read returns no count but must succeed.
    cur.executemany('select count(*) from Jira.Issues where "Key" = ?', [(eng[0][1],), (eng[1][1],)])


def test_unicode_text_round_trips(sandbox, conn):
    space_id = sandbox.rest("/wiki/api/v2/spaces?keys=ENG")["results"][0]["id"]
    title = "Größe café ☕ — 日本語 😀 from pyodbc"
    body = "é" * 3000 + "😀"
    page = sandbox.rest(
        "/wiki/api/v2/pages",
        method="POST",
        body={"spaceId": space_id, "status": "current", "title": title, "body": {"representation": "storage", "value": f"<p>{body}</p>"}},
    )
    cur = conn.cursor()
    row = cur.execute("select Title, Body from Confluence.Pages where Id = ?", int(page["id"])).fetchone()
    assert row.Title == title
    assert body in row.Body
    # A unicode parameter finds the same page.
    assert cur.execute("select Id from Confluence.Pages where Title = ?", title).fetchval() == int(page["id"])


def test_types_convert_to_python(conn):
    row = conn.cursor().execute('select Id, "Key", Created, DueDate, "Story Points" from Jira.Issues where DueDate is not null order by Id').fetchone()
    assert isinstance(row.Id, int)
    assert isinstance(row.Key, str)
    assert isinstance(row.Created, datetime.datetime)
    assert isinstance(row.DueDate, datetime.date)
    assert row[4] is None or isinstance(row[4], float)


def test_errors_carry_sqlstates(conn):
    cur = conn.cursor()
    with pytest.raises(pyodbc.ProgrammingError) as e:
        cur.execute("select * from Jira.Isues")
    assert "42S02" in str(e.value) and "Jira.Issues" in str(e.value)
    with pytest.raises(pyodbc.Error) as e:
        cur.execute("selec 1")
    assert "42000" in str(e.value)
    # The connection is still usable after errors.
    assert cur.execute("select count(*) from Jira.Projects").fetchval() > 0


def test_pandas_read_sql(sandbox, conn):
    pandas = pytest.importorskip("pandas")
    with warnings.catch_warnings():
        # pandas warns that it only tests SQLAlchemy connectables; a DB-API connection is what BI scripts use.
        warnings.simplefilter("ignore", UserWarning)
        df = pandas.read_sql("select Status, count(*) as N from Jira.Issues group by Status", conn)
        frame = pandas.read_sql('select "Key", Created, "Story Points" from Jira.Issues', conn)
    expected = Counter(i["fields"]["status"]["name"] for i in sandbox.all_issues("project is not EMPTY", ["status"]))
    assert dict(zip(df["Status"], df["N"])) == dict(expected)
    assert len(frame) == sum(expected.values())
    assert str(frame["Created"].dtype).startswith("datetime64")
    assert frame["Story Points"].dtype.kind == "f"
