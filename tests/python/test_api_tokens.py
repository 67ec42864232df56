"""API tokens through the driver: `Jira.ApiTokens`, `Confluence.ApiTokens` and `EXEC
Jira.CreateApiToken`.

Cloud: no API lists or creates a user's own API tokens; an organization admin lists and revokes
the managed users' tokens through the Admin API (`OrgId`, `OrgApiKey`), checked here against
that API called straight and the sandbox's request log, with the tokens (made as a user makes
them at id.atlassian.com, through the control API) refused once revoked. Data Center: personal
access tokens, created, used, listed and revoked."""

import datetime
import json
import urllib.parse
import urllib.request

import pyodbc
import pytest

from conftest import Sandbox

UTC = datetime.timezone.utc
CLOUD_TOKENS_PAGE = "https://id.atlassian.com/manage-profile/security/api-tokens"


@pytest.fixture(scope="module")
def cloud():
    sb = Sandbox()
    yield sb
    sb.stop()


def org(sb, **extra):
    """The connection properties that name the site's organization."""
    return {"OrgId": sb.info["org_id"], "OrgApiKey": sb.info["org_api_key"], "AdminApiURL": sb.info["api_gateway_url"], **extra}


def rows(conn, sql, *params):
    cur = conn.cursor()
    cur.execute(sql, *params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def create(conn, *args):
    marks = ", ".join("?" for _ in args)
    return rows(conn, f"{{call Jira.CreateApiToken({marks})}}", *args)[0]


def admin_api(sb, path, method="GET"):
    """The organization's Admin API, straight, with the organization's key."""
    req = urllib.request.Request(sb.info["api_gateway_url"] + path, method=method)
    req.add_header("Authorization", "Bearer " + sb.info["org_api_key"])
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read() or b"null")


def org_tokens(sb, **query):
    """Every token the Admin API lists for the organization, following `links.next`."""
    out, cursor = [], None
    while True:
        q = {**query, "pageSize": 1000, **({"cursor": cursor} if cursor else {})}
        page = admin_api(sb, f"/admin/api-access/v1/orgs/{sb.info['org_id']}/api-tokens?" + urllib.parse.urlencode(q))
        out.extend(page["data"])
        cursor = page["links"].get("next")
        if not cursor:
            return out


