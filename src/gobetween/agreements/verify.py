"""Offline verification of an agreement bundle: every check, every finding named.

:func:`verify_bundle` reads a bundle's bytes and never stops at the first problem: it returns a
:class:`VerificationReport` listing each :class:`Finding` with a stable ``code`` (for programs)
and a sentence (for people) that names the part, the instrument, the signatory or the clause.

The checks, in order:

1. the file is a bundle, and byte for byte the canonical form of what it holds;
2. every part's SHA-256 matches the manifest, and the manifest lists exactly the parts;
3. the terms, the agreement record, the instruments, the keys and the signatures parse, each in
   its canonical form;
4. each instrument's stated terms hash matches its own terms, and its terms equal the bundle's
   canonical terms (otherwise the differing clauses are named);
5. there is one instrument per party of the agreement, and all name the same mediators;
6. each signature verifies under its signer's public key, that key matches any fingerprint the
   instrument pins (and, if given, the verifier's own trusted fingerprints);
7. every signatory of every instrument has signed it;
7a. the operative terms are internally consistent (:mod:`gobetween.agreements.derive`): one
   rule per term, the term and renewal settings equal to what the articles say;
8. when a key registry is given (:mod:`gobetween.agreements.registry`), every valid signature
   was made with a key the registry lists for its organisation, confirmed, and not revoked
   before the signature was made.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gobetween.agreements.container import (
    AGREEMENT_PART,
    TERMS_PART,
    Container,
    instrument_part,
    read_container,
    signature_part,
)
from gobetween.agreements.derive import contradictions
from gobetween.agreements.instrument import Instrument
from gobetween.agreements.registry import KeyRegistry, registry_problems, signature_named
from gobetween.agreements.signing import (
    Signature,
    fingerprint,
    load_public_key,
    public_key_pem,
    verify_signature,
)
from gobetween.agreements.terms import OperativeTerms, canonical_bytes, sha256_hex
from gobetween.errors import N_, AgreementError, Sentence, VerificationFailed

__all__ = ["Contents", "Finding", "FindingCode", "VerificationReport", "inspect", "verify_bundle"]


class FindingCode(enum.StrEnum):
    """What kind of problem a finding reports."""

    UNREADABLE = "unreadable"
    NOT_CANONICAL = "not-canonical"
    PART_UNDECODABLE = "part-undecodable"
    PART_EDITED = "part-edited"
    PART_MISSING = "part-missing"
    PART_UNLISTED = "part-unlisted"
    PART_MALFORMED = "part-malformed"
    PART_UNKNOWN = "part-unknown"
    TERMS_HASH_MISMATCH = "terms-hash-mismatch"
    TERMS_DIFFER = "terms-differ"
    INSTRUMENT_MISSING = "instrument-missing"
    INSTRUMENT_UNEXPECTED = "instrument-unexpected"
    SIGNATORIES_DIFFER = "signatories-differ"
    KEY_MISSING = "key-missing"
    KEY_MISMATCH = "key-mismatch"
    KEY_UNTRUSTED = "key-untrusted"
    SIGNATURE_INVALID = "signature-invalid"
    SIGNATURE_UNEXPECTED = "signature-unexpected"
    SIGNATURE_MISSING = "signature-missing"
    KEY_UNREGISTERED = "key-unregistered"
    KEY_REVOKED = "key-revoked"
    KEY_UNCONFIRMED = "key-unconfirmed"
    TERMS_CONTRADICT = "terms-contradict"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: a stable code, a sentence, and the bundle part it is about (if any).

    ``message`` is the English sentence; ``sentence`` the same marked for translation (its
    template and values), when the finding has one.
    """

    code: FindingCode
    message: str
    part: str | None = None
    sentence: Sentence | None = field(default=None, compare=False)

    def to_dict(self, say: Callable[[Sentence], str] = str) -> dict[str, str | None]:
        """The finding as plain JSON data, its sentence written by ``say`` (English by default;
        the service passes its translation)."""
        message = say(self.sentence) if self.sentence is not None else self.message
        return {"code": str(self.code), "message": message, "part": self.part}


