"""How long one user's heaviest requests hold the write lock (docs/security.md, *Promise 2*).

Every writing unit of work (``Database.unit_of_work(write=True)``: SQLite's ``BEGIN
IMMEDIATE``, every other user's write waiting) is timed from the moment it holds the lock to
its end; for each request the longest is printed, with how many units it opened. The cases:
``bundle`` (a signed bundle of 4.8 MB, the API's limit, that cannot be used: many small parts
and one byte off the canonical form), ``read`` (marking a channel of 5,000 messages read on
its page, then again), ``login`` and ``password`` (Argon2 at the default cost), ``invite``
and ``reset`` (a new password chosen with an invitation's or a reset link, by the API and on
the page, and the used link again; Argon2 at the default cost), ``setup`` (the first
administrator of an empty installation), ``import``
(the largest voyage file, 50,000 rows), ``drafts`` (a draft of about 950 KB, the body
limit's size, saved, approved, published; a version and an answer of that size),
``agreement`` (created, signed, the tick), ``versions`` (the single text published and answered
after 1, 10, 40 and 100 versions of about 950 KB each, each step applying only the events since
the state this process kept, :mod:`gobetween.service.protocol_states`; then, with the kept
states emptied as after a restart, by the texts' routes and by the generic ones, each of which
replays the text in a read-only unit first), ``cold`` (every other route and page form that
steps a protocol, each with the kept states emptied first: the relay's offer, forward and
decline, a draft's publication, an answer's withdrawal, the generic protocol page's form and
the channel's offer form), ``workers`` (a second worker process, a second pool on the same
database, publishes 10 versions of about 950 KB while the first keeps the text's state; then a
party's answer through the first: until 6 December 2026 it applied those versions inside its
writing unit, now in a read-only unit before it, or none when the first worker's keeper, which
runs every ``sse_poll_seconds``, has applied them) and ``startup`` (the worker's start-up round,
:mod:`gobetween.service.state_keeper`, which replays every stream it keeps before it serves:
on the demo that ``gobetween demo`` builds, and on a large database of 42 tracks, 40 of them
with 5 versions of about 950 KB, 100 answers and 100 offers each).

Run from the project root (SQLite in a temporary folder)::

    .venv/bin/python -m benchmarks.write_lock_holds
    .venv/bin/python -m benchmarks.write_lock_holds bundle read
    .venv/bin/python -m benchmarks.write_lock_holds workers startup
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import json
import resource
import tempfile
import time
from collections.abc import Callable
from typing import Any

import rfc8785
from sqlalchemy import select
from tests.monitoring.big_files import largest_allowed_csv
from tests.service import agree_helpers as ah
from tests.service import links
from tests.service.asgi import client as asgi_client
from tests.service.world import PASSWORD, World, make_settings
from tests.service.write_units import WriteUnits
from tests.web.site import Site, csrf, one, settings_for, soup

from gobetween.agreements.bundle import Bundle
from gobetween.service import negotiate, protocol_states
from gobetween.service.app import create_app
from gobetween.store import repositories
from gobetween.store import tables as t

UNITS = WriteUnits()
HOLDS = UNITS.holds


def _run(label: str, request: Callable[[], Any]) -> Any:
    HOLDS.clear()
    started = time.perf_counter()
    r = request()
    total = time.perf_counter() - started
    longest = max(HOLDS, default=0.0) * 1000
    print(
        f"{label}: {r.status_code}, {total:.2f} s in all, {len(HOLDS)} writing units, "
        f"the longest {longest:.0f} ms",
        flush=True,
    )
    return r


def _world(folder: str, **settings: Any) -> World:
    return World.build(make_settings(f"sqlite:///{folder}/w.db", **settings))


def bundle(folder: str) -> None:
    w = _world(folder)
    track = ah.make_ready(w)
    keys = ah.register_keys(w)
    aid = ah.create(w, track)["id"]
    stored = w.get("ru", f"/api/agreements/{aid}/bundle").content
    signed = Bundle.from_bytes(stored).sign("Russian Federation", keys["ru"]).to_bytes()
    document = json.loads(signed)
    for n in range(24_000):
        data = f"pad {n} ".encode() * 8
        document["parts"][f"pad/{n:07d}"] = base64.b64encode(data).decode()
        document["manifest"][f"pad/{n:07d}"] = hashlib.sha256(data).hexdigest()
    heavy = rfc8785.dumps(document) + b" "
    url = f"/api/agreements/{aid}/signed-bundle"
    kind = {"content-type": "application/octet-stream"}
    _run(
        f"unusable bundle of {len(heavy):,} bytes",
        lambda: w.post("ru", url, content=heavy, headers=kind),
    )
    _run("usable bundle", lambda: w.post("ru", url, content=signed, headers=kind))
    w.close()


def read(folder: str) -> None:
    site = Site.build(settings_for(f"sqlite:///{folder}/s.db"))
    ukraine = site.client("ukraine")
    page = ukraine.get(f"/tracks/{site.tracks['food corridor']}/channel", follow_redirects=True)
    channel = int(str(one(soup(page), "form#composer")["action"]).split("/")[2])
    with site.services.db.unit_of_work() as session:
        email = "ukraine@demo.gobetween.org"
        uid = session.execute(select(t.User.id).where(t.User.email == email)).scalar_one()
        author = repositories.load_actor(session, uid)
        for n in range(5_000):
            negotiate.post_message(session, author, channel, negotiate.Post(f"message {n}"))
    un = site.client("un")
    token = csrf(soup(un.get(f"/channels/{channel}")))
    for label in ("mark 5,000 messages read", "mark them read again"):
        _run(label, lambda: un.post(f"/channels/{channel}/read", data={"csrf_token": token}))
    site.close()


def login(folder: str) -> None:
    w = _world(folder, argon2_time_cost=3, argon2_memory_kib=65536)  # the defaults
    with asgi_client(w.app) as c:
        for label, password in (("log-in, right password", PASSWORD), ("wrong", "not it at all")):
            body = {"email": "ua@example.org", "password": password}
            _run(label, functools.partial(c.post, "/api/auth/login", json=body))
    w.close()


def password(folder: str) -> None:
    w = _world(folder, argon2_time_cost=3, argon2_memory_kib=65536)
    with asgi_client(w.app) as c:
        body = {"email": "ua@example.org", "password": PASSWORD}
        header = {"X-CSRF-Token": c.post("/api/auth/login", json=body).json()["csrf_token"]}
        old, new = PASSWORD, "another good password"
        for _ in range(2):
            change = {"current_password": old, "new_password": new}
            _run(
                "password change",
                functools.partial(c.post, "/api/auth/password", json=change, headers=header),
            )
            old, new = new, old
    w.close()


def invite(folder: str) -> None:
    w = _world(folder, argon2_time_cost=3, argon2_memory_kib=65536)
    form = {"name": "New", "password": "a brand new password"}
    with asgi_client(w.app) as c:
        token = links.invitation_link(w, "new@example.org")
        accept = functools.partial(c.post, "/api/invitations/accept", json={**form, "token": token})
        _run("invitation accepted with a new password", accept)
        _run("  the same link again", accept)
        page = f"/invitations/{links.invitation_link(w, 'other@example.org')}"
        _run("  on its page", functools.partial(c.post, page, data=form, follow_redirects=False))
    w.close()


def reset(folder: str) -> None:
    w = _world(folder, argon2_time_cost=3, argon2_memory_kib=65536)
    with asgi_client(w.app) as c:
        body = {
            "token": links.reset_link(w.services.db, "ua@example.org"),
            "password": "new one!!!",
        }
        confirm = functools.partial(c.post, "/api/auth/password-reset/confirm", json=body)
        _run("password reset with a link", confirm)
        _run("  the same link again", confirm)
        page = f"/reset/{links.reset_link(w.services.db, 'ua@example.org')}"
        form = {"password": "another new one"}
        _run("  on its page", functools.partial(c.post, page, data=form, follow_redirects=False))
    w.close()


def first_admin(folder: str) -> None:
    settings = make_settings(
        f"sqlite:///{folder}/e.db", argon2_time_cost=3, argon2_memory_kib=65536
    )
    app = create_app(settings)
    first = {"email": "ana@un.example", "name": "Ana", "password": "first admin password"}
    with asgi_client(app) as c:
        _run("first administrator set up", functools.partial(c.post, "/api/setup", json=first))
    app.state.services.db.dispose()


def imports(folder: str) -> None:
    w = _world(folder)
    track = ah.make_ready(w)
    keys = ah.register_keys(w)
    aid = ah.create(w, track)["id"]
    ah.sign_all(w, aid, keys)
    files = {"file": ("v.csv", largest_allowed_csv(50_000), "text/csv")}
    url = f"/api/agreements/{aid}/record/imports"
    _run("import of 50,000 voyage rows", lambda: w.post("un", url, files=files))
    ordered = sorted(HOLDS)
    second, median = ordered[-2] * 1000, ordered[len(ordered) // 2] * 1000
    print(f"  (the second longest {second:.0f} ms, the median {median:.0f} ms)")
    _run("the same file again", lambda: w.post("un", url, files=files))
    w.close()


def versions(folder: str) -> None:
    w = _world(folder)
    food = w.tracks["food"]
    package = {"ports": "Odesa", "inspection": "at sea", "term": "120"}
    words = " ".join(f"w{i % 977}x{i % 13}" for i in range(800))[:4700]
    url = f"/api/tracks/{food}/text"
    generic = f"/api/tracks/{food}/protocols/single_text"

    def body(k: int) -> dict[str, Any]:
        arts = [{"id": f"a{n}", "wording": {"en": f"{n} {k} {words}"}} for n in range(200)]
        return {"package": package, "articles": arts}

    def publish(k: int, address: str = f"{url}/versions") -> Any:
        return w.post("un", address, json=body(k))

    def answer(k: int, address: str = f"{url}/answers") -> Any:
        return w.post("ua", address, json={"version": k, "kind": "accept"})

    def restart() -> None:
        with w.services.db.unit_of_work(write=False) as session:
            protocol_states.cache_of(session).clear()

    for k in range(1, 101):
        if k in (1, 10, 40, 100):
            _run(f"publish version {k}", functools.partial(publish, k))
            _run(f"  a party's answer to {k}", functools.partial(answer, k))
        else:
            assert publish(k).status_code == 201
    for k, how, ways in (
        (101, "texts' routes", (f"{url}/versions", f"{url}/answers")),
        (102, "generic routes", (f"{generic}/publish_text", f"{generic}/answer_text")),
    ):
        restart()
        _run(f"publish version {k}, states emptied, {how}", functools.partial(publish, k, ways[0]))
        restart()
        _run(f"  a party's answer to {k}, states emptied", functools.partial(answer, k, ways[1]))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  (the process's peak memory: {peak:.0f} MB)")
    w.close()


def _empty_states(services: Any) -> None:
    """The worker's kept protocol states emptied, as when it starts again."""
    with services.db.unit_of_work(write=False) as session:
        protocol_states.cache_of(session).clear()


