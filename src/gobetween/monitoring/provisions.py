"""Provisions and their implementation status on the Peace Accords Matrix scale.

Every operative article of an agreement is a *provision*. The joint team assesses each one, over
time, on the four levels of the Peace Accords Matrix (Joshi, Quinn & Regan 2015): not initiated,
minimal, intermediate, complete. Every change of level carries its evidence (documents, links,
events of the joint record) and names who assessed it. :func:`barometer` gives the share of
provisions at each level on given dates, as the Kroc Institute's Barometer reports chart them.

>>> import datetime as dt
>>> at = dt.datetime(2022, 9, 1, tzinfo=dt.timezone.utc)
>>> provisions = [Provision("art-1", "Article 1", "Ports"), Provision("art-2", "Article 2", "JCC")]
>>> a = Assessment(at, "art-2", Level.COMPLETE, "Joint Coordination Centre",
...                (Evidence(EvidenceKind.LINK, "https://www.un.org/en/black-sea-grain-initiative"),))
>>> table = barometer(provisions, [a], [dt.date(2022, 8, 31), dt.date(2022, 9, 30)])
>>> table.rows
((\'2022-08-31\', 1.0, 0.0, 0.0, 0.0, 2), (\'2022-09-30\', 0.5, 0.0, 0.0, 0.5, 2))
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gobetween.errors import N_, InvalidModel, Sentence
from gobetween.monitoring.events import check_choice, check_text, not_one_of
from gobetween.monitoring.figures import Cell, FigureTable

__all__ = [
    "BAROMETER_CAVEAT",
    "Assessment",
    "Evidence",
    "EvidenceKind",
    "Level",
    "Provision",
    "ProvisionStatus",
    "assessment_from_dict",
    "assessment_to_dict",
    "barometer",
    "cited",
    "month_ends",
    "statuses",
]

#: What the barometer can and cannot show (shown wherever it is).
BAROMETER_CAVEAT = (
    "Each provision counts once, whatever its weight: a central article and a minor one count "
    "alike. The levels are the joint team's assessments (Peace Accords Matrix scale); a "
    "provision never assessed counts as not initiated."
)


class Level(enum.StrEnum):
    """The Peace Accords Matrix implementation levels, in order (Joshi, Quinn & Regan 2015)."""

    NOT_INITIATED = "not_initiated"
    MINIMAL = "minimal"
    INTERMEDIATE = "intermediate"
    COMPLETE = "complete"

    @property
    def rank(self) -> int:
        """0 for not initiated up to 3 for complete."""
        return list(Level).index(self)


#: Each level in words (marked for translation), for sentences that name one.
LEVEL_WORDS = {
    Level.NOT_INITIATED: N_("not initiated"),
    Level.MINIMAL: N_("minimal"),
    Level.INTERMEDIATE: N_("intermediate"),
    Level.COMPLETE: N_("complete"),
}


class EvidenceKind(enum.StrEnum):
    """What backs an assessment: a document, a link, or an event of the joint record."""

    DOCUMENT = "document"
    LINK = "link"
    EVENT = "event"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of evidence: a document's reference, a web link or an event of the record
    (what the record lists: an entry's reference, an item or incident of its events, a voyage's
    number; the service checks the record holds it, :func:`cited`)."""

    kind: EvidenceKind
    reference: str
    note: str = ""

    def __post_init__(self) -> None:
        kind = check_choice(
            EvidenceKind, self.kind, "kind", N_("evidence kind %(kind)r is unknown"), kind=self.kind
        )
        object.__setattr__(self, "kind", kind)
        reference = check_text(self.reference, N_("evidence"), "reference").strip()
        if self.kind is EvidenceKind.LINK and not reference.startswith(("https://", "http://")):
            raise InvalidModel(
                N_("link %(reference)r is not a web address"),
                location="reference",
                expected=N_("an address starting with https://"),
                params={"reference": reference},
            )
        object.__setattr__(self, "reference", reference)


#: Characters that continue a reference (``EX-1`` goes on in ``EX-10``, ``EX-1/2``, ``#1``).
_REFERENCE_JOINERS = frozenset("-_/#")


def _loose(text: str) -> str:
    return " ".join(text.casefold().split())


