//! The driver's own overhead, as a ratio: rows per second fetched through unixODBC with odbc-api's
//! columnar bulk fetch, against the rate of a plain sequential HTTP loop that fetches and decodes
//! the same pages (the floor for one stream), both against one release-built sandbox at zero
//! latency, interleaved in one run.
//!
//! `bench/fetch-rate.sh` builds in release mode and runs this; the table goes to stdout and to
//! `bench/results/fetch-rate.md`.

use std::time::{Duration, Instant};

use e2e_tests::Sandbox;
use odbc_api::buffers::{BufferDesc, ColumnarDynBuffer};
use odbc_api::{ConnectionOptions, Cursor, Environment, ResultSetMetadata};
use serde_json::{json, Value};

const SQL: &str = r#"select Id, "Key", Summary, Status, Created from Jira.Issues"#;
const FIELDS: [&str; 3] = ["summary", "status", "created"];
const BATCH_ROWS: usize = 5000;

struct Run {
    rows: usize,
    cells: usize,
    elapsed: Duration,
    requests: u64,
}

fn stats_total(http: &reqwest::blocking::Client, sb: &Sandbox) -> u64 {
    let v: Value = http.get(sb.url("/__sandbox/stats")).send().and_then(|r| r.json()).expect("sandbox stats");
    v["total"].as_u64().unwrap_or(0)
}

fn driver_run(env: &Environment, sb: &Sandbox, http: &reqwest::blocking::Client, extra: &str) -> Run {
    // Connecting (site detection, field metadata) is not part of the fetch rate.
    let conn = env.connect_with_connection_string(&format!("{}{extra}", sb.connection_string()), ConnectionOptions::default()).expect("connect");
    let before = stats_total(http, sb);
    let started = Instant::now();
    let mut cursor = conn.execute(SQL, (), None).expect("execute").expect("a result set");
    let cols = cursor.num_result_cols().expect("columns") as u16;
    let descs: Vec<BufferDesc> =
        (1..=cols).map(|i| BufferDesc::from_data_type(cursor.col_data_type(i).expect("type"), true).unwrap_or(BufferDesc::Text { max_str_len: 255 })).collect();
    let mut block = cursor.bind_buffer(ColumnarDynBuffer::from_descs(BATCH_ROWS, descs)).expect("bind");
    let mut rows = 0;
    while let Some(batch) = block.fetch().expect("fetch") {
        rows += batch.num_rows();
    }
    let elapsed = started.elapsed();
    drop(block);
    Run { rows, cells: rows * cols as usize, elapsed, requests: stats_total(http, sb) - before }
}

/// What a careful hand-written client does: one sequential stream of the same pages, each
/// decoded and every wanted value read.
fn floor_run(sb: &Sandbox, http: &reqwest::blocking::Client) -> Run {
    let before = stats_total(http, sb);
    let started = Instant::now();
    let mut token: Option<String> = None;
    let (mut rows, mut cells) = (0, 0);
    loop {
        let mut body = json!({"jql": "created >= \"1970-01-01\"", "fields": FIELDS, "maxResults": 100});
        if let Some(t) = &token {
            body["nextPageToken"] = json!(t);
        }
        let page: Value = http
            .post(sb.url("/rest/api/3/search/jql"))
            .basic_auth(&sb.info.user, Some(&sb.info.api_token))
            .json(&body)
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.json())
            .expect("search page");
        for issue in page["issues"].as_array().map(Vec::as_slice).unwrap_or_default() {
            let f = &issue["fields"];
            let values = [&issue["id"], &issue["key"], &f["summary"], &f["status"]["name"], &f["created"]];
            cells += values.iter().filter(|v| v.as_str().is_some()).count();
            rows += 1;
        }
        token = page["nextPageToken"].as_str().map(str::to_string);
        if page["isLast"].as_bool().unwrap_or(true) || token.is_none() {
            break;
        }
    }
    Run { rows, cells, elapsed: started.elapsed(), requests: stats_total(http, sb) - before }
}

fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by_key(|r| r.elapsed);
    runs.swap_remove(runs.len() / 2)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: usize| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default);
    let issues = arg("--issues", 20_000);
    let repeats = arg("--repeats", 3).max(1);
    if std::env::var_os("E2E_PROFILE").is_none() {
        std::env::set_var("E2E_PROFILE", "release");
    }
    let sb = Sandbox::start(&["--issues", &issues.to_string(), "--projects", "8", "--rate-limit", "100000"]);
    e2e_tests::odbc_config();
    let env = Environment::new().expect("ODBC environment");
    let http = reqwest::blocking::Client::new();

    // One warm-up of each, then interleaved runs so drift on a shared machine hits both alike.
    // The cached runs read rows the result cache kept (no request): the ODBC fetch path alone.
    const ONE: &str = "MaxConcurrency=1;";
    const CACHED: &str = "CacheTolerance=3600;";
    for extra in ["", ONE, CACHED] {
        driver_run(&env, &sb, &http, extra);
    }
    floor_run(&sb, &http);
    let (mut driver, mut single, mut cached, mut floor) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..repeats {
        driver.push(driver_run(&env, &sb, &http, ""));
        single.push(driver_run(&env, &sb, &http, ONE));
        cached.push(driver_run(&env, &sb, &http, CACHED));
        floor.push(floor_run(&sb, &http));
    }
    let (d, one, c, f) = (median(driver), median(single), median(cached), median(floor));
    assert_eq!(d.rows, f.rows, "the driver and the floor must see the same rows");
    assert_eq!((one.rows, c.rows), (f.rows, f.rows), "every run sees the same rows");
    assert_eq!(c.requests, 0, "the cached runs send nothing");

    let rate = |r: &Run| r.rows as f64 / r.elapsed.as_secs_f64();
    let cell_rate = |r: &Run| r.cells as f64 / r.elapsed.as_secs_f64();
    let mut table = String::new();
    table.push_str("# Fetch rate: driver (odbc-api columnar bulk fetch through unixODBC) vs sequential HTTP+JSON floor\n\n");
    table.push_str(&format!("sandbox: {issues} issues, latency 0 ms, profile {}; `{SQL}`; median of {repeats} runs\n\n", e2e_tests::profile()));
    table.push_str("| client | rows | requests | seconds | rows/s | cells/s |\n|---|---:|---:|---:|---:|---:|\n");
    let rows = [
        ("driver (bulk fetch, 5000-row buffer, MaxConcurrency 8)", &d),
        ("driver, MaxConcurrency 1 (one stream, as the floor)", &one),
        ("driver, rows from the result cache (the ODBC fetch path alone)", &c),
        ("sequential HTTP+JSON floor", &f),
    ];
    for (name, r) in rows {
        table.push_str(&format!("| {name} | {} | {} | {:.3} | {:.0} | {:.0} |\n", r.rows, r.requests, r.elapsed.as_secs_f64(), rate(r), cell_rate(r)));
    }
    let ratio = |a: &Run| a.elapsed.as_secs_f64() / f.elapsed.as_secs_f64();
    table.push_str(&format!("\ndriver time ÷ floor time: {:.2} (MaxConcurrency 8), {:.2} (MaxConcurrency 1)\n", ratio(&d), ratio(&one)));
    table.push_str(&format!("ODBC bulk fetch from the result cache: {:.2} million cells/s\n", cell_rate(&c) / 1e6));
    print!("{table}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("results");
    std::fs::create_dir_all(&dir).expect("create bench/results");
    let out = dir.join("fetch-rate.md");
    std::fs::write(&out, &table).expect("write the results");
    eprintln!("written to {}", out.display());
}
