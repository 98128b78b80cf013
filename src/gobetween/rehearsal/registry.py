"""Looking up a registered behaviour or strategy by name, refusing unknown names alike.

>>> registered({"a": 1}, "a", N_("no letter called %(name)r"), "letter")
1
>>> registered({"a": 1}, "b", N_("no letter called %(name)r"), "letter")
Traceback (most recent call last):
...
gobetween.errors.ValidationFailed: letter: no letter called 'b' (expected one of a)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from gobetween.errors import N_, ValidationFailed

__all__ = ["registered"]

T = TypeVar("T")


def registered(registry: Mapping[str, T], name: str, refusal: str, location: str) -> T:
    """``registry[name]``; else :class:`ValidationFailed` with ``refusal`` (a template marked
    :func:`~gobetween.errors.N_`, given ``%(name)r``) at ``location``, naming the registered
    names: said in the reader's language where it is shown."""
    try:
        return registry[name]
    except KeyError:
        raise ValidationFailed(
            refusal,
            location=location,
            expected=N_("one of %(choices)s"),
            params={"name": name, "choices": ", ".join(registry)},
        ) from None
