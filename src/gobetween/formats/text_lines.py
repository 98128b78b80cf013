"""Lines of a PDF paragraph, broken once, word by word, with each word measured once.

fpdf2 breaks ``write()`` and ``multi_cell()`` text a character at a time and measures the
whole line again at every character (for a right-to-left language it shapes the whole line
with HarfBuzz again at every character), so a paragraph costs its length times its line's
length: 948 KB of English took 5.4 s of CPU to export as PDF, 948 KB of Arabic 19.6 s.
:func:`break_lines` makes the same choices in one pass over the words: a line takes words
while they fit; a line breaks at the last space before the word that does not fit (that
space is not printed), at a space that does not fit itself, and at every newline; a word
wider than a whole line is cut between characters. Breaks happen only at spaces (fpdf2's
breaking spaces, tab included) and newlines, never between two styled pieces of one word
(``[`` in bold before ``One``). A soft hyphen is not printed (fpdf2 prints it only at a
break), a carriage return is dropped and a form feed breaks the line, as fpdf2 does.

``measure(text, style)`` gives the width of ``text`` in ``style``; it is called once per
distinct word and style (a cache), so a long text of a few thousand distinct words costs a
few thousand measurements.

>>> widths = lambda text, style: float(len(text))
>>> break_lines([("one two ", ""), ("[", "B"), ("three", "")], widths, 9)
[[('one two', '')], [('[', 'B'), ('three', '')]]
>>> break_lines([("abcdefgh", "")], widths, 3)
[[('abc', '')], [('def', '')], [('gh', '')]]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = ["BREAKING_SPACES", "Line", "Piece", "break_lines", "letter_widths"]

#: A piece of text and its style ("", "B" bold, "U" underlined, "S" struck through).
Piece = tuple[str, str]
#: One printed line: its pieces in reading order, neighbours of one style joined.
Line = list[Piece]

#: The characters fpdf2 breaks a line at (``fpdf.line_break.BREAKING_SPACE_SYMBOLS``).
BREAKING_SPACES = (
    " \u200b\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000\t"
)
_TOKENS = re.compile(f"([{BREAKING_SPACES}\n])")
_TOLERANCE = 1e-9  # fpdf.util.FloatTolerance

_NEWLINE = "\n"


def _tokens(pieces: Sequence[Piece]) -> list[tuple[str, list[Piece]]]:
    """Words (their styled parts), single breaking spaces and newlines, in order."""
    out: list[tuple[str, list[Piece]]] = []
    word: list[Piece] = []
    for text, style in pieces:
        text = text.replace("\r", "").replace("\u00ad", "").replace("\f", _NEWLINE)
        for part in _TOKENS.split(text):
            if not part:
                continue
            if part == _NEWLINE or part in BREAKING_SPACES:
                if word:
                    out.append(("word", word))
                    word = []
                out.append(("newline" if part == _NEWLINE else "space", [(part, style)]))
            else:
                word.append((part, style))
    if word:
        out.append(("word", word))
    return out


class _Lines:
    """The lines being filled: the current one and its width so far."""

    def __init__(self, max_width: float) -> None:
        self.max_width = max_width
        self.done: list[Line] = []
        self.line: Line = []
        self.used = 0.0

    def fits(self, width: float) -> bool:
        return self.used + width - self.max_width <= _TOLERANCE

    def add(self, text: str, style: str, width: float) -> None:
        if self.line and self.line[-1][1] == style:
            self.line[-1] = (self.line[-1][0] + text, style)
        else:
            self.line.append((text, style))
        self.used += width

    def end(self) -> None:
        self.done.append(self.line)
        self.line, self.used = [], 0.0

    def drop_last_space(self) -> None:
        """End the line before its last character, a space, which is not printed."""
        text, style = self.line[-1]
        if len(text) > 1:
            self.line[-1] = (text[:-1], style)
        else:
            self.line.pop()


def break_lines(
    pieces: Sequence[Piece], measure: Callable[[str, str], float], max_width: float
) -> list[Line]:
    """``pieces`` broken into lines no wider than ``max_width`` (at least one line, maybe
    empty); the words of the lines, joined by the spaces and newlines the breaks dropped,
    are the pieces' text exactly (less carriage returns and soft hyphens)."""
    widths: dict[Piece, float] = {}

    def width(text: str, style: str) -> float:
        key = (text, style)
        found = widths.get(key)
        if found is None:
            found = widths[key] = measure(text, style)
        return found

    lines = _Lines(max_width)
    for kind, parts in _tokens(pieces):
        if kind == "newline":
            lines.end()
            continue
        if kind == "space":
            text, style = parts[0]
            w = width(text, style)
            if lines.fits(w):
                lines.add(text, style, w)
            else:  # a space that does not fit ends the line and is not printed
                lines.end()
            continue
        sizes = [width(text, style) for text, style in parts]
        if not lines.fits(sum(sizes)) and lines.line:
            # the line ends with the space before this word (words are separated by spaces)
            lines.drop_last_space()
            lines.end()
        if lines.fits(sum(sizes)):
            for (text, style), w in zip(parts, sizes, strict=True):
                lines.add(text, style, w)
            continue
        for text, style in parts:  # wider than a line: cut between characters
            for character in text:
                w = width(character, style)
                if not lines.fits(w) and lines.line:
                    lines.end()
                lines.add(character, style, w)
    lines.end()
    return lines.done


def letter_widths(pdf: FPDF, family: str, size: float) -> Callable[[str, str], float]:
    """``measure(text, style)`` for text fpdf2 does not shape: the sum of its letters' widths in
    ``family`` at ``size`` (which is how fpdf2 measures such text), each letter measured once.
    It leaves ``pdf``'s font set to the last letter's style."""
    widths: dict[str, dict[str, float]] = {}

    def measure(text: str, style: str) -> float:
        known = widths.setdefault(style, {})
        total = 0.0
        for character in text:
            found = known.get(character)
            if found is None:
                pdf.set_font(family, style, size)
                found = known[character] = pdf.get_string_width(character)
            total += found
        return total

    return measure
