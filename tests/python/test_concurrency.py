"""Threads, cancel and timeouts through pyodbc and unixODBC: `SQLCancel` from another thread and
`SQL_ATTR_QUERY_TIMEOUT` stop an in-flight scan within a second and leave the connection
usable; 16 threads run mixed queries on their own connections, and threads share one
connection one statement at a time, all with correct results; cancels fired at random while
threads query never deadlock."""

import os
import random
import threading
import time

import pyodbc
import pytest

from conftest import Sandbox

SLOW_SCAN = 'SELECT Id, "Key", Summary FROM Jira.Issues'
QUERIES = [
    'SELECT "Key" FROM Jira.Issues ORDER BY "Key"',
    "SELECT Key, Name FROM Jira.Projects ORDER BY Key",
    "SELECT Status, COUNT(*) FROM Jira.Issues GROUP BY Status ORDER BY Status",
    "SELECT Id, Title FROM Confluence.Pages ORDER BY Id",
    "SELECT i.\"Key\", COUNT(c.Id) FROM Jira.Issues i LEFT JOIN Jira.Comments c ON c.IssueKey = i.\"Key\" WHERE i.ProjectKey = 'OPS' GROUP BY i.\"Key\" ORDER BY i.\"Key\"",
]


def rows(conn, sql):
    return [tuple(r) for r in conn.cursor().execute(sql).fetchall()]


@pytest.fixture(scope="module")
def slow():
    # 2,000 issues at 200 ms a request: a full scan takes several seconds.
    sb = Sandbox("--issues", "2000", "--latency-ms", "200")
    yield sb
    sb.stop()


@pytest.fixture(scope="module")
def site():
    sb = Sandbox("--latency-ms", "2", "--rate-limit", "100000")
    yield sb
    sb.stop()


def test_cancel_from_another_thread_stops_a_scan_within_a_second(slow):
    conn = pyodbc.connect(slow.connection_string())
    cur = conn.cursor()
    fired = {}

    def cancel_soon():
        time.sleep(1.0)
        fired["at"] = time.monotonic()
        cur.cancel()

    t = threading.Thread(target=cancel_soon)
    t.start()
    with pytest.raises(pyodbc.Error) as e:
        cur.execute(SLOW_SCAN).fetchall()
    stopped = time.monotonic()
    t.join()
    assert e.value.args[0] == "HY008", str(e.value)
    assert stopped - fired["at"] < 1.0, f"stopped {stopped - fired['at']:.2f} s after SQLCancel"
    assert rows(conn, "SELECT Key FROM Jira.Projects"), "the connection is still usable"


def test_query_timeout_stops_a_scan_and_the_connection_goes_on(slow):
    conn = pyodbc.connect(slow.connection_string())
    conn.timeout = 1
    started = time.monotonic()
    with pytest.raises(pyodbc.Error) as e:
        conn.cursor().execute(SLOW_SCAN).fetchall()
    assert e.value.args[0] == "HYT00", str(e.value)
    assert time.monotonic() - started < 2.0
    conn.timeout = 0
    assert rows(conn, "SELECT Key FROM Jira.Projects")


def test_sixteen_threads_on_their_own_connections(site):
    expected = {q: rows(pyodbc.connect(site.connection_string()), q) for q in QUERIES}
    errors, done = [], []

    def worker(seed):
        try:
            conn = pyodbc.connect(site.connection_string())
            order = QUERIES * 2
            random.Random(seed).shuffle(order)
            for q in order:
                got = rows(conn, q)
                if got != expected[q]:
                    errors.append(f"{q}: {len(got)} rows, expected {len(expected[q])}")
            done.append(seed)
        except Exception as e:  # reported below, with the thread's seed
            errors.append(f"thread {seed}: {e!r}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "no thread hangs"
    assert errors == [] and len(done) == 16, errors


def test_threads_sharing_one_connection_one_statement_at_a_time(site):
    conn = pyodbc.connect(site.connection_string())
    expected = {q: rows(conn, q) for q in QUERIES}
    lock = threading.Lock()
    errors = []

    def worker(seed):
        r = random.Random(seed)
        for _ in range(6):
            q = r.choice(QUERIES)
            with lock:
                got = rows(conn, q)
            if got != expected[q]:
                errors.append(q)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads) and errors == []


# `CANCEL_ROUNDS=200` repeats it with other seeds (the 200 runs in a row).
@pytest.mark.parametrize("round_", range(int(os.environ.get("CANCEL_ROUNDS", "1"))))
def test_random_cancels_never_deadlock(site, round_):
    expected = {q: rows(pyodbc.connect(site.connection_string()), q) for q in QUERIES}
    cursors, outcomes, stop = [], {"ok": 0, "cancelled": 0, "wrong": []}, threading.Event()
    guard = threading.Lock()

    def worker(seed):
        conn = pyodbc.connect(site.connection_string())
        r = random.Random(seed + 1000 * round_)
        for _ in range(10):
            q = r.choice(QUERIES)
            cur = conn.cursor()
            with guard:
                cursors.append(cur)
            try:
                got = [tuple(x) for x in cur.execute(q).fetchall()]
                with guard:
                    outcomes["ok"] += 1
                    if got != expected[q]:
                        outcomes["wrong"].append(q)
            except pyodbc.Error as e:
                with guard:
                    if e.args[0] == "HY008":
                        outcomes["cancelled"] += 1
                    else:
                        outcomes["wrong"].append(f"{q}: {e}")

    def canceller():
        r = random.Random(99 + round_)
        while not stop.is_set():
            with guard:
                c = r.choice(cursors) if cursors else None
            if c is not None:
                try:
                    c.cancel()
                except pyodbc.Error:
                    pass
            time.sleep(r.uniform(0.001, 0.02))

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    killer = threading.Thread(target=canceller)
    killer.start()
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=300)
    stop.set()
    killer.join(timeout=30)
    assert not any(t.is_alive() for t in workers + [killer]), "no deadlock"
    assert outcomes["wrong"] == [], outcomes["wrong"]
    assert outcomes["ok"] + outcomes["cancelled"] == 80
    print(f"\nrandom cancels: {outcomes['ok']} queries finished, {outcomes['cancelled']} cancelled, none wrong")
