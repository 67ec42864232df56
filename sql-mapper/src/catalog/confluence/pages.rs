//! `Confluence.Pages`: from `/wiki/api/v2/pages` (Cloud; CQL search when filters need it) or
//! `/rest/api/content?type=page` (Data Center). The body is fetched only when selected.

use crate::catalog::{at, context, delete, post, put, query, ColumnDef, ForeignKey, Product, Pushdown, Shape, Source, SqlType::*, TableDef, Writes};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "Pages",
        remarks: "Confluence pages, current versions.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Page id").pushed(query("id")),
            c("Title", Varchar(255), true, at("/title"), "Title").pushed(query("title")).writes("/title", Shape::Plain),
            c("SpaceId", BigInt, true, at("/spaceId"), "Id of the page's space").writes("/spaceId", Shape::Text),
            c("SpaceKey", Varchar(255), true, context("SpaceKey"), "Key of the page's space").pushed(query("space")),
            c("ParentId", BigInt, true, at("/parentId"), "Id of the parent page").writes("/parentId", Shape::Text).pushed(query("parent")),
            c("Status", Varchar(32), true, at("/status"), "current, draft, archived or trashed"),
            c("AuthorId", Varchar(128), true, at("/authorId"), "Account id of the creator").pushed(query("creator")),
            c("CreatedAt", Timestamp, true, at("/createdAt"), "Created (UTC)").pushed(query("created")),
            c("VersionNumber", Integer, true, at("/version/number"), "Current version number"),
            c("Body", LongVarchar, true, at("/body/storage/value"), "Body in storage format (XHTML)").field("body").writes("/body/value", Shape::Plain),
            c("CQL", Varchar(4000), true, context("cql"), "Pseudo-column: WHERE CQL = '...' passes a raw CQL query through").pushed(Pushdown::Raw),
        ],
        key: &["Id"],
        foreign_keys: &[
            ForeignKey { column: "SpaceId", references: (Product::Confluence, "Spaces", "Id") },
            ForeignKey { column: "ParentId", references: (Product::Confluence, "Pages", "Id") },
        ],
        source: Source::Pages,
        writes: Some(Writes {
            insert: Some(post("/wiki/api/v2/pages")),
            update: Some(put("/wiki/api/v2/pages/{Id}")),
            delete: Some(delete("/wiki/api/v2/pages/{Id}")),
            fixed: &[("/status", "\"current\""), ("/body/representation", "\"storage\"")],
            insert_only: &["SpaceId"],
            required: &["SpaceId", "Title"],
            versioned: Some(("VersionNumber", "/version/number")),
            returns: &[("Id", "/id"), ("VersionNumber", "/version/number"), ("CreatedAt", "/createdAt")],
            data_center: Some(super::v1_content_writes(super::to_v1_page)),
            ..Writes::default()
        }),
    }
}
