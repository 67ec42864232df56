//! Careless calls (null, forged, freed and wrong-type handles; null buffers; zero and negative
//! lengths; calls out of order) straight at the library's exports and through unixODBC, each
//! with its documented return code, and the same program under valgrind's memcheck: no error
//! may appear in the driver's frames. The calls live in `tests/misuse/misuse.c`, compiled here.

use std::path::PathBuf;
use std::process::Command;

use e2e_tests::{driver_library, odbc_config, target_dir, Sandbox};

/// How the misuse program is built and run.
#[derive(Clone, Copy, PartialEq)]
enum Checker {
    Plain,
    Valgrind,
    /// Built with AddressSanitizer: its interceptors watch every allocation and free, the
    /// driver's included, when the program loads the driver (directly or through unixODBC).
    AddressSanitizer,
}

/// Built once per test process and kind: tests run in parallel, and one must never execute
/// the file while another writes it.
fn misuse_binary(asan: bool) -> PathBuf {
    static PLAIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    static ASAN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    (if asan { &ASAN } else { &PLAIN }).get_or_init(|| build_misuse(asan)).clone()
}

fn build_misuse(asan: bool) -> PathBuf {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("misuse").join("misuse.c");
    let out = target_dir().join("misuse").join(format!("misuse-{}{}", std::process::id(), if asan { "-asan" } else { "" }));
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let mut cc = Command::new("cc");
    cc.args(["-O1", "-g", "-Wall"]);
    if asan {
        cc.args(["-fsanitize=address", "-fno-omit-frame-pointer"]);
    }
    let status = cc.arg("-o").arg(&out).arg(&src).arg("-ldl").status().expect("a C compiler (cc) is installed by scripts/deps.sh");
    assert!(status.success(), "compiling misuse.c failed");
    out
}

fn run(mode: &str, library: &str, conn: &str, checker: Checker) -> (bool, String) {
    let bin = misuse_binary(checker == Checker::AddressSanitizer);
    let mut cmd = if checker == Checker::Valgrind {
        let mut c = Command::new("valgrind");
        c.args(["-q", "--error-exitcode=42", "--num-callers=40", "--track-origins=yes"]).arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    let out = cmd
        .args([mode, library, conn])
        .envs(odbc_config().env())
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e} (scripts/deps.sh installs valgrind)", bin.display()));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn direct_conn(sb: &Sandbox) -> String {
    format!("Url={};User={};APIToken={}", sb.info.url, sb.info.user, sb.info.api_token)
}

#[test]
fn misuse_straight_at_the_library() {
    let sb = Sandbox::start(&[]);
    let lib = driver_library();
    let (ok, text) = run("direct", lib.to_str().unwrap(), &direct_conn(&sb), Checker::Plain);
    assert!(ok, "{text}");
    assert!(text.contains(" 0 failures"), "{text}");
}

#[test]
fn misuse_through_the_driver_manager() {
    let sb = Sandbox::start(&[]);
    let (ok, text) = run("dm", "libodbc.so.2", &sb.connection_string(), Checker::Plain);
    assert!(ok, "{text}");
    assert!(text.contains(" 0 failures"), "{text}");
}

#[test]
fn misuse_under_valgrind_memcheck() {
    let sb = Sandbox::start(&[]);
    let lib = driver_library();
    for (mode, library, conn) in [("direct", lib.to_str().unwrap().to_string(), direct_conn(&sb)), ("dm", "libodbc.so.2".to_string(), sb.connection_string())] {
        let (ok, text) = run(mode, &library, &conn, Checker::Valgrind);
        let driver_errors: Vec<&str> = text.lines().filter(|l| l.starts_with("==") && (l.contains("atlassian_odbc") || l.contains("sql_mapper"))).collect();
        assert!(driver_errors.is_empty(), "memcheck errors in the driver's frames ({mode}):\n{text}");
        assert!(ok, "misuse under valgrind ({mode}) failed:\n{text}");
    }
}

#[test]
fn misuse_under_address_sanitizer() {
    let sb = Sandbox::start(&[]);
    let lib = driver_library();
    for (mode, library, conn) in [("direct", lib.to_str().unwrap().to_string(), direct_conn(&sb)), ("dm", "libodbc.so.2".to_string(), sb.connection_string())] {
        // Leak checking is off: the driver's runtime threads and the driver manager's caches
        // live until exit by design; every bad free, double free and overflow of an
        // intercepted call is reported.
        std::env::set_var("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0:halt_on_error=1:exitcode=42");
        let (ok, text) = run(mode, &library, &conn, Checker::AddressSanitizer);
        assert!(!text.contains("ERROR: AddressSanitizer"), "AddressSanitizer ({mode}):\n{text}");
        assert!(ok && text.contains(" 0 failures"), "misuse under AddressSanitizer ({mode}) failed:\n{text}");
    }
}

/// The driver manager disables what `SQLGetFunctions` leaves out and calls what it includes:
/// the bitmap must name exactly the exported functions (each W variant beside its ANSI one).
#[test]
fn get_functions_bitmap_matches_the_exports() {
    let lib = driver_library();
    let out = Command::new("nm").args(["-D", "--defined-only"]).arg(&lib).output().expect("nm (binutils) is installed with the C compiler");
    let exported: std::collections::BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .filter(|s| s.starts_with("SQL"))
        .map(|s| s.strip_suffix('W').unwrap_or(s).to_string())
        .collect();
    let declared: std::collections::BTreeSet<String> = atlassian_odbc::functions::EXPORTED.iter().map(|(_, n)| n.to_string()).collect();
    assert_eq!(exported, declared, "exports (left) vs SQLGetFunctions (right)");
    let bitmap = atlassian_odbc::functions::odbc3_bitmap();
    for (id, name) in atlassian_odbc::functions::EXPORTED {
        assert!(bitmap[(*id >> 4) as usize] & (1 << (id & 15)) != 0, "{name} ({id}) in the bitmap");
    }
    let set_bits: u32 = bitmap.iter().map(|w| w.count_ones()).sum();
    assert_eq!(set_bits as usize, atlassian_odbc::functions::EXPORTED.len());
}
