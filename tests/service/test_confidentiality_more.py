"""Two worlds over the team's and the protocols' side features: search, meetings, team notes,
assignments, translations, the poll, sealed bidding, the observer's and the party's pages.

The same script (the observed party's, Ukraine's, and the mediators' and translator's steps in
its channel or in public) runs in two worlds on a clock set by hand, each step at the same
instant in both. In the second world the other party (the Russian Federation), and the
mediators and the translator in its channel, also act privately between the steps: messages and
attachments that match the observed party's searches, mediators' notes on its channel, a shuttle
visit with it alone, translations of its messages, its answers to the poll, its sealed bids,
its own searches. After every step each member of the observed party and the observer read a
list of pages and API answers (:data:`READS`); status, headers and bodies must be the same in
both worlds, byte for byte. The random ids (messages, attachments, notes, meetings,
translations ...) differ between two worlds by construction; each is named by the order in
which its world first showed it, so an id shown in one world and not in the other, or in
another order, still fails the comparison.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.service.asgi import client as asgi_client
from tests.service.test_translations import add_translator, declare
from tests.service.two_worlds import masked
from tests.service.vm_steps import counting_steps
from tests.service.world import PASSWORD, Clock, World, make_settings

from gobetween.agreements import generate_private_key, public_key_pem

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
#: headers left out: the same for every answer, or the length of a body whose random ids are
#: renamed (the length of the renamed body is compared instead)
_LEFT_OUT = {"content-security-policy", "permissions-policy", "referrer-policy", "content-length"}
#: a random id (``store.tables.random_id``: 1 to 2**31); the server's sequential ids (users,
#: organisations, tracks, channels) stay far below in these worlds
_RANDOM_ID = re.compile(r"(?<![\w.])\d{6,10}(?![\w.])")
#: SQLite's steps a read may take more or fewer as the random ids fall (see the test's
#: docstring)
_ID_STEPS = 4
#: the observed party's seats (``ua`` also signed in through the log-in form, as a browser
#: is), and the observer
READERS = ("ua", "ua2", "ua-browser", "obs")
#: a session's CSRF token, random: its length is kept
_CSRF = re.compile(r'(csrf_token" value="|"X-CSRF-Token": ")([^"]+)"')


def _reads(world: World) -> list[str]:
    food = world.tracks["food"]
    ua = world.channels[("food", "ua")]
    return [
        "/api/search?q=corridor",
        "/api/search?q=corridor&limit=1",
        "/api/search?q=corridor&limit=2",
        "/api/search?q=corridor&kind=meeting",
        "/api/search?q=corridor&kind=message",
        "/api/search?q=corridor&kind=note",
        f"/api/search?q=corridor&track_id={food}",
        "/search?q=corridor",
        f"/search?q=corridor&track_id={food}",
        f"/api/tracks/{food}/meetings",
        f"/api/tracks/{food}/notes",
        f"/api/tracks/{food}/notes?channel_id={ua}",
        f"/api/tracks/{food}/assignments",
        "/api/translating",
        f"/api/channels/{ua}/translations",
        f"/api/channels/{ua}/messages",
        f"/api/tracks/{food}/languages",
        f"/api/tracks/{food}/translators",
        f"/api/tracks/{food}/protocols",
        f"/api/tracks/{food}/protocols/poll",
        f"/api/tracks/{food}/protocols/blind_bidding",
        f"/api/tracks/{food}/bidding",
        f"/api/tracks/{food}/events?follow=false",
        f"/tracks/{food}",
        f"/tracks/{food}/meetings",
        f"/tracks/{food}/team",
        f"/tracks/{food}/notes",
        f"/tracks/{food}/assignments",
        f"/tracks/{food}/channel",
        f"/channels/{ua}",
        f"/tracks/{food}/protocols/poll",
        f"/tracks/{food}/protocols/blind_bidding",
        f"/tracks/{food}/bidding",
        "/translate",
        f"/translate/channels/{ua}",
        "/",
        "/agreements",
    ]


class Seen:
    """What the readers of one world see, random ids named by the order they were first shown."""

    def __init__(self, world: World, *, browser: bool = True) -> None:
        self.world = world
        self.names: dict[str, str] = {}
        self.browser = asgi_client(world.app)
        if not browser:
            return
        form = self.browser.get("/login").text
        token = _CSRF.search(form)
        assert token is not None, form
        answer = self.browser.post(
            "/login",
            data={"csrf_token": token[2], "email": "ua@example.org", "password": PASSWORD},
        )
        assert answer.status_code == 303, answer.text
        assert self.browser.get("/").status_code == 200, "signed in"

    def close(self) -> None:
        self.browser.close()

    def _named(self, text: str) -> str:
        def name(m: re.Match[str]) -> str:
            return self.names.setdefault(m.group(0), f"<id {len(self.names) + 1}>")

        return _RANDOM_ID.sub(name, text)

    def read(self, who: str, url: str) -> tuple[str, int, str, str, int]:
        if who == "ua-browser":
            r = self.browser.get(self._unnamed(url))
        else:
            r = self.world.get(who, self._unnamed(url))
        body = _CSRF.sub(lambda m: f'{m[1]}<csrf of {len(m[2])}>"', self._named(r.text))
        headers = sorted((k, self._named(v)) for k, v in r.headers.items() if k not in _LEFT_OUT)
        return url, r.status_code, str(headers), body, len(body.encode())

    def _unnamed(self, url: str) -> str:
        back = {v: k for k, v in self.names.items()}
        return re.sub(r"<id \d+>", lambda m: back[m.group(0)], url)

    def everything(self, who: str) -> list[Any]:
        seen = [self.read(who, url) for url in _reads(self.world)]
        # every meeting, message and attachment the reader was shown, read by its id
        for kind in ("meetings", "attachments"):
            for shown in sorted(set(re.findall(rf"/api/{kind}/(<id \d+>)", str(seen)))):
                seen.append(self.read(who, f"/api/{kind}/{shown}"))
        return seen


def _ok(r: httpx.Response, what: str) -> httpx.Response:
    assert r.is_success, (what, r.status_code, r.text)
    return r


def _setup(world: World) -> None:
    """Both worlds: a translator of the United Nations given the food track, the working
    languages, a poll and a sealed bidding opened."""
    add_translator(world, "tr-food", "United Nations")
    declare(world, "en", "uk", "ru")
    food = world.tracks["food"]
    _ok(world.put("un", f"/api/tracks/{food}/translators/{world.users['tr-food']}"), "translator")
    _ok(world.post("un", f"/api/tracks/{food}/protocols/poll/open_poll",
                   json={"subject": "Ports"}), "poll")  # fmt: skip
    bidding = {"payer": world.orgs["Russian Federation"], "payee": world.orgs["Ukraine"]}
    _ok(world.post("un", f"/api/tracks/{food}/bidding", json=bidding), "bidding")


def _meeting(
    world: World, parties: list[str], summary: str, kind: str = "meeting", day: int = 1
) -> Any:
    """Meetings held the same day list in the order of their random ids: another day each."""
    body = {
        "held_at": (dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC) + dt.timedelta(days=day)).isoformat(),
        "kind": kind,
        "place": "Istanbul",
        "party_ids": [world.orgs[p] for p in parties],
        "summary": summary,
    }
    return world.post("un", f"/api/tracks/{world.tracks['food']}/meetings", json=body)


def _script(world: World) -> Iterator[str]:
    """The observed party's steps, and the mediators' and translator's in its channel or in
    public; yields after each."""
    food = world.tracks["food"]
    ua = world.channels[("food", "ua")]
    poll = f"/api/tracks/{food}/protocols/poll"
    bidding = f"/api/tracks/{food}/protocols/blind_bidding"
    posted: list[int] = []

    def post(who: str, text: str) -> httpx.Response:
        r = world.post(who, f"/api/channels/{ua}/messages", json={"text": text, "language": "uk"})
        posted.append(r.json()["id"])
        return r

    def translate() -> httpx.Response:
        url = f"/api/messages/{posted[0]}/translations/en"
        return world.put("tr-food", url, json={"text": "corridor, translated"})

    steps: list[tuple[str, Callable[[], httpx.Response]]] = [
        ("ua posts", lambda: post("ua", "corridor via Odesa")),
        ("ua attaches", lambda: world.post(
            "ua", f"/api/channels/{ua}/attachments",
            files={"file": ("corridor.txt", b"corridor map", "text/plain")},
            data={"text": "corridor map attached"})),
        ("note on ua", lambda: world.post("un", f"/api/tracks/{food}/notes",
                                          json={"text": "corridor: ua firm", "channel_id": ua})),
        ("note on track", lambda: world.post("un", f"/api/tracks/{food}/notes",
                                             json={"text": "corridor in general"})),
        ("assign ua", lambda: world.post("un", f"/api/tracks/{food}/assignments",
                                         json={"channel_id": ua, "user_id": world.users["tr"]})),
        ("shuttle ua", lambda: _meeting(world, ["Ukraine"], "corridor with ua", "shuttle", 1)),
        ("joint meeting", lambda: _meeting(world, ["Ukraine", "Russian Federation"],
                                           "corridor together", day=2)),
        ("translated", translate),
        ("statement", lambda: world.post("un", f"{poll}/put_statement",
                                         json={"text": "corridor of three ports"})),
        ("ua answers", lambda: world.post("ua", f"{poll}/answer_statement",
                                          json={"statement": 1, "answer": "agree"})),
        ("ua bids", lambda: world.post("ua", f"{bidding}/submit_bid",
                                       json={"round": 1, "amount": 100})),
        ("un replies", lambda: world.post("un", f"/api/channels/{ua}/messages",
                                          json={"text": "corridor reply"})),
        ("ua2 posts", lambda: post("ua2", "corridor again")),
    ]  # fmt: skip
    for name, step in steps:
        _ok(step(), name)
        yield name


def _noise(world: World, k: int) -> None:
    """The other party's private activity, and the mediators' and translator's in its channel."""
    food = world.tracks["food"]
    ru = world.channels[("food", "ru")]
    poll = f"/api/tracks/{food}/protocols/poll"
    for n in range(2):
        r = world.post("ru", f"/api/channels/{ru}/messages",
                       json={"text": f"corridor ru {k}.{n}", "language": "ru"})  # fmt: skip
        _ok(r, "ru posts")
        translation = {"text": f"corridor ru translated {k}.{n}"}
        url = f"/api/messages/{r.json()['id']}/translations/en"
        _ok(world.put("tr-food", url, json=translation), "ru translated")
    _ok(world.post("ru", f"/api/channels/{ru}/attachments",
                   files={"file": ("corridor.txt", b"corridor of theirs", "text/plain")},
                   data={"text": "corridor, theirs"}), "ru attaches")  # fmt: skip
    _ok(world.post("un", f"/api/tracks/{food}/notes",
                   json={"text": f"corridor: ru {k}", "channel_id": ru}), "note on ru")  # fmt: skip
    _ok(
        _meeting(world, ["Russian Federation"], f"corridor with ru {k}", "shuttle", 3 + k),
        "ru shuttle",
    )
    _ok(world.post("un", f"/api/tracks/{food}/assignments",
                   json={"channel_id": ru, "user_id": world.users["un"]}), "assign ru")  # fmt: skip
    statements = world.get("ru", poll).json().get("statements") or []
    for number in range(1, len(statements) + 1):
        answer = {"statement": number, "answer": "disagree", "comment": "corridor no"}
        _ok(world.post("ru", f"{poll}/answer_statement", json=answer), "ru answers")
    world.post("ru", f"/api/tracks/{food}/protocols/blind_bidding/submit_bid",
               json={"round": 1, "amount": 90 + k})  # fmt: skip
    _ok(world.get("ru", "/api/search?q=corridor"), "ru searches")
    _ok(world.get("ru", "/search?q=corridor"), "ru searches a page")


