"""Export of a track's whole record for the archive: one ZIP of what the caller may read.

Every part comes from the same policy-scoped reads as the pages and the API: the agenda and
organisations (every seat), the single text through the caller's own view of it, the channels
and current preferences of :attr:`~gobetween.policy.TrackView.readable_parties` with their
attachments, the mediators' notes and assignments (only when
:data:`~gobetween.policy.Action.TEAM_NOTES` allows), the meetings the caller took part in, the
relayed offers as the caller's view of them, and the agreements of the track the caller signs
for (its record: terms, lifecycle log, term clock; the bundle, the key registry and the
instruments as PDF). A party's export therefore holds its own channel and nothing of another
party's; a mediator's holds everything.

The ZIP is written to a spooled temporary file (in memory up to 8 MB, then on disk) and streamed
from there; it is refused with :class:`~gobetween.errors.ValidationFailed` once its parts pass
``max_bytes``, before anything is sent.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.errors import GobetweenError, NotFound, ValidationFailed
from gobetween.i18n import _
from gobetween.policy import Action, Actor, TrackView
from gobetween.service import meetings as meeting_service
from gobetween.service import notes as note_service
from gobetween.service.texts import offers_view, readable_text
from gobetween.store import agreement_tables as a
from gobetween.store import repositories
from gobetween.store import tables as t

__all__ = [
    "ARCHIVE_FORMAT",
    "DEFAULT_MAX_BYTES",
    "MAX_PDF_CHARACTERS",
    "Archive",
    "chunks",
    "track_archive",
]

ARCHIVE_FORMAT = "gobetween-archive-v1"
#: The largest archive (sum of the parts before compression) one request may build.
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
#: The most text (characters of the versions' JSON) one archive draws as PDF, newest version
#: first: about 12 s of fpdf2 on this machine (docs/security.md). Older versions past it are in
#: ``text/single-text.json`` only, listed in ``text/versions-without-pdf.json``; each still
#: exports alone as PDF.
MAX_PDF_CHARACTERS = 1_000_000
_SPOOL = 8 * 1024 * 1024


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:60] or "x"


@dataclass
class Archive:
    """A ZIP being written: its parts, their total size and the limit."""

    max_bytes: int
    # closed by discard() after an error, else by chunks() once it is streamed
    file: IO[bytes] = field(default_factory=lambda: tempfile.SpooledTemporaryFile(_SPOOL))  # noqa: SIM115
    parts: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0

    def __post_init__(self) -> None:
        self.zip = zipfile.ZipFile(self.file, "w", compression=zipfile.ZIP_DEFLATED)

    def add(self, name: str, data: bytes, what: str) -> None:
        """Add part ``name`` (refused once the parts pass the limit)."""
        self.total += len(data)
        if self.total > self.max_bytes:
            raise ValidationFailed(
                _("the archive would exceed %(bytes)s bytes") % {"bytes": self.max_bytes},
                location="track",
                expected=_("an archive of at most %(bytes)s bytes") % {"bytes": self.max_bytes},
            )
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        self.parts.append({"name": name, "bytes": len(data), "what": what})

    def add_json(self, name: str, value: Any, what: str) -> None:
        """Add a JSON part (UTF-8, indented, keys in order)."""
        data = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)
        self.add(name, data.encode("utf-8"), what)

    def discard(self) -> None:
        """Drop a half-written archive (after an error)."""
        try:
            self.zip.close()
        finally:
            self.file.close()

    def close(self, manifest: dict[str, Any]) -> IO[bytes]:
        """Write the manifest, finish the ZIP and rewind its file."""
        self.add_json("manifest.json", {**manifest, "parts": list(self.parts)}, "manifest")
        self.zip.close()
        self.file.seek(0)
        return self.file


def chunks(file: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """The file's bytes in pieces (for a streamed response); closes the file at the end."""
    try:
        while piece := file.read(size):
            yield piece
    finally:
        file.close()


def _channels(session: Session, view: TrackView, names: dict[int, str], zipped: Archive) -> None:
    for channel in repositories.channels(session, view):
        folder = f"channels/{_slug(names.get(channel.party_id, str(channel.party_id)))}"
        rows = session.execute(
            select(t.Message, t.User.name)
            .outerjoin(t.User, t.User.id == t.Message.author_id)
            .where(t.Message.channel_id == channel.id)
            .order_by(t.Message.number)
        ).all()
        files = repositories.attachments_of(session, [m.id for m, _author in rows])
        messages = []
        for message, author in rows:
            attached = []
            for att in files.get(message.id, []):
                path = f"{folder}/attachments/{message.number}-{att.id}-{_slug(att.filename)}"
                zipped.add(path, att.data, "attachment")
                attached.append({"filename": att.filename, "sha256": att.sha256, "path": path})
            messages.append(
                {
                    "id": message.id,
                    "number": message.number,
                    "author": author,
                    "text": message.text,
                    "created_at": message.created_at.isoformat(),
                    "attachments": attached,
                }
            )
        zipped.add_json(
            f"{folder}/messages.json",
            {"channel_id": channel.id, "party": names.get(channel.party_id), "messages": messages},
            "messages",
        )


