"""Analysis for mediators only, cached per preference versions."""

from __future__ import annotations

from tests.service.world import World, food_preferences


def test_analysis_for_mediators_only(world: World) -> None:
    food = world.tracks["food"]
    r = world.get("un", f"/api/tracks/{food}/analysis")
    assert r.status_code == 409
    assert "no preferences recorded yet" in r.json()["detail"]
    world.put("ua", f"/api/tracks/{food}/preferences", json=food_preferences("ua"))
    world.put("ru", f"/api/tracks/{food}/preferences", json=food_preferences("ru"))
    r = world.get("un", f"/api/tracks/{food}/analysis")
    assert r.status_code == 200, r.text
    first = r.json()
    assert first["cached"] is False
    assert first["frontier_size"] >= 1
    assert world.get("tr", f"/api/tracks/{food}/analysis").json()["cached"] is True
    for who in ("ua", "ru", "obs", "admin", "icrc", "outsider"):
        r = world.get(who, f"/api/tracks/{food}/analysis")
        assert r.status_code == 404, who
    world.put("ua", f"/api/tracks/{food}/preferences", json=food_preferences("ua"))
    again = world.get("un", f"/api/tracks/{food}/analysis").json()
    assert again["cached"] is False
    assert again["key"] != first["key"]


def test_improve_package(world: World) -> None:
    food = world.tracks["food"]
    world.put("ua", f"/api/tracks/{food}/preferences", json=food_preferences("ua"))
    world.put("ru", f"/api/tracks/{food}/preferences", json=food_preferences("ru"))
    worst = {"ports": "Odesa", "inspection": "Istanbul JCC", "term": "60"}
    r = world.post("un", f"/api/tracks/{food}/analysis/improve", json={"package": worst})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"is_pareto_optimal", "improvements", "fairest", "utilities"}
    for item in body["improvements"]:
        assert all(item["utilities"][p] >= body["utilities"][p] - 1e-9 for p in body["utilities"])
    assert (
        world.post(
            "ua", f"/api/tracks/{food}/analysis/improve", json={"package": worst}
        ).status_code
        == 404
    )
    bad = world.post("un", f"/api/tracks/{food}/analysis/improve", json={"package": {"ports": "x"}})
    assert bad.status_code == 422
