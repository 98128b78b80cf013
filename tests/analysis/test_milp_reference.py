"""gobetween's frontier against a published reference frontier, point by point."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from benchmarks.genius_reference import compare_with_reference

from gobetween.analysis import pareto_frontier
from gobetween.analysis.reference import PointVerdict, ReferenceVerdict, compare_frontiers
from gobetween.errors import AnalysisError
from gobetween.formats.genius import load_genius
from gobetween.formats.genius_frontier import parse_reference_frontier

FOLDER = Path(__file__).resolve().parents[1] / "data" / "genius_reference" / "tiny2014"
EXACT = [(0.8, 0.2), (0.6, 0.6), (0.1, 0.9), (0.0, 1.0)]  # brute force over the 64 packages


def test_equal_dominated_and_missed_reference_points() -> None:
    found = [(1.0, 0.2), (0.8, 0.8), (0.3, 1.0)]
    same = compare_frontiers(found, found)
    assert same.verdict is ReferenceVerdict.EQUAL
    assert (same.equal, same.dominated, same.missed, same.extra) == (3, 0, 0, 0)
    # the reference found a worse middle point and not the last one
    beaten = compare_frontiers(found, [(1.0, 0.2), (0.7, 0.8)])
    assert beaten.verdict is ReferenceVerdict.DOMINATES
    assert beaten.points == (PointVerdict.EQUAL, PointVerdict.DOMINATED)
    assert beaten.extra == 2
    # a reference point nobody in ours reaches: ours is not the whole frontier (or not the
    # same scale)
    short = compare_frontiers(found, [(1.0, 0.2), (0.9, 0.9)])
    assert short.verdict is ReferenceVerdict.MISSES
    assert short.points == (PointVerdict.EQUAL, PointVerdict.MISSED)
    # only more points than the reference: ours still dominates it
    assert compare_frontiers(found, found[:2]).verdict is ReferenceVerdict.DOMINATES


def test_the_tolerance_decides_what_is_equal() -> None:
    found = [(0.6000000000000001, 0.6)]
    assert compare_frontiers(found, [(0.6, 0.6)]).verdict is ReferenceVerdict.EQUAL
    printed = [(0.6000004, 0.6)]  # a reference written with fewer digits
    assert compare_frontiers(found, printed).verdict is ReferenceVerdict.MISSES
    assert compare_frontiers(found, printed, tol=1e-6).verdict is ReferenceVerdict.EQUAL


def test_what_cannot_be_compared_is_refused() -> None:
    with pytest.raises(AnalysisError, match="3 utilities per point, gobetween's 2"):
        compare_frontiers([(1.0, 0.0)], [(1.0, 0.0, 0.0)])
    with pytest.raises(AnalysisError, match="the reference frontier: expected"):
        compare_frontiers([(1.0, 0.0)], [(1.0, math.nan)])
    with pytest.raises(AnalysisError, match="the reference frontier: expected"):
        compare_frontiers([(1.0, 0.0)], [])
    nothing = compare_frontiers([], [(1.0, 0.0)])
    assert nothing.points == (PointVerdict.MISSED,)


def test_a_genius_folder_with_a_reference_frontier() -> None:
    scenario = load_genius(FOLDER)
    assert "frontier.xml (a reference frontier of 3 points)" in scenario.metadata["ignored"]
    front = pareto_frontier(scenario)
    assert (front.method, front.status) == ("milp", "optimal")
    assert front.utilities.ravel().tolist() == pytest.approx(
        [u for p in EXACT for u in p], abs=1e-12
    )
    reference = parse_reference_frontier((FOLDER / "frontier.xml").read_bytes())
    assert reference is not None
    comparison = compare_frontiers(front.utilities, reference, tol=1e-9)
    assert comparison.verdict is ReferenceVerdict.DOMINATES
    assert comparison.points == (PointVerdict.EQUAL, PointVerdict.DOMINATED, PointVerdict.EQUAL)
    assert comparison.extra == 2  # (0.6, 0.6) and (0.1, 0.9), which the reference lacks


def test_the_benchmark_reports_each_reference_file(tmp_path: Path) -> None:
    (report,) = compare_with_reference(FOLDER)
    assert report["verdict"] == "dominates"
    assert [p["verdict"] for p in report["points"]] == ["equal", "dominated", "equal"]
    assert (report["reference_points"], report["gobetween_points"]) == (3, 4)
    copy = tmp_path / "tiny2014"
    shutil.copytree(FOLDER, copy)
    (copy / "frontier.xml").write_text("".join(f"{a},{b}\n" for a, b in EXACT))
    (copy / "better.xml").write_text("0.8,0.2\n0.7,0.7\n")  # no package reaches (0.7, 0.7)
    reports = {r["reference"]: r for r in compare_with_reference(copy)}
    assert reports["frontier.xml"]["verdict"] == "equal"
    assert reports["better.xml"]["verdict"] == "misses"
    assert reports["better.xml"]["missed"] == 1
    (copy / "frontier.xml").unlink()
    (copy / "better.xml").unlink()
    assert compare_with_reference(copy) == []


def _analyze(*args: str) -> str:
    from click.testing import CliRunner

    from gobetween.cli.main import cli

    result = CliRunner().invoke(cli, ["analyze", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_gobetween_analyze_compares_the_folder_s_reference_frontier() -> None:
    document = json.loads(_analyze(str(FOLDER), "--json"))
    (row,) = document["reference_frontiers"]
    assert row["file"] == "frontier.xml"
    assert (row["verdict"], row["exact"]) == ("dominates", True)
    assert row["points"] == ["equal", "dominated", "equal"]
    assert (row["equal"], row["dominated"], row["missed"], row["extra"]) == (2, 1, 0, 2)
    text = " ".join(_analyze(str(FOLDER)).split())
    assert "Reference frontier frontier.xml: gobetween's frontier dominates it" in text
    assert "3 reference points: 2 equal, 1 dominated by gobetween's, 0 not reached" in text


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        (EXACT, "gobetween's frontier equals it"),
        ([(0.8, 0.2), (0.7, 0.7), (0.0, 1.0)], "gobetween's frontier is dominated at 1 point;"),
        ([(0.8, 0.2, 0.1)], "not compared (the reference frontier has 3 utilities per point"),
    ],
)
def test_the_report_says_equals_dominates_or_is_dominated(
    tmp_path: Path, rows: list[tuple[float, ...]], said: str
) -> None:
    folder = tmp_path / "tiny2014"
    shutil.copytree(FOLDER, folder)
    (folder / "frontier.xml").write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n")
    assert said in " ".join(_analyze(str(folder)).split())
    # the domain file given instead of the folder: the same folder is searched
    assert said in " ".join(_analyze(str(folder / "domain.xml")).split())


def test_no_reference_no_comparison(tmp_path: Path) -> None:
    folder = tmp_path / "tiny2014"
    shutil.copytree(FOLDER, folder)
    (folder / "frontier.xml").unlink()
    assert "reference_frontiers" not in json.loads(_analyze(str(folder), "--json"))
    assert "Reference frontier" not in _analyze(str(folder))