def _diff(x: Any, y: Any) -> str:
    """Where two observations differ (for the failure's message)."""
    lines = difflib.unified_diff(str(x[3]).splitlines(), str(y[3]).splitlines(), lineterm="")
    return f"status {x[1]} {y[1]}; headers same: {x[2] == y[2]}\n" + "\n".join(lines)


def _run(tmp: Path, noisy: bool, clock: Clock) -> list[Any]:
    tmp.mkdir()
    clock.set(START - dt.timedelta(hours=1))
    world = World.build(make_settings(f"sqlite:///{tmp}/gobetween.db"))
    try:
        _setup(world)
        clock.set(START - dt.timedelta(minutes=1))  # signed in a minute before: not idle
        seen = Seen(world)
        observed: list[Any] = []
        for k, name in enumerate(_script_at(world, clock)):
            if noisy:
                clock.set(START + dt.timedelta(minutes=k, seconds=20))
                _noise(world, k)
            clock.set(START + dt.timedelta(minutes=k, seconds=50))
            for who in READERS:
                observed.append((name, who, seen.everything(who)))
        seen.close()
        return observed
    finally:
        world.close()


def _script_at(world: World, clock: Clock) -> Iterator[str]:
    """The script, step k at minute k."""
    steps = _script(world)
    for k in range(100):
        clock.set(START + dt.timedelta(minutes=k))
        name = next(steps, None)
        if name is None:
            return
        yield name


