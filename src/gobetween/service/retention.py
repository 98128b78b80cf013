"""Retention (ASVS 8.3.8): what has no reason to live forever is deleted after a set time.

:func:`purge` deletes, table by table, the rows past their period (:data:`RULES`, the periods
from the ``keep_*`` settings, see :class:`Periods`), at most ``purge_batch`` rows of each table
per run, so that a purge never holds the database for long; what is left waits for the next
run. Each run that deleted anything appends one link to the audit chain with the counts only
(``retention.purge``: no address, no content). It runs inside the server every
``purge_every_minutes`` (:func:`worker`, beside the mail sender) and as ``gobetween db purge``.

What is never purged here: the negotiation itself (messages, preferences, texts, answers,
agreements, the joint record) and the audit chain, which must stay verifiable.

>>> [rule.table for rule in RULES][:3]
['web_sessions', 'login_devices', 'login_failures']
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread
from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.orm import Session

from gobetween.errors import ConfigurationError
from gobetween.service.audited import audited
from gobetween.service.background import running
from gobetween.service.identity import DEVICE_DAYS
from gobetween.service.settings import Settings
from gobetween.store import setup_tables as st
from gobetween.store import tables as t
from gobetween.store.db import Database
from gobetween.store.login_tables import LoginDevice, SecurityEvent

__all__ = ["RULES", "Periods", "Rule", "purge", "run_once", "tasks", "worker"]

_log = logging.getLogger("gobetween.retention")


@dataclass(frozen=True, slots=True)
class Periods:
    """How long each kind of row is kept, from the settings (each at least one day, except
    log-in failures, kept for the log-in window that counts them)."""

    security_log: dt.timedelta
    sent_mail: dt.timedelta
    links: dt.timedelta
    invitations: dt.timedelta
    analyses: dt.timedelta
    login_window: dt.timedelta

    @classmethod
    def of(cls, settings: Settings) -> Periods:
        """The periods of ``settings``; :class:`ConfigurationError` names a period below a day.

        >>> Periods.of(Settings()).sent_mail
        datetime.timedelta(days=90)
        """
        days = {
            "keep_security_log_days": settings.keep_security_log_days,
            "keep_sent_mail_days": settings.keep_sent_mail_days,
            "keep_links_days": settings.keep_links_days,
            "keep_invitations_days": settings.keep_invitations_days,
            "keep_analyses_days": settings.keep_analyses_days,
        }
        for name, value in days.items():
            if value < 1:
                raise ConfigurationError(
                    f"{Settings.env_name(name)}={value} is below one day (the least period)"
                )
        if settings.purge_batch < 1:
            raise ConfigurationError(f"GOBETWEEN_PURGE_BATCH={settings.purge_batch} is below 1")
        return cls(
            security_log=dt.timedelta(days=settings.keep_security_log_days),
            sent_mail=dt.timedelta(days=settings.keep_sent_mail_days),
            links=dt.timedelta(days=settings.keep_links_days),
            invitations=dt.timedelta(days=settings.keep_invitations_days),
            analyses=dt.timedelta(days=settings.keep_analyses_days),
            login_window=dt.timedelta(seconds=settings.login_window_seconds),
        )


@dataclass(frozen=True, slots=True)
class Rule:
    """Rows of ``table`` (keyed by ``key``) to delete when ``expired(periods, now)`` holds."""

    table: str
    key: Any
    expired: Callable[[Periods, dt.datetime], ColumnElement[bool]]


#: One rule per table, in the order they run (documented in docs/security.md, "Retention").
RULES = (
    # a session past its expiry: it logs nobody in (its device row goes with it)
    Rule("web_sessions", t.WebSession.id, lambda p, now: t.WebSession.expires_at <= now),
    Rule(
        "login_devices",
        LoginDevice.id,
        lambda p, now: LoginDevice.last_used_at < now - dt.timedelta(days=DEVICE_DAYS),
    ),
    # counted only within the log-in window
    Rule(
        "login_failures", t.LoginFailure.id, lambda p, now: t.LoginFailure.at < now - p.login_window
    ),
    Rule(
        "security_events", SecurityEvent.id, lambda p, now: SecurityEvent.at < now - p.security_log
    ),
    # sent or given up (their bodies were emptied then): the recipient, subject and outcome
    Rule(
        "mail_outbox",
        st.MailOutbox.id,
        lambda p, now: or_(
            st.MailOutbox.sent_at < now - p.sent_mail, st.MailOutbox.failed_at < now - p.sent_mail
        ),
    ),
    # one-time links (reset, verify, enrol): used or expired
    Rule(
        "mail_tokens",
        st.MailToken.id,
        lambda p, now: or_(
            st.MailToken.used_at < now - p.links, st.MailToken.expires_at < now - p.links
        ),
    ),
    Rule(
        "mail_digest_items",
        st.MailDigestItem.id,
        lambda p, now: st.MailDigestItem.sent_at < now - p.links,
    ),
    # invitations never accepted, expired, declined, replaced or withdrawn; an accepted one
    # made a membership
    Rule(
        "invitations",
        t.Invitation.id,
        lambda p, now: and_(
            t.Invitation.accepted_at.is_(None),
            or_(
                t.Invitation.expires_at < now - p.invitations,
                t.Invitation.declined_at < now - p.invitations,
                t.Invitation.replaced_at < now - p.invitations,
                t.Invitation.withdrawn_at < now - p.invitations,
            ),
        ),
    ),
    # finished analyses are a cache: computed again when asked
    Rule(
        "analyses",
        t.CachedAnalysis.id,
        lambda p, now: t.CachedAnalysis.created_at < now - p.analyses,
    ),
)


def purge(
    session: Session, settings: Settings, *, now: dt.datetime | None = None
) -> dict[str, int]:
    """Delete what is past its period, at most ``settings.purge_batch`` rows of each table;
    the count per table (all tables named, zeros too). Audited (counts only) when anything
    went."""
    periods = Periods.of(settings)
    now = now or t.utcnow()
    counts: dict[str, int] = {}
    for rule in RULES:
        due = select(rule.key).where(rule.expired(periods, now)).limit(settings.purge_batch)
        ids = list(session.execute(due).scalars())
        if ids:
            session.execute(delete(rule.key.class_).where(rule.key.in_(ids)))
        counts[rule.table] = len(ids)
    if any(counts.values()):
        audited(
            session,
            None,
            "retention.purge",
            ("installation", 1),
            {"deleted": {k: v for k, v in counts.items() if v}},
        )
    return counts


def run_once(db: Database, settings: Settings) -> dict[str, int]:
    """One purge in its own unit of work."""
    with db.unit_of_work() as session:
        return purge(session, settings)


#: (seconds between runs, what to run): one server task each
Task = tuple[float, Callable[[], object]]


def tasks(db: Database, settings: Settings) -> list[Task]:
    """What the server runs on a schedule besides the mail: the purge, the check for many
    failed log-ins (every minute) and the audit chain's verification (a period of 0: not
    run)."""
    from gobetween.service import admin_alerts

    Periods.of(settings)  # refuse a wrong period at start-up
    every = [
        (settings.purge_every_minutes * 60.0, lambda: run_once(db, settings)),
        (
            60.0 if settings.alert_failed_logins > 0 else 0.0,
            lambda: admin_alerts.check_failed_logins(db, settings),
        ),
        (settings.audit_check_hours * 3600.0, lambda: admin_alerts.check_audit_chain(db, settings)),
    ]
    return [(seconds, run) for seconds, run in every if seconds > 0]


@contextlib.asynccontextmanager
async def worker(db: Database, settings: Settings, *, tick: float = 60.0) -> AsyncIterator[None]:
    """Run :func:`tasks` while the block runs, each first at start-up and then every its
    period (looked at every ``tick`` seconds), in a worker thread; a failure is logged and the
    task runs again at its next time."""
    scheduled = tasks(db, settings)
    if not scheduled:
        yield
        return

    async def loop() -> None:
        due = [0.0] * len(scheduled)
        while True:
            now = anyio.current_time()
            for i, (seconds, run) in enumerate(scheduled):
                if now < due[i]:
                    continue
                due[i] = now + seconds
                try:
                    await anyio.to_thread.run_sync(run)
                except Exception:  # logged; the next time tries again
                    _log.exception("a scheduled task of the server failed")
            await anyio.sleep(tick)

    async with running(loop):
        yield
