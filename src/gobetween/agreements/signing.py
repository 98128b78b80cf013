"""Ed25519 keys and signatures over instruments (RFC 8032, via the ``cryptography`` package).

Each organisation holds one key pair. The private key is made and kept on the signer's side
(``gobetween keys new``), stored as PKCS#8 PEM, encrypted with a passphrase when one is given;
only the public key and the signatures ever reach the service. Everything here works on bytes and
key objects: reading and writing files is the CLI's job.

A key's *fingerprint* is the hex SHA-256 of its 32 raw public-key bytes.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from gobetween.agreements.instrument import Instrument
from gobetween.agreements.terms import sha256_hex
from gobetween.errors import N_, AgreementError

__all__ = [
    "Signature",
    "fingerprint",
    "generate_private_key",
    "load_private_key",
    "load_public_key",
    "private_key_pem",
    "public_key_pem",
    "sign_instrument",
    "verify_signature",
]

_HEX64 = re.compile(r"[0-9a-f]{64}")


def generate_private_key() -> Ed25519PrivateKey:
    """A new Ed25519 private key from the operating system's random source."""
    return Ed25519PrivateKey.generate()


def private_key_pem(key: Ed25519PrivateKey, passphrase: bytes | None = None) -> bytes:
    """PKCS#8 PEM of ``key``, encrypted with ``passphrase`` (best available scheme) if given.

    >>> key = generate_private_key()
    >>> private_key_pem(key, b"correct horse").startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY")
    True
    """
    encryption: serialization.KeySerializationEncryption
    if passphrase:
        encryption = serialization.BestAvailableEncryption(passphrase)
    else:
        encryption = serialization.NoEncryption()
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def load_private_key(pem: bytes, passphrase: bytes | None = None) -> Ed25519PrivateKey:
    """Read a PKCS#8 PEM private key; :class:`AgreementError` for a wrong passphrase or key type."""
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase or None)
    except TypeError as exc:
        # cryptography says "Password was not given but private key is encrypted" and the reverse.
        raise AgreementError(
            N_("cannot read the private key: %(reason)s"), params={"reason": str(exc)}
        ) from None
    except ValueError:
        raise AgreementError(
            N_("cannot read the private key: wrong passphrase, or not a PEM private key")
        ) from None
    except UnsupportedAlgorithm:  # an algorithm identifier no library knows
        raise AgreementError(N_("the private key is of an unknown kind, not Ed25519")) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise AgreementError(
            N_("the private key is %(kind)s, not Ed25519"), params={"kind": type(key).__name__}
        )
    return key


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """SubjectPublicKeyInfo PEM of the public half of ``key``."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """Read a PEM public key; :class:`AgreementError` unless it is an Ed25519 key."""
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        raise AgreementError(N_("not a PEM public key")) from None
    except UnsupportedAlgorithm:  # an algorithm identifier no library knows
        raise AgreementError(N_("the public key is of an unknown kind, not Ed25519")) from None
    if not isinstance(key, Ed25519PublicKey):
        raise AgreementError(
            N_("the public key is %(kind)s, not Ed25519"), params={"kind": type(key).__name__}
        )
    return key


def fingerprint(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Hex SHA-256 of the raw 32-byte public key.

    >>> len(fingerprint(generate_private_key()))
    64
    """
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sha256_hex(raw)


@dataclass(frozen=True, slots=True)
class Signature:
    """One signatory's Ed25519 signature on one party's instrument.

    ``instrument_hash`` names the exact instrument signed; ``key_fingerprint`` the key used.
    The signed message is :meth:`Instrument.signing_message`.
    """

    instrument_party: str
    signer: str
    instrument_hash: str
    key_fingerprint: str
    value: bytes

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "instrument_party", unicodedata.normalize("NFC", self.instrument_party)
        )
        object.__setattr__(self, "signer", unicodedata.normalize("NFC", self.signer))
        for name in ("instrument_hash", "key_fingerprint"):
            if not _HEX64.fullmatch(getattr(self, name)):
                raise AgreementError(
                    N_("signature %(field)s must be 64 lower-case hex digits"),
                    params={"field": name},
                )
        if len(self.value) != 64:
            raise AgreementError(
                N_("an Ed25519 signature has 64 bytes, this one %(count)s"),
                params={"count": len(self.value)},
            )

    def to_dict(self) -> dict[str, Any]:
        """The signature as plain JSON data (the value in standard base64)."""
        return {
            "format": "gobetween-signature-v1",
            "algorithm": "Ed25519",
            "instrument_party": self.instrument_party,
            "signer": self.signer,
            "instrument_hash": self.instrument_hash,
            "key_fingerprint": self.key_fingerprint,
            "signature": base64.b64encode(self.value).decode("ascii"),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Signature:
        """Inverse of :meth:`to_dict`; :class:`AgreementError` on anything malformed."""
        try:
            if data["format"] != "gobetween-signature-v1" or data["algorithm"] != "Ed25519":
                raise AgreementError(N_("not a gobetween Ed25519 signature"))
            value = base64.b64decode(data["signature"], validate=True)
            return cls(
                str(data["instrument_party"]),
                str(data["signer"]),
                str(data["instrument_hash"]),
                str(data["key_fingerprint"]),
                value,
            )
        except (KeyError, TypeError, binascii.Error) as exc:
            raise AgreementError(
                N_("malformed signature: %(reason)s"), params={"reason": repr(exc)}
            ) from None


def sign_instrument(instrument: Instrument, signer: str, key: Ed25519PrivateKey) -> Signature:
    """Sign ``instrument`` as ``signer``, who must be one of its signatories.

    If the instrument pins the signer's key fingerprint, ``key`` must be that key.

    >>> import datetime as dt
    >>> from gobetween.agreements.instrument import Signatory
    >>> from gobetween.agreements.terms import OperativeTerms, Renewal, RenewalRule
    >>> from gobetween.model import OrganisationKind
    >>> terms = OperativeTerms("g", {"x": "1"}, {"x": "One."}, 30,
    ...                        Renewal(RenewalRule.NONE), dt.date(2024, 1, 1))
    >>> inst = Instrument("A", "T", "P", (Signatory("A", OrganisationKind.PARTY),), terms)
    >>> key = generate_private_key()
    >>> sig = sign_instrument(inst, "A", key)
    >>> verify_signature(inst, sig, key.public_key())
    True
    >>> verify_signature(inst, sig, generate_private_key().public_key())
    False
    """
    pinned = instrument.signatory(signer).key_fingerprint
    actual = fingerprint(key)
    if pinned is not None and pinned != actual:
        raise AgreementError(
            N_(
                "the instrument of %(party)r pins key %(value)s... for %(signer)r; this key is "
                "%(value2)s..."
            ),
            params={
                "party": instrument.party,
                "value": pinned[:16],
                "signer": signer,
                "value2": actual[:16],
            },
        )
    return Signature(
        instrument_party=instrument.party,
        signer=signer,
        instrument_hash=instrument.instrument_hash(),
        key_fingerprint=actual,
        value=key.sign(instrument.signing_message()),
    )


def verify_signature(instrument: Instrument, signature: Signature, key: Ed25519PublicKey) -> bool:
    """Whether ``signature`` is a valid Ed25519 signature by ``key`` on exactly ``instrument``."""
    if signature.instrument_hash != instrument.instrument_hash():
        return False
    if signature.key_fingerprint != fingerprint(key):
        return False
    try:
        key.verify(signature.value, instrument.signing_message())
    except InvalidSignature:
        return False
    return True
