"""What the security mail adds to a failed log-in, next to what an Argon2 check costs.

A wrong password and the right password with a wrong code must take the same time (a password
guesser must not learn that the password was right). Both run the same statements; only the
first right-password failure in a quarter of an hour also writes the owner's mail to the outbox.
This prints the median and 90th percentile of recording each failure (one transaction each) and
of one Argon2id verification with the default settings, whose spread that write must hide in.

Run from the project root (SQLite in a temporary folder)::

    .venv/bin/python -m benchmarks.security_mail            # 600 rounds
    .venv/bin/python -m benchmarks.security_mail --rounds 200
    .venv/bin/python -m benchmarks.security_mail --outbox 100000   # mails to others before

Whether a mail of the kind went to the address lately is read by the index
``ix_mail_outbox_to_kind`` (migration 0013): ``--outbox`` shows that a full outbox costs nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from sqlalchemy import delete, insert
from tests.service.world import World, make_settings

from gobetween.service import security_log, setup
from gobetween.service.security import PasswordHasher
from gobetween.service.settings import Settings
from gobetween.store import setup_tables as st
from gobetween.store import tables as t


def _line(name: str, seconds: list[float]) -> str:
    median = statistics.median(seconds) * 1000
    p90 = statistics.quantiles(seconds, n=10)[-1] * 1000
    return f"{name:38s} median {median:7.2f} ms   p90 {p90:7.2f} ms"


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=600)
    parser.add_argument("--outbox", type=int, default=0, help="mails to others already there")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        mail = {"smtp_host": "127.0.0.1", "smtp_security": "none", "mail_from": "x@example.org"}
        w = World.build(make_settings(f"sqlite:///{folder}/gobetween.db", **mail))
        user = w.users["ua"]
        with w.services.db.unit_of_work() as session:
            setup.mark_verified(session, user)
            now = t.utcnow()
            if args.outbox:
                session.execute(
                    insert(st.MailOutbox),
                    [
                        {
                            "to_address": f"user{i}@example.org",
                            "subject": "news",
                            "body": "",
                            "kind": "notification",
                            "created_at": now,
                            "next_attempt_at": now,
                            "attempts": 1,
                            "last_error": "",
                            "sent_at": now,
                        }
                        for i in range(args.outbox)
                    ],
                )

        def record(kind: str, *, fresh: bool) -> float:
            if fresh:  # no mail of this kind yet: this one is written
                with w.services.db.unit_of_work() as session:
                    mine = st.MailOutbox.kind != "notification"
                    session.execute(delete(st.MailOutbox).where(mine))
            start = time.perf_counter()
            with w.services.db.unit_of_work() as session:
                security_log.record(session, user, kind)
            return time.perf_counter() - start

        found: dict[str, list[float]] = {
            "wrong password": [],
            "right password, wrong code (mailed)": [],
            "right password, wrong code (no mail)": [],
        }
        for i in range(args.rounds):
            found["right password, wrong code (mailed)"].append(
                record("login.code_failed", fresh=True)
            )
            pair = ["wrong password", "right password, wrong code (no mail)"]
            for name in pair if i % 2 else reversed(pair):
                kind = "login.failed" if name == "wrong password" else "login.code_failed"
                found[name].append(record(kind, fresh=False))
        w.close()
    defaults = Settings()
    hasher = PasswordHasher(
        time_cost=defaults.argon2_time_cost, memory_kib=defaults.argon2_memory_kib
    )
    digest = hasher.hash("a long password of the owner")
    argon: list[float] = []
    for _ in range(30):
        start = time.perf_counter()
        assert not hasher.verify(digest, "a wrong guess of someone")
        argon.append(time.perf_counter() - start)
    for name, seconds in found.items():
        print(_line(name, seconds))
    print(_line("Argon2id verification (defaults)", argon))


if __name__ == "__main__":
    main()
