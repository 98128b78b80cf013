"""Retention (ASVS 8.3.8): the purge deletes each table's rows past their period and nothing
younger, at most ``purge_batch`` rows of a table per run, audited with counts only; the same
from ``gobetween db purge``; the server runs it on a schedule."""

from __future__ import annotations

import dataclasses
import datetime as dt

import anyio
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from tests.service.world import World

from gobetween.cli.main import cli
from gobetween.errors import ConfigurationError
from gobetween.service import retention
from gobetween.service.settings import Settings
from gobetween.store import audit
from gobetween.store import setup_tables as st
from gobetween.store import tables as t
from gobetween.store.login_tables import LoginDevice, SecurityEvent

DAY = dt.timedelta(days=1)


def _seed(w: World, now: dt.datetime, age: dt.timedelta, tag: str) -> None:
    """One row of each purged kind, ``age`` old (and expired, used, sent that long ago)."""
    then = now - age
    uid = w.users["ua"]
    with w.services.db.unit_of_work() as s:
        s.add(
            t.WebSession(
                user_id=uid,
                session_hash=f"s{tag}".ljust(64, "0"),
                csrf_token="x",
                created_at=then,
                expires_at=then + DAY,
            )
        )
        s.add(
            LoginDevice(
                user_id=uid,
                device_hash=f"d{tag}".ljust(64, "0"),
                created_at=then,
                last_used_at=then,
            )
        )
        s.add(t.LoginFailure(key=f"account:{tag}@example.org", at=then))
        s.add(SecurityEvent(user_id=uid, kind="login", at=then))
        s.add(
            st.MailOutbox(
                to_address="ua@example.org",
                subject=tag,
                body="",
                kind="reset",
                created_at=then,
                next_attempt_at=then,
                sent_at=then,
            )
        )
        s.add(
            st.MailToken(
                user_id=uid,
                purpose="reset",
                email="ua@example.org",
                token_hash=f"m{tag}".ljust(64, "0"),
                created_at=then,
                expires_at=then,
                used_at=then,
            )
        )
        s.add(st.MailDigestItem(user_id=uid, key=tag, line=tag, created_at=then, sent_at=then))
        s.add(
            t.Invitation(
                process_id=w.process_id,
                email=f"{tag}@example.org",
                role="observer",
                token_hash=f"i{tag}".ljust(64, "0"),
                created_at=then,
                expires_at=then,
            )
        )
        s.add(t.CachedAnalysis(track_id=w.tracks["food"], key=tag, result={}, created_at=then))


def _tagged(w: World) -> dict[str, set[str]]:
    """Which seeded rows are left, by table (tags only)."""
    with w.services.db.unit_of_work(write=False) as s:
        return {
            "web_sessions": {
                h[1:].rstrip("0")
                for h in s.scalars(
                    select(t.WebSession.session_hash).where(t.WebSession.session_hash.like("s%"))
                )
            },
            "mail_outbox": set(s.scalars(select(st.MailOutbox.subject))),
            "mail_digest_items": set(s.scalars(select(st.MailDigestItem.key))),
            "analyses": set(s.scalars(select(t.CachedAnalysis.key))),
            "invitations": {e.split("@")[0] for e in s.scalars(select(t.Invitation.email))},
        }


