"""The text page's answer form reads through the schema of the generic ``answer_text``
operation: it accepts what the API accepts and refuses what the API refuses, at the same
field, never storing a refused answer."""

from __future__ import annotations

from httpx import Response
from sqlalchemy import func, select
from tests.web import drafting_helpers as drafting
from tests.web.site import Site
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
