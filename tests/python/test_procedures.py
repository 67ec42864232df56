"""Stored procedures through pyodbc and unixODBC: listed by SQLProcedures/SQLProcedureColumns,
callable as EXEC (named and positional) and {call ...} with bound parameters, each returning a
result set whose values agree with the REST API; on a Cloud site and on a Data Center site."""

import base64

import pyodbc
import pytest


@pytest.fixture(scope="module")
def conn(site):
    c = pyodbc.connect(site.connection_string(), autocommit=True)
    yield c
    c.close()


def test_listed_with_their_parameters(conn):
    cur = conn.cursor()
    procs = {(r.procedure_schem, r.procedure_name): r for r in cur.procedures()}
    for name in [("Jira", "GetIssueTransitions"), ("Jira", "TransitionIssue"), ("Confluence", "DownloadAttachment"), ("Confluence", "UploadAttachment")]:
        assert name in procs, procs.keys()
    assert procs[("Jira", "TransitionIssue")].num_input_params == 3
    cols = [(r.column_name, r.column_type, r.nullable) for r in cur.procedureColumns(procedure="TransitionIssue")]
    # Inputs (SQL_PARAM_INPUT = 1) first, then the result columns (SQL_RESULT_COL = 3).
    assert cols[:3] == [("IssueKey", 1, 0), ("Transition", 1, 0), ("Comment", 1, 1)]
    assert ("Status", 3, 0) in cols
    only = {r.procedure_name for r in cur.procedures(procedure="Get%")}
    assert only == {"GetIssueTransitions", "GetOAuthAuthorizationURL", "GetOAuthAccessToken", "GetCurrentUser"}
    for name in ["GetOAuthAuthorizationURL", "GetOAuthAccessToken", "RefreshOAuthAccessToken", "GetCurrentUser"]:
        assert ("Jira", name) in procs, name


def test_transitions_in_every_call_form(site, conn):
    cur = conn.cursor()
    rest = site.rest("/rest/api/{api}/issue/ENG-3/transitions")["transitions"]
    expected = sorted((int(t["id"]), t["name"], t["to"]["name"]) for t in rest)
    for sql, params in [
        ("EXEC GetIssueTransitions @IssueKey = 'ENG-3'", ()),
        ("EXEC Jira.GetIssueTransitions IssueKey = ?", ("ENG-3",)),
        ("EXEC GetIssueTransitions 'ENG-3'", ()),
        ("{call GetIssueTransitions(?)}", ("ENG-3",)),
    ]:
        got = sorted((r.Id, r.Name, r.ToStatus) for r in cur.execute(sql, *params).fetchall())
        assert got == expected, sql
    # The result set describes itself before it runs.
    cur.execute("{call GetIssueTransitions(?)}", "ENG-3")
    assert [d[0] for d in cur.description] == ["Id", "Name", "ToStatus", "ToStatusCategory"]
    cur.fetchall()

    target = rest[0]["to"]["name"]
    row = cur.execute("EXEC TransitionIssue @IssueKey = 'ENG-3', @Transition = ?, @Comment = 'moved by ODBC'", target).fetchone()
    assert row.Status == target == site.rest("/rest/api/{api}/issue/ENG-3?fields=status")["fields"]["status"]["name"]
    comments = site.rest("/rest/api/{api}/issue/ENG-3/comment")["comments"]
    assert any("moved by ODBC" in str(c["body"]) for c in comments)


def test_bad_calls_get_clear_errors(conn):
    cur = conn.cursor()
    for sql, state, text in [
        ("EXEC NoSuchProcedure", "42000", "GetIssueTransitions"),
        ("EXEC GetIssueTransitions", "07001", "IssueKey"),
        ("EXEC GetIssueTransitions @Nope = 1", "07001", "IssueKey"),
        ("EXEC TransitionIssue 'ENG-3', 'No such transition'", "HY000", "offers"),
        ("EXEC GetIssueTransitions @IssueKey = 'NOPE-999'", "HY000", "NOPE-999"),
    ]:
        with pytest.raises(pyodbc.Error) as e:
            cur.execute(sql).fetchall()
        assert state in str(e.value) and text in str(e.value), (sql, str(e.value))


def test_attachment_upload_and_download_round_trip(site, conn):
    cur = conn.cursor()
    page = site.rest("/rest/api/content?type=page&limit=1" if site.dc else "/wiki/api/v2/pages?limit=1")["results"][0]
    data = bytes(range(256)) * 40
    up = cur.execute("{call UploadAttachment(?, ?, ?, NULL, 'application/octet-stream', 'from ODBC')}", int(page["id"]), "blob.bin", base64.b64encode(data).decode()).fetchone()
    assert up.Title == "blob.bin" and up.FileSize == len(data)
    listed = cur.execute("select Id, FileSize from Confluence.Attachments where Title = 'blob.bin'").fetchone()
    assert listed.Id == up.Id and listed.FileSize == len(data)
    down = cur.execute("EXEC DownloadAttachment @AttachmentId = ?", up.Id).fetchone()
    assert base64.b64decode(down.ContentBase64) == data and down.FileSize == len(data) and down.Content is None

    text = "Grüße aus ODBC ☕\n"
    up = cur.execute("EXEC UploadAttachment @ContentId = ?, @FileName = 'note.txt', @Content = ?", int(page["id"]), text).fetchone()
    down = cur.execute("EXEC DownloadAttachment ?", up.Id).fetchone()
    assert down.Content == text and down.MediaType == "text/plain"
    with pytest.raises(pyodbc.Error) as e:
        cur.execute("EXEC UploadAttachment @ContentId = ?, @FileName = 'x.txt'", int(page["id"])).fetchall()
    assert "07001" in str(e.value)
    cur.execute("delete from Confluence.Attachments where Title in ('blob.bin', 'note.txt')")
    assert cur.rowcount == 2
