"""Watching protocol replays (docs/security.md, *Promise 2*): each call of
:func:`gobetween.wire.replay`, with the stored events it applied and whether a writing unit of
work was open then, and the writing units' holds (:class:`~tests.service.write_units.WriteUnits`).

A test installs it with ``monkeypatch.setattr``::

    watched = Watched().install(monkeypatch.setattr)
    ...
    assert watched.inside() == 0  # no stored event replayed while the write lock was held
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.service.write_units import Setter, WriteUnits

from gobetween import wire

__all__ = ["Watched"]


@dataclass
class Watched:
    """Each replay (every call of :func:`gobetween.wire.replay`): the stored events it applied
    and whether a writing unit was open then; and the writing units' holds."""

    replays: list[tuple[int, bool]] = field(default_factory=list)
    units: WriteUnits = field(default_factory=WriteUnits)

    def install(self, setter: Setter) -> Watched:
        """Count every replay and time every writing unit from now on."""
        self.units.install(setter)
        real = wire.replay

        def counting(
            apply: Callable[..., Any], read: Callable[..., Any], initial: Any, events: Any
        ) -> Any:
            events = list(events)
            self.replays.append((len(events), self.units.open > 0))
            return real(apply, read, initial, events)

        setter(wire, "replay", counting)
        return self

    def inside(self) -> int:
        """The stored events replayed while a writing unit was open."""
        return sum(n for n, writing in self.replays if writing)

    def clear(self) -> None:
        self.replays.clear()
        self.units.clear()
