"""Confluence pages and blog posts as people report on them, through pyodbc and unixODBC on both
flavors: who changed them last and when, their body as the site renders it and as plain text
(each fetched only when selected), equal to what the site's REST API answers when asked
directly; "changed since" is one CQL search."""

import json
import re
import urllib.parse
import urllib.request
from datetime import datetime, timezone

import pyodbc
import pytest

from test_tables import v1_paged, wiki_paged
from conftest import rows


def recent(site):
    return json.load(urllib.request.urlopen(site.url + "/__sandbox/stats"))["recent"]


def reset(site):
    urllib.request.urlopen(urllib.request.Request(site.url + "/__sandbox/reset-stats", method="POST"))


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc).replace(tzinfo=None)


def content(site, kind):
    """(id, last modified, last modifier, rendered body) of every current item, as the flavor's REST API lists them."""
    if site.dc:
        items = v1_paged(site.sb, f"/rest/api/content?type={kind}&expand=version,body.view")
        return {int(i["id"]): (instant(i["version"]["when"]), i["version"]["by"]["accountId"], i["body"]["view"]["value"]) for i in items}
    items = wiki_paged(site.sb, f"/wiki/api/v2/{kind}s?body-format=view")
    return {int(i["id"]): (instant(i["version"]["createdAt"]), i["version"]["authorId"], i["body"]["view"]["value"]) for i in items}


@pytest.mark.parametrize("table,kind", [("Pages", "page"), ("BlogPosts", "blogpost")])
def test_last_change_and_rendered_bodies_are_the_sites(site, conn, table, kind):
    expected = content(site, kind)
    got = {r[0]: (r[1], r[2], r[3]) for r in rows(conn, f"select Id, LastModified, LastModifierId, BodyView from Confluence.{table}")}
    assert got.keys() == expected.keys()
    for i, (when, who, view) in expected.items():
        # The driver keeps milliseconds.
        assert got[i][0] == when.replace(microsecond=when.microsecond // 1000 * 1000) and got[i][1:] == (who, view), i
    # Some bodies hold macros: their view differs from their storage.
    storage = dict(rows(conn, f"select Id, Body from Confluence.{table}"))
    assert any(storage[i] != v for i, (_, _, v) in expected.items())


def test_plain_text_bodies_drop_the_markup(site, conn):
    both = rows(conn, "select Id, Body, BodyText, BodyView from Confluence.Pages")
    assert both
    for i, body, text, view in both:
        assert "<" not in re.sub(r"if a < b", "", text), (i, text)
        # Every word of the storage body's text is in the plain text, in order: block elements
        # break words apart, inline ones do not.
        unwrapped = re.sub(r"<!\[CDATA\[(.*?)\]\]>", lambda m: m.group(1).replace("<", "&lt;"), body)
        blocks = re.sub(r"</?(p|br|div|li|tr|h[1-6]|pre|blockquote|table|ul|ol|hr)\b[^>]*>", " ", unwrapped)
        words = re.sub(r"<[^>]+>", "", blocks).replace("&lt;", "<").replace("&amp;", "&").split()
        assert text.split() == words, i
    code = [t for _, b, t, _ in both if "ac:name=\"code\"" in b]
    assert code and all("if a < b { deploy(); }" in t for t in code)


def test_changed_since_is_one_cql_search(site, conn):
    expected = content(site, "page")
    times = sorted(w for w, _, _ in expected.values())
    since = times[len(times) * 3 // 4]
    want = sorted(i for i, (w, _, _) in expected.items() if w >= since)
    reset(site)
    got = sorted(r[0] for r in rows(conn, "select Id from Confluence.Pages where LastModified >= ?", since))
    assert got == want
    sent = [r for r in recent(site) if "/content/search" in r]
    assert sent and all("lastmodified" in urllib.parse.unquote(r) for r in sent), recent(site)
    # Blog posts too: one search, the same answer as the list filtered.
    posts = content(site, "blogpost")
    cut = sorted(w for w, _, _ in posts.values())[len(posts) // 2]
    assert sorted(r[0] for r in rows(conn, "select Id from Confluence.BlogPosts where LastModified < ?", cut)) == sorted(i for i, (w, _, _) in posts.items() if w < cut)


def test_bodies_are_fetched_only_when_selected(site, conn):
    reset(site)
    rows(conn, "select Id, Title, LastModified from Confluence.Pages")
    sent = recent(site)
    assert sent and not any("body" in urllib.parse.unquote(r) for r in sent), sent
    reset(site)
    rows(conn, "select Id, BodyView from Confluence.Pages")
    sent = recent(site)
    assert all("view" in urllib.parse.unquote(r) and "storage" not in urllib.parse.unquote(r) for r in sent), sent
