"""Readers of recorded human negotiations (CaSiNo, Deal or No Deal)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.shared_data import SHARED_DATA

from gobetween.errors import DataImportError, FileFormatError
from gobetween.formats.casino import read_casino
from gobetween.formats.corpora import division_scenario
from gobetween.formats.dealornodeal import read_dealornodeal

DATA = Path(__file__).parent.parent / "data"
SHARED = SHARED_DATA


def test_casino_points_match_the_corpus_scores() -> None:
    dialogues = json.loads((DATA / "casino" / "sample.json").read_text(encoding="utf-8"))
    records = list(read_casino(DATA / "casino" / "sample.json"))
    assert [r.dialogue_id for r in records] == [str(d["dialogue_id"]) for d in dialogues]
    for record, dialogue in zip(records, dialogues, strict=True):
        info = dialogue["participant_info"]
        scored = [info[side]["outcomes"]["points_scored"] for side in record.scenario.party_names]
        if record.deal is None:
            assert scored == [5, 5]  # walk-away points
            continue
        points = [
            round(u * s, 9)
            for u, s in zip(record.scenario.utilities(record.deal), record.scale, strict=True)
        ]
        assert points == scored


def test_casino_reservation_is_the_walk_away_score() -> None:
    record = next(iter(read_casino(DATA / "casino" / "sample.json")))
    assert [r * s for r, s in zip(record.scenario.reservations(), record.scale, strict=True)] == [
        pytest.approx(5),
        pytest.approx(5),
    ]


def test_casino_bad_files_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"x\.json"):
        list(read_casino(bad))
    bad.write_text('[{"dialogue_id": 1}]', encoding="utf-8")
    with pytest.raises(DataImportError, match="dialogue 0"):
        list(read_casino(bad))


RAW = (
    "1 0 4 2 1 2 YOU: i would like 4 hats . <eos> THEM: deal <eos> YOU: <selection> "
    "item0=0 item1=4 item2=0 <eos> reward=8 agree 1 4 4 1 1 2\n"
    "1 4 4 1 1 2 THEM: i would like 4 hats . <eos> YOU: deal <eos> THEM: <selection> "
    "item0=1 item1=0 item2=1 <eos> reward=6 agree 1 0 4 2 1 2\n"
    "1 6 3 0 2 2 YOU: no . <eos> THEM: <selection> item0=1 item1=3 item2=2 <eos> reward=10 "
    "disagree 1 2 3 2 2 1\n"
    "1 6 3 0 2 2 YOU: bye <eos> THEM: <selection> no agreement <eos> reward=no agreement agree "
    "1 2 3 2 2 1\n"
)


def test_dealornodeal_raw_layout(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text(RAW, encoding="utf-8")
    records = list(read_dealornodeal(path))
    assert len(records) == 3  # the THEM: perspective line is the same dialogue
    first = records[0]
    assert first.deal is not None
    assert first.deal.options == {"book": "0", "hat": "4", "ball": "0"}
    points = [u * s for u, s in zip(first.scenario.utilities(first.deal), first.scale, strict=True)]
    assert points == [pytest.approx(8), pytest.approx(6)]
    assert [r.agreed for r in records[1:]] == [False, False]


def test_dealornodeal_split_layout(tmp_path: Path) -> None:
    path = tmp_path / "test.txt"
    path.write_text(
        "<input> 2 2 3 2 1 0 </input> <dialogue> YOU: take the book <eos> THEM: <selection> "
        "</dialogue> <output> item0=2 item1=3 item2=0 item0=0 item1=0 item2=1 </output> "
        "<partner_input> 2 0 3 1 1 7 </partner_input>\n"
        "<input> 2 2 3 2 1 0 </input> <dialogue> YOU: no <eos> </dialogue> <output> <disagree> "
        "<disagree> <disagree> <disagree> <disagree> <disagree> </output> "
        "<partner_input> 2 0 3 1 1 7 </partner_input>\n",
        encoding="utf-8",
    )
    deal, no_deal = read_dealornodeal(path)
    assert deal.deal is not None
    assert deal.scenario.utilities(deal.deal) == (pytest.approx(1.0), pytest.approx(0.7))
    assert no_deal.deal is None


def test_dealornodeal_malformed_line_is_located(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text(RAW + "1 2 3 YOU: hello\n", encoding="utf-8")
    with pytest.raises(DataImportError, match="line 5"):
        list(read_dealornodeal(path))


def test_division_item_worthless_to_one_side_gets_zero_weight() -> None:
    scenario, scale = division_scenario(
        {"book": 1, "hat": 2}, ({"book": 0, "hat": 5}, {"book": 6, "hat": 2}), sides=("a", "b")
    )
    assert scale == (10.0, 10.0)
    assert scenario.preferences["a"].normalised_weights(scenario.agenda) == (0.0, 1.0)
    with pytest.raises(DataImportError, match="values nothing"):
        division_scenario({"book": 1}, ({"book": 0}, {"book": 1}))
