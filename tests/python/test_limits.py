"""Big and broken input through pyodbc and unixODBC: a 50 MB page body written and read back
whole; a long flat SQL text, a deeply nested one and a projection of thousands of columns, each
answered or refused cleanly (the host process survives); a large scan streamed with a flat
memory curve; and site replies that are not what the API returns, each a clear error and never
an empty or shortened result."""

import hashlib
import json
import resource
import urllib.request

import pyodbc
import pytest

from conftest import Sandbox


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib():
    """The process's resident memory now (not its peak)."""
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def faults(sb, body):
    req = urllib.request.Request(sb.url + "/__sandbox/faults", data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()


def test_a_50_mb_page_body_round_trips(sandbox):
    conn = pyodbc.connect(sandbox.connection_string(Timeout="120"))
    space = conn.cursor().execute("SELECT Id FROM Confluence.Spaces WHERE Key = 'ENG'").fetchval()
    chunk = "<p>" + "Ünïcödé body text, 50 MB of it. " * 31 + "</p>\n"
    body = chunk * (50 * 1024 * 1024 // len(chunk.encode()))
    before = peak_rss_mib()
    page = conn.cursor().execute("INSERT INTO Confluence.Pages (SpaceId, Title, Body) VALUES (?, ?, ?) RETURNING Id", space, "Huge page", body).fetchval()
    got = conn.cursor().execute("SELECT Body FROM Confluence.Pages WHERE Id = ?", page).fetchval()
    grew = peak_rss_mib() - before
    assert len(got) == len(body) and hashlib.sha256(got.encode()).digest() == hashlib.sha256(body.encode()).digest()
    print(f"\n50 MB body ({len(body.encode()) / 2**20:.0f} MiB UTF-8) written and read; peak memory grew {grew:.0f} MiB")
    assert grew < 1024, f"memory stays proportional to the value: grew {grew:.0f} MiB"
    conn.cursor().execute("DELETE FROM Confluence.Pages WHERE Id = ?", page)


def test_long_nested_and_wide_sql(sandbox):
    conn = pyodbc.connect(sandbox.connection_string())
    keys = [r[0] for r in conn.cursor().execute("SELECT Key FROM Jira.Projects").fetchall()]
    # 20,000 values in one IN list (about 200 KB of SQL): answered.
    values = ", ".join(f"'K{i}'" for i in range(20000)) + ", " + ", ".join(f"'{k}'" for k in keys)
    got = conn.cursor().execute(f"SELECT Key FROM Jira.Projects WHERE Key IN ({values}) ORDER BY Key").fetchall()
    assert [r[0] for r in got] == sorted(keys)
    # 5,000 nested parentheses: refused as SQL the driver does not run, not a crashed host.
    nested = "(" * 5000 + "1 = 1" + ")" * 5000
    with pytest.raises(pyodbc.Error) as e:
        conn.cursor().execute(f"SELECT Key FROM Jira.Projects WHERE {nested}").fetchall()
    assert e.value.args[0] == "42000", str(e.value)
    # 3,000 columns in one projection: every one arrives.
    cols = ", ".join(f"Key AS c{i}" for i in range(3000))
    rows = conn.cursor().execute(f"SELECT {cols} FROM Jira.Projects ORDER BY Key").fetchall()
    assert len(rows) == len(keys) and all(len(r) == 3000 and set(r) == {k} for r, k in zip(rows, sorted(keys)))
    assert conn.cursor().execute("SELECT COUNT(*) FROM Jira.Projects").fetchval() == len(keys), "still usable"


def test_a_large_scan_streams_in_flat_memory():
    sb = Sandbox("--issues", "20000", "--rate-limit", "100000")
    try:
        conn = pyodbc.connect(sb.connection_string())
        cur = conn.cursor().execute('SELECT Id, "Key", Summary, Status, Created FROM Jira.Issues')
        n, marks = 0, []
        while True:
            batch = cur.fetchmany(1000)
            if not batch:
                break
            n += len(batch)
            marks.append(rss_mib())
        print(f"\nscan of {n} rows: resident memory {marks[0]:.0f} MiB after the first 1,000 rows, {max(marks):.0f} MiB at most, {marks[-1]:.0f} MiB at the end")
        assert n > 12000
        assert max(marks) - marks[0] < 100, "memory does not grow with the rows fetched"
    finally:
        sb.stop()


@pytest.mark.parametrize("route", ["POST /rest/api/3/search/jql", "GET /rest/api/3/project/search", "GET /wiki/api/v2/pages"])
def test_replies_that_are_not_the_api_are_errors_not_short_results(route):
    sb = Sandbox()
    try:
        conn = pyodbc.connect(sb.connection_string())
        sql = {"POST /rest/api/3/search/jql": 'SELECT "Key" FROM Jira.Issues', "GET /rest/api/3/project/search": "SELECT Key FROM Jira.Projects", "GET /wiki/api/v2/pages": "SELECT Id FROM Confluence.Pages"}[route]
        full = conn.cursor().execute(sql).fetchall()
        faults(sb, {"garbage": 1.0, "routes": [route]})
        messages = set()
        for _ in range(9):
            with pytest.raises(pyodbc.Error) as e:
                conn.cursor().execute(sql).fetchall()
            assert e.value.args[0] == "08S01", str(e.value)
            # (What follows the request, which takes up the start of the message: the kinds of
            # garbage differ after it, and a long request once pushed that past the part kept.)
            messages.add(str(e.value).split("]")[-1].replace(sb.url, "").split(" returned ", 1)[-1][:100])
        faults(sb, {})
        assert conn.cursor().execute(sql).fetchall() == full, "the connection recovers"
        assert len(messages) >= 2, messages
    finally:
        sb.stop()
