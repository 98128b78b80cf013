"""Hostile values found by the probe (issue 9), through the CLI: a 5,001-digit number in a YAML,
JSON or Genius scenario is a one-line error naming the file and the place with the exit status
of bad input (2, not 70 "internal error"); a 15 MB attribute is not echoed back."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.formats.test_cli_files import run

from gobetween.errors import MAX_MESSAGE

DATA = Path(__file__).parents[1] / "data" / "genius" / "fitness"
BIG = "9" * 5001


def _genius(tmp_path: Path, old: str, new: str, *, in_profile: bool = True) -> Path:
    folder = tmp_path / "fitness"
    folder.mkdir()
    for source in DATA.glob("*.xml"):
        text = source.read_text(encoding="utf-8")
        if in_profile == ("prof" in source.name):
            text = text.replace(old, new, 1)
        (folder / source.name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_a_5001_digit_number_is_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"talks.{suffix}"
    if suffix == "yaml":
        path.write_text(f"gobetween: 1\nname: talks\nparties: {BIG}\n", encoding="utf-8")
    else:
        path.write_text(f'{{"gobetween": 1,\n "parties": {BIG}}}', encoding="utf-8")
    code, _, err = run(capsys, "analyze", str(path))
    assert code == 2, err
    assert err.startswith(f"error: {path}, line ")
    assert "5,001" in err
    assert err.count("\n") == 1
    assert len(err) < 400


def test_a_5001_digit_genius_evaluation_is_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = _genius(tmp_path, 'evaluation="3"', f'evaluation="{BIG}"')
    code, _, err = run(capsys, "analyze", str(folder))
    assert code == 2, err
    assert "Fitness-A-prof" in err
    assert "line " in err
    assert len(err) < 600
    assert BIG not in err


def test_a_15_mb_attribute_is_not_echoed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    huge = "x" * 15_000_000
    folder = _genius(tmp_path, 'value="swimming"', f'value="{huge}"')
    code, _, err = run(capsys, "analyze", str(folder))
    assert code == 2, err[:500]
    assert len(err) <= MAX_MESSAGE + 200
    assert "15,000,000 characters" in err
