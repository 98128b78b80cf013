"""Bundled example scenarios in the gobetween format.

- ``black_sea_corridor``: the agenda of the 2022 Black Sea Grain Initiative talks (Ukraine and
  the Russian Federation, mediated by the United Nations and Türkiye). The agenda follows the
  public record; the preferences are **illustrative**, made up for teaching and demos.
- ``classroom``: a small two-party job-offer negotiation for teaching.
- ``energy_moratorium``: a small two-party case with interdependent preferences ("if ... then
  ... is worth ..." bonuses), for teaching; invented.

>>> names()
('black_sea_corridor', 'classroom', 'energy_moratorium')
>>> load("black_sea_corridor").scenario.illustrative
True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from gobetween.errors import NotFound
from gobetween.formats.scenario_file import ScenarioFile, loads_scenario_file

__all__ = ["load", "names", "path", "text"]

_NAMES = ("black_sea_corridor", "classroom", "energy_moratorium")


def names() -> tuple[str, ...]:
    """The names of the bundled examples."""
    return _NAMES


def _resource(name: str) -> resources.abc.Traversable:
    if name not in _NAMES:
        raise NotFound(f"no bundled example {name!r}; there are: {', '.join(_NAMES)}")
    return resources.files(__name__) / f"{name}.yaml"


def path(name: str) -> Path:
    """The file system path of an example's YAML file (the package is installed as files)."""
    return Path(str(_resource(name)))


def text(name: str) -> str:
    """An example's YAML text."""
    return _resource(name).read_text(encoding="utf-8")


def load(name: str) -> ScenarioFile:
    """An example, loaded with its packages and mediators."""
    return loads_scenario_file(text(name), fmt="yaml", source=f"{name}.yaml")
