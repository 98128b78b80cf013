"""Notifications by e-mail: a new message in my channel, a new text version, a changed agenda,
an answer deadline near, each at once or in a daily digest, as each user chooses.

The notifier reads the live-update notifications the writes already record (the table behind
the event streams), in id order from its cursor, and decides per event who may be told: the
policy's view of the track for each member of the process (a message in a party's channel
only reaches that party's members and those who may read the channel; a public event reaches
everyone with a seat). What a mail says is no more than its recipient can read on the site:
*that* something happened in a place they can open, with a link, never the words of a message;
the track and the party are named in the recipient's language (:func:`gobetween.service.names.
called`).
Only verified addresses receive notifications.

Every user's mails depend only on events in places that user may read, so no party's mail
(its content, count or time) depends on what another party does in its own channel.

>>> Line("k", "There is news.", "/tracks/1").text("https://talks.example.org")
'There is news.\\n  https://talks.example.org/tracks/1'
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gobetween import i18n
from gobetween.bidi import isolate
from gobetween.errors import NotFound
from gobetween.i18n import _, ngettext
from gobetween.policy import TrackView
from gobetween.service import mail
from gobetween.service.names import called
from gobetween.service.settings import Settings
from gobetween.store import repositories
from gobetween.store import setup_tables as st
from gobetween.store import tables as t
from gobetween.store.db import Database

__all__ = ["Line", "lines_for", "run_once"]

#: Events read per query (a round reads every new event, a batch at a time).
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


def lines_for(event: t.Notification, track: t.Track) -> Iterator[Line]:
    """What a public event (a text version, an agenda version) tells everyone with a seat."""
    key = f"{event.kind}:{event.track_id}:{event.object_id}"
    if event.party_id is None and event.kind == "text":
        sentence = _("Version %(number)s of the negotiating text of “%(track)s” was published.")
        values = {"number": event.object_id, "track": isolate(called(track))}
        yield Line(key, sentence % values, f"/tracks/{track.id}/text")
    elif event.party_id is None and event.kind == "agenda":
        sentence = _("The agenda of “%(track)s” changed (version %(number)s).")
        values = {"number": event.object_id, "track": isolate(called(track))}
        yield Line(key, sentence % values, f"/tracks/{track.id}")


def message_line(track: t.Track, party: str, own: bool, count: int, last: int) -> Line:
    """New messages in one channel since the last round: how many, never what they say."""
    key = f"message:{track.id}:{party}:{last}"
    if own:
        sentence = ngettext(
            "%(num)d new message in your channel with the mediators in “%(track)s”.",
            "%(num)d new messages in your channel with the mediators in “%(track)s”.",
            count,
        )
        return Line(
            key,
            sentence % {"num": count, "track": isolate(called(track))},
            f"/tracks/{track.id}/channel",
        )
    sentence = ngettext(
        "%(num)d new message in the channel of %(party)s in “%(track)s”.",
        "%(num)d new messages in the channel of %(party)s in “%(track)s”.",
        count,
    )
    values = {"num": count, "party": isolate(party), "track": isolate(called(track))}
    return Line(key, sentence % values, f"/tracks/{track.id}/console")


class _Views:
    """Each (user, track) view and each process's audience, read once per round."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._views: dict[tuple[int, int], TrackView | None] = {}
        self._audiences: dict[int, list[int]] = {}
        self._locales: dict[int, str] = {}

    def readers(self, track: t.Track) -> list[tuple[int, TrackView]]:
        """The users to consider for a track's events, with their views (a seat each)."""
        if track.process_id not in self._audiences:
            self._audiences[track.process_id] = _audience(self.session, track.process_id)
        out = []
        for user_id in self._audiences[track.process_id]:
            key = (user_id, track.id)
            if key not in self._views:
                self._views[key] = _view(self.session, user_id, track.id)
            view = self._views[key]
            if view is not None and view.seats:
                out.append((user_id, view))
        return out

    def own_party(self, user_id: int, track: t.Track) -> int | None:
        """The user's own party in the track (read by :meth:`readers` before)."""
        view = self._views.get((user_id, track.id))
        return view.own_party if view is not None else None

    def locale(self, user_id: int) -> str:
        if user_id not in self._locales:
            self._locales[user_id] = _locale(self.session, user_id)
        return self._locales[user_id]


def _chunks(session: Session, start: int) -> Iterator[list[t.Notification]]:
    """Every event after ``start`` up to the newest one when the round began, :data:`BATCH`
    at a time.

    A round reads them all: were it to stop after a batch, another party's private events
    (anywhere on the server) ahead of this party's would push this party's news into a later
    round and split its count of new messages, so its mail's time and words would tell how
    busy the other party was.
    """
    ceiling = session.execute(select(func.max(t.Notification.id))).scalar_one() or 0
    last = start
    while last < ceiling:
        stmt = (
            select(t.Notification)
            .where(t.Notification.id > last, t.Notification.id <= ceiling)
            .order_by(t.Notification.id)
            .limit(BATCH)
        )
        chunk = list(session.execute(stmt).scalars())
        if not chunk:
            return
        yield chunk
        last = chunk[-1].id
        for event in chunk:  # a long backlog is not kept in the session
            session.expunge(event)


