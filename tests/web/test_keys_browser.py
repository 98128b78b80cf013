"""Signing without a terminal, in Debian's chromium, on SQLite and on PostgreSQL.

From the demo database with the corridor agreement ready to sign: each of the four signatories
makes an Ed25519 key on the Signing keys page (WebCrypto; the private key stays in the browser's
IndexedDB, not extractable) and downloads its passphrase-encrypted backup; the secretariat
confirms the four keys; Ukraine's delegate restores the key from the backup in a fresh browser
(a wrong passphrase is refused) and signs there, the others sign where they made their keys;
the agreement enters into force; the verification page checks the bundle against the key
registry, and ``gobetween agreement verify --registry`` does the same offline.

The same from a new empty database, continuing the set-up walk of
``tests/web/test_setup_browser.py`` (the first administrator, a new process, an agenda with
commas in an option, invitations read from the SMTP test server, two delegates joining from
their links): two mediators join the same way, the text is agreed (through the service), the
four signatories make keys in the browser, the administrator confirms them, all four sign, and
the registry verifies the bundle, on SQLite and PostgreSQL.

Screenshots go to ``$GOBETWEEN_SCREENSHOTS`` when set (the guides use ``docs/images``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner
from playwright.sync_api import Page, expect
from sqlalchemy import select
from tests.service.conftest import pg_schema_url  # noqa: F401  (fixture)
from tests.service.world import make_settings
from tests.web.browsing import logged_in
from tests.web.server import CHROMIUM_ARGS, chromium_path, free_port
from tests.web.site import Site
from tests.web.test_setup_browser import (
    DELEGATES,
    THREE_PORTS,
    Walk,
    empty_database,  # noqa: F401  (fixture)
    set_up_negotiation,
    walk,  # noqa: F401  (fixture)
)

from gobetween.cli.main import cli
from gobetween.protocols.single_text import AnswerKind
from gobetween.service import agree, texts
from gobetween.service.demo_agreement import build_agreement_demo
from gobetween.store import agreement_tables as a
from gobetween.store import repositories
from gobetween.store import tables as t

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIGNERS = {
    "un": "United Nations",
    "turkiye": "Türkiye",
    "ukraine": "Ukraine",
    "russia": "Russian Federation",
}
PASSPHRASE = "grain corridor 2022"


@contextlib.contextmanager
def _serve(url: str) -> Iterator[tuple[str, Site]]:
    site = Site.build(make_settings(url, secure_cookies=False, sse_poll_seconds=0.2))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(site.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", site
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        site.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Site, Any]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/gobetween.db"
    else:
        url = str(request.getfixturevalue("pg_schema_url"))
    executable = chromium_path()
    with _serve(url) as (base, site), playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield base, site, browser
        finally:
            browser.close()


def _login(browser: Any, base: str, site: Site, seat: str) -> Page:
    return logged_in(browser, base, site, seat, width=1000, height=900, timeout=20_000)


def _make_key(page: Page, base: str, org_id: int, folder: Path) -> tuple[str, Path]:
    """Make a key for ``org_id`` on the keys page; its fingerprint and the backup file."""
    page.goto(base + "/keys")
    form = page.locator(f"form.key-new-form[data-organisation-id='{org_id}']")
    form.locator("input[name=passphrase]").fill(PASSPHRASE)
    form.locator("input[name=passphrase2]").fill(PASSPHRASE)
    form.locator("button[type=submit]").click()
    expect(form.locator(".key-after")).to_be_visible()
    with page.expect_download() as download:
        form.locator("a.backup-link").click()
    backup = folder / download.value.suggested_filename
    download.value.save_as(backup)
    document = json.loads(backup.read_text(encoding="utf-8"))
    assert document["format"] == "gobetween-key-backup-v1"
    assert document["kdf"]["name"] == "PBKDF2"
    assert document["cipher"]["name"] == "AES-GCM"
    assert "PRIVATE" not in backup.read_text(encoding="utf-8")  # only the sealed key
    form.locator("a.key-continue").click()
    key = page.locator(f"li.key[data-fingerprint='{document['fingerprint']}']")
    expect(key).to_have_attribute("data-status", "pending")
    expect(key).to_have_attribute("data-here", "true")
    return str(document["fingerprint"]), backup


def _kept_key_is_not_extractable(page: Page, fingerprint: str) -> bool:
    return bool(
        page.evaluate(
            """fp => new Promise((resolve, reject) => {
                const open = indexedDB.open("gobetween-keys", 1);
                open.onerror = () => reject(open.error);
                open.onsuccess = () => {
                  const get = open.result.transaction("keys").objectStore("keys").get(fp);
                  get.onsuccess = () => resolve(get.result.privateKey.extractable === false
                                                 && get.result.privateKey.type === "private");
                };
              })""",
            fingerprint,
        )
    )


def test_keys_made_in_the_browser_sign_and_the_registry_verifies(
    served: tuple[str, Site, Any],
    shots: Path,
    tmp_path: Path,
) -> None:
    base, site, browser = served
    with site.services.db.unit_of_work() as session:
        aid = build_agreement_demo(session, signed=False)
        row = session.execute(select(a.Agreement).where(a.Agreement.id == aid)).scalar_one()
        org_ids = {name: int(v[0]) for name, v in row.signatories.items()}
    pages: dict[str, Page] = {}
    made: dict[str, tuple[str, Path]] = {}
    for seat, org in SIGNERS.items():
        pages[seat] = _login(browser, base, site, seat)
        made[seat] = _make_key(pages[seat], base, org_ids[org], tmp_path)
        assert _kept_key_is_not_extractable(pages[seat], made[seat][0])
    pages["ukraine"].screenshot(path=str(shots / "keys-made.png"), full_page=True)
    # the secretariat confirms the four keys
    admin = _login(browser, base, site, "secretariat")
    admin.goto(base + "/keys")
    admin.screenshot(path=str(shots / "keys-confirm.png"), full_page=True)
    for seat in SIGNERS:
        pending = admin.locator(f".pending-keys li[data-fingerprint='{made[seat][0]}']")
        pending.locator("button").click()
        expect(admin.locator(".flash.notice")).to_contain_text("Key confirmed")
    # the UN's mediator also makes a key in another browser (the server's newest for the UN):
    # signing in the first browser falls back to the key kept there
    elsewhere = _login(browser, base, site, "un")
    _make_key(elsewhere, base, org_ids["United Nations"], tmp_path)
    elsewhere.context.close()
    # Ukraine's delegate restores the key in a fresh browser: a wrong passphrase is refused
    fresh = _login(browser, base, site, "ukraine")
    fresh.goto(base + "/keys")
    restore = fresh.locator("form.key-restore-form")
    restore.locator("input[type=file]").set_input_files(str(made["ukraine"][1]))
    restore.locator("input[name=passphrase]").fill("not the passphrase")
    restore.locator("button").click()
    expect(restore.locator(".key-status")).to_contain_text("Wrong passphrase")
    restore.locator("input[name=passphrase]").fill(PASSPHRASE)
    restore.locator("button").click()
    expect(fresh.locator(".flash.notice")).to_contain_text("Key restored")
    kept = fresh.locator(f"li.key[data-fingerprint='{made['ukraine'][0]}']")
    expect(kept).to_have_attribute("data-status", "confirmed")
    expect(kept).to_have_attribute("data-here", "true")
    fresh.screenshot(path=str(shots / "keys-restored.png"), full_page=True)
    pages["ukraine"].context.close()
    pages["ukraine"] = fresh
    # everyone signs with the key kept in their browser
    for n, seat in enumerate(SIGNERS):
        page = pages[seat]
        page.goto(f"{base}/agreements/{aid}")
        if n == 0:
            page.screenshot(path=str(shots / "agreement-sign-in-browser.png"), full_page=True)
        page.locator("form.browser-sign-form button[type=submit]").click()
        expect(page).to_have_url(f"{base}/agreements/{aid}?done=signed")
    ru = pages["russia"]
    ru.reload()
    expect(ru.locator("#agreement-status")).to_have_attribute("data-status", "in_force")
    ru.goto(f"{base}/agreements/{aid}/verify")
    expect(ru.locator(".verdict")).to_have_attribute("data-ok", "true")
    expect(ru.locator("#registry-checked")).to_have_attribute("data-checked", "true")
    expect(ru.locator("#signed-count")).to_have_text("6")
    ru.screenshot(path=str(shots / "agreement-verified-registry.png"), full_page=True)
    # offline: the bundle and the registry downloaded from the pages, checked by the CLI
    bundle, registry = tmp_path / "agreement.gbb", tmp_path / "registry.json"
    bundle.write_bytes(ru.request.get(f"{base}/api/agreements/{aid}/bundle").body())
    registry.write_bytes(ru.request.get(f"{base}/api/agreements/{aid}/registry").body())
    result = CliRunner().invoke(
        cli, ["agreement", "verify", str(bundle), "--registry", str(registry)]
    )
    assert result.exit_code == 0, result.output
    assert "VALID" in result.output
    # a key left out of the registry is reported
    document = json.loads(registry.read_text(encoding="utf-8"))
    document["keys"] = [k for k in document["keys"] if k["fingerprint"] != made["ukraine"][0]]
    registry.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["agreement", "verify", str(bundle), "--registry", str(registry)]
    )
    assert result.exit_code == 1
    assert "[key-unregistered]" in result.output
    for page in (*pages.values(), admin):
        assert page.errors == []  # type: ignore[attr-defined]


# -- from an empty database (continuing tests/web/test_setup_browser.py's walk) -----------------

MEDIATORS = {
    "un": ("amina@un.example", "United Nations", "Amina"),
    "tr": ("kemal@mfa.tr.example", "Türkiye", "Kemal"),
}


def _invite_and_join_mediators(w: Walk) -> None:
    """The administrator invites one mediator of each mediating organisation; they join."""
    admin = w.pages["admin"]
    admin.goto(f"{w.base}/processes/{w.process_id}/admin")
    orgs = dict(w.query(select(t.Organisation.name, t.Organisation.id)))
    for address, org, _name in MEDIATORS.values():
        admin.fill("#invite-email", address)
        admin.select_option("#invite-role", "mediator")
        admin.select_option("#invite-org", str(orgs[org]))
        admin.click("#invite-form button[type=submit]")
        expect(admin.locator(".flash.notice")).to_contain_text("sent by e-mail")
    w.box.wait(len(DELEGATES) + len(MEDIATORS))
    for who, (address, _org, name) in MEDIATORS.items():
        page = w.page(who)
        page.goto(w.base + w.box.link(address, "invitations"))
        page.fill("#name", name)
        page.fill("#password", f"{name} has a long password")
        page.click("#invitation-form button[type=submit]")
        expect(page).to_have_url(w.base + "/")


def _agree_on_the_text(w: Walk) -> int:
    """The mediators publish the text, both parties accept it, the agreement is made (through
    the service: the drafting pages have their own browser test); the agreement's id."""
    people = dict(w.query(select(t.User.email, t.User.id)))
    with w.app.state.services.db.unit_of_work() as session:

        def actor(address: str) -> Any:
            return repositories.load_actor(session, people[address])

        un = actor(MEDIATORS["un"][0])
        texts.publish_text(
            session,
            un,
            w.track_id,
            options={"ports": THREE_PORTS, "term": "120"},
            clauses={
                "ports": "Ships leave from Odesa, Chornomorsk and Yuzhny.",
                "term": "This arrangement remains in force for 120 days.",
            },
        )
        for address, _org, _name in DELEGATES.values():
            texts.answer_text(
                session, actor(address), w.track_id, version=1, kind=AnswerKind.ACCEPT
            )
        made = agree.create_agreement(
            session,
            un,
            w.track_id,
            term_days=None,
            renewal=None,  # the agreed text holds no renewal article
            effective_date=dt.date(2022, 7, 22),
            title="Black Sea food corridor",
        )
    return int(made["id"])


def test_from_an_empty_database_keys_made_in_the_browser_sign_and_the_registry_verifies(
    walk: Walk,  # noqa: F811
    tmp_path: Path,
) -> None:
    set_up_negotiation(walk)
    _invite_and_join_mediators(walk)
    aid = _agree_on_the_text(walk)
    (signatories,) = walk.query(select(a.Agreement.signatories).where(a.Agreement.id == aid))[0]
    org_ids = {name: int(v[0]) for name, v in signatories.items()}
    seats = {"ua": "Ukraine", "ru": "Russian Federation", "un": "United Nations", "tr": "Türkiye"}
    assert set(org_ids) == set(seats.values())
    made = {
        who: _make_key(walk.pages[who], walk.base, org_ids[org], tmp_path)
        for who, org in seats.items()
    }
    admin = walk.pages["admin"]
    admin.goto(walk.base + "/keys")
    for fingerprint, _backup in made.values():
        admin.locator(f".pending-keys li[data-fingerprint='{fingerprint}'] button").click()
        expect(admin.locator(".flash.notice")).to_contain_text("Key confirmed")
    for who in seats:
        page = walk.pages[who]
        page.goto(f"{walk.base}/agreements/{aid}")
        page.locator("form.browser-sign-form button[type=submit]").click()
        expect(page).to_have_url(f"{walk.base}/agreements/{aid}?done=signed")
    ru = walk.pages["ru"]
    ru.goto(f"{walk.base}/agreements/{aid}")
    expect(ru.locator("#agreement-status")).to_have_attribute("data-status", "in_force")
    ru.goto(f"{walk.base}/agreements/{aid}/verify")
    expect(ru.locator(".verdict")).to_have_attribute("data-ok", "true")
    expect(ru.locator("#registry-checked")).to_have_attribute("data-checked", "true")
    bundle, registry = tmp_path / "agreement.gbb", tmp_path / "registry.json"
    bundle.write_bytes(ru.request.get(f"{walk.base}/api/agreements/{aid}/bundle").body())
    registry.write_bytes(ru.request.get(f"{walk.base}/api/agreements/{aid}/registry").body())
    result = CliRunner().invoke(
        cli, ["agreement", "verify", str(bundle), "--registry", str(registry)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("valid signature:") == 6
    holders = {k["holder"] for k in json.loads(registry.read_text(encoding="utf-8"))["keys"]}
    assert holders == {"Olena", "Ivan", "Amina", "Kemal"}
    for page in walk.pages.values():
        assert page.errors == [], page.errors  # type: ignore[attr-defined]
