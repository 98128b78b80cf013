"""The agreement bundle: one file with the instruments, the terms, the keys and the signatures.

A :class:`Bundle` is immutable; each step (adding a key, a signature, a rendering) returns a new
one. It is written with :meth:`Bundle.to_bytes` (see :mod:`gobetween.agreements.container` for
the byte layout) and read back with :meth:`Bundle.from_bytes`, which refuses anything that fails
verification except signatures not yet given.

The service's flow: :meth:`Bundle.create` when every party has accepted the text; the file goes
to each signatory, who signs on their own machine (:meth:`Bundle.sign`, or ``gobetween agreement
sign``) and sends back either the bundle or just the :class:`~.signing.Signature` and public key,
which the service adds with :meth:`Bundle.with_signature` (that checks the signature).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gobetween.agreements.container import (
    AGREEMENT_PART,
    TERMS_PART,
    attachment_part,
    encode_container,
    instrument_part,
    key_part,
    signature_part,
)
from gobetween.agreements.instrument import Instrument
from gobetween.agreements.signing import (
    Signature,
    fingerprint,
    load_public_key,
    public_key_pem,
    sign_instrument,
    verify_signature,
)
from gobetween.agreements.terms import OperativeTerms, canonical_bytes
from gobetween.agreements.verify import FindingCode, VerificationReport, inspect, verify_bundle
from gobetween.errors import N_, AgreementError, Sentence, VerificationFailed

__all__ = ["Bundle"]


@dataclass(frozen=True)
class Bundle:
    """Mirror instruments of one agreement with their keys, signatures and renderings.

    >>> import datetime as dt
    >>> from gobetween.agreements import (OperativeTerms, Renewal, RenewalRule, Signatory,
    ...     mirror_instruments, generate_private_key)
    >>> from gobetween.model import OrganisationKind as K
    >>> terms = OperativeTerms("g", {"x": "1"}, {"x": "One."}, 30,
    ...                        Renewal(RenewalRule.NONE), dt.date(2024, 1, 1))
    >>> bundle = Bundle.create(mirror_instruments(
    ...     terms, [Signatory("A", K.PARTY), Signatory("B", K.PARTY)],
    ...     [Signatory("M", K.MEDIATOR)]))
    >>> bundle.missing_signatures()
    (('A', 'A'), ('A', 'M'), ('B', 'B'), ('B', 'M'))
    >>> for org in ("A", "B", "M"):
    ...     bundle = bundle.sign(org, generate_private_key())
    >>> Bundle.verify(bundle.to_bytes()).ok
    True
    """

    terms: OperativeTerms
    instruments: tuple[Instrument, ...]
    public_keys: Mapping[str, bytes] = field(default_factory=dict)
    signatures: tuple[Signature, ...] = ()
    attachments: Mapping[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        instruments = tuple(self.instruments)
        if not instruments:
            raise AgreementError(N_("a bundle needs at least one instrument"))
        parties = [i.party for i in instruments]
        if len(set(parties)) != len(parties):
            raise AgreementError(N_("a bundle holds one instrument per party"))
        for instrument in instruments:
            if instrument.terms != self.terms:
                raise AgreementError(
                    N_("the instrument of %(party)r has other operative terms: %(differences)s"),
                    params={
                        "party": instrument.party,
                        "differences": instrument.terms.differing(self.terms),
                    },
                )
        object.__setattr__(self, "instruments", instruments)
        object.__setattr__(self, "public_keys", MappingProxyType(dict(self.public_keys)))
        rank = {
            (i.party, name): (n, m)
            for n, i in enumerate(instruments)
            for m, name in enumerate(i.signatory_names)
        }
        signatures = sorted(
            self.signatures,
            key=lambda s: rank.get((s.instrument_party, s.signer), (len(rank), 0)),
        )
        object.__setattr__(self, "signatures", tuple(signatures))
        object.__setattr__(self, "attachments", MappingProxyType(dict(self.attachments)))

    @classmethod
    def create(cls, instruments: Iterable[Instrument]) -> Bundle:
        """An unsigned bundle of mirror instruments that share one set of operative terms."""
        instruments = tuple(instruments)
        if not instruments:
            raise AgreementError(N_("a bundle needs at least one instrument"))
        return cls(instruments[0].terms, instruments)

    @property
    def terms_hash(self) -> str:
        """The terms hash that every instrument carries."""
        return self.terms.terms_hash()

    @property
    def parties(self) -> tuple[str, ...]:
        """The parties, one per instrument, in order."""
        return tuple(i.party for i in self.instruments)

    @property
    def signatories(self) -> tuple[str, ...]:
        """Every organisation that signs at least one instrument, in first-seen order."""
        return tuple(dict.fromkeys(n for i in self.instruments for n in i.signatory_names))

    def instrument(self, party: str) -> Instrument:
        """The instrument of ``party``."""
        for instrument in self.instruments:
            if instrument.party == party:
                return instrument
        raise AgreementError(
            N_("no instrument for %(party)r; parties are %(parties)s"),
            params={"party": party, "parties": list(self.parties)},
        )

    def missing_signatures(self) -> tuple[tuple[str, str], ...]:
        """``(party, signer)`` for every signature still to be given, in instrument order."""
        done = {(s.instrument_party, s.signer) for s in self.signatures}
        return tuple(
            (i.party, name)
            for i in self.instruments
            for name in i.signatory_names
            if (i.party, name) not in done
        )

    @property
    def is_complete(self) -> bool:
        """Whether every signatory has signed every instrument it appears on."""
        return not self.missing_signatures()

    def with_public_key(self, organisation: str, pem: bytes) -> Bundle:
        """A copy holding ``organisation``'s public key; a different key already held is refused."""
        if organisation not in self.signatories:
            raise AgreementError(
                N_("%(organisation)r signs none of the instruments"),
                params={"organisation": organisation},
            )
        key = load_public_key(pem)
        held = self.public_keys.get(organisation)
        if held is not None and fingerprint(load_public_key(held)) != fingerprint(key):
            raise AgreementError(
                N_("the bundle already holds another public key for %(organisation)r"),
                params={"organisation": organisation},
            )
        keys = dict(self.public_keys)
        keys[organisation] = public_key_pem(key)
        return replace(self, public_keys=keys)

    def with_signature(self, signature: Signature) -> Bundle:
        """A copy with ``signature`` added, after checking it against the signer's held key."""
        instrument = self.instrument(signature.instrument_party)
        instrument.signatory(signature.signer)
        pem = self.public_keys.get(signature.signer)
        if pem is None:
            raise AgreementError(
                N_("add %(signer)r's public key before its signature"),
                params={"signer": signature.signer},
            )
        if not verify_signature(instrument, signature, load_public_key(pem)):
            raise VerificationFailed(
                N_(
                    "%(signer)r's signature on the instrument of %(party)r does not verify under "
                    "its public key"
                ),
                params={"signer": signature.signer, "party": signature.instrument_party},
            )
        pinned = instrument.signatory(signature.signer).key_fingerprint
        if pinned is not None and pinned != signature.key_fingerprint:
            raise VerificationFailed(
                N_("%(signer)r signed with a key other than the pinned one"),
                params={"signer": signature.signer},
            )
        others = tuple(
            s
            for s in self.signatures
            if (s.instrument_party, s.signer) != (signature.instrument_party, signature.signer)
        )
        return replace(self, signatures=(*others, signature))

    def sign(self, signer: str, key: Ed25519PrivateKey) -> Bundle:
        """Sign, as ``signer``, every instrument on which it is a signatory (client side)."""
        bundle = self.with_public_key(signer, public_key_pem(key))
        for instrument in self.instruments:
            if signer in instrument.signatory_names:
                bundle = bundle.with_signature(sign_instrument(instrument, signer, key))
        return bundle

    def with_attachment(self, name: str, data: bytes) -> Bundle:
        """A copy with a rendering (HTML, PDF, Akoma Ntoso) attached; attachments are unsigned."""
        if not name or name.startswith("/") or ".." in name.split("/"):
            raise AgreementError(f"bad attachment name {name!r}")
        attachments = dict(self.attachments)
        attachments[name] = bytes(data)
        return replace(self, attachments=attachments)

    def parts(self) -> dict[str, bytes]:
        """Every part of the bundle file by name (see :mod:`~.container`)."""
        mediators = self.instruments[0].mediators
        record = {
            "format": "gobetween-agreement-v1",
            "terms_hash": self.terms_hash,
            "parties": list(self.parties),
            "mediators": list(mediators),
        }
        parts = {AGREEMENT_PART: canonical_bytes(record), TERMS_PART: self.terms.canonical_bytes()}
        for instrument in self.instruments:
            parts[instrument_part(instrument.party)] = instrument.canonical_bytes()
        for organisation, pem in self.public_keys.items():
            parts[key_part(organisation)] = pem
        for s in self.signatures:
            parts[signature_part(s.instrument_party, s.signer)] = canonical_bytes(s.to_dict())
        for name, data in self.attachments.items():
            parts[attachment_part(name)] = data
        return parts

    def to_bytes(self) -> bytes:
        """The bundle file's bytes (canonical: the same bundle always gives the same bytes)."""
        return encode_container(self.parts())

    @classmethod
    def from_bytes(cls, data: bytes) -> Bundle:
        """Read a bundle file; :class:`VerificationFailed` on any problem but missing signatures."""
        findings, contents = inspect(data)
        problems = [f for f in findings if f.code is not FindingCode.SIGNATURE_MISSING]
        if problems or contents.terms is None:
            # each problem said in the message, in the reader's language where it is shown
            said = tuple(f.sentence or Sentence(f.message) for f in problems)
            raise VerificationFailed(
                N_("the bundle cannot be used: %(problems)s"),
                tuple(f"{f.code}: {f.message}" for f in problems),
                params={"problems": said or (Sentence(N_("it holds no operative terms")),)},
            )
        order = [p for p in contents.parties if p in contents.instruments]
        return cls(
            contents.terms,
            tuple(contents.instruments[p] for p in order),
            contents.public_keys,
            tuple(contents.signatures),
            contents.attachments,
        )

    @staticmethod
    def verify(data: bytes, *, trusted_keys: Mapping[str, str] | None = None) -> VerificationReport:
        """Shorthand for :func:`~.verify.verify_bundle`."""
        return verify_bundle(data, trusted_keys=trusted_keys)
