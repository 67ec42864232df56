"""API tokens through the driver: `Jira.ApiTokens` and `EXEC Jira.CreateApiToken`, on Cloud (the
Token Manager's REST form; admin and non-admin) and Data Center (personal access tokens), each
checked against the sandbox's REST API and its request log, with the new tokens used to sign in
and refused once revoked."""

import datetime
import urllib.parse

import pyodbc
import pytest

from conftest import Sandbox

UTC = datetime.timezone.utc


@pytest.fixture(scope="module")
def cloud():
    sb = Sandbox("--token-manager-max-days", "90")
    yield sb
    sb.stop()


def as_admin(sb, **extra):
    user, token = sb.admin()
    return sb.connection_string(User=user, APIToken=token, **extra)


def rows(conn, sql, *params):
    cur = conn.cursor()
    cur.execute(sql, *params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def create(conn, *args):
    marks = ", ".join("?" for _ in args)
    return rows(conn, f"{{call Jira.CreateApiToken({marks})}}", *args)[0]


def rest_tokens(sb, auth=None, **query):
    """Every token the Token Manager lists for the caller, as its REST API pages them."""
    out, start = [], 0
    while True:
        q = urllib.parse.urlencode({**query, "startAt": start, "maxResults": 1000}, doseq=True)
        page = sb.rest("/rest/api-tokens/latest/tokens?" + q, auth=auth)
        out.extend(page["values"])
        start += len(page["values"])
        if page["isLast"] or not page["values"]:
            return out


def instant(text):
    return None if text is None else datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def sqlstate(e):
    return e.value.args[0]


def token_requests(sb, before):
    return [r for r in sb.recent_requests()[before:] if "/rest/api-tokens/" in r or "/rest/pat/" in r]


def test_create_sign_in_list_and_revoke_own_token(cloud):
    conn = pyodbc.connect(cloud.connection_string())
    made = create(conn, "ci-bot own", 30)
    secret = made["Token"]
    assert secret and made["Description"] == "ci-bot own"
    assert made["Owner"] == rows(conn, "SELECT AccountId FROM Jira.CurrentUser")[0]["AccountId"]
    assert datetime.timedelta(days=29) < made["Expires"] - made["Created"] <= datetime.timedelta(days=30, seconds=1)
    # The new token signs in.
    with pyodbc.connect(cloud.connection_string(APIToken=secret)) as other:
        assert rows(other, "SELECT DisplayName FROM Jira.CurrentUser")
    # ApiTokens is the REST list, column for column, and never shows a secret.
    listed = rows(conn, "SELECT * FROM Jira.ApiTokens ORDER BY Created, Id")
    rest = rest_tokens(cloud)
    assert [r["Id"] for r in listed] == [t["id"] for t in rest]
    for r, t in zip(listed, rest):
        assert (r["Owner"], r["OwnerEmail"], r["OwnerName"], r["Description"], r["CreatedBy"], r["Status"]) == (t["accountId"], t["email"], t["displayName"], t["label"], t["createdBy"], t["status"])
        assert (r["Created"], r["Expires"]) == (instant(t["createdAt"]), instant(t["expiresAt"]))
        # The token these requests sign with was used again by the REST call itself.
        assert r["LastUsed"] == instant(t["lastUsedAt"]) or r["LastUsed"] <= instant(t["lastUsedAt"])
        assert secret not in [str(v) for v in r.values()]
    mine = [r for r in listed if r["Id"] == made["Id"]][0]
    assert mine["LastUsed"] is not None, "signing in with it was recorded"
    # DELETE revokes: the row is gone and the token no longer signs in.
    cur = conn.cursor()
    cur.execute("DELETE FROM Jira.ApiTokens WHERE Id = ?", made["Id"])
    assert cur.rowcount == 1
    assert made["Id"] not in [r["Id"] for r in rows(conn, "SELECT Id FROM Jira.ApiTokens")]
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(cloud.connection_string(APIToken=secret)).cursor().execute("SELECT * FROM Jira.CurrentUser").fetchall()
    assert sqlstate(e) == "28000"


def test_filters_push_down_as_token_manager_parameters(cloud):
    admin_auth = cloud.admin()
    conn = pyodbc.connect(as_admin(cloud))
    alice = cloud.rest("/rest/api/3/myself")["accountId"]
    admin = cloud.rest("/rest/api/3/myself", auth=admin_auth)["accountId"]
    for label, days, who in [("Nightly export", 10, alice), ("nightly backup", 40, admin), ("Dashboard", 80, alice), ("CI deploy", 60, admin)]:
        create(conn, label, days, who)
    everything = rest_tokens(cloud, auth=admin_auth)
    assert len({t["accountId"] for t in everything}) >= 2, "the admin sees several users' tokens"
    now = datetime.datetime.now(UTC).replace(tzinfo=None)
    mid = now + datetime.timedelta(days=45)
    cases = [
        ("Owner = ?", [alice], ["user=" + alice], lambda t: t["accountId"] == alice),
        ("OwnerEmail IN (?, ?)", [cloud.info["user"], admin_auth[0]], ["user="], lambda t: t["email"] in (cloud.info["user"], admin_auth[0])),
        # The server matches case-insensitively; SQL's LIKE does not: the engine narrows.
        ("Description LIKE '%ightly%'", [], ["description=ightly"], lambda t: "ightly" in t["label"]),
        ("Description LIKE 'Nightly%'", [], ["description=Nightly"], lambda t: t["label"].startswith("Nightly")),
        ("Expires < ?", [mid], ["expiresTo="], lambda t: instant(t["expiresAt"]) < mid),
        ("Expires BETWEEN ? AND ?", [now, mid], ["expiresFrom=", "expiresTo="], lambda t: now <= instant(t["expiresAt"]) <= mid),
        ("Created >= ? AND Owner = ?", [now - datetime.timedelta(hours=1), admin], ["createdFrom=", "user=" + admin], lambda t: instant(t["createdAt"]) >= now - datetime.timedelta(hours=1) and t["accountId"] == admin),
        ("LastUsed >= ?", [now - datetime.timedelta(days=3650)], ["lastUsedFrom="], lambda t: t["lastUsedAt"] is not None),
        ("LastUsed IS NULL", [], [], lambda t: t["lastUsedAt"] is None),
        # A user the site does not know: the server refuses the parameter, the engine filters.
        ("Owner = 'no-such-user'", [], [], lambda t: False),
    ]
    for where, params, sent, keep in cases:
        before = len(cloud.recent_requests())
        got = sorted(r["Id"] for r in rows(conn, f"SELECT Id FROM Jira.ApiTokens WHERE {where}", *params))
        want = sorted(t["id"] for t in everything if keep(t))
        assert got == want, where
        first = token_requests(cloud, before)[0]
        for s in sent:
            assert s in urllib.parse.unquote(first), (where, first)
        plan = " ".join(str(r[1]) for r in conn.cursor().execute(f"EXPLAIN SELECT Id FROM Jira.ApiTokens WHERE {where}", *params).fetchall())
        if sent:
            assert "params=" in plan, (where, plan)


def test_admin_creates_for_others_within_the_limit_and_users_see_only_their_own(cloud):
    admin_conn = pyodbc.connect(as_admin(cloud))
    made = create(admin_conn, "made for alice", 30, cloud.info["user"])
    alice_conn = pyodbc.connect(cloud.connection_string())
    me = rows(alice_conn, "SELECT AccountId FROM Jira.CurrentUser")[0]["AccountId"]
    assert made["Owner"] == me
    mine = rows(alice_conn, "SELECT Id, Owner, CreatedBy FROM Jira.ApiTokens WHERE Id = ?", made["Id"])
    assert mine and mine[0]["CreatedBy"] != me, "alice sees the token the admin made for her"
    # Beyond the admin maximum: the server's refusal, word for word.
    with pytest.raises(pyodbc.Error) as e:
        create(admin_conn, "too long", 400, cloud.info["user"])
    assert sqlstate(e) == "HY000" and "maximum of 90 days" in str(e.value)
    # Only admins create for others, and a user's list holds only their own tokens.
    with pytest.raises(pyodbc.Error) as e:
        create(alice_conn, "for the admin", 10, cloud.admin()[0])
    assert sqlstate(e) == "42000" and "site administrators" in str(e.value)
    assert {r["Owner"] for r in rows(alice_conn, "SELECT Owner FROM Jira.ApiTokens")} == {me}
    admin_id = rows(admin_conn, "SELECT AccountId FROM Jira.CurrentUser")[0]["AccountId"]
    assert rows(alice_conn, "SELECT Id FROM Jira.ApiTokens WHERE Owner = ?", admin_id) == [], "someone else's tokens: none, not an error"
    for bad, state in [((("x", "abc")), "22018"), (("x", 0), "22018"), (("",), "07001")]:
        with pytest.raises(pyodbc.Error) as e:
            create(alice_conn, *bad)
        assert sqlstate(e) == state, bad


def test_data_center_personal_access_tokens(dc):
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
        assert (r["Owner"], r["OwnerEmail"], r["Description"], r["Created"]) == (me["AccountId"], me["EmailAddress"], t["name"], instant(t["createdAt"]))
        assert r["Expires"] == instant(t.get("expiringAt")) and r["Status"] == "ACTIVE"
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


@pytest.mark.parametrize("flavor", ["cloud", "datacenter"])
def test_a_site_without_token_apis_says_so(flavor):
    sb = Sandbox("--flavor", flavor, "--without-token-apis")
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
