"""Agreements in several working languages through the service: complete or refused (422)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pypdf
from tests.service.agree_helpers import AGREEMENT, register_keys, sign_all
from tests.service.world import World

from gobetween.agreements import Bundle
from gobetween.model.languages import equally_authentic_clause, language
from gobetween.protocols.single_text import AnswerKind
from gobetween.protocols.single_text_articles import Article
from gobetween.service import texts
from gobetween.store import repositories

PACKAGE = {"ports": "three ports", "inspection": "Istanbul JCC", "term": "120"}
WORDING = {
    "ports": {
        "en": "Exports leave from Odesa, Chornomorsk and Yuzhny.",
        "uk": "Експорт здійснюється з портів Одеса, Чорноморськ і Південний.",
    },
    "inspection": {
        "en": "Joint teams inspect every vessel at Istanbul.",
        "uk": "Спільні групи оглядають кожне судно в Стамбулі.",
    },
    "term": {
        "en": "The initiative runs for 120 days; it is renewed by consent of every signatory.",
        "uk": "Ініціатива діє 120 днів; вона продовжується за згодою кожного з підписантів.",
    },
}


def publish_and_accept(world: World, wording: dict[str, dict[str, str]]) -> int:
    food = world.tracks["food"]
    articles = [
        Article(f"art-{n}", issue=issue, option=PACKAGE[issue], wording=wording[issue])
        for n, issue in enumerate(("ports", "inspection", "term"), start=1)
    ]
    with world.services.db.unit_of_work() as session:
        mediator = repositories.load_actor(session, world.users["un"])
        clauses = {issue: text["en"] for issue, text in wording.items()}
        texts.publish_text(
            session, mediator, food, options=PACKAGE, clauses=clauses, articles=articles
        )
        for who in ("ua", "ru"):
            party = repositories.load_actor(session, world.users[who])
            texts.answer_text(session, party, food, version=1, kind=AnswerKind.ACCEPT)
    return food


def declare(world: World, *codes: str) -> None:
    url = f"/api/processes/{world.process_id}/languages"
    assert world.put("admin", url, json={"languages": codes}).status_code == 200


def test_an_incomplete_language_version_is_refused_naming_each_missing_article(
    world: World,
) -> None:
    declare(world, "en", "uk", "ru")
    food = publish_and_accept(world, WORDING)
    r = world.post("un", f"/api/tracks/{food}/agreements", json=AGREEMENT)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    (error,) = r.json()["errors"]
    assert error["location"] == "languages"
    assert "ru: art-1, art-2, art-3" in r.json()["detail"]
    assert "uk:" not in r.json()["detail"]  # the Ukrainian version is complete
    # the text's language versions, as the text page and its JSON twin show them
    for who in ("un", "ua", "obs"):
        shown = world.get(who, f"/api/tracks/{food}/text/languages").json()
        assert shown["languages"] == ["en", "uk", "ru"]
        (version,) = shown["versions"]
        assert version["complete"] is False
        assert version["languages"] == [
            {"code": "en", "complete": True, "missing": []},
            {"code": "uk", "complete": True, "missing": []},
            {"code": "ru", "complete": False, "missing": ["art-1", "art-2", "art-3"]},
        ]
    assert world.get("outsider", f"/api/tracks/{food}/text/languages").status_code == 404


def agreement_in(world: World, *codes: str) -> dict[str, Any]:
    declare(world, *codes)
    food = publish_and_accept(world, WORDING)
    r = world.post("un", f"/api/tracks/{food}/agreements", json=AGREEMENT)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def test_the_instruments_carry_every_language_version_under_one_terms_hash(
    world: World,
) -> None:
    created = agreement_in(world, "en", "uk")
    agreement = created["id"]
    sign_all(world, agreement, register_keys(world))
    r = world.get("ua", f"/api/agreements/{agreement}/bundle")
    assert r.status_code == 200, r.text
    bundle = Bundle.from_bytes(r.content)
    assert bundle.terms.languages == ("en", "uk")
    assert Bundle.verify(r.content).ok
    for code in ("en", "uk"):
        wording = [a.text for a in bundle.terms.version(code).articles]
        assert wording == [WORDING[i][code] for i in ("ports", "inspection", "term")]
    clauses = {
        code: equally_authentic_clause(code, ("en", "uk"), bundle.terms.effective_date)
        for code in ("en", "uk")
    }
    base = f"/api/agreements/{agreement}/instruments/1"
    pdf = world.get("ua", f"{base}/pdf")
    assert pdf.status_code == 200, pdf.text
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    flat = " ".join(text.split())
    for clause in clauses.values():
        assert clause in flat
    assert WORDING["ports"]["uk"] in flat
    docx = world.get("ua", f"{base}/docx")
    assert docx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        xml = archive.read("word/document.xml").decode()
    assert all(clause in xml for clause in clauses.values())
    akn_uk = world.get("ua", f"{base}/akn", params={"language": "uk"})
    assert 'xml:lang="uk"' in akn_uk.text
    assert f'language="{language("uk").code3}"' in akn_uk.text
    assert world.get("ua", f"{base}/akn", params={"language": "ar"}).status_code == 422
