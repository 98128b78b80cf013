"""The analysis worker's refusal that carries sentences among its values (why exact enumeration
was needed) reaches the reader in their language: the worker process sends each sentence as its
template and values, the parent words them (it sent plain values only, and this refusal came out
in English whatever the reader's language)."""

from __future__ import annotations

import json

import pytest
from tests.store.test_store_refusals_i18n import coupled_scenario

from gobetween import i18n
from gobetween.analysis.enumeration import enumerate_outcomes
from gobetween.errors import N_, AnalysisError, InvalidScenario, OutcomeSpaceTooLarge, Sentence
from gobetween.service import analysis_worker as worker
from gobetween.service.errors import describe

LIMITS = worker.Limits(1000, 1000, 5.0, 256)


def _through_the_worker(refused: Exception) -> AnalysisError:
    """``refused`` as the worker process answers it (JSON on its output) and the parent reads
    it back."""
    assert isinstance(refused, InvalidScenario | OutcomeSpaceTooLarge)
    sent = json.dumps({"refused": str(refused), **worker._template(refused)}).encode()
    with pytest.raises(AnalysisError) as answered:
        worker._answer(sent, 0, LIMITS)
    return answered.value


def test_why_exact_enumeration_was_needed_is_said_in_ukrainian() -> None:
    with pytest.raises(OutcomeSpaceTooLarge) as caught:
        enumerate_outcomes(coupled_scenario(), enumeration_limit=2)
    answered = _through_the_worker(caught.value)
    assert (
        str(answered)
        == str(caught.value)
        == (
            "exact enumeration needed (interactions and red lines that couple issues) but the "
            "outcome space has 4 packages, above the limit of 2"
        )
    )
    with i18n.use_locale("uk"):
        said = describe(answered)
    assert said.startswith(
        "потрібен точний перебір (взаємодії і червоні лінії, що пов’язують питання)"
    ), said
    assert "exact enumeration" not in said
    assert "interactions" not in said


def test_a_list_of_sentences_and_plain_values_come_back_as_they_were() -> None:
    problems = (Sentence(N_("interactions")), Sentence(N_("non-additive preferences")))
    refused = InvalidScenario(
        N_("issue %(issue)s: %(problems)s"), params={"issue": 2, "problems": problems}
    )
    answered = _through_the_worker(refused)
    assert answered.params == {"issue": 2, "problems": problems}
    assert str(answered) == "issue 2: interactions; non-additive preferences"


def test_a_value_that_is_no_sentence_leaves_the_english_sentence_alone() -> None:
    refused = InvalidScenario(N_("issue %(issue)s: bad"), params={"issue": object()})
    assert worker._template(refused) == {}
    answered = _through_the_worker(refused)
    assert answered.params == {}
    assert str(answered) == str(refused)
