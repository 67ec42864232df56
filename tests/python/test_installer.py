"""`atlassian-odbc` against temporary HOME and system directories: the driver managers' own tools
(unixODBC's `odbcinst -q -d/-s` and `isql`, iODBC's `iodbctest` and its SQLDrivers/SQLDataSources)
see what it registers where each looks by itself, `test` and `query` go through the driver manager,
edits keep the rest of the files, and uninstall/remove take away exactly what was added."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import PROFILE_DIR, DRIVER_LIB

INSTALLER = PROFILE_DIR / "atlassian-odbc"
USER_DRIVERS = "; drivers of this user\n[Other Driver]\nDriver=/opt/other/libother.so\n"


IODBC = shutil.which("iodbctest") is not None
needs_iodbc = pytest.mark.skipif(not IODBC, reason="iODBC's iodbctest is not installed (scripts/deps.sh --tests installs the iodbc package)")


@pytest.fixture
def env(tmp_path):
    """The installer's environment. The system scope is a temporary directory for both driver
    managers: unixODBC's ODBCSYSINI, and iODBC's own SYSODBCINSTINI/SYSODBCINI (it ignores
    ODBCSYSINI), naming the same two files, empty as on a fresh machine. ODBCINI names the
    default ~/.odbc.ini of the temporary HOME because unixODBC takes the user's odbc.ini from
    the account's home in the password database, not from $HOME."""
    home, sysdir = tmp_path / "home", tmp_path / "sys"
    home.mkdir()
    sysdir.mkdir()
    (home / ".odbcinst.ini").write_text(USER_DRIVERS)
    for name in ("odbcinst.ini", "odbc.ini"):
        (sysdir / name).write_text("")
    e = dict(os.environ, HOME=str(home), ODBCSYSINI=str(sysdir), ODBCINI=str(home / ".odbc.ini"))
    e.update(SYSODBCINSTINI=str(sysdir / "odbcinst.ini"), SYSODBCINI=str(sysdir / "odbc.ini"))
    e.pop("ODBCINSTINI", None)
    return e


def iodbc_env(env):
    """What an iODBC application runs with: the same HOME and system files, and none of ODBCINI,
    ODBCINSTINI or ODBCSYSINI, so iODBC finds the user's files by itself ($HOME/.odbc.ini,
    $HOME/.odbcinst.ini). Its system variables stay: they keep the machine's /etc out."""
    e = {k: v for k, v in env.items() if k not in ("ODBCINI", "ODBCINSTINI", "ODBCSYSINI")}
    e.update(LANG="C.UTF-8", LC_ALL="C.UTF-8")
    return e


IODBC_LISTS = r"""
import ctypes, json
lib = ctypes.CDLL("libiodbc.so.2")
env = ctypes.c_void_p()
assert lib.SQLAllocHandle(1, None, ctypes.byref(env)) == 0
lib.SQLSetEnvAttr(env, 200, ctypes.c_void_p(3), 0)  # SQL_ATTR_ODBC_VERSION = 3
def walk(fn, first):
    out, direction = [], first
    while True:
        a, b = ctypes.create_string_buffer(512), ctypes.create_string_buffer(1024)
        n1, n2 = ctypes.c_short(), ctypes.c_short()
        if fn(env, direction, a, 512, ctypes.byref(n1), b, 1024, ctypes.byref(n2)) not in (0, 1):
            return out
        out.append([a.value.decode(), b.value.decode()])
        direction = 1  # SQL_FETCH_NEXT
# SQL_FETCH_FIRST, SQL_FETCH_FIRST_USER, SQL_FETCH_FIRST_SYSTEM
print(json.dumps({"drivers": [d for d, _ in walk(lib.SQLDrivers, 2)], "user": walk(lib.SQLDataSources, 31), "system": walk(lib.SQLDataSources, 32)}))
"""


def iodbc_lists(env):
    """iODBC's SQLDrivers and SQLDataSources (user and system), called through its library in
    a process of their own."""
    p = subprocess.run([sys.executable, "-c", IODBC_LISTS], env=iodbc_env(env), capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout)


def iodbctest(env, connect, sql="", check=True):
    p = subprocess.run(["iodbctest", connect], input=sql + "quit\n", env=iodbc_env(env), capture_output=True, text=True, timeout=120)
    if check:
        assert p.returncode == 0 and "SQLSTATE" not in p.stderr, p.stdout + p.stderr
    return p


