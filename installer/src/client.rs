//! `test`, `query` and `login`: the driver used as any application uses it, through the driver
//! manager (odbc-api), so what works here works in a BI tool with the same DSN.

use std::io::IsTerminal;
use std::time::Instant;

use anyhow::{anyhow, Result};
use odbc_api::buffers::TextRowSet;
use odbc_api::handles::DataType;
use odbc_api::{ConnectionOptions, Cursor, Environment};

use crate::output::{Format, Kind, RowWriter};

/// What to connect to: a DSN's name, or a whole connection string (it has `=` in it), plus
/// `--set KEY=VALUE` properties given on the command line (secrets left out of the DSN).
pub struct Target {
    pub text: String,
    pub extra: Vec<(String, String)>,
}

impl Target {
    fn is_dsn(&self) -> bool {
        !self.text.contains('=')
    }

    pub fn connection_string(&self, more: &[(&str, &str)]) -> String {
        let mut s = if self.is_dsn() { format!("DSN={};", self.text) } else { format!("{};", self.text.trim().trim_end_matches(';')) };
        for (k, v) in self.extra.iter().map(|(k, v)| (k.as_str(), v.as_str())).chain(more.iter().copied()) {
            s.push_str(&format!("{k}={};", odbc_api::escape_attribute_value(v)));
        }
        s
    }

    /// The properties the connection will have, as far as this program can see them: the DSN's
    /// attributes, then the connection string's (which win), lower-cased keys.
    fn properties(&self) -> Vec<(String, String)> {
        let mut props: Vec<(String, String)> = Vec::new();
        let mut put = |k: &str, v: &str| {
            let k = k.trim().to_ascii_lowercase();
            props.retain(|(n, _)| *n != k);
            props.push((k, v.trim().trim_start_matches('{').trim_end_matches('}').to_string()));
        };
        let pairs = split_connection_string(&self.connection_string(&[]));
        if let Some((_, dsn)) = pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case("dsn")) {
            for (k, v) in crate::registration::dsn_attributes(dsn) {
                put(&k, &v);
            }
        }
        for (k, v) in &pairs {
            put(k, v);
        }
        props
    }
}

/// `KEY=VALUE;` pairs, with `{...}` values that may hold `;`.
fn split_connection_string(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].trim().trim_start_matches(';').trim().to_string();
        let after = &rest[eq + 1..];
        let (value, next) = if after.trim_start().starts_with('{') {
            let open = after.find('{').expect("starts with {");
            match after[open..].find("};").or_else(|| after[open..].rfind('}')) {
                Some(close) => (&after[open..open + close + 1], &after[(open + close + 1).min(after.len())..]),
                None => (after, ""),
            }
        } else {
            match after.find(';') {
                Some(i) => (&after[..i], &after[i..]),
                None => (after, ""),
            }
        };
        if !key.is_empty() {
            out.push((key, value.to_string()));
        }
        rest = next.strip_prefix(';').unwrap_or(next);
    }
    out
}

/// An ODBC failure as the user should read it: SQLSTATE, the driver's message, and what to do.
pub fn explain(e: odbc_api::Error) -> anyhow::Error {
    match &e {
        odbc_api::Error::Diagnostics { record, .. } => {
            let state = record.state.as_str().to_string();
            let message = String::from_utf8_lossy(&record.message).trim_end_matches('\0').to_string();
            let remedy = remedy(&state).map(|r| format!("\n  What to do: {r}")).unwrap_or_default();
            anyhow!("[{state}] {message}{remedy}")
        }
        other => anyhow!("{other}"),
    }
}

