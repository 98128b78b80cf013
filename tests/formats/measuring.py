"""How many times fpdf2 measures a piece of text (a shaping by HarfBuzz for Arabic): the
deterministic stand-in for a PDF export's time, which the export tests bound."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fpdf.fonts import TTFFont


def counting_measurements(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """From now on, count fpdf2's text measurements; the returned function says how many so far."""
    calls = 0
    measure = TTFFont.get_text_width

    def counted(self: TTFFont, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return measure(self, *args, **kwargs)

    monkeypatch.setattr(TTFFont, "get_text_width", counted)
    return lambda: calls
