"""Issue 12: the command line speaks the five languages (docs/cli.md, "Language").

The language is ``--language``, else ``GOBETWEEN_LANGUAGE``, else ``LC_ALL``, ``LC_MESSAGES``,
``LANG``, else English. Each test runs the real commands with click's CliRunner and checks
words from the catalogs appear and the English sentences do not; machine-readable output
(JSON) is the same in every language.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gobetween.cli.language import choose
from gobetween.cli.main import cli
from gobetween.formats import examples

CLASSROOM = examples.path("classroom")
LANGUAGE_VARIABLES = ("GOBETWEEN_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")

#: The English sentences of ``gobetween --help`` that a translation must replace.
HELP_ENGLISH = (
    "Usage:",
    "Options:",
    "Commands:",
    "Show this message and exit.",
    "Show the version and exit.",
    "indirect, mediated negotiation",
    "Analyse scenarios, run the negotiation service",
    "Language of the messages",
    "Mirror agreements: create a bundle",
    "Users: create, set a password",
)
#: The English words of ``gobetween analyze``'s report.
REPORT_ENGLISH = (
    "parties (",
    "issues;",
    "allowed by red lines",
    "Pareto frontier",
    "utility points",
    "reached by",
    "tolerance",
    "Bargaining solutions",
    "Zone of possible agreement",
    "clear every reservation value",
    "Trade-off hints",
    "cares most",
    "fairest improvement",
    "utilities",
    "not Pareto-optimal",
    "Preferences in this scenario are illustrative",
)
#: ASCII words that may stand in a translated output: data of the scenario (issue, option,
#: party and package names), the Rich table rule, commands, metavars and notation.
CYRILLIC = re.compile(r"[а-яіїєґ]", re.IGNORECASE)
ARABIC = re.compile(r"[\u0600-\u06ff]")


@pytest.fixture(autouse=True)
def _no_inherited_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test states its language: the machine's own locale variables are cleared."""
    for name in LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, prog_name="gobetween")


def flat(text: str) -> str:
    """``text`` with Rich's line breaks undone (a phrase may wrap across lines)."""
    return " ".join(text.split())


def test_help_in_ukrainian_has_no_english_sentence() -> None:
    result = run("--language", "uk", "--help")
    assert result.exit_code == 0, result.output
    out = result.output
    for ukrainian in (
        "Використання:",
        "Параметри:",
        "Команди:",
        "Показати це повідомлення й вийти.",
        "непрямі переговори за посередництва",
        "Мова повідомлень",
        "Дзеркальні угоди",
    ):
        assert ukrainian in out
    for english in HELP_ENGLISH:
        assert english not in out, english
    # What is left in Latin letters is notation: the program, metavars, codes, variables.
    latin = set(re.findall(r"[A-Za-z][A-Za-z_-]+", out))
    assert latin <= {
        "gobetween", "version", "language", "help",
        "en", "uk", "ru", "tr", "ar", "GOBETWEEN_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG",
        "agreement", "analyze", "audit", "bidding", "convert", "corpus", "db", "demo", "keys",
        "records", "schema", "serve", "tournament", "users", "voyages", "yaml",
        "json", "YAML", "JSON", "Schema", "Genius", "Ed", "API", "REST", "JCC", "CSV", "XLSX",
    }, latin  # fmt: skip


def test_a_subcommand_help_and_its_options_in_arabic() -> None:
    out = run("--language", "ar", "analyze", "--help").output
    assert "الاستخدام:" in out
    assert "الخيارات:" in out
    assert "حلِّل السيناريو في مسار_الملف" in out  # the metavar, as the usage line names it
    assert "gobetween analyze [الخيارات] مسار_الملف" in out
    assert "اطبع التحليل بصيغة JSON." in out  # --json's help
    assert "الافتراضي:" in out  # click's own "default:" for --tol
    assert "Print the analysis as JSON." not in out
    assert "Analyse the scenario" not in out
    assert "default:" not in out


def test_the_analysis_report_in_arabic_and_ukrainian() -> None:
    english = flat(run("analyze", str(CLASSROOM)).output)
    for words in REPORT_ENGLISH:
        assert words in english, words  # the scan below would pass on a changed report
    arabic = run("--language", "ar", "analyze", str(CLASSROOM))
    assert arabic.exit_code == 0, arabic.output
    for words in ("حدّ باريتو", "منطقة الاتفاق الممكن", "حلول المساومة", "تلميحات المقايضة"):
        assert words in flat(arabic.output)
    ukrainian = flat(run("--language", "uk", "analyze", str(CLASSROOM)).output)
    assert "Межа Парето" in ukrainian
    assert "Зона можливої згоди" in ukrainian
    assert re.search(r"\b0,\d{3}\b", ukrainian)  # utilities with the Ukrainian decimal comma
    for out in (flat(arabic.output), ukrainian):
        for words in REPORT_ENGLISH:
            assert words not in out, words


def test_json_is_the_same_in_every_language() -> None:
    english = run("analyze", str(CLASSROOM), "--json").output
    for code in ("uk", "ar"):
        assert run("--language", code, "analyze", str(CLASSROOM), "--json").output == english
    assert json.loads(english)["frontier_size"] > 0


def test_a_missing_file_is_refused_in_ukrainian() -> None:
    result = run("--language", "uk", "analyze", "nowhere.yaml")
    assert result.exit_code == 2
    assert "Помилка: Неприпустиме значення для 'PATH': Шлях 'nowhere.yaml' не існує." in (
        result.output
    )
    assert "Спробуйте 'gobetween analyze --help', щоб отримати довідку." in result.output
    assert "does not exist" not in result.output
    assert "Error" not in result.output


def test_a_bad_scenario_is_refused_in_arabic(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nissues: 5\n", encoding="utf-8")
    english = run("analyze", str(bad))
    assert english.exit_code == 2
    assert english.output.startswith("error: ")
    arabic = run("--language", "ar", "analyze", str(bad))
    assert arabic.exit_code == 2
    assert arabic.output.startswith("خطأ: ")
    assert ARABIC.search(arabic.output.split(":", 2)[-1])  # the refusal itself, not the prefix
    assert "expected" not in arabic.output


def test_users_and_their_refusal_in_ukrainian(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOBETWEEN_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("GOBETWEEN_ARGON2_MEMORY_KIB", "64")
    url = f"sqlite:///{tmp_path / 'users.db'}"
    created = run(
        "--language", "uk", "users", "create", "--database-url", url, "--email",
        "olena@example.org", "--name", "Olena", "--password", "a long password 1",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert created.output.startswith("створено користувача ")
    missing = run(
        "--language", "uk", "users", "token", "--database-url", url, "--email", "no@example.org"
    )
    assert missing.exit_code == 2
    assert missing.output.strip() == "помилка: немає користувача з адресою no@example.org"
    english = run("users", "token", "--database-url", url, "--email", "no@example.org")
    assert english.output.strip() == "error: no user with e-mail no@example.org"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"GOBETWEEN_LANGUAGE": "ru"}, "ru"),
        ({"LANG": "tr_TR.UTF-8"}, "tr"),
        ({"LC_MESSAGES": "ar_EG.UTF-8", "LANG": "ru_RU.UTF-8"}, "ar"),
        ({"LC_ALL": "uk_UA.UTF-8", "LC_MESSAGES": "ar_EG", "LANG": "ru_RU"}, "uk"),
        ({"LC_ALL": "C", "LANG": "uk_UA.UTF-8"}, "en"),  # the first one set decides
        ({"LANG": "de_DE.UTF-8"}, "en"),  # a language gobetween does not speak
        ({"GOBETWEEN_LANGUAGE": "ar", "LC_ALL": "uk_UA.UTF-8"}, "ar"),
        ({}, "en"),
    ],
)
def test_the_environment_chooses_the_language(env: dict[str, str], expected: str) -> None:
    assert choose([], env) == expected
    words = {"en": "Usage:", "uk": "Використання:", "ru": "Использование:",
             "tr": "Kullanım:", "ar": "الاستخدام:"}  # fmt: skip
    assert run("--help", env=env).output.startswith(words[expected])


def test_the_option_beats_the_environment() -> None:
    env = {"GOBETWEEN_LANGUAGE": "ru", "LANG": "uk_UA.UTF-8"}
    assert run("--language", "tr", "--help", env=env).output.startswith("Kullanım:")
    assert run("--language=en", "--help", env=env).output.startswith("Usage:")
    assert choose(["users", "--language", "ar"], env) == "ru"  # a subcommand's own argument


def test_an_unknown_language_is_refused_naming_the_languages() -> None:
    result = run("--language", "de", "schema")
    assert result.exit_code == 2
    assert "'de' is not a language of gobetween" in result.output
    for name in ("en (English)", "uk (Українська)", "ru (Русский)", "tr (Türkçe)", "ar (العربية)"):
        assert name in result.output
    from_env = run("schema", env={"GOBETWEEN_LANGUAGE": "klingon", "LANG": "uk_UA.UTF-8"})
    assert from_env.exit_code == 2
    # Said in the language the locale gives, naming the variable that is wrong.
    assert "GOBETWEEN_LANGUAGE=klingon — не мова gobetween" in from_env.output
    assert CYRILLIC.search(from_env.output)


def test_numbers_follow_the_language() -> None:
    english = run("corpus", "--help").output
    assert "Judge every agreed deal" in english
    for code, words in (("ru", "Оценить каждую заключённую сделку"), ("tr", "derleminin")):
        assert words in run("--language", code, "corpus", "--help").output
    from gobetween import i18n
    from gobetween.cli.language import number, percent

    with i18n.use_locale("uk"):
        assert (number(1234567.891, 2), percent(0.125, 1)) == ("1\xa0234\xa0567,89", "12,5%")
    with i18n.use_locale("tr"):
        assert percent(0.125, 1) == "%12,5"
    with i18n.use_locale("en"):
        assert (number(1234567.891, 2), percent(0.125, 1)) == ("1,234,567.89", "12.5%")


def test_a_record_file_checked_in_ukrainian(tmp_path: Path) -> None:
    data = tmp_path / "exchanges.csv"
    data.write_text(
        "Exchange,Date,Place,Released by,Returned to,Category,Number,Verified by\n"
        "X1,2022-09-21,Istanbul,A,Ukraine,civilians,many,ICRC\n"
        "X2,2022-09-22,Istanbul,A,Ukraine,civilians,5,ICRC\n",
        encoding="utf-8",
    )
    english = run("records", "check", "exchanges", str(data))
    assert english.exit_code == 2  # a row was skipped
    assert "1 entries; 1 rows skipped" in english.output
    assert "  row 2, Number: " in english.output
    ukrainian = run("--language", "uk", "records", "check", "exchanges", str(data))
    assert ukrainian.exit_code == 2
    assert "записів — 1; пропущено рядків — 1" in ukrainian.output
    assert "  рядок 2, " in ukrainian.output
    assert "(очікувалося: " in ukrainian.output
    assert "застереження: " in ukrainian.output
    assert "  рядок 2, Кількість: не число: 'many' (очікувалося: ціле число >= 0 (осіб))" in (
        ukrainian.output
    )
    assert "  повернуто до Ukraine  5" in ukrainian.output  # the row label's words, not the name
    assert "not a number: 'many'" in english.output
    assert "returned to Ukraine" in english.output
    english_words = ("entries", "rows skipped", "row 2", "expected", "caveat", "not a number")
    for words in (*english_words, "whole number", "people", "returned to"):
        assert words not in ukrainian.output, words


def test_what_a_record_kind_expects_in_arabic() -> None:
    english = run("records", "kinds").output
    for words in ("a date like 2022-09-21", "a number (t)", "a whole number >= 0 (people)"):
        assert words in english, words
    assert "one of prisoners of war, civilians, remains" in english
    arabic = run("--language", "ar", "records", "kinds")
    assert arabic.exit_code == 0, arabic.output
    assert "تاريخ مثل 2022-09-21 أو 21-Sep-2022" in arabic.output
    assert "(طن)" in arabic.output
    assert "عدد صحيح >= 0 (أشخاص)" in arabic.output
    for words in ("a date like", "a number", "a whole number", "one of", "prisoners of war"):
        assert words not in arabic.output, words


