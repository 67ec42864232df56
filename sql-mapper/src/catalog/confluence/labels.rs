//! `Confluence.Labels`: the labels of each page and blog post, from
//! `/wiki/api/v2/{pages|blogposts}/{id}/labels` (Cloud).

use crate::catalog::{at, context, delete, list, post, ColumnDef, Paging, ParentLink, Part, Product, Shape, Source, SqlType::*, TableDef, Writes};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "Labels",
        remarks: "Labels on Confluence pages and blog posts: one row per label and content.",
        columns: vec![
            c("ContentId", BigInt, true, context("ContentId"), "Labelled page or blog post"),
            c("ContentType", Varchar(16), true, context("ContentType"), "page or blogpost"),
            c("LabelId", BigInt, true, at("/id"), "Label id"),
            c("Label", Varchar(255), true, at("/name"), "Label name").writes("/name", Shape::Plain),
            c("Prefix", Varchar(32), true, at("/prefix"), "global, my or team").writes("/prefix", Shape::Plain),
        ],
        key: &["ContentId", "LabelId"],
        foreign_keys: &[],
        source: Source::Lists(vec![
            Part::per(
                ParentLink { table: (Product::Confluence, "Pages"), bind: &[("Id", "ContentId")], only: None },
                list("/wiki/api/v2/pages/{ContentId}/labels", "/results", Paging::Cursor(250)),
            )
            .on_data_center(Some(list("/rest/api/content/{ContentId}/label", "/results", Paging::Start(200))))
            .with(&[("ContentType", "page")]),
            Part::per(
                ParentLink { table: (Product::Confluence, "BlogPosts"), bind: &[("Id", "ContentId")], only: None },
                list("/wiki/api/v2/blogposts/{ContentId}/labels", "/results", Paging::Cursor(250)),
            )
            .on_data_center(Some(list("/rest/api/content/{ContentId}/label", "/results", Paging::Start(200))))
            .with(&[("ContentType", "blogpost")]),
        ]),
        writes: Some(Writes {
            insert: Some(post("/wiki/rest/api/content/{ContentId}/label")),
            delete: Some(delete("/wiki/rest/api/content/{ContentId}/label/{Label}")),
            fixed: &[("/prefix", "\"global\"")],
            required: &["ContentId", "Label"],
            array_body: true,
            ..Writes::default()
        }),
    }
}
