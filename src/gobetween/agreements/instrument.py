"""Mirror instruments: one per party, each with its own title, preamble and signature block.

Every party signs its own instrument with the mediators, never one with the other parties (as
Ukraine and the Russian Federation each signed a separate document with Türkiye and the UN in
July 2022). The instruments differ only in their *party-specific parts* (party, title, preamble,
signature block); their operative terms, and so their terms hash, are identical.

The bytes a signatory signs are exactly::

    SIGNING_DOMAIN + canonical_bytes(instrument.to_dict())

where ``SIGNING_DOMAIN`` is ``b"gobetween-instrument-v1\\x00"`` (a domain separator, so a
signature over an instrument can never be replayed as a signature over anything else) and the
instrument's canonical bytes (RFC 8785, strings NFC-normalised) contain the party-specific parts,
the full operative terms and the terms hash.

An instrument whose terms carry language versions (an agreement in several working languages)
also carries its title and preamble in each of those languages (``texts``) and is written with
the format tag ``gobetween-instrument-v2``; every rendering gives each language version, and each
ends with the clause that makes them equally authentic
(:func:`gobetween.model.languages.equally_authentic_clause`). Instruments in one language keep
the ``gobetween-instrument-v1`` bytes they always had.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gobetween.agreements.terms import Canonical, OperativeTerms, sha256_hex
from gobetween.errors import N_, AgreementError, Sentence
from gobetween.model.languages import language
from gobetween.model.roles import OrganisationKind

__all__ = [
    "INSTRUMENT_FORMAT",
    "INSTRUMENT_FORMAT_LANGUAGES",
    "SIGNING_DOMAIN",
    "Instrument",
    "InstrumentText",
    "Signatory",
    "mirror_instruments",
]

#: Format tag of an instrument's canonical JSON.
INSTRUMENT_FORMAT = "gobetween-instrument-v1"
#: Format tag of an instrument in several working languages.
INSTRUMENT_FORMAT_LANGUAGES = "gobetween-instrument-v2"
#: Prefix of every signed message (domain separation).
SIGNING_DOMAIN = b"gobetween-instrument-v1\x00"

_HEX64 = re.compile(r"[0-9a-f]{64}")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True, slots=True)
class Signatory:
    """One line of a signature block: an organisation, its kind, who signs for it.

    ``key_fingerprint``, when given, pins the organisation's Ed25519 public key (hex SHA-256 of
    its 32 raw bytes): a signature by any other key is refused, and since the fingerprint is
    part of the signed instrument, every signatory signs which keys count.

    >>> Signatory("Ukraine", OrganisationKind.PARTY, "Minister of Infrastructure").to_dict()
    {'organisation': 'Ukraine', 'kind': 'party', 'signs_as': 'Minister of Infrastructure', \
'key_fingerprint': None}
    """

    organisation: str
    kind: OrganisationKind
    signs_as: str = ""
    key_fingerprint: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.organisation, str) or not self.organisation.strip():
            raise AgreementError(N_("a signatory needs an organisation name"))
        object.__setattr__(self, "organisation", _nfc(self.organisation))
        object.__setattr__(self, "signs_as", _nfc(self.signs_as))
        kind = OrganisationKind(self.kind)
        if kind is OrganisationKind.OBSERVER:
            raise AgreementError(
                N_("%(organisation)r is an observer; observers do not sign"),
                params={"organisation": self.organisation},
            )
        object.__setattr__(self, "kind", kind)
        if self.key_fingerprint is not None and not _HEX64.fullmatch(self.key_fingerprint):
            raise AgreementError(
                N_("key fingerprint of %(organisation)r must be 64 lower-case hex digits"),
                params={"organisation": self.organisation},
            )

    def to_dict(self) -> dict[str, Any]:
        """The signatory as plain JSON data."""
        return {
            "organisation": self.organisation,
            "kind": str(self.kind),
            "signs_as": self.signs_as,
            "key_fingerprint": self.key_fingerprint,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Signatory:
        """Inverse of :meth:`to_dict`."""
        return cls(
            str(data["organisation"]),
            OrganisationKind(data["kind"]),
            str(data.get("signs_as", "")),
            data.get("key_fingerprint"),
        )


@dataclass(frozen=True, slots=True)
class InstrumentText:
    """An instrument's own words in one working language: its title and preamble."""

    title: str
    preamble: str

    def __post_init__(self) -> None:
        for name in ("title", "preamble"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise AgreementError(
                    N_("an instrument needs a non-empty %(field)s in each language"),
                    params={"field": name},
                )
            object.__setattr__(self, name, _nfc(value))

    def to_dict(self) -> dict[str, str]:
        """Plain JSON data."""
        return {"title": self.title, "preamble": self.preamble}


@dataclass(frozen=True, eq=False)
class Instrument(Canonical):
    """One party's instrument: its own title, preamble and signatories around the shared terms.

    >>> import datetime as dt
    >>> from gobetween.agreements.terms import Renewal, RenewalRule
    >>> terms = OperativeTerms("corridor", {"ports": "three"}, {"ports": "Three ports."}, 120,
    ...                        Renewal(RenewalRule.NONE), dt.date(2022, 7, 22))
    >>> ua = Instrument("Ukraine", "Initiative (Ukraine)", "Ukraine and the UN agree:",
    ...                 (Signatory("Ukraine", OrganisationKind.PARTY),
    ...                  Signatory("United Nations", OrganisationKind.MEDIATOR)), terms)
    >>> ua.signing_message().startswith(b"gobetween-instrument-v1\\x00{")
    True
    >>> ua.signatory_names
    ('Ukraine', 'United Nations')
    """

    party: str
    title: str
    preamble: str
    signatories: tuple[Signatory, ...]
    terms: OperativeTerms
    texts: Mapping[str, InstrumentText] = field(default_factory=dict)
    _bytes: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("party", "title", "preamble"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise AgreementError(
                    N_("an instrument needs a non-empty %(field)s"), params={"field": name}
                )
            object.__setattr__(self, name, _nfc(value))
        signatories = tuple(self.signatories)
        object.__setattr__(self, "signatories", signatories)
        names = [s.organisation for s in signatories]
        if len(set(names)) != len(names):
            raise AgreementError(
                N_("instrument of %(party)r lists a signatory twice"), params={"party": self.party}
            )
        parties = [s.organisation for s in signatories if s.kind is OrganisationKind.PARTY]
        if parties != [self.party]:
            raise AgreementError(
                N_(
                    "the instrument of %(party)r must have that party as its only party "
                    "signatory, has %(parties)s"
                ),
                params={"party": self.party, "parties": parties},
            )
        if not isinstance(self.terms, OperativeTerms):
            raise AgreementError("an instrument needs OperativeTerms")
        texts = dict(self.texts)
        if set(texts) != set(self.terms.languages):
            raise AgreementError(
                N_(
                    "the instrument of %(party)r has its title and preamble in %(texts)s, its "
                    "terms are in %(terms)s"
                ),
                params={
                    "party": self.party,
                    "texts": sorted(texts) or Sentence(N_("no language")),
                    "terms": list(self.terms.languages) or Sentence(N_("one unnamed language")),
                },
            )
        object.__setattr__(self, "texts", {code: texts[code] for code in self.terms.languages})
        self._seal()

    @property
    def signatory_names(self) -> tuple[str, ...]:
        """The organisations of the signature block, in order."""
        return tuple(s.organisation for s in self.signatories)

    @property
    def mediators(self) -> tuple[str, ...]:
        """The mediating organisations that sign this instrument."""
        return tuple(
            s.organisation for s in self.signatories if s.kind is OrganisationKind.MEDIATOR
        )

    def signatory(self, organisation: str) -> Signatory:
        """The signatory entry of ``organisation``; :class:`AgreementError` if it does not sign."""
        for s in self.signatories:
            if s.organisation == _nfc(organisation):
                return s
        raise AgreementError(
            N_("%(organisation)r is not a signatory of the instrument of %(party)r"),
            params={"organisation": organisation, "party": self.party},
        )

    def text(self, code: str) -> InstrumentText:
        """The title and preamble in language ``code`` (the only ones, for one language)."""
        if not self.texts:
            return InstrumentText(self.title, self.preamble)
        try:
            return self.texts[code]
        except KeyError:
            raise AgreementError(
                N_("the instrument has no %(language)s version"), params={"language": code}
            ) from None

    def to_dict(self) -> dict[str, Any]:
        """The instrument as plain JSON data (what is canonicalised and signed)."""
        data = {
            "format": INSTRUMENT_FORMAT,
            "party": self.party,
            "title": self.title,
            "preamble": self.preamble,
            "signatories": [s.to_dict() for s in self.signatories],
            "terms_hash": self.terms.terms_hash(),
            "terms": self.terms.to_dict(),
        }
        if self.texts:
            data["format"] = INSTRUMENT_FORMAT_LANGUAGES
            data["texts"] = {code: text.to_dict() for code, text in self.texts.items()}
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, check_hash: bool = True) -> Instrument:
        """Inverse of :meth:`to_dict`.

        With ``check_hash`` (the default) the stated ``terms_hash`` must match the terms; the
        verifier turns it off to report a mismatch as a finding of its own.
        """
        try:
            if data["format"] not in (INSTRUMENT_FORMAT, INSTRUMENT_FORMAT_LANGUAGES):
                raise AgreementError(
                    N_("unknown instrument format %(format)r"), params={"format": data["format"]}
                )
            terms = OperativeTerms.from_dict(data["terms"])
            texts = {
                str(code): InstrumentText(str(text["title"]), str(text["preamble"]))
                for code, text in dict(data.get("texts") or {}).items()
            }
            if (data["format"] == INSTRUMENT_FORMAT_LANGUAGES) != bool(texts):
                raise AgreementError(N_("the instrument's format tag does not fit its languages"))
            instrument = cls(
                str(data["party"]),
                str(data["title"]),
                str(data["preamble"]),
                tuple(Signatory.from_dict(s) for s in data["signatories"]),
                terms,
                texts,
            )
            stated = data["terms_hash"]
        except (KeyError, TypeError, ValueError) as exc:
            raise AgreementError(
                N_("malformed instrument: %(reason)s"), params={"reason": repr(exc)}
            ) from None
        if check_hash and stated != terms.terms_hash():
            raise AgreementError(
                N_(
                    "instrument of %(party)r states terms hash %(stated)s, but its terms hash to "
                    "%(value)s"
                ),
                params={"party": instrument.party, "stated": stated, "value": terms.terms_hash()},
            )
        return instrument

    def instrument_hash(self) -> str:
        """Hex SHA-256 of :meth:`canonical_bytes`."""
        return sha256_hex(self._bytes)

    def signing_message(self) -> bytes:
        """The exact bytes each signatory signs: ``SIGNING_DOMAIN + canonical_bytes()``."""
        return SIGNING_DOMAIN + self._bytes


def mirror_instruments(
    terms: OperativeTerms,
    parties: Sequence[Signatory],
    mediators: Sequence[Signatory],
    *,
    titles: Mapping[str, str] | None = None,
    preambles: Mapping[str, str] | None = None,
    called: str = "",
) -> tuple[Instrument, ...]:
    """One instrument per party around the same ``terms``: that party plus all the mediators.

    Titles and preambles default to plain wording naming the agreement (``called``, else the
    terms' agenda), the party and the mediators.

    >>> import datetime as dt
    >>> from gobetween.agreements.terms import Renewal, RenewalRule
    >>> terms = OperativeTerms("corridor", {"ports": "three"}, {"ports": "Three ports."}, 120,
    ...                        Renewal(RenewalRule.NONE), dt.date(2022, 7, 22))
    >>> ua, ru = mirror_instruments(
    ...     terms,
    ...     [Signatory("Ukraine", OrganisationKind.PARTY),
    ...      Signatory("Russian Federation", OrganisationKind.PARTY)],
    ...     [Signatory("Türkiye", OrganisationKind.MEDIATOR),
    ...      Signatory("United Nations", OrganisationKind.MEDIATOR)])
    >>> ru.signatory_names
    ('Russian Federation', 'Türkiye', 'United Nations')
    >>> ua.terms.terms_hash() == ru.terms.terms_hash()
    True
    """
    # keyed by the parties' names as the signatories hold them (NFC), so a name typed in
    # another Unicode form still finds its party
    titles = {_nfc(k): v for k, v in (titles or {}).items()}
    preambles = {_nfc(k): v for k, v in (preambles or {}).items()}
    for s in parties:
        if s.kind is not OrganisationKind.PARTY:
            raise AgreementError(
                N_("%(organisation)r is listed as a party but is a %(kind)s"),
                params={"organisation": s.organisation, "kind": s.kind},
            )
    for s in mediators:
        if s.kind is not OrganisationKind.MEDIATOR:
            raise AgreementError(
                N_("%(organisation)r is listed as a mediator but is a %(kind)s"),
                params={"organisation": s.organisation, "kind": s.kind},
            )
    names = [s.organisation for s in parties]
    if len(set(names)) != len(names) or not names:
        raise AgreementError(N_("mirror instruments need distinct parties, at least one"))
    unknown = set(titles) | set(preambles)
    unknown -= set(names)
    if unknown:
        raise AgreementError(
            N_("title or preamble given for non-parties: %(names)s"),
            params={"names": sorted(unknown)},
        )
    mediator_names = " and ".join(s.organisation for s in mediators) or "the mediators"
    out = []
    for party in parties:
        name = party.organisation
        texts = _texts(terms, name, [s.organisation for s in mediators], called)
        first = next(iter(texts.values()), None)
        out.append(
            Instrument(
                party=name,
                title=titles.get(
                    name,
                    first.title if first else f"{called or terms.agenda}: instrument of {name}",
                ),
                preamble=preambles.get(
                    name,
                    first.preamble
                    if first
                    else f"{name}, with {mediator_names}, agrees to the operative terms below.",
                ),
                signatories=(party, *mediators),
                terms=terms,
                texts=texts,
            )
        )
    return tuple(out)


def _texts(
    terms: OperativeTerms, party: str, mediators: Sequence[str], called: str = ""
) -> dict[str, InstrumentText]:
    """A party's title and preamble in each language of ``terms`` (none for one language),
    the agreement ``called`` so (else by its terms' agenda)."""
    out: dict[str, InstrumentText] = {}
    for code in terms.languages:
        lang = language(code)
        values = {
            "agenda": called or terms.agenda,
            "party": party,
            "mediators": lang.join(mediators),
        }
        out[code] = InstrumentText(lang.label("title", **values), lang.label("preamble", **values))
    return out
