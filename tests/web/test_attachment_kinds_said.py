"""A file refused as an attachment is named by what people know ("an Excel workbook (.xlsx)"),
never by its content type ("application/vnd.openxmlformats-officedocument..."), with the kinds
accepted listed in plain words; the composer says the same kinds beforehand (a tester met the
raw content types)."""

from __future__ import annotations

import pytest
from tests.web.site import Site, one, soup, text_of
from tests.web.test_forms_validation import _composer, _post

from gobetween import i18n
from gobetween.errors import ValidationFailed
from gobetween.service import attachment_kinds
from gobetween.service.negotiate import Upload, check_upload
from gobetween.service.settings import Settings

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPTED = (
    "a PDF (.pdf), a PNG image (.png), a JPEG photo (.jpg, .jpeg), a plain text file (.txt), "
    "a CSV spreadsheet (.csv), or a Word document (.docx)"
)


def _refusal(upload: Upload) -> ValidationFailed:
    allowed = Settings(database_url="sqlite://").allowed_types
    with pytest.raises(ValidationFailed) as caught:
        check_upload(upload, max_bytes=1_000_000, allowed=allowed)
    return caught.value


def test_a_kind_not_accepted_is_named_in_words_with_the_kinds_accepted() -> None:
    with i18n.use_locale("en"):
        refused = _refusal(Upload("budget.xlsx", XLSX, b"PK\x03\x04rest"))
    assert refused.location == "file"
    assert (
        refused.message
        == "“budget.xlsx” is an Excel workbook (.xlsx), which cannot be attached here"
    )
    assert refused.expected == f"a file of one of these kinds: {ACCEPTED}"
    assert "application/" not in str(refused)
    with i18n.use_locale("en"):
        odd = _refusal(Upload("minutes.pages", "application/octet-stream", b"x"))
    assert (
        odd.message == "“minutes.pages” is a file ending in .pages, which cannot be attached here"
    )


def test_a_file_whose_content_is_not_its_kind_is_said_in_words() -> None:
    with i18n.use_locale("en"):
        refused = _refusal(Upload("scan.pdf", "application/pdf", b"not a pdf"))
    assert (
        refused.message == "“scan.pdf” is named as a PDF (.pdf), but its content is of another kind"
    )
    assert "application/pdf" not in str(refused)


def test_every_kind_is_marked_for_translation() -> None:
    for kind in attachment_kinds.KINDS.values():
        assert isinstance(kind.words, i18n.LazyString), kind
        assert kind.endings, kind
        assert all(e.startswith(".") for e in kind.endings), kind


def test_the_composer_lists_the_kinds_and_the_page_refuses_in_words(site: Site) -> None:
    c = site.client("ukraine")
    page, action = _composer(site, c)
    composer = soup(c.get(page, follow_redirects=True))
    said = text_of(composer, "#file-help")
    assert said == f"You can attach {ACCEPTED}, of at most 10 KB."
    accept = str(one(composer, "#message-file")["accept"])
    assert ".docx" in accept
    assert ".pdf" in accept
    sheet = {"file": ("budget.xlsx", b"PK\x03\x04rest", XLSX)}
    r = _post(c, page, action, {"text": "the budget"}, files=sheet)
    assert r.status_code == 422
    summary = text_of(soup(r), "#error-summary")
    assert "an Excel workbook (.xlsx)" in summary
    assert "a Word document (.docx)" in summary
    assert "application/" not in summary, summary
