use std::sync::Arc;
use std::time::Duration;

use atlassian_oauth::Authenticator;
use serde_json::Value;

use crate::catalog::Product;
use crate::{MapperError, SqlState};

/// Cloud or Data Center: which REST APIs a table uses, invisible to SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Cloud,
    DataCenter,
}

/// Where the products live for this connection.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// Base URL for Jira REST paths (`/rest/api/...`): the site, or the OAuth gateway's `/ex/jira/{cloudId}`.
    pub jira_base: String,
    /// Base URL for Confluence REST paths (`/wiki/...` on Cloud, `/rest/api/...` on Data Center).
    pub confluence_base: String,
    pub flavor: Flavor,
    pub timeout: Duration,
}

#[derive(Debug)]
pub struct AtlassianClient {
    http: reqwest::Client,
    site: SiteConfig,
    auth: Arc<dyn Authenticator>,
}

impl AtlassianClient {
    pub fn new(site: SiteConfig, auth: Arc<dyn Authenticator>) -> Result<AtlassianClient, MapperError> {
        let http = reqwest::Client::builder()
            .timeout(site.timeout)
            .gzip(true)
            .user_agent(concat!("atlassian-odbc/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| MapperError::new(SqlState::CannotConnect, format!("cannot create the HTTP client: {e}")))?;
        Ok(AtlassianClient { http, site, auth })
    }

    pub fn flavor(&self) -> Flavor {
        self.site.flavor
    }

    pub fn url(&self, product: Product, path_and_query: &str) -> String {
        let base = match product {
            Product::Jira => &self.site.jira_base,
            Product::Confluence => &self.site.confluence_base,
        };
        format!("{}{}", base.trim_end_matches('/'), path_and_query)
    }

    /// GET a JSON document. A 401 asks the authenticator once whether a retry can succeed.
    pub async fn get_json(&self, product: Product, path_and_query: &str) -> Result<Value, MapperError> {
        self.send_json(reqwest::Method::GET, product, path_and_query, None).await
    }

    pub async fn send_json(&self, method: reqwest::Method, product: Product, path_and_query: &str, body: Option<&Value>) -> Result<Value, MapperError> {
        let url = self.url(product, path_and_query);
        let mut retried = false;
        loop {
            let mut req = self.http.request(method.clone(), &url).header("Accept", "application/json");
            if let Some(h) = self.auth.authorization().await.map_err(auth_error)? {
                req = req.header("Authorization", h);
            }
            if let Some(b) = body {
                req = req.json(b);
            }
            let started = std::time::Instant::now();
            let resp = req.send().await.map_err(|e| transport_error(&url, e))?;
            let status = resp.status();
            tracing::debug!(method = %method, url = %url, status = status.as_u16(), ms = started.elapsed().as_millis() as u64, "REST");
            if status.as_u16() == 401 && !retried {
                retried = true;
                if self.auth.unauthorized().await.map_err(auth_error)? {
                    continue;
                }
            }
            let text = resp.text().await.map_err(|e| transport_error(&url, e))?;
            if status.is_success() {
                if text.trim().is_empty() {
                    return Ok(Value::Null);
                }
                return serde_json::from_str(&text)
                    .map_err(|e| MapperError::new(SqlState::LinkFailure, format!("{url} returned a response that is not valid JSON: {e}")));
            }
            return Err(status_error(status.as_u16(), &text));
        }
    }
}

fn auth_error(e: atlassian_oauth::AuthError) -> MapperError {
    let state = match e.sqlstate() {
        "28000" => SqlState::InvalidAuthorization,
        _ => SqlState::CannotConnect,
    };
    MapperError::new(state, e.to_string())
}

fn transport_error(url: &str, e: reqwest::Error) -> MapperError {
    // Never include the request itself: its headers carry credentials.
    let state = if e.is_timeout() { SqlState::Timeout } else { SqlState::LinkFailure };
    let host = reqwest::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let kind = if e.is_connect() { "cannot connect to" } else if e.is_timeout() { "timed out talking to" } else { "lost the connection to" };
    MapperError::new(state, format!("{kind} {host}: {}", std::error::Error::source(&e).map(|s| s.to_string()).unwrap_or_else(|| e.to_string())))
}

/// Atlassian's own message from any of its error shapes.
pub fn atlassian_message(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    let mut parts: Vec<String> = Vec::new();
    if let Some(msgs) = v.get("errorMessages").and_then(Value::as_array) {
        parts.extend(msgs.iter().filter_map(Value::as_str).map(str::to_string));
    }
    if let Some(errs) = v.get("errors") {
        match errs {
            Value::Object(m) => parts.extend(m.iter().map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or(&v.to_string())))),
            Value::Array(a) => parts.extend(a.iter().filter_map(|e| e.get("title").or_else(|| e.get("detail")).and_then(Value::as_str)).map(str::to_string)),
            _ => {}
        }
    }
    if parts.is_empty() {
        if let Some(m) = v.get("message").and_then(Value::as_str) {
            parts.push(m.to_string());
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn status_error(status: u16, body: &str) -> MapperError {
    let msg = atlassian_message(body).unwrap_or_else(|| format!("HTTP {status}"));
    let state = match status {
        401 => SqlState::InvalidAuthorization,
        403 => SqlState::SyntaxOrAccess,
        408 | 504 => SqlState::Timeout,
        429 | 502 | 503 => SqlState::LinkFailure,
        _ => SqlState::General,
    };
    MapperError::new(state, format!("Atlassian answered {status}: {msg}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_atlassian_messages_from_each_shape() {
        assert_eq!(atlassian_message(r#"{"errorMessages":["Bad JQL"],"errors":{}}"#).unwrap(), "Bad JQL");
        assert_eq!(atlassian_message(r#"{"errorMessages":[],"errors":{"summary":"required"}}"#).unwrap(), "summary: required");
        assert_eq!(atlassian_message(r#"{"errors":[{"status":400,"code":"INVALID","title":"Bad cursor","detail":null}]}"#).unwrap(), "Bad cursor");
        assert_eq!(atlassian_message(r#"{"statusCode":400,"message":"Could not parse cql"}"#).unwrap(), "Could not parse cql");
        assert!(atlassian_message("<html>").is_none());
        assert_eq!(status_error(401, "").state, SqlState::InvalidAuthorization);
    }
}
