"""Bidirectional-text isolation: a name or file name cannot reorder the text around it.

A user-chosen string may hold Unicode's directional controls: a right-to-left override
(U+202E) makes ``"invoice\\u202egpj.exe"`` look like ``invoiceexe.jpg``, and an unclosed
embedding or override runs on into whatever follows it on the page, the e-mail or the
terminal line. :func:`isolate` wraps such a string in FIRST STRONG ISOLATE (U+2068) and POP
DIRECTIONAL ISOLATE (U+2069): everything the string opens is closed at its end (Unicode
Bidirectional Algorithm, UAX #9, rule X6a), so it cannot spill over its neighbours, and
:func:`reveal` additionally shows the controls themselves, for file names, where a hidden
override is how a spoof works.

Web templates get it for every value (``web/render.py`` finalises each ``{{ }}`` with
:func:`isolate`); plain-text outputs (CLI lines, e-mail bodies) call it on the names they print.

>>> isolate("Ana")
'Ana'
>>> isolate("invoice\\u202egpj.exe")
'\\u2068invoice\\u202egpj.exe\\u2069'
>>> reveal("invoice\\u202egpj.exe")
'\\u2068invoice[U+202E]gpj.exe\\u2069'
"""

from __future__ import annotations

import re

__all__ = ["CONTROLS", "has_controls", "isolate", "reveal"]

#: The directional formatting characters and marks (UAX #9, table 4, plus the Arabic letter
#: mark and the left-to-right and right-to-left marks).
CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_CONTROLS = re.compile("[" + "".join(sorted(CONTROLS)) + "]")
_OVERRIDES = re.compile("[\u202a-\u202e\u2066-\u2069]")


def has_controls(text: str) -> bool:
    """Whether ``text`` holds any directional control.

    >>> has_controls("مرحبا"), has_controls("a\\u200fb")
    (False, True)
    """
    return _CONTROLS.search(text) is not None


def isolate(text: str) -> str:
    """``text`` wrapped in U+2068 ... U+2069 when it holds directional controls, else as is.

    Right-to-left names without controls need no isolation to be safe and are returned
    unchanged, so ordinary text is never altered.
    """
    if not has_controls(text):
        return text
    return "\u2068" + text + "\u2069"


def reveal(text: str) -> str:
    """``text`` isolated, with its embeddings, overrides and isolates shown as ``[U+XXXX]``.

    For file names and other strings whose look must match their bytes.
    """
    if not has_controls(text):
        return text
    shown = _OVERRIDES.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", text)
    return "\u2068" + shown + "\u2069"
