"""A row the actor may not see, or that does not exist (``store.repositories.visible``), is
refused with a marked template and its values, never English words already filled in: the
command line says it in the reader's language, and the service still answers every hidden
object alike. The store's own callers (a message, an attachment) passed f-strings before; the
service's (a note, a meeting, a channel, a message) passed words already translated."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.orm import Session

from gobetween import i18n
from gobetween.cli.language import refusal
from gobetween.errors import NotFound
from gobetween.policy import Actor
from gobetween.service import meetings, notes
from gobetween.service.errors import describe
from gobetween.store import repositories
from gobetween.store.db import Database, upgrade

NOBODY = Actor(user_id=1)


@pytest.fixture
def session() -> Iterator[Session]:
    db = Database("sqlite://")
    upgrade(db)
    with db.unit_of_work(write=False) as session:
        yield session
    db.dispose()


@pytest.mark.parametrize(
    ("look_up", "english", "ukrainian"),
    [
        (lambda s: repositories.message(s, NOBODY, 42), "no message 42", "немає повідомлення 42"),
        (
            lambda s: repositories.attachment(s, NOBODY, 42),
            "no attachment 42",
            "немає вкладення 42",
        ),
        (lambda s: notes.edit_note(s, NOBODY, 42, "x"), "no note 42", "немає нотатки 42"),
        (lambda s: meetings.meeting(s, NOBODY, 42), "no meeting 42", "немає зустрічі 42"),
    ],
)
def test_a_missing_row_is_refused_in_the_readers_language(
    session: Session, look_up: Callable[[Session], object], english: str, ukrainian: str
) -> None:
    with pytest.raises(NotFound) as caught:
        look_up(session)
    assert str(caught.value) == english
    with i18n.use_locale("uk"):
        assert refusal(caught.value) == ukrainian
        # the service answers every hidden object alike, whatever its words
        assert describe(caught.value) == describe(NotFound("anything"))


def test_the_english_refusal_is_the_same_when_asked_in_ukrainian(session: Session) -> None:
    with i18n.use_locale("uk"), pytest.raises(NotFound) as caught:
        notes.edit_note(session, NOBODY, 7, "x")
    assert str(caught.value) == "no note 7"
    assert caught.value.template == "no note %(id)s"
