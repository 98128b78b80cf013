"""Issue 12: where a refused file is at fault (line, column, row, byte, article, top level) is
said in the reader's language in problem+json's ``detail``; the machine-readable
``errors[].location`` stays as the core wrote it, in every language."""

from __future__ import annotations

import pytest
from tests.service.world import World

from gobetween import errors as e
from gobetween import i18n
from gobetween.service.errors import describe, place_said

BOTH = b"""gobetween: 1
agenda:
  issues:
    - name: ports
      options: [Odesa, three ports]
      range: {low: 1, high: 2, step: 1}
parties:
  A: {weights: {ports: 1}, ratings: {ports: {Odesa: 1}}}
"""


def _import(world: World, language: str, name: str, data: bytes) -> dict[str, object]:
    form = {
        "name": "imported",
        "organisation_ids": [str(world.orgs["Ukraine"]), str(world.orgs["United Nations"])],
    }
    r = world.post(
        "admin",
        f"/api/processes/{world.process_id}/tracks/import",
        data=form,
        files={"files": (name, data, "text/yaml")},
        headers={"Accept-Language": language},
    )
    assert r.status_code == 422, r.text
    body: dict[str, object] = r.json()
    return body


def test_a_scenario_refused_names_the_line_in_ukrainian(world: World) -> None:
    english = _import(world, "en", "both.yaml", BOTH)
    ukrainian = _import(world, "uk", "both.yaml", BOTH)
    assert english["detail"] == (
        "both.yaml, line 4, agenda.issues[0]: has both 'options' and 'range' (expected an issue "
        "with either `options` (a list) or `range` ({low, high, step}))"
    )
    assert ukrainian["detail"] == (
        "both.yaml, рядок 4, agenda.issues[0]: містить і 'options', і 'range' (очікувалося: "
        "питання з `options` (список) або з `range` ({low, high, step}))"
    )
    assert english["title"] == ukrainian["title"] == "FileFormatError"
    # the structured location is the API's, the same in every language
    assert english["errors"] == [
        {
            "location": "both.yaml.line 4, agenda.issues[0]",
            "message": "has both 'options' and 'range'",
            "expected": "an issue with either `options` (a list) or `range` ({low, high, step})",
        }
    ]
    located = ukrainian["errors"]
    assert isinstance(located, list)
    assert located[0]["location"] == "both.yaml.line 4, agenda.issues[0]"


def test_a_yaml_syntax_error_frames_the_parser_s_words(world: World) -> None:
    ukrainian = str(_import(world, "uk", "x.yaml", b"gobetween: 1\nagenda: [\n")["detail"])
    assert ukrainian.startswith("x.yaml, рядок 3, стовпець 1: неможливо розібрати YAML; ")
    assert "«while parsing a flow node did not find expected node content»" in ukrainian
    for english in ("line", "column", "cannot be parsed", "expected valid"):
        assert english not in ukrainian, english


@pytest.mark.parametrize(
    ("location", "ukrainian", "arabic"),
    [
        ("line 7, column 3", "рядок 7, стовпець 3", "السطر 7، العمود 3"),
        ("row 12, Status", "рядок 12, Status", "الصف 12، Status"),
        ("line 2, byte 9", "рядок 2, байт 9", "السطر 2، البايت 9"),
        ("article art-1, proposed wording", "стаття art-1, запропоноване формулювання",
         "المادة art-1، الصياغة المقترحة"),
        ("top level", "верхній рівень", "المستوى الأعلى"),
        ("parties.line 3.weights", "parties.line 3.weights", "parties.line 3.weights"),
    ],
)  # fmt: skip
def test_the_words_of_a_place_are_translated_and_names_kept(
    location: str, ukrainian: str, arabic: str
) -> None:
    assert place_said(location) == location  # English: as the core wrote it
    with i18n.use_locale("uk"):
        assert place_said(location) == ukrainian
    with i18n.use_locale("ar"):
        assert place_said(location) == arabic


def test_describe_says_the_place_of_a_core_refusal() -> None:
    error = e.FileFormatError(
        e.N_("the JSON is nested too deeply"), source="a.json", location="line 3, column 4"
    )
    assert describe(error) == "a.json, line 3, column 4: the JSON is nested too deeply"
    with i18n.use_locale("ru"):
        assert describe(error).startswith("a.json, строка 3, столбец 4: ")
