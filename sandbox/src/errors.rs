//! Error bodies in each product's own shape: Jira's `errorMessages`, Confluence v2's `errors`
//! array, Confluence v1's `statusCode`/`message`, and the API gateway's `code`/`message`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Jira,
    /// Jira Service Management's `ErrorResponse`: `errorMessage`.
    ServiceDesk,
    ConfluenceV2,
    ConfluenceV1,
    Gateway,
}

impl Family {
    /// The family a request path belongs to, for errors raised before a handler runs.
    pub fn of_path(path: &str) -> Family {
        let p = match path.strip_prefix("/ex/") {
            Some(rest) => rest.splitn(3, '/').nth(2).map(|r| format!("/{r}")).unwrap_or_default(),
            None => path.to_string(),
        };
        if p.starts_with("/rest/servicedeskapi/") || p == "/rest/servicedeskapi" {
            Family::ServiceDesk
        } else if p.starts_with("/wiki/api/v2") {
            Family::ConfluenceV2
        } else if p.starts_with("/wiki/") || is_dc_confluence(&p) {
            Family::ConfluenceV1
        } else {
            Family::Jira
        }
    }
}

/// Data Center Confluence lives at the root (`/rest/api/content`, `/rest/api/space`, ...).
fn is_dc_confluence(p: &str) -> bool {
    ["/rest/api/content", "/rest/api/space", "/rest/api/search", "/rest/api/user", "/rest/api/group", "/rest/api/longtask"]
        .iter()
        .any(|prefix| p.starts_with(prefix))
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub family: Family,
    pub messages: Vec<String>,
    /// Jira's per-field `errors` map.
    pub field_errors: Vec<(String, String)>,
}

impl ApiError {
    pub fn new(family: Family, status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, family, messages: vec![message.into()], field_errors: vec![] }
    }
    pub fn jira(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError::new(Family::Jira, status, message)
    }
    pub fn jira_messages(status: StatusCode, messages: Vec<String>) -> ApiError {
        ApiError { status, family: Family::Jira, messages, field_errors: vec![] }
    }
    pub fn jira_field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::BAD_REQUEST, family: Family::Jira, messages: vec![], field_errors: vec![(field.to_string(), message.into())] }
    }
    pub fn service_desk(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError::new(Family::ServiceDesk, status, message)
    }
    pub fn v2(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError::new(Family::ConfluenceV2, status, message)
    }
    pub fn v1(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError::new(Family::ConfluenceV1, status, message)
    }
    pub fn in_family(mut self, family: Family) -> ApiError {
        self.family = family;
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let reason = self.status.canonical_reason().unwrap_or("Error");
        let message = self.messages.join(" ");
        let body = match self.family {
            Family::Jira => {
                let errors: serde_json::Map<String, serde_json::Value> = self.field_errors.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
                json!({"errorMessages": self.messages, "errors": errors})
            }
            Family::ServiceDesk => json!({"errorMessage": message}),
            Family::ConfluenceV2 => {
                let code = reason.to_uppercase().replace([' ', '-'], "_");
                let errors: Vec<_> = if self.messages.is_empty() {
                    vec![json!({"status": self.status.as_u16(), "code": code, "title": reason, "detail": null})]
                } else {
                    self.messages.iter().map(|m| json!({"status": self.status.as_u16(), "code": code, "title": m, "detail": null})).collect()
                };
                json!({"errors": errors})
            }
            Family::ConfluenceV1 => json!({
                "statusCode": self.status.as_u16(),
                "data": {"authorized": self.status != StatusCode::UNAUTHORIZED && self.status != StatusCode::FORBIDDEN,
                         "valid": self.status != StatusCode::BAD_REQUEST, "errors": [], "successful": false},
                "message": message,
                "reason": reason,
            }),
            Family::Gateway => json!({"code": self.status.as_u16(), "message": message}),
        };
        (self.status, Json(body)).into_response()
    }
}

/// Handlers return this: a JSON body or an error in the right family's shape.
pub type ApiResult<T = Json<serde_json::Value>> = Result<T, ApiError>;
