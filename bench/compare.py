"""The driver against the clients a user would pick instead, in one run against one sandbox per
latency: the driver through unixODBC (pyodbc), the Python `jira` package, `atlassian-python-api`,
and a plain sequential HTTP loop (`requests`, exactly the pages needed: the floor for one
stream). Each (client, scenario) runs in a fresh process so its peak memory is its own; request
counts come from the sandbox's statistics. Writes a Markdown table (bench/results/compare.md).

usage: python bench/compare.py [--profile release|debug] [--issues N] [--pages N] [--latencies 0,100]
                               [--projects N] [--memory-issues N] [--scenarios history,join,...] [--out FILE]
bench/compare.sh builds in release mode, makes the venv and runs this.
"""

import argparse
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCAN_FIELDS = ["summary", "status", "created"]
CLIENTS = ["driver", "jira", "atlassian-python-api", "http-floor"]
SCENARIOS = {
    "issues full scan (5 columns)": "scan",
    "WHERE Key = ...": "key",
    "WHERE ProjectKey = ... AND Status = ...": "project_status",
    "GROUP BY Status (all issues)": "group",
    "pages full scan": "pages",
    "pages full scan with bodies": "pages_bodies",
    "issues JOIN comments (one project)": "join",
    "IssueStatusHistory (one project)": "history",
}
ALL_JQL = 'created >= "1970-01-01"'


# ------------------------------------------------------------------ one measured run (child)

REQUESTS_BEFORE = [0]


def stats_total(info):
    return json.load(urllib.request.urlopen(info["url"] + "/__sandbox/stats"))["total"]


def begin(info):
    """Starts the clock, after the client connected: only the scenario's requests count."""
    REQUESTS_BEFORE[0] = stats_total(info)
    return time.perf_counter()


def site(info):
    return info["url"], info["user"], info["api_token"]


def run_driver(info, scenario, params):
    import pyodbc

    conn = pyodbc.connect(f"Driver={{Atlassian ODBC}};Url={info['url']};User={info['user']};APIToken={info['api_token']};MaxConcurrency={params.get('streams', 8)};")
    sql = {
        "scan": 'SELECT Id, "Key", Summary, Status, Created FROM Jira.Issues',
        "scan_stream": 'SELECT Id, "Key", Summary, Status, Created FROM Jira.Issues',
        "key": f"SELECT Id, \"Key\", Summary, Status, Created FROM Jira.Issues WHERE \"Key\" = '{params['key']}'",
        "project_status": f"SELECT Id, \"Key\", Summary FROM Jira.Issues WHERE ProjectKey = '{params['project']}' AND Status = '{params['status']}'",
        "group": "SELECT Status, COUNT(*) FROM Jira.Issues GROUP BY Status",
        "pages": "SELECT Id, Title, SpaceId FROM Confluence.Pages",
        "pages_bodies": "SELECT Id, Title, Body FROM Confluence.Pages",
        "join": f"SELECT i.\"Key\", c.Id, c.Body FROM Jira.Issues i JOIN Jira.Comments c ON c.IssueKey = i.\"Key\" WHERE i.ProjectKey = '{params['project']}'",
        "history": f"SELECT IssueKey, Sequence, Status, Entered, \"Left\", Seconds FROM Jira.IssueStatusHistory WHERE ProjectKey = '{params['project']}'",
    }[scenario]
    started = begin(info)
    cur = conn.cursor().execute(sql)
    if scenario == "scan_stream":
        # Rows read and dropped a block at a time: the memory is the driver's, not the rows'.
        n = 0
        while block := cur.fetchmany(5000):
            n += len(block)
        return time.perf_counter() - started, n
    rows = cur.fetchall()
    return time.perf_counter() - started, len(rows)


def status_intervals(histories):
    """Status intervals from an issue's changelog entries (what IssueStatusHistory's rows are):
    one for the status it was created in, one more per status change."""
    return 1 + sum(1 for h in histories for item in h.get("items", []) if item.get("field") == "status")


