"""Notifications by e-mail: a new message in my channel, a new text version, a changed agenda,
an answer deadline near, each at once or in a daily digest, as each user chooses.

The notifier reads the live-update notifications the writes already record (the table behind
the event streams), in id order from its cursor, and decides per event who may be told: the
policy's view of the track for each member of the process (a message in a party's channel
only reaches that party's members and those who may read the channel; a public event reaches
everyone with a seat). What a mail says is no more than its recipient can read on the site:
*that* something happened in a place they can open, with a link, never the words of a message.
Only verified addresses receive notifications.

Every user's mails depend only on events in places that user may read, so no party's mail
(its content, count or time) depends on what another party does in its own channel.

>>> Line("k", "There is news.", "/tracks/1").text("https://talks.example.org")
'There is news.\\n  https://talks.example.org/tracks/1'
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gobetween import i18n
from gobetween.errors import NotFound
from gobetween.i18n import _
from gobetween.policy import TrackView
from gobetween.service import mail
from gobetween.service.settings import Settings
from gobetween.store import repositories
from gobetween.store import setup_tables as st
from gobetween.store import tables as t
from gobetween.store.db import Database

__all__ = ["Line", "lines_for", "run_once"]

BATCH = 500
DEADLINE_NEAR = dt.timedelta(hours=24)
IMMEDIATE_GAP = dt.timedelta(minutes=5)
KINDS = ("message", "text", "agenda")


@dataclass(frozen=True, slots=True)
class Line:
    """One thing to tell a user: a key (so it is told once), a sentence, a link path."""

    key: str
    sentence: str
    path: str

    def text(self, base: str) -> str:
        """The line as the mail shows it (an absolute link when the site's address is known)."""
        return f"{self.sentence}\n  {mail.absolute_link(base, self.path) if base else self.path}"


def _cursor(session: Session) -> st.NotifierCursor:
    row = session.execute(
        select(st.NotifierCursor).where(st.NotifierCursor.id == 1).with_for_update()
    ).scalar_one_or_none()
    if row is None:  # start from now: history is not notified
        newest = session.execute(select(func.max(t.Notification.id))).scalar_one()
        row = st.NotifierCursor(id=1, last_id=newest or 0)
        session.add(row)
        session.flush()
    return row


def _audience(session: Session, process_id: int) -> list[int]:
    """Users of the process with a verified address who want notifications."""
    stmt = (
        select(t.Membership.user_id)
        .join(st.MailSettings, st.MailSettings.user_id == t.Membership.user_id)
        .where(
            t.Membership.process_id == process_id,
            st.MailSettings.verified_at.is_not(None),
            st.MailSettings.notify != "off",
        )
        .distinct()
    )
    return sorted(session.execute(stmt).scalars())


def _view(session: Session, user_id: int, track_id: int) -> TrackView | None:
    try:
        actor = repositories.load_actor(session, user_id)
        return repositories.track(session, actor, track_id)[1]
    except NotFound:
        return None


def lines_for(
    session: Session, event: t.Notification, track: t.Track, view: TrackView, user_id: int
) -> Iterator[Line]:
    """What ``event`` tells the user whose view of its track is ``view`` (maybe nothing)."""
    key = f"{event.kind}:{event.track_id}:{event.party_id}:{event.object_id}"
    if event.kind == "message" and event.party_id is not None:
        if event.party_id not in view.readable_channels:
            return
        message = session.get(t.Message, event.object_id)
        if message is not None and message.author_id == user_id:
            return
        if view.own_party == event.party_id:
            sentence = _("New message in your channel with the mediators in “%(track)s”.")
            yield Line(key, sentence % {"track": track.name}, f"/tracks/{track.id}/channel")
        else:
            party = session.get(t.Organisation, event.party_id)
            sentence = _("New message in the channel of %(party)s in “%(track)s”.") % {
                "party": party.name if party else "?",
                "track": track.name,
            }
            yield Line(key, sentence, f"/tracks/{track.id}/console")
    elif event.party_id is None and event.kind == "text":
        sentence = _("Version %(number)s of the negotiating text of “%(track)s” was published.")
        yield Line(
            key,
            sentence % {"number": event.object_id, "track": track.name},
            f"/tracks/{track.id}/text",
        )
    elif event.party_id is None and event.kind == "agenda":
        sentence = _("The agenda of “%(track)s” changed (version %(number)s).")
        yield Line(
            key, sentence % {"number": event.object_id, "track": track.name}, f"/tracks/{track.id}"
        )


def _collect(session: Session, events: list[t.Notification]) -> dict[int, list[Line]]:
    found: dict[int, list[Line]] = defaultdict(list)
    for event in events:
        if event.kind not in KINDS:
            continue
        track = session.get(t.Track, event.track_id)
        if track is None:
            continue
        for user_id in _audience(session, track.process_id):
            view = _view(session, user_id, track.id)
            if view is not None and view.seats:
                with i18n.use_locale(_locale(session, user_id)):
                    found[user_id].extend(lines_for(session, event, track, view, user_id))
    return found


def _deadlines(session: Session, now: dt.datetime) -> dict[int, list[Line]]:
    """Answer deadlines of current text versions that fall within the next 24 hours."""
    from gobetween.service import texts

    found: dict[int, list[Line]] = defaultdict(list)
    tracks = session.execute(
        select(t.Track)
        .where(t.Track.id.in_(select(t.ProtocolEvent.track_id).distinct()))
        .order_by(t.Track.id)
    ).scalars()
    for track in tracks:
        views = [(u, _view(session, u, track.id)) for u in _audience(session, track.process_id)]
        readers = [(u, v) for u, v in views if v is not None and v.seats]
        if not readers:
            continue
        current = texts.single_text_state(session, track, readers[0][1]).current
        if current is None or current.deadline is None:
            continue
        if not now < current.deadline <= now + DEADLINE_NEAR:
            continue
        for user_id, _reader in readers:
            with i18n.use_locale(_locale(session, user_id)):
                found[user_id].append(_deadline_line(track, current.number, current.deadline))
    return found


def _deadline_line(track: t.Track, number: int, deadline: dt.datetime) -> Line:
    sentence = _("Answers to version %(number)s of the text of “%(track)s” are due by %(time)s.")
    values = {"number": number, "track": track.name, "time": f"{deadline:%Y-%m-%d %H:%M} UTC"}
    return Line(f"deadline:{track.id}:{number}", sentence % values, f"/tracks/{track.id}/text")


def _locale(session: Session, user_id: int) -> str:
    """The language a user's notifications are written in (their own setting, else English)."""
    user = session.get(t.User, user_id)
    return (user.locale if user else None) or i18n.DEFAULT_LOCALE


def _fresh(session: Session, user_id: int, lines: list[Line]) -> list[Line]:
    """The lines not told to the user before (each is recorded, so it is told once)."""
    fresh = []
    for line in dict.fromkeys(lines):
        exists = session.execute(
            select(st.MailDigestItem.id).where(
                st.MailDigestItem.user_id == user_id, st.MailDigestItem.key == line.key[:200]
            )
        ).first()
        if exists is None:
            session.add(
                st.MailDigestItem(user_id=user_id, key=line.key[:200], line=line.text("")[:500])
            )
            fresh.append(line)
    session.flush()
    return fresh


def _send(session: Session, user: t.User, lines: list[Line], base: str, daily: bool) -> None:
    with i18n.use_locale(user.locale):
        subject = _("gobetween: your daily summary") if daily else _("gobetween: news for you")
        _compose(session, user, lines, base, subject)


def _compose(session: Session, user: t.User, lines: list[Line], base: str, subject: str) -> None:
    body = _("Hello %(name)s,\n\n%(lines)s\n\nYou can choose how you are notified on %(settings)s.")
    mail.enqueue(
        session,
        to=user.email,
        subject=subject,
        body=body
        % {
            "name": user.name,
            "lines": "\n\n".join(line.text(base) for line in lines),
            "settings": mail.absolute_link(base, "/settings/mail") if base else "/settings/mail",
        },
        kind="notification",
    )


def _pending(session: Session, user_id: int) -> list[st.MailDigestItem]:
    stmt = (
        select(st.MailDigestItem)
        .where(st.MailDigestItem.user_id == user_id, st.MailDigestItem.sent_at.is_(None))
        .order_by(st.MailDigestItem.id)
    )
    return list(session.execute(stmt).scalars())


def _immediate(session: Session, now: dt.datetime, settings: Settings) -> None:
    """Users notified "at once": one mail with everything new, at most every few minutes (a
    busy channel gives one mail per :data:`IMMEDIATE_GAP`, not one per message)."""
    rows = session.execute(
        select(st.MailSettings).where(
            st.MailSettings.notify == "immediate", st.MailSettings.verified_at.is_not(None)
        )
    ).scalars()
    for row in list(rows):
        if row.notified_at is not None and now - row.notified_at < IMMEDIATE_GAP:
            continue
        items = _pending(session, row.user_id)
        if not items:
            continue
        user = session.get_one(t.User, row.user_id)
        lines = [Line(i.key, *i.line.split("\n  ", 1)) for i in items]
        _send(session, user, lines, settings.public_url, daily=False)
        for item in items:
            item.sent_at = now
        row.notified_at = now


def _digests(session: Session, now: dt.datetime, settings: Settings) -> None:
    if now.hour < settings.digest_hour:
        return
    today = now.replace(hour=settings.digest_hour, minute=0, second=0, microsecond=0)
    due = session.execute(
        select(st.MailSettings).where(
            st.MailSettings.notify == "daily",
            st.MailSettings.verified_at.is_not(None),
        )
    ).scalars()
    for row in list(due):
        if row.digest_sent_at is not None and row.digest_sent_at >= today:
            continue
        items = _pending(session, row.user_id)
        if not items:
            continue
        user = session.get_one(t.User, row.user_id)
        lines = [Line(i.key, *i.line.split("\n  ", 1)) for i in items]
        _send(session, user, lines, settings.public_url, daily=True)
        for item in items:
            item.sent_at = now
        row.digest_sent_at = now


def run_once(db: Database, settings: Settings, *, now: dt.datetime | None = None) -> int:
    """One round: read new events (and near deadlines), notify, send due digests.

    Returns how many events were read. Immediate notifications of a round go out as one mail
    per user; daily ones wait for the digest (after ``digest_hour`` UTC, once a day).
    """
    now = now or t.utcnow()
    try:
        with db.unit_of_work(write=True) as session:
            cursor = _cursor(session)
            events = list(
                session.execute(
                    select(t.Notification)
                    .where(t.Notification.id > cursor.last_id)
                    .order_by(t.Notification.id)
                    .limit(BATCH)
                ).scalars()
            )
            if events:
                cursor.last_id = events[-1].id
            found = _collect(session, events)
            for user_id, lines in _deadlines(session, now).items():
                found[user_id].extend(lines)
            for user_id in sorted(found):
                _fresh(session, user_id, found[user_id])
            _immediate(session, now, settings)
            _digests(session, now, settings)
            return len(events)
    except IntegrityError:  # another worker made the cursor at the same moment: next round
        return 0
