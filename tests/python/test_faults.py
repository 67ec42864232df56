"""Faults survived, through pyodbc and unixODBC against the sandbox's fault injection: reads
retried through 503s, 429s (after their `Retry-After`) and dropped connections with results
identical to a fault-free run; a fault that outlasts the retry budget fails the statement
cleanly; writes that may have landed are never sent twice; the rate limit is waited out, not
hammered."""

import json
import os
import time
import urllib.request

import pyodbc
import pytest

from conftest import Sandbox

SCAN = 'SELECT Id, "Key", Summary, Status, Created FROM Jira.Issues'


def control(sb, path, body=None):
    req = urllib.request.Request(sb.url + path, data=None if body is None else json.dumps(body).encode(), method="GET" if body is None else "POST")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req) as r:
        data = r.read()
        return json.loads(data) if data else None


def faults(sb, **probabilities):
    routes = probabilities.pop("routes", None)
    body = {k.replace("p", ""): v for k, v in probabilities.items()}
    if routes:
        body["routes"] = routes
    control(sb, "/__sandbox/faults", body)


def stats(sb):
    return control(sb, "/__sandbox/stats")


def sqlstate(e):
    return e.value.args[0]


@pytest.fixture(scope="module")
def site():
    # 500 issues: a full scan is several pages of 100.
    sb = Sandbox("--issues", "500")
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def no_faults_after(site):
    yield
    faults(site)


def test_soak_full_scans_under_faults_equal_a_fault_free_run(site):
    conn = pyodbc.connect(site.connection_string(Timeout="30"))
    clean = sorted(tuple(r) for r in conn.cursor().execute(SCAN).fetchall())
    assert len(clean) > 300
    runs = int(os.environ.get("SOAK_RUNS", "100"))
    control(site, "/__sandbox/reset-stats", {})
    faults(site, p503=0.10, p429=0.05, preset=0.02)
    slowest = 0.0
    for _ in range(runs):
        started = time.monotonic()
        got = sorted(tuple(r) for r in conn.cursor().execute(SCAN).fetchall())
        slowest = max(slowest, time.monotonic() - started)
        assert got == clean
    injected = stats(site)["faults"]
    print(f"\nsoak: {runs} full scans of {len(clean)} rows, faults injected {injected}, slowest run {slowest:.1f} s")
    assert injected.get("503", 0) > 0 and injected.get("429", 0) > 0 and injected.get("reset", 0) > 0


def test_a_fault_that_outlasts_the_budget_fails_the_statement_and_leaves_the_connection_usable(site):
    conn = pyodbc.connect(site.connection_string(Timeout="3"))
    faults(site, p503=1.0, routes=["POST /rest/api/3/search/jql"])
    started = time.monotonic()
    with pytest.raises(pyodbc.Error) as e:
        conn.cursor().execute(SCAN).fetchall()
    elapsed = time.monotonic() - started
    assert sqlstate(e) in ("08S01", "HYT00") and "gave up" in str(e.value), str(e.value)
    assert elapsed < 10, f"bounded by Timeout: {elapsed:.1f} s"
    faults(site)
    assert conn.cursor().execute(SCAN).fetchall(), "the connection still works"


def test_writes_that_may_have_landed_are_not_sent_again(site):
    conn = pyodbc.connect(site.connection_string(Timeout="5"))
    control(site, "/__sandbox/reset-stats", {})
    faults(site, p503=1.0, routes=["POST /rest/api/3/issue"])
    with pytest.raises(pyodbc.Error) as e:
        conn.cursor().execute("INSERT INTO Jira.Issues (ProjectKey, IssueType, Summary) VALUES ('ENG', 'Task', 'sent once')")
    assert "may have been applied" in str(e.value), str(e.value)
    assert stats(site)["routes"].get("POST /rest/api/3/issue") == 1, "sent exactly once"
    # A 429 was refused before it was processed: that write is sent again, after the wait.
    faults(site, p429=1.0, routes=["POST /rest/api/3/issue"])
    control(site, "/__sandbox/reset-stats", {})
    with pytest.raises(pyodbc.Error) as e:
        conn.cursor().execute("INSERT INTO Jira.Issues (ProjectKey, IssueType, Summary) VALUES ('ENG', 'Task', 'rate limited')")
    assert "gave up" in str(e.value)
    sent = stats(site)["routes"].get("POST /rest/api/3/issue", 0)
    assert 2 <= sent <= 6, f"retried after each Retry-After within the 5 s Timeout: {sent}"


def test_the_rate_limit_is_waited_out_not_hammered():
    sb = Sandbox("--issues", "500", "--rate-limit", "4")
    try:
        conn = pyodbc.connect(sb.connection_string(Timeout="30"))
        started = time.monotonic()
        counts = [len(conn.cursor().execute(SCAN).fetchall()) for _ in range(4)]
        elapsed = time.monotonic() - started
        s = stats(sb)
        limited = s["status"].get("429", 0)
        print(f"\nrate limit 4/s: {s['total']} requests, {limited} answered 429, {elapsed:.1f} s")
        assert len(set(counts)) == 1 and counts[0] > 300
        assert limited > 0, "the limit was reached"
        assert limited <= elapsed + 3, "after a 429 the driver waits as told"
    finally:
        sb.stop()
