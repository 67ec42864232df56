"""AuthScheme=OAuth through pyodbc and unixODBC against the sandbox's OAuth 2.0 server: the desktop
sign-in (GETANDREFRESH with a BrowserCommand), saved tokens (REFRESH), tokens given (OFF), the web
flow's procedures, refresh on expiry with rotating refresh tokens, revocation, and the failures a
user can meet (deny, forged state, no callback, busy port, corrupt settings file)."""

import base64
import json
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pyodbc
import pytest

from conftest import Sandbox

HERE = pathlib.Path(__file__).resolve().parent
BROWSER = f"{sys.executable} {HERE / 'http_browser.py'}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site():
    sb = Sandbox()
    os.environ["SANDBOX_USER"] = sb.info["user"]
    os.environ["SANDBOX_API_TOKEN"] = sb.info["api_token"]
    yield sb
    sb.stop()


def oauth_cs(sb, **extra):
    props = {
        "Driver": "{Atlassian ODBC}",
        "Url": sb.url,
        "AuthScheme": "OAuth",
        "OAuthClientId": sb.info["oauth_client_id"],
        "OAuthClientSecret": sb.info["oauth_client_secret"],
        "OAuthAuthorizationURL": sb.info["authorize_url"],
        "OAuthAccessTokenURL": sb.info["token_url"],
        "ApiGatewayURL": sb.info["api_gateway_url"],
        "CallbackURL": f"http://127.0.0.1:{free_port()}/callback",
    }
    props.update(extra)
    return joined(props)


def joined(props):
    """A connection string of `props`, values with `;` or spaces braced."""
    brace = lambda v: v if v.startswith("{") or not (";" in v or " " in v) else "{" + v + "}"
    return ";".join(f"{k}={brace(str(v))}" for k, v in props.items()) + ";"


def advance(sb, seconds):
    req = urllib.request.Request(sb.url + "/__sandbox/clock", data=json.dumps({"advance_seconds": seconds}).encode(), method="POST", headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()


def basic(sb):
    return "Basic " + base64.b64encode(f"{sb.info['user']}:{sb.info['api_token']}".encode()).decode()


def grants(sb):
    """The live grants, as the user's connected apps screen shows them (the sandbox's control
    API: Cloud has no API that lists them)."""
    return json.load(urllib.request.urlopen(sb.url + "/__sandbox/grants"))


def remove_access(sb, grant_id):
    """The user removes the app's access on id.atlassian.com (which has no public API)."""
    urllib.request.urlopen(urllib.request.Request(sb.url + f"/__sandbox/grants/{grant_id}/revoke", data=b"", method="POST")).read()


def count_projects(conn):
    return conn.cursor().execute("select count(*) from Jira.Projects").fetchval()


def test_desktop_sign_in_then_saved_tokens_then_refresh(site, tmp_path):
    settings = tmp_path / "cfg" / "tokens.json"
    before = len(grants(site))
    conn = pyodbc.connect(oauth_cs(site, InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER, OAuthSettingsLocation=settings), autocommit=True)
    n = count_projects(conn)
    assert n == len(json.load(urllib.request.urlopen(urllib.request.Request(site.url + "/rest/api/3/project/search", headers={"Authorization": basic(site)})))["values"])
    assert len(grants(site)) == before + 1, "one consent, one grant"
    saved = json.loads(settings.read_text())
    assert saved["refresh_token"] and saved["cloud_id"] == site.info["cloud_id"]
    assert oct(settings.stat().st_mode & 0o777) == "0o600" and oct(settings.parent.stat().st_mode & 0o777) == "0o700"
    who = conn.cursor().execute("{call GetCurrentUser()}").fetchone()
    assert who.AuthScheme == "OAuth" and who.EmailAddress == site.info["user"] and "offline_access" in who.Scopes
    conn.close()

    # REFRESH never opens a browser: the saved token serves.
    again = pyodbc.connect(oauth_cs(site, InitiateOAuth="REFRESH", BrowserCommand="false", OAuthSettingsLocation=settings), autocommit=True)
    assert count_projects(again) == n
    # Past the access token's expiry: the next query refreshes (401, one refresh, one retry) and
    # the settings file holds the rotated refresh token.
    advance(site, 4000)
    assert count_projects(again) == n
    rotated = json.loads(settings.read_text())
    assert rotated["refresh_token"] != saved["refresh_token"] and rotated["access_token"] != saved["access_token"]
    again.close()
    assert len(grants(site)) == before + 1, "refreshing kept the one grant"


def test_refresh_without_saved_tokens_says_what_to_do(site, tmp_path):
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(oauth_cs(site, InitiateOAuth="REFRESH", OAuthSettingsLocation=tmp_path / "none.json"))
    assert "28000" in str(e.value) and "atlassian-odbc login" in str(e.value)
    assert not (tmp_path / "none.json").exists()


def test_a_refresh_token_given_alone_is_spent_and_its_rotation_saved(site, tmp_path):
    first = tmp_path / "first.json"
    pyodbc.connect(oauth_cs(site, InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER, OAuthSettingsLocation=first)).close()
    given = json.loads(first.read_text())["refresh_token"]
    for i, mode in enumerate([{"InitiateOAuth": "REFRESH"}, {"InitiateOAuth": "GETANDREFRESH"}, {}]):
        fresh = tmp_path / f"fresh{i}.json"
        conn = pyodbc.connect(oauth_cs(site, BrowserCommand="false", OAuthRefreshToken=given, OAuthSettingsLocation=fresh, **mode), autocommit=True)
        assert count_projects(conn) > 0
        conn.close()
        saved = json.loads(fresh.read_text())
        assert saved["access_token"] and saved["refresh_token"] not in ("", given), f"{mode}: the rotated refresh token is saved"
        assert saved["cloud_id"] == site.info["cloud_id"]
        given = saved["refresh_token"]
    # OFF never refreshes, so a refresh token alone cannot serve it.
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(oauth_cs(site, InitiateOAuth="OFF", OAuthRefreshToken=given, OAuthSettingsLocation=tmp_path / "off.json"))
    assert "08001" in str(e.value) and "OAuthAccessToken" in str(e.value)


def test_deny_forged_state_no_callback_busy_port_and_corrupt_file(site, tmp_path):
    settings = tmp_path / "t.json"
    # A denied sign-in ends at once; a callback with a forged state is ignored (it can neither
    # sign in nor end the sign-in), so the wait runs out.
    for browser, text in [(BROWSER + " --deny", "access_denied"), (BROWSER + " --tamper-state", "another state")]:
        with pytest.raises(pyodbc.Error) as e:
            pyodbc.connect(oauth_cs(site, InitiateOAuth="GETANDREFRESH", BrowserCommand=browser, OAuthCallbackTimeout="3", OAuthSettingsLocation=settings))
        assert "28000" in str(e.value) and text in str(e.value), str(e.value)
        assert not settings.exists(), "nothing saved"
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(oauth_cs(site, InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER + " --ignore", OAuthCallbackTimeout="2", OAuthSettingsLocation=settings))
    assert "28000" in str(e.value) and "did not come back" in str(e.value)
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        with pytest.raises(pyodbc.Error) as e:
            pyodbc.connect(oauth_cs(site, InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER, CallbackURL=f"http://127.0.0.1:{busy.getsockname()[1]}/cb", OAuthSettingsLocation=settings))
        assert "08001" in str(e.value) and "another program" in str(e.value)
    finally:
        busy.close()
    settings.write_text("{ this is not json")
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(oauth_cs(site, InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER, OAuthSettingsLocation=settings))
    assert "08001" in str(e.value) and "not valid" in str(e.value)
    assert settings.read_text() == "{ this is not json", "left as it was"


def test_web_flow_through_the_procedures(site):
    # A web application's connection: no token yet, it opens for the OAuth procedures.
    app = pyodbc.connect(oauth_cs(site, InitiateOAuth="OFF"), autocommit=True)
    callback = "http://127.0.0.1:9/app/callback"
    url, state = app.cursor().execute("EXEC GetOAuthAuthorizationURL @CallbackUrl = ?, @State = 'xyz-42'", callback).fetchone()
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert state == "xyz-42" and q["state"] == "xyz-42" and q["redirect_uri"] == callback and "offline_access" in q["scope"]
    with pytest.raises(pyodbc.Error) as e:
        app.cursor().execute("select count(*) from Jira.Projects").fetchall()
    assert "28000" in str(e.value) and "GetOAuthAccessToken" in str(e.value)
    # The user approves in their browser; the application's callback receives the code.
    code = approve(url)
    row = app.cursor().execute("{call GetOAuthAccessToken('WEB', ?, NULL, ?, 'xyz-42')}", code, callback).fetchone()
    assert row.OAuthAccessToken and row.OAuthRefreshToken and row.ExpiresIn > 0 and row.CloudId == site.info["cloud_id"]
    # The connection now acts with the token; a new one connects with it as given.
    assert count_projects(app) > 0
    other = pyodbc.connect(oauth_cs(site, OAuthAccessToken=row.OAuthAccessToken), autocommit=True)
    assert count_projects(other) == count_projects(app)
    fresh = app.cursor().execute("EXEC RefreshOAuthAccessToken @OAuthRefreshToken = ?", row.OAuthRefreshToken).fetchone()
    assert fresh.OAuthRefreshToken != row.OAuthRefreshToken, "Atlassian rotates refresh tokens"
    # OFF never refreshes: past expiry, a clear 28000.
    advance(site, 4000)
    with pytest.raises(pyodbc.Error) as e:
        count_projects(other)
    assert "28000" in str(e.value)
    other.close()
    app.close()


def approve(url):
    """The user approves in their browser; the code is in the redirect to the app's callback."""
    import http_browser
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(http_browser.consent(url)).query))["code"]


