"""odbc2parquet (columnar bulk fetch with typed buffers through unixODBC) writes a Parquet file
whose rows and values are the sandbox's."""

import datetime
import os
import pathlib
import subprocess
from collections import Counter

import pyarrow.parquet as pq
from conftest import TARGET


def odbc2parquet():
    tool = pathlib.Path(os.environ.get("ODBC2PARQUET", TARGET / "tools" / "bin" / "odbc2parquet"))
    if not tool.exists():
        raise RuntimeError(f"{tool} is missing: scripts/test.sh installs it (scripts/tools.sh)")
    return str(tool)


def test_query_to_parquet(sandbox, odbc_env, tmp_path):
    out = tmp_path / "issues.parquet"
    sql = 'select Id, "Key", Status, Summary, Created, DueDate, "Story Points" from Jira.Issues order by Id'
    proc = subprocess.run(
        [odbc2parquet(), "query", "--connection-string", sandbox.connection_string(), "--batch-size-row", "97", str(out), sql],
        capture_output=True, text=True, env=odbc_env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    table = pq.read_table(out)
    assert table.column_names == ["Id", "Key", "Status", "Summary", "Created", "DueDate", "Story Points"]
    issues = sandbox.all_issues("project is not EMPTY", ["status", "summary", "created", "duedate"])
    assert table.num_rows == len(issues)
    rows = table.to_pylist()
    assert [r["Key"] for r in rows] == [i["key"] for i in issues]
    assert [r["Id"] for r in rows] == [int(i["id"]) for i in issues]
    assert [r["Summary"] for r in rows] == [i["fields"]["summary"] for i in issues]
    assert Counter(r["Status"] for r in rows) == Counter(i["fields"]["status"]["name"] for i in issues)
    assert [r["DueDate"].isoformat() if r["DueDate"] else None for r in rows] == [i["fields"].get("duedate") for i in issues]
    # Created: Jira's text carries an offset; the column is UTC. Same instant, to the millisecond.
    for r, i in zip(rows, issues):
        jira = datetime.datetime.strptime(i["fields"]["created"], "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(datetime.timezone.utc).replace(tzinfo=None)
        assert r["Created"].replace(tzinfo=None) == jira, (r["Key"], r["Created"], i["fields"]["created"])
    # Typed columns, not text: odbc2parquet picked them from the driver's metadata.
    assert str(table.schema.field("Id").type) == "int64"
    assert str(table.schema.field("Story Points").type) == "double"
    assert str(table.schema.field("DueDate").type).startswith("date32")
    assert str(table.schema.field("Created").type).startswith("timestamp")
