"""Plans (gobetween.store.plans): one plan, two drivers, the same result; failures leave the
database and the connection as they were."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import func, select
from tests.service.world import World, make_settings

from gobetween.errors import NotFound
from gobetween.service import negotiate
from gobetween.service.identity import Credentials
from gobetween.store import audit, plans
from gobetween.store import tables as t
from gobetween.store.plans import PipelineConnection, Query, Step


@pytest.fixture
def pg_world(pg_schema_url: str) -> Iterator[World]:
    w = World.build(make_settings(pg_schema_url))
    try:
        yield w
    finally:
        w.close()


def _sync(world: World, plan: plans.Plan[plans.T], *, write: bool = True) -> plans.T:
    with world.services.db.unit_of_work(write=write) as session:
        return plans.run(session.connection(), plan)


def _async(world: World, plan: plans.Plan[plans.T]) -> plans.T:
    async def go() -> plans.T:
        conn = await PipelineConnection.connect(world.services.db.async_pool.conninfo)  # type: ignore[union-attr]
        try:
            return await plans.run_async(conn, plan)
        finally:
            await conn.close()

    return asyncio.run(go())


def _count(world: World, table: type[t.Base]) -> int:
    with world.services.db.unit_of_work(write=False) as s:
        return int(s.execute(select(func.count()).select_from(table)).scalar_one())


def test_both_drivers_post_and_read_alike(pg_world: World) -> None:
    ua = Credentials(bearer=pg_world.tokens["ua"], safe=False)
    channel = pg_world.channels[("food", "ua")]
    first = _async(pg_world, negotiate.post_message_plan("postgresql", ua, channel, text="one"))
    second = _sync(pg_world, negotiate.post_message_plan("postgresql", ua, channel, text="two"))
    assert (first.number, second.number) == (1, 2)
    read = Credentials(bearer=pg_world.tokens["ua"])
    by_loop = _async(pg_world, negotiate.channel_messages_plan(read, channel))
    by_unit = _sync(pg_world, negotiate.channel_messages_plan(read, channel), write=False)
    assert by_loop == by_unit
    assert [m.text for m in by_loop] == ["one", "two"]
    assert by_loop[0].created_at == first.created_at.replace(
        microsecond=first.created_at.microsecond
    )
    with pg_world.services.db.unit_of_work(write=False) as s:
        assert audit.verify(s).links >= 2


def test_a_refusal_in_a_plan_writes_nothing_and_hides_the_channel(pg_world: World) -> None:
    ru = Credentials(bearer=pg_world.tokens["ru"], safe=False)
    before = (_count(pg_world, t.Message), _count(pg_world, t.AuditEntry))
    for channel in (pg_world.channels[("food", "ua")], 999_999):
        with pytest.raises(NotFound, match=f"no channel {channel}"):
            _async(pg_world, negotiate.post_message_plan("postgresql", ru, channel, text="x"))
    assert (_count(pg_world, t.Message), _count(pg_world, t.AuditEntry)) == before


def _failing_write(message_id: int, channel: int) -> plans.Plan[None]:
    row = {"id": message_id, "channel_id": channel, "author_id": None, "text": "x"}
    insert = Query(
        "INSERT INTO messages (id, channel_id, number, author_id, text, created_at) "
        "VALUES (:id, :channel_id, 99, :author_id, :text, CURRENT_TIMESTAMP)",
        row,
    )
    yield Step((insert, insert), ordered=True)  # the second violates the primary key


def test_a_failed_writing_step_rolls_back_and_the_connection_goes_on(pg_world: World) -> None:
    channel = pg_world.channels[("food", "ua")]
    ua = Credentials(bearer=pg_world.tokens["ua"], safe=False)

    async def go() -> int:
        conn = await PipelineConnection.connect(pg_world.services.db.async_pool.conninfo)  # type: ignore[union-attr]
        try:
            for _ in range(2):  # the same statements again: prepared, not half-prepared
                with pytest.raises(psycopg.errors.UniqueViolation):
                    await plans.run_async(conn, _failing_write(123_456, channel))
                assert conn.idle
            posted = await plans.run_async(
                conn, negotiate.post_message_plan("postgresql", ua, channel, text="after")
            )
            return posted.number
        finally:
            await conn.close()

    assert asyncio.run(go()) == 1  # the failed insert left no message behind
    assert _count(pg_world, t.Message) == 1


def test_a_statement_that_cannot_be_prepared_is_not_remembered(pg_world: World) -> None:
    def bad() -> plans.Plan[None]:
        yield Step((Query("SELECT no_such_column FROM messages WHERE id = :id", {"id": 1}),))

    def good() -> plans.Plan[int]:
        rows = yield Step((Query("SELECT :x + 1", {"x": 41}),))
        return int(rows[0][0][0])

    async def go() -> int:
        conn = await PipelineConnection.connect(pg_world.services.db.async_pool.conninfo)  # type: ignore[union-attr]
        try:
            for _ in range(2):
                with pytest.raises(psycopg.errors.UndefinedColumn):
                    await plans.run_async(conn, bad())
            assert len(conn.prepared) == 0
            return await plans.run_async(conn, good())
        finally:
            await conn.close()

    assert asyncio.run(go()) == 42


def test_the_pool_replaces_a_connection_the_server_dropped(pg_world: World) -> None:
    """The request on a dead connection answers 503; the next one gets a new connection."""
    pool = pg_world.services.db.async_pool
    assert pool is not None
    channel = pg_world.channels[("food", "ua")]
    url = f"/api/channels/{channel}/messages"
    assert pg_world.post("ua", url, json={"text": "first"}).status_code == 201
    (conn,) = pool._idle
    with pg_world.services.db.unit_of_work(write=False) as s:
        s.execute(select(func.pg_terminate_backend(conn.pgconn.backend_pid)))
    dropped = pg_world.post("ua", url, json={"text": "lost"})
    assert dropped.status_code == 503
    assert dropped.headers["content-type"] == "application/problem+json"
    assert pg_world.post("ua", url, json={"text": "second"}).status_code == 201
    texts = [m["text"] for m in pg_world.get("ua", url).json()]
    assert texts == ["first", "second"]


def test_the_pool_never_opens_more_than_its_size(pg_world: World) -> None:
    pool = plans.AsyncPool(pg_world.services.db.async_pool.conninfo, 2)  # type: ignore[union-attr]
    channel = pg_world.channels[("food", "ua")]
    ua = Credentials(bearer=pg_world.tokens["ua"], safe=False)

    async def one(i: int) -> int:
        async with pool.connection() as conn:
            plan = negotiate.post_message_plan("postgresql", ua, channel, text=f"m{i}")
            return (await plans.run_async(conn, plan)).number

    async def go() -> list[int]:
        numbers = await asyncio.gather(*(one(i) for i in range(12)))
        assert pool._opened <= 2
        return list(numbers)

    try:
        assert sorted(asyncio.run(go())) == list(range(1, 13))  # numbered without a gap
    finally:
        pool.close()


def test_statements_beyond_the_prepared_cache_run_unprepared(
    pg_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plans, "_PREPARED_MAX", 0)
    ua = Credentials(bearer=pg_world.tokens["ua"], safe=False)
    channel = pg_world.channels[("food", "ua")]
    posted = _async(pg_world, negotiate.post_message_plan("postgresql", ua, channel, text="raw"))
    read = _async(pg_world, negotiate.channel_messages_plan(ua, channel, query="RA"))
    assert [m.id for m in read] == [posted.id]
