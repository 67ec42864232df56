//! `CreateApiToken(Description, ExpirationDays, ForUser, ExpiresOn)` on Data Center: a token of
//! the "API Token Authentication" app (resolution) where it is installed (an admin may make one
//! for another user, within the app's maximum validity), else a personal access token for the
//! signed-in user. Cloud has no API for it (HYC00 naming the page where the user makes one).
//! The secret is in this one answer and nowhere else: the server keeps only its digest,
//! `ApiTokens` has no column for it, and the driver never logs results.

use serde_json::{json, Value};

use super::{param, text, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Product, SqlType::*};
use crate::queries::Queries;
use crate::rest::Flavor;
use crate::{MapperError, SqlState};

const PARAMS: &[ParamDef] = &[
    param("Description", Varchar(255), true, "The token's label (Data Center: its name)"),
    param("ExpirationDays", Integer, false, "Days until it expires (default: the app's longest validity; a personal access token never expires)"),
    param("ForUser", Varchar(255), false, "The owner (user name, key or email): another user only through the app, as an admin"),
    param("ExpiresOn", Timestamp, false, "When it expires, instead of ExpirationDays (UTC)"),
];

/// The app's token resource.
const APP_TOKEN: &str = "/rest/de.resolution.apitokenauth/latest/user/token";

/// Where a Cloud user creates an API token.
const CLOUD_TOKENS_PAGE: &str = "https://id.atlassian.com/manage-profile/security/api-tokens";

pub fn def() -> ProcedureDef {
    let c = ColumnDef::new;
    ProcedureDef {
        product: Product::Jira,
        name: "CreateApiToken",
        remarks: "Creates an API token of the API Token Authentication app where installed, else a personal access token (Data Center); the secret is returned once. Cloud: HYC00, naming id.atlassian.com's API tokens page.",
        params: PARAMS,
        result: vec![
            c("Id", Varchar(64), false, at("/Id"), "Token id (as in ApiTokens)"),
            c("Kind", Varchar(32), false, at("/Kind"), "API token (app) or Personal access token (as in ApiTokens)"),
            c("Description", Varchar(255), true, at("/Description"), "Its label"),
            c("Owner", Varchar(128), true, at("/Owner"), "Owner's account id (Data Center: user key)"),
            c("Created", Timestamp, true, at("/Created"), "When it was created (UTC)"),
            c("Expires", Timestamp, true, at("/Expires"), "When it stops working (UTC); NULL if never"),
            c("Token", Varchar(4000), false, at("/Token"), "The secret: shown this once, store it now"),
        ],
        writes: true,
        run: |s, a| Box::pin(run(s, a)),
    }
}

/// A whole number of days, at least one.
fn days(args: &Args) -> Result<Option<i64>, MapperError> {
    let bad = |v: &Value| MapperError::new(SqlState::InvalidCharacterValue, format!("ExpirationDays must be a whole number of days, at least 1, not {v}"));
    match args.get("ExpirationDays") {
        None | Some(Value::Null) => Ok(None),
        Some(v @ Value::Number(n)) => n.as_i64().filter(|d| *d >= 1).map(Some).ok_or_else(|| bad(v)),
        Some(v @ Value::String(s)) => s.trim().parse::<i64>().ok().filter(|d| *d >= 1).map(Some).ok_or_else(|| bad(v)),
        Some(v) => Err(bad(v)),
    }
}

/// `ExpiresOn` as epoch milliseconds: a timestamp, or a date (its midnight, UTC).
fn expires_on(args: &Args) -> Result<Option<i64>, MapperError> {
    let bad = |v: &Value| MapperError::new(SqlState::InvalidCharacterValue, format!("ExpiresOn must be a timestamp, not {v}"));
    match args.get("ExpiresOn") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| bad(&Value::Number(n.clone()))),
        Some(v @ Value::String(s)) => {
            let s = s.trim();
            let t = crate::values::parse_timestamp_millis(s)
                .or_else(|| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").ok().map(|t| t.and_utc().timestamp_millis()))
                .or_else(|| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc().timestamp_millis()));
            t.map(Some).ok_or_else(|| bad(v))
        }
        Some(v) => Err(bad(v)),
    }
}

