"""Signing keys: each organisation registers its Ed25519 public key; the newest one is used.

The server holds public keys only. A member of an organisation registers the ``.pub.pem`` that
``gobetween keys new --org ORG`` wrote; a new key replaces the previous one (old signatures stay
verifiable in the bundles that hold their keys).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.agreements import fingerprint, load_public_key
from gobetween.errors import AgreementError, NotFound, ValidationFailed
from gobetween.policy import Actor
from gobetween.store import agreement_tables as a
from gobetween.store import audit
from gobetween.store import tables as t

__all__ = ["active_key", "organisation_keys", "register_key"]


def _own_organisation(session: Session, actor: Actor, organisation_id: int) -> t.Organisation:
    org = session.get(t.Organisation, organisation_id)
    member = org is not None and any(
        m.organisation_id == organisation_id and m.process_id == org.process_id
        for m in actor.memberships
    )
    if org is None or not member:
        raise NotFound(f"no organisation {organisation_id}")
    return org


def register_key(session: Session, actor: Actor, organisation_id: int, pem: str) -> dict[str, Any]:
    """A member registers their organisation's Ed25519 public key (it replaces the previous)."""
    org = _own_organisation(session, actor, organisation_id)
    try:
        key = load_public_key(pem.encode("utf-8"))
    except AgreementError as exc:
        raise ValidationFailed(
            str(exc), location="public_key_pem", expected="an Ed25519 public key in PEM"
        ) from None
    for old in session.execute(
        select(a.SigningKey).where(
            a.SigningKey.organisation_id == org.id, a.SigningKey.active.is_(True)
        )
    ).scalars():
        old.active = False
    row = a.SigningKey(
        id=t.random_id(),
        organisation_id=org.id,
        public_key_pem=pem.strip() + "\n",
        fingerprint=fingerprint(key),
        created_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor_id=actor.user_id,
        action="key.register",
        object_type="signing_key",
        object_id=row.id,
        change={"organisation": org.id, "fingerprint": row.fingerprint},
    )
    return _key_dict(row)


def _key_dict(row: a.SigningKey) -> dict[str, Any]:
    return {
        "id": row.id,
        "organisation_id": row.organisation_id,
        "fingerprint": row.fingerprint,
        "active": row.active,
        "public_key_pem": row.public_key_pem,
        "created_at": row.created_at.isoformat(),
    }


def active_key(session: Session, organisation_id: int) -> a.SigningKey | None:
    stmt = (
        select(a.SigningKey)
        .where(a.SigningKey.organisation_id == organisation_id, a.SigningKey.active.is_(True))
        .order_by(a.SigningKey.created_at.desc(), a.SigningKey.id)
        .limit(1)
    )
    return session.execute(stmt).scalars().first()


def organisation_keys(session: Session, actor: Actor, organisation_id: int) -> list[dict[str, Any]]:
    """The keys an organisation has registered, newest first (its members only)."""
    org = _own_organisation(session, actor, organisation_id)
    stmt = (
        select(a.SigningKey)
        .where(a.SigningKey.organisation_id == org.id)
        .order_by(a.SigningKey.created_at.desc(), a.SigningKey.id)
    )
    return [_key_dict(r) for r in session.execute(stmt).scalars()]
