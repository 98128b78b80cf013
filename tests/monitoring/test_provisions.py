"""Provisions on the Peace Accords Matrix scale: evidence for every change, the barometer."""

from __future__ import annotations

import datetime as dt

import pytest

from gobetween.errors import InvalidModel
from gobetween.monitoring.provisions import (
    BAROMETER_CAVEAT,
    Assessment,
    Evidence,
    EvidenceKind,
    Level,
    Provision,
    assessment_from_dict,
    assessment_to_dict,
    barometer,
    month_ends,
    statuses,
)

PROVISIONS = [
    Provision("art-1", "Article 1", "ports"),
    Provision("art-2", "Article 2", "inspection"),
    Provision("art-3", "Article 3", "term"),
    Provision("art-4", "Article 4", "corridor"),
]
LINK = Evidence(EvidenceKind.LINK, "https://www.un.org/en/black-sea-grain-initiative")


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2022, month, day, 12, tzinfo=dt.UTC)


def test_a_change_of_level_needs_evidence_and_names_the_provision() -> None:
    bare = Assessment(at(8, 1), "art-1", Level.MINIMAL, "UN")
    with pytest.raises(InvalidModel, match="art-1: a change from not initiated to minimal"):
        statuses(PROVISIONS, [bare])
    # confirming the same level again needs none
    first = Assessment(at(8, 1), "art-1", Level.MINIMAL, "UN", (LINK,))
    again = Assessment(at(9, 1), "art-1", Level.MINIMAL, "Türkiye")
    state = statuses(PROVISIONS, [again, first])[0]
    assert [a.assessed_by for a in state.history] == ["UN", "Türkiye"]
    assert state.level is Level.MINIMAL


def test_unknown_provision_level_and_evidence_are_refused() -> None:
    with pytest.raises(InvalidModel, match="unknown provision 'art-9'"):
        statuses(PROVISIONS, [Assessment(at(8, 1), "art-9", Level.MINIMAL, "UN", (LINK,))])
    with pytest.raises(InvalidModel, match="Peace Accords Matrix"):
        Assessment(at(8, 1), "art-1", "half done", "UN")  # type: ignore[arg-type]
    with pytest.raises(InvalidModel, match="not a web address"):
        Evidence(EvidenceKind.LINK, "javascript:alert(1)")
    with pytest.raises(InvalidModel, match="no time zone"):
        Assessment(dt.datetime(2022, 8, 1), "art-1", Level.MINIMAL, "UN")


def test_barometer_shares_over_time() -> None:
    assessments = [
        Assessment(at(7, 25), "art-2", Level.MINIMAL, "UN", (LINK,)),
        Assessment(at(8, 10), "art-2", Level.COMPLETE, "UN", (Evidence("event", "record #12"),)),
        Assessment(at(8, 20), "art-1", Level.INTERMEDIATE, "Türkiye", (LINK,)),
    ]
    dates = month_ends(dt.date(2022, 7, 22), dt.date(2022, 8, 31))
    table = barometer(PROVISIONS, assessments, dates)
    assert table.columns == (
        "date",
        "not_initiated",
        "minimal",
        "intermediate",
        "complete",
        "provisions",
    )
    assert table.rows == (
        ("2022-07-31", 0.75, 0.25, 0.0, 0.0, 4),
        ("2022-08-31", 0.5, 0.0, 0.25, 0.25, 4),
    )
    assert table.caveat == BAROMETER_CAVEAT
    for row in table.rows:
        assert sum(row[1:5]) == pytest.approx(1.0)  # type: ignore[arg-type]


def test_assessments_round_trip_and_bad_json_is_located() -> None:
    a = Assessment(at(8, 1), "art-1", Level.MINIMAL, "UN", (LINK,), "first ships")
    assert assessment_from_dict(assessment_to_dict(a)) == a
    with pytest.raises(InvalidModel) as info:
        assessment_from_dict(
            {**assessment_to_dict(a), "evidence": [{"kind": "rumour", "reference": "x"}]}
        )
    assert info.value.location == "evidence[0].kind"
