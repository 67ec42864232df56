//! `Jira.Resolutions`: from `/rest/api/3/resolution/search` (Cloud) or `/rest/api/2/resolution`.

use crate::catalog::{at, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Resolutions",
        remarks: "Jira issue resolutions.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Resolution id"),
            c("Name", Varchar(255), true, at("/name"), "Name"),
            c("Description", Varchar(4000), true, at("/description"), "Description"),
            c("IsDefault", Bit, true, at("/isDefault"), "Whether it is the default resolution"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/api/3/resolution/search", "/values", Paging::StartAt(100))).on_data_center(Some(list(
            "/rest/api/2/resolution",
            "",
            Paging::Whole,
        )))]),
        writes: None,
    }
}
