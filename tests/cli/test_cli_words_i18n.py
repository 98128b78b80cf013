"""Issue 12, the CLI's last English: metavars in ``--help`` (and the help texts that name
them), click's counted words in the language's plural forms, the track's name in Ukrainian and
Russian help (напрям / направление, never "трек"), the solver's error status, and a record
kind's noun in an import problem. English stays exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gobetween import i18n
from gobetween.cli.language import LANGUAGE_ENV, POSIX_VARIABLES, solver_word
from gobetween.cli.main import cli


@pytest.fixture(autouse=True)
def _no_inherited_language(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (LANGUAGE_ENV, *POSIX_VARIABLES):
        monkeypatch.delenv(name, raising=False)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="gobetween")


def test_metavars_and_the_help_that_names_them_in_ukrainian() -> None:
    english = run("bidding", "open", "--help").output
    assert "Usage: gobetween bidding open [OPTIONS] TRACK_ID" in english
    assert "Open TRACK_ID's bidding (a mediator of the track)." in english
    assert "--database-url TEXT" in english
    ukrainian = run("--language", "uk", "bidding", "open", "--help").output
    assert "Використання: gobetween bidding open [ПАРАМЕТРИ] ID_НАПРЯМУ" in ukrainian
    assert "Відкрити торги напряму ID_НАПРЯМУ (посередник напряму)." in ukrainian
    assert "--database-url ТЕКСТ" in ukrainian
    for english_word in ("TRACK_ID", "OPTIONS", "TEXT", "трек"):
        assert english_word not in ukrainian, english_word


def test_a_group_s_usage_and_a_list_argument_in_russian() -> None:
    top = run("--language", "ru", "--help").output
    assert "gobetween [ПАРАМЕТРЫ] КОМАНДА [АРГУМЕНТЫ]..." in top
    voyages = run("--language", "ru", "voyages", "figures", "--help").output
    assert "ФАЙЛЫ..." in voyages
    assert "FILES" not in voyages


def test_the_track_is_napriam_in_ukrainian_and_napravlenie_in_russian() -> None:
    for language, word, wrong in (("uk", "напрям", "трек"), ("ru", "направлени", "трек")):
        demo = " ".join(run("--language", language, "demo", "--help").output.split())
        assert word in demo, demo
        assert wrong not in demo, demo
        bid = " ".join(run("--language", language, "bidding", "open", "--help").output.split())
        assert wrong not in bid, bid


@pytest.mark.parametrize(
    ("language", "two", "five"),
    [
        ("uk", "Отримано зайві аргументи (a b)", "Отримано зайві аргументи (a b c d e)"),
        ("ar", "وصل وسيطان زائدان غير متوقعين (a b)", "وصلت وسائط زائدة غير متوقعة (a b c d e)"),
    ],
)
def test_extra_arguments_are_counted_in_the_language_s_plural_forms(
    language: str, two: str, five: str
) -> None:
    assert "Got unexpected extra arguments (a b)" in run("schema", "a", "b").output
    assert "Got unexpected extra argument (a)" in run("schema", "a").output
    assert two in run("--language", language, "schema", "a", "b").output
    assert five in run("--language", language, "schema", *"abcde").output


def test_the_solver_s_error_status_is_framed_in_the_reader_s_language() -> None:
    assert solver_word("solver error (kNotset)") == "solver error (kNotset)"
    assert solver_word("solver error (a bound broken)") == "solver error (a bound broken)"
    with i18n.use_locale("uk"):
        assert solver_word("solver error (kNotset)") == "помилка розв’язувача (kNotset)"
        assert solver_word("solver error (a bound broken)") == (
            "помилка розв’язувача (порушено межу)"
        )
    with i18n.use_locale("ar"):
        assert solver_word("solver error (kNotset)") == "خطأ المُحلِّل (kNotset)"


def test_a_record_kind_s_noun_in_a_repeated_row_in_ukrainian(tmp_path: Path) -> None:
    data = tmp_path / "exchanges.csv"
    data.write_text(
        "Exchange,Date,Place,Released by,Returned to,Category,Number,Verified by\n"
        "X1,2022-09-21,Istanbul,A,Ukraine,civilians,5,ICRC\n"
        "X1,2022-09-21,Istanbul,A,Ukraine,civilians,6,ICRC\n",
        encoding="utf-8",
    )
    english = " ".join(run("records", "check", "exchanges", str(data)).output.split())
    assert "row 3: exchange X1/Ukraine/civilians differs from row 2" in english
    ukrainian = run("--language", "uk", "records", "check", "exchanges", str(data)).output
    ukrainian = " ".join(ukrainian.split())
    assert "рядок 3: обмін X1/Ukraine/civilians відрізняється від рядка 2" in ukrainian, ukrainian
    assert "exchange X1" not in ukrainian
