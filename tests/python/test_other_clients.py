"""ODBC clients no one on this project wrote, through both Linux driver managers: PHP's PDO_ODBC
and odbc_* functions through unixODBC (with PDO's default cursor-library setting, which loads
unixODBC's cursor library for a driver without scrollable cursors, and with that library
forced), iODBC's own `iodbctest`, and a C program of W calls through iODBC checked code unit by
code unit (`tests/iodbc/wide.c`). Each client runs in its own process, so a crash fails the test
instead of the suite."""

import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from conftest import DRIVER_LIB

PHP_PREPARED = r"""<?php
$pdo = new PDO("odbc:" . getenv('DSN'));
$pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
$st = $pdo->prepare('SELECT COUNT(*) FROM Jira.Issues WHERE "ProjectKey" = ?');
foreach (['ENG', 'OPS', 'ENG'] as $p) { $st->execute([$p]); echo "count_$p ", $st->fetchColumn(), "\n"; $st->closeCursor(); }
echo "plain ", $pdo->query('SELECT COUNT(*) FROM Jira.Issues')->fetchColumn(), "\n";
$st = $pdo->prepare('SELECT "Key" FROM Jira.Issues WHERE "ProjectKey" = ? ORDER BY "Id"', [PDO::ATTR_CURSOR => PDO::CURSOR_SCROLL]);
$st->execute(['ENG']);
$row = fn($o, $n = 0) => ($r = $st->fetch(PDO::FETCH_NUM, $o, $n)) ? $r[0] : 'none';
echo "first ", $row(PDO::FETCH_ORI_FIRST), "\n";
echo "last ", $row(PDO::FETCH_ORI_LAST), "\n";
echo "prior ", $row(PDO::FETCH_ORI_PRIOR), "\n";
echo "abs3 ", $row(PDO::FETCH_ORI_ABS, 3), "\n";
echo "rel-2 ", $row(PDO::FETCH_ORI_REL, -2), "\n";
echo "next ", $row(PDO::FETCH_ORI_NEXT), "\n";
$c = odbc_connect(getenv('DSN'), '', '');
$r = odbc_prepare($c, 'SELECT "Key" FROM Jira.Issues WHERE "ProjectKey" = ? ORDER BY "Id" LIMIT 2');
foreach (['OPS', 'ENG'] as $p) { odbc_execute($r, [$p]); $k = []; while (odbc_fetch_row($r)) $k[] = odbc_result($r, 1); echo "odbc_$p ", implode(',', $k), "\n"; }
"""

PHP_CURSOR_LIBRARY = r"""<?php
$pdo = new PDO("odbc:" . getenv('DSN'), null, null, [PDO::ODBC_ATTR_USE_CURSOR_LIBRARY => PDO::ODBC_SQL_USE_ODBC]);
$pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
echo "plain ", $pdo->query('SELECT COUNT(*) FROM Jira.Issues')->fetchColumn(), "\n";
$st = $pdo->prepare('SELECT COUNT(*) FROM Jira.Issues WHERE "ProjectKey" = ?');
try { $st->execute(['ENG']); echo "count ", $st->fetchColumn(), "\n"; } catch (PDOException $e) { echo "refused ", $e->getMessage(), "\n"; }
echo "alive\n";
"""


def run_php(script, dsn, valgrind=False):
    with tempfile.NamedTemporaryFile("w", suffix=".php", delete=False) as f:
        f.write(script)
    cmd = ["php", f.name]
    if valgrind:
        cmd = ["valgrind", "--error-exitcode=9", "-q", *cmd]
    p = subprocess.run(cmd, env={**os.environ, "DSN": dsn}, capture_output=True, text=True, timeout=600)
    os.unlink(f.name)
    assert p.returncode == 0, f"php exited {p.returncode}\n{p.stdout}\n{p.stderr[-4000:]}"
    out = dict(line.split(" ", 1) for line in p.stdout.splitlines() if " " in line)
    out["_last"] = p.stdout.splitlines()[-1] if p.stdout else ""
    return out


