//! `Confluence.Attachments`: attachment metadata, from `/wiki/api/v2/attachments` (Cloud).
//! The files themselves come through the `DownloadAttachment` procedure.

use crate::catalog::{at, delete, list, ColumnDef, DataCenterWrites, Endpoint, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef, Writes};

const PAGE: ParentLink = ParentLink { table: (Product::Confluence, "Pages"), bind: &[("Id", "ContentId")], only: None };
const BLOG_POST: ParentLink = ParentLink { table: (Product::Confluence, "BlogPosts"), bind: &[("Id", "ContentId")], only: None };
const V1_ATTACHMENTS: Endpoint =
    list("/rest/api/content/{ContentId}/child/attachment?expand=version,container", "/results", Paging::Start(200)).unnest(super::from_v1_attachment);

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "Attachments",
        remarks: "Files attached to Confluence pages and blog posts.",
        columns: vec![
            c("Id", Varchar(64), true, at("/id"), "Attachment id (att...)"),
            c("Title", Varchar(255), true, at("/title"), "File name"),
            c("PageId", BigInt, true, at("/pageId"), "Page it is attached to"),
            c("BlogPostId", BigInt, true, at("/blogPostId"), "Blog post it is attached to"),
            c("MediaType", Varchar(255), true, at("/mediaType"), "MIME type"),
            c("FileSize", BigInt, true, at("/fileSize"), "Size in bytes"),
            c("Comment", Varchar(4000), true, at("/comment"), "Upload comment"),
            c("Status", Varchar(32), true, at("/status"), "current or trashed"),
            c("CreatedAt", Timestamp, true, at("/createdAt"), "Uploaded (UTC)"),
            c("VersionNumber", Integer, true, at("/version/number"), "Version of the file"),
            c("AuthorId", Varchar(128), true, at("/version/authorId"), "Who uploaded this version"),
            c("FileId", Varchar(128), true, at("/fileId"), "Media file id"),
            c("DownloadLink", Varchar(2000), true, at("/downloadLink"), "Download path, relative to the site's /wiki"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        // Cloud lists every attachment at once; Data Center lists them per page and blog post.
        source: Source::Lists(vec![
            Part::list(list("/wiki/api/v2/attachments", "/results", Paging::Cursor(250))).cloud_only(),
            Part { parent: Some(PAGE), cloud: None, data_center: Some(V1_ATTACHMENTS), constants: &[], by_hand: None },
            Part { parent: Some(BLOG_POST), cloud: None, data_center: Some(V1_ATTACHMENTS), constants: &[], by_hand: None },
        ]),
        writes: Some(Writes {
            delete: Some(delete("/wiki/api/v2/attachments/{Id}")),
            // Attachments are content in v1: Data Center deletes them as such.
            data_center: Some(DataCenterWrites {
                insert: None,
                update: None,
                delete: Some(delete("/rest/api/content/{Id}")),
                body: std::convert::identity,
                answer: super::from_v1_attachment,
            }),
            ..Writes::default()
        }),
    }
}
