#!/usr/bin/env bash
# The driver against the Python `jira` package, atlassian-python-api and a plain sequential HTTP
# loop, at 0 and 100 ms latency (release build). Usage: bench/compare.sh [compare.py options];
# the table goes to bench/results/compare.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cargo build --release --locked -p atlassian-odbc-driver -p atlassian-sandbox
venv=target/bench-py
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q -r bench/requirements.txt
"$venv/bin/python" bench/compare.py --profile release "$@"
