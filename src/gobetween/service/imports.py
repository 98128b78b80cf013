"""Agendas imported from uploaded files: gobetween scenario files (YAML/JSON) or Genius XML.

Only the agenda is taken; each party records its own preferences in the track.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePath

from gobetween.errors import FileFormatError, ValidationFailed
from gobetween.formats import DEFAULT_MAX_BYTES, Format, load_genius, loads_scenario
from gobetween.model import Agenda
from gobetween.service.negotiate import Upload

__all__ = ["agenda_from_uploads"]


def _text(upload: Upload) -> str:
    try:
        return upload.data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileFormatError(
            "the file is not UTF-8 text", source=upload.filename, expected="UTF-8"
        ) from None


def agenda_from_uploads(uploads: Sequence[Upload]) -> tuple[Agenda, str]:
    """The agenda of one scenario file, or of Genius XML files (a domain and its profiles).

    Returns the agenda and a description of its source.
    """
    if not uploads:
        raise ValidationFailed("no file uploaded", location="files", expected="one or more files")
    for upload in uploads:
        if len(upload.data) > DEFAULT_MAX_BYTES:
            raise FileFormatError(
                "the file is too large",
                source=upload.filename,
                expected=f"at most {DEFAULT_MAX_BYTES:,} bytes",
            )
    suffixes = {PurePath(u.filename).suffix.lower() for u in uploads}
    if suffixes <= {".xml"}:
        with tempfile.TemporaryDirectory(prefix="gobetween-genius-") as folder:
            for i, upload in enumerate(uploads):
                name = PurePath(upload.filename).name or f"file{i}.xml"
                (Path(folder) / f"{i:03d}-{name}").write_bytes(upload.data)
            scenario = load_genius(folder)
        return scenario.agenda, "genius:" + ",".join(u.filename for u in uploads)
    if len(uploads) == 1 and suffixes <= {".yaml", ".yml", ".json"}:
        upload = uploads[0]
        fmt: Format = "json" if upload.filename.lower().endswith(".json") else "yaml"
        scenario = loads_scenario(_text(upload), fmt=fmt, source=upload.filename)
        return scenario.agenda, f"scenario:{upload.filename}"
    raise ValidationFailed(
        "upload one scenario file (.yaml, .yml, .json) or Genius XML files (.xml)",
        location="files",
        expected="a scenario file or Genius XML",
    )
