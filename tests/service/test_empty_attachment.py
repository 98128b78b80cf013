"""A file of 0 bytes is not an attachment: it was stored and shown as "empty.csv (text/csv,
0 bytes)". Every attachment passes :func:`gobetween.service.negotiate.check_upload` (the API,
the channel page and the antivirus scan's check first), which refuses it naming the file."""

from __future__ import annotations

import pytest
from tests.service.world import World

from gobetween.errors import ValidationFailed
from gobetween.i18n import use_locale
from gobetween.service.negotiate import Upload, check_upload


def test_check_upload_refuses_an_empty_file_naming_it() -> None:
    allowed = frozenset({"text/csv"})
    with pytest.raises(ValidationFailed) as refused:
        check_upload(Upload("empty.csv", "text/csv", b""), max_bytes=10, allowed=allowed)
    assert refused.value.location == "file"
    assert "'empty.csv' is empty" in refused.value.message
    check_upload(Upload("one.csv", "text/csv", b"a"), max_bytes=10, allowed=allowed)


def test_an_empty_file_posted_to_a_channel_is_refused_and_not_stored(world: World) -> None:
    ch = world.channels[("food", "ua")]
    url = f"/api/channels/{ch}/attachments"
    before = world.get("ua", f"/api/channels/{ch}/messages").json()
    r = world.post("ua", url, files={"file": ("empty.csv", b"", "text/csv")}, data={"text": "x"})
    assert r.status_code == 422, r.text
    assert "empty.csv" in r.json()["detail"]
    assert world.get("ua", f"/api/channels/{ch}/messages").json() == before


def test_the_refusal_is_in_the_readers_language() -> None:
    with use_locale("uk"), pytest.raises(ValidationFailed) as refused:
        check_upload(Upload("empty.csv", "text/csv", b""), max_bytes=10, allowed=frozenset())
    assert "empty.csv" in refused.value.message
