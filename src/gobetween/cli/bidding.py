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
from sqlalchemy.orm import Session

from gobetween.cli import options
from gobetween.cli.language import Group, number
from gobetween.cli.users import user_id
from gobetween.errors import N_
from gobetween.i18n import _
from gobetween.policy import Actor
from gobetween.protocols import blind_bidding as bb
from gobetween.protocols.simulated_bidders import bidder_from_spec, simulate
from gobetween.service import bidding as service
from gobetween.store import repositories
from gobetween.store.db import Database

__all__ = ["bidding"]


@click.group(
    cls=Group,
    help=N_("Double-blind bidding: open, bid, release a round, close, show; simulate bidders."),
)
def bidding() -> None:
    """``gobetween bidding`` (help: the N_ text above)."""


def _as_user(session: Session, email: str) -> Actor:
    return repositories.load_actor(session, user_id(session, email))


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
    issue = shown["issue"] or _("an amount")
    lines = [
        _("bidding on %(issue)s: %(payer)s offers, %(payee)s demands")
        % {"issue": issue, "payer": shown["payer_name"], "payee": shown["payee_name"]},
        _("status: %(status)s, round %(round)s of %(rounds)s")
        % {
            "status": _status(shown["status"]),
            "round": shown["round"],
            "rounds": shown["rules"]["max_rounds"],
        },
    ]
    if shown["view"] == "mediator":
        for r in shown["results"]:
            outcome = (
                _("settles at %(amount)s") % {"amount": _amount(r["amount"])}
                if r["settled"]
                else _("no settlement")
            )
            if r["round"] > shown["released"]:
                outcome = _("%(outcome)s (not yet released)") % {"outcome": outcome}
            lines.append(
                _("round %(round)s: offer %(offer)s, demand %(demand)s: %(outcome)s")
                % {
                    "round": r["round"],
                    "offer": _amount(r["offer"]),
                    "demand": _amount(r["demand"]),
                    "outcome": outcome,
                }
            )
        waiting = [b for b in shown["bids"] if b["round"] > len(shown["results"])]
        lines += [
            _("round %(round)s: %(side)s has bid %(amount)s")
            % {"round": b["round"], "side": b["side"], "amount": _amount(b["amount"])}
            for b in waiting
        ]
    else:
        results = {r["round"]: r for r in shown["results"]}
        for b in shown["own_bids"]:
            r = results.get(b["round"])
            if r is None:
                outcome = _("waiting for the mediators to release the round")
            elif r["settled"]:
                outcome = _("settled in round %(round)s at %(amount)s") % {
                    "round": r["round"],
                    "amount": _amount(r["amount"]),
                }
            else:
                outcome = _("no settlement in round %(round)s") % {"round": r["round"]}
            lines.append(
                _("round %(round)s: you bid %(amount)s: %(outcome)s")
                % {"round": b["round"], "amount": _amount(b["amount"]), "outcome": outcome}
            )
    agreed = shown.get("agreed")
    if agreed:
        said = _("agreed: %(amount)s %(unit)s") % {
            "amount": _amount(agreed["amount"]),
            "unit": unit,
        }
        if agreed["option"]:
            said = _("%(agreed)s (option %(option)s)") % {
                "agreed": said.rstrip(),
                "option": agreed["option"],
            }
        lines.append(said.rstrip())
    return "\n".join(lines)


def _amount(value: float) -> str:
    """An amount in the run's language, with no more decimals than it has (as ``:g``)."""
    return number(float(f"{value:g}"))


def _status(status: str) -> str:
    words = {
        "open": _("open"),
        "settled": _("settled"),
        "closed": _("closed"),
        "failed": _("failed"),
        "expired": _("expired"),
    }
    return words.get(status, status)


as_option = click.option("--as", "email", required=True, help=N_("E-mail of the user acting."))
json_option = click.option("--json", "as_json", is_flag=True, help=N_("Print the view as JSON."))
track_argument = click.argument("track_id", type=click.IntRange(min=1))


