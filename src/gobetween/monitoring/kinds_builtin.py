"""The record kinds gobetween ships: voyages, exchanges and incidents, each a declaration.

- ``voyages``: the JCC's outbound voyages (read by :mod:`gobetween.formats.jcc`, which knows the
  continuation rows of a voyage; ``own_reader``), figures in :mod:`~gobetween.monitoring.figures`.
- ``exchanges``: prisoner and civilian returns: date, place, numbers by category each way, the
  verifying observer (e.g. the ICRC); the names list is confidential to the mediators and the
  party the people are returned to. Who released and who received are the agreement's parties,
  and the date lies from its entry into force up to today
  (:class:`~gobetween.monitoring.bounds.RecordBounds`).
- ``incidents``: e.g. strikes on energy facilities under a moratorium: alleged by a party
  privately to the mediators, assessed by the joint team (verified, not verified, disputed),
  published or not by an approved decision. What each party sees is decided in
  :mod:`gobetween.policy` (``INCIDENT_RULES``). The alleging and the accused are the
  agreement's parties, and the date lies from its entry into force up to today.

>>> sorted(REGISTRY)
['exchanges', 'incidents', 'voyages']
>>> [f.name for f in EXCHANGES.fields if f.confidential]
['names_list']
>>> [f.name for f in EXCHANGES.fields if f.party], [f.name for f in INCIDENTS.fields if f.happened]
(['released_by', 'returned_to'], ['date'])
>>> dict(VOYAGES.steps)
{'departure plan': 'departure plan', 'registration': 'registration'}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from gobetween.errors import N_
from gobetween.monitoring.figures import Cell, FigureTable
from gobetween.monitoring.kinds import (
    REGISTRY,
    Entry,
    FieldSpec,
    FieldType,
    FigureSpec,
    RecordKind,
    register,
)

__all__ = ["ASSESSMENTS", "EXCHANGES", "INCIDENTS", "REGISTRY", "VOYAGES"]

#: How the joint team may assess an alleged incident ("pending" until it has).
ASSESSMENTS = ("pending", "verified", "not verified", "disputed")
CATEGORIES = ("prisoners of war", "civilians", "remains")


def _month(entry: Entry) -> str:
    return str(entry.values["date"])[:7]


def _returns_by_month(entries: Sequence[Entry]) -> FigureTable:
    totals: dict[tuple[str, str, str], int] = defaultdict(int)
    for e in entries:
        totals[(_month(e), str(e.values["returned_to"]), str(e.values["category"]))] += int(
            e.values["number"]
        )
    rows = tuple((m, to, c, n) for (m, to, c), n in sorted(totals.items()))
    return FigureTable("returns_by_month", ("month", "returned_to", "category", "people"), rows)


def _returns_summary(entries: Sequence[Entry]) -> FigureTable:
    exchanges = {e.values["exchange"] for e in entries}
    totals: dict[str, int] = defaultdict(int)
    for e in entries:
        totals[str(e.values["returned_to"])] += int(e.values["number"])
    rows: list[tuple[Cell, ...]] = [("exchanges", len(exchanges))]
    rows.extend((f"returned to {to}", n) for to, n in sorted(totals.items()))
    return FigureTable("exchanges_summary", ("figure", "value"), tuple(rows))


def _incidents_by_assessment(entries: Sequence[Entry]) -> FigureTable:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for e in entries:
        counts[(_month(e), str(e.values.get("assessment") or "pending"))] += 1
    columns = ("month", *ASSESSMENTS)
    months = sorted({m for m, _ in counts})
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (m, *(counts[(m, a)] for a in ASSESSMENTS)) for m in months
    )
    return FigureTable("incidents_by_assessment", columns, rows)


VOYAGES = register(
    RecordKind(
        name="voyages",
        label="Voyages",
        noun=N_("voyage"),
        description="Outbound voyages and their cargo rows, as the JCC published them "
        "(CSV or the HDX workbook).",
        fields=(
            FieldSpec(
                "voyage", "#", FieldType.INTEGER, aliases=("Outbound Sequence",), public=True
            ),
            FieldSpec("vessel_name", "Vessel name", public=True),
            FieldSpec("imo", "IMO", FieldType.INTEGER, public=True),
            FieldSpec("departure_port", "Departure port", public=True),
            FieldSpec("country", "Country", public=True),
            FieldSpec("commodity", "Commodity", public=True),
            FieldSpec("tonnes", "Metric tons", FieldType.NUMBER, unit="t", public=True),
            FieldSpec("departure_date", "Departure date", FieldType.DATE, public=True),
            FieldSpec("inspection_date", "Inspection cleared", FieldType.DATE, required=False),
        ),
        key=("voyage", "imo"),
        own_reader=True,
        vocabulary={
            "item": "voyage",
            "item_example": "voyage #982",
            "plan": "departure plan",
            "team": "inspection team",
        },
        # the keys are what decisions have always stored ("departure plan" since the first
        # record), so every decision recorded before keeps meeting the same gate
        steps={"departure plan": "departure plan", "registration": "registration"},
    )
)

EXCHANGES = register(
    RecordKind(
        name="exchanges",
        label="Exchanges",
        noun=N_("exchange"),
        description="Returns of prisoners and civilians: one row per exchange, category and "
        "direction, verified by an observer organisation.",
        fields=(
            FieldSpec("exchange", "Exchange", help="the exchange's reference, e.g. EX-2022-09-21"),
            FieldSpec("date", "Date", FieldType.DATE, public=True, happened=True),
            FieldSpec("place", "Place", public=True),
            FieldSpec("released_by", "Released by", public=True, party=True),
            FieldSpec("returned_to", "Returned to", public=True, party=True),
            FieldSpec("category", "Category", FieldType.CHOICE, choices=CATEGORIES, public=True),
            FieldSpec("number", "Number", FieldType.INTEGER, unit="people", minimum=0, public=True),
            FieldSpec("observer", "Verified by", aliases=("Observer",), public=True),
            FieldSpec(
                "names_list",
                "Names list",
                required=False,
                confidential=True,
                help="the reference of the list of names (mediators and that party only)",
            ),
        ),
        key=("exchange", "returned_to", "category"),
        parties=("returned_to",),
        figures=(
            FigureSpec(
                "exchanges_summary",
                "Exchanges and people returned",
                "Counts the people the observer verified at each exchange; people released "
                "outside an exchange, or not verified, are not in the record.",
                _returns_summary,
            ),
            FigureSpec(
                "returns_by_month",
                "People returned by month, category and direction",
                "By the month of the exchange; a category's figure is what the exchange's "
                "protocol listed, not an independent count.",
                _returns_by_month,
            ),
        ),
        vocabulary={"item": "exchange", "item_example": "EX-2022-09-21"},
    )
)

INCIDENTS = register(
    RecordKind(
        name="incidents",
        label="Incidents",
        noun=N_("incident"),
        description="Alleged breaches (e.g. strikes on energy facilities under a moratorium): "
        "reported by a party to the mediators, assessed by the joint team.",
        fields=(
            FieldSpec("incident", "Incident", help="a reference, e.g. INC-2025-04-03-1"),
            FieldSpec("date", "Date", FieldType.DATE, public=True, happened=True),
            FieldSpec("place", "Place", public=True),
            FieldSpec("facility", "Facility", public=True),
            FieldSpec("alleged_by", "Alleged by", party=True),
            FieldSpec("accused", "Party accused", party=True),
            FieldSpec("description", "Description", confidential=True),
            FieldSpec(
                "assessment",
                "Assessment",
                FieldType.CHOICE,
                choices=ASSESSMENTS,
                required=False,
                public=True,
            ),
            FieldSpec("summary", "Decided summary", required=False, public=True),
        ),
        key=("incident",),
        parties=("alleged_by", "accused"),
        private_until_assessed=True,
        figures=(
            FigureSpec(
                "incidents_by_assessment",
                "Incidents by month and assessment",
                "Counts allegations made to the mediators, by the month of the incident; an "
                "incident no party reported is not in the record, and 'not verified' does not "
                "mean it did not happen.",
                _incidents_by_assessment,
            ),
        ),
        vocabulary={"item": "incident", "item_example": "INC-2025-04-03-1"},
    )
)
