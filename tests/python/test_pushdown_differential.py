"""Differential pushdown suite: a seeded corpus of generated queries over Jira.Issues (JQL) and
Confluence.Pages (CQL) runs with pushdown on and off and must give identical rows. Filters cover
every pushable column, AND/OR/NOT, IN/NOT IN, ranges, NULL tests, and odd strings (quotes,
backslashes, reserved words and functions, newlines, non-ASCII). The sandbox's stats show that
pushing sent no more requests than not pushing, and fewer for selective filters. It runs against a
Cloud site (JQL search/jql, CQL through v1 search) and a Data Center site (/rest/api/2/search with
startAt, /rest/api/content/search): the `site` fixture."""

import json
import random
import urllib.request

import pyodbc
import pytest

SEED = 20261201
ISSUE_QUERIES = 260
PAGE_QUERIES = 90

ODD = ["x' or '1'='1", 'quote " inside', "back\\slash", "ORDER BY key", "project = SEC", "currentUser()", "line\nbreak",
       "Ünïcode ☕", "AND", "empty", "null", "%", "_", "*", "~", "key in (ENG-1)", "'", '"', "\\", ""]


def stats_total(sb):
    return json.load(urllib.request.urlopen(sb.url + "/__sandbox/stats"))["total"]


def reset(sb):
    urllib.request.urlopen(urllib.request.Request(sb.url + "/__sandbox/reset-stats", method="POST"))


def sql_text(v):
    return "'" + v.replace("'", "''") + "'"


class Corpus:
    """Filters built from the site's real values, so that many match something."""

    def __init__(self, rng, values):
        self.rng, self.v = rng, values

    def pick(self, col):
        vals = self.v[col]
        return self.rng.choice(vals) if vals and self.rng.random() < 0.85 else self.rng.choice(ODD)

    def atom(self, text_cols, id_col, ts_cols, null_cols):
        r = self.rng.random()
        if r < 0.35:
            c = self.rng.choice(text_cols)
            op = self.rng.choice(["=", "=", "<>", "="])
            return f'"{c}" {op} {sql_text(self.pick(c))}'
        if r < 0.5:
            c = self.rng.choice(text_cols)
            items = ", ".join(sql_text(self.pick(c)) for _ in range(self.rng.randint(1, 4)))
            return f'"{c}" {"NOT IN" if self.rng.random() < 0.3 else "IN"} ({items})'
        if r < 0.65:
            ids = self.v[id_col]
            op = self.rng.choice(["=", "<", "<=", ">", ">=", "<>"])
            return f'"{id_col}" {op} {self.rng.choice(ids) + self.rng.choice([0, 0, 1, -1])}'
        if r < 0.8:
            c = self.rng.choice(ts_cols)
            day = f"2024-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"
            if self.rng.random() < 0.5:
                return f"\"{c}\" {self.rng.choice(['<', '>=', '>', '<='])} '{day} {self.rng.randint(0, 23):02d}:{self.rng.randint(0, 59):02d}:00'"
            return f"\"{c}\" BETWEEN '{day}' AND '2024-{self.rng.randint(1, 12):02d}-28'"
        if r < 0.9:
            c = self.rng.choice(null_cols)
            return f'"{c}" IS {"NOT " if self.rng.random() < 0.5 else ""}NULL'
        c = self.rng.choice(text_cols)
        return f'"{c}" LIKE {sql_text(self.pick(c)[:3] + "%")}'

    def filter(self, *cols, depth=0):
        r = self.rng.random()
        if depth < 2 and r < 0.25:
            return f"({self.filter(*cols, depth=depth + 1)}) AND ({self.filter(*cols, depth=depth + 1)})"
        if depth < 2 and r < 0.4:
            return f"({self.filter(*cols, depth=depth + 1)}) OR ({self.filter(*cols, depth=depth + 1)})"
        if depth < 2 and r < 0.47:
            return f"NOT ({self.filter(*cols, depth=depth + 1)})"
        return self.atom(*cols)


def distinct(conn, sql):
    return sorted({r[0] for r in conn.cursor().execute(sql).fetchall() if r[0] is not None})


@pytest.fixture(scope="module")
def conns(site):
    on = pyodbc.connect(site.connection_string(), autocommit=True)
    off = pyodbc.connect(site.connection_string(Pushdown="false"), autocommit=True)
    yield on, off
    on.close()
    off.close()


def run_corpus(sandbox, on, off, select, filters):
    requests_on = requests_off = 0
    fewer = 0
    for where in filters:
        sql = f"{select} WHERE {where} ORDER BY 1"
        reset(sandbox)
        try:
            a = [tuple(r) for r in on.cursor().execute(sql).fetchall()]
            err_a = None
        except pyodbc.Error as e:
            a, err_a = None, str(e)
        n_on = stats_total(sandbox)
        reset(sandbox)
        try:
            b = [tuple(r) for r in off.cursor().execute(sql).fetchall()]
            err_b = None
        except pyodbc.Error as e:
            b, err_b = None, str(e)
        n_off = stats_total(sandbox)
        assert (err_a is None) == (err_b is None), (sql, err_a, err_b)
        assert a == b, sql
        # Pushing never costs more, but for one refused try when Jira rejects a named value
        # that does not exist (the scan then drops that clause and asks again).
        assert n_on <= n_off + 1, (sql, n_on, n_off)
        requests_on += n_on
        requests_off += n_off
        fewer += n_on < n_off
    return requests_on, requests_off, fewer


