#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a bounded time (not part of scripts/test.sh):
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      (default 60 s, every target)
# Seeds are in fuzz/corpus/TARGET (new inputs found are added there); a crash leaves its input
# in fuzz/artifacts/TARGET and stops the run: make it a regression test, fix, run again.
# The targets need a nightly compiler: the machine's nightly when it has one, else the stable
# compiler with RUSTC_BOOTSTRAP=1 (which lets it take the sanitizer flags).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
scripts/deps.sh
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
if rustup run nightly rustc --version >/dev/null 2>&1; then
    toolchain=(+nightly)
else
    toolchain=()
    export RUSTC_BOOTSTRAP=1
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo "${toolchain[@]}" fuzz list)
fi
cargo "${toolchain[@]}" fuzz build
summary=()
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t"
    log="fuzz/target/$t.log"
    echo "== $t: $seconds s"
    cargo "${toolchain[@]}" fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 2>&1 | tee "$log" | grep -a -E "^#[0-9]+ +(INITED|DONE)|Done [0-9]+ runs|ERROR|panicked" || true
    runs=$(grep -a -oE "Done [0-9]+ runs" "$log" | grep -oE "[0-9]+" | tail -1)
    if [ -z "$runs" ]; then
        echo "$t did not finish cleanly: see $log and fuzz/artifacts/$t" >&2
        exit 1
    fi
    summary+=("$t: $runs executions in $seconds s, corpus $(ls "fuzz/corpus/$t" | wc -l) inputs, no crash")
done
printf '%s\n' "${summary[@]}"
