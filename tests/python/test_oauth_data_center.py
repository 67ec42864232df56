"""AuthScheme=OAuth on Data Center, through pyodbc and unixODBC, against the sandbox's Data Center
OAuth 2.0 provider (`/rest/oauth2/latest/...` on the site itself): the desktop sign-in with PKCE
S256, the site found to be Data Center without being told, refresh with rotation, Deny, the web
flow's procedures, revocation (RFC 7009), and eight processes sharing one settings file while
tokens expire every few seconds."""

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request

import pyodbc
import pytest

from conftest import Sandbox
from test_oauth import BROWSER, WORKER, advance, approve, free_port, joined


def dc_cs(sb, **extra):
    props = {
        "Driver": "{Atlassian ODBC}",
        "Url": sb.url,
        "AuthScheme": "OAuth",
        "OAuthClientId": sb.info["oauth_client_id"],
        "OAuthClientSecret": sb.info["oauth_client_secret"],
        "CallbackURL": f"http://127.0.0.1:{free_port()}/callback",
    }
    props.update(extra)
    return joined(props)


def start(*args):
    sb = Sandbox("--flavor", "datacenter", *args)
    os.environ["SANDBOX_USER"], os.environ["SANDBOX_API_TOKEN"] = sb.info["user"], sb.info["api_token"]
    return sb


@pytest.fixture(scope="module")
def dc():
    sb = start()
    yield sb
    sb.stop()


def recent(sb):
    return json.load(urllib.request.urlopen(sb.url + "/__sandbox/stats"))["recent"]


def reset(sb):
    urllib.request.urlopen(urllib.request.Request(sb.url + "/__sandbox/reset-stats", data=b"", method="POST")).read()


def projects(conn):
    return conn.cursor().execute("select count(*) from Jira.Projects").fetchval()


def revoke(sb, token):
    form = urllib.parse.urlencode({"token": token, "token_type_hint": "refresh_token", "client_id": sb.info["oauth_client_id"], "client_secret": sb.info["oauth_client_secret"]}).encode()
    with urllib.request.urlopen(urllib.request.Request(sb.url + "/rest/oauth2/latest/revoke", data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})) as r:
        assert r.status == 200


def test_desktop_sign_in_with_pkce_then_refresh_then_revoke(dc, tmp_path):
    settings = tmp_path / "dc.json"
    reset(dc)
    # Neither Deployment nor the provider's URLs: the site's server info says Data Center.
    conn = pyodbc.connect(dc_cs(dc, InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER, OAuthSettingsLocation=settings), autocommit=True)
    n = projects(conn)
    assert n > 0
    log = recent(dc)
    auth = [r for r in log if "/rest/oauth2/latest/authorize?" in r and r.startswith("GET")]
    assert auth, log
    q = dict(urllib.parse.parse_qsl(auth[0].split("?", 1)[1]))
    assert q["code_challenge_method"] == "S256" and len(q["code_challenge"]) == 43 and q["scope"] == "READ" and "audience" not in q
    assert any(r.startswith("POST /rest/oauth2/latest/token") for r in log)
    assert not any("/ex/jira/" in r or "accessible-resources" in r for r in log), "no gateway, no cloud id on Data Center"
    saved = json.loads(settings.read_text())
    assert saved["refresh_token"] and "cloud_id" not in saved and saved["scope"] == "READ"
    who = conn.cursor().execute("{call GetCurrentUser()}").fetchone()
    assert who.AuthScheme == "OAuth"
    # READ is read-only: a write is refused by the site.
    with pytest.raises(pyodbc.Error):
        conn.cursor().execute("insert into Jira.Comments (IssueKey, Body) values ('ENG-1', 'not allowed')")
    # Past the access token's lifetime the next query refreshes; the rotated pair is saved and
    # the old refresh token is gone at once.
    advance(dc, 4000)
    assert projects(conn) == n
    rotated = json.loads(settings.read_text())
    assert rotated["refresh_token"] != saved["refresh_token"] and rotated["access_token"] != saved["access_token"]
    # Revoking the grant (RFC 7009) ends it: the next request cannot refresh: 28000.
    revoke(dc, rotated["refresh_token"])
    with pytest.raises(pyodbc.Error) as e:
        projects(conn)
    assert "28000" in str(e.value)
    conn.close()


