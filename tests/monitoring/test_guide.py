"""The examples of docs/guide/implementation.md run and give the outputs shown."""

from __future__ import annotations

import doctest
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide" / "implementation.md"


def test_guide_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the guide reads tests/data/bsgi relative to the project root
    result = doctest.testfile(
        str(GUIDE),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert os.getcwd() == str(ROOT)
    assert result.attempted > 40
    assert result.failed == 0
