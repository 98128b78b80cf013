"""Who reads which note of a provision assessment (``policy.assessment_notes``).

An assessment had one free-text note, shown to every signatory. A mediator explaining an
assessment by an incident still pending, which the accused party may not read (and whose
citation as evidence ``policy.evidence_access`` already hides from it), told that party of it
through the note. An assessment now has two: ``note``, read by every signatory (and by the
public once the provisions are published, as before), and ``internal_note``, read by the
mediators alone. A reader who may not read the internal note gets no ``internal_note`` field at
all (not an empty one); it is stored apart from the body every signatory reads, and loaded only
for the mediators. Assessments made before revision 0016 keep their note as the note every
signatory reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from tests.service.test_implement_records import INCIDENT
from tests.service.test_record_bounds import aid  # noqa: F401 (the fixture)
from tests.service.world import World
from tests.web.site import one, soup

from gobetween.model import OrganisationKind
from gobetween.monitoring.provisions import assessment_to_dict
from gobetween.policy import AgreementView, AssessmentNote, assessment_notes
from gobetween.store import record_tables as r
from gobetween.store.audit import change_digest
from gobetween.store.db import Database, upgrade
from gobetween.store.tables import AuditEntry

SHARED = "Ports work; inspections lag behind the plan."
#: what only the mediators may read: it names the other party's incident, not yet assessed
INTERNAL = "Held at minimal because of {key}, alleged against Ukraine and still pending."

#: who reads what of GET /api/agreements/{id}/provisions: the notes' fields, or the status
READS: dict[str, tuple[str, ...] | int] = {
    "un": ("internal_note", "note"),  # a mediator that signed
    "tr": ("internal_note", "note"),  # the other mediating organisation
    "ua": ("note",),  # the accused party
    "ua2": ("note",),
    "ru": ("note",),  # the alleging party: its own incident, yet not the mediators' words
    "icrc": 404,  # a mediating organisation of the process that did not sign
    "obs": 404,
    "admin": 404,
    "outsider": 404,
}


def _assess(world: World, aid: int, key: str) -> dict[str, Any]:  # noqa: F811
    body = {
        "level": "minimal",
        "evidence": [{"kind": "link", "reference": "https://www.un.org/en/bsgi"}],
        "note": SHARED,
        "internal_note": INTERNAL.format(key=key),
    }
    made = world.post("un", f"/api/agreements/{aid}/provisions/art-1/assessments", json=body)
    assert made.status_code == 201, made.text
    return dict(made.json())


def _last(body: dict[str, Any]) -> dict[str, Any]:
    return dict(body["provisions"][0]["history"][-1])


def test_each_role_reads_the_notes_the_policy_grants(world: World, aid: int) -> None:  # noqa: F811
    key = world.post("ru", f"/api/agreements/{aid}/incidents", json=INCIDENT).json()["key"]
    made = _assess(world, aid, key)
    assert (made["note"], made["internal_note"]) == (SHARED, INTERNAL.format(key=key))
    for who, expected in READS.items():
        got = world.get(who, f"/api/agreements/{aid}/provisions")
        if isinstance(expected, int):
            assert got.status_code == expected, (who, got.text)
            continue
        assert got.status_code == 200, (who, got.text)
        last = _last(got.json())
        assert tuple(sorted(k for k in last if k.endswith("note"))) == expected, who
        assert last["note"] == SHARED, who
        if "internal_note" in expected:
            assert last["internal_note"] == INTERNAL.format(key=key), who
        else:
            assert "still pending" not in got.text, who  # not under any other name either
    # the accused party learns nothing of the pending incident, from the notes or elsewhere
    assert key not in world.get("ua", f"/api/agreements/{aid}/provisions").text
    assert key not in world.get("ua", f"/agreements/{aid}/implementation").text
    # audited as the rest of the assessment: the link's digest is of both notes, and the
    # internal note is stored apart from the body every signatory reads
    with world.services.db.unit_of_work(write=False) as session:
        link = session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == "record.assess_provision")
        ).scalar_one()
        assert link.digest == change_digest(made)
        row = session.get(r.AssessmentRow, int(link.object_id))
        assert row is not None
        assert row.internal_note == INTERNAL.format(key=key)
        assert "internal_note" not in row.body
        assert row.body["note"] == SHARED


def test_the_public_reads_the_note_for_every_signatory_once_published(
    world: World,
    aid: int,  # noqa: F811
) -> None:
    key = world.post("ru", f"/api/agreements/{aid}/incidents", json=INCIDENT).json()["key"]
    _assess(world, aid, key)
    public = f"/api/public/agreements/{aid}/provisions"
    assert world.client.get(public).status_code == 404  # nothing published yet
    proposal = world.post("un", f"/api/agreements/{aid}/publications", json={"scope": "provisions"})
    assert proposal.status_code == 201, proposal.text
    pid = proposal.json()["id"]
    approved = world.post("tr", f"/api/agreements/{aid}/publications/{pid}/approval")
    assert approved.status_code == 200, approved.text
    shown = world.client.get(public)
    assert shown.status_code == 200, shown.text
    last = _last(shown.json())
    assert last["note"] == SHARED
    assert "internal_note" not in last
    assert "still pending" not in shown.text
    assert key not in shown.text


def test_only_the_mediators_are_offered_the_two_notes_labelled_by_who_reads_them(
    world: World,
    aid: int,  # noqa: F811
) -> None:
    page = soup(world.get("un", f"/agreements/{aid}/implementation"))
    label = one(page, "#assess-provision label[for=prov-note]").get_text()
    internal = one(page, "#assess-provision label[for=prov-internal-note]").get_text()
    assert "seen by every signatory" in label.casefold()
    assert "seen only by the mediators" in internal.casefold()
    assert one(page, "#prov-internal-note")["name"] == "internal_note"
    party = world.get("ua", f"/agreements/{aid}/implementation").text
    assert 'id="prov-internal-note"' not in party
    assert 'id="assess-provision"' not in party
    refused = world.post(
        "ua",
        f"/api/agreements/{aid}/provisions/art-1/assessments",
        json={"level": "not_initiated", "internal_note": "x"},
    )
    assert refused.status_code == 403  # only the joint team assesses, notes or none


def _view(**acts_for: OrganisationKind) -> AgreementView:
    return AgreementView(4, acts_for)


@pytest.mark.parametrize(
    ("view", "notes"),
    [
        (_view(UN=OrganisationKind.MEDIATOR), {"note", "internal_note"}),
        (_view(Ukraine=OrganisationKind.PARTY), {"note"}),
        # one who acts for a party and a mediating organisation reads what the mediators read
        (
            _view(Ukraine=OrganisationKind.PARTY, UN=OrganisationKind.MEDIATOR),
            {"note", "internal_note"},
        ),
        (_view(), {"note"}),  # a non-signatory never gets this far (404), nor more than the public
        (None, {"note"}),  # the public, once the provisions are published
    ],
)
def test_the_policy_matrix(view: AgreementView | None, notes: set[str]) -> None:
    granted = assessment_notes(view)
    assert {n.value for n in granted} == notes
    assert AssessmentNote.SIGNATORIES in granted  # the note every signatory reads, as before


def _table(table: str, /, **columns: Any) -> Any:
    """A table as revision 0015 has it (only the columns written), for a plain insert."""
    return sa.table(table, *(sa.column(n, t) for n, t in columns.items()))


_WHEN = sa.DateTime(timezone=True)
_ROWS = [  # the smallest agreement an assessment's foreign key needs, and the assessment
    (
        _table("processes", id=sa.Integer, name=sa.String, description=sa.Text, created_at=_WHEN),
        {"id": 1, "name": "p", "description": ""},
    ),
    (
        _table(
            "tracks",
            id=sa.Integer,
            process_id=sa.Integer,
            name=sa.String,
            agenda=sa.JSON,
            source=sa.String,
            created_at=_WHEN,
        ),
        {"id": 2, "process_id": 1, "name": "food", "agenda": {}, "source": ""},
    ),
    (
        _table(
            "agreements",
            id=sa.Integer,
            track_id=sa.Integer,
            text_version=sa.Integer,
            title=sa.String,
            terms_hash=sa.String,
            signatories=sa.JSON,
            implementation=sa.JSON,
            bundle=sa.LargeBinary,
            created_at=_WHEN,
        ),
        {
            "id": 9,
            "track_id": 2,
            "text_version": 1,
            "title": "t",
            "terms_hash": "0" * 64,
            "signatories": {},
            "implementation": {},
            "bundle": b"",
        },
    ),
]
_OLD_BODY = {
    "at": "2022-09-01T00:00:00+00:00",
    "provision": "art-1",
    "level": "minimal",
    "assessed_by": "United Nations",
    "evidence": [{"kind": "document", "reference": "JCC note 7", "note": ""}],
    "note": "Written when the one note was shown to every signatory.",
}


def test_existing_assessments_upgrade_with_their_note_for_every_signatory(
    database_url: str,
) -> None:
    """Revision 0016 adds the internal note to a database of 0015: an assessment made before
    keeps its note as the one every signatory reads, with an empty internal note."""
    db = Database(database_url)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assessments = _table(
        "provision_assessments",
        id=sa.Integer,
        agreement_id=sa.Integer,
        provision_key=sa.String,
        body=sa.JSON,
        created_at=_WHEN,
    )
    try:
        upgrade(db, "0015")
        with db.engine.begin() as conn:
            for table, values in _ROWS:
                conn.execute(sa.insert(table).values(**values, created_at=now))
            row = {"id": 5, "agreement_id": 9, "provision_key": "art-1", "body": _OLD_BODY}
            conn.execute(sa.insert(assessments).values(**row, created_at=now))
        upgrade(db)
        from gobetween.service.provisions import _assessments, _notes_shown

        with db.unit_of_work(write=False) as session:
            stored = session.get(r.AssessmentRow, 5)
            assert stored is not None
            assert (stored.body, stored.internal_note) == (_OLD_BODY, "")
            for view, notes in (
                (AgreementView(9, {"Ukraine": OrganisationKind.PARTY}), {"note"}),
                (AgreementView(9, {"UN": OrganisationKind.MEDIATOR}), {"note", "internal_note"}),
            ):
                granted = assessment_notes(view)
                (read,) = _assessments(session, 9, granted)
                assert (read.note, read.internal_note) == (_OLD_BODY["note"], "")
                shown = _notes_shown(assessment_to_dict(read), granted)
                assert {k for k in shown if k.endswith("note")} == notes
                assert shown["note"] == _OLD_BODY["note"]
    finally:
        db.dispose()