def _ends(text: str, index: int, edge: str) -> bool:
    """Whether a match whose edge character is ``edge`` ends before ``text[index]``: at either
    end of the text, or next to a character that does not go on with it."""
    if index < 0 or index >= len(text):
        return True
    joins = text[index].isalnum() or text[index] in _REFERENCE_JOINERS
    return not (joins and (edge.isalnum() or edge in _REFERENCE_JOINERS))


def cited(reference: str, known: Iterable[str]) -> str | None:
    """The first of the ``known`` references of a record that the evidence ``reference``
    names, or ``None``: it appears in it whole (compared loosely: case and spacing), not as
    part of a longer reference (``EX-10`` does not name ``EX-1``), words around it allowed
    (``incident INC-7A``, ``EX-2022-09-21: 215 returned``).

    >>> cited("incident INC-7A", ["INC-7", "INC-7A"])
    'INC-7A'
    >>> cited("EX-10", ["EX-1"]), cited("EX-99", ["EX-1", "#99"])
    (None, None)
    >>> cited("Voyage #1 RAZONI left Odesa on 1 August", ["voyage #1 razoni"])
    'voyage #1 razoni'
    """
    text = _loose(reference)
    for ref in known:
        wanted = _loose(ref)
        start = text.find(wanted) if wanted else -1
        while start >= 0:
            end = start + len(wanted)
            if _ends(text, start - 1, wanted[0]) and _ends(text, end, wanted[-1]):
                return ref
            start = text.find(wanted, start + 1)
    return None


@dataclass(frozen=True, slots=True)
class Provision:
    """An operative article of the agreement whose implementation is followed."""

    key: str
    article: str
    title: str

    def __post_init__(self) -> None:
        for name in ("key", "article", "title"):
            check_text(getattr(self, name), N_("provision"), name)


@dataclass(frozen=True, slots=True)
class Assessment:
    """The joint team's assessment of one provision at one time, with its evidence and two
    notes: ``note`` for every signatory, ``internal_note`` for the joint team itself (who reads
    which is the policy's: :func:`gobetween.policy.assessment_notes`)."""

    at: dt.datetime
    provision: str
    level: Level
    assessed_by: str
    evidence: tuple[Evidence, ...] = ()
    note: str = ""
    internal_note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.at, dt.datetime) or self.at.utcoffset() is None:
            raise InvalidModel(
                N_("assessment time %(at)r has no time zone"),
                location="at",
                expected=N_("a time with a time zone, e.g. 2022-09-01T12:00:00+00:00"),
                params={"at": self.at},
            )
        check_text(self.provision, N_("assessment"), "provision")
        check_text(self.assessed_by, N_("assessment"), "assessed_by")
        level = check_choice(
            Level,
            self.level,
            "level",
            N_("level %(level)r is not on the Peace Accords Matrix scale"),
            level=self.level,
        )
        object.__setattr__(self, "level", level)
        object.__setattr__(self, "evidence", tuple(self.evidence))


@dataclass(frozen=True, slots=True)
class ProvisionStatus:
    """A provision's current level and the assessments that led there (oldest first)."""

    provision: Provision
    history: tuple[Assessment, ...]

    @property
    def level(self) -> Level:
        """The latest assessed level (not initiated when never assessed)."""
        return self.history[-1].level if self.history else Level.NOT_INITIATED

    def level_on(self, day: dt.date) -> Level:
        """The level as it stood at the end of ``day`` (UTC)."""
        level = Level.NOT_INITIATED
        for assessment in self.history:
            if assessment.at.astimezone(dt.UTC).date() <= day:
                level = assessment.level
        return level


