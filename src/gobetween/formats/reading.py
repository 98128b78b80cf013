"""Reading files safely: one place for size limits, encodings and XML safety.

Every reader in :mod:`gobetween.formats` goes through these helpers, so every file is refused
the same way, with the file named in the error:

- a missing file, a directory where a file was expected, or an unreadable file;
- a file larger than the limit (checked with ``stat`` *before* reading, and again while reading,
  so a 50 MB file costs nothing);
- an empty file (or one holding only white space);
- bytes that are not UTF-8 (the error gives the byte offset and the line);
- XML with a DTD, entity declarations or external references (:class:`~gobetween.errors.UnsafeXML`:
  entity bombs and XXE never reach a parser that would expand them).

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = pathlib.Path(tmp) / "a.yaml"
...     _ = path.write_bytes(b"name: caf\\xc3\\xa9\\n")
...     read_text(path)
'name: café\\n'
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import defusedxml
import defusedxml.ElementTree

from gobetween.errors import N_, FileFormatError, InputError, UnsafeXML

__all__ = [
    "DEFAULT_MAX_BYTES",
    "XmlElement",
    "decode_utf8",
    "parse_xml",
    "read_bytes",
    "read_text",
    "refusal",
    "unreadable",
]

#: Files larger than this (20 MB) are refused unless the caller passes another limit.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def unreadable(source: str, error: OSError) -> FileFormatError:
    """The refusal of a file the system would not let us read, with the system's reason.

    >>> str(unreadable("x.csv", PermissionError(13, "Permission denied")))
    'x.csv: cannot read the file: Permission denied (expected a readable file)'
    """
    return FileFormatError(
        N_("cannot read the file: %(strerror)s"),
        source=source,
        expected=N_("a readable file"),
        params={"strerror": error.strerror},
    )


def read_bytes(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of ``path``, refusing missing, oversized and empty files.

    Raises
    ------
    FileFormatError
        With ``source`` set to the path and ``expected`` saying what would have been accepted.

    >>> read_bytes("no/such/file.yaml")
    Traceback (most recent call last):
    ...
    gobetween.errors.FileFormatError: no/such/file.yaml: no such file (expected an existing file)
    """
    source = str(path)
    file = Path(path)
    try:
        status = file.stat()
    except FileNotFoundError:
        raise FileFormatError(
            N_("no such file"), source=source, expected=N_("an existing file")
        ) from None
    except OSError as exc:
        raise unreadable(source, exc) from None
    if file.is_dir():
        raise FileFormatError(
            N_("this is a directory"), source=source, expected=N_("a file, not a directory")
        )
    if status.st_size > max_bytes:
        raise FileFormatError(
            N_("the file is too large (%(value)s)"),
            source=source,
            expected=N_("at most %(limit)s"),
            params={"value": _megabytes(status.st_size), "limit": _megabytes(max_bytes)},
        )
    try:
        with file.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise unreadable(source, exc) from None
    if len(data) > max_bytes:
        raise FileFormatError(
            N_("the file is too large (it grew while being read)"),
            source=source,
            expected=N_("at most %(limit)s"),
            params={"limit": _megabytes(max_bytes)},
        )
    if not data.strip():
        raise FileFormatError(N_("the file is empty"), source=source, expected=N_("some content"))
    return data


def decode_utf8(data: bytes, *, source: str | None = None) -> str:
    """Decode UTF-8 (a leading byte-order mark is dropped); name the first bad byte.

    >>> decode_utf8(b"ok\\n\\xff", source="x.yaml")
    Traceback (most recent call last):
    ...
    gobetween.errors.FileFormatError: x.yaml, line 2, byte 3: the file is not valid UTF-8 ...
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileFormatError(
            N_("the file is not valid UTF-8 (byte 0x%(value)s: %(reason)s)"),
            source=source,
            location=f"line {line}, byte {exc.start}",
            expected=N_("UTF-8 text"),
            params={"value": f"{data[exc.start]:02x}", "reason": exc.reason},
        ) from None
    return text.removeprefix("\ufeff")


def read_text(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The UTF-8 text of ``path``, checked by :func:`read_bytes` and :func:`decode_utf8`."""
    return decode_utf8(read_bytes(path, max_bytes=max_bytes), source=str(path))


