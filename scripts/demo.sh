#!/usr/bin/env bash
# The main job: builds the project, starts the sandbox site in the background, and shows it
# answering real Confluence and Jira REST calls.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cargo build --release --locked -p atlassian-sandbox
state_dir="${XDG_RUNTIME_DIR:-/tmp}/atlassian-odbc-demo"
mkdir -p "$state_dir"
if [ -f "$state_dir/sandbox.pid" ] && kill -0 "$(cat "$state_dir/sandbox.pid")" 2>/dev/null; then
  kill "$(cat "$state_dir/sandbox.pid")" || true
fi
./target/release/atlassian-sandbox --listen 127.0.0.1:0 > "$state_dir/sandbox.json" 2> "$state_dir/sandbox.log" &
echo $! > "$state_dir/sandbox.pid"
for _ in $(seq 1 100); do [ -s "$state_dir/sandbox.json" ] && break; sleep 0.1; done
info=$(head -1 "$state_dir/sandbox.json")
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$info" "$1"; }
url=$(field url); user=$(field user); token=$(field api_token)
echo "Sandbox site running at $url (pid $(cat "$state_dir/sandbox.pid"))"
echo
show() {
  echo "\$ $1"
  curl -sS -u "$user:$token" "$url$2" | python3 -c "$3"
  echo
}
show "Jira projects" "/rest/api/3/project/search" \
  'import json,sys; [print(f"  {p[\"key\"]:6} {p[\"name\"]}") for p in json.load(sys.stdin)["values"]]'
show "Open bugs (JQL: issuetype = Bug AND statusCategory != Done ORDER BY created DESC)" \
  "/rest/api/3/search/jql?jql=issuetype%20%3D%20Bug%20AND%20statusCategory%20!%3D%20Done%20ORDER%20BY%20created%20DESC&maxResults=8&fields=summary,status,assignee" \
  'import json,sys; [print(f"  {i[\"key\"]:8} {i[\"fields\"][\"status\"][\"name\"]:12} {(i[\"fields\"].get(\"assignee\") or {}).get(\"displayName\",\"(unassigned)\"):18} {i[\"fields\"][\"summary\"]}") for i in json.load(sys.stdin)["issues"]]'
show "Confluence spaces" "/wiki/api/v2/spaces" \
  'import json,sys; [print(f"  {s[\"key\"]:8} {s[\"name\"]}") for s in json.load(sys.stdin)["results"]]'
echo "Stop the sandbox with: kill \$(cat $state_dir/sandbox.pid)"
