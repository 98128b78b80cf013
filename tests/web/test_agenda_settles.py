"""A secretariat names its issues in its own language: the issue that sets the agreement's term
is "süre", not "term". The agreement page says what to do (mark the issue that sets the term in
the agenda editor), and marking it is allowed after texts were published (it changes no option
and no wording), as an announced agenda version, and the agreement can then be made."""

from __future__ import annotations

import dataclasses
from typing import Any

from bs4 import BeautifulSoup
from tests.web.site import Site, actors, one, soup, text_of
from tests.web.test_agenda_names import _form

from gobetween.model import Agenda


def _publish_on_a_turkish_agenda(site: Site) -> int:
    """The food corridor with its term issue named "süre" (before any text), then a text every
    party accepted."""
    from gobetween.protocols.single_text import AnswerKind
    from gobetween.service import agendas, texts
    from gobetween.service.negotiate import track_agenda
    from gobetween.store import tables as t

    food = site.tracks["food corridor"]
    with site.services.db.unit_of_work() as session:
        actor = actors(session, "un", "ukraine", "russia")
        track = session.get(t.Track, food)
        assert track is not None
        old = track_agenda(track)
        issues = tuple(
            dataclasses.replace(i, name="süre", names={"ar": "المدة", "en": "term"})
            if i.name == "term"
            else i
            for i in old.issues
        )
        agendas.change_agenda(session, actor["un"], food, Agenda(issues, name=old.name))
        options = {i.name: i.options[0].name for i in issues}
        texts.publish_text(session, actor["un"], food, options=options, clauses={})
        for seat in ("ukraine", "russia"):
            texts.answer_text(session, actor[seat], food, version=1, kind=AnswerKind.ACCEPT)
    return food


def _issue_index(page: BeautifulSoup, name: str) -> str:
    return str(one(page, f"fieldset.issue[data-issue='{name}']")["id"]).removeprefix("issue-")


def test_marking_the_issue_that_sets_the_term_after_publication_makes_the_agreement(
    site: Site,
) -> None:
    food = _publish_on_a_turkish_agenda(site)
    un = site.client("un")
    form = soup(un.get(f"/tracks/{food}/agreement"))
    term = one(form, "#derived-term")
    assert term["data-days"] == ""
    advice = term.get_text(" ", strip=True)
    assert "In the agreement, this issue sets" in advice, advice  # where, in the editor's words
    assert one(term, f"a[href='/tracks/{food}/agenda']")
    # the editor: a select per issue, "nothing" for süre, "renewal" read from the issue's name
    page = soup(un.get(f"/tracks/{food}/agenda"))
    s, r = _issue_index(page, "süre"), _issue_index(page, "renewal")
    chosen = one(page, f"#i{s}-settles option[selected]")
    assert chosen["value"] == ""
    assert one(page, f"#i{r}-settles option[selected]")["value"] == "renewal"
    assert "how long it lasts (days)" in text_of(page, f"#i{s}-settles")
    data: dict[str, Any] = _form(page, "save")
    data[f"i{s}.settles"] = "term"
    data["note"] = "süre sets the agreement's term"
    saved = un.post(f"/tracks/{food}/agenda", data=data)
    assert saved.status_code == 303, soup(saved).get_text(" ", strip=True)
    page = soup(un.get(f"/tracks/{food}/agenda"))
    assert one(page, f"#i{s}-settles option[selected]")["value"] == "term"
    assert [li["value"] for li in page.select("#agenda-history li")] == ["1", "2"]
    form = soup(un.get(f"/tracks/{food}/agreement"))
    assert one(form, "#derived-term")["data-days"] == "60"
    assert "“term”" in text_of(form, "#derived-term")  # "süre" as an English reader calls it
    token = str(one(form, "#agreement-form input[name=csrf_token]")["value"])
    made = un.post(
        f"/tracks/{food}/agreement",
        data={"csrf_token": token, "title": "Liman koridoru", "effective_date": "2022-07-22"},
    )
    assert made.status_code == 303, soup(made).select_one("main").get_text(" ", strip=True)


def test_adding_an_issue_after_publication_says_why_and_the_heading_keeps_the_name(
    site: Site,
) -> None:
    food = _publish_on_a_turkish_agenda(site)
    un = site.client("un")
    page = soup(un.get(f"/tracks/{food}/agenda"))
    assert text_of(page, "h1") == "Agenda of food corridor"
    data: dict[str, Any] = _form(page, "save")
    n = len(page.select("fieldset.issue"))
    data |= {
        f"i{n}.name": "term",
        f"i{n}.kind": "integer",
        f"i{n}.low": "60",
        f"i{n}.high": "120",
        f"i{n}.step": "60",
        f"i{n}.position": str(n + 1),
    }
    data["note"] = "a term issue"
    refused = un.post(f"/tracks/{food}/agenda", data=data)
    assert refused.status_code == 422
    page = soup(refused)
    assert text_of(page, "h1") == "Agenda of food corridor"  # was "Agenda of"
    said = page.get_text(" ", strip=True)
    assert "keep every issue and option" not in said, said
    assert "'term'" in said, said
    assert "cannot be added" in said, said


def test_the_editor_refuses_an_issue_with_a_single_option(site: Site) -> None:
    food = site.tracks["food corridor"]
    un = site.client("un")
    page = soup(un.get(f"/tracks/{food}/agenda"))
    p = _issue_index(page, "ports")
    data: dict[str, Any] = _form(page, "save")
    for key in [k for k in data if k.startswith(f"i{p}.o") and not k.startswith(f"i{p}.o0.")]:
        data[key] = ""
    refused = un.post(f"/tracks/{food}/agenda", data=data)
    assert refused.status_code == 422
    said = soup(refused).get_text(" ", strip=True)
    assert "ports" in said, said
    assert "a single option leaves nothing to negotiate" in said, said


def test_a_rule_settled_twice_is_refused_naming_both_issues(site: Site) -> None:
    food = site.tracks["food corridor"]
    un = site.client("un")
    page = soup(un.get(f"/tracks/{food}/agenda"))
    data: dict[str, Any] = _form(page, "save")
    data[f"i{_issue_index(page, 'ports')}.settles"] = "renewal"
    refused = un.post(f"/tracks/{food}/agenda", data=data)
    assert refused.status_code == 422
    said = soup(refused).get_text(" ", strip=True)
    assert "'ports'" in said, said
    assert "'renewal'" in said, said