@pytest.mark.slow
def test_the_team_and_protocol_features_show_a_party_nothing_of_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(START)
    clock.install(monkeypatch)
    # every random id of at least 7 digits, so that _RANDOM_ID names each one (an id under
    # 100000, 1 in 21,000 draws, would be compared as drawn and fail the test by chance)
    draw = secrets.randbelow
    least = 10**6
    monkeypatch.setattr(
        secrets, "randbelow", lambda n: draw(n - least) + least if n > 100 * least else draw(n)
    )
    quiet = _run(tmp_path / "quiet", noisy=False, clock=clock)
    busy = _run(tmp_path / "busy", noisy=True, clock=clock)
    assert len(quiet) == len(busy)
    for a, b in zip(quiet, busy, strict=True):
        for x, y in zip(a[2], b[2], strict=True):
            assert x == y, (a[0], a[1], x[0], _diff(x, y))
    # the check can fail: the party is shown its own and public steps
    last = str(quiet[-3][2])
    for shown in ("corridor via Odesa", "corridor with ua", "corridor together", "corridor of"):
        assert shown in last, shown


class Draws:
    """``secrets.randbelow`` as :func:`gobetween.store.tables.random_id` calls it, giving the
    ids listed, in order: two worlds where a random id of the observed party's happens to be
    one the other party's row already holds, and where it does not."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = iter(ids)

    def __call__(self, _bound: int) -> int:
        return next(self.ids) - 1  # random_id adds one


def _collide(world: World, busy: bool) -> list[Any]:
    """The other party (busy world) then the observed party, or the observed party alone,
    create what random ids number: an API token (and its security-log entry), a signing key,
    a meeting; what the observed party is shown."""
    food = world.tracks["food"]
    key = generate_private_key()
    pem = {"public_key_pem": public_key_pem(key).decode()}
    theirs = {
        "token": lambda: world.post("ru", "/api/auth/tokens", json={"name": "theirs"}),
        "key": lambda: world.post("ru", f"/api/organisations/{world.orgs['Russian Federation']}"
                                  "/keys", json={"public_key_pem": public_key_pem(
                                      generate_private_key()).decode()}),
        "meeting": lambda: _meeting(world, ["Russian Federation"], "theirs", "shuttle", 1),
    }  # fmt: skip
    ours = {
        "token": lambda: world.post("ua", "/api/auth/tokens", json={"name": "ours"}),
        "key": lambda: world.post("ua", f"/api/organisations/{world.orgs['Ukraine']}/keys",
                                  json=pem),
        "meeting": lambda: _meeting(world, ["Ukraine"], "ours", "shuttle", 2),
    }  # fmt: skip
    seen = Seen(world, browser=False)
    shown: list[Any] = []
    for what in ours:
        if busy:
            _ok(theirs[what](), what)
        r = ours[what]()
        shown.append((what, r.status_code))
    for url in ("/api/auth/tokens", f"/api/tracks/{food}/meetings"):
        shown.append(masked(str(seen.read("ua", url)[1:])))  # times: no clock set here
    seen.close()
    return shown


def test_a_partys_write_does_not_fail_on_an_id_the_other_party_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A random id was drawn without looking: one the other party's row already held made the
    observed party's write fail (500) until 5 December 2026, with a chance of the table's rows
    over 2**31 per write. Here the draws are chosen so that it happens: the observed party's
    token and its security-log entry, its signing key and that act's entry, and its meeting
    draw T, E, K, R and M in both worlds; in the busy world the other party's draw T', E, K,
    R' and M first, so the observed party's E, K and M are taken (a second draw, E2, K2 and
    M2, is there for a write that looks)."""
    import secrets

    import gobetween.store.tables as tables_module

    assert tables_module.secrets is secrets
    t, e, k, r, m = 1_000_001, 2_000_001, 3_000_001, 4_000_001, 5_000_001
    t_, r_, e2, k2, m2 = 1_000_009, 4_000_009, 2_000_002, 3_000_002, 5_000_002
    draws = {
        False: [t, e, k, r, m],
        True: [t_, e, t, e, e2, k, r_, k, k2, r, m, m, m2],
    }
    seen = {}
    for busy in (False, True):
        (tmp_path / str(busy)).mkdir()
        world = World.build(make_settings(f"sqlite:///{tmp_path / str(busy)}/gobetween.db"))
        try:
            monkeypatch.setattr(secrets, "randbelow", Draws(draws[busy]))
            seen[busy] = _collide(world, busy)
        finally:
            monkeypatch.undo()
            world.close()
    assert seen[False][:3] == [("token", 201), ("key", 201), ("meeting", 201)]
    assert seen[True] == seen[False]


