"""Issue 10: a browser session's unit of work reads its caller and the user's own language in
one statement (the caller's), not in a statement of its own; what the request then says is in
that language, while an API token's calls keep the request's."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import event, update
from tests.service.asgi import client as asgi_client
from tests.service.world import PASSWORD, World

from gobetween import i18n
from gobetween.i18n import _
from gobetween.store import tables as t

ENGLISH = {"Accept-Language": "en"}


def _in_ukrainian(message: str, **values: object) -> str:
    with i18n.use_locale("uk"):
        return _(message) % values


@pytest.fixture
def browser(world: World) -> Iterator[tuple[httpx.Client, str]]:
    """``ua`` logged in with Ukrainian as their own setting, in a browser that asks English;
    and the session's CSRF token."""
    with world.services.db.unit_of_work() as session:
        session.execute(update(t.User).where(t.User.id == world.users["ua"]).values(locale="uk"))
    c = asgi_client(world.app)
    c.headers.update(ENGLISH)
    r = c.post("/api/auth/login", json={"email": "ua@example.org", "password": PASSWORD})
    assert r.status_code == 200, r.text
    yield c, r.json()["csrf_token"]
    c.close()


def _statements(world: World) -> list[str]:
    sent: list[str] = []
    event.listen(
        world.services.db.engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_a: sent.append(" ".join(statement.split())),
    )
    return sent


def test_a_browser_unit_reads_the_users_language_with_the_caller(
    world: World, browser: tuple[httpx.Client, str]
) -> None:
    c, csrf = browser
    sent = _statements(world)
    refused = c.delete("/api/auth/tokens/999999", headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 404
    assert refused.json()["detail"] == _in_ukrainian("no API token %(token_id)s", token_id=999999)
    callers = [s for s in sent if "FROM web_sessions w" in s]
    assert len(callers) == 1
    assert "u.locale, u.time_zone" in callers[0]
    # the user's settings are not read again on their own
    assert not [s for s in sent if s.startswith("SELECT users.locale")], sent


def test_an_api_token_keeps_the_requests_language(world: World) -> None:
    with world.services.db.unit_of_work() as session:
        session.execute(update(t.User).where(t.User.id == world.users["ua"]).values(locale="uk"))
    refused = world.request("ua", "DELETE", "/api/auth/tokens/999999", headers=ENGLISH)
    assert refused.status_code == 404
    assert refused.json()["detail"] == "no API token 999999"
