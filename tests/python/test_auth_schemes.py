"""Every way a connection proves who it is, end to end through pyodbc and unixODBC: Cloud API
tokens, Data Center passwords (and API tokens given for them), Data Center personal access
tokens, anonymous access (public content only, checked against the sandbox's permission
model), and OAuth; and, for each, that no secret it used appears in the driver's most verbose
log, in any diagnostic, or in the out-connection string."""

import ctypes
import json
import os
import pathlib
import socket
import sys
import urllib.request

import pyodbc
import pytest

from conftest import DRIVER_NAME, Sandbox

HERE = pathlib.Path(__file__).resolve().parent
BROWSER = f"{sys.executable} {HERE / 'http_browser.py'}"


@pytest.fixture(scope="module")
def cloud():
    sb = Sandbox()
    os.environ["SANDBOX_USER"] = sb.info["user"]
    os.environ["SANDBOX_API_TOKEN"] = sb.info["api_token"]
    yield sb
    sb.stop()


def cs(sb, **props):
    base = {"Driver": "{" + DRIVER_NAME + "}", "Url": sb.url}
    base.update(props)
    brace = lambda v: "{" + v + "}" if (";" in v or " " in v) and not v.startswith("{") else v
    return ";".join(f"{k}={brace(str(v))}" for k, v in base.items()) + ";"


def anonymous_rest(sb, path):
    with urllib.request.urlopen(urllib.request.Request(sb.url + path, headers={"Accept": "application/json"})) as r:
        return json.loads(r.read())


def values(conn, sql):
    return sorted(r[0] for r in conn.cursor().execute(sql).fetchall())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def schemes(cloud, dc):
    """(name, site, connection properties, the scheme GetCurrentUser reports, the secrets used)."""
    return [
        ("cloud api token", cloud, {"User": cloud.info["user"], "APIToken": cloud.info["api_token"]}, "APIToken", [cloud.info["api_token"]]),
        ("dc password", dc, {"AuthScheme": "Basic", "User": dc.info["user"], "Password": dc.info["api_token"]}, "Basic", [dc.info["api_token"]]),
        ("dc basic given an api token", dc, {"AuthScheme": "Basic", "User": dc.info["user"], "APIToken": dc.info["api_token"]}, "APIToken", [dc.info["api_token"]]),
        ("dc personal access token", dc, {"AuthScheme": "PAT", "PersonalAccessToken": dc.info["pat"]}, "PAT", [dc.info["pat"]]),
        ("cloud anonymous", cloud, {"AuthScheme": "None"}, "None", []),
        ("dc anonymous", dc, {"AuthScheme": "Anonymous"}, "None", []),
    ]


def test_each_scheme_connects_and_sees_what_it_may(cloud, dc):
    for name, sb, props, scheme, _ in schemes(cloud, dc):
        conn = pyodbc.connect(cs(sb, **props))
        row = conn.cursor().execute("EXEC Jira.GetCurrentUser").fetchone()
        assert row.AuthScheme == scheme, name
        projects = values(conn, "SELECT Key FROM Jira.Projects")
        spaces = values(conn, "SELECT Key FROM Confluence.Spaces")
        if scheme == "None":
            assert row.AccountId is None, name
            api = 3 if sb is cloud else 2
            assert projects == sorted(p["key"] for p in anonymous_rest(sb, f"/rest/api/{api}/project")), name
            assert "SEC" not in projects and "SEC" not in spaces, f"{name}: restricted content stays hidden"
            assert values(conn, "SELECT \"Key\" FROM Jira.Issues WHERE ProjectKey = 'SEC'") == [], name
            assert len(projects) >= 1 and len(spaces) >= 1, f"{name}: public content is readable"
        else:
            assert row.AccountId, name
            assert len(projects) >= 2, name


def test_wrong_credentials_are_refused_with_28000(cloud, dc):
    for name, sb, props in [
        ("cloud api token", cloud, {"User": cloud.info["user"], "APIToken": "wrong-token"}),
        ("dc password", dc, {"AuthScheme": "Basic", "User": dc.info["user"], "Password": "wrong-password"}),
        ("dc personal access token", dc, {"AuthScheme": "PAT", "PersonalAccessToken": "d3JvbmctcGF0"}),
    ]:
        with pytest.raises(pyodbc.Error) as e:
            pyodbc.connect(cs(sb, **props)).cursor().execute("SELECT Key FROM Jira.Projects").fetchall()
        assert e.value.args[0] == "28000", name
        assert "wrong" not in str(e.value) and "d3JvbmctcGF0" not in str(e.value), f"{name}: the refused secret is not repeated"


def test_settings_files_others_can_write_are_refused(cloud, tmp_path):
    settings = tmp_path / "shared.json"
    settings.write_text("{}")
    settings.chmod(0o666)
    props = dict(AuthScheme="OAuth", OAuthClientId=cloud.info["oauth_client_id"], OAuthClientSecret=cloud.info["oauth_client_secret"], OAuthAccessTokenURL=cloud.info["token_url"], ApiGatewayURL=cloud.info["api_gateway_url"], InitiateOAuth="REFRESH", OAuthSettingsLocation=str(settings))
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(cs(cloud, **props))
    assert e.value.args[0] == "08001" and "other users" in str(e.value) and "chmod 600" in str(e.value), str(e.value)
    assert settings.read_text() == "{}", "left as it was"


