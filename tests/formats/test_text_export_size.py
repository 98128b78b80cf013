"""A long text's export (formats/text_export.py, formats/text_lines.py): every word comes
back out of the PDF and the DOCX in order, in each language, and the PDF is laid out with a
bounded number of text measurements (fpdf2's own line breaking measured the whole line again
at every character: 2.25 measurements per character, 5.4-21.4 s of CPU for a text of the body
limit's size; docs/benchmarks.md, *Exports of the negotiating text*)."""

from __future__ import annotations

import io
import itertools
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from typing import Any

import docx
import pytest
from benchmarks.document_exports import LANGUAGES, multilingual_version, paragraph, redline_of
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from tests.formats.measuring import counting_measurements

from gobetween.formats.text_export import redline_docx, redline_pdf, version_docx, version_pdf
from gobetween.formats.text_lines import break_lines
from gobetween.model.languages import language as language_named

TITLE = "Black Sea talks — food corridor"


def _version(articles: int, size: int) -> dict[str, Any]:
    """``articles`` of the multilingual text, each cut to ``size`` bytes per language."""
    version = multilingual_version(seed=3)
    version["articles"] = version["articles"][:articles]
    for article in version["articles"]:
        for wording in [article["wording"], *(a["wording"] for a in article["alternatives"])]:
            for code, text in wording.items():
                if code == "ar":  # no numbers: pypdf extracts a line with digits out of order
                    text = re.sub(r" ?[0-9]+", "", text)
                wording[code] = text.encode()[:size].decode(errors="ignore").strip()
    version["note"] = "Revised after the meeting of 3 May — see article 2."
    return version


VERSION = _version(articles=12, size=1_200)


def _wording(version: dict[str, Any], code: str) -> Iterator[str]:
    """What the export prints of each article, in order (as :func:`_pieces` builds it)."""
    for article in version["articles"]:
        if article["alternatives"]:
            yield " ".join(f"[{a['wording'][code]}]" for a in article["alternatives"])
        else:
            yield article["wording"][code]


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _words(text: str) -> list[str]:
    return text.replace("\u200b", "").split()


def _arabic_words(text: str) -> list[str]:
    """Arabic words with the shaping undone (NFKC), in the order extracted."""
    return re.findall(r"[\u0600-\u06ff]+", unicodedata.normalize("NFKC", text))


@pytest.mark.parametrize("code", [c for c in LANGUAGES if language_named(c).direction == "ltr"])
def test_a_long_left_to_right_version_prints_every_word_in_order(code: str) -> None:
    wording = list(_wording(VERSION, code))
    pdf_words = _words(_pdf_text(version_pdf(TITLE, VERSION, code)))
    docx_text = _docx_text(version_docx(TITLE, VERSION, code))
    for text in [VERSION["note"], *wording]:
        assert text in docx_text
    _in_order(pdf_words, [_words(t) for t in [VERSION["note"], *wording]])


def _in_order(printed: list[str], texts: list[list[str]]) -> None:
    """Each text's words appear in ``printed`` whole and in order, one text after another."""
    joined, position = " ".join(printed), 0
    for words in texts:
        text = " ".join(words)
        found = joined.find(text, position)
        assert found >= 0, text[:80]
        position = found + len(text)


def _all_there(printed: list[str], texts: list[list[str]]) -> None:
    """Each word of ``texts`` is in ``printed`` as often (and ``printed`` has no other word
    but the headings'). pypdf gives a right-to-left line's styled pieces (the bold brackets,
    the underlined insertions) out of their order, so only the words are compared there."""
    expected = Counter(word for words in texts for word in words)
    assert not expected - Counter(printed)
    assert sum((Counter(printed) - expected).values()) < 10 * len(texts) + 10


def test_a_long_arabic_version_prints_every_word_in_order() -> None:
    printed = _arabic_words(_pdf_text(version_pdf(TITLE, VERSION, "ar")))
    articles = VERSION["articles"]
    wording = list(_wording(VERSION, "ar"))
    _in_order(
        printed,
        [_arabic_words(t) for a, t in zip(articles, wording, strict=True) if not a["alternatives"]],
    )
    _all_there(printed, [_arabic_words(t) for t in wording])
    assert all(t in _docx_text(version_docx(TITLE, VERSION, "ar")) for t in wording)


