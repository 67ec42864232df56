"""Jira Service Management as tables, through pyodbc and unixODBC on both flavors: service
desks, request types and their fields, requests with their SLAs, comments, participants and
approvals, customers, organizations and queues equal what `/rest/servicedeskapi` answers when
asked directly; filters on the service desk and request type reach the request list; comments,
participants, approvals and new requests are written through the API; and a service-desk report
runs as one SQL query whose figures are computed here from the REST answers."""

import json
import statistics
import urllib.parse
import urllib.request
from datetime import datetime, timezone

import pyodbc
import pytest

SD = "/rest/servicedeskapi"


def clock(site, stopped):
    body = json.dumps({"stopped": stopped}).encode()
    urllib.request.urlopen(urllib.request.Request(site.url + "/__sandbox/clock", data=body, method="POST", headers={"Content-Type": "application/json"}))


@pytest.fixture(scope="module")
def conn(site):
    # Ongoing SLAs' elapsed and remaining times run with the clock: it stands still while the
    # driver's answers are compared with the site's.
    clock(site, True)
    c = pyodbc.connect(site.connection_string(), autocommit=True)
    yield c
    c.close()
    clock(site, False)


def rows(conn, sql, *params):
    return [tuple(r) for r in conn.cursor().execute(sql, *params).fetchall()]


def reset(site):
    urllib.request.urlopen(urllib.request.Request(site.url + "/__sandbox/reset-stats", method="POST"))


def recent(site):
    return json.load(urllib.request.urlopen(site.url + "/__sandbox/stats"))["recent"]


