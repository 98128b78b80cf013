"""``GET /api/record/kinds/{kind}/template.csv`` (and ``.xlsx``): a kind's template in the
caller's language, which the kind's import takes back filled in (it took English headers only,
and there was no template)."""

from __future__ import annotations

import csv
import io

from tests.service.agree_helpers import create, make_ready, register_keys, sign_all
from tests.service.world import World

from gobetween import i18n


def test_a_template_in_ukrainian_filled_in_imports(world: World) -> None:
    aid = int(create(world, make_ready(world))["id"])
    sign_all(world, aid, register_keys(world))
    r = world.put("un", f"/api/agreements/{aid}/record/kinds", json={"kinds": ["exchanges"]})
    assert r.status_code == 200, r.text
    uk = {"Accept-Language": "uk"}
    got = world.client.get("/api/record/kinds/exchanges/template.csv", headers=uk)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("text/csv")
    assert "exchanges-template.csv" in got.headers["content-disposition"]
    header = next(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    with i18n.use_locale("uk"):
        assert header[:2] == [i18n.gettext("Exchange"), i18n.gettext("Date")]
        civilians = i18n.gettext("civilians")
    out = io.StringIO()
    row = ["EX-7", "2022-09-21", "Суми", "Russian Federation", "Ukraine", civilians, "3", "ICRC"]
    csv.writer(out).writerow([*row, ""])
    r = world.post(
        "un",
        f"/api/agreements/{aid}/record/kinds/exchanges/imports",
        files={"file": ("returns.csv", got.content + out.getvalue().encode(), "text/csv")},
        headers=uk,
    )
    assert r.status_code == 201, r.text
    assert (r.json()["new"], r.json()["problems"]) == (1, [])
    body = world.get("un", f"/api/agreements/{aid}/record/kinds/exchanges").json()
    (entry,) = body["entries"]
    assert entry["category"] == "civilians", entry  # stored as declared
    xlsx = world.client.get("/api/record/kinds/incidents/template.xlsx", headers=uk)
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"  # a workbook (a ZIP)
    assert world.client.get("/api/record/kinds/dragons/template.csv").status_code == 422
    assert world.client.get("/api/record/kinds/exchanges/template.pdf").status_code == 422
