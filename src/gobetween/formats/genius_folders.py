"""Folders of Genius scenarios: every scenario folder under a root, found and loaded.

Genius collections come as a folder of scenario folders, sometimes nested (``anac/y2010/Travel``).
:func:`find_genius_folders` lists the folders holding XML files (each then loads with
:func:`~gobetween.formats.load_genius`, or fails with an error naming the file);
:func:`load_genius_folders` loads them all.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from gobetween.errors import N_, FileFormatError
from gobetween.formats.genius import DEFAULT_REAL_STEPS, load_genius
from gobetween.formats.reading import DEFAULT_MAX_BYTES
from gobetween.model import Scenario

__all__ = ["MAX_GENIUS_FOLDERS", "find_genius_folders", "load_genius_folders"]

#: At most this many scenario folders are listed under one root.
MAX_GENIUS_FOLDERS = 10_000
#: Folders deeper than this below the root are not searched.
MAX_DEPTH = 8


def _natural(name: str) -> list[object]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def find_genius_folders(
    root: str | os.PathLike[str], *, max_folders: int = MAX_GENIUS_FOLDERS
) -> list[Path]:
    """Every folder at or below ``root`` that holds ``.xml`` files, in natural order.

    Hidden folders (``.git``) are skipped; the search stops ``MAX_DEPTH`` levels down.

    Raises
    ------
    FileFormatError
        ``root`` is not a folder, holds no Genius scenario, or holds more than ``max_folders``.

    >>> import tempfile
    >>> from gobetween.formats import examples, save_genius
    >>> with tempfile.TemporaryDirectory() as root:
    ...     _ = save_genius(examples.load("classroom").scenario, Path(root, "y1", "classroom"))
    ...     [p.relative_to(root).as_posix() for p in find_genius_folders(root)]
    ['y1/classroom']
    """
    base = Path(root)
    if not base.is_dir():
        raise FileFormatError(N_("no such folder"), source=str(base), expected=N_("a folder"))
    found: list[Path] = []
    pending: list[tuple[Path, int]] = [(base, 0)]
    while pending:
        folder, depth = pending.pop()
        entries = sorted(folder.iterdir(), key=lambda p: _natural(p.name))
        if any(e.is_file() and e.suffix.lower() == ".xml" for e in entries):
            found.append(folder)
            if len(found) > max_folders:
                raise FileFormatError(
                    N_("more than %(max_folders)s scenario folders"),
                    source=str(base),
                    expected=N_("at most %(max_folders)s scenario folders under one root"),
                    params={"max_folders": max_folders},
                )
        if depth < MAX_DEPTH:
            pending.extend(
                (e, depth + 1)
                for e in reversed(entries)
                if e.is_dir() and not e.name.startswith(".")
            )
    if not found:
        raise FileFormatError(
            N_("no Genius scenario below this folder"),
            source=str(base),
            expected=N_("folders holding a domain and profile .xml files"),
        )
    return sorted(found, key=lambda p: [_natural(part) for part in p.relative_to(base).parts])


def load_genius_folders(
    root: str | os.PathLike[str],
    *,
    real_steps: int = DEFAULT_REAL_STEPS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[tuple[str, Scenario]]:
    """Every scenario below ``root``, named by its path relative to ``root`` (``"y2010/Travel"``).

    Raises
    ------
    FileFormatError, InvalidScenario
        The first folder that does not load, with the error naming its file.

    >>> import tempfile
    >>> from gobetween.formats import examples, save_genius
    >>> with tempfile.TemporaryDirectory() as root:
    ...     _ = save_genius(examples.load("classroom").scenario, Path(root, "a"))
    ...     [(name, s.party_names) for name, s in load_genius_folders(root)]
    [('a', ('candidate', 'employer'))]
    """
    base = Path(root)
    return [
        (
            folder.name if folder == base else folder.relative_to(base).as_posix(),
            load_genius(folder, real_steps=real_steps, max_bytes=max_bytes),
        )
        for folder in find_genius_folders(base)
    ]
