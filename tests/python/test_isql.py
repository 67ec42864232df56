"""unixODBC's own command-line clients in batch mode: `isql` (ANSI entry points, bound SQL_C_CHAR
columns) and `iusql` (the W entry points, SQL_C_WCHAR). Both must print the rows the REST API
holds, and report errors with the SQLSTATE."""

import subprocess

import pytest


def run(tool, target, sql, env, dsn_less=False):
    # -v: print the diagnostics of a failed call (SQLSTATE and message).
    args = [tool, "-b", "-v", "-d|", "-c"]
    if dsn_less:
        args.append("-k")
    args.append(target)
    proc = subprocess.run(args, input=(sql + "\n").encode(), capture_output=True, env=env, timeout=120)
    # iusql prints each UTF-16 code unit as its low byte (unixODBC's uc_to_ascii): its output is
    # only readable byte by byte. isql prints the driver's UTF-8.
    encoding = "latin-1" if tool == "iusql" else "utf-8"
    proc.stdout, proc.stderr = proc.stdout.decode(encoding), proc.stderr.decode(encoding)
    return proc


def as_iusql_prints(text):
    """What iusql shows of `text`: the low byte of each UTF-16 code unit."""
    units = text.encode("utf-16-le")
    return bytes(units[i] for i in range(0, len(units), 2)).decode("latin-1")


def rows_of(stdout):
    lines = [l for l in stdout.splitlines() if l.strip()]
    header, body = lines[0].split("|"), [l.split("|") for l in lines[1:]]
    return header, body


@pytest.mark.parametrize("tool", ["isql", "iusql"])
def test_batch_query_by_dsn(sandbox, odbc_env, tool):
    dsn = sandbox.add_dsn(f"{tool}_batch")
    proc = run(tool, dsn, 'select "Key", Name from Jira.Projects order by "Key"', odbc_env)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    header, body = rows_of(proc.stdout)
    assert header == ["Key", "Name"]
    expected = sorted([p["key"], p["name"]] for p in sandbox.rest("/rest/api/3/project/search?maxResults=100")["values"])
    assert body == expected


@pytest.mark.parametrize("tool", ["isql", "iusql"])
def test_unicode_and_many_rows(sandbox, odbc_env, tool):
    space_id = sandbox.rest("/wiki/api/v2/spaces?keys=ENG")["results"][0]["id"]
    title = f"Ünïcode ☕ 日本 via {tool}"
    page = sandbox.rest("/wiki/api/v2/pages", method="POST", body={"spaceId": space_id, "status": "current", "title": title})
    dsn = sandbox.add_dsn(f"{tool}_unicode")
    proc = run(tool, dsn, f"select Title from Confluence.Pages where Id = {page['id']}", odbc_env)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    # Exactly the title's code units arrived through the W functions (as iusql can show them).
    assert rows_of(proc.stdout)[1] == [[as_iusql_prints(title) if tool == "iusql" else title]]

    proc = run(tool, dsn, 'select "Key" from Jira.Issues order by Id', odbc_env)
    assert proc.returncode == 0, proc.stderr
    keys = [r[0] for r in rows_of(proc.stdout)[1]]
    expected = [i["key"] for i in sandbox.all_issues("project is not EMPTY", ["key"])]
    assert keys == expected


def test_dsn_less_and_errors(sandbox, odbc_env):
    proc = run("isql", sandbox.connection_string(), "select count(*) as N from Confluence.Spaces", odbc_env, dsn_less=True)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    spaces = sandbox.rest("/wiki/api/v2/spaces?limit=250")["results"]
    assert rows_of(proc.stdout) == (["N"], [[str(len(spaces))]])

    dsn = sandbox.add_dsn("isql_errors")
    proc = run("isql", dsn, "select * from Jira.NoSuchTable", odbc_env)
    # isql allocates its environment with SQLAllocEnv, as an ODBC 2 application: it gets the
    # ODBC 2 spelling of 42S02.
    assert "[S0002]" in proc.stdout and "Jira.NoSuchTable" in proc.stdout, proc.stdout

    bad = sandbox.add_dsn("isql_badtoken", APIToken="wrong-token")
    proc = run("isql", bad, "select 1", odbc_env)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "28000" in out and "wrong-token" not in out
