"""A scenario file whose party has more bonuses and interactions together than the solver
takes is refused when it is read, at the party, with its file and line, in the reader's
language (before, it loaded and `gobetween analyze` refused it afterwards as "bonuses: 2001
bonuses, each interaction counted as one", naming neither the file nor the party)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gobetween.cli.main import cli
from gobetween.errors import InputError
from gobetween.formats.scenario_file import loads_scenario_file
from gobetween.model import MAX_BONUSES

HEAD = """gobetween: 1
agenda:
  issues:
    - {name: term, options: ['60', '120']}
    - {name: monitoring, options: [none, joint]}
parties:
"""

PARTY = """  %s:
    weights: {term: 1, monitoring: 1}
    ratings:
      term: {'60': 0, '120': 1}
      monitoring: {none: 1, joint: 0}
"""

BONUS = "      - when: {term: ['120']}\n        bonus: 0.001\n"
INTERACTION = "      - when: {term: '60', monitoring: joint}\n        bonus: 0.1\n"


def _file(a_bonuses: int, a_interactions: int, b_interactions: int = 0) -> str:
    text = HEAD + PARTY % "A"
    if a_bonuses:
        text += "    bonuses:\n" + BONUS * a_bonuses
    if a_interactions:
        text += "    interactions:\n" + INTERACTION * a_interactions
    text += PARTY % "B"
    if b_interactions:
        text += "    interactions:\n" + INTERACTION * b_interactions
    return text


def test_bonuses_and_interactions_past_the_limit_are_refused_at_the_party() -> None:
    with pytest.raises(InputError) as caught:
        loads_scenario_file(_file(MAX_BONUSES, 1), fmt="yaml", source="crowded.yaml")
    said = str(caught.value)
    assert said.startswith("crowded.yaml, line 12, parties.A.bonuses: 2001 bonuses and "), said
    assert "(bonuses: 2000, interactions: 1)" in said
    assert "at most 2000 bonuses and interactions together" in said


def test_another_partys_interactions_count_too() -> None:
    """Party A's one bonus sends both profiles to the solver, B's interactions as bonuses."""
    with pytest.raises(InputError) as caught:
        loads_scenario_file(_file(1, 0, MAX_BONUSES + 1), fmt="yaml", source="b.yaml")
    assert "parties.B.interactions" in str(caught.value)


def test_up_to_the_limit_the_file_loads() -> None:
    loaded = loads_scenario_file(_file(MAX_BONUSES - 1, 1), fmt="yaml", source="ok.yaml")
    prefs = loaded.scenario.preferences["A"]
    assert (len(prefs.bonuses), len(prefs.interactions)) == (MAX_BONUSES - 1, 1)


def test_gobetween_analyze_says_so_in_ukrainian_before_analysing(tmp_path: Path) -> None:
    path = tmp_path / "crowded.yaml"
    path.write_text(_file(MAX_BONUSES, 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--language", "uk", "analyze", str(path)])
    assert result.exit_code != 0
    said = " ".join(result.output.split())
    assert "crowded.yaml" in said
    assert "parties.A.bonuses" in said
    assert "бонусів і взаємодій разом: 2001 (бонусів: 2000, взаємодій: 1)" in said
