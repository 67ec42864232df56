//! `Confluence.Spaces`: from `/wiki/api/v2/spaces` (Cloud) or `/rest/api/space` (Data Center, its
//! v1 spaces reshaped to the v2 shape the columns read).

use serde_json::{json, Value};

use crate::catalog::{at, list, param, params, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "Spaces",
        remarks: "Confluence spaces the connection can see.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Space id").pushed(params("ids")),
            c("Key", Varchar(255), true, at("/key"), "Space key").pushed(params("keys")),
            c("Name", Varchar(255), true, at("/name"), "Space name"),
            c("Type", Varchar(32), true, at("/type"), "global or personal").pushed(param("type")),
            c("Status", Varchar(32), true, at("/status"), "current or archived").pushed(param("status")),
            c("HomepageId", BigInt, true, at("/homepageId"), "Id of the space's home page"),
            c("AuthorId", Varchar(128), true, at("/authorId"), "Account id of the creator"),
            c("CreatedAt", Timestamp, true, at("/createdAt"), "Created (UTC)"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        // Cloud's v2 spaces filter by these; Data Center's v1 list names them differently.
        source: Source::Lists(vec![Part::list(list("/wiki/api/v2/spaces", "/results", Paging::Cursor(250)).filtered_by(&["ids", "keys", "type", "status"]))
            .on_data_center(Some(list("/rest/api/space?expand=homepage,history", "/results", Paging::Start(250)).unnest(from_v1_space)))]),
        writes: None,
    }
}

/// A Data Center v1 space in the v2 shape the columns read.
fn from_v1_space(s: &Value) -> Vec<Value> {
    vec![json!({
        "id": s.get("id").map(crate::values::scalar_text),
        "key": s.get("key"),
        "name": s.get("name"),
        "type": s.get("type"),
        "status": s.get("status").cloned().unwrap_or(json!("current")),
        "homepageId": s.pointer("/homepage/id"),
        "authorId": s.pointer("/history/createdBy/accountId").or_else(|| s.pointer("/history/createdBy/userKey")),
        "createdAt": s.pointer("/history/createdDate"),
    })]
}
