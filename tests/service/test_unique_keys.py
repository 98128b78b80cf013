"""The one place that reads a unique key met by a concurrent writer
(:mod:`gobetween.service.unique`; the races themselves: ``test_races.py``)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from tests.service.world import World

from gobetween.errors import Conflict
from gobetween.service import unique
from gobetween.store import tables as t


def test_only_the_named_unique_key_is_read_as_taken(world: World) -> None:
    """:mod:`gobetween.service.unique` turns a violation of the key it is given into the
    refusal, and lets any other error pass as it is (on both databases' words for it)."""

    def duplicate(constraint: str) -> None:
        with world.services.db.unit_of_work() as session:
            session.add(t.Organisation(process_id=world.process_id, name="Ukraine", kind="party"))
            with unique.taken(constraint, lambda: Conflict("taken")):
                session.flush()

    with pytest.raises(Conflict, match="taken"):
        duplicate("uq_organisations_process_id")
    with pytest.raises(IntegrityError):
        duplicate("uq_tracks_process_id")  # another key: not this refusal
    with pytest.raises(KeyError):
        duplicate("uq_organisations_name")  # no such key: a mistake, never a silent miss
