//! `CreateApiToken(Description, ExpirationDays, ForUser)`: a new personal access token (Data
//! Center, for the signed-in user). Cloud has no API for it (HYC00 naming the page where the
//! user makes one). The secret is in this one answer and nowhere else: the server keeps only its
//! digest, `ApiTokens` has no column for it, and the driver never logs results.

use serde_json::{json, Value};

use super::{param, text, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Product, SqlType::*};
use crate::rest::Flavor;
use crate::session::MapperSession;
use crate::{MapperError, SqlState};

const PARAMS: &[ParamDef] = &[
    param("Description", Varchar(255), true, "The token's label (Data Center: its name)"),
    param("ExpirationDays", Integer, false, "Days until it expires (default: never)"),
    param("ForUser", Varchar(255), false, "The owner: only yourself (your user name, key or email)"),
];

/// Where a Cloud user creates an API token.
const CLOUD_TOKENS_PAGE: &str = "https://id.atlassian.com/manage-profile/security/api-tokens";

pub fn def() -> ProcedureDef {
    let c = ColumnDef::new;
    ProcedureDef {
        product: Product::Jira,
        name: "CreateApiToken",
        remarks: "Creates a personal access token (Data Center); the secret is returned once. Cloud: HYC00, naming id.atlassian.com's API tokens page.",
        params: PARAMS,
        result: vec![
            c("Id", Varchar(64), false, at("/Id"), "Token id (as in ApiTokens)"),
            c("Description", Varchar(255), true, at("/Description"), "Its label"),
            c("Owner", Varchar(128), true, at("/Owner"), "Owner's account id (Data Center: user key)"),
            c("Created", Timestamp, true, at("/Created"), "When it was created (UTC)"),
            c("Expires", Timestamp, true, at("/Expires"), "When it stops working (UTC); NULL if never"),
            c("Token", Varchar(4000), false, at("/Token"), "The secret: shown this once, store it now"),
        ],
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

/// The PAT API's absence on a site is "not supported", not a failure.
fn unsupported_if_missing(e: MapperError) -> MapperError {
    if e.http_status == Some(404) {
        MapperError::new(SqlState::NotSupported, format!("CreateApiToken is not supported by this site: it has no token REST resource ({})", e.message))
    } else {
        e
    }
}

async fn run(session: &MapperSession, args: Args) -> Result<Rows, MapperError> {
    let description = text(&args, "Description").filter(|d| !d.trim().is_empty()).ok_or_else(|| MapperError::new(SqlState::ParameterCount, "CreateApiToken needs a Description"))?;
    let days = days(&args)?;
    let for_user = text(&args, "ForUser").filter(|u| !u.trim().is_empty());
    let client = session.client();
    let row = match client.flavor() {
        // No Atlassian API creates a Cloud API token: the account holder makes it themselves.
        Flavor::Cloud => return Err(MapperError::new(SqlState::NotSupported, format!("Cloud has no API that creates API tokens: create one at {CLOUD_TOKENS_PAGE} (signed in as its owner), then use it as APIToken"))),
        Flavor::DataCenter => {
            let me = client.get_json(Product::Jira, "/rest/api/2/myself").await?;
            if let Some(u) = &for_user {
                let mine = ["/name", "/key", "/emailAddress"].iter().any(|p| me.pointer(p).and_then(Value::as_str).is_some_and(|v| v.eq_ignore_ascii_case(u)));
                if !mine {
                    return Err(MapperError::new(SqlState::NotSupported, format!("Data Center creates personal access tokens only for the signed-in user; to make one for {u}, connect as {u}")));
                }
            }
            let mut body = json!({"name": description});
            if let Some(d) = days {
                body["expirationDuration"] = json!(d);
            }
            let t = client.send_json(reqwest::Method::POST, Product::Jira, "/rest/pat/latest/tokens", Some(&body)).await.map_err(unsupported_if_missing)?;
            [
                ("Id".to_string(), t.get("id").map(|v| json!(crate::scan::scalar_text(v))).unwrap_or(Value::Null)),
                ("Description".to_string(), t.get("name").cloned().unwrap_or(Value::Null)),
                // As `CurrentUser.AccountId`: the account id where the site gives one, else the user key.
                ("Owner".to_string(), ["/accountId", "/key"].iter().find_map(|p| me.pointer(p).filter(|v| !v.is_null()).cloned()).unwrap_or(Value::Null)),
                ("Created".to_string(), t.get("createdAt").cloned().unwrap_or(Value::Null)),
                ("Expires".to_string(), t.get("expiringAt").cloned().unwrap_or(Value::Null)),
                ("Token".to_string(), t.get("rawToken").cloned().unwrap_or(Value::Null)),
            ]
            .into_iter()
            .collect()
        }
    };
    Ok(vec![row])
}
