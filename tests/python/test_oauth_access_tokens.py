"""Jira.OAuthAccessTokens and Confluence.OAuthAccessTokens on Data Center, through pyodbc and
unixODBC: what each server's "View OAuth Access Tokens" page shows (seeds 000 and 001: gadget
consumers' OAuth 1.0a tokens, seven days each, and the OAuth 2.0 grants of the server's
provider), read from the page by its headers, and DELETE revoking through the page's form. Cloud's
side (the grant the driver holds) is in test_oauth.py."""

import base64
import hashlib
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pyodbc
import pytest

from test_oauth import BROWSER
from test_oauth_data_center import dc_cs, projects, reset, start

PAGE = "/plugins/servlet/oauth/users/access-tokens"


@pytest.fixture(scope="module")
def dc():
    sb = start()
    yield sb
    sb.stop()


def page(sb):
    """The page as the user's browser shows it."""
    auth = base64.b64encode(f"{sb.info['user']}:{sb.info['api_token']}".encode()).decode()
    with urllib.request.urlopen(urllib.request.Request(sb.url + PAGE, headers={"Authorization": "Basic " + auth})) as r:
        return r.read().decode()


def tokens(conn, table="Jira.OAuthAccessTokens"):
    return conn.cursor().execute(f"select Id, Consumer, ConsumerDescription, IssuedOn, ExpiresOn, ListedBy, ClientId from {table} order by IssuedOn").fetchall()


def test_the_page_as_a_table_and_delete_revokes_through_its_form(dc, tmp_path):
    user = pyodbc.connect(dc.connection_string(), autocommit=True)
    seeded = tokens(user)
    assert [r.Consumer for r in seeded] == ["Release notes", "Team dashboard"], seeded
    for r in seeded:
        assert r.ExpiresOn - r.IssuedOn == timedelta(days=7), "OAuth 1.0a tokens expire seven days after issue"
        assert r.ConsumerDescription and r.ListedBy == "View OAuth Access Tokens page" and r.ClientId is None
        assert r.Consumer in page(dc)
    # Confluence's server has the same page (one sandbox server holds both products here).
    assert [tuple(r) for r in tokens(user, "Confluence.OAuthAccessTokens")] == [tuple(r) for r in seeded]
    # A filter is the engine's: the page takes no parameters.
    assert [r[0] for r in user.cursor().execute("select Consumer from Jira.OAuthAccessTokens where Consumer like 'Team%'").fetchall()] == ["Team dashboard"]

    # The driver's own OAuth 2.0 grant shows there too.
    app = pyodbc.connect(dc_cs(dc, InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER, OAuthSettingsLocation=tmp_path / "app.json"), autocommit=True)
    assert projects(app) > 0
    now = tokens(user)
    assert len(now) == 3 and now[-1].Consumer == "Atlassian ODBC Driver", now
    ours = now[-1].Id

    # DELETE posts the row's form and reads the page again: the grant is gone, and the app's
    # next query fails cleanly.
    reset(dc)
    cur = user.cursor().execute("delete from Jira.OAuthAccessTokens where Id = ?", ours)
    assert cur.rowcount == 1
    log = dc.recent_requests()
    assert any(r.startswith("POST " + PAGE) for r in log) and any(r.startswith("GET " + PAGE) for r in log), log
    assert ours not in [r.Id for r in tokens(user)]
    with pytest.raises(pyodbc.Error) as e:
        projects(app)
    assert "28000" in str(e.value)
    app.close()

    # A gadget's token, revoked by consumer name: the page no longer lists it.
    cur = user.cursor().execute("delete from Confluence.OAuthAccessTokens where Consumer = 'Team dashboard'")
    assert cur.rowcount == 1
    assert "Team dashboard" not in page(dc) and "Release notes" in page(dc)
    assert [r.Consumer for r in tokens(user)] == ["Release notes"]
    # Deleting what is not there deletes nothing.
    assert user.cursor().execute("delete from Jira.OAuthAccessTokens where Id = 'no-such-id'").rowcount == 0
    user.close()


def test_a_bearer_connection_is_told_where_the_page_is(dc, tmp_path):
    """The page shows only to a user signed in with a password: an OAuth (or PAT) connection gets
    HYC00 naming the page, never an empty table."""
    app = pyodbc.connect(dc_cs(dc, InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER, OAuthSettingsLocation=tmp_path / "b.json"), autocommit=True)
    with pytest.raises(pyodbc.Error) as e:
        tokens(app)
    assert "HYC00" in str(e.value) and dc.url + PAGE in str(e.value), str(e.value)
    app.close()