def test_every_table_whose_rows_take_a_random_id_is_kept_from_collisions() -> None:
    """The listener that draws again knows every table whose writer draws ``id=random_id()``
    itself (the others name ``random_id`` as their column's default)."""
    import gobetween
    from gobetween.store.tables import RANDOM_ID_TABLES, Base

    tables = {m.class_.__name__: m.local_table.name for m in Base.registry.mappers}
    drawn = set()
    for source in Path(gobetween.__file__).parent.rglob("*.py"):
        for name in re.findall(r"\.(\w+)\(\s*id=t\.random_id\(\)", source.read_text()):
            drawn.add(tables[name])
    assert drawn >= {"meetings", "mediator_notes", "signing_keys"}  # the search finds them
    assert drawn <= RANDOM_ID_TABLES


def _database_work(tmp: Path, rounds: int, clock: Clock) -> dict[str, int]:
    """SQLite's steps for each of the observed member's reads, after the script with the other
    party's private activity ``rounds`` times at three of its steps."""
    tmp.mkdir()
    clock.set(START - dt.timedelta(hours=1))
    world = World.build(make_settings(f"sqlite:///{tmp}/gobetween.db"))
    try:
        _setup(world)
        for k, _name in enumerate(_script_at(world, clock)):
            for i in range(rounds if k in (0, 5, 9) else 0):
                _noise(world, 100 * k + i)
        seen = Seen(world, browser=False)
        work = {}
        for url in _reads(world):
            seen.read("ua", url)  # the first read of a kind fills the workers' caches
            with counting_steps(world) as steps:
                seen.read("ua", url)
            work[url] = steps[0]
        seen.close()
        return work
    finally:
        world.close()


@pytest.mark.slow
def test_a_partys_reads_cost_the_database_the_same_whatever_the_other_party_adds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other party's private activity once or ten times at three steps (each time two
    messages and their translations, an attachment, a note on its channel, a shuttle visit, an
    assignment, poll answers, a bid, searches; some 250 rows more where the reads look):
    each of the observed member's reads takes the same number of SQLite's steps, but for
    :data:`_ID_STEPS` either way. Those follow the random ids, not the other party: the end of
    an index range is found a step later when a row of the other party's happens to sit right
    after the party's last one, which one row of it in the quiet world can do as well as 250. A
    read that stepped over the other party's rows would take at least a step for each."""
    clock = Clock(START)
    clock.install(monkeypatch)
    quiet = _database_work(tmp_path / "quiet", 1, clock)
    busy = _database_work(tmp_path / "busy", 10, clock)
    assert quiet.keys() == busy.keys()
    apart = {
        url: busy[url] - quiet[url] for url in quiet if abs(busy[url] - quiet[url]) > _ID_STEPS
    }
    assert not apart, apart
    assert quiet["/api/search?q=corridor"] > 100  # the steps are counted
