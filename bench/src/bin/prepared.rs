//! Prepared statements against their unprepared twins, and one driver build against another: a
//! `SELECT` by issue key and an `INSERT` of a comment, each executed 1,000 times with a different
//! value each time through unixODBC with odbc-api, prepared (`SQLPrepare` once, `SQLExecute` per
//! value) and unprepared (`SQLExecDirect` per value), against one release-built sandbox at zero
//! latency.
//!
//! The drivers compared come from `--drivers before=/a/libatlassian_odbc.so,after=/b/libatlassian_odbc.so`
//! or the same in `BENCH_DRIVERS` (default: this workspace's build). Each is its own section of the
//! private odbcinst.ini, and their runs interleave (A, B, A, B...) so that drift on a shared machine
//! hits all alike and the ratios stay comparable.
//!
//! `bench/prepared.sh` builds in release mode and runs this; the table goes to stdout and to
//! `bench/results/prepared.md`.

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use e2e_tests::Sandbox;
use odbc_api::{Connection, ConnectionOptions, Cursor, Environment, IntoParameter};
use serde_json::Value;

const SELECT: &str = r#"SELECT "Key", Summary, Status FROM Jira.Issues WHERE "Key" = ?"#;
const INSERT: &str = "INSERT INTO Jira.Comments (IssueKey, Body) VALUES (?, ?)";
const WARM_UP: usize = 20;

#[derive(Clone, Copy)]
enum Case {
    SelectPrepared,
    SelectDirect,
    InsertPrepared,
    InsertDirect,
}

impl Case {
    const ALL: [Case; 4] = [Case::SelectPrepared, Case::SelectDirect, Case::InsertPrepared, Case::InsertDirect];

    fn name(self) -> &'static str {
        match self {
            Case::SelectPrepared => "SELECT, prepared",
            Case::SelectDirect => "SELECT, unprepared",
            Case::InsertPrepared => "INSERT, prepared",
            Case::InsertDirect => "INSERT, unprepared",
        }
    }
}

struct Run {
    total: Duration,
    /// Each execution's time, sorted.
    each: Vec<Duration>,
    requests: u64,
}

impl Run {
    /// Nearest rank, in milliseconds.
    fn percentile_ms(&self, p: f64) -> f64 {
        let rank = ((p * self.each.len() as f64).ceil() as usize).clamp(1, self.each.len());
        self.each[rank - 1].as_secs_f64() * 1e3
    }
}

fn stats_total(http: &reqwest::blocking::Client, sb: &Sandbox) -> u64 {
    let v: Value = http.get(sb.url("/__sandbox/stats")).send().and_then(|r| r.json()).expect("sandbox stats");
    v["total"].as_u64().unwrap_or(0)
}

/// Reads the lookup's rows back as an application would, and checks it found the issue asked for.
fn read_issue(mut cursor: impl Cursor, key: &str, buf: &mut Vec<u8>) {
    let mut rows = 0;
    while let Some(mut row) = cursor.next_row().expect("fetch") {
        row.get_text(1, buf).expect("Key");
        assert_eq!(buf.as_slice(), key.as_bytes(), "the issue asked for");
        row.get_text(2, buf).expect("Summary");
        row.get_text(3, buf).expect("Status");
        rows += 1;
    }
    assert_eq!(rows, 1, "one issue has the key {key}");
}

