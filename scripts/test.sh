#!/usr/bin/env bash
# Runs every test the CI runs: formatting (rustfmt) and lints (clippy, warnings as errors), unit
# tests, the sandbox's integration tests, the Rust end-to-end suites, and the Python end-to-end
# suite (pyodbc, pandas, arrow-odbc, isql/iusql, odbc2parquet). One build of the workspace is
# shared by all test binaries; every step runs even when one before it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --tests
export CARGO_TERM_COLOR=never
# rustfmt and clippy come with rustup's default profile; a minimal toolchain gets them here.
for c in rustfmt clippy; do
  if ! cargo "${c/rustfmt/fmt}" --version >/dev/null 2>&1; then rustup component add "$c"; fi
done
cargo build --workspace --all-targets --locked
py=$(scripts/pyenv.sh)
scripts/tools.sh

status=0
cargo fmt --all --check || status=1
cargo clippy --workspace --all-targets --locked -- -D warnings || status=1
cargo test --workspace --locked --no-fail-fast || status=1
"$py" -m pytest tests/python -q -p no:cacheprovider || status=1
exit $status
