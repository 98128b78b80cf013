"""A party's e-mail (its content, count and time) does not depend on what another party does.

The notifier reads the live-update events of the whole server in id order. Until 4 December
2026 it read at most ``BATCH`` (500) of them per round, so another party's private activity
(its messages, preferences, answers: each an event) ahead of the mediators' message to this
party pushed that message's notification into a later round (one ``mail_poll_seconds`` later),
and split the count of this party's new messages across rounds ("1 new message", "1 new
message" instead of "2 new messages"). Two worlds, the other party busy in the second: the
observed party's mails after every round must be the same. The batch is made small here (3) so
that a handful of messages overflows it; the mechanism is the one a busy day overflows at 500.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import anyio
import pytest
from tests.service.mailbox import Mailbox, mail_settings
from tests.service.world import World, make_settings

from gobetween.service import mail, notifications
from gobetween.store import setup_tables as st
from gobetween.store import tables as t

T0 = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


def _verify_everyone(w: World) -> None:
    with w.services.db.unit_of_work() as session:
        for user_id in w.users.values():
            session.add(
                st.MailSettings(user_id=user_id, verified_at=t.utcnow(), notify="immediate")
            )


def _post(w: World, who: str, party: str, text: str) -> None:
    channel = w.channels[("food", party)]
    answer = w.post(who, f"/api/channels/{channel}/messages", json={"text": text})
    assert answer.status_code == 201, answer.text


def _round(w: World, now: dt.datetime) -> None:
    notifications.run_once(w.services.db, w.services.settings, now=now)
    mail.deliver_due(w.services.db, w.services.settings)


def test_a_partys_mail_does_not_move_when_the_other_party_is_busy(
    tmp_path: Path, box: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Russia's mediators write to it twice; in the second world Ukraine posts four messages in
    its own channel around them. Russia's mails, round after round, are the same."""
    monkeypatch.setattr(notifications, "BATCH", 3)
    seen: list[list[list[tuple[str, str]]]] = []
    for ukraine_talks in (False, True):
        box.messages.clear()
        w = World.build(
            make_settings(f"sqlite:///{tmp_path}/w{ukraine_talks}.db", **mail_settings(box))
        )
        try:
            _verify_everyone(w)
            _round(w, T0)  # the notifier's cursor starts here
            script = [("ua", "ua"), ("un", "ru"), ("ua", "ua"), ("ua", "ua"), ("un", "ru")]
            for who, party in script:
                if who == "un" or ukraine_talks:
                    _post(w, who, party, f"to {party}")
            rounds = []
            for k in range(1, 4):  # rounds 6 minutes apart: past the pause between mails
                _round(w, T0 + dt.timedelta(minutes=6 * k))
                rounds.append([(m["Subject"], box.body(m)) for m in box.to("ru@example.org")])
            seen.append(rounds)
        finally:
            w.close()
    quiet, busy = seen
    assert len(quiet[0]) == 1, quiet
    assert "2 new messages in your channel" in quiet[0][0][1], quiet
    assert busy == quiet


def test_the_mail_rounds_keep_their_schedule_however_long_a_round_takes(
    tmp_path: Path, box: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A round that reads more events takes longer. Until 4 December 2026 the worker slept a
    whole interval after each round, so every later round (and every later mail of the
    observed party) started later by the time the other party's events had cost. Here a round
    that read events is made 0.5 s longer (as thousands of events would make it); in the
    second world Ukraine posts before the worker starts. The rounds must start at the same
    moments after the worker's start in both worlds. (Rounds a second apart: with half a
    second, a round that sent mail on a loaded machine took longer than the interval, and the
    worker rightly skipped the slot it had missed, in a full run on 6 December 2026.)"""
    real = notifications.run_once

    def slow_when_busy(db: object, settings: object, **kw: object) -> int:
        starts.append(time.monotonic() - began)
        read = real(db, settings, **kw)  # type: ignore[arg-type]
        if read:
            time.sleep(0.5)
        return read

    monkeypatch.setattr(notifications, "run_once", slow_when_busy)
    seen = []
    for ukraine_talks in (False, True):
        url = f"sqlite:///{tmp_path}/s{ukraine_talks}.db"
        w = World.build(make_settings(url, **mail_settings(box), mail_poll_seconds=1.0))
        try:
            _verify_everyone(w)
            real(w.services.db, w.services.settings)  # the notifier's cursor starts here
            if ukraine_talks:
                _post(w, "ua", "ua", "to ua")
            starts: list[float] = []

            async def run(w: World = w) -> None:
                async with mail.worker(w.services.db, w.services.settings):
                    await anyio.sleep(3.6)

            began = time.monotonic()
            anyio.run(run)
            seen.append(starts[:4])
        finally:
            w.close()
    quiet, busy = seen
    assert len(quiet) == len(busy) == 4, seen
    for k, (a, b) in enumerate(zip(quiet, busy, strict=True)):
        assert abs(a - 1.0 * k) < 0.3, seen  # sleeping an interval after a round: 0.5 late
        assert abs(b - 1.0 * k) < 0.3, seen
