"""`gobetween analyze` on a scenario with bonuses: the exact solver, and its status said."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gobetween.analysis import enumerate_outcomes
from gobetween.cli.main import cli
from gobetween.formats import examples

EXAMPLE = str(examples.path("energy_moratorium"))


def test_json_says_the_solver_proved_the_frontier_and_it_is_the_brute_force_one() -> None:
    result = CliRunner().invoke(cli, ["analyze", "--json", EXAMPLE])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["method"] == "milp"
    assert document["status"] == "optimal"
    assert document["exact"] is True
    oracle = enumerate_outcomes(examples.load("energy_moratorium").scenario)
    found = [list(p["utilities"].values()) for p in document["frontier"]]
    assert len(found) == len(oracle)
    for got, want in zip(found, oracle.utilities.tolist(), strict=True):
        assert all(abs(a - b) < 1e-9 for a, b in zip(got, want, strict=True))


def test_the_readable_report_says_exact_and_does_not_count_ties() -> None:
    result = CliRunner().invoke(cli, ["analyze", EXAMPLE])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "method: milp" in text
    assert "Solver: exact" in text
    assert "packages tied with it are not counted" in text


def test_a_time_limit_that_stops_the_solver_is_reported_as_not_proven(tmp_path: Path) -> None:
    from tests.analysis.test_bonus_frontier import _anac_like

    from gobetween.formats.scenario_file import dump_scenario

    path = tmp_path / "anac.yaml"
    path.write_text(dump_scenario(_anac_like(50, 200, seed=1)), encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", "--time-limit", "0.01", str(path)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Solver: time limit: not proven" in text


def test_workers_find_the_same_frontier_as_one_process(tmp_path: Path) -> None:
    """``--workers 2``: a frontier past the branch and bound's size (10^16 packages, HiGHS)
    swept in stretches by two processes is the one a single process finds."""
    from tests.analysis.test_bonus_frontier import _anac_like

    from gobetween.formats.scenario_file import dump_scenario

    path = tmp_path / "anac16.yaml"
    path.write_text(dump_scenario(_anac_like(16, 30, seed=0)), encoding="utf-8")
    one = CliRunner().invoke(cli, ["analyze", "--json", str(path)])
    two = CliRunner().invoke(cli, ["analyze", "--json", "--workers", "2", str(path)])
    assert one.exit_code == 0, one.output
    assert two.exit_code == 0, two.output
    first, second = json.loads(one.output), json.loads(two.output)
    assert second["status"] == "optimal"
    assert len(second["frontier"]) == 21
    # the same points; where packages tie, either process may name another one of them
    assert [f["utilities"] for f in second["frontier"]] == [
        f["utilities"] for f in first["frontier"]
    ]


def test_a_scheduler_without_dask_is_refused_with_the_command_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    result = CliRunner().invoke(cli, ["analyze", "--scheduler", "tcp://127.0.0.1:1", EXAMPLE])
    assert result.exit_code != 0
    assert "pip install 'gobetween[distributed]'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("foo", "'foo' is not a Dask scheduler's address: missing port number"),
        ("http://x:1", "'http://x:1' is not a Dask scheduler's address: unknown address scheme"),
    ],
)
def test_a_scheduler_address_dask_cannot_read_is_refused_plainly(address: str, said: str) -> None:
    result = CliRunner().invoke(cli, ["analyze", "--scheduler", address, EXAMPLE])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert f"--scheduler: {said}" in text
    assert "expected tcp://host:port, such as tcp://10.0.0.5:8786" in text
    assert "internal error" not in text


def test_a_scheduler_that_does_not_answer_is_said_with_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gobetween.batch import executors

    monkeypatch.setattr(executors, "CONNECT_SECONDS", 1.0)
    result = CliRunner().invoke(cli, ["analyze", "--scheduler", "tcp://127.0.0.1:9", EXAMPLE])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "no Dask scheduler answered at tcp://127.0.0.1:9 (waited 1 s)" in text
    assert "dask worker tcp://127.0.0.1:9" in text
    assert "internal error" not in text