def on_track(command: Callable[..., None]) -> Callable[..., None]:
    """``--database-url``, ``--as`` and ``TRACK_ID``: where, as whom and on which track a
    command acts (open, bid, release, close, show)."""
    return options.database_url(as_option(track_argument(command)))


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
                help=N_("Settle when the offer is within this share of the demand (0.3: 30 %)."),
            ),
            click.option(
                "--band-amount",
                default=0.0,
                show_default=True,
                type=click.FloatRange(min=0),
                help=N_("Or within this amount of it."),
            ),
            click.option(
                "--monotone/--free",
                default=True,
                show_default=True,
                help=N_("Offers may only rise and demands only fall."),
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
    raise click.BadParameter(_("no organisation %(name)r in this process") % {"name": given})


@bidding.command("open", help=N_("Open TRACK_ID's bidding (a mediator of the track)."))
@on_track
@click.option("--payer", required=True, help=N_("The paying party (name or id): it offers."))
@click.option("--payee", required=True, help=N_("The receiving party (name or id): it demands."))
@click.option(
    "--issue", help=N_("The numeric issue bid on (default: an amount of the whole track).")
)
@rules_options
@click.option(
    "--deadline", type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z"]), help=N_("No bids after it.")
)
@click.option("--unit", help=N_("The unit (default: the issue's)."))
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
    """``gobetween bidding open``."""

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


@bidding.command(
    "bid", help=N_("Send a sealed bid for the open round (a member of the payer or the payee).")
)
@on_track
@click.option("--round", "round_number", required=True, type=click.IntRange(min=1))
@click.option("--amount", required=True, type=click.FloatRange(min=0))
@json_option
def bid(
    database_url: str, email: str, track_id: int, round_number: int, amount: float, as_json: bool
) -> None:
    """``gobetween bidding bid``."""

    def work(session: Session, actor: Actor) -> dict[str, Any]:
        return service.submit_bid(
            session, actor, track_id, round_number=round_number, amount=amount
        )

    _run(database_url, email, work, as_json)


@bidding.command(
    "release", help=N_("Release the waiting round's result to both sides at once (a mediator).")
)
@on_track
@json_option
def release(database_url: str, email: str, track_id: int, as_json: bool) -> None:
    """``gobetween bidding release``."""
    _run(database_url, email, lambda s, a: service.release_result(s, a, track_id), as_json)


@bidding.command("close", help=N_("End the bidding early (a mediator)."))
@on_track
@click.option("--reason", default="", help=N_("Why (both sides read it)."))
@json_option
def close(database_url: str, email: str, track_id: int, reason: str, as_json: bool) -> None:
    """``gobetween bidding close``."""
    _run(
        database_url,
        email,
        lambda s, a: service.close_bidding(s, a, track_id, reason=reason),
        as_json,
    )


@bidding.command("show", help=N_("Show the bidding as the user may see it."))
@on_track
@json_option
def show(database_url: str, email: str, track_id: int, as_json: bool) -> None:
    """``gobetween bidding show``."""
    _run(database_url, email, lambda s, a: service.bidding_view(s, a, track_id), as_json)


@bidding.command(
    "simulate",
    help=N_(
        "Run a sealed bidding between two simulated bidders and print every round.\n\n"
        "A payer's reservation value is the most it pays, a payee's the least it accepts."
    ),
)
@click.option(
    "--payer",
    "payer_spec",
    required=True,
    help=N_("truthful:RESERVATION, conceding:OPENING:RESERVATION or stubborn:OPENING:RESERVATION."),
)
@click.option("--payee", "payee_spec", required=True, help=N_("The same forms, for the payee."))
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
    """``gobetween bidding simulate`` (help: the N_ text above)."""
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
        outcome = (
            _("settled at %(amount)s") % {"amount": _amount(r.amount)}
            if r.settled and r.amount is not None
            else _("no settlement")
        )
        click.echo(
            _("round %(round)s: offer %(offer)s, demand %(demand)s: %(outcome)s")
            % {
                "round": r.round,
                "offer": _amount(r.offer),
                "demand": _amount(r.demand),
                "outcome": outcome,
            }
        )
    if run.settlement is not None:
        click.echo(
            _("%(status)s at %(amount)s")
            % {"status": _status(run.status), "amount": _amount(run.settlement)}
        )
    else:
        click.echo(_status(run.status))
