//! The `Source::HtmlPage` of the OAuth access tokens tables: the OAuth access tokens a user gave, where Atlassian shows them.
//!
//! - Data Center: the "View OAuth Access Tokens" page of each Jira and Confluence server
//!   (`/plugins/servlet/oauth/users/access-tokens`, seeds 000 and 001), HTML with no REST form.
//!   Its table is read by its headers, never by position; a page that is neither that table nor
//!   "None specified" (a login page: the credentials are not a signed-in user's) is an error,
//!   never an empty table. A row is revoked by posting its form's `token` back to the page, and
//!   the page read again confirms it.
//! - Cloud: no API lists or revokes the apps a user authorized (ECO-256; the user does it at
//!   [`CLOUD_APPS`]), so the rows are the grant this driver holds for the site.
//!
//! A row's `Id` is a digest of the form's `token` (an OAuth 1.0a access token is a secret the
//! page shows its owner only), or on Cloud the client id of the grant held.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::catalog::Product;
use crate::rest::{AtlassianClient, Flavor};
use crate::{MapperError, SqlState};

pub const PAGE: &str = crate::catalog::ACCESS_TOKENS_PAGE;
/// Where a Cloud user sees and removes the apps they authorized.
pub const CLOUD_APPS: &str = "https://id.atlassian.com/manage-profile/apps";

/// The rows of the table on this connection's flavor, in the JSON shape the columns read.
pub(crate) async fn rows(client: &AtlassianClient, product: Product) -> Result<Vec<Value>, MapperError> {
    match client.flavor() {
        Flavor::DataCenter => Ok(read_page(client, product).await?.into_iter().map(|r| r.json()).collect()),
        Flavor::Cloud => Ok(client.held_grant().await?.map(|g| held_row(&g)).into_iter().collect()),
    }
}

/// Revokes the row with this `Id`: on Data Center through the page's form, confirmed by reading
/// the page again; on Cloud the grant held is forgotten, with the note saying where the user
/// revokes it. Answers a note for the user, if any; a row that is not there is an error.
pub(crate) async fn revoke(client: &AtlassianClient, product: Product, id: &str) -> Result<Option<String>, MapperError> {
    match client.flavor() {
        Flavor::DataCenter => {
            let rows = read_page(client, product).await?;
            let Some(row) = rows.iter().find(|r| r.id() == id) else {
                return Err(MapperError::new(
                    SqlState::General,
                    format!("No OAuth access token with Id '{id}' is on the View OAuth Access Tokens page ({PAGE})"),
                ));
            };
            let (html, landed) = client.page(product, PAGE, Some(&[("token", row.token.as_str())])).await?;
            // The form answers 200 even for a token it did not know: the page read again says.
            let after = match PageTable::parse(&html) {
                Ok(t) if landed_on_page(&landed) => t.rows,
                _ => read_page(client, product).await?,
            };
            if after.iter().any(|r| r.token == row.token) {
                return Err(MapperError::new(
                    SqlState::General,
                    format!(
                        "The server kept the OAuth access token of '{}' after the revoke form was posted: revoke it on {PAGE}",
                        row.cell("consumer").unwrap_or("")
                    ),
                ));
            }
            Ok(None)
        }
        Flavor::Cloud => {
            let held = client.held_grant().await?;
            if held.as_ref().is_none_or(|g| g.client_id != id) {
                return Err(MapperError::new(SqlState::General, format!("This driver holds no OAuth grant with Id '{id}' for the site")));
            }
            client.forget_grant().await?;
            Ok(Some(format!(
                "The OAuth grant of client {id} was forgotten by this driver (its tokens are gone from {}), not revoked: Atlassian Cloud has no API that revokes an app's access. Revoke it at {CLOUD_APPS}",
                held.map(|g| g.store).unwrap_or_default()
            )))
        }
    }
}

async fn read_page(client: &AtlassianClient, product: Product) -> Result<Vec<PageRow>, MapperError> {
    if !matches!(client.scheme(), atlassian_oauth::AuthScheme::Basic | atlassian_oauth::AuthScheme::ApiToken) {
        return Err(MapperError::new(
            SqlState::NotSupported,
            format!(
                "The View OAuth Access Tokens page ({}) has no REST form and shows only to a user signed in with a password: connect with User and Password to read it, or open it in a browser",
                client.url(product, PAGE)
            ),
        ));
    }
    let (html, landed) = client.page(product, PAGE, None).await?;
    if !landed_on_page(&landed) {
        return Err(MapperError::new(SqlState::InvalidAuthorization, format!("The server sent the View OAuth Access Tokens page's request to {landed}: it did not take this connection's user and password as a signed-in user")));
    }
    PageTable::parse(&html)
        .map(|t| t.rows)
        .map_err(|why| MapperError::new(SqlState::General, format!("Cannot read the View OAuth Access Tokens page ({}): {why}", client.url(product, PAGE))))
}