def cold(folder: str) -> None:
    """Every other route and page form that steps a protocol, each with the worker's kept
    states emptied just before (a restart): the relay's offer, forward and decline (API, 2,000
    offers), a draft's publication (API, after 40 versions of 950 KB) and an answer's
    withdrawal; the generic page's form (a poll of 150 statements of 2,000 characters and 2,000
    answers) and the channel's offer form (2,000 offers)."""
    w = _world(folder)
    food = w.tracks["food"]
    package = {"ports": "Odesa", "inspection": "at sea", "term": "120"}
    words = " ".join(f"w{i % 977}x{i % 13}" for i in range(800))[:4700]
    text, offers = f"/api/tracks/{food}/text", f"/api/tracks/{food}/offers"

    def body(k: int) -> dict[str, Any]:
        arts = [{"id": f"a{n}", "wording": {"en": f"{n} {k} {words}"}} for n in range(200)]
        return {"package": package, "articles": arts}

    for k in range(1, 41):
        assert w.post("un", f"{text}/versions", json=body(k)).status_code == 201
    for i in range(1000):
        for who in ("ua", "ru"):
            sent = w.post(who, offers, json={"message": f"{who} {i}"})
            assert sent.status_code == 201
    draft = w.post("un", f"{text}/drafts", json=body(41)).json()["id"]
    steps = (
        ("a party's offer", lambda: w.post("ua", offers, json={"message": "mine"})),
        ("an offer forwarded", lambda: w.post("un", f"{offers}/1/forward", json={})),
        ("an offer declined", lambda: w.post("un", f"{offers}/2/decline", json={"reason": "r"})),
        (
            "a draft published (version 41)",
            lambda: w.post("un", f"{text}/drafts/{draft}/publication", json={"confirm": True}),
        ),
        ("an answer withdrawn", lambda: w.request("ua", "DELETE", f"{text}/answers/41")),
    )
    for label, request in steps:
        if label == "an answer withdrawn":
            answer = {"version": 41, "kind": "accept"}
            assert w.post("ua", f"{text}/answers", json=answer).status_code == 201
        _empty_states(w.services)
        _run(f"{label}, states emptied", request)
    w.close()
    _cold_pages(folder)