def test_issue_filters_agree_with_and_without_jql(site, conns):
    on, off = conns
    values = {c: distinct(off, f'select distinct "{c}" from Jira.Issues') for c in ["Status", "StatusCategory", "IssueType", "Priority", "ProjectKey", "Key", "AssigneeAccountId", "ReporterAccountId", "Resolution"]}
    values["Id"] = distinct(off, "select Id from Jira.Issues")
    corpus = Corpus(random.Random(SEED), values)
    cols = (["Status", "StatusCategory", "IssueType", "Priority", "ProjectKey", "Key", "AssigneeAccountId", "ReporterAccountId", "Resolution"], "Id", ["Created", "Updated", "DueDate", "ResolutionDate"], ["AssigneeAccountId", "DueDate", "Resolution", "Priority"])
    filters = [corpus.filter(*cols) for _ in range(ISSUE_QUERIES)]
    req_on, req_off, fewer = run_corpus(site, on, off, 'select "Key", Status, Created from Jira.Issues', filters)
    print(f"\nissues: {len(filters)} queries, requests pushed {req_on} vs not {req_off}, fewer for {fewer}")
    assert fewer > len(filters) // 4, "selective filters send fewer requests when pushed"


def test_page_filters_agree_with_and_without_cql(site, conns):
    on, off = conns
    values = {c: distinct(off, f'select distinct "{c}" from Confluence.Pages') for c in ["Title", "SpaceKey", "AuthorId"]}
    values["Id"] = distinct(off, "select Id from Confluence.Pages")
    corpus = Corpus(random.Random(SEED + 1), values)
    cols = (["Title", "SpaceKey", "AuthorId"], "Id", ["CreatedAt"], ["ParentId"])
    filters = [corpus.filter(*cols) for _ in range(PAGE_QUERIES)]
    req_on, req_off, fewer = run_corpus(site, on, off, "select Id, Title, SpaceKey from Confluence.Pages", filters)
    print(f"\npages: {len(filters)} queries, requests pushed {req_on} vs not {req_off}, fewer for {fewer}")


def test_point_lookups_are_one_request(site, conns):
    on, _ = conns
    for sql in ["select Summary from Jira.Issues where \"Key\" = 'ENG-5'", "select Summary from Jira.Issues where Id = 10003"]:
        reset(site)
        assert len(on.cursor().execute(sql).fetchall()) == 1
        assert stats_total(site) == 1, sql
    reset(site)
    on.cursor().execute("select Summary from Jira.Issues where ProjectKey = 'ENG' and Status = 'Done'").fetchall()
    assert stats_total(site) == 1


def test_space_filters_give_the_same_rows_pushed_or_not(site):
    """Confluence.Spaces pushes Id/Key lists and single Type/Status values as v2 parameters on
    Cloud; lists of the single-valued ones stay with the engine. Same rows either way."""
    on = pyodbc.connect(site.connection_string(Pushdown="true"))
    off = pyodbc.connect(site.connection_string(Pushdown="false"))
    spaces = off.cursor().execute("SELECT Id, Key, Type, Status FROM Confluence.Spaces").fetchall()
    ids, keys = [s.Id for s in spaces], [s.Key for s in spaces]
    filters = [
        f"Key = '{keys[0]}'", f"Key IN ('{keys[0]}', '{keys[-1]}', 'NOPE')", f"Id = {ids[1]}", f"Id IN ({ids[0]}, {ids[-1]})",
        "Type = 'global'", "Type IN ('global', 'personal')", "Type = 'global' OR Type = 'personal'", "Status = 'current'",
        f"Key = '{keys[0]}' OR Key = '{keys[1]}'", f"Type = 'personal' AND Key <> '{keys[0]}'", "Key = 'x'' OR ''1''=''1'",
    ]
    for f in filters:
        q = f"SELECT Id, Key, Type FROM Confluence.Spaces WHERE {f} ORDER BY Id"
        assert [tuple(r) for r in on.cursor().execute(q).fetchall()] == [tuple(r) for r in off.cursor().execute(q).fetchall()], f