def run_jira(info, scenario, params):
    from jira import JIRA

    url, user, token = site(info)
    # The server info tells the client it talks to Cloud (its enhanced search is Cloud-only).
    j = JIRA(server=url, basic_auth=(user, token))
    started = begin(info)
    if scenario in ("scan", "group"):
        fields = "status" if scenario == "group" else ",".join(SCAN_FIELDS)
        issues = j.enhanced_search_issues(ALL_JQL, fields=fields, maxResults=False)
        n = len({i.fields.status.name for i in issues}) if scenario == "group" else len(issues)
    elif scenario == "key":
        j.issue(params["key"], fields=",".join(SCAN_FIELDS))
        n = 1
    elif scenario == "project_status":
        n = len(j.enhanced_search_issues(f'project = "{params["project"]}" AND status = "{params["status"]}"', fields="summary", maxResults=False))
    elif scenario == "join":
        n = 0
        for issue in j.enhanced_search_issues(f'project = "{params["project"]}"', fields="summary", maxResults=False):
            n += len(j.comments(issue.key))
    elif scenario == "history":
        # The loop the package offers: each issue again, expanded with its changelog.
        n = 0
        for issue in j.enhanced_search_issues(f'project = "{params["project"]}"', fields="summary", maxResults=False):
            full = j.issue(issue.key, fields="status", expand="changelog")
            n += status_intervals([{"items": [{"field": i.field} for i in h.items]} for h in full.changelog.histories])
    else:
        return None
    return time.perf_counter() - started, n


def run_apa(info, scenario, params):
    from atlassian import Confluence, Jira

    url, user, token = site(info)
    started = begin(info)
    if scenario in ("pages", "pages_bodies"):
        # Version 5.0.5 of this client joins its Cloud paths to the URL as given (its api_root
        # is left out), and its v1 CQL pager follows `_links.next` outside /wiki: given the v2
        # root, its own pager reads v2's /pages, as its v2 methods do.
        c = Confluence(url=url + "/wiki/api/v2", username=user, password=token, cloud=True)
        params = {"limit": 250, "status": "current", **({"body-format": "storage"} if scenario == "pages_bodies" else {})}
        n = len(list(c._get_paged("pages", params=params)))
        return time.perf_counter() - started, n
    j = Jira(url=url, username=user, password=token, cloud=True)

    def all_issues(jql, fields):
        out, token_ = [], None
        while True:
            page = j.enhanced_jql(jql, fields=fields, nextPageToken=token_, limit=100)
            out.extend(page.get("issues", []))
            token_ = page.get("nextPageToken")
            if page.get("isLast", True) or not token_:
                return out

    if scenario == "scan":
        n = len(all_issues(ALL_JQL, SCAN_FIELDS))
    elif scenario == "group":
        n = len({i["fields"]["status"]["name"] for i in all_issues(ALL_JQL, ["status"])})
    elif scenario == "key":
        j.issue(params["key"], fields=",".join(SCAN_FIELDS))
        n = 1
    elif scenario == "project_status":
        n = len(all_issues(f'project = "{params["project"]}" AND status = "{params["status"]}"', ["summary"]))
    elif scenario == "join":
        n = 0
        for issue in all_issues(f'project = "{params["project"]}"', ["summary"]):
            n += len(j.issue_get_comments(issue["key"]).get("comments", []))
    elif scenario == "history":
        n = 0
        for issue in all_issues(f'project = "{params["project"]}"', ["summary"]):
            n += status_intervals(j.get_issue_changelog(issue["key"]).get("values", []))
    return time.perf_counter() - started, n


