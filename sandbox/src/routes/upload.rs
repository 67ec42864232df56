//! Multipart uploads as Atlassian takes them (Confluence's attachments, Jira's issue
//! attachments): `file` parts, an optional `comment`, and the `X-Atlassian-Token: no-check`
//! header their XSRF protection demands.

use axum::extract::Multipart;
use axum::http::{HeaderMap, StatusCode};

/// One uploaded file: name, media type, bytes.
pub struct UploadedFile {
    pub name: String,
    pub media_type: String,
    pub data: Vec<u8>,
}

/// The files and comment of an upload, or the status and message it is refused with.
pub async fn read_upload(headers: &HeaderMap, mut form: Multipart) -> Result<(Vec<UploadedFile>, String), (StatusCode, String)> {
    if headers.get("x-atlassian-token").and_then(|v| v.to_str().ok()) != Some("no-check") {
        // The request is read to its end before the refusal, as Atlassian's front end reads it:
        // a client still sending the file sees the 403, not a connection closed under it.
        while let Ok(Some(field)) = form.next_field().await {
            let _ = field.bytes().await;
        }
        return Err((StatusCode::FORBIDDEN, "XSRF check failed".into()));
    }
    let invalid = |e: axum::extract::multipart::MultipartError| (StatusCode::BAD_REQUEST, format!("Invalid multipart body: {e}"));
    let mut files = Vec::new();
    let mut comment = String::new();
    while let Some(field) = form.next_field().await.map_err(invalid)? {
        match field.name().unwrap_or("") {
            "file" => {
                let name = field.file_name().unwrap_or("file").to_string();
                let media_type = field.content_type().unwrap_or("application/octet-stream").to_string();
                let data = field.bytes().await.map_err(invalid)?.to_vec();
                files.push(UploadedFile { name, media_type, data });
            }
            "comment" => comment = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    if files.is_empty() {
        return Err((StatusCode::BAD_REQUEST, "No file was attached: send it as a multipart part named 'file'".into()));
    }
    Ok((files, comment))
}
