"""What hangs off a Jira issue (watchers, votes, remote links, attachments, sub-tasks) through
pyodbc and unixODBC on both flavors: the rows equal what the site's REST API answers when asked
directly, a filtered read asks only for the issues named, and the writes the API has go round
trip (watchers added and removed, remote links made, changed and deleted, attachments uploaded,
downloaded byte for byte and deleted)."""

import base64
import json
import urllib.request

import pyodbc
import pytest
from conftest import rows


def reset(site):
    urllib.request.urlopen(urllib.request.Request(site.url + "/__sandbox/reset-stats", method="POST"))


def routes(site):
    return json.load(urllib.request.urlopen(site.url + "/__sandbox/stats"))["routes"]


def user_id(u):
    return u.get("accountId") or u.get("name")


@pytest.fixture(scope="module")
def keys(site):
    return site.issue_keys("project = ENG")[:40]


def quoted(keys):
    return "(" + ", ".join(f"'{k}'" for k in keys) + ")"


def among(keys):
    return "IssueKey IN " + quoted(keys)


def test_watchers_and_votes_are_the_issues_lists(site, conn, keys):
    watchers = sorted((k, user_id(u), u["displayName"]) for k in keys for u in site.rest(f"/rest/api/{{api}}/issue/{k}/watchers")["watchers"])
    votes = sorted((k, user_id(u)) for k in keys for u in site.rest(f"/rest/api/{{api}}/issue/{k}/votes")["voters"])
    assert watchers and votes
    assert sorted(rows(conn, f"select IssueKey, AccountId, DisplayName from Jira.IssueWatchers where {among(keys)}")) == watchers
    assert sorted(rows(conn, f"select IssueKey, AccountId from Jira.IssueVotes where {among(keys)}")) == votes
    counts = {k: (0, 0) for k in keys}
    for k, _, _ in watchers:
        counts[k] = (counts[k][0] + 1, counts[k][1])
    for k, _ in votes:
        counts[k] = (counts[k][0], counts[k][1] + 1)
    assert {r[0]: (r[1], r[2]) for r in rows(conn, f"select Key, WatchCount, VoteCount from Jira.Issues where Key IN {quoted(keys)}")} == counts
    # One issue: one search for it, one list.
    reset(site)
    k = keys[3]
    assert sorted(r[0] for r in rows(conn, "select AccountId from Jira.IssueWatchers where IssueKey = ?", k)) == sorted(w[1] for w in watchers if w[0] == k)
    lists = {r: n for r, n in routes(site).items() if "/watchers" in r}
    assert sum(lists.values()) == 1, lists


def test_adding_and_removing_a_watcher(site, conn, keys):
    k = keys[5]
    present = {user_id(u) for u in site.rest(f"/rest/api/{{api}}/issue/{k}/watchers")["watchers"]}
    users = [r[0] for r in rows(conn, "select AccountId from Jira.Users where Active")]
    newcomer = next(u for u in users if u not in present)
    conn.cursor().execute("insert into Jira.IssueWatchers (IssueKey, AccountId) values (?, ?)", k, newcomer)
    assert newcomer in {user_id(u) for u in site.rest(f"/rest/api/{{api}}/issue/{k}/watchers")["watchers"]}
    assert conn.cursor().execute("delete from Jira.IssueWatchers where IssueKey = ? and AccountId = ?", k, newcomer).rowcount == 1
    assert {user_id(u) for u in site.rest(f"/rest/api/{{api}}/issue/{k}/watchers")["watchers"]} == present
    with pytest.raises(pyodbc.Error):
        conn.cursor().execute("insert into Jira.IssueWatchers (IssueKey, AccountId) values (?, 'no-such-user')", k)


