//! `Confluence.Comments`: footer and inline comments, from `/wiki/api/v2/footer-comments` and
//! `/wiki/api/v2/inline-comments` (Cloud), with the page or blog post each belongs to.

use crate::catalog::{at, delete, list, post, put, ColumnDef, Endpoint, Paging, ParentLink, Part, Product, Shape, Source, SqlType::*, TableDef, Writes};

const PAGE: ParentLink = ParentLink { table: (Product::Confluence, "Pages"), bind: &[("Id", "ContentId")], only: None };
const BLOG_POST: ParentLink = ParentLink { table: (Product::Confluence, "BlogPosts"), bind: &[("Id", "ContentId")], only: None };
const V1_COMMENTS: Endpoint =
    list("/rest/api/content/{ContentId}/child/comment?depth=all&expand=version,history,extensions.location,container", "/results", Paging::Start(200))
        .unnest(super::from_v1_content);

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "Comments",
        remarks: "Confluence footer and inline comments on pages and blog posts.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Comment id"),
            c("Location", Varchar(16), true, at("/location"), "footer or inline"),
            c("PageId", BigInt, true, at("/pageId"), "Page commented on").writes("/pageId", Shape::Text),
            c("BlogPostId", BigInt, true, at("/blogPostId"), "Blog post commented on").writes("/blogPostId", Shape::Text),
            c("ParentCommentId", BigInt, true, at("/parentCommentId"), "The comment this one replies to").writes("/parentCommentId", Shape::Text),
            c("Title", Varchar(255), true, at("/title"), "Title"),
            c("Status", Varchar(32), true, at("/status"), "current, draft or trashed"),
            c("AuthorId", Varchar(128), true, at("/version/authorId"), "Author of the current version"),
            c("CreatedAt", Timestamp, true, at("/version/createdAt"), "When the current version was made (UTC)"),
            c("VersionNumber", Integer, true, at("/version/number"), "Current version number"),
            c("ResolutionStatus", Varchar(32), true, at("/resolutionStatus"), "Inline comments: open, resolved, reopened or dangling"),
            c("InlineSelection", Varchar(4000), true, at("/properties/inlineOriginalSelection"), "Inline comments: the text they are attached to"),
            c("Body", LongVarchar, true, at("/body/storage/value"), "Body in storage format (XHTML)")
                .field("body-format=storage")
                .writes("/body/value", Shape::Plain),
        ],
        key: &["Id"],
        foreign_keys: &[],
        // Cloud lists every comment at once; Data Center lists them per page and blog post.
        source: Source::Lists(vec![
            Part::list(list("/wiki/api/v2/footer-comments", "/results", Paging::Cursor(250)).unnest(super::footer)).cloud_only(),
            Part::list(list("/wiki/api/v2/inline-comments", "/results", Paging::Cursor(250)).unnest(super::inline)).cloud_only(),
            Part { parent: Some(PAGE), cloud: None, data_center: Some(V1_COMMENTS), constants: &[], by_hand: None },
            Part { parent: Some(BLOG_POST), cloud: None, data_center: Some(V1_COMMENTS), constants: &[], by_hand: None },
        ]),
        // New comments are footer comments; an existing one is changed where it lives.
        writes: Some(Writes {
            insert: Some(post("/wiki/api/v2/footer-comments")),
            update: Some(put("/wiki/api/v2/{Location}-comments/{Id}")),
            delete: Some(delete("/wiki/api/v2/{Location}-comments/{Id}")),
            fixed: &[("/body/representation", "\"storage\"")],
            insert_only: &["PageId", "BlogPostId", "ParentCommentId"],
            required: &["Body"],
            versioned: Some(("VersionNumber", "/version/number")),
            returns: &[("Id", "/id"), ("Location", "")],
            data_center: Some(super::v1_content_writes(super::to_v1_comment)),
            ..Writes::default()
        }),
    }
}
