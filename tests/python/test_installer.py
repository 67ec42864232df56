"""`atlassian-odbc` against temporary ODBCSYSINI/ODBCINI/HOME directories: the driver manager's own
tools (`odbcinst -q -d/-s`, `isql`) see what it registers, `test` and `query` go through the driver
manager, edits keep the rest of the files, and uninstall/remove take away exactly what was added."""

import csv
import io
import json
import os
import subprocess

import pytest

from conftest import PROFILE_DIR, DRIVER_LIB

INSTALLER = PROFILE_DIR / "atlassian-odbc"
USER_DRIVERS = "; drivers of this user\n[Other Driver]\nDriver=/opt/other/libother.so\n"


@pytest.fixture
def env(tmp_path):
    home, sysdir = tmp_path / "home", tmp_path / "sys"
    home.mkdir()
    sysdir.mkdir()
    (home / ".odbcinst.ini").write_text(USER_DRIVERS)
    e = dict(os.environ, HOME=str(home), ODBCSYSINI=str(sysdir), ODBCINI=str(home / ".odbc.ini"))
    e.pop("ODBCINSTINI", None)
    return e


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