def run_floor(info, scenario, params):
    import requests

    url, user, token = site(info)
    s = requests.Session()
    s.auth = (user, token)
    s.headers["Accept"] = "application/json"
    started = begin(info)

    def search(jql, fields):
        out, tok = [], None
        while True:
            body = {"jql": jql, "fields": fields, "maxResults": 100}
            if tok:
                body["nextPageToken"] = tok
            page = s.post(url + "/rest/api/3/search/jql", json=body).json()
            out.extend(page["issues"])
            tok = page.get("nextPageToken")
            if page.get("isLast", True) or not tok:
                return out

    if scenario == "scan":
        n = len(search(ALL_JQL, SCAN_FIELDS))
    elif scenario == "group":
        counts = {}
        for i in search(ALL_JQL, ["status"]):
            counts[i["fields"]["status"]["name"]] = counts.get(i["fields"]["status"]["name"], 0) + 1
        n = len(counts)
    elif scenario == "key":
        s.get(f"{url}/rest/api/3/issue/{params['key']}", params={"fields": ",".join(SCAN_FIELDS)}).json()
        n = 1
    elif scenario == "project_status":
        n = len(search(f'project = "{params["project"]}" AND status = "{params["status"]}"', ["summary"]))
    elif scenario in ("pages", "pages_bodies"):
        n, nxt = 0, "/wiki/api/v2/pages?limit=250" + ("&body-format=storage" if scenario == "pages_bodies" else "")
        while nxt:
            page = s.get(url + nxt).json()
            n += len(page["results"])
            nxt = page.get("_links", {}).get("next")
            if nxt and not nxt.startswith("/wiki"):
                nxt = "/wiki" + nxt
    elif scenario == "join":
        n = 0
        for issue in search(f'project = "{params["project"]}"', ["summary"]):
            n += len(s.get(f"{url}/rest/api/3/issue/{issue['key']}/comment", params={"maxResults": 5000}).json()["comments"])
    elif scenario == "history":
        # The per-issue changelog loop: each issue's /changelog, page by page.
        n = 0
        for issue in search(f'project = "{params["project"]}"', ["summary"]):
            values, start = [], 0
            while True:
                page = s.get(f"{url}/rest/api/3/issue/{issue['key']}/changelog", params={"startAt": start, "maxResults": 100}).json()
                values += page["values"]
                start += len(page["values"])
                if page.get("isLast", True) or not page["values"]:
                    break
            n += status_intervals(values)
    return time.perf_counter() - started, n


def child(args):
    info, params = json.loads(args.info), json.loads(args.params)
    run = {"driver": run_driver, "jira": run_jira, "atlassian-python-api": run_apa, "http-floor": run_floor}[args.client]
    result = run(info, args.scenario, params)
    sent = stats_total(info) - REQUESTS_BEFORE[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(None if result is None else {"seconds": result[0], "rows": result[1], "requests": sent, "peak_mib": peak}))


# ------------------------------------------------------------------ the run (parent)

class Sandbox:
    def __init__(self, binary, *args):
        self.proc = subprocess.Popen([str(binary), "--listen", "127.0.0.1:0", "--rate-limit", "100000", *args], stdout=subprocess.PIPE, text=True)
        self.info = json.loads(self.proc.stdout.readline())
        self.url = self.info["url"]

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def driver_env(profile):
    """The build's folder, and an environment whose unixODBC knows its driver."""
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / profile
    conf = pathlib.Path(tempfile.mkdtemp(prefix="bench-odbc-"))
    (conf / "odbcinst.ini").write_text(f"[Atlassian ODBC]\nDriver={target / 'libatlassian_odbc.so'}\n")
    (conf / "odbc.ini").write_text("")
    return target, dict(os.environ, ODBCSYSINI=str(conf), ODBCINI=str(conf / "odbc.ini"))


