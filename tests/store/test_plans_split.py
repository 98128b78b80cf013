"""The joined statement's helpers (:mod:`gobetween.store.plans`) and the audit link's prefix
keep their results while doing less work a call: the statement text and the row layout are
worked out once, the chain's JSON encoder is made once."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import NamedTuple

import pytest

from gobetween.store import audit
from gobetween.store.plans import Query, joined, named, split
from gobetween.store.tables import AuditEntry


class Pair(NamedTuple):
    a: int | None
    b: str | None


class One(NamedTuple):
    x: int | None


class Stamped(NamedTuple):
    id: int
    created_at: dt.datetime


def test_split_drops_repeats_and_null_rows_in_order() -> None:
    rows = [(1, "a", None), (1, "a", 5), (2, None, 5), (None, None, 6), (1, "a", None)]
    assert split(rows, Pair, One) == [[(1, "a"), (2, None)], [(5,), (6,)]]
    assert split(rows, One, One, One) == [[(1,), (2,)], [("a",)], [(5,), (6,)]]
    assert split([], Pair, One) == [[], []]


def test_split_keeps_a_row_with_some_nulls_and_zeros() -> None:
    assert split([(None, ""), (0, None)], Pair) == [[(None, ""), (0, None)]]


def test_joined_refuses_repeated_parameter_names_naming_the_query() -> None:
    first, second = Query("SELECT :a", {"a": 1}), Query("SELECT :b, :a", {"b": 2, "a": 3})
    with pytest.raises(ValueError, match="SELECT :b, :a"):
        joined(first, second)


def test_joined_text_depends_on_the_statements_alone() -> None:
    one = joined(Query(" SELECT :a AS x ", {"a": 1}), Query("SELECT :b AS y", {"b": 2}))
    two = joined(Query(" SELECT :a AS x ", {"a": 7}), Query("SELECT :b AS y", {"b": 8}))
    assert (
        one.sql
        == two.sql
        == ("SELECT * FROM (SELECT :a AS x) AS q0 LEFT JOIN (SELECT :b AS y) AS q1 ON 1 = 1")
    )
    assert (one.params, two.params) == ({"a": 1, "b": 2}, {"a": 7, "b": 8})


def test_named_reads_stamps_as_utc_and_other_rows_as_they_are() -> None:
    (row,) = named(Stamped, [(3, "2026-12-04 10:00:00")])
    assert row == Stamped(3, dt.datetime(2026, 12, 4, 10, tzinfo=dt.UTC))
    assert named(Pair, [(1, "a")]) == [Pair(1, "a")]


def test_a_link_prefix_completed_by_the_database_hashes_as_link_hash() -> None:
    """What the ``INSERT`` hashes (the prefix, the head's hash, the next seq) is the link's
    sorted JSON, so :func:`audit.verify` finds the same hash."""
    digest = audit.change_digest({"text": "Ще раз: e\u0301", "price": 1.0, "ids": [3, 1]})
    params = audit._link_params(7, "message.create", "message", "42", digest)
    head = "ab" * 32
    stored = hashlib.sha256((params["prefix"] + head + '","seq":5}').encode()).hexdigest()
    entry = AuditEntry(
        seq=5,
        at=params["at"],
        actor_id=7,
        action="message.create",
        object_type="message",
        object_id="42",
        digest=digest,
        prev_hash=head,
    )
    assert audit.link_hash(entry) == stored