def out_connection_string(connection_string):
    """SQLDriverConnect's completed connection string, straight through the driver manager."""
    odbc = ctypes.CDLL("libodbc.so.2")
    env, dbc = ctypes.c_void_p(), ctypes.c_void_p()
    assert odbc.SQLAllocHandle(1, None, ctypes.byref(env)) == 0
    odbc.SQLSetEnvAttr(env, 200, ctypes.c_void_p(3), 0)
    assert odbc.SQLAllocHandle(2, env, ctypes.byref(dbc)) == 0
    out, n = ctypes.create_string_buffer(8192), ctypes.c_short()
    raw = connection_string.encode()
    rc = odbc.SQLDriverConnect(dbc, None, raw, len(raw), out, len(out), ctypes.byref(n), 0)
    assert rc in (0, 1), f"SQLDriverConnect returned {rc}"
    odbc.SQLDisconnect(dbc)
    odbc.SQLFreeHandle(2, dbc)
    odbc.SQLFreeHandle(1, env)
    return out.value.decode()


def exercise(connection_string, diagnostics):
    """A session that touches the code paths that see credentials: connect, queries, a failing
    query, a procedure, and a failing connect with one character of the secret changed."""
    conn = pyodbc.connect(connection_string)
    conn.cursor().execute("SELECT Key FROM Jira.Projects").fetchall()
    conn.cursor().execute("EXEC Jira.GetCurrentUser").fetchall()
    for bad in ["SELECT nope FROM Jira.Projects", "SELECT * FROM Jira.NoSuchTable", "UPDATE Jira.Projects SET Name = 'x'"]:
        try:
            conn.cursor().execute(bad).fetchall()
        except pyodbc.Error as e:
            diagnostics.append(str(e))
    conn.close()
    diagnostics.append(out_connection_string(connection_string))


def test_no_secret_in_logs_diagnostics_or_out_connection_strings(cloud, dc, tmp_path):
    log = tmp_path / "driver.log"
    verbose = {"Logfile": str(log), "Verbosity": "4"}
    diagnostics = []
    used = []
    proxy_password = "proxy-pass-never-logged"
    for name, sb, props, _, secrets in schemes(cloud, dc):
        # A proxy that is never used (every host is an exception), so its password is in play too.
        exercise(cs(sb, **props, **verbose, ProxyServer="127.0.0.1:9", ProxyUser="p", ProxyPassword=proxy_password, ProxyExceptions="127.0.0.1"), diagnostics)
        used += secrets
        bad = {k: (v[:-1] + ("x" if v[-1] != "x" else "y")) for k, v in props.items() if k in ("APIToken", "Password", "PersonalAccessToken")}
        if bad:
            used += list(bad.values())
            try:
                pyodbc.connect(cs(sb, **{**props, **bad}, **verbose)).cursor().execute("SELECT Key FROM Jira.Projects").fetchall()
            except pyodbc.Error as e:
                diagnostics.append(str(e))
    used.append(proxy_password)
    # OAuth: a browser sign-in, then the saved tokens, then the access token given as it is.
    settings = tmp_path / "oauth.json"
    oauth = {
        "AuthScheme": "OAuth",
        "OAuthClientId": cloud.info["oauth_client_id"],
        "OAuthClientSecret": cloud.info["oauth_client_secret"],
        "OAuthAuthorizationURL": cloud.info["authorize_url"],
        "OAuthAccessTokenURL": cloud.info["token_url"],
        "ApiGatewayURL": cloud.info["api_gateway_url"],
        "CallbackURL": f"http://127.0.0.1:{free_port()}/callback",
        **verbose,
    }
    exercise(cs(cloud, **oauth, InitiateOAuth="GETANDREFRESH", BrowserCommand=BROWSER, OAuthSettingsLocation=str(settings)), diagnostics)
    tokens = json.loads(settings.read_text())
    saved = [v for k, v in tokens.items() if "token" in k.lower() and isinstance(v, str) and len(v) > 8]
    assert saved, f"the settings file holds the tokens: {sorted(tokens)}"
    exercise(cs(cloud, **oauth, InitiateOAuth="REFRESH", OAuthSettingsLocation=str(settings)), diagnostics)
    access = next(v for k, v in json.loads(settings.read_text()).items() if "access" in k.lower())
    exercise(cs(cloud, **oauth, InitiateOAuth="OFF", OAuthAccessToken=access), diagnostics)
    rows = pyodbc.connect(cs(cloud, **oauth, InitiateOAuth="OFF", OAuthAccessToken=access)).cursor().execute("EXEC Jira.RefreshOAuthAccessToken ?", tokens.get("refresh_token") or "x").fetchall()
    refreshed = [v for v in (rows[0].OAuthAccessToken, rows[0].OAuthRefreshToken) if v]
    assert refreshed
    used += saved + [access, cloud.info["oauth_client_secret"]]
    text = log.read_text()
    assert "REST" in text and "connecting" in text, "the log is verbose"
    everything = text + "\n".join(diagnostics)
    for secret in used:
        assert secret not in everything, f"a secret appears: {secret[:4]}..."
    # The tokens the procedure returned are its result, not the log's.
    for secret in refreshed:
        assert secret not in text, [l[:300] for l in text.splitlines() if secret in l][:3]
    print(f"\nsecrets: {len(set(used))} checked against {len(text)} bytes of log and {len(diagnostics)} diagnostics and out-connection strings")
