"""The bundled examples load, validate against the schema and say what they claim."""

from __future__ import annotations

import itertools

import jsonschema
import pytest
import yaml

from gobetween.errors import NotFound
from gobetween.formats import examples, load_scenario, scenario_json_schema
from gobetween.model import Package, Scenario


@pytest.mark.parametrize("name", examples.names())
def test_examples_validate_against_the_schema(name: str) -> None:
    data = yaml.safe_load(examples.text(name))
    jsonschema.validate(data, scenario_json_schema())
    assert load_scenario(examples.path(name)) == examples.load(name).scenario


def acceptable(scenario: Scenario) -> list[Package]:
    """Packages every party accepts (red lines and reservation values), by enumeration."""
    found = []
    for choices in itertools.product(*(range(n) for n in scenario.agenda.shape)):
        package = Package(scenario.agenda, choices)
        if all(
            p.accepts(package) and p.utility(package) >= p.reservation
            for p in scenario.preferences.values()
        ):
            found.append(package)
    return found


def test_black_sea_corridor_is_realistic_and_marked_illustrative() -> None:
    loaded = examples.load("black_sea_corridor")
    scenario = loaded.scenario
    assert scenario.illustrative
    assert "illustrative" in scenario.description
    assert "illustrative" in examples.text("black_sea_corridor").splitlines()[4].lower()
    assert scenario.party_names == ("Ukraine", "Russian Federation")
    assert loaded.mediators == ("United Nations", "Türkiye")
    assert 7 <= len(scenario.agenda) <= 9
    assert all(2 <= issue.size <= 5 for issue in scenario.agenda.issues)
    names = " ".join(scenario.agenda.issue_names)
    for topic in ("ports", "cargo", "inspection", "naval", "term", "renewal", "linked export"):
        assert topic in names
    assert scenario.agenda.issue("term").unit == "days"
    assert any("ammonia" in o for o in scenario.agenda.issue("cargo").option_names)


def test_black_sea_corridor_has_a_narrow_zopa_containing_the_istanbul_text() -> None:
    loaded = examples.load("black_sea_corridor")
    scenario = loaded.scenario
    zopa = acceptable(scenario)
    assert 0 < len(zopa) < 0.01 * scenario.agenda.size
    assert loaded.packages["Istanbul text, 22 July 2022"] in zopa
    for opening in ("Ukraine's opening position", "Russian Federation's opening position"):
        assert loaded.packages[opening] not in zopa


def test_classroom_rewards_trading_across_issues() -> None:
    loaded = examples.load("classroom")
    scenario = loaded.scenario
    assert scenario.party_names == ("employer", "candidate")
    split = scenario.utilities(loaded.packages["split the difference"])
    trade = scenario.utilities(loaded.packages["trade across issues"])
    assert all(t > s for t, s in zip(trade, split, strict=True))
    assert acceptable(scenario)


def test_unknown_example() -> None:
    with pytest.raises(NotFound, match="no bundled example 'nope'"):
        examples.path("nope")