@pytest.mark.parametrize("code", ["en", "ru", "ar"])
def test_a_long_redline_prints_every_segment_in_order(code: str) -> None:
    plain = {**VERSION, "articles": [a for a in VERSION["articles"] if not a["alternatives"]]}
    redline = redline_of(plain, code)
    whole = [a["wording"][code] for a in plain["articles"]]
    text = _pdf_text(redline_pdf(TITLE, redline))
    if code == "ar":
        _all_there(_arabic_words(text), [_arabic_words(t) for t in whole])
    else:
        _in_order(_words(text), [_words(t) for t in whole])
    docx_text = _docx_text(redline_docx(TITLE, redline))
    assert all(t in docx_text for t in whole)


def test_lines_break_only_at_spaces_and_keep_every_character() -> None:
    measure = lambda text, style: 1.5 * len(text)  # noqa: E731
    pieces = [("One port, ", ""), ("[", "B"), ("three", ""), ("]", "B"), (" or  four\nports", "U")]
    lines = break_lines(pieces, measure, 15)
    printed = ["".join(text for text, _ in line) for line in lines]
    assert printed == ["One port,", "[three] or", " four", "ports"]  # never "[" alone
    assert all(1.5 * len(line) <= 15 for line in printed)
    assert lines[1] == [("[", "B"), ("three", ""), ("]", "B"), (" or", "U")]
    long_word = break_lines([("x" * 25, "")], measure, 15)
    assert ["".join(t for t, _ in line) for line in long_word] == ["x" * 10, "x" * 10, "x" * 5]


@pytest.mark.parametrize("code", ["en", "ar"])
def test_a_long_pdf_takes_few_text_measurements(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic stand-in for the time: fpdf2's width of a piece of text (a shaping by
    HarfBuzz for Arabic) is what a long export spent its time on; now each distinct word is
    measured once and each line once more when printed."""
    calls = counting_measurements(monkeypatch)
    article = paragraph(random.Random(7), code, 20_000)  # the most per article
    version = {
        "number": 1,
        "note": "",
        "articles": [
            {"id": "a", "kind": "operative", "issue": "ports", "wording": {code: article}}
        ],
    }
    version_pdf(TITLE, version, code)
    assert calls() < len(article) / 4, (calls(), len(article))  # was 2.25 per character


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(alphabet="ab \n\t[]д", max_size=30), st.sampled_from(["", "B", "U"])),
        max_size=8,
    ),
    st.integers(min_value=2, max_value=12),
)
def test_lines_keep_every_word_whole_and_fit(pieces: list[tuple[str, str]], width: int) -> None:
    lines = break_lines(pieces, lambda text, style: float(len(text)), width)
    printed = ["".join(text for text, _ in line) for line in lines]
    words, written = " ".join(printed).split(), "".join(text for text, _ in pieces).split()
    assert "".join(words) == "".join(written)  # every character, in order
    if all(len(word) <= width for word in written):
        assert words == written  # no word cut in two
    assert all(len(line) <= width for line in printed)
    for line in lines:  # neighbours of one style joined
        assert all(a[1] != b[1] for a, b in itertools.pairwise(line))


def test_an_arabic_line_of_one_style_prints_what_was_written() -> None:
    """No markdown read into a party's words on a line of one style (printed without it), and
    a Latin run at a line's start or end keeps its brackets the way the paragraph sets them
    (each line is given its neighbour's direction across the break: ``[2](b)`` came out as
    ``)b(]`` at the start of 2 of the 30 lines without it)."""
    wording = "تغادر السفن من موانئ أوديسا **x** -- [2](b) \\z " * 30  # lines of one style
    version = {
        "number": 1,
        "note": "",
        "articles": [
            {"id": "a", "kind": "operative", "issue": "ports", "wording": {"ar": wording}}
        ],
    }
    reader = PdfReader(io.BytesIO(version_pdf(TITLE, version, "ar")))
    text = "".join(page.extract_text() for page in reader.pages).replace("\u200b", "")
    # in visual order (pypdf), the neutral * and spaces around the Latin run move about
    assert (text.count("**"), text.count("--"), text.count("[2](b)")) == (60, 30, 30)
    assert all("/Annots" not in page for page in reader.pages)  # [2](b) is no link
