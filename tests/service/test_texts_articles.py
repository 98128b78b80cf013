"""The negotiating text as articles through the API: brackets, per-article answers, matrix,
publish refusals naming each article, redline; no party sees another's answers."""

from __future__ import annotations

from typing import Any

from tests.service.world import World

PACKAGE = {"ports": "three ports", "inspection": "Istanbul JCC", "term": "120"}
PORTS_ALTERNATIVES = [
    {"option": "Odesa+Chornomorsk", "wording": {"en": "Ships leave from Odesa and Chornomorsk."}},
    {"option": "three ports", "wording": {"en": "Ships leave from Odesa, Chornomorsk, Yuzhny."}},
]


def articles(ports_wording: str | None = None) -> list[dict[str, Any]]:
    ports: dict[str, Any] = (
        {"id": "art-ports", "issue": "ports", "alternatives": PORTS_ALTERNATIVES}
        if ports_wording is None
        else {
            "id": "art-ports",
            "issue": "ports",
            "option": "three ports",
            "wording": {"en": ports_wording},
        }
    )
    return [
        {"id": "preamble", "kind": "preamble", "wording": {"en": "The parties, mindful of food"}},
        ports,
        {
            "id": "art-inspection",
            "issue": "inspection",
            "option": "Istanbul JCC",
            "wording": {"en": "Joint teams inspect every vessel at Istanbul."},
        },
        {
            "id": "art-term",
            "issue": "term",
            "option": "120",
            "wording": {"en": "It runs 120 days and is renewed by consent of every party."},
        },
    ]


def publish(world: World, body: list[dict[str, Any]]) -> Any:
    food = world.tracks["food"]
    return world.post(
        "un", f"/api/tracks/{food}/text/versions", json={"package": PACKAGE, "articles": body}
    )


def test_publish_refuses_422_naming_each_article(world: World) -> None:
    body = articles("Ships leave from Odesa, Chornomorsk, Yuzhny.")
    body[2]["wording"] = {"en": "   "}
    body.append({"id": "art-final", "kind": "final"})
    r = publish(world, body)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert r.headers["content-type"] == "application/problem+json"
    assert "art-inspection" in problem["detail"]
    assert "article art-final: the article is empty" in problem["detail"]
    food = world.tracks["food"]
    assert world.get("un", f"/api/tracks/{food}/text").json()["versions"] == []


def test_articles_answers_matrix_and_redline(world: World) -> None:
    food = world.tracks["food"]
    r = publish(world, articles())
    assert r.status_code == 201, r.text
    assert r.json()["bracketed"] == ["art-ports"]
    r = world.post(
        "ua",
        f"/api/tracks/{food}/text/answers",
        json={
            "version": 1,
            "kind": "amend",
            "articles": [
                {
                    "article": "art-ports",
                    "stance": "cannot_accept",
                    "alternative": 0,
                    "reason": "UA secret: two ports are too few",
                },
                {"article": "art-ports", "stance": "agree", "alternative": 1},
                {
                    "article": "art-term",
                    "stance": "can_live_with",
                    "proposed": {"en": "UA proposal: it runs 180 days."},
                },
            ],
        },
    )
    assert r.status_code == 201, r.text
    r = world.post(
        "ru",
        f"/api/tracks/{food}/text/answers",
        json={
            "version": 1,
            "kind": "amend",
            "articles": [
                {"article": "art-ports", "stance": "can_live_with", "alternative": 1},
                {"article": "art-term", "stance": "agree", "reason": "RU secret reason"},
            ],
        },
    )
    assert r.status_code == 201, r.text
    bad = world.post(
        "ru",
        f"/api/tracks/{food}/text/answers",
        json={"version": 1, "kind": "accept"},
    )
    assert bad.status_code == 409
    assert "bracketed" in bad.json()["detail"]
    med = world.get("un", f"/api/tracks/{food}/text").json()
    ua, ru = str(world.orgs["Ukraine"]), str(world.orgs["Russian Federation"])
    assert set(med["matrix"]["art-ports"]) == {ua, ru}
    assert med["matrix"]["art-term"][ua][0]["proposed"] == {"en": "UA proposal: it runs 180 days."}
    assert med["settled"] == {"art-ports": 1, "art-term": None}
    for seat, other_secret in (("ua", "RU secret"), ("ru", "UA")):
        view = world.get(seat, f"/api/tracks/{food}/text").json()
        assert "matrix" not in view
        assert other_secret not in str(view)
    obs = world.get("obs", f"/api/tracks/{food}/text").json()
    assert "secret" not in str(obs)
    assert "proposal" not in str(obs)

    r = publish(world, articles("Ships leave from Odesa, Chornomorsk and Yuzhny (Pivdennyi)."))
    assert r.status_code == 201, r.text
    red = world.get("ru", f"/api/tracks/{food}/text/redline/1/2")
    assert red.status_code == 200, red.text
    ports = next(a for a in red.json()["articles"] if a["id"] == "art-ports")
    assert ports["change"] == "changed"
    assert "Pivdennyi" in "".join(s["text"] for s in ports["segments"] if s["op"] == "insert")
    assert world.get("ru", f"/api/tracks/{food}/text/redline/1/9").status_code == 404
    assert world.get("outsider", f"/api/tracks/{food}/text/redline/1/2").status_code == 404


def test_exports_of_a_version_and_a_redline_as_docx_and_pdf(world: World) -> None:
    import io

    import docx
    from pypdf import PdfReader

    food = world.tracks["food"]
    assert publish(world, articles()).status_code == 201
    reworded = "Ships leave from Odesa, Chornomorsk and Yuzhny (Pivdennyi)."
    assert publish(world, articles(reworded)).status_code == 201
    r = world.get("ua", f"/api/tracks/{food}/text/versions/1/export.docx")
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"] == (
        'attachment; filename="black-sea-talks_food-corridor_v1.docx"'
    )
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
    assert "[Ships leave from Odesa and Chornomorsk.] [Ships leave from Odesa, Chornomorsk" in text
    r = world.get("ru", f"/api/tracks/{food}/text/redline/1/2/export.docx")
    assert "redline-v1-v2.docx" in r.headers["content-disposition"]
    runs = [run for p in docx.Document(io.BytesIO(r.content)).paragraphs for run in p.runs]
    assert any(run.underline and "Pivdennyi" in run.text for run in runs)
    assert any(run.font.strike for run in runs)  # the brackets' text, deleted
    r = world.get("ua", f"/api/tracks/{food}/text/redline/1/2/export.pdf")
    assert r.content.startswith(b"%PDF")
    pages = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    assert "Pivdennyi" in pages
    assert world.get("ua", f"/api/tracks/{food}/text/versions/3/export.pdf").status_code == 404
    assert (
        world.get("outsider", f"/api/tracks/{food}/text/versions/1/export.pdf").status_code == 404
    )
