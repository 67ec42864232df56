"""The local replica through pyodbc and unixODBC, on both flavors: `EXEC SyncReplica` reads tables
whole into Parquet files at `CacheLocation` with a manifest naming them; an `AutoCache`
connection then answers those tables from the files, with the same rows as a live read and no
request to the site, while the tables it does not hold are read live (and join with the others);
another engine (pyarrow) reads the files as they are and counts the same rows."""

import json
import urllib.request

import pyarrow.parquet as pq
import pyodbc
import pytest

TABLES = ["Jira.Issues", "Jira.Comments", "Confluence.Pages"]
QUERIES = [
    'select Id, "Key", Summary, Status, Created, ResolutionDate, AssigneeAccountId from Jira.Issues order by Id',
    "select Status, count(*) from Jira.Issues group by Status order by Status",
    "select IssueKey, Id, Body, Created from Jira.Comments order by IssueKey, Id",
    "select Id, Title, SpaceId, CreatedAt from Confluence.Pages order by Id",
    "select count(*) from Jira.Issues where Created >= '2024-01-01' and Status <> 'Done'",
]


def rows(conn, sql, *params):
    return [tuple(r) for r in conn.cursor().execute(sql, *params).fetchall()]


def total_requests(site):
    return json.load(urllib.request.urlopen(site.url + "/__sandbox/stats"))["total"]


def reset(site):
    urllib.request.urlopen(urllib.request.Request(site.url + "/__sandbox/reset-stats", method="POST"))


@pytest.fixture(scope="module")
def location(site, tmp_path_factory):
    return tmp_path_factory.mktemp("replica-" + ("dc" if site.dc else "cloud"))


@pytest.fixture(scope="module")
def synced(site, location):
    live = pyodbc.connect(site.connection_string(CacheLocation=str(location)), autocommit=True)
    result = rows(live, "{call SyncReplica(?)}", ",".join(TABLES))
    assert all(mode == "full" for _, mode, *_ in result)
    yield live, {t: n for t, _, n, *_ in result}
    live.close()


def test_a_sync_holds_every_row(site, location, synced):
    live, counts = synced
    assert set(counts) == set(TABLES)
    for t in TABLES:
        assert counts[t] == rows(live, f"select count(*) from {t}")[0][0] > 0, t
    manifest = json.loads((location / "manifest.json").read_text())
    assert manifest["format"] == 1 and set(manifest["tables"]) == set(TABLES)
    # Another engine reads the files the manifest names, as they are.
    for t, entry in manifest["tables"].items():
        n = sum(pq.read_metadata(location / f).num_rows for f in entry["files"])
        assert n == entry["rows"] == counts[t], t
    issues = pq.read_table(location / manifest["tables"]["Jira.Issues"]["files"][0], columns=["Key", "Status"]).to_pydict()
    assert sorted(issues["Key"]) == sorted(r[0] for r in rows(live, 'select "Key" from Jira.Issues'))


def test_auto_cache_answers_from_the_files_without_a_request(site, location, synced):
    live, _ = synced
    cached = pyodbc.connect(site.connection_string(CacheLocation=str(location), AutoCache="true"), autocommit=True)
    try:
        for sql in QUERIES:
            expected = rows(live, sql)
            reset(site)
            assert rows(cached, sql) == expected, sql
            assert total_requests(site) == 0, sql
        # A table the replica does not hold is read from the site, and joins with the others.
        reset(site)
        joined = rows(cached, 'select p."Key", count(*) from Jira.Issues i join Jira.Projects p on p.Id = i.ProjectId group by p."Key" order by 1')
        assert joined == rows(live, 'select p."Key", count(*) from Jira.Issues i join Jira.Projects p on p.Id = i.ProjectId group by p."Key" order by 1')
        assert total_requests(site) > 0
    finally:
        cached.close()