def run(env, *args, check=True, stdin=None):
    p = subprocess.run([str(INSTALLER), *args], env=env, capture_output=True, text=True, input=stdin, timeout=120)
    if check:
        assert p.returncode == 0, (args, p.stdout, p.stderr)
    return p


def tool(env, *cmd, stdin=None):
    p = subprocess.run(list(cmd), env=env, capture_output=True, text=True, input=stdin, timeout=120)
    assert p.returncode == 0, (cmd, p.stdout, p.stderr)
    return p.stdout


def listed(env, flag):
    """What `odbcinst -q -d` (drivers) or `-q -s` (DSNs) lists; it fails when the list is empty."""
    return subprocess.run(["odbcinst", "-q", flag], env=env, capture_output=True, text=True, timeout=60).stdout.splitlines()


def test_install_dsn_isql_and_uninstall(sandbox, env):
    drivers = os.path.join(env["HOME"], ".odbcinst.ini")
    out = run(env, "install").stdout
    assert "Registered" in out and drivers in out
    after_first = open(drivers).read()
    assert after_first.startswith(USER_DRIVERS), "the other driver and the comment stay"
    assert f"Driver={DRIVER_LIB.resolve()}" in after_first and "Threading=0" in after_first
    # Idempotent: the second install changes nothing.
    assert "already registered" in run(env, "install").stdout
    assert open(drivers).read() == after_first
    assert "[Atlassian ODBC]" in listed(env, "-d")

    # A DSN without its secret; the secret given at connect time.
    run(env, "dsn", "add", "Demo", f"Url={sandbox.url}", f"User={sandbox.info['user']}")
    assert "[Demo]" in listed(env, "-s")
    failed = run(env, "test", "Demo", check=False)
    assert failed.returncode == 1 and "What to do" in failed.stderr
    ok = run(env, "test", "Demo", "--set", f"APIToken={sandbox.info['api_token']}").stdout
    assert "AuthScheme: APIToken" in ok and sandbox.info["user"] in ok and "Tables: " in ok
    assert int(ok.split("Tables: ")[1].split()[0]) > 25

    # With the secret in the file: private, and isql (the driver manager's own client) runs SQL.
    run(env, "dsn", "add", "Demo", f"APIToken={sandbox.info['api_token']}")
    odbc_ini = env["ODBCINI"]
    assert oct(os.stat(odbc_ini).st_mode & 0o777) == "0o600"
    projects = sandbox.rest("/rest/api/3/project/search?maxResults=100")["values"]
    out = tool(env, "isql", "-b", "-d,", "-x0x09", "Demo", stdin="select count(*) from Jira.Projects\n")
    assert str(len(projects)) in out.split()

    # query: table, CSV and JSON agree with the REST API.
    keys = sorted(p["key"] for p in projects)
    table = run(env, "query", "Demo", 'select "Key", Name from Jira.Projects order by "Key"').stdout
    assert table.splitlines()[0].split() == ["Key", "|", "Name"] and f"({len(keys)} rows)" in table
    rows = list(csv.reader(io.StringIO(run(env, "query", "Demo", 'select "Key", Id from Jira.Projects order by "Key"', "--format", "csv").stdout)))
    assert rows[0] == ["Key", "Id"] and [r[0] for r in rows[1:]] == keys
    data = json.loads(run(env, "query", "Demo", 'select "Key", Id from Jira.Projects order by "Key"', "--format", "json").stdout)
    assert [d["Key"] for d in data] == keys and all(isinstance(d["Id"], int) for d in data)
    assert run(env, "query", "Demo", "update Jira.Issues set Summary = Summary where \"Key\" = 'ENG-1'").stdout.strip() == "1 row affected."
    bad = run(env, "query", "Demo", "select * from Jira.Nope", check=False)
    assert bad.returncode == 1 and "42S02" in bad.stderr

    dsns = run(env, "dsn", "list").stdout
    assert "Demo" in dsns and sandbox.url in dsns and "APIToken" in dsns

    # Removing takes away exactly what was added.
    run(env, "dsn", "remove", "Demo")
    assert "[Demo]" not in listed(env, "-s")
    assert run(env, "dsn", "remove", "Demo", check=False).returncode == 1
    run(env, "uninstall")
    assert open(drivers).read().rstrip("\n") == USER_DRIVERS.rstrip("\n")
    assert "[Atlassian ODBC]" not in listed(env, "-d")


