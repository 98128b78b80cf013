"""Attachments scanned by ClamAV before they are stored (ASVS 12.4.2).

When ``GOBETWEEN_CLAMD`` names a ClamAV daemon (``unix:/run/clamav/clamd.ctl`` or
``tcp:127.0.0.1:3310``), every attachment is sent to it with clamd's ``INSTREAM`` command
before anything is written, outside any transaction:

- a clean file goes on to be stored;
- a file in which clamd finds a signature is refused, 422 naming the file and the signature,
  and nothing is stored (:class:`ValidationFailed` at ``file``);
- a daemon that cannot be reached, answers an error, or takes longer than
  ``GOBETWEEN_CLAMD_TIMEOUT_SECONDS`` refuses the upload, 503 with ``Retry-After``
  (:class:`ServiceUnavailable`): an unscanned file is never stored while scanning is on.

Without ``GOBETWEEN_CLAMD`` nothing is scanned (the settings documentation says so).

The protocol: ``zINSTREAM\\0``, then the file in chunks, each a 4-byte big-endian length and its
bytes, then a zero length; the answer is ``stream: OK``, ``stream: NAME FOUND`` or
``... ERROR``, ended by a NUL byte.

>>> parse_answer(b"stream: OK\\0") is None
True
>>> parse_answer(b"stream: Eicar-Test-Signature FOUND\\0")
'Eicar-Test-Signature'
"""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass

from gobetween.errors import ServiceUnavailable, ValidationFailed
from gobetween.i18n import _
from gobetween.service.negotiate import Upload, check_upload
from gobetween.service.settings import Settings

__all__ = ["CHUNK", "Scanner", "parse_answer", "scan_uploads"]

#: bytes sent in one INSTREAM chunk
CHUNK = 64 * 1024
#: the longest answer read from clamd (a signature name is short)
_MAX_ANSWER = 4096


class _ScannerDown(Exception):
    """clamd could not give an answer (unreachable, an error, too slow)."""


def parse_answer(answer: bytes) -> str | None:
    """The signature clamd found in its ``answer``, ``None`` for a clean file;
    :class:`_ScannerDown` for an error or anything else."""
    text = answer.rstrip(b"\0").decode("utf-8", "replace").strip()
    _stream, _colon, result = text.partition(": ")
    if text == "stream: OK":
        return None
    if result.endswith(" FOUND") and result[: -len(" FOUND")].strip():
        return result[: -len(" FOUND")].strip()
    raise _ScannerDown(text[:200] or "no answer")


@dataclass(frozen=True, slots=True)
class Scanner:
    """A clamd at ``address`` (``unix:/path`` or ``tcp:host:port``), each scan bounded by
    ``timeout`` seconds in all."""

    address: str
    timeout: float = 30.0

    def _connect(self, timeout: float) -> socket.socket:
        kind, _colon, where = self.address.partition(":")
        if kind == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            target: str | tuple[str, int] = where
        elif kind == "tcp":
            host, _colon, port = where.rpartition(":")
            sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
            target = (host.strip("[]"), int(port))
        else:
            raise _ScannerDown(f"not unix:/path or tcp:host:port: {self.address}")
        sock.settimeout(timeout)
        try:
            sock.connect(target)
        except BaseException:
            sock.close()
            raise
        return sock

    def scan(self, data: bytes) -> str | None:
        """The signature clamd finds in ``data``, ``None`` if clean; :class:`_ScannerDown`
        when it cannot answer within :attr:`timeout`."""
        deadline = time.monotonic() + self.timeout

        def left() -> float:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _ScannerDown(f"no answer within {self.timeout:g} s")
            return remaining

        try:
            with self._connect(left()) as sock:
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), CHUNK):
                    piece = data[start : start + CHUNK]
                    sock.settimeout(left())
                    sock.sendall(struct.pack(">I", len(piece)) + piece)
                sock.settimeout(left())
                sock.sendall(struct.pack(">I", 0))
                answer = b""
                while not answer.endswith(b"\0") and len(answer) < _MAX_ANSWER:
                    sock.settimeout(left())
                    got = sock.recv(_MAX_ANSWER)
                    if not got:
                        break
                    answer += got
        except (OSError, ValueError) as exc:  # refused, reset, timed out, bad port
            raise _ScannerDown(f"{type(exc).__name__}: {exc}") from exc
        return parse_answer(answer)


def scan_uploads(settings: Settings, uploads: Sequence[Upload], *, max_bytes: int) -> None:
    """Scan each upload when ``settings.clamd`` is set (blocking: call it from a worker thread,
    never inside a unit of work); :class:`ValidationFailed` (422) for an infected file,
    :class:`ServiceUnavailable` (503) when the scanner cannot answer. Size and type are checked
    first (:func:`check_upload`), so a file refused anyway is not sent to the scanner."""
    if not settings.clamd or not uploads:
        return
    scanner = Scanner(settings.clamd, float(settings.clamd_timeout_seconds))
    for upload in uploads:
        check_upload(upload, max_bytes=max_bytes, allowed=settings.allowed_types)
        try:
            signature = scanner.scan(upload.data)
        except _ScannerDown as exc:
            message = _(
                "the virus scanner cannot scan %(name)s now, so it was not stored; "
                "try again in a minute"
            )
            raise ServiceUnavailable(message % {"name": upload.filename}) from exc
        if signature is not None:
            raise ValidationFailed(
                _("%(name)s contains %(signature)s (found by the virus scanner); it was not stored")
                % {"name": upload.filename, "signature": signature},
                location="file",
                expected=_("a file without malware"),
            )
