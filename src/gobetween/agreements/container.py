"""The agreement bundle's container: named parts, a manifest of their SHA-256, one JSON file.

A bundle file is the RFC 8785 canonical JSON of::

    {"format": "gobetween-bundle-v1",
     "manifest": {part name: hex SHA-256 of the part's bytes, ...},
     "parts": {part name: standard base64 of the part's bytes, ...}}

Because the whole file is canonical JSON and each part is canonical base64, a file has exactly
one byte form: a verifier re-encodes what it read and compares byte for byte, so a change to any
byte is caught, and the manifest names the part whose bytes changed.

Part names (strings, not file-system paths)::

    agreement.json                         parties and mediators of the agreement
    terms.json                             the canonical operative terms
    instruments/{party}.json               each party's canonical instrument
    keys/{organisation}.pem                each signatory's Ed25519 public key
    signatures/{party}/{signer}.json       one signature on one instrument
    attachments/{name}                     renderings (HTML, PDF, Akoma Ntoso), not signed
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeGuard

import rfc8785

from gobetween.agreements.terms import sha256_hex
from gobetween.errors import N_, Sentence

__all__ = [
    "AGREEMENT_PART",
    "BUNDLE_FORMAT",
    "TERMS_PART",
    "Container",
    "attachment_part",
    "encode_container",
    "instrument_part",
    "key_part",
    "read_container",
    "signature_part",
]

BUNDLE_FORMAT = "gobetween-bundle-v1"
AGREEMENT_PART = "agreement.json"
TERMS_PART = "terms.json"


def instrument_part(party: str) -> str:
    """Part name of ``party``'s instrument."""
    return f"instruments/{party}.json"


def key_part(organisation: str) -> str:
    """Part name of ``organisation``'s public key."""
    return f"keys/{organisation}.pem"


def signature_part(party: str, signer: str) -> str:
    """Part name of ``signer``'s signature on ``party``'s instrument."""
    return f"signatures/{party}/{signer}.json"


def attachment_part(name: str) -> str:
    """Part name of an attachment (a rendering)."""
    return f"attachments/{name}"


def encode_container(parts: Mapping[str, bytes]) -> bytes:
    """The one canonical byte form of a bundle holding ``parts``.

    >>> encode_container({"a.txt": b"hi"}).startswith(b'{"format":"gobetween-bundle-v1",')
    True
    """
    return rfc8785.dumps(
        {
            "format": BUNDLE_FORMAT,
            "manifest": {name: sha256_hex(data) for name, data in parts.items()},
            "parts": {name: base64.b64encode(data).decode("ascii") for name, data in parts.items()},
        }
    )


@dataclass(frozen=True)
class Container:
    """What a bundle file holds, read without judging it.

    ``parts`` has the decoded bytes of every part that decodes, ``undecodable`` the names of
    those that do not, ``manifest`` the manifest as written, and ``canonical`` whether the file
    is byte for byte the canonical form of what it holds (``first_difference`` is the offset of
    the first differing byte when it is not).
    """

    manifest: Mapping[str, str]
    parts: Mapping[str, bytes]
    undecodable: tuple[str, ...]
    canonical: bool
    first_difference: int | None


def read_container(data: bytes) -> Container | Sentence:
    """Parse a bundle file; a :class:`Container`, or a sentence saying why it cannot be read
    (marked for translation, its values apart)."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, huge numbers, deep nesting
        # in plain words, never the JSON library's ("Expecting value: line 1 column 1")
        return Sentence(
            N_(
                "the file is not a gobetween agreement bundle: it is not JSON text (a bundle is "
                "the .json file that gobetween agreement sign writes)"
            )
        )
    if not isinstance(document, dict) or document.get("format") != BUNDLE_FORMAT:
        return Sentence(
            N_("the file is not a gobetween agreement bundle (no format %(format)r)"),
            {"format": BUNDLE_FORMAT},
        )
    if set(document) != {"format", "manifest", "parts"}:
        return Sentence(N_("the bundle must have exactly the keys format, manifest and parts"))
    manifest, encoded = document["manifest"], document["parts"]
    if not _str_map(manifest) or not _str_map(encoded):
        return Sentence(N_("the bundle's manifest and parts must map part names to strings"))
    parts: dict[str, bytes] = {}
    undecodable = []
    for name, text in encoded.items():
        try:
            parts[name] = base64.b64decode(text.encode("ascii"), validate=True)
        except (UnicodeEncodeError, binascii.Error):
            undecodable.append(name)
    reencoded = dict(encoded)
    reencoded.update({n: base64.b64encode(b).decode("ascii") for n, b in parts.items()})
    try:
        expected = rfc8785.dumps(
            {"format": BUNDLE_FORMAT, "manifest": manifest, "parts": reencoded}
        )
    except (rfc8785.CanonicalizationError, UnicodeEncodeError) as exc:  # a lone surrogate
        return Sentence(N_("the bundle cannot be canonicalised (%(reason)s)"), {"reason": str(exc)})
    difference = None
    if expected != data:
        difference = next(
            (i for i, (a, b) in enumerate(zip(expected, data, strict=False)) if a != b),
            min(len(expected), len(data)),
        )
    return Container(manifest, parts, tuple(undecodable), difference is None, difference)


def _str_map(value: object) -> TypeGuard[dict[str, str]]:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )
