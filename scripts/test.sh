#!/usr/bin/env bash
# Runs every test the CI runs: unit tests, the sandbox's integration tests, the Rust end-to-end
# suites, and the Python end-to-end suite (pyodbc, pandas, isql/iusql, odbc2parquet). One build
# of the workspace is shared by all test binaries; both suites run even when the first fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --tests
export CARGO_TERM_COLOR=never
cargo build --workspace --all-targets --locked
py=$(scripts/pyenv.sh)
scripts/tools.sh

status=0
cargo test --workspace --locked --no-fail-fast || status=1
"$py" -m pytest tests/python -q -p no:cacheprovider || status=1
exit $status
