"""Shared paths for the format tests, and ``tests.*`` importable however pytest is started."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tests.shared_data import SHARED_DATA

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Genius scenarios copied into the repository (GPL, Genius/ANAC; see its README).
GENIUS_TEST_DATA = ROOT / "tests" / "data" / "genius"
#: The full Genius collection beside the project (tests marked ``shared`` read it).
GENIUS_SHARED = SHARED_DATA / "genius"


@pytest.fixture
def genius_test_data() -> Path:
    return GENIUS_TEST_DATA