def _preferences(session: Session, view: TrackView, names: dict[int, str], zipped: Archive) -> None:
    for row in repositories.current_preferences(session, view):
        folder = f"channels/{_slug(names.get(row.party_id, str(row.party_id)))}"
        zipped.add_json(
            f"{folder}/preferences.json",
            {"version": row.version, "created_at": row.created_at.isoformat(), "body": row.body},
            "preferences",
        )


def _texts(session: Session, actor: Actor, view: TrackView, zipped: Archive) -> None:
    seen = readable_text(session, actor, view)
    if seen is None:
        return
    zipped.add_json("text/single-text.json", seen, "text")
    from gobetween.service.archive_pdf import text_version_pdf  # fpdf is loaded only here

    left = MAX_PDF_CHARACTERS
    without_pdf: list[Any] = []
    for version in reversed(seen.get("versions", [])):
        number = version.get("number")
        size = len(json.dumps(version, ensure_ascii=False, default=str))
        if size > left:
            left = 0
            without_pdf.append(number)
            continue
        left -= size
        zipped.add(f"text/version-{number}.pdf", text_version_pdf(version), "text pdf")
    if without_pdf:
        zipped.add_json(
            "text/versions-without-pdf.json",
            {
                "versions": sorted(without_pdf),
                "reason": "pdf_character_limit",
                "limit_characters": MAX_PDF_CHARACTERS,
                "export": f"/api/tracks/{view.track_id}/text/versions/{{number}}/export.pdf",
            },
            "text",
        )


def _agreements(session: Session, actor: Actor, track_id: int, zipped: Archive) -> None:
    from gobetween.formats.instrument_pdf import instrument_pdf
    from gobetween.service import agree

    ids = session.execute(
        select(a.Agreement.id).where(a.Agreement.track_id == track_id).order_by(a.Agreement.id)
    ).scalars()
    for agreement_id in ids:
        try:
            loaded = agree.load(session, actor, agreement_id)
        except NotFound:
            continue  # the caller does not sign it
        folder = f"agreements/{agreement_id}"
        zipped.add_json(
            f"{folder}/agreement.json",
            agree.agreement_view_dict(session, actor, agreement_id),
            "agreement",
        )
        zipped.add(f"{folder}/agreement.gbb", loaded.row.bundle, "agreement bundle")
        zipped.add_json(
            f"{folder}/registry.json", agree.registry_export(session, actor, agreement_id), "keys"
        )
        for instrument in loaded.bundle.instruments:
            signatures = [
                s for s in loaded.bundle.signatures if s.instrument_party == instrument.party
            ]
            try:
                data = instrument_pdf(instrument, signatures)
            except GobetweenError:
                continue  # a script the PDF font cannot draw: the bundle holds the instrument
            zipped.add(f"{folder}/{_slug(instrument.party)}.pdf", data, "instrument pdf")


def track_archive(
    session: Session,
    actor: Actor,
    track_id: int,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    exported_at: str = "",
) -> tuple[IO[bytes], str]:
    """The ZIP of the track's record as the actor may read it, and a file name for it."""
    track, view = repositories.track(session, actor, track_id)
    view.require(Action.READ_AGENDA)
    zipped = Archive(max_bytes)
    try:
        _fill(session, actor, track, view, zipped)
    except BaseException:
        zipped.discard()
        raise
    file = zipped.close(
        {
            "format": ARCHIVE_FORMAT,
            "track_id": track.id,
            "track": track.name,
            "exported_at": exported_at or t.utcnow().isoformat(),
            "exported_by": actor.user_id,
        }
    )
    return file, f"{_slug(track.name)}-{track.id}-archive.zip"


def _fill(session: Session, actor: Actor, track: t.Track, view: TrackView, zipped: Archive) -> None:
    track_id = track.id
    orgs = repositories.organisations(session, actor, track.process_id)
    names = {o.id: o.name for o in orgs}
    seated = view.party_ids | view.mediator_ids
    zipped.add_json(
        "track.json",
        {
            "id": track.id,
            "name": track.name,
            "process_id": track.process_id,
            "agenda": track.agenda,
            "organisations": [
                {"id": o.id, "name": o.name, "kind": o.kind} for o in orgs if o.id in seated
            ],
        },
        "track",
    )
    _texts(session, actor, view, zipped)
    _channels(session, view, names, zipped)
    _preferences(session, view, names, zipped)
    if view.allows(Action.TEAM_NOTES):
        zipped.add_json("team/notes.json", note_service.notes(session, actor, track_id), "notes")
        zipped.add_json(
            "team/assignments.json", note_service.assignments(session, actor, track_id), "notes"
        )
    if view.allows(Action.READ_PARTY_DATA):
        zipped.add_json(
            "meetings.json", meeting_service.meetings(session, actor, track_id), "meetings"
        )
        zipped.add_json("offers.json", offers_view(session, actor, track_id), "offers")
    _agreements(session, actor, track_id, zipped)


def read_archive(data: bytes) -> dict[str, bytes]:
    """The parts of an archive (for tests and tools)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}
