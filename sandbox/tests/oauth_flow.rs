//! The OAuth 2.0 (3LO) authorization server against the real binary: sign-in, consent, code
//! exchange, rotating refresh tokens, expiry, revocation (REST and the token page), errors.

mod support;

use reqwest::blocking::Response;
use reqwest::Url;
use serde_json::{json, Value};
use support::SandboxProc;

const CALLBACK: &str = "http://127.0.0.1:45678/callback";
const ALL_READ: &str = "read:jira-work read:jira-user read:confluence-content.all offline_access";

/// A browser without JavaScript: follows nothing by itself, keeps the session cookie.
struct Browser<'a> {
    sp: &'a SandboxProc,
    cookie: Option<String>,
}

impl<'a> Browser<'a> {
    fn new(sp: &'a SandboxProc) -> Browser<'a> {
        Browser { sp, cookie: None }
    }

    fn absolute(&self, path_or_url: &str) -> String {
        if path_or_url.starts_with("http") {
            path_or_url.to_string()
        } else {
            self.sp.url(path_or_url)
        }
    }

    fn keep_cookie(&mut self, resp: &Response) {
        for v in resp.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            if let Some(rest) = v.strip_prefix("cloud.session.token=") {
                let value = rest.split(';').next().unwrap_or("").to_string();
                self.cookie = if value.is_empty() { None } else { Some(value) };
            }
        }
    }

    fn get(&mut self, path_or_url: &str) -> Response {
        let mut req = self.sp.http.get(self.absolute(path_or_url));
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", format!("cloud.session.token={c}"));
        }
        let resp = req.send().expect("GET");
        self.keep_cookie(&resp);
        resp
    }

    fn get_basic(&mut self, path_or_url: &str, user: &str, secret: &str) -> Response {
        let resp = self.sp.http.get(self.absolute(path_or_url)).basic_auth(user, Some(secret)).send().expect("GET");
        self.keep_cookie(&resp);
        resp
    }

    fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> Response {
        let mut req = self.sp.http.post(self.absolute(path)).form(form);
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", format!("cloud.session.token={c}"));
        }
        let resp = req.send().expect("POST");
        self.keep_cookie(&resp);
        resp
    }

    /// Signs in through the login form the sandbox redirects to.
    fn sign_in_via_form(&mut self, login_location: &str) -> String {
        let resp = self.get(login_location);
        assert_eq!(resp.status().as_u16(), 200);
        let html = resp.text().unwrap();
        assert!(html.contains("name=\"password\"") && html.contains("<form method=\"post\" action=\"/login\""), "{html}");
        let cont = hidden(&html, "continue");
        let (user, token) = (self.sp.info.user.clone(), self.sp.info.api_token.clone());
        let resp = self.post_form("/login", &[("username", &user), ("password", &token), ("continue", &cont)]);
        assert_eq!(resp.status().as_u16(), 303);
        assert!(self.cookie.is_some(), "signing in sets the session cookie");
        location(&resp)
    }
}

fn location(resp: &Response) -> String {
    resp.headers().get("location").unwrap_or_else(|| panic!("no Location on {}", resp.status())).to_str().unwrap().to_string()
}

/// The value of a hidden form field.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no field {name} in {html}")) + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].replace("&amp;", "&")
}

fn authorize_path(sp: &SandboxProc, scope: &str, redirect_uri: &str, state: &str, response_type: &str) -> String {
    let q = Url::parse_with_params(
        "http://x/authorize",
        &[
            ("audience", "api.atlassian.com"),
            ("client_id", sp.info.oauth_client_id.as_str()),
            ("scope", scope),
            ("redirect_uri", redirect_uri),
            ("state", state),
            ("response_type", response_type),
            ("prompt", "consent"),
        ],
    )
    .unwrap();
    format!("/authorize?{}", q.query().unwrap())
}

