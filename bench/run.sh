#!/usr/bin/env bash
# Runs one of the Python benchmarks (bench/compare.py, bench/replica.py) on a release build, in
# the benchmarks' own venv. Usage: bench/run.sh SCRIPT.py [its options].
set -euo pipefail
cd "$(dirname "$0")/.."
script=$1
shift
scripts/deps.sh
cargo build --release --locked -p atlassian-odbc-driver -p atlassian-sandbox
venv=target/bench-py
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q -r bench/requirements.txt
"$venv/bin/python" "bench/$script" --profile release "$@"
