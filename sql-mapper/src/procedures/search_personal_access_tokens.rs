//! `SearchPersonalAccessTokens(UserKeys, Name, IsUsed, SortBy, OrderBy)`: every user's personal
//! access tokens, for a Data Center system administrator, through
//! `POST /rest/pat/latest/tokens/search` (paged by `page` and `limit` in the body). Revoke what
//! it finds with `RevokePersonalAccessTokens`. Cloud has no personal access tokens (HYC00).

use serde_json::{json, Value};

use super::{param, text, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Paging, Product, SqlType::*};
use crate::queries::Queries;
use crate::rest::{Flavor, PageStream};
use crate::{MapperError, SqlState};

const PARAMS: &[ParamDef] = &[
    param("UserKeys", Varchar(4000), false, "Owners' user keys, comma-separated (default: every user)"),
    param("Name", Varchar(255), false, "Part of the token's name"),
    param("IsUsed", Bit, false, "1: tokens that have authenticated a request; 0: never used"),
    param("SortBy", Varchar(32), false, "name, createdAt, expiringAt or lastAccessedAt"),
    param("OrderBy", Varchar(4), false, "ASC or DESC"),
];

/// The search's page size.
const PAGE: usize = 100;

pub fn def() -> ProcedureDef {
    let c = ColumnDef::new;
    ProcedureDef {
        product: Product::Jira,
        name: "SearchPersonalAccessTokens",
        remarks: "Every user's personal access tokens, for a Data Center system administrator (RevokePersonalAccessTokens revokes them). Cloud: HYC00.",
        params: PARAMS,
        result: vec![
            c("Id", Varchar(64), false, at("/Id"), "Token id"),
            c("Owner", Varchar(128), true, at("/Owner"), "Owner's user key"),
            c("OwnerName", Varchar(255), true, at("/OwnerName"), "Owner's display name"),
            c("OwnerUserName", Varchar(255), true, at("/OwnerUserName"), "Owner's user name"),
            c("Description", Varchar(255), true, at("/Description"), "The token's name"),
            c("Created", Timestamp, true, at("/Created"), "When it was created (UTC)"),
            c("LastUsed", Timestamp, true, at("/LastUsed"), "When it last authenticated a request (UTC); NULL if never"),
            c("Expires", Timestamp, true, at("/Expires"), "When it stops working (UTC); NULL if never"),
        ],
        writes: false,
        run: |s, a| Box::pin(run(s, a)),
    }
}

/// A bit given as a boolean, number or text.
fn bit(args: &Args, name: &str) -> Result<Option<bool>, MapperError> {
    let bad = |v: &Value| MapperError::new(SqlState::InvalidCharacterValue, format!("{name} must be 0 or 1, not {v}"));
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v @ Value::Number(n)) => match n.as_i64() {
            Some(0) => Ok(Some(false)),
            Some(1) => Ok(Some(true)),
            _ => Err(bad(v)),
        },
        Some(v @ Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "0" | "false" => Ok(Some(false)),
            "1" | "true" => Ok(Some(true)),
            _ => Err(bad(v)),
        },
        Some(v) => Err(bad(v)),
    }
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let client = session.client();
    if client.flavor() == Flavor::Cloud {
        return Err(MapperError::new(
            SqlState::NotSupported,
            "Cloud has no personal access tokens: an organization admin sees API tokens in Jira.ApiTokens (with OrgId and OrgApiKey)",
        ));
    }
    let mut query = json!({});
    if let Some(keys) = text(&args, "UserKeys") {
        let keys: Vec<&str> = keys.split(',').map(str::trim).filter(|k| !k.is_empty()).collect();
        query["userKeys"] = json!(keys);
    }
    if let Some(name) = text(&args, "Name").filter(|n| !n.is_empty()) {
        query["name"] = json!(name);
    }
    if let Some(used) = bit(&args, "IsUsed")? {
        query["isUsed"] = json!(used);
    }
    if let Some(sort) = text(&args, "SortBy").filter(|s| !s.is_empty()) {
        query["sortBy"] = json!(sort);
    }
    if let Some(order) = text(&args, "OrderBy").filter(|s| !s.is_empty()) {
        query["orderBy"] = json!(order.to_ascii_uppercase());
    }
    let mut rows = Vec::new();
    let mut pages = PageStream::new(Product::Jira, "/rest/pat/latest/tokens/search".into(), "/values", Paging::Pages(PAGE), PAGE).posting(query);
    while !pages.is_done() {
        let values = pages.next_page(client).await?.items;
        rows.extend(values.iter().map(|t| {
            let field = |p: &str| t.pointer(p).cloned().unwrap_or(Value::Null);
            [
                ("Id".to_string(), t.get("id").map(|v| json!(crate::values::scalar_text(v))).unwrap_or(Value::Null)),
                ("Owner".to_string(), field("/userProfileResource/userKey")),
                ("OwnerName".to_string(), field("/userProfileResource/displayName")),
                ("OwnerUserName".to_string(), field("/userProfileResource/username")),
                ("Description".to_string(), field("/name")),
                ("Created".to_string(), field("/createdAt")),
                ("LastUsed".to_string(), field("/lastAccessedAt")),
                ("Expires".to_string(), field("/expiringAt")),
            ]
            .into_iter()
            .collect()
        }));
    }
    Ok(rows)
}