fn query_of(url: &str) -> Vec<(String, String)> {
    Url::parse(url).unwrap().query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// Consent page for a signed-in browser, then the decision: returns the callback URL.
fn decide(b: &mut Browser, authorize: &str, decision: &str) -> String {
    let resp = b.get(authorize);
    assert_eq!(resp.status().as_u16(), 200, "consent page");
    let html = resp.text().unwrap();
    let rid = hidden(&html, "request_id");
    let resp = b.post_form("/authorize/consent", &[("request_id", &rid), ("decision", decision)]);
    assert_eq!(resp.status().as_u16(), 303);
    location(&resp)
}

/// Signs in (form), approves, and returns the authorization code.
fn authorize_code(sp: &SandboxProc, b: &mut Browser, scope: &str) -> String {
    let path = authorize_path(sp, scope, CALLBACK, "st", "code");
    if b.cookie.is_none() {
        let resp = b.get(&path);
        assert_eq!(resp.status().as_u16(), 302);
        b.sign_in_via_form(&location(&resp));
    }
    let cb = decide(b, &path, "approve");
    param(&query_of(&cb), "code").expect("code")
}

fn token_request(sp: &SandboxProc, body: &Value) -> (u16, Value) {
    let resp = sp.http.post(&sp.info.token_url).json(body).send().unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

fn exchange(sp: &SandboxProc, code: &str) -> (u16, Value) {
    token_request(
        sp,
        &json!({"grant_type": "authorization_code", "client_id": sp.info.oauth_client_id, "client_secret": sp.info.oauth_client_secret,
                "code": code, "redirect_uri": CALLBACK}),
    )
}

fn refresh(sp: &SandboxProc, refresh_token: &str) -> (u16, Value) {
    token_request(
        sp,
        &json!({"grant_type": "refresh_token", "client_id": sp.info.oauth_client_id, "client_secret": sp.info.oauth_client_secret,
                "refresh_token": refresh_token}),
    )
}

fn s(v: &Value, k: &str) -> String {
    v[k].as_str().unwrap_or_else(|| panic!("no {k} in {v}")).to_string()
}

/// The gateway's answer for a GET with this token: 401 means the token was refused.
fn gateway_get(sp: &SandboxProc, token: &str) -> u16 {
    let url = sp.url(&format!("/ex/jira/{}/rest/api/3/myself", sp.info.cloud_id));
    sp.http.get(url).bearer_auth(token).send().unwrap().status().as_u16()
}

fn resources(sp: &SandboxProc, token: &str) -> (u16, Value) {
    let resp = sp.http.get(sp.url("/oauth/token/accessible-resources")).bearer_auth(token).send().unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

fn assert_invalid_grant(r: (u16, Value)) {
    assert_eq!(r.0, 403, "{}", r.1);
    assert_eq!(r.1["error"], "invalid_grant", "{}", r.1);
    assert!(r.1["error_description"].is_string());
}

#[test]
fn sign_in_consent_exchange_refresh_rotation_and_reuse_revocation() {
    let sp = SandboxProc::start(&[]);
    let mut b = Browser::new(&sp);
    let path = authorize_path(&sp, ALL_READ, CALLBACK, "xyz-123", "code");

    // Not signed in: the sign-in form first.
    let resp = b.get(&path);
    assert_eq!(resp.status().as_u16(), 302);
    let login = location(&resp);
    assert!(login.starts_with("/login?continue="), "{login}");
    let back = b.sign_in_via_form(&login);
    assert!(back.starts_with("/authorize?"), "{back}");

    // The consent page names the app and the scopes, with real Approve/Deny buttons.
    let resp = b.get(&back);
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = resp.text().unwrap();
    for needle in [
        "Atlassian ODBC Driver",
        "SQL access to Confluence and Jira through ODBC",
        "View Jira issue data",
        "View user profiles",
        "Read all content, including content body",
        "Maintain access to data you have given it access to",
        "<form method=\"post\" action=\"/authorize/consent\"",
        ">Approve</button>",
        ">Deny</button>",
    ] {
        assert!(html.contains(needle), "consent page lacks {needle:?}: {html}");
    }
    let rid = hidden(&html, "request_id");

    // Someone else's session cannot answer it (CSRF): an error page, no redirect.
    let mut other = Browser::new(&sp);
    let r = other.get_basic("/manage-profile/apps", &sp.info.admin_user, &sp.info.admin_api_token);
    assert_eq!(r.status().as_u16(), 200);
    let r = other.post_form("/authorize/consent", &[("request_id", &rid), ("decision", "approve")]);
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.headers().get("location").is_none());

    let resp = b.post_form("/authorize/consent", &[("request_id", &rid), ("decision", "approve")]);
    assert_eq!(resp.status().as_u16(), 303);
    let cb = location(&resp);
    assert!(cb.starts_with(CALLBACK), "{cb}");
    let q = query_of(&cb);
    assert_eq!(param(&q, "state").as_deref(), Some("xyz-123"));
    let code = param(&q, "code").expect("code");

    // The request id is one-time.
    let replay = b.post_form("/authorize/consent", &[("request_id", &rid), ("decision", "approve")]);
    assert_eq!(replay.status().as_u16(), 403);
    assert!(replay.headers().get("location").is_none());

    let (st, t1) = exchange(&sp, &code);
    assert_eq!(st, 200, "{t1}");
    assert_eq!(t1["token_type"], "Bearer");
    assert_eq!(t1["expires_in"], 3600);
    let scope = s(&t1, "scope");
    for sc in ALL_READ.split(' ') {
        assert!(scope.split(' ').any(|x| x == sc), "{scope}");
    }
    let (a1, r1) = (s(&t1, "access_token"), s(&t1, "refresh_token"));
    assert_eq!(a1.split('.').count(), 3, "access tokens are JWT-shaped");

    // accessible-resources and the gateway accept it; a wrong token is refused.
    let (st, res) = resources(&sp, &a1);
    assert_eq!(st, 200, "{res}");
    let res = res.as_array().unwrap();
    assert_eq!(res.len(), 1);
    assert_eq!(res[0]["id"], sp.info.cloud_id.as_str());
    assert_eq!(res[0]["url"], sp.info.url.as_str());
    assert!(res[0]["name"].is_string() && res[0]["avatarUrl"].is_string());
    let rs: Vec<&str> = res[0]["scopes"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(rs.contains(&"read:jira-work") && !rs.contains(&"offline_access"), "{rs:?}");
    assert_eq!(resources(&sp, "not-a-token").0, 401);
    assert_ne!(gateway_get(&sp, &a1), 401, "a valid token gets past the gateway's auth");
    assert_eq!(gateway_get(&sp, "not-a-token"), 401);

    // Refresh rotates (form body this time).
    let resp = sp
        .http
        .post(&sp.info.token_url)
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", &sp.info.oauth_client_id),
            ("client_secret", &sp.info.oauth_client_secret),
            ("refresh_token", &r1),
        ])
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let t2: Value = resp.json().unwrap();
    let (a2, r2) = (s(&t2, "access_token"), s(&t2, "refresh_token"));
    assert_ne!(r2, r1, "a new refresh token each time");
    assert_ne!(a2, a1);
    assert_ne!(gateway_get(&sp, &a2), 401);

    // Within the reuse interval the old refresh token still gives a valid pair.
    let (st, t3) = refresh(&sp, &r1);
    assert_eq!(st, 200, "{t3}");
    let (a3, r3) = (s(&t3, "access_token"), s(&t3, "refresh_token"));
    assert_ne!(gateway_get(&sp, &a3), 401);
    assert_ne!(gateway_get(&sp, &a1), 401, "the companion access token lives until the interval ends");

    // Past the interval: the companion access token is gone, and reuse revokes the whole grant.
    sp.advance_clock(11);
    assert_eq!(gateway_get(&sp, &a1), 401);
    assert_ne!(gateway_get(&sp, &a3), 401);
    assert_invalid_grant(refresh(&sp, &r1));
    for a in [&a2, &a3] {
        assert_eq!(gateway_get(&sp, a), 401, "every token of the grant dies with it");
        assert_eq!(resources(&sp, a).0, 401);
    }
    assert_invalid_grant(refresh(&sp, &r2));
    assert_invalid_grant(refresh(&sp, &r3));
}

#[test]
fn expiry_refresh_and_revocation_on_the_connected_apps_screen() {
    let sp = SandboxProc::start(&[]);
    let mut b = Browser::new(&sp);
    // Basic auth on /authorize signs the browser in directly.
    let path = authorize_path(&sp, ALL_READ, CALLBACK, "s1", "code");
    let resp = b.get_basic(&path, &sp.info.user, &sp.info.api_token);
    assert_eq!(resp.status().as_u16(), 200);
    assert!(b.cookie.is_some(), "Basic auth starts a session");
    let rid = hidden(&resp.text().unwrap(), "request_id");
    let resp = b.post_form("/authorize/consent", &[("request_id", &rid), ("decision", "approve")]);
    let code = param(&query_of(&location(&resp)), "code").unwrap();
    let (st, t1) = exchange(&sp, &code);
    assert_eq!(st, 200);
    let (a1, r1) = (s(&t1, "access_token"), s(&t1, "refresh_token"));

    // Expiry: the access token is refused after an hour, the refresh token still works.
    sp.advance_clock(3601);
    assert_eq!(gateway_get(&sp, &a1), 401);
    assert_eq!(resources(&sp, &a1).0, 401);
    let (st, t2) = refresh(&sp, &r1);
    assert_eq!(st, 200, "{t2}");
    let (a2, r2) = (s(&t2, "access_token"), s(&t2, "refresh_token"));
    assert_ne!(gateway_get(&sp, &a2), 401);

    // The user's connected apps screen lists it (read-only: Cloud's removal goes through
    // Atlassian's own front end, which the control API stands for).
    let resp = b.get("/manage-profile/apps");
    assert_eq!(resp.status().as_u16(), 200);
    let html = resp.text().unwrap();
    for needle in ["Connected apps", "Atlassian ODBC Driver", "read:jira-work"] {
        assert!(html.contains(needle), "{needle:?} missing: {html}");
    }
    let list = sp.get_json("/__sandbox/grants", 200);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["clientId"], sp.info.oauth_client_id.as_str());
    let id = s(&list[0], "id");

    // Removing the app's access: everything of the grant dies at once.
    let resp = sp.http.post(sp.url(&format!("/__sandbox/grants/{id}/revoke"))).send().unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(gateway_get(&sp, &a2), 401);
    assert_invalid_grant(refresh(&sp, &r2));
    assert_eq!(sp.get_json("/__sandbox/grants", 200), json!([]));
    assert_eq!(sp.http.post(sp.url(&format!("/__sandbox/grants/{id}/revoke"))).send().unwrap().status().as_u16(), 404);
    assert!(b.get("/manage-profile/apps").text().unwrap().contains("haven't given any apps access"));
    // The invented REST list and Data Center's page are not Cloud's.
    for path in ["/rest/oauth2/latest/tokens", "/plugins/servlet/oauth/users/access-tokens"] {
        let st = sp.http.get(sp.url(path)).basic_auth(&sp.info.user, Some(&sp.info.api_token)).send().unwrap().status().as_u16();
        assert_eq!(st, 404, "{path}");
    }

    // Without a session the page sends the browser to sign in.
    let resp = sp.http.get(sp.url("/manage-profile/apps")).send().unwrap();
    assert_eq!(resp.status().as_u16(), 302);
    assert!(location(&resp).starts_with("/login?continue="));
}

