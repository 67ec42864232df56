//! Data Center's "View OAuth Access Tokens" page against the real binary: the seeded gadget
//! consumers' tokens (seven days each) as a table read by its headers, revoking through the
//! page's form (401 for someone else's token or no sign-in, 400 without the field, 200 for an
//! unknown one), and Cloud without Data Center's login page and provider.

mod support;

use support::SandboxProc;

const PAGE: &str = "/plugins/servlet/oauth/users/access-tokens";

/// The page's table as (header → cell) rows, plus each row's revoke-form token.
fn table(html: &str) -> Vec<(Vec<(String, String)>, String)> {
    let cells = |row: &str, tag: &str| -> Vec<String> {
        row.split(&format!("<{tag}>")).skip(1).map(|c| c.split(&format!("</{tag}>")).next().unwrap_or("").to_string()).collect()
    };
    let Some(start) = html.find("<table id=\"oauth-access-tokens\"") else { return Vec::new() };
    let t = &html[start..html[start..].find("</table>").map(|e| start + e).unwrap()];
    let headers = cells(t.split("</thead>").next().unwrap(), "th");
    t.split("<tr>")
        .skip(2)
        .map(|row| {
            let values = cells(row, "td");
            let token = row.split("name=\"token\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("").to_string();
            (headers.iter().cloned().zip(values).collect(), token)
        })
        .collect()
}

fn post(sp: &SandboxProc, form: &[(&str, &str)], as_user: Option<(&str, &str)>) -> (u16, String) {
    let mut req = sp.http.post(sp.url(PAGE)).form(form);
    if let Some((u, p)) = as_user {
        req = req.basic_auth(u, Some(p));
    }
    let resp = req.send().unwrap();
    (resp.status().as_u16(), resp.text().unwrap())
}

#[test]
fn the_page_lists_consumer_tokens_and_revokes_through_its_form() {
    let sp = SandboxProc::start(&["--flavor", "datacenter"]);
    let user = (sp.info.user.as_str(), sp.info.api_token.as_str());
    let html = sp.get(PAGE).text().unwrap();
    let rows = table(&html);
    assert_eq!(rows.len(), 2, "{html}");
    for (cells, token) in &rows {
        let get = |h: &str| cells.iter().find(|(k, _)| k == h).map(|(_, v)| v.clone()).unwrap_or_else(|| panic!("no {h} column"));
        let issued = chrono::NaiveDateTime::parse_from_str(&get("Issued On"), "%d %b %Y %H:%M UTC").unwrap();
        let expires = chrono::NaiveDateTime::parse_from_str(&get("Expires On"), "%d %b %Y %H:%M UTC").unwrap();
        assert_eq!(expires - issued, chrono::Duration::days(7), "seven days after issue");
        assert!(!get("Consumer").is_empty() && !get("Consumer Description").is_empty() && !token.is_empty());
    }
    // Without sign-in: to the login page (GET), 401 (POST).
    let anon = sp.http.get(sp.url(PAGE)).send().unwrap();
    assert_eq!(anon.status().as_u16(), 302);
    assert!(anon.headers()["location"].to_str().unwrap().starts_with("/login.jsp?os_destination="));
    assert_eq!(post(&sp, &[("token", &rows[0].1)], None).0, 401);
    // Someone else's token: 401, and it stays.
    assert_eq!(post(&sp, &[("token", &rows[0].1)], Some((sp.info.admin_user.as_str(), sp.info.admin_api_token.as_str()))).0, 401);
    assert_eq!(post(&sp, &[], Some(user)).0, 400);
    let (status, page) = post(&sp, &[("token", "no-such-token")], Some(user));
    assert_eq!((status, table(&page).len()), (200, 2), "an unknown token changes nothing");
    let (status, page) = post(&sp, &[("token", &rows[0].1)], Some(user));
    assert_eq!(status, 200);
    let left = table(&page);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].1, rows[1].1);
    // Cloud has neither Data Center's login page nor its OAuth 2.0 provider.
    let cloud = SandboxProc::start(&[]);
    assert_eq!(cloud.get("/login.jsp").status().as_u16(), 404);
    assert_eq!(cloud.get("/rest/oauth2/latest/authorize?client_id=x").status().as_u16(), 404);
}