def total_issues(sandbox):
    """Every issue the user sees, from the site's own search (JQL needs a clause: every issue has a
    creation time)."""
    return len(sandbox.all_issues("created >= 1970-01-01", ["key"]))


def php_with_odbc():
    if not shutil.which("php"):
        return False
    mods = subprocess.run(["php", "-m"], capture_output=True, text=True).stdout.split()
    return "PDO_ODBC" in mods and "odbc" in mods


needs_php = pytest.mark.skipif(not php_with_odbc(), reason="php-cli and php-odbc are not installed (scripts/deps.sh --tests installs them)")


@needs_php
def test_php_prepared_and_scrolled_under_valgrind(sandbox):
    dsn = sandbox.add_dsn("Php")
    out = run_php(PHP_PREPARED, dsn, valgrind=True)
    eng = [i["key"] for i in sandbox.all_issues("project = ENG", ["key"])]
    ops = [i["key"] for i in sandbox.all_issues("project = OPS", ["key"])]
    total = total_issues(sandbox)
    assert out["count_ENG"] == str(len(eng)) and out["count_OPS"] == str(len(ops)), out
    assert out["plain"] == str(total)
    # A static cursor read back and forth, row by row (rowset size 1).
    assert (out["first"], out["last"], out["prior"], out["abs3"], out["rel-2"], out["next"]) == (eng[0], eng[-1], eng[-2], eng[2], eng[0], eng[1]), out
    assert out["odbc_OPS"] == ",".join(ops[:2]) and out["odbc_ENG"] == ",".join(eng[:2])


@needs_php
def test_php_with_the_cursor_library_forced_is_refused_not_crashed(sandbox):
    # unixODBC's cursor library loses the result of a statement executed through SQLParamData
    # (PDO sends parameters that way) and dereferences a null buffer: the driver refuses that
    # one combination with HYC00 before running anything; everything else works through it.
    out = run_php(PHP_CURSOR_LIBRARY, sandbox.add_dsn("PhpCursorLib"))
    assert out["plain"] == str(total_issues(sandbox))
    assert "count" not in out and "HYC00" in out["refused"] and "SQL_CUR_USE_DRIVER" in out["refused"], out
    assert out["_last"] == "alive"


