"""One limit on a party's bonuses and interactions together (check_bonus_limit), which every
input checks and the solver relies on; the constructor does not check it, so stored
preferences past it still load."""

from __future__ import annotations

import pytest

from gobetween.errors import InvalidPreferences
from gobetween.model import MAX_BONUSES, Bonus, Interaction, Preferences, check_bonus_limit


def _prefs(bonuses: int, interactions: int) -> Preferences:
    return Preferences(
        {"term": 1, "ports": 1},
        {},
        bonuses=(Bonus(0.001, {"term": ("60",)}),) * bonuses,
        interactions=(Interaction(frozenset({("term", "60"), ("ports", "Odesa")}), 0.1),)
        * interactions,
    )


@pytest.mark.parametrize(
    ("bonuses", "interactions"), [(MAX_BONUSES, 0), (MAX_BONUSES - 100, 100), (0, MAX_BONUSES)]
)
def test_up_to_the_limit_together_is_accepted(bonuses: int, interactions: int) -> None:
    check_bonus_limit(_prefs(bonuses, interactions))


@pytest.mark.parametrize(
    ("bonuses", "interactions", "location"),
    [
        (MAX_BONUSES, 1, "bonuses"),
        (1, MAX_BONUSES, "bonuses"),
        (0, MAX_BONUSES + 1, "interactions"),
    ],
)
def test_past_the_limit_together_is_refused_where_it_is(
    bonuses: int, interactions: int, location: str
) -> None:
    prefs = _prefs(bonuses, interactions)  # built: stored preferences still load
    with pytest.raises(InvalidPreferences) as caught:
        check_bonus_limit(prefs)
    assert caught.value.location == location
    assert caught.value.params == {
        "count": MAX_BONUSES + 1,
        "bonuses": bonuses,
        "interactions": interactions,
        "limit": MAX_BONUSES,
    }
