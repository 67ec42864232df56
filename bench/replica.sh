#!/usr/bin/env bash
# The local replica against reading the site (release build): a 20,000-issue site at 100 ms,
# first and incremental syncs, GROUP BY from the replica and live, and a 200,000-issue first
# sync's peak memory. Usage: bench/replica.sh [replica.py options]; the table goes to
# bench/results/replica.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cargo build --release --locked -p atlassian-odbc-driver -p atlassian-sandbox
venv=target/bench-py
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q -r bench/requirements.txt
"$venv/bin/python" bench/replica.py --profile release "$@"