def _cold_pages(folder: str) -> None:
    from gobetween.protocols import poll
    from gobetween.service import protocol_steps, texts

    site = Site.build(settings_for(f"sqlite:///{folder}/s.db"))
    food = site.tracks["food corridor"]
    with site.services.db.unit_of_work() as session:
        ids = {
            seat: session.execute(
                select(t.User.id).where(t.User.email == f"{seat}@demo.gobetween.org")
            ).scalar_one()
            for seat in ("un", "ukraine", "russia")
        }
    with site.services.db.unit_of_work() as session:
        actors = {seat: repositories.load_actor(session, uid) for seat, uid in ids.items()}
        opened = {"subject": "Ports"}
        protocol_steps.perform(session, actors["un"], food, poll.PROTOCOL, poll.OPEN_POLL, opened)
    for n in range(150):
        with site.services.db.unit_of_work() as session:
            put = {"text": f"{n} " + "s" * 1990}
            protocol_steps.perform(
                session, actors["un"], food, poll.PROTOCOL, poll.PUT_STATEMENT, put
            )
    for n in range(1000):
        with site.services.db.unit_of_work() as session:
            for seat in ("ukraine", "russia"):
                given = {"statement": 1 + n % 150, "answer": "agree", "comment": "c" * 1000}
                protocol_steps.perform(
                    session, actors[seat], food, poll.PROTOCOL, poll.ANSWER_STATEMENT, given
                )
                texts.submit_offer(session, actors[seat], food, options={}, message=f"{n}")
    un, ua = site.client("un"), site.client("ukraine")
    page = f"/tracks/{food}/protocols/poll"
    token = csrf(soup(un.get(page)))
    _empty_states(site.services)
    put = {"csrf_token": token, "text": "one more"}
    _run(
        "generic page form (a statement put), states emptied",
        lambda: un.post(f"{page}/put_statement", data=put),
    )
    token = csrf(soup(ua.get(f"/tracks/{food}/channel", follow_redirects=True)))
    _empty_states(site.services)
    form = {"csrf_token": token, "message": "mine"}
    _run(
        "the channel's offer form, states emptied",
        lambda: ua.post(f"/tracks/{food}/offers", data=form),
    )
    site.close()


