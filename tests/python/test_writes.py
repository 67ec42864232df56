"""Writes through pyodbc and unixODBC round-trip against the sandbox: insert, read back (through
the driver and the REST API), update, read back, delete, gone. Row counts are SQLRowCount's;
Atlassian's validation errors come back with Atlassian's message.

Every test runs twice, with the same SQL: against a Cloud site (Jira /rest/api/3, Confluence v2)
and against a Data Center site (Jira /rest/api/2, Confluence v1 content)."""

import pyodbc
import pytest

@pytest.fixture(scope="module")
def conn(site):
    c = pyodbc.connect(site.sb.connection_string(), autocommit=True)
    yield c
    c.close()


def one(conn, sql, *params):
    return conn.cursor().execute(sql, *params).fetchone()


def test_issue_round_trip(site, conn):
    cur = conn.cursor()
    cur.execute(
        "insert into Jira.Issues (ProjectKey, IssueType, Summary, Description, Priority, Labels, DueDate) values (?, ?, ?, ?, ?, ?, ?)",
        "ENG", "Task", "Written through ODBC ✓", "First line\nsecond line", "High", "odbc,write-test", "2031-05-17",
    )
    assert cur.rowcount == 1
    row = one(conn, "select \"Key\", Id, Summary, Description, Priority, Labels, DueDate, Status from Jira.Issues where Summary = ?", "Written through ODBC ✓")
    key = row.Key
    assert key.startswith("ENG-")
    assert row.Description == "First line\nsecond line"
    assert (row.Priority, sorted(row.Labels.split(",")), str(row.DueDate)) == ("High", ["odbc", "write-test"], "2031-05-17")
    rest = site.rest(f"/rest/api/{{api}}/issue/{key}?fields=summary,priority,labels,duedate,description")
    assert rest["fields"]["summary"] == "Written through ODBC ✓"
    assert (rest["fields"]["description"] == "First line\nsecond line") if site.dc else rest["fields"]["description"]["type"] == "doc"

    # RETURNING gives the generated key and id.
    got = cur.execute("insert into Jira.Issues (ProjectKey, IssueType, Summary) values ('ENG', 'Bug', 'second') returning \"Key\", Id").fetchall()
    assert len(got) == 1 and got[0][0].startswith("ENG-") and got[0][1] > row.Id

    cur.execute("update Jira.Issues set Summary = Summary || ' (edited)', Priority = 'Low' where \"Key\" = ?", key)
    assert cur.rowcount == 1
    again = one(conn, "select Summary, Priority from Jira.Issues where \"Key\" = ?", key)
    assert tuple(again) == ("Written through ODBC ✓ (edited)", "Low")

    # Status changes go through the workflow's transitions.
    cur.execute("update Jira.Issues set Status = 'Done' where \"Key\" = ?", key)
    assert one(conn, "select Status from Jira.Issues where \"Key\" = ?", key)[0] == "Done"
    assert site.rest(f"/rest/api/{{api}}/issue/{key}?fields=status")["fields"]["status"]["name"] == "Done"
    with pytest.raises(pyodbc.Error) as e:
        cur.execute("update Jira.Issues set Status = 'No Such Status' where \"Key\" = ?", key)
    assert "no transition" in str(e.value).lower()

    cur.execute("delete from Jira.Issues where \"Key\" in (?, ?)", key, got[0][0])
    assert cur.rowcount == 2
    assert one(conn, "select count(*) from Jira.Issues where \"Key\" = ?", key)[0] == 0


def test_multi_row_insert_and_validation_errors(site, conn):
    cur = conn.cursor()
    cur.execute("insert into Jira.Issues (ProjectKey, IssueType, Summary) values ('ENG', 'Task', 'multi a'), ('ENG', 'Task', 'multi b'), ('ENG', 'Task', 'multi c')")
    assert cur.rowcount == 3
    assert one(conn, "select count(*) from Jira.Issues where Summary like 'multi %'")[0] == 3
    # A required column missing: refused before any request.
    with pytest.raises(pyodbc.Error) as e:
        cur.execute("insert into Jira.Issues (ProjectKey, Summary) values ('ENG', 'no type')")
    assert "23000" in str(e.value) and "IssueType" in str(e.value)
    # Atlassian's own validation message comes back.
    with pytest.raises(pyodbc.Error) as e:
        cur.execute("insert into Jira.Issues (ProjectKey, IssueType, Summary) values ('NOPE', 'Task', 'x')")
    assert "project" in str(e.value).lower()
    # A failure part way says what was written.
    with pytest.raises(pyodbc.Error) as e:
        cur.execute("insert into Jira.Issues (ProjectKey, IssueType, Summary) values ('ENG', 'Task', 'partial ok'), ('ENG', 'NoSuchType', 'partial bad')")
    assert "1 row(s) were inserted" in str(e.value) and "ENG-" in str(e.value)
    # Read-only columns and tables are refused.
    with pytest.raises(pyodbc.Error) as e:
        cur.execute("update Jira.Issues set Created = '2020-01-01' where \"Key\" = 'ENG-1'")
    assert "cannot be set" in str(e.value)
    with pytest.raises(pyodbc.Error) as e:
        cur.execute("delete from Jira.Statuses")
    assert "read-only" in str(e.value)
    cur.execute("delete from Jira.Issues where Summary like 'multi %' or Summary = 'partial ok'")
    assert cur.rowcount == 4