def test_a_refresh_token_given_alone_is_spent_and_its_rotation_saved(dc, tmp_path):
    first = tmp_path / "first.json"
    pyodbc.connect(dc_cs(dc, InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER, OAuthSettingsLocation=first)).close()
    given = json.loads(first.read_text())["refresh_token"]
    spent = given
    for i, mode in enumerate([{"InitiateOAuth": "REFRESH"}, {"InitiateOAuth": "GETANDREFRESH"}]):
        fresh = tmp_path / f"fresh{i}.json"
        reset(dc)
        conn = pyodbc.connect(dc_cs(dc, BrowserCommand="false", OAuthRefreshToken=given, OAuthSettingsLocation=fresh, **mode), autocommit=True)
        assert projects(conn) > 0
        conn.close()
        log = recent(dc)
        assert not any("/rest/oauth2/latest/authorize" in r for r in log), f"{mode}: no sign-in, the given refresh token served"
        assert any(r.startswith("POST /rest/oauth2/latest/token") for r in log)
        saved = json.loads(fresh.read_text())
        assert saved["access_token"] and saved["refresh_token"] not in ("", given), f"{mode}: the rotated refresh token is saved"
        assert "cloud_id" not in saved
        given = saved["refresh_token"]
    # Data Center deletes the old pair at every refresh: the first token given is spent (and
    # presenting it again revokes the grant, as the provider does with a reused token).
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(dc_cs(dc, InitiateOAuth="REFRESH", BrowserCommand="false", OAuthRefreshToken=spent, OAuthSettingsLocation=tmp_path / "spent.json"))
    assert "28000" in str(e.value)


def test_jira_and_confluence_on_their_own_servers_hold_two_grants(tmp_path):
    jira = start()
    wiki = start("--oauth-client-id", "wikiClientId0123456789abcdef", "--oauth-client-secret", "wiki-client-secret-0123456789abcdef")
    try:
        settings = tmp_path / "both.json"

        def cs(**extra):
            return dc_cs(jira, ConfluenceUrl=wiki.url, ConfluenceOAuthClientId=wiki.info["oauth_client_id"], ConfluenceOAuthClientSecret=wiki.info["oauth_client_secret"], OAuthSettingsLocation=settings, **extra)

        def spaces(conn):
            return conn.cursor().execute("select count(*) from Confluence.Spaces").fetchval()

        reset(jira)
        reset(wiki)
        conn = pyodbc.connect(cs(InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER), autocommit=True)
        assert projects(conn) > 0
        n = spaces(conn)
        assert n > 0
        # Each server signed the user in with its own client (PKCE on both), and each is asked
        # only for its product.
        for sb in (jira, wiki):
            auth = [r for r in recent(sb) if r.startswith("GET /rest/oauth2/latest/authorize?")]
            assert len(auth) == 1, auth
            q = dict(urllib.parse.parse_qsl(auth[0].split("?", 1)[1]))
            assert q["client_id"] == sb.info["oauth_client_id"] and q["code_challenge_method"] == "S256"
        assert any("/rest/api/space" in r for r in recent(wiki)) and not any("/rest/api/space" in r for r in recent(jira))
        assert not any("/rest/api/2/project" in r for r in recent(wiki))
        saved = json.loads(settings.read_text())
        second = saved["servers"][wiki.url]
        assert saved["access_token"] and second["access_token"] and second["access_token"] != saved["access_token"]
        conn.close()

        # Both grants come back from the one file: no sign-in.
        reset(jira)
        reset(wiki)
        again = pyodbc.connect(cs(InitiateOAuth="REFRESH", BrowserCommand="false"), autocommit=True)
        assert projects(again) > 0 and spaces(again) == n
        assert not any("/authorize" in r for r in recent(jira) + recent(wiki))
        # Each grant refreshes on its own server; the other is left as it was.
        advance(wiki, 4000)
        assert spaces(again) == n
        rotated = json.loads(settings.read_text())
        assert rotated["servers"][wiki.url]["refresh_token"] != second["refresh_token"]
        assert rotated["refresh_token"] == saved["refresh_token"], "Jira's grant untouched"
        # Confluence's grant revoked: Confluence answers 28000, Jira goes on, and Jira's grant
        # stays in the file.
        revoke(wiki, rotated["servers"][wiki.url]["refresh_token"])
        advance(wiki, 4000)
        with pytest.raises(pyodbc.Error) as e:
            spaces(again)
        assert "28000" in str(e.value)
        assert projects(again) > 0
        left = json.loads(settings.read_text())
        assert left["access_token"] == rotated["access_token"] and wiki.url not in left.get("servers", {})
        again.close()
        # A Confluence client without a Confluence server to sign in to is refused.
        with pytest.raises(pyodbc.Error) as e:
            pyodbc.connect(dc_cs(jira, ConfluenceOAuthClientId="x", InitiateOAuth="REFRESH", BrowserCommand="false", OAuthSettingsLocation=settings))
        assert "08001" in str(e.value) and "ConfluenceUrl" in str(e.value)
    finally:
        jira.stop()
        wiki.stop()


