"""What each role reads of a provision assessment's evidence (``policy.evidence_access``).

A tester found the provisions table showed every piece of evidence to every signatory party.
A mediator citing a pending incident as evidence ("incident INC-...") told the accused party,
through the provisions page and ``GET /api/agreements/{id}/provisions``, that an allegation
against it existed, which the incidents' own rules hide from it until the joint team assesses
it. Evidence that is an event of the record is now shown to a party only when it names what
that party may read of the record; links and documents' references as before; the public sees
links only. Only the mediators are offered evidence kinds to submit (the page's form).
"""

from __future__ import annotations

from typing import Any

from tests.service.test_implement_records import INCIDENT
from tests.service.test_record_bounds import aid  # noqa: F401 (the fixture)
from tests.service.world import World


def _evidence(world: World, aid: int, who: str) -> list[tuple[str, str]]:  # noqa: F811
    body = world.get(who, f"/api/agreements/{aid}/provisions").json()
    (last,) = body["provisions"][0]["history"][-1:]
    return [(e["kind"], e["reference"]) for e in last["evidence"]]


def test_a_pending_incident_cited_as_evidence_is_hidden_from_the_accused(
    world: World,
    aid: int,  # noqa: F811
) -> None:
    key = world.post("ru", f"/api/agreements/{aid}/incidents", json=INCIDENT).json()["key"]
    cited = f"incident {key}"
    evidence: list[dict[str, Any]] = [
        {"kind": "event", "reference": cited},
        {"kind": "link", "reference": "https://www.un.org"},
        {"kind": "document", "reference": "JCC note 7"},
    ]
    body = {"level": "minimal", "evidence": evidence}
    r = world.post("un", f"/api/agreements/{aid}/provisions/art-1/assessments", json=body)
    assert r.status_code == 201, r.text
    every = [("event", cited), ("link", "https://www.un.org"), ("document", "JCC note 7")]
    assert _evidence(world, aid, "un") == every  # the joint team
    assert _evidence(world, aid, "ru") == every  # the alleging party reads its incident
    # the accused party: as if nothing were cited (it listed the event: the allegation's key)
    assert _evidence(world, aid, "ua") == every[1:]
    page = world.get("ua", f"/agreements/{aid}/implementation")
    assert key not in page.text
    verified = {"assessment": "verified"}
    r = world.post("un", f"/api/agreements/{aid}/incidents/{key}/assessment", json=verified)
    assert r.status_code == 200, r.text
    assert _evidence(world, aid, "ua") == every  # assessed: the accused reads it now


def test_only_the_mediators_are_offered_evidence_kinds(
    world: World,
    aid: int,  # noqa: F811
) -> None:
    mediator = world.get("un", f"/agreements/{aid}/implementation").text
    party = world.get("ua", f"/agreements/{aid}/implementation").text
    assert 'id="prov-evidence"' in mediator
    for kind in ("link", "document", "event"):
        assert f'<option value="{kind}"' in mediator
    assert 'id="prov-evidence"' not in party
