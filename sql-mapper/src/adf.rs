//! Atlassian Document Format → plain text, for description and comment columns.

use serde_json::Value;

/// The text of an ADF document: block nodes separated by blank lines, hard breaks as newlines,
/// mentions and emoji by their text.
pub fn plain_text(doc: &Value) -> String {
    let mut blocks = Vec::new();
    for block in doc.get("content").and_then(Value::as_array).into_iter().flatten() {
        let mut s = String::new();
        inline(block, &mut s);
        blocks.push(s);
    }
    blocks.join("\n\n")
}

fn inline(node: &Value, out: &mut String) {
    match node.get("type").and_then(Value::as_str) {
        Some("text") => out.push_str(node.get("text").and_then(Value::as_str).unwrap_or("")),
        Some("hardBreak") => out.push('\n'),
        Some("mention") | Some("emoji") | Some("status") => {
            out.push_str(node.pointer("/attrs/text").and_then(Value::as_str).unwrap_or(""));
        }
        Some("inlineCard") => out.push_str(node.pointer("/attrs/url").and_then(Value::as_str).unwrap_or("")),
        _ => {
            let children = node.get("content").and_then(Value::as_array);
            for (i, c) in children.into_iter().flatten().enumerate() {
                // Nested blocks (list items, table cells) go on lines of their own.
                if i > 0 && c.get("content").is_some() && c.get("type").and_then(Value::as_str) != Some("text") {
                    out.push('\n');
                }
                inline(c, out);
            }
        }
    }
}

/// Plain text as an ADF document, the inverse of [`plain_text`]: blank lines separate
/// paragraphs, single line breaks become hard breaks.
pub fn from_plain_text(text: &str) -> Value {
    let paragraphs: Vec<Value> = text
        .split("\n\n")
        .map(|para| {
            let mut content = Vec::new();
            for (i, line) in para.split('\n').enumerate() {
                if i > 0 {
                    content.push(serde_json::json!({"type": "hardBreak"}));
                }
                if !line.is_empty() {
                    content.push(serde_json::json!({"type": "text", "text": line}));
                }
            }
            if content.is_empty() {
                serde_json::json!({"type": "paragraph"})
            } else {
                serde_json::json!({"type": "paragraph", "content": content})
            }
        })
        .collect();
    serde_json::json!({"type": "doc", "version": 1, "content": paragraphs})
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paragraphs_breaks_and_lists() {
        let doc = json!({"type": "doc", "version": 1, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "Hello "}, {"type": "mention", "attrs": {"text": "@Bob"}}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "a"}, {"type": "hardBreak"}, {"type": "text", "text": "b"}]},
            {"type": "bulletList", "content": [
                {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "one"}]}]},
                {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "two"}]}]}]}
        ]});
        assert_eq!(plain_text(&doc), "Hello @Bob\n\na\nb\n\none\ntwo");
        for text in ["one line", "a\nb", "p1\n\np2\nline", "", "trailing\n"] {
            assert_eq!(plain_text(&from_plain_text(text)), text, "round trip of {text:?}");
        }
        assert_eq!(plain_text(&json!({"type": "doc", "version": 1, "content": []})), "");
    }
}
