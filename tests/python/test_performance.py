"""Split scans, MaxConcurrency, the result cache and joins that narrow the parent rows visited,
through pyodbc and unixODBC, checked against the sandbox's own REST answers and request counts.
(Speed itself is measured by bench/compare.sh, never asserted here.)"""

import json
import math
import urllib.parse
import urllib.request

import pyodbc
import pytest

from conftest import Sandbox


def stats(sb):
    return json.load(urllib.request.urlopen(sb.url + "/__sandbox/stats"))


def reset(sb):
    urllib.request.urlopen(urllib.request.Request(sb.url + "/__sandbox/reset-stats", data=b"", method="POST")).read()


def measured(sb, conn, sql, *params):
    """The rows of `sql`, and the requests the site saw for it (after the connect)."""
    reset(sb)
    rows = conn.cursor().execute(sql, *params).fetchall()
    return rows, stats(sb)


@pytest.fixture(scope="module")
def big():
    """A Cloud site larger than a few pages, with some latency so that streams overlap."""
    sb = Sandbox("--issues", "2500", "--projects", "5", "--pages", "1500", "--latency-ms", "15", "--rate-limit", "100000")
    yield sb
    sb.stop()


@pytest.fixture(scope="module")
def big_dc():
    sb = Sandbox("--flavor", "datacenter", "--issues", "1250", "--projects", "5", "--latency-ms", "15", "--rate-limit", "100000")
    yield sb
    sb.stop()


SCAN = 'SELECT Id, "Key", Summary, Status, Created FROM Jira.Issues'


def test_a_split_issue_scan_returns_every_issue_once(big):
    expected = sorted(int(i["id"]) for i in big.all_issues('created >= "1970-01-01"', ["id"]))
    assert len(expected) > 1500  # (one project is not visible to this user)
    pages = math.ceil(len(expected) / 100)
    seen = {}
    for streams in (8, 3, 1):
        conn = pyodbc.connect(big.connection_string(MaxConcurrency=str(streams)))
        rows, st = measured(big, conn, SCAN)
        ids = [int(r[0]) for r in rows]
        assert sorted(ids) == expected, f"MaxConcurrency={streams}: {len(ids)} rows, {len(set(ids))} distinct"
        assert st["max_in_flight"] <= streams
        if streams > 1:
            assert st["max_in_flight"] > 1, "the scan was split into streams read at once"
            # The first page, the newest issue and the count, then the ranges: each range's
            # last page may be short, and the first range may repeat part of the first page.
            assert st["total"] <= pages + 3 + 2 * streams + 1, st["total"]
        else:
            assert st["total"] == pages
        seen[streams] = st["total"]
        conn.close()
    print(f"\nrequests for {len(expected)} issues ({pages} pages): {seen}")


def test_a_filtered_scan_is_split_within_the_filter(big):
    project = big.rest("/rest/api/3/project/search")["values"][0]["key"]
    expected = sorted(int(i["id"]) for i in big.all_issues(f'project = "{project}"', ["id"]))
    assert len(expected) > 100
    conn = pyodbc.connect(big.connection_string())
    rows, st = measured(big, conn, 'SELECT Id, Summary FROM Jira.Issues WHERE ProjectKey = ?', project)
    assert sorted(int(r[0]) for r in rows) == expected
    assert st["max_in_flight"] > 1


