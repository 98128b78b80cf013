"""The agreement spec file: operative terms and signatories from which a bundle is built.

``gobetween agreement create SPEC.json`` reads a JSON (or YAML) document of this shape::

    {
      "agenda": "Black Sea corridor",
      "options": {"ports": "Odesa, Chornomorsk, Yuzhny", ...},       # issue -> chosen option
      "clauses": {"ports": "Exports leave from ...", ...},           # issue -> clause text
      "term_days": 120,
      "renewal": {"rule": "automatic_unless_notice", "notice_days": 0},
      "effective_date": "2022-07-22",
      "links": [{"title": "...", "terms_hash": "<64 hex>", "relation": "side-instrument"}],
      "parties": [{"organisation": "Ukraine", "signs_as": "Minister of Infrastructure",
                   "title": "...", "preamble": "...", "key_fingerprint": null}, ...],
      "mediators": [{"organisation": "Türkiye", "signs_as": "Minister of National Defence"}]
    }

Issues keep the order of ``options``. ``links``, ``signs_as``, ``title``, ``preamble`` and
``key_fingerprint`` are optional. Errors name the field (:class:`~gobetween.errors.InvalidModel`
with ``location``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from gobetween.agreements import (
    Instrument,
    Link,
    OperativeTerms,
    Renewal,
    RenewalRule,
    Signatory,
    mirror_instruments,
)
from gobetween.errors import N_, AgreementError, InvalidModel
from gobetween.model import OrganisationKind

__all__ = ["instruments_from_spec"]


def _get(data: Mapping[str, Any], key: str, kind: type, location: str) -> Any:
    if key not in data:
        raise InvalidModel(
            N_("missing field %(key)r"),
            location=location + key,
            expected=kind.__name__,
            params={"key": key},
        )
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InvalidModel(
            N_("field %(key)r is a %(name)s"),
            location=location + key,
            expected=N_("a %(wanted)s"),
            params={"key": key, "name": type(value).__name__, "wanted": kind.__name__},
        )
    return value


def _signatories(
    data: Mapping[str, Any], key: str, kind: OrganisationKind
) -> tuple[list[Signatory], dict[str, str], dict[str, str]]:
    entries = _get(data, key, list, "")
    signatories, titles, preambles = [], {}, {}
    for i, entry in enumerate(entries):
        where = f"{key}[{i}]."
        if not isinstance(entry, Mapping):
            raise InvalidModel(
                N_("%(entry)s is not an object"),
                location=f"{key}[{i}]",
                params={"entry": f"{key}[{i}]"},
            )
        name = _get(entry, "organisation", str, where)
        fingerprint = entry.get("key_fingerprint")
        try:
            signatories.append(Signatory(name, kind, str(entry.get("signs_as", "")), fingerprint))
        except AgreementError as exc:
            raise InvalidModel(exc.message, location=f"{key}[{i}]") from None
        if "title" in entry:
            titles[name] = _get(entry, "title", str, where)
        if "preamble" in entry:
            preambles[name] = _get(entry, "preamble", str, where)
    return signatories, titles, preambles


def _terms(data: Mapping[str, Any]) -> OperativeTerms:
    renewal = _get(data, "renewal", Mapping, "")
    date_text = _get(data, "effective_date", str, "")
    try:
        effective = dt.date.fromisoformat(date_text)
    except ValueError:
        raise InvalidModel(
            N_("effective_date %(date_text)r is not a date"),
            location="effective_date",
            expected="YYYY-MM-DD",
            params={"date_text": date_text},
        ) from None
    try:
        rule = Renewal(
            RenewalRule(_get(renewal, "rule", str, "renewal.")),
            _get(renewal, "notice_days", int, "renewal.") if "notice_days" in renewal else 0,
        )
        links = tuple(
            Link.from_dict(link)
            for link in (_get(data, "links", list, "") if "links" in data else [])
        )
        return OperativeTerms(
            agenda=_get(data, "agenda", str, ""),
            options=_get(data, "options", Mapping, ""),
            clauses=_get(data, "clauses", Mapping, ""),
            term_days=_get(data, "term_days", int, ""),
            renewal=rule,
            effective_date=effective,
            links=links,
        )
    except InvalidModel:
        raise
    except (AgreementError, KeyError, ValueError) as exc:
        message = exc.message if isinstance(exc, AgreementError) else str(exc)
        raise InvalidModel(message, expected=N_("valid operative terms")) from None


def instruments_from_spec(data: object, *, source: str | None = None) -> tuple[Instrument, ...]:
    """The mirror instruments an agreement spec describes (see the module docstring).

    >>> spec = {"agenda": "g", "options": {"x": "1"}, "clauses": {"x": "One."},
    ...         "term_days": 30, "renewal": {"rule": "none"}, "effective_date": "2024-01-01",
    ...         "parties": [{"organisation": "A"}, {"organisation": "B"}],
    ...         "mediators": [{"organisation": "M"}]}
    >>> [i.signatory_names for i in instruments_from_spec(spec)]
    [('A', 'M'), ('B', 'M')]
    """
    try:
        if not isinstance(data, Mapping):
            raise InvalidModel(N_("an agreement spec is an object"), expected=N_("a JSON object"))
        terms = _terms(data)
        parties, titles, preambles = _signatories(data, "parties", OrganisationKind.PARTY)
        mediators, _, _ = _signatories(data, "mediators", OrganisationKind.MEDIATOR)
        try:
            return mirror_instruments(terms, parties, mediators, titles=titles, preambles=preambles)
        except AgreementError as exc:
            raise InvalidModel(exc.message, location="parties") from None
    except InvalidModel as exc:
        raise exc.located(source=source) from None
