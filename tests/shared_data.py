"""Where the real data sets beside the project live (``../shared/data``), for tests that read them.

Tests that need them are marked ``shared`` and skip, saying why, where the folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

#: ``../shared/data`` seen from the project root.
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def needs(folder: str) -> pytest.MarkDecorator:
    """Skip unless ``../shared/data/<folder>`` exists."""
    return pytest.mark.skipif(
        not (SHARED_DATA / folder).exists(),
        reason=f"../shared/data/{folder} is absent: the full data set is not here",
    )
