"""Seed 003 on Data Center: the "API Token Authentication" app (resolution) through the driver.

A user creates a token with a description and an expiry (`EXEC Jira.CreateApiToken`), finds it
in `Jira.ApiTokens` with a case-insensitive description filter, signs in with it, revokes it
with `DELETE`, and it stops working. An admin creates one for another user within the app's
maximum validity and is refused beyond it with the app's message; the owner, date and
description filters reach the app as its own parameters (the sandbox's request log), and the
rows equal what the app answers straight. A system admin searches and revokes every user's
personal access tokens. Each site here is the module's own: the tests count tokens."""

import base64
import datetime
import json
import time
import urllib.parse
import urllib.request

import pyodbc
import pytest

from conftest import Sandbox
from test_api_tokens import create, rows, sqlstate

UTC = datetime.timezone.utc
APP = "/rest/de.resolution.apitokenauth/latest"
APP_KIND = "API token (app)"


@pytest.fixture(scope="module")
def dc():
    sb = Sandbox("--flavor", "datacenter", "--token-app-max-months", "6")
    yield sb
    sb.stop()


def as_admin(sb):
    user, token = sb.admin()
    return pyodbc.connect(sb.connection_string(User=user, APIToken=token))


def key_of(conn):
    return rows(conn, "SELECT AccountId FROM Jira.CurrentUser")[0]["AccountId"]


def signs_in(sb, user, secret):
    """Whether Basic `user:secret` signs in through the driver (28000 when it does not)."""
    try:
        with pyodbc.connect(sb.connection_string(User=user, APIToken=secret)) as c:
            return bool(rows(c, "SELECT AccountId FROM Jira.CurrentUser"))
    except pyodbc.Error as e:
        assert e.args[0] == "28000", e
        return False


def app_requests(sb, before):
    return [urllib.parse.unquote(r) for r in sb.recent_requests()[before:] if APP in r]


def millis(t):
    return int(t.replace(tzinfo=UTC).timestamp() * 1000)


def from_millis(ms):
    return None if ms is None else datetime.datetime.fromtimestamp(ms / 1000, UTC).replace(tzinfo=None)


def test_a_user_creates_finds_uses_and_revokes_a_token(dc):
    user = dc.info["user"]
    conn = pyodbc.connect(dc.connection_string())
    me = key_of(conn)
    before = time.time()
    made = create(conn, "Nightly Build Agent", 30)
    assert made["Kind"] == APP_KIND and made["Token"] and made["Owner"] == me and made["Description"] == "Nightly Build Agent"
    expected = datetime.datetime.fromtimestamp(before, UTC).replace(tzinfo=None) + datetime.timedelta(days=30)
    assert abs((made["Expires"] - expected).total_seconds()) < 120, made["Expires"]
    # The app answered the secret once; it keeps only a digest and lists no secret.
    straight = dc.rest(APP + "/user/token")
    assert [t["tokenDescription"] for t in straight] == ["Nightly Build Agent"] and all("plainTextToken" not in t for t in straight)

    # Found with a case-insensitive description filter, which the app itself applies.
    seen = len(dc.recent_requests())
    found = rows(conn, "SELECT Id, Kind, Owner, Description, Created, LastUsed, Expires, Status FROM Jira.ApiTokens WHERE Description ILIKE '%nightly build%'")
    assert [(r["Id"], r["Kind"], r["Owner"], r["Status"]) for r in found] == [(made["Id"], APP_KIND, me, "ACTIVE")]
    assert found[0]["LastUsed"] is None and found[0]["Expires"] == made["Expires"]
    sent = app_requests(dc, seen)
    assert any("/user/tokensByFilter?" in r and "descriptionFilter=nightly build" in r for r in sent), sent
    assert rows(conn, "SELECT Id FROM Jira.ApiTokens WHERE Description ILIKE '%no such token%'") == []

    # The token signs its owner in (Basic user:token) and is seen as used.
    assert signs_in(dc, user, made["Token"])
    used = rows(conn, "SELECT LastUsed FROM Jira.ApiTokens WHERE Kind = ? AND Id = ?", APP_KIND, made["Id"])
    assert used[0]["LastUsed"] is not None

    # Revoked through the app: it stops working at once; the password still works.
    cur = conn.cursor()
    seen = len(dc.recent_requests())
    cur.execute("DELETE FROM Jira.ApiTokens WHERE Kind = ? AND Id = ?", APP_KIND, made["Id"])
    assert cur.rowcount == 1
    assert f"DELETE {APP}/user/token/{made['Id']}" in app_requests(dc, seen)
    assert not signs_in(dc, user, made["Token"])
    assert dc.rest(APP + "/user/token") == []
    assert signs_in(dc, user, dc.info["api_token"])


