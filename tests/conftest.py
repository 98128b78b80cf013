"""Shared by every test: the command line speaks English unless a test chooses a language.

The CLI takes its language from ``--language``, ``GOBETWEEN_LANGUAGE`` or the machine's locale
(``LC_ALL``, ``LC_MESSAGES``, ``LANG``); a developer whose shell says ``LANG=uk_UA.UTF-8`` would
otherwise see the English tests of ``gobetween`` commands fail. Tests of the languages set or
clear these variables themselves (tests/cli/test_cli_languages.py).
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _cli_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOBETWEEN_LANGUAGE", "en")