#[test]
fn deny_and_the_implicit_flow() {
    let sp = SandboxProc::start(&[]);
    let mut b = Browser::new(&sp);
    let path = authorize_path(&sp, "read:jira-work", CALLBACK, "deny-state", "code");
    let resp = b.get(&path);
    b.sign_in_via_form(&location(&resp));
    let cb = decide(&mut b, &path, "deny");
    let q = query_of(&cb);
    assert!(cb.starts_with(CALLBACK));
    assert_eq!(param(&q, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&q, "state").as_deref(), Some("deny-state"));
    assert!(param(&q, "error_description").is_some());
    assert!(param(&q, "code").is_none());

    // response_type=token: the token in the fragment, never a refresh token.
    let path = authorize_path(&sp, "read:jira-work offline_access", CALLBACK, "imp", "token");
    let cb = decide(&mut b, &path, "approve");
    let (base, fragment) = cb.split_once('#').expect("fragment");
    assert_eq!(base, CALLBACK);
    let f: Vec<(String, String)> = form_urlencoded(fragment);
    assert_eq!(param(&f, "token_type").as_deref(), Some("Bearer"));
    assert_eq!(param(&f, "expires_in").as_deref(), Some("3600"));
    assert_eq!(param(&f, "state").as_deref(), Some("imp"));
    assert!(param(&f, "refresh_token").is_none());
    let token = param(&f, "access_token").unwrap();
    assert_eq!(resources(&sp, &token).0, 200);

    // Logging out ends the session: the next authorization asks to sign in again.
    let resp = b.get("/logout");
    assert_eq!(resp.status().as_u16(), 303);
    assert!(b.cookie.is_none(), "the cookie is cleared");
    let resp = sp.http.get(sp.url(&path)).header("Cookie", "cloud.session.token=stale").send().unwrap();
    assert_eq!(resp.status().as_u16(), 302);
    assert!(location(&resp).starts_with("/login?"));
}

