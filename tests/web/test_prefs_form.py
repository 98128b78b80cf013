"""The preferences form's arithmetic: points always add up to 100, and a form read back from
preferences records the same preferences (up to the half-point steps of the sliders)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.model import Agenda, Issue, Preferences, RatingScale, RedLine
from gobetween.service.scores import ScoredKind, score_packages
from gobetween.web.prefs_form import (
    _round_points,
    default_form,
    from_preferences,
    parse_form,
    to_preferences,
)

AGENDA = Agenda(
    (
        Issue.discrete("a", ["x", "y", "z"]),
        Issue.discrete("b", ["p", "q"]),
        Issue.discrete("c", ["r", "s", "t", "u"]),
    )
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=12))
def test_points_add_up_to_100_and_stay_within_one_of_the_share(shares: list[float]) -> None:
    if not math.fsum(shares) > 0:
        shares = [1.0] * len(shares)
    points = _round_points(shares)
    assert sum(points) == 100
    total = math.fsum(shares)
    for p, s in zip(points, shares, strict=True):
        assert abs(p - 100 * s / total) < 1


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(1, 20), min_size=3, max_size=3),
    st.lists(st.integers(0, 20), min_size=9, max_size=9),
    st.integers(0, 200),
)
def test_a_form_read_from_preferences_records_the_same_preferences(
    weights: list[int], halves: list[int], reservation: int
) -> None:
    ratings, k = {}, 0
    for issue in AGENDA.issues:
        ratings[issue.name] = {}
        for option in issue.option_names:
            ratings[issue.name][option] = halves[k] / 2
            k += 1
    prefs = Preferences(
        weights=dict(
            zip(AGENDA.issue_names, [w * 5 for w in (weights[0], weights[1], 20)], strict=True)
        ),
        ratings=ratings,
        scale=RatingScale(0, 10),
        reservation=reservation / 200,
        red_lines=(RedLine.of(("b", "q")), RedLine.of(("a", "x"), ("c", "r"))),
    )
    form = from_preferences(prefs, AGENDA)
    assert sum(form.points) == 100
    assert (1, 1) in form.red
    fields = {f"points-{i}": str(p) for i, p in enumerate(form.points)}
    fields.update(
        {
            f"rating-{i}-{j}": str(form.ratings[i][j])
            for i, issue in enumerate(AGENDA.issues)
            for j in range(issue.size)
        }
    )
    fields.update({f"red-{i}-{j}": "on" for i, j in form.red})
    fields["reservation"] = str(form.reservation)
    again = parse_form(fields, AGENDA)
    assert again.errors == []
    back = to_preferences(again, AGENDA, keep=prefs)
    assert back.red_lines[-1] == RedLine.of(("a", "x"), ("c", "r"))  # kept, not editable here
    assert abs(back.reservation - prefs.reservation) < 0.001
    for package in (AGENDA.package({"a": "y", "b": "p", "c": "t"}),):
        # whole points move each weight by less than one point in a hundred
        assert abs(back.utility(package) - prefs.utility(package)) < 0.03


def test_the_form_explains_what_is_wrong() -> None:
    form = parse_form(
        {
            "points-0": "50",
            "points-1": "abc",
            "points-2": "20",
            "rating-0-0": "11",
            "red-1-0": "on",
            "red-1-1": "on",
            "reservation": "-1",
        },
        AGENDA,
    )
    assert form.errors == [
        "Points for “b”: “abc” is not a number.",
        "Rating of “x”: 11 is outside 0 to 10.",
        "Reservation level: -1 is outside 0 to 100.",
        "The points add up to 70; give out exactly 100.",
        "Every option of “b” is a red line: no package could pass.",
    ]


def test_the_preview_respects_red_lines_and_the_reservation() -> None:
    form = default_form(AGENDA)
    assert form.total == 100
    form.ratings[0] = [10.0, 0.0, 5.0]
    form.red = {(0, 0)}
    form.reservation = 40
    prefs = to_preferences(form, AGENDA)
    rows = score_packages(prefs, AGENDA, {1: AGENDA.package({"a": "x", "b": "p", "c": "r"})})
    assert rows[0].kind is ScoredKind.BEST
    best = rows[0]
    assert best.package.options["a"] == "z"  # x is a red line, so z (5) is the best allowed
    assert not best.crosses_red_line
    text = rows[-1]
    assert text.crosses_red_line
    assert rows[2].below_reservation
