"""Every catalog table through pyodbc and unixODBC returns exactly the rows the sandbox's REST API
holds (compared by key and a few values, read from the REST API directly), and filters on a
child table's parent columns narrow the parents it visits (counted in the sandbox's stats)."""

import json
import urllib.parse
import urllib.request
from collections import Counter

import pyodbc
import pytest


@pytest.fixture(scope="module")
def conn(sandbox):
    c = pyodbc.connect(sandbox.connection_string(), autocommit=True)
    yield c
    c.close()


def jira_paged(sb, path, items="values"):
    """A Jira list that pages with startAt/maxResults (or a bare array)."""
    out, start = [], 0
    while True:
        sep = "&" if "?" in path else "?"
        page = sb.rest(f"{path}{sep}startAt={start}&maxResults=50")
        batch = page if isinstance(page, list) else page[items]
        out.extend(batch)
        start += len(batch)
        if not batch or (isinstance(page, dict) and (page.get("isLast") or ("isLast" not in page and start >= page.get("total", 0)))):
            return out


def wiki_paged(sb, path):
    """A Confluence v2 list, following _links.next."""
    out, url = [], path + ("&" if "?" in path else "?") + "limit=25"
    while url:
        page = sb.rest(url)
        out.extend(page["results"])
        url = page.get("_links", {}).get("next")
    return out


def v1_paged(sb, path):
    out, start = [], 0
    while True:
        page = sb.rest(f"{path}{'&' if '?' in path else '?'}start={start}&limit=25")
        out.extend(page["results"])
        start += len(page["results"])
        if "next" not in page.get("_links", {}) or not page["results"]:
            return out


def rows(conn, sql, *params):
    return [tuple(r) for r in conn.cursor().execute(sql, *params).fetchall()]


def issue_keys(sb):
    return [i["key"] for i in sb.all_issues("project is not EMPTY", ["key"])]


def test_jira_reference_tables(sandbox, conn):
    sb = sandbox
    assert sorted(rows(conn, "select Id, Name from Jira.Fields")) == sorted((f["id"], f["name"]) for f in sb.rest("/rest/api/3/field"))
    assert sorted(rows(conn, "select Id, Name, IsSubtask from Jira.IssueTypes")) == sorted((int(t["id"]), t["name"], t["subtask"]) for t in sb.rest("/rest/api/3/issuetype"))
    assert sorted(rows(conn, "select Id, Name, CategoryKey from Jira.Statuses")) == sorted((int(s["id"]), s["name"], s["statusCategory"]["key"]) for s in sb.rest("/rest/api/3/status"))
    assert sorted(rows(conn, "select Id, Name from Jira.Priorities")) == sorted((int(p["id"]), p["name"]) for p in jira_paged(sb, "/rest/api/3/priority/search"))
    assert sorted(rows(conn, "select Id, Name from Jira.Resolutions")) == sorted((int(p["id"]), p["name"]) for p in jira_paged(sb, "/rest/api/3/resolution/search"))
    assert sorted(rows(conn, "select AccountId, DisplayName from Jira.Users")) == sorted((u["accountId"], u.get("displayName")) for u in jira_paged(sb, "/rest/api/3/users/search"))
    assert sorted(rows(conn, "select Name from Jira.Groups")) == sorted((g["name"],) for g in jira_paged(sb, "/rest/api/3/group/bulk"))
    assert sorted(rows(conn, "select Id, Name, Jql from Jira.Filters")) == sorted((int(f["id"]), f["name"], f["jql"]) for f in jira_paged(sb, "/rest/api/3/filter/search?expand=jql"))
    boards = jira_paged(sb, "/rest/agile/1.0/board")
    assert sorted(rows(conn, "select Id, Name, Type from Jira.Boards")) == sorted((b["id"], b["name"], b["type"]) for b in boards)
    sprints = [(s["id"], b["id"], s["name"], s["state"]) for b in boards if b["type"] == "scrum" for s in jira_paged(sb, f"/rest/agile/1.0/board/{b['id']}/sprint")]
    assert sorted(rows(conn, "select Id, BoardId, Name, State from Jira.Sprints")) == sorted(sprints)


