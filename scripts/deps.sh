#!/usr/bin/env bash
# Installs the system packages the project needs when they are missing (Debian). Idempotent:
# does nothing when everything is there, so the demo and the tests can call it every time.
# `--tests` adds what only the tests need (Chromium, for the real-browser OAuth sign-in; PHP and
# iODBC, other clients and the other driver manager).
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
pkgs=(unixodbc unixodbc-dev odbcinst curl ca-certificates gcc libc6-dev valgrind python3 python3-pip python3-venv)
# Other ODBC clients the tests drive: PHP's PDO_ODBC and odbc_*, and iODBC's iodbctest (only the
# iODBC runtime: its -dev package conflicts with unixodbc-dev).
[ "${1:-}" = "--tests" ] && pkgs+=(chromium php-cli php-odbc libiodbc2 iodbc)
for pkg in "${pkgs[@]}"; do
  have_pkg "$pkg" || need+=("$pkg")
done
command -v cargo >/dev/null || { echo "cargo is missing: install Rust first (https://rustup.rs)" >&2; exit 1; }

if [ ${#need[@]} -gt 0 ]; then
  echo "Installing system packages: ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi
