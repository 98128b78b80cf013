"""Simulated delegations that answer single negotiating texts from their preferences.

A :class:`SimulatedParty` answers a version of the text as a party with those
:class:`~gobetween.model.Preferences` would:

- **accept** when the text crosses none of its red lines and is worth at least its reservation
  level;
- otherwise, with probability ``amend_probability``, **request an amendment** on the one issue
  whose change gains it the most (a change that clears a crossed red line comes first);
- or else **reject**, naming the issues that hurt it most (the utility it loses on each against
  its best option there) and every red line the text crosses.

Ties and the amend-or-reject draw use ``rng`` only, so the answers are deterministic given it.
:func:`run_single_text` runs a whole single-text track between simulated parties and a mediator
strategy (a function from the track's state to the next package), for the demo, teaching and
tests; :func:`follow_amendments` is a simple such strategy.

>>> from datetime import datetime, timezone
>>> from gobetween.model import Agenda, Issue, Preferences, Scenario
>>> agenda = Agenda((Issue.discrete("a", ["x", "y", "z"]), Issue.discrete("b", ["p", "q"])))
>>> sell = Preferences({"a": 2, "b": 1}, {"a": {"x": 1, "y": .6, "z": 0}, "b": {"p": 0, "q": 1}},
...                    reservation=0.5)
>>> buy = Preferences({"a": 1, "b": 1}, {"a": {"x": 0, "y": .5, "z": 1}, "b": {"p": 1, "q": 0}},
...                   reservation=0.2)
>>> scenario = Scenario(agenda, {"seller": sell, "buyer": buy})
>>> state = run_single_text(scenario, follow_amendments(agenda.package({"a": "z", "b": "p"})),
...                         start=datetime(2024, 1, 8, tzinfo=timezone.utc), rng=7)
>>> state.status.value, state.current.package.options, len(state.versions)
('ready_for_agreement', {'a': 'x', 'b': 'p'}, 2)
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import TypeVar

import numpy as np

from gobetween.errors import N_, ProtocolError
from gobetween.model import Package, Preferences, Scenario
from gobetween.protocols.single_text import (
    Answer,
    AnswerKind,
    CloseTrack,
    PublishText,
    SingleTextState,
    TextVersion,
    TrackStatus,
    step,
)
from gobetween.protocols.single_text_views import party_view

__all__ = [
    "MediatorStrategy",
    "SimulatedParty",
    "follow_amendments",
    "run_single_text",
    "simulated_parties",
    "uncontested",
]

#: The mediators' move: from the whole state (they see everything) to the next package, or
#: ``None`` to stop publishing.
MediatorStrategy = Callable[[SingleTextState], Package | None]

RNG = np.random.Generator | int | None

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class _Change:
    issue: str
    option: str
    utility: float
    red_lines: int


@dataclass(frozen=True)
class SimulatedParty:
    """A simulated delegation.

    Parameters
    ----------
    name
        The party's name in the track.
    preferences
        What it wants (validated against the text's agenda when it answers).
    amend_probability
        When it cannot accept: the chance it asks for an amendment rather than rejecting.
    max_reasons
        How many hurting issues a rejection names at most.
    """

    name: str
    preferences: Preferences
    amend_probability: float = 1.0
    max_reasons: int = 2

    def __post_init__(self) -> None:
        if not 0.0 <= self.amend_probability <= 1.0:
            raise ProtocolError(
                N_("amend_probability must lie in [0, 1], got %(value)r"),
                params={"value": self.amend_probability},
            )
        if self.max_reasons < 1:
            raise ProtocolError(
                N_("max_reasons must be at least 1, got %(value)r"),
                params={"value": self.max_reasons},
            )

    def acceptable(self, package: Package) -> bool:
        """No red line crossed and utility at least the reservation level."""
        prefs = self.preferences
        return prefs.accepts(package) and prefs.utility(package) >= prefs.reservation

    def answer(self, version: TextVersion, *, rng: RNG = None) -> Answer:
        """The answer to ``version`` (an :class:`Answer` action to pass to ``step``).

        Raises :class:`~gobetween.errors.InvalidPreferences` if the preferences do not cover
        the text's agenda.
        """
        generator = np.random.default_rng(rng)
        package = version.package
        self.preferences.validate(package.agenda)
        if self.acceptable(package):
            return Answer(self.name, version.number, AnswerKind.ACCEPT)
        draw = generator.random()
        change = self._best_change(package, generator)
        if change is not None and draw < self.amend_probability:
            reason = (
                f"{change.issue}: we ask for {change.option!r} instead of "
                f"{package.option(change.issue)!r}"
            )
            return Answer(
                self.name,
                version.number,
                AnswerKind.AMEND,
                (reason,),
                {change.issue: change.option},
            )
        return Answer(self.name, version.number, AnswerKind.REJECT, self._reasons(package))

    def _changes(self, package: Package) -> list[_Change]:
        prefs = self.preferences
        changes = []
        for issue in package.agenda.issues:
            for option in issue.option_names:
                if option == package.option(issue.name):
                    continue
                changed = package.replace(**{issue.name: option})
                crossed = sum(r.violated_by(changed) for r in prefs.red_lines)
                changes.append(_Change(issue.name, option, prefs.utility(changed), crossed))
        return changes

    def _best_change(self, package: Package, rng: np.random.Generator) -> _Change | None:
        """The single-issue change it wants most; ties broken by ``rng``."""
        prefs = self.preferences
        crossed = sum(r.violated_by(package) for r in prefs.red_lines)
        now = prefs.utility(package)
        useful = [
            ch
            for ch in self._changes(package)
            if ch.red_lines < crossed or (ch.red_lines == crossed and ch.utility > now + 1e-12)
        ]
        if not useful:
            return None
        order = rng.permutation(len(useful))
        shuffled = [useful[int(i)] for i in order]
        return min(shuffled, key=lambda ch: (ch.red_lines, -round(ch.utility, 12)))

    def _reasons(self, package: Package) -> tuple[str, ...]:
        prefs = self.preferences
        reasons = [
            "red line: we cannot accept "
            + " together with ".join(f"{i}={o!r}" for i, o in sorted(line.pairs))
            for line in prefs.red_lines
            if line.violated_by(package)
        ]
        now = prefs.utility(package)
        losses: dict[str, float] = {}
        for ch in self._changes(package):
            losses[ch.issue] = max(losses.get(ch.issue, 0.0), ch.utility - now)
        hurting = sorted(
            (issue for issue, loss in losses.items() if loss > 1e-12),
            key=lambda issue: (-losses[issue], package.agenda.index(issue)),
        )
        for issue in hurting[: self.max_reasons]:
            reasons.append(
                f"{issue}: {package.option(issue)!r} hurts us most here "
                f"(we lose {losses[issue]:.2f} of our utility against our best option)"
            )
        if not reasons:
            reasons.append("the text as a whole is below what we can accept")
        return tuple(reasons)


def simulated_parties(
    scenario: Scenario, amend_probability: float = 1.0
) -> tuple[SimulatedParty, ...]:
    """One :class:`SimulatedParty` per party of ``scenario``, in the scenario's order."""
    return tuple(
        SimulatedParty(name, prefs, amend_probability)
        for name, prefs in scenario.preferences.items()
    )


def uncontested(requests: Iterable[tuple[K, V]], moved: Container[K]) -> dict[K, V]:
    """The changes a plain mediator grants: issue -> option for each issue that the requests
    ``(issue, option)`` ask to change to one option only (no party wants it otherwise), and that
    was not ``moved`` before (each issue moves at most once, so the track ends).

    >>> uncontested([("a", "x"), ("b", "p"), ("b", "q"), ("c", "z")], moved={"c"})
    {'a': 'x'}
    """
    wanted: dict[K, set[V]] = {}
    for issue, option in requests:
        wanted.setdefault(issue, set()).add(option)
    return {
        issue: options.pop()
        for issue, options in wanted.items()
        if len(options) == 1 and issue not in moved
    }


def follow_amendments(initial: Package) -> MediatorStrategy:
    """A plain mediator: publish ``initial``, then grant the requested amendments.

    Each next text applies every amendment requested on the current version, except those on
    an issue that two parties want differently and those on an issue changed before (each issue
    moves at most once, so the track ends). With nothing left to grant it stops (``None``).
    """

    def strategy(state: SingleTextState) -> Package | None:
        current = state.current
        if current is None:
            return initial
        changed = {
            issue
            for old, new in pairwise(state.versions)
            for issue in old.package.differs_on(new.package)
        }
        answers = state.answers_to(current.number).values()
        grant = uncontested((pair for a in answers for pair in a.amendments.items()), changed)
        return current.package.replace(**grant) if grant else None

    return strategy


def run_single_text(
    scenario: Scenario,
    mediator_strategy: MediatorStrategy,
    parties: Sequence[SimulatedParty] | None = None,
    *,
    start: datetime,
    mediator: str = "mediator",
    max_versions: int = 10,
    answer_window: timedelta = timedelta(days=1),
    rng: RNG = None,
) -> SingleTextState:
    """Run a single-text track to the end and return its final state (``state.log``: events).

    Each version is published at ``start + k * answer_window`` with that window as deadline;
    the parties answer in order within it, each from its own :func:`party_view`. The track ends
    ready for agreement, or closed when the strategy returns ``None`` or after
    ``max_versions`` versions.
    """
    members = tuple(parties) if parties is not None else simulated_parties(scenario)
    generator = np.random.default_rng(rng)
    state = SingleTextState.open(scenario.agenda, (p.name for p in members), (mediator,))
    for k in range(max_versions):
        published_at = start + k * answer_window
        package = mediator_strategy(state)
        if package is None:
            break
        publish = PublishText(mediator, package, deadline=published_at + answer_window)
        state, _ = step(state, publish, now=published_at)
        for i, party in enumerate(members, start=1):
            current = party_view(state, party.name).current
            assert current is not None  # just published
            answered_at = published_at + i * answer_window / (len(members) + 1)
            state, _ = step(state, party.answer(current, rng=generator), now=answered_at)
        if state.status is TrackStatus.READY_FOR_AGREEMENT:
            return state
    reason = f"no agreement after {len(state.versions)} version(s)"
    return step(state, CloseTrack(mediator, reason), now=start + max_versions * answer_window)[0]
