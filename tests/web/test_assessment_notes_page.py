"""The notes of the joint team's assessments on the implementation page, as each reader may read
them (``policy.assessment_notes``), on SQLite and on PostgreSQL.

The provisions table showed each provision's level and last assessment, but neither of its
notes: a mediator who wrote an internal note on the page could read it back nowhere on it, and
a party could not read the note written for every signatory. Each provision now has a fold of
its own in the table listing its assessments, newest first: when, by which organisation, the
level, the evidence and the notes the reader was given by ``GET
/api/agreements/{id}/provisions`` (the same service read, :func:`provisions_view`): both for the
mediators, the internal one marked "Only the mediators see this"; the note for every signatory
alone for a party member, and for the public once the provisions are published. A mediator who
assesses on the page comes back to that provision's assessments, open.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup, Tag
from tests.service.asgi import client as asgi_client
from tests.service.conftest import pg_schema_url  # noqa: F401  (fixture)
from tests.service.test_implement_records import INCIDENT
from tests.service.test_record_bounds import aid  # noqa: F401  (fixture)
from tests.service.world import PASSWORD, World, make_settings
from tests.web.site import one, soup
from tests.web.test_pages import post_form

SHARED = "Ports work; inspections lag behind the plan.\nThe next review is in October."
#: what only the mediators may read: it names the other party's incident, not yet assessed
INTERNAL = "Held at minimal because of {key}, alleged against Ukraine and still pending."
#: a note for every signatory in Arabic, right to left, in a page in English
ARABIC = "الموانئ تعمل؛ التفتيش متأخر عن الخطة."
MARK = "Only the mediators see this"
LINK = {"kind": "link", "reference": "https://www.un.org/en/bsgi"}

#: the notes each reader finds on the page (None: the public, once provisions are published)
READS: dict[str | None, set[str]] = {
    "un": {"note", "internal_note"},  # the mediator that assessed
    "tr": {"note", "internal_note"},  # the other mediating organisation
    "ua": {"note"},  # the accused party, both its members
    "ua2": {"note"},
    "ru": {"note"},  # the alleging party: its own incident, yet not the mediators' words
    None: {"note"},
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The Black-Sea-like world (:class:`tests.service.world.World`) on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/gobetween.db"
    else:
        url = str(request.getfixturevalue("pg_schema_url"))
    built = World.build(make_settings(url))
    try:
        yield built
    finally:
        built.close()


def _browser(world: World, who: str) -> httpx.Client:
    """A browser logged in as ``who`` (a session cookie, for the page's forms)."""
    c = asgi_client(world.app)
    r = c.post("/api/auth/login", json={"email": f"{who}@example.org", "password": PASSWORD})
    assert r.status_code == 200, r.text
    return c


def _assess(world: World, aid: int, key: str, body: dict[str, Any]) -> None:  # noqa: F811
    made = world.post("un", f"/api/agreements/{aid}/provisions/{key}/assessments", json=body)
    assert made.status_code == 201, made.text


def _publish_provisions(world: World, aid: int) -> None:  # noqa: F811
    proposal = world.post("un", f"/api/agreements/{aid}/publications", json={"scope": "provisions"})
    assert proposal.status_code == 201, proposal.text
    pid = proposal.json()["id"]
    approved = world.post("tr", f"/api/agreements/{aid}/publications/{pid}/approval")
    assert approved.status_code == 200, approved.text


def _read(world: World, who: str | None, url: str) -> httpx.Response:
    """``who`` reads ``url``; the public (``None``) reads its public twin, no login."""
    if who is None:
        api = url.startswith("/api/")
        r = world.client.get(url.replace("/api/", "/api/public/") if api else f"/public{url}")
    else:
        r = world.get(who, url)
    assert r.status_code == 200, (who, url, r.text)
    return r


def _history(page: BeautifulSoup, key: str) -> Tag:
    """Provision ``key``'s fold of assessments, in its row of the provisions table."""
    return one(page, f"#provisions-table tr[data-key={key}] details[data-fold=history-{key}]")


def _notes(item: Tag) -> dict[str, str]:
    """An assessment's notes on the page, by their field's name: the note's text."""
    return {str(n["data-note"]): one(n, "p[dir=auto]").get_text() for n in item.select(".note")}


def test_a_mediator_writes_both_notes_on_the_page_and_reads_them_back(
    world: World,
    aid: int,  # noqa: F811
) -> None:
    key = world.post("ru", f"/api/agreements/{aid}/incidents", json=INCIDENT).json()["key"]
    page = f"/agreements/{aid}/implementation"
    un = _browser(world, "un")
    try:
        form = {
            "key": "art-1",
            "level": "minimal",
            "evidence": "link",
            "reference": LINK["reference"],
            "note": SHARED,
            "internal_note": INTERNAL.format(key=key),
        }
        sent = post_form(un, page, f"{page}/provisions", form)
        assert sent.status_code == 303, sent.text
        # back at the provision's assessments, open, the provisions table open around them
        assert sent.headers["location"] == f"{page}?open=history-art-1#history-art-1"
        shown = soup(un.get(sent.headers["location"]))
    finally:
        un.close()
    opened = [str(d["data-fold"]) for d in shown.select("main details.fold[open]")]
    assert opened == ["provisions", "history-art-1"]
    assert one(shown, "#history-art-1").name == "summary"  # where the address takes the reader
    (item,) = _history(shown, "art-1").select("ol.assessments > li")
    assert _notes(item) == {"note": SHARED, "internal_note": INTERNAL.format(key=key)}
    internal = one(item, ".note[data-note=internal_note]")
    assert one(internal, ".only-mediators").get_text() == MARK  # marked as the mediators' alone
    assert MARK not in one(item, ".note[data-note=note]").get_text()
    said = item.get_text(" ")
    assert "United Nations" in said  # who assessed: the organisation
    assert one(item, "[data-level]")["data-level"] == "minimal"
    assert one(item, "time")["datetime"] == item["data-at"]
    assert one(item, "a")["href"] == LINK["reference"]  # its evidence


def test_each_reader_reads_on_the_page_the_notes_the_api_gives_it(
    world: World,
    aid: int,  # noqa: F811
) -> None:
    key = world.post("ru", f"/api/agreements/{aid}/incidents", json=INCIDENT).json()["key"]
    earlier = {"level": "intermediate", "at": "2022-08-01T12:00:00+00:00", "evidence": [LINK]}
    _assess(world, aid, "art-1", {**earlier, "note": ARABIC})  # no internal note
    later = {"level": "minimal", "at": "2022-09-05T12:00:00+00:00", "evidence": [LINK]}
    internal = INTERNAL.format(key=key)
    _assess(world, aid, "art-1", {**later, "note": SHARED, "internal_note": internal})
    _assess(world, aid, "art-2", {**later, "internal_note": "Only words for the joint team."})
    url = f"/agreements/{aid}/implementation"
    assert world.client.get(f"/api/public/agreements/{aid}/provisions").status_code == 404
    public = world.client.get(f"/public{url}").text  # the provisions not published yet
    assert 'id="provisions-table"' not in public
    assert SHARED.splitlines()[0] not in public
    _publish_provisions(world, aid)
    for who, notes in READS.items():
        page = soup(_read(world, who, url))
        api = _read(world, who, f"/api/agreements/{aid}/provisions").json()["provisions"]
        for provision in api:  # the page shows what the API gives, no more, no less
            history = provision["history"]
            if not history:  # never assessed: no fold of assessments
                row = one(page, f"#provisions-table tr[data-key={provision['key']}]")
                assert row.select("details") == [], who
                continue
            items = _history(page, provision["key"]).select("ol.assessments > li")
            assert [i["data-at"] for i in items] == [h["at"] for h in reversed(history)], who
            for item, h in zip(items, reversed(history), strict=True):
                given = {n: h[n] for n in ("note", "internal_note") if h.get(n)}
                assert _notes(item) == given, who
        art1 = _history(page, "art-1").select("ol.assessments > li")
        assert {n for i in art1 for n in _notes(i)} == notes, who
        assert _notes(art1[0])["note"] == SHARED, who  # the newest first
        assert _notes(art1[1]) == {"note": ARABIC}, who  # dir=auto: it reads right to left
        summary = one(_history(page, "art-1"), "summary").get_text()
        assert summary == "2 assessments and their notes", who
        text = page.get_text()
        if "internal_note" in notes:
            assert text.count(MARK) == 2, who  # each internal note marked, and only those
            assert _notes(_history(page, "art-2").select("li")[0]) == {
                "internal_note": "Only words for the joint team."
            }
        else:
            for hidden in (MARK, internal, "Only words for the joint team", "Internal note:"):
                assert hidden not in text, (who, hidden)
            assert _notes(one(_history(page, "art-2"), "li")) == {}, who
    # the accused party learns nothing of the pending incident, from the notes or elsewhere
    assert key not in world.get("ua", url).text
    assert key not in world.client.get(f"/public{url}").text


def test_the_query_opens_one_provisions_assessments_and_all_of_them(
    world: World,
    aid: int,  # noqa: F811
) -> None:
    for key in ("art-1", "art-2"):
        at = "2022-08-01T12:00:00+00:00"
        _assess(world, aid, key, {"level": "minimal", "at": at, "evidence": [LINK], "note": key})
    url = f"/agreements/{aid}/implementation"

    def opened(query: str) -> list[str]:
        page = soup(world.get("ua", url + query))
        return [str(d["data-fold"]) for d in page.select("main details.fold[open]")]

    assert opened("") == []
    assert opened("?open=provisions") == ["provisions"]
    assert opened("?open=history-art-2") == ["provisions", "history-art-2"]
    assert opened("?open=history-art-9") == ["provisions"]  # no such provision: the table
    every = soup(world.get("ua", url + "?open=all")).select("main details.fold")
    assert {"history-art-1", "history-art-2"} <= {str(d["data-fold"]) for d in every}
    assert all(d.has_attr("open") for d in every)
