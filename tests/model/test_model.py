"""The domain model validates its input and computes additive utility."""

from __future__ import annotations

import pytest

from gobetween.errors import InvalidAgenda, InvalidPackage, InvalidPreferences, InvalidScenario
from gobetween.model import (
    Agenda,
    Interaction,
    Issue,
    IssueKind,
    Package,
    Preferences,
    RatingScale,
    RedLine,
    Scenario,
)


@pytest.fixture
def agenda() -> Agenda:
    return Agenda(
        (
            Issue.discrete("ports", ["Odesa", "Odesa+Chornomorsk", "three ports"]),
            Issue.from_range("term", 60, 180, 60, kind=IssueKind.INTEGER, unit="days"),
        )
    )


def test_range_is_discretised_with_unit(agenda: Agenda) -> None:
    term = agenda.issue("term")
    assert term.option_names == ("60", "120", "180")
    assert [o.value for o in term.options] == [60.0, 120.0, 180.0]
    assert term.unit == "days"
    assert agenda.size == 9


def test_real_range_names_are_readable() -> None:
    issue = Issue.from_range("share", 0, 1, 0.25)
    assert issue.option_names == ("0", "0.25", "0.5", "0.75", "1")


@pytest.mark.parametrize(
    ("low", "high", "step", "where"),
    [(0, 10, 0, "step"), (10, 0, 1, "high"), (0, float("nan"), 1, "high"), (0, 1e9, 1, "step")],
)
def test_bad_ranges_are_refused_with_the_field(
    low: float, high: float, step: float, where: str
) -> None:
    with pytest.raises(InvalidAgenda) as info:
        Issue.from_range("x", low, high, step)
    assert info.value.location == where


def test_duplicate_option_and_issue_names_are_refused() -> None:
    with pytest.raises(InvalidAgenda, match="two options named 'a'"):
        Issue.discrete("x", ["a", "b", "a"])
    with pytest.raises(InvalidAgenda, match="two issues named 'x'"):
        Agenda((Issue.discrete("x", ["a"]), Issue.discrete("x", ["b"])))


def test_package_validation_names_issue_and_option(agenda: Agenda) -> None:
    with pytest.raises(InvalidPackage, match="no option for issue 'term'"):
        agenda.package({"ports": "Odesa"})
    with pytest.raises(InvalidPackage, match="has no option '90'") as info:
        agenda.package({"ports": "Odesa", "term": "90"})
    assert "'120'" in str(info.value)
    with pytest.raises(InvalidPackage, match="not on the agenda"):
        agenda.package({"ports": "Odesa", "term": "60", "flag": "x"})
    with pytest.raises(InvalidPackage):
        Package(agenda, (0, 3))


def test_package_round_trips_names_and_indices(agenda: Agenda) -> None:
    p = agenda.package({"ports": "three ports", "term": "120"})
    assert p.choices == (2, 1)
    assert Package.from_indices(agenda, p.choices) == p
    assert p.replace(term="60").differs_on(p) == ("term",)


def _prefs(**kw: object) -> Preferences:
    base: dict[str, object] = {
        "weights": {"ports": 60, "term": 40},
        "ratings": {
            "ports": {"Odesa": 0, "Odesa+Chornomorsk": 50, "three ports": 100},
            "term": {"60": 100, "120": 40, "180": 0},
        },
        "scale": RatingScale(0, 100),
    }
    base.update(kw)
    return Preferences(**base)  # type: ignore[arg-type]


def test_utility_is_weighted_sum_on_unit_scale(agenda: Agenda) -> None:
    prefs = _prefs()
    prefs.validate(agenda)
    p = agenda.package({"ports": "Odesa+Chornomorsk", "term": "120"})
    assert prefs.utility(p) == pytest.approx(0.6 * 0.5 + 0.4 * 0.4)
    assert prefs.is_additive


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"ports": "heavy", "term": 1}, "must be a finite number"),
        ({"ports": 0, "term": 0}, "sum to 0"),
        ({"ports": -1, "term": 2}, "negative"),
    ],
)
def test_bad_weights_are_refused(weights: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidPreferences, match=message):
        _prefs(weights=weights)


def test_preferences_must_match_agenda(agenda: Agenda) -> None:
    with pytest.raises(InvalidPreferences, match="no weight for issue 'term'"):
        _prefs(weights={"ports": 1}).validate(agenda)
    with pytest.raises(InvalidPreferences, match="not on the agenda"):
        _prefs(weights={"ports": 1, "term": 1, "naval": 1}).validate(agenda)
    ratings = {
        "ports": {"Odesa": 0, "Odesa+Chornomorsk": 50},
        "term": {"60": 1, "120": 1, "180": 1},
    }
    with pytest.raises(InvalidPreferences, match="no rating for option 'three ports'"):
        _prefs(ratings=ratings).validate(agenda)
    with pytest.raises(InvalidPreferences, match="off the scale"):
        _prefs(ratings={"ports": {"Odesa": 101}})


def test_red_lines_and_interactions_make_preferences_non_additive(agenda: Agenda) -> None:
    single = _prefs(red_lines=(RedLine.of(("ports", "Odesa")),))
    assert single.is_additive
    assert single.forbidden_options() == {("ports", "Odesa")}
    coupled = _prefs(red_lines=(RedLine.of(("ports", "three ports"), ("term", "180")),))
    assert not coupled.is_additive
    assert not coupled.accepts(agenda.package({"ports": "three ports", "term": "180"}))
    assert coupled.accepts(agenda.package({"ports": "three ports", "term": "60"}))
    bonus = _prefs(interactions=(Interaction(frozenset({("term", "60")}), 0.1),))
    p = agenda.package({"ports": "Odesa", "term": "60"})
    assert bonus.utility(p) == pytest.approx(0.4 + 0.1)
    with pytest.raises(InvalidPreferences, match="same issue"):
        RedLine.of(("term", "60"), ("term", "120"))


def test_scenario_locates_errors_in_the_party(agenda: Agenda) -> None:
    with pytest.raises(InvalidPreferences) as info:
        Scenario(agenda, {"Ukraine": _prefs(weights={"ports": 1})})
    assert info.value.location == "parties.Ukraine.weights.term"
    with pytest.raises(InvalidScenario, match="no parties"):
        Scenario(agenda, {})


def test_scenario_utilities_in_party_order(agenda: Agenda) -> None:
    s = Scenario(agenda, {"A": _prefs(), "B": _prefs(reservation=0.3)})
    p = agenda.package({"ports": "three ports", "term": "60"})
    assert s.utilities(p) == (pytest.approx(1.0), pytest.approx(1.0))
    assert s.reservations() == (0.0, 0.3)


@pytest.mark.parametrize("given", ["weights", "ratings"])
def test_an_issue_off_the_agenda_is_refused_where_it_is_given(agenda: Agenda, given: str) -> None:
    extra: dict[str, object] = {
        "weights": {"ports": 1, "term": 1, "naval": 1},
        "ratings": {
            "ports": {"Odesa": 0, "Odesa+Chornomorsk": 50, "three ports": 100},
            "term": {"60": 100, "120": 40, "180": 0},
            "naval": {"yes": 1},
        },
    }
    with pytest.raises(InvalidPreferences, match="'naval', which is not on the agenda") as info:
        _prefs(**{given: extra[given]}).validate(agenda)
    assert info.value.location == f"{given}.naval"


def test_with_preferences_replaces_or_adds_one_party_and_keeps_the_rest(agenda: Agenda) -> None:
    s = Scenario(
        agenda,
        {"A": _prefs(), "B": _prefs()},
        name="corridor",
        description="grain",
        illustrative=True,
        metadata={"source": "test"},
    )
    changed = s.with_preferences("B", _prefs(reservation=0.3))
    assert changed.reservations() == (0.0, 0.3)
    assert s.reservations() == (0.0, 0.0)
    assert (changed.name, changed.description, changed.illustrative) == ("corridor", "grain", True)
    assert dict(changed.metadata) == {"source": "test"}
    assert changed.with_preferences("C", _prefs()).party_names == ("A", "B", "C")
    with pytest.raises(InvalidPreferences) as info:
        s.with_preferences("C", _prefs(weights={"ports": 1}))
    assert info.value.location == "parties.C.weights.term"
