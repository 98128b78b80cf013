"""E-mail: an outbox in the database, and a sender that drains it over SMTP.

A request never talks to the mail server. It adds the e-mail to the ``mail_outbox`` table in
its own transaction (:func:`enqueue`), so the mail exists exactly when the write that caused it
was committed; a background task (:func:`worker`, started with the app when ``smtp_host`` is
set) claims due rows, sends them over SMTP and records the outcome. A failed attempt is retried
after 1, 2, 4, ... minutes, at most ``mail_max_attempts`` times; then the row is marked failed
and kept, with the last error, for the operator.

Once sent (or given up), a row's body is emptied: bodies carry one-time links (invitations,
password resets), and a copy of the database must not let anyone use them. Only the recipient,
subject, kind and outcome stay, as a record.

Several workers may drain the same outbox: claiming a row moves its next attempt a lease into
the future inside a writing transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so no two
workers send the same row at once.

>>> settings = Settings(smtp_host="mail.example.org", smtp_security="tls")
>>> SmtpConfig.of(settings).port, SmtpConfig.of(settings).security
(587, 'tls')
>>> absolute_link("https://talks.example.org/", "/invitations/abc")
'https://talks.example.org/invitations/abc'
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import logging
import math
import smtplib
import ssl
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

import anyio
import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.errors import ConfigurationError
from gobetween.service.background import running
from gobetween.service.settings import Settings
from gobetween.store import setup_tables as st
from gobetween.store import tables as t
from gobetween.store.db import Database

__all__ = [
    "SmtpConfig",
    "absolute_link",
    "deliver_due",
    "enqueue",
    "mail_enabled",
    "worker",
]

SECURITY = ("starttls", "tls", "none")
LEASE = dt.timedelta(minutes=5)
BATCH = 50
MAX_SUBJECT = 300
MAX_BODY = 20_000
_log = logging.getLogger("gobetween.mail")


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Where and how to send: host, port, TLS mode, credentials, sender."""

    host: str
    port: int
    security: str
    user: str
    password: str
    ca_file: str
    sender: str

    @classmethod
    def of(cls, settings: Settings) -> SmtpConfig:
        """The SMTP settings, checked (:class:`ConfigurationError` names the wrong one)."""
        security = settings.smtp_security.strip().lower()
        if security not in SECURITY:
            raise ConfigurationError(
                f"GOBETWEEN_SMTP_SECURITY={settings.smtp_security!r} is not one of "
                + ", ".join(SECURITY)
            )
        if not 0 < settings.smtp_port < 65536:
            raise ConfigurationError(f"GOBETWEEN_SMTP_PORT={settings.smtp_port} is not a port")
        if "@" not in settings.mail_from:
            raise ConfigurationError(
                f"GOBETWEEN_MAIL_FROM={settings.mail_from!r} is not an e-mail address"
            )
        return cls(
            settings.smtp_host.strip(),
            settings.smtp_port,
            security,
            settings.smtp_user,
            settings.smtp_password,
            settings.smtp_ca_file,
            settings.mail_from,
        )

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file or None)

    @contextlib.contextmanager
    def connect(self, timeout: float = 30.0) -> Iterator[smtplib.SMTP]:
        """An open, authenticated SMTP connection (closed when the block ends)."""
        client: smtplib.SMTP
        if self.security == "tls":
            client = smtplib.SMTP_SSL(
                self.host, self.port, timeout=timeout, context=self._context()
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=timeout)
        try:
            client.ehlo()
            if self.security == "starttls":
                client.starttls(context=self._context())
                client.ehlo()
            if self.user:
                client.login(self.user, self.password)
            yield client
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                client.quit()


def mail_enabled(settings: Settings) -> bool:
    """Whether e-mail is configured (``smtp_host`` set).

    >>> mail_enabled(Settings()), mail_enabled(Settings(smtp_host="localhost"))
    (False, True)
    """
    return bool(settings.smtp_host.strip())


def absolute_link(base: str, path: str) -> str:
    """``path`` on the site at ``base`` (the ``public_url`` setting or the request's address)."""
    return base.rstrip("/") + "/" + path.lstrip("/")