def _found(
    code: FindingCode, template: str, where: str | None = None, /, **params: object
) -> Finding:
    """A finding about the part ``where`` whose sentence is ``template`` (marked :func:`N_`)
    filled with ``params``."""
    sentence = Sentence(template, params)
    return Finding(code, str(sentence), where, sentence)


def _malformed(name: str, exc: Exception, other: str | None = None) -> Finding:
    """The finding for part ``name`` that cannot be read: an :class:`AgreementError`'s refusal
    (translated where it is shown), else ``other`` (or the exception's own English words)."""
    problem: object = other if other is not None else str(exc)
    if isinstance(exc, AgreementError):
        problem = Sentence(exc.template, exc.params)
    return _found(
        FindingCode.PART_MALFORMED,
        N_("part %(part)r: %(problem)s"),
        name,
        part=name,
        problem=problem,
    )


@dataclass(frozen=True)
class VerificationReport:
    """The outcome of :func:`verify_bundle`.

    ``signed`` lists the ``(party, signer)`` pairs whose signature verified; ``terms_hash`` is
    the hash of the bundle's canonical terms when they could be read; ``signatories`` names
    every organisation in the signature blocks of the instruments that could be read;
    ``languages`` the language versions of the terms, each covered by the terms hash (empty for
    an agreement in one unnamed language).
    """

    findings: tuple[Finding, ...]
    terms_hash: str | None = None
    parties: tuple[str, ...] = ()
    signed: tuple[tuple[str, str], ...] = ()
    signatories: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing is wrong: the agreement is complete and every check passed."""
        return not self.findings

    @property
    def codes(self) -> frozenset[FindingCode]:
        """The distinct finding codes."""
        return frozenset(f.code for f in self.findings)

    def to_dict(self, say: Callable[[Sentence], str] = str) -> dict[str, Any]:
        """The report as plain JSON data (the findings' sentences written by ``say``)."""
        return {
            "ok": self.ok,
            "terms_hash": self.terms_hash,
            "parties": list(self.parties),
            "signed": [list(pair) for pair in self.signed],
            "signatories": list(self.signatories),
            "languages": list(self.languages),
            "findings": [f.to_dict(say) for f in self.findings],
        }

    def raise_if_invalid(self) -> None:
        """Raise :class:`VerificationFailed` listing every finding unless the report is ok."""
        if not self.ok:
            raise VerificationFailed(
                N_("the bundle does not verify (%(count)s problems)"),
                tuple(f"{f.code}: {f.message}" for f in self.findings),
                params={"count": len(self.findings)},
            )


@dataclass
class Contents:
    """What a bundle holds, as far as it could be read (for :class:`~.bundle.Bundle`)."""

    parties: tuple[str, ...] = ()
    mediators: tuple[str, ...] = ()
    terms: OperativeTerms | None = None
    instruments: dict[str, Instrument] = field(default_factory=dict)
    public_keys: dict[str, bytes] = field(default_factory=dict)
    signatures: list[Signature] = field(default_factory=list)
    attachments: dict[str, bytes] = field(default_factory=dict)
    record_terms_hash: str | None = None


def verify_bundle(
    data: bytes,
    *,
    trusted_keys: Mapping[str, str] | None = None,
    registry: KeyRegistry | None = None,
) -> VerificationReport:
    """Check a bundle file's bytes completely, offline; see the module docstring for the checks.

    ``trusted_keys`` maps organisations to the key fingerprints the verifier knows from
    elsewhere; a signature by any other key is then reported. ``registry`` is the process's
    key registry: signatures by keys it does not vouch for are reported (check 8).

    >>> verify_bundle(b"{}").findings[0].code
    <FindingCode.UNREADABLE: 'unreadable'>
    """
    findings, contents = inspect(data, trusted_keys=trusted_keys)
    if registry is not None:
        for signature, problem in registry_problems(contents.signatures, registry):
            part = signature_part(signature.instrument_party, signature.signer)
            code = _REGISTRY_CODES[problem.kind]
            findings.append(Finding(code, problem.message, part, problem.sentence))
    signed = tuple((s.instrument_party, s.signer) for s in contents.signatures)
    terms_hash = contents.terms.terms_hash() if contents.terms else None
    signatories = tuple(
        dict.fromkeys(n for i in contents.instruments.values() for n in i.signatory_names)
    )
    languages = contents.terms.languages if contents.terms else ()
    return VerificationReport(
        tuple(findings), terms_hash, contents.parties, signed, signatories, languages
    )


_REGISTRY_CODES = {
    "unregistered": FindingCode.KEY_UNREGISTERED,
    "revoked": FindingCode.KEY_REVOKED,
    "unconfirmed": FindingCode.KEY_UNCONFIRMED,
}


def inspect(
    data: bytes, *, trusted_keys: Mapping[str, str] | None = None
) -> tuple[list[Finding], Contents]:
    """The findings and what could be read; only valid signatures are kept in the contents."""
    container = read_container(data)
    contents = Contents()
    if isinstance(container, Sentence):
        return [Finding(FindingCode.UNREADABLE, str(container), None, container)], contents
    findings = _check_container(container)
    # Edited parts are still read, so the report can say what in them differs.
    _read_parts(container.parts, contents, findings)
    _check_instruments(contents, findings)
    _check_signatures(contents, findings, trusted_keys or {})
    if contents.terms is not None:
        for problem in contradictions(contents.terms):
            findings.append(
                Finding(FindingCode.TERMS_CONTRADICT, str(problem), TERMS_PART, problem)
            )
    return findings, contents


def _check_container(container: Container) -> list[Finding]:
    findings = []
    if not container.canonical:
        findings.append(
            _found(
                FindingCode.NOT_CANONICAL,
                N_(
                    "the bundle file was edited: byte %(byte)s differs from the canonical form "
                    "of its own content"
                ),
                byte=container.first_difference,
            )
        )
    for name in container.undecodable:
        findings.append(
            _found(FindingCode.PART_UNDECODABLE, N_("part %(part)r is not base64"), name, part=name)
        )
    for name, data in sorted(container.parts.items()):
        stated = container.manifest.get(name)
        if stated is None:
            findings.append(
                _found(
                    FindingCode.PART_UNLISTED,
                    N_("part %(part)r is not in the manifest"),
                    name,
                    part=name,
                )
            )
        elif stated != sha256_hex(data):
            findings.append(
                _found(
                    FindingCode.PART_EDITED,
                    N_(
                        "part %(part)r was edited: its SHA-256 is %(actual)s..., "
                        "the manifest says %(stated)s..."
                    ),
                    name,
                    part=name,
                    actual=sha256_hex(data)[:16],
                    stated=stated[:16],
                )
            )
    for name in sorted(set(container.manifest) - set(container.parts) - set(container.undecodable)):
        findings.append(
            _found(
                FindingCode.PART_MISSING,
                N_("the manifest lists %(part)r, which is absent"),
                name,
                part=name,
            )
        )
    return findings


def _json_part(name: str, data: bytes, findings: list[Finding]) -> Any:
    try:
        value = json.loads(data.decode("utf-8"))
        if canonical_bytes(value) != data:
            findings.append(
                _found(
                    FindingCode.PART_MALFORMED,
                    N_("part %(part)r is not canonical JSON"),
                    name,
                    part=name,
                )
            )
            return None
    except (ValueError, RecursionError, AgreementError) as exc:
        findings.append(_malformed(name, exc))
        return None
    return value


def _read_parts(parts: Mapping[str, bytes], contents: Contents, findings: list[Finding]) -> None:
    for required in (AGREEMENT_PART, TERMS_PART):
        if required not in parts and not any(f.part == required for f in findings):
            findings.append(
                _found(FindingCode.PART_MISSING, N_("no %(part)r part"), required, part=required)
            )
    for name, data in sorted(parts.items()):
        try:
            _read_part(name, data, contents, findings)
        except (AgreementError, KeyError, TypeError, ValueError) as exc:
            findings.append(_malformed(name, exc, repr(exc)))


def _read_part(name: str, data: bytes, contents: Contents, findings: list[Finding]) -> None:
    if name.startswith("attachments/"):
        contents.attachments[name.removeprefix("attachments/")] = data
        return
    if name.startswith("keys/") and name.endswith(".pem"):
        organisation = name.removeprefix("keys/").removesuffix(".pem")
        if public_key_pem(load_public_key(data)) != data:
            raise AgreementError(N_("the public key is not in its canonical PEM form"))
        contents.public_keys[organisation] = data
        return
    value = _json_part(name, data, findings) if name.endswith(".json") else None
    if value is None:
        if not name.endswith(".json"):
            findings.append(
                _found(FindingCode.PART_UNKNOWN, N_("unknown part %(part)r"), name, part=name)
            )
        return
    if name == AGREEMENT_PART:
        if value["format"] != "gobetween-agreement-v1":
            raise AgreementError(
                N_("unknown agreement format %(format)r"), params={"format": value["format"]}
            )
        contents.parties = tuple(str(p) for p in value["parties"])
        contents.mediators = tuple(str(m) for m in value["mediators"])
        contents.record_terms_hash = str(value["terms_hash"])
    elif name == TERMS_PART:
        contents.terms = OperativeTerms.from_dict(value)
    elif name.startswith("instruments/"):
        instrument = Instrument.from_dict(value, check_hash=False)
        if name != instrument_part(instrument.party):
            raise AgreementError(
                N_("holds the instrument of %(party)r"), params={"party": instrument.party}
            )
        contents.instruments[instrument.party] = instrument
        if value["terms_hash"] != instrument.terms.terms_hash():
            findings.append(
                _found(
                    FindingCode.TERMS_HASH_MISMATCH,
                    N_(
                        "the instrument of %(party)r states terms hash %(stated)s..., but its "
                        "operative terms hash to %(actual)s..."
                    ),
                    name,
                    party=instrument.party,
                    stated=str(value["terms_hash"])[:16],
                    actual=instrument.terms.terms_hash()[:16],
                )
            )
    elif name.startswith("signatures/"):
        signature = Signature.from_dict(value)
        if name != signature_part(signature.instrument_party, signature.signer):
            raise AgreementError(
                N_("holds %(signer)r's signature on %(instrument_party)r"),
                params={"signer": signature.signer, "instrument_party": signature.instrument_party},
            )
        contents.signatures.append(signature)
    else:
        findings.append(
            _found(FindingCode.PART_UNKNOWN, N_("unknown part %(part)r"), name, part=name)
        )


def _check_instruments(contents: Contents, findings: list[Finding]) -> None:
    terms = contents.terms
    if terms and contents.record_terms_hash not in (None, terms.terms_hash()):
        findings.append(
            _found(
                FindingCode.TERMS_HASH_MISMATCH,
                N_(
                    "the agreement record states terms hash %(stated)s..., but the bundle's "
                    "terms hash to %(actual)s..."
                ),
                AGREEMENT_PART,
                stated=contents.record_terms_hash[:16],
                actual=terms.terms_hash()[:16],
            )
        )
    for party, instrument in contents.instruments.items():
        part = instrument_part(party)
        if terms is not None and instrument.terms != terms:
            findings.append(
                _found(
                    FindingCode.TERMS_DIFFER,
                    N_(
                        "the operative terms of %(party)r's instrument differ from the "
                        "agreement's terms: %(differences)s"
                    ),
                    part,
                    party=party,
                    differences=instrument.terms.differing(terms),
                )
            )
        if party not in contents.parties:
            findings.append(
                _found(
                    FindingCode.INSTRUMENT_UNEXPECTED,
                    N_("an instrument for %(party)r, who is not a party of the agreement"),
                    part,
                    party=party,
                )
            )
        if contents.mediators and instrument.mediators != contents.mediators:
            findings.append(
                _found(
                    FindingCode.SIGNATORIES_DIFFER,
                    N_(
                        "the instrument of %(party)r names mediators %(named)s, the agreement "
                        "%(agreed)s"
                    ),
                    part,
                    party=party,
                    named=str(list(instrument.mediators)),
                    agreed=str(list(contents.mediators)),
                )
            )
    for party in contents.parties:
        if party not in contents.instruments and not any(
            f.part == instrument_part(party) for f in findings
        ):
            findings.append(
                _found(
                    FindingCode.INSTRUMENT_MISSING,
                    N_("no instrument for party %(party)r"),
                    instrument_part(party),
                    party=party,
                )
            )


def _check_signatures(
    contents: Contents, findings: list[Finding], trusted: Mapping[str, str]
) -> None:
    valid = []
    attempted = {(s.instrument_party, s.signer) for s in contents.signatures}
    for signature in contents.signatures:
        problem = _signature_problem(signature, contents, trusted)
        if problem is None:
            valid.append(signature)
        else:
            part = signature_part(signature.instrument_party, signature.signer)
            findings.append(Finding(problem[0], str(problem[1]), part, problem[1]))
    contents.signatures = valid
    for party, instrument in contents.instruments.items():
        for signer in instrument.signatory_names:
            if (party, signer) not in attempted:
                findings.append(
                    _found(
                        FindingCode.SIGNATURE_MISSING,
                        N_("%(signer)r has not signed the instrument of %(party)r"),
                        signature_part(party, signer),
                        signer=signer,
                        party=party,
                    )
                )


def _signature_problem(
    signature: Signature, contents: Contents, trusted: Mapping[str, str]
) -> tuple[FindingCode, Sentence] | None:
    who = signature_named(signature)

    def said(code: FindingCode, template: str, **params: object) -> tuple[FindingCode, Sentence]:
        return code, Sentence(template, {"who": who, **params})

    instrument = contents.instruments.get(signature.instrument_party)
    if instrument is None:
        return said(FindingCode.SIGNATURE_UNEXPECTED, N_("%(who)s: there is no such instrument"))
    if signature.signer not in instrument.signatory_names:
        return said(
            FindingCode.SIGNATURE_UNEXPECTED,
            N_("%(who)s: %(signer)r is not a signatory"),
            signer=signature.signer,
        )
    pem = contents.public_keys.get(signature.signer)
    if pem is None:
        return said(
            FindingCode.KEY_MISSING, N_("%(who)s: the bundle has no public key of the signer")
        )
    key = load_public_key(pem)
    actual = fingerprint(key)
    pinned = instrument.signatory(signature.signer).key_fingerprint
    if pinned is not None and pinned != actual:
        return said(
            FindingCode.KEY_MISMATCH,
            N_("%(who)s: the instrument pins key %(pinned)s..., the bundle holds %(actual)s..."),
            pinned=pinned[:16],
            actual=actual[:16],
        )
    if signature.signer in trusted and trusted[signature.signer] != actual:
        return said(
            FindingCode.KEY_UNTRUSTED,
            N_("%(who)s: the bundle's key %(actual)s... is not the trusted key %(trusted)s..."),
            actual=actual[:16],
            trusted=trusted[signature.signer][:16],
        )
    if signature.key_fingerprint != actual:
        return said(
            FindingCode.KEY_MISMATCH,
            N_("%(who)s: made with key %(made)s..., the bundle holds %(actual)s..."),
            made=signature.key_fingerprint[:16],
            actual=actual[:16],
        )
    if signature.instrument_hash != instrument.instrument_hash():
        return said(
            FindingCode.SIGNATURE_INVALID,
            N_(
                "%(who)s does not verify: it was made on another text of the instrument (hash "
                "%(made)s..., this instrument hashes to %(actual)s...)"
            ),
            made=signature.instrument_hash[:16],
            actual=instrument.instrument_hash()[:16],
        )
    if not verify_signature(instrument, signature, key):
        return said(FindingCode.SIGNATURE_INVALID, N_("%(who)s does not verify"))
    return None
