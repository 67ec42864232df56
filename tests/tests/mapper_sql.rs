//! SQL through the mapper against the sandbox, compared with the REST data directly.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use atlassian_oauth::{AuthScheme, StaticCredentials};
use datafusion_free::*;
use e2e_tests::Sandbox;
use futures::TryStreamExt;
use serde_json::Value;
use sql_mapper::{ConnectOptions, Flavor, MapperSession, SiteConfig, SqlState};

/// Helpers that read result batches without the test depending on arrow directly.
mod datafusion_free {
    pub use sql_mapper::QueryResult;
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

async fn connect(sb: &Sandbox, pushdown: bool) -> MapperSession {
    let site = SiteConfig {
        jira_base: sb.info.url.clone(),
        confluence_base: sb.info.url.clone(),
        flavor: Flavor::Cloud,
        transport: sql_mapper::Transport { timeout: Duration::from_secs(30), ..Default::default() },
        org_admin: None,
    };
    let auth = Arc::new(StaticCredentials::basic(AuthScheme::ApiToken, &sb.info.user, &sb.info.api_token).unwrap());
    MapperSession::connect(ConnectOptions { pushdown, ..ConnectOptions::new(site) }, auth).await.unwrap()
}

/// All rows as strings, column by column in the result's order.
async fn rows(s: &MapperSession, sql: &str) -> Vec<Vec<String>> {
    let QueryResult { stream, .. } = s.query(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    let batches: Vec<_> = stream.try_collect().await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    let mut out = Vec::new();
    for b in batches {
        for r in 0..b.num_rows() {
            out.push(b.columns().iter().map(|c| sql_mapper::display_cell(c.as_ref(), r)).collect());
        }
    }
    out
}

fn rest(sb: &Sandbox, path: &str) -> Value {
    reqwest::blocking::Client::new().get(sb.url(path)).basic_auth(&sb.info.user, Some(&sb.info.api_token)).send().unwrap().json().unwrap()
}

#[test]
fn issues_match_the_rest_data() {
    let sb = Sandbox::start(&[]);
    let expected: BTreeSet<String> = {
        let v = rest(&sb, "/rest/api/3/search/jql?jql=project%20%3D%20ENG&maxResults=5000&fields=key");
        v["issues"].as_array().unwrap().iter().map(|i| i["key"].as_str().unwrap().to_string()).collect()
    };
    rt().block_on(async {
        let s = connect(&sb, true).await;
        let got: BTreeSet<String> = rows(&s, "select key from jira.issues where projectkey = 'ENG'").await.into_iter().map(|r| r[0].clone()).collect();
        assert_eq!(got, expected);
        // Case-insensitive names; result columns keep the catalog's spelling.
        let res = s.query("SELECT KEY, summary FROM Jira.Issues LIMIT 3").await.unwrap();
        let names: Vec<String> = res.schema.fields().iter().map(|f| f.name().clone()).collect();
        assert_eq!(names, vec!["Key", "Summary"]);
    });
}

#[test]
fn aggregates_joins_and_custom_fields() {
    let sb = Sandbox::start(&[]);
    rt().block_on(async {
        let s = connect(&sb, true).await;
        let by_status = rows(&s, "select status, count(*) as n from jira.issues group by status order by status").await;
        let total: i64 = by_status.iter().map(|r| r[1].parse::<i64>().unwrap()).sum();
        let all = rows(&s, "select count(*) from jira.issues").await;
        assert_eq!(total.to_string(), all[0][0]);
        assert!(by_status.len() >= 3);
        // A custom field as a typed column, quoted because its name has a space.
        let sp = rows(&s, "select key, \"Story Points\" from jira.issues where \"Story Points\" >= 8 order by key").await;
        assert!(!sp.is_empty());
        assert!(sp.iter().all(|r| r[1].parse::<f64>().unwrap() >= 8.0));
        // A join across Confluence and Jira.
        let joined =
            rows(&s, "select s.key, count(p.id) from confluence.spaces s join confluence.pages p on p.spaceid = s.id group by s.key order by s.key").await;
        assert!(!joined.is_empty());
        let comments =
            rows(&s, "select c.issuekey, c.body from jira.comments c join jira.issues i on i.key = c.issuekey where i.projectkey = 'OPS' limit 5").await;
        assert!(comments.iter().all(|r| r[0].starts_with("OPS-")));
    });
}

#[test]
fn errors_carry_their_sqlstate() {
    let sb = Sandbox::start(&[]);
    rt().block_on(async {
        let s = connect(&sb, true).await;
        let e = s.query("select * from jira.isues").await.err().unwrap();
        assert_eq!(e.state, SqlState::TableNotFound);
        assert!(e.message.contains("Jira.Issues"), "{}", e.message);
        let e = s.query("select nosuchcolumn from jira.issues").await.err().unwrap();
        assert_eq!(e.state, SqlState::ColumnNotFound, "{}", e.message);
        let e = s.query("selec 1").await.err().unwrap();
        assert_eq!(e.state, SqlState::SyntaxOrAccess);
        // Bad credentials fail the connect with 28000.
        let site = SiteConfig {
            jira_base: sb.info.url.clone(),
            confluence_base: sb.info.url.clone(),
            flavor: Flavor::Cloud,
            transport: sql_mapper::Transport { timeout: Duration::from_secs(30), ..Default::default() },
            org_admin: None,
        };
        let auth = Arc::new(StaticCredentials::basic(AuthScheme::ApiToken, &sb.info.user, "wrong").unwrap());
        let e = MapperSession::connect(ConnectOptions::new(site), auth).await.err().unwrap();
        assert_eq!(e.state, SqlState::InvalidAuthorization, "{}", e.message);
    });
}

#[test]
fn pushdown_on_and_off_agree() {
    let sb = Sandbox::start(&[]);
    rt().block_on(async {
        let on = connect(&sb, true).await;
        let off = connect(&sb, false).await;
        for sql in [
            "select key from jira.issues where projectkey = 'ENG' and status = 'Done' order by key",
            "select key from jira.issues where key = 'OPS-3'",
            "select key from jira.issues where assigneeaccountid is null order by key",
            "select key from jira.issues where id in (10001, 10002, 10003) order by key",
            "select key from jira.issues where created >= timestamp '2024-06-01T00:00:00Z' and projectkey = 'OPS' order by key",
            "select key from jira.issues where status = 'done' order by key",
            // Jira refuses a query naming an issue that does not exist or is not visible; SQL
            // answers with the rows that do.
            "select key from jira.issues where key = 'ENG-99999'",
            "select key from jira.issues where key in ('ENG-1', 'SEC-1', 'OPS-2') order by key",
        ] {
            assert_eq!(rows(&on, sql).await, rows(&off, sql).await, "{sql}");
        }
        assert!(rows(&on, "select key from jira.issues where key = 'ENG-99999'").await.is_empty());
        assert_eq!(
            rows(&on, "select key from jira.issues where key in ('ENG-1', 'SEC-1', 'OPS-2') order by key").await,
            vec![vec!["ENG-1".to_string()], vec!["OPS-2".to_string()]]
        );
    });
}

/// A statement prepared once runs with each set of typed values: the plan is reused, the filter
/// still goes to the site (one key lookup per execution), a value is only ever a value, and
/// the parameter types come from the columns they meet.
#[test]
fn a_prepared_statement_runs_with_typed_values() {
    use sql_mapper::ScalarValue;
    let sb = Sandbox::start(&[]);
    // The blocking client runs on a thread of its own, outside the test's async runtime.
    let total = |sb: &Sandbox| -> u64 {
        std::thread::scope(|t| {
            t.spawn(|| reqwest::blocking::get(sb.url("/__sandbox/stats")).unwrap().json::<Value>().unwrap()["total"].as_u64().unwrap()).join().unwrap()
        })
    };
    rt().block_on(async {
        let s = connect(&sb, true).await;
        let p = s.prepare(r#"select "Key", Summary from jira.issues where "Key" = $1"#).await.unwrap();
        let names: Vec<String> = p.schema().fields().iter().map(|f| f.name().clone()).collect();
        assert_eq!(names, ["Key", "Summary"]);
        assert_eq!(p.parameter_type(1).map(|t| t.to_string()), Some("Utf8".to_string()));
        assert!(p.parameter_type(2).is_none());
        for (key, want) in [("ENG-1", 1), ("ENG-2", 1), ("ENG-1' OR '1'='1", 0), ("NOPE-1", 0)] {
            let before = total(&sb);
            let r = s.execute(&p, &[ScalarValue::Utf8(Some(key.into()))]).await.unwrap();
            let batches: Vec<_> = r.stream.try_collect().await.unwrap();
            let keys: Vec<String> = batches.iter().flat_map(|b| (0..b.num_rows()).map(|i| sql_mapper::display_cell(b.column(0).as_ref(), i))).collect();
            assert_eq!(keys.len(), want, "{key}: {keys:?}");
            assert!(keys.iter().all(|k| k == key), "{key}: {keys:?}");
            // The key filter reached the site: one request, not a scan.
            if want == 1 {
                assert_eq!(total(&sb) - before, 1, "{key}");
            }
        }
        // A write's parameters take the types of the columns they set.
        let w = s.prepare("insert into jira.comments (IssueKey, Body) values ($1, $2)").await.unwrap();
        assert_eq!(w.parameter_type(1).map(|t| t.to_string()), Some("Utf8".to_string()));
        for body in ["first 'quoted' body", "second; DROP TABLE x"] {
            let r = s.execute(&w, &[ScalarValue::Utf8(Some("ENG-1".into())), ScalarValue::Utf8(Some(body.into()))]).await.unwrap();
            assert_eq!(r.rows_affected, Some(1));
        }
        let bodies = rows(&s, "select Body from jira.comments where IssueKey = 'ENG-1'").await;
        for body in ["first 'quoted' body", "second; DROP TABLE x"] {
            assert!(bodies.iter().any(|r| r[0].contains(body)), "{body} in {bodies:?}");
        }
    });
}
