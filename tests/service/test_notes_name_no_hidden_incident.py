"""Free text every signatory reads names no incident hidden from one of them
(:mod:`gobetween.service.hidden_incidents`), on SQLite and on PostgreSQL.

The joint team could write "held at minimal because of INC-..." in an assessment's note for
every signatory, or in a piece of evidence's reference or note, while that incident, alleged
against Ukraine, was still pending: the note told Ukraine of the allegation the incidents' rules
hide from it. Such a text is now refused at its field (422, the API's ``errors[].location`` and
the page's field), saying which reference and who may not read it yet, and nothing is stored;
the internal note (the mediators' alone) stays free, and so is every text once the incident is
visible to every signatory. A party writing a record event that names what it may not read
itself is answered exactly as for a reference that does not exist.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.service.agree_helpers import create, make_ready, register_keys, sign_all
from tests.service.test_implement_records import INCIDENT
from tests.service.test_record_bounds import aid  # noqa: F401 (the fixture)
from tests.service.world import World
from tests.web.form_schema import post_form, refused_at
from tests.web.site import soup
from tests.web.test_assessment_notes_page import _browser, _publish_provisions

from gobetween.service import incidents

REFERENCE = "INC-1A2B3C4D"
LINK = {"kind": "link", "reference": "https://www.un.org/en/bsgi"}
#: how people type the reference in a note (case, spaces, dashes, its tail alone, full width,
#: another script's look-alike letters and digits)
TYPED = (
    "Held at minimal because of INC-1A2B3C4D.",
    "held because of inc-1a2b3c4d",
    "see INC 1A2B3C4D",
    "see INC1A2B3C4D",
    "see INC\u20131A2B 3C4D",
    "see incident 1a2b3c4d, still pending",
    "see \uff29\uff2e\uff23-\uff11\uff21\uff12\uff22\uff13\uff23\uff14\uff24",
    # a Ukrainian keyboard layout left on: Cyrillic І, С, А, В (before: taken, and Ukraine read it)
    "see \u0406N\u0421-1\u04102\u04123\u04214D",
    "see INC-\u0661A\u0662B\u0663C\u0664D",  # Arabic-Indic digits
)


def _allege(world: World, aid: int, monkeypatch: pytest.MonkeyPatch, who: str = "ru") -> str:  # noqa: F811
    """An incident alleged by ``who`` (against the other party), its reference fixed."""
    with monkeypatch.context() as m:
        m.setattr(incidents, "_new_reference", lambda *_: REFERENCE)
        made = world.post(who, f"/api/agreements/{aid}/incidents", json=INCIDENT)
    assert made.status_code == 201, made.text
    return str(made.json()["key"])


def _assess(world: World, aid: int, body: dict[str, Any]) -> Any:  # noqa: F811
    return world.post("un", f"/api/agreements/{aid}/provisions/art-1/assessments", json=body)


def _history(world: World, aid: int) -> list[dict[str, Any]]:  # noqa: F811
    read = world.get("un", f"/api/agreements/{aid}/provisions").json()
    return list(read["provisions"][0]["history"])


def _refused_at(r: Any, location: str) -> str:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    (error,) = r.json()["errors"]
    assert error["location"] == location
    return str(error["message"])


def _page_refuses(world: World, aid: int) -> None:  # noqa: F811
    """The page's form calls the same service function: refused at the field, as typed."""
    page = f"/agreements/{aid}/implementation"
    form = {"key": "art-1", "level": "minimal", "evidence": "link", "reference": LINK["reference"]}
    un = _browser(world, "un")
    try:
        r = post_form(un, page, f"{page}/provisions", {**form, "note": TYPED[1]})
        assert "INC-1A2B3C4D is not yet visible to Ukraine" in refused_at(r, "prov-note")
        assert TYPED[1] in r.text  # the form as typed
        sent = {**form, "reference": f"https://jcc.example/{REFERENCE}"}
        r = post_form(un, page, f"{page}/provisions", sent)
        assert "not yet visible to Ukraine" in refused_at(r, "prov-reference")
    finally:
        un.close()