def test_jira_per_project_tables(sandbox, conn):
    projects = jira_paged(sandbox, "/rest/api/3/project/search")
    comps = [(int(c["id"]), p["key"], c["name"]) for p in projects for c in jira_paged(sandbox, f"/rest/api/3/project/{p['key']}/component")]
    vers = [(int(v["id"]), p["key"], v["name"], v["released"]) for p in projects for v in jira_paged(sandbox, f"/rest/api/3/project/{p['key']}/version")]
    assert sorted(rows(conn, "select Id, ProjectKey, Name from Jira.Components")) == sorted(comps)
    assert sorted(rows(conn, "select Id, ProjectKey, Name, Released from Jira.Versions")) == sorted(vers)


def test_jira_per_issue_tables(sandbox, conn):
    keys = issue_keys(sandbox)
    comments, worklogs, changes = [], [], []
    for k in keys:
        comments += [(int(c["id"]), k, c["author"]["accountId"]) for c in jira_paged(sandbox, f"/rest/api/3/issue/{k}/comment", "comments")]
        worklogs += [(int(w["id"]), k, w["timeSpentSeconds"]) for w in jira_paged(sandbox, f"/rest/api/3/issue/{k}/worklog", "worklogs")]
        changes += [(int(h["id"]), i, k, it["field"], it.get("toString")) for h in jira_paged(sandbox, f"/rest/api/3/issue/{k}/changelog") for i, it in enumerate(h["items"])]
    assert comments and worklogs and changes, "the sandbox seeds comments, worklogs and history"
    assert sorted(rows(conn, "select Id, IssueKey, AuthorAccountId from Jira.Comments")) == sorted(comments)
    assert sorted(rows(conn, "select Id, IssueKey, TimeSpentSeconds from Jira.Worklogs")) == sorted(worklogs)
    assert sorted(rows(conn, 'select Id, ItemIndex, IssueKey, Field, "ToString" from Jira.Changelogs')) == sorted(changes)


def test_confluence_lists(sandbox, conn):
    sb = sandbox
    posts = wiki_paged(sb, "/wiki/api/v2/blogposts?status=current")
    assert sorted(rows(conn, "select Id, Title, SpaceId, VersionNumber from Confluence.BlogPosts")) == sorted((int(p["id"]), p["title"], int(p["spaceId"]), p["version"]["number"]) for p in posts)
    body = conn.cursor().execute(f"select Body from Confluence.BlogPosts where Id = {posts[0]['id']}").fetchval()
    assert body == sb.rest(f"/wiki/api/v2/blogposts/{posts[0]['id']}?body-format=storage")["body"]["storage"]["value"]
    footer = [(int(c["id"]), "footer", c.get("pageId"), c.get("blogPostId")) for c in wiki_paged(sb, "/wiki/api/v2/footer-comments")]
    inline = [(int(c["id"]), "inline", c.get("pageId"), c.get("blogPostId")) for c in wiki_paged(sb, "/wiki/api/v2/inline-comments")]
    as_int = lambda v: None if v is None else int(v)
    expected = sorted((i, loc, as_int(p), as_int(b)) for i, loc, p, b in footer + inline)
    assert sorted(rows(conn, "select Id, Location, PageId, BlogPostId from Confluence.Comments")) == expected
    atts = wiki_paged(sb, "/wiki/api/v2/attachments")
    assert sorted(rows(conn, "select Id, Title, FileSize, MediaType from Confluence.Attachments")) == sorted((a["id"], a["title"], a["fileSize"], a["mediaType"]) for a in atts)
    tasks = wiki_paged(sb, "/wiki/api/v2/tasks")
    assert sorted(rows(conn, "select Id, Status, AssignedTo from Confluence.Tasks")) == sorted((int(t["id"]), t["status"], t.get("assignedTo")) for t in tasks)
    people = v1_paged(sb, "/wiki/rest/api/search/user?cql=type%3Duser")
    assert sorted(rows(conn, "select AccountId, DisplayName from Confluence.Users")) == sorted((p["user"]["accountId"], p["user"]["displayName"]) for p in people) and people
    groups = v1_paged(sb, "/wiki/rest/api/group")
    assert sorted(rows(conn, "select Name from Confluence.Groups")) == sorted((g["name"],) for g in groups)
    members = [(g["name"], m["accountId"]) for g in groups for m in v1_paged(sb, f"/wiki/rest/api/group/{urllib.parse.quote(g['name'])}/member")]
    assert sorted(rows(conn, "select GroupName, AccountId from Confluence.GroupMembers")) == sorted(members)