def sd(site, path):
    """A Service Management GET, opted in to its experimental operations."""
    user, token = site.sb.info["user"], site.sb.info["api_token"]
    import base64

    req = urllib.request.Request(site.url + SD + path)
    req.add_header("Authorization", "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode())
    req.add_header("X-ExperimentalApi", "opt-in")
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def paged(site, path):
    """Every item of a PagedDTO list, 17 at a time (not the driver's page size)."""
    out, start = [], 0
    while True:
        page = sd(site, f"{path}{'&' if '?' in path else '?'}start={start}&limit=17")
        out.extend(page["values"])
        start += len(page["values"])
        if page["isLastPage"] or not page["values"]:
            return out


def uid(u):
    return u.get("accountId") or u.get("name")


def ms(date):
    return datetime.fromtimestamp(date["epochMillis"] / 1000, timezone.utc).replace(tzinfo=None)


@pytest.fixture(scope="module")
def requests(site):
    return paged(site, "/request?requestOwnership=ALL_REQUESTS")


def test_service_desks_request_types_and_fields(site, conn):
    desks = paged(site, "/servicedesk")
    assert desks
    assert sorted(rows(conn, "select Id, ProjectKey, ProjectName from Jira.ServiceDesks")) == sorted((int(d["id"]), d["projectKey"], d["projectName"]) for d in desks)
    types = [(int(d["id"]), int(t["id"]), t["name"], int(t["issueTypeId"])) for d in desks for t in paged(site, f"/servicedesk/{d['id']}/requesttype")]
    assert sorted(rows(conn, "select ServiceDeskId, Id, Name, IssueTypeId from Jira.RequestTypes")) == sorted(types)
    fields = sorted(
        (d, t, f["fieldId"], f["required"]) for d, t, _, _ in types for f in sd(site, f"/servicedesk/{d}/requesttype/{t}/field")["requestTypeFields"]
    )
    assert fields and sorted(rows(conn, "select ServiceDeskId, RequestTypeId, FieldId, Required from Jira.RequestTypeFields")) == fields


def test_requests_are_the_request_list(site, conn, requests):
    assert len(requests) >= 60
    expected = sorted(
        (int(r["issueId"]), r["issueKey"], int(r["serviceDeskId"]), int(r["requestTypeId"]), r["currentStatus"]["status"], r["currentStatus"]["statusCategory"], ms(r["createdDate"]), r["_links"]["web"])
        for r in requests
    )
    got = rows(conn, "select IssueId, IssueKey, ServiceDeskId, RequestTypeId, Status, StatusCategory, Created, PortalUrl from Jira.Requests")
    assert sorted(got) == expected
    # The reporter: Cloud's account id, Data Center's username.
    assert dict(rows(conn, "select IssueKey, ReporterAccountId from Jira.Requests")) == {r["issueKey"]: uid(r["reporter"]) for r in requests}
    summaries = {r["issueKey"]: next(v["value"] for v in r["requestFieldValues"] if v["fieldId"] == "summary") for r in requests}
    assert dict(rows(conn, "select IssueKey, Summary from Jira.Requests")) == summaries
    # A request is its project's issue.
    joined = rows(conn, "select r.IssueKey, i.Summary from Jira.Requests r join Jira.Issues i on i.Key = r.IssueKey where r.ServiceDeskId = 1")
    assert sorted(joined) == sorted((k, s) for k, s in summaries.items() if k.startswith("HELP-"))


def test_filters_reach_the_request_list(site, conn, requests):
    rt = int(requests[0]["requestTypeId"])
    desk = int(requests[0]["serviceDeskId"])
    reset(site)
    got = sorted(r[0] for r in rows(conn, "select IssueKey from Jira.Requests where ServiceDeskId = ? and RequestTypeId = ?", desk, rt))
    assert got == sorted(r["issueKey"] for r in requests if int(r["requestTypeId"]) == rt and int(r["serviceDeskId"]) == desk)
    sent = [urllib.parse.unquote(r) for r in recent(site) if "/servicedeskapi/request" in r]
    assert sent and all(f"requestTypeId={rt}" in r and f"serviceDeskId={desk}" in r for r in sent), sent


def test_slas_comments_participants_approvals_per_request(site, conn, requests):
    keys = [r["issueKey"] for r in requests][:20]
    where = "IssueKey IN (" + ", ".join(f"'{k}'" for k in keys) + ")"
    slas = []
    for k in keys:
        for m in paged(site, f"/request/{k}/sla"):
            cycles = m["completedCycles"] + ([m["ongoingCycle"]] if m.get("ongoingCycle") else [])
            for n, c in enumerate(cycles, 1):
                slas.append((k, int(m["id"]), m["name"], n, c is m.get("ongoingCycle"), c["breached"], c["goalDuration"]["millis"], c["elapsedTime"]["millis"]))
    assert {s[5] for s in slas} == {True, False} and {s[4] for s in slas} == {True, False}
    got = rows(conn, f"select IssueKey, SlaId, Name, Cycle, Ongoing, Breached, GoalMillis, ElapsedMillis from Jira.RequestSlas where {where}")
    assert sorted(got) == sorted(slas)
    all_keys = [r["issueKey"] for r in requests]
    where_all = "IssueKey IN (" + ", ".join(f"'{k}'" for k in all_keys) + ")"
    comments = sorted((k, int(c["id"]), c["body"], c["public"]) for k in all_keys for c in paged(site, f"/request/{k}/comment"))
    assert {c[3] for c in comments} == {True, False}
    assert sorted(rows(conn, f"select IssueKey, Id, Body, Public from Jira.RequestComments where {where_all}")) == comments
    parts = sorted((k, uid(u)) for k in keys for u in paged(site, f"/request/{k}/participant"))
    assert sorted(rows(conn, f"select IssueKey, AccountId from Jira.RequestParticipants where {where}")) == parts
    approvals = sorted((k, int(a["id"]), a["finalDecision"], uid(p["approver"]), p["approverDecision"]) for k in all_keys for a in paged(site, f"/request/{k}/approval") for p in a["approvers"])
    assert approvals
    assert sorted(rows(conn, f"select IssueKey, Id, FinalDecision, ApproverAccountId, ApproverDecision from Jira.RequestApprovals where {where_all}")) == approvals
    # One request: its SLAs alone are read, once.
    reset(site)
    rows(conn, "select Name from Jira.RequestSlas where IssueKey = ?", keys[0])
    sla_reads = [r for r in recent(site) if r.split("?")[0].endswith("/sla")]
    assert len(sla_reads) == 1, recent(site)


def test_customers_organizations_and_queues(site, conn):
    desks = [int(d["id"]) for d in paged(site, "/servicedesk")]
    customers = sorted((d, uid(u), u["displayName"]) for d in desks for u in paged(site, f"/servicedesk/{d}/customer"))
    assert customers and sorted(rows(conn, "select ServiceDeskId, AccountId, DisplayName from Jira.Customers")) == customers
    orgs = paged(site, "/organization")
    assert sorted(rows(conn, "select Id, Name from Jira.Organizations")) == sorted((int(o["id"]), o["name"]) for o in orgs)
    members = sorted((int(o["id"]), uid(u)) for o in orgs for u in paged(site, f"/organization/{o['id']}/user"))
    assert members and sorted(rows(conn, "select OrganizationId, AccountId from Jira.OrganizationUsers")) == members
    queues = [(d, q) for d in desks for q in paged(site, f"/servicedesk/{d}/queue?includeCount=true")]
    assert sorted(rows(conn, "select ServiceDeskId, Id, Name, Jql, IssueCount from Jira.Queues")) == sorted((d, int(q["id"]), q["name"], q["jql"], q["issueCount"]) for d, q in queues)
    in_queues = sorted((int(q["id"]), i["key"]) for d, q in queues for i in paged(site, f"/servicedesk/{d}/queue/{q['id']}/issue"))
    assert in_queues and sorted(rows(conn, "select QueueId, IssueKey from Jira.QueueIssues")) == in_queues
    # Each queue's count is its rows.
    counts = {q: n for q, n in rows(conn, "select QueueId, count(*) from Jira.QueueIssues group by QueueId")}
    assert all(counts.get(int(q["id"]), 0) == q["issueCount"] for _, q in queues)


def test_writes_go_through_the_api(site, conn, requests):
    key = next(r["issueKey"] for r in requests if r["currentStatus"]["statusCategory"] != "DONE")
    [(cid,)] = rows(conn, "insert into Jira.RequestComments (IssueKey, Body, Public) values (?, 'checked the logs', 0) returning Id", key)
    assert any(int(c["id"]) == cid and not c["public"] and c["body"] == "checked the logs" for c in paged(site, f"/request/{key}/comment"))
    customers = [uid(u) for u in paged(site, "/servicedesk/1/customer")]
    present = {uid(u) for u in paged(site, f"/request/{key}/participant")}
    newcomer = next(c for c in customers if c not in present)
    conn.cursor().execute("insert into Jira.RequestParticipants (IssueKey, AccountId) values (?, ?)", key, newcomer)
    assert newcomer in {uid(u) for u in paged(site, f"/request/{key}/participant")}
    # A pending approval the connection's user may answer, approved through the procedure.
    pending = rows(conn, "select IssueKey, Id from Jira.RequestApprovals where FinalDecision = 'pending' and CanAnswer = 1")
    assert pending
    k, aid = pending[0]
    assert rows(conn, "{call Jira.AnswerApproval(?, ?, ?)}", k, aid, "approve") == [(k, aid, "approved")]
    assert sd(site, f"/request/{k}/approval/{aid}")["finalDecision"] == "approved"
    with pytest.raises(pyodbc.Error):
        rows(conn, "{call Jira.AnswerApproval(?, ?, ?)}", k, aid, "decline")
    with pytest.raises(pyodbc.Error) as e:
        rows(conn, "{call Jira.AnswerApproval(?, ?, ?)}", k, aid, "maybe")
    assert "approve or decline" in str(e.value)
    # A new request: raised through the API, listed after.
    rt = next(t for t in paged(site, "/servicedesk/1/requesttype") if t["name"] == "Get IT help")
    [(issue_key,)] = rows(
        conn,
        "insert into Jira.Requests (ServiceDeskId, RequestTypeId, Summary, Description) values (1, ?, 'Printer jammed', 'Third floor') returning IssueKey",
        int(rt["id"]),
    )
    assert sd(site, f"/request/{issue_key}")["requestTypeId"] == rt["id"]
    assert rows(conn, "select Summary, Description from Jira.Requests where IssueKey = ?", issue_key) == [("Printer jammed", "Third floor")]


REPORT = """
WITH opened AS (
    SELECT IssueId, RequestTypeId FROM Jira.Requests WHERE ServiceDeskId = 1 AND Created >= ? AND Created < ?
), resolution AS (
    SELECT IssueId, MAX(CASE WHEN Breached THEN 1 ELSE 0 END) AS breached
    FROM Jira.RequestSlas WHERE Name = 'Time to resolution' GROUP BY IssueId
), response AS (
    SELECT IssueId, MIN(ElapsedMillis) AS millis
    FROM Jira.RequestSlas WHERE Name = 'Time to first response' AND Ongoing = 0 GROUP BY IssueId
)
SELECT t.Name, COUNT(*) AS opened, AVG(CAST(r.breached AS DOUBLE)) AS breached_share, MEDIAN(f.millis) AS median_first_response_millis
FROM opened o
JOIN Jira.RequestTypes t ON t.ServiceDeskId = 1 AND t.Id = o.RequestTypeId
LEFT JOIN resolution r ON r.IssueId = o.IssueId
LEFT JOIN response f ON f.IssueId = o.IssueId
GROUP BY t.Name
ORDER BY t.Name
"""


def test_service_desk_report_in_one_query(site, conn, requests):
    """Per request type: requests opened last month, the share whose Time to resolution was
    breached, the median time to first response; computed here from the REST answers."""
    now = datetime.now(timezone.utc)
    this_month = datetime(now.year, now.month, 1)
    last_month = datetime(this_month.year - (this_month.month == 1), 12 if this_month.month == 1 else this_month.month - 1, 1)
    types = {t["id"]: t["name"] for t in paged(site, "/servicedesk/1/requesttype")}
    expected = {}
    for r in requests:
        if r["serviceDeskId"] != "1" or not last_month <= ms(r["createdDate"]) < this_month:
            continue
        slas = {m["name"]: m for m in paged(site, f"/request/{r['issueKey']}/sla")}
        ttr = slas["Time to resolution"]
        breached = any(c["breached"] for c in ttr["completedCycles"] + ([ttr["ongoingCycle"]] if ttr.get("ongoingCycle") else []))
        first = [c["elapsedTime"]["millis"] for c in slas["Time to first response"]["completedCycles"]]
        e = expected.setdefault(types[r["requestTypeId"]], {"opened": 0, "breached": 0, "first": []})
        e["opened"] += 1
        e["breached"] += breached
        e["first"].extend(first[:1])
    assert len(expected) == len(types), "every request type had requests last month"
    got = rows(conn, REPORT, last_month, this_month)
    assert [r[0] for r in got] == sorted(expected)
    for name, opened, share, median in got:
        e = expected[name]
        assert opened == e["opened"], name
        assert share == pytest.approx(e["breached"] / e["opened"]), name
        assert median == (statistics.median(e["first"]) if e["first"] else None), name
    assert any(0 < share < 1 for _, _, share, _ in got)
