"""An agenda's issues and options named in other languages (``names``), its issues described in
them (``descriptions``) and their units given in them (``units``): what a delegation reads on
its pages in its own language, while the name stays the key of packages, preferences and the
API. Kept by the scenario format (YAML and
JSON, with the JSON Schema) and the stored form."""

from __future__ import annotations

import json

import jsonschema
import pytest

from gobetween.errors import FileFormatError, InvalidAgenda
from gobetween.formats import dump_scenario, loads_scenario_file, scenario_json_schema
from gobetween.model import Agenda, Issue, IssueKind, Option
from gobetween.store.codec import agenda_from_json, agenda_to_json

NAMED = """\
gobetween: 1
name: corridor
agenda:
  issues:
    - name: ports
      names: {uk: порти, ru: порты}
      description: Where ships sail from.
      descriptions: {uk: Звідки відходять судна.}
      options:
        - name: Odesa
          names: {uk: Одеса, ru: Одесса}
        - three ports
    - name: term
      unit: days
      names: {tr: süre}
      units: {tr: gün, uk: днів}
      range: {low: 60, high: 180, step: 60}
parties:
  ua:
    weights: {ports: 1, term: 1}
    ratings: {ports: {Odesa: 0, three ports: 1}, term: {60: 0, 120: 0.5, 180: 1}}
  ru:
    weights: {ports: 1, term: 1}
    ratings: {ports: {Odesa: 1, three ports: 0}, term: {60: 1, 120: 0.5, 180: 0}}
"""


def test_a_reader_sees_the_name_in_their_language_and_the_key_stays() -> None:
    agenda = loads_scenario_file(NAMED, fmt="yaml").scenario.agenda
    ports, term = agenda.issue("ports"), agenda.issue("term")
    assert (ports.called("uk"), ports.called("ru"), ports.called("tr")) == (
        "порти",
        "порты",
        "ports",
    )
    odesa = ports.options[ports.index("Odesa")]
    assert (odesa.called("ru"), odesa.called("ar")) == ("Одесса", "Odesa")
    assert ports.options[1].called("uk") == "three ports"  # no name in Ukrainian: its own
    assert term.called("tr") == "süre"
    assert term.option_names == ("60", "120", "180")
    assert term.kind is IssueKind.INTEGER
    assert ports.described("uk") == "Звідки відходять судна."
    assert ports.described("ru") == "Where ships sail from."  # none in Russian: as written
    assert term.described("uk") == ""
    assert (term.unit_in("tr"), term.unit_in("uk"), term.unit_in("ru")) == ("gün", "днів", "days")
    assert ports.unit_in("uk") is None  # no unit in any language


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_names_survive_the_file_and_a_range_stays_a_range(fmt: str) -> None:
    loaded = loads_scenario_file(NAMED, fmt="yaml")
    text = dump_scenario(loaded, fmt)  # type: ignore[arg-type]  # "yaml" or "json"
    again = loads_scenario_file(text, fmt=fmt)  # type: ignore[arg-type]
    assert again.scenario.agenda == loaded.scenario.agenda
    document = json.loads(dump_scenario(loaded, "json"))
    issues = {i["name"]: i for i in document["agenda"]["issues"]}
    assert issues["term"]["range"] == {"low": 60, "high": 180, "step": 60}
    assert issues["term"]["names"] == {"tr": "süre"}
    assert issues["term"]["units"] == {"tr": "gün", "uk": "днів"}
    assert issues["ports"]["descriptions"] == {"uk": "Звідки відходять судна."}
    assert issues["ports"]["options"][0] == {
        "name": "Odesa",
        "names": {"ru": "Одесса", "uk": "Одеса"},
    }
    assert issues["ports"]["options"][1] == "three ports"
    jsonschema.validate(document, scenario_json_schema())


def test_the_stored_form_keeps_names_and_is_unchanged_without_them() -> None:
    agenda = loads_scenario_file(NAMED, fmt="yaml").scenario.agenda
    stored = agenda_to_json(agenda)
    assert agenda_from_json(json.loads(json.dumps(stored))) == agenda
    plain = Agenda((Issue("ports", (Option("Odesa", wording={"en": "From Odesa."}),)),))
    assert agenda_to_json(plain) == {
        "name": "agenda",
        "issues": [
            {
                "name": "ports",
                "kind": "discrete",
                "unit": None,
                "description": "",
                "options": [
                    {
                        "name": "Odesa",
                        "value": None,
                        "label": None,
                        "wording": {"en": "From Odesa."},
                    }
                ],
            }
        ],
    }


def test_a_name_in_no_language_or_an_empty_one_is_refused_where_it_stands() -> None:
    with pytest.raises(FileFormatError) as info:
        loads_scenario_file(NAMED.replace("{uk: порти,", "{Ukrainian: порти,"), fmt="yaml")
    assert "agenda.issues[0].names" in str(info.value.location), info.value
    with pytest.raises(FileFormatError) as info:
        loads_scenario_file(NAMED.replace("ru: Одесса", "ru: ' '"), fmt="yaml")
    assert "agenda.issues[0].options[0].names.ru" in str(info.value.location), info.value
    with pytest.raises(FileFormatError) as info:
        loads_scenario_file(NAMED.replace("{uk: Звідки відходять судна.}", "{uk: ''}"), fmt="yaml")
    assert "agenda.issues[0].descriptions.uk" in str(info.value.location), info.value
    with pytest.raises(FileFormatError) as info:
        loads_scenario_file(NAMED.replace("uk: днів}", "uk: ''}"), fmt="yaml")
    assert "agenda.issues[1].units.uk" in str(info.value.location), info.value
    with pytest.raises(InvalidAgenda) as refused:
        Issue.discrete("ports", ["Odesa"], names={"uk": ""})
    assert refused.value.location == "issue 'ports', names uk"
    assert "name is empty" in refused.value.message


def test_an_option_without_wording_reads_in_the_readers_language() -> None:
    """The clause an option without prepared wording stands for (what the drafting page puts in
    a language's column) uses the issue's, the option's and the unit's names in that language;
    prepared wording still wins, and a language without names gets the clause as written."""
    term = Issue(
        "term",
        (Option("120", value=120, wording={"ru": "Срок составляет 120 дней."}),),
        unit="days",
        names={"uk": "строк", "ru": "срок"},
        units={"uk": "днів"},
    )
    ports = Issue("ports", (Option("Odesa", names={"uk": "Одеса"}),), names={"uk": "порти"})
    assert term.clause_of("120", "uk") == "строк: 120 днів."
    assert term.clause_of("120", "ru") == "Срок составляет 120 дней."  # prepared
    assert term.clause_of("120", "tr") == "term: 120 days."
    assert ports.clause_of("Odesa", "uk") == "порти: Одеса."
    assert ports.default_clause("Odesa") == "ports: Odesa."  # as written


def test_a_clause_as_written_and_in_the_language_both_belong_to_their_option() -> None:
    """A text drafted before the names (the clause as written in every column) still checks:
    each default clause, in the language or as written, belongs to its option and to no other."""
    from gobetween.protocols.single_text_articles import wording_owner

    term = Issue.from_range("term", 60, 120, 60, unit="days")
    term = Issue(term.name, term.options, unit="days", names={"uk": "строк"}, units={"uk": "днів"})
    assert wording_owner(term, "uk", "строк: 120 днів.") == "120"
    assert wording_owner(term, "uk", "term: 120 days.") == "120"  # drafted before the names
    assert wording_owner(term, "uk", "строк:  60 днів.") == "60"
    assert wording_owner(term, "uk", "строк: 90 днів.") is None
