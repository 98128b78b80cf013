"""A mediation team sets up a negotiation in Debian's chromium, from a new empty database.

The walk: the first visitor creates the first administrator; a new process with its
organisations; a track whose agenda has an option with commas in its name, a clause wording
and a numeric range; invitations sent over a real SMTP server (aiosmtpd) and read from it; two
delegates accept from their links and land in the process; a used link says so and leads the
account that used it to the process. The same on SQLite and on PostgreSQL (a fresh schema).

The steps are helpers over a :class:`Walk` so that later walks (keys made in the browser
signing an agreement) can continue from :func:`set_up_negotiation`. Screenshots go to
``$GOBETWEEN_SCREENSHOTS`` when set (``docs/guide/setup.md`` uses ``docs/images``).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import create_engine, select, text
from tests.service.conftest import require_postgres
from tests.service.mailbox import Mailbox, mail_settings, smtp_server
from tests.service.world import make_settings
from tests.web.server import CHROMIUM_ARGS, chromium_path, free_port

from gobetween.service.app import create_app
from gobetween.store import setup_tables as st
from gobetween.store import tables as t

pytestmark = [pytest.mark.browser, pytest.mark.slow]

try:
    from playwright import sync_api as playwright_api
    from playwright.sync_api import Browser, Page, expect
except ImportError:  # the `test` extra installs it
    playwright_api = None  # type: ignore[assignment]

ADMIN = {"name": "Ana Secretariat", "email": "ana@un.example", "password": "a long admin password"}
DELEGATES = {
    "ua": ("olena@mfa.ua.example", "Ukraine", "Olena"),
    "ru": ("ivan@mid.ru.example", "Russian Federation", "Ivan"),
}
PROCESS = "Black Sea food-security talks"
THREE_PORTS = "Odesa, Chornomorsk and Yuzhny"


@dataclass
class Walk:
    """What the walk has built so far: the server, its mailbox, the browser and its pages."""

    base: str
    box: Mailbox
    app: Any
    browser: Any
    shots: Path
    pages: dict[str, Any] = field(default_factory=dict)
    process_id: int = 0
    track_id: int = 0

    def page(self, who: str, width: int = 1280) -> Page:
        """A new browser context for ``who`` (its own cookies), remembered by name."""
        context = self.browser.new_context(
            viewport={"width": width, "height": 900}, locale="en-GB", timezone_id="UTC"
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        page.errors = errors  # type: ignore[attr-defined]
        self.pages[who] = page
        return page

    def shot(self, page: Page, name: str) -> None:
        page.screenshot(path=self.shots / f"{name}.png", full_page=True)

    def query(self, stmt: Any) -> list[Any]:
        with self.app.state.services.db.unit_of_work(write=False) as session:
            return list(session.execute(stmt).all())


@contextlib.contextmanager
def serve_empty(url: str, box: Mailbox) -> Iterator[tuple[str, Any]]:
    """An empty installation with e-mail through ``box``, its background sender running."""
    overrides = {**mail_settings(box), "public_url": ""}  # links name the server's address
    settings = make_settings(url, secure_cookies=False, mail_poll_seconds=0.2, **overrides)
    app = create_app(settings)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield base, app
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.services.db.dispose()


def first_admin(walk: Walk) -> Page:
    """The first visitor is sent to set-up and creates the first administrator."""
    admin = walk.page("admin")
    admin.goto(walk.base + "/")
    expect(admin).to_have_url(walk.base + "/setup")
    admin.fill("#setup-name", ADMIN["name"])
    admin.fill("#setup-email", ADMIN["email"])
    admin.fill("#setup-password", ADMIN["password"])
    walk.shot(admin, "setup")
    admin.click("#setup-form button[type=submit]")
    expect(admin).to_have_url(walk.base + "/processes/new")
    return admin


def new_process(walk: Walk) -> None:
    """The administrator creates the process with its parties and mediators."""
    admin = walk.pages["admin"]
    admin.fill("#process-name", PROCESS)
    admin.fill("#process-description", "Exports of grain and fertiliser through the Black Sea.")
    admin.fill("#process-parties", "Ukraine\nRussian Federation")
    admin.fill("#process-mediators", "United Nations\nTürkiye")
    walk.shot(admin, "process-new")
    admin.click("#process-form button[type=submit]")
    expect(admin).to_have_url(re.compile(r"/processes/\d+/tracks/new$"))
    walk.process_id = int(admin.url.rsplit("/", 3)[-3])


def agenda(walk: Walk) -> None:
    """The first track: ports (one option with commas, with its clause) and a term range."""
    admin = walk.pages["admin"]
    admin.fill("#track-name", "food corridor")
    admin.fill("#i0-name", "ports")
    admin.fill("#i0-description", "Which ports the ships leave from.")
    admin.fill("#i0-o0", "Odesa")
    admin.fill("#i0-o1", THREE_PORTS)
    admin.fill("#i0-o1-en", "Ships leave from Odesa, Chornomorsk and Yuzhny.")
    admin.click("#add-issue")
    admin.fill("#i1-name", "term")
    admin.fill("#i1-unit", "days")
    expect(admin.locator("#i1-low")).to_be_hidden()  # options, one per row: no range
    expect(admin.locator("#i0-low")).to_be_hidden()
    admin.select_option("#i1-kind", "integer")
    expect(admin.locator("#i1-o0")).to_be_hidden()  # a range: no option rows
    expect(admin.locator("#i0-o0")).to_be_visible()
    admin.fill("#i1-low", "60")
    admin.fill("#i1-high", "180")
    admin.fill("#i1-step", "60")
    expect(admin.locator("#i0-o1")).to_have_value(THREE_PORTS)  # kept across the round trip
    walk.shot(admin, "agenda-editor")
    admin.click("#agenda-save")
    expect(admin).to_have_url(f"{walk.base}/processes/{walk.process_id}/admin")
    (track_id,) = walk.query(select(t.Track.id).where(t.Track.process_id == walk.process_id))[0]
    walk.track_id = track_id


def invite(walk: Walk) -> None:
    """The administrator invites one delegate of each party; the links go by e-mail."""
    admin = walk.pages["admin"]
    orgs = dict(walk.query(select(t.Organisation.name, t.Organisation.id)))
    for address, org, _name in DELEGATES.values():
        admin.fill("#invite-email", address)
        admin.select_option("#invite-role", "party_member")
        admin.select_option("#invite-org", str(orgs[org]))
        admin.click("#invite-form button[type=submit]")
        expect(admin.locator(".flash.notice")).to_contain_text("sent by e-mail")
    walk.shot(admin, "admin-invite")
    walk.box.wait(len(DELEGATES))


def join_from_mail(walk: Walk, who: str) -> Page:
    """A delegate opens the mailed link, sees what it is for, and creates their account."""
    address, org, name = DELEGATES[who]
    link = walk.box.link(address, "invitations")
    page = walk.page(who, width=390 if who == "ua" else 1280)
    page.goto(walk.base + link)
    expect(page.locator("#invitation-process")).to_have_text(PROCESS)
    expect(page.locator("#invitation-convener")).to_contain_text(ADMIN["email"])
    expect(page.locator("#invitation-role")).to_contain_text(org)
    page.fill("#name", name)
    page.fill("#password", f"{name} has a long password")
    if who == "ua":
        walk.shot(page, "invitation")
    page.click("#invitation-form button[type=submit]")
    expect(page).to_have_url(walk.base + "/")
    expect(page.locator(".process h2")).to_have_text(PROCESS)
    expect(page.locator(".process .convener")).to_contain_text(ADMIN["email"])
    page.goto(walk.base + link)  # the mail opened again: used, and the way to the process
    expect(page.locator("#invitation-state")).to_have_attribute("data-state", "used")
    expect(page.locator("#invitation-form")).to_have_count(0)
    onward = page.locator("#invitation-next a")
    expect(onward).to_have_text(f"Go to “{PROCESS}”")
    if who == "ua":
        walk.shot(page, "invitation-used")
    onward.click()
    expect(page.locator(f"#process-{walk.process_id} h2")).to_have_text(PROCESS)
    return page


def set_up_negotiation(walk: Walk) -> Walk:
    """The whole set-up, from the empty database to two delegates in the process."""
    first_admin(walk)
    new_process(walk)
    agenda(walk)
    invite(walk)
    for who in DELEGATES:
        join_from_mail(walk, who)
    return walk


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/gobetween.db"
        return
    url = require_postgres()
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def walk(empty_database: str, tmp_path: Path) -> Iterator[Walk]:
    """A browser, a mail server and an empty installation served over HTTP."""
    if playwright_api is None:
        reason = "Playwright for Python is not installed (pip install -e '.[test]')"
        if os.environ.get("GOBETWEEN_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " and GOBETWEEN_REQUIRE_BROWSER=1")
        pytest.skip(reason)
    executable = chromium_path()
    shots = Path(os.environ.get("GOBETWEEN_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    with (
        smtp_server() as box,
        serve_empty(empty_database, box) as (base, app),
        playwright_api.sync_playwright() as pw,
    ):
        browser: Browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield Walk(base, box, app, browser, shots)
        finally:
            browser.close()


def test_a_team_sets_up_a_negotiation_in_the_browser(walk: Walk) -> None:
    set_up_negotiation(walk)
    agenda_json = walk.query(select(t.Track.agenda).where(t.Track.id == walk.track_id))[0][0]
    ports, term = agenda_json["issues"]
    assert [o["name"] for o in ports["options"]] == ["Odesa", THREE_PORTS]
    assert ports["options"][1]["wording"] == {
        "en": "Ships leave from Odesa, Chornomorsk and Yuzhny."
    }
    assert [o["name"] for o in term["options"]] == ["60", "120", "180"]
    assert term["unit"] == "days"
    members = walk.query(
        select(t.User.email, t.Membership.role)
        .join(t.Membership, t.Membership.user_id == t.User.id)
        .where(t.Membership.process_id == walk.process_id)
    )
    assert sorted(members) == sorted(
        [(ADMIN["email"], "admin")] + [(a, "party_member") for a, _o, _n in DELEGATES.values()]
    )
    verified = walk.query(
        select(st.MailSettings.user_id).where(st.MailSettings.verified_at.is_not(None))
    )
    assert len(verified) == len(DELEGATES)  # their links came by e-mail: addresses proven
    admin = walk.pages["admin"]
    admin.goto(walk.base + "/setup")
    assert admin.locator("h1").inner_text() == "Not found"  # set-up is over
    for page in walk.pages.values():
        assert page.errors == [], page.errors
