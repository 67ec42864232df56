"""A static (scrollable) cursor walked through unixODBC by a C program (`tests/scroll/scroll.c`,
compiled here with gcc): a 1,000-row result read forward-only, then the same query opened with
SQL_ATTR_CURSOR_TYPE = SQL_CURSOR_STATIC and walked with SQLFetchScroll in every orientation,
rowsets of 1, 7 and 50 bound column-wise and row-wise, SQLSetPos(SQL_POSITION) + SQLGetData,
SQLExtendedFetch, and seeded random walks checked against a model of the ODBC reference's
cursor positioning rules. Then a result too big for MaxStaticCursorMemory: HY001 at LAST,
while the same query forward-only streams to its end. Every run is under valgrind's memcheck."""

import re
import shutil
import subprocess
import time

import pytest

from conftest import ROOT, Sandbox

SRC = ROOT / "tests" / "scroll" / "scroll.c"
# A result of exactly 1,000 rows needs more issues than the session's sandbox has (300); the
# sandbox's user sees two projects of three, about 2/3 of them.
ISSUES = 1600
RANDOM_SEED = 20240607
RANDOM_MOVES = 5000
# Every run is under valgrind's memcheck when it is installed (scripts/deps.sh installs it): the
# whole file takes about a minute so.
VALGRIND = shutil.which("valgrind")
# MaxStaticCursorMemory's unit is MiB: 1 holds a few hundred rows of every column. One request at
# a time keeps the unordered scan's row order the same from one execution to the next.
SMALL = {"MaxStaticCursorMemory": "1", "MaxConcurrency": "1"}
# Streamed page by page (a static cursor keeps the first pages, then refuses), and sorted into
# one batch larger than the limit (nothing fits).
BIG_QUERIES = ["SELECT * FROM Jira.Issues", 'SELECT * FROM Jira.Issues ORDER BY "Id"']

needs_gcc = pytest.mark.skipif(not shutil.which("gcc"), reason="gcc is not installed (scripts/deps.sh installs it)")


@pytest.fixture(scope="module")
def scroll_bin(tmp_path_factory):
    out = tmp_path_factory.mktemp("scroll") / "scroll"
    p = subprocess.run(["gcc", "-O1", "-g", "-Wall", "-Wextra", "-Werror", "-o", str(out), str(SRC), "-lodbc"], capture_output=True, text=True)
    assert p.returncode == 0, f"compiling {SRC} failed:\n{p.stderr}"
    return out


@pytest.fixture(scope="module")
def big():
    sb = Sandbox("--issues", str(ISSUES), "--rate-limit", "100000")
    yield sb
    sb.stop()


def run(scroll_bin, *args, timeout=600):
    cmd = [str(scroll_bin), *map(str, args)]
    if VALGRIND:
        cmd = [VALGRIND, "--error-exitcode=9", "-q", *cmd]
    started = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout)
    took = time.monotonic() - started
    summary = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
    print(f"\nscroll {args[0]}{' under valgrind' if VALGRIND else ''}: {summary} ({took:.1f} s)")
    failures = [line for line in p.stderr.splitlines() if line.startswith(("FAIL", "FATAL"))]
    failures = "\n".join(failures[:30] + ([f"... and {len(failures) - 30} more"] if len(failures) > 30 else []))
    assert p.returncode != 9, f"valgrind found memory errors (scroll {args[0]}):\n{p.stderr[-8000:]}"
    assert p.returncode == 0, f"scroll {args[0]} exited {p.returncode}:\n{failures or p.stderr[-6000:]}\n--- stdout tail ---\n{p.stdout[-3000:]}"
    assert re.search(r"^\d+ checks, 0 failures$", p.stdout, re.M), p.stdout[-3000:]
    return p.stdout


@needs_gcc
def test_every_orientation_with_row_arrays_setpos_and_extended_fetch(scroll_bin, big):
    out = run(scroll_bin, "walk", big.connection_string())
    assert "forward-only read: 1000 rows" in out
    for label in ("column-wise, rowset 1", "column-wise, rowset 7", "column-wise, rowset 50", "row-wise, rowset 1", "row-wise, rowset 7", "row-wise, rowset 50"):
        assert f"{label}: FetchScroll(LAST, 0)" in out and f"{label}: SetPos(" in out, label
    assert "[01S06]" in out and "ExtendedFetch(" in out


@needs_gcc
def test_a_random_walk_matches_the_positioning_rules(scroll_bin, big):
    out = run(scroll_bin, "random", big.connection_string(), RANDOM_SEED, RANDOM_MOVES)
    assert out.count("random walk (") == 6, out[-2000:]


@needs_gcc
def test_a_random_walk_that_changes_the_rowset_size(scroll_bin, big):
    # SQL_FETCH_NEXT moves by the rowset size of the previous fetch, every other orientation
    # by the new size (the reference's footnotes to the positioning rules).
    out = run(scroll_bin, "resize", big.connection_string(), RANDOM_SEED, RANDOM_MOVES)
    assert out.count("random walk (") == 2, out[-2000:]


@needs_gcc
def test_getdata_extensions_announce_what_setpos_and_getdata_do(scroll_bin, big):
    run(scroll_bin, "getdata", big.connection_string())


@needs_gcc
def test_a_static_cursor_past_max_static_cursor_memory_is_hy001_and_forward_only_streams(scroll_bin, big):
    out = run(scroll_bin, "memory", big.connection_string(**SMALL), *BIG_QUERIES)
    visible = len(big.all_issues("created >= 1970-01-01", ["key"]))
    assert visible > 1000 and out.count(f"forward rows: {visible}") == 2, out
    assert out.count("HY001 after") == 2 and "MaxStaticCursorMemory (1 MiB)" in out, out
    kept = [int(n) for n in re.findall(r"^kept rows: (\d+)$", out, re.M)]
    assert len(kept) == 2 and 0 < kept[0] < visible and kept[1] == 0, kept


@needs_gcc
def test_moves_refused_past_max_static_cursor_memory_lose_no_rows(scroll_bin, big):
    # After HY001 the cursor still holds what it kept, and the next move past it is HY001 again
    # (or the right row): never SQL_NO_DATA inside a result that has more rows.
    run(scroll_bin, "memory-retry", big.connection_string(**SMALL), *BIG_QUERIES)