def test_confluence_per_content_tables(sandbox, conn):
    sb = sandbox
    pages = wiki_paged(sb, "/wiki/api/v2/pages?status=current")
    posts = wiki_paged(sb, "/wiki/api/v2/blogposts?status=current")
    labels, props, versions = [], [], []
    for kind, items in (("page", pages), ("blogpost", posts)):
        base = "pages" if kind == "page" else "blogposts"
        for c in items:
            labels += [(int(c["id"]), kind, l["name"]) for l in wiki_paged(sb, f"/wiki/api/v2/{base}/{c['id']}/labels")]
            props += [(int(c["id"]), kind, p["key"], json.dumps(p["value"], separators=(",", ":"), sort_keys=True)) for p in wiki_paged(sb, f"/wiki/api/v2/{base}/{c['id']}/properties")]
            if kind == "page":
                versions += [(int(c["id"]), v["number"]) for v in wiki_paged(sb, f"/wiki/api/v2/pages/{c['id']}/versions")]
    assert labels and props and versions
    assert sorted(rows(conn, "select ContentId, ContentType, Label from Confluence.Labels")) == sorted(labels)
    got_props = [(i, k, key, json.dumps(json.loads(v), separators=(",", ":"), sort_keys=True)) for i, k, key, v in rows(conn, 'select ContentId, ContentType, "Key", Value from Confluence.ContentProperties')]
    assert sorted(got_props) == sorted(props)
    assert sorted(rows(conn, "select PageId, VersionNumber from Confluence.PageVersions")) == sorted(versions)


def stats(sb):
    return json.load(urllib.request.urlopen(sb.url + "/__sandbox/stats"))


def reset(sb):
    urllib.request.urlopen(urllib.request.Request(sb.url + "/__sandbox/reset-stats", method="POST"))


def test_parent_filters_narrow_the_parents_visited(sandbox, conn):
    key = issue_keys(sandbox)[7]
    expected = len(jira_paged(sandbox, f"/rest/api/3/issue/{key}/comment", "comments"))
    reset(sandbox)
    assert conn.cursor().execute("select count(*) from Jira.Comments where IssueKey = ?", key).fetchval() == expected
    routes = stats(sandbox)["routes"]
    # One search for the issue, one comment list: not one per issue of the site.
    assert routes == {"POST /rest/api/3/search/jql": 1, "GET /rest/api/3/issue/{key}/comment": 1}, routes
    # The same answer with the filter kept by the engine (a join on the key).
    joined = conn.cursor().execute("select count(*) from Jira.Comments c join Jira.Issues i on c.IssueKey = i.\"Key\" where i.\"Key\" = ?", key).fetchval()
    assert joined == expected
    # Worklogs of one project: the project's issues only.
    reset(sandbox)
    eng = [k for k in issue_keys(sandbox) if k.startswith("ENG-")]
    reset(sandbox)
    n = conn.cursor().execute("select count(*) from Jira.Worklogs where IssueKey like 'ENG-%'").fetchval()
    assert n == sum(len(jira_paged(sandbox, f"/rest/api/3/issue/{k}/worklog", "worklogs")) for k in eng)


