"""Every page, structurally (CSS selectors on the parsed HTML), through the in-process client.

Each test drives the pages the way a browser would (forms with their CSRF token, redirects) and
checks what a page shows against the JSON API, which calls the same service functions.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from tests.web import drafting_helpers as drafting
from tests.web.site import Site, csrf, one, soup, text_of, unlabelled_controls

from gobetween.formats import examples
from gobetween.service.demo_languages import TRANSLATORS

FOOD = "food corridor"


def post_form(c: httpx.Client, page: str, action: str, data: dict[str, object], **kw: object):
    """Submit a form of ``page`` (its CSRF token added) to ``action``."""
    token = csrf(soup(c.get(page)))
    return c.post(action, data={"csrf_token": token, **data}, **kw)  # type: ignore[arg-type]


def test_login_required_and_wrong_password(site: Site) -> None:
    c = site.client()
    r = c.get("/")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/"
    page = soup(c.get("/login"))
    assert one(page, "form#login-form input#email[type=email]")
    assert unlabelled_controls(page) == []
    bad = post_form(
        c, "/login", "/login", {"email": "ukraine@demo.gobetween.org", "password": "nope"}
    )
    assert bad.status_code == 401
    assert "Wrong e-mail address or password" in text_of(soup(bad), ".flash.error")
    assert "gobetween_session" not in bad.cookies


def test_login_keeps_only_local_next(site: Site) -> None:
    c = site.client()
    r = post_form(
        c,
        "/login",
        "/login",
        {
            "email": "ukraine@demo.gobetween.org",
            "password": site.passwords["ukraine"],
            "next": "//evil.example/",
        },
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/"


def test_home_lists_the_tracks_of_each_seat(site: Site) -> None:
    ua = soup(site.client("ukraine").get("/"))
    assert [a.get_text() for a in ua.select(".process ul.tracks a")] == [
        "food corridor",
        "energy facilities",
        "prisoner return",
    ]
    assert ua.select(".process a.button") == []  # no admin link
    un = soup(site.client("un").get("/"))
    assert [a.get_text() for a in un.select(".process ul.tracks a")] == [FOOD]
    admin = soup(site.client("secretariat").get("/"))
    assert one(admin, ".process a.button")["href"] == "/processes/1/admin"


def test_track_overview_shows_agenda_and_seat_navigation(site: Site) -> None:
    food = site.tracks[FOOD]
    c = site.client("ukraine")
    page = soup(c.get(f"/tracks/{food}"))
    api = c.get(f"/api/tracks/{food}").json()
    issues = [tr["data-issue"] for tr in page.select("#agenda tr[data-issue]")]
    assert issues == [i["name"] for i in api["agenda"]["issues"]]
    assert [a.get_text() for a in page.select("nav.tabs a")] == [
        "Overview",
        "Channel",
        "Preferences",
        "Text",
        "Bidding",
        "Consultation",
        "Meetings",
    ]
    assert one(page, "nav.tabs a[aria-current=page]").get_text() == "Overview"
    assert "No text has been published yet" in text_of(page, "#status")
    med = soup(site.client("un").get(f"/tracks/{food}"))
    assert [a.get_text() for a in med.select("nav.tabs a")] == [
        "Overview",
        "Channels",
        "Analysis",
        "Drafting",
        "Bidding",
        "Consultation",
        "Team notes",
        "Meetings",
    ]
    assert len(med.select("#channels li")) == 2


def test_party_writes_in_its_channel_with_an_attachment(site: Site) -> None:
    food = site.tracks[FOOD]
    c = site.client("ukraine")
    page = c.get(f"/tracks/{food}/channel")
    assert "No messages yet" in text_of(soup(page), "#messages")
    action = one(soup(page), "form#composer")["action"]
    r = post_form(
        c,
        f"/tracks/{food}/channel",
        str(action),
        {"text": "We need three ports."},
        files={"file": ("note.txt", b"draft clause", "text/plain")},
    )
    assert r.status_code == 303
    doc = soup(c.get(r.headers["location"].split("#")[0]))
    item = one(doc, "#messages li[data-message]")
    assert text_of(item, ".text") == "We need three ports."
    assert "mine" in item["class"]
    link = one(item, ".attachment a")
    assert link.get_text() == "note.txt"
    assert c.get(str(link["href"])).content == b"draft clause"
    fragment = soup(c.get(str(action)))
    assert len(fragment.select("li[data-message]")) == 1
    api = c.get(str(action).replace("/channels/", "/api/channels/")).json()
    assert [m["text"] for m in api] == ["We need three ports."]


def test_forms_refuse_a_missing_csrf_token_with_an_html_page(site: Site) -> None:
    food = site.tracks[FOOD]
    c = site.client("ukraine")
    action = one(soup(c.get(f"/tracks/{food}/channel")), "form#composer")["action"]
    r = c.post(str(action), data={"text": "no token"})
    assert r.status_code == 403
    assert text_of(soup(r), "h1") == "Not allowed"
    assert "CSRF" in text_of(soup(r), ".problem")


def test_empty_message_is_an_error_message_on_the_page(site: Site) -> None:
    food = site.tracks[FOOD]
    c = site.client("ukraine")
    action = str(one(soup(c.get(f"/tracks/{food}/channel")), "form#composer")["action"])
    r = post_form(c, f"/tracks/{food}/channel", action, {"text": "   "})
    assert r.status_code == 422
    assert "the message is empty" in text_of(soup(r), ".flash.error")


def test_console_shows_channels_side_by_side_with_unread_markers(site: Site) -> None:
    food = site.tracks[FOOD]
    ua = site.client("ukraine")
    action = str(one(soup(ua.get(f"/tracks/{food}/channel")), "form#composer")["action"])
    post_form(ua, f"/tracks/{food}/channel", action, {"text": "first"})
    post_form(ua, f"/tracks/{food}/channel", action, {"text": "second"})
    un = site.client("un")
    page = soup(un.get(f"/tracks/{food}/console"))
    ukraine = one(page, f".channel-column[data-party='{site.orgs['Ukraine']}']")
    russia = one(page, f".channel-column[data-party='{site.orgs['Russian Federation']}']")
    assert text_of(ukraine, ".unread-count") == "2"
    assert len(ukraine.select("li.unread")) == 2
    assert russia.select(".unread-count") == []
    api = {ch["party_id"]: ch["unread"] for ch in un.get(f"/api/tracks/{food}/channels").json()}
    assert api[site.orgs["Ukraine"]] == 2
    read_action = str(one(ukraine, "form[action$='/read']")["action"])
    r = post_form(un, f"/tracks/{food}/console", read_action, {})
    assert r.status_code == 303
    again = soup(un.get(f"/tracks/{food}/console"))
    assert again.select(".unread-count") == []
    reply = one(again, f".channel-column[data-party='{site.orgs['Ukraine']}'] form[enctype]")
    r = post_form(
        un,
        f"/tracks/{food}/console",
        str(reply["action"]),
        {"text": "Noted.", "back": f"/tracks/{food}/console"},
    )
    assert r.headers["location"] == f"/tracks/{food}/console"
    seen = soup(ua.get(action))
    assert [text_of(li, ".text") for li in seen.select("li")] == ["first", "second", "Noted."]
    assert len(seen.select("li.unread")) == 1  # the mediator's reply


def test_preferences_form_shows_current_version_and_saves_a_new_one(site: Site) -> None:
    food = site.tracks[FOOD]
    c = site.client("ukraine")
    page = soup(c.get(f"/tracks/{food}/preferences"))
    points = [float(str(i["value"])) for i in page.select("input[name^=points-]")]
    assert sum(points) == 100
    assert len(points) == 8
    issues = [fs["data-issue"] for fs in page.select("fieldset.issue-prefs")]
    naval = issues.index("naval presence")
    checked = [str(i["name"]) for i in page.select("input[type=checkbox][name^=red-][checked]")]
    assert f"red-{naval}-2" in checked  # Ukraine's red line: Russian naval escort
    assert len(page.select("#preview tbody tr")) == 3
    assert unlabelled_controls(page) == []
    form = {str(i["name"]): str(i.get("value", "")) for i in page.select("#prefs-form input[name]")}
    form = {k: v for k, v in form.items() if not k.startswith("red-")}
    bad = c.post(f"/tracks/{food}/preferences", data={**form, "points-0": "50"})
    assert bad.status_code == 422
    assert "add up to 128" in text_of(soup(bad), "#form-errors")
    good = c.post(
        f"/tracks/{food}/preferences",
        data={
            **form,
            "points-0": "30",
            "points-1": "0",
            f"red-{naval}-2": "on",
            "reservation": "70",
        },
    )
    assert good.status_code == 303
    saved = soup(c.get(good.headers["location"]))
    assert "Saved as version 2" in text_of(saved, ".flash.notice")
    assert len(saved.select("#history li")) == 2
    api = c.get(f"/api/tracks/{food}/preferences").json()
    assert api[0]["version"] == 2
    body = api[0]["preferences"]
    assert body["weights"]["ports"] == 30
    assert body["weights"]["cargo"] == 0
    assert body["reservation"] == pytest.approx(0.7)


def test_preview_scores_the_values_being_entered(site: Site) -> None:
    food = site.tracks[FOOD]
    c = site.client("russia")
    page = soup(c.get(f"/tracks/{food}/preferences"))
    form = {str(i["name"]): str(i.get("value", "")) for i in page.select("#prefs-form input[name]")}
    form = {k: v for k, v in form.items() if not k.startswith("red-")}
    r = c.post(f"/tracks/{food}/preferences/preview", data={**form, "reservation": "100"})
    rows = soup(r).select("tbody tr")
    assert text_of(rows[0], "th").startswith("Best for you")
    assert all(row.select(".amend, .reject") for row in rows[1:])  # all below 100
    broken = c.post(f"/tracks/{food}/preferences/preview", data={**form, "points-0": "x"})
    assert "not a number" in soup(broken).get_text()


def test_analysis_drafting_answers_and_history(site: Site) -> None:
    food = site.tracks[FOOD]
    un = site.client("un")
    page = soup(un.get(f"/tracks/{food}/analysis"))
    api = un.get(f"/api/tracks/{food}/analysis").json()
    assert len(page.select("svg.chart circle.frontier")) == api["frontier_size"]
    assert len(page.select("svg.chart line.reservation")) == 2
    assert "A ZOPA exists" in text_of(page, "#zopa-status")
    assert [tr["data-issue"] for tr in page.select("#tradeoffs tr[data-issue]")] == [
        h["issue"] for h in api["trade_offs"]
    ]
    assert "Publish a text first" in text_of(page, "#improvements")
    nash = one(page, "tr[data-solution=Nash] a.draft-from")["href"]
    draft = soup(un.get(str(nash)))
    chosen = {
        fs["data-issue"]: str(one(fs, "option[selected]")["value"])
        for fs in draft.select("fieldset.issue-prefs")
    }
    assert chosen == api["solutions"]["nash"]["package"]
    assert len(draft.select(".scores li")) == 2
    assert unlabelled_controls(draft) == []
    data = {"clause-term": "The arrangement runs for 120 days."}
    r = drafting.publish(un, food, data, page=str(nash))  # draft, preview, confirmation
    assert r.status_code == 303
    assert "Version 1 published" in text_of(soup(un.get(r.headers["location"])), ".flash.notice")
    ua = site.client("ukraine")
    text = soup(ua.get(f"/tracks/{food}/text"))
    assert one(text, "#current [data-version]")["data-version"] == "1"
    clause = one(text, "#current li[data-issue=term] .wording")
    assert clause.get_text() == "The arrangement runs for 120 days."
    assert unlabelled_controls(text) == []
    no_reason = post_form(
        ua,
        f"/tracks/{food}/text",
        f"/tracks/{food}/text/answer",
        {"kind": "reject", "version": "1"},
    )
    assert no_reason.status_code == 422
    assert "say why" in text_of(soup(no_reason), ".flash.error")
    post_form(
        ua,
        f"/tracks/{food}/text",
        f"/tracks/{food}/text/answer",
        {"kind": "reject", "version": "1", "reasons": "Inspection must stay joint."},
    )
    mine = soup(ua.get(f"/tracks/{food}/text"))
    assert "Rejected" in text_of(mine, "#my-answer")
    assert "Inspection must stay joint." in text_of(mine, "#my-answer .reasons")
    answers = soup(un.get(f"/tracks/{food}/draft"))
    cell = one(answers, f"#answers tr[data-version='1'] td[data-party='{site.orgs['Ukraine']}']")
    assert "Inspection must stay joint." in cell.get_text()
    data["pkg-term"] = "120"
    assert drafting.publish(un, food, data).status_code == 303
    history = soup(ua.get(f"/tracks/{food}/text"))
    assert one(history, "#current [data-version]")["data-version"] == "2"
    changes = [li.get_text(" ", strip=True) for li in history.select("#current ul.changes li")]
    assert changes == ["term: “180” → “120” wording changed"]  # the translations follow the option
    assert one(history, "#current li.changed")["data-issue"] == "term"
    assert "Inspection must stay joint." in text_of(history, "#history .own-answer")
    improved = soup(un.get(f"/tracks/{food}/analysis"))
    assert len(improved.select("svg.chart g.version")) == 2


def test_relayed_offer_is_edited_before_forwarding(site: Site) -> None:
    food = site.tracks[FOOD]
    ua = site.client("ukraine")
    post_form(
        ua,
        f"/tracks/{food}/channel",
        f"/tracks/{food}/offers",
        {"option:term": "120", "message": "Term of 120 days, if ports are three."},
    )
    sent = soup(ua.get(f"/tracks/{food}/channel"))
    assert "pending" in text_of(sent, ".sent-offer .status")
    un = site.client("un")
    console = soup(un.get(f"/tracks/{food}/console"))
    form = one(console, "form#offer-1")
    assert [str(i["value"]) for i in form.select("input[name=recipient]")] == [
        str(site.orgs["Russian Federation"])
    ]
    r = post_form(
        un,
        f"/tracks/{food}/console",
        str(form["action"]),
        {
            "option:term": "120",
            "message": "One side could accept 120 days.",
            "recipient": str(site.orgs["Russian Federation"]),
            "decision": "forward",
        },
    )
    assert r.status_code == 303
    ru = soup(site.client("russia").get(f"/tracks/{food}/channel"))
    received = text_of(ru, ".received-offer")
    assert "One side could accept 120 days." in received
    assert "if ports are three" not in ru.get_text()
    assert "forwarded" in text_of(soup(ua.get(f"/tracks/{food}/channel")), ".sent-offer .status")


def test_admin_invites_assigns_and_creates_tracks(site: Site) -> None:
    admin = site.client("secretariat")
    page = "/processes/1/admin"
    doc = soup(admin.get(page))
    assert unlabelled_controls(doc) == []
    assert len(doc.select("#members tr[data-member]")) == 8 + len(TRANSLATORS)  # + UN, Qatar
    r = post_form(
        admin,
        page,
        page,
        {
            "action": "invite",
            "email": "new@un.org",
            "role": "mediator",
            "organisation_id": str(site.orgs["United Nations"]),
        },
    )
    link = str(one(soup(r), "#invitation-link input")["value"])
    token_path = "/invitations/" + link.rsplit("/", 1)[1]
    guest = site.client()
    assert one(soup(guest.get(token_path)), "form#invitation-form")
    short = guest.post(token_path, data={"name": "New Mediator", "password": "short"})
    assert short.status_code == 422
    assert "too short" in text_of(soup(short), ".flash.error")
    ok = guest.post(token_path, data={"name": "New Mediator", "password": "a long enough one"})
    assert ok.status_code == 303  # the account is made and its owner logged in
    assert "Convened by" in text_of(soup(guest.get("/")), ".process .convener")
    assert 'data-state="used"' in guest.get(token_path).text
    row = one(soup(admin.get(page)), "#members tr[data-member='new@un.org']")
    r = post_form(
        admin,
        page,
        page,
        {
            "action": "change",
            "membership_id": str(one(row, "input[name=membership_id]")["value"]),
            "role": "observer",
            "organisation_id": str(site.orgs["United Nations"]),
        },
    )
    assert r.status_code == 422
    said = text_of(soup(r), ".flash.error")
    assert "this role does not fit the organisation chosen" in said
    assert "an observer belongs to an observer organisation" in said, said  # plain words
    assert "party_member" not in said, said  # (it listed the roles' codes)
    orgs = [
        str(site.orgs["Ukraine"]),
        str(site.orgs["Russian Federation"]),
        str(site.orgs["Qatar"]),
    ]
    editor = "/processes/1/tracks/new"  # new tracks are made in the agenda editor
    rows = {"i0.name": "price", "i0.kind": "discrete", "i0.o0.name": "low, for now"}
    rows |= {"i0.o1.name": "high", "i1.name": "quota", "i1.kind": "integer"}
    rows |= {"i1.low": "1", "i1.high": "3", "i1.step": "1"}
    r = post_form(
        admin,
        editor,
        editor,
        {"action": "save", "track_name": "grain prices", "organisation_ids": orgs, **rows},
    )
    assert r.status_code == 303
    scenario = Path(examples.__file__).parent / "classroom.yaml"
    r = post_form(
        admin,
        editor,
        editor,
        {"action": "import", "track_name": "fees", "organisation_ids": orgs},
        files={"files": ("classroom.yaml", scenario.read_bytes(), "application/yaml")},
    )
    assert r.status_code == 200, soup(r).select(".flash")
    imported = soup(r)
    fields = {
        str(el["name"]): str(el.get("value", "") if el.name == "input" else el.get_text())
        for el in imported.select("#agenda-form input[name], #agenda-form textarea[name]")
        if el.get("type") not in ("file", "checkbox")
    }
    fields |= {
        str(el["name"]): str(one(el, "option[selected]")["value"])
        for el in imported.select("#agenda-form select[name]")
    }
    r = admin.post(editor, data={**fields, "action": "save", "organisation_ids": orgs})
    assert r.status_code == 303, soup(r).select(".flash")
    tracks = {li.a.get_text(): li.get_text() for li in soup(admin.get(page)).select("#tracks li")}
    assert "grain prices" in tracks
    assert "“classroom.yaml”" in tracks["fees"]  # the scenario file, named in words
    broken = post_form(
        admin,
        editor,
        editor,
        {"action": "save", "track_name": "x", "organisation_ids": orgs, "i0.name": "empty"},
    )
    assert broken.status_code == 422
    said = text_of(soup(broken), "#error-summary")
    assert "Issue 1 (empty), option 1: this issue has no options" in said, said
    assert said.count("(empty)") == 1, said  # once (it was "issue 1 (empty): issue 1 ...")
    assert one(soup(broken), "#error-summary a")["href"] == "#i0-o0"  # the first option row


def test_admin_page_is_forbidden_to_members_and_hidden_from_others(site: Site) -> None:
    assert site.client("ukraine").get("/processes/1/admin").status_code == 403
    mediator = site.client("un").get(f"/tracks/{site.tracks[FOOD]}/preferences")
    assert mediator.status_code == 403  # a mediator sees the track but records no preferences
    assert text_of(soup(mediator), "h1") == "Not allowed"
    assert site.client("ukraine").get("/processes/99/admin").status_code == 404


@pytest.mark.parametrize(
    ("seat", "path"),
    [
        ("ukraine", "/tracks/{food}/analysis"),
        ("ukraine", "/tracks/{food}/console"),
        ("ukraine", "/tracks/{food}/draft"),
        ("ukraine", "/channels/{ru_channel}"),
        ("qatar", "/tracks/{food}"),
        ("ukraine", "/tracks/999"),
    ],
)
def test_hidden_pages_look_exactly_like_missing_ones(site: Site, seat: str, path: str) -> None:
    food = site.tracks[FOOD]
    url = path.format(food=food, ru_channel=2)
    c = site.client(seat)
    r = c.get(url)
    missing = c.get("/tracks/999")
    assert r.status_code == 404
    assert text_of(soup(r), "main") == text_of(soup(missing), "main")
    assert r.headers["content-type"].startswith("text/html")


def test_times_are_shown_in_the_readers_time_zone(site: Site) -> None:
    food = site.tracks[FOOD]
    c = site.client("ukraine")
    c.cookies.set("gobetween_tz", "Asia/Tokyo")
    page = soup(c.get(f"/tracks/{food}/preferences"))
    stamp = one(page, "#history time")
    assert re.search(r"\(UTC\+9\)$", stamp.get_text())  # one format on every page (i18n)
    assert "Japan \u00b7 \u2066UTC+09:00\u2069" in text_of(page, "footer")  # named for people
    c.cookies.set("gobetween_tz", "Not/AZone")
    assert "(UTC)" in one(soup(c.get(f"/tracks/{food}/preferences")), "#history time").get_text()


def test_pages_send_no_store_and_a_strict_content_security_policy(site: Site) -> None:
    r = site.client("ukraine").get("/")
    assert r.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"


def test_unknown_addresses_get_a_page_and_unknown_api_addresses_a_problem(site: Site) -> None:
    c = site.client("ukraine")
    page = c.get("/no/such/page")
    assert page.status_code == 404
    assert text_of(soup(page), "main") == text_of(soup(c.get("/tracks/999")), "main")
    api = c.get("/api/no/such/thing")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"
    assert c.post("/api/no/such/thing").status_code == 404


def test_a_failing_page_answers_a_plain_500_page_and_logs_the_error(
    site: Site, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from gobetween.web import home

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom at home")

    monkeypatch.setattr(home.processes, "processes", broken)
    r = site.client("ukraine").get("/")
    assert r.status_code == 500
    assert text_of(soup(r), "h1") == "Something went wrong"
    assert "boom" not in r.text
    assert "boom at home" in caplog.text