def make_token(sb, account, label, days):
    """A user creating an API token at id.atlassian.com (Cloud has no API for it)."""
    body = json.dumps({"accountId": account, "label": label, "expiresInDays": days}).encode()
    req = urllib.request.Request(sb.url + "/__sandbox/api-tokens", data=body, method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        made = json.loads(resp.read())
    return made["id"], made["token"]


def instant(text):
    return None if text is None else datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def sqlstate(e):
    return e.value.args[0]


def admin_requests(sb, before):
    return [urllib.parse.unquote(r) for r in sb.recent_requests()[before:] if "/api-tokens" in r]


def signs_in(sb, secret):
    try:
        with pyodbc.connect(sb.connection_string(APIToken=secret)) as c:
            return bool(rows(c, "SELECT AccountId FROM Jira.CurrentUser"))
    except pyodbc.Error as e:
        assert e.args[0] == "28000", e
        return False


def test_cloud_lists_the_organizations_tokens_and_revokes_one(cloud):
    alice = cloud.rest("/rest/api/3/myself")["accountId"]
    tid, secret = make_token(cloud, alice, "ci-bot", 30)
    make_token(cloud, alice, "reporting", 200)
    assert signs_in(cloud, secret), "a new token signs in at once"
    conn = pyodbc.connect(cloud.connection_string(**org(cloud)))
    listed = rows(conn, "SELECT * FROM Jira.ApiTokens ORDER BY Created, Id")
    api = sorted(org_tokens(cloud), key=lambda t: (t["createdAt"], t["id"]))
    assert [r["Id"] for r in listed] == [t["id"] for t in api] and len(listed) >= 4
    for r, t in zip(listed, api):
        assert (r["Kind"], r["Owner"], r["OwnerEmail"], r["OwnerName"], r["Description"], r["Status"]) == ("API token", t["user"]["id"], t["user"]["email"], t["user"]["name"], t["label"], t["status"])
        assert (r["Created"], r["Expires"]) == (instant(t["createdAt"]), instant(t.get("expiresAt")))
        # The connection's own token was used again by the API call made just now.
        assert r["LastUsed"] is None if t.get("lastActiveAt") is None else r["LastUsed"] <= instant(t["lastActiveAt"])
        assert secret not in [str(v) for v in r.values()]
    mine = [r for r in listed if r["Id"] == tid][0]
    assert mine["LastUsed"] is not None and mine["Owner"] == alice
    assert datetime.timedelta(days=29) < mine["Expires"] - mine["Created"] <= datetime.timedelta(days=30, seconds=1)
    # Cloud's tokens are the account's: Confluence's table lists the same.
    assert sorted(r["Id"] for r in rows(conn, "SELECT Id FROM Confluence.ApiTokens")) == sorted(r["Id"] for r in listed)

    # DELETE revokes through the user-management API, and the token stops at once.
    before = len(cloud.recent_requests())
    cur = conn.cursor()
    cur.execute("DELETE FROM Jira.ApiTokens WHERE Id = ?", tid)
    assert cur.rowcount == 1
    assert f"DELETE /users/{alice}/manage/api-tokens/{tid}" in admin_requests(cloud, before)
    assert not signs_in(cloud, secret)
    assert tid not in [t["id"] for t in org_tokens(cloud)]
    assert tid not in [r["Id"] for r in rows(conn, "SELECT Id FROM Jira.ApiTokens")]
    assert signs_in(cloud, cloud.info["api_token"]), "the owner's other tokens still work"


def test_filters_push_down_as_admin_api_parameters(cloud):
    alice = cloud.rest("/rest/api/3/myself")["accountId"]
    admin = cloud.rest("/rest/api/3/myself", auth=cloud.admin())["accountId"]
    for label, days, who in [("Nightly export", 10, alice), ("nightly backup", 40, admin), ("Dashboard", 80, alice), ("CI deploy alice", 60, admin)]:
        make_token(cloud, who, label, days)
    conn = pyodbc.connect(cloud.connection_string(**org(cloud)))
    everything = org_tokens(cloud)
    assert len({t["user"]["id"] for t in everything}) >= 2, "the organization's users, not only the caller"
    now = datetime.datetime.now(UTC).replace(tzinfo=None)
    mid = now + datetime.timedelta(days=45)
    created = lambda t: instant(t["createdAt"])
    used = lambda t: instant(t.get("lastActiveAt"))
    cases = [
        # The API matches label, user name and email case-insensitively; SQL's LIKE does not:
        # the engine narrows.
        ("Description LIKE '%ightly%'", [], ["q=ightly"], lambda t: "ightly" in t["label"]),
        ("Description LIKE 'Nightly%'", [], ["q=Nightly"], lambda t: t["label"].startswith("Nightly")),
        ("Description LIKE '%alice%'", [], ["q=alice"], lambda t: "alice" in t["label"]),
        ("Description = 'Dashboard'", [], ["q=Dashboard"], lambda t: t["label"] == "Dashboard"),
        ("Created >= ?", [now - datetime.timedelta(hours=1)], ["createdAtSearchType=range", "createdAtFrom="], lambda t: created(t) >= now - datetime.timedelta(hours=1)),
        ("Created < ? AND Description LIKE '%i%'", [now - datetime.timedelta(days=1)], ["createdAtSearchType=range", "createdAtTo=", "q=i"], lambda t: created(t) < now - datetime.timedelta(days=1) and "i" in t["label"]),
        ("LastUsed BETWEEN ? AND ?", [now - datetime.timedelta(days=3650), mid], ["lastActiveAtSearchType=range", "lastActiveAtFrom=", "lastActiveAtTo="], lambda t: used(t) is not None and used(t) <= mid),
        # No such parameters: the engine filters everything it read.
        ("LastUsed IS NULL", [], [], lambda t: t.get("lastActiveAt") is None),
        ("Expires < ?", [mid], [], lambda t: instant(t["expiresAt"]) < mid),
        ("Owner = ?", [admin], [], lambda t: t["user"]["id"] == admin),
    ]
    for where, params, sent, keep in cases:
        before = len(cloud.recent_requests())
        got = sorted(r["Id"] for r in rows(conn, f"SELECT Id FROM Jira.ApiTokens WHERE {where}", *params))
        want = sorted(t["id"] for t in everything if keep(t))
        assert got == want, where
        first = admin_requests(cloud, before)[0]
        assert first.startswith(f"GET /admin/api-access/v1/orgs/{cloud.info['org_id']}/api-tokens?"), first
        for s in sent:
            assert s in first, (where, first)
        if not sent:
            assert "q=" not in first and "SearchType" not in first, (where, first)
        plan = " ".join(str(r[1]) for r in conn.cursor().execute(f"EXPLAIN SELECT Id FROM Jira.ApiTokens WHERE {where}", *params).fetchall())
        if sent:
            assert "params=" in plan, (where, plan)


def test_more_tokens_than_a_page_follow_the_cursor():
    sb = Sandbox()
    try:
        alice = sb.rest("/rest/api/3/myself")["accountId"]
        for i in range(1010):
            make_token(sb, alice, f"bulk {i:04}", 90)
        conn = pyodbc.connect(sb.connection_string(**org(sb)))
        before = len(sb.recent_requests())
        listed = rows(conn, "SELECT Id, Description FROM Jira.ApiTokens")
        pages = admin_requests(sb, before)
        assert len(listed) == len(org_tokens(sb)) == 1012
        assert len({r["Id"] for r in listed}) == 1012, "no token twice"
        assert len(pages) == 2 and "cursor=" not in pages[0] and "cursor=" in pages[1], pages
        assert all("pageSize=1000" in p for p in pages)
        # A LIMIT asks for no more than it needs.
        before = len(sb.recent_requests())
        assert len(rows(conn, "SELECT Id FROM Jira.ApiTokens LIMIT 5")) == 5
        assert [("pageSize=5" in p) for p in admin_requests(sb, before)] == [True]
    finally:
        sb.stop()


def test_cloud_says_what_it_cannot_do_and_what_to_give(cloud, tmp_path):
    conn = pyodbc.connect(cloud.connection_string())
    for table in ["Jira.ApiTokens", "Confluence.ApiTokens"]:
        with pytest.raises(pyodbc.Error) as e:
            rows(conn, f"SELECT * FROM {table}")
        assert sqlstate(e) == "HYC00" and "OrgId and OrgApiKey" in str(e.value) and "admin.atlassian.com" in str(e.value), table
    with pytest.raises(pyodbc.Error) as e:
        conn.cursor().execute("DELETE FROM Jira.ApiTokens WHERE Id = 'x'")
    assert sqlstate(e) == "HYC00"
    # No API creates a Cloud API token: the user goes to their profile.
    with pytest.raises(pyodbc.Error) as e:
        create(conn, "ci", 30)
    assert sqlstate(e) == "HYC00" and CLOUD_TOKENS_PAGE in str(e.value)
    # One of the two alone is refused at connect, naming the other.
    for given, missing in [({"OrgId": cloud.info["org_id"]}, "OrgApiKey"), ({"OrgApiKey": cloud.info["org_api_key"]}, "OrgId")]:
        with pytest.raises(pyodbc.Error) as e:
            pyodbc.connect(cloud.connection_string(**given))
        assert sqlstate(e) == "08001" and f"needs {missing}" in str(e.value)
    # A wrong key or organization: the API's refusal, with what to check.
    with pytest.raises(pyodbc.Error) as e:
        rows(pyodbc.connect(cloud.connection_string(**org(cloud, OrgApiKey="not-the-key"))), "SELECT * FROM Jira.ApiTokens")
    assert sqlstate(e) == "28000" and "check OrgApiKey" in str(e.value)
    with pytest.raises(pyodbc.Error) as e:
        rows(pyodbc.connect(cloud.connection_string(**org(cloud, OrgId="another-org"))), "SELECT * FROM Jira.ApiTokens")
    assert sqlstate(e) == "42000" and "check OrgId" in str(e.value)
    # The organization's key is a secret: never in the log, even at the most detailed level.
    log = tmp_path / "driver.log"
    with pyodbc.connect(cloud.connection_string(**org(cloud, Logfile=str(log), Verbosity="4"))) as c:
        assert rows(c, "SELECT Id FROM Jira.ApiTokens")
    text = log.read_text()
    assert "api-tokens" in text, "the request was logged"
    assert cloud.info["org_api_key"] not in text


@pytest.fixture(scope="module")
def dc_without_app():
    """A Data Center site without the API Token Authentication app: personal access tokens only."""
    sb = Sandbox("--flavor", "datacenter", "--without-token-app")
    yield sb
    sb.stop()


def test_data_center_personal_access_tokens(dc_without_app):
    dc = dc_without_app
    pat = dc.info["pat"]
    conn = pyodbc.connect(dc.connection_string(AuthScheme="PAT", PersonalAccessToken=pat, User="", APIToken=""))
    me = rows(conn, "SELECT AccountId, EmailAddress FROM Jira.CurrentUser")[0]
    made = create(conn, "laptop", 30)
    forever = create(conn, "server")
    assert made["Token"] and forever["Expires"] is None and made["Owner"] == me["AccountId"]
    with pyodbc.connect(dc.connection_string(AuthScheme="PAT", PersonalAccessToken=made["Token"], User="", APIToken="")) as other:
        assert rows(other, "SELECT AccountId FROM Jira.CurrentUser")[0]["AccountId"] == me["AccountId"]
    listed = rows(conn, "SELECT * FROM Jira.ApiTokens ORDER BY Created, Id")
    rest = dc.rest("/rest/pat/latest/tokens")
    assert sorted(r["Id"] for r in listed) == sorted(str(t["id"]) for t in rest)
    for r in listed:
        t = [t for t in rest if str(t["id"]) == r["Id"]][0]
        assert (r["Kind"], r["Owner"], r["OwnerEmail"], r["Description"], r["Created"]) == ("Personal access token", me["AccountId"], me["EmailAddress"], t["name"], instant(t["createdAt"]))
        assert r["Expires"] == instant(t.get("expiringAt")) and r["Status"] == "ACTIVE"
    # Confluence's server lists its own (the sandbox serves both products on one server).
    conf = rows(conn, "SELECT Id, Kind, Owner, Description FROM Confluence.ApiTokens")
    assert sorted(r["Id"] for r in conf) == sorted(r["Id"] for r in listed) and {r["Owner"] for r in conf} == {None}
    assert [r["Description"] for r in rows(conn, "SELECT Description FROM Jira.ApiTokens WHERE Description LIKE 'lap%' AND Owner = ?", me["AccountId"])] == ["laptop"]
    cur = conn.cursor()
    cur.execute("DELETE FROM Jira.ApiTokens WHERE Description IN ('laptop', 'server')")
    assert cur.rowcount == 2
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(dc.connection_string(AuthScheme="PAT", PersonalAccessToken=made["Token"], User="", APIToken="")).cursor().execute("SELECT * FROM Jira.CurrentUser").fetchall()
    assert sqlstate(e) == "28000"
    with pytest.raises(pyodbc.Error) as e:
        create(conn, "for someone else", 5, "admin")
    assert sqlstate(e) == "HYC00" and "only for the signed-in user" in str(e.value)
    for bad, state in [(("x", "abc"), "22018"), (("x", 0), "22018"), (("",), "07001")]:
        with pytest.raises(pyodbc.Error) as e:
            create(conn, *bad)
        assert sqlstate(e) == state, bad


def test_a_data_center_site_without_token_apis_says_so():
    sb = Sandbox("--flavor", "datacenter", "--without-token-apis", "--without-token-app")
    try:
        conn = pyodbc.connect(sb.connection_string())
        with pytest.raises(pyodbc.Error) as e:
            rows(conn, "SELECT * FROM Jira.ApiTokens")
        assert sqlstate(e) == "HYC00" and "not supported by this site" in str(e.value)
        with pytest.raises(pyodbc.Error) as e:
            create(conn, "nope", 5)
        assert sqlstate(e) == "HYC00"
        assert rows(conn, "SELECT AccountId FROM Jira.CurrentUser"), "the connection still works"
    finally:
        sb.stop()
