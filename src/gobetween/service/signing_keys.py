"""The key registry: signatories' Ed25519 public keys, who holds them, who confirmed them.

The server holds public keys only. A member of an organisation registers a public key for it,
made in the browser (``static/keys.js``, WebCrypto) or with ``gobetween keys new`` (the
``.pub.pem`` uploaded); the key then speaks for that organisation and that member. A process
admin (the secretariat: the organisation's administrator in this design) confirms it; the holder
or a process admin may revoke it. An organisation may hold several keys (one per member who
signs); a key's record says since when, confirmed by whom, revoked when. Registering,
confirming and revoking a key are events of its holder's security log.

Who reads the registry: a member reads their own organisation's keys; a process admin reads
every key of the process (to confirm them); the signatories of an agreement read the registry
of its signing organisations (:func:`agreement_registry`, the file ``--registry`` verifies
against), as they already read the keys in its bundle.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.agreements import fingerprint, load_public_key
from gobetween.agreements.registry import KeyRegistry, RegisteredKey
from gobetween.agreements.signing import Signature
from gobetween.errors import AgreementError, Conflict, NotFound, PermissionDenied, ValidationFailed
from gobetween.i18n import _
from gobetween.model import Role
from gobetween.policy import Actor, process_view
from gobetween.service import security_log
from gobetween.service.audited import audited
from gobetween.service.names import called
from gobetween.store import agreement_tables as a
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.store import team_tables as tt

__all__ = [
    "KEY_ORIGINS",
    "active_key",
    "agreement_registry",
    "confirm_key",
    "keys_overview",
    "organisation_keys",
    "process_keys",
    "register_key",
    "revoke_key",
    "unusable_key",
    "usable_key",
]

#: Where a key was made: in the browser (WebCrypto) or with ``gobetween keys new``.
KEY_ORIGINS = ("browser", "upload")


def _is_admin(actor: Actor, process_id: int) -> bool:
    return any(m.process_id == process_id and m.role is Role.ADMIN for m in actor.memberships)


def _is_member(actor: Actor, org: t.Organisation) -> bool:
    return any(
        m.organisation_id == org.id and m.process_id == org.process_id for m in actor.memberships
    )


def _own_organisation(session: Session, actor: Actor, organisation_id: int) -> t.Organisation:
    org = session.get(t.Organisation, organisation_id)
    if org is None or not _is_member(actor, org):
        raise NotFound(
            _("no organisation %(organisation_id)s") % {"organisation_id": organisation_id}
        )
    return org


def register_key(
    session: Session, actor: Actor, organisation_id: int, pem: str, *, origin: str = "upload"
) -> dict[str, Any]:
    """A member registers an Ed25519 public key for their organisation (awaits confirmation)."""
    org = _own_organisation(session, actor, organisation_id)
    if origin not in KEY_ORIGINS:
        raise ValidationFailed(
            _("unknown key origin %(origin)r") % {"origin": origin},
            location="origin",
            expected=", ".join(KEY_ORIGINS),
        )
    try:
        key = load_public_key(pem.encode("utf-8"))
    except AgreementError as exc:
        raise ValidationFailed(  # the core's refusal, translated where it is shown
            exc.template,
            location="public_key_pem",
            expected=_("an Ed25519 public key in PEM"),
            params=exc.params,
        ) from None
    known = session.execute(
        select(a.SigningKey.id).where(
            a.SigningKey.organisation_id == org.id, a.SigningKey.fingerprint == fingerprint(key)
        )
    ).first()
    if known is not None:
        raise Conflict(
            _("this key is registered for %(organisation)s already (key %(id)s)")
            % {"organisation": called(org), "id": known[0]}
        )
    row = a.SigningKey(
        id=t.random_id(),
        organisation_id=org.id,
        public_key_pem=pem.strip() + "\n",
        fingerprint=fingerprint(key),
        created_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    session.add(tt.KeyRecord(key_id=row.id, owner_id=actor.user_id, origin=origin))
    _key_act(session, actor, row, org, "register", actor.user_id, origin=origin)
    return _key_dict(session, row)


#: The holder's security-log event of each act on a key.
_LOGGED = {"register": "key.registered", "confirm": "key.confirmed", "revoke": "key.revoked"}


def _key_act(
    session: Session,
    actor: Actor,
    row: a.SigningKey,
    org: t.Organisation,
    act: str,
    holder: int | None,
    **change: str,
) -> None:
    """Key ``row``'s ``act`` (register, confirm, revoke; as ``actor``) on the audit chain, with
    its organisation, fingerprint and ``change``, and in the security log of its ``holder``
    (``None``: none), whoever acted."""
    session.flush()
    audited(
        session,
        actor,
        f"key.{act}",
        ("signing_key", row.id),
        {"organisation": org.id, "fingerprint": row.fingerprint, **change},
    )
    if holder is not None:
        security_log.record(session, holder, _LOGGED[act])


def _record(session: Session, row: a.SigningKey) -> tt.KeyRecord:
    """The key's registry record (every key has one: :func:`register_key` writes it, and
    migration 0009 wrote those of keys registered before)."""
    return session.get_one(tt.KeyRecord, row.id)


def _user_name(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    user = session.get(t.User, user_id)
    return user.name if user is not None else None


def _key_dict(session: Session, row: a.SigningKey) -> dict[str, Any]:
    record = _record(session, row)
    owner = record.owner_id
    org = session.get(t.Organisation, row.organisation_id)
    revoked = record.revoked_at
    confirmed = record.confirmed_at
    return {
        "id": row.id,
        "organisation_id": row.organisation_id,
        "organisation": org.name if org else "",
        "fingerprint": row.fingerprint,
        "holder_id": owner,
        "holder": _user_name(session, owner),
        "origin": record.origin,
        "active": revoked is None,
        "status": "revoked" if revoked else ("confirmed" if confirmed else "pending"),
        "public_key_pem": row.public_key_pem,
        "created_at": row.created_at.isoformat(),
        "confirmed_at": confirmed.isoformat() if confirmed else None,
        "confirmed_by": _user_name(session, record.confirmed_by),
        "revoked_at": revoked.isoformat() if revoked else None,
        "revoked_by": _user_name(session, record.revoked_by),
        "revocation_reason": record.revocation_reason,
    }


def _visible_key(
    session: Session, actor: Actor, key_id: int
) -> tuple[a.SigningKey, t.Organisation]:
    row = session.get(a.SigningKey, key_id)
    org = session.get(t.Organisation, row.organisation_id) if row is not None else None
    if row is None or org is None:
        raise NotFound(_("no key %(key_id)s") % {"key_id": key_id})
    if not (_is_member(actor, org) or _is_admin(actor, org.process_id)):
        raise NotFound(_("no key %(key_id)s") % {"key_id": key_id})
    return row, org


def confirm_key(session: Session, actor: Actor, key_id: int) -> dict[str, Any]:
    """A process admin confirms that a key speaks for its holder and organisation."""
    row, org = _visible_key(session, actor, key_id)
    if not _is_admin(actor, org.process_id):
        raise PermissionDenied(_("only an administrator of the process may confirm keys"))
    record = _record(session, row)
    if record.revoked_at is not None:
        raise Conflict(_("key %(id)s was revoked; it cannot be confirmed") % {"id": key_id})
    if record.confirmed_at is None:
        record.confirmed_at = t.utcnow()
        record.confirmed_by = actor.user_id
        _key_act(session, actor, row, org, "confirm", record.owner_id)
    return _key_dict(session, row)


def revoke_key(session: Session, actor: Actor, key_id: int, reason: str = "") -> dict[str, Any]:
    """The key's holder or a process admin revokes it; signatures made before stay valid."""
    row, org = _visible_key(session, actor, key_id)
    record = _record(session, row)
    if record.owner_id != actor.user_id and not _is_admin(actor, org.process_id):
        raise PermissionDenied(_("only the key's holder or an administrator may revoke it"))
    if record.revoked_at is None:
        record.revoked_at = t.utcnow()
        record.revoked_by = actor.user_id
        record.revocation_reason = reason.strip()
        row.active = False
        _key_act(session, actor, row, org, "revoke", record.owner_id, reason=reason)
    return _key_dict(session, row)


