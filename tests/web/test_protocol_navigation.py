"""Navigation generic over the registry: every registered protocol is reached at
``/tracks/{id}/protocols/{name}`` (a protocol with a page of its own for the caller's role sends
the reader there), whoever sees nothing of it gets the 404 of a missing track, byte for byte,
and the track's tabs are the registry's, none hand-listed."""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from tests.web.site import Site, one, soup
from tests.web.test_more_pages import three_party_track

from gobetween.protocols import registry
from gobetween.protocols.base import ViewRole

#: A seat of each role in the demo's food corridor (the ICRC observes the prisoner return).
ROLES = {"ukraine": ViewRole.PARTY, "un": ViewRole.MEDIATOR, "icrc": ViewRole.OBSERVER}
MISSING = 987_654  # no such track
TRACK_OF = {"ukraine": "food corridor", "un": "food corridor", "icrc": "prisoner return"}


def test_every_registered_protocol_is_reached_at_its_generic_address(site: Site) -> None:
    expected = {
        ("ukraine", "single_text"): "text",
        ("ukraine", "relay"): "channel",
        ("un", "single_text"): "draft",
        ("un", "relay"): "console",
        ("icrc", "single_text"): "text",
    }
    for seat, role in ROLES.items():
        client = site.client(seat)
        track = site.tracks[TRACK_OF[seat]]
        for protocol in registry.protocols():
            address = f"/tracks/{track}/protocols/{protocol.name}"
            got = client.get(address)
            own = registry.page_of(protocol, role)
            assert own == expected.get((seat, protocol.name)), (seat, protocol.name)
            if (seat, protocol.name) == ("icrc", "relay"):  # observers see nothing of it
                assert got.status_code == 404
            elif own is not None:
                assert got.status_code == 303, (seat, protocol.name)
                assert got.headers["location"] == f"/tracks/{track}/{own}"
                assert client.get(got.headers["location"]).status_code == 200
            else:
                assert got.status_code == 200, (seat, protocol.name)
                assert one(soup(got), "main").select("h1")


def test_the_query_goes_along(site: Site) -> None:
    food = site.tracks["food corridor"]
    got = site.client("ukraine").get(f"/tracks/{food}/protocols/single_text?lang=uk")
    assert got.headers["location"] == f"/tracks/{food}/text?lang=uk"


def _same_as_missing(client: httpx.Client, hidden: str, name: str) -> None:
    """The same status and bytes for ``/tracks/{id}/protocols/<name>`` as for a track that does
    not exist, but for the address the page echoes (its language form's ``next``)."""
    missing = f"/tracks/{MISSING}/protocols/{name}"
    a, b = client.get(hidden), client.get(missing)
    assert (a.status_code, b.status_code) == (404, 404), hidden
    assert a.content.replace(hidden.encode(), missing.encode()) == b.content, hidden
    assert "location" not in a.headers


@pytest.mark.parametrize("name", ["single_text", "relay", "poll", "nonesuch"])
def test_a_party_of_another_track_gets_the_page_of_a_missing_track(site: Site, name: str) -> None:
    three_party_track(site)  # Moldova is a party there, not in the food corridor
    site.passwords["md"] = "long password 1"
    food = site.tracks["food corridor"]
    _same_as_missing(site.client("md"), f"/tracks/{food}/protocols/{name}", name)


def test_what_a_role_sees_nothing_of_looks_missing(site: Site) -> None:
    prisoners = site.tracks["prisoner return"]
    _same_as_missing(site.client("icrc"), f"/tracks/{prisoners}/protocols/relay", "relay")


def _tabs(site: Site, seat: str) -> list[tuple[str, str]]:
    track = site.tracks[TRACK_OF[seat]]
    nav = soup(site.client(seat).get(f"/tracks/{track}")).select("nav.tabs a")
    return [(a.get_text(strip=True), str(a["href"])) for a in nav]


def test_the_protocol_tabs_are_the_registrys_for_each_role(site: Site) -> None:
    for seat, role in ROLES.items():
        track = site.tracks[TRACK_OF[seat]]
        declared = [
            (label, f"/tracks/{track}/{registry.page_of(p, role) or 'protocols/' + p.name}")
            for p in registry.protocols()
            if (label := registry.tab_of(p, role)) is not None
        ]
        assert declared, seat
        assert [tab for tab in _tabs(site, seat) if tab in declared] == declared, seat
    food = site.tracks["food corridor"]
    assert ("Drafting", f"/tracks/{food}/draft") in _tabs(site, "un")
    assert ("Text", f"/tracks/{food}/text") in _tabs(site, "ukraine")
    assert [label for label, _ in _tabs(site, "icrc")] == ["Overview", "Text"]


def test_a_tab_follows_its_declaration(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """No tab of the single text is hand-listed: declared otherwise, the navigation follows."""
    text = registry.get("single_text")
    monkeypatch.setitem(registry._REGISTRY, "single_text", dataclasses.replace(text, tab=None))
    for seat in ROLES:
        labels = [label for label, _ in _tabs(site, seat)]
        assert not {"Text", "Drafting"} & set(labels), seat