def measure(client, scenario, sb, params, env):
    """One (client, scenario) in a process of its own: its result, None (not offered), or "failed"."""
    out = subprocess.run([sys.executable, __file__, "--child", "--client", client, "--scenario", scenario, "--info", json.dumps(sb.info), "--params", json.dumps(params)], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        print(f"{client} {scenario} failed:\n{out.stderr[-2000:]}", file=sys.stderr)
        return "failed"
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--client")
    ap.add_argument("--scenario")
    ap.add_argument("--info")
    ap.add_argument("--params")
    ap.add_argument("--profile", default="release")
    ap.add_argument("--issues", type=int, default=20000)
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--projects", type=int, default=40)
    ap.add_argument("--latencies", default="0,100")
    ap.add_argument("--memory-issues", type=int, default=200000, help="issues of the memory run (0: none)")
    ap.add_argument("--scenarios", default="", help="only these scenarios (their short names: scan, key, history, ...)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "compare.md"))
    args = ap.parse_args()
    if args.child:
        return child(args)
    target, env = driver_env(args.profile)
    lines = [
        "# The driver vs the clients a user would pick instead",
        "",
        f"One sandbox per latency ({args.issues} issues in {args.projects} projects, {args.pages} pages, rate limit off), profile {args.profile}; "
        "each cell: seconds / requests / peak MiB of the client process. The driver runs through unixODBC with pyodbc; "
        "`http-floor` is a sequential `requests` loop over exactly the pages needed.",
    ]
    for latency in [int(x) for x in args.latencies.split(",")]:
        sb = Sandbox(target / "atlassian-sandbox", "--issues", str(args.issues), "--projects", str(args.projects), "--pages", str(args.pages), "--latency-ms", str(latency))
        try:
            import requests

            auth = (sb.info["user"], sb.info["api_token"])
            first = requests.post(sb.url + "/rest/api/3/search/jql", json={"jql": "project = ENG", "fields": ["status", "project"], "maxResults": 1}, auth=auth).json()["issues"][0]
            # An issue of a project of the generated size (the first one; the service project is smaller).
            params = {"key": first["key"], "project": first["fields"]["project"]["key"], "status": first["fields"]["status"]["name"]}
            lines += ["", f"## latency {latency} ms", "", "| scenario | " + " | ".join(CLIENTS) + " | driver ÷ floor | driver ÷ best Python client |", "|---|" + "---:|" * (len(CLIENTS) + 2)]
            chosen = [x for x in args.scenarios.split(",") if x]
            for title, scenario in SCENARIOS.items():
                if chosen and scenario not in chosen:
                    continue
                cells, secs = [], {}
                for client in CLIENTS:
                    r = measure(client, scenario, sb, params, env)
                    if r == "failed":
                        cells.append("failed")
                        continue
                    if r is None:
                        cells.append("n/a")
                        continue
                    secs[client] = r["seconds"]
                    cells.append(f"{r['seconds']:.2f} s / {r['requests']} / {r['peak_mib']:.0f}")
                    print(f"latency {latency} ms, {title}, {client}: {r['seconds']:.2f} s, {r['rows']} rows, {r['requests']} requests, {r['peak_mib']:.0f} MiB", file=sys.stderr)
                d = secs.get("driver")
                floor = secs.get("http-floor")
                best = min([secs[c] for c in ("jira", "atlassian-python-api") if c in secs], default=None)
                ratio = lambda a, b: f"{a / b:.2f}" if a and b else "n/a"
                lines.append(f"| {title} | " + " | ".join(cells) + f" | {ratio(d, floor)} | {ratio(d, best)} |")
        finally:
            sb.stop()
    if args.memory_issues:
        # Peak memory of a scan far larger than any page: a few pages per stream are in flight,
        # whatever the result's size.
        sb = Sandbox(target / "atlassian-sandbox", "--issues", str(args.memory_issues), "--projects", str(args.projects), "--pages", "10", "--latency-ms", "0")
        try:
            lines += ["", f"## {args.memory_issues} issues, latency 0 ms: peak memory of a streamed scan (rows fetched 5000 at a time and dropped)", "",
                      "| client | seconds | rows | requests | peak MiB |", "|---|---:|---:|---:|---:|"]
            for streams in (8, 1):
                r = measure("driver", "scan_stream", sb, {"streams": streams, "key": "", "project": "", "status": ""}, env)
                if r in ("failed", None):
                    lines.append(f"| driver, MaxConcurrency {streams} | failed | | | |")
                    continue
                print(f"memory run, MaxConcurrency {streams}: {r}", file=sys.stderr)
                lines.append(f"| driver, MaxConcurrency {streams} | {r['seconds']:.2f} | {r['rows']} | {r['requests']} | {r['peak_mib']:.0f} |")
        finally:
            sb.stop()
    text = "\n".join(lines) + "\n"
    pathlib.Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    pathlib.Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
