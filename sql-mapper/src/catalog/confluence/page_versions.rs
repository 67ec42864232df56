//! `Confluence.PageVersions`: the version history of each page, from `/wiki/api/v2/pages/{id}/versions` (Cloud).

use crate::catalog::{at, context, list, ColumnDef, ForeignKey, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "PageVersions",
        remarks: "Every version of every Confluence page.",
        columns: vec![
            c("PageId", BigInt, true, context("PageId"), "The page"),
            c("VersionNumber", Integer, true, at("/number"), "Version number"),
            c("Message", Varchar(4000), true, at("/message"), "Version comment"),
            c("MinorEdit", Bit, true, at("/minorEdit"), "Whether watchers were not notified"),
            c("AuthorId", Varchar(128), true, at("/authorId"), "Who made the version"),
            c("CreatedAt", Timestamp, true, at("/createdAt"), "When (UTC)"),
        ],
        key: &["PageId", "VersionNumber"],
        foreign_keys: &[ForeignKey { column: "PageId", references: (Product::Confluence, "Pages", "Id") }],
        source: Source::Lists(vec![Part::per(
            ParentLink { table: (Product::Confluence, "Pages"), bind: &[("Id", "PageId")], only: None },
            list("/wiki/api/v2/pages/{PageId}/versions", "/results", Paging::Cursor(250)),
        )
        .cloud_only()
        .by_hand("the page's ••• menu > Page history")]),
        writes: None,
    }
}