fn landed_on_page(url: &str) -> bool {
    reqwest::Url::parse(url).is_ok_and(|u| u.path().trim_end_matches('/').ends_with(PAGE))
}

fn held_row(g: &atlassian_oauth::HeldGrant) -> Value {
    let time = |s: u64| chrono::DateTime::from_timestamp(s as i64, 0).map(|t| t.to_rfc3339());
    json!({
        "id": g.client_id,
        "clientId": g.client_id,
        "scopes": g.scope.split_whitespace().collect::<Vec<_>>().join(","),
        "issuedOn": time(g.issued_at),
        "expiresOn": g.expires_at.and_then(time),
        "listedBy": format!("OAuthSettingsLocation {}", g.store),
    })
}

/// One row of the page: its cells by normalised header, and what its revoke form posts.
#[derive(Debug, Clone, PartialEq)]
struct PageRow {
    cells: Vec<(String, String)>,
    token: String,
}

impl PageRow {
    fn cell(&self, header: &str) -> Option<&str> {
        self.cells.iter().find(|(h, _)| h == header).map(|(_, v)| v.as_str())
    }

    fn id(&self) -> String {
        let digest = Sha256::digest(self.token.as_bytes());
        digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
    }

    fn json(&self) -> Value {
        let text = |h: &[&str]| h.iter().find_map(|h| self.cell(h)).filter(|v| !v.is_empty()).map(str::to_string);
        json!({
            "id": self.id(),
            "consumer": text(&["consumer"]),
            "consumerDescription": text(&["consumerdescription", "description"]),
            "issuedOn": text(&["issuedon", "issued"]).and_then(|t| page_time(&t)),
            "expiresOn": text(&["expireson", "expires"]).and_then(|t| page_time(&t)),
            "listedBy": "View OAuth Access Tokens page",
        })
    }
}

/// The page's table of tokens.
#[derive(Debug)]
struct PageTable {
    rows: Vec<PageRow>,
}

impl PageTable {
    /// The first table with a "Consumer" header; "None specified" is an empty one.
    fn parse(html: &str) -> Result<PageTable, String> {
        let lower = html.to_ascii_lowercase();
        let mut from = 0;
        while let Some(at) = lower[from..].find("<table").map(|i| i + from) {
            let end = lower[at..].find("</table").map_or(lower.len(), |i| i + at);
            let table = &html[at..end];
            let headers: Vec<String> = elements(table, "th").iter().map(|h| normalised(&text_of(h))).collect();
            from = end;
            if !headers.iter().any(|h| h == "consumer") {
                continue;
            }
            let mut rows = Vec::new();
            for tr in elements(table, "tr") {
                let cells = elements(&tr, "td");
                if cells.is_empty() {
                    continue;
                }
                let token = input_value(&tr, "token").ok_or("a row of the table has no revoke form with a token")?;
                rows.push(PageRow { cells: headers.iter().cloned().zip(cells.iter().map(|c| text_of(c))).collect(), token });
            }
            return Ok(PageTable { rows });
        }
        if text_of(html).contains("None specified") {
            return Ok(PageTable { rows: Vec::new() });
        }
        Err("it shows neither a table of tokens nor 'None specified'".into())
    }
}

/// A header as the rows are keyed: lower case, letters and digits only.
fn normalised(h: &str) -> String {
    h.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// The inner HTML of each `<name ...>...</name>` in `html`, outermost first (an element that is
/// never closed runs to the next one or the end).
fn elements(html: &str, name: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{name}");
    let close = format!("</{name}");
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = lower[at..].find(&open).map(|i| i + at) {
        let after = lower.as_bytes().get(i + open.len()).copied();
        if !matches!(after, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')) {
            at = i + open.len();
            continue;
        }
        let Some(start) = lower[i..].find('>').map(|j| i + j + 1) else { break };
        let next_open = lower[start..].find(&open).map(|j| start + j);
        let end = match lower[start..].find(&close).map(|j| start + j) {
            Some(e) if next_open.is_none_or(|n| e < n) => e,
            _ => next_open.unwrap_or(lower.len()),
        };
        out.push(html[start..end].to_string());
        at = end;
    }
    out
}

/// The `value` of the `<input>` named `name` in `html`.
fn input_value(html: &str, name: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let mut at = 0;
    while let Some(i) = lower[at..].find("<input").map(|i| i + at) {
        let end = lower[i..].find('>').map_or(lower.len(), |j| i + j);
        let tag = &html[i..end];
        at = end;
        if attribute(tag, "name").is_some_and(|n| n == name) {
            return attribute(tag, "value");
        }
    }
    None
}

/// An attribute's value in one tag (quoted either way, or bare), entities decoded.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut at = 0;
    while let Some(i) = lower[at..].find(name).map(|i| i + at) {
        at = i + name.len();
        let before = lower.as_bytes().get(i.wrapping_sub(1)).copied();
        if !matches!(before, Some(b' ' | b'\t' | b'\n' | b'\r')) {
            continue;
        }
        let rest = tag[at..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else { continue };
        let rest = rest.trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or(""),
        };
        return Some(decode_entities(value));
    }
    None
}

