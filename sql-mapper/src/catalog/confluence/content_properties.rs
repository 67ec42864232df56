//! `Confluence.ContentProperties`: the properties of each page and blog post, from
//! `/wiki/api/v2/{pages|blogposts}/{id}/properties` (Cloud) or `/rest/api/content/{id}/property`
//! (Data Center).

use crate::catalog::{at, context, json_text, list, ColumnDef, Endpoint, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef};

/// Data Center's v1 list of a content's properties.
const DATA_CENTER: Endpoint = list("/rest/api/content/{ContentId}/property", "/results", Paging::Start(200));

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "ContentProperties",
        remarks: "Content properties (JSON values stored on pages and blog posts).",
        columns: vec![
            c("ContentId", BigInt, true, context("ContentId"), "Page or blog post"),
            c("ContentType", Varchar(16), true, context("ContentType"), "page or blogpost"),
            c("Id", BigInt, true, at("/id"), "Property id"),
            c("Key", Varchar(255), true, at("/key"), "Property key"),
            c("Value", LongVarchar, true, json_text("/value"), "Value as JSON"),
            c("VersionNumber", Integer, true, at("/version/number"), "Version of the property"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![
            Part::per(
                ParentLink { table: (Product::Confluence, "Pages"), bind: &[("Id", "ContentId")], only: None },
                list("/wiki/api/v2/pages/{ContentId}/properties", "/results", Paging::Cursor(250)),
            )
            .on_data_center(Some(DATA_CENTER))
            .with(&[("ContentType", "page")]),
            Part::per(
                ParentLink { table: (Product::Confluence, "BlogPosts"), bind: &[("Id", "ContentId")], only: None },
                list("/wiki/api/v2/blogposts/{ContentId}/properties", "/results", Paging::Cursor(250)),
            )
            .on_data_center(Some(DATA_CENTER))
            .with(&[("ContentType", "blogpost")]),
        ]),
        writes: None,
    }
}
