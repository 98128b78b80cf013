"""The store's and the policy's refusals that reach a person (a missing track or process on the
command line, a broken audit chain in ``gobetween audit verify``, a malformed agenda or
preferences) and the analysis's bounds of :mod:`gobetween.errors` (with why exact enumeration
was needed) are said in the reader's language (they were English only), English word for word
as before."""

from __future__ import annotations

import pytest

from gobetween import i18n
from gobetween.analysis.enumeration import enumerate_outcomes
from gobetween.cli.language import refusal
from gobetween.errors import (
    N_,
    AuditChainBroken,
    FrontierTooLarge,
    InvalidPreferences,
    NotFound,
    OutcomeSpaceTooLarge,
    Sentence,
)
from gobetween.model import Agenda, Interaction, Issue, Preferences, RedLine, Scenario
from gobetween.policy import Actor, process_view
from gobetween.service.errors import describe
from gobetween.store import repositories
from gobetween.store.codec import preferences_from_json
from gobetween.store.db import Database, upgrade


def test_a_missing_track_on_the_command_line_in_ukrainian() -> None:
    db = Database("sqlite://")
    upgrade(db)
    nobody = Actor(user_id=1)
    with db.unit_of_work(write=False) as session, pytest.raises(NotFound) as caught:
        repositories.track(session, nobody, 42)
    db.dispose()
    assert str(caught.value) == "no track 42"
    with i18n.use_locale("uk"):
        assert refusal(caught.value) == "немає напряму 42"


def test_a_broken_audit_chain_in_ukrainian() -> None:
    reason = Sentence(N_("link missing (next link found is %(seq)s)"), {"seq": 9})
    error = AuditChainBroken(7, reason)
    assert str(error) == "audit chain broken at sequence 7: link missing (next link found is 9)"
    assert error.reason == "link missing (next link found is 9)"
    with i18n.use_locale("uk"):
        assert refusal(error) == (
            "ланцюг аудиту розірвано на ланці 7: ланки бракує (наступна знайдена ланка — 9)"
        )


def test_malformed_preferences_in_ukrainian() -> None:
    with pytest.raises(InvalidPreferences) as caught:
        preferences_from_json({"ratings": {}})
    assert str(caught.value) == "preferences: malformed preferences: 'weights'"
    with i18n.use_locale("uk"):
        assert refusal(caught.value).endswith("некоректні пріоритети: 'weights'")


def test_the_analysis_bounds_in_ukrainian() -> None:
    points = FrontierTooLarge("points", 51_000, 50_000, 3, 8)
    assert str(points) == (
        "the Pareto frontier grew to 51,000 points after merging 3 of 8 issues, above the "
        "limit of 50,000 points"
    )
    space = OutcomeSpaceTooLarge(2_000_000, 1_000_000, "interactions")
    assert str(space) == (
        "exact enumeration needed (interactions) but the outcome space has 2,000,000 "
        "packages, above the limit of 1,000,000"
    )
    with i18n.use_locale("uk"):
        # the counts as Ukrainian writes them (errors.Count), the English ones above unchanged
        assert refusal(points).startswith(
            "межа Парето зросла до 51\u00a0000 точок після об'єднання"
        )
        assert refusal(space).startswith("потрібен точний перебір (interactions)")
        assert "2\u00a0000\u00a0000" in refusal(space)


def test_a_process_the_policy_hides_on_the_command_line_in_ukrainian() -> None:
    with pytest.raises(NotFound) as caught:
        process_view(Actor(user_id=1), 5)
    assert str(caught.value) == "no process 5"
    with i18n.use_locale("uk"):
        assert refusal(caught.value) == "немає процесу 5"
        # the service still answers every hidden object alike, whatever its words
        assert describe(caught.value) == describe(NotFound("anything"))


def coupled_scenario() -> Scenario:
    """Four packages; one party's interaction and red line couple the two issues."""
    agenda = Agenda(
        (Issue.discrete("ports", ["one", "three"]), Issue.discrete("term", ["60", "120"]))
    )
    ratings = {"ports": {"one": 0, "three": 1}, "term": {"60": 0, "120": 1}}
    coupled = Preferences(
        weights={"ports": 1, "term": 1},
        ratings=ratings,
        interactions=(Interaction(frozenset({("ports", "one"), ("term", "60")}), 0.2),),
        red_lines=(RedLine.of(("ports", "three"), ("term", "120")),),
    )
    plain = Preferences(weights={"ports": 1, "term": 1}, ratings=ratings)
    return Scenario(agenda, {"a": coupled, "b": plain})


def test_why_exact_enumeration_was_needed_in_ukrainian() -> None:
    with pytest.raises(OutcomeSpaceTooLarge) as caught:
        enumerate_outcomes(coupled_scenario(), enumeration_limit=2)
    assert str(caught.value) == (
        "exact enumeration needed (interactions and red lines that couple issues) but the "
        "outcome space has 4 packages, above the limit of 2"
    )
    assert caught.value.reason == "interactions and red lines that couple issues"
    with i18n.use_locale("uk"):
        assert refusal(caught.value).startswith(
            "потрібен точний перебір (взаємодії і червоні лінії, що пов’язують питання)"
        )
