"""The key registry: which key speaks for whom, since when, confirmed by whom, revoked when.

A process keeps a registry of its signatories' Ed25519 public keys. Each entry ties one key
(by fingerprint) to an organisation and to the person who holds it, records when it was
registered, which administrator confirmed it and when, and when (and by whom) it was revoked.
The service exports the registry of an agreement's signatories together with the time at which
it stored each signature (``gobetween-key-registry-v1``); :func:`registry_findings` checks a
bundle's signatures against it, offline:

- a signature made with a key the registry does not list for the signing organisation is
  *unregistered*;
- a signature made with a key revoked at or before the moment it was signed is *revoked* (when
  the registry does not know when a signature was made, any revocation counts);
- a signature made with a key no administrator has confirmed is *unconfirmed*.

A key revoked after it signed still vouches for what it signed before.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gobetween.agreements.signing import Signature
from gobetween.errors import N_, AgreementError, Sentence

__all__ = ["REGISTRY_FORMAT", "KeyProblem", "KeyRegistry", "RegisteredKey", "registry_problems"]

REGISTRY_FORMAT = "gobetween-key-registry-v1"
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _time(value: Any, name: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise AgreementError(
            N_("registry: %(field)s %(value)r is not an ISO 8601 time"),
            params={"field": name, "value": value},
        ) from None
    if moment.tzinfo is None:
        raise AgreementError(
            N_("registry: %(field)s %(value)r has no time zone"),
            params={"field": name, "value": value},
        )
    return moment


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True, slots=True)
class RegisteredKey:
    """One registry entry: a key and the facts about it."""

    fingerprint: str
    organisation: str
    holder: str
    registered_at: dt.datetime
    confirmed_at: dt.datetime | None = None
    confirmed_by: str | None = None
    revoked_at: dt.datetime | None = None
    revoked_by: str | None = None

    def __post_init__(self) -> None:
        if not _HEX64.fullmatch(self.fingerprint):
            raise AgreementError(N_("registry: a key fingerprint must be 64 lower-case hex digits"))

    def revoked_before(self, moment: dt.datetime | None) -> bool:
        """Whether the key was revoked at or before ``moment`` (``None``: at any time)."""
        if self.revoked_at is None:
            return False
        return moment is None or self.revoked_at <= moment

    def to_dict(self) -> dict[str, Any]:
        """The entry as plain JSON data."""
        return {
            "fingerprint": self.fingerprint,
            "organisation": self.organisation,
            "holder": self.holder,
            "registered_at": _iso(self.registered_at),
            "confirmed_at": _iso(self.confirmed_at),
            "confirmed_by": self.confirmed_by,
            "revoked_at": _iso(self.revoked_at),
            "revoked_by": self.revoked_by,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RegisteredKey:
        """Inverse of :meth:`to_dict`."""
        registered = _time(data["registered_at"], "registered_at")
        if registered is None:
            raise AgreementError(N_("registry: a key needs its registered_at time"))
        return cls(
            fingerprint=str(data["fingerprint"]),
            organisation=str(data["organisation"]),
            holder=str(data.get("holder", "")),
            registered_at=registered,
            confirmed_at=_time(data.get("confirmed_at"), "confirmed_at"),
            confirmed_by=None if data.get("confirmed_by") is None else str(data["confirmed_by"]),
            revoked_at=_time(data.get("revoked_at"), "revoked_at"),
            revoked_by=None if data.get("revoked_by") is None else str(data["revoked_by"]),
        )


@dataclass(frozen=True)
class KeyRegistry:
    """Registered keys, and when each ``(party, signer)`` signature was made (when known)."""

    keys: tuple[RegisteredKey, ...]
    signed_at: Mapping[tuple[str, str], dt.datetime] = field(default_factory=dict)

    def lookup(self, organisation: str, fingerprint: str) -> RegisteredKey | None:
        """The entry of ``fingerprint`` for ``organisation``, if registered."""
        for key in self.keys:
            if key.organisation == organisation and key.fingerprint == fingerprint:
                return key
        return None

    def to_dict(self) -> dict[str, Any]:
        """The registry as plain JSON data (what ``--registry`` reads).

        >>> when = dt.datetime(2022, 7, 22, tzinfo=dt.UTC)
        >>> reg = KeyRegistry((RegisteredKey("a" * 64, "UN", "Ann", when),))
        >>> KeyRegistry.from_dict(reg.to_dict()) == reg
        True
        """
        return {
            "format": REGISTRY_FORMAT,
            "keys": [k.to_dict() for k in self.keys],
            "signatures": [
                {"party": p, "signer": s, "signed_at": _iso(at)}
                for (p, s), at in sorted(self.signed_at.items())
            ],
        }

    @classmethod
    def from_dict(cls, data: Any) -> KeyRegistry:
        """Inverse of :meth:`to_dict`; :class:`AgreementError` names what is malformed."""
        if not isinstance(data, Mapping) or data.get("format") != REGISTRY_FORMAT:
            raise AgreementError(
                N_("not a key registry (expected format %(format)r)"),
                params={"format": REGISTRY_FORMAT},
            )
        try:
            keys = tuple(RegisteredKey.from_dict(k) for k in data["keys"])
            signed: dict[tuple[str, str], dt.datetime] = {}
            for entry in data.get("signatures", []):
                at = _time(entry["signed_at"], "signed_at")
                if at is not None:
                    signed[(str(entry["party"]), str(entry["signer"]))] = at
        except (KeyError, TypeError) as exc:
            raise AgreementError(
                N_("registry: missing or malformed field %(field)s"), params={"field": str(exc)}
            ) from None
        return cls(keys, signed)


@dataclass(frozen=True, slots=True)
class KeyProblem:
    """What the registry says is wrong with one signature's key: ``kind`` and a sentence (said
    in the reader's language; ``message`` is its English)."""

    kind: str  # "unregistered", "revoked" or "unconfirmed"
    sentence: Sentence

    @property
    def message(self) -> str:
        """The sentence in English."""
        return str(self.sentence)


