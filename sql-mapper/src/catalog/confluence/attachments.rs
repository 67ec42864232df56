//! `Confluence.Attachments`: attachment metadata, from `/wiki/api/v2/attachments` (Cloud).
//! The files themselves come through the `DownloadAttachment` procedure.

use crate::catalog::{delete, Writes, at, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "Attachments",
        remarks: "Files attached to Confluence pages and blog posts.",
        columns: vec![
            c("Id", Varchar(64), false, at("/id"), "Attachment id (att...)"),
            c("Title", Varchar(255), false, at("/title"), "File name"),
            c("PageId", BigInt, true, at("/pageId"), "Page it is attached to"),
            c("BlogPostId", BigInt, true, at("/blogPostId"), "Blog post it is attached to"),
            c("MediaType", Varchar(255), true, at("/mediaType"), "MIME type"),
            c("FileSize", BigInt, true, at("/fileSize"), "Size in bytes"),
            c("Comment", Varchar(4000), true, at("/comment"), "Upload comment"),
            c("Status", Varchar(32), false, at("/status"), "current or trashed"),
            c("CreatedAt", Timestamp, true, at("/createdAt"), "Uploaded (UTC)"),
            c("VersionNumber", Integer, true, at("/version/number"), "Version of the file"),
            c("AuthorId", Varchar(128), true, at("/version/authorId"), "Who uploaded this version"),
            c("FileId", Varchar(128), true, at("/fileId"), "Media file id"),
            c("DownloadLink", Varchar(2000), true, at("/downloadLink"), "Download path, relative to the site's /wiki"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/wiki/api/v2/attachments", "/results", Paging::Cursor(250))).cloud_only()]),
        writes: Some(Writes { delete: Some(delete("/wiki/api/v2/attachments/{Id}")), ..Writes::default() }),
    }
}
