"""The text page's answer form reads through the schema of the generic ``answer_text``
operation: it accepts what the API accepts and refuses what the API refuses, at the same
field, never storing a refused answer."""

from __future__ import annotations

import httpx
from bs4 import BeautifulSoup
from httpx import Response
from sqlalchemy import func, select
from tests.web import drafting_helpers as drafting
from tests.web.site import Site, csrf, one, soup, text_of
from tests.web.test_pages import FOOD, post_form

from gobetween.store import tables as t


def answers_stored(site: Site) -> int:
    with site.services.db.unit_of_work(write=False) as session:
        return int(
            session.execute(
                select(func.count())
                .select_from(t.ProtocolEvent)
                .where(t.ProtocolEvent.protocol == "single_text")
                .where(t.ProtocolEvent.body["type"].as_string() == "answer_given")
            ).scalar_one()
        )


def api_answer(ua: httpx.Client, food: int, articles: list[dict[str, object]]) -> Response:
    """Answer version 1 article by article through ``POST /api/tracks/{id}/text/answers``."""
    token = csrf(soup(ua.get(f"/tracks/{food}/text")))
    body = {"version": 1, "kind": "amend", "articles": articles}
    return ua.post(f"/api/tracks/{food}/text/answers", json=body, headers={"X-CSRF-Token": token})


def test_a_reason_the_api_refuses_is_refused_by_the_page_too(site: Site) -> None:
    food = site.tracks[FOOD]
    assert drafting.publish(site.client("un"), food).status_code == 303
    ua = site.client("ukraine")

    def answer(reason: str) -> Response:
        body = {"kind": "reject", "version": "1", "reasons": reason}
        return post_form(ua, f"/tracks/{food}/text", f"/tracks/{food}/text/answer", body)

    before = answers_stored(site)
    refused = answer("x" * 5001)
    assert refused.status_code == 422
    assert "at most 5,000" in refused.text
    assert answers_stored(site) == before
    api = site.client("ukraine").post(
        f"/api/tracks/{food}/protocols/single_text/answer_text",
        json={"version": 1, "kind": "reject", "reasons": ["x" * 5001]},
    )
    assert api.status_code == 422
    assert api.json()["errors"][0]["location"] == "body.reasons.0"
    assert answer("x" * 5000).status_code == 303
    assert answers_stored(site) == before + 1


def test_a_refused_reason_is_shown_next_to_its_field(site: Site) -> None:
    food = site.tracks[FOOD]
    assert drafting.publish(site.client("un"), food).status_code == 303
    ua = site.client("ukraine")
    body = {"kind": "reject", "version": "1", "reasons": "fine\n\n" + "x" * 5001}
    r = post_form(ua, f"/tracks/{food}/text", f"/tracks/{food}/text/answer", body)
    assert r.status_code == 422
    doc = soup(r)
    said = text_of(doc, "#error-summary")  # where it is, by the field's label
    assert "Reasons for the whole text" in said
    assert "reasons.1" not in said
    assert one(doc, "#error-summary a")["href"] == "#reasons"
    assert "5,001 characters; at most 5,000" in text_of(doc, "#reasons-error")
    assert one(doc, "textarea#reasons")["aria-describedby"] == "reasons-error"
    assert one(doc, "textarea#reasons").get_text() == "fine\n\n" + "x" * 5001  # as typed


def test_an_article_reason_the_api_refuses_is_refused_not_cut(site: Site) -> None:
    food = site.tracks[FOOD]
    assert drafting.publish(site.client("un"), food).status_code == 303
    ua = site.client("ukraine")
    long_reason = "r" * 5001

    def answer(reason: str) -> Response:
        body = {"kind": "amend", "version": "1", "st:art-1": "cannot_accept", "rs:art-1": reason}
        return post_form(ua, f"/tracks/{food}/text", f"/tracks/{food}/text/answer", body)

    before = answers_stored(site)
    refused = answer(long_reason)
    assert refused.status_code == 422  # was cut to 5,000 characters and stored
    doc = soup(refused)
    assert one(doc, "#error-summary a")["href"] == "#rs-1-0"  # the article's reason
    assert "articles.0.reason" not in text_of(doc, "#error-summary")
    assert "5,001 characters; at most 5,000" in text_of(doc, "#rs-1-0-error")
    assert one(doc, "textarea#rs-1-0").get_text() == long_reason  # as typed, not cut
    assert answers_stored(site) == before
    api = api_answer(
        ua, food, [{"article": "art-1", "stance": "cannot_accept", "reason": long_reason}]
    )
    assert api.status_code == 422
    assert api.json()["errors"][0]["location"] == "body.articles.0.reason"
    assert answer("r" * 5000).status_code == 303
    assert answers_stored(site) == before + 1
    own = ua.get(f"/api/tracks/{food}/text").json()["own_answers"]["1"]
    assert own["articles"][0]["reason"] == "r" * 5000


