"""``gobetween bidding``: a track's double-blind bidding from the shell, and simulated bidders.

``open``, ``bid``, ``release``, ``close`` and ``show`` act on a database as the user named by
``--as`` (an e-mail), through the same service functions as the API and the pages, so the same
policy decides: a side sees only its own bids and the released results. ``simulate`` runs two
simulated bidders (:mod:`gobetween.protocols.simulated_bidders`) and needs no database.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.cli import options
from gobetween.errors import NotFound
from gobetween.policy import Actor
from gobetween.protocols import blind_bidding as bb
from gobetween.protocols.simulated_bidders import bidder_from_spec, simulate
from gobetween.service import bidding as service
from gobetween.service import identity
from gobetween.store import repositories
from gobetween.store.db import Database
from gobetween.store.tables import User

__all__ = ["bidding"]


@click.group()
def bidding() -> None:
    """Double-blind bidding: open, bid, release a round, close, show; simulate bidders."""


def _as_user(session: Session, email: str) -> Actor:
    found = session.execute(
        select(User.id).where(User.email == identity.normalise_email(email))
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no user with e-mail {email}")
    return repositories.load_actor(session, found)


def _run(
    database_url: str, email: str, work: Callable[[Session, Actor], dict[str, Any]], as_json: bool
) -> None:
    database = Database(database_url)
    try:
        with database.unit_of_work() as session:
            shown = work(session, _as_user(session, email))
    finally:
        database.dispose()
    click.echo(json.dumps(shown, indent=2, ensure_ascii=False) if as_json else _text(shown))


def _text(shown: dict[str, Any]) -> str:
    """The bidding as lines for people (a side: its own bids; the mediators: both figures)."""
    unit = shown["rules"]["unit"]
    issue = shown["issue"] or "an amount"
    lines = [
        f"bidding on {issue}: {shown['payer_name']} offers, {shown['payee_name']} demands",
        f"status: {shown['status']}, round {shown['round']} of {shown['rules']['max_rounds']}",
    ]
    if shown["view"] == "mediator":
        for r in shown["results"]:
            outcome = f"settles at {r['amount']:g}" if r["settled"] else "no settlement"
            held = "" if r["round"] <= shown["released"] else " (not yet released)"
            lines.append(
                f"round {r['round']}: offer {r['offer']:g}, demand {r['demand']:g}: {outcome}{held}"
            )
        waiting = [b for b in shown["bids"] if b["round"] > len(shown["results"])]
        lines += [f"round {b['round']}: {b['side']} has bid {b['amount']:g}" for b in waiting]
    else:
        results = {r["round"]: r for r in shown["results"]}
        for b in shown["own_bids"]:
            r = results.get(b["round"])
            outcome = r["summary"] if r else "waiting for the mediators to release the round"
            lines.append(f"round {b['round']}: you bid {b['amount']:g}: {outcome}")
    agreed = shown.get("agreed")
    if agreed:
        option = f" (option {agreed['option']})" if agreed["option"] else ""
        lines.append(f"agreed: {agreed['amount']:g} {unit}{option}".rstrip())
    return "\n".join(lines)


as_option = click.option("--as", "email", required=True, help="E-mail of the user acting.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print the view as JSON.")
track_argument = click.argument("track_id", type=click.IntRange(min=1))


def rules_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--rounds``, ``--band-share``, ``--band-amount``, ``--monotone/--free`` (open, simulate)."""
    for option in reversed(
        (
            click.option(
                "--rounds", default=3, show_default=True, type=click.IntRange(1, service.MAX_ROUNDS)
            ),
            click.option(
                "--band-share",
                default=0.0,
                show_default=True,
                type=click.FloatRange(0, 1, max_open=True),
                help="Settle when the offer is within this share of the demand (0.3: 30 %).",
            ),
            click.option(
                "--band-amount",
                default=0.0,
                show_default=True,
                type=click.FloatRange(min=0),
                help="Or within this amount of it.",
            ),
            click.option(
                "--monotone/--free",
                default=True,
                show_default=True,
                help="Offers may only rise and demands only fall.",
            ),
        )
    ):
        command = option(command)
    return command


def _party(session: Session, actor: Actor, track_id: int, given: str) -> int:
    """An organisation of the track's process by id or exact name."""
    track, _view = repositories.track(session, actor, track_id)
    for org in repositories.organisations(session, actor, track.process_id):
        if str(org.id) == given or org.name == given:
            return org.id
    raise click.BadParameter(f"no organisation {given!r} in this process")


