#!/usr/bin/env bash
# Makes (once) the Python environment the end-to-end Python suite and the benchmarks run in:
# a venv under target/ with tests/python/requirements.txt installed. Prints the venv's python.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${CARGO_TARGET_DIR:-target}/py"
req=tests/python/requirements.txt
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >&2
fi
if ! cmp -s "$req" "$stamp" 2>/dev/null; then
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req" >&2
  cp "$req" "$stamp"
fi
echo "$venv/bin/python"
