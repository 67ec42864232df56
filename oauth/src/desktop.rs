//! The desktop sign-in: the system browser (or `BrowserCommand`) opens the authorization URL,
//! and a listener on the `CallbackURL`'s loopback port receives Atlassian's redirect with the
//! code (or the error), checks `state`, and answers the browser with a page saying what happened.

use std::time::{Duration, Instant};

use crate::AuthError;

/// A listener bound before the browser opens, so the redirect cannot come too early.
pub struct CallbackListener {
    server: tiny_http::Server,
    path: String,
    url: String,
}

impl CallbackListener {
    /// Binds the callback URL's port on the loopback interface. Only `http://localhost`,
    /// `127.0.0.1` or `[::1]` callbacks can be received here.
    pub fn bind(callback_url: &str) -> Result<CallbackListener, AuthError> {
        let url = reqwest::Url::parse(callback_url).map_err(|e| AuthError::Configuration(format!("CallbackURL '{callback_url}' is not a URL: {e}")))?;
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        if url.scheme() != "http" || !matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]" | "::1") {
            return Err(AuthError::Configuration(format!(
                "CallbackURL '{callback_url}' is not a loopback http:// address, so this machine cannot receive the sign-in: use http://localhost:PORT, or give OAuthVerifier (a code obtained elsewhere)"
            )));
        }
        let port = url.port().unwrap_or(80);
        let addr = if host.contains(':') { format!("[::1]:{port}") } else { format!("127.0.0.1:{port}") };
        let server = tiny_http::Server::http(&addr).map_err(|e| {
            AuthError::Configuration(format!("Cannot listen for the OAuth callback on {addr} ({e}): another program uses port {port}; close it or choose another CallbackURL (registered for your app)"))
        })?;
        Ok(CallbackListener { server, path: url.path().to_string(), url: callback_url.to_string() })
    }

    /// Waits for the browser to come back; returns the code once `state` matches. Callbacks
    /// with another state (forged, or a stale tab) are answered 400 and ignored: they can
    /// neither sign the user in nor end the sign-in. The listener closes when this returns.
    pub fn wait_for_code(&self, state: &str, timeout: Duration) -> Result<String, AuthError> {
        let deadline = Instant::now() + timeout;
        let mut ignored = 0;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let forged = if ignored > 0 {
                    format!(" ({ignored} callback(s) carrying another state than the one sent were ignored: forged or stale)")
                } else {
                    String::new()
                };
                return Err(AuthError::Rejected(format!(
                    "The browser did not come back to {} within {} s{forged}: sign in again, or give OAuthVerifier (the code from the callback URL)",
                    self.url,
                    timeout.as_secs()
                )));
            }
            let Ok(Some(req)) = self.server.recv_timeout(left.min(Duration::from_millis(500))) else { continue };
            let target = format!("http://localhost{}", req.url());
            let Ok(parsed) = reqwest::Url::parse(&target) else {
                let _ = req.respond(tiny_http::Response::from_string("Bad request").with_status_code(400));
                continue;
            };
            if parsed.path().trim_end_matches('/') != self.path.trim_end_matches('/') {
                let _ = req.respond(tiny_http::Response::from_string("Not found").with_status_code(404));
                continue;
            }
            let q: std::collections::HashMap<String, String> = parsed.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
            if q.get("state").map(String::as_str) != Some(state) {
                ignored += 1;
                let _ = req.respond(
                    tiny_http::Response::from_string("This sign-in answer carries another state than the one this sign-in sent: it was ignored.")
                        .with_status_code(400),
                );
                continue;
            }
            let outcome = match (q.get("error"), q.get("code")) {
                (Some(err), _) => Err(AuthError::Rejected(format!(
                    "The sign-in was refused ({err}: {})",
                    q.get("error_description").map(String::as_str).unwrap_or("no reason given")
                ))),
                (None, Some(code)) if !code.is_empty() => Ok(code.clone()),
                _ => Err(AuthError::Rejected("The callback carried no authorization code".into())),
            };
            let (status, text) = match &outcome {
                Ok(_) => (200, "Signed in. The Atlassian ODBC driver has its token: you can close this window.".to_string()),
                Err(e) => (400, format!("The sign-in did not complete: {e}")),
            };
            let page = format!(
                "<!doctype html><html><head><meta charset=\"utf-8\"><title>Atlassian ODBC</title></head><body><p id=\"result\">{}</p></body></html>",
                html_text(&text)
            );
            let header = tiny_http::Header::from_bytes(&b"Content-Type"[..], &b"text/html; charset=utf-8"[..]).expect("a valid header");
            let _ = req.respond(tiny_http::Response::from_string(page).with_status_code(status).with_header(header));
            return outcome;
        }
    }
}