def test_an_admin_creates_for_another_user_within_the_maximum(dc):
    alice = pyodbc.connect(dc.connection_string())
    alice_key = key_of(alice)
    admin = as_admin(dc)
    made = create(admin, "Reporting for alice", 60, dc.info["user"])
    assert made["Owner"] == alice_key and made["Kind"] == APP_KIND
    assert signs_in(dc, dc.info["user"], made["Token"]), "the token signs in its owner, not the admin"
    assert not signs_in(dc, dc.info["admin_user"], made["Token"])
    # Beyond the app's maximum (six months here): refused with the app's own message.
    with pytest.raises(pyodbc.Error) as e:
        create(admin, "Too long", 200, dc.info["user"])
    assert "exceeds the maximum of 6 months" in str(e.value), e.value
    far = datetime.datetime.now(UTC).replace(tzinfo=None) + datetime.timedelta(days=400)
    with pytest.raises(pyodbc.Error) as e:
        rows(admin, "{call Jira.CreateApiToken(?, NULL, ?, ?)}", "Too far", dc.info["user"], far.strftime("%Y-%m-%d %H:%M:%S"))
    assert "exceeds the maximum of 6 months" in str(e.value), e.value
    # Within it, by date: the token expires then.
    soon = (datetime.datetime.now(UTC) + datetime.timedelta(days=20)).replace(tzinfo=None, microsecond=0)
    dated = rows(admin, "{call Jira.CreateApiToken(?, NULL, ?, ?)}", "Dated", dc.info["user"], soon.strftime("%Y-%m-%d %H:%M:%S"))[0]
    assert dated["Expires"] == soon
    # A user is not an admin: the app refuses making one for someone else.
    with pytest.raises(pyodbc.Error) as e:
        create(alice, "For the admin", 5, dc.info["admin_user"])
    assert sqlstate(e) == "42000" and "not allowed to create API tokens for other users" in str(e.value)
    with pytest.raises(pyodbc.Error) as e:
        create(admin, "Nobody", 5, "nobody@example.com")
    assert "no active user with the key 'nobody@example.com'" in str(e.value), e.value
    with pytest.raises(pyodbc.Error) as e:
        create(admin, "Both", 5, None, soon.strftime("%Y-%m-%d %H:%M:%S"))
    assert sqlstate(e) == "22018"
    # The user sees their own tokens only; the admin everyone's.
    mine = rows(alice, "SELECT Id, Owner FROM Jira.ApiTokens WHERE Kind = ?", APP_KIND)
    assert {r["Owner"] for r in mine} == {alice_key} and {made["Id"], dated["Id"]} <= {r["Id"] for r in mine}
    create(admin, "The admin's own", 10)
    everyone = rows(admin, "SELECT Owner FROM Jira.ApiTokens WHERE Kind = ?", APP_KIND)
    assert {r["Owner"] for r in everyone} == {alice_key, key_of(admin)}


def test_owner_and_date_filters_reach_the_app_as_its_parameters(dc):
    admin = as_admin(dc)
    alice = pyodbc.connect(dc.connection_string())
    alice_key = key_of(alice)
    for i in range(3):
        create(admin, f"Filtered {i}", 10 + i, dc.info["user"])
    created_from = datetime.datetime.now(UTC).replace(tzinfo=None) - datetime.timedelta(hours=1)
    expires_from = created_from + datetime.timedelta(days=11)
    expires_to = created_from + datetime.timedelta(days=30)
    seen = len(dc.recent_requests())
    got = rows(
        admin,
        "SELECT Id, Owner, Description, Created, Expires FROM Jira.ApiTokens WHERE Owner = ? AND Created >= ? AND Expires BETWEEN ? AND ? AND Description LIKE 'Filtered%' ORDER BY Id",
        alice_key,
        created_from,
        expires_from,
        expires_to,
    )
    assert [r["Description"] for r in got] == ["Filtered 1", "Filtered 2"]
    sent = [r for r in app_requests(dc, seen) if "/user/tokensByFilter" in r]
    assert len(sent) == 1, sent
    query = urllib.parse.parse_qs(sent[0].split("?", 1)[1])
    assert query["userFilter"] == [alice_key]
    assert query["fromCreated"] == [str(millis(created_from))]
    assert query["fromExpiresDuring"] == [str(millis(expires_from))]
    assert int(query["untilExpiresDuring"][0]) >= millis(expires_to)
    assert query["descriptionFilter"] == ["Filtered"]
    # The rows are the app's answer to those parameters, straight.
    straight = dc.rest(APP + "/user/tokensByFilter?" + urllib.parse.urlencode({k: v[0] for k, v in query.items()}), auth=dc.admin())
    assert sorted(str(t["id"]) for t in straight) == [r["Id"] for r in got]
    for r in got:
        t = [t for t in straight if str(t["id"]) == r["Id"]][0]
        assert (r["Created"], r["Expires"]) == (from_millis(t["created"]), from_millis(t["validUntil"]))
    # Two owners are a repeated parameter.
    seen = len(dc.recent_requests())
    both = rows(admin, "SELECT DISTINCT Owner FROM Jira.ApiTokens WHERE Owner IN (?, ?)", alice_key, key_of(admin))
    assert {r["Owner"] for r in both} <= {alice_key, key_of(admin)}
    sent = [r for r in app_requests(dc, seen) if "/user/tokensByFilter" in r]
    assert sorted(urllib.parse.parse_qs(sent[0].split("?", 1)[1])["userFilter"]) == sorted([alice_key, key_of(admin)])
    # EXPLAIN names the parameters the app is sent.
    plan = "\n".join(str(r[1]) for r in admin.cursor().execute("EXPLAIN SELECT Id FROM Jira.ApiTokens WHERE Description LIKE '%Filtered%'").fetchall())
    assert "tokensByFilter" in plan and "descriptionFilter=Filtered" in plan, plan


