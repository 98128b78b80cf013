"""Load and save scenarios by path: the file's suffix (or a folder) picks the format.

========================  ===========================================================
``.yaml`` / ``.yml``      gobetween scenario, YAML
``.json``                 gobetween scenario, JSON
a folder                  Genius: one domain XML and one profile XML per party
``.xml``                  Genius domain file, with its profiles in the same folder
========================  ===========================================================

>>> from gobetween.formats import examples
>>> scenario = load_scenario(examples.path("classroom"))
>>> scenario.party_names
('employer', 'candidate')
"""

from __future__ import annotations

import os
from pathlib import Path

from gobetween.errors import N_, FileFormatError
from gobetween.formats.genius import DEFAULT_REAL_STEPS, load_genius
from gobetween.formats.genius_export import save_genius
from gobetween.formats.reading import DEFAULT_MAX_BYTES, read_text
from gobetween.formats.scenario_file import (
    Format,
    ScenarioFile,
    dump_scenario,
    loads_scenario_file,
)
from gobetween.model import Scenario

__all__ = ["format_of", "load_scenario", "load_scenario_file", "save_scenario"]

_SUFFIXES: dict[str, Format] = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
_EXPECTED = N_("a .yaml, .yml or .json scenario, a Genius .xml domain file or a Genius folder")


def format_of(path: str | os.PathLike[str]) -> str:
    """``"yaml"``, ``"json"`` or ``"genius"`` for a path, by its suffix (a folder is Genius).

    >>> format_of("talks.yml"), format_of("anac/y2010/Travel")
    ('yaml', 'genius')
    """
    location = Path(path)
    suffix = location.suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if suffix == ".xml" or location.is_dir() or not suffix:
        return "genius"
    raise FileFormatError(
        N_("unknown file type %(suffix)r"),
        source=str(location),
        expected=_EXPECTED,
        params={"suffix": suffix},
    )


def load_scenario_file(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    real_steps: int = DEFAULT_REAL_STEPS,
) -> ScenarioFile:
    """The scenario at ``path`` with its named packages and mediators (none for Genius).

    ``max_bytes`` limits every file read; ``real_steps`` is how many steps a Genius real issue
    is discretised into.

    >>> from gobetween.formats import examples
    >>> sorted(load_scenario_file(examples.path("classroom")).packages)
    ['split the difference', 'trade across issues']
    """
    kind = format_of(path)
    if kind == "genius":
        return ScenarioFile(load_genius(path, real_steps=real_steps, max_bytes=max_bytes))
    fmt: Format = "yaml" if kind == "yaml" else "json"
    text = read_text(path, max_bytes=max_bytes)
    return loads_scenario_file(text, fmt=fmt, source=str(path))


def load_scenario(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    real_steps: int = DEFAULT_REAL_STEPS,
) -> Scenario:
    """The scenario at ``path`` (see the table above for the formats).

    >>> from gobetween.formats import examples
    >>> load_scenario(examples.path("black_sea_corridor")).agenda.size
    15552
    """
    return load_scenario_file(path, max_bytes=max_bytes, real_steps=real_steps).scenario


def save_scenario(
    item: Scenario | ScenarioFile,
    path: str | os.PathLike[str],
    *,
    real_steps: int = DEFAULT_REAL_STEPS,
) -> list[Path]:
    """Write ``item`` to ``path``: a YAML or JSON file, or a Genius folder; returns the files.

    A YAML or JSON file is replaced if it exists; a Genius folder must be new or hold no XML.

    >>> import tempfile, pathlib
    >>> from gobetween.formats import examples
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     written = save_scenario(examples.load("classroom"), pathlib.Path(tmp) / "c.json")
    ...     [p.name for p in written]
    ['c.json']
    """
    location = Path(path)
    kind = format_of(location)
    if kind == "genius":
        if location.suffix.lower() == ".xml":
            raise FileFormatError(
                N_("Genius output is a folder (a domain file and one profile per party)"),
                source=str(location),
                expected=N_("a folder name"),
            )
        scenario = item.scenario if isinstance(item, ScenarioFile) else item
        return save_genius(scenario, location, real_steps=real_steps)
    fmt: Format = "yaml" if kind == "yaml" else "json"
    location.write_text(dump_scenario(item, fmt), encoding="utf-8")
    return [location]
