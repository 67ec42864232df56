//! Injection, as a property: string literals made of quotes, backslashes, JQL/CQL operators,
//! reserved words and functions, line breaks, tabs and non-ASCII text, used in `WHERE` through
//! the driver (as parameters and as SQL literals), reach the site as one JQL or CQL literal with
//! exactly that value. The query each statement sent is read from the sandbox's request log and
//! parsed by the sandbox's own JQL and CQL parsers; any change to the query's structure fails.

use std::sync::LazyLock;

use atlassian_sandbox::jql::{Clause, Literal, Operand, Operator};
use e2e_tests::Sandbox;
use odbc_api::{ConnectionOptions, Cursor, Environment, IntoParameter};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

static ENV: LazyLock<Environment> = LazyLock::new(|| {
    e2e_tests::odbc_config();
    Environment::new().expect("ODBC environment")
});

/// Pieces a hostile or unlucky value is made of.
const PIECES: &[&str] = &[
    "\"",
    "'",
    "\\",
    "\\\"",
    "\\'",
    "''",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    "(",
    ")",
    ",",
    "=",
    "!=",
    "~",
    "%",
    "_",
    "*",
    "?",
    "{",
    "}",
    "[",
    "]",
    ";",
    "--",
    "/*",
    "*/",
    " OR ",
    " AND ",
    " NOT ",
    "or",
    "AND",
    "ORDER BY key",
    " order by created DESC",
    "EMPTY",
    "null",
    "IS EMPTY",
    "in (",
    "project = SEC",
    "key = \"SEC-1\"",
    "\" OR project = SEC OR key = \"",
    "\") OR (project = \"SEC",
    "currentUser()",
    "membersOf(\"site-admins\")",
    "now()",
    "startOfDay(-1)",
    "space = SEC",
    "type = blogpost",
    "title ~ x",
    "ünïcödé",
    "✓",
    "日本語",
    "😀",
    "Ω",
    "\u{00a0}",
    "\u{2028}",
    "é",
];

fn value() -> impl Strategy<Value = String> {
    let piece = prop_oneof![3 => proptest::sample::select(PIECES).prop_map(str::to_string), 1 => "[a-zA-Z0-9 .:@#&+/-]{1,6}"];
    proptest::collection::vec(piece, 1..7).prop_map(|v| v.concat())
}

/// What the site saw since `from` (`METHOD /path?query`).
fn requests(sb: &Sandbox, from: usize) -> Vec<String> {
    let stats: Value = reqwest::blocking::get(sb.url("/__sandbox/stats")).unwrap().json().unwrap();
    stats["recent"].as_array().unwrap().iter().skip(from).map(|v| v.as_str().unwrap().to_string()).collect()
}

/// Forgets what the site saw so far: the next requests are the first `requests` lists (its log
/// keeps the latest thousand, which a long run fills).
fn forget_requests(sb: &Sandbox) -> usize {
    reqwest::blocking::Client::new().post(sb.url("/__sandbox/reset-stats")).send().unwrap();
    0
}

/// The value of query parameter `name` in the first request to `path` among `seen`.
fn sent(seen: &[String], path: &str, name: &str) -> String {
    let line = seen.iter().find(|l| l.contains(path)).unwrap_or_else(|| panic!("no request to {path} in {seen:?}"));
    let query = line.split_once('?').map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned()).unwrap_or_else(|| panic!("no {name} in {line}"))
}

fn drain(conn: &odbc_api::Connection<'_>, sql: &str, value: &str, as_parameter: bool) {
    let result = if as_parameter {
        conn.execute(sql, &value.into_parameter(), None)
    } else {
        conn.execute(&sql.replace('?', &format!("'{}'", value.replace('\'', "''"))), (), None)
    };
    let cursor = result.unwrap_or_else(|e| panic!("{sql} with {value:?}: {e}"));
    if let Some(mut c) = cursor {
        while let Some(mut row) = c.next_row().unwrap() {
            let mut buf = Vec::new();
            row.get_text(1, &mut buf).unwrap();
        }
    }
}

/// The JQL a Data Center site received for `Status = value`: exactly `status = "value"`.
fn jql_is_one_literal(sb: &Sandbox, conn: &odbc_api::Connection<'_>, value: &str, as_parameter: bool) -> Result<(), TestCaseError> {
    let from = forget_requests(sb);
    drain(conn, "SELECT Id FROM Jira.Issues WHERE Status = ?", value, as_parameter);
    let jql = sent(&requests(sb, from), "/rest/api/2/search?", "jql");
    let q = atlassian_sandbox::jql::parse(&jql).map_err(|e| TestCaseError::fail(format!("the sandbox cannot parse {jql:?}: {e:?}")))?;
    prop_assert!(q.order_by.is_empty(), "no ORDER BY smuggled in: {}", jql);
    match q.where_clause {
        Some(Clause::Terminal(t)) => {
            prop_assert_eq!(t.field.name.to_lowercase(), "status", "{}", jql);
            prop_assert_eq!(t.op, Operator::Equals, "{}", jql);
            prop_assert_eq!(t.operand, Some(Operand::Value(Literal::Str(value.to_string()))), "{}", jql);
        }
        other => prop_assert!(false, "{jql:?} is not one clause: {other:?}"),
    }
    Ok(())
}

/// The CQL a site received for `Title = value`: `type = page` and `title = "value"`, nothing else.
fn cql_is_one_literal(sb: &Sandbox, conn: &odbc_api::Connection<'_>, value: &str, as_parameter: bool) -> Result<(), TestCaseError> {
    let from = forget_requests(sb);
    drain(conn, "SELECT Id FROM Confluence.Pages WHERE Title = ?", value, as_parameter);
    let cql = sent(&requests(sb, from), "/rest/api/content/search?", "cql");
    let q = atlassian_sandbox::cql::parse(&cql).map_err(|e| TestCaseError::fail(format!("the sandbox cannot parse {cql:?}: {e:?}")))?;
    let terms = q.terms();
    prop_assert_eq!(terms.len(), 2, "{:?}: {:?}", cql, terms);
    prop_assert_eq!((terms[0].field.as_str(), terms[0].op.as_str(), terms[0].values.clone()), ("type", "=", vec!["page".to_string()]), "{}", cql);
    prop_assert_eq!((terms[1].field.as_str(), terms[1].op.as_str(), terms[1].values.clone()), ("title", "=", vec![value.to_string()]), "{}", cql);
    prop_assert!(terms.iter().all(|t| t.under == vec!["and"]), "{:?}", terms);
    Ok(())
}

#[test]
fn literals_stay_one_literal_in_jql_and_cql() {
    let sb = Sandbox::start(&["--flavor", "datacenter", "--rate-limit", "100000"]);
    let conn = ENV
        .connect_with_connection_string(
            &format!("Driver={{{}}};Url={};User={};Password={};", e2e_tests::DRIVER_NAME, sb.info.url, sb.info.user, sb.info.api_token),
            ConnectionOptions::default(),
        )
        .expect("connect");
    let cases: u32 = std::env::var("INJECTION_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let n = std::cell::Cell::new(0);
    runner
        .run(&(value(), any::<bool>()), |(v, as_parameter)| {
            n.set(n.get() + 1);
            jql_is_one_literal(&sb, &conn, &v, as_parameter)?;
            cql_is_one_literal(&sb, &conn, &v, as_parameter)
        })
        .unwrap();
    let n = n.get();
    println!("injection: {n} generated values, each as JQL and CQL, none changed the query's structure");
}
