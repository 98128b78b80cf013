"""Pages hold the write lock only briefly (docs/security.md, *Promise 2*): marking a whole
channel read, however many messages it has; logging in (Argon2 runs before the writing unit)."""

from __future__ import annotations

import gc
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.service.write_units import WriteUnits, argon2_calls
from tests.web.site import Site, csrf, one, soup

from gobetween.service import negotiate
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.web.portal import MARK_READ_STEP

FOOD = "food corridor"
MESSAGES = 2_000
#: The most CPU time one writing unit of work may spend holding the lock (tests/service/
#: write_units.py says why not wall time). A unit of :data:`MARK_READ_STEP` receipts took 41 to
#: 44 ms of CPU on 6 December 2026; a unit per page of messages (the step raised to 100,000)
#: 0.48 s; the whole channel in one unit took 1.56 s (3 s on a slower machine).
#: What does not vary with the machine's load is checked too: no unit writes more than
#: :data:`MARK_READ_STEP` receipts.
LONGEST = 0.25


def _user_id(site: Site, seat: str) -> int:
    with site.services.db.unit_of_work(write=False) as session:
        email = f"{seat}@demo.gobetween.org"
        return int(session.execute(select(t.User.id).where(t.User.email == email)).scalar_one())


def _receipts(site: Site, channel_id: int, user_id: int) -> int:
    with site.services.db.unit_of_work(write=False) as session:
        query = (
            select(func.count())
            .select_from(t.ReadReceipt)
            .join(t.Message, t.Message.id == t.ReadReceipt.message_id)
            .where(t.Message.channel_id == channel_id, t.ReadReceipt.user_id == user_id)
        )
        return int(session.execute(query).scalar_one())


def test_marking_a_long_channel_read_holds_the_write_lock_briefly(
    site: Site, monkeypatch: pytest.MonkeyPatch, heap_as_served: None
) -> None:
    # before: one unit of work for the whole channel, 2.8 s for these 2,000 messages
    ukraine = site.client("ukraine")
    page = ukraine.get(f"/tracks/{site.tracks[FOOD]}/channel", follow_redirects=True)
    action = str(one(soup(page), "form#composer")["action"])  # /channels/{id}/...
    channel_id = int(action.split("/")[2])
    with site.services.db.unit_of_work() as session:
        author = repositories.load_actor(session, _user_id(site, "ukraine"))
        for n in range(MESSAGES):
            negotiate.post_message(session, author, channel_id, negotiate.Post(f"message {n}"))
    un = site.client("un")
    reader = _user_id(site, "un")
    already = _receipts(site, channel_id, reader)
    token = csrf(soup(un.get(f"/channels/{channel_id}")))
    # the 2,000 messages' objects were the test's making, not a request's: out of the
    # collector's sight as the server's start-up puts its own (heap_as_served unfreezes)
    gc.collect()
    gc.freeze()
    units = WriteUnits().install(monkeypatch.setattr)
    holds = units.holds
    marked_in: list[int] = []  # for each receipt written, the writing unit it was written in
    mark = negotiate.mark_read

    def counted(*args: Any, **kwargs: Any) -> Any:
        assert units.open == 1
        marked_in.append(len(holds))  # the units finished before this one
        return mark(*args, **kwargs)

    monkeypatch.setattr(negotiate, "mark_read", counted)
    r = un.post(f"/channels/{channel_id}/read", data={"csrf_token": token})
    assert r.status_code == 303, r.text
    assert _receipts(site, channel_id, reader) >= already + MESSAGES  # every one marked
    assert max(Counter(marked_in).values()) <= MARK_READ_STEP
    print("units of work (CPU s), the longest:", sorted(units.work)[-3:], "of", len(units.work))
    assert max(units.work) < LONGEST, max(units.work)
    assert len(holds) >= MESSAGES // MARK_READ_STEP
    units.clear()  # marking again writes nothing: every message is read already
    assert un.post(f"/channels/{channel_id}/read", data={"csrf_token": token}).status_code == 303
    assert max(units.work, default=0.0) < LONGEST, units.work


def test_the_login_page_verifies_the_password_before_the_write_lock(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified_in_a_write_unit = argon2_calls(monkeypatch.setattr)
    site.client("ukraine")  # through the log-in form
    assert verified_in_a_write_unit == [("verify", False)]  # before: in a writing unit


@pytest.mark.parametrize("action", ["/account/two-factor/disable", "/account/delete"])
def test_the_account_page_verifies_the_password_before_the_write_lock(
    site: Site, monkeypatch: pytest.MonkeyPatch, action: str
) -> None:
    c = site.client("ukraine")
    token = csrf(soup(c.get("/account/security")))
    verified_in_a_write_unit = argon2_calls(monkeypatch.setattr)
    form = {"csrf_token": token, "current_password": "not the password", "confirm": "yes"}
    r = c.post(action, data=form)
    assert r.status_code == 422, r.text
    assert verified_in_a_write_unit == [("verify", False)]  # before: in a writing unit
