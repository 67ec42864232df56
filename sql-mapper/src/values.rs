//! The bottom layer: JSON values as text, Atlassian's timestamps, and URL encoding, which every
//! layer above (catalog, rest, pushdown, scan, writes) reads and writes alike.

use serde_json::Value;

/// A JSON scalar as text: a string as it is, anything else as JSON.
pub(crate) fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Atlassian timestamps: `2024-01-31T10:00:00.000+0000` (Jira) or RFC 3339 (Confluence).
pub fn parse_timestamp_millis(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s).or_else(|_| chrono::DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z")).ok().map(|d| d.timestamp_millis())
}

/// Percent-encoding of a path segment or query value: every byte but RFC 3986's unreserved ones.
pub(crate) fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_as_text_timestamps_and_encoding() {
        assert_eq!(scalar_text(&serde_json::json!("a")), "a");
        assert_eq!(scalar_text(&serde_json::json!(12)), "12");
        assert_eq!(parse_timestamp_millis("2024-01-31T10:00:00.000+0000"), Some(1_706_695_200_000));
        assert_eq!(parse_timestamp_millis("2024-01-31T10:00:00Z"), Some(1_706_695_200_000));
        assert_eq!(url_encode("a b/ü~"), "a%20b%2F%C3%BC~");
    }
}
