"""Agile membership (SprintIssues, BoardIssues, BacklogIssues, Epics), issue history as status
intervals (IssueStatusHistory) and the Issues columns reports are built on, through pyodbc and
unixODBC on both flavors: the rows equal what the site's REST API answers when asked directly,
filters on a list's parent narrow the requests, and history is read in bulk, never per issue."""

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone

import pyodbc
import pytest
from conftest import rows


def stats(site):
    return json.load(urllib.request.urlopen(site.url + "/__sandbox/stats"))


def reset(site):
    urllib.request.urlopen(urllib.request.Request(site.url + "/__sandbox/reset-stats", method="POST"))


def paged(site, path, items):
    """An agile list, page by page (startAt/maxResults, as the driver does not)."""
    out, start = [], 0
    while True:
        sep = "&" if "?" in path else "?"
        page = site.rest(f"{path}{sep}startAt={start}&maxResults=37")
        out.extend(page[items])
        start += len(page[items])
        if not page[items] or page.get("isLast") or start >= page.get("total", 0):
            return out


def refused(site, path):
    try:
        site.rest(path)
    except urllib.error.HTTPError as e:
        return e.code
    return None


def boards(site):
    return paged(site, "/rest/agile/1.0/board", "values")


def test_board_and_backlog_issues_are_the_agile_lists(site, conn):
    all_boards = boards(site)
    assert {"scrum", "kanban"} <= {b["type"] for b in all_boards}
    if not site.dc:
        # Cloud has a team-managed board too; its missing sprints and backlog read as none.
        assert "simple" in {b["type"] for b in all_boards}
    expected = sorted(
        (b["id"], i["key"], i["fields"]["status"]["name"], i["fields"]["summary"])
        for b in all_boards
        for i in paged(site, f"/rest/agile/1.0/board/{b['id']}/issue?fields=status,summary", "issues")
    )
    assert rows(conn, "select BoardId, IssueKey, Status, Summary from Jira.BoardIssues order by 1, 2") == sorted(expected, key=lambda r: (r[0], r[1]))
    backlog = []
    for b in all_boards:
        path = f"/rest/agile/1.0/board/{b['id']}/backlog?fields=status"
        if b["type"] != "scrum":
            assert refused(site, path) == 400, b
            continue
        backlog += [(b["id"], i["key"]) for i in paged(site, path, "issues")]
    assert backlog, "some issues are in no open sprint"
    assert sorted(rows(conn, "select BoardId, IssueKey from Jira.BacklogIssues")) == sorted(backlog)
    # A backlog issue is not done and in no active or future sprint.
    done = rows(conn, "select count(*) from Jira.BacklogIssues where StatusCategory = 'Done'")
    assert done == [(0,)]