def enqueue(session: Session, *, to: str, subject: str, body: str, kind: str) -> st.MailOutbox:
    """Add one e-mail to the outbox; it is sent after the caller's transaction commits."""
    row = st.MailOutbox(
        to_address=to,
        subject=subject.replace("\r", " ").replace("\n", " ")[:MAX_SUBJECT],
        body=body[:MAX_BODY],
        kind=kind,
        next_attempt_at=t.utcnow(),
        attempts=0,
        last_error="",
    )
    session.add(row)
    session.flush()
    return row


def _message(row: st.MailOutbox, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Date"] = email.utils.format_datetime(t.utcnow())
    msg["Message-ID"] = email.utils.make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(row.body)
    return msg


def _claim(db: Database, now: dt.datetime, limit: int) -> list[st.MailOutbox]:
    with db.unit_of_work(write=True) as session:
        stmt = (
            select(st.MailOutbox)
            .where(
                st.MailOutbox.sent_at.is_(None),
                st.MailOutbox.failed_at.is_(None),
                st.MailOutbox.next_attempt_at <= now,
            )
            .order_by(st.MailOutbox.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list(session.execute(stmt).scalars())
        for row in rows:
            row.attempts += 1
            row.next_attempt_at = now + LEASE
        session.flush()
        session.expunge_all()
        return rows


def _record(
    db: Database, results: Sequence[tuple[int, str | None]], now: dt.datetime, max_attempts: int
) -> None:
    with db.unit_of_work(write=True) as session:
        for row_id, error in results:
            row = session.get(st.MailOutbox, row_id)
            if row is None:
                continue
            if error is None:
                row.sent_at, row.body = now, ""  # the body may hold a link: not kept
            elif row.attempts >= max_attempts:
                row.failed_at, row.last_error, row.body = now, error[:500], ""
            else:
                row.last_error = error[:500]
                row.next_attempt_at = now + dt.timedelta(minutes=2 ** (row.attempts - 1))


def deliver_due(db: Database, settings: Settings, *, limit: int = BATCH) -> int:
    """Send the outbox's due e-mails (at most ``limit``); how many were sent.

    Rows that fail stay queued for a later attempt (or are marked failed after the last one);
    a server that cannot be reached fails every claimed row's attempt.
    """
    config = SmtpConfig.of(settings)
    rows = _claim(db, t.utcnow(), limit)
    if not rows:
        return 0
    results: list[tuple[int, str | None]] = []
    try:
        with config.connect() as client:
            for row in rows:
                try:
                    client.send_message(_message(row, config.sender))
                    results.append((row.id, None))
                except smtplib.SMTPException as exc:
                    results.append((row.id, f"{type(exc).__name__}: {exc}"))
    except (smtplib.SMTPException, OSError) as exc:
        done = {r for r, _ in results}
        error = f"{type(exc).__name__}: {exc}"
        results += [(row.id, error) for row in rows if row.id not in done]
        _log.warning("could not send e-mail through %s:%s: %s", config.host, config.port, error)
    _record(db, results, t.utcnow(), settings.mail_max_attempts)
    return sum(1 for _, error in results if error is None)


@contextlib.asynccontextmanager
async def worker(db: Database, settings: Settings) -> AsyncIterator[None]:
    """Run the background sender (and the notifier) while the block runs.

    Every ``mail_poll_seconds`` it turns new events into notifications
    (:func:`gobetween.service.notifications.run_once`) and sends the due e-mails, in a worker
    thread so the event loop never waits for the mail server. Rounds start on a fixed schedule
    from the worker's start, so when a party's mail goes out never depends on how long earlier
    rounds took (how many events, anyone's, they read). Nothing runs when e-mail is not
    configured.
    """
    if not mail_enabled(settings):
        yield
        return
    SmtpConfig.of(settings)  # refuse a wrong configuration at start-up

    from gobetween.service import notifications

    def one_round() -> None:
        notifications.run_once(db, settings)
        deliver_due(db, settings)

    async def loop() -> None:
        interval, start, tick = settings.mail_poll_seconds, time.monotonic(), 0
        while True:
            try:
                await anyio.to_thread.run_sync(one_round)
            except Exception:  # logged; the next round tries again
                _log.exception("the mail round failed")
            # the next tick of the worker's own schedule (a round longer than the interval
            # skips ticks), never "interval after this round": a round lasts longer when there
            # were more events, others' included, and that would move every later mail
            tick = max(tick + 1, math.ceil((time.monotonic() - start) / interval))
            await anyio.sleep(max(0.0, start + tick * interval - time.monotonic()))

    async with running(loop):
        yield
