"""Every API route that steps a protocol replays a cold state (after a restart, or dropped) in a
read-only unit before its writing unit, so the write lock is held for the step alone
(docs/security.md, *Promise 2*; :func:`gobetween.service.api.protocols.stepping`).

Until 5 December 2026 only the single text's publish and answer routes and the generic
``/protocols/...`` routes did; the relay's offer, forward and decline routes, a draft's
publication, the withdrawal of an answer and the bidding's older routes replayed the whole
stream inside their writing unit, once per stream and worker process. Counted as the stored
events replayed while a writing unit was open (:class:`tests.service.replays.Watched`), which
does not vary with noise.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.service.replays import Watched
from tests.service.world import World, make_settings

from gobetween.service import protocol_states

PACKAGE = {"ports": "Odesa", "inspection": "at sea", "term": "120"}


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> Watched:
    return Watched().install(monkeypatch.setattr)


def _restart(world: World) -> None:
    """The worker's kept states emptied, as when it starts again."""
    with world.services.db.unit_of_work(write=False) as session:
        protocol_states.cache_of(session).clear()


#: Each route: who asks, the method, the address after the track's (``{draft}``: the draft's
#: id), the body, and the stored events of its protocol it replays (12 offers; the text: 2
#: versions and an answer; the bidding: Russia's bid, after the settings at its head).
ROUTES = {
    "offer": ("ua", "POST", "/offers", {"message": "mine"}, 12),
    "forward": ("un", "POST", "/offers/1/forward", {}, 12),
    "decline": ("un", "POST", "/offers/2/decline", {"reason": "no"}, 12),
    "draft published": ("un", "POST", "/text/drafts/{draft}/publication", {"confirm": True}, 3),
    "answer withdrawn": ("ua", "DELETE", "/text/answers/2", None, 3),
    "bid": ("ua", "POST", "/bidding/bids", {"round": 1, "amount": 150}, 1),
    "bidding closed": ("un", "POST", "/bidding/close", {"reason": "enough"}, 1),
}


@pytest.mark.parametrize("route", list(ROUTES))
def test_a_step_replays_a_cold_state_before_its_writing_unit(
    tmp_path: Path, watched: Watched, route: str
) -> None:
    """With the kept states emptied (a restart): a party's offer, the mediators' forward and
    decline, a draft's publication, a party's withdrawal of its answer, a bid and the close of
    a bidding replay no stored event while their writing unit is open, and replay the whole
    stream before it (before: the 12 offers, the text's 3 events, the bidding's 1, replayed
    inside the unit)."""
    who, method, address, body, stored = ROUTES[route]
    w = World.build(make_settings(f"sqlite:///{tmp_path}/w.db"))
    try:
        base = f"/api/tracks/{w.tracks['food']}"
        for sender in ("ua", "ru") * 6:
            offer = {"options": {"ports": "three ports"}, "message": f"from {sender}"}
            assert w.post(sender, f"{base}/offers", json=offer).status_code == 201
        for _ in (1, 2):
            published = w.post("un", f"{base}/text/versions", json={"package": PACKAGE})
            assert published.status_code == 201
        answer = {"version": 2, "kind": "accept"}
        assert w.post("ua", f"{base}/text/answers", json=answer).status_code == 201
        article = {"id": "a1", "wording": {"en": "The corridor stays open."}}
        draft = {"package": PACKAGE, "articles": [article], "note": "v3"}
        saved = w.post("un", f"{base}/text/drafts", json=draft)
        assert saved.status_code == 201, saved.text
        sides = {"payer": w.orgs["Russian Federation"], "payee": w.orgs["Ukraine"]}
        opened = w.post("un", f"{base}/bidding", json={**sides, "issue": "term"})
        assert opened.status_code == 201, opened.text
        bid = {"round": 1, "amount": 100}
        assert w.post("ru", f"{base}/bidding/bids", json=bid).status_code == 200
        _restart(w)
        watched.clear()
        url = base + address.format(draft=saved.json()["id"])
        r = w.request(who, method, url, **({} if body is None else {"json": body}))
        assert r.status_code in (200, 201), r.text
        assert watched.inside() == 0, watched.replays
        assert (stored, False) in watched.replays, watched.replays
    finally:
        w.close()