def test_deny_refuses_the_connection(dc, tmp_path):
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(dc_cs(dc, InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER + " --deny", OAuthSettingsLocation=tmp_path / "denied.json"))
    assert "access_denied" in str(e.value)
    assert not (tmp_path / "denied.json").exists()


def test_web_flow_with_pkce_through_the_procedures(dc):
    app = pyodbc.connect(dc_cs(dc, InitiateOAuth="OFF", Deployment="DataCenter"), autocommit=True)
    callback = "http://127.0.0.1:9/app/callback"
    url, state = app.cursor().execute("EXEC GetOAuthAuthorizationURL @CallbackUrl = ?, @State = 'dc-7', @Scope = 'WRITE'", callback).fetchone()
    parts = urllib.parse.urlsplit(url)
    q = dict(urllib.parse.parse_qsl(parts.query))
    assert parts.path == "/rest/oauth2/latest/authorize" and url.startswith(dc.url)
    assert q["code_challenge_method"] == "S256" and q["code_challenge"] and q["state"] == "dc-7" and q["scope"] == "WRITE"
    code = approve(url)
    row = app.cursor().execute("{call GetOAuthAccessToken('WEB', ?, NULL, ?, 'dc-7')}", code, callback).fetchone()
    assert row.OAuthAccessToken and row.OAuthRefreshToken and row.ExpiresIn > 0
    assert projects(app) > 0
    # WRITE writes.
    cur = app.cursor()
    cur.execute("insert into Jira.Comments (IssueKey, Body) values ('ENG-1', 'written with OAuth on Data Center')")
    assert cur.rowcount == 1
    # The same code again is refused, and revokes what it issued (RFC 6749 4.1.2).
    with pytest.raises(pyodbc.Error) as e:
        app.cursor().execute("{call GetOAuthAccessToken('WEB', ?, NULL, ?, 'dc-7')}", code, callback).fetchall()
    assert "invalid_grant" in str(e.value)
    with pytest.raises(pyodbc.Error) as e:
        projects(app)
    assert "28000" in str(e.value)
    app.close()


def test_processes_sharing_one_settings_file_with_short_lived_tokens(tmp_path):
    """Data Center replaces the pair on every refresh (no reuse leeway): eight processes sharing
    one settings file while access tokens live 3 seconds must never spend a refresh token twice."""
    sb = start("--oauth-expires-in", "3")
    try:
        settings = tmp_path / "shared.json"
        pyodbc.connect(dc_cs(sb, InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER, OAuthSettingsLocation=settings)).close()
        cs = dc_cs(sb, InitiateOAuth="REFRESH", OAuthSettingsLocation=settings, BrowserCommand="false")
        procs = [subprocess.Popen([sys.executable, "-c", WORKER, cs, "10"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ)) for _ in range(8)]
        results = [p.communicate(timeout=120) for p in procs]
        for p, (out, err) in zip(procs, results):
            assert p.returncode == 0, err
            assert int(out.strip()) > 10
        last = pyodbc.connect(cs)
        assert projects(last) > 0, "the grant is alive: no refresh token was spent twice"
        last.close()
    finally:
        sb.stop()


def test_real_browser_on_the_data_center_pages(tmp_path):
    """Headless Chromium as the BrowserCommand: Jira's login page, the provider's consent page,
    Allow gives a working connection and Deny a 28000; revoking everything on the "View OAuth
    Access Tokens" page (the seeded gadget tokens and the driver's grant) leaves "None specified"
    and the next query fails cleanly."""
    import chromium_browser
    from test_oauth import CHROMIUM
    sb = start()
    try:
        conn = pyodbc.connect(dc_cs(sb, InitiateOAuth="GETANDREFRESH", BrowserCommand=CHROMIUM, OAuthSettingsLocation=tmp_path / "c.json", OAuthCallbackTimeout="60"), autocommit=True)
        assert projects(conn) > 0
        with pytest.raises(pyodbc.Error) as e:
            pyodbc.connect(dc_cs(sb, InitiateOAuth="GETANDREFRESH", BrowserCommand=CHROMIUM + " --deny", OAuthSettingsLocation=tmp_path / "d.json", OAuthCallbackTimeout="60"))
        assert "28000" in str(e.value) and "access_denied" in str(e.value)
        revoked, empty = chromium_browser.revoke_all(sb.url)
        assert revoked == 3 and empty == 1, "two gadget consumers and the driver's grant"
        with pytest.raises(pyodbc.Error) as e:
            projects(conn)
        assert "28000" in str(e.value)
        conn.close()
    finally:
        sb.stop()
