"""The kinds of file a message may carry, said as people know them: "a Word document
(.docx)", never by the content type a browser sends ("application/vnd.openxmlformats-...").

One declaration per kind (:data:`KINDS`): its content type, its words, the file-name endings a
file picker offers for it, and the bytes its content starts with (checked, so that a file of
another kind renamed is refused). Which kinds an installation accepts is its setting
``GOBETWEEN_ATTACHMENT_TYPES`` (content types); a kind refused is named by its words too when it
is known here (an Excel workbook, an iPhone's photo), else by its file's ending. A content type
accepted by the setting but not declared here is said as it is (the administrator chose it).

>>> said("application/pdf")
'a PDF (.pdf)'
>>> said("application/octet-stream", "minutes.pages")
'a file ending in .pages'
>>> accepted_said(frozenset({"text/csv", "application/pdf"}))
'a PDF (.pdf) or a CSV spreadsheet (.csv)'
>>> size_said(5_000_000), size_said(10_000)
('5 MB', '10 KB')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from babel.lists import format_list

from gobetween import i18n
from gobetween.i18n import LazyString, _, _l

__all__ = ["KINDS", "Kind", "accept_attribute", "accepted_said", "kind_of", "said", "size_said"]


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of file: ``words`` with their article ("a PDF"), the ``endings`` of its file
    names and the ``magic`` its content starts with (one of them; none: not checked)."""

    content_type: str
    words: LazyString
    endings: tuple[str, ...]
    magic: tuple[bytes, ...] = ()

    def said(self) -> str:
        """The kind in the reader's words with its file endings: "a PDF (.pdf)"."""
        return f"{self.words} ({', '.join(self.endings)})"


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_ZIP = (b"PK\x03\x04",)

#: Every kind gobetween can name, the accepted ones by default first (in this order they are
#: listed to the reader), then kinds people often try to attach.
KINDS: dict[str, Kind] = {
    k.content_type: k
    for k in (
        Kind("application/pdf", _l("a PDF"), (".pdf",), (b"%PDF-",)),
        Kind("image/png", _l("a PNG image"), (".png",), (b"\x89PNG\r\n\x1a\n",)),
        Kind("image/jpeg", _l("a JPEG photo"), (".jpg", ".jpeg"), (b"\xff\xd8\xff",)),
        Kind("text/plain", _l("a plain text file"), (".txt",)),
        Kind("text/csv", _l("a CSV spreadsheet"), (".csv",)),
        Kind(_DOCX, _l("a Word document"), (".docx",), _ZIP),
        Kind("application/msword", _l("a Word document in the old format"), (".doc",)),
        Kind(_XLSX, _l("an Excel workbook"), (".xlsx",), _ZIP),
        Kind("application/vnd.ms-excel", _l("an Excel workbook in the old format"), (".xls",)),
        Kind(_PPTX, _l("a PowerPoint presentation"), (".pptx",), _ZIP),
        Kind("application/vnd.oasis.opendocument.text", _l("an OpenDocument text"), (".odt",)),
        Kind("application/zip", _l("a ZIP archive"), (".zip",), _ZIP),
        Kind("image/heic", _l("an HEIC photo (as iPhones take them)"), (".heic",)),
        Kind("image/gif", _l("a GIF image"), (".gif",)),
        Kind("image/webp", _l("a WebP image"), (".webp",)),
        Kind("text/html", _l("a web page"), (".html", ".htm")),
    )
}


def kind_of(content_type: str) -> Kind | None:
    """The declared kind of ``content_type`` (parameters and case ignored), if any."""
    return KINDS.get(content_type.split(";")[0].strip().lower())


def said(content_type: str, filename: str = "") -> str:
    """A file's kind in the reader's words: its declared kind's, else its name's ending ("a
    file ending in .pages"), else that gobetween does not know it."""
    kind = kind_of(content_type)
    if kind is not None:
        return kind.said()
    ending = PurePosixPath(filename.strip()).suffix.lower()
    if ending:
        return _("a file ending in %(ending)s") % {"ending": ending}
    return _("a file of a kind gobetween does not know")


def _ordered(content_types: Iterable[str]) -> list[str]:
    """``content_types`` in :data:`KINDS`' order, the undeclared ones last, by name."""
    order = {c: i for i, c in enumerate(KINDS)}
    return sorted(content_types, key=lambda c: (order.get(c, len(order)), c))


def accepted_said(content_types: Iterable[str]) -> str:
    """The accepted kinds as one list in the reader's words ("a PDF (.pdf), ... or a Word
    document (.docx)"); an undeclared content type as it is."""
    words = [said(c) if kind_of(c) else c for c in _ordered(content_types)]
    return format_list(words, style="or", locale=i18n.current_locale())


def accept_attribute(content_types: Iterable[str]) -> str:
    """The file input's ``accept`` for ``content_types``: the kinds' endings and each content
    type, so that a phone's picker offers those files first."""
    parts: list[str] = []
    for content_type in _ordered(content_types):
        kind = kind_of(content_type)
        parts.extend(kind.endings if kind else ())
        parts.append(content_type)
    return ",".join(parts)


def size_said(max_bytes: int) -> str:
    """The largest attachment in the reader's notation, in MB from a million bytes, else KB."""
    if max_bytes >= 1_000_000:
        return _("%(size)s MB") % {"size": i18n.format_decimal(round(max_bytes / 1e6, 1))}
    return _("%(size)s KB") % {"size": i18n.format_decimal(round(max_bytes / 1e3, 1))}
