"""Operative terms: what every party's instrument says identically, canonicalised and hashed.

The *operative terms* of an agreement are frozen from the text version that every party accepted:
the chosen option per issue, the clause text per issue, the term in days, the renewal rule, the
effective date and any linked side instruments. They are turned into bytes in one exact way
(:func:`canonical_bytes`), and the SHA-256 of those bytes is the *terms hash* that every
instrument carries and every signature covers.

Canonical form
--------------
1. Every string (keys and values) is Unicode-normalised to NFC, so that ``"Türkiye"`` typed with
   a precomposed ``ü`` (U+00FC) and with ``u`` + combining diaeresis (U+0075 U+0308) give the
   same bytes. Two keys of one object that become equal under NFC are refused.
2. The result is serialised with the JSON Canonicalization Scheme (RFC 8785, Rundgren, Jordan &
   Erdtman 2020): object keys sorted by their UTF-16 code units, no insignificant whitespace,
   strings in UTF-8 with minimal escaping, numbers in the shortest ECMAScript form (``1.0`` is
   written ``1``, ``1e21`` is ``1e+21``). Integers outside ±(2**53 - 1), NaN and infinities are
   refused because JSON numbers cannot carry them exactly.

Terms in several working languages (``versions``, one
:class:`~gobetween.agreements.language_versions.LanguageVersion` per language) are written with
the format tag ``gobetween-terms-v2`` and carry ``languages`` and ``versions``, so the terms hash
covers every language version; terms without them keep the ``gobetween-terms-v1`` bytes (and
hashes) they always had.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import rfc8785

from gobetween.agreements.language_versions import (
    LanguageVersion,
    check_same_articles,
    versions_from_dict,
    versions_to_dict,
)
from gobetween.errors import N_, AgreementError, GobetweenError, Sentence
from gobetween.model.package import Package

__all__ = [
    "TERMS_FORMAT",
    "Canonical",
    "Link",
    "OperativeTerms",
    "Renewal",
    "RenewalRule",
    "canonical_bytes",
    "check_term_days",
    "normalise",
    "sha256_hex",
]

#: Format tag written into the canonical terms; a new layout gets a new tag.
TERMS_FORMAT = "gobetween-terms-v1"
#: Format tag of terms that carry language versions (every working language's text).
TERMS_FORMAT_LANGUAGES = "gobetween-terms-v2"

_HEX64 = re.compile(r"[0-9a-f]{64}")


def check_term_days(
    days: object, error: type[GobetweenError], not_whole: str, not_positive: str
) -> int:
    """``days`` if it is a term: a whole number of days above 0 (the one rule for a term, a
    first one or a renewal); else ``error`` with the message ``not_whole`` or ``not_positive``
    (marked :func:`N_`, the value in ``%(days)s``).

    >>> check_term_days(0, AgreementError, N_("not whole: %(days)r"), N_("not positive: %(days)s"))
    Traceback (most recent call last):
    ...
    gobetween.errors.AgreementError: not positive: 0
    """
    if isinstance(days, bool) or not isinstance(days, int):
        raise error(not_whole, params={"days": days})
    if days <= 0:
        raise error(not_positive, params={"days": days})
    return days


def normalise(value: Any) -> Any:
    """Return ``value`` with every string NFC-normalised and tuples turned into lists.

    >>> normalise({"Tu\\u0308rkiye": ("a", 1)}) == {"Türkiye": ["a", 1]}
    True
    """
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise AgreementError(f"canonical JSON needs string keys, got {key!r}")
            nkey = unicodedata.normalize("NFC", key)
            if nkey in out:
                raise AgreementError(
                    N_("two keys become %(key)r under Unicode NFC normalisation"),
                    params={"key": nkey},
                )
            out[nkey] = normalise(item)
        return out
    if isinstance(value, list | tuple):
        return [normalise(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    raise AgreementError(f"cannot canonicalise a {type(value).__name__}: {value!r}")


def canonical_bytes(value: Any) -> bytes:
    """NFC-normalise ``value`` and serialise it with RFC 8785 (JSON canonicalisation).

    >>> canonical_bytes({"b": 1.0, "a": [1e21, "e\\u0301"]})
    b'{"a":[1e+21,"\\xc3\\xa9"],"b":1}'
    """
    try:
        return rfc8785.dumps(normalise(value))
    except rfc8785.CanonicalizationError as exc:
        raise AgreementError(
            N_("cannot canonicalise: %(reason)s"), params={"reason": str(exc)}
        ) from None


class Canonical:
    """Base of a value known by its canonical bytes (:func:`canonical_bytes` of its
    ``to_dict()``, what is hashed and signed): two are equal, and hash alike, when those bytes
    are. A subclass (a frozen dataclass with ``eq=False``) seals the bytes once it has checked
    its fields, with :meth:`_seal`.
    """

    __slots__ = ()
    _bytes: bytes

    def to_dict(self) -> dict[str, Any]:
        """The value as plain JSON data: what :func:`canonical_bytes` serialises."""
        raise NotImplementedError

    def _seal(self) -> None:
        object.__setattr__(self, "_bytes", canonical_bytes(self.to_dict()))

    def canonical_bytes(self) -> bytes:
        """The RFC 8785 canonical JSON of :meth:`to_dict` (strings NFC-normalised)."""
        return self._bytes

    def __eq__(self, other: object) -> bool:
        """Equal when the canonical bytes are (same type, same content, same order)."""
        if not isinstance(other, type(self)):
            return NotImplemented
        return self._bytes == other._bytes

    def __hash__(self) -> int:
        return hash(self._bytes)


def sha256_hex(data: bytes) -> str:
    """Lower-case hexadecimal SHA-256 of ``data``.

    >>> sha256_hex(b"")[:16]
    'e3b0c44298fc1c14'
    """
    return hashlib.sha256(data).hexdigest()


#: The refusal of an issue whose option or clause is empty.
_EMPTY_TEXT = {
    "option": N_("issue %(issue)r: the option must be non-empty text"),
    "clause": N_("issue %(issue)r: the clause must be non-empty text"),
}


def _nfc_table(table: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, text in dict(table).items():
        if not isinstance(key, str) or not isinstance(text, str):
            raise AgreementError(
                N_("issue names and texts must be strings, got %(key)r: %(text)r"),
                params={"key": key, "text": text},
            )
        nkey = unicodedata.normalize("NFC", key)
        if nkey in out:
            raise AgreementError(
                N_("two issues become %(issue)r under Unicode NFC normalisation"),
                params={"issue": nkey},
            )
        out[nkey] = unicodedata.normalize("NFC", text)
    return out


class RenewalRule(enum.StrEnum):
    """How the term is renewed when it ends."""

    #: Renewed for the same term unless a party gives notice (at least ``notice_days`` before).
    AUTOMATIC_UNLESS_NOTICE = "automatic_unless_notice"
    #: Renewed only when every signatory consents to the same new term.
    BY_CONSENT = "by_consent"
    #: Never renewed: the agreement expires at the end of its term.
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Renewal:
    """The renewal clause: the rule and, for automatic renewal, the notice period in days.

    >>> Renewal(RenewalRule.AUTOMATIC_UNLESS_NOTICE, notice_days=7).to_dict()
    {'rule': 'automatic_unless_notice', 'notice_days': 7}
    """

    rule: RenewalRule
    notice_days: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "rule", RenewalRule(self.rule))
        if not isinstance(self.notice_days, int) or self.notice_days < 0:
            raise AgreementError(
                N_("notice period must be a whole number of days >= 0, got %(notice_days)r"),
                params={"notice_days": self.notice_days},
            )
        if self.rule is not RenewalRule.AUTOMATIC_UNLESS_NOTICE and self.notice_days:
            raise AgreementError(
                N_("a notice period makes sense only for automatic renewal, not %(rule)s"),
                params={"rule": self.rule},
            )

    def to_dict(self) -> dict[str, Any]:
        """The clause as plain JSON data."""
        return {"rule": str(self.rule), "notice_days": self.notice_days}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Renewal:
        """Inverse of :meth:`to_dict`."""
        return cls(RenewalRule(data["rule"]), int(data.get("notice_days", 0)))


@dataclass(frozen=True, slots=True)
class Link:
    """A reference from these terms to another agreement, by that agreement's terms hash.

    A *side instrument* (like the Russia-UN memorandum on food and fertiliser beside the Black Sea
    Grain Initiative) is a second agreement whose obligations are tracked beside the first; the
    link is part of the operative terms, so every signatory signs the reference.

    >>> Link("Memorandum on food and fertiliser", "ab" * 32).relation
    'side-instrument'
    """

    title: str
    terms_hash: str
    relation: str = "side-instrument"

    def __post_init__(self) -> None:
        if not isinstance(self.title, str) or not self.title.strip():
            raise AgreementError(N_("a linked instrument needs a title"))
        if not isinstance(self.terms_hash, str) or not _HEX64.fullmatch(self.terms_hash):
            raise AgreementError(
                N_(
                    "link %(title)r: terms hash must be 64 lower-case hex digits, got "
                    "%(terms_hash)r"
                ),
                params={"title": self.title, "terms_hash": self.terms_hash},
            )

    def to_dict(self) -> dict[str, str]:
        """The link as plain JSON data."""
        return {"title": self.title, "terms_hash": self.terms_hash, "relation": self.relation}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Link:
        """Inverse of :meth:`to_dict`."""
        return cls(str(data["title"]), str(data["terms_hash"]), str(data["relation"]))


@dataclass(frozen=True, eq=False)
class OperativeTerms(Canonical):
    """The operative terms every instrument of one agreement carries identically.

    ``options`` and ``clauses`` map each issue (in agenda order) to the chosen option and to the
    clause text; build them from an accepted package with :meth:`from_package`.

    >>> from gobetween.model import Agenda, Issue
    >>> agenda = Agenda((Issue.discrete("ports", ["Odesa", "three ports"]),), name="corridor")
    >>> terms = OperativeTerms.from_package(
    ...     agenda.package({"ports": "three ports"}),
    ...     {"ports": "Exports leave from Odesa, Chornomorsk and Yuzhny."},
    ...     term_days=120, renewal=Renewal(RenewalRule.AUTOMATIC_UNLESS_NOTICE),
    ...     effective_date=dt.date(2022, 7, 22))
    >>> terms.canonical_bytes()[:40]
    b'{"agenda":"corridor","clauses":{"ports":'
    >>> len(terms.terms_hash())
    64
    """

    agenda: str
    options: Mapping[str, str]
    clauses: Mapping[str, str]
    term_days: int
    renewal: Renewal
    effective_date: dt.date
    links: tuple[Link, ...] = ()
    versions: tuple[LanguageVersion, ...] = ()
    _bytes: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        options, clauses = _nfc_table(self.options), _nfc_table(self.clauses)
        object.__setattr__(self, "versions", tuple(self.versions))
        check_same_articles(self.versions)
        if not isinstance(self.agenda, str) or not self.agenda.strip():
            raise AgreementError(N_("operative terms need the agenda's name"))
        object.__setattr__(self, "agenda", unicodedata.normalize("NFC", self.agenda))
        if not options:
            raise AgreementError(N_("operative terms need at least one issue"))
        if set(options) != set(clauses):
            missing = sorted(set(options) ^ set(clauses))
            raise AgreementError(
                "every issue needs exactly one option and one clause; mismatched: "
                + ", ".join(repr(m) for m in missing)
            )
        for issue in options:
            for what, text in (("option", options[issue]), ("clause", clauses[issue])):
                if not text.strip():
                    raise AgreementError(_EMPTY_TEXT[what], params={"issue": issue})
        check_term_days(
            self.term_days,
            AgreementError,
            N_("term_days must be a whole number, got %(days)r"),
            N_("term_days must be positive, got %(days)s"),
        )
        if not isinstance(self.renewal, Renewal):
            raise AgreementError("renewal must be a Renewal")
        if isinstance(self.effective_date, dt.datetime) or not isinstance(
            self.effective_date, dt.date
        ):
            raise AgreementError(
                N_("effective_date must be a date, got %(date)r"),
                params={"date": self.effective_date},
            )
        object.__setattr__(self, "options", MappingProxyType(options))
        object.__setattr__(self, "clauses", MappingProxyType(clauses))
        object.__setattr__(self, "links", tuple(self.links))
        self._seal()

    @classmethod
    def from_package(
        cls,
        package: Package,
        clauses: Mapping[str, str],
        *,
        term_days: int,
        renewal: Renewal,
        effective_date: dt.date,
        links: tuple[Link, ...] = (),
    ) -> OperativeTerms:
        """Freeze the accepted ``package`` with its clause text; every issue needs a clause."""
        for name in clauses:
            if not package.agenda.has_issue(name):
                raise AgreementError(
                    N_("a clause is given for %(issue)r, which is not on the agenda"),
                    params={"issue": name},
                )
        return cls(
            agenda=package.agenda.name,
            options=package.options,
            clauses={issue: clauses.get(issue, "") for issue in package.agenda.issue_names},
            term_days=term_days,
            renewal=renewal,
            effective_date=effective_date,
            links=links,
        )

    @property
    def issues(self) -> tuple[str, ...]:
        """Issue names in their original order."""
        return tuple(self.options)

    @property
    def languages(self) -> tuple[str, ...]:
        """The working languages the terms are written in (empty: a single-language text)."""
        return tuple(v.language for v in self.versions)

    def version(self, language: str) -> LanguageVersion:
        """The language version in ``language``; :class:`AgreementError` if there is none."""
        for v in self.versions:
            if v.language == language:
                return v
        raise AgreementError(
            N_("the terms have no %(language)s version"), params={"language": language}
        )

    def to_dict(self) -> dict[str, Any]:
        """The terms as plain JSON data (the input of :meth:`canonical_bytes`)."""
        if self.versions:
            return {
                **self._v1_dict(),
                "format": TERMS_FORMAT_LANGUAGES,
                **versions_to_dict(self.versions),
            }
        return self._v1_dict()

    def _v1_dict(self) -> dict[str, Any]:
        return {
            "format": TERMS_FORMAT,
            "agenda": self.agenda,
            "issues": list(self.options),
            "options": dict(self.options),
            "clauses": dict(self.clauses),
            "term_days": self.term_days,
            "renewal": self.renewal.to_dict(),
            "effective_date": self.effective_date.isoformat(),
            "links": [link.to_dict() for link in self.links],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OperativeTerms:
        """Inverse of :meth:`to_dict`; :class:`AgreementError` on anything malformed."""
        try:
            if data["format"] not in (TERMS_FORMAT, TERMS_FORMAT_LANGUAGES):
                raise AgreementError(
                    N_("unknown terms format %(format)r"), params={"format": data["format"]}
                )
            versions: tuple[LanguageVersion, ...] = ()
            if data["format"] == TERMS_FORMAT_LANGUAGES:
                versions = versions_from_dict(data)
            options, clauses = dict(data["options"]), dict(data["clauses"])
            order = list(data["issues"])
            if sorted(order) != sorted(options):
                raise AgreementError(N_("the issue list does not match the options"))
            return cls(
                agenda=str(data["agenda"]),
                options={name: options[name] for name in order},
                clauses={name: clauses.get(name, "") for name in order},
                term_days=data["term_days"],
                renewal=Renewal.from_dict(data["renewal"]),
                effective_date=dt.date.fromisoformat(data["effective_date"]),
                links=tuple(Link.from_dict(link) for link in data["links"]),
                versions=versions,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise AgreementError(
                N_("malformed operative terms: %(reason)s"), params={"reason": repr(exc)}
            ) from None

    def terms_hash(self) -> str:
        """Hex SHA-256 of :meth:`canonical_bytes`: the terms hash."""
        return sha256_hex(self._bytes)

    def differences(self, other: OperativeTerms) -> tuple[str, ...]:
        """Human-readable list of what differs from ``other``, in English; empty when
        identical (:meth:`differing` gives the same marked for translation).

        >>> from gobetween.model import Agenda, Issue
        >>> a = OperativeTerms("g", {"x": "1"}, {"x": "One."}, 120,
        ...                    Renewal(RenewalRule.NONE), dt.date(2022, 7, 22))
        >>> a.differences(OperativeTerms("g", {"x": "1"}, {"x": "Two."}, 60,
        ...                              Renewal(RenewalRule.NONE), dt.date(2022, 7, 22)))
        ("clause of issue 'x'", 'term_days (120 vs 60)')
        """
        return tuple(str(difference) for difference in self.differing(other))

    def differing(self, other: OperativeTerms) -> tuple[Sentence, ...]:
        """What differs from ``other``, each a :class:`~gobetween.errors.Sentence` (said in
        the reader's language where it is shown); empty when identical."""
        out: list[Sentence] = []

        def note(template: str, **params: object) -> None:
            out.append(Sentence(template, params))

        if self.agenda != other.agenda:
            note(N_("agenda name (%(mine)r vs %(theirs)r)"), mine=self.agenda, theirs=other.agenda)
        for issue in dict.fromkeys([*self.options, *other.options]):
            mine, theirs = self.options.get(issue), other.options.get(issue)
            if mine is None or theirs is None:
                note(N_("issue %(issue)r present in only one"), issue=issue)
                continue
            if mine != theirs:
                note(
                    N_("option of issue %(issue)r (%(mine)r vs %(theirs)r)"),
                    issue=issue,
                    mine=mine,
                    theirs=theirs,
                )
            if self.clauses[issue] != other.clauses[issue]:
                note(N_("clause of issue %(issue)r"), issue=issue)
        if list(self.options) != list(other.options) and set(self.options) == set(other.options):
            note(N_("order of issues"))
        for setting, own_value, their_value in (
            (N_("term_days (%(mine)s vs %(theirs)s)"), self.term_days, other.term_days),
            (
                N_("renewal (%(mine)s vs %(theirs)s)"),
                self.renewal.to_dict(),
                other.renewal.to_dict(),
            ),
            (
                N_("effective_date (%(mine)s vs %(theirs)s)"),
                self.effective_date,
                other.effective_date,
            ),
        ):
            if own_value != their_value:
                note(setting, mine=own_value, theirs=their_value)
        if self.links != other.links:
            note(N_("linked instruments"))
        if self.versions != other.versions:
            note(N_("language versions"))
        return tuple(out)
