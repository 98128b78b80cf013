"""Why a term's end renewed or ended an agreement, in the reader's language.

The log keeps the English sentence the end of a term wrote (:mod:`gobetween.agreements.term_end`:
it is part of the signed record); the agreement's page shows it through :func:`term_end` and
:func:`log_entries`, so a Ukrainian signatory reads "за згодою всіх підписантів" where the record
says "consent of all signatories". Words the log holds from elsewhere (a party's reason for a
suspension) are shown as written.

>>> from gobetween.i18n import use_locale
>>> from gobetween.agreements import term_end as te
>>> with use_locale("uk"):
...     term_end(te.consents_differ({"Ukraine": 120, "Russia": 60}))
'найкоротший погоджений строк; згоди різняться (Ukraine: 120 днів, Russia: 60 днів)'
>>> term_end("suspended its participation")
'suspended its participation'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gobetween.agreements import term_end as te
from gobetween.i18n import _, ngettext

__all__ = ["log_entries", "term_end"]


def term_end(text: str) -> str:
    """``text`` (a renewal's basis or an expiry's reason) in the reader's language when a term's
    end wrote it; else as written."""
    said = te.read(text)
    if said is None:
        return text
    match said.kind:
        case "automatic":
            return _("automatic renewal")
        case "consent_of_all":
            return _("consent of all signatories")
        case "consents_differ":
            each = ", ".join(
                ngettext("%(signatory)s: %(num)d day", "%(signatory)s: %(num)d days", days)
                % {"signatory": name, "num": days}
                for name, days in said.consents
            )
            return _("shortest term consented to; the consents differ (%(consents)s)") % {
                "consents": each
            }
        case "notice":
            return _("notice of non-renewal given by %(parties)s") % {"parties": said.names}
        case "no_consent":
            return _("no consent to renew from %(parties)s") % {"parties": said.names}
        case "none":
            return _("the term ended and the agreement has no renewal")


def log_entries(log: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The agreement's log (its events' wire form) with a renewal's basis and an expiry's reason
    in the reader's language, for the page."""
    out = []
    for event in log:
        entry = dict(event)
        if entry.get("type") == "renewed":
            entry["basis"] = term_end(str(entry["basis"]))
        elif entry.get("type") == "expired":
            entry["reason"] = term_end(str(entry["reason"]))
        out.append(entry)
    return out
