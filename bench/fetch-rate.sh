#!/usr/bin/env bash
# The driver's fetch rate against the sequential HTTP floor (release build, zero latency).
# Usage: bench/fetch-rate.sh [--issues N] [--repeats N]; the table goes to bench/results/fetch-rate.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cargo build --release --locked -p atlassian-odbc-driver -p atlassian-sandbox -p atlassian-bench
E2E_PROFILE=release target/release/fetch_rate "$@"