def test_jira_comments_and_versions(site, conn):
    cur = conn.cursor()
    cur.execute("insert into Jira.Comments (IssueKey, Body) values ('ENG-2', 'A comment from ODBC')")
    assert cur.rowcount == 1
    cid = one(conn, "select Id from Jira.Comments where IssueKey = 'ENG-2' and Body = 'A comment from ODBC'")[0]
    cur.execute("update Jira.Comments set Body = 'Edited comment' where IssueKey = 'ENG-2' and Id = ?", cid)
    assert cur.rowcount == 1
    assert [site.text_of(c["body"]) for c in site.rest("/rest/api/{api}/issue/ENG-2/comment")["comments"] if c["id"] == str(cid)] == ["Edited comment"]
    cur.execute("delete from Jira.Comments where IssueKey = 'ENG-2' and Id = ?", cid)
    assert cur.rowcount == 1
    assert one(conn, "select count(*) from Jira.Comments where IssueKey = 'ENG-2' and Id = ?", cid)[0] == 0

    cur.execute("insert into Jira.Versions (ProjectKey, Name, Description, ReleaseDate) values ('ENG', '9.9-odbc', 'from SQL', '2032-01-31')")
    v = one(conn, "select Id, Released, ReleaseDate from Jira.Versions where ProjectKey = 'ENG' and Name = '9.9-odbc'")
    assert str(v.ReleaseDate) == "2032-01-31"
    cur.execute("update Jira.Versions set Released = true where Id = ?", v.Id)
    assert one(conn, "select Released from Jira.Versions where Id = ?", v.Id)[0] is True
    cur.execute("delete from Jira.Versions where Id = ?", v.Id)
    assert cur.rowcount == 1
    # Data Center removes a version through removeAndSwap, Cloud with DELETE: gone either way.
    assert one(conn, "select count(*) from Jira.Versions where ProjectKey = 'ENG' and Id = ?", v.Id)[0] == 0


def test_confluence_page_round_trip(site, conn):
    cur = conn.cursor()
    space_id = site.space_id("ENG")
    got = cur.execute("insert into Confluence.Pages (SpaceId, Title, Body) values (?, ?, ?) returning Id, VersionNumber", space_id, "ODBC page", "<p>Hello</p>").fetchall()
    page_id, version = got[0]
    assert version == 1
    cur.execute("update Confluence.Pages set Body = '<p>Hello again</p>' where Id = ?", page_id)
    assert cur.rowcount == 1
    row = one(conn, "select Title, Body, VersionNumber from Confluence.Pages where Id = ?", page_id)
    # The update kept the title and took the next version number.
    assert (row.Title, row.Body, row.VersionNumber) == ("ODBC page", "<p>Hello again</p>", 2)

    cur.execute("insert into Confluence.Labels (ContentId, Label) values (?, 'from-odbc')", page_id)
    assert one(conn, "select count(*) from Confluence.Labels where ContentId = ? and Label = 'from-odbc'", page_id)[0] == 1
    cur.execute("delete from Confluence.Labels where ContentId = ? and Label = 'from-odbc'", page_id)
    assert cur.rowcount == 1

    cur.execute("insert into Confluence.Comments (PageId, Body) values (?, '<p>Nice page</p>')", page_id)
    cm = one(conn, "select Id, Location, VersionNumber from Confluence.Comments where PageId = ?", page_id)
    assert cm.Location == "footer"
    cur.execute("update Confluence.Comments set Body = '<p>Nicer</p>' where Id = ?", cm.Id)
    assert tuple(one(conn, "select Body, VersionNumber from Confluence.Comments where Id = ?", cm.Id)) == ("<p>Nicer</p>", cm.VersionNumber + 1)
    cur.execute("delete from Confluence.Comments where Id = ?", cm.Id)

    cur.execute("delete from Confluence.Pages where Id = ?", page_id)
    assert cur.rowcount == 1
    assert one(conn, "select count(*) from Confluence.Pages where Id = ?", page_id)[0] == 0


