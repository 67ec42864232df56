//! `Confluence.BlogPosts`: from `/wiki/api/v2/blogposts` (Cloud) or
//! `/rest/api/content?type=blogpost` (Data Center), or the CQL content search when filters
//! become CQL. The bodies are fetched only when selected.

use crate::catalog::{
    at, context, delete, list, markup_text, post, put, query, ColumnDef, CqlSearch, Endpoint, ForeignKey, Paging, Part, Product, Pushdown, Shape, Source,
    SqlType::*, TableDef, Writes,
};

const SEARCH: CqlSearch = CqlSearch {
    list: Part::list(list("/wiki/api/v2/blogposts?status=current", "/results", Paging::Cursor(250))).on_data_center(Some(
        list("/rest/api/content?type=blogpost&expand=space,version,history", "/results", Paging::Start(200)).unnest(super::from_v1_content),
    )),
    content_type: "blogpost",
    cloud: Endpoint::new("/wiki/rest/api/content/search", "/results", Paging::Cursor(250)).unnest(super::from_v1_content),
    data_center: Endpoint::new("/rest/api/content/search", "/results", Paging::Cursor(250)).unnest(super::from_v1_content),
    expand: "space,version,history",
    by_space: ("space-id", "spaceKey"),
};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "BlogPosts",
        remarks: "Confluence blog posts, current versions.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Blog post id").pushed(query("id")),
            c("Title", Varchar(255), true, at("/title"), "Title").pushed(query("title")).writes("/title", Shape::Plain),
            c("SpaceId", BigInt, true, at("/spaceId"), "Id of the blog post's space").writes("/spaceId", Shape::Text),
            c("Status", Varchar(32), true, at("/status"), "current, draft or trashed"),
            c("AuthorId", Varchar(128), true, at("/authorId"), "Account id of the creator").pushed(query("creator")),
            c("CreatedAt", Timestamp, true, at("/createdAt"), "Created (UTC)").pushed(query("created")),
            c("VersionNumber", Integer, true, at("/version/number"), "Current version number"),
            c("LastModified", Timestamp, true, at("/version/createdAt"), "When the current version was made (UTC)").pushed(query("lastmodified")),
            c("LastModifierId", Varchar(128), true, at("/version/authorId"), "Account id of who made the current version"),
            c("Body", LongVarchar, true, at("/body/storage/value"), "Body in storage format (XHTML)")
                .field("body-format=storage")
                .writes("/body/value", Shape::Plain),
            c("BodyView", LongVarchar, true, at("/body/view/value"), "Body as the site renders it (HTML, macros expanded)").field("body-format=view"),
            c("BodyText", LongVarchar, true, markup_text("/body/storage/value"), "Body as plain text (markup dropped)").field("body-format=storage"),
            c("CQL", Varchar(4000), true, context("cql"), "Pseudo-column: WHERE CQL = '...' passes a raw CQL query through").pushed(Pushdown::Raw),
        ],
        key: &["Id"],
        foreign_keys: &[ForeignKey { column: "SpaceId", references: (Product::Confluence, "Spaces", "Id") }],
        source: Source::CqlSearch(Box::new(SEARCH)),
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