def _collect(
    session: Session, chunks: Iterable[list[t.Notification]], read: list[int]
) -> dict[int, list[Line]]:
    """The lines each user is told about the events of ``chunks`` (messages counted per
    channel over all of them); ``read`` receives how many events there were and the last id."""
    found: dict[int, list[Line]] = defaultdict(list)
    views = _Views(session)
    tracks: dict[int, t.Track] = {}
    # (user, track, party) -> (how many, the last event's id)
    counts: dict[tuple[int, int, int], tuple[int, int]] = {}
    for events in chunks:
        read[:] = [read[0] + len(events), events[-1].id]
        wanted = {e.track_id for e in events} - tracks.keys()
        for row in session.execute(select(t.Track).where(t.Track.id.in_(wanted))).scalars():
            tracks[row.id] = row
        ids = [e.object_id for e in events if e.kind == "message"]
        rows = session.execute(
            select(t.Message.id, t.Message.author_id).where(t.Message.id.in_(ids))
        )
        authors: dict[int, int | None] = {row[0]: row[1] for row in rows.all()}
        for event in events:
            track = tracks.get(event.track_id)
            if track is None or event.kind not in KINDS:
                continue
            for user_id, view in views.readers(track):
                if event.kind == "message" and event.party_id is not None:
                    if (
                        event.party_id in view.readable_channels
                        and authors.get(event.object_id) != user_id
                    ):
                        key = (user_id, track.id, event.party_id)
                        counts[key] = (counts.get(key, (0, 0))[0] + 1, event.id)
                else:
                    with i18n.use_locale(views.locale(user_id)):
                        found[user_id].extend(lines_for(event, track))
    parties = {party for _u, _t, party in counts}
    orgs = repositories.organisations_by_id(session, parties)
    for (user_id, track_id, party), (count, last) in sorted(counts.items()):
        own = views.own_party(user_id, tracks[track_id]) == party
        with i18n.use_locale(views.locale(user_id)):
            name = called(orgs[party]) if party in orgs else "?"
            line = message_line(tracks[track_id], name, own, count, last)
        found[user_id].append(line)
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
    values = {
        "number": number,
        "track": isolate(called(track)),
        "time": f"{deadline:%Y-%m-%d %H:%M} UTC",
    }
    return Line(f"deadline:{track.id}:{number}", sentence % values, f"/tracks/{track.id}/text")


def _locale(session: Session, user_id: int) -> str:
    """The language a user's notifications are written in (their own setting, else English)."""
    user = session.get(t.User, user_id)
    return (user.locale if user else None) or i18n.DEFAULT_LOCALE


def _fresh(session: Session, user_id: int, lines: list[Line]) -> None:
    """Record the lines not told to the user before (each key is told once)."""
    unique = {line.key[:200]: line for line in lines}
    told = set(
        session.execute(
            select(st.MailDigestItem.key).where(
                st.MailDigestItem.user_id == user_id, st.MailDigestItem.key.in_(list(unique))
            )
        ).scalars()
    )
    session.add_all(
        st.MailDigestItem(user_id=user_id, key=key, line=line.text("")[:500])
        for key, line in unique.items()
        if key not in told
    )


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
            "name": isolate(user.name),  # names chosen by users: bidi controls isolated
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


def _send_pending(
    session: Session, user_id: int, now: dt.datetime, settings: Settings, *, daily: bool
) -> bool:
    """Mail the user their pending lines in one mail and mark them sent; False if none."""
    items = _pending(session, user_id)
    if not items:
        return False
    user = session.get_one(t.User, user_id)
    lines = [Line(i.key, *i.line.split("\n  ", 1)) for i in items]
    _send(session, user, lines, settings.public_url, daily=daily)
    for item in items:
        item.sent_at = now
    return True


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
        if _send_pending(session, row.user_id, now, settings, daily=False):
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
        if _send_pending(session, row.user_id, now, settings, daily=True):
            row.digest_sent_at = now


def _start(session: Session) -> int | None:
    row = session.get(st.NotifierCursor, 1)
    return None if row is None else int(row.last_id)


def run_once(db: Database, settings: Settings, *, now: dt.datetime | None = None) -> int:
    """One round: read new events (and near deadlines), notify, send due digests.

    Returns how many events were read: every event up to the newest when the round began
    (:data:`BATCH` at a time), never fewer because others were busy. The reading (views,
    lines) happens in a read-only transaction; the write takes the cursor's lock only to
    record the lines, and gives up the round when another worker moved the cursor meanwhile.
    Immediate notifications go out as one mail per user (at most one per
    :data:`IMMEDIATE_GAP`); daily ones wait for the digest (after ``digest_hour`` UTC, once a
    day).
    """
    now = now or t.utcnow()
    read = [0, 0]  # how many events, the last one's id
    with db.unit_of_work(write=False) as session:
        start = _start(session)
        found = _collect(session, [] if start is None else _chunks(session, start), read)
        for user_id, lines in _deadlines(session, now).items():
            found[user_id].extend(lines)
    try:
        with db.unit_of_work(write=True) as session:
            cursor = _cursor(session)
            if start is None or cursor.last_id != start:
                return 0  # the cursor was just made, or another worker took these events
            if read[0]:
                cursor.last_id = read[1]
            for user_id in sorted(found):
                _fresh(session, user_id, found[user_id])
            session.flush()
            _immediate(session, now, settings)
            _digests(session, now, settings)
            return read[0]
    except IntegrityError:  # another worker made the cursor at the same moment: next round
        return 0
