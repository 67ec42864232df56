//! `Transport`: how every HTTP client of a connection reaches the site and the authorization
//! server: its timeout, the certificates it trusts besides the public roots (`SSLServerCert`),
//! and its proxy (`ProxyServer`...). One place, so the REST client, the site detection and
//! the OAuth token requests cannot disagree. Certificate verification is never turned off.

use std::time::Duration;

/// A proxy every request goes through.
#[derive(Clone, Default)]
pub struct ProxyConfig {
    /// `host`, `host:port` or a URL (`http://` or `https://`).
    pub server: String,
    pub port: Option<u16>,
    pub user: Option<String>,
    pub password: Option<String>,
    /// Hosts reached directly, separated by `;` or `,` (NO_PROXY syntax: `example.com`, `.corp`, `10.0.0.0/8`).
    pub exceptions: Option<String>,
}

impl std::fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyConfig").field("server", &self.server).field("port", &self.port).field("user", &self.user).finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct Transport {
    pub timeout: Duration,
    /// PEM text of certificates to trust in addition to the public roots (a self-signed
    /// server certificate, or a company CA).
    pub trusted_pem: Option<String>,
    pub proxy: Option<ProxyConfig>,
    /// Whether, with no `proxy`, the environment's `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` apply.
    pub proxy_from_environment: bool,
}

impl Default for Transport {
    fn default() -> Transport {
        Transport { timeout: Duration::from_secs(60), trusted_pem: None, proxy: None, proxy_from_environment: true }
    }
}

/// `SSLServerCert`'s value: PEM text, or the path of a PEM file. `*` (other drivers' "trust
/// anything") is refused: it would turn verification off.
pub fn trusted_pem_of(value: &str) -> Result<String, String> {
    let v = value.trim();
    if v == "*" {
        return Err(
            "SSLServerCert=* would accept any certificate, which this driver never does: give the server's certificate or its CA as a PEM file (or PEM text)"
                .into(),
        );
    }
    let pem =
        if v.starts_with("-----BEGIN") { v.to_string() } else { std::fs::read_to_string(v).map_err(|e| format!("SSLServerCert '{v}' cannot be read: {e}"))? };
    // Parsed here so a bad file is named at connect, not as a handshake failure later.
    let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes()).map_err(|e| format!("SSLServerCert '{v}' holds no usable PEM certificate: {e}"))?;
    if certs.is_empty() {
        return Err(format!("SSLServerCert '{v}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)"));
    }
    Ok(pem)
}

impl Transport {
    /// A client builder with this transport's timeout, trust and proxy; the caller adds its own
    /// settings (redirect policy, compression, user agent).
    pub fn builder(&self) -> Result<reqwest::ClientBuilder, String> {
        let mut b = reqwest::Client::builder().timeout(self.timeout).connect_timeout(self.timeout.min(Duration::from_secs(30)));
        if let Some(pem) = &self.trusted_pem {
            for cert in reqwest::Certificate::from_pem_bundle(pem.as_bytes()).map_err(|e| format!("SSLServerCert: {e}"))? {
                b = b.add_root_certificate(cert);
            }
        }
        match &self.proxy {
            Some(p) => b = b.proxy(proxy(p)?),
            None if !self.proxy_from_environment => b = b.no_proxy(),
            None => {}
        }
        Ok(b)
    }
}

fn proxy(p: &ProxyConfig) -> Result<reqwest::Proxy, String> {
    let server = p.server.trim();
    let mut url = if server.contains("://") { server.to_string() } else { format!("http://{server}") };
    if let Some(port) = p.port {
        let parsed = reqwest::Url::parse(&url).map_err(|e| format!("ProxyServer '{server}' is not a host or URL: {e}"))?;
        if parsed.port().is_none() {
            url = format!("{}://{}:{port}", parsed.scheme(), parsed.host_str().unwrap_or_default());
        }
    }
    let mut proxy = reqwest::Proxy::all(&url).map_err(|e| format!("ProxyServer '{server}' is not a host or URL: {e}"))?;
    if let Some(user) = p.user.as_ref().filter(|u| !u.is_empty()) {
        proxy = proxy.basic_auth(user, p.password.as_deref().unwrap_or(""));
    }
    if let Some(ex) = p.exceptions.as_ref().filter(|e| !e.trim().is_empty()) {
        proxy = proxy.no_proxy(reqwest::NoProxy::from_string(&ex.replace(';', ",")));
    }
    Ok(proxy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_anything_is_refused_and_bad_files_are_named() {
        assert!(trusted_pem_of("*").unwrap_err().contains("never"));
        assert!(trusted_pem_of("/no/such/file.pem").unwrap_err().contains("cannot be read"));
        let dir = std::env::temp_dir().join(format!("transport-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("not.pem");
        std::fs::write(&f, "hello").unwrap();
        assert!(trusted_pem_of(f.to_str().unwrap()).unwrap_err().contains("no"));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn proxies_take_hosts_ports_urls_and_exceptions() {
        let t = |server: &str, port| Transport {
            proxy: Some(ProxyConfig {
                server: server.into(),
                port,
                user: Some("u".into()),
                password: Some("p".into()),
                exceptions: Some("localhost;.corp".into()),
            }),
            ..Transport::default()
        };
        assert!(t("proxy.corp", Some(3128)).builder().is_ok());
        assert!(t("http://proxy.corp:8080", None).builder().is_ok());
        assert!(t("http://[bad", None).builder().is_err());
    }
}