def test_system_scope_and_bad_input(env):
    run(env, "install", "--system")
    sys_file = os.path.join(env["ODBCSYSINI"], "odbcinst.ini")
    assert "[Atlassian ODBC]" in open(sys_file).read()
    assert "[Atlassian ODBC]" in listed(env, "-d")
    run(env, "dsn", "add", "SysDemo", "Url=https://example.atlassian.net", "--system")
    assert "[SysDemo]" in open(os.path.join(env["ODBCSYSINI"], "odbc.ini")).read()
    assert "SysDemo" in run(env, "dsn", "list").stdout
    for args, text in [
        (["dsn", "add", "Bad[Name]", "Url=x"], "not a DSN name"),
        (["dsn", "add", "X", "NoEquals"], "KEY=VALUE"),
        (["dsn", "add", "X", "Driver=Other"], "Driver"),
        (["install", "--driver", "/nonexistent/lib.so"], "does not exist"),
        (["test", "NoSuchDsn"], "IM002"),
    ]:
        p = run(env, *args, check=False)
        assert p.returncode != 0 and text in p.stderr, (args, p.stderr)
    run(env, "uninstall", "--system")
    assert "[Atlassian ODBC]" not in open(sys_file).read()


def projects_through_both_driver_managers(sandbox, env, dsn):
    """The same DSN through iODBC's iodbctest (finding the files by itself) and unixODBC's isql."""
    projects = sandbox.rest("/rest/api/3/project/search?maxResults=100")["values"]
    keys = sorted(p["key"] for p in projects)
    p = iodbctest(env, f"DSN={dsn}", 'select count(*) as n from Jira.Projects\nselect "Key" from Jira.Projects order by "Key"\n')
    assert "Driver: " in p.stdout and "libatlassian_odbc.so" in p.stdout, p.stdout + p.stderr
    lines = [line.strip() for line in p.stdout.splitlines()]
    assert lines[lines.index("n") + 2] == str(len(projects)), p.stdout
    assert [k for k in keys if k in lines] == keys and f"result set 1 returned {len(keys)} rows." in p.stdout
    out = tool(env, "isql", "-b", "-d,", "-x0x09", dsn, stdin="select count(*) from Jira.Projects\n")
    assert str(len(projects)) in out.split()


def iodbc_cannot_find(env, dsn, url):
    for connect, state in [(f"DSN={dsn}", "IM002"), (f"Driver={{Atlassian ODBC}};Url={url}", "IM003")]:
        # (iodbctest exits 0 after IM002, 255 after IM003: its message is what tells.)
        p = iodbctest(env, connect, "select 1\n", check=False)
        assert state in p.stderr and "result set" not in p.stdout, p.stdout + p.stderr
    assert iodbc_lists(env) == {"drivers": [], "user": [], "system": []}


@needs_iodbc
def test_user_scope_through_iodbc_and_unixodbc(sandbox, env):
    home = env["HOME"]
    drivers, dsns = os.path.join(home, ".odbcinst.ini"), os.path.join(home, ".odbc.ini")
    out = run(env, "install").stdout
    # Both read ~/.odbcinst.ini: written once, with iODBC's list of installed drivers.
    assert out.count("Registered") == 1 and "read by unixODBC and iODBC" in out, out
    text = open(drivers).read()
    assert text.startswith(USER_DRIVERS) and "[ODBC Drivers]\nAtlassian ODBC=Installed\n" in text
    out = run(env, "dsn", "add", "Both", f"Url={sandbox.url}", f"User={sandbox.info['user']}", f"APIToken={sandbox.info['api_token']}").stdout
    assert out.count("Added") == 1 and dsns in out and "read by unixODBC and iODBC" in out, out
    assert "[ODBC Data Sources]\nBoth=Atlassian ODBC\n" in open(dsns).read()
    assert sorted(os.listdir(home)) == [".odbc.ini", ".odbcinst.ini"], "nothing else written"

    assert iodbc_lists(env) == {"drivers": ["Atlassian ODBC"], "user": [["Both", "Atlassian ODBC"]], "system": []}
    projects_through_both_driver_managers(sandbox, env, "Both")
    assert "Both" in run(env, "dsn", "list").stdout

    run(env, "dsn", "remove", "Both")
    run(env, "uninstall")
    iodbc_cannot_find(env, "Both", sandbox.url)
    assert "[Both]" not in listed(env, "-s") and "[Atlassian ODBC]" not in listed(env, "-d")
    assert open(drivers).read().rstrip("\n") == USER_DRIVERS.rstrip("\n") and open(dsns).read() == ""