def drafts(folder: str) -> None:
    w = _world(folder)
    url = f"/api/tracks/{w.tracks['food']}/text"
    package = {"ports": "Odesa", "inspection": "at sea", "term": "120"}
    words = " ".join(f"w{i % 977}x{i % 13}" for i in range(800))[:4700]
    arts = [{"id": f"a{n}", "wording": {"en": f"{n} {words}"}} for n in range(200)]
    body = {"package": package, "articles": arts}
    print(f"  (bodies of {len(json.dumps(body)):,} bytes)")
    d = _run("draft saved", lambda: w.post("un", f"{url}/drafts", json=body)).json()
    draft = f"{url}/drafts/{d['id']}"
    _run("draft saved again", lambda: w.put("un", draft, json={**body, "base": d["digest"]}))
    _run("draft approved", lambda: w.post("tr", f"{draft}/approval"))
    _run("draft published", lambda: w.post("un", f"{draft}/publication", json={"confirm": True}))
    arts2 = [{"id": f"a{n}", "wording": {"en": f"{n + 1} {words[::-1]}"}} for n in range(200)]
    body2 = {"package": package, "articles": arts2}
    _run("version 2 published", lambda: w.post("un", f"{url}/versions", json=body2))
    answers = [
        {"article": f"a{n}", "stance": "cannot_accept", "reason": "r" * 4000} for n in range(200)
    ]
    answer = {"version": 2, "kind": "amend", "articles": answers, "amendments": {}}
    _run("answered, per article", lambda: w.post("ua", f"{url}/answers", json=answer))
    w.close()


