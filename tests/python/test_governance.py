"""What administrators and auditors report on, through pyodbc and unixODBC on both flavors:
workflows with their statuses and transitions, project roles and their actors, permission
schemes and grants, issue security levels, dashboards, Jira's and Confluence's audit logs, space
permissions, page restrictions, page analytics and ancestors. Rows equal what the site's REST API
answers when asked directly (as a site administrator); what a flavor's API lacks is refused with
HYC00, saying where the user finds it instead."""

import base64
import json
import urllib.parse
import urllib.request
from datetime import datetime, timezone

import pyodbc
import pytest


@pytest.fixture(scope="module")
def admin(site):
    user, token = site.sb.admin()
    c = pyodbc.connect(site.connection_string(User=user, APIToken=token), autocommit=True)
    yield c
    c.close()


def rows(conn, sql, *params):
    return [tuple(r) for r in conn.cursor().execute(sql, *params).fetchall()]


def rest(site, path):
    """The site's REST API as its administrator."""
    user, token = site.sb.admin()
    req = urllib.request.Request(site.url + path.replace("{api}", str(site.api)))
    req.add_header("Authorization", "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode())
    req.add_header("Accept", "application/json")
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def reset(site):
    urllib.request.urlopen(urllib.request.Request(site.url + "/__sandbox/reset-stats", method="POST"))


def recent(site):
    return json.load(urllib.request.urlopen(site.url + "/__sandbox/stats"))["recent"]


def refused(conn, table):
    with pytest.raises(pyodbc.Error) as e:
        rows(conn, f"select * from {table}")
    # It says where on the site the user finds it instead.
    assert "HYC00" in str(e.value) and "Data Center" in str(e.value) and "on the site it is at Administration" in str(e.value).replace("\u2022", ""), str(e.value)


def projects(site):
    return [p["key"] for p in rest(site, "/rest/api/{api}/project")]


def test_workflows_with_statuses_and_transitions(site, admin):
    if site.dc:
        flows = rest(site, "/rest/api/2/workflow")
        assert sorted(rows(admin, "select Name, Description, Steps from Jira.Workflows")) == sorted((w["name"], w["description"], w["steps"]) for w in flows)
        refused(admin, "Jira.WorkflowStatuses")
        refused(admin, "Jira.WorkflowTransitions")
        return
    flows, start = [], 0
    while True:
        page = rest(site, f"/rest/api/3/workflow/search?expand=statuses,transitions&startAt={start}&maxResults=2")
        flows += page["values"]
        start += len(page["values"])
        if page["isLast"]:
            break
    assert sorted(rows(admin, "select Name, EntityId, Description from Jira.Workflows")) == sorted((w["id"]["name"], w["id"]["entityId"], w["description"]) for w in flows)
    assert sorted(rows(admin, "select Workflow, StatusId, StatusName from Jira.WorkflowStatuses")) == sorted((w["id"]["name"], int(s["id"]), s["name"]) for w in flows for s in w["statuses"])
    transitions = sorted((w["id"]["name"], int(t["id"]), t["name"], int(t["to"]), t["type"]) for w in flows for t in w["transitions"])
    assert transitions and sorted(rows(admin, "select Workflow, Id, Name, ToStatusId, Type from Jira.WorkflowTransitions")) == transitions
    # A workflow's transitions are the ones an issue of its project offers.
    key = site.issue_keys("project = ENG")[0]
    offered = {int(t["id"]) for t in rest(site, f"/rest/api/3/issue/{key}/transitions")["transitions"]}
    eng = next(w["id"]["name"] for w in flows if "ENG" in w["id"]["name"])
    assert offered <= {r[0] for r in rows(admin, "select Id from Jira.WorkflowTransitions where Workflow = ?", eng)}


def test_roles_and_their_actors(site, admin):
    expected_roles, actors = [], []
    for key in projects(site):
        for name, url in rest(site, f"/rest/api/{{api}}/project/{key}/role").items():
            rid = int(url.rsplit("/", 1)[1])
            expected_roles.append((key, rid, name))
            for a in rest(site, f"/rest/api/{{api}}/project/{key}/role/{rid}")["actors"]:
                actors.append((key, rid, a.get("name") or (a.get("actorGroup") or {}).get("name") or a["actorUser"]["accountId"]))
    assert expected_roles and actors
    assert sorted(rows(admin, "select ProjectKey, RoleId, RoleName from Jira.ProjectRoles")) == sorted(expected_roles)
    assert sorted(rows(admin, "select ProjectKey, RoleId, Name from Jira.ProjectRoleActors")) == sorted(actors)
    # One project's: its role list and its roles only.
    reset(site)
    got = rows(admin, "select RoleName, Name from Jira.ProjectRoleActors where ProjectKey = 'ENG'")
    assert sorted(n for _, n in got) == sorted(a for k, _, a in actors if k == "ENG")
    assert not any("/project/OPS/" in r for r in recent(site)), recent(site)


def test_permission_schemes_and_grants(site, admin):
    schemes = rest(site, "/rest/api/{api}/permissionscheme?expand=permissions")["permissionSchemes"]
    assert sorted(rows(admin, "select Id, Name from Jira.PermissionSchemes")) == sorted((s["id"], s["name"]) for s in schemes)
    grants = sorted((s["id"], g["id"], g["permission"], g["holder"]["type"], g["holder"].get("parameter")) for s in schemes for g in s["permissions"])
    assert grants and sorted(rows(admin, "select SchemeId, Id, Permission, HolderType, HolderParameter from Jira.PermissionGrants")) == grants
    # Who may browse: grants joined with the roles they name.
    browse = rows(admin, "select distinct r.RoleName from Jira.PermissionGrants g join Jira.ProjectRoles r on CAST(r.RoleId AS VARCHAR) = g.HolderParameter where g.Permission = 'BROWSE_PROJECTS' and g.HolderType = 'projectRole'")
    assert browse


def test_security_levels_and_dashboards(site, admin):
    levels = sorted((k, int(l["id"]), l["name"]) for k in projects(site) for l in rest(site, f"/rest/api/{{api}}/project/{k}/securitylevel")["levels"])
    assert levels and sorted(rows(admin, "select ProjectKey, Id, Name from Jira.IssueSecurityLevels")) == levels
    boards, start = [], 0
    while True:
        page = rest(site, f"/rest/api/{{api}}/dashboard?startAt={start}&maxResults=2")
        boards += page["dashboards"]
        start += len(page["dashboards"])
        if not page["dashboards"] or start >= page["total"]:
            break
    assert boards
    got = rows(admin, "select Id, Name, SystemDashboard, SharedWith from Jira.Dashboards")
    assert sorted(got) == sorted((int(d["id"]), d["name"], d.get("systemDashboard"), ",".join(p["type"] for p in d.get("sharePermissions", [])) or None) for d in boards)


def test_audit_logs(site, admin):
    if site.dc:
        refused(admin, "Jira.AuditRecords")
    else:
        records, offset = [], 0
        while True:
            page = rest(site, f"/rest/api/3/auditing/record?offset={offset}&limit=37")
            records += page["records"]
            offset += len(page["records"])
            if len(page["records"]) < 37:
                break
        assert len(records) >= 100
        assert sorted(rows(admin, "select Id, Summary, Category, ObjectName from Jira.AuditRecords")) == sorted((r["id"], r["summary"], r["category"], r["objectItem"]["name"]) for r in records)
        # Since a week ago: the date reaches the audit API's `from`.
        since = datetime.now(timezone.utc).replace(tzinfo=None) - __import__("datetime").timedelta(days=7)
        reset(site)
        got = sorted(r[0] for r in rows(admin, "select Id from Jira.AuditRecords where Created >= ?", since))
        want = sorted(r["id"] for r in records if datetime.strptime(r["created"][:19], "%Y-%m-%dT%H:%M:%S") >= since)
        assert got == want and want
        assert all("from=" in r for r in recent(site) if "/auditing/" in r), recent(site)
        # Others are refused as the site refuses them.
        user = pyodbc.connect(site.connection_string(), autocommit=True)
        with pytest.raises(pyodbc.Error):
            rows(user, "select Id from Jira.AuditRecords")
        user.close()
    prefix = "" if site.dc else "/wiki"
    audit, start = [], 0
    while True:
        page = rest(site, f"{prefix}/rest/api/audit?start={start}&limit=1000")
        audit += page["results"]
        start += len(page["results"])
        if "next" not in page.get("_links", {}) or not page["results"]:
            break
    assert audit
    assert sorted(rows(admin, "select Summary, Category, AffectedObjectName from Confluence.AuditRecords")) == sorted((a["summary"], a["category"], a["affectedObject"]["name"]) for a in audit)


def test_space_permissions_restrictions_views_and_ancestors(site, admin):
    spaces = rows(admin, "select Id, Key from Confluence.Spaces")
    perms = []
    for sid, key in spaces:
        if site.dc:
            perms += [(sid, g["subject"]["type"], g["subject"]["displayName"], g["operation"]["operationKey"], g["operation"]["targetType"]) for g in rest(site, f"/rest/api/space/{key}/permissions")]
        else:
            url = f"/wiki/api/v2/spaces/{sid}/permissions?limit=7"
            while url:
                page = rest(site, url)
                perms += [(sid, g["principal"]["type"], g["principal"]["id"], g["operation"]["key"], g["operation"]["targetType"]) for g in page["results"]]
                url = page["_links"].get("next")
    assert perms
    assert sorted(rows(admin, "select SpaceId, PrincipalType, PrincipalId, Operation, TargetType from Confluence.SpacePermissions")) == sorted(perms)
    pages = [r[0] for r in rows(admin, "select Id from Confluence.Pages")]
    prefix = "" if site.dc else "/wiki"
    restrictions, ancestors = [], []
    for p in pages:
        answer = rest(site, f"{prefix}/rest/api/content/{p}/restriction/byOperation")
        ops = answer.get("restrictions", answer) if site.dc else answer
        for op, r in ops.items():
            restrictions += [(p, op, "user") for _ in r["restrictions"]["user"]["results"]]
            restrictions += [(p, op, "group") for _ in r["restrictions"]["group"]["results"]]
        chain = rest(site, f"{prefix}/rest/api/content/{p}?expand=ancestors")["ancestors"]
        ancestors += [(p, int(a["id"]), i + 1) for i, a in enumerate(chain)]
    assert restrictions and ancestors
    assert sorted(rows(admin, "select ContentId, Operation, SubjectType from Confluence.ContentRestrictions")) == sorted(restrictions)
    assert sorted(rows(admin, "select PageId, AncestorId, Depth from Confluence.PageAncestors")) == sorted(ancestors)
    # The parent is the nearest ancestor.
    parents = dict(rows(admin, "select Id, ParentId from Confluence.Pages where ParentId is not null"))
    assert dict(rows(admin, "select PageId, AncestorId from Confluence.PageAncestors where Distance = 1")) == parents
    if site.dc:
        with pytest.raises(pyodbc.Error) as e:
            rows(admin, "select * from Confluence.PageViews")
        assert "HYC00" in str(e.value) and "Analytics" in str(e.value), str(e.value)
        return
    views = sorted((p, m, rest(site, f"/wiki/rest/api/analytics/content/{p}/{m}")["count"]) for p in pages[:12] for m in ("views", "viewers"))
    marks = ", ".join(str(p) for p in pages[:12])
    assert sorted(rows(admin, f"select PageId, Measure, Count from Confluence.PageViews where PageId in ({marks})")) == views
