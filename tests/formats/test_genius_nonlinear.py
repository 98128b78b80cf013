"""Genius non-linear profiles (ANAC 2014 hyperrectangles) in and out, and clause wording kept
through a Genius export."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from gobetween.errors import FileFormatError, InvalidScenario
from gobetween.formats import save_genius
from gobetween.formats.genius import load_genius
from gobetween.model import (
    Agenda,
    Bonus,
    Issue,
    IssueKind,
    Option,
    Package,
    Preferences,
    RatingScale,
    Scenario,
)

DATA = Path(__file__).parents[1] / "data" / "genius" / "nonlinear2014"


def _genius_utility(path: Path, values: dict[int, int]) -> float:
    """The profile's utility of a package by the format's description, independently of
    gobetween: the sum of satisfied constraints over maxutility (or, when unknown, over the sum
    of positive constraint utilities)."""
    root = ET.parse(path).getroot()
    total, positive = 0.0, 0.0
    for rect in root.iter("hyperRectangle"):
        u = float(rect.get("utility_function", "0"))
        positive += max(u, 0.0)
        ok = True
        for bound in rect:
            v = values[int(bound.get("index", "0"))]
            inside = float(bound.get("min", "0")) <= v <= float(bound.get("max", "0"))
            ok &= inside if bound.tag == "INCLUDES" else not inside
        total += u if ok else 0.0
    top = float(next(root.iter("utility_function")).get("maxutility", "-1"))
    return total / (top if top > 0 else positive)


def test_an_anac_2014_like_profile_imports_with_genius_utilities() -> None:
    scenario = load_genius(DATA)
    assert scenario.party_names == ("A", "B")
    assert scenario.agenda.shape == (10,) * 10
    assert [len(p.bonuses) for p in scenario.preferences.values()] == [40, 40]
    assert not scenario.is_additive
    rng = np.random.default_rng(0)
    for _ in range(300):
        choices = tuple(int(c) for c in rng.integers(0, 10, size=10))
        package = Package(scenario.agenda, choices)
        values = {k + 1: int(package.options[f"issue{k + 1}"]) for k in range(10)}
        for party in ("A", "B"):
            want = _genius_utility(DATA / f"{party}.xml", values)
            got = scenario.preferences[party].utility(package)
            assert got == pytest.approx(want, abs=1e-12)
    assert scenario.preferences["A"].reservation == pytest.approx(0.2)


def test_a_nonlinear_scenario_survives_export_and_import(tmp_path: Path) -> None:
    scenario = load_genius(DATA)
    save_genius(scenario, tmp_path)
    again = load_genius(tmp_path)
    assert again.preferences["A"] == scenario.preferences["A"]
    # B's EXCLUDES constraint allows two runs of values on one issue: two boxes on the way out
    assert len(again.preferences["B"].bonuses) == 41
    rng = np.random.default_rng(1)
    for _ in range(300):
        choices = tuple(int(c) for c in rng.integers(0, 10, size=10))
        package = Package(scenario.agenda, choices)
        same = Package(again.agenda, choices)
        assert again.utilities(same) == pytest.approx(scenario.utilities(package), abs=1e-12)


def _small() -> Scenario:
    agenda = Agenda(
        tuple(Issue.from_range(n, 1, 4, 1, kind=IssueKind.INTEGER) for n in ("x", "y", "z"))
    )
    ratings = {n: {"1": 0, "2": 3, "3": 10, "4": 6} for n in ("x", "y", "z")}
    prefs = Preferences(
        {"x": 2, "y": 1, "z": 1},
        ratings,
        scale=RatingScale(0, 10),
        reservation=0.1,
        bonuses=(
            Bonus(0.3, {"x": ("1", "2", "4"), "z": ("3",)}),  # two runs on x
            Bonus(-0.2, {"y": ("4",)}),
        ),
    )
    plain = Preferences({"x": 1, "y": 1, "z": 1}, ratings, scale=RatingScale(0, 10))
    return Scenario(agenda, {"A": prefs, "B": plain})


def test_bonuses_with_an_additive_part_keep_every_utility_through_genius(tmp_path: Path) -> None:
    scenario = _small()
    save_genius(scenario, tmp_path)
    assert 'type="nonlinear"' in (tmp_path / "A.xml").read_text(encoding="utf-8")
    again = load_genius(tmp_path)
    for choices in itertools.product(range(4), repeat=3):
        package = Package(scenario.agenda, choices)
        same = Package(again.agenda, choices)
        assert again.utilities(same) == pytest.approx(scenario.utilities(package), abs=1e-12)


def test_bonuses_over_a_discrete_issue_cannot_go_to_genius(tmp_path: Path) -> None:
    agenda = Agenda((Issue.discrete("ports", ["Odesa", "three"]),))
    prefs = Preferences(
        {"ports": 1},
        {"ports": {"Odesa": 0, "three": 1}},
        bonuses=(Bonus(0.2, {"ports": ("Odesa",)}),),
    )
    with pytest.raises(InvalidScenario) as caught:
        save_genius(Scenario(agenda, {"A": prefs}), tmp_path)
    assert "ports" in str(caught.value)
    assert caught.value.location == "parties.A.bonuses"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (('aggregation="sum"', 'aggregation="product"'), "PRODUCT"),
        (('<INCLUDES index="5"', '<INCLUDES index="55"'), "55"),
        (('utility_function="-25.0"', 'utility_function="much"'), "much"),
    ],
)
def test_what_gobetween_cannot_read_in_a_nonlinear_profile_is_refused_with_its_line(
    tmp_path: Path, change: tuple[str, str], words: str
) -> None:
    for name in ("domain.xml", "A.xml", "B.xml"):
        text = (DATA / name).read_text(encoding="utf-8")
        if name == "B.xml":
            assert change[0] in text
            text = text.replace(change[0], change[1], 1)
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(FileFormatError) as caught:
        load_genius(tmp_path)
    assert caught.value.source is not None
    assert caught.value.source.endswith("B.xml")
    assert (caught.value.location or "").startswith("line ")
    assert words in str(caught.value)


def test_clause_wording_survives_a_genius_export(tmp_path: Path) -> None:
    agenda = Agenda(
        (
            Issue(
                "ports",
                (
                    Option("Odesa", wording={"en": "Ships sail from Odesa.", "uk": "З Одеси."}),
                    Option("three ports"),
                ),
            ),
            Issue.from_range("term", 60, 120, 60, kind=IssueKind.INTEGER),
        )
    )
    prefs = Preferences(
        {"ports": 1, "term": 1},
        {"ports": {"Odesa": 1, "three ports": 0}, "term": {"60": 0, "120": 1}},
    )
    save_genius(Scenario(agenda, {"A": prefs}), tmp_path)
    again = load_genius(tmp_path).agenda
    odesa = again.issue("ports").options[0]
    assert dict(odesa.wording) == {"en": "Ships sail from Odesa.", "uk": "З Одеси."}
    # an option written without wording gets the default clause on import
    assert again.issue("ports").options[1].clause("en") == agenda.issue("ports").default_clause(
        "three ports"
    )
    assert again.issue("term").options[1].clause("en") == agenda.issue("term").default_clause("120")
    # and a second round trip changes nothing
    second = tmp_path / "again"
    save_genius(load_genius(tmp_path), second)
    assert load_genius(second).agenda == again
