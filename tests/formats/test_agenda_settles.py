"""Which lifecycle rule of the agreement an issue settles (``settles``) is kept by the scenario
format (YAML and JSON, with the JSON Schema) and the stored form, and written only when set:
an agenda that declares nothing is stored byte for byte as before."""

from __future__ import annotations

import json

import jsonschema
import pytest

from gobetween.errors import FileFormatError, InvalidAgenda
from gobetween.formats import dump_scenario, examples, loads_scenario_file, scenario_json_schema
from gobetween.model import Settles
from gobetween.store.codec import agenda_from_json, agenda_to_json

SETTLED = """\
gobetween: 1
name: liman koridoru
agenda:
  issues:
    - name: limanlar
      options: [bir, üç]
    - name: süre
      unit: gün
      names: {ar: المدة, en: term}
      settles: term
      range: {low: 60, high: 180, step: 60}
    - name: yenileme
      settles: renewal
      options: [rıza ile, kendiliğinden]
parties:
  ua:
    weights: {limanlar: 1, süre: 1, yenileme: 1}
    ratings:
      limanlar: {bir: 0, üç: 1}
      süre: {60: 0, 120: 0.5, 180: 1}
      yenileme: {rıza ile: 0, kendiliğinden: 1}
  ru:
    weights: {limanlar: 1, süre: 1, yenileme: 1}
    ratings:
      limanlar: {bir: 1, üç: 0}
      süre: {60: 1, 120: 0.5, 180: 0}
      yenileme: {rıza ile: 1, kendiliğinden: 0}
"""


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_settles_survives_the_file_and_a_range_stays_a_range(fmt: str) -> None:
    loaded = loads_scenario_file(SETTLED, fmt="yaml")
    agenda = loaded.scenario.agenda
    assert agenda.issue("süre").settles is Settles.TERM
    assert agenda.issue("yenileme").settles is Settles.RENEWAL
    assert agenda.issue("limanlar").settles is None
    text = dump_scenario(loaded, fmt)  # type: ignore[arg-type]  # "yaml" or "json"
    again = loads_scenario_file(text, fmt=fmt)  # type: ignore[arg-type]
    assert again.scenario.agenda == agenda
    document = json.loads(dump_scenario(loaded, "json"))
    issues = {i["name"]: i for i in document["agenda"]["issues"]}
    assert issues["süre"]["settles"] == "term"
    assert issues["süre"]["range"] == {"low": 60, "high": 180, "step": 60}
    assert "settles" not in issues["limanlar"]
    jsonschema.validate(document, scenario_json_schema())
    wrong = json.loads(json.dumps(document))
    wrong["agenda"]["issues"][1]["settles"] = "duration"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong, scenario_json_schema())


def test_a_file_refuses_an_unknown_rule_and_a_rule_settled_twice() -> None:
    with pytest.raises(FileFormatError) as refused:
        loads_scenario_file(SETTLED.replace("settles: renewal", "settles: duration"), fmt="yaml")
    assert "issues[2]" in str(refused.value.location), refused.value
    with pytest.raises(InvalidAgenda) as twice:
        loads_scenario_file(
            SETTLED.replace("settles: renewal", "settles: term").replace(
                "[rıza ile, kendiliğinden]", "['30', '60']"
            ),
            fmt="yaml",
        )
    assert "'süre'" in str(twice.value), twice.value
    assert "'yenileme'" in str(twice.value), twice.value
    assert "agenda.issues[2]" in str(twice.value.location), twice.value


def test_the_stored_form_keeps_settles_and_is_unchanged_without_it() -> None:
    agenda = loads_scenario_file(SETTLED, fmt="yaml").scenario.agenda
    stored = agenda_to_json(agenda)
    assert [i.get("settles") for i in stored["issues"]] == [None, "term", "renewal"]
    assert "settles" not in stored["issues"][0]
    assert agenda_from_json(json.loads(json.dumps(stored))) == agenda
    # an agenda that declares nothing: the stored form has no trace of the field
    corridor = examples.load("black_sea_corridor").scenario.agenda
    plain = json.dumps(agenda_to_json(corridor), sort_keys=True, ensure_ascii=False)
    assert "settles" not in plain
    assert agenda_from_json(json.loads(plain)) == corridor