/// What to do about a SQLSTATE (the README's troubleshooting table says the same).
pub fn remedy(state: &str) -> Option<&'static str> {
    Some(match state {
        "28000" => "the site refused the credentials: check User and APIToken (Cloud; create a token at id.atlassian.com), PersonalAccessToken (Data Center), or sign in again with `atlassian-odbc login`.",
        "08001" => "the site could not be reached or the properties are incomplete: check Url (https://yoursite.atlassian.net or your Data Center base URL), the network, the proxy settings and SSLServerCert.",
        "08S01" | "HYT00" => "the site did not answer in time: check the network, or raise Timeout.",
        "IM002" => "the driver manager knows no such DSN or driver: `atlassian-odbc dsn list` shows the DSNs, `atlassian-odbc install` registers the driver.",
        "IM003" => "the driver library could not be loaded: register it again with `atlassian-odbc install --driver PATH`.",
        "42S02" => "no such table: names are Schema.Table (Jira.Issues, Confluence.Pages); a tool's table browser (SQLTables) lists them all, and `atlassian-odbc test` counts them.",
        "42S22" => "no such column: the error names the columns that exist.",
        "42000" => "the statement is not valid SQL for this driver: see the README's SQL section.",
        "HYC00" => "this is not available on this kind of site (Cloud or Data Center): the message says which.",
        _ => return None,
    })
}

pub fn environment() -> Result<Environment> {
    Environment::new().map_err(|e| anyhow!("cannot start the ODBC driver manager (is unixODBC installed?): {e}"))
}

pub fn test(target: &Target) -> Result<()> {
    let env = environment()?;
    let started = Instant::now();
    let conn = env.connect_with_connection_string(&target.connection_string(&[]), ConnectionOptions::default()).map_err(explain)?;
    let connected = started.elapsed();
    let props = target.properties();
    let scheme = atlassian_oauth::AuthScheme::of_properties(|k| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()))
        .map(|s| s.to_string())
        .unwrap_or_else(|e| e);
    let url = props.iter().find(|(k, _)| k == "url").map(|(_, v)| v.clone()).unwrap_or_default();
    let mut who = String::from("(anonymous)");
    if let Some(cursor) = conn.execute("SELECT DisplayName, EmailAddress, AccountId FROM Jira.CurrentUser", (), None).map_err(explain)? {
        let rows = fetch_text(cursor, 1)?;
        if let Some(r) = rows.first() {
            let part = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
            who = format!("{} <{}> (account {})", part(0), part(1), part(2));
        }
    }
    let tables = conn.tables("", "", "", "TABLE").map_err(explain)?.count();
    let total = started.elapsed();
    println!("Connected to {url}");
    println!("  AuthScheme: {scheme}");
    println!("  Signed in as: {who}");
    println!("  Tables: {tables}");
    println!("  Timing: connect {} ms, total {} ms", connected.as_millis(), total.as_millis());
    Ok(())
}

/// Every row of a small result as text.
pub fn fetch_text(mut cursor: impl Cursor, batch: usize) -> Result<Vec<Vec<Option<String>>>> {
    let buffer = TextRowSet::for_cursor(batch, &mut cursor, Some(4096)).map_err(explain)?;
    let mut block = cursor.bind_buffer(buffer).map_err(explain)?;
    let mut out = Vec::new();
    while let Some(b) = block.fetch().map_err(explain)? {
        for r in 0..b.num_rows() {
            out.push((0..b.num_cols()).map(|c| b.at_as_str(c, r).ok().flatten().map(str::to_string)).collect());
        }
    }
    Ok(out)
}

fn kind_of(t: DataType) -> Kind {
    match t {
        DataType::Integer
        | DataType::SmallInt
        | DataType::BigInt
        | DataType::TinyInt
        | DataType::Double
        | DataType::Real
        | DataType::Float { .. }
        | DataType::Numeric { .. }
        | DataType::Decimal { .. } => Kind::Number,
        DataType::Bit => Kind::Bool,
        _ => Kind::Text,
    }
}

/// Rows per fetch, and the most bytes kept of one value (longer bodies are cut to this).
const BATCH: usize = 200;
const MAX_VALUE_BYTES: usize = 16 * 1024;

pub fn query(target: &Target, sql: &str, format: Format) -> Result<()> {
    let env = environment()?;
    let conn = env.connect_with_connection_string(&target.connection_string(&[]), ConnectionOptions::default()).map_err(explain)?;
    let mut stmt = conn.preallocate().map_err(explain)?;
    let printed = match stmt.execute(sql, ()).map_err(explain)? {
        Some(cursor) => {
            print_rows(cursor, format)?;
            true
        }
        None => false,
    };
    if !printed {
        match stmt.row_count().map_err(explain)? {
            Some(n) => println!("{n} row{} affected.", if n == 1 { "" } else { "s" }),
            None => println!("Done."),
        }
    }
    Ok(())
}

