"""What gobetween holds about a person, for that person (ASVS 8.3.2, the export half).

:func:`export` gathers, for the calling user only: the account (address, name, language, time
zone, when made, whether the address is verified, how they are notified), their browser
sessions, their security log, their memberships (process, organisation, role), their API tokens
(names and dates, never a token or its digest), the signing keys registered in their name
(public parts only: a private key never reaches gobetween), and the messages they wrote. It
reads only rows that name the caller (as owner, author or member), so nothing of another person
or another party is in it: not the channels' other messages, not anyone's preferences, not
another member's name. No password hash, session digest or second-factor secret is included.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.policy import Actor
from gobetween.service import security_log, two_factor
from gobetween.store import setup_tables as st
from gobetween.store import tables as t
from gobetween.store.agreement_tables import SigningKey
from gobetween.store.login_tables import SecurityEvent
from gobetween.store.team_tables import KeyRecord

__all__ = ["FORMAT", "export"]

#: the export's format name and version (a field of the document)
FORMAT = "gobetween.personal-data/1"


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export(session: Session, actor: Actor) -> dict[str, Any]:
    """Everything gobetween holds about the caller as a person, as one JSON-ready document."""
    uid = actor.user_id
    user = session.get_one(t.User, uid)
    mail = session.get(st.MailSettings, uid)
    memberships = session.execute(
        select(t.Membership.role, t.Process.name, t.Organisation.name)
        .join(t.Process, t.Process.id == t.Membership.process_id)
        .outerjoin(t.Organisation, t.Organisation.id == t.Membership.organisation_id)
        .where(t.Membership.user_id == uid)
        .order_by(t.Process.name, t.Membership.role)
    )
    tokens = session.execute(
        select(t.ApiToken).where(t.ApiToken.user_id == uid).order_by(t.ApiToken.created_at)
    ).scalars()
    keys = session.execute(
        select(SigningKey, KeyRecord)
        .join(KeyRecord, KeyRecord.key_id == SigningKey.id)
        .where(KeyRecord.owner_id == uid)
        .order_by(SigningKey.created_at)
    )
    messages = session.execute(
        select(t.Message).where(t.Message.author_id == uid).order_by(t.Message.created_at)
    ).scalars()
    events = session.execute(
        select(SecurityEvent).where(SecurityEvent.user_id == uid).order_by(SecurityEvent.at)
    ).scalars()
    return {
        "format": FORMAT,
        "made_at": t.utcnow().isoformat(),
        "account": {
            "email": user.email,
            "name": user.name,
            "created_at": _when(user.created_at),
            "language": user.locale,
            "time_zone": user.time_zone,
            "email_verified_at": _when(mail.verified_at) if mail else None,
            "notify": mail.notify if mail else "immediate",
            "second_factor": two_factor.enabled(session, uid),
        },
        "sessions": [
            {
                "created_at": _when(s.created_at),
                "expires_at": _when(s.expires_at),
                "address": s.address,
                "user_agent": s.user_agent,
                "last_seen_at": _when(s.last_seen_at),
            }
            for s in security_log.own_sessions(session, actor, None)
        ],
        "security_log": [
            {"kind": e.kind, "at": _when(e.at), "address": e.address, "user_agent": e.user_agent}
            for e in events
        ],
        "memberships": [
            {"process": process, "organisation": organisation, "role": role}
            for role, process, organisation in memberships
        ],
        "api_tokens": [
            {"name": k.name, "created_at": _when(k.created_at), "revoked_at": _when(k.revoked_at)}
            for k in tokens
        ],
        "signing_keys": [
            {
                "fingerprint": key.fingerprint,
                "public_key_pem": key.public_key_pem,
                "created_at": _when(key.created_at),
                "confirmed_at": _when(record.confirmed_at),
                "revoked_at": _when(record.revoked_at),
            }
            for key, record in keys
        ],
        "messages": [
            {
                "channel": m.channel_id,
                "number": m.number,
                "written_at": _when(m.created_at),
                "language": m.language,
                "text": m.text,
            }
            for m in messages
        ],
    }