def faults(sb, config):
    req = urllib.request.Request(sb.url + "/__sandbox/faults", data=json.dumps(config).encode(), method="POST", headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()


def test_a_page_that_is_not_the_table_is_an_error_not_an_empty_table(dc):
    """A 200 whose body is not the page (cut short, a proxy's HTML, JSON) is an error naming the
    page, never zero rows."""
    user = pyodbc.connect(dc.connection_string(), autocommit=True)
    faults(dc, {"garbage": 1.0, "routes": ["GET " + PAGE]})
    try:
        for _ in range(4):
            with pytest.raises(pyodbc.Error) as e:
                tokens(user)
            assert "Cannot read the View OAuth Access Tokens page" in str(e.value), str(e.value)
    finally:
        faults(dc, {})
    assert len(tokens(user)) >= 1
    user.close()


def oauth1_get(sb, path, token=None):
    """A GET as the seeded gadget consumer signs it (OAuth 1.0a, RSA-SHA1 over RFC 5849's base
    string), with `token` (default: the user's token for it); returns (status, headers, JSON)."""
    c = sb.info["oauth1"]
    url = sb.url + path
    base_url, _, query = url.partition("?")
    enc = lambda s: urllib.parse.quote(s, safe="-._~")
    oauth = {
        "oauth_consumer_key": c["consumer_key"],
        "oauth_token": token or c["token"],
        "oauth_signature_method": "RSA-SHA1",
        "oauth_timestamp": str(int(time.time())),
        "oauth_nonce": secrets.token_hex(8),
        "oauth_version": "1.0",
    }
    pairs = sorted([(enc(k), enc(v)) for k, v in oauth.items()] + [(enc(k), enc(v)) for k, v in urllib.parse.parse_qsl(query)])
    base = "&".join(["GET", enc(base_url), enc("&".join(f"{k}={v}" for k, v in pairs))])
    n, d = int(c["rsa_n"], 16), int(c["rsa_d"], 16)
    k = (n.bit_length() + 7) // 8
    digest_info = bytes.fromhex("3021300906052b0e03021a05000414") + hashlib.sha1(base.encode()).digest()
    em = b"\x00\x01" + b"\xff" * (k - len(digest_info) - 3) + b"\x00" + digest_info
    oauth["oauth_signature"] = base64.b64encode(pow(int.from_bytes(em, "big"), d, n).to_bytes(k, "big")).decode()
    header = "OAuth " + ", ".join(f'{key}="{enc(v)}"' for key, v in oauth.items())
    req = urllib.request.Request(url, headers={"Authorization": header, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.headers, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.headers, json.loads(e.read() or b"null")


def anonymous_get(sb, path):
    with urllib.request.urlopen(urllib.request.Request(sb.url + path, headers={"Accept": "application/json"})) as r:
        return json.loads(r.read())


def test_a_revoked_consumer_token_is_rejected_and_the_consumer_sees_public_data_only():
    sb = start()
    try:
        user = pyodbc.connect(sb.connection_string(), autocommit=True)
        me = user.cursor().execute("select AccountId from Jira.CurrentUser").fetchval()
        status, _, who = oauth1_get(sb, "/rest/api/2/myself")
        assert status == 200 and who["accountId"] == me, "the gadget acts for the user who authorized it"
        status, _, signed = oauth1_get(sb, "/rest/api/2/project?expand=description")
        public = anonymous_get(sb, "/rest/api/2/project?expand=description")
        assert status == 200 and {p["key"] for p in public} < {p["key"] for p in signed}, "with its token the gadget sees the user's projects"
        # A signature that does not match the request, or another token, is refused for what it is.
        status, headers, _ = oauth1_get(sb, "/rest/api/2/myself", token="not-a-token")
        assert status == 401 and 'oauth_problem="token_rejected"' in headers["WWW-Authenticate"]

        cur = user.cursor().execute("delete from Jira.OAuthAccessTokens where Consumer = ?", sb.info["oauth1"]["consumer"])
        assert cur.rowcount == 1
        # Revoked: the consumer's signed requests are rejected, as Atlassian's troubleshooting
        # guide says (oauth_problem=token_rejected: authorize again) ...
        status, headers, body = oauth1_get(sb, "/rest/api/2/project?expand=description")
        assert status == 401 and 'oauth_problem="token_rejected"' in headers["WWW-Authenticate"], (status, dict(headers), body)
        # ... and going on without a token, it sees what anyone sees: the public projects only.
        assert {p["key"] for p in anonymous_get(sb, "/rest/api/2/project?expand=description")} == {p["key"] for p in public}
        # The other consumer's token is still listed.
        assert [r[0] for r in user.cursor().execute("select Consumer from Jira.OAuthAccessTokens").fetchall()] == ["Release notes"]
        user.close()
    finally:
        sb.stop()