def agreement(folder: str) -> None:
    w = _world(folder)
    track = ah.make_ready(w)
    keys = ah.register_keys(w)
    aid = _run("agreement created", lambda: ah_create(w, track)).json()["id"]
    view = w.get("ua", f"/api/agreements/{aid}").json()
    party, signer = view["may_sign"][0]
    params = {"party": party, "signer": signer}
    message = w.get("ua", f"/api/agreements/{aid}/signing-request", params=params).json()
    value = base64.b64encode(keys["ua"].sign(base64.b64decode(message["message"]))).decode()
    signature = {"party": party, "signer": signer, "signature": value}
    _run("signed", lambda: w.post("ua", f"/api/agreements/{aid}/signatures", json=signature))
    _run("tick", lambda: w.post("un", f"/api/agreements/{aid}/tick"))
    w.close()


def _keeper_round(db: Any) -> str:
    """A round of the worker's state keeper (none before 6 December 2026: the old tree, run
    with ``PYTHONPATH``, has no keeper)."""
    try:
        from gobetween.service import state_keeper
    except ImportError:
        return "no keeper"
    done = state_keeper.run_once(db)
    return f"{done.streams} streams, {done.applied} events replayed in {done.seconds:.2f} s"


def _versions_body(k: int) -> dict[str, Any]:
    words = " ".join(f"w{i % 977}x{i % 13}" for i in range(800))[:4700]
    arts = [{"id": f"a{n}", "wording": {"en": f"{n} {k} {words}"}} for n in range(200)]
    return {"package": {"ports": "Odesa", "inspection": "at sea", "term": "120"}, "articles": arts}


def workers(folder: str) -> None:
    """A party's answer through one worker after another worker published 10 versions of
    950 KB: without and with a round of the first worker's keeper in between."""
    from gobetween.store.db import Database

    w = _world(folder)
    second = Database(w.services.settings.database_url)
    other = asgi_client(create_app(w.services.settings, database=second))
    url = f"/api/tracks/{w.tracks['food']}/text"

    def publish_elsewhere(first: int) -> None:
        for k in range(first, first + 10):
            r = other.post(f"{url}/versions", json=_versions_body(k), headers=w.headers("un"))
            assert r.status_code == 201, r.text

    def answer(k: int) -> Any:
        return w.post("ua", f"{url}/answers", json={"version": k, "kind": "accept"})

    for k in range(1, 11):
        assert w.post("un", f"{url}/versions", json=_versions_body(k)).status_code == 201
    assert answer(10).status_code == 201  # the first worker keeps the text, current
    publish_elsewhere(11)
    _run("a party's answer after another worker's 10 versions", lambda: answer(20))
    publish_elsewhere(21)
    print(f"  the first worker's keeper round: {_keeper_round(w.services.db)}")
    _run("  the same after a keeper round", lambda: answer(30))
    other.close()
    second.dispose()
    w.close()


