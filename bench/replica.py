"""The local replica against today's full read, in one run: on a site of --issues issues at
--latency ms, a live `SELECT *` of Jira.Issues (what every BI refresh costs without a replica),
the first sync, an incremental sync after --changes issues change, and a GROUP BY from the
replica and live; then the peak memory of a first sync of --memory-issues issues. Each step runs
in a process of its own through pyodbc and unixODBC, so its peak memory is its own; request
counts come from the sandbox's statistics. Writes bench/results/replica.md.

usage: python bench/replica.py [--profile release|debug] [--issues N] [--latency MS] [--changes N] [--memory-issues N] [--out FILE]
bench/replica.sh builds in release mode, makes the venv and runs this.
"""

import argparse
import json
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from compare import ROOT, Sandbox, driver_env, stats_total  # noqa: E402

STEPS = {
    "scan": "SELECT * FROM Jira.Issues",
    "sync_full": "{call SyncReplica('Jira.Issues', 1)}",
    "sync": "{call SyncReplica('Jira.Issues', 0)}",
    "group_live": "SELECT Status, COUNT(*) FROM Jira.Issues GROUP BY Status",
    "group_replica": "SELECT Status, COUNT(*) FROM Jira.Issues GROUP BY Status",
}


def child(args):
    import pyodbc

    info, location = json.loads(args.info), args.location
    extra = f"CacheLocation={location};" + ("AutoCache=true;" if args.step == "group_replica" else "")
    conn = pyodbc.connect(f"Driver={{Atlassian ODBC}};Url={info['url']};User={info['user']};APIToken={info['api_token']};{extra}", autocommit=True)
    before = stats_total(info)
    started = time.perf_counter()
    cur = conn.cursor().execute(STEPS[args.step])
    n = 0
    # Rows read a block at a time and dropped: the memory is the driver's, not the rows'.
    while block := cur.fetchmany(5000):
        # A sync answers one row per table: the rows its replica holds now.
        n += block[0][2] if args.step.startswith("sync") else len(block)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rows": n, "requests": stats_total(info) - before, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def measure(step, sb, location, env):
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--step", step, "--info", json.dumps(sb.info), "--location", str(location)], env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SystemExit(f"{step} failed:\n{out.stderr[-3000:]}")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{step}: {r['seconds']:.2f} s, {r['rows']} rows, {r['requests']} requests, {r['peak_mib']:.0f} MiB", file=sys.stderr)
    return r


def change_issues(sb, n):
    """`n` issues of one project change summary, as people editing them would (not counted)."""
    import requests

    auth = (sb.info["user"], sb.info["api_token"])
    keys = [i["key"] for i in requests.post(sb.url + "/rest/api/3/search/jql", json={"jql": "project = ENG ORDER BY key", "fields": ["key"], "maxResults": n}, auth=auth).json()["issues"]]
    for k in keys:
        requests.put(f"{sb.url}/rest/api/3/issue/{k}", json={"fields": {"summary": f"changed for the benchmark {k}"}}, auth=auth).raise_for_status()
    return len(keys)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--step")
    ap.add_argument("--info")
    ap.add_argument("--location")
    ap.add_argument("--profile", default="release")
    ap.add_argument("--issues", type=int, default=20000)
    ap.add_argument("--projects", type=int, default=40)
    ap.add_argument("--latency", type=int, default=100)
    ap.add_argument("--changes", type=int, default=50)
    ap.add_argument("--memory-issues", type=int, default=200000, help="issues of the memory run (0: none)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "replica.md"))
    args = ap.parse_args()
    if args.child:
        return child(args)
    target, env = driver_env(args.profile)
    work = pathlib.Path(tempfile.mkdtemp(prefix="bench-replica-"))
    lines = [
        "# The local replica vs reading the site",
        "",
        f"One sandbox of {args.issues} issues in {args.projects} projects at {args.latency} ms latency (rate limit off), profile {args.profile}. "
        "Each step runs in a process of its own through unixODBC with pyodbc, timed from after the connect; "
        "requests from the sandbox's statistics; peak MiB of the process.",
        "",
        "| step | seconds | rows | requests | peak MiB |",
        "|---|---:|---:|---:|---:|",
    ]
    sb = Sandbox(target / "atlassian-sandbox", "--issues", str(args.issues), "--projects", str(args.projects), "--pages", "10", "--latency-ms", str(args.latency))
    results = {}
    try:
        location = work / "replica"
        row = lambda title, r: lines.append(f"| {title} | {r['seconds']:.2f} | {r['rows']} | {r['requests']} | {r['peak_mib']:.0f} |")
        results["scan"] = measure("scan", sb, location, env)
        row("live `SELECT *` of Jira.Issues (today's refresh)", results["scan"])
        results["sync_full"] = measure("sync_full", sb, location, env)
        row("first sync of Jira.Issues (`SyncReplica`, full)", results["sync_full"])
        changed = change_issues(sb, args.changes)
        results["sync"] = measure("sync", sb, location, env)
        row(f"incremental sync after {changed} issues changed", results["sync"])
        results["group_live"] = measure("group_live", sb, location, env)
        row("GROUP BY Status, live", results["group_live"])
        results["group_replica"] = measure("group_replica", sb, location, env)
        row("GROUP BY Status, from the replica (`AutoCache`)", results["group_replica"])
    finally:
        sb.stop()
    ratio = lambda a, b: a / b if b else float("inf")
    lines += [
        "",
        f"- First sync vs the live read: {ratio(results['sync_full']['seconds'], results['scan']['seconds']):.2f}× the time, "
        f"{results['sync_full']['requests']} vs {results['scan']['requests']} requests.",
        f"- Incremental sync after {changed} changes: {results['sync']['requests']} requests (goal ≤ 6), "
        f"{ratio(results['scan']['seconds'], results['sync']['seconds']):.1f}× faster than the live read (goal ≥ 20×).",
        f"- GROUP BY from the replica: {ratio(results['group_live']['seconds'], results['group_replica']['seconds']):.0f}× faster than live, "
        f"{results['group_replica']['requests']} requests.",
    ]
    if args.memory_issues:
        sb = Sandbox(target / "atlassian-sandbox", "--issues", str(args.memory_issues), "--projects", str(args.projects), "--pages", "10", "--latency-ms", "0")
        try:
            r = measure("sync_full", sb, work / "memory", env)
            lines += [
                "",
                f"## {args.memory_issues} issues, latency 0 ms: the first sync's peak memory",
                "",
                "| step | seconds | rows | requests | peak MiB |",
                "|---|---:|---:|---:|---:|",
                f"| first sync of Jira.Issues | {r['seconds']:.2f} | {r['rows']} | {r['requests']} | {r['peak_mib']:.0f} |",
                "",
                f"- Peak memory {r['peak_mib']:.0f} MiB (goal < 200 MiB); the replica's files: "
                f"{sum(f.stat().st_size for f in (work / 'memory').rglob('*.parquet')) / 2**20:.0f} MiB of Parquet.",
            ]
        finally:
            sb.stop()
    text = "\n".join(lines) + "\n"
    pathlib.Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
