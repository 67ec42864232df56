#!/usr/bin/env bash
# The main job: builds the driver, the installer and the sandbox site (in the test profile, so the
# test command reuses this build rather than making a second one), starts the
# sandbox in the background, registers the driver and a demo DSN in your user scope, and answers
# SQL over Jira and Confluence through the ODBC driver manager (unixODBC).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cargo build --locked -p atlassian-odbc-driver -p atlassian-odbc-installer -p atlassian-sandbox
bin="${CARGO_TARGET_DIR:-target}/debug"
odbc="$bin/atlassian-odbc"

state_dir="${XDG_RUNTIME_DIR:-/tmp}/atlassian-odbc-demo"
mkdir -p "$state_dir"
if [ -f "$state_dir/sandbox.pid" ] && kill -0 "$(cat "$state_dir/sandbox.pid")" 2>/dev/null; then
  kill "$(cat "$state_dir/sandbox.pid")" || true
fi
"$bin/atlassian-sandbox" --listen 127.0.0.1:0 > "$state_dir/sandbox.json" 2> "$state_dir/sandbox.log" &
echo $! > "$state_dir/sandbox.pid"
for _ in $(seq 1 100); do [ -s "$state_dir/sandbox.json" ] && break; sleep 0.1; done
info=$(head -1 "$state_dir/sandbox.json")
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$info" "$1"; }
url=$(field url); user=$(field user); token=$(field api_token)
echo "Sandbox Atlassian site (Jira and Confluence) running at $url, pid $(cat "$state_dir/sandbox.pid")"
echo

"$odbc" install --user
"$odbc" dsn add AtlassianDemo "Url=$url" "User=$user" "APIToken=$token" --user
echo
"$odbc" test AtlassianDemo
echo

show() {
  echo "== $1"
  echo "\$ atlassian-odbc query AtlassianDemo \"$2\""
  "$odbc" query AtlassianDemo "$2"
  echo
}
show "Open issues per project, and how many people they are assigned to" \
  "select p.Name as Project, count(*) as OpenIssues, count(distinct i.AssigneeAccountId) as Assignees from Jira.Issues i join Jira.Projects p on p.Id = i.ProjectId where i.StatusCategory <> 'Done' group by p.Name order by OpenIssues desc"
show "Who holds the open issues, joined to the Confluence pages they wrote" \
  "select i.AssigneeDisplayName as Assignee, count(distinct i.\"Key\") as OpenIssues, count(distinct p.Id) as PagesWritten, min(p.Title) as OneOfTheirPages from Jira.Issues i join Confluence.Pages p on p.AuthorId = i.AssigneeAccountId where i.StatusCategory <> 'Done' group by i.AssigneeDisplayName order by OpenIssues desc limit 8"
show "The newest high-priority bugs (the filter runs as JQL on the site)" \
  "select \"Key\", Priority, Status, Summary, Created from Jira.Issues where IssueType = 'Bug' and Priority in ('Highest', 'High') order by Created desc limit 5"
echo "== The same DSN through unixODBC's own isql"
echo "\$ echo 'select \"Key\", Name, Type from Confluence.Spaces' | isql -b -c -d'|' AtlassianDemo"
echo 'select "Key", Name, Type from Confluence.Spaces' | isql -b -c -d'|' AtlassianDemo
echo
cat <<EOF
Your own query:   $odbc query AtlassianDemo "select * from Jira.Issues limit 10"
As CSV or JSON:   $odbc query AtlassianDemo "select * from Confluence.Pages" --format csv
Any ODBC client:  isql AtlassianDemo, pyodbc.connect("DSN=AtlassianDemo"), LibreOffice, ...
Stop the sandbox: kill \$(cat $state_dir/sandbox.pid)
Remove the demo:  $odbc dsn remove AtlassianDemo && $odbc uninstall
EOF
