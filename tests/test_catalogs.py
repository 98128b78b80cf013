"""The interface's translations are complete, real and in step with the sources.

Fails on: an untranslated, fuzzy or obsolete message in the uk, ru, tr or ar catalog; a
translation that drops or invents a placeholder; a translation left in English; catalogs out of
date with the strings the code and templates mark (run ``make i18n``); a template with words
outside ``{{ }}``/``{% %}`` (an unmarked string); a page script holding English sentences.
See docs/dev/i18n.md.
"""

from __future__ import annotations

import ast
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from gobetween import i18n

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "gobetween"
LOCALE = PACKAGE / "locale"
TEMPLATES = PACKAGE / "web" / "templates"
TRANSLATED = [code for code in i18n.LOCALES if code != i18n.DEFAULT_LOCALE]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "_l": None,
    "lazy_gettext": None,
    "N_": None,  # the core's marker (gobetween.errors.N_): translated where it is shown
}
#: Words that are the same in a translation on purpose: proper names, codes and symbols.
SAME_EVERYWHERE = {"Nash", "Kalai-Smorodinsky", "No. %(number)s", "No.", "IMO", "Akoma Ntoso"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdrfg]|\{(\w+)\}")
LETTERS = re.compile(r"[^\W\d_]{2,}")


def catalog(code: str) -> Catalog:
    with (LOCALE / code / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=code)


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def key(message: Message) -> tuple[str | None, str]:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return message.context, str(msgid)


def extracted() -> set[tuple[str | None, str]]:
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = set()
    for _file, _line, msg, _comments, context in extract_from_dir(
        str(PACKAGE), method_map, options_map, keywords=KEYWORDS
    ):
        found.add((context, msg[0] if isinstance(msg, tuple) else msg))
    return found


def _single_number_forms(cat: Catalog) -> set[int]:
    """The plural forms of ``cat``'s language that stand for one number alone (Arabic's zero,
    one and two): such a form may say its number in words ("بندان", two issues) and leave out
    the count's placeholder; every other placeholder it keeps."""
    plural = gettext.c2py(cat.plural_expr)
    numbers: dict[int, set[int]] = {}
    for n in range(1000):
        numbers.setdefault(plural(n), set()).add(n)
    return {form for form, ns in numbers.items() if len(ns) == 1}


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_for_real(code: str) -> None:
    problems = []
    single = _single_number_forms(catalog(code))
    for message in list(catalog(code))[1:]:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set().union(*(placeholders(i) for i in ids))
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
            continue
        for form, text in enumerate(strings):
            found = placeholders(text)
            if isinstance(message.id, tuple) and form in single:
                found |= {"num"} & wanted  # the number said in words
            if found != wanted:
                problems.append(f"placeholders differ: {message.id!r} -> {text!r}")
        words = PLACEHOLDER.sub("", ids[0])
        if ids[0] == strings[0] and ids[0] not in SAME_EVERYWHERE and LETTERS.search(words):
            problems.append(f"left in English: {message.id!r}")
    assert not problems, f"{code}: " + "\n".join(problems)


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_obsolete_messages_and_the_languages_plural_forms(code: str) -> None:
    cat = catalog(code)
    assert not cat.obsolete, f"{code}: obsolete entries {list(cat.obsolete)[:5]} (make i18n)"
    expected = {"uk": 3, "ru": 3, "tr": 2, "ar": 6}[code]
    assert cat.num_plurals == expected
    for message in cat:
        if isinstance(message.id, tuple):
            assert len(message.string) == expected, message.id


def test_catalogs_are_in_step_with_the_sources() -> None:
    marked = extracted()
    with (LOCALE / "messages.pot").open("rb") as fh:
        template = {key(m) for m in list(read_po(fh))[1:]}
    assert marked == template, (
        "run `make i18n`: new " + repr(sorted(marked - template, key=str)[:10]) + ", gone "
        f"{sorted(template - marked, key=str)[:10]!r}"
    )
    for code in TRANSLATED:
        assert {key(m) for m in list(catalog(code))[1:]} == template, code