def statuses(
    provisions: Iterable[Provision], assessments: Iterable[Assessment]
) -> tuple[ProvisionStatus, ...]:
    """Each provision with its assessments in time order.

    Raises
    ------
    InvalidModel
        For an assessment of an unknown provision, or a change of level without evidence.
    """
    known = {p.key: p for p in provisions}
    history: dict[str, list[Assessment]] = {key: [] for key in known}
    for i, assessment in enumerate(sorted(assessments, key=lambda a: a.at)):
        if assessment.provision not in known:
            raise not_one_of(
                N_("assessment %(number)s is of an unknown provision %(provision)r"),
                known,
                "provision",
                number=i,
                provision=assessment.provision,
            )
        past = history[assessment.provision]
        before = past[-1].level if past else Level.NOT_INITIATED
        if assessment.level is not before and not assessment.evidence:
            raise InvalidModel(
                N_("%(provision)s: a change from %(before)s to %(after)s needs evidence"),
                location="evidence",
                expected=N_("at least one document, link or record event"),
                params={
                    "provision": assessment.provision,
                    "before": Sentence(LEVEL_WORDS[before]),  # in the reader's words
                    "after": Sentence(LEVEL_WORDS[assessment.level]),
                },
            )
        past.append(assessment)
    return tuple(ProvisionStatus(p, tuple(history[p.key])) for p in known.values())


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of every month from ``start``'s to ``end``'s, ``end`` itself last.

    >>> month_ends(dt.date(2022, 7, 22), dt.date(2022, 9, 10))
    [datetime.date(2022, 7, 31), datetime.date(2022, 8, 31), datetime.date(2022, 9, 10)]
    """
    out = []
    year, month = start.year, start.month
    while (year, month) < (end.year, end.month):
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        out.append(following - dt.timedelta(days=1))
        year, month = following.year, following.month
    out.append(end)
    return out


def barometer(
    provisions: Sequence[Provision],
    assessments: Iterable[Assessment],
    dates: Sequence[dt.date],
) -> FigureTable:
    """The share of provisions at each level on each date (a Barometer-style table)."""
    states = statuses(provisions, assessments)
    rows: list[tuple[Cell, ...]] = []
    for day in dates:
        counts = dict.fromkeys(Level, 0)
        for state in states:
            counts[state.level_on(day)] += 1
        total = len(states)
        shares = [counts[level] / total if total else 0.0 for level in Level]
        rows.append((day.isoformat(), *shares, total))
    columns = ("date", *(level.value for level in Level), "provisions")
    return FigureTable("provision_levels", columns, tuple(rows), caveat=BAROMETER_CAVEAT)


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """The JSON form of an assessment, both notes included (the service shows each reader the
    notes the policy grants it)."""
    return {
        "at": assessment.at.isoformat(),
        "provision": assessment.provision,
        "level": assessment.level.value,
        "assessed_by": assessment.assessed_by,
        "evidence": [
            {"kind": e.kind.value, "reference": e.reference, "note": e.note}
            for e in assessment.evidence
        ],
        "note": assessment.note,
        "internal_note": assessment.internal_note,
    }


def assessment_from_dict(data: Mapping[str, Any]) -> Assessment:
    """Read an assessment from its JSON form; :class:`InvalidModel` names the bad field.

    >>> assessment_from_dict({"at": "2022-09-01T00:00:00+00:00", "provision": "art-1",
    ...     "level": "minimal", "assessed_by": "UN", "evidence": []}).level
    <Level.MINIMAL: 'minimal'>
    """
    try:
        at = dt.datetime.fromisoformat(str(data.get("at")))
    except ValueError:
        raise InvalidModel(
            N_("time %(value)r is not ISO 8601"),
            location="at",
            expected="2022-09-01T12:00:00+00:00",
            params={"value": data.get("at")},
        ) from None
    raw = data.get("evidence") or []
    if not isinstance(raw, list):
        raise InvalidModel(N_("evidence is not a list"), location="evidence", expected=N_("a list"))
    evidence = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise InvalidModel(
                N_("evidence %(index)s is not an object"),
                location=f"evidence[{i}]",
                params={"index": i},
            )
        try:
            evidence.append(
                Evidence(item.get("kind"), item.get("reference"), str(item.get("note") or ""))  # type: ignore[arg-type]  # validated by Evidence
            )
        except InvalidModel as error:
            raise error.located(location=f"evidence[{i}]") from None
    return Assessment(
        at=at,
        provision=data.get("provision"),  # type: ignore[arg-type]  # validated by Assessment
        level=data.get("level"),  # type: ignore[arg-type]  # validated by Assessment
        assessed_by=data.get("assessed_by"),  # type: ignore[arg-type]  # validated by Assessment
        evidence=tuple(evidence),
        note=str(data.get("note") or ""),
        internal_note=str(data.get("internal_note") or ""),
    )