def test_each_table_loses_what_is_past_its_period_and_keeps_the_rest(world: World) -> None:
    settings = world.services.settings
    now = t.utcnow()
    # past every period (the longest default is 365 days), and younger than every period
    _seed(world, now, dt.timedelta(days=400), "old")
    _seed(world, now, dt.timedelta(minutes=1), "new")
    with world.services.db.unit_of_work() as s:
        before_events = s.scalar(select(func.count()).select_from(SecurityEvent))
        counts = retention.purge(s, settings)
    assert counts == dict.fromkeys((r.table for r in retention.RULES), 1)
    left = _tagged(world)
    assert left["mail_outbox"] == {"new"}
    assert left["mail_digest_items"] == {"new"}
    assert left["analyses"] == {"new"}
    assert "old" not in left["invitations"]
    assert "new" in left["invitations"]  # expired a minute ago: kept for 90 days more
    assert left["web_sessions"] == {"new"}  # the old one expired 399 days ago
    with world.services.db.unit_of_work(write=False) as s:
        assert s.scalar(select(func.count()).select_from(SecurityEvent)) == before_events - 1
        assert s.scalar(select(func.count()).select_from(t.LoginFailure)) == 1
        assert s.scalar(select(func.count()).select_from(st.MailToken)) == 1
        assert (
            s.scalar(
                select(func.count())
                .select_from(LoginDevice)
                .where(LoginDevice.device_hash.like("d%"))
            )
            == 1
        )
        link = s.scalars(select(t.AuditEntry).order_by(t.AuditEntry.seq.desc()).limit(1)).one()
        assert link.action == "retention.purge"
        audit.verify(s)  # the chain still holds
    expected = {"deleted": dict.fromkeys((r.table for r in retention.RULES), 1)}
    assert link.digest == audit.change_digest(expected)  # counts only: no address, no content
    with world.services.db.unit_of_work() as s:  # nothing left to purge: no new link
        assert not any(retention.purge(s, settings).values())
        assert s.scalars(select(func.max(t.AuditEntry.seq))).one() == link.seq


def test_periods_come_from_the_settings(world: World) -> None:
    short = dataclasses.replace(world.services.settings, keep_sent_mail_days=1)
    now = t.utcnow()
    _seed(world, now, 2 * DAY, "two_days")
    with world.services.db.unit_of_work() as s:
        counts = retention.purge(s, short)
    assert counts["mail_outbox"] == 1  # 2 days > 1 day
    assert counts["analyses"] == 0  # 2 days < 30 days
    assert counts["security_events"] == 0
    assert _tagged(world)["mail_outbox"] == set()


def test_a_run_deletes_at_most_the_batch_of_each_table(world: World) -> None:
    small = dataclasses.replace(world.services.settings, purge_batch=2)
    now = t.utcnow()
    for i in range(5):
        _seed(world, now, dt.timedelta(days=400), f"old{i}")
    runs = []
    for _ in range(4):
        with world.services.db.unit_of_work() as s:
            runs.append(retention.purge(s, small)["mail_outbox"])
    assert runs == [2, 2, 1, 0]


def test_a_period_below_a_day_is_refused_naming_the_setting() -> None:
    with pytest.raises(ConfigurationError, match="GOBETWEEN_KEEP_SENT_MAIL_DAYS=0"):
        retention.Periods.of(Settings(keep_sent_mail_days=0))
    with pytest.raises(ConfigurationError, match="GOBETWEEN_PURGE_BATCH"):
        retention.Periods.of(Settings(purge_batch=0))


def test_gobetween_db_purge_prints_the_counts(world: World) -> None:
    _seed(world, t.utcnow(), dt.timedelta(days=400), "old")
    url = world.services.settings.database_url
    result = CliRunner().invoke(cli, ["db", "purge", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "mail_outbox: 1 deleted" in result.output
    assert "security_events: 1 deleted" in result.output
    again = CliRunner().invoke(cli, ["db", "purge", "--database-url", url])
    assert "mail_outbox: 0 deleted" in again.output


def test_the_server_purges_on_its_schedule(world: World) -> None:
    _seed(world, t.utcnow(), dt.timedelta(days=400), "old")
    settings = dataclasses.replace(world.services.settings, audit_check_hours=0)

    async def serve_a_moment() -> None:
        async with retention.worker(world.services.db, settings, tick=0.01):
            for _ in range(500):
                await anyio.sleep(0.01)
                if not _tagged(world)["mail_outbox"]:
                    return

    anyio.run(serve_a_moment)
    assert _tagged(world)["mail_outbox"] == set()


def test_the_schedule_follows_the_settings(world: World) -> None:
    settings = world.services.settings
    every = [seconds for seconds, _run in retention.tasks(world.services.db, settings)]
    assert every == [3600.0, 60.0, 86400.0]
    off = dataclasses.replace(
        settings, purge_every_minutes=0, audit_check_hours=0, alert_failed_logins=0
    )
    assert retention.tasks(world.services.db, off) == []