@bidding.command("open")
@options.database_url
@as_option
@track_argument
@click.option("--payer", required=True, help="The paying party (name or id): it offers.")
@click.option("--payee", required=True, help="The receiving party (name or id): it demands.")
@click.option("--issue", help="The numeric issue bid on (default: an amount of the whole track).")
@rules_options
@click.option("--deadline", type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z"]), help="No bids after it.")
@click.option("--unit", help="The unit (default: the issue's).")
@json_option
def open_(
    database_url: str,
    email: str,
    track_id: int,
    payer: str,
    payee: str,
    issue: str | None,
    rounds: int,
    band_share: float,
    band_amount: float,
    monotone: bool,
    deadline: dt.datetime | None,
    unit: str | None,
    as_json: bool,
) -> None:
    """Open TRACK_ID's bidding (a mediator of the track)."""

    def work(session: Session, actor: Actor) -> dict[str, Any]:
        return service.open_bidding(
            session,
            actor,
            track_id,
            payer=_party(session, actor, track_id, payer),
            payee=_party(session, actor, track_id, payee),
            issue=issue,
            max_rounds=rounds,
            relative=band_share,
            absolute=band_amount,
            monotone=monotone,
            deadline=deadline,
            unit=unit,
        )

    _run(database_url, email, work, as_json)


@bidding.command("bid")
@options.database_url
@as_option
@track_argument
@click.option("--round", "round_number", required=True, type=click.IntRange(min=1))
@click.option("--amount", required=True, type=click.FloatRange(min=0))
@json_option
def bid(
    database_url: str, email: str, track_id: int, round_number: int, amount: float, as_json: bool
) -> None:
    """Send a sealed bid for the open round (a member of the payer or the payee)."""

    def work(session: Session, actor: Actor) -> dict[str, Any]:
        return service.submit_bid(
            session, actor, track_id, round_number=round_number, amount=amount
        )

    _run(database_url, email, work, as_json)


@bidding.command("release")
@options.database_url
@as_option
@track_argument
@json_option
def release(database_url: str, email: str, track_id: int, as_json: bool) -> None:
    """Release the waiting round's result to both sides at once (a mediator)."""
    _run(database_url, email, lambda s, a: service.release_result(s, a, track_id), as_json)


@bidding.command("close")
@options.database_url
@as_option
@track_argument
@click.option("--reason", default="", help="Why (both sides read it).")
@json_option
def close(database_url: str, email: str, track_id: int, reason: str, as_json: bool) -> None:
    """End the bidding early (a mediator)."""
    _run(
        database_url,
        email,
        lambda s, a: service.close_bidding(s, a, track_id, reason=reason),
        as_json,
    )


@bidding.command("show")
@options.database_url
@as_option
@track_argument
@json_option
def show(database_url: str, email: str, track_id: int, as_json: bool) -> None:
    """Show the bidding as the user may see it."""
    _run(database_url, email, lambda s, a: service.bidding_view(s, a, track_id), as_json)


@bidding.command("simulate")
@click.option(
    "--payer",
    "payer_spec",
    required=True,
    help="truthful:RESERVATION, conceding:OPENING:RESERVATION or stubborn:OPENING:RESERVATION.",
)
@click.option("--payee", "payee_spec", required=True, help="The same forms, for the payee.")
@rules_options
@json_option
def simulate_command(
    payer_spec: str,
    payee_spec: str,
    rounds: int,
    band_share: float,
    band_amount: float,
    monotone: bool,
    as_json: bool,
) -> None:
    """Run a sealed bidding between two simulated bidders and print every round.

    A payer's reservation value is the most it pays, a payee's the least it accepts.
    """
    rules = bb.BiddingRules(rounds, bb.Tolerance(band_share, band_amount), monotone)
    run = simulate(bidder_from_spec(payer_spec), bidder_from_spec(payee_spec), rules)
    if as_json:
        data = {
            "status": run.status,
            "settlement": run.settlement,
            "rounds": [vars(r) for r in run.rounds],
        }
        click.echo(json.dumps(data, indent=2))
        return
    for r in run.rounds:
        outcome = f"settled at {r.amount:g}" if r.settled else "no settlement"
        click.echo(f"round {r.round}: offer {r.offer:g}, demand {r.demand:g}: {outcome}")
    click.echo(f"{run.status}" + (f" at {run.settlement:g}" if run.settlement is not None else ""))
