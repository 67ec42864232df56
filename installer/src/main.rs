//! `atlassian-odbc`: the installer arrives with the installer issue.

fn main() {
    eprintln!("atlassian-odbc {}: no commands yet", env!("CARGO_PKG_VERSION"));
    std::process::exit(2);
}
