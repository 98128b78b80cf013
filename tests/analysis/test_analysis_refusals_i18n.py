"""The exact solver's refusals (:mod:`gobetween.analysis.interdependent` and
:mod:`~gobetween.analysis.milp`) are said in the reader's language, and English is as before
(word for word, but for the bonuses' count, which now says that interactions count as bonuses).

The one a user reaches is the count: a party's 2,000 bonuses (the limit a scenario file and the
API take) plus an interaction are 2,001 bonuses for the solver, refused by ``gobetween analyze``
(this file) and the API's analysis (``tests/service/test_analysis_refusals_i18n.py``). The
others guard the library's callers (:meth:`InterdependentProfile.of`, ``exact_frontier``,
``nash_milp``); they are worded the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from gobetween import i18n
from gobetween.analysis.interdependent import InterdependentProfile
from gobetween.analysis.milp import exact_frontier, nash_milp
from gobetween.cli.main import cli
from gobetween.errors import AnalysisError, GobetweenError, InvalidPreferences
from gobetween.formats.scenario_file import dump_scenario
from gobetween.model import MAX_BONUSES, Agenda, Bonus, Issue, Preferences, Scenario
from gobetween.model.preferences import Interaction
from gobetween.service.errors import describe

AGENDA = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))


def crowded_scenario() -> Scenario:
    """Two parties; one has as many bonuses as it may, and an interaction."""
    many = tuple(Bonus(0.001, {"a": ("x",)}) for _ in range(MAX_BONUSES))
    one = Preferences(
        {"a": 1, "b": 1},
        {"a": {"x": 1, "y": 0}, "b": {"p": 0, "q": 1}},
        bonuses=many,
        interactions=(Interaction(frozenset({("a", "y"), ("b", "q")}), 0.1),),
    )
    two = Preferences({"a": 1, "b": 1}, {"a": {"x": 0, "y": 1}, "b": {"p": 1, "q": 0}})
    return Scenario(AGENDA, {"one": one, "two": two})


def _analyze(path: Path, *language: str) -> str:
    result = CliRunner().invoke(cli, [*language, "analyze", str(path)])
    assert result.exit_code != 0
    return " ".join(result.output.split())


def test_gobetween_analyze_says_the_bonuses_count_in_ukrainian(tmp_path: Path) -> None:
    path = tmp_path / "crowded.yaml"
    path.write_text(dump_scenario(crowded_scenario()), encoding="utf-8")
    # refused as the file is read, at the party (before: after loading, "bonuses: 2001
    # bonuses, each interaction counted as one", naming neither the file nor the party)
    assert (
        "parties.one.bonuses: 2001 bonuses and interactions together (bonuses: 2000, "
        "interactions: 1) (expected at most 2000 bonuses and interactions together)"
    ) in _analyze(path)
    said = _analyze(path, "--language", "uk")
    assert "parties.one.bonuses: бонусів і взаємодій разом: 2001 (бонусів: 2000, взаємодій: 1)" in (
        said
    )
    assert "interaction" not in said


def _one(values: dict[str, dict[str, float]]) -> InterdependentProfile:
    return InterdependentProfile.of(AGENDA, values)


PROFILE = InterdependentProfile.of(AGENDA, {"a": {"x": 1}})
OTHER = InterdependentProfile.of(Agenda((Issue.discrete("a", ["x", "y"]),)), {})

#: (the call, the error, its English, its Ukrainian): a profile's refusals, then the solver's.
REFUSALS = {
    "unknown issue": (
        lambda: _one({"c": {"x": 1}}),
        InvalidPreferences,
        "values.c: values name issue 'c', which the agenda lacks (expected one of 'a', 'b')",
        "values.c: значення подано для питання 'c', якого немає в порядку денному "
        "(очікувалося: одне з: 'a', 'b')",
    ),
    "unknown option": (
        lambda: _one({"a": {"z": 1}}),
        InvalidPreferences,
        "values.a: issue 'a' has no option 'z' (expected one of 'x', 'y')",
        "values.a: питання 'a' не має варіанта 'z' (очікувалося: одне з: 'x', 'y')",
    ),
    "not finite": (
        lambda: _one({"a": {"x": float("nan")}}),
        InvalidPreferences,
        "values.a.x: nan is not a finite number (expected a finite number)",
        "values.a.x: nan — не скінченне число (очікувалося: скінченне число)",
    ),
    "shape": (
        lambda: InterdependentProfile(AGENDA, ((1.0, 0.0),)),
        InvalidPreferences,
        "values: the values do not match the agenda (expected shape (2, 2))",
        "values: значення не відповідають порядку денному (очікувалося: форма (2, 2))",
    ),
    "one party": (
        lambda: exact_frontier((PROFILE,)),
        AnalysisError,
        "the exact frontier takes two parties or more, not 1",
        "точна межа Парето потребує щонайменше двох сторін, а не 1",
    ),
    "unknown engine": (
        lambda: exact_frontier((PROFILE, PROFILE), engine="cplex"),
        AnalysisError,
        "no engine 'cplex': one of auto, search, milp",
        "немає рушія 'cplex'; можливі: auto, search, milp",
    ),
    "two agendas": (
        lambda: exact_frontier((PROFILE, OTHER)),
        AnalysisError,
        "the profiles are on different agendas",
        "профілі належать до різних порядків денних",
    ),
    "disagreement point": (
        lambda: nash_milp((PROFILE, PROFILE), (0.0,)),
        AnalysisError,
        "the disagreement point has 1 utilities for 2 parties",
        "точка незгоди має корисностей: 1, а сторін: 2",
    ),
}


@pytest.mark.parametrize(("run", "error", "english", "ukrainian"), REFUSALS.values(), ids=REFUSALS)
def test_a_profiles_and_the_solvers_refusals_are_said_in_ukrainian(
    run: Callable[[], object], error: type[GobetweenError], english: str, ukrainian: str
) -> None:
    with pytest.raises(error) as caught:
        run()
    assert str(caught.value) == english
    with i18n.use_locale("uk"):
        assert describe(caught.value) == ukrainian
