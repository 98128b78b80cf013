"""Timing channels: nothing a party is shown in time depends on what the other party does.

The counting oracle of ``test_events.py`` masks timestamps. This one does not: it runs the same
script (the observed party's and the mediators' steps) in two fresh worlds on a clock set by
hand (:class:`tests.service.world.Clock`), each step at the same instant in both worlds. In
the second world the other party (and the mediators in its channel) act privately between the
steps, at other instants. Afterwards every timestamp a party or the observer is shown, in the
event stream with every cursor form, its own messages, preferences, offers, the text, tokens,
members, and every response header (``Last-Modified``, ``ETag``, ``Cache-Control`` ...) must
be the same in both worlds, byte for byte; only the random ids of messages and tokens are
named by what they stand for. A server-side time that moved with another party's write (a
track's "last activity", a channel list sorted by latest message, a live-update time taken
from the newest row of any scope) would fail it.

What a clock set by hand cannot show is queueing: a write that waits behind another party's
write takes its timestamp later, by the wait. That wait is also the party's own response time,
which no server can hide from the one who sent the request; ``docs/security.md`` says so.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import tests.service.test_events as events
from tests.service.test_events import Observer, _noise, _script
from tests.service.world import Clock, World, make_settings

from gobetween.store import tables as t

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
#: response headers left out: the same for every answer, or (``content-length``) counting the
#: digits of random ids; the size compared is that of the body with those ids named
_LEFT_OUT = {"content-security-policy", "permissions-policy", "referrer-policy", "content-length"}


class TimedObserver(Observer):
    """Like the counting oracle's observer, but response headers are part of what is seen."""

    def read(self, who: str, url: str, **kwargs: Any) -> tuple[int, str, int]:
        r = self.world.get(who, url, **kwargs)
        body = self._masked(r.text)
        headers = sorted((k, self._masked(v)) for k, v in r.headers.items() if k not in _LEFT_OUT)
        return r.status_code, f"{headers}\n{body}", len(body.encode())


class _Never:
    """A pattern that matches nothing: the counting oracle's timestamp mask switched off."""

    @staticmethod
    def sub(_repl: str, text: str) -> str:
        return text


def _run(tmp: Path, noisy: bool, clock: Clock) -> list[Any]:
    tmp.mkdir()
    clock.set(START - dt.timedelta(hours=1))
    world = World.build(make_settings(f"sqlite:///{tmp}/gobetween.db"))
    try:
        observer = TimedObserver(world)
        seen: list[Any] = []
        steps = _script(world)
        for k in range(100):
            at = START + dt.timedelta(minutes=k)
            clock.set(at)
            name = next(steps, None)
            if name is None:
                break
            clock.set(at + dt.timedelta(seconds=30))
            if noisy:
                _noise(world)
            clock.set(at + dt.timedelta(seconds=50))
            for who in ("ua", "obs"):  # a party member, and the observer
                seen.append((name, who, observer.everything(who)))
        return seen
    finally:
        world.close()


@pytest.mark.slow
def test_no_time_a_party_is_shown_depends_on_the_other_party(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(START)
    clock.install(monkeypatch)
    monkeypatch.setattr(events, "_TIME", _Never())  # timestamps compared as shown
    quiet = _run(tmp_path / "quiet", noisy=False, clock=clock)
    busy = _run(tmp_path / "busy", noisy=True, clock=clock)
    assert len(quiet) == len(busy)
    for a, b in zip(quiet, busy, strict=True):
        for x, y in zip(a[2], b[2], strict=True):
            assert x == y, (a[0], a[1], x, y)
    # the check can fail: the party is shown the times of its own steps, as the clock said
    own = "".join(str(x) for _, who, seen in quiet if who == "ua" for x in seen)
    assert '"created_at":"2026-03-02T09:00:00Z"' in own  # its first message, step 0
    assert '"created_at":"2026-03-02T09:02:00Z"' in own  # its preferences, step 2


def test_the_clock_set_by_hand_is_the_one_rows_are_stamped_with(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The oracle above is only as good as its clock: every row default reads it."""
    clock = Clock(START)
    clock.install(monkeypatch)
    assert t.utcnow() == START
    clock.set(START + dt.timedelta(seconds=7))
    assert t.utcnow() == START + dt.timedelta(seconds=7)
    column = t.Message.__table__.c.created_at
    assert column.default is not None
    assert column.default.arg(None) == START + dt.timedelta(seconds=7)  # type: ignore[union-attr]
