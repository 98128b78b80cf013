"""A bad obligation in an agreement's settings is refused at its field, in the reader's
language (issue 10, review follow-up): not "'x' is not a valid Metric" in English only."""

from __future__ import annotations

from typing import Any

import pytest
from tests.service.agree_helpers import AGREEMENT, make_ready
from tests.service.world import World


@pytest.fixture
def track(world: World) -> int:
    """A track whose text every party accepted: an agreement may be made from it."""
    return make_ready(world)


def _create(
    world: World, track: int, obligations: list[dict[str, Any]], language: str | None
) -> Any:
    headers = {"Accept-Language": language} if language else {}
    return world.request(
        "un",
        "POST",
        f"/api/tracks/{track}/agreements",
        json={**AGREEMENT, "obligations": obligations},
        headers=headers,
    )


@pytest.mark.parametrize(
    ("field", "value", "english"),
    [
        ("metric", "ships", "metric 'ships' is not one of inspections, passed_inspections"),
        ("comparison", "about", "comparison 'about' is not one of at_least, at_most"),
        ("period", "week", "period 'week' is not one of day, month"),
    ],
)
def test_a_word_outside_the_vocabulary_is_refused_at_its_field(
    world: World, track: int, field: str, value: str, english: str
) -> None:
    good = {"issue": "ports", "metric": "inspections"}
    obligations = [good, {**good, field: value}]
    en = _create(world, track, obligations, None)
    uk = _create(world, track, obligations, "uk")
    assert (en.status_code, uk.status_code) == (422, 422), en.text
    assert en.json()["errors"][0]["location"] == f"obligations[1].{field}"
    assert uk.json()["errors"][0]["location"] == f"obligations[1].{field}"
    assert english in en.json()["detail"], en.json()
    assert "valid" not in en.json()["detail"]  # not Python's "is not a valid Metric"
    assert f"{field} '{value}' не є одним із: " in uk.json()["detail"], uk.json()
    assert english not in uk.json()["detail"]


def test_an_obligation_without_its_issue_is_refused_at_the_issue(world: World, track: int) -> None:
    words = {None: "this field is required", "uk": "це поле обов'язкове"}
    for language, said in words.items():
        r = _create(world, track, [{"metric": "inspections"}], language)
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["location"] == "obligations[0].issue"
        assert said in r.json()["detail"], r.json()
