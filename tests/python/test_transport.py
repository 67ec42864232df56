"""How the driver reaches a site: TLS trust (`SSLServerCert`; a self-signed certificate is refused
until it is given, and nothing turns verification off) and proxies (`ProxyServer`, `ProxyPort`,
`ProxyUser`/`ProxyPassword`, `ProxyExceptions`, `ProxyAutoDetect`), through pyodbc and unixODBC
against the sandbox and a small authenticating forward proxy run here."""

import base64
import http.client
import http.server
import os
import threading
import urllib.parse

import pyodbc
import pytest

from conftest import Sandbox


def sqlstate(e):
    return e.value.args[0]


def projects(conn):
    return conn.cursor().execute("SELECT Key FROM Jira.Projects").fetchall()


@pytest.fixture(scope="module")
def https_site(tmp_path_factory):
    sb = Sandbox("--tls-self-signed", str(tmp_path_factory.mktemp("tls")))
    yield sb
    sb.stop()


def test_self_signed_site_is_refused_until_its_certificate_is_trusted(https_site, tmp_path):
    assert https_site.url.startswith("https://")
    cert = https_site.info["tls_cert"]
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(https_site.connection_string(Deployment="Cloud")).cursor().execute("SELECT Key FROM Jira.Projects").fetchall()
    assert sqlstate(e) in ("08001", "08S01") and "SSLServerCert" in str(e.value) and "certificate" in str(e.value), str(e.value)
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(https_site.connection_string())
    assert sqlstate(e) == "08001" and "SSLServerCert" in str(e.value)
    # Trusted as a file, and as PEM text in the connection string.
    assert projects(pyodbc.connect(https_site.connection_string(SSLServerCert=cert)))
    pem = open(cert).read()
    assert projects(pyodbc.connect(https_site.connection_string(SSLServerCert="{" + pem + "}")))
    # Nothing turns verification off, and a file that is not a certificate is named.
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(https_site.connection_string(SSLServerCert="*"))
    assert sqlstate(e) == "08001" and "never" in str(e.value)
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(https_site.connection_string(SSLServerCert=str(junk)))
    assert sqlstate(e) == "08001" and "junk.pem" in str(e.value)
    # Another site's certificate does not vouch for this one.
    other = Sandbox("--tls-self-signed", str(tmp_path / "other"))
    try:
        with pytest.raises(pyodbc.Error) as e:
            pyodbc.connect(https_site.connection_string(SSLServerCert=other.info["tls_cert"]))
        assert sqlstate(e) == "08001" and "certificate" in str(e.value)
    finally:
        other.stop()


class ForwardProxy:
    """An HTTP forward proxy on loopback that asks for Basic credentials and counts what it
    forwards (absolute-form requests, as clients send plain-http requests to a proxy)."""

    def __init__(self, user="proxyuser", password="proxy-secret-pw"):
        self.expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.forwarded = []
        self.refused = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_any(self):
                if self.headers.get("Proxy-Authorization") != outer.expected:
                    outer.refused += 1
                    self.send_response(407)
                    self.send_header("Proxy-Authenticate", 'Basic realm="test"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                target = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-authorization", "proxy-connection", "connection", "host")}
                upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                path = target.path + ("?" + target.query if target.query else "")
                upstream.request(self.command, path, body=body, headers=headers)
                resp = upstream.getresponse()
                data = resp.read()
                outer.forwarded.append(f"{self.command} {path}")
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                upstream.close()

            do_GET = do_POST = do_PUT = do_DELETE = handle_any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy():
    p = ForwardProxy()
    yield p
    p.stop()


def test_requests_go_through_an_authenticating_proxy(sandbox, proxy):
    conn = pyodbc.connect(sandbox.connection_string(ProxyServer="127.0.0.1", ProxyPort=proxy.port, ProxyUser="proxyuser", ProxyPassword="proxy-secret-pw"))
    assert projects(conn)
    assert any("/rest/api/3/project" in r for r in proxy.forwarded), proxy.forwarded
    assert any("/serverInfo" in r for r in proxy.forwarded), "site detection went through the proxy too"
    before = len(proxy.forwarded)
    conn.cursor().execute("SELECT Key FROM Jira.Issues WHERE ProjectKey = 'ENG'").fetchall()
    assert len(proxy.forwarded) > before
    # A URL with its port works as well.
    assert projects(pyodbc.connect(sandbox.connection_string(ProxyServer=f"http://127.0.0.1:{proxy.port}", ProxyUser="proxyuser", ProxyPassword="proxy-secret-pw")))


def test_proxy_refusal_exceptions_and_environment(sandbox, proxy):
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(sandbox.connection_string(ProxyServer="127.0.0.1", ProxyPort=proxy.port, ProxyUser="proxyuser", ProxyPassword="wrong"))
    assert sqlstate(e) == "08001" and "ProxyPassword" in str(e.value) and "wrong" not in str(e.value)
    assert proxy.refused >= 1
    # Hosts in ProxyExceptions are reached directly.
    before = len(proxy.forwarded)
    assert projects(pyodbc.connect(sandbox.connection_string(ProxyServer="127.0.0.1", ProxyPort=proxy.port, ProxyUser="proxyuser", ProxyPassword="proxy-secret-pw", ProxyExceptions="{localhost;127.0.0.1}")))
    assert len(proxy.forwarded) == before
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(sandbox.connection_string(ProxyPort="3128"))
    assert sqlstate(e) == "08001" and "ProxyServer" in str(e.value)
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(sandbox.connection_string(ProxyServer="127.0.0.1", ProxyPort="99999"))
    assert sqlstate(e) == "08001" and "ProxyPort" in str(e.value)
    # The environment's proxy applies unless ProxyAutoDetect=false.
    saved = {k: os.environ.get(k) for k in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy")}
    try:
        for k in saved:
            os.environ.pop(k, None)
        os.environ["HTTP_PROXY"] = f"http://proxyuser:proxy-secret-pw@127.0.0.1:{proxy.port}"
        before = len(proxy.forwarded)
        assert projects(pyodbc.connect(sandbox.connection_string()))
        assert len(proxy.forwarded) > before, "HTTP_PROXY was used"
        before = len(proxy.forwarded)
        assert projects(pyodbc.connect(sandbox.connection_string(ProxyAutoDetect="false")))
        assert len(proxy.forwarded) == before, "ProxyAutoDetect=false connects directly"
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None)
            if v is not None:
                os.environ[k] = v