def _unrevoked(organisation_id: int) -> Any:
    return (
        select(a.SigningKey)
        .join(tt.KeyRecord, tt.KeyRecord.key_id == a.SigningKey.id)
        .where(a.SigningKey.organisation_id == organisation_id, tt.KeyRecord.revoked_at.is_(None))
        .order_by(a.SigningKey.created_at.desc(), a.SigningKey.id)
    )


def active_key(
    session: Session, organisation_id: int, user_id: int | None = None
) -> a.SigningKey | None:
    """The newest unrevoked key of an organisation (held by ``user_id``, when given)."""
    stmt = _unrevoked(organisation_id)
    if user_id is not None:
        stmt = stmt.where(tt.KeyRecord.owner_id == user_id)
    return session.execute(stmt.limit(1)).scalars().first()


def usable_key(session: Session, organisation_id: int, key_fingerprint: str) -> a.SigningKey | None:
    """The organisation's unrevoked key with ``key_fingerprint``, if there is one."""
    stmt = _unrevoked(organisation_id).where(a.SigningKey.fingerprint == key_fingerprint)
    return session.execute(stmt.limit(1)).scalars().first()


def unusable_key(session: Session, organisation_id: int, signature: Signature) -> str:
    """Why ``signature``'s key may not sign for the organisation (it has no usable key of that
    fingerprint): no key at all, a revoked key, or a key registered for someone else."""
    short = signature.key_fingerprint[:16]
    row = session.execute(
        select(a.SigningKey).where(
            a.SigningKey.organisation_id == organisation_id,
            a.SigningKey.fingerprint == signature.key_fingerprint,
        )
    ).scalar()
    if row is not None:
        record = _record(session, row)
        when = record.revoked_at.isoformat() if record.revoked_at else "?"
        return _("key %(key)s... of %(org)s was revoked on %(when)s; it cannot sign") % {
            "key": short,
            "org": signature.signer,
            "when": when,
        }
    if active_key(session, organisation_id) is None:
        return _("%(org)s has no registered public key: register one before signing") % {
            "org": signature.signer
        }
    return _(
        "the signature was made with key %(key)s..., which is not a registered key of %(org)s"
    ) % {"key": short, "org": signature.signer}