/// One execution per key; `tag` makes every inserted comment's body distinct across runs.
fn run(conn: &Connection<'_>, case: Case, keys: &[String], tag: &str, sb: &Sandbox, http: &reqwest::blocking::Client) -> Run {
    let bodies: Vec<String> = (0..keys.len()).map(|i| format!("{tag} {i}")).collect();
    let mut each = Vec::with_capacity(keys.len());
    let mut buf = Vec::new();
    let before = stats_total(http, sb);
    // The prepared cases' totals include their one prepare: that is what preparing costs.
    let started = Instant::now();
    match case {
        Case::SelectPrepared => {
            let mut prepared = conn.prepare(SELECT).expect("prepare");
            for key in keys {
                let t = Instant::now();
                let cursor = prepared.execute(&key.as_str().into_parameter()).expect("execute").expect("a result set");
                read_issue(cursor, key, &mut buf);
                each.push(t.elapsed());
            }
        }
        Case::SelectDirect => {
            for key in keys {
                let t = Instant::now();
                let cursor = conn.execute(SELECT, &key.as_str().into_parameter(), None).expect("execute").expect("a result set");
                read_issue(cursor, key, &mut buf);
                each.push(t.elapsed());
            }
        }
        Case::InsertPrepared => {
            let mut prepared = conn.prepare(INSERT).expect("prepare");
            for (key, body) in keys.iter().zip(&bodies) {
                let t = Instant::now();
                prepared.execute((&key.as_str().into_parameter(), &body.as_str().into_parameter())).expect("insert");
                assert_eq!(prepared.row_count().expect("row count"), Some(1), "one comment inserted");
                each.push(t.elapsed());
            }
        }
        Case::InsertDirect => {
            // The statement handle is freed at once, so no row count: an insert that fails is an error.
            for (key, body) in keys.iter().zip(&bodies) {
                let t = Instant::now();
                conn.execute(INSERT, (&key.as_str().into_parameter(), &body.as_str().into_parameter()), None).expect("insert");
                each.push(t.elapsed());
            }
        }
    }
    let total = started.elapsed();
    each.sort();
    Run { total, each, requests: stats_total(http, sb) - before }
}

fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by_key(|r| r.total);
    runs.swap_remove(runs.len() / 2)
}

/// `label=path,label=path` (a bare path is labelled by its position).
fn parse_drivers(spec: &str) -> Vec<(String, PathBuf)> {
    let drivers: Vec<(String, PathBuf)> = spec
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, item)| match item.split_once('=') {
            Some((label, path)) => (label.trim().to_string(), PathBuf::from(path.trim())),
            None => (format!("driver{}", i + 1), PathBuf::from(item)),
        })
        .collect();
    for (i, (label, _)) in drivers.iter().enumerate() {
        assert!(!label.is_empty() && !label.contains(['[', ']', '{', '}']), "bad driver label {label:?}");
        assert!(drivers[..i].iter().all(|(l, _)| l != label), "driver label {label:?} given twice");
    }
    drivers
}

/// Today's UTC date, without a date crate (days to civil date, after Howard Hinnant).
fn today() -> String {
    let days = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() / 86_400).unwrap_or(0) as i64 + 719_468;
    let (era, doe) = (days.div_euclid(146_097), days.rem_euclid(146_097));
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let arg = |name: &str, default: usize| value(name).and_then(|v| v.parse().ok()).unwrap_or(default);
    let issues = arg("--issues", 2000);
    let executions = arg("--executions", 1000).max(1);
    let repeats = arg("--repeats", 3).max(1);
    if std::env::var_os("E2E_PROFILE").is_none() {
        std::env::set_var("E2E_PROFILE", "release");
    }
    let spec = value("--drivers").or_else(|| std::env::var("BENCH_DRIVERS").ok()).unwrap_or_default();
    let mut drivers = parse_drivers(&spec);
    if drivers.is_empty() {
        drivers.push(("current".into(), e2e_tests::driver_library()));
    }
    for (_, path) in &mut drivers {
        *path = path.canonicalize().unwrap_or_else(|e| panic!("driver {}: {e}", path.display()));
    }
    // Three projects as the sandbox's default; the last (SEC) is hidden from the user, so the keys
    // are read through the driver rather than guessed from the seed.
    let sb = Sandbox::start(&["--issues", &issues.to_string(), "--projects", "3", "--rate-limit", "100000"]);
    let config = e2e_tests::odbc_config();
    let sections: Vec<String> = drivers.iter().map(|(label, _)| format!("Atlassian ODBC bench {label}")).collect();
    for ((_, path), section) in drivers.iter().zip(&sections) {
        config.add_driver(section, path);
    }
    let env = Environment::new().expect("ODBC environment");
    let http = reqwest::blocking::Client::new();
    let conns: Vec<Connection<'_>> =
        sections.iter().map(|s| env.connect_with_connection_string(&sb.connection_string_for(s), ConnectionOptions::default()).expect("connect")).collect();

    let mut visible = Vec::new();
    let mut cursor = conns[0].execute(r#"SELECT "Key" FROM Jira.Issues ORDER BY Id"#, (), None).expect("list the keys").expect("a result set");
    let mut buf = Vec::new();
    while let Some(mut row) = cursor.next_row().expect("fetch") {
        row.get_text(1, &mut buf).expect("Key");
        visible.push(String::from_utf8(buf.clone()).expect("UTF-8 key"));
    }
    drop(cursor);
    assert!(!visible.is_empty(), "the sandbox seeds issues");
    // Distinct keys while there are enough, so no two executions look up the same issue.
    let keys: Vec<String> = visible.iter().cycle().take(executions).cloned().collect();

    // A short warm-up of each (library loading, first requests), then every case with every driver
    // in turn, so a slow minute on the machine falls on all of them.
    for (conn, (label, _)) in conns.iter().zip(&drivers) {
        for case in Case::ALL {
            run(conn, case, &keys[..WARM_UP.min(keys.len())], &format!("bench warm-up {label}"), &sb, &http);
        }
    }
    let mut runs: Vec<Vec<Vec<Run>>> = Case::ALL.iter().map(|_| drivers.iter().map(|_| Vec::new()).collect()).collect();
    for repeat in 0..repeats {
        for (c, case) in Case::ALL.into_iter().enumerate() {
            for (d, (conn, (label, _))) in conns.iter().zip(&drivers).enumerate() {
                runs[c][d].push(run(conn, case, &keys, &format!("bench {label} run {repeat}"), &sb, &http));
            }
        }
    }
    let results: Vec<Vec<Run>> = runs.into_iter().map(|per_driver| per_driver.into_iter().map(median).collect()).collect();

    let mut table = String::new();
    table.push_str(&format!("# Prepared statements: {executions} executions of a SELECT and an INSERT, prepared and unprepared\n\n"));
    table.push_str(&format!(
        "profile {}; sandbox: {issues} issues in 3 projects ({} visible), latency 0 ms; {}; median of {repeats} {}\n\n",
        e2e_tests::profile(),
        visible.len(),
        today(),
        if repeats == 1 { "run" } else { "runs" }
    ));
    table.push_str(&format!("- `{SELECT}`: a different issue key each time, its row read back (`SQLFetch`, `SQLGetData`)\n"));
    table.push_str(&format!("- `{INSERT}`: a comment on a different issue each time\n"));
    table.push_str("- prepared: `SQLPrepare` once (counted in the total), then `SQLExecute` per value; unprepared: `SQLExecDirect` per value\n");
    for (label, path) in &drivers {
        table.push_str(&format!("- driver `{label}`: `{}`\n", path.display()));
    }
    let compare = drivers.len() > 1;
    let (ratio_head, ratio_rule) = if compare { (format!(" time ÷ `{}` |", drivers[0].0), "---:|") } else { (String::new(), "") };
    table.push_str(&format!("\n| statement | driver | seconds ({executions} executions) | median ms | p95 ms | requests |{ratio_head}\n"));
    table.push_str(&format!("|---|---|---:|---:|---:|---:|{ratio_rule}\n"));
    for (case, per_driver) in Case::ALL.into_iter().zip(&results) {
        for ((label, _), r) in drivers.iter().zip(per_driver) {
            table.push_str(&format!(
                "| {} | `{label}` | {:.3} | {:.3} | {:.3} | {} |",
                case.name(),
                r.total.as_secs_f64(),
                r.percentile_ms(0.5),
                r.percentile_ms(0.95),
                r.requests
            ));
            if compare {
                table.push_str(&format!(" {:.2} |", r.total.as_secs_f64() / per_driver[0].total.as_secs_f64()));
            }
            table.push('\n');
        }
    }
    table.push_str("\nprepared time ÷ unprepared time:");
    for (d, (label, _)) in drivers.iter().enumerate() {
        let ratio = |p: usize, u: usize| results[p][d].total.as_secs_f64() / results[u][d].total.as_secs_f64();
        table.push_str(&format!(" `{label}` {:.2} (SELECT), {:.2} (INSERT);", ratio(0, 1), ratio(2, 3)));
    }
    table.pop();
    table.push('\n');
    print!("{table}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("results");
    std::fs::create_dir_all(&dir).expect("create bench/results");
    let out = dir.join("prepared.md");
    std::fs::write(&out, &table).expect("write the results");
    eprintln!("written to {}", out.display());
}
