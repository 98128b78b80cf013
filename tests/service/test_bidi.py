"""Directional controls in names and file names are isolated wherever gobetween shows them
(issue 9): ``"invoice\\u202egpj.exe"`` cannot pose as ``invoiceexe.jpg`` nor reorder the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.service.world import World, make_settings

from gobetween.bidi import CONTROLS, isolate, reveal
from gobetween.store import tables as t

FSI, PDI = "\u2068", "\u2069"


def unisolated(text: str) -> list[int]:
    """Positions of directional controls that no FSI ... PDI pair encloses, and of unclosed
    isolates."""
    depth, bad = 0, []
    for i, char in enumerate(text):
        if char == FSI:
            depth += 1
        elif char == PDI:
            depth -= 1
            if depth < 0:
                bad.append(i)
                depth = 0
        elif char in CONTROLS and depth == 0:
            bad.append(i)
    return bad + ([len(text)] if depth else [])


def test_isolate_and_reveal() -> None:
    assert unisolated("a\u202eb") == [1]
    assert unisolated(isolate("a\u202eb")) == []
    assert isolate("Київ") == "Київ"
    assert reveal("invoice\u202egpj.exe") == FSI + "invoice[U+202E]gpj.exe" + PDI


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World.build(make_settings(f"sqlite:///{tmp_path}/g.db"))
    try:
        yield w
    finally:
        w.close()


def test_pages_isolate_names_and_reveal_file_names(world: World) -> None:
    with world.services.db.unit_of_work() as session:
        session.get_one(t.User, world.users["ua"]).name = "Olena\u202e\u2067"
    ch = world.channels[("food", "ua")]
    r = world.post(
        "ua",
        f"/api/channels/{ch}/attachments",
        files={"file": ("invoice\u202egpj.exe.txt", b"hello", "text/plain")},
        data={"text": "the invoice \u202bis attached"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["attachments"][0]["filename"] == "invoice\u202egpj.exe.txt"  # stored as sent
    seen = shown = 0
    for who in ("ua", "un"):
        for path in (f"/channels/{ch}", f"/channels/{ch}/messages", "/"):
            page = world.get(who, path)
            if page.status_code != 200:
                continue
            seen += 1
            assert unisolated(page.text) == [], (who, path)
            if "invoice" in page.text:
                assert "invoice[U+202E]gpj.exe.txt" in page.text
                shown += 1
    assert seen >= 3
    assert shown >= 2  # the file name was on the channel page of both seats


def test_the_cli_isolates_names_from_a_bundle(tmp_path: Path) -> None:
    """A bundle is a file from anyone: its attachment names and parties print isolated."""
    from click.testing import CliRunner

    from gobetween.agreements.bundle import Bundle
    from gobetween.cli.main import cli

    data = Path(__file__).parents[1] / "data" / "agreements" / "bsgi-signed.bundle.json"
    bundle = Bundle.from_bytes(data.read_bytes()).with_attachment("invoice\u202egpj.exe", b"x")
    path = tmp_path / "b.json"
    path.write_bytes(bundle.to_bytes())
    result = CliRunner().invoke(cli, ["agreement", "show", str(path)])
    assert result.exit_code == 0, result.output
    assert "attachment: \u2068invoice[U+202E]gpj.exe\u2069" in result.output
    assert unisolated(result.output) == []


def test_an_invitation_mail_isolates_the_names_in_it(tmp_path: Path) -> None:
    """A look-alike process named with an override cannot rearrange the invitation e-mail."""
    from sqlalchemy import select

    from gobetween.store import setup_tables as st

    settings = make_settings(f"sqlite:///{tmp_path}/m.db", smtp_host="127.0.0.1")
    world = World.build(settings)  # mail is queued (the sender is not started here)
    try:
        _invite(world, st, select)
    finally:
        world.close()


def _invite(world: World, st: Any, select: Any) -> None:

    with world.services.db.unit_of_work() as session:
        session.get_one(t.Process, world.process_id).name = "Black Sea \u202etalks"
        session.get_one(t.User, world.users["admin"]).name = "admin\u202b"
    body = {"email": "outsider@example.org", "role": "party_member"}
    body["organisation_id"] = world.orgs["Ukraine"]  # type: ignore[assignment]
    r = world.post("admin", f"/api/processes/{world.process_id}/members", json=body)
    assert r.status_code == 202, r.text
    with world.services.db.unit_of_work(write=False) as session:
        mails = session.execute(select(st.MailOutbox.subject, st.MailOutbox.body)).all()
    assert mails
    for subject, text in mails:
        assert unisolated(subject) == []
        assert unisolated(text) == []
        assert FSI + "Black Sea \u202etalks" + PDI in text


def test_notification_lines_isolate_track_and_party_names() -> None:
    from gobetween.service import notifications
    from gobetween.store import tables as t

    track = t.Track(id=7, name="food \u202ecorridor")  # no names: called as entered
    for own in (True, False):
        line = notifications.message_line(track, "Ukraine\u202b", own, 3, 12)
        assert unisolated(line.text("")) == []
        assert FSI + "food \u202ecorridor" + PDI in line.sentence
