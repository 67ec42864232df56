//! `GetCurrentUser()`: who the connection acts as, how it signs in, and (OAuth) the scopes granted.

use serde_json::{json, Value};

use super::{Args, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Product, SqlType::*};
use crate::queries::Queries;
use crate::MapperError;

pub fn def() -> ProcedureDef {
    let c = ColumnDef::new;
    ProcedureDef {
        product: Product::Jira,
        name: "GetCurrentUser",
        remarks: "The account the connection acts as, its auth scheme, and its OAuth scopes.",
        params: &[],
        result: vec![
            c("AccountId", Varchar(128), true, at("/AccountId"), "Account id (Data Center: user key); NULL when anonymous"),
            c("DisplayName", Varchar(255), true, at("/DisplayName"), "Display name"),
            c("EmailAddress", Varchar(255), true, at("/EmailAddress"), "Email, where visible"),
            c("AuthScheme", Varchar(32), false, at("/AuthScheme"), "APIToken, Basic, PAT, OAuth or None"),
            c("Scopes", Varchar(4000), true, at("/Scopes"), "OAuth: the scopes granted"),
        ],
        writes: false,
        run: |s, a| Box::pin(run(s, a)),
    }
}

async fn run(session: &dyn Queries, _args: Args) -> Result<Rows, MapperError> {
    let client = session.client();
    let scheme = client.scheme();
    let me = if scheme == atlassian_oauth::AuthScheme::Anonymous {
        Value::Null
    } else {
        let api = client.flavor().jira_api();
        client.get_json(Product::Jira, &format!("/rest/api/{api}/myself")).await?
    };
    let scopes = match session.oauth() {
        Some(o) => o.tokens().await.map(|t| json!(t.scope)).unwrap_or(Value::Null),
        None => Value::Null,
    };
    let pick = |ps: &[&str]| ps.iter().find_map(|p| me.pointer(p).cloned()).unwrap_or(Value::Null);
    Ok(vec![[
        ("AccountId".to_string(), pick(&["/accountId", "/key"])),
        ("DisplayName".to_string(), pick(&["/displayName"])),
        ("EmailAddress".to_string(), pick(&["/emailAddress"])),
        ("AuthScheme".to_string(), json!(scheme.to_string())),
        ("Scopes".to_string(), scopes),
    ]
    .into_iter()
    .collect()])
}