def startup(folder: str) -> None:
    """The start-up round on the demo and on a large database (42 tracks)."""
    import pathlib
    import subprocess
    import sys

    from gobetween.protocols.single_text import AnswerKind
    from gobetween.service import prepare, texts

    demo = f"sqlite:///{folder}/demo.db"
    subprocess.run(
        [sys.executable, "-m", "gobetween", "demo", "--no-serve", "--database-url", demo],
        check=True,
        capture_output=True,
    )
    print(f"start-up round, the demo: {_fresh_start(demo)}", flush=True)
    w = _world(folder)
    o = w.orgs
    started = time.perf_counter()
    tracks = []
    with w.services.db.unit_of_work() as session:
        admin = repositories.load_actor(session, w.users["admin"])
        for i in range(40):
            made = prepare.create_track(
                session,
                admin,
                w.process_id,
                name=f"track {i}",
                agenda=_food_agenda(),
                organisation_ids=[o["Ukraine"], o["Russian Federation"], o["United Nations"]],
            )
            session.flush()
            tracks.append(made.id)
    for track in tracks:
        for k in range(1, 6):
            r = w.post("un", f"/api/tracks/{track}/text/versions", json=_versions_body(k))
            assert r.status_code == 201, r.text
        for i in range(100):
            with w.services.db.unit_of_work() as session:
                who = repositories.load_actor(session, w.users["ru" if i % 2 else "ua"])
                texts.answer_text(
                    session, who, track, version=5, kind=AnswerKind.REJECT, reasons=(f"r{i}",)
                )
                texts.submit_offer(session, who, track, options={}, message=f"o{i}")
    size = sum(f.stat().st_size for f in pathlib.Path(folder).glob("w.db*"))
    print(f"  (built in {time.perf_counter() - started:.0f} s; {size / 2**20:.0f} MB on disk)")
    print(f"start-up round, the large database: {_fresh_start(w.services.settings.database_url)}")
    _keeper_round(w.services.db)  # this process's own states, as a worker's after its start
    rounds = [_keeper_round(w.services.db) for _ in range(5)]
    print(f"  the next rounds, nothing new: {'; '.join(rounds)}")
    w.close()


def _fresh_start(url: str) -> str:
    """The start-up round in a new process (as a worker starts), with its resident memory
    before and after."""
    import subprocess
    import sys

    code = (
        "import gc; from gobetween.store.db import Database; "
        "from benchmarks.write_lock_holds import _keeper_round, _resident; "
        "from gobetween.service import protocol_states; "
        f"db = Database({url!r}); before = _resident(); done = _keeper_round(db); gc.collect(); "
        "kept = protocol_states.cache_of(db.engine).bytes / 2**20; "
        "print(f'{done} ({kept:.0f} MB of stored events kept; resident memory "
        "{before:.0f} MB before, {_resident():.0f} MB after)')"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return done.stdout.decode().strip()


def _resident() -> float:
    """This process's resident memory now, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _food_agenda() -> Any:
    from tests.service.world import food_agenda

    return food_agenda()


def ah_create(w: World, track: int) -> Any:
    return w.post("un", f"/api/tracks/{track}/agreements", json=ah.AGREEMENT)


CASES = {
    "bundle": bundle,
    "read": read,
    "login": login,
    "password": password,
    "invite": invite,
    "reset": reset,
    "setup": first_admin,
    "import": imports,
    "versions": versions,
    "cold": cold,
    "drafts": drafts,
    "agreement": agreement,
    "workers": workers,
    "startup": startup,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help=", ".join(CASES) + " (default: all)")
    args = parser.parse_args()
    UNITS.install(setattr)
    unknown = set(args.cases) - set(CASES)
    if unknown:
        parser.error(f"no case {', '.join(sorted(unknown))}")
    for name in args.cases or CASES:
        with tempfile.TemporaryDirectory() as folder:
            CASES[name](folder)


if __name__ == "__main__":
    main()
