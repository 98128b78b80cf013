"""The words the end of a term writes into an agreement's log, and their reading back.

When a term ends, :mod:`gobetween.agreements.lifecycle` records why the agreement was renewed
(:class:`~gobetween.agreements.events.Renewed`'s ``basis``) or why it expired
(:class:`~gobetween.agreements.events.Expired`'s ``reason``) as an English sentence. That
sentence is part of the signed record's wire form (stored logs and bundles stay readable byte for
byte), so it is never translated where it is written. :func:`read` gives it back as a
:class:`TermEnd` (which of the six cases, and the names and days it carries), from which a page
writes the same sentence in its reader's language.

>>> read(consents_differ({"Ukraine": 120, "Russian Federation": 60}))
TermEnd(kind='consents_differ', names='', consents=(('Ukraine', 120), ('Russian Federation', 60)))
>>> read(notice_given(["B", "A"])).names
'A, B'
>>> read("suspended its participation") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AUTOMATIC",
    "CONSENT_OF_ALL",
    "NO_RENEWAL",
    "TermEnd",
    "consents_differ",
    "no_consent_from",
    "notice_given",
    "read",
]

#: The basis of an automatic renewal (no party gave notice).
AUTOMATIC = "automatic"
#: The basis of a renewal every signatory consented to, for the same term.
CONSENT_OF_ALL = "consent of all signatories"
#: The reason of an expiry under terms that have no renewal.
NO_RENEWAL = "the term ended and the agreement has no renewal"

_DIFFER = "shortest term consented to; disputed: consents differ ("
_NOTICE = "notice given by "
_NO_CONSENT = "no consent to renew from "
#: One signatory's consent inside ``_DIFFER``'s brackets: "Ukraine 120 days".
_CONSENT = re.compile(r"(.+?) (\d+) days(?:, |$)")

Kind = Literal["automatic", "consent_of_all", "consents_differ", "notice", "no_consent", "none"]


@dataclass(frozen=True)
class TermEnd:
    """Why a term's end renewed or ended the agreement, as the log's words say.

    ``names`` are the parties who gave notice or did not consent, as the log lists them (comma
    separated, since a name may hold a comma itself); ``consents`` each signatory's days when the
    consents differ.
    """

    kind: Kind
    names: str = ""
    consents: tuple[tuple[str, int], ...] = ()


def notice_given(parties: Iterable[str]) -> str:
    """The reason of an expiry after notice of non-renewal (the parties sorted)."""
    return _NOTICE + ", ".join(sorted(parties))


def no_consent_from(signatories: Iterable[str]) -> str:
    """The reason of an expiry when some signatories did not consent to a renewal."""
    return _NO_CONSENT + ", ".join(signatories)


def consents_differ(consents: Mapping[str, int]) -> str:
    """The basis of a renewal for the shortest of terms the signatories consented to."""
    return _DIFFER + ", ".join(f"{s} {d} days" for s, d in consents.items()) + ")"


def read(text: str) -> TermEnd | None:
    """The :class:`TermEnd` that ``text`` says, or ``None`` when no term's end wrote it (a
    party's own words, a basis of another version)."""
    if text == AUTOMATIC:
        return TermEnd("automatic")
    if text == CONSENT_OF_ALL:
        return TermEnd("consent_of_all")
    if text == NO_RENEWAL:
        return TermEnd("none")
    if text.startswith(_NOTICE) and len(text) > len(_NOTICE):
        return TermEnd("notice", names=text.removeprefix(_NOTICE))
    if text.startswith(_NO_CONSENT) and len(text) > len(_NO_CONSENT):
        return TermEnd("no_consent", names=text.removeprefix(_NO_CONSENT))
    if text.startswith(_DIFFER) and text.endswith(")"):
        said = text[len(_DIFFER) : -1]
        found = list(_CONSENT.finditer(said))
        if found and "".join(m.group(0) for m in found) == said:
            return TermEnd(
                "consents_differ", consents=tuple((m.group(1), int(m.group(2))) for m in found)
            )
    return None
