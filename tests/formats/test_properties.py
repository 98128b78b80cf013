"""Properties over random scenarios: file round trips are the identity; Genius keeps utilities."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.formats.genius_oracle import GeniusProfile
from tests.strategies import preferences_for, scenarios

from gobetween.formats import dump_scenario, load_genius, loads_scenario_file, save_genius
from gobetween.formats.scenario_file import ScenarioFile
from gobetween.model import Agenda, Issue, Package, Scenario

NAMES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() == s and bool(s))


@st.composite
def oddly_named(draw: st.DrawFn) -> Scenario:
    """A scenario whose issue, option and party names are arbitrary text (YAML's hard cases)."""
    issue_names = draw(st.lists(NAMES, min_size=1, max_size=3, unique=True))
    issues = tuple(
        Issue.discrete(name, draw(st.lists(NAMES, min_size=1, max_size=3, unique=True)))
        for name in issue_names
    )
    agenda = Agenda(issues)
    parties = draw(st.lists(NAMES, min_size=1, max_size=2, unique=True))
    return Scenario(agenda, {p: draw(preferences_for(agenda)) for p in parties}, name="odd")


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.sampled_from(["yaml", "json"]))
def test_any_scenario_round_trips_through_yaml_and_json(scenario: Scenario, fmt: str) -> None:
    packages = {"first": Package(scenario.agenda, (0,) * len(scenario.agenda))}
    file = ScenarioFile(scenario, packages, ("Mediator",))
    text = dump_scenario(file, fmt)  # type: ignore[arg-type]
    again = loads_scenario_file(text, fmt=fmt)  # type: ignore[arg-type]
    assert again == file
    assert dump_scenario(again, fmt) == text  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(oddly_named(), st.sampled_from(["yaml", "json"]))
def test_any_names_survive_yaml_and_json(scenario: Scenario, fmt: str) -> None:
    again = loads_scenario_file(dump_scenario(scenario, fmt), fmt=fmt)  # type: ignore[arg-type]
    assert again.scenario == scenario


@settings(max_examples=40, deadline=None)
@given(scenarios(red_lines=False, interactions=False, max_issues=3))
def test_genius_export_keeps_every_utility(scenario: Scenario) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        save_genius(scenario, tmp)
        profiles = {p: GeniusProfile.read(Path(tmp) / f"{p}.xml") for p in scenario.party_names}
        again = load_genius(tmp)
    for choices in itertools.product(*(range(n) for n in scenario.agenda.shape)):
        package = Package(scenario.agenda, choices)
        back = Package(again.agenda, choices)
        for party, prefs in scenario.preferences.items():
            expected = prefs.utility(package)
            assert abs(profiles[party].utility(package.options) - expected) < 1e-12
            assert abs(again.preferences[party].utility(back) - expected) < 1e-12
