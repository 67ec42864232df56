#!/usr/bin/env bash
# Runs every test the CI runs: unit tests, the sandbox's integration tests and the end-to-end
# suites. One build of the workspace is shared by all test binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
export CARGO_TERM_COLOR=never
cargo build --workspace --all-targets --locked
cargo test --workspace --locked --no-fail-fast