def test_report_tables_filters_agree_with_and_without_pushdown(site, conns):
    """The columns added for reports: an issue's status history filtered by its issue (JQL),
    affected versions (JQL), and agile lists filtered by their board or sprint (which narrow the
    boards and sprints read): the same rows pushed or not."""
    on, off = conns
    values = {c: distinct(off, f'select distinct "{c}" from Jira.IssueStatusHistory') for c in ["IssueKey", "ProjectKey", "Status"]}
    values["IssueId"] = distinct(off, "select IssueId from Jira.IssueStatusHistory")
    corpus = Corpus(random.Random(SEED + 2), values)
    cols = (["IssueKey", "ProjectKey", "Status"], "IssueId", ["Entered", "Left"], ["Left", "MovedByAccountId"])
    filters = [corpus.filter(*cols) for _ in range(40)]
    run_corpus(site, on, off, "select IssueKey, Sequence, Status, Seconds from Jira.IssueStatusHistory", filters)
    versions = distinct(off, "select distinct AffectedVersions from Jira.Issues")
    assert versions
    corpus = Corpus(random.Random(SEED + 3), {"AffectedVersions": [v.split(",")[0] for v in versions], "Id": values["IssueId"]})
    filters = [corpus.filter(["AffectedVersions"], "Id", ["Created"], ["AffectedVersions"]) for _ in range(30)]
    run_corpus(site, on, off, 'select "Key", AffectedVersions from Jira.Issues', filters)
    boards = distinct(off, "select Id from Jira.Boards")
    sprints = distinct(off, "select Id from Jira.Sprints")
    filters = [f"BoardId = {boards[0]}", f"BoardId IN ({boards[0]}, {boards[-1]})", f"BoardId <> {boards[0]}", f"BoardId = {boards[-1]} OR Status = 'Done'"]
    run_corpus(site, on, off, "select BoardId, IssueKey, Status from Jira.BoardIssues", filters)
    run_corpus(site, on, off, "select BoardId, IssueKey from Jira.BacklogIssues", filters[:3])
    filters = [f"SprintId = {sprints[0]}", f"SprintId IN ({sprints[0]}, {sprints[-1]})", f"SprintId > {sprints[1]} AND BoardId = {boards[0]}", "SprintId IS NULL"]
    run_corpus(site, on, off, "select SprintId, BoardId, IssueKey from Jira.SprintIssues", filters)


def test_service_desk_and_content_change_filters_agree_with_and_without_pushdown(site, conns):
    """Filters added with Service Management (a request list's service desk and request type),
    Confluence's last changes (CQL `lastmodified`), blog posts' CQL columns and the per-issue
    lists: the same rows pushed or not."""
    on, off = conns
    values = {c: distinct(off, f'select distinct "{c}" from Jira.Requests') for c in ["Status", "StatusCategory", "IssueKey"]}
    values["RequestTypeId"] = distinct(off, "select RequestTypeId from Jira.Requests")
    corpus = Corpus(random.Random(SEED + 4), values)
    filters = [f"ServiceDeskId = 1 AND {corpus.filter(['Status', 'StatusCategory', 'IssueKey'], 'RequestTypeId', ['Created'], ['Status'])}" for _ in range(20)]
    filters += [f"RequestTypeId = {t}" for t in values["RequestTypeId"]] + ["ServiceDeskId IN (1, 2)", "ServiceDeskId <> 1", "RequestTypeId = 1 OR Status = 'Resolved'"]
    run_corpus(site, on, off, "select IssueKey, RequestTypeId, Status from Jira.Requests", filters)
    for table, cols in (("Pages", ["Title", "SpaceKey", "AuthorId"]), ("BlogPosts", ["Title", "AuthorId"])):
        stamps = [r[0] for r in off.cursor().execute(f"select LastModified from Confluence.{table} order by LastModified").fetchall()]
        assert stamps
        rng = random.Random(SEED + 5)
        filters = []
        for _ in range(25):
            t = rng.choice(stamps).strftime("%Y-%m-%d %H:%M:%S")
            filters.append(f"LastModified {rng.choice(['<', '<=', '>', '>=', '='])} '{t}'")
        values = {c: distinct(off, f'select distinct "{c}" from Confluence.{table}') for c in cols}
        values["Id"] = distinct(off, f"select Id from Confluence.{table}")
        corpus = Corpus(random.Random(SEED + 6), values)
        filters += [corpus.filter(cols, "Id", ["CreatedAt", "LastModified"], ["LastModifierId"]) for _ in range(25)]
        run_corpus(site, on, off, f"select Id, Title, LastModified from Confluence.{table}", filters)
    keys = distinct(off, "select \"Key\" from Jira.Issues where ProjectKey = 'ENG'")[:30]
    parents = distinct(off, "select ParentKey from Jira.Subtasks")
    filters = [f"IssueKey = '{keys[3]}'", f"IssueKey IN ('{keys[1]}', '{keys[7]}', 'NOPE-1')", f"IssueKey = '{keys[2]}' OR DisplayName LIKE 'A%'"]
    run_corpus(site, on, off, "select IssueKey, AccountId from Jira.IssueWatchers", filters)
    filters = [f"ParentKey = '{parents[0]}'", f"ParentKey IN ('{parents[0]}', '{parents[-1]}')", f"ParentKey <> '{parents[0]}'", "Status = 'Done'"]
    run_corpus(site, on, off, "select ParentKey, \"Key\" from Jira.Subtasks", filters)