def test_a_pending_incident_is_refused_in_what_every_signatory_reads(
    world: World,
    aid: int,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _allege(world, aid, monkeypatch)  # by the Russian Federation, against Ukraine: pending
    base = {"level": "minimal", "evidence": [LINK]}
    for note in TYPED:
        said = _refused_at(_assess(world, aid, {**base, "note": note}), "body.note")
        assert said == (
            "INC-1A2B3C4D is not yet visible to Ukraine; name it in the internal note, which "
            "only the mediators read, or wait until it is shared"
        )
    document = {"kind": "document", "reference": f"JCC report on {REFERENCE}"}
    r = _assess(world, aid, {**base, "evidence": [LINK, document]})
    assert "not yet visible to Ukraine" in _refused_at(r, "body.evidence.1.reference")
    noted = {**LINK, "note": f"after {REFERENCE.lower()}"}
    r = _assess(world, aid, {**base, "evidence": [noted]})
    assert "not yet visible to Ukraine" in _refused_at(r, "body.evidence.0.note")
    # an event of the record shown to Ukraine (an exchange, say) may not carry it either; one
    # that names only the incident is hidden from Ukraine whole (policy.evidence_access): free
    text = "EX-2022-09-21,2022-09-21,Chernihiv,Russian Federation,Ukraine,civilians,3,ICRC\n"
    head = "Exchange,Date,Place,Released by,Returned to,Category,Number,Verified by\n"
    file = {"file": ("exchanges.csv", (head + text).encode(), "text/csv")}
    imported = world.post("un", f"/api/agreements/{aid}/record/kinds/exchanges/imports", files=file)
    assert imported.status_code == 201, imported.text
    both = {"kind": "event", "reference": f"EX-2022-09-21 and {REFERENCE}"}
    r = _assess(world, aid, {**base, "evidence": [both]})
    assert "not yet visible to Ukraine" in _refused_at(r, "body.evidence.0.reference")
    _page_refuses(world, aid)
    assert _history(world, aid) == []  # nothing stored
    # the internal note, and an event citing the incident alone, are free
    alone = {"kind": "event", "reference": f"incident {REFERENCE}", "note": REFERENCE}
    free = {**base, "evidence": [LINK, alone], "internal_note": TYPED[0]}
    assert _assess(world, aid, free).status_code == 201
    # once the accused party reads the incident, every text may name it
    assessed = {"assessment": "verified"}
    r = world.post("un", f"/api/agreements/{aid}/incidents/{REFERENCE}/assessment", json=assessed)
    assert r.status_code == 200, r.text
    later = {"level": "intermediate", "evidence": [document, noted], "note": TYPED[0]}
    assert _assess(world, aid, later).status_code == 201
    assert [h["note"] for h in _history(world, aid)] == ["", TYPED[0]]


def _event(item: str, words: str) -> dict[str, Any]:
    return {
        "type": "registration",
        "at": "2022-08-01T08:00:00+00:00",
        "item": item,
        "registered_by": "Ukraine",
        "description": words,
    }


def test_a_party_naming_an_incident_hidden_from_it_learns_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every signatory reads the record's events. Ukraine names a reference that, in one
    agreement, is the Russian Federation's incident pending against it and, in another, names
    nothing: the same answer, byte for byte. The Russian Federation, which may read its own
    allegation, is refused naming it in an event Ukraine reads."""
    track, keys = make_ready(world), register_keys(world)
    # two agreements of the same text (other terms: another day of entry into force)
    first, other = (
        int(create(world, track, effective_date=d)["id"]) for d in ("2022-07-22", "2022-07-23")
    )
    for agreement in (first, other):
        sign_all(world, agreement, keys)
        kinds = {"kinds": ["incidents"]}
        assert world.put("un", f"/api/agreements/{agreement}/record/kinds", json=kinds).is_success
    _allege(world, first, monkeypatch)
    answers = [
        world.post(
            "ua", f"/api/agreements/{n}/record/events", json=_event("v1", f"cf. {REFERENCE}")
        )
        for n in (first, other)
    ]
    assert answers[0].status_code == 201, answers[0].text
    assert (answers[0].status_code, answers[0].content) == (
        answers[1].status_code,
        answers[1].content,
    )
    theirs = {
        "type": "incident",
        "at": "2022-08-02T08:00:00+00:00",
        "incident": "I-1",
        "reported_by": "Russian Federation",
        "description": f"as alleged in {REFERENCE}",
    }
    r = world.post("ru", f"/api/agreements/{first}/record/events", json=theirs)
    assert _refused_at(r, "body.description") == (
        "INC-1A2B3C4D is not yet visible to Ukraine; leave it out of this text, which every "
        "signatory reads, or wait until it is shared"
    )


def test_a_publishing_proposals_summary_names_no_hidden_incident(
    world: World,
    aid: int,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every signatory reads the proposals (and the public an approved one's summary): a
    summary naming an incident pending against Ukraine is refused at ``summary``, nothing
    proposed; the same proposal without it is taken."""
    _allege(world, aid, monkeypatch)  # by the Russian Federation, against Ukraine: pending
    url = f"/api/agreements/{aid}/publications"
    named = {"scope": "provisions", "summary": f"Levels as of today; {TYPED[5]}."}
    assert _refused_at(world.post("un", url, json=named), "body.summary") == (
        "INC-1A2B3C4D is not yet visible to Ukraine and the public; leave it out of this text, "
        "which every signatory reads, or wait until it is shared"
    )
    assert world.get("ua", url).json() == []
    plain = {"scope": "provisions", "summary": "Levels as of today."}
    assert world.post("un", url, json=plain).status_code == 201
    assert [p["summary"] for p in world.get("ua", url).json()] == ["Levels as of today."]


EXCHANGE_HEAD = (
    "Exchange,Date,Place,Released by,Returned to,Category,Number,Verified by,Names list\n"
)


def _import(world: World, aid: int, row: str) -> Any:  # noqa: F811
    file = {"file": ("exchanges.csv", (EXCHANGE_HEAD + row).encode(), "text/csv")}
    return world.post("un", f"/api/agreements/{aid}/record/kinds/exchanges/imports", files=file)


def test_an_imported_entrys_text_names_no_hidden_incident(
    world: World,
    aid: int,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A mediators' file of exchanges: every signatory reads an exchange's place and observer,
    so a file naming there an incident pending against Ukraine is refused whole (nothing
    written), the entry and its field named; the names list, which only the mediators and the
    party the people are returned to read, may name it when that party is the one alleging."""
    _allege(world, aid, monkeypatch)  # by the Russian Federation, against Ukraine: pending
    good = "EX-2022-09-21,2022-09-21,Chernihiv,Russian Federation,Ukraine,civilians,3,ICRC,L-1\n"
    named = good.replace("Chernihiv", f"Chernihiv (see {TYPED[7]})")
    r = _import(world, aid, good + named.replace("civilians", "prisoners of war"))
    said = _refused_at(r, "file.exchanges[EX-2022-09-21/Ukraine/prisoners of war].place")
    assert said == (
        "INC-1A2B3C4D is not yet visible to Ukraine; leave it out of this text, which every "
        "signatory reads, or wait until it is shared"
    )
    # the page's import form calls the same service: refused at the file's field
    un, page = _browser(world, "un"), f"/agreements/{aid}/implementation"
    try:
        token = str(soup(un.get(page)).select("input[name=csrf_token]")[0]["value"])
        data = (EXCHANGE_HEAD + named).encode()
        files = {"file": ("exchanges.csv", data, "text/csv")}
        r = un.post(f"{page}/kinds/exchanges/import", data={"csrf_token": token}, files=files)
        assert "INC-1A2B3C4D is not yet visible to Ukraine" in refused_at(r, "file-exchanges")
    finally:
        un.close()
    entries = world.get("un", f"/api/agreements/{aid}/record/kinds/exchanges").json()["entries"]
    assert entries == []  # nothing written, not even the good row
    # the names list of people returned to the Russian Federation, the party alleging: free
    theirs = "EX-2022-09-22,2022-09-22,Sumy,Ukraine,Russian Federation,civilians,2,ICRC,"
    assert _import(world, aid, good + theirs + f"{REFERENCE}\n").status_code == 201
    # returned to Ukraine, the names list is Ukraine's to read: refused there
    r = _import(world, aid, good.replace("L-1", REFERENCE))
    assert "not yet visible to Ukraine" in _refused_at(
        r, "file.exchanges[EX-2022-09-21/Ukraine/civilians].names_list"
    )
    # once Ukraine reads the incident, the place may name it
    assessed = {"assessment": "verified"}
    r = world.post("un", f"/api/agreements/{aid}/incidents/{REFERENCE}/assessment", json=assessed)
    assert r.status_code == 200, r.text
    assert _import(world, aid, named).status_code == 201


def _verified(world: World, aid: int, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """An incident every signatory reads (assessed), which the public does not (unpublished)."""
    _allege(world, aid, monkeypatch)
    assessed = {"assessment": "verified"}
    r = world.post("un", f"/api/agreements/{aid}/incidents/{REFERENCE}/assessment", json=assessed)
    assert r.status_code == 200, r.text


def _publish_incident(world: World, aid: int) -> None:  # noqa: F811
    """The incident published, with a summary that names it (its own reference is no secret)."""
    url = f"/api/agreements/{aid}/publications"
    scope = {"scope": f"incident:{REFERENCE}", "summary": f"{REFERENCE}: a strike, verified."}
    proposed = world.post("un", url, json=scope)
    assert proposed.status_code == 201, proposed.text
    assert world.post("tr", f"{url}/{proposed.json()['id']}/approval").status_code == 200


def test_once_the_provisions_are_public_their_notes_name_no_unpublished_incident(
    world: World,
    aid: int,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The public reads the note for every signatory and the links once publishing the
    provisions is approved: from then on they may not name an incident that is not published
    (every signatory reads it once assessed, the public only once published); the internal
    note and a document's reference, which the public never reads, stay free."""
    _verified(world, aid, monkeypatch)
    _publish_provisions(world, aid)
    base = {"level": "minimal", "evidence": [LINK]}
    said = _refused_at(_assess(world, aid, {**base, "note": TYPED[1]}), "body.note")
    assert said == (
        "INC-1A2B3C4D is not yet visible to the public; name it in the internal note, which "
        "only the mediators read, or wait until it is shared"
    )
    noted = {**LINK, "note": f"after {REFERENCE}"}
    r = _assess(world, aid, {**base, "evidence": [noted]})
    assert "not yet visible to the public" in _refused_at(r, "body.evidence.0.note")
    document = {"kind": "document", "reference": f"JCC report on {REFERENCE}"}
    free = {**base, "evidence": [LINK, document], "internal_note": TYPED[0]}
    assert _assess(world, aid, free).status_code == 201
    _publish_incident(world, aid)  # once the public reads it, every note may name it
    assert _assess(world, aid, {**base, "note": TYPED[1]}).status_code == 201


def test_the_provisions_are_not_published_while_a_note_names_an_unpublished_incident(
    world: World,
    aid: int,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Notes written while the provisions were not public may name an assessed incident;
    publishing the provisions would show them to the public, so it is refused (at ``scope``,
    when proposed and when approved) until the incident is published."""
    _verified(world, aid, monkeypatch)
    url = f"/api/agreements/{aid}/publications"
    proposed = world.post("un", url, json={"scope": "provisions"})  # no note names it yet
    assert proposed.status_code == 201, proposed.text
    base = {"level": "minimal", "evidence": [LINK]}
    assert _assess(world, aid, {**base, "note": TYPED[0]}).status_code == 201  # not yet public
    approval = f"{url}/{proposed.json()['id']}/approval"
    expected = (
        "INC-1A2B3C4D is not yet visible to the public, who would read it in an assessment's "
        "note or link once the provisions are published: publish the incident first"
    )
    assert _refused_at(world.post("tr", approval), "scope") == expected
    assert _refused_at(world.post("un", url, json={"scope": "provisions"}), "scope") == expected
    # the page's approve button says it too (the same service call)
    turkiye, page = _browser(world, "tr"), f"/agreements/{aid}/implementation"
    try:
        token = str(soup(turkiye.get(page)).select("input[name=csrf_token]")[0]["value"])
        r = turkiye.post(f"{page}/publications/{proposed.json()['id']}", data={"csrf_token": token})
        assert r.status_code == 422, r.text
        assert expected in " ".join(soup(r).get_text().split())
    finally:
        turkiye.close()
    assert world.client.get(f"/api/public/agreements/{aid}/provisions").status_code == 404
    _publish_incident(world, aid)
    assert world.post("tr", approval).status_code == 200
    public = world.client.get(f"/api/public/agreements/{aid}/provisions").json()
    assert TYPED[0] in str(public)


def test_a_filing_names_no_incident_the_accused_will_not_read(
    world: World,
    aid: int,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ukraine reads an incident alleged against it, all but its description, once it is
    assessed: the Russian Federation's next filing may not name, in its place or facility, its
    earlier allegation that Ukraine may not read yet (a refusal at the field, nothing filed);
    the description, which Ukraine never reads, may."""
    _allege(world, aid, monkeypatch)  # INC-1A2B3C4D, pending against Ukraine
    url = f"/api/agreements/{aid}/incidents"
    before = world.get("un", f"/api/agreements/{aid}/record/kinds/incidents").json()["entries"]
    second = {**INCIDENT, "date": "2022-09-04", "facility": f"the station of {TYPED[7][4:]}"}
    said = _refused_at(world.post("ru", url, json=second), "body.facility")
    assert said == (
        "INC-1A2B3C4D is not yet visible to Ukraine; leave it out of this text, which every "
        "signatory reads, or wait until it is shared"
    )
    after = world.get("un", f"/api/agreements/{aid}/record/kinds/incidents").json()["entries"]
    assert after == before  # nothing filed
    described = {**INCIDENT, "date": "2022-09-04", "description": f"as in {REFERENCE}"}
    made = world.post("ru", url, json=described)
    assert made.status_code == 201, made.text
