"""Pages of the negotiation's languages: the translator's desk and the working languages.

Each page calls the same service functions as its JSON twin (named in a ``Link`` header):

- ``/translate``: the tracks given to the caller to translate, their channels
  (``GET /api/translating``);
- ``/translate/channels/{id}``: a channel's messages, each with its translations and a form to
  add or correct one (``GET /api/channels/{id}/translations``); posting a translation is
  ``PUT /api/messages/{id}/translations/{language}``;
- ``/processes/{id}/languages``: the working languages of a process and of each of its tracks,
  which its admins change here (``GET /api/processes/{id}/languages``);
- ``/tracks/{id}/text/languages``: per version of the negotiating text, which language
  versions are complete and which articles each lacks (``GET /api/tracks/{id}/text/languages``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gobetween.i18n import _
from gobetween.model.languages import LANGUAGES
from gobetween.policy import Action
from gobetween.service import languages, processes, translations
from gobetween.service.api.translations import TranslationIn
from gobetween.service.context import Unit
from gobetween.service.names import called
from gobetween.web.common import Ctx, frame, track_page
from gobetween.web.forms import validated
from gobetween.web.render import post_form, read_page, refused, render, run_page, with_twin

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


# -- the translator's desk -----------------------------------------------------------------------


def _party_names(unit: Unit, process_id: int) -> dict[int, str]:
    return processes.organisation_names(unit.session, unit.actor, process_id)


@router.get("/translate")
def desk(request: Request, ctx: Ctx) -> Response:
    """The tracks given to the caller to translate, with their channels."""

    def build() -> Response:
        with ctx.read() as unit:
            tracks = []
            for track, channels in translations.assigned_tracks(unit.session, unit.actor):
                names = _party_names(unit, track.process_id)
                tracks.append(
                    {
                        "track": track,
                        "languages": languages.track_languages(unit.session, track.id),
                        "channels": [(c.id, names.get(c.party_id, "")) for c in channels],
                    }
                )
            context = {**frame(ctx, unit), "title": _("Translation"), "tracks": tracks}
        return with_twin(render(request, "translate.html", context), "/api/translating")

    return run_page(request, build)


def _channel_context(ctx: Ctx, unit: Unit, /, channel_id: int, **more: Any) -> dict[str, Any]:
    messages = translations.messages_with_translations(
        unit.session, unit.actor, channel_id, limit=200
    )
    row, track, view = translations.translation_channel(unit.session, unit.actor, channel_id)
    party = _party_names(unit, track.process_id)[row.party_id]
    return {
        **frame(ctx, unit),
        "title": _("Translation: %(party)s") % {"party": party},
        "track": track,
        "channel": row,
        "party": party,
        "messages": messages,
        "working": languages.track_languages(unit.session, track.id),
        "may_translate": view.allows(Action.TRANSLATE, row.party_id),
        **more,
    }


@router.get("/translate/channels/{channel_id}")
def channel(request: Request, ctx: Ctx, channel_id: int) -> Response:
    """A channel's messages with their translations, and a form to translate each."""
    return with_twin(
        read_page(request, ctx, "translate_channel.html", _channel_context, channel_id),
        f"/api/channels/{channel_id}/translations",
    )


@router.post("/translate/messages/{message_id}")
async def translate(request: Request, ctx: Ctx, message_id: int) -> Response:
    """Attach (or correct) the translation of a message into one working language."""
    holder: dict[str, int] = {}

    def work(values: dict[str, Any]) -> str:
        with ctx.write() as unit:
            holder["channel"] = translations.message_channel(unit.session, unit.actor, message_id)
            body = validated(TranslationIn, {"text": str(values.get("text", ""))})
            translations.translate(
                unit.session,
                unit.actor,
                message_id,
                language=str(values.get("language", "")),
                text=body.text,
            )
        return f"/translate/channels/{holder['channel']}#m-{message_id}"

    def failed(message: str) -> Response:
        with ctx.read() as unit:
            context = _channel_context(ctx, unit, holder.get("channel", 0), error=message)
        return render(request, "translate_channel.html", context, status=422)

    return await post_form(request, work, failed, lists=("languages",))


# -- working languages ---------------------------------------------------------------------------


def _languages_context(ctx: Ctx, unit: Unit, /, process_id: int, **more: Any) -> dict[str, Any]:
    process, view = processes.process(unit.session, unit.actor, process_id)
    tracks = [
        {"track": row, "languages": languages.track_languages(unit.session, row.id)}
        for row, _view in processes.tracks(unit.session, unit.actor, process_id)
    ]
    return {
        **frame(ctx, unit),
        "title": _("Working languages: %(process)s") % {"process": called(process)},
        "process": process,
        "admin": view.admin,
        "process_languages": languages.process_languages(unit.session, unit.actor, process_id),
        "available": list(LANGUAGES.values()),
        "tracks": tracks,
        **more,
    }


@router.get("/processes/{process_id}/languages")
def languages_page(request: Request, ctx: Ctx, process_id: int) -> Response:
    """The working languages of a process and of its tracks (admins change them here)."""
    return with_twin(
        read_page(request, ctx, "languages.html", _languages_context, process_id),
        f"/api/processes/{process_id}/languages",
    )


async def _set(request: Request, ctx: Ctx, process_id: int, track_id: int | None) -> Response:
    def work(values: dict[str, Any]) -> str:
        with ctx.write() as unit:
            if track_id is None:
                languages.set_working_languages(
                    unit.session, unit.actor, process_id, values["languages"]
                )
            else:
                languages.set_track_languages(
                    unit.session, unit.actor, track_id, values["languages"]
                )
        return f"/processes/{process_id}/languages"

    failed = refused(request, ctx, "languages.html", _languages_context, process_id)
    return await post_form(request, work, failed, lists=("languages",))


@router.post("/processes/{process_id}/languages")
async def set_process_languages(request: Request, ctx: Ctx, process_id: int) -> Response:
    """Declare the working languages of a process (its admins)."""
    return await _set(request, ctx, process_id, None)


@router.post("/processes/{process_id}/tracks/{track_id}/languages")
async def set_track_languages(
    request: Request, ctx: Ctx, process_id: int, track_id: int
) -> Response:
    """Let a track work in some of the process's languages (its admins)."""
    return await _set(request, ctx, process_id, track_id)


@router.get("/tracks/{track_id}/text/languages")
def text_languages(request: Request, ctx: Ctx, track_id: int) -> Response:
    """Which language versions of each text version are complete, the articles missing."""

    def build() -> Response:
        with ctx.read() as unit:
            tp = track_page(unit, track_id)
            shown = translations.text_languages(unit.session, unit.actor, track_id)
            context = tp.context(
                ctx,
                unit,
                title=_("Language versions of the text: %(track)s") % {"track": called(tp.track)},
                versions=list(reversed(shown["versions"])),
            )
        response = render(request, "text_languages.html", context)
        return with_twin(response, f"/api/tracks/{track_id}/text/languages")

    return run_page(request, build)
