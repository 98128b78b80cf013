"""What a number in preferences is: an ``int`` or ``float`` that is finite, never a ``bool``.

One rule for the option values, ratings, weights, bonuses and reservation levels of every kind
of preferences; each refuses in its own words.

>>> finite(2, "bonus")
2.0
>>> finite(True, "values.a.x")
Traceback (most recent call last):
...
gobetween.errors.InvalidPreferences: values.a.x: True is not a finite number ...
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from gobetween.errors import N_, InvalidPreferences

__all__ = ["finite"]


def finite(
    value: object,
    location: str,
    template: str = N_("%(value)r is not a finite number"),
    expected: str = N_("a finite number"),
    params: Mapping[str, object] | None = None,
) -> float:
    """``value`` as a float; :class:`~gobetween.errors.InvalidPreferences` at ``location``
    otherwise, worded by ``template`` and ``expected`` (marked :func:`N_`; ``%(value)r`` is the
    value, ``params`` any other placeholder)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidPreferences(
            template,
            location=location,
            expected=expected,
            params={**(params or {}), "value": value},
        )
    return float(value)
