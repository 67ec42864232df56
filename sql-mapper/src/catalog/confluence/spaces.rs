//! `Confluence.Spaces`: from `/wiki/api/v2/spaces` (Cloud) or `/rest/api/space` (Data Center).

use crate::catalog::{at, param, params, ColumnDef, Product, Source, SqlType::*, TableDef};

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
        source: Source::Spaces,
        writes: None,
    }
}