def test_sprint_issues_per_board_and_a_filtered_read(site, conn):
    all_boards = boards(site)
    expected = []
    sprints = []
    for b in all_boards:
        if b["type"] == "kanban" or (b["type"] == "simple" and refused(site, f"/rest/agile/1.0/board/{b['id']}/sprint") == 400):
            continue
        for s in paged(site, f"/rest/agile/1.0/board/{b['id']}/sprint", "values"):
            sprints.append((s["id"], b["id"]))
            for i in paged(site, f"/rest/agile/1.0/board/{b['id']}/sprint/{s['id']}/issue?fields=status", "issues"):
                expected.append((s["id"], b["id"], i["key"], i["fields"]["status"]["name"]))
    assert expected
    assert sorted(rows(conn, "select SprintId, BoardId, IssueKey, Status from Jira.SprintIssues")) == sorted(expected)
    # One sprint: the boards and their sprints are read to find it, then its issues alone.
    sprint, board = sprints[len(sprints) // 2]
    reset(site)
    got = sorted(r[0] for r in rows(conn, "select IssueKey from Jira.SprintIssues where SprintId = ?", sprint))
    assert got == sorted(k for s, _, k, _ in expected if s == sprint)
    routes = stats(site)["routes"]
    sprint_lists = sum(n for r, n in routes.items() if r.endswith("/sprint/{sprint}/issue"))
    assert sprint_lists == 1, routes
    # A board: only its lists are read.
    reset(site)
    rows(conn, "select IssueKey from Jira.BoardIssues where BoardId = ?", board)
    routes = stats(site)["routes"]
    assert sum(n for r, n in routes.items() if r.endswith("/board/{id}/issue")) == 1, routes


def test_epics_of_company_managed_boards(site, conn):
    expected = []
    for b in boards(site):
        if b["type"] == "simple":
            continue
        for e in paged(site, f"/rest/agile/1.0/board/{b['id']}/epic", "values"):
            expected.append((b["id"], e["id"], e.get("key"), e["name"], e["done"], e["color"]["key"]))
    assert expected
    assert sorted(rows(conn, "select BoardId, Id, Key, Name, Done, Color from Jira.Epics")) == sorted(expected)
    # Each epic is an issue of the Epic type; its children name it as their parent.
    kinds = dict(rows(conn, "select Id, IssueType from Jira.Issues where IssueType = 'Epic'"))
    assert all(e[1] in kinds for e in expected)
    parents = rows(conn, 'select i.ParentKey, count(*) from Jira.Issues i join Jira.Issues e on i.ParentKey = e."Key" where e.IssueType = \'Epic\' group by i.ParentKey')
    assert parents
    key = max(parents, key=lambda r: r[1])[0]
    children = rows(conn, 'select "Key" from Jira.Issues where ParentKey = ?', key)
    assert sorted(k for (k,) in children) == sorted(site.issue_keys(f"parent = {key}"))


def test_issue_columns_for_reports(site, conn):
    fields = "timeoriginalestimate,timeestimate,statuscategorychangedate,environment,versions,parent"
    issues = {i["key"]: i for i in all_issues(site, "project is not EMPTY", fields)}
    got = rows(
        conn,
        'select "Key", OriginalEstimateSeconds, RemainingEstimateSeconds, StatusCategoryChangedDate, Environment, AffectedVersions, ParentKey from Jira.Issues',
    )
    assert len(got) == len(issues)
    for key, original, remaining, changed, env, versions, parent in got:
        f = issues[key]["fields"]
        assert (original, remaining) == (f.get("timeoriginalestimate"), f.get("timeestimate")), key
        assert changed == parse(f["statuscategorychangedate"]), key
        assert env == (site.text_of(f["environment"]) if f.get("environment") else None), key
        assert versions == (",".join(v["name"] for v in f["versions"]) or None), key
        assert parent == (f.get("parent") or {}).get("key"), key
    assert any(r[1] for r in got) and any(r[4] for r in got) and any(r[5] for r in got) and any(r[6] for r in got)
    # The epic: the parent, when the parent is an epic (a sub-task's parent is not).
    epics = dict(rows(conn, 'select "Key", EpicKey from Jira.Issues'))
    for key, issue in issues.items():
        parent = issue["fields"].get("parent") or {}
        is_epic = parent.get("fields", {}).get("issuetype", {}).get("hierarchyLevel") == 1
        assert epics[key] == (parent["key"] if is_epic else None), key
    assert any(epics.values()) and any(v is None and (issues[k]["fields"].get("parent")) for k, v in epics.items())
    # Affected versions push down as JQL.
    version = next(r[5] for r in got if r[5]).split(",")[0]
    reset(site)
    pushed = rows(conn, 'select "Key" from Jira.Issues where AffectedVersions = ?', version)
    assert stats(site)["total"] == 1
    assert sorted(k for (k,) in pushed) == sorted(site.issue_keys(f'affectedVersion = "{version}"'))


def test_status_history_is_read_in_bulk_and_adds_up(site, conn):
    project = site.rest(f"/rest/api/{site.api}/project")[0]["key"]
    keys = site.issue_keys(f"project = {project}")
    reset(site)
    got = rows(
        conn,
        "select IssueKey, Sequence, Status, Entered, Left, Seconds, IsCurrent, MovedByAccountId from Jira.IssueStatusHistory where ProjectKey = ? order by IssueKey, Sequence",
        project,
    )
    requests = stats(site)["routes"]
    # The search's pages and, on Cloud, one bulk changelog request per page: never one per issue.
    per_issue = sum(n for r, n in requests.items() if "/issue/{key}" in r)
    assert per_issue == 0, requests
    assert sum(requests.values()) <= 2 * (len(keys) // 100 + 1), requests
    assert sorted({r[0] for r in got}) == sorted(keys)
    by_issue = {}
    for r in got:
        by_issue.setdefault(r[0], []).append(r)
    moved = 0
    for key, intervals in by_issue.items():
        issue = site.rest(f"/rest/api/{site.api}/issue/{key}?fields=status,created&expand=changelog")
        changes = sorted(
            (parse(h["created"]), h["author"].get("accountId"), item["fromString"], item["toString"])
            for h in issue["changelog"]["histories"]
            for item in h["items"]
            if item["field"] == "status"
        )
        assert [i[1] for i in intervals] == list(range(1, len(changes) + 2)), key
        assert intervals[0][3] == parse(issue["fields"]["created"]), key
        assert intervals[-1][2] == issue["fields"]["status"]["name"] and intervals[-1][6] and intervals[-1][4] is None, key
        for n, (when, author, before, after) in enumerate(changes):
            assert intervals[n][2] == before and intervals[n][4] == when, key
            assert intervals[n + 1][2] == after and intervals[n + 1][3] == when and intervals[n + 1][7] == author, key
            assert intervals[n][5] == int((when - intervals[n][3]).total_seconds()), key
        moved += len(changes)
    assert moved > len(by_issue) // 2, "issues moved through several statuses"
    # One issue by key: one search (and on Cloud one bulk request).
    reset(site)
    one = rows(conn, "select Status from Jira.IssueStatusHistory where IssueKey = ? order by Sequence", keys[3])
    assert [s for (s,) in one] == [r[2] for r in by_issue[keys[3]]]
    assert sum(stats(site)["routes"].values()) == (1 if site.dc else 2), stats(site)["routes"]


def all_issues(site, jql, fields):
    if not site.dc:
        return site.sb.all_issues(jql, fields.split(","))
    out, start = [], 0
    while True:
        page = site.rest("/rest/api/2/search?" + urllib.parse.urlencode({"jql": jql, "fields": fields, "startAt": start, "maxResults": 100}))
        out.extend(page["issues"])
        start += len(page["issues"])
        if start >= page["total"] or not page["issues"]:
            return out


def parse(text):
    """An Atlassian timestamp as the driver returns it (naive UTC, milliseconds)."""
    t = datetime.strptime(text.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(timezone.utc)
    return t.replace(tzinfo=None)


def test_projects_carry_category_lead_and_url(site, conn):
    if site.dc:
        listed = site.rest("/rest/api/2/project?expand=description,lead,url")
    else:
        listed = paged(site, "/rest/api/3/project/search?expand=description,lead,url", "values")
    expected = sorted(
        (p["key"], p.get("description"), p["lead"].get("accountId"), p["lead"].get("displayName"),
         int(p["projectCategory"]["id"]) if p.get("projectCategory") else None, (p.get("projectCategory") or {}).get("name"), p.get("url"))
        for p in listed
    )
    got = rows(conn, 'select "Key", Description, LeadAccountId, LeadDisplayName, CategoryId, Category, Url from Jira.Projects order by 1')
    assert got == expected
    assert any(r[5] for r in got) and any(r[6] for r in got)


def test_comment_and_worklog_visibility(site, conn):
    keys = site.issue_keys("project = ENG")[:40]
    where = "IssueKey IN (" + ", ".join(f"'{k}'" for k in keys) + ")"
    for table, items in (("Comments", "comments"), ("Worklogs", "worklogs")):
        expected = sorted(
            (int(c["id"]), (c.get("visibility") or {}).get("type"), (c.get("visibility") or {}).get("value"))
            for k in keys
            for c in site.rest(f"/rest/api/{site.api}/issue/{k}/{items[:-1]}")[items]
        )
        assert sorted(rows(conn, f"select Id, VisibilityType, VisibilityValue from Jira.{table} where {where}")) == expected, table
    assert rows(conn, f"select count(*) from Jira.Comments where VisibilityType = 'group' and {where}")[0][0] > 0
    # A comment only the developers group may see: written, read back, hidden from the admin (not a member).
    key = keys[0]
    [(cid,)] = rows(conn, "insert into Jira.Comments (IssueKey, Body, VisibilityType, VisibilityValue) values (?, 'for developers', 'group', 'developers') returning Id", key)
    assert rows(conn, "select VisibilityType, VisibilityValue from Jira.Comments where IssueKey = ? and Id = ?", key, cid) == [("group", "developers")]
    user, token = site.sb.admin()
    admin = pyodbc.connect(site.connection_string(User=user, APIToken=token), autocommit=True)
    try:
        assert rows(admin, "select Id from Jira.Comments where IssueKey = ? and Id = ?", key, cid) == []
    finally:
        admin.close()
    conn.cursor().execute("delete from Jira.Comments where IssueKey = ? and Id = ?", key, cid)


SPRINT_REPORT = """
WITH placed AS (
    SELECT s.SprintId, s.IssueKey, COALESCE(sp.StartDate, TIMESTAMP '9999-12-31 00:00:00') AS starts
    FROM Jira.SprintIssues s JOIN Jira.Sprints sp ON sp.Id = s.SprintId AND sp.BoardId = s.BoardId
), carried AS (
    SELECT DISTINCT a.SprintId, a.IssueKey FROM placed a JOIN placed b ON b.IssueKey = a.IssueKey AND b.starts > a.starts
)
SELECT sp.Id, sp.Name, COUNT(*) AS committed,
       SUM(CASE WHEN s.StatusCategory = 'Done' THEN 1 ELSE 0 END) AS completed,
       COUNT(c.IssueKey) AS carried_over
FROM Jira.SprintIssues s
JOIN Jira.Sprints sp ON sp.Id = s.SprintId AND sp.BoardId = s.BoardId
LEFT JOIN carried c ON c.SprintId = s.SprintId AND c.IssueKey = s.IssueKey
GROUP BY sp.Id, sp.Name
ORDER BY sp.Id
"""


def test_sprint_report_in_one_query(site, conn):
    """Per sprint: issues committed (in the sprint), completed (done) and carried over (also in
    a sprint that starts later); computed here from the agile REST lists."""
    expected = {}
    for b in boards(site):
        if b["type"] == "kanban" or (b["type"] == "simple" and refused(site, f"/rest/agile/1.0/board/{b['id']}/sprint") == 400):
            continue
        sprints = paged(site, f"/rest/agile/1.0/board/{b['id']}/sprint", "values")
        starts = {s["id"]: s.get("startDate") or "9999" for s in sprints}
        members = {s["id"]: paged(site, f"/rest/agile/1.0/board/{b['id']}/sprint/{s['id']}/issue?fields=status", "issues") for s in sprints}
        in_sprints = {}
        for sid, issues in members.items():
            for i in issues:
                in_sprints.setdefault(i["key"], []).append(sid)
        for s in sprints:
            issues = members[s["id"]]
            if not issues:
                continue
            done = sum(i["fields"]["status"]["statusCategory"]["name"] == "Done" for i in issues)
            later = sum(any(starts[o] > starts[s["id"]] for o in in_sprints[i["key"]] if o != s["id"]) for i in issues)
            expected[s["id"]] = (s["name"], len(issues), done, later)
    assert any(v[3] for v in expected.values()), "some issues were carried over"
    got = {r[0]: tuple(r[1:]) for r in rows(conn, SPRINT_REPORT)}
    assert got == expected
