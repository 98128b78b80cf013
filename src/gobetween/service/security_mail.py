"""Security mails: the owner of an account is told by e-mail when a way into it changes.

Each event of the security log listed in :data:`MAILED` (a password changed or reset, the
second factor turned on or off, a recovery code used, the right password with a missing or
wrong code at log-in or when deleting the account, a signing key registered or revoked in the
user's name, all other sessions ended) puts one e-mail to the account's own address in the
outbox, in the same transaction as the event (:func:`notify`, called by
:func:`gobetween.service.security_log.record`). The mail
worker sends it like any other mail: a mail server that is down never blocks the action, and
the mail is retried. The mail says what happened, when (in the user's time zone), from what
kind of browser, and what to do if it was not them, in the user's language; it never holds a
password, a code or a link.

Only a verified address is written to (an address is verified only by following a link mailed
to it, so only where e-mail works), and at most one mail of each kind goes to an account every
:data:`GAP` (15 minutes): someone trying codes with a stolen password all night sends the owner
one mail per quarter of an hour, not one per try. Each mail depends only on the account's own
events.

>>> GAP
datetime.timedelta(seconds=900)
>>> sorted(MAILED) == sorted(set(MAILED))
True
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gobetween import i18n
from gobetween.bidi import isolate
from gobetween.i18n import _, _l, ngettext
from gobetween.service import mail
from gobetween.store import setup_tables as st
from gobetween.store import tables as t

__all__ = ["GAP", "MAILED", "notify"]

#: at most one mail of each kind per account in this time
GAP = dt.timedelta(minutes=15)

#: the security-log events that are mailed: (subject, what happened, what to do if not you)
MAILED = {
    "password.changed": (
        _l("Your gobetween password was changed"),
        _l(
            "The password of your gobetween account was changed (or a new one was chosen "
            "with a reset link sent to this address). Every other session was logged out and "
            "every API token revoked."
        ),
        _l(
            "If this was not you, someone else now has your account: ask for a new password "
            "on the log-in page (“Forgot your password?”) at once, and tell the administrator "
            "of this installation."
        ),
    ),
    "two_factor.enabled": (
        _l("A second factor was turned on for your gobetween account"),
        _l(
            "A second factor (an authenticator app) was turned on for your gobetween account. "
            "From now on, logging in needs a code from that app as well as the password."
        ),
        _l(
            "If this was not you, someone who knows your password has set up their own app, "
            "and you cannot log in without it: tell the administrator of this installation at "
            "once; they can remove that second factor so that you can set up your own, and "
            "then choose a new password."
        ),
    ),
    "two_factor.disabled": (
        _l("The second factor was turned off for your gobetween account"),
        _l(
            "The second factor was turned off for your gobetween account: logging in now "
            "needs only the password."
        ),
        _l(
            "If this was not you, someone knows your password: choose a new one at once "
            "(“Forgot your password?” on the log-in page), turn the second factor on again, "
            "and tell the administrator of this installation."
        ),
    ),
    "two_factor.reset": (
        _l("Your gobetween second factor was removed by an administrator"),
        _l(
            "The administrator of this installation removed the second factor of your "
            "gobetween account, as asked when an authenticator app and its recovery codes are "
            "lost. Logging in now needs only the password; where a second factor is required, "
            "you will be asked to set up a new one."
        ),
        _l(
            "If you did not ask for this, someone may be trying to take over your account: "
            "choose a new password at once (“Forgot your password?” on the log-in page) and "
            "tell the administrator of this installation."
        ),
    ),
    "recovery_code.used": (
        _l("A recovery code was used for your gobetween account"),
        _l("One of your recovery codes was used to log in to your gobetween account."),
        _l(
            "If this was not you, someone has your password and one of your recovery codes: "
            "choose a new password at once, turn the second factor off and on again (that "
            "gives new recovery codes), and tell the administrator of this installation."
        ),
    ),
    "login.code_failed": (
        _l("Someone tried to log in to your gobetween account"),
        _l(
            "Someone tried to log in to your gobetween account with the right password but "
            "without the right code from your second factor. They were not let in."
        ),
        _l(
            "If this was not you, someone else knows your password: choose a new one at once "
            "(“Forgot your password?” on the log-in page)."
        ),
    ),
    "account_deletion.code_failed": (
        _l("Someone tried to delete your gobetween account"),
        _l(
            "Someone tried to delete your gobetween account with the right password but "
            "without the right code from your second factor. The account was not deleted."
        ),
        _l(
            "If this was not you, someone else knows your password: choose a new one at once "
            "(“Forgot your password?” on the log-in page)."
        ),
    ),
    "key.registered": (
        _l("A signing key was registered in your name on gobetween"),
        _l(
            "A signing key was registered in your name on gobetween. What is signed with it "
            "speaks for you and your organisation."
        ),
        _l(
            "If this was not you, revoke the key on the keys page of your process at once, "
            "choose a new password, and tell the administrator of the process."
        ),
    ),
    "key.revoked": (
        _l("A signing key of yours was revoked on gobetween"),
        _l(
            "A signing key registered in your name was revoked (by you or by an administrator "
            "of the process). Signatures made with it before stay valid; nothing new can be "
            "signed with it."
        ),
        _l(
            "If you did not expect this, ask the administrator of the process why, and "
            "register a new key if you need one."
        ),
    ),
    "sessions.ended": (
        _l("All other sessions of your gobetween account were ended"),
        _l(
            "All sessions of your gobetween account but one were ended: every other browser "
            "was logged out."
        ),
        _l(
            "If this was not you, someone who was logged in as you did it: choose a new "
            "password at once (“Forgot your password?” on the log-in page) and tell the "
            "administrator of this installation."
        ),
    ),
}


#: a wrong password is handled as the right one with a wrong code up to the mail itself (the
#: same reads, the mail written and thrown away), so that the time a failed log-in takes does
#: not tell a password guesser that the password was right (docs/security.md)
_SHADOWS = {"login.failed": "login.code_failed"}


def notify(
    session: Session, user_id: int, kind: str, *, at: dt.datetime, client: tuple[str, str]
) -> bool:
    """Put the mail for security event ``kind`` of ``user_id`` in the outbox; whether one was.

    ``at`` is when the event happened; ``client`` the browser family and system it came from
    (``""`` when unknown). Nothing is sent for an event not in :data:`MAILED`, to an inactive
    account or an address not verified, or when a mail of this kind went to the account less
    than :data:`GAP` ago.
    """
    shadow = kind in _SHADOWS
    kind = _SHADOWS.get(kind, kind)
    if kind not in MAILED:
        return False
    user = session.get(t.User, user_id)
    verified = session.get(st.MailSettings, user_id)
    if user is None or not user.active or verified is None or verified.verified_at is None:
        return False
    mail_kind = f"security:{kind}"
    recent = session.execute(
        select(func.count())
        .select_from(st.MailOutbox)
        .where(
            st.MailOutbox.to_address == user.email,
            st.MailOutbox.kind == mail_kind,
            st.MailOutbox.created_at > at - GAP,
        )
    ).scalar_one()
    if recent:
        return False
    with i18n.use_locale(user.locale, user.time_zone or "UTC"):
        subject, body = _compose(session, user, kind, at, client)
    if shadow:
        return False
    mail.enqueue(session, to=user.email, subject=subject, body=body, kind=mail_kind)
    return True


def client_words(client: tuple[str, str]) -> str:
    """A browser family and system in the reader's language: "Chrome on Linux", "Chrome на
    Linux"; one of them alone when the other is unknown."""
    browser, system = client
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("a browser that could not be recognised")


def _compose(
    session: Session, user: t.User, kind: str, at: dt.datetime, client: tuple[str, str]
) -> tuple[str, str]:
    subject, what, advice = MAILED[kind]
    happened = str(what)
    if kind == "recovery_code.used":
        from gobetween.service import two_factor  # it records through the security log

        left = two_factor.recovery_codes_left(session, user.id)
        remaining = ngettext(
            "You have %(num)d unused recovery code left.",
            "You have %(num)d unused recovery codes left.",
            left,
        )
        happened += " " + remaining % {"num": left}
    body = _(
        "Hello %(name)s,\n\n%(what)s\n\nWhen: %(when)s\nFrom: %(client)s\n\n%(advice)s\n\n"
        "This e-mail goes to the address of your account whenever the ways into it change. "
        "It never holds a password, a code or a link: to act, open gobetween yourself."
    ) % {
        "name": isolate(user.name),
        "what": happened,
        "when": i18n.format_datetime(at),
        "client": client_words(client),
        "advice": str(advice),
    }
    return str(subject), body
