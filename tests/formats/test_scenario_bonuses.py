"""Bonuses ("if ... then ... is worth ...") in scenario files, the JSON Schema and the store."""

from __future__ import annotations

import json

import jsonschema
import pytest

from gobetween.errors import FileFormatError, InvalidPreferences
from gobetween.formats import examples, scenario_json_schema
from gobetween.formats.scenario_file import dump_scenario, loads_scenario_file, scenario_document
from gobetween.model import MAX_BONUSES, Bonus, Package
from gobetween.store.codec import preferences_from_json, preferences_to_json

HEAD = """gobetween: 1
agenda:
  issues:
    - {name: term, range: {low: 30, high: 120, step: 30}}
    - {name: monitoring, options: [none, neutral, joint]}
parties:
  A:
    weights: {term: 1, monitoring: 1}
    ratings:
      term: {'30': 0, '60': 0.3, '90': 0.6, '120': 1}
      monitoring: {none: 0, neutral: 1, joint: 0.5}
"""


def _load(bonuses: str) -> object:
    return loads_scenario_file(HEAD + bonuses, fmt="yaml", source="m.yaml")


def test_a_bonus_in_a_file_counts_exactly_where_it_says() -> None:
    loaded = _load(
        "    bonuses:\n"
        "      - when: {term: ['90', '120'], monitoring: joint}\n"
        "        bonus: 0.25\n"
    )
    scenario = loaded.scenario  # type: ignore[attr-defined]  # a ScenarioFile
    prefs = scenario.preferences["A"]
    assert prefs.bonuses == (Bonus(0.25, {"term": ("90", "120"), "monitoring": ("joint",)}),)
    agenda = scenario.agenda
    inside = agenda.package({"term": "90", "monitoring": "joint"})
    outside = agenda.package({"term": "60", "monitoring": "joint"})
    assert prefs.utility(inside) == pytest.approx(0.5 * 0.6 + 0.5 * 0.5 + 0.25)
    assert prefs.utility(outside) == pytest.approx(0.5 * 0.3 + 0.5 * 0.5)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_bonuses_survive_a_round_trip_through_the_file(fmt: str) -> None:
    original = examples.load("energy_moratorium")
    text = dump_scenario(original, fmt)  # type: ignore[arg-type]  # "yaml" or "json"
    again = loads_scenario_file(text, fmt=fmt)  # type: ignore[arg-type]  # "yaml" or "json"
    assert again == original
    assert dump_scenario(again, fmt) == text  # type: ignore[arg-type]  # "yaml" or "json"
    jsonschema.validate(scenario_document(again), scenario_json_schema())


def test_the_example_with_bonuses_is_not_additive_and_scores_its_bonuses() -> None:
    scenario = examples.load("energy_moratorium").scenario
    assert not scenario.is_additive
    city = scenario.preferences["city side"]
    agenda = scenario.agenda
    long_joint = agenda.package(
        {
            "facilities": "power plants only",
            "term": "120",
            "monitoring": "joint commission",
            "reporting": "to the mediator privately",
        }
    )
    without = Package(agenda, long_joint.choices)
    assert city.utility(long_joint) == pytest.approx(
        (4 * 0 + 3 * 1 + 2 * 0.5 + 1 * 0.3) / 10 + 0.15
    )
    assert without == long_joint


@pytest.mark.parametrize(
    ("bonuses", "words"),
    [
        ("    bonuses:\n      - when: {term: ['45']}\n        bonus: 0.1\n", "no option '45'"),
        ("    bonuses:\n      - when: {length: ['30']}\n        bonus: 0.1\n", "length"),
    ],
)
def test_a_bonus_off_the_agenda_is_refused_with_file_and_line(bonuses: str, words: str) -> None:
    with pytest.raises(InvalidPreferences) as caught:
        _load(bonuses)
    assert caught.value.source == "m.yaml"
    assert caught.value.location is not None
    assert caught.value.location.startswith("line 13, parties.A.bonuses[0]")
    assert words in caught.value.message


@pytest.mark.parametrize(
    "bonuses",
    [
        "    bonuses:\n      - when: {}\n        bonus: 0.1\n",
        "    bonuses:\n      - when: {term: []}\n        bonus: 0.1\n",
        "    bonuses:\n      - when: {term: ['30']}\n",
        "    bonuses:\n      - when: {term: ['30']}\n        bonus: lots\n",
        "    bonuses:\n      - when: {term: ['30']}\n        bonus: 0.1\n        extra: 1\n",
    ],
)
def test_malformed_bonuses_fail_the_schema_with_their_place(bonuses: str) -> None:
    with pytest.raises(FileFormatError) as caught:
        _load(bonuses)
    assert caught.value.source == "m.yaml"
    assert "line" in (caught.value.location or "")


def test_the_schema_bounds_the_number_of_bonuses() -> None:
    one = {"when": {"term": ["30"]}, "bonus": 0.1}
    document = json.loads(dump_scenario(loads_scenario_file(HEAD, fmt="yaml").scenario, "json"))
    document["parties"]["A"]["bonuses"] = [one] * (MAX_BONUSES + 1)
    with pytest.raises(FileFormatError) as caught:
        loads_scenario_file(json.dumps(document), fmt="json", source="big.json")
    assert str(MAX_BONUSES) in str(caught.value)
    document["parties"]["A"]["bonuses"] = [one] * MAX_BONUSES
    loaded = loads_scenario_file(json.dumps(document), fmt="json")
    assert len(loaded.scenario.preferences["A"].bonuses) == MAX_BONUSES


def test_the_store_keeps_bonuses_and_reads_older_rows_unchanged() -> None:
    scenario = examples.load("energy_moratorium").scenario
    for prefs in scenario.preferences.values():
        stored = json.loads(json.dumps(preferences_to_json(prefs)))
        assert preferences_from_json(stored) == prefs
    plain = examples.load("classroom").scenario.preferences["employer"]
    stored = preferences_to_json(plain)
    assert "bonuses" not in stored
    assert preferences_from_json(stored) == plain
    with pytest.raises(InvalidPreferences):
        preferences_from_json({**stored, "bonuses": [{"when": {}, "bonus": 1}]})
