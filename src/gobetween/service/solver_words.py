"""The analysis's method and solver status in the reader's language (the CLI's report and the
analysis page): the pure core reports them in English words (``Frontier.method``,
``Frontier.status``), which stay the JSON's values; only what a person reads is translated.
"""

from __future__ import annotations

import re

from gobetween import i18n
from gobetween.errors import N_
from gobetween.i18n import _

__all__ = ["SOLVER_WORDS", "solver_word"]

#: What the analysis solvers report (``Frontier.method`` and ``.status``): the core says them in
#: English; HiGHS's "solver error (...)" is framed in the reader's language around the solver's
#: own status name (``kNotset``), which is kept as HiGHS spells it.
SOLVER_WORDS = {
    "enumeration": N_("enumeration"),
    "merge": N_("merge"),
    "milp": N_("milp"),
    "optimal": N_("optimal"),
    "infeasible": N_("infeasible"),
    "unbounded": N_("unbounded"),
    "time limit": N_("time limit"),
    "point limit": N_("point limit"),
}


def solver_word(text: str) -> str:
    """An analysis method's or solver status's name in the current language.

    >>> with i18n.use_locale("uk"):
    ...     solver_word("time limit"), solver_word("solver error (kNotset)")
    ('ліміт часу', 'помилка розв’язувача (kNotset)')
    >>> solver_word("solver error (kNotset)")
    'solver error (kNotset)'
    """
    marked = SOLVER_WORDS.get(text)
    if marked is not None:
        return i18n.gettext(marked)
    failed = _SOLVER_ERROR.fullmatch(text)
    if failed is None:
        return text
    status = failed.group(1)
    if status == "a bound broken":
        status = _("a bound broken")
    return _("solver error (%(status)s)") % {"status": status}


#: How the analysis words a status HiGHS ended with that it has no name for.
_SOLVER_ERROR = re.compile(r"solver error \((.+)\)")