/// The text of some HTML: tags dropped, entities decoded, white space collapsed.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(&out).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
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

/// A date as the page shows it, as RFC 3339 (UTC). Jira and Confluence format dates by the
/// server's settings: the common forms are read; another is NULL (and logged), never a guess.
fn page_time(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches(" UTC").trim_end_matches(" GMT").trim();
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&chrono::Utc).to_rfc3339());
    }
    const FORMATS: &[&str] = &[
        "%d %b %Y %H:%M",
        "%d %b %Y %H:%M:%S",
        "%d/%b/%y %I:%M %p",
        "%d/%b/%Y %I:%M %p",
        "%b %d, %Y %H:%M",
        "%b %d, %Y %I:%M %p",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ];
    for f in FORMATS {
        if let Ok(d) = chrono::NaiveDateTime::parse_from_str(t, f) {
            return Some(d.and_utc().to_rfc3339());
        }
    }
    for f in ["%d %b %Y", "%d/%b/%y", "%b %d, %Y", "%Y-%m-%d"] {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(t, f) {
            return d.and_hms_opt(0, 0, 0).map(|d| d.and_utc().to_rfc3339());
        }
    }
    tracing::warn!(target: "atlassian_odbc::scan", date = %text, "a date on the View OAuth Access Tokens page is in a form the driver does not read");
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE_HTML: &str = r#"<html><head><title>View OAuth Access Tokens</title></head><body>
<table class="aui"><tr><th>Name</th></tr><tr><td>not this one</td></tr></table>
<table id="oauth-access-tokens"><thead><tr><th>Issued On</th><th>Consumer</th><th>Consumer Description</th><th>Expires On</th><th>Actions</th></tr></thead>
<tbody>
<tr><td>01 Dec 2026 09:30 UTC</td><td>Bamboo &amp; Co</td><td>Builds <b>things</b></td><td>08 Dec 2026 09:30 UTC</td>
<td><form method="post" action="/plugins/servlet/oauth/users/access-tokens"><input type='hidden' value='tok&#39;1' name='token'><button>Revoke Access</button></form></td></tr>
<tr><td>2026-12-02 10:00</td><td>Reports</td><td></td><td>05/Dec/26 7:25 AM</td><td><form><input type=hidden name=token value=t2></form></td></tr>
</tbody></table></body></html>"#;

    #[test]
    fn reads_the_table_by_its_headers() {
        let t = PageTable::parse(PAGE_HTML).unwrap();
        assert_eq!(t.rows.len(), 2);
        let first = t.rows[0].json();
        assert_eq!(t.rows[0].token, "tok'1");
        assert_eq!(first["consumer"], "Bamboo & Co");
        assert_eq!(first["consumerDescription"], "Builds things");
        assert_eq!(first["issuedOn"], "2026-12-01T09:30:00+00:00");
        assert_eq!(first["expiresOn"], "2026-12-08T09:30:00+00:00");
        let second = t.rows[1].json();
        assert_eq!(second["consumerDescription"], Value::Null);
        assert_eq!(second["issuedOn"], "2026-12-02T10:00:00+00:00");
        assert_eq!(second["expiresOn"], "2026-12-05T07:25:00+00:00");
        assert_ne!(t.rows[0].id(), t.rows[1].id());
        assert!(!first["id"].as_str().unwrap().contains("tok"), "the id never shows the token");
    }

    #[test]
    fn none_specified_is_empty_and_another_page_is_an_error() {
        assert!(PageTable::parse("<h1>View OAuth Access Tokens</h1><p id=\"no-tokens\">None specified</p>").unwrap().rows.is_empty());
        assert!(PageTable::parse("<html><form action=\"/login.jsp\"><input name=\"os_username\"></form></html>").is_err());
        let no_form = "<table><tr><th>Consumer</th></tr><tr><td>x</td></tr></table>";
        assert!(PageTable::parse(no_form).is_err());
    }

    #[test]
    fn odd_markup_is_read_or_refused_without_panicking() {
        for html in [
            "<table",
            "<table><th>Consumer",
            "<td><input name=token value=",
            "&#xZZ; &#99999999; &",
            "<tablex><th>Consumer</th></tablex>",
            "<input name=\"token\" value=\"\u{e9}\">",
        ] {
            let _ = PageTable::parse(html);
            let _ = text_of(html);
        }
        assert_eq!(decode_entities("a &lt;b&gt; &#233; &#xe9; &bogus; &"), "a <b> \u{e9} \u{e9} &bogus; &");
        assert_eq!(page_time("sometime"), None);
    }
}