/// The PAT API's absence on a site is "not supported", not a failure.
fn unsupported_if_missing(e: MapperError) -> MapperError {
    if e.http_status == Some(404) {
        MapperError::new(SqlState::NotSupported, format!("CreateApiToken is not supported by this site: it has no token REST resource ({})", e.message))
    } else {
        e
    }
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let description = text(&args, "Description")
        .filter(|d| !d.trim().is_empty())
        .ok_or_else(|| MapperError::new(SqlState::ParameterCount, "CreateApiToken needs a Description"))?;
    let days = days(&args)?;
    let on = expires_on(&args)?;
    if days.is_some() && on.is_some() {
        return Err(MapperError::new(SqlState::InvalidCharacterValue, "Give ExpirationDays or ExpiresOn, not both"));
    }
    let for_user = text(&args, "ForUser").filter(|u| !u.trim().is_empty());
    let client = session.client();
    if client.flavor() == Flavor::Cloud {
        // No Atlassian API creates a Cloud API token: the account holder makes it themselves.
        return Err(MapperError::new(
            SqlState::NotSupported,
            format!("Cloud has no API that creates API tokens: create one at {CLOUD_TOKENS_PAGE} (signed in as its owner), then use it as APIToken"),
        ));
    }
    let me = client.get_json(Product::Jira, "/rest/api/2/myself").await?;
    // As `CurrentUser.AccountId`: the account id where the site gives one, else the user key.
    let my_key = ["/accountId", "/key"].iter().find_map(|p| me.pointer(p).and_then(Value::as_str)).unwrap_or_default().to_string();
    let other = for_user.as_deref().filter(|u| !names(&me, u));
    let expires = match (days, on) {
        (Some(d), _) => Some(chrono::Utc::now().timestamp_millis() + d * 86_400_000),
        (None, on) => on,
    };
    // The app where it is installed.
    let owner_key = match other {
        Some(u) => Some(user_key(session, u).await?),
        None => None,
    };
    let mut body = json!({"tokenDescription": description});
    if let Some(ms) = expires {
        body["tokenExpirationDateTime"] = json!(ms);
    }
    if let Some(k) = &owner_key {
        body["tokenForUserKey"] = json!(k);
    }
    match client.send_json(reqwest::Method::POST, Product::Jira, APP_TOKEN, Some(&body)).await {
        Ok(t) => {
            return Ok(vec![row(
                &t,
                crate::catalog::jira::api_tokens::APP_KIND,
                owner_key.unwrap_or(my_key),
                "tokenDescription",
                "created",
                "validUntil",
                "plainTextToken",
            )])
        }
        Err(e) if e.http_status == Some(404) => {}
        Err(e) => return Err(e),
    }
    // Else a personal access token, which Data Center makes only for the signed-in user.
    if let Some(u) = other {
        return Err(MapperError::new(SqlState::NotSupported, format!("Data Center creates personal access tokens only for the signed-in user (this site has no API Token Authentication app); to make one for {u}, connect as {u}")));
    }
    let mut body = json!({"name": description});
    match (days, on) {
        (Some(d), _) => body["expirationDuration"] = json!(d),
        // The PAT API counts whole days: an instant becomes the days until it, rounded up.
        (None, Some(ms)) => {
            let left = ms - chrono::Utc::now().timestamp_millis();
            if left <= 0 {
                return Err(MapperError::new(SqlState::InvalidCharacterValue, "ExpiresOn must be in the future"));
            }
            body["expirationDuration"] = json!((left + 86_399_999) / 86_400_000);
        }
        (None, None) => {}
    }
    let t = client.send_json(reqwest::Method::POST, Product::Jira, "/rest/pat/latest/tokens", Some(&body)).await.map_err(unsupported_if_missing)?;
    Ok(vec![row(&t, "Personal access token", my_key, "name", "createdAt", "expiringAt", "rawToken")])
}

/// Whether `me` (a user object) is the user named `u` (user name, key, account id or email).
fn names(me: &Value, u: &str) -> bool {
    ["/name", "/key", "/accountId", "/emailAddress"].iter().any(|p| me.pointer(p).and_then(Value::as_str).is_some_and(|v| v.eq_ignore_ascii_case(u)))
}

/// The key of the one user named `u`, through Data Center's user search; when it shows none
/// (a key, or a user the caller may not see), `u` itself, for the app to accept or refuse.
async fn user_key(session: &dyn Queries, u: &str) -> Result<String, MapperError> {
    let path = format!("/rest/api/2/user/search?username={}&maxResults=50", crate::values::url_encode(u));
    let found = session.client().get_json(Product::Jira, &path).await?;
    let matching: Vec<&Value> = found.as_array().into_iter().flatten().filter(|x| names(x, u)).collect();
    match matching.as_slice() {
        [one] => ["/key", "/accountId"]
            .iter()
            .find_map(|p| one.pointer(p).and_then(Value::as_str))
            .map(str::to_string)
            .ok_or_else(|| MapperError::new(SqlState::General, format!("The site gave no key for user {u}"))),
        [] => Ok(u.to_string()),
        _ => Err(MapperError::new(SqlState::IntegrityConstraint, format!("ForUser: {u} names several users; give the user key"))),
    }
}

/// The answer row from a created token, whichever API made it.
fn row(t: &Value, kind: &str, owner: String, description: &str, created: &str, expires: &str, secret: &str) -> std::collections::HashMap<String, Value> {
    let field = |name: &str| t.get(name).cloned().unwrap_or(Value::Null);
    [
        ("Id".to_string(), t.get("id").map(|v| json!(crate::values::scalar_text(v))).unwrap_or(Value::Null)),
        ("Kind".to_string(), json!(kind)),
        ("Description".to_string(), field(description)),
        ("Owner".to_string(), t.get("userKey").cloned().filter(|v| !v.is_null()).unwrap_or(json!(owner))),
        ("Created".to_string(), field(created)),
        ("Expires".to_string(), field(expires)),
        ("Token".to_string(), field(secret)),
    ]
    .into_iter()
    .collect()
}
