"""The page forms that step a protocol replay a cold state (after a restart, or dropped) in a
read-only unit before their writing unit, as the API's routes do (docs/security.md, *Promise
2*; :func:`gobetween.service.api.protocols.stepping`, :func:`gobetween.web.forms.perform_step`).

Until 5 December 2026 the channel's offer form, the console's forward and decline forms, a
draft's publication and the generic protocol page's forms replayed the whole stream inside
their writing unit, once per stream and worker process; the generic forms also drew the
caller's view there. Counted as the stored events replayed while a writing unit was open
(:class:`tests.service.replays.Watched`), which does not vary with noise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from tests.service.replays import Watched
from tests.web import drafting_helpers as drafting
from tests.web.site import Site, csrf, soup

from gobetween.service import protocol_states, protocol_steps

FOOD = "food corridor"


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> Watched:
    return Watched().install(monkeypatch.setattr)


def _cold_post(
    site: Site, watched: Watched, client: httpx.Client, page: str, action: str, data: object
) -> httpx.Response:
    """Post ``data`` to ``action`` with ``page``'s CSRF token, after the worker's kept states
    were emptied (as when it starts again), counting the replays of that request alone."""
    token = csrf(soup(client.get(page, follow_redirects=True)))  # reading it may keep states
    with site.services.db.unit_of_work(write=False) as session:
        protocol_states.cache_of(session).clear()
    watched.clear()
    return client.post(action, data={"csrf_token": token, **data})  # type: ignore[dict-item]


def _offer(site: Site, message: str) -> None:
    food = site.tracks[FOOD]
    ua = site.client("ukraine")
    token = csrf(soup(ua.get(f"/tracks/{food}/channel", follow_redirects=True)))
    sent = ua.post(f"/tracks/{food}/offers", data={"csrf_token": token, "message": message})
    assert sent.status_code == 303, sent.text


def _decide(decision: str) -> Callable[[Site, Watched], httpx.Response]:
    def post(site: Site, watched: Watched) -> httpx.Response:
        food = site.tracks[FOOD]
        for i in range(3):
            _offer(site, f"offer {i}")
        un, console = site.client("un"), f"/tracks/{food}/console"
        form = soup(un.get(console)).select("form[id^=offer-]")[-1]
        data: dict[str, object] = {"decision": decision, "reason": "not now", "message": "m"}
        data["recipient"] = [str(i["value"]) for i in form.select("[name=recipient]")]
        return _cold_post(site, watched, un, console, str(form["action"]), data)

    return post


def _send_offer(site: Site, watched: Watched) -> httpx.Response:
    food = site.tracks[FOOD]
    for i in range(3):
        _offer(site, f"offer {i}")
    ua = site.client("ukraine")
    data = {"message": "one more"}
    return _cold_post(site, watched, ua, f"/tracks/{food}/channel", f"/tracks/{food}/offers", data)


def _publish_draft(site: Site, watched: Watched) -> httpx.Response:
    food = site.tracks[FOOD]
    un = site.client("un")
    assert drafting.publish(un, food).status_code == 303  # version 1
    fields = drafting.draft_fields(un, food)
    token = csrf(soup(un.get(f"/tracks/{food}/draft")))
    saved = un.post(f"/tracks/{food}/draft", data={"csrf_token": token, **fields})
    assert saved.status_code == 303, saved.text
    page = str(saved.headers["location"])
    return _cold_post(site, watched, un, page, f"{page}/publish", {"confirm": "yes"})


def _poll_form(site: Site, watched: Watched) -> httpx.Response:
    food = site.tracks[FOOD]
    un, page = site.client("un"), f"/tracks/{food}/protocols/poll"
    for action, data in (("open_poll", {"subject": "Ports"}), ("put_statement", {"text": "One"})):
        token = csrf(soup(un.get(page)))
        done = un.post(f"{page}/{action}", data={"csrf_token": token, **data})
        assert done.status_code == 303, done.text
    return _cold_post(site, watched, un, page, f"{page}/put_statement", {"text": "Two"})


FORMS: dict[str, Callable[[Site, Watched], httpx.Response]] = {
    "offer": _send_offer,
    "forward": _decide("forward"),
    "decline": _decide("decline"),
    "draft published": _publish_draft,
    "generic page form": _poll_form,
}


@pytest.mark.parametrize("form", list(FORMS))
def test_a_page_form_replays_a_cold_state_before_its_writing_unit(
    site: Site, watched: Watched, form: str
) -> None:
    """The form's step, with the worker's kept states emptied: no stored event replayed while
    its writing unit is open, the stream replayed whole before it (before: every event of the
    stream replayed inside the unit)."""
    r = FORMS[form](site, watched)
    assert r.status_code == 303, r.text
    assert watched.inside() == 0, watched.replays
    assert any(n > 0 and not writing for n, writing in watched.replays), watched.replays


def test_a_generic_page_form_draws_no_view_inside_its_unit(
    site: Site, watched: Watched, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generic page's forms ask for the caller's view of the protocol only outside their
    writing unit (to check the caller sees it; the page draws its own afterwards): a long
    text's view takes long to draw, and held the write lock meanwhile (before: drawn inside
    the unit, to check and to answer)."""
    inside: list[bool] = []
    real = protocol_steps.view_for

    def view_for(*args: Any) -> dict[str, Any]:
        inside.append(watched.units.open > 0)
        return real(*args)

    monkeypatch.setattr(protocol_steps, "view_for", view_for)
    assert _poll_form(site, watched).status_code == 303
    assert inside, inside
    assert not any(inside), inside