def test_more_tokens_than_a_page_are_read_page_by_page():
    sb = Sandbox("--flavor", "datacenter")
    try:
        conn = pyodbc.connect(sb.connection_string())
        for i in range(105):
            sb.rest(APP + "/user/token", method="POST", body={"tokenDescription": f"bulk {i:03}", "tokenValidityTimeInMonths": 1})
        seen = len(sb.recent_requests())
        got = rows(conn, "SELECT Description FROM Jira.ApiTokens WHERE Kind = ? ORDER BY Description", APP_KIND)
        assert [r["Description"] for r in got] == [f"bulk {i:03}" for i in range(105)]
        pages = [r for r in app_requests(sb, seen) if "/user/tokensByFilter" in r]
        assert len(pages) == 2 and "page=0" in pages[0] and "page=1" in pages[1], pages
    finally:
        sb.stop()


def test_a_system_admin_searches_and_revokes_personal_access_tokens(dc):
    alice = pyodbc.connect(dc.connection_string())
    alice_key = key_of(alice)
    pat = dc.info["pat"]
    pat_conn = lambda: pyodbc.connect(dc.connection_string(AuthScheme="PAT", PersonalAccessToken=pat, User="", APIToken=""))
    assert rows(pat_conn(), "SELECT AccountId FROM Jira.CurrentUser")[0]["AccountId"] == alice_key
    admin = as_admin(dc)
    seen = len(dc.recent_requests())
    found = rows(admin, "{call Jira.SearchPersonalAccessTokens(?, ?, NULL, ?, ?)}", alice_key, "SAND", "createdAt", "desc")
    assert [(r["Owner"], r["Description"], r["OwnerUserName"]) for r in found] == [(alice_key, "sandbox", dc.info["user"])]
    searched = [r for r in dc.recent_requests()[seen:] if "/rest/pat/latest/tokens/search" in r]
    assert searched and searched[0].startswith("POST "), searched
    # Used tokens only: the seeded one has just signed in.
    assert [r["Id"] for r in rows(admin, "{call Jira.SearchPersonalAccessTokens(NULL, NULL, 1)}")] == [found[0]["Id"]]
    # Not for a user who is not a system admin.
    with pytest.raises(pyodbc.Error) as e:
        rows(alice, "{call Jira.SearchPersonalAccessTokens()}")
    assert sqlstate(e) == "42000" and "system administrator" in str(e.value)
    revoked = rows(admin, "{call Jira.RevokePersonalAccessTokens(?)}", found[0]["Id"])
    assert revoked == [{"Revoked": 1}]
    with pytest.raises(pyodbc.Error) as e:
        rows(pat_conn(), "SELECT AccountId FROM Jira.CurrentUser")
    assert sqlstate(e) == "28000"
    assert rows(admin, "{call Jira.SearchPersonalAccessTokens(?)}", alice_key) == []
    with pytest.raises(pyodbc.Error) as e:
        rows(admin, "{call Jira.RevokePersonalAccessTokens(?)}", "3,x")
    assert sqlstate(e) == "22018"


def test_without_the_app_the_table_still_lists_personal_access_tokens():
    sb = Sandbox("--flavor", "datacenter", "--without-token-app")
    try:
        conn = pyodbc.connect(sb.connection_string())
        got = rows(conn, "SELECT Kind, Description FROM Jira.ApiTokens")
        assert got == [{"Kind": "Personal access token", "Description": "sandbox"}]
        made = create(conn, "made without the app", 3)
        assert made["Kind"] == "Personal access token"
        with pytest.raises(urllib.error.HTTPError) as e:
            sb.rest(APP + "/user/token")
        assert e.value.code == 404
    finally:
        sb.stop()