def test_a_resync_replaces_the_tables_and_keeps_one_state(site, location, synced):
    live, _ = synced
    before = json.loads((location / "manifest.json").read_text())
    rows(live, "{call SyncReplica(?)}", "Jira.Issues")
    after = json.loads((location / "manifest.json").read_text())
    assert after["tables"]["Jira.Issues"]["files"] != before["tables"]["Jira.Issues"]["files"]
    assert after["tables"]["Confluence.Pages"] == before["tables"]["Confluence.Pages"]
    # Only the files the manifest names are left, and those it replaced (kept one sync longer
    # for the queries planned before it).
    on_disk = sorted(str(p.relative_to(location)) for p in (location / "tables").rglob("*") if p.is_file())
    assert after["retired"] == before["tables"]["Jira.Issues"]["files"]
    assert on_disk == sorted([f for e in after["tables"].values() for f in e["files"]] + after["retired"])
    with pytest.raises(pyodbc.Error) as e:
        rows(live, "{call SyncReplica(?)}", "Issues")
    assert "Schema.Table" in str(e.value)


SYNC = """
import sys, pyodbc
c = pyodbc.connect(sys.argv[1], autocommit=True)
c.cursor().execute("{call SyncReplica(?, ?)}", sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0).fetchall()
print("synced", flush=True)
"""


def counts(site, location):
    """The replica's rows as an AutoCache connection reads them, and as its files hold them."""
    c = pyodbc.connect(site.connection_string(CacheLocation=str(location), AutoCache="true"), autocommit=True)
    try:
        read = {t: rows(c, f"select count(*) from {t}")[0][0] for t in ("Jira.Issues", "Jira.Comments")}
    finally:
        c.close()
    manifest = json.loads((location / "manifest.json").read_text())
    files = {t: sum(pq.read_metadata(location / f).num_rows for f in e["files"]) for t, e in manifest["tables"].items()}
    return read, files


def test_a_killed_sync_leaves_the_state_before_or_after_and_two_syncs_never_mix(tmp_path):
    """Ten syncs killed with SIGKILL at random points: each time the replica reads as the last
    complete sync's state or the new one, never a mix of the two; a second sync while one runs is
    refused, saying so."""
    import random
    import subprocess
    import sys
    import time

    from conftest import Sandbox

    sb = Sandbox("--latency-ms", "15", "--rate-limit", "100000")
    try:
        location = tmp_path / "replica"
        cs = sb.connection_string(CacheLocation=str(location))
        live = pyodbc.connect(cs, autocommit=True)
        rows(live, "{call SyncReplica(?)}", "Jira.Issues,Jira.Comments")
        state = {"Jira.Issues": rows(live, "select count(*) from Jira.Issues")[0][0], "Jira.Comments": rows(live, "select count(*) from Jira.Comments")[0][0]}
        rng = random.Random(20261207)
        killed = 0
        # How long a whole sync process takes, full and incremental: the kills fall inside it.
        took = {}
        for full in (1, 0):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", SYNC, cs, "Jira.Issues,Jira.Comments", str(full)], check=True, capture_output=True)
            took[full] = time.perf_counter() - started
        for run in range(10):
            # The site changes between syncs: a new issue with a comment.
            key = sb.rest("/rest/api/3/issue", "POST", {"fields": {"project": {"key": "ENG"}, "issuetype": {"name": "Task"}, "summary": f"replica run {run}"}})["key"]
            sb.rest(f"/rest/api/2/issue/{key}/comment", "POST", {"body": "x"})
            new = {"Jira.Issues": state["Jira.Issues"] + 1, "Jira.Comments": state["Jira.Comments"] + 1}
            # Full and incremental syncs in turn.
            full = run % 2
            p = subprocess.Popen([sys.executable, "-c", SYNC, cs, "Jira.Issues,Jira.Comments", str(full)], stdout=subprocess.PIPE, text=True)
            time.sleep(rng.uniform(0.0, 0.95 * took[full]))
            p.kill()
            out = p.communicate()[0]
            killed += "synced" not in out
            read, files = counts(sb, location)
            assert read == files, (run, read, files)
            assert read in (state, new), (run, read, state, new)
            state = read if read == new else state
            # Then a complete sync, so the next run starts from the site's state.
            rows(live, "{call SyncReplica(?)}", "Jira.Issues,Jira.Comments")
            state = new
            assert counts(sb, location)[0] == new
        assert killed >= 5, "most syncs were killed midway"
        # Two at once: the second is refused while the first holds the location (seen holding
        # it through the same OS lock: flock on sync.lock).
        import fcntl

        p = subprocess.Popen([sys.executable, "-c", SYNC, cs, "Jira.Issues,Jira.Comments"], stdout=subprocess.PIPE, text=True)
        deadline = time.time() + 20
        held = False
        with open(location / "sync.lock", "a") as lock:
            while time.time() < deadline and p.poll() is None:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    fcntl.flock(lock, fcntl.LOCK_UN)
                    time.sleep(0.005)
                except BlockingIOError:
                    held = True
                    break
        assert held, "the sync took the location's lock"
        with pytest.raises(pyodbc.Error) as e:
            rows(live, "{call SyncReplica(?)}", "Jira.Issues")
        assert "Another sync" in str(e.value), str(e.value)
        assert "synced" in p.communicate(timeout=60)[0]
        assert counts(sb, location)[0] == state
        live.close()
    finally:
        sb.stop()