/// Streams a result set to stdout, batch by batch; on a terminal, a progress line on stderr.
fn print_rows(mut cursor: impl Cursor, format: Format) -> Result<()> {
    let started = Instant::now();
    let progress = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
    let names: Vec<String> = cursor.column_names().map_err(explain)?.collect::<Result<_, _>>().map_err(explain)?;
    let mut kinds = Vec::new();
    for i in 1..=names.len() as u16 {
        kinds.push(kind_of(cursor.col_data_type(i).map_err(explain)?));
    }
    let buffer = TextRowSet::for_cursor(BATCH, &mut cursor, Some(MAX_VALUE_BYTES)).map_err(explain)?;
    let mut block = cursor.bind_buffer(buffer).map_err(explain)?;
    let mut out = RowWriter::new(format, names, kinds, std::io::stdout().lock());
    while let Some(b) = block.fetch().map_err(explain)? {
        let rows: Vec<Vec<Option<String>>> =
            (0..b.num_rows()).map(|r| (0..b.num_cols()).map(|c| b.at_as_str(c, r).ok().flatten().map(str::to_string)).collect()).collect();
        out.batch(&rows)?;
        if progress {
            eprint!("\r{} rows in {:.1} s…", out.rows(), started.elapsed().as_secs_f64());
        }
    }
    if progress {
        eprint!("\r\x1b[K");
    }
    out.finish()
}

/// The desktop sign-in once: the driver opens the browser (`InitiateOAuth=GETANDREFRESH`),
/// receives the code on the callback URL and saves the tokens where `OAuthSettingsLocation` says,
/// so that connections with `InitiateOAuth=REFRESH` (BI tools that cannot open a browser) work.
pub fn login(target: &Target) -> Result<()> {
    let env = environment()?;
    let props = target.properties();
    let more: Vec<(&str, &str)> = if props.iter().any(|(k, _)| k == "initiateoauth") { vec![] } else { vec![("InitiateOAuth", "GETANDREFRESH")] };
    let mut cs = target.connection_string(&more);
    if !props.iter().any(|(k, _)| k == "authscheme") {
        cs.push_str("AuthScheme=OAuth;");
    }
    let conn = env.connect_with_connection_string(&cs, ConnectionOptions::default()).map_err(explain)?;
    let mut who = String::new();
    if let Some(cursor) = conn.execute("SELECT DisplayName, EmailAddress FROM Jira.CurrentUser", (), None).map_err(explain)? {
        if let Some(r) = fetch_text(cursor, 1)?.first() {
            who = format!(" as {} <{}>", r[0].clone().unwrap_or_default(), r[1].clone().unwrap_or_default());
        }
    }
    let location =
        props.iter().find(|(k, _)| k == "oauthsettingslocation").map(|(_, v)| v.clone()).unwrap_or_else(|| "the driver's default settings location".into());
    println!("Signed in{who}. The tokens are saved in {location}; connections with InitiateOAuth=REFRESH will use and refresh them.");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_strings_split_with_braces() {
        let pairs = split_connection_string("DSN=x;Url={https://a;b};User=me;Empty=;");
        assert_eq!(pairs, vec![("DSN".into(), "x".into()), ("Url".into(), "{https://a;b}".into()), ("User".into(), "me".into()), ("Empty".into(), "".into())]);
    }

    #[test]
    fn a_target_is_a_dsn_or_a_connection_string() {
        let t = Target { text: "Demo".into(), extra: vec![("APIToken".into(), "a;b".into())] };
        assert_eq!(t.connection_string(&[]), "DSN=Demo;APIToken={a;b};");
        let t = Target { text: "Driver={Atlassian ODBC};Url=http://x;".into(), extra: vec![] };
        assert_eq!(t.connection_string(&[("Timeout", "5")]), "Driver={Atlassian ODBC};Url=http://x;Timeout=5;");
    }
}