def test_confluence_blog_post_and_page_tree(site, conn):
    cur = conn.cursor()
    space_id = site.space_id("ENG")
    post_id, version = cur.execute("insert into Confluence.BlogPosts (SpaceId, Title, Body) values (?, 'ODBC news ✓', '<p>news</p>') returning Id, VersionNumber", space_id).fetchone()
    assert version == 1
    assert tuple(one(conn, "select Title, Body from Confluence.BlogPosts where Id = ?", post_id)) == ("ODBC news ✓", "<p>news</p>")
    cur.execute("update Confluence.BlogPosts set Title = 'ODBC news (edited)' where Id = ?", post_id)
    assert tuple(one(conn, "select Title, Body, VersionNumber from Confluence.BlogPosts where Id = ?", post_id)) == ("ODBC news (edited)", "<p>news</p>", 2)
    cur.execute("insert into Confluence.Comments (BlogPostId, Body) values (?, '<p>on the post</p>')", post_id)
    assert one(conn, "select count(*) from Confluence.Comments where BlogPostId = ?", post_id)[0] == 1
    # A child page under a parent: the REST API shows the parent.
    parent = cur.execute("insert into Confluence.Pages (SpaceId, Title) values (?, 'ODBC parent') returning Id", space_id).fetchval()
    child = cur.execute("insert into Confluence.Pages (SpaceId, Title, ParentId, Body) values (?, 'ODBC child', ?, '<p>c</p>') returning Id", space_id, parent).fetchval()
    assert one(conn, "select ParentId from Confluence.Pages where Id = ?", child)[0] == parent
    if site.dc:
        assert site.rest(f"/rest/api/content/{child}?expand=ancestors")["ancestors"][-1]["id"] == str(parent)
    else:
        assert site.rest(f"/wiki/api/v2/pages/{child}")["parentId"] == str(parent)
    # A title already used in the space: Confluence's own message, nothing written.
    with pytest.raises(pyodbc.Error) as e:
        cur.execute("insert into Confluence.Pages (SpaceId, Title) values (?, 'ODBC parent')", space_id)
    assert "same TITLE" in str(e.value)
    cur.execute("delete from Confluence.Pages where Id in (?, ?)", child, parent)
    assert cur.rowcount == 2
    cur.execute("delete from Confluence.BlogPosts where Id = ?", post_id)
    assert cur.rowcount == 1


def test_issue_links_read_and_write(site, conn):
    cur = conn.cursor()
    keys = site.issue_keys("project = ENG")
    expected = []
    for k in keys:
        for l in site.rest(f"/rest/api/{{api}}/issue/{k}?fields=issuelinks")["fields"]["issuelinks"]:
            other = l.get("outwardIssue") or l.get("inwardIssue")
            expected.append((int(l["id"]), k, l["type"]["name"], "outward" if "outwardIssue" in l else "inward", other["key"]))
    assert expected, "the sandbox seeds links"
    got = [tuple(r) for r in cur.execute("select Id, IssueKey, LinkType, Direction, LinkedIssueKey from Jira.IssueLinks where IssueKey like 'ENG-%'").fetchall()]
    assert sorted(got) == sorted(expected)
    a, b = keys[10], keys[11]
    cur.execute("insert into Jira.IssueLinks (IssueKey, LinkType, LinkedIssueKey) values (?, 'Blocks', ?)", a, b)
    assert cur.rowcount == 1
    mine = cur.execute("select Direction, Relation from Jira.IssueLinks where IssueKey = ? and LinkedIssueKey = ?", a, b).fetchone()
    theirs = cur.execute("select Direction, Relation from Jira.IssueLinks where IssueKey = ? and LinkedIssueKey = ?", b, a).fetchone()
    assert tuple(mine) == ("outward", "blocks") and tuple(theirs) == ("inward", "is blocked by")
    cur.execute("delete from Jira.IssueLinks where IssueKey = ? and LinkedIssueKey = ?", a, b)
    assert cur.rowcount == 1
    assert cur.execute("select count(*) from Jira.IssueLinks where IssueKey = ? and LinkedIssueKey = ?", b, a).fetchval() == 0


def test_parameter_arrays(site, conn):
    """pyodbc's fast_executemany binds whole arrays of parameter sets (SQL_ATTR_PARAMSET_SIZE):
    one execute writes them all, SQLRowCount is their sum."""
    cur = conn.cursor()
    cur.fast_executemany = True
    rows = [("ENG", "Task", f"array row {i} ✓") for i in range(7)]
    cur.executemany("insert into Jira.Issues (ProjectKey, IssueType, Summary) values (?, ?, ?)", rows)
    got = sorted(r[0] for r in cur.execute("select Summary from Jira.Issues where Summary like 'array row %'").fetchall())
    assert got == sorted(r[2] for r in rows)
    # A failing set stops the array and says which one.
    cur.fast_executemany = True
    with pytest.raises(pyodbc.Error) as e:
        cur.executemany("insert into Jira.Issues (ProjectKey, IssueType, Summary) values (?, ?, ?)", [("ENG", "Task", "array ok"), ("ENG", "NoSuchType", "array bad"), ("ENG", "Task", "never")])
    assert "parameter set 2 of 3" in str(e.value)
    assert cur.execute("select count(*) from Jira.Issues where Summary = 'never'").fetchval() == 0
    cur.execute("delete from Jira.Issues where Summary like 'array %'")
    assert cur.rowcount == 8