def test_data_center_answers_the_same_sql(sandbox):
    """A Data Center site (v1 Confluence, /rest/api/2 Jira, PAT): the same SQL, its rows checked
    against that site's own REST API; lists it has no resource for are refused with HYC00."""
    from conftest import Sandbox
    dc = Sandbox("--flavor", "datacenter")
    try:
        c = pyodbc.connect(f"Driver={{Atlassian ODBC}};Url={dc.url};PersonalAccessToken={dc.info['pat']};", autocommit=True)
        get = lambda path: json.load(urllib.request.urlopen(urllib.request.Request(dc.url + path, headers={"Authorization": "Bearer " + dc.info["pat"], "Accept": "application/json"})))

        def v1(path):
            out, start = [], 0
            while True:
                page = get(f"{path}{'&' if '?' in path else '?'}start={start}&limit=25")
                out.extend(page["results"])
                start += len(page["results"])
                if "next" not in page.get("_links", {}) or not page["results"]:
                    return out

        contents = [(p, "page") for p in v1("/rest/api/content?type=page")] + [(b, "blogpost") for b in v1("/rest/api/content?type=blogpost")]
        posts = [b for b, k in contents if k == "blogpost"]
        assert sorted(rows(c, "select Id, Title from Confluence.BlogPosts")) == sorted((int(b["id"]), b["title"]) for b, _ in contents if _ == "blogpost")
        body = c.cursor().execute("select Body from Confluence.BlogPosts where Id = ?", int(posts[0]["id"])).fetchval()
        assert body == get(f"/rest/api/content/{posts[0]['id']}?expand=body.storage")["body"]["storage"]["value"]
        comments, atts, labels = [], [], []
        for item, kind in contents:
            cid = int(item["id"])
            comments += [(int(x["id"]), x["extensions"]["location"], cid if kind == "page" else None, cid if kind == "blogpost" else None) for x in v1(f"/rest/api/content/{cid}/child/comment?depth=all&expand=extensions.location")]
            atts += [(x["id"], x["title"], cid if kind == "page" else None) for x in v1(f"/rest/api/content/{cid}/child/attachment")]
            labels += [(cid, kind, x["name"]) for x in get(f"/rest/api/content/{cid}/label")["results"]]
        assert comments and atts and labels
        assert sorted(rows(c, "select Id, Location, PageId, BlogPostId from Confluence.Comments")) == sorted(comments)
        assert sorted(rows(c, "select Id, Title, PageId from Confluence.Attachments")) == sorted(atts)
        assert sorted(rows(c, "select ContentId, ContentType, Label from Confluence.Labels")) == sorted(labels)
        # Changelogs: Data Center has no changelog list; the issue expanded with its history.
        keys = [i["key"] for i in get("/rest/api/2/search?jql=project%3DENG%20ORDER%20BY%20id&fields=key&maxResults=25")["issues"]]
        history = []
        for k in keys:
            for h in get(f"/rest/api/2/issue/{k}?expand=changelog&fields=key")["changelog"]["histories"]:
                history += [(int(h["id"]), n, k, item["field"], item.get("toString")) for n, item in enumerate(h["items"])]
        assert history
        marks = ", ".join("?" * len(keys))
        assert sorted(rows(c, f"select Id, ItemIndex, IssueKey, Field, ToString from Jira.Changelogs where IssueKey in ({marks})", *keys)) == sorted(history)
        users = get("/rest/api/2/user/search?username=.&maxResults=1000")
        assert sorted(rows(c, "select AccountId from Jira.Users")) == sorted((u["accountId"],) for u in users) and users
        # Confluence Data Center lists its registered users (it has no people search).
        people = v1("/rest/api/user/list")
        assert sorted(rows(c, "select AccountId, DisplayName from Confluence.Users")) == sorted((p["userKey"], p["displayName"]) for p in people) and people
        # Content properties: Data Center's v1 list of each page's and blog post's.
        props = [(int(item["id"]), kind, p["key"], p["version"]["number"]) for item, kind in contents for p in v1(f"/rest/api/content/{item['id']}/property")]
        assert props and sorted(rows(c, 'select ContentId, ContentType, "Key", VersionNumber from Confluence.ContentProperties')) == sorted(props)
        # Its REST API lists no tasks and no page's versions (only the latest, in its history).
        for table in ["Confluence.Tasks", "Confluence.PageVersions"]:
            with pytest.raises(pyodbc.Error) as e:
                c.cursor().execute(f"select * from {table}").fetchall()
            assert "HYC00" in str(e.value) and "Data Center" in str(e.value), table
        c.close()
    finally:
        dc.stop()


def test_explain_shows_the_requests(conn):
    plans = dict(rows(conn, "explain select Id from Jira.Comments where IssueKey = 'ENG-1'"))
    req = plans["atlassian_requests"]
    # The comment list per issue, and the issue search it runs for the parents, with its JQL.
    assert "Jira.Comments: /rest/api/3/issue/{IssueKey}/comment" in req, req
    assert 'key = \\"ENG-1\\"' in req and "fields=key" in req and "maxResults=5000" in req, req
    plans = dict(rows(conn, "explain select Summary from Jira.Issues where ProjectKey = 'ENG'"))
    assert 'project = \\"ENG\\"' in plans["atlassian_requests"] and "fields=project,summary" in plans["atlassian_requests"], plans


