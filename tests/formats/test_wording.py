"""Clause wording of options per language: scenario files (YAML/JSON and the JSON Schema),
stored agendas, and the default wording a Genius import gives."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from gobetween.errors import InputError, InvalidAgenda
from gobetween.formats import dump_scenario, loads_scenario, scenario_document, scenario_json_schema
from gobetween.formats.genius import load_genius
from gobetween.model import Issue, Option
from gobetween.store.codec import agenda_from_json, agenda_to_json

YAML = """\
gobetween: 1
agenda:
  name: corridor
  issues:
    - name: ports
      options:
        - name: three
          wording:
            en: "Ships leave from Odesa, Chornomorsk and Yuzhny."
            uk: "Судна виходять з Одеси, Чорноморська та Южного."
        - two
    - name: term
      unit: days
      range: {low: 60, high: 120, step: 60}
parties:
  A:
    weights: {ports: 1, term: 1}
    ratings: {ports: {three: 1, two: 0}, term: {"60": 0, "120": 1}}
  B:
    weights: {ports: 1, term: 1}
    ratings: {ports: {three: 0, two: 1}, term: {"60": 1, "120": 0}}
"""


def test_wording_is_read_written_back_and_valid_under_the_schema() -> None:
    scenario = loads_scenario(YAML, fmt="yaml")
    ports = scenario.agenda.issue("ports")
    assert ports.options[0].clause("uk") == "Судна виходять з Одеси, Чорноморська та Южного."
    assert ports.options[1].wording == {}
    for fmt in ("yaml", "json"):
        again = loads_scenario(dump_scenario(scenario, fmt), fmt=fmt)  # type: ignore[arg-type]
        assert again.agenda == scenario.agenda
    document = scenario_document(scenario)
    jsonschema.validate(document, scenario_json_schema())
    assert document["agenda"]["issues"][1]["range"] == {"low": 60, "high": 120, "step": 60}
    bad = dict(document)
    bad["agenda"] = {
        **document["agenda"],
        "issues": [{"name": "x", "options": [{"name": "y", "wording": {"English": "z"}}]}],
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, scenario_json_schema())


@pytest.mark.parametrize(
    ("wording", "message"),
    [({"English": "x"}, "'English' is not a language code"), ({"en": "  "}, "wording is empty")],
)
def test_bad_wording_is_refused_naming_the_option(wording: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidAgenda, match=message) as caught:
        Option("three", wording=wording)
    assert "option 'three'" in str(caught.value)
    text = YAML.replace('            en: "Ships leave', '            English: "Ships leave', 1)
    with pytest.raises(InputError, match="'English' is not a language code"):
        loads_scenario(text, fmt="yaml")


def test_stored_agendas_keep_wording_and_older_rows_read_unchanged() -> None:
    agenda = loads_scenario(YAML, fmt="yaml").agenda
    stored = agenda_to_json(agenda)
    assert agenda_from_json(stored) == agenda
    assert "wording" not in stored["issues"][0]["options"][1]  # no key where there is none
    assert "wording" not in stored["issues"][1]["options"][0]


def test_genius_import_gives_every_option_its_default_clause() -> None:
    folder = Path(__file__).resolve().parents[1] / "data" / "genius" / "vacation"
    scenario = load_genius(folder)
    for issue in scenario.agenda.issues:
        for option in issue.options:
            assert option.clause("en") == issue.default_clause(option.name)
    assert Issue.discrete("ports", ["Odesa"]).default_clause("Odesa") == "ports: Odesa."
