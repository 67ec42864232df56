//! Binding, the router and the start-up line.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::middleware::from_fn_with_state;
use axum::Router;
use serde_json::json;

use crate::state::Sandbox;

/// The full application: API routes behind auth and the fault/latency/stats middleware,
/// the gateway behind OAuth, and the control API bare.
pub fn app(sb: Arc<Sandbox>) -> Router {
    let served = crate::routes::Served::new(&sb.config);
    let site_api = served.site.into_router().layer(from_fn_with_state(sb.clone(), crate::auth::site_auth));
    let gateway = served.gateway.into_router().layer(from_fn_with_state(sb.clone(), crate::auth::gateway_auth));
    let api = site_api
        .merge(gateway)
        .merge(served.oauth.into_router())
        .layer(from_fn_with_state(sb.clone(), crate::faults::api_middleware))
        // Page bodies and attachments as large as Atlassian's own limits (100 MB), not axum's 2 MB.
        .layer(axum::extract::DefaultBodyLimit::max(100 << 20));
    api.merge(served.control.into_router()).fallback(unknown_route).with_state(sb)
}

/// Paths no product serves: a 404 in the error shape of the API family the path belongs to.
async fn unknown_route(uri: axum::http::Uri) -> crate::errors::ApiError {
    let family = crate::errors::Family::of_path(uri.path());
    crate::errors::ApiError::new(family, axum::http::StatusCode::NOT_FOUND, format!("No resource found for {}", uri.path()))
}

/// The one JSON line tests, benchmarks and the demo read to find the sandbox and its credentials.
pub fn startup_line(sb: &Sandbox, addr: SocketAddr) -> String {
    let scheme = if sb.config.tls_cert.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{addr}");
    let c = &sb.config;
    json!({
        "url": url,
        "flavor": c.flavor,
        "cloud_id": c.cloud_id,
        "user": c.user,
        "api_token": c.api_token,
        "pat": c.pat,
        "admin_user": c.admin_user,
        "admin_api_token": c.admin_api_token,
        "org_id": c.org_id,
        "org_api_key": c.org_api_key,
        "oauth_client_id": c.oauth_client_id,
        "oauth_client_secret": c.oauth_client_secret,
        "authorize_url": format!("{url}/authorize"),
        "token_url": format!("{url}/oauth/token"),
        "api_gateway_url": url,
        "tls_cert": c.tls_cert,
        "oauth1": oauth1_consumer(sb),
    })
    .to_string()
}

/// Data Center's first seeded OAuth 1.0a consumer, as the tests play it: its key, its user's
/// access token and its private RSA key (n, d in hex; e = 65537).
fn oauth1_consumer(sb: &Sandbox) -> serde_json::Value {
    if sb.config.flavor != crate::config::Flavor::Datacenter {
        return serde_json::Value::Null;
    }
    let (name, key, _) = crate::credentials::CONSUMERS[0];
    let token = sb.credentials.read().consumer_tokens.iter().find(|t| t.consumer == name).map(|t| t.token.clone());
    json!({"consumer": name, "consumer_key": key, "token": token, "rsa_n": crate::oauth1::KEY_N, "rsa_d": crate::oauth1::KEY_D})
}

/// Binds, prints the start-up line, and serves until the process is stopped.
pub async fn run(sb: Arc<Sandbox>) -> Result<(), String> {
    let listen = sb.config.listen;
    if !listen.ip().is_loopback() {
        return Err(format!("refusing to listen on {listen}: the sandbox binds loopback addresses only"));
    }
    let listener = std::net::TcpListener::bind(listen).map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let app = app(sb.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let line = startup_line(&sb, addr);
    match (&sb.config.tls_cert, &sb.config.tls_key) {
        (Some(cert), Some(key)) => {
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key).await.map_err(|e| format!("cannot load TLS certificate/key: {e}"))?;
            let server = axum_server::from_tcp_rustls(listener, tls).map_err(|e| e.to_string())?;
            println!("{line}");
            server.serve(app).await.map_err(|e| e.to_string())
        }
        _ => {
            let server = axum_server::from_tcp(listener).map_err(|e| e.to_string())?;
            println!("{line}");
            server.serve(app).await.map_err(|e| e.to_string())
        }
    }
}