@dataclass(slots=True)
class XmlElement:
    """A parsed XML element that remembers its line (ElementTree does not)."""

    tag: str
    attrib: dict[str, str]
    line: int
    children: list[XmlElement] = field(default_factory=list)

    def get(self, name: str, default: str | None = None) -> str | None:
        """An attribute's value, or ``default``."""
        return self.attrib.get(name, default)

    def findall(self, tag: str) -> list[XmlElement]:
        """The direct children with this tag, in document order."""
        return [child for child in self.children if child.tag == tag]

    def find(self, tag: str) -> XmlElement | None:
        """The first direct child with this tag."""
        return next((child for child in self.children if child.tag == tag), None)

    def iter(self, tag: str) -> Iterator[XmlElement]:
        """This element and every descendant with this tag, in document order."""
        if self.tag == tag:
            yield self
        for child in self.children:
            yield from child.iter(tag)

    def number(self, *names: str, source: str | None, default: float | None = None) -> float:
        """The first of the attributes ``names`` the element has, as a finite number
        (``default`` when it has none of them); :class:`~gobetween.errors.FileFormatError` at
        the element's line in ``source`` otherwise.

        >>> XmlElement("item", {"value": "2.5"}, 3).number("value", source="d.xml")
        2.5
        >>> XmlElement("item", {"value": "inf"}, 3).number("value", source="d.xml")
        Traceback (most recent call last):
        ...
        gobetween.errors.FileFormatError: d.xml, line 3: <item> value='inf' is not a number ...
        """
        for name in names:
            text = self.attrib.get(name)
            if text is None:
                continue
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise refusal(
                    source,
                    self,
                    N_("<%(tag)s> %(name)s=%(text)r is not a number"),
                    N_("a finite number"),
                    tag=self.tag,
                    name=name,
                    text=text,
                )
            return value
        if default is not None:
            return default
        raise refusal(
            source,
            self,
            N_("<%(tag)s> has no %(name)r attribute"),
            N_("%(attribute)s=number"),
            tag=self.tag,
            name=names[0],
            attribute=names[0],
        )


def refusal(
    source: str | None,
    element: XmlElement | None,
    message: str,
    expected: str | None = None,
    /,
    *,
    error: type[InputError] = FileFormatError,
    **params: object,
) -> InputError:
    """The refusal ``message`` (marked :func:`N_`, its values in ``params``) at ``element``'s
    line of the XML file ``source``: a :class:`~gobetween.errors.FileFormatError` unless
    ``error`` names another kind (:class:`~gobetween.errors.InvalidScenario` for a file that
    reads but describes no valid scenario).

    >>> str(refusal("d.xml", XmlElement("issue", {}, 7), N_("issue %(name)r has no items"),
    ...             N_("<item> elements"), name="ports"))
    "d.xml, line 7: issue 'ports' has no items (expected <item> elements)"
    """
    location = f"line {element.line}" if element is not None else None
    return error(message, source=source, location=location, expected=expected, params=params)


class _TreeBuilder:
    """ElementTree parser target that builds :class:`XmlElement` with expat's line numbers.

    defusedxml's ElementTree parser is used rather than its SAX reader: the same protections,
    without importing ``xml.sax`` (which pulls in ``urllib`` and ``http.client``), so that
    ``gobetween analyze`` starts faster.
    """

    def __init__(self) -> None:
        self.stack: list[XmlElement] = []
        self.root: XmlElement | None = None
        self.expat: Any = None

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        line = int(self.expat.CurrentLineNumber) if self.expat is not None else 0
        element = XmlElement(tag, dict(attrib), line)
        if self.stack:
            self.stack[-1].children.append(element)
        else:
            self.root = element
        self.stack.append(element)

    def end(self, tag: str) -> None:
        self.stack.pop()

    def data(self, text: str) -> None:
        """Character data is not used by any gobetween reader."""

    def close(self) -> XmlElement | None:
        return self.root


#: What defusedxml refuses, why, and what would have been accepted.
_UNSAFE: tuple[tuple[type[defusedxml.DefusedXmlException], str, str], ...] = (
    (
        defusedxml.DTDForbidden,
        N_("the XML declares a DTD (refused: it could define entity bombs or external entities)"),
        N_("XML without <!DOCTYPE ...>"),
    ),
    (
        defusedxml.EntitiesForbidden,
        N_("the XML declares entities (refused: entity expansion bombs)"),
        N_("XML without <!ENTITY ...> declarations"),
    ),
    (
        defusedxml.ExternalReferenceForbidden,
        N_("the XML refers to an external resource (refused)"),
        N_("self-contained XML"),
    ),
)


def parse_xml(data: bytes, *, source: str | None = None) -> XmlElement:
    """Parse XML with defusedxml, refusing DTDs, entity declarations and external references.

    >>> parse_xml(b'<a><b x="1"/></a>').find("b").get("x")
    '1'
    >>> parse_xml(b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', source="bomb.xml")
    Traceback (most recent call last):
    ...
    gobetween.errors.UnsafeXML: bomb.xml: the XML declares a DTD ...
    """
    builder = _TreeBuilder()
    parser = defusedxml.ElementTree.DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    builder.expat = parser.parser
    try:
        parser.feed(data)
        parser.close()
    except defusedxml.DefusedXmlException as exc:
        for refused, message, expected in _UNSAFE:
            if isinstance(exc, refused):
                raise UnsafeXML(message, source=source, expected=expected) from None
        raise UnsafeXML(
            N_("unsafe XML refused: %(reason)s"), source=source, params={"reason": str(exc)}
        ) from None
    except defusedxml.ElementTree.ParseError as exc:
        line, column = exc.position
        message = str(exc).split(": line ", 1)[0]
        raise FileFormatError(
            N_("the XML is not well formed: %(message)s"),
            source=source,
            location=f"line {line}, column {column + 1}",
            expected=N_("well-formed XML"),
            params={"message": message},
        ) from None
    if builder.root is None:
        raise FileFormatError(N_("the XML has no root element"), source=source, expected="XML")
    return builder.root
