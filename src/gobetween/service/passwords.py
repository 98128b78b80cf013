"""Refuse passwords that attackers try first: the common and breached-password list that ships
with the ``zxcvbn`` package (MIT licence; its 30,000 most frequent passwords from public
breaches), read from the installed package, never from the network.

A new password (sign-up, reset, change, set by the CLI) is refused when, ignoring case, it is on
that list, or is a listed password followed only by digits and punctuation ("baseball2024!"),
or a listed password repeated ("qwertyqwerty"). Only passwords of at least
:data:`gobetween.service.identity.MIN_PASSWORD` characters get this far, so the check is about
the long, guessable ones: "1234567890", "qwertyuiop", "password123".
"""

from __future__ import annotations

import functools
import re

from gobetween.errors import ValidationFailed
from gobetween.i18n import _

__all__ = ["is_common", "refuse_common"]

_TAIL = re.compile(r"[\d\W_]+$")


@functools.cache
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    """Whether ``password`` is, or is built plainly from, a common or breached password.

    >>> is_common("1234567890"), is_common("Baseball2024!"), is_common("qwertyqwerty")
    (True, True, True)
    >>> is_common("correct horse battery")
    False
    """
    common = _common()
    value = password.lower()
    if value in common:
        return True
    stem = _TAIL.sub("", value)
    if len(stem) >= 4 and stem in common:
        return True
    half = len(value) // 2
    return len(value) % 2 == 0 and value[:half] == value[half:] and value[:half] in common


def refuse_common(password: str, location: str = "password") -> None:
    """:class:`ValidationFailed` (422 naming ``location``) for a common password."""
    if is_common(password):
        raise ValidationFailed(
            _(
                "this password is on the list of passwords that attackers try first "
                "(common or leaked passwords); choose another"
            ),
            location=location,
            expected=_("a password that is not a common or leaked one"),
        )
