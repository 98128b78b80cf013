"""How a download is named: the one ``Content-Disposition`` every route that answers a file
sends (RFC 6266), so that a name in any script reaches the reader's disk as written.

A name carries both forms: ``filename`` in plain ASCII (letters outside it dropped, for the
oldest clients) and ``filename*`` in UTF-8 (RFC 8187), which every current browser prefers. A
Ukrainian process's text used to download as ``text_text_redline-v1-v2.docx``, its Cyrillic
words stripped (found walking the demo, 6 December 2026).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

__all__ = ["disposition"]

#: What a file name may not hold: path separators, quotes, control characters.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/]+')


def disposition(name: str, kind: str = "attachment") -> str:
    """The ``Content-Disposition`` value for a file called ``name`` (``inline`` to show it).

    >>> disposition("report.csv")
    'attachment; filename="report.csv"'
    >>> print(disposition("мир_v1.docx"))
    attachment; filename="v1.docx"; filename*=UTF-8''%D0%BC%D0%B8%D1%80_v1.docx
    >>> disposition('a"b/c.txt', "inline")
    'inline; filename="a-b-c.txt"'
    """
    safe = _UNSAFE.sub("-", unicodedata.normalize("NFC", name)).strip() or "file"
    plain = re.sub(r"[-_ ]{2,}", "_", safe.encode("ascii", "ignore").decode()).strip("-_ ")
    if not plain or plain.startswith("."):
        plain = f"file{plain}"
    if plain == safe:
        return f'{kind}; filename="{plain}"'
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(safe, safe='')}"
