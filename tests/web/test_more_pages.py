"""More page behaviour: amendments, a three-party analysis with its pair selector, and what
every page has for keyboard and screen-reader users (one h1, a skip link, labels, contrast)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from tests.web import drafting_helpers as drafting
from tests.web.site import Site, one, soup, text_of, unlabelled_controls
from tests.web.test_budget import pages
from tests.web.test_pages import FOOD, post_form

from gobetween.model import Agenda, Issue, OrganisationKind, Preferences, Role
from gobetween.service import identity, negotiate, prepare
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.web.assets import STATIC


def publish_first_text(site: Site) -> None:
    food = site.tracks[FOOD]
    un = site.client("un")
    assert drafting.publish(un, food).status_code == 303  # draft, preview, confirmed publication


def test_a_party_asks_for_amendments_and_the_mediators_see_them(site: Site) -> None:
    food = site.tracks[FOOD]
    publish_first_text(site)
    ru = site.client("russia")
    choices = soup(ru.get(f"/tracks/{food}/text")).select("select[name='amend:term'] option")
    asked = [str(o["value"]) for o in choices if o["value"]]
    assert len(asked) == 2  # the current term is not offered as an amendment
    r = post_form(
        ru,
        f"/tracks/{food}/text",
        f"/tracks/{food}/text/answer",
        {"kind": "amend", "version": "1", "amend:term": asked[0], "reasons": "Shorter first."},
    )
    assert r.status_code == 303
    mine = soup(ru.get(f"/tracks/{food}/text"))
    assert "Amendments requested" in text_of(mine, "#my-answer .status")
    assert text_of(mine, "#my-answer .amendments") == f"term → {asked[0]}"
    cell = one(
        soup(site.client("un").get(f"/tracks/{food}/draft")),
        f"#answers td[data-party='{site.orgs['Russian Federation']}']",
    )
    assert f"term → {asked[0]}" in cell.get_text()
    assert "Shorter first." in cell.get_text()
    ua = soup(site.client("ukraine").get(f"/tracks/{food}/text"))
    assert "Shorter first." not in ua.get_text()


def three_party_track(site: Site) -> int:
    agenda = Agenda(
        (
            Issue.discrete("quota", ["low", "mid", "high"]),
            Issue.discrete("fees", ["none", "flat", "per tonne"]),
        ),
        name="three-way",
    )
    hasher = site.services.hasher
    with site.services.db.unit_of_work() as session:
        users = {
            u.email.split("@")[0]: u.id for u in session.execute(select(t.User)).scalars().all()
        }
        admin = repositories.load_actor(session, users["secretariat"])
        moldova = prepare.add_organisation(
            session, admin, 1, name="Moldova", kind=OrganisationKind.PARTY
        )
        identity.create_user(
            session, hasher, email="md@demo.gobetween.org", name="MD", password="long password 1"
        )
        prepare.add_member(
            session,
            admin,
            1,
            email="md@demo.gobetween.org",
            role=Role.PARTY_MEMBER,
            organisation_id=moldova.id,
        )
        orgs = [site.orgs["Ukraine"], site.orgs["Russian Federation"], moldova.id]
        track = prepare.create_track(
            session,
            admin,
            1,
            name="three-way",
            agenda=agenda,
            organisation_ids=[*orgs, site.orgs["United Nations"]],
        )
        users = {
            u.email.split("@")[0]: u.id for u in session.execute(select(t.User)).scalars().all()
        }
        for k, seat in enumerate(("ukraine", "russia", "md")):
            ratings = [0.0, 0.5, 1.0] if k != 1 else [1.0, 0.5, 0.0]
            prefs = Preferences(
                weights={"quota": 1 + k, "fees": 2},
                ratings={
                    "quota": dict(zip(("low", "mid", "high"), ratings, strict=True)),
                    "fees": {"none": 1.0, "flat": 0.4 * k, "per tonne": 0.2},
                },
                reservation=0.2,
            )
            actor = repositories.load_actor(session, users[seat])
            negotiate.record_preferences(session, actor, track.id, prefs)
        return track.id


def test_three_parties_get_a_pair_selector(site: Site) -> None:
    track = three_party_track(site)
    un = site.client("un")
    page = soup(un.get(f"/tracks/{track}/analysis"))
    assert [o.get_text() for o in page.select("select#x option")] == [
        "Ukraine",
        "Russian Federation",
        "Moldova",
    ]
    assert text_of(page, "svg.chart title") == "Utility space: Ukraine against Russian Federation"
    pair = soup(un.get(f"/tracks/{track}/analysis", params={"x": "Moldova", "y": "Ukraine"}))
    assert text_of(pair, "svg.chart title") == "Utility space: Moldova against Ukraine"
    assert one(pair, "select#x option[selected]").get_text() == "Moldova"
    assert len(pair.select("#solutions tbody tr")) == 4
    assert len(pair.select("#solutions thead th")) == 6  # solution, 3 parties, package, action
    same = soup(un.get(f"/tracks/{track}/analysis", params={"x": "Moldova", "y": "Moldova"}))
    assert text_of(same, "svg.chart title") == "Utility space: Moldova against Ukraine"


def test_analysis_without_every_partys_preferences_says_whose_are_missing(site: Site) -> None:
    energy = site.tracks["energy facilities"]
    page = soup(site.client("qatar").get(f"/tracks/{energy}/analysis"))
    assert "Ukraine" in text_of(page, "#analysis-missing")
    assert "Russian Federation" in text_of(page, "#analysis-missing")
    assert page.select("svg.chart") == []


def test_every_page_has_one_h1_a_skip_link_and_labelled_controls(site: Site) -> None:
    publish_first_text(site)
    for seat, paths in pages(site).items():
        c = site.client(seat)
        for path in paths:
            if path.endswith(("/messages", "/console/channels")):
                continue  # fragments
            doc = soup(c.get(path))
            assert one(doc, "html")["lang"] == "en", path
            assert len(doc.select("h1")) == 1, path
            assert one(doc, "a.skip")["href"] == "#main", path
            assert one(doc, "main#main"), path
            assert unlabelled_controls(doc) == [], path
            assert text_of(doc, "head > title").endswith("· gobetween"), path
            for button in doc.select("button"):
                assert button.get_text(strip=True), (path, str(button))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_text_colours_have_readable_contrast() -> None:
    css = (STATIC / "gobetween.css").read_text(encoding="utf-8")
    colour = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-f]{6})", css))
    pairs = [
        ("ink", "bg"),
        ("muted", "bg"),
        ("muted", "soft"),
        ("accent", "bg"),
        ("accent", "soft"),
        ("accent-ink", "accent"),
        ("ok", "bg"),
        ("bad", "bg"),
        ("warn", "bg"),
    ]
    for fg, bg in pairs:
        assert contrast(colour[fg], colour[bg]) >= 4.5, (fg, bg)
    assert contrast("#a4161a", "#fbeaea") >= 4.5  # error message
    assert contrast("#1d6b34", "#e8f4ec") >= 4.5  # notice
    assert contrast("#ffffff", "#1b1f24") >= 4.5  # header
    assert Path(STATIC / "gobetween.css").stat().st_size < 10_000
