"""Routes of the negotiation's languages: working languages, translators, translations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import Field

from gobetween.model.languages import LANGUAGES
from gobetween.service import languages, translations
from gobetween.service import schemas as s
from gobetween.service.api.calls import Ctx, reading, reading_as, writing
from gobetween.store import repositories

router = APIRouter(prefix="/api", tags=["languages"])


class LanguageOut(s.Out):
    """A language the negotiation can be held in."""

    code: str
    name: str
    native: str
    direction: str


class WorkingLanguagesOut(s.Out):
    """A process's working languages (declared order) and every language on offer."""

    process_id: int
    languages: list[str]
    available: list[LanguageOut]


class WorkingLanguagesIn(s.In):
    languages: Annotated[list[s.LanguageCode], Field(min_length=1, max_length=len(LANGUAGES))]


class TranslationIn(s.In):
    text: Annotated[s.Str, Field(min_length=1, max_length=translations.MAX_TRANSLATION)]


class TranslatorItem(s.Out):
    user_id: int
    name: str
    organisation_id: int


class TranslatorChannel(s.Out):
    id: int
    party_id: int


class TranslatorTrack(s.Out):
    """A track given to the caller to translate, with its channels."""

    id: int
    process_id: int
    name: str
    languages: list[str]
    channels: list[TranslatorChannel]


def _available() -> list[LanguageOut]:
    return [
        LanguageOut(code=lang.code, name=lang.name, native=lang.native, direction=lang.direction)
        for lang in LANGUAGES.values()
    ]


@router.get("/processes/{process_id}/languages", response_model=WorkingLanguagesOut)
def get_languages(process_id: s.Id, ctx: Ctx) -> WorkingLanguagesOut:
    """The working languages of a process (any member), and the languages on offer."""
    codes = reading(ctx, languages.process_languages, process_id)
    return WorkingLanguagesOut(process_id=process_id, languages=list(codes), available=_available())


@router.put("/processes/{process_id}/languages", response_model=WorkingLanguagesOut)
def put_languages(process_id: s.Id, body: WorkingLanguagesIn, ctx: Ctx) -> WorkingLanguagesOut:
    """Declare the working languages of a process (its admins)."""
    codes = writing(ctx, languages.set_working_languages, process_id, body.languages)
    return WorkingLanguagesOut(process_id=process_id, languages=list(codes), available=_available())


class TrackLanguagesOut(s.Out):
    """A track's working languages (its own, else its process's)."""

    track_id: int
    languages: list[str]


class TrackLanguagesIn(s.In):
    #: some of the process's working languages; empty: all of them
    languages: Annotated[list[s.LanguageCode], Field(max_length=len(LANGUAGES))]


@router.get("/tracks/{track_id}/languages", response_model=TrackLanguagesOut)
def get_track_languages(track_id: s.Id, ctx: Ctx) -> TrackLanguagesOut:
    """The working languages of a track (anyone with a seat in it)."""
    with ctx.read() as unit:
        repositories.track(unit.session, unit.actor, track_id)
        codes = languages.track_languages(unit.session, track_id)
    return TrackLanguagesOut(track_id=track_id, languages=list(codes))


@router.put("/tracks/{track_id}/languages", response_model=TrackLanguagesOut)
def put_track_languages(track_id: s.Id, body: TrackLanguagesIn, ctx: Ctx) -> TrackLanguagesOut:
    """Let a track work in some of its process's languages (the process's admins)."""
    codes = writing(ctx, languages.set_track_languages, track_id, body.languages)
    return TrackLanguagesOut(track_id=track_id, languages=list(codes))


@router.get("/tracks/{track_id}/translators", response_model=list[TranslatorItem])
def list_translators(track_id: s.Id, ctx: Ctx) -> list[TranslatorItem]:
    """The translators given this track (its mediators and the process's admins)."""
    rows = reading(ctx, translations.translators, track_id)
    return [
        TranslatorItem(user_id=r.user_id, name=r.name, organisation_id=r.organisation_id)
        for r in rows
    ]


@router.put("/tracks/{track_id}/translators/{user_id}", status_code=204)
def assign(track_id: s.Id, user_id: s.Id, ctx: Ctx) -> Response:
    """Give the track to a translator of one of its mediating organisations."""
    writing(ctx, translations.assign_translator, track_id, user_id)
    return Response(status_code=204)


@router.delete("/tracks/{track_id}/translators/{user_id}", status_code=204)
def unassign(track_id: s.Id, user_id: s.Id, ctx: Ctx) -> Response:
    """Take the track back from a translator (their translations stay)."""
    writing(ctx, translations.unassign_translator, track_id, user_id)
    return Response(status_code=204)


@router.get("/translating", response_model=list[TranslatorTrack])
def translating(ctx: Ctx) -> list[TranslatorTrack]:
    """The tracks given to the caller to translate, each with its channels."""
    with ctx.read() as unit:
        return [
            TranslatorTrack(
                id=track.id,
                process_id=track.process_id,
                name=track.name,
                languages=list(languages.track_languages(unit.session, track.id)),
                channels=[TranslatorChannel(id=c.id, party_id=c.party_id) for c in channels],
            )
            for track, channels in translations.assigned_tracks(unit.session, unit.actor)
        ]


@router.get("/channels/{channel_id}/translations", response_model=list[s.MessageOut])
def channel_translations(
    channel_id: s.Id,
    ctx: Ctx,
    after: Annotated[int, Query(ge=0, le=2_147_483_647)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[s.MessageOut]:
    """A channel's messages with their translations, for whoever may read the channel: the
    party's members, the track's mediators and the translators given the track."""
    return reading(
        ctx, translations.messages_with_translations, channel_id, after=after, limit=limit
    )


@router.put(
    "/messages/{message_id}/translations/{language}",
    response_model=s.TranslationOut,
    status_code=201,
)
def put_translation(
    message_id: s.Id,
    language: Annotated[str, Path(pattern=r"^[a-z]{2,3}$")],
    body: TranslationIn,
    ctx: Ctx,
) -> s.TranslationOut:
    """Attach (or replace) a message's translation into a working language (translators)."""
    return writing(ctx, translations.translate, message_id, language=language, text=body.text)


class LanguageCompleteness(s.Out):
    code: str
    complete: bool
    #: ids of the articles without wording (or heading) in this language
    missing: list[str]


class VersionCompleteness(s.Out):
    number: int
    complete: bool
    languages: list[LanguageCompleteness]


class TextLanguagesOut(s.Out):
    """Per published text version: is each language version complete, which articles not."""

    track_id: int
    languages: list[str]
    versions: list[VersionCompleteness]


@router.get("/tracks/{track_id}/text/languages", response_model=TextLanguagesOut)
def text_languages(track_id: s.Id, ctx: Ctx) -> TextLanguagesOut:
    """Which language versions of each text version are complete (the missing articles)."""
    return reading_as(ctx, TextLanguagesOut, translations.text_languages, track_id)
