"""A bracketed alternative's wording is edited like an article's (issue 11): the page says which
option it belongs to, wording of another option is refused at publication, and what the parties,
the redline and the exports read is the edited wording."""

from __future__ import annotations

import io
import json

import docx
from tests.web import drafting_helpers as drafting
from tests.web.site import Site, one, soup, text_of, unlabelled_controls
from tests.web.test_pages import FOOD, post_form

EDITED = "Ships leave from Odesa only, under the escort agreed at Istanbul."


def bracket_ports(site: Site) -> tuple[str, list[str], dict[str, str]]:
    """Save a draft with the ports article in brackets between its first two options; the
    draft page, those options and their prepared English wording."""
    un = site.client("un")
    food = site.tracks[FOOD]
    doc = soup(un.get(f"/tracks/{food}/draft"))
    select = one(doc, "select[name='pkg-ports']")
    options = [str(o["value"]) for o in select.select("option")][:2]
    prepared = json.loads(str(select["data-prepared"]))
    fields: dict[str, object] = {**drafting.draft_fields(un, food)}
    fields.update({"br-ports": "1", "alt-ports": options})
    r = post_form(un, f"/tracks/{food}/draft", f"/tracks/{food}/draft", fields)
    assert r.status_code == 303, r.text
    return str(r.headers["location"]), options, {o: prepared[o] for o in options}


def edit_alternative(site: Site, page: str, options: list[str], english: str) -> str:
    """Open the draft for editing, write ``english`` as the first alternative's wording, save it
    again; the (same) draft's page."""
    un = site.client("un")
    food = site.tracks[FOOD]
    draft_id = page.rsplit("/", 1)[1]
    editing = f"/tracks/{food}/draft?from={draft_id}"
    fields: dict[str, object] = {**drafting.draft_fields(un, food, editing)}
    fields.update({"br-ports": "1", "alt-ports": options, "draft": draft_id})
    fields[f"altw-ports/{options[0]}"] = english
    r = post_form(un, editing, f"/tracks/{food}/draft", fields)
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


def test_each_alternative_has_its_wording_and_says_whose_it_is(site: Site) -> None:
    page, options, prepared = bracket_ports(site)
    food = site.tracks[FOOD]
    un = site.client("un")
    doc = soup(un.get(f"/tracks/{food}/draft?from={page.rsplit('/', 1)[1]}"))
    ports = one(doc, "fieldset[data-issue=ports]")
    alternatives = ports.select("div.alternative")
    assert [a["data-option"] for a in alternatives] == options
    for alt, option in zip(alternatives, options, strict=True):
        assert len(alt.select("textarea")) == 4  # en, uk, ru, tr
        assert one(alt, f"textarea[name='altw-ports/{option}']").get_text() == prepared[option]
        assert option in text_of(alt, "p.owner")  # "wording of the option: <option>"
    assert unlabelled_controls(doc) == []
    assert one(ports, "select[name=alt-ports]")["data-confirm"]


def test_edited_alternative_wording_reaches_parties_redline_and_exports(site: Site) -> None:
    un = site.client("un")
    food = site.tracks[FOOD]
    assert drafting.publish(un, food).status_code == 303  # version 1, settled
    page, options, _prepared = bracket_ports(site)
    page = edit_alternative(site, page, options, EDITED)
    doc = soup(un.get(page))
    assert doc.select("#problems li") == []
    r = post_form(un, page, f"{page}/publish", {"confirm": "yes"})
    assert r.status_code == 303, r.text
    text = site.client("ukraine").get(f"/api/tracks/{food}/text").json()
    (ports,) = [a for a in text["versions"][-1]["articles"] if a["issue"] == "ports"]
    assert ports["alternatives"][0]["wording"]["en"] == EDITED
    assert ports["alternatives"][0]["option"] == options[0]
    redline = site.client("russia").get(f"/api/tracks/{food}/text/redline/1/2").json()
    inserted = "".join(
        s["text"] for a in redline["articles"] for s in a["segments"] if s["op"] == "insert"
    )
    assert "under the escort agreed at Istanbul" in inserted
    exported = site.client("ukraine").get(f"/api/tracks/{food}/text/versions/2/export.docx")
    paragraphs = docx.Document(io.BytesIO(exported.content)).paragraphs
    assert any(EDITED in p.text for p in paragraphs)


def test_wording_of_another_option_in_an_alternative_is_refused(site: Site) -> None:
    page, options, prepared = bracket_ports(site)
    page = edit_alternative(site, page, options, prepared[options[1]])  # the other's wording
    un = site.client("un")
    doc = soup(un.get(page))
    problem = text_of(doc, "#problems li[data-article=art-1]")
    assert f"alternative 1 belongs to option '{options[1]}'" in problem
    food = site.tracks[FOOD]
    editing = soup(un.get(f"/tracks/{food}/draft?from={page.rsplit('/', 1)[1]}"))
    first = editing.select("fieldset[data-issue=ports] div.alternative")[0]
    assert options[1] in text_of(first, ".owner-mismatch")
    refused = post_form(un, page, f"{page}/publish", {"confirm": "yes"})
    assert refused.status_code == 422
    assert site.client("ukraine").get(f"/api/tracks/{food}/text").json()["versions"] == []


def test_article_problems_read_in_the_mediators_language(site: Site) -> None:
    """What stops a draft from going out, and the refusal to publish it, are the core's
    sentences translated (issue 12): a Ukrainian page says them in Ukrainian."""
    un = site.client("un")
    food = site.tracks[FOOD]
    fields: dict[str, object] = {**drafting.draft_fields(un, food)}
    fields.update({k: "  " for k in list(fields) if str(k).split("@")[0] == "clause-ports"})
    r = post_form(un, f"/tracks/{food}/draft", f"/tracks/{food}/draft", fields)
    assert r.status_code == 303, r.text
    page = str(r.headers["location"])
    un.cookies.set("gobetween_lang", "uk")
    problem = text_of(soup(un.get(page)), "#problems li[data-article=art-1]")
    assert "стаття порожня" in problem, problem
    refused = post_form(un, page, f"{page}/publish", {"confirm": "yes"})
    assert refused.status_code == 422
    flash = text_of(soup(refused), ".flash.error")
    assert "текст не можна надіслати: стаття art-1: стаття порожня" in flash, flash
    assert "the article is empty" not in flash
