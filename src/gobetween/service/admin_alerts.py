"""Alerts to the installation's administrators: events that need an operator (ASVS 7.2, 7.3).

An alert is an e-mail put in the outbox (sent by the mail worker like any other), to the
installation administrator's address when it is verified and to each address of the
``alert_mail_to`` setting. The alerts (:data:`ALERTS`):

- many failed log-ins, all accounts together (password spraying): at least
  ``alert_failed_logins`` within the log-in window, checked every minute by the server
  (:func:`check_failed_logins`); the mail gives the counts of attempts, accounts and clients;
- an account's second factor removed by an administrator (:func:`notify`, from
  :func:`gobetween.service.two_factor.reset_by_admin`);
- an account deleted by its owner (from :mod:`gobetween.service.account_deletion`);
- the audit chain failing verification, checked every ``audit_check_hours``
  (:func:`check_audit_chain`).

Like the owner's security mails (:mod:`gobetween.service.security_mail`), at most one alert of
each kind goes to an address every :data:`~gobetween.service.security_mail.GAP` (15 minutes),
so an attack that goes on sends one mail per quarter of an hour, not one per attempt; the
security log and the audit chain hold every event. An alert names no password, code or link.

>>> sorted(ALERTS)
['account.deleted', 'audit.broken', 'login.spraying', 'two_factor.reset']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gobetween import i18n
from gobetween.errors import AuditChainBroken
from gobetween.i18n import _, _l
from gobetween.service import mail
from gobetween.service.security_mail import GAP
from gobetween.service.settings import Settings
from gobetween.store import audit
from gobetween.store import setup_tables as st
from gobetween.store import tables as t
from gobetween.store.db import Database

__all__ = ["ALERTS", "check_audit_chain", "check_failed_logins", "notify", "recipients"]

#: kind: (subject, what happened, what to do); the details follow in the mail
ALERTS = {
    "login.spraying": (
        _l("gobetween: many failed log-ins across accounts"),
        _l(
            "Many log-ins failed in a short time, spread over several accounts: someone may be "
            "trying common passwords against many accounts (password spraying)."
        ),
        _l(
            "Read the security log of the installation (GET /api/admin/security-log) for the "
            "addresses the attempts came from, and block them at the proxy or firewall if they "
            "go on. Accounts are paused after repeated failures; no account was locked."
        ),
    ),
    "two_factor.reset": (
        _l("gobetween: a second factor was removed by an administrator"),
        _l(
            "An administrator removed the second factor of an account (the owner had lost "
            "it). The owner can now log in with the password alone and must set up a new one."
        ),
        _l(
            "If no administrator meant to do this, an administrator's account is in the wrong "
            "hands: check the audit chain (gobetween audit verify) and the security log."
        ),
    ),
    "account.deleted": (
        _l("gobetween: an account was deleted"),
        _l(
            "The owner of an account deleted it: their name, address and sessions are gone; "
            "what they wrote in negotiations stays under a pseudonym."
        ),
        _l("Nothing needs doing unless the deletion was not expected."),
    ),
    "audit.broken": (
        _l("gobetween: the audit chain failed verification"),
        _l(
            "The audit chain of the installation does not verify: a link or a row it covers was "
            "changed or removed outside gobetween."
        ),
        _l(
            "Stop the server, keep a copy of the database as it is, run gobetween audit verify "
            "to see the first broken link, and compare with your last backup."
        ),
    ),
}


def recipients(session: Session, settings: Settings) -> list[tuple[str, str | None]]:
    """The addresses alerts go to, each with the language to write in (the administrator's;
    ``None``: English)."""
    found: list[tuple[str, str | None]] = []
    admin = session.execute(
        select(t.User)
        .join(st.Installation, st.Installation.admin_id == t.User.id)
        .join(st.MailSettings, st.MailSettings.user_id == t.User.id)
        .where(t.User.active, st.MailSettings.verified_at.is_not(None))
    ).scalar_one_or_none()
    if admin is not None:
        found.append((admin.email, admin.locale))
    for address in settings.alert_mail_to.split(","):
        address = address.strip().lower()
        if "@" in address and address not in {a for a, _ in found}:
            found.append((address, None))
    return found


def notify(
    session: Session, settings: Settings, kind: str, details: Callable[[], str] = str
) -> int:
    """Put alert ``kind`` in the outbox for each recipient that had none of this kind in the
    last :data:`GAP`; how many were. ``details()`` (counts, an account's number), written in
    each recipient's language, follows the text."""
    subject, what, advice = ALERTS[kind]
    mail_kind = f"alert:{kind}"
    now = t.utcnow()
    sent = 0
    for address, locale in recipients(session, settings):
        recent = session.execute(
            select(func.count())
            .select_from(st.MailOutbox)
            .where(
                st.MailOutbox.to_address == address,
                st.MailOutbox.kind == mail_kind,
                st.MailOutbox.created_at > now - GAP,
            )
        ).scalar_one()
        if recent:
            continue
        with i18n.use_locale(locale or "en", "UTC"):
            body = _(
                "%(what)s\n\n%(details)s\nWhen: %(when)s\n\n%(advice)s\n\nThis e-mail goes to "
                "the administrators of this gobetween installation; at most one of this kind "
                "every 15 minutes."
            ) % {
                "what": str(what),
                "details": details(),
                "when": i18n.format_datetime(now),
                "advice": str(advice),
            }
            mail.enqueue(session, to=address, subject=str(subject), body=body, kind=mail_kind)
        sent += 1
    return sent


def _failed_logins(session: Session, since: dt.datetime) -> tuple[int, int, int]:
    """Attempts from devices that never logged in (each counted once, by its ``account:``
    key), distinct accounts tried, distinct clients."""

    def count(prefix: str, distinct: bool) -> int:
        what = func.count(func.distinct(t.LoginFailure.key)) if distinct else func.count()
        return int(
            session.execute(
                select(what).where(
                    t.LoginFailure.at >= since, t.LoginFailure.key.startswith(prefix)
                )
            ).scalar_one()
        )

    return count("account:", False), count("account:", True), count("client:", True)


def check_failed_logins(db: Database, settings: Settings) -> bool:
    """Alert when the failed log-ins of the last log-in window reach ``alert_failed_logins``;
    whether an alert was put in the outbox."""
    if settings.alert_failed_logins <= 0:
        return False
    since = t.utcnow() - dt.timedelta(seconds=settings.login_window_seconds)
    with db.unit_of_work() as session:
        attempts, accounts, clients = _failed_logins(session, since)
        if attempts < settings.alert_failed_logins:
            return False

        def details() -> str:
            return _(
                "Failed log-ins in the last %(minutes)d minutes: %(attempts)d, against "
                "%(accounts)d accounts (existing or not), from %(clients)d client addresses."
            ) % {
                "minutes": settings.login_window_seconds // 60,
                "attempts": attempts,
                "accounts": accounts,
                "clients": clients,
            }

        return notify(session, settings, "login.spraying", details) > 0


def check_audit_chain(db: Database, settings: Settings) -> bool:
    """Verify the audit chain; alert when it is broken. Whether it held."""
    with db.unit_of_work(write=False) as session:
        try:
            audit.verify(session)
        except AuditChainBroken as broken:
            sequence = broken.sequence
        else:
            return True

    def details() -> str:
        return _("The first broken link is number %(sequence)d.") % {"sequence": sequence}

    with db.unit_of_work() as session:
        notify(session, settings, "audit.broken", details)
    return False