@needs_iodbc
def test_system_scope_through_iodbc_and_unixodbc(sandbox, env):
    sys_drivers, sys_dsns = env["SYSODBCINSTINI"], env["SYSODBCINI"]
    out = run(env, "install", "--system").stdout
    assert out.count("Registered") == 1 and sys_drivers in out and "read by unixODBC and iODBC" in out, out
    run(env, "dsn", "add", "SysBoth", f"Url={sandbox.url}", f"User={sandbox.info['user']}", f"APIToken={sandbox.info['api_token']}", "--system")
    assert "[SysBoth]" in open(sys_dsns).read() and oct(os.stat(sys_dsns).st_mode & 0o777) == "0o600"
    assert not os.path.exists(env["ODBCINI"]), "the user's files stay as they were"
    # ~/.odbcinst.ini exists (another driver) without ours: iODBC goes on to the system file.
    assert iodbc_lists(env) == {"drivers": ["Atlassian ODBC"], "user": [], "system": [["SysBoth", "Atlassian ODBC"]]}
    projects_through_both_driver_managers(sandbox, env, "SysBoth")

    run(env, "dsn", "remove", "SysBoth", "--system")
    run(env, "uninstall", "--system")
    iodbc_cannot_find(env, "SysBoth", sandbox.url)
    assert open(sys_drivers).read() == "" and open(sys_dsns).read() == ""


def test_driver_manager_choice_and_odbcsysini_alone(env, tmp_path):
    # unixODBC's files alone: no [ODBC Drivers], which unixODBC would list as one more driver.
    run(env, "install", "--driver-manager", "unixodbc")
    text = open(os.path.join(env["HOME"], ".odbcinst.ini")).read()
    assert "[Atlassian ODBC]" in text and "[ODBC Drivers]" not in text
    assert "[ODBC Drivers]" not in listed(env, "-d")
    run(env, "install", "--driver-manager", "iodbc")
    assert "[ODBC Drivers]\nAtlassian ODBC=Installed" in open(os.path.join(env["HOME"], ".odbcinst.ini")).read()
    run(env, "uninstall", "--driver-manager", "both")
    assert open(os.path.join(env["HOME"], ".odbcinst.ini")).read().rstrip("\n") == USER_DRIVERS.rstrip("\n")

    # iODBC's own path in ODBCINSTINI: its file, beside unixODBC's ~/.odbcinst.ini.
    own = tmp_path / "iodbc-drivers.ini"
    e = dict(env, ODBCINSTINI=str(own))
    out = run(e, "install", "--driver-manager", "both").stdout
    assert f"{own} (user scope, read by iODBC)" in out and "read by unixODBC)" in out, out
    assert "[ODBC Drivers]" in own.read_text() and "[ODBC Drivers]" not in open(os.path.join(env["HOME"], ".odbcinst.ini")).read()
    p = run(e, "install", "--system", "--driver-manager", "both", check=False)
    assert p.returncode == 1 and "ODBCINSTINI" in p.stderr and "--driver-manager iodbc" in p.stderr
    run(e, "uninstall", "--driver-manager", "both")
    assert own.read_text() == ""

    # ODBCSYSINI without iODBC's system variables: /etc is left alone unless asked for by name.
    if IODBC:
        e = {k: v for k, v in env.items() if k not in ("SYSODBCINSTINI", "SYSODBCINI")}
        before = [open(f).read() if os.path.exists(f) else None for f in ("/etc/odbcinst.ini", "/etc/odbc.ini")]
        out = run(e, "install", "--system").stdout
        assert "iODBC ignores ODBCSYSINI and reads /etc/odbcinst.ini, left alone" in out and "SYSODBCINSTINI" in out, out
        assert "(system scope, read by unixODBC)" in out
        out = run(e, "dsn", "add", "SysOnly", "Url=https://example.atlassian.net", "--system").stdout
        assert "/etc/odbc.ini, left alone" in out
        run(e, "dsn", "remove", "SysOnly", "--system")
        run(e, "uninstall", "--system")
        assert [open(f).read() if os.path.exists(f) else None for f in ("/etc/odbcinst.ini", "/etc/odbc.ini")] == before
