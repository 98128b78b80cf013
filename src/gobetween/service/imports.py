"""Agendas imported from uploaded files: gobetween scenario files (YAML/JSON) or Genius XML.

Only the agenda is taken; each party records its own preferences in the track.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePath

from gobetween.errors import FileFormatError, InputError, ValidationFailed
from gobetween.formats import Format, load_genius, loads_scenario
from gobetween.i18n import _, format_decimal
from gobetween.model import Agenda
from gobetween.service.negotiate import Upload

__all__ = ["MAX_UPLOAD_BYTES", "agenda_from_uploads"]

#: The largest agenda file accepted (5 MB). The routes read one byte more than this, so a
#: larger file is reported as too large, never cut short and then reported as a parse error.
MAX_UPLOAD_BYTES = 5_000_000


def _text(upload: Upload) -> str:
    try:
        return upload.data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileFormatError(
            _("the file is not UTF-8 text"), source=upload.filename, expected="UTF-8"
        ) from None


def _as_uploaded(error: InputError, folder: str, names: dict[str, str]) -> InputError:
    """``error`` with the server's temporary paths replaced by the names of the uploads.

    >>> e = _as_uploaded(FileFormatError("bad", source="/tmp/g/000-a.xml"), "/tmp/g",
    ...                  {"/tmp/g/000-a.xml": "a.xml"})
    >>> str(e)
    'a.xml: bad'
    """

    def scrub(text: str | None) -> str | None:
        if text is None:
            return None
        for stored, original in sorted(names.items(), key=lambda kv: -len(kv[0])):
            text = text.replace(stored, original)
        return text.replace(folder, "the uploaded files")

    clone = error.located()
    clone.message = scrub(clone.message) or ""
    clone.template = scrub(clone.template) or ""  # what a translated detail starts from
    Exception.__init__(clone, clone.message)
    clone.source = scrub(clone.source)
    clone.location = scrub(clone.location)
    clone.expected = scrub(clone.expected)
    # the values a translated detail is filled with are scrubbed the same way
    clone.params = {k: scrub(v) if isinstance(v, str) else v for k, v in clone.params.items()}
    return clone


def agenda_from_uploads(uploads: Sequence[Upload]) -> tuple[Agenda, str]:
    """The agenda of one scenario file, or of Genius XML files (a domain and its profiles).

    Returns the agenda and a description of its source.
    """
    if not uploads:
        raise ValidationFailed(
            _("no file uploaded"), location="files", expected=_("one or more files")
        )
    for upload in uploads:
        if len(upload.data) > MAX_UPLOAD_BYTES:
            raise FileFormatError(
                _("the file is too large"),
                source=upload.filename,
                expected=_("at most %(limit)s bytes") % {"limit": format_decimal(MAX_UPLOAD_BYTES)},
            )
    suffixes = {PurePath(u.filename).suffix.lower() for u in uploads}
    if suffixes <= {".xml"}:
        with tempfile.TemporaryDirectory(prefix="gobetween-genius-") as folder:
            names = {}
            for i, upload in enumerate(uploads):
                name = PurePath(upload.filename).name or f"file{i}.xml"
                stored = Path(folder) / f"{i:03d}-{name}"
                stored.write_bytes(upload.data)
                names[str(stored)] = upload.filename
            try:
                scenario = load_genius(folder)
            except InputError as exc:
                raise _as_uploaded(exc, folder, names) from None
        return scenario.agenda, "genius:" + ",".join(u.filename for u in uploads)
    if len(uploads) == 1 and suffixes <= {".yaml", ".yml", ".json"}:
        upload = uploads[0]
        fmt: Format = "json" if upload.filename.lower().endswith(".json") else "yaml"
        scenario = loads_scenario(_text(upload), fmt=fmt, source=upload.filename)
        return scenario.agenda, f"scenario:{upload.filename}"
    raise ValidationFailed(
        _(
            "upload one scenario file (.yaml, .yml, .json), Genius XML files (.xml) or a ZIP of "
            "a Genius folder (.zip)"
        ),
        location="files",
        expected=_("a scenario file, Genius XML files or a ZIP of them"),
    )
