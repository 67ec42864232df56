//! Confluence's XHTML (storage format, rendered view) as plain text, for reading and searching
//! where markup cannot be shown: tags dropped, block elements (paragraphs, headings, list
//! items, rows, line breaks) on lines of their own, entities decoded, `CDATA` (a code macro's
//! body) kept as written, runs of blanks within a line made one space.

/// Elements whose start or end is a line break.
const BLOCKS: &[&str] = &["p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table", "ul", "ol", "hr"];

pub fn plain_text(xhtml: &str) -> String {
    let mut out = String::with_capacity(xhtml.len());
    let mut rest = xhtml;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        rest = &rest[lt..];
        if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let end = body.find("]]>").unwrap_or(body.len());
            out.push_str(&body[..end]);
            rest = body.get(end + 3..).unwrap_or("");
            continue;
        }
        let close = rest.find('>').map_or(rest.len(), |i| i + 1);
        let name: String = rest[1..close.saturating_sub(1).max(1)]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if BLOCKS.contains(&name.as_str()) {
            out.push('\n');
        }
        rest = &rest[close..];
    }
    out.push_str(&decode_entities(rest));
    out.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

/// XML's and HTML's common entities, and numeric ones; an unknown entity stays as written.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..semi];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16).ok().and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn markup_becomes_lines_of_text() {
        assert_eq!(plain_text("<h1>Plan</h1><p>Ship &amp; <strong>tell</strong>.</p><ul><li>one</li><li>two&#x21;</li></ul>"), "Plan\nShip & tell.\none\ntwo!");
        assert_eq!(
            plain_text(
                r#"<p>See</p><ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[if a < b { x(); }]]></ac:plain-text-body></ac:structured-macro>"#
            ),
            "See\nif a < b { x(); }"
        );
        // A no-break space is a blank like any other.
        assert_eq!(plain_text("a&nbsp;b &unknown; c<br/>d"), "a b &unknown; c\nd");
        assert_eq!(plain_text(""), "");
        assert_eq!(plain_text("<p>unclosed"), "unclosed");
    }
}
