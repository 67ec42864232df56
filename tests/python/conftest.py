"""Fixtures of the Python end-to-end suite: a private unixODBC configuration naming the debug
build of the driver, and the real `atlassian-sandbox` binary on a free loopback port.

The ODBC configuration is chosen through ODBCSYSINI/ODBCINI before pyodbc is imported, so the
machine's own odbcinst.ini and odbc.ini are never read or written.
"""

import base64
import json
import os
import pathlib
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
PROFILE_DIR = TARGET / "debug"
DRIVER_LIB = PROFILE_DIR / "libatlassian_odbc.so"
SANDBOX_BIN = PROFILE_DIR / "atlassian-sandbox"
DRIVER_NAME = "Atlassian ODBC"

_config_dir = pathlib.Path(tempfile.mkdtemp(prefix="odbc-py-"))
(_config_dir / "odbcinst.ini").write_text(
    f"[{DRIVER_NAME}]\nDescription=Atlassian Confluence and Jira\nDriver={DRIVER_LIB}\nThreading=0\n"
)
(_config_dir / "odbc.ini").write_text("")
os.environ["ODBCSYSINI"] = str(_config_dir)
os.environ["ODBCINI"] = str(_config_dir / "odbc.ini")


class Sandbox:
    """One running sandbox site and what its start-up line says."""

    def __init__(self, *args):
        for path in (DRIVER_LIB, SANDBOX_BIN):
            if not path.exists():
                raise RuntimeError(f"{path} is missing: build the workspace first (scripts/test.sh does)")
        self.proc = subprocess.Popen(
            [str(SANDBOX_BIN), "--listen", "127.0.0.1:0", *args], stdout=subprocess.PIPE, text=True
        )
        line = self.proc.stdout.readline()
        self.info = json.loads(line)
        self.url = self.info["url"]
        self.port = self.url.rsplit(":", 1)[1]

    def stop(self):
        self.proc.kill()
        self.proc.wait()

    def connection_string(self, **extra):
        props = {"Driver": "{" + DRIVER_NAME + "}", "Url": self.url, "User": self.info["user"], "APIToken": self.info["api_token"]}
        props.update(extra)
        return ";".join(f"{k}={v}" for k, v in props.items()) + ";"

    def add_dsn(self, name, **extra):
        """A DSN in the private odbc.ini for this site; returns its name."""
        dsn = f"{name}_{self.port}"
        attrs = {"Url": self.url, "User": self.info["user"], "APIToken": self.info["api_token"]}
        attrs.update(extra)
        with open(os.environ["ODBCINI"], "a") as f:
            f.write(f"\n[{dsn}]\nDriver={DRIVER_NAME}\n")
            for k, v in attrs.items():
                f.write(f"{k}={v}\n")
        return dsn

    def rest(self, path, method="GET", body=None, auth=None):
        """The site's REST API, straight (what the driver's answers are checked against), as
        the default user or as `auth` = (user, API token)."""
        user, token = auth or (self.info["user"], self.info["api_token"])
        auth = base64.b64encode(f"{user}:{token}".encode()).decode()
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", "Basic " + auth)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for attempt in range(10):
            try:
                with urllib.request.urlopen(req) as resp:
                    return json.loads(resp.read() or b"null")
            except urllib.error.HTTPError as e:
                # The site's rate limit: wait as it asks, as any good client does.
                if e.code != 429 or attempt == 9:
                    raise
                time.sleep(float(e.headers.get("Retry-After") or 1))

    def admin(self):
        """The site admin's (user, API token)."""
        return self.info["admin_user"], self.info["admin_api_token"]

    def recent_requests(self):
        """The requests the site saw lately (`METHOD /path?query`), oldest first."""
        return json.load(urllib.request.urlopen(self.url + "/__sandbox/stats"))["recent"]

    def all_issues(self, jql, fields):
        """Every issue of a JQL query through /rest/api/3/search/jql, following nextPageToken,
        in issue id order (JQL's `ORDER BY id` is issue key order: project, then number)."""
        out, token = [], None
        while True:
            q = {"jql": jql, "fields": ",".join(fields), "maxResults": "100"}
            if token:
                q["nextPageToken"] = token
            page = self.rest("/rest/api/3/search/jql?" + urllib.parse.urlencode(q))
            out.extend(page["issues"])
            token = page.get("nextPageToken")
            if page.get("isLast", True) or not token:
                return sorted(out, key=lambda i: int(i["id"]))


@pytest.fixture(scope="session")
def sandbox():
    sb = Sandbox()
    yield sb
    sb.stop()


@pytest.fixture(scope="session")
def odbc_env():
    """The environment child processes (isql, odbc2parquet) need to see the private config."""
    env = dict(os.environ)
    return env


class Site:
    """A sandbox site of one flavor, for the suites that run the same SQL on Cloud and on Data
    Center: its REST API with the flavor's paths, and what the tests read from it."""

    def __init__(self, sb, dc):
        self.sb, self.dc = sb, dc
        self.api = 2 if dc else 3
        self.url = sb.url

    def connection_string(self, **extra):
        return self.sb.connection_string(**extra)

    def rest(self, path):
        return self.sb.rest(path.replace("{api}", str(self.api)))

    def issue_keys(self, jql):
        """Issue keys of a JQL query, in id order, from the flavor's own search."""
        if not self.dc:
            return [i["key"] for i in self.sb.all_issues(jql, ["key"])]
        out, start = [], 0
        while True:
            page = self.rest("/rest/api/2/search?" + urllib.parse.urlencode({"jql": jql, "fields": "key", "startAt": start, "maxResults": 100}))
            out.extend(page["issues"])
            start += len(page["issues"])
            if start >= page["total"] or not page["issues"]:
                return [i["key"] for i in sorted(out, key=lambda i: int(i["id"]))]

    def space_id(self, key):
        if self.dc:
            return int(self.rest(f"/rest/api/space/{key}")["id"])
        return int(self.rest(f"/wiki/api/v2/spaces?keys={key}")["results"][0]["id"])

    def text_of(self, v):
        """A Jira rich-text value as text: ADF on Cloud (first paragraph), a string on Data Center."""
        return v if self.dc else v["content"][0]["content"][0]["text"]


@pytest.fixture(scope="module")
def dc():
    """A Data Center site of the module's own."""
    sb = Sandbox("--flavor", "datacenter")
    yield sb
    sb.stop()


def rows(conn, sql, *params):
    """A query's rows as tuples."""
    return [tuple(r) for r in conn.cursor().execute(sql, *params).fetchall()]


@pytest.fixture(scope="module")
def conn(site):
    """A connection to the module's site (a module may define its own `conn`)."""
    import pyodbc

    c = pyodbc.connect(site.connection_string(), autocommit=True)
    yield c
    c.close()


@pytest.fixture(scope="module", params=["cloud", "datacenter"])
def site(request, sandbox):
    if request.param == "cloud":
        yield Site(sandbox, False)
        return
    dc = Sandbox("--flavor", "datacenter")
    try:
        yield Site(dc, True)
    finally:
        dc.stop()
