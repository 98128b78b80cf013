"""``gobetween corpus``: the published efficiency figures of real human negotiations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.shared_data import SHARED_DATA, needs

from gobetween.cli.corpus import corpus_summary
from gobetween.cli.main import cli
from gobetween.formats.casino import read_casino

SHARED = SHARED_DATA
DATA = Path(__file__).parent.parent / "data"

needs_shared = needs(".")


def _summary(*args: str) -> dict[str, float]:
    result = CliRunner().invoke(cli, ["corpus", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


@pytest.mark.shared
@needs_shared
def test_casino_reproduces_the_published_figures() -> None:
    summary = _summary("casino", str(SHARED / "casino"))
    assert summary["dialogues"] == 1030
    assert summary["deals"] == 1005
    assert round(100 * summary["pareto_optimal_share"], 1) == 67.4
    assert round(summary["mean_points_per_participant"], 2) == 18.64
    assert summary["added_points_per_deal"] > 0


@pytest.mark.shared
@needs_shared
@pytest.mark.parametrize(
    ("file", "dialogues", "deals", "share"),
    [("data.txt", 6173, 4766, 77.0), ("test.txt", 527, 402, 71.1)],
)
def test_dealornodeal_reproduces_the_published_figures(
    file: str, dialogues: int, deals: int, share: float
) -> None:
    summary = _summary("dealornodeal", str(SHARED / "dealornodeal" / file))
    assert (summary["dialogues"], summary["deals"]) == (dialogues, deals)
    assert round(100 * summary["pareto_optimal_share"], 1) == share


def test_summary_of_the_sample_counts_walk_aways_at_reservation() -> None:
    summary = corpus_summary("casino", read_casino(DATA / "casino" / "sample.json"))
    assert summary["dialogues"] == 5
    assert summary["deals"] == 4
    # The four deals of the sample score 18+20, 22+14, 19+21, 17+19; the walk-away 5+5.
    assert summary["mean_points_per_participant"] == pytest.approx(160 / 10)
    inefficient = summary["deals"] - summary["pareto_optimal_deals"]
    if inefficient:
        assert summary["added_points_per_inefficient_deal"] > 0
    else:
        assert summary["added_points_per_deal"] == 0
