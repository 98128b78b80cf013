"""What the web framework refuses on its own (a form it cannot read, an address with no route, a
method an address does not take) is said in the caller's language, and a page's form gets the
error page, not a JSON document. Before 4 December 2026 these went out in Starlette's English
("Invalid multipart data.", "Not Found", "Method Not Allowed") whatever the caller's language,
and a browser form the framework could not read got JSON."""

from __future__ import annotations

from tests.service.world import World

UK = {"Accept-Language": "uk"}


def test_an_unreadable_upload_is_refused_in_the_callers_language(world: World) -> None:
    channel = world.channels[("food", "ua")]
    long_name = "x" * 10_000 + ".txt"  # a part's header past the parser's bound
    r = world.request(
        "ua",
        "POST",
        f"/api/channels/{channel}/attachments",
        files={"file": (long_name, b"hello", "text/plain")},
        headers={**world.headers("ua"), **UK},
    )
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == (
        "не вдалося прочитати дані форми: частина пошкоджена або заголовок частини "
        "(наприклад, назва файлу) задовгий"
    )
    bare = world.request(
        "ua",
        "POST",
        f"/api/channels/{channel}/attachments",
        content=b"--abc\r\n\r\nhello\r\n--abc--\r\n",
        headers={**world.headers("ua"), **UK, "Content-Type": "multipart/form-data"},
    )
    assert bare.status_code == 400
    assert "multipart/form-data" in bare.json()["detail"]
    assert bare.json()["detail"].startswith("дані форми не мають межі")


def test_no_route_and_a_wrong_method_are_said_in_the_callers_language(world: World) -> None:
    missing = world.request(
        "ua", "GET", "/api/no-such-thing", headers={**world.headers("ua"), **UK}
    )
    assert missing.status_code == 404
    assert missing.json()["detail"] == "за цією адресою нічого немає"
    wrong = world.request("ua", "DELETE", "/api/auth/me", headers={**world.headers("ua"), **UK})
    assert wrong.status_code == 405
    assert wrong.json()["detail"] == "ця адреса не приймає запитів DELETE"
    english = world.request("ua", "DELETE", "/api/auth/me")
    assert english.json()["detail"] == "this address does not take DELETE requests"


def test_a_page_form_the_framework_cannot_read_gets_the_error_page(world: World) -> None:
    r = world.client.post(
        "/login",
        content=b"--x\r\nbroken",
        headers={"Content-Type": "multipart/form-data", **UK},
    )
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="uk"' in r.text
    assert "дані форми не мають межі" in r.text
