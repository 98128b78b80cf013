"""The implementation page's event form sends the body ``POST /api/agreements/{id}/record/events``
takes (the event's wire form) to the same service function: what the API stores, the page
stores whole (a reason was cut at 2,000 characters); what the API refuses naming a field, the
page refuses at that form field (422 or the API's status, the words next to it in the reader's
language, the form as typed, nothing stored)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tests.web.form_schema import api_refusal, post_form, refused_at
from tests.web.site import Site, csrf, one, soup, text_of

from gobetween.service.demo_agreement import build_agreement_demo


@pytest.fixture
def initiative(site: Site) -> int:
    with site.services.db.unit_of_work() as session:
        return build_agreement_demo(session)


def _page(agreement: int) -> str:
    return f"/agreements/{agreement}/implementation"


def _post(c: httpx.Client, agreement: int, data: dict[str, object]) -> httpx.Response:
    return post_form(c, _page(agreement), f"{_page(agreement)}/events", data)


def _api(c: httpx.Client, agreement: int, body: dict[str, object]) -> str:
    address = f"/api/agreements/{agreement}/record/events"
    return api_refusal(c, _page(agreement), "POST", address, body)


def _events(site: Site, agreement: int) -> list[dict[str, Any]]:
    record = site.client("un").get(f"/api/agreements/{agreement}/record").json()
    return list(record["events"])


AT = "2099-12-04T09:00:00+00:00"  # after the page's events, which are at their time


def test_a_long_description_the_api_stores_is_stored_whole(site: Site, initiative: int) -> None:
    ukraine = site.client("ukraine")
    reason = "wheat, " * 2800  # 19,600 characters: the page cut it at 2,000
    item = "voyage #" + "9" * 300  # the field's maxlength was 200
    data = {"type": "registration", "item": item, "delegation": "Ukraine", "reason": reason}
    r = _post(ukraine, initiative, data)
    assert r.status_code == 303, r.text
    last = _events(site, initiative)[-1]
    assert (last["item"], last["description"]) == (item, reason.strip())
    body = {"type": "registration", "at": AT, "item": item + "0", "registered_by": "Ukraine"}
    token = csrf(soup(ukraine.get(_page(initiative))))
    api = f"/api/agreements/{initiative}/record/events"
    sent = {**body, "description": reason}
    stored = ukraine.post(api, json=sent, headers={"X-CSRF-Token": token})
    assert stored.status_code == 201, stored.text
    assert _events(site, initiative)[-1]["description"] == reason


def test_a_block_without_a_reason_is_refused_at_reason(site: Site, initiative: int) -> None:
    russia = site.client("russia")
    before = _events(site, initiative)
    fields = {"item": "voyage #982", "step": "departure plan", "delegation": "Russian Federation"}
    r = _post(russia, initiative, {"type": "decision", **fields, "verdict": "block", "reason": " "})
    assert "without a reason" in refused_at(r, "ev-reason")
    shown = soup(r)
    assert one(shown, "#ev-item")["value"] == "voyage #982"
    assert one(shown, "#ev-type option[selected]")["value"] == "decision"
    assert one(shown, "#ev-verdict option[selected]")["value"] == "block"
    assert one(shown, "#ev-delegation option[selected]").get_text() == "Russian Federation"
    assert shown.select("#event-form [aria-invalid]") == [one(shown, "#ev-reason")]
    body = {"type": "decision", "at": AT, **fields, "verdict": "block", "reason": ""}
    assert _api(russia, initiative, body) == "reason"
    assert _events(site, initiative) == before


def test_each_refusal_is_shown_at_the_form_field_it_names(site: Site, initiative: int) -> None:
    ukraine = site.client("ukraine")
    before = _events(site, initiative)
    incident = {"type": "incident", "item": "mine", "delegation": "Ukraine", "reason": "  "}
    r = _post(ukraine, initiative, incident)
    assert "description must be non-empty text" in refused_at(r, "ev-reason")
    body = {"type": "incident", "at": AT, "incident": "mine", "reported_by": "Ukraine"}
    assert _api(ukraine, initiative, {**body, "description": ""}) == "description"
    blank = {"type": "departure", "item": "   ", "port": "Odesa"}
    assert "item must be non-empty text" in refused_at(_post(ukraine, initiative, blank), "ev-item")
    no_port = {"type": "arrival", "item": "voyage #982", "port": ""}
    assert "port must be non-empty text" in refused_at(
        _post(ukraine, initiative, no_port), "ev-port"
    )
    inspection = {"type": "inspection", "item": "voyage #982", "result": "passed"}
    r = _post(ukraine, initiative, inspection)  # no team member ticked
    assert r.status_code == 422, r.text
    shown = soup(r)
    assert "has no team" in text_of(shown, "#ev-team-error")
    assert one(shown, "#ev-team")["aria-describedby"] == "ev-team-error"
    ticks = shown.select("#ev-team input[type=checkbox]")
    assert ticks
    assert all(t.get("checked") is None and t["aria-invalid"] == "true" for t in ticks)
    api_body = {"type": "inspection", "at": AT, "item": "x", "team": [], "result": "passed"}
    assert _api(ukraine, initiative, api_body) == "team"
    verdict = {"type": "decision", "item": "v", "step": "s", "delegation": "Ukraine"}
    r = _post(ukraine, initiative, {**verdict, "verdict": "abstain"})
    assert "unknown verdict 'abstain'" in refused_at(r, "ev-verdict")
    assert _api(ukraine, initiative, {**verdict, "at": AT, "verdict": "abstain"}) == (
        "event.verdict"  # the wire reader's source, then its field
    )
    assert _events(site, initiative) == before


def test_speaking_for_another_delegation_is_refused_as_the_api_does(
    site: Site, initiative: int
) -> None:
    russia = site.client("russia")
    forged = {"type": "registration", "item": "voyage #982", "delegation": "Ukraine"}
    r = _post(russia, initiative, forged)
    assert r.status_code == 403, r.text
    assert one(soup(r), "#ev-item")["value"] == "voyage #982"


def test_the_refusal_next_to_the_field_is_in_the_readers_language(
    site: Site, initiative: int
) -> None:
    from tests.web.test_notices_i18n import _in, _speaks_ukrainian

    russia = _speaks_ukrainian(site, "russia")
    fields = {"item": "v1", "step": "departure plan", "delegation": "Russian Federation"}
    r = _post(russia, initiative, {"type": "decision", **fields, "verdict": "block"})
    words = refused_at(r, "ev-reason")
    template = "%(delegation)s blocks %(step)r of %(item)r without a reason"
    step = _in("uk", "departure plan")  # a known step by its label in the reader's language
    said = {"delegation": "Russian Federation", "step": step, "item": "v1"}
    # the field's own words say what was expected too
    expected = _in(
        "uk",
        "%(text)s (expected: %(expected)s)",
        text=_in("uk", template, **said),
        expected=_in("uk", "a reason for every block"),
    )
    assert words == expected, words
    assert "without a reason" not in words


def test_a_text_or_team_past_the_limits_is_refused_by_both_and_nothing_stored(
    site: Site, initiative: int
) -> None:
    ukraine = site.client("ukraine")
    before = _events(site, initiative)
    longest = "w" * 20_000
    data = {"type": "registration", "item": "voyage #77", "delegation": "Ukraine"}
    words = refused_at(_post(ukraine, initiative, {**data, "reason": longest + "w"}), "ev-reason")
    assert words == "20,001 characters; at most 20,000 are accepted", words
    body = {"type": "registration", "at": AT, "item": "voyage #77", "registered_by": "Ukraine"}
    assert _api(ukraine, initiative, {**body, "description": longest + "w"}) == "description"
    assert _api(ukraine, initiative, {**body, "item": longest + "w"}) == "item"
    team = [{"delegation": "Ukraine", "inspector": f"inspector {i}"} for i in range(101)]
    inspection = {"type": "inspection", "at": AT, "item": "v", "result": "passed"}
    assert _api(ukraine, initiative, {**inspection, "team": team}) == "team"
    named = [{"delegation": "Ukraine", "inspector": longest + "w"}]
    assert _api(ukraine, initiative, {**inspection, "team": named}) == "team[0].inspector"
    assert _events(site, initiative) == before
    r = _post(ukraine, initiative, {**data, "reason": longest})  # at the limit: stored whole
    assert r.status_code == 303, r.text
    assert _events(site, initiative)[-1]["description"] == longest


@pytest.mark.parametrize(
    ("who", "acts_as"),
    [("ukraine", "Ukraine"), ("russia", "Russian Federation"), ("un", "United Nations")],
)
def test_the_event_form_offers_only_the_readers_own_delegation(
    site: Site, initiative: int, who: str, acts_as: str
) -> None:
    """Each signatory records as their own delegation, chosen from the start: the list once
    offered every delegation, Ukraine first, so a mediator or the Russian delegation sending the
    form as it came was refused ("you may not record as 'Ukraine'")."""
    c = site.client(who)
    record = c.get(f"/api/agreements/{initiative}/record").json()
    assert acts_as in record["delegations"], record["delegations"]
    page = soup(c.get(_page(initiative)))
    offered = [o.get_text() for o in page.select("#ev-delegation option")]
    assert offered == [acts_as]
    data = {"type": "incident", "item": f"INC-{who}", "delegation": acts_as, "reason": "seen"}
    sent = _post(c, initiative, data)
    assert sent.status_code == 303, sent.text
    last = _events(site, initiative)[-1]
    assert (last["type"], last["incident"], last["reported_by"]) == (
        "incident",
        f"INC-{who}",
        acts_as,
    )


def test_every_field_refused_is_shown_at_once_next_to_its_field(
    site: Site, initiative: int
) -> None:
    """A tester sent the event form with an empty item and a block without a reason and learnt
    of the item only; fixed the item, then of the reason. Every field's problem now comes back
    together, each next to its field and in the summary, and the API lists each in ``errors``
    (the first still its ``detail``'s first)."""
    russia = site.client("russia")
    before = _events(site, initiative)
    fields = {"item": " ", "step": "departure plan", "delegation": "Russian Federation"}
    r = _post(russia, initiative, {"type": "decision", **fields, "verdict": "block", "reason": ""})
    assert "item must be non-empty text" in refused_at(r, "ev-item")
    assert "without a reason" in refused_at(r, "ev-reason")
    shown = soup(r)
    invalid = {str(tag["id"]) for tag in shown.select("#event-form [aria-invalid]")}
    assert invalid == {"ev-item", "ev-reason"}, invalid
    summary = [a["href"] for a in shown.select(".error-summary a")]
    assert summary == ["#ev-item", "#ev-reason"], summary
    inspection = {"type": "inspection", "item": "", "result": "failed", "reason": ""}
    r = _post(russia, initiative, inspection)  # no team ticked either
    assert "item must be non-empty text" in refused_at(r, "ev-item")
    assert "without a reason" in refused_at(r, "ev-reason")
    assert "has no team" in text_of(soup(r), "#ev-team-error")
    token = csrf(soup(russia.get(_page(initiative))))
    body = {"type": "decision", "at": AT, **fields, "verdict": "abstain", "delegation": ""}
    answer = russia.post(
        f"/api/agreements/{initiative}/record/events", json=body, headers={"X-CSRF-Token": token}
    )
    assert answer.status_code == 422, answer.text
    places = [error["location"] for error in answer.json()["errors"]]
    assert places == ["item", "delegation", "event.verdict"], places  # in the body's order
    assert _events(site, initiative) == before