fn form_urlencoded(s: &str) -> Vec<(String, String)> {
    Url::parse(&format!("http://x/?{s}")).unwrap().query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

#[test]
fn bad_authorization_requests_show_an_error_page_or_an_error_redirect() {
    let sp = SandboxProc::start(&[]);
    let cid = sp.info.oauth_client_id.clone();
    let q = |pairs: &[(&str, &str)]| format!("/authorize?{}", Url::parse_with_params("http://x/", pairs).unwrap().query().unwrap_or(""));
    let no_redirect = [
        q(&[("client_id", &cid), ("scope", "read:jira-work"), ("redirect_uri", "https://evil.example.com/cb"), ("response_type", "code"), ("state", "s")]),
        q(&[("client_id", &cid), ("scope", "read:jira-work"), ("redirect_uri", "http://localhost/cb"), ("response_type", "code")]),
        q(&[("client_id", "nope"), ("scope", "read:jira-work"), ("redirect_uri", CALLBACK), ("response_type", "code")]),
        q(&[("scope", "read:jira-work"), ("redirect_uri", CALLBACK), ("response_type", "code")]),
        q(&[("client_id", &cid), ("scope", "read:jira-work"), ("response_type", "code")]),
        q(&[("client_id", &cid), ("redirect_uri", CALLBACK), ("response_type", "code")]),
        q(&[("client_id", &cid), ("scope", "read:jira-work"), ("redirect_uri", CALLBACK)]),
        q(&[("client_id", &cid), ("scope", "read:jira-work"), ("redirect_uri", &format!("{CALLBACK}{}", "x".repeat(10_000))), ("response_type", "code")]),
    ];
    for path in &no_redirect {
        for auth in [false, true] {
            let mut req = sp.http.get(sp.url(path));
            if auth {
                req = req.basic_auth(&sp.info.user, Some(&sp.info.api_token));
            }
            let resp = req.send().unwrap();
            assert_eq!(resp.status().as_u16(), 400, "{path}");
            assert!(resp.headers().get("location").is_none(), "{path} must not redirect");
            let body = resp.text().unwrap();
            assert!(body.contains("Something went wrong"), "{body}");
        }
    }

    // Once the callback is known good, other problems go back to it.
    let redirected = |path: String, error: &str| {
        let resp = sp.http.get(sp.url(&path)).basic_auth(&sp.info.user, Some(&sp.info.api_token)).send().unwrap();
        assert_eq!(resp.status().as_u16(), 302, "{path}");
        let loc = location(&resp);
        assert!(loc.starts_with(CALLBACK), "{loc}");
        let qp = query_of(&loc);
        assert_eq!(param(&qp, "error").as_deref(), Some(error), "{loc}");
        assert_eq!(param(&qp, "state").as_deref(), Some("st"), "{loc}");
    };
    redirected(
        q(&[("client_id", &cid), ("scope", "read:jira-work read:everything"), ("redirect_uri", CALLBACK), ("response_type", "code"), ("state", "st")]),
        "invalid_scope",
    );
    redirected(
        q(&[("client_id", &cid), ("scope", "read:jira-work"), ("redirect_uri", CALLBACK), ("response_type", "id_token"), ("state", "st")]),
        "unsupported_response_type",
    );
    redirected(
        q(&[
            ("audience", "api.example.com"),
            ("client_id", &cid),
            ("scope", "read:jira-work"),
            ("redirect_uri", CALLBACK),
            ("response_type", "code"),
            ("state", "st"),
        ]),
        "access_denied",
    );
    redirected(
        q(&[("client_id", &cid), ("scope", "read:jira-work"), ("redirect_uri", CALLBACK), ("response_type", "code"), ("state", "st"), ("prompt", "none")]),
        "consent_required",
    );
    let anon = sp
        .http
        .get(sp.url(&q(&[
            ("client_id", &cid),
            ("scope", "read:jira-work"),
            ("redirect_uri", CALLBACK),
            ("response_type", "code"),
            ("state", "st"),
            ("prompt", "none"),
        ])))
        .send()
        .unwrap();
    assert_eq!(param(&query_of(&location(&anon)), "error").as_deref(), Some("login_required"));

    // The registered callback and any loopback port are accepted.
    for cb in ["http://localhost:33333", "http://localhost:9/cb", "http://127.0.0.1:65535/a/b?c=d"] {
        let resp =
            sp.http.get(sp.url(&authorize_path(&sp, "read:jira-work", cb, "s", "code"))).basic_auth(&sp.info.user, Some(&sp.info.api_token)).send().unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{cb}");
    }

    // A wrong password: the form again with an error, no session.
    let resp = sp.http.post(sp.url("/login")).form(&[("username", sp.info.user.as_str()), ("password", "wrong"), ("continue", "/authorize")]).send().unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    assert!(resp.headers().get("set-cookie").is_none());
    assert!(resp.text().unwrap().contains("Incorrect email address"));
    // Sign-in never continues to another site.
    let resp = sp
        .http
        .post(sp.url("/login"))
        .form(&[("username", sp.info.user.as_str()), ("password", sp.info.api_token.as_str()), ("continue", "https://evil.example.com/")])
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    assert_eq!(location(&resp), "/manage-profile/apps");

    // The server survives garbage.
    for junk in ["/authorize?%zz=%%&client_id=%ff", "/authorize?client_id&client_id=&&&="] {
        let resp = sp.http.get(sp.url(junk)).send().unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{junk}");
    }
    let resp = sp
        .http
        .post(sp.url("/authorize/consent"))
        .basic_auth(&sp.info.user, Some(&sp.info.api_token))
        .body("request_id=nope&decision=approve")
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
}

#[test]
fn token_endpoint_errors() {
    let sp = SandboxProc::start(&[]);
    let mut b = Browser::new(&sp);
    let (cid, secret) = (sp.info.oauth_client_id.clone(), sp.info.oauth_client_secret.clone());
    let err = |r: (u16, Value), status: u16, error: &str| {
        assert_eq!(r.0, status, "{}", r.1);
        assert_eq!(r.1["error"], error, "{}", r.1);
        assert!(r.1["error_description"].is_string(), "{}", r.1);
    };

    // Wrong secret or client: 401 access_denied.
    let code = authorize_code(&sp, &mut b, "read:jira-work");
    let body = |c: &str, s: &str, code: &str, ru: &str| json!({"grant_type": "authorization_code", "client_id": c, "client_secret": s, "code": code, "redirect_uri": ru});
    err(token_request(&sp, &body(&cid, "wrong", &code, CALLBACK)), 401, "access_denied");
    err(token_request(&sp, &body("unknown", &secret, &code, CALLBACK)), 401, "access_denied");
    err(token_request(&sp, &json!({"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK})), 401, "access_denied");
    // redirect_uri must match the one the code was sent to.
    err(token_request(&sp, &body(&cid, &secret, &code, "http://127.0.0.1:45678/other")), 403, "invalid_grant");
    // Without offline_access there is no refresh token; client auth by HTTP Basic works too.
    let resp = sp
        .http
        .post(&sp.info.token_url)
        .basic_auth(&cid, Some(&secret))
        .json(&json!({"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers()["cache-control"].to_str().unwrap().contains("no-store"));
    let t: Value = resp.json().unwrap();
    assert!(t.get("refresh_token").is_none(), "{t}");
    assert_eq!(t["scope"], "read:jira-work");
    // Codes are single-use.
    err(token_request(&sp, &body(&cid, &secret, &code, CALLBACK)), 403, "invalid_grant");
    err(token_request(&sp, &body(&cid, &secret, "made-up", CALLBACK)), 403, "invalid_grant");
    // ...and short-lived.
    let late = authorize_code(&sp, &mut b, "read:jira-work");
    sp.advance_clock(301);
    err(token_request(&sp, &body(&cid, &secret, &late, CALLBACK)), 400, "invalid_request");

    err(
        token_request(&sp, &json!({"grant_type": "authorization_code", "client_id": cid, "client_secret": secret, "redirect_uri": CALLBACK})),
        400,
        "invalid_request",
    );
    err(token_request(&sp, &json!({"client_id": cid, "client_secret": secret})), 400, "invalid_request");
    err(token_request(&sp, &json!({"grant_type": "refresh_token", "client_id": cid, "client_secret": secret})), 400, "invalid_request");
    err(token_request(&sp, &json!({"grant_type": "magic", "client_id": cid, "client_secret": secret})), 403, "unsupported_grant_type");
    err(token_request(&sp, &json!({"grant_type": "client_credentials", "client_id": cid, "client_secret": secret})), 403, "unauthorized_client");
    err(
        token_request(&sp, &json!({"grant_type": "refresh_token", "client_id": cid, "client_secret": secret, "refresh_token": "never-issued"})),
        403,
        "unauthorized_client",
    );
    err(
        token_request(&sp, &json!({"grant_type": "refresh_token", "client_id": cid, "client_secret": secret, "refresh_token": "x".repeat(100_000)})),
        400,
        "invalid_request",
    );
    err(token_request(&sp, &json!(["grant_type"])), 400, "invalid_request");
    err(token_request(&sp, &json!({"grant_type": {"nested": true}})), 400, "invalid_request");
    for raw in ["{not json", "", "\u{0}\u{1}", "grant_type=authorization_code&code"] {
        let resp = sp.http.post(&sp.info.token_url).header("content-type", "application/json").body(raw).send().unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{raw:?}");
        let v: Value = resp.json().unwrap();
        assert_eq!(v["error"], "invalid_request");
    }
    let resp = sp.http.post(&sp.info.token_url).body(vec![0xff, 0xfe, 0x00]).send().unwrap();
    assert_eq!(resp.status().as_u16(), 400);
}

#[test]
fn scopes_are_enforced_at_the_gateway() {
    let sp = SandboxProc::start(&[]);
    let mut b = Browser::new(&sp);
    let code = authorize_code(&sp, &mut b, "read:jira-work");
    let (_, t) = exchange(&sp, &code);
    let token = s(&t, "access_token");
    let cloud = sp.info.cloud_id.clone();

    let resp = sp.http.post(sp.url(&format!("/ex/jira/{cloud}/rest/api/3/issue"))).bearer_auth(&token).json(&json!({"fields": {}})).send().unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let v: Value = resp.json().unwrap();
    assert_eq!(v["message"], "Unauthorized; scope does not match", "{v}");
    assert_ne!(gateway_get(&sp, &token), 401, "reading Jira is within read:jira-work");
    // A Confluence-only token cannot read Jira.
    let code = authorize_code(&sp, &mut b, "read:confluence-content.all");
    let (_, t) = exchange(&sp, &code);
    let confluence_only = s(&t, "access_token");
    let resp = sp.http.get(sp.url(&format!("/ex/jira/{cloud}/rest/api/3/myself"))).bearer_auth(&confluence_only).send().unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let v: Value = resp.json().unwrap();
    assert_eq!(v["message"], "Unauthorized; scope does not match", "{v}");
    let resp = sp.http.get(sp.url("/me")).bearer_auth(&token).send().unwrap();
    assert_eq!(resp.status().as_u16(), 401);

    // With write:jira-work the POST gets past auth; read:me opens /me.
    let code = authorize_code(&sp, &mut b, "read:jira-work write:jira-work read:me");
    let (_, t) = exchange(&sp, &code);
    let token = s(&t, "access_token");
    let resp = sp.http.post(sp.url(&format!("/ex/jira/{cloud}/rest/api/3/issue"))).bearer_auth(&token).json(&json!({"fields": {}})).send().unwrap();
    assert_ne!(resp.status().as_u16(), 401);
    let me: Value = sp.http.get(sp.url("/me")).bearer_auth(&token).send().unwrap().json().unwrap();
    assert_eq!(me["email"], sp.info.user.as_str());
    assert!(me["account_id"].is_string());
}

#[test]
fn grants_survive_a_restart_with_state() {
    let dir = std::env::temp_dir().join(format!("atlassian-sandbox-oauth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let _ = std::fs::remove_file(&state);
    let state_arg = state.to_str().unwrap();
    let (access, refresh_token) = {
        let sp = SandboxProc::start(&["--state", state_arg]);
        let mut b = Browser::new(&sp);
        let code = authorize_code(&sp, &mut b, ALL_READ);
        let (st, t) = exchange(&sp, &code);
        assert_eq!(st, 200);
        (s(&t, "access_token"), s(&t, "refresh_token"))
    };
    let sp = SandboxProc::start(&["--state", state_arg]);
    assert_ne!(gateway_get(&sp, &access), 401);
    let (st, t) = refresh(&sp, &refresh_token);
    assert_eq!(st, 200, "{t}");
    assert_eq!(sp.get_json("/__sandbox/grants", 200).as_array().unwrap().len(), 1);
    drop(sp);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Jira Service Management behind the gateway: its classic scopes, not Jira's, let a token in.
#[test]
fn service_management_through_the_gateway() {
    let sp = SandboxProc::start(&[]);
    let mut b = Browser::new(&sp);
    let sd = |token: &str| {
        let url = sp.url(&format!("/ex/jira/{}/rest/servicedeskapi/servicedesk", sp.info.cloud_id));
        let resp = sp.http.get(url).bearer_auth(token).send().unwrap();
        (resp.status().as_u16(), resp.json::<Value>().unwrap_or(Value::Null))
    };
    let code = authorize_code(&sp, &mut b, "read:servicedesk-request");
    let (st, t) = exchange(&sp, &code);
    assert_eq!(st, 200, "{t}");
    let (st, desks) = sd(&s(&t, "access_token"));
    assert_eq!(st, 200, "{desks}");
    assert_eq!(desks["values"][0]["projectKey"], "HELP");
    let code = authorize_code(&sp, &mut b, "read:jira-work");
    let (_, t) = exchange(&sp, &code);
    assert_eq!(sd(&s(&t, "access_token")).0, 401, "Jira's scope is not Service Management's");
}
