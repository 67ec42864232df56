//! `DownloadAttachment(AttachmentId)`: a Confluence attachment's file, base64-encoded (and as
//! text when it is text), from its download link: v2's `downloadLink` (Cloud) or v1's
//! `_links.download` (Data Center).

use base64::Engine;
use serde_json::{json, Value};

use super::{param, text, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Product, SqlType::*};
use crate::queries::Queries;
use crate::rest::Flavor;
use crate::values::url_encode;
use crate::{MapperError, SqlState};

const PARAMS: &[ParamDef] = &[param("AttachmentId", Varchar(64), true, "Attachment id (att...)")];

pub fn def() -> ProcedureDef {
    ProcedureDef {
        product: Product::Confluence,
        name: "DownloadAttachment",
        remarks: "The file of a Confluence attachment (see Confluence.Attachments for ids).",
        params: PARAMS,
        result: file_columns(Varchar(64)),
        writes: false,
        run: |s, a| Box::pin(run(s, a)),
    }
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let id = text(&args, "AttachmentId").unwrap_or_default();
    let client = session.client();
    // Links are relative to Cloud's `/wiki`, or to the Data Center site itself.
    let (meta, base) = match client.flavor() {
        Flavor::Cloud => (client.get_json(Product::Confluence, &format!("/wiki/api/v2/attachments/{}", url_encode(&id))).await?, "/wiki"),
        Flavor::DataCenter => {
            let v1 = client.get_json(Product::Confluence, &format!("/rest/api/content/{}?expand=version,container", url_encode(&id))).await?;
            (crate::catalog::confluence::from_v1_attachment(&v1).into_iter().next().unwrap_or(Value::Null), "")
        }
    };
    let link =
        meta.get("downloadLink").and_then(Value::as_str).ok_or_else(|| MapperError::new(SqlState::General, format!("attachment {id} has no download link")))?;
    let bytes = client.get_bytes(Product::Confluence, &format!("{base}{link}")).await?;
    Ok(vec![file_row(json!(id), meta.get("title").cloned().unwrap_or(Value::Null), meta.get("mediaType").cloned().unwrap_or(Value::Null), &bytes)])
}

/// The download procedures' result columns, the attachment's id of this type.
pub(super) fn file_columns(id: crate::catalog::SqlType) -> Vec<ColumnDef> {
    let c = ColumnDef::new;
    vec![
        c("Id", id, false, at("/Id"), "Attachment id"),
        c("Title", Varchar(255), false, at("/Title"), "File name"),
        c("MediaType", Varchar(255), true, at("/MediaType"), "MIME type"),
        c("FileSize", BigInt, false, at("/FileSize"), "Bytes downloaded"),
        c("ContentBase64", LongVarchar, false, at("/ContentBase64"), "The file, base64-encoded"),
        c("Content", LongVarchar, true, at("/Content"), "The file as text, when it is UTF-8 text"),
    ]
}

/// A downloaded file as the download procedures' row: its bytes base64-encoded, and as text
/// when its media type is text and its bytes are UTF-8.
pub(super) fn file_row(id: Value, title: Value, media: Value, bytes: &[u8]) -> std::collections::HashMap<String, Value> {
    let as_text = media
        .as_str()
        .is_some_and(|m| m.starts_with("text/") || m.contains("json") || m.contains("xml"))
        .then(|| String::from_utf8(bytes.to_vec()).ok())
        .flatten();
    [
        ("Id".to_string(), id),
        ("Title".to_string(), title),
        ("MediaType".to_string(), media),
        ("FileSize".to_string(), json!(bytes.len())),
        ("ContentBase64".to_string(), json!(base64::engine::general_purpose::STANDARD.encode(bytes))),
        ("Content".to_string(), as_text.map(Value::String).unwrap_or(Value::Null)),
    ]
    .into_iter()
    .collect()
}
