"""Issue 12: the refusals of the research-corpus readers (``gobetween corpus``), the Genius
export (``gobetween convert`` to a folder) and the chart (``analyze --plot``), and the chart's
own words, are said in the run's language; English is unchanged, word for word."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from click.testing import CliRunner, Result

from gobetween import i18n
from gobetween.cli.analyze_plot import chart_words
from gobetween.cli.language import refusal as cli_refusal
from gobetween.cli.main import cli
from gobetween.errors import InputError
from gobetween.formats import examples
from gobetween.formats.plots import plot_utility_space


def run(language: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--language", language, *args], prog_name="gobetween")


def refusal(language: str, *args: str) -> str:
    """The one line of a refused command (exit status 2), without the "error: " frame."""
    result = run(language, *args)
    assert result.exit_code == 2, result.output
    return " ".join(result.output.split())


def _casino(tmp_path: Path, data: object) -> str:
    path = tmp_path / "casino.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_a_file_that_is_no_casino_file(tmp_path: Path) -> None:
    path = _casino(tmp_path, {"dialogues": []})
    assert refusal("en", "corpus", "casino", path) == (
        f"error: {path}: not a CaSiNo file (expected a JSON array of dialogues)"
    )
    said = refusal("uk", "corpus", "casino", path)
    assert said.startswith(f"помилка: {path}: це не файл CaSiNo (очікувалося: ")
    assert "not a CaSiNo" not in said


def test_a_dialogue_without_its_fields_is_named_by_number(tmp_path: Path) -> None:
    path = _casino(tmp_path, [{"dialogue_id": 7}])
    assert refusal("en", "corpus", "casino", path) == (
        f"error: {path}, dialogue 0: dialogue lacks field 'participant_info'"
    )
    assert refusal("uk", "corpus", "casino", path) == (
        f"помилка: {path}, діалог 0: у діалозі немає поля 'participant_info'"
    )


def _dialogue(logs: list[dict[str, object]]) -> dict[str, object]:
    ranks = {"High": "Food", "Medium": "Water", "Low": "Firewood"}
    side = {"value2issue": ranks}
    return {
        "dialogue_id": 1,
        "participant_info": {"mturk_agent_1": side, "mturk_agent_2": side},
        "chat_logs": logs,
    }


def test_an_accepted_deal_that_was_never_submitted(tmp_path: Path) -> None:
    path = _casino(tmp_path, [_dialogue([{"text": "Accept-Deal", "id": "mturk_agent_1"}])])
    assert refusal("en", "corpus", "casino", path) == (
        f"error: {path}, dialogue 0: Accept-Deal without a Submit-Deal before it"
    )
    assert refusal("uk", "corpus", "casino", path) == (
        f"помилка: {path}, діалог 0: Accept-Deal без попереднього Submit-Deal"
    )


def test_a_submitted_deal_that_cannot_be_read_is_refused_not_a_crash(tmp_path: Path) -> None:
    turn: dict[str, object] = {
        "text": "Submit-Deal",
        "id": "mturk_agent_1",
        "task_data": {"issue2youget": {}},
    }
    path = _casino(tmp_path, [_dialogue([turn])])
    english = refusal("en", "corpus", "casino", path)
    assert english == (
        f"error: {path}, dialogue 0, turn 0: a Submit-Deal turn that cannot be read ('Food') "
        "(expected three item counts from 0 to 3)"
    )
    said = refusal("uk", "corpus", "casino", path)
    assert said.startswith(f"помилка: {path}, діалог 0, репліка 0: репліку Submit-Deal ")
    assert "(очікувалося: три кількості предметів від 0 до 3)" in said


def test_a_deal_or_no_deal_line_of_the_wrong_shape(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text("hello there\n", encoding="utf-8")
    english = refusal("en", "corpus", "dealornodeal", str(path))
    assert english.startswith(
        f"error: {path}, line 1: line does not start with six counts/values and an utterance"
    )
    said = refusal("ar", "corpus", "dealornodeal", str(path))
    assert "لا يبدأ السطر بست كميات/قيم وعبارة" in said
    assert "does not start" not in said


def test_a_genius_export_of_red_lines_is_refused_in_the_language(tmp_path: Path) -> None:
    source = str(examples.path("black_sea_corridor"))
    english = refusal("en", "convert", source, str(tmp_path / "out"))
    assert "has red lines, which Genius profiles cannot express" in english
    said = refusal("uk", "convert", source, str(tmp_path / "out"))
    assert "має червоні лінії, яких профілі Genius не можуть виразити" in said
    assert "(очікувалося: " in said
    assert "red lines" not in said


@pytest.mark.parametrize(
    ("target", "parties", "english", "ukrainian"),
    [
        (
            "space.pdf",
            ("A", "B"),
            "--plot: cannot draw to 'space.pdf' (expected a .svg or .png file)",
            "--plot: неможливо намалювати у 'space.pdf' (очікувалося: ",
        ),
        (
            "space.svg",
            ("A",),
            "--plot: a utility-space plot needs at least two parties",
            "--plot: для графіка простору корисності потрібні щонайменше дві сторони",
        ),
    ],
)
def test_the_charts_own_refusals(
    tmp_path: Path, target: str, parties: tuple[str, ...], english: str, ukrainian: str
) -> None:
    """What ``plot_utility_space`` refuses (``analyze --plot`` checks the suffix first), as
    the CLI says a refusal (:func:`gobetween.cli.language.refusal`)."""
    n = len(parties)
    with pytest.raises(InputError) as caught:
        plot_utility_space(
            tmp_path / target,
            party_names=parties,
            frontier=np.ones((1, n)),
            packages=None,
            solutions={},
            reservations=np.zeros(n),
        )
    assert cli_refusal(caught.value) == english
    with i18n.use_locale("uk"):
        assert cli_refusal(caught.value).startswith(ukrainian)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("uk", ("пакети", "Межа Парето", "мінімально прийнятний рівень", "корисність для", "Неша")),
        ("en", ("packages", "Pareto frontier", "reservation", "utility of", "nash")),
    ],
)
def test_the_chart_is_drawn_in_the_language(
    tmp_path: Path, language: str, words: tuple[str, ...]
) -> None:
    """The legend and the axes (the SVG keeps its text as text here, to be read back)."""
    target = tmp_path / "space.svg"
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        result = run(language, "analyze", str(examples.path("classroom")), "--plot", str(target))
    assert result.exit_code == 0, result.output
    svg = target.read_text(encoding="utf-8")
    for word in words:
        assert word in svg, word
    if language != "en":
        for word in ("packages", "Pareto frontier", "reservation", "utility of"):
            assert word not in svg, word


def test_every_word_of_the_chart_is_translated() -> None:
    english = chart_words()
    with i18n.use_locale("uk"):
        ukrainian = chart_words()
    assert set(english) <= set(ukrainian)
    assert all(ukrainian[key] != english.get(key, key) for key in ukrainian)