@pytest.mark.skipif(not shutil.which("iodbctest"), reason="iODBC's iodbctest is not installed (scripts/deps.sh --tests installs the iodbc package)")
def test_iodbctest_through_a_dsn_with_non_ascii_text(sandbox):
    # iODBC reads its own files (ODBCINI / ODBCINSTINI), passes 4-byte wchar_t to every W
    # function, and Debian's iodbctest has the driver manager linked in statically.
    d = pathlib.Path(tempfile.mkdtemp(prefix="iodbc-"))
    (d / "odbcinst.ini").write_text(f"[Atlassian ODBC]\nDriver={DRIVER_LIB}\n")
    (d / "odbc.ini").write_text(
        "[ODBC Data Sources]\nIDemo = Atlassian ODBC\n\n[IDemo]\nDriver=Atlassian ODBC\n"
        f"Url={sandbox.url}\nUser={sandbox.info['user']}\nAPIToken={sandbox.info['api_token']}\n"
    )
    env = {**os.environ, "ODBCINI": str(d / "odbc.ini"), "ODBCINSTINI": str(d / "odbcinst.ini"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    key = sandbox.all_issues("project = ENG", ["key"])[0]["key"]
    sql = f"select 'Ja 日本語 é' as t, \"Key\" from Jira.Issues where \"Key\" = '{key}'\nselect nope from Jira.Issues\nquit\n"
    p = subprocess.run(["iodbctest", "DSN=IDemo"], input=sql, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    rows = [line for line in p.stdout.splitlines() if "日本語" in line and "|" in line]
    assert len(rows) == 1 and rows[0].split("|")[0].strip() == "Ja 日本語 é" and rows[0].split("|")[1].strip() == key, p.stdout
    assert "result set 1 returned 1 rows" in p.stdout
    # The driver's diagnostic, whole and readable, through iODBC's wide SQLGetDiagRecW.
    assert "No field named nope" in p.stderr and "SQLSTATE=42S22" in p.stderr, p.stderr
    shutil.rmtree(d)


def iodbc_library():
    """iODBC's libiodbc.so.2, by path (its -dev package, with the libiodbc.so link, conflicts
    with unixodbc-dev)."""
    out = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True).stdout if os.path.exists("/sbin/ldconfig") else ""
    found = [line.split(" => ")[1].strip() for line in out.splitlines() if line.strip().startswith("libiodbc.so.2 ") and " => " in line]
    return pathlib.Path(found[0]) if found else pathlib.Path("/usr/lib/x86_64-linux-gnu/libiodbc.so.2")


IODBC_LIB = iodbc_library()


@pytest.mark.skipif(not IODBC_LIB.exists() or not shutil.which("gcc"), reason="iODBC's libiodbc.so.2 (scripts/deps.sh --tests installs libiodbc2) or gcc is missing")
def test_iodbc_wide_strings_code_unit_by_code_unit(sandbox, tmp_path):
    # tests/iodbc/wide.c, compiled against unixODBC's headers with SQLWCHAR as wchar_t
    # (SQL_WCHART_CONVERT) and linked with iODBC's library by path (libiodbc2-dev would remove
    # unixodbc-dev): SQLDriverConnectW through a DSN in iODBC's files, then SQLExecDirectW,
    # SQLDescribeColW, SQLColAttributeW, SQLGetData(SQL_C_WCHAR), SQLGetDiagRecW/FieldW and
    # SQLGetInfoW, each value checked unit by unit as UCS-4 with its length in the reference's
    # unit; under valgrind when it is installed.
    src = pathlib.Path(__file__).resolve().parents[1] / "iodbc" / "wide.c"
    exe = tmp_path / "wide"
    p = subprocess.run(["gcc", "-O1", "-g", "-Wall", "-Wextra", "-Werror", "-o", str(exe), str(src), str(IODBC_LIB)], capture_output=True, text=True)
    assert p.returncode == 0, f"compiling {src} failed:\n{p.stderr}"
    linked = subprocess.run(["ldd", str(exe)], capture_output=True, text=True).stdout
    assert "libiodbc.so.2" in linked and "libodbc.so" not in linked, linked
    (tmp_path / "odbcinst.ini").write_text(f"[Atlassian ODBC]\nDriver={DRIVER_LIB}\n")
    (tmp_path / "odbc.ini").write_text(
        "[ODBC Data Sources]\nIWide = Atlassian ODBC\n\n[IWide]\nDriver=Atlassian ODBC\n"
        f"Url={sandbox.url}\nUser={sandbox.info['user']}\nAPIToken={sandbox.info['api_token']}\n"
    )
    env = {**os.environ, "ODBCINI": str(tmp_path / "odbc.ini"), "ODBCINSTINI": str(tmp_path / "odbcinst.ini"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    cmd = [str(exe), "DSN=IWide"]
    if shutil.which("valgrind"):
        cmd = ["valgrind", "--error-exitcode=9", "-q", *cmd]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, errors="replace", timeout=300)
    failures = "\n".join(line for line in p.stderr.splitlines() if line.startswith(("FAIL", "FATAL")))
    assert p.returncode != 9, f"valgrind found memory errors:\n{p.stderr[-8000:]}"
    assert p.returncode == 0, f"wide exited {p.returncode}:\n{failures or p.stderr}\n--- stdout ---\n{p.stdout}"
    assert " 0 failures" in p.stdout.splitlines()[-1], p.stdout