def test_an_article_that_cannot_be_accepted_without_a_reason_is_refused_at_its_reason(
    site: Site,
) -> None:
    """Refused at that article's reason, by the page (its field marked, the answer's kind still
    chosen) and the API (``articles.0.reason``; before: ``articles``, and the page's form came
    back with no kind chosen)."""
    food = site.tracks[FOOD]
    ua = site.client("ukraine")
    doc = _refused_answer(site, {"kind": "amend", "st:art-1": "cannot_accept"})
    reason = one(doc, "textarea[name='rs:art-1']")
    said = text_of(doc, "#error-summary")  # the article by its name, not its id
    assert "ports, your reason: say why you cannot accept it" in said
    assert "art-1" not in said
    assert one(doc, "#error-summary a")["href"] == f"#{reason['id']}"
    assert reason.get("aria-invalid") == "true"
    assert "say why you cannot accept it" in text_of(doc, f"#{reason['id']}-error")
    assert one(doc, "#kind-amend").has_attr("checked")  # the kind as sent
    api = api_answer(ua, food, [{"article": "art-1", "stance": "cannot_accept"}])
    assert api.status_code == 422
    assert api.json()["errors"][0]["location"] == "articles.0.reason"


def _refused_answer(site: Site, body: dict[str, str]) -> BeautifulSoup:
    """Publish the food corridor's first version, send Ukraine's answer ``body`` from the
    text page and return the refused page (422)."""
    food = site.tracks[FOOD]
    assert drafting.publish(site.client("un"), food).status_code == 303
    page = f"/tracks/{food}/text"
    r = post_form(site.client("ukraine"), page, f"{page}/answer", {"version": "1", **body})
    assert r.status_code == 422, r.status_code
    return soup(r)


def test_a_reason_or_wording_typed_without_a_position_is_refused_and_kept(site: Site) -> None:
    """A reason or a proposed wording typed for an article whose position is left empty is
    refused at that position, the form as typed (before: dropped from the answer, then lost
    when another refusal brought the form back)."""
    body = {"kind": "amend", "pw:art-2": "Grain and fertiliser.", "st:art-2": ""}
    doc = _refused_answer(site, body)
    position = one(doc, "select[name='st:art-2']")
    assert position.get("aria-invalid") == "true"
    assert "choose your position" in text_of(doc, f"#{position['id']}-error")
    assert one(doc, "textarea[name='pw:art-2']").get_text() == "Grain and fertiliser."
    assert one(doc, "#kind-amend").has_attr("checked")
    own = site.client("ukraine").get(f"/api/tracks/{site.tracks[FOOD]}/text").json()
    assert not own.get("own_answers")


def test_a_stance_that_is_none_of_the_three_is_refused_at_its_place(site: Site) -> None:
    food = site.tracks[FOOD]
    ua = site.client("ukraine")
    doc = _refused_answer(site, {"kind": "amend", "st:art-1": "agree", "st:art-2": "maybe"})
    said = text_of(doc, "#error-summary")  # the second article's position, by its name
    assert "cargo, your position: choose agree, can live with or cannot accept" in said
    assert "articles.1.stance" not in said
    assert one(doc, "#error-summary a")["href"] == "#st-2-0"
    api = api_answer(
        ua,
        food,
        [
            {"article": "art-1", "stance": "agree"},
            {"article": "art-2", "stance": "maybe"},
        ],
    )
    assert api.status_code == 422
    assert api.json()["errors"][0]["location"] == "body.articles.1.stance"