def test_an_incremental_sync_equals_a_full_one(tmp_path):
    """After issues change, are deleted and are created, the incremental sync of Jira.Issues
    reads only what changed (and a key-only scan for deletions) and leaves the replica equal to
    a fresh full sync."""
    from conftest import Sandbox

    sb = Sandbox("--issues", "600", "--rate-limit", "100000")
    try:
        a, b = tmp_path / "incremental", tmp_path / "full"
        live = pyodbc.connect(sb.connection_string(CacheLocation=str(a)), autocommit=True)
        [(_, mode, n, *_)] = rows(live, "{call SyncReplica(?)}", "Jira.Issues")
        assert mode == "full" and n > 400
        keys = [k for (k,) in rows(live, 'select "Key" from Jira.Issues where ProjectKey = \'ENG\' order by Id')]
        for k in keys[:3]:
            sb.rest(f"/rest/api/3/issue/{k}", "PUT", {"fields": {"summary": f"changed {k}"}})
        for k in keys[3:5]:
            sb.rest(f"/rest/api/3/issue/{k}", "DELETE")
        for i in range(2):
            sb.rest("/rest/api/3/issue", "POST", {"fields": {"project": {"key": "OPS"}, "issuetype": {"name": "Task"}, "summary": f"new {i}"}})
        reset(sb)
        [(_, mode, n, changed, removed, counted, _, _)] = rows(live, "{call SyncReplica(?, ?)}", "Jira.Issues", 0)
        requests = total_requests(sb)
        assert counted == requests
        print(f"\nincremental sync of {n} issues after 7 changes: {changed} rows read, {removed} removed, {requests} requests")
        assert mode == "incremental" and removed == 2 and 5 <= changed < 50
        assert requests <= 6, requests
        full = pyodbc.connect(sb.connection_string(CacheLocation=str(b)), autocommit=True)
        rows(full, "{call SyncReplica(?, ?)}", "Jira.Issues", 1)
        sql = 'select * from Jira.Issues order by Id'
        got = rows(pyodbc.connect(sb.connection_string(CacheLocation=str(a), AutoCache="true")), sql)
        want = rows(pyodbc.connect(sb.connection_string(CacheLocation=str(b), AutoCache="true")), sql)
        cols = [d[0] for d in pyodbc.connect(sb.connection_string()).cursor().execute(sql + " limit 1").description]
        differ = sorted({cols[i] for g, w in zip(got, want) for i in range(len(cols)) if g[i] != w[i]})
        assert got == want and len(got) == n, differ
        assert [r[0] for r in rows(live, "select Id from Jira.Issues order by Id")] == [r[0] for r in got]
        full.close()
        live.close()
    finally:
        sb.stop()
