#!/usr/bin/env bash
# Prepared against unprepared SELECT and INSERT, 1,000 executions each, for one or more driver builds
# interleaved in one run (release build, zero latency).
# Usage: bench/prepared.sh [--issues N] [--repeats N] [--executions N] [--drivers label=lib.so,label=lib.so]
# (or BENCH_DRIVERS=...; default: this build's driver); the table goes to bench/results/prepared.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cargo build --release --locked -p atlassian-odbc-driver -p atlassian-sandbox -p atlassian-bench
E2E_PROFILE=release target/release/prepared "$@"
