"""The tournament's report says, for a Genius folder that carries a published reference
frontier, whether gobetween's exact frontier equals or dominates it, point by point; the runs'
Pareto-optimality stays measured against gobetween's own exact frontier."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.rehearsal.scenarios import toy

from gobetween.batch.references import check_references, scenario_folder
from gobetween.batch.report import ALL
from gobetween.batch.tasks import find_scenarios
from gobetween.cli.main import cli
from gobetween.formats import save_scenario

TINY = Path(__file__).resolve().parents[1] / "data" / "genius_reference" / "tiny2014"
#: The exact frontier of tiny2014 (brute force, see tests/data/genius_reference/README.md).
EXACT = "0.8,0.2\n0.6,0.6\n0.1,0.9\n0.0,1.0\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A scenario file beside two copies of tiny2014: as published (one point beaten by
    gobetween, one missing), and with the exact frontier as its reference."""
    root = tmp_path / "scenarios"
    shutil.copytree(TINY, root / "anac" / "tiny2014")
    shutil.copytree(TINY, root / "anac" / "exact")
    (root / "anac" / "exact" / "frontier.xml").write_text(EXACT)
    save_scenario(toy(), root / "toy.yaml")
    return root


def test_each_reference_is_checked_point_by_point(folder: Path) -> None:
    scenarios, failed = find_scenarios(folder)
    assert not failed
    checks = {c.scenario: c for c in check_references(folder, scenarios)}
    assert set(checks) == {"anac/tiny2014", "anac/exact"}  # the scenario file has none
    published = checks["anac/tiny2014"]
    assert (published.reference, published.verdict) == ("frontier.xml", "dominates")
    assert published.points == ("equal", "dominated", "equal")
    assert (published.equal, published.dominated, published.missed) == (2, 1, 0)
    assert (published.extra, published.frontier_points) == (2, 4)
    exact = checks["anac/exact"]
    assert (exact.verdict, exact.equal, exact.extra, exact.error) == ("equal", 4, 0, None)


def test_a_reference_gobetween_misses_or_cannot_read_is_said_so(tmp_path: Path) -> None:
    shutil.copytree(TINY, tmp_path / "better")
    (tmp_path / "better" / "frontier.xml").write_text("0.8,0.2\n0.7,0.7\n0.0,1.0\n")
    shutil.copytree(TINY, tmp_path / "three")
    (tmp_path / "three" / "frontier.xml").write_text("0.8,0.2,0.1\n0.0,1.0,0.5\n")
    scenarios, _ = find_scenarios(tmp_path)
    checks = {c.scenario: c for c in check_references(tmp_path, scenarios)}
    better = checks["better"]
    assert (better.verdict, better.points) == ("misses", ("equal", "missed", "equal"))
    three = checks["three"]
    assert three.verdict == "error"
    assert three.error is not None
    assert "3 utilities per point" in three.error


def test_a_genius_folder_given_itself_is_its_own_scenario_folder(tmp_path: Path) -> None:
    root = tmp_path / "tiny2014"
    shutil.copytree(TINY, root)
    scenarios, _ = find_scenarios(root)
    assert list(scenarios) == ["tiny2014"]
    assert scenario_folder(root, "tiny2014") == root
    assert [c.verdict for c in check_references(root, scenarios)] == ["dominates"]
    assert scenario_folder(tmp_path, "toy.yaml") is None


def test_the_command_reports_the_reference_frontiers(folder: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        cli,
        [
            *("tournament", str(folder), "--seeds", "2", "--workers", "1", "--quiet"),
            *("-s", "nash-seeking", "-b", "truthful", "--report", str(report)),
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "Reference frontiers" in result.output
    assert "anac/tiny2014" in result.output
    assert "dominates" in result.output
    document = json.loads(report.read_text())
    references = {r["scenario"]: r for r in document["reference_frontiers"]}
    assert references["anac/tiny2014"]["points"] == ["equal", "dominated", "equal"]
    assert references["anac/exact"]["verdict"] == "equal"
    # Pareto-optimality is against gobetween's exact frontier: nash-seeking with truthful
    # parties reaches it on every scenario, the published frontier's beaten point included
    total = next(line for line in document["strategies"] if line["behaviour"] == ALL)
    assert total["pareto_optimal"] == 1.0


def test_a_folder_without_references_reports_none(tmp_path: Path) -> None:
    save_scenario(toy(), tmp_path / "toy.yaml")
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        cli,
        [
            *("tournament", str(tmp_path), "--seeds", "1", "--workers", "1", "--quiet"),
            *("-s", "veto", "--report", str(report)),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Reference frontiers" not in result.output
    assert json.loads(report.read_text())["reference_frontiers"] == []
