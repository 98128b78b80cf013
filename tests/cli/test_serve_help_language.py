"""``gobetween serve --help`` lists every environment setting, each in a paragraph of its own,
with what it does in the run's language."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from gobetween import i18n
from gobetween.cli.main import cli
from gobetween.service.settings import Settings


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("code", ["uk", "ar"])
def test_every_setting_is_described_in_the_runs_language(code: str) -> None:
    result = CliRunner().invoke(cli, ["--language", code, "serve", "--help"])
    assert result.exit_code == 0, result.output
    shown = _flat(result.output)
    with i18n.use_locale(code):
        for name, _default, english in Settings.describe():
            local = i18n.gettext(english)
            assert local != english, name
            assert _flat(local) in shown, name
            assert _flat(english) not in shown, name
    # one paragraph per setting: every variable begins a line of its own
    for name, _default, _text in Settings.describe():
        assert re.search(rf"^\s+{name} ", result.output, re.M), name
