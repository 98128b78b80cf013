"""How simulated delegations would answer one text, article by article ("rehearse this draft").

For a package and its articles, each party's delegation (built from its recorded preferences
with a behaviour, truthful by default) says per article tied to an agenda issue:

- **cannot accept** when the chosen option completes one of its red lines (:attr:`Reason.RED_LINE`,
  naming the rest of the red line), or when the text as a whole is below what it can accept and
  this article is one of the two where it loses most against its preferred option
  (:attr:`Reason.BELOW_LEVEL`);
- **agree** when the chosen option is its preferred one on that issue (:attr:`Reason.PREFERRED`);
- **can live with** otherwise (:attr:`Reason.SECOND_CHOICE`: what it would prefer, and what it
  gives up).

Articles not tied to an issue (preamble, final clauses) carry no stance
(:attr:`Reason.NOT_AN_ISSUE`). The whole-text verdict is the delegation's own answer to the text
at the first round. Pure: the service turns the reasons into sentences in the reader's language.

>>> from gobetween.model import Agenda, Issue, Preferences
>>> agenda = Agenda((Issue.discrete("a", ["x", "y", "z"]), Issue.discrete("b", ["p", "q"])))
>>> prefs = {"A": Preferences({"a": 2, "b": 1}, {"a": {"x": 1, "y": .6, "z": 0},
...                                               "b": {"p": 0, "q": 1}}, reservation=0.5)}
>>> from gobetween.protocols.single_text_articles import articles_from_package
>>> package = agenda.package({"a": "y", "b": "q"})
>>> [party] = rehearse_text(package, articles_from_package(agenda, package, {}), prefs)
>>> party.accepts, [(v.issue, v.stance.value, v.reason.value) for v in party.articles]
(True, [('a', 'can_live_with', 'second_choice'), ('b', 'agree', 'preferred')])
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gobetween.model import Package, Preferences
from gobetween.protocols.single_text_articles import Article, Stance
from gobetween.rehearsal.behaviours import behaviour
from gobetween.rehearsal.run import DEFAULT_ROUNDS

__all__ = ["ArticleVerdict", "PartyRehearsal", "Reason", "rehearse_text"]

#: How many articles a delegation names as the reason it cannot accept a text below its level.
HURTING = 2


class Reason(enum.StrEnum):
    """Why a delegation takes its stance on an article."""

    PREFERRED = "preferred"
    SECOND_CHOICE = "second_choice"
    RED_LINE = "red_line"
    BELOW_LEVEL = "below_level"
    NOT_AN_ISSUE = "not_an_issue"


@dataclass(frozen=True)
class ArticleVerdict:
    """One delegation's stance on one article, and why.

    Attributes
    ----------
    article, issue, option
        The article, the issue it is tied to and the option the text chooses (``None`` for an
        article not tied to an issue).
    stance
        ``None`` for an article not tied to an issue.
    reason
        See :class:`Reason`.
    preferred
        The option it prefers on this issue, when the text chose another.
    loss
        Utility it gives up here against its preferred option (0 when it has it).
    red_line
        For :attr:`Reason.RED_LINE`: the other ``(issue, option)`` pairs of the red line.
    """

    article: str
    issue: str | None
    option: str | None
    stance: Stance | None
    reason: Reason
    preferred: str | None = None
    loss: float = 0.0
    red_line: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PartyRehearsal:
    """One delegation's answer to the whole text and to each article."""

    party: str
    accepts: bool
    utility: float
    level: float
    articles: tuple[ArticleVerdict, ...]


def _party(
    name: str,
    preferences: Preferences,
    package: Package,
    articles: Sequence[Article],
    behaviour_name: str,
) -> PartyRehearsal:
    agenda = package.agenda
    delegate = behaviour(behaviour_name).delegate(name, preferences, agenda)
    declared = delegate.declared
    choices = package.choices
    level = delegate.level(0, DEFAULT_ROUNDS)
    accepts = delegate.answer(choices, 0, DEFAULT_ROUNDS).accepts
    values = delegate.table.values
    losses = {
        issue.name: max(values[j]) - values[j][choices[j]] for j, issue in enumerate(agenda.issues)
    }
    hurting = sorted(
        (i for i, loss in losses.items() if loss > 1e-12), key=lambda i: (-losses[i], i)
    )[:HURTING]
    crossed = [r for r in declared.red_lines if r.violated_by(package)]
    verdicts = []
    for article in articles:
        issue = article.issue
        if issue is None or not agenda.has_issue(issue):
            verdicts.append(ArticleVerdict(article.id, None, None, None, Reason.NOT_AN_ISSUE))
            continue
        j = agenda.index(issue)
        option = package.option(issue)
        best = agenda.issues[j].option_names[delegate.table.best_option(j)]
        loss = float(losses[issue])
        preferred = None if loss <= 1e-12 else best
        lines = [r for r in crossed if (issue, option) in r.pairs]
        if lines:
            others = tuple(sorted(p for p in lines[0].pairs if p != (issue, option)))
            verdict = ArticleVerdict(
                article.id, issue, option, Stance.CANNOT_ACCEPT, Reason.RED_LINE, preferred,
                loss, others,
            )  # fmt: skip
        elif not accepts and issue in hurting:
            verdict = ArticleVerdict(
                article.id, issue, option, Stance.CANNOT_ACCEPT, Reason.BELOW_LEVEL, best, loss
            )
        elif preferred is None:
            verdict = ArticleVerdict(article.id, issue, option, Stance.AGREE, Reason.PREFERRED)
        else:
            verdict = ArticleVerdict(
                article.id, issue, option, Stance.CAN_LIVE_WITH, Reason.SECOND_CHOICE, best, loss
            )
        verdicts.append(verdict)
    return PartyRehearsal(
        party=name,
        accepts=accepts,
        utility=delegate.table.utility(choices),
        level=level,
        articles=tuple(verdicts),
    )


def rehearse_text(
    package: Package,
    articles: Sequence[Article],
    preferences: Mapping[str, Preferences],
    behaviour_name: str = "truthful",
) -> tuple[PartyRehearsal, ...]:
    """Each party's simulated answer to the text (``package`` and its ``articles``), in the
    order of ``preferences``; :class:`~gobetween.errors.InvalidPreferences` when a party's
    preferences do not fit the package's agenda, :class:`~gobetween.errors.ValidationFailed`
    for an unknown behaviour."""
    return tuple(
        _party(name, prefs, package, articles, behaviour_name)
        for name, prefs in preferences.items()
    )
