"""Rehearse a text: how simulated delegations built from the parties' recorded preferences would
answer a draft (or a published version), article by article. Mediators only.

To anyone but a mediator of the track a rehearsal answers 404 exactly as a draft or version that
does not exist would; nothing is stored, notified or counted, so no party can tell that a text
was rehearsed, let alone read what its simulated delegation "said". The answers come from
:func:`gobetween.rehearsal.draft.rehearse_text`; this module reads the text and the preferences,
and words the reasons in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from gobetween.errors import InvalidModel, NotFound
from gobetween.i18n import _, current_locale, format_decimal
from gobetween.model import Agenda, Package, Preferences
from gobetween.policy import Action, Actor, TrackView
from gobetween.protocols.single_text_articles import Article, articles_from_wire
from gobetween.rehearsal import BEHAVIOURS
from gobetween.rehearsal.draft import ArticleVerdict, PartyRehearsal, Reason, rehearse_text
from gobetween.service import drafts, texts
from gobetween.service.negotiate import track_agenda
from gobetween.store import repositories
from gobetween.store.codec import preferences_from_json

__all__ = ["BEHAVIOUR_NAMES", "rehearse_draft", "rehearse_version"]

#: The behaviours a rehearsal may simulate (truthful by default).
BEHAVIOUR_NAMES = tuple(BEHAVIOURS)


def _share(value: float) -> str:
    return format_decimal(round(value, 2))


def _option(agenda: Agenda | None, issue: str | None, option: str | None) -> str:
    """``issue``'s ``option`` as a reader of the current language calls it (as given off the
    agenda)."""
    if agenda is None or issue is None or option is None or not agenda.has_issue(issue):
        return str(option)
    found = agenda.issue(issue)
    if not found.has_option(option):
        return option
    return found.options[found.index(option)].called(current_locale())


def _issue(agenda: Agenda | None, issue: str) -> str:
    if agenda is None or not agenda.has_issue(issue):
        return issue
    return agenda.issue(issue).called(current_locale())


def reason_text(verdict: ArticleVerdict, agenda: Agenda | None = None) -> str:
    """The reason for a stance, as a sentence in the reader's language (the options and issues
    as ``agenda`` names them in it)."""
    preferred = _option(agenda, verdict.issue, verdict.preferred)
    if verdict.reason is Reason.PREFERRED:
        return _("This is its preferred option on this issue.")
    if verdict.reason is Reason.SECOND_CHOICE:
        return _(
            "Not its first choice: it would prefer %(preferred)s (%(loss)s more utility), but it "
            "can live with this within the whole text."
        ) % {"preferred": preferred, "loss": _share(verdict.loss)}
    if verdict.reason is Reason.RED_LINE:
        if not verdict.red_line:
            return _("This option crosses one of its red lines.")
        others = ", ".join(
            f"{_issue(agenda, issue)}: {_option(agenda, issue, option)}"
            for issue, option in verdict.red_line
        )
        return _("Together with %(others)s, this option crosses one of its red lines.") % {
            "others": others
        }
    if verdict.reason is Reason.BELOW_LEVEL:
        return _(
            "The whole text is below what it can accept, and this is where it loses most: it "
            "wants %(preferred)s (%(loss)s more utility)."
        ) % {"preferred": preferred, "loss": _share(verdict.loss)}
    return _("Not tied to an agenda issue: no position.")


def _party(result: PartyRehearsal, party_id: int, agenda: Agenda) -> dict[str, Any]:
    return {
        "party": result.party,
        "party_id": party_id,
        "accepts": result.accepts,
        "utility": result.utility,
        "level": result.level,
        "articles": [
            {
                "article": v.article,
                "issue": v.issue,
                "option": v.option,
                "stance": None if v.stance is None else v.stance.value,
                "reason": v.reason.value,
                "explanation": reason_text(v, agenda),
                "preferred": v.preferred,
                "loss": v.loss,
                "red_line": [list(pair) for pair in v.red_line],
            }
            for v in result.articles
        ],
    }


def _recorded(
    session: Session, view: TrackView, agenda_check: Package
) -> tuple[dict[str, Preferences], dict[str, int], list[dict[str, Any]]]:
    """The parties' current preferences that fit the agenda, their ids, and who has none."""
    names = repositories.organisation_names(session, view.party_ids)
    found: dict[str, Preferences] = {}
    ids: dict[str, int] = {}
    for row in repositories.current_preferences(session, view):
        try:
            prefs = preferences_from_json(row.body)
            prefs.validate(agenda_check.agenda)
        except InvalidModel:
            continue
        found[names[row.party_id]] = prefs
        ids[names[row.party_id]] = row.party_id
    missing = [
        {"party": names[p], "party_id": p}
        for p in sorted(view.party_ids)
        if names.get(p) is not None and names[p] not in found
    ]
    return found, ids, missing


def _rehearse(
    session: Session,
    view: TrackView,
    package: Package,
    articles: Sequence[Article],
    behaviour: str,
    source: Mapping[str, Any],
) -> dict[str, Any]:
    preferences, ids, missing = _recorded(session, view, package)
    results = rehearse_text(package, articles, preferences, behaviour)
    return {
        **source,
        "track": view.track_id,
        "behaviour": behaviour,
        "package": package.options,
        "parties": [_party(r, ids[r.party], package.agenda) for r in results],
        "without_preferences": missing,
    }


def rehearse_draft(
    session: Session, actor: Actor, track_id: int, draft_id: int, *, behaviour: str = "truthful"
) -> dict[str, Any]:
    """The simulated answers to draft ``draft_id`` (404 to anyone but the track's mediators)."""
    draft = drafts.draft_view(session, actor, track_id, draft_id)  # mediators only, else 404
    track, view = repositories.track(session, actor, track_id)
    view.require(Action.READ_ANALYSIS)
    agenda = track_agenda(track)
    body = draft["body"]
    try:  # a draft saved before the agenda changed no longer fits it: 422 naming the draft
        package = agenda.package(body["package"])
    except InvalidModel as exc:
        raise exc.located(source=f"draft {draft['id']}") from None
    articles = articles_from_wire(body["articles"])
    source = {"draft": draft["id"], "version": None}
    return _rehearse(session, view, package, articles, behaviour, source)


def rehearse_version(
    session: Session, actor: Actor, track_id: int, version: int, *, behaviour: str = "truthful"
) -> dict[str, Any]:
    """The simulated answers to published version ``version`` (404 to anyone but the track's
    mediators, worded as for a version that does not exist)."""
    missing = NotFound(
        _("no version %(number)s of the text of track %(track_id)s")
        % {"number": version, "track_id": track_id}
    )
    track, view = repositories.track(session, actor, track_id)
    if not view.allows(Action.READ_ANALYSIS):
        raise missing
    state = texts.single_text_state(session, track, view)
    if not 1 <= version <= len(state.versions):
        raise missing
    published = state.version(version)
    source = {"draft": None, "version": version}
    return _rehearse(session, view, published.package, published.text_articles, behaviour, source)