def test_point_lookups_and_selective_filters_send_one_request(big):
    conn = pyodbc.connect(big.connection_string())
    key = big.all_issues('created >= "1970-01-01"', ["key"])[7]["key"]
    rows, st = measured(big, conn, SCAN + ' WHERE "Key" = ?', key)
    assert [r[1] for r in rows] == [key] and st["total"] == 1, st["recent"]
    # A filter that one page answers: that page, nothing else (no split, no count).
    project = big.rest("/rest/api/3/project/search")["values"][1]["key"]
    few = [i for i in big.all_issues(f'project = "{project}" AND priority = Highest AND status = "To Do"', ["id"])]
    assert 0 < len(few) <= 100
    rows, st = measured(big, conn, SCAN + " WHERE ProjectKey = ? AND Priority = 'Highest' AND Status = 'To Do'", project)
    assert sorted(int(r[0]) for r in rows) == sorted(int(i["id"]) for i in few)
    assert st["total"] == 1, st["recent"]
    # A result of two pages: those two pages (a split only pays for larger results).
    two = None
    for p in big.rest("/rest/api/3/project/search")["values"]:
        for status in ("To Do", "In Progress", "Done", "In Review"):
            n = len(big.all_issues(f'project = "{p["key"]}" AND status = "{status}"', ["id"]))
            if 100 < n <= 200:
                two = (p["key"], status, n)
                break
        if two:
            break
    assert two, "the site has a project and status with 101 to 200 issues"
    rows, st = measured(big, conn, SCAN + " WHERE ProjectKey = ? AND Status = ?", two[0], two[1])
    assert len(rows) == two[2] and st["total"] == 2, st["recent"]
    # LIMIT: one page of that size.
    rows, st = measured(big, conn, SCAN + " LIMIT 5")
    assert len(rows) == 5 and st["total"] == 1


def test_data_center_pages_are_read_at_once(big_dc):
    total = big_dc.rest("/rest/api/2/search?jql=" + urllib.parse.quote('created >= "1970-01-01"') + "&maxResults=0")["total"]
    conn = pyodbc.connect(big_dc.connection_string(Deployment="DataCenter"))
    rows, st = measured(big_dc, conn, SCAN)
    ids = [int(r[0]) for r in rows]
    assert len(ids) == total == len(set(ids)) > 500
    # Exactly the pages a sequential loop needs, several at a time.
    assert st["total"] == math.ceil(total / 100), st["recent"]
    assert 1 < st["max_in_flight"] <= 8


def test_a_split_page_scan_returns_every_page_once(big):
    expected, nxt = [], "/wiki/api/v2/pages?status=current&limit=250"
    while nxt:
        page = big.rest(nxt)
        expected += [int(p["id"]) for p in page["results"]]
        nxt = page.get("_links", {}).get("next")
        if nxt and not nxt.startswith("/wiki"):
            nxt = "/wiki" + nxt
    conn = pyodbc.connect(big.connection_string())
    rows, st = measured(big, conn, "SELECT Id, Title, SpaceKey FROM Confluence.Pages")
    ids = [int(r[0]) for r in rows]
    assert sorted(ids) == sorted(expected) and len(ids) == len(set(ids)) > 250
    assert all(r[2] for r in rows), "every page knows its space's key"
    assert st["max_in_flight"] > 1


def test_a_data_center_page_scan_is_split_by_space():
    sb = Sandbox("--flavor", "datacenter", "--pages", "900", "--latency-ms", "15", "--rate-limit", "100000")
    try:
        expected, start = [], 0
        while True:
            page = sb.rest(f"/rest/api/content?type=page&start={start}&limit=200")
            expected += [int(p["id"]) for p in page["results"]]
            start += len(page["results"])
            if not page.get("_links", {}).get("next") or not page["results"]:
                break
        conn = pyodbc.connect(sb.connection_string(Deployment="DataCenter"))
        rows, st = measured(sb, conn, "SELECT Id, Title, SpaceKey FROM Confluence.Pages")
        ids = [int(r[0]) for r in rows]
        assert sorted(ids) == sorted(expected) and len(ids) == len(set(ids)) > 400
        assert all(r[2] for r in rows)
        assert st["max_in_flight"] > 1
    finally:
        sb.stop()


def test_the_result_cache_answers_repeats_until_a_write(sandbox):
    conn = pyodbc.connect(sandbox.connection_string(CacheTolerance="600"))
    sql = 'SELECT "Key", Summary FROM Jira.Issues WHERE ProjectKey = ?'
    project = sandbox.rest("/rest/api/3/project/search")["values"][0]["key"]
    first, st1 = measured(sandbox, conn, sql, project)
    again, st2 = measured(sandbox, conn, sql, project)
    assert st1["total"] >= 1 and st2["total"] == 0, st2["recent"]
    assert [tuple(r) for r in again] == [tuple(r) for r in first]
    # Another connection of the process (same site and user) is answered too; without a
    # tolerance, never.
    other = pyodbc.connect(sandbox.connection_string(CacheTolerance="600"))
    _, st3 = measured(sandbox, other, sql, project)
    assert st3["total"] == 0
    plain = pyodbc.connect(sandbox.connection_string())
    _, st4 = measured(sandbox, plain, sql, project)
    assert st4["total"] >= 1
    # A write through the driver empties the site's cache: the next read sees it.
    key = first[0][0]
    old = first[0][1]
    conn.cursor().execute('UPDATE Jira.Issues SET Summary = ? WHERE "Key" = ?', old + " (cached?)", key)
    after, st5 = measured(sandbox, other, sql, project)
    assert st5["total"] >= 1
    assert dict((r[0], r[1]) for r in after)[key] == old + " (cached?)"
    conn.cursor().execute('UPDATE Jira.Issues SET Summary = ? WHERE "Key" = ?', old, key)


