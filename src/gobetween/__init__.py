"""gobetween: indirect, mediated negotiation.

Parties who will not sit at one table each talk only to the mediators; the mediators get exact
decision support (Pareto frontier, bargaining solutions, zone of possible agreement), draft a single
negotiating text, and issue mirror agreements whose operative terms are provably identical.

The library entry points for scenarios and analysis:

>>> from gobetween import Agenda, Issue, Preferences, Scenario
>>> agenda = Agenda((Issue.discrete("term", ["60", "120"]),))
>>> agenda.size
2
"""

from gobetween.errors import GobetweenError
from gobetween.model import (
    Agenda,
    Bonus,
    Interaction,
    Issue,
    IssueKind,
    Option,
    Package,
    Preferences,
    RatingScale,
    RedLine,
    Scenario,
)

__version__ = "0.1.0"

__all__ = [
    "Agenda",
    "Bonus",
    "GobetweenError",
    "Interaction",
    "Issue",
    "IssueKind",
    "Option",
    "Package",
    "Preferences",
    "RatingScale",
    "RedLine",
    "Scenario",
    "__version__",
]
