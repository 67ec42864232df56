//! `UploadAttachment(ContentId, FileName, ContentBase64, Content, MediaType, Comment)`: attaches a
//! file to a Confluence page or blog post (v1 multipart upload, which both flavors have).

use base64::Engine;
use serde_json::{json, Value};

use super::{param, text, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Product, SqlType::*};
use crate::queries::Queries;
use crate::rest::{Flavor, Upload};
use crate::{MapperError, SqlState};

const PARAMS: &[ParamDef] = &[
    param("ContentId", BigInt, true, "Page or blog post id"),
    param("FileName", Varchar(255), true, "File name of the attachment"),
    param("ContentBase64", LongVarchar, false, "The file, base64-encoded"),
    param("Content", LongVarchar, false, "The file as text (UTF-8), instead of ContentBase64"),
    param("MediaType", Varchar(255), false, "MIME type (default application/octet-stream, text/plain for Content)"),
    param("Comment", Varchar(4000), false, "Upload comment"),
];

pub fn def() -> ProcedureDef {
    let c = ColumnDef::new;
    ProcedureDef {
        product: Product::Confluence,
        name: "UploadAttachment",
        remarks: "Attaches a file to a Confluence page or blog post; give its bytes as ContentBase64, or text as Content.",
        params: PARAMS,
        result: vec![
            c("Id", Varchar(64), false, at("/Id"), "New attachment id"),
            c("Title", Varchar(255), false, at("/Title"), "File name"),
            c("MediaType", Varchar(255), true, at("/MediaType"), "MIME type"),
            c("FileSize", BigInt, true, at("/FileSize"), "Size in bytes"),
        ],
        writes: true,
        run: |s, a| Box::pin(run(s, a)),
    }
}

/// The file an upload procedure was given: `ContentBase64` decoded, or `Content` as UTF-8 text
/// (exactly one of them), and the media type it has unless `MediaType` says.
pub(super) fn file_of(args: &Args, procedure: &str) -> Result<(Vec<u8>, &'static str), MapperError> {
    match (text(args, "ContentBase64"), text(args, "Content")) {
        (Some(b64), None) => Ok((
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|e| MapperError::new(SqlState::InvalidCharacterValue, format!("ContentBase64 is not base64: {e}")))?,
            "application/octet-stream",
        )),
        (None, Some(t)) => Ok((t.into_bytes(), "text/plain")),
        _ => Err(MapperError::new(SqlState::ParameterCount, format!("{procedure} needs exactly one of ContentBase64 and Content"))),
    }
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let content_id = text(&args, "ContentId").unwrap_or_default();
    let file_name = text(&args, "FileName").unwrap_or_default();
    let (bytes, default_type) = file_of(&args, "UploadAttachment")?;
    let media = text(&args, "MediaType").unwrap_or_else(|| default_type.to_string());
    let comment = text(&args, "Comment");
    let prefix = if session.client().flavor() == Flavor::Cloud { "/wiki" } else { "" };
    let path = format!("{prefix}/rest/api/content/{}/child/attachment", crate::values::url_encode(&content_id));
    let upload = Upload { file_name: &file_name, media_type: &media, bytes: &bytes, comment: comment.as_deref() };
    let v = session.client().upload(Product::Confluence, &path, &upload).await?;
    let made = v.pointer("/results/0").cloned().unwrap_or(v);
    Ok(vec![[
        ("Id".to_string(), made.get("id").cloned().unwrap_or(Value::Null)),
        ("Title".to_string(), made.get("title").cloned().unwrap_or(json!(file_name))),
        ("MediaType".to_string(), made.pointer("/extensions/mediaType").or_else(|| made.pointer("/metadata/mediaType")).cloned().unwrap_or(json!(media))),
        ("FileSize".to_string(), made.pointer("/extensions/fileSize").cloned().unwrap_or(json!(bytes.len()))),
    ]
    .into_iter()
    .collect()])
}