def organisation_keys(session: Session, actor: Actor, organisation_id: int) -> list[dict[str, Any]]:
    """The keys an organisation has registered, newest first (its members only)."""
    org = _own_organisation(session, actor, organisation_id)
    stmt = (
        select(a.SigningKey)
        .where(a.SigningKey.organisation_id == org.id)
        .order_by(a.SigningKey.created_at.desc(), a.SigningKey.id)
    )
    return [_key_dict(session, r) for r in session.execute(stmt).scalars()]


def process_keys(session: Session, actor: Actor, process_id: int) -> list[dict[str, Any]]:
    """The keys the actor may see in a process: all for its admins, else their organisations'."""
    view = process_view(actor, process_id)
    stmt = (
        select(a.SigningKey)
        .join(t.Organisation, t.Organisation.id == a.SigningKey.organisation_id)
        .where(t.Organisation.process_id == process_id)
        .order_by(t.Organisation.name, a.SigningKey.created_at.desc(), a.SigningKey.id)
    )
    if not view.admin:
        stmt = stmt.where(a.SigningKey.organisation_id.in_(view.organisation_ids or {0}))
    return [_key_dict(session, r) for r in session.execute(stmt).scalars()]


def keys_overview(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """For each process of the actor: the organisations they sign for, the keys they may see
    (:func:`process_keys`) and, for its admins, the keys waiting for confirmation; ``called``,
    the process's and each organisation's name as a reader of the current language calls it
    (organisation id -> name in ``called_organisations``)."""
    out = []
    for process in repositories.processes(session, actor):
        view = process_view(actor, process.id)
        every = repositories.organisations(session, actor, process.id)
        orgs = [o for o in every if o.id in view.organisation_ids]
        keys = process_keys(session, actor, process.id)
        out.append(
            {
                "id": process.id,
                "name": process.name,
                "called": called(process),
                "called_organisations": {o.id: called(o) for o in every},
                "admin": view.admin,
                "organisations": [{"id": o.id, "name": o.name, "called": called(o)} for o in orgs],
                "keys": keys,
                "pending": [k for k in keys if view.admin and k["status"] == "pending"],
            }
        )
    return out


def _registered(session: Session, row: a.SigningKey, organisation: str) -> RegisteredKey:
    record = _record(session, row)
    return RegisteredKey(
        fingerprint=row.fingerprint,
        organisation=organisation,
        holder=_user_name(session, record.owner_id) or "",
        registered_at=row.created_at,
        confirmed_at=record.confirmed_at,
        confirmed_by=_user_name(session, record.confirmed_by),
        revoked_at=record.revoked_at,
        revoked_by=_user_name(session, record.revoked_by),
    )


def agreement_registry(
    session: Session, organisations: dict[str, int], agreement_id: int
) -> KeyRegistry:
    """The registry of an agreement's signing organisations (``name -> id``), with the time the
    service stored each signature. The caller has already been allowed to read the agreement.
    """
    keys: list[RegisteredKey] = []
    for name, org_id in sorted(organisations.items()):
        rows = session.execute(
            select(a.SigningKey)
            .where(a.SigningKey.organisation_id == org_id)
            .order_by(a.SigningKey.created_at, a.SigningKey.id)
        ).scalars()
        keys.extend(_registered(session, row, name) for row in rows)
    signed: dict[tuple[str, str], dt.datetime] = {}
    events = session.execute(
        select(a.AgreementEvent.body, a.AgreementEvent.created_at)
        .where(a.AgreementEvent.agreement_id == agreement_id)
        .order_by(a.AgreementEvent.seq)
    ).all()
    for body, created in events:
        if body.get("type") == "signed":
            signed[(str(body["party"]), str(body["signer"]))] = created
    return KeyRegistry(tuple(keys), signed)
