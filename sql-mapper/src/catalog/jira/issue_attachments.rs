//! `Jira.IssueAttachments`: the files attached to each issue, from the issues' own `attachment`
//! field, which the issue search brings with the parents: no request per issue. Files are read
//! with `Jira.DownloadIssueAttachment` and added with `Jira.UploadIssueAttachment`; deleting a
//! row deletes the attachment.

use crate::catalog::{at, context, delete, first_of, ColumnDef, Endpoint, ForeignKey, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef, Writes};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "IssueAttachments",
        remarks: "Files attached to Jira issues (their bytes: EXEC Jira.DownloadIssueAttachment).",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Attachment id"),
            c("IssueKey", Varchar(255), true, context("IssueKey"), "Key of the issue"),
            c("IssueId", BigInt, true, context("IssueId"), "Id of the issue"),
            c("FileName", Varchar(255), true, at("/filename"), "File name"),
            c("MimeType", Varchar(255), true, at("/mimeType"), "MIME type"),
            c("Size", BigInt, true, at("/size"), "Size in bytes"),
            c("Created", Timestamp, true, at("/created"), "When it was attached (UTC)"),
            c(
                "AuthorAccountId",
                Varchar(128),
                true,
                first_of(&["/author/accountId", "/author/name"]),
                "Who attached it: account id (Cloud) or username (Data Center)",
            ),
            c("AuthorDisplayName", Varchar(255), true, at("/author/displayName"), "Their display name"),
            c("ContentUrl", Varchar(4000), true, at("/content"), "Where the site serves the file"),
        ],
        key: &["Id"],
        foreign_keys: &[ForeignKey { column: "IssueKey", references: (Product::Jira, "Issues", "Key") }],
        source: Source::Lists(vec![Part::per(
            ParentLink { table: (Product::Jira, "Issues"), bind: &[("Key", "IssueKey"), ("Id", "IssueId"), ("Attachments", "Attachments")], only: None },
            Endpoint::new("", "", Paging::Context("Attachments")),
        )]),
        writes: Some(Writes { delete: Some(delete("/rest/api/{api}/attachment/{Id}")), ..Writes::default() }),
    }
}
