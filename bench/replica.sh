#!/usr/bin/env bash
# The local replica against reading the site (release build): a 20,000-issue site at 100 ms,
# first and incremental syncs, GROUP BY from the replica and live, and a 200,000-issue first
# sync's peak memory. Usage: bench/replica.sh [replica.py options]; the table goes to
# bench/results/replica.md.
exec "$(dirname "$0")/run.sh" replica.py "$@"
