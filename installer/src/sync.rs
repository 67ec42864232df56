//! `atlassian-odbc sync DSN [--tables ...] [--full]`: brings the connection's local replica up
//! to date through the driver (`EXEC SyncReplica`), as any application would. While the call
//! runs, the sync's progress file in the replica's folder (`sync-progress.json`, which the
//! driver rewrites a few times a second) draws a progress bar on a terminal: the table, rows and
//! requests so far, the rate and an estimate. Then a summary: rows added, changed and removed,
//! requests and seconds, per table and in all.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use odbc_api::{ConnectionOptions, IntoParameter};
use serde_json::Value;

use crate::client::{environment, explain, fetch_text, Target};

/// One table's line of the summary.
struct Synced {
    table: String,
    mode: String,
    rows: u64,
    changed: u64,
    removed: u64,
    requests: u64,
    seconds: f64,
    note: Option<String>,
}

pub fn sync(target: &Target, tables: Option<&str>, full: bool) -> Result<()> {
    let env = environment()?;
    let conn = env.connect_with_connection_string(&target.connection_string(&[]), ConnectionOptions::default()).map_err(explain)?;
    // Where the replica is, and what it held before.
    let status = match conn.execute("{call ReplicaStatus}", (), None).map_err(explain)? {
        Some(cursor) => fetch_text(cursor, 256)?,
        None => Vec::new(),
    };
    let location = status.first().and_then(|r| r.get(4).cloned().flatten()).map(PathBuf::from);
    let before: HashMap<String, u64> =
        status.iter().filter_map(|r| Some((r.first()?.clone()?, r.get(2).cloned().flatten().and_then(|n| n.parse().ok()).unwrap_or(0)))).collect();
    let done = Arc::new(AtomicBool::new(false));
    let bar = match (&location, std::io::stderr().is_terminal()) {
        (Some(l), true) => {
            let (l, done) = (l.clone(), done.clone());
            Some(std::thread::spawn(move || draw(&l, &done)))
        }
        _ => None,
    };
    let started = Instant::now();
    let tables_arg = tables.unwrap_or_default().to_string();
    let result = conn.execute("{call SyncReplica(?, ?)}", (&tables_arg.as_str().into_parameter(), &i32::from(full)), None).map_err(explain);
    let rows = match result {
        Ok(Some(cursor)) => fetch_text(cursor, 256),
        Ok(None) => Ok(Vec::new()),
        Err(e) => Err(e),
    };
    done.store(true, Ordering::SeqCst);
    if let Some(b) = bar {
        let _ = b.join();
    }
    let synced: Vec<Synced> = rows?.into_iter().map(|r| parse(&r)).collect::<Result<_>>()?;
    print_summary(&synced, &before, started.elapsed(), location.as_deref());
    Ok(())
}

fn parse(r: &[Option<String>]) -> Result<Synced> {
    let text = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
    let int = |i: usize| text(i).parse::<u64>().map_err(|_| anyhow!("SyncReplica answered a row this program does not read: {r:?}"));
    Ok(Synced {
        table: text(0),
        mode: text(1),
        rows: int(2)?,
        changed: int(3)?,
        removed: int(4)?,
        requests: int(5)?,
        seconds: text(6).parse().unwrap_or(0.0),
        note: r.get(7).cloned().flatten(),
    })
}

fn print_summary(synced: &[Synced], before: &HashMap<String, u64>, took: Duration, location: Option<&Path>) {
    let (mut added_all, mut changed_all, mut removed_all, mut requests_all) = (0, 0, 0, 0);
    println!("{:<36} {:<12} {:>10} {:>9} {:>9} {:>9} {:>9} {:>8}", "table", "mode", "rows", "added", "changed", "removed", "requests", "seconds");
    for s in synced {
        let was = before.get(&s.table).copied().unwrap_or(0);
        // Rows read that were not there before were added; the others changed (or were read again).
        let added = (s.rows + s.removed).saturating_sub(was).min(s.changed);
        let changed = s.changed - added;
        added_all += added;
        changed_all += changed;
        removed_all += s.removed;
        requests_all += s.requests;
        println!("{:<36} {:<12} {:>10} {:>9} {:>9} {:>9} {:>9} {:>8.1}", s.table, s.mode, s.rows, added, changed, s.removed, s.requests, s.seconds);
        if let Some(n) = &s.note {
            println!("    {n}");
        }
    }
    println!(
        "Synced {} table{} in {:.1} s: {added_all} rows added, {changed_all} changed, {removed_all} removed; {requests_all} requests.",
        synced.len(),
        if synced.len() == 1 { "" } else { "s" },
        took.as_secs_f64()
    );
    if let Some(l) = location {
        println!("Replica: {}", l.display());
    }
}

/// Redraws the progress line from the progress file until `done`.
fn draw(location: &Path, done: &AtomicBool) {
    let path = location.join("sync-progress.json");
    let me = std::process::id();
    let mut err = std::io::stderr();
    let mut shown = false;
    while !done.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(200));
        let Some(p) = std::fs::read(&path).ok().and_then(|b| serde_json::from_slice::<Value>(&b).ok()) else { continue };
        // The driver runs in this process: another pid's file is an older sync's.
        if p.get("pid").and_then(Value::as_u64) != Some(me.into()) {
            continue;
        }
        let _ = write!(err, "\r\x1b[K{}", line(&p));
        let _ = err.flush();
        shown = true;
    }
    if shown {
        let _ = write!(err, "\r\x1b[K");
    }
}

/// `[2/5] Jira.Issues ████████░░░░ 12000/20000 rows · 130 requests · 950 rows/s · about 8 s left`
fn line(p: &Value) -> String {
    let n = |k: &str| p.get(k).and_then(Value::as_u64).unwrap_or(0);
    let (rows, expected, seconds) = (n("rows"), n("expected"), p.get("seconds").and_then(Value::as_f64).unwrap_or(0.0));
    let table = p.get("table").and_then(Value::as_str).unwrap_or_default();
    let rate = if seconds > 0.0 { rows as f64 / seconds } else { 0.0 };
    let mut s = format!("[{}/{}] {table} ", n("tableNumber"), n("tables"));
    const WIDTH: u64 = 20;
    match (rows.min(expected) * WIDTH).checked_div(expected) {
        Some(filled) => s.push_str(&format!("{}{} {rows}/{expected} rows", "█".repeat(filled as usize), "░".repeat((WIDTH - filled) as usize))),
        None => s.push_str(&format!("{rows} rows")),
    }
    s.push_str(&format!(" · {} requests · {rate:.0} rows/s", n("requests")));
    if expected > rows && rate > 0.0 {
        s.push_str(&format!(" · about {:.0} s left", (expected - rows) as f64 / rate));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_line_shows_rows_requests_rate_and_estimate() {
        let p = serde_json::json!({"table": "Jira.Issues", "tableNumber": 2, "tables": 5, "rows": 5000, "expected": 20000, "requests": 50, "seconds": 5.0});
        let l = line(&p);
        assert!(l.starts_with("[2/5] Jira.Issues █████░░░░░░░░░░░░░░░ 5000/20000 rows"), "{l}");
        assert!(l.contains("50 requests · 1000 rows/s · about 15 s left"), "{l}");
        let unknown = line(&serde_json::json!({"table": "Jira.Projects", "tableNumber": 1, "tables": 1, "rows": 7, "seconds": 0.0}));
        assert_eq!(unknown, "[1/1] Jira.Projects 7 rows · 0 requests · 0 rows/s");
    }
}
