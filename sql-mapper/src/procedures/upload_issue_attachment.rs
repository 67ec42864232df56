//! `UploadIssueAttachment(IssueKey, FileName, ContentBase64, Content, MediaType)`: attaches a
//! file to a Jira issue (`POST /rest/api/{3|2}/issue/{key}/attachments`, multipart, both flavors).

use serde_json::Value;

use super::upload_attachment::file_of;
use super::{param, text, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Product, SqlType::*};
use crate::queries::Queries;
use crate::rest::Upload;
use crate::values::url_encode;
use crate::MapperError;

const PARAMS: &[ParamDef] = &[
    param("IssueKey", Varchar(255), true, "Issue key or id"),
    param("FileName", Varchar(255), true, "File name of the attachment"),
    param("ContentBase64", LongVarchar, false, "The file, base64-encoded"),
    param("Content", LongVarchar, false, "The file as text (UTF-8), instead of ContentBase64"),
    param("MediaType", Varchar(255), false, "MIME type (default application/octet-stream, text/plain for Content)"),
];

pub fn def() -> ProcedureDef {
    let c = ColumnDef::new;
    ProcedureDef {
        product: Product::Jira,
        name: "UploadIssueAttachment",
        remarks: "Attaches a file to a Jira issue; give its bytes as ContentBase64, or text as Content.",
        params: PARAMS,
        result: vec![
            c("Id", BigInt, false, at("/Id"), "New attachment id"),
            c("FileName", Varchar(255), false, at("/FileName"), "File name"),
            c("MimeType", Varchar(255), true, at("/MimeType"), "MIME type"),
            c("Size", BigInt, true, at("/Size"), "Size in bytes"),
        ],
        writes: true,
        run: |s, a| Box::pin(run(s, a)),
    }
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let key = text(&args, "IssueKey").unwrap_or_default();
    let file_name = text(&args, "FileName").unwrap_or_default();
    let (bytes, default_type) = file_of(&args, "UploadIssueAttachment")?;
    let media = text(&args, "MediaType").unwrap_or_else(|| default_type.to_string());
    let client = session.client();
    let path = format!("/rest/api/{}/issue/{}/attachments", client.flavor().jira_api(), url_encode(&key));
    let upload = Upload { file_name: &file_name, media_type: &media, bytes: &bytes, comment: None };
    let answer = client.upload(Product::Jira, &path, &upload).await?;
    // The answer lists the attachments added: one here.
    let made = answer.get(0).cloned().unwrap_or(answer);
    let id = made.get("id").and_then(|v| v.as_str().and_then(|s| s.parse::<i64>().ok()).or_else(|| v.as_i64()));
    Ok(vec![[
        ("Id".to_string(), id.map(Value::from).unwrap_or(Value::Null)),
        ("FileName".to_string(), made.get("filename").cloned().unwrap_or(Value::String(file_name))),
        ("MimeType".to_string(), made.get("mimeType").cloned().unwrap_or(Value::String(media))),
        ("Size".to_string(), made.get("size").cloned().unwrap_or(Value::from(bytes.len()))),
    ]
    .into_iter()
    .collect()])
}
