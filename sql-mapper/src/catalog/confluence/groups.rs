//! `Confluence.Groups`: from `/wiki/rest/api/group` (Cloud) or `/rest/api/group` (Data Center).

use crate::catalog::{at, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "Groups",
        remarks: "Confluence groups.",
        columns: vec![
            c("Name", Varchar(255), true, at("/name"), "Group name"),
            c("Id", Varchar(128), true, at("/id"), "Group id (Cloud)"),
            c("Type", Varchar(32), true, at("/type"), "Always group"),
        ],
        key: &["Name"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/wiki/rest/api/group", "/results", Paging::Start(200))).on_data_center(Some(list(
            "/rest/api/group",
            "/results",
            Paging::Start(200),
        )))]),
        writes: None,
    }
}