def signature_named(signature: Signature) -> Sentence:
    """A signature as a finding names it: "'A''s signature on the instrument of 'B'"."""
    return Sentence(
        N_("%(signer)r's signature on the instrument of %(party)r"),
        {"signer": signature.signer, "party": signature.instrument_party},
    )


def registry_problems(
    signatures: Iterable[Signature], registry: KeyRegistry
) -> list[tuple[Signature, KeyProblem]]:
    """Each signature whose key the registry does not vouch for, with the reason.

    >>> import datetime as dt
    >>> sig = Signature("A", "A", "0" * 64, "f" * 64, bytes(64))
    >>> registry_problems([sig], KeyRegistry(()))[0][1].kind
    'unregistered'
    >>> when = dt.datetime(2022, 7, 22, tzinfo=dt.UTC)
    >>> ok = KeyRegistry((RegisteredKey("f" * 64, "A", "Ann", when, when, "Admin"),))
    >>> registry_problems([sig], ok)
    []
    """
    out = []
    for signature in signatures:
        said = {"who": signature_named(signature), "key": signature.key_fingerprint[:16]}
        entry = registry.lookup(signature.signer, signature.key_fingerprint)
        at = registry.signed_at.get((signature.instrument_party, signature.signer))
        if entry is None:
            template = N_(
                "%(who)s was made with key %(key)s..., which the key registry does not list "
                "for %(signer)r"
            )
            problem = KeyProblem(
                "unregistered", Sentence(template, {**said, "signer": signature.signer})
            )
        elif entry.revoked_before(at):
            template = (
                N_("%(who)s was made with key %(key)s..., revoked on %(date)s before it was signed")
                if at is not None
                else N_(
                    "%(who)s was made with key %(key)s..., revoked on %(date)s (signing time "
                    "unknown)"
                )
            )
            problem = KeyProblem(
                "revoked", Sentence(template, {**said, "date": _iso(entry.revoked_at)})
            )
        elif entry.confirmed_at is None:
            template = N_(
                "%(who)s was made with key %(key)s... of %(holder)s, which no administrator has "
                "confirmed"
            )
            problem = KeyProblem(
                "unconfirmed", Sentence(template, {**said, "holder": entry.holder})
            )
        else:
            continue
        out.append((signature, problem))
    return out
