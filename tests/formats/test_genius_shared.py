"""Every Genius scenario of ../shared/data/genius loads, scores as Genius does and round-trips."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from tests.formats.conftest import GENIUS_SHARED
from tests.formats.genius_oracle import GeniusProfile

from gobetween.formats import load_genius, load_scenario, save_genius
from gobetween.model import Package, Scenario

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(
        not GENIUS_SHARED.is_dir(), reason=f"the Genius collection is not at {GENIUS_SHARED}"
    ),
]

FOLDERS = sorted({p.parent for p in GENIUS_SHARED.rglob("*.xml")}) if GENIUS_SHARED.is_dir() else []
SAMPLES = 200


def folder_id(folder: Path) -> str:
    return str(folder.relative_to(GENIUS_SHARED))


def sample(scenario: Scenario, seed: str) -> list[Package]:
    rng = random.Random(seed)
    return [
        Package(scenario.agenda, tuple(rng.randrange(n) for n in scenario.agenda.shape))
        for _ in range(SAMPLES)
    ]


def test_the_whole_collection_is_there() -> None:
    assert len(FOLDERS) == 117
    assert sum(1 for _ in GENIUS_SHARED.rglob("*.xml")) == 421


@pytest.mark.parametrize("folder", FOLDERS, ids=folder_id)
def test_each_scenario_loads_with_genius_utilities(folder: Path) -> None:
    scenario = load_scenario(folder)
    profiles = {p: GeniusProfile.read(folder / f"{p}.xml") for p in scenario.party_names}
    assert len(profiles) == len(list(folder.glob("*.xml"))) - 1
    for package in sample(scenario, folder.name):
        bid = package.options
        for party, utility in zip(scenario.party_names, scenario.utilities(package), strict=True):
            oracle = profiles[party]
            assert utility == pytest.approx(oracle.expected_gobetween(bid), abs=1e-12)
            if oracle.reach <= 1:
                assert utility == pytest.approx(oracle.utility(bid), abs=1e-12)
    for party, prefs in scenario.preferences.items():
        assert prefs.reservation == profiles[party].reservation


@pytest.mark.parametrize("folder", FOLDERS, ids=folder_id)
def test_each_scenario_round_trips_through_genius_xml(folder: Path, tmp_path: Path) -> None:
    first = load_genius(folder)
    save_genius(first, tmp_path)
    second = load_genius(tmp_path)
    assert set(second.party_names) == set(first.party_names)
    for package in sample(first, folder.name + "/round trip"):
        again = Package(second.agenda, package.choices)
        assert again.options == package.options
        for party, prefs in first.preferences.items():
            assert second.preferences[party].utility(again) == pytest.approx(
                prefs.utility(package), abs=1e-12
            )