def test_page_filters_become_cql(sandbox, conn):
    """Filters on Confluence.Pages go into a CQL search; the rows are those of the same query
    with pushdown off, and a lookup by id is one request."""
    plain = pyodbc.connect(sandbox.connection_string(Pushdown="false"), autocommit=True)
    pages = wiki_paged(sandbox, "/wiki/api/v2/pages?status=current")
    some = pages[7]
    cases = [
        ("Id = ?", [int(some["id"])]),
        ("Title = ?", [some["title"]]),
        ("SpaceKey = 'ENG'", []),
        ("SpaceKey in ('ENG', 'OPS') and CreatedAt >= '2024-06-01'", []),
        ("ParentId = ?", [int(some["parentId"])] if some.get("parentId") else [int(pages[0]["id"])]),
        ("AuthorId = ?", [some["authorId"]]),
        ("CreatedAt < '2024-03-01 12:00:00' or Id = ?", [int(some["id"])]),
        ("Title = 'x\" OR space = \"SEC'", []),
    ]
    q = 'select Id, Title, SpaceKey, ParentId, AuthorId, CreatedAt from Confluence.Pages where {} order by Id'
    for where, params in cases:
        pushed = rows(conn, q.format(where)) if not params else [tuple(r) for r in conn.cursor().execute(q.format(where), *params).fetchall()]
        unpushed = [tuple(r) for r in plain.cursor().execute(q.format(where), *params).fetchall()]
        assert pushed == unpushed, where
    reset(sandbox)
    assert conn.cursor().execute("select Title from Confluence.Pages where Id = ?", int(some["id"])).fetchval() == some["title"]
    assert stats(sandbox)["total"] == 1, stats(sandbox)["routes"]
    plans = dict(rows(conn, "explain select Title from Confluence.Pages where SpaceKey = 'ENG'"))
    assert 'space = \\"ENG\\"' in plans["atlassian_requests"], plans
    # The CQL pseudo-column passes a query through.
    labelled = conn.cursor().execute("select count(*) from Confluence.Pages where CQL = 'label = \"backend\"'").fetchval()
    assert labelled == len(sandbox.rest("/wiki/rest/api/content/search?cql=type%3Dpage%20AND%20label%3Dbackend&limit=250")["results"])
    plain.close()


def test_joins_across_jira_and_confluence(sandbox, conn):
    """Issues of one project joined to the Confluence pages their assignees wrote, and to the
    projects table, equal the same join done here over the REST data."""
    issues = [i for i in sandbox.all_issues("project = ENG", ["assignee", "status", "project"]) if i["fields"].get("assignee")]
    pages = wiki_paged(sandbox, "/wiki/api/v2/pages?status=current")
    by_author = {}
    for p in pages:
        by_author.setdefault(p["authorId"], []).append(p)
    expected = sorted((i["key"], int(p["id"])) for i in issues for p in by_author.get(i["fields"]["assignee"]["accountId"], []))
    got = rows(conn, 'select i."Key", p.Id from Jira.Issues i join Confluence.Pages p on p.AuthorId = i.AssigneeAccountId where i.ProjectKey = \'ENG\'')
    assert sorted(got) == expected and expected
    per_project = rows(conn, 'select pr.Name, count(*) from Jira.Issues i join Jira.Projects pr on pr.Id = i.ProjectId group by pr.Name')
    counts = Counter(i["fields"]["project"]["name"] for i in sandbox.all_issues("project is not EMPTY", ["project"]))
    assert dict(per_project) == dict(counts)
    # A window function and a CTE over a join.
    ranked = rows(conn, 'with c as (select IssueKey, count(*) as n from Jira.Comments group by IssueKey) '
                        'select IssueKey, n, rank() over (order by n desc, IssueKey) as r from c order by r limit 3')
    assert [r[2] for r in ranked] == [1, 2, 3] and ranked[0][1] >= ranked[1][1] >= ranked[2][1]


def test_field_metadata_is_cached_for_the_configured_time():
    """Jira's field list (the custom-field columns) is fetched once and reused by the process's
    later connections to the same site for MetadataCacheSeconds; 0 fetches it at each connect."""
    import time
    from conftest import Sandbox
    sb = Sandbox()
    try:
        fetches = lambda: stats(sb)["routes"].get("GET /rest/api/3/field", 0)
        for _ in range(3):
            pyodbc.connect(sb.connection_string(MetadataCacheSeconds="600")).close()
        assert fetches() == 1
        for _ in range(2):
            pyodbc.connect(sb.connection_string(MetadataCacheSeconds="0")).close()
        assert fetches() == 3
        # Older than the time asked for: fetched again, then reused.
        time.sleep(1.2)
        for _ in range(2):
            pyodbc.connect(sb.connection_string(MetadataCacheSeconds="1")).close()
        assert fetches() == 4
        with pytest.raises(pyodbc.Error) as e:
            pyodbc.connect(sb.connection_string(MetadataCacheSeconds="soon"))
        assert "08001" in str(e.value) and "MetadataCacheSeconds" in str(e.value)
    finally:
        sb.stop()
