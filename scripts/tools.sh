#!/usr/bin/env bash
# Installs (once) the command-line ODBC clients the end-to-end suite drives that Debian does not
# package: odbc2parquet, built from crates.io into target/tools. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
root="${CARGO_TARGET_DIR:-target}/tools"
version=11.0.1
if ! "$root/bin/odbc2parquet" --version 2>/dev/null | grep -q "$version"; then
  echo "Installing odbc2parquet $version into $root"
  # A debug build compiles in a fraction of the time and is fast enough for test-sized data.
  cargo install --quiet --locked --debug --root "$root" --version "$version" odbc2parquet
fi
