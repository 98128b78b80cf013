"""``gobetween analyze``: report, JSON, plot and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gobetween.analysis import analyze as run_analysis
from gobetween.cli.main import cli
from gobetween.formats import examples, load_scenario

CLASSROOM = examples.path("classroom")
CORRIDOR = examples.path("black_sea_corridor")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_json_matches_the_library() -> None:
    code, out = _run("analyze", str(CLASSROOM), "--json")
    assert code == 0, out
    document = json.loads(out)
    expected = run_analysis(load_scenario(CLASSROOM))
    assert document["frontier_size"] == len(expected.frontier)
    assert expected.nash is not None
    assert document["solutions"]["nash"]["package"] == expected.nash.package.options
    names = [p["name"] for p in document["packages"]]
    assert "split the difference" in names
    split = next(p for p in document["packages"] if p["name"] == "split the difference")
    assert split["pareto_optimal"] is False
    gains = split["fairest_improvement"]["gains"]
    assert all(g >= 0 for g in gains.values())
    assert any(g > 0 for g in gains.values())


def test_readable_report_names_what_a_mediator_needs() -> None:
    code, out = _run("analyze", str(CORRIDOR))
    assert code == 0, out
    for phrase in (
        "Pareto frontier",
        "Nash",
        "Kalai-Smorodinsky",
        "egalitarian",
        "max-welfare",
        "Zone of possible agreement",
        "illustrative",
        "equal stakes",  # the corridor's inspection issue: nobody's stake is larger
    ):
        assert phrase in out


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_plot_is_written(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"space{suffix}"
    code, out = _run("analyze", str(CLASSROOM), "--plot", str(target), "--json")
    assert code == 0, out
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:2000]


def test_plot_of_three_parties_has_a_panel_per_pair(tmp_path: Path) -> None:
    scenario_path = tmp_path / "three.yaml"
    scenario_path.write_text(
        """gobetween: 1
name: three
agenda:
  issues:
    - {name: a, options: [x, y, z]}
    - {name: b, options: [p, q]}
parties:
"""
        + "".join(
            f"""  {party}:
    weights: {{a: {wa}, b: 1}}
    ratings: {{a: {{x: 1, y: 0.5, z: 0}}, b: {{p: {rp}, q: 1}}}}
"""
            for party, wa, rp in (("A", 1, 0), ("B", 2, 1), ("C", 3, 0.5))
        ),
        encoding="utf-8",
    )
    target = tmp_path / "three.svg"
    code, out = _run("analyze", str(scenario_path), "--plot", str(target))
    assert code == 0, out
    svg = target.read_text(encoding="utf-8")
    assert svg.count("utility of A") == 2
    assert svg.count("utility of C") == 2


def test_bad_plot_suffix_and_disagreement_are_named(tmp_path: Path) -> None:
    code, out = _run("analyze", str(CLASSROOM), "--plot", str(tmp_path / "x.gif"))
    assert code != 0
    assert "--plot" in out
    assert ".svg" in out
    code, out = _run("analyze", str(CLASSROOM), "--disagreement", "nobody=0.3")
    assert code != 0
    assert "--disagreement" in out
    assert "employer" in out


def test_disagreement_point_moves_the_nash_solution() -> None:
    _, plain = _run("analyze", str(CLASSROOM), "--json")
    _, shifted = _run("analyze", str(CLASSROOM), "--json", "--disagreement", "employer=0.85")
    nash_plain = json.loads(plain)["solutions"]["nash"]
    nash_shifted = json.loads(shifted)["solutions"]["nash"]
    assert nash_shifted["utilities"]["employer"] >= 0.85 - 1e-9
    assert nash_shifted["utilities"]["employer"] > nash_plain["utilities"]["employer"]


def test_broken_file_gives_one_line_error_not_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("gobetween: 1\nagenda: {issues: []}\nparties: {}\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "gobetween", "analyze", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ")
    assert "bad.yaml" in proc.stderr


def test_exit_codes_of_commands_reach_the_shell(tmp_path: Path) -> None:
    """Usage errors exit 2 with click's message; --version exits 0."""
    proc = subprocess.run(
        [sys.executable, "-m", "gobetween", "analyze", "--no-such-option"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "No such option" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "gobetween", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert "gobetween" in proc.stdout


def test_analyze_and_convert_cut_a_real_issue_alike(tmp_path: Path) -> None:
    """``--real-steps`` is one option: n steps give n + 1 options, and 0 is refused by both."""
    from tests.formats.test_genius import DOMAIN, PROFILE, toy

    integer = '<issue index="2" name="size" lowerbound="1" upperbound="3" type="integer"'
    real = '<issue index="2" name="size" vtype="real" type="real" etype="real">'
    domain = DOMAIN.replace(
        integer + ' etype="integer">', real + '<range lowerbound="0.0" upperbound="2.0"/>'
    )
    profile = PROFILE.replace(
        integer + ' etype="integer">\n<evaluator ftype="linear" slope="0.25" offset="0.5">',
        real + '<range lowerbound="0.0" upperbound="2.0"/>'
        '<evaluator ftype="linear" parameter0="0.2" parameter1="0.4">',
    )
    folder = toy(tmp_path, profile, domain)
    code, out = _run("convert", str(folder), "-", "--format", "json", "--real-steps", "1")
    assert code == 0, out
    (size,) = [i for i in json.loads(out)["agenda"]["issues"] if i["name"] == "size"]
    assert [o["name"] for o in size["options"]] == ["0", "2"]
    code, out = _run("analyze", str(folder), "--json", "--real-steps", "1")
    assert code == 0, out
    assert len(json.loads(out)["frontier"]) == 1  # one party: its best package
    for command in ("analyze", "convert"):
        args = [command, str(folder)] + (["-"] if command == "convert" else [])
        code, out = _run(*args, "--real-steps", "0")
        assert code == 2
        assert "x>=1" in out