def test_remote_links_read_and_round_trip(site, conn, keys):
    expected = sorted(
        (l["id"], k, l.get("globalId"), l.get("relationship"), l["object"]["url"], l["object"]["title"], l["object"].get("summary"), l["object"]["status"]["resolved"])
        for k in keys
        for l in site.rest(f"/rest/api/{{api}}/issue/{k}/remotelink")
    )
    assert expected
    got = rows(conn, f"select Id, IssueKey, GlobalId, Relationship, Url, Title, Summary, Resolved from Jira.IssueRemoteLinks where {among(keys)}")
    assert sorted(got) == expected
    k = keys[7]
    [(lid,)] = rows(
        conn,
        "insert into Jira.IssueRemoteLinks (IssueKey, Url, Title, Relationship, GlobalId) values (?, 'https://git.example.com/pulls/1', 'PR 1', 'relates to', 'pr-1') returning Id",
        k,
    )
    # A change replaces the link: what was not set stays as it was.
    conn.cursor().execute("update Jira.IssueRemoteLinks set Title = 'PR 1 (merged)', Resolved = 1 where IssueKey = ? and Id = ?", k, lid)
    link = site.rest(f"/rest/api/{{api}}/issue/{k}/remotelink/{lid}")
    assert (link["object"]["title"], link["object"]["url"], link["object"]["status"]["resolved"], link["globalId"], link["relationship"]) == (
        "PR 1 (merged)",
        "https://git.example.com/pulls/1",
        True,
        "pr-1",
        "relates to",
    )
    assert conn.cursor().execute("delete from Jira.IssueRemoteLinks where IssueKey = ? and Id = ?", k, lid).rowcount == 1
    assert all(l["id"] != lid for l in site.rest(f"/rest/api/{{api}}/issue/{k}/remotelink"))
    with pytest.raises(pyodbc.Error) as e:
        conn.cursor().execute("insert into Jira.IssueRemoteLinks (IssueKey, Title) values (?, 'no url')", k)
    assert "Url" in str(e.value)


def test_subtasks_and_attachments_come_with_the_issues(site, conn):
    issues = site.sb.all_issues("project = ENG", ["subtasks", "attachment"]) if not site.dc else None
    if issues is None:
        keys = site.issue_keys("project = ENG")
        issues = [site.rest(f"/rest/api/2/issue/{k}?fields=subtasks,attachment") for k in keys]
    subtasks = sorted((i["key"], int(s["id"]), s["key"], s["fields"]["status"]["name"]) for i in issues for s in i["fields"]["subtasks"])
    attachments = sorted((i["key"], int(a["id"]), a["filename"], a["size"], a["mimeType"]) for i in issues for a in i["fields"]["attachment"])
    assert subtasks and attachments
    reset(site)
    assert sorted(rows(conn, "select ParentKey, Id, Key, Status from Jira.Subtasks where ParentKey like 'ENG-%'")) == subtasks
    assert sorted(rows(conn, "select IssueKey, Id, FileName, Size, MimeType from Jira.IssueAttachments where IssueKey like 'ENG-%'")) == attachments
    # Both come with the issue search: no request per issue.
    per_issue = {r: n for r, n in routes(site).items() if "/issue/{key}" in r}
    assert per_issue == {}, per_issue
    # Sub-tasks are issues: the join finds each one's type.
    joined = rows(conn, "select s.Key, i.IssueType from Jira.Subtasks s join Jira.Issues i on i.Key = s.Key where s.ParentKey like 'ENG-%'")
    assert sorted(k for k, _ in joined) == sorted(s[2] for s in subtasks) and {t for _, t in joined} == {"Sub-task"}


def test_attachments_upload_download_delete(site, conn, keys):
    k = keys[9]
    data = bytes(range(256)) * 3
    [(aid, name, media, size)] = rows(
        conn,
        "{call Jira.UploadIssueAttachment(?, ?, ?, ?, ?)}",
        k,
        "blob.bin",
        base64.b64encode(data).decode(),
        None,
        "application/octet-stream",
    )
    assert (name, media, size) == ("blob.bin", "application/octet-stream", len(data))
    assert rows(conn, "select FileName, Size from Jira.IssueAttachments where IssueKey = ? and Id = ?", k, aid) == [("blob.bin", len(data))]
    [(got_id, title, media, n, b64, text)] = rows(conn, "{call Jira.DownloadIssueAttachment(?)}", aid)
    assert (got_id, title, media, n, text) == (aid, "blob.bin", "application/octet-stream", len(data), None)
    assert base64.b64decode(b64) == data
    [(tid, _, _, _)] = rows(conn, "{call Jira.UploadIssueAttachment(?, ?, ?, ?, ?)}", k, "notes.txt", None, "héllo\nwörld", None)
    assert rows(conn, "{call Jira.DownloadIssueAttachment(?)}", tid)[0][5] == "héllo\nwörld"
    assert conn.cursor().execute("delete from Jira.IssueAttachments where IssueKey = ? and Id in (?, ?)", k, aid, tid).rowcount == 2
    assert rows(conn, "select Id from Jira.IssueAttachments where IssueKey = ? and Id in (?, ?)", k, aid, tid) == []
    with pytest.raises(pyodbc.Error) as e:
        rows(conn, "{call Jira.UploadIssueAttachment(?, ?, ?, ?, ?)}", k, "x", None, None, None)
    assert "exactly one" in str(e.value)
