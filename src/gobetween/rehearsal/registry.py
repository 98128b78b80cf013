"""Looking up a registered behaviour or strategy by name, refusing unknown names alike.

>>> registered({"a": 1}, "a", "no letter called {!r}", "letter")
1
>>> registered({"a": 1}, "b", "no letter called {!r}", "letter")
Traceback (most recent call last):
...
gobetween.errors.ValidationFailed: letter: no letter called 'b' (expected one of a)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from gobetween.errors import ValidationFailed

__all__ = ["registered"]

T = TypeVar("T")


def registered(registry: Mapping[str, T], name: str, refusal: str, location: str) -> T:
    """``registry[name]``; else :class:`ValidationFailed` with ``refusal`` (a format string
    given ``name``) at ``location``, naming the registered names."""
    try:
        return registry[name]
    except KeyError:
        raise ValidationFailed(
            refusal.format(name), location=location, expected="one of " + ", ".join(registry)
        ) from None
