//! `DownloadIssueAttachment(AttachmentId)`: a Jira issue attachment's file, base64-encoded (and
//! as text when it is text). Cloud serves it from `/rest/api/3/attachment/content/{id}`; Data
//! Center from the URI its metadata (`/rest/api/2/attachment/{id}`) gives as `content`, which
//! must be on the site itself: the connection's credentials go nowhere else.

use serde_json::{json, Value};

use super::download_attachment::{file_columns, file_row};
use super::{param, text, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{Product, SqlType::*};
use crate::queries::Queries;
use crate::rest::Flavor;
use crate::values::url_encode;
use crate::{MapperError, SqlState};

const PARAMS: &[ParamDef] = &[param("AttachmentId", BigInt, true, "Attachment id (see Jira.IssueAttachments)")];

pub fn def() -> ProcedureDef {
    ProcedureDef {
        product: Product::Jira,
        name: "DownloadIssueAttachment",
        remarks: "The file of a Jira issue attachment (see Jira.IssueAttachments for ids).",
        params: PARAMS,
        result: file_columns(BigInt),
        writes: false,
        run: |s, a| Box::pin(run(s, a)),
    }
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let id = text(&args, "AttachmentId").unwrap_or_default();
    let client = session.client();
    let api = client.flavor().jira_api();
    let meta = client.get_json(Product::Jira, &format!("/rest/api/{api}/attachment/{}", url_encode(&id))).await?;
    let path = match client.flavor() {
        // Without `redirect=false` Cloud answers with a redirect to its media service.
        Flavor::Cloud => format!("/rest/api/3/attachment/content/{}?redirect=false", url_encode(&id)),
        Flavor::DataCenter => {
            let content = meta.get("content").and_then(Value::as_str).unwrap_or_default();
            client.site_path(Product::Jira, content).ok_or_else(|| {
                MapperError::new(
                    SqlState::General,
                    format!("attachment {id}'s file is not on this site ({content}): it is not fetched with this connection's credentials"),
                )
            })?
        }
    };
    let bytes = client.get_bytes(Product::Jira, &path).await?;
    Ok(vec![file_row(
        json!(id.parse::<i64>().ok()),
        meta.get("filename").cloned().unwrap_or(Value::Null),
        meta.get("mimeType").cloned().unwrap_or(Value::Null),
        &bytes,
    )])
}