def test_why_the_tournament_skipped_a_scenario_in_ukrainian(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("gobetween: 1\nname: [\n", encoding="utf-8")
    args = ("tournament", str(tmp_path), "--seeds", "1", "--quiet")
    english = flat(run(*args).output)
    assert "skipped broken.yaml: " in english
    assert "the YAML cannot be parsed" in english
    ukrainian = flat(run("--language", "uk", *args).output)
    assert "пропущено broken.yaml: " in ukrainian
    assert "неможливо розібрати YAML" in ukrainian
    assert "cannot be parsed" not in ukrainian
    assert "(очікувалося: коректний YAML)" in ukrainian  # PyYAML's own words stay English
    assert "(expected" not in ukrainian


def test_the_analysis_method_and_solver_status_in_ukrainian(tmp_path: Path) -> None:
    assert "method: merge" in flat(run("analyze", str(CLASSROOM)).output)
    assert "метод: об’єднання меж" in flat(
        run("--language", "uk", "analyze", str(CLASSROOM)).output
    )
    moratorium = str(examples.path("energy_moratorium"))
    said = flat(run("--language", "uk", "analyze", moratorium).output)
    assert "метод: цілочисельне програмування (MILP)" in said
    assert "milp" not in said
    from tests.analysis.test_bonus_frontier import _anac_like

    from gobetween.formats.scenario_file import dump_scenario

    path = tmp_path / "anac.yaml"
    path.write_text(dump_scenario(_anac_like(50, 200, seed=1)), encoding="utf-8")
    stopped = run("--language", "uk", "analyze", "--time-limit", "0.01", str(path))
    assert stopped.exit_code == 0, stopped.output
    assert ": ліміт часу: " in flat(stopped.output)
    assert "time limit" not in stopped.output


def test_the_version_and_the_password_prompt_in_ukrainian(tmp_path: Path) -> None:
    assert run("--version").output == run("--language", "en", "--version").output
    assert run("--version").output.startswith("gobetween, version ")
    assert run("--language", "uk", "--version").output.startswith("gobetween, версія ")
    url = f"sqlite:///{tmp_path / 'prompt.db'}"
    args = ["--language", "uk", "users", "create", "--database-url", url, "--email", "a@b.org"]
    prompted = CliRunner().invoke(
        cli, [*args, "--name", "A"], input="one password\nanother one\n", prog_name="gobetween"
    )
    assert "Пароль: " in prompted.output
    assert "Повторіть для підтвердження: " in prompted.output
    assert "Помилка: два введені значення не збігаються." in prompted.output
    assert "Password" not in prompted.output
    assert "Repeat" not in prompted.output


def test_what_the_system_refuses_is_said_in_ukrainian(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gobetween.cli.main import main

    target = str(tmp_path / "missing-folder" / "out.yaml")
    for language, words in (
        ("en", "No such file or directory"),
        ("uk", "такого файлу чи теки немає"),
    ):
        with pytest.raises(SystemExit) as stopped:
            main(["--language", language, "convert", str(CLASSROOM), target])
        assert stopped.value.code == 1
        said = capsys.readouterr().err
        assert said.strip().endswith(f"{words}: {target}"), said
    assert said.startswith("помилка: ")


def test_a_voyage_file_and_its_figures_in_arabic_and_ukrainian(tmp_path: Path) -> None:
    voyages = Path(__file__).parents[1] / "data" / "bsgi" / "outbound_shipments_slice.csv"
    lines = voyages.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace('"18,137"', "lots", 1)
    bad = tmp_path / "voyages.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    english = run("voyages", "import", str(bad)).output
    assert "row 2, Metric tons: not a number: 'lots'" in english
    ukrainian = run("--language", "uk", "voyages", "import", str(bad)).output
    assert "рядок 2, Метричні тонни: не число: 'lots'" in ukrainian
    assert "not a number" not in ukrainian
    columns = ("inspected", "waiting", "median_days", "p90_days", "voyages_departed", "tonnes")
    english = run("voyages", "figures", str(voyages)).output
    assert all(name in english for name in columns)
    arabic = run("--language", "ar", "voyages", "figures", str(voyages))
    assert arabic.exit_code == 0, arabic.output
    assert "الأيام (القيمة الوسطى)" in arabic.output
    assert "الرحلات المغادرة" in arabic.output
    for name in columns:
        assert name not in arabic.output, name


def test_a_voyage_file_structure_problem_in_ukrainian(tmp_path: Path) -> None:
    voyages = Path(__file__).parents[1] / "data" / "bsgi" / "outbound_shipments_slice.csv"
    lines = voyages.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("SSI AVENGER", "SSI AVENGER II", 1)  # row 3: voyage 981's second
    lines[3] = lines[3].replace("Outbound,", "Sideways,", 1)  # row 4
    bad = tmp_path / "voyages.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    english = flat(run("voyages", "import", str(bad)).output)
    assert (
        "row 3, Vessel name: 'SSI AVENGER II' differs from row 2's 'SSI AVENGER'; the voyage "
        "keeps the first row's (expected the same value on every row of a voyage) [imported]"
    ) in english
    assert "row 4, Status: unknown status 'Sideways' (expected 'Outbound' or 'Outbound +')" in (
        english
    )
    ukrainian = flat(run("--language", "uk", "voyages", "import", str(bad)).output)
    assert "'SSI AVENGER II' відрізняється від 'SSI AVENGER' рядка 2" in ukrainian, ukrainian
    assert "невідомий статус 'Sideways'" in ukrainian, ukrainian
    for sentence in ("differs from", "unknown status", "the same value", "keeps the first"):
        assert sentence not in ukrainian, sentence


def test_a_scenario_file_missing_its_version_is_refused_in_ukrainian(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nissues: 5\n", encoding="utf-8")
    english = flat(run("analyze", str(bad)).output)
    assert "missing 'gobetween' (expected a 'gobetween' entry: the format version, 1)" in english
    ukrainian = flat(run("--language", "uk", "analyze", str(bad)).output)
    assert "бракує 'gobetween' (очікувалося: запис 'gobetween'" in ukrainian, ukrainian
    assert "missing '" not in ukrainian.replace(str(bad), "")