def test_a_join_narrows_the_issues_whose_comments_are_read(sandbox):
    project = sandbox.rest("/rest/api/3/project/search")["values"][0]["key"]
    issues = sandbox.all_issues(f'project = "{project}"', ["key"])
    expected = []
    for i in issues:
        expected += [(i["key"], int(c["id"])) for c in sandbox.rest(f"/rest/api/3/issue/{i['key']}/comment?maxResults=5000")["comments"]]
    assert expected
    conn = pyodbc.connect(sandbox.connection_string())
    sql = 'SELECT i."Key", c.Id FROM Jira.Issues i JOIN Jira.Comments c ON c.IssueKey = i."Key" WHERE i.ProjectKey = ?'
    rows, st = measured(sandbox, conn, sql, project)
    assert sorted((r[0], int(r[1])) for r in rows) == sorted(expected)
    # The project's issue pages (for each side) and one comment list per issue of the project,
    # not of the site.
    pages = math.ceil(len(issues) / 100)
    assert st["total"] <= 2 * (pages + 3) + len(issues), (st["total"], len(issues))
    # Written the other way round, and as a LEFT join from issues: the same.
    rows, _ = measured(sandbox, conn, 'SELECT i."Key", c.Id FROM Jira.Comments c JOIN Jira.Issues i ON i."Key" = c.IssueKey WHERE i.ProjectKey = ?', project)
    assert sorted((r[0], int(r[1])) for r in rows) == sorted(expected)
    rows, st = measured(sandbox, conn, 'SELECT i."Key", c.Id FROM Jira.Issues i LEFT JOIN Jira.Comments c ON c.IssueKey = i."Key" WHERE i.ProjectKey = ?', project)
    with_comments = sorted((r[0], int(r[1])) for r in rows if r[1] is not None)
    assert with_comments == sorted(expected)
    assert {r[0] for r in rows} == {i["key"] for i in issues}
    assert st["total"] <= 2 * (pages + 3) + len(issues)
    # EXPLAIN names the narrowed parent scan.
    plan = "\n".join(str(r[-1]) for r in conn.cursor().execute("EXPLAIN " + sql.replace("?", f"'{project}'")).fetchall())
    assert "per row of [Jira.Issues: " in plan and project in plan.split("per row of [Jira.Issues: ", 1)[1], plan


def test_a_scan_near_the_rate_limit_slows_down_and_finishes():
    sb = Sandbox("--issues", "1500", "--rate-limit", "8")
    try:
        expected = sorted(int(i["id"]) for i in sb.all_issues('created >= "1970-01-01"', ["id"]))
        conn = pyodbc.connect(sb.connection_string(MaxConcurrency="8", Timeout="120"))
        rows, st = measured(sb, conn, SCAN)
        assert sorted(int(r[0]) for r in rows) == expected
        print(f"\n{len(rows)} issues with a rate limit of 8/s: statuses {st['status']}")
    finally:
        sb.stop()


@pytest.mark.parametrize("value", ["0", "65", "many", "-1"])
def test_bad_max_concurrency_is_refused(sandbox, value):
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(sandbox.connection_string(MaxConcurrency=value))
    assert "08001" in str(e.value) and "MaxConcurrency" in str(e.value)


def test_bad_cache_tolerance_is_refused(sandbox):
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(sandbox.connection_string(CacheTolerance="soon"))
    assert "08001" in str(e.value) and "CacheTolerance" in str(e.value)