class _Words(HTMLParser):
    """Text and human-read attributes of a template whose Jinja parts are masked out."""

    READ = ("title", "aria-label", "placeholder", "alt")

    CODE = ("code", "kbd", "samp")  # commands, file names and hashes are not words

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_code += tag in self.CODE
        for name, value in attrs:
            if name in self.READ and value:
                self.keep(value)

    def handle_endtag(self, tag: str) -> None:
        self.in_code -= tag in self.CODE and self.in_code > 0

    def handle_data(self, data: str) -> None:
        if not self.in_code:
            self.keep(data)

    def keep(self, text: str) -> None:
        words = " ".join(text.replace("\x00", " ").split())
        if LETTERS.search(ACRONYM.sub("", words.replace("gobetween", ""))):
            self.found.append(words)


#: File formats and the like (PDF, DOCX, ZIP) read the same in every language.
ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")
EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
STATEMENT = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.DOTALL)


def unmarked(source: str) -> list[str]:
    """Words of a template outside ``{{ }}``/``{% %}`` (text and read attributes)."""
    parser = _Words()
    parser.feed(EXPRESSION.sub("\x00", STATEMENT.sub("", source)))
    parser.close()
    return parser.found


def test_unmarked_template_words_are_found() -> None:
    assert unmarked('<p title="Help">Hello {{ name }}</p>') == ["Help", "Hello"]
    assert unmarked('<p>{{ _("Hello") }} · {{ n }}</p><a class="brand">gobetween</a>') == []
    assert unmarked("<a>DOCX</a> · <a>PDF</a> <code>gobetween keys new</code>") == []


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_mark_every_word(template: str) -> None:
    assert unmarked((TEMPLATES / template).read_text("utf-8")) == []


def string_literals(script: str) -> list[str]:
    """The quoted strings of a script (comments skipped; template literals count as quoted)."""
    found, i = [], 0
    while i < len(script):
        if script.startswith("//", i):
            i = script.find("\n", i) if "\n" in script[i:] else len(script)
        elif script.startswith("/*", i):
            i = script.find("*/", i) + 2
        elif script[i] in "\"'`":
            quote, j = script[i], i + 1
            while j < len(script) and script[j] != quote:
                j += 2 if script[j] == "\\" else 1
            found.append(script[i + 1 : j])
            i = j + 1
        else:
            i += 1
    return found


def prose(text: str) -> bool:
    """Words for people: a word then a lower-case word, starting with a capital or ending a
    sentence (``"Not signed: "``; not ``"Content-Type"``, ``"PUBLIC KEY"``, ``"use strict"``)."""
    stripped = text.strip()
    sentence = stripped[:1].isupper() or stripped[-1:] in ".:!?…"
    return sentence and re.search(r"[^\W\d_]{2,} [^\W\d_A-Z]{2,}", text) is not None


def test_script_sentences_are_found() -> None:
    script = 'var a = "use strict"; // "Not this."\nb("Not signed: " + x, \'form.language select\')'
    assert [t for t in string_literals(script) if prose(t)] == ["Not signed: "]


def test_page_scripts_hold_no_sentences() -> None:
    found = {
        path.name: [t for t in string_literals(path.read_text("utf-8")) if prose(t)]
        for path in (PACKAGE / "web" / "static").glob("*.js")
    }
    assert not {name: hits for name, hits in found.items() if hits}


#: Raised with English words on purpose: operator settings (GOBETWEEN_*), pydantic validators,
#: the virus scanner's own reason (kept for the log; the uploader reads a translated 503) and
#: the dependency audit's report (`make audit`, a build step for operators) and the software bill
#: of materials' (`make sbom`, likewise).
ENGLISH_ERRORS = {"ConfigurationError", "ValueError", "_ScannerDown", "AuditFailed", "SbomFailed"}


def bare_string_raises(folder: Path) -> list[str]:
    """``file:line Error`` for each raise whose message has words outside _()."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            # the message: the first argument that is not a status code (guard.Refused(422, ...))
            args = [a for a in node.exc.args if not isinstance(getattr(a, "value", None), int)]
            arg = args[0].left if args and isinstance(args[0], ast.BinOp) else (args or [None])[0]
            words = [arg] if isinstance(arg, ast.Constant) else getattr(arg, "values", [])
            if any(isinstance(w, ast.Constant) and LETTERS.search(str(w.value)) for w in words):
                name = ast.unparse(node.exc.func).rsplit(".", 1)[-1]
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}")
    return found


def test_service_errors_are_marked_for_translation() -> None:
    left = bare_string_raises(PACKAGE / "service")
    assert [x for x in left if x.rsplit(" ", 1)[1] not in ENGLISH_ERRORS] == []
    assert "service/settings.py" in " ".join(left)  # the scan sees raises at all
