#!/usr/bin/env bash
# The driver against the Python `jira` package, atlassian-python-api and a plain sequential HTTP
# loop, at 0 and 100 ms latency (release build). Usage: bench/compare.sh [compare.py options];
# the table goes to bench/results/compare.md.
exec "$(dirname "$0")/run.sh" compare.py "$@"
