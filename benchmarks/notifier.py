"""What one notifier round costs: the time to read N new channel messages and decide who is told,
the share of it spent holding the write transaction, and the time to send the mails.

Run from the project root (SQLite in a temporary folder, an aiosmtpd server on a free port)::

    .venv/bin/python -m benchmarks.notifier              # 500 messages in two channels
    .venv/bin/python -m benchmarks.notifier --messages 2000 --runs 3

The reading (views, lines) happens in a read-only transaction; only recording the lines
holds the write lock (see :func:`gobetween.service.notifications.run_once`).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator

from sqlalchemy.orm import Session
from tests.service.mailbox import mail_settings, smtp_server
from tests.service.world import World, make_settings

from gobetween.service import mail, notifications
from gobetween.store import setup_tables as st
from gobetween.store import tables as t


def _timed(
    unit_of_work: Callable[..., contextlib.AbstractContextManager[Session]], held: list[float]
) -> Callable[..., contextlib.AbstractContextManager[Session]]:
    """``unit_of_work`` that adds the seconds each writing transaction lasted to ``held``."""

    @contextlib.contextmanager
    def timed(*, write: bool = True) -> Iterator[Session]:
        start = time.perf_counter()
        with unit_of_work(write=write) as session:
            yield session
        if write:
            held.append(time.perf_counter() - start)

    return timed


def one_run(messages: int) -> tuple[float, float, float, int]:
    """(round ms, write-lock ms, send ms, mails) for ``messages`` new messages."""
    with smtp_server() as box, tempfile.TemporaryDirectory() as folder:
        world = World.build(make_settings(f"sqlite:///{folder}/n.db", **mail_settings(box)))
        try:
            db, settings = world.services.db, world.services.settings
            with db.unit_of_work() as session:
                for user_id in world.users.values():
                    session.add(st.MailSettings(user_id=user_id, verified_at=t.utcnow()))
            notifications.run_once(db, settings)
            for i in range(messages):
                who, party = (("ua", "ua"), ("ru", "ru"), ("un", "ua"))[i % 3]
                channel = world.channels[("food", party)]
                answer = world.post(
                    who, f"/api/channels/{channel}/messages", json={"text": f"message {i}"}
                )
                assert answer.status_code == 201, answer.text
            held: list[float] = []
            db.unit_of_work = _timed(db.unit_of_work, held)  # type: ignore[method-assign]
            start = time.perf_counter()
            notifications.run_once(db, settings)
            round_s = time.perf_counter() - start
            del db.unit_of_work  # the class's method again
            start = time.perf_counter()
            sent = mail.deliver_due(db, settings)
            send_s = time.perf_counter() - start
            return 1000 * round_s, 1000 * sum(held), 1000 * send_s, sent
        finally:
            world.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = [one_run(args.messages) for _ in range(args.runs)]
    for name, index in (("round", 0), ("write lock held", 1), ("sending", 2)):
        values = [r[index] for r in results]
        print(
            f"{name}: median {statistics.median(values):.0f} ms "
            f"(min {min(values):.0f}, max {max(values):.0f}) over {args.runs} runs"
        )
    print(f"mails per round: {results[-1][3]} ({args.messages} messages)")


if __name__ == "__main__":
    main()
