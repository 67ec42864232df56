//! `Jira.Priorities`: from `/rest/api/3/priority/search` (Cloud) or `/rest/api/2/priority`.

use crate::catalog::{at, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Priorities",
        remarks: "Jira issue priorities.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Priority id"),
            c("Name", Varchar(255), true, at("/name"), "Name"),
            c("Description", Varchar(4000), true, at("/description"), "Description"),
            c("StatusColor", Varchar(32), true, at("/statusColor"), "Colour"),
            c("IsDefault", Bit, true, at("/isDefault"), "Whether it is the default priority"),
            c("IconUrl", Varchar(1000), true, at("/iconUrl"), "Icon"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/api/3/priority/search", "/values", Paging::StartAt(100))).on_data_center(Some(list(
            "/rest/api/2/priority",
            "",
            Paging::Whole,
        )))]),
        writes: None,
    }
}
