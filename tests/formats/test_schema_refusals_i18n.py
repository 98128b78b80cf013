"""Issue 12: a scenario file's refusals are said whole in the reader's language: what the
schema expected there (its descriptions), the bounds and shapes it checks, several JSON types
at once, a duplicate JSON key at the top level, and the frame around the JSON and YAML parsers'
own words. English stays exactly as it was."""

from __future__ import annotations

import pytest

from gobetween import i18n
from gobetween.errors import FileFormatError
from gobetween.formats import loads_scenario
from gobetween.formats.schema import scenario_json_schema
from gobetween.service.errors import describe

HEAD = "gobetween: 1\nagenda:\n  issues:\n    - name: ports\n      options: [Odesa, Izmail]\n"


def refused(text: str, fmt: str = "yaml") -> tuple[str, str]:
    with pytest.raises(FileFormatError) as caught:
        loads_scenario(text, fmt=fmt, source=f"s.{fmt}")  # type: ignore[arg-type]
    with i18n.use_locale("uk"):
        ukrainian = describe(caught.value)
    return str(caught.value), ukrainian


CASES = [
    (  # a bound the schema sets, and its description of the value
        HEAD + "parties:\n  A: {weights: {ports: -1}, ratings: {ports: {Odesa: 1}}}\n",
        "s.yaml, line 7, parties.A.weights.ports: -1 is less than the minimum of 0 "
        "(expected a weight, a number >= 0)",
        "s.yaml, рядок 7, parties.A.weights.ports: -1 менше за мінімум 0 "
        "(очікувалося: вага, число >= 0)",
    ),
    (  # a list too short
        HEAD + "parties:\n  A: {weights: {ports: 1}, ratings: {ports: {Odesa: 1}}, scale: [1]}\n",
        "s.yaml, line 7, parties.A.scale: [1] is too short "
        "(expected the rating scale as [low, high], e.g. [0, 10])",
        "s.yaml, рядок 7, parties.A.scale: [1] закороткий "
        "(очікувалося: шкала оцінок як [low, high], напр. [0, 10])",
    ),
    (  # "has none of", and the description
        "gobetween: 1\nagenda:\n  issues:\n    - name: ports\n"
        "parties:\n  A: {weights: {ports: 1}, ratings: {ports: {Odesa: 1}}}\n",
        "s.yaml, line 4, agenda.issues[0]: has none of 'options', 'range' (expected an issue "
        "with either `options` (a list) or `range` ({low, high, step}))",
        "s.yaml, рядок 4, agenda.issues[0]: не містить жодного з 'options', 'range' "
        "(очікувалося: питання з `options` (список) або з `range` ({low, high, step}))",
    ),
    (  # a missing key's entry, described by the schema
        "agenda: {issues: [{name: a, options: [x]}]}\nparties: {A: {weights: {a: 1}, "
        "ratings: {a: {x: 1}}}}\n",
        "s.yaml, line 1, top level: missing 'gobetween' (expected a 'gobetween' entry: "
        "the format version, 1)",
        "s.yaml, рядок 1, верхній рівень: бракує 'gobetween' (очікувалося: запис 'gobetween': "
        "версія формату, 1)",
    ),
]


@pytest.mark.parametrize(("text", "english", "ukrainian"), CASES)
def test_a_schema_refusal_in_ukrainian_and_english_unchanged(
    text: str, english: str, ukrainian: str
) -> None:
    said_english, said_ukrainian = refused(text)
    assert said_english == english
    assert said_ukrainian == ukrainian


def test_several_json_types_are_said_with_or_and_a_list_by_its_kind() -> None:
    text = HEAD.replace("[Odesa, Izmail]", "[Odesa, [1]]") + (
        "parties:\n  A: {weights: {ports: 1}, ratings: {ports: {Odesa: 1}}}\n"
    )
    english, ukrainian = refused(text)
    assert english == (
        "s.yaml, line 5, agenda.issues[0].options[1]: list is not a string or a mapping "
        "(expected an option: its name, or {name, label, value, wording, names})"
    )
    assert ukrainian == (
        "s.yaml, рядок 5, agenda.issues[0].options[1]: список — не рядок тексту або "
        "відображення (ключі й значення) (очікувалося: варіант: його назва або "
        "{name, label, value, wording, names})"
    )


def test_a_duplicate_key_at_the_top_level_in_ukrainian() -> None:
    english, ukrainian = refused('{"gobetween": 1,\n "gobetween": 1}', fmt="json")
    assert english == (
        "s.json, line 2, gobetween: duplicate key 'gobetween' in top level "
        "(expected each key once in an object)"
    )
    assert ukrainian == (
        "s.json, рядок 2, gobetween: ключ 'gobetween' повторюється (де: верхній рівень) "
        "(очікувалося: кожен ключ один раз в об’єкті)"
    )


def test_the_json_parser_s_words_are_quoted_inside_a_translated_frame() -> None:
    english, ukrainian = refused('{"gobetween": 1,,}', fmt="json")
    assert english.startswith("s.json, line 1, column 17: the JSON cannot be parsed: ")
    assert ukrainian == (
        "s.json, рядок 1, стовпець 17: неможливо розібрати JSON; розбирач JSON повідомляє: "
        "«Expecting property name enclosed in double quotes» (очікувалося: коректний JSON)"
    )


def test_every_description_of_the_schema_is_in_the_catalogs() -> None:
    """A description the schema gives as the expected value is said in each language."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("description"), str):
                found.append(node["description"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(scenario_json_schema())
    assert len(set(found)) > 50
    bonuses = {d for d in found if d.startswith("a list of at most ")}
    for code in ("uk", "ru", "tr", "ar"):
        untranslated = [d for d in set(found) - bonuses if i18n.translations(code).gettext(d) == d]
        assert not untranslated, (code, untranslated)