def test_revoked_grant_fails_cleanly_and_forgets_its_tokens(site, tmp_path):
    settings = tmp_path / "r.json"
    conn = pyodbc.connect(oauth_cs(site, InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER, OAuthSettingsLocation=settings), autocommit=True)
    assert count_projects(conn) > 0
    newest = grants(site)[-1]
    remove_access(site, newest["id"])
    with pytest.raises(pyodbc.Error) as e:
        count_projects(conn)
    assert "28000" in str(e.value) and "invalid_grant" in str(e.value)
    assert not settings.exists(), "the dead grant's tokens are removed"
    conn.close()


WORKER = r"""
import sys, time, pyodbc
cs, seconds = sys.argv[1], float(sys.argv[2])
conn = pyodbc.connect(cs, autocommit=True)
end, n = time.time() + seconds, 0
while time.time() < end:
    conn.cursor().execute("select count(*) from Jira.Projects").fetchval()
    n += 1
    time.sleep(0.05)
print(n)
"""


def test_processes_sharing_one_settings_file_never_reuse_a_refresh_token(tmp_path):
    """Eight processes, one settings file, access tokens that live 3 seconds: every refresh is
    done by one process under the file lock, so no refresh token is spent twice (which would
    revoke the grant) and the grant is alive at the end."""
    sb = Sandbox("--oauth-expires-in", "3", "--refresh-reuse-interval", "0")
    try:
        os.environ["SANDBOX_USER"], os.environ["SANDBOX_API_TOKEN"] = sb.info["user"], sb.info["api_token"]
        settings = tmp_path / "shared.json"
        first = pyodbc.connect(oauth_cs(sb, InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER, OAuthSettingsLocation=settings))
        first.close()
        cs = oauth_cs(sb, InitiateOAuth="REFRESH", OAuthSettingsLocation=settings, BrowserCommand="false")
        env = dict(os.environ)
        procs = [subprocess.Popen([sys.executable, "-c", WORKER, cs, "10"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(8)]
        results = [p.communicate(timeout=120) for p in procs]
        for p, (out, err) in zip(procs, results):
            assert p.returncode == 0, err
            assert int(out.strip()) > 10
        assert len(grants(sb)) == 1, "the grant is alive"
        last = pyodbc.connect(cs)
        assert count_projects(last) > 0
        last.close()
    finally:
        sb.stop()


CHROMIUM = f"{sys.executable} {HERE / 'chromium_browser.py'}"


def test_real_browser_approve_deny_and_revoke(site, tmp_path):
    """Headless Chromium as the BrowserCommand: the sandbox's sign-in and consent pages, Approve,
    the driver's loopback listener gets the code, the query returns rows; Deny gives 28000; the
    grant removed on the connected apps screen makes the next query fail cleanly."""
    import chromium_browser
    settings = tmp_path / "chromium.json"
    conn = pyodbc.connect(oauth_cs(site, InitiateOAuth="GETANDREFRESH", BrowserCommand=CHROMIUM, OAuthSettingsLocation=settings, OAuthCallbackTimeout="60"), autocommit=True)
    assert count_projects(conn) > 0
    assert settings.exists()
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(oauth_cs(site, InitiateOAuth="GETANDREFRESH", BrowserCommand=CHROMIUM + " --deny", OAuthSettingsLocation=tmp_path / "denied.json", OAuthCallbackTimeout="60"))
    assert "28000" in str(e.value) and "access_denied" in str(e.value)
    assert not (tmp_path / "denied.json").exists()
    for g in grants(site):
        remove_access(site, g["id"])
    with pytest.raises(pyodbc.Error) as e:
        count_projects(conn)
    assert "28000" in str(e.value)
    conn.close()


def test_installer_login_then_refresh_only_connections(site, tmp_path):
    """`atlassian-odbc login` runs the desktop sign-in once; a BI tool's connection with
    InitiateOAuth=REFRESH (no browser) then works with the saved tokens."""
    from conftest import PROFILE_DIR
    installer = str(PROFILE_DIR / "atlassian-odbc")
    settings = tmp_path / "login.json"
    cs = oauth_cs(site, BrowserCommand=BROWSER, OAuthSettingsLocation=settings)
    out = subprocess.run([installer, "login", cs], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Signed in as" in out.stdout and site.info["user"] in out.stdout and str(settings) in out.stdout
    refresh_only = oauth_cs(site, InitiateOAuth="REFRESH", BrowserCommand="false", OAuthSettingsLocation=settings)
    tested = subprocess.run([installer, "test", refresh_only], capture_output=True, text=True, timeout=120)
    assert tested.returncode == 0 and "AuthScheme: OAuth" in tested.stdout, tested.stderr


def test_oauth_access_tokens_on_cloud_are_the_grant_the_driver_holds(site, tmp_path):
    """Cloud lists a user's authorized apps nowhere but id.atlassian.com: Jira.OAuthAccessTokens
    and Confluence.OAuthAccessTokens show the grant this connection holds; DELETE forgets it
    with a warning naming where the user revokes it, and the connection then has no token."""
    settings = tmp_path / "g.json"
    app = pyodbc.connect(oauth_cs(site, InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER, OAuthSettingsLocation=settings), autocommit=True)
    assert count_projects(app) > 0
    saved = json.loads(settings.read_text())
    for table in ["Jira.OAuthAccessTokens", "Confluence.OAuthAccessTokens"]:
        rows = app.cursor().execute(f"select Id, ClientId, Scopes, IssuedOn, ExpiresOn, ListedBy, Consumer from {table}").fetchall()
        assert len(rows) == 1, rows
        r = rows[0]
        assert r.Id == r.ClientId == site.info["oauth_client_id"]
        assert r.Scopes.split(",") == saved["scope"].split() and "read:jira-work" in r.Scopes
        assert r.ExpiresOn > r.IssuedOn and str(settings) in r.ListedBy and r.Consumer is None
    # An API-token connection holds no grant: no rows, not an error.
    user = pyodbc.connect(site.connection_string(), autocommit=True)
    assert user.cursor().execute("select count(*) from Jira.OAuthAccessTokens").fetchval() == 0
    user.close()
    cur = app.cursor().execute("delete from Jira.OAuthAccessTokens where Id = ?", site.info["oauth_client_id"])
    assert cur.rowcount == 1
    notes = " ".join(str(m) for m in cur.messages)
    assert "01000" in notes and "https://id.atlassian.com/manage-profile/apps" in notes and "not revoked" in notes, cur.messages
    assert not settings.exists(), "the grant's tokens are forgotten"
    assert grants(site), "nothing was revoked at Atlassian"
    with pytest.raises(pyodbc.Error) as e:
        count_projects(app)
    assert "28000" in str(e.value)
    app.close()
