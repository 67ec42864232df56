//! `Confluence.BlogPosts`: from `/wiki/api/v2/blogposts` (Cloud). The body is fetched only when selected.

use crate::catalog::{at, delete, list, post, put, ColumnDef, ForeignKey, Paging, Part, Product, Shape, Source, SqlType::*, TableDef, Writes};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "BlogPosts",
        remarks: "Confluence blog posts, current versions.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Blog post id"),
            c("Title", Varchar(255), true, at("/title"), "Title").writes("/title", Shape::Plain),
            c("SpaceId", BigInt, true, at("/spaceId"), "Id of the blog post's space").writes("/spaceId", Shape::Text),
            c("Status", Varchar(32), true, at("/status"), "current, draft or trashed"),
            c("AuthorId", Varchar(128), true, at("/authorId"), "Account id of the creator"),
            c("CreatedAt", Timestamp, true, at("/createdAt"), "Created (UTC)"),
            c("VersionNumber", Integer, true, at("/version/number"), "Current version number"),
            c("VersionCreatedAt", Timestamp, true, at("/version/createdAt"), "When the current version was made (UTC)"),
            c("Body", LongVarchar, true, at("/body/storage/value"), "Body in storage format (XHTML)")
                .field("body-format=storage")
                .writes("/body/value", Shape::Plain),
        ],
        key: &["Id"],
        foreign_keys: &[ForeignKey { column: "SpaceId", references: (Product::Confluence, "Spaces", "Id") }],
        source: Source::Lists(vec![Part::list(list("/wiki/api/v2/blogposts?status=current", "/results", Paging::Cursor(250))).on_data_center(Some(
            list("/rest/api/content?type=blogpost&expand=space,version,history", "/results", Paging::Start(200)).unnest(super::from_v1_content),
        ))]),
        writes: Some(Writes {
            insert: Some(post("/wiki/api/v2/blogposts")),
            update: Some(put("/wiki/api/v2/blogposts/{Id}")),
            delete: Some(delete("/wiki/api/v2/blogposts/{Id}")),
            fixed: &[("/status", "\"current\""), ("/body/representation", "\"storage\"")],
            insert_only: &["SpaceId"],
            required: &["SpaceId", "Title"],
            versioned: Some(("VersionNumber", "/version/number")),
            returns: &[("Id", "/id"), ("VersionNumber", "/version/number"), ("CreatedAt", "/createdAt")],
            data_center: Some(super::v1_content_writes(super::to_v1_blogpost)),
            ..Writes::default()
        }),
    }
}