fn html_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Opens `url` in a browser: `BrowserCommand` (the URL is passed as its last argument, never
/// through a shell's parsing), or the system's opener.
pub fn open_browser(url: &str, command: Option<&str>) -> Result<(), AuthError> {
    let mut cmd = match command.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => {
            // `sh -c 'CMD "$0"' URL`: the command line is the user's, the URL only an argument.
            let mut p = std::process::Command::new("sh");
            p.arg("-c").arg(format!("{c} \"$0\"")).arg(url);
            p
        }
        None if cfg!(target_os = "macos") => {
            let mut p = std::process::Command::new("open");
            p.arg(url);
            p
        }
        None if cfg!(windows) => {
            let mut p = std::process::Command::new("rundll32");
            p.arg("url.dll,FileProtocolHandler").arg(url);
            p
        }
        None => {
            let mut p = std::process::Command::new("xdg-open");
            p.arg(url);
            p
        }
    };
    cmd.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().map_err(|e| {
        AuthError::Configuration(format!("Cannot open a browser ({e}): set BrowserCommand, or open the sign-in URL yourself and give OAuthVerifier"))
    })?;
    // Reaped in the background: a browser may run long after the sign-in.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn get(port: u16, path: &str) -> std::io::Result<String> {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
        write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
        let mut out = String::new();
        s.read_to_string(&mut out)?;
        Ok(out)
    }

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    }

    #[test]
    fn one_callback_with_the_right_state_others_ignored_then_closed() {
        let port = free_port();
        let l = CallbackListener::bind(&format!("http://localhost:{port}/cb")).unwrap();
        let knock = std::thread::spawn(move || {
            let forged = get(port, "/cb?code=evil&state=other").unwrap();
            let error_forged = get(port, "/cb?error=access_denied&state=other").unwrap();
            let elsewhere = get(port, "/favicon.ico").unwrap();
            let real = get(port, "/cb?code=good&state=s1").unwrap();
            (forged, error_forged, elsewhere, real)
        });
        assert_eq!(l.wait_for_code("s1", Duration::from_secs(10)).unwrap(), "good");
        let (forged, error_forged, elsewhere, real) = knock.join().unwrap();
        assert!(forged.starts_with("HTTP/1.1 400") && error_forged.starts_with("HTTP/1.1 400"), "{forged}");
        assert!(elsewhere.starts_with("HTTP/1.1 404"), "{elsewhere}");
        assert!(real.starts_with("HTTP/1.1 200"), "{real}");
        drop(l);
        assert!(get(port, "/cb?code=late&state=s1").is_err(), "closed after success");
    }

    #[test]
    fn a_timeout_says_how_many_forged_callbacks_were_ignored_and_closes() {
        let port = free_port();
        let l = CallbackListener::bind(&format!("http://127.0.0.1:{port}/cb")).unwrap();
        let knock = std::thread::spawn(move || get(port, "/cb?code=evil&state=forged").unwrap());
        let e = l.wait_for_code("s1", Duration::from_secs(2)).unwrap_err().to_string();
        assert!(knock.join().unwrap().starts_with("HTTP/1.1 400"));
        assert!(e.contains("within 2 s") && e.contains("1 callback(s)"), "{e}");
        drop(l);
        assert!(get(port, "/cb").is_err());
    }

    #[test]
    fn only_loopback_callbacks_are_listened_for() {
        for url in ["http://example.com:33333/cb", "https://localhost:33333/cb", "http://0.0.0.0:33333/cb", "http://10.1.2.3:33333/"] {
            assert!(CallbackListener::bind(url).is_err(), "{url}");
        }
        let port = free_port();
        let l = CallbackListener::bind(&format!("http://localhost:{port}/cb")).unwrap();
        // Bound to the loopback address itself, not to every interface.
        let addr = l.server.server_addr().to_ip().expect("an IP listener");
        assert!(addr.ip().is_loopback(), "{addr}");
    }
}
