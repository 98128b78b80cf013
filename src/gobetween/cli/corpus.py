"""``gobetween corpus``: how efficient were real human deals, and what would a mediator add?

Reads a corpus of recorded negotiations (CaSiNo, Deal or No Deal), judges every agreed deal
against the exact Pareto frontier of its own scenario, and reports the share of Pareto-optimal
deals and the points that the fairest Pareto improvement (post-settlement settlement) would have
added. Points are the corpus's own units (CaSiNo: 3-5 per package; Deal or No Deal: 0-10).
"""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

import click

from gobetween.analysis.deals import DealAssessment, assess_deal
from gobetween.cli.language import Command, number, percent
from gobetween.errors import N_
from gobetween.formats.corpora import RecordedNegotiation
from gobetween.i18n import _

__all__ = ["corpus", "corpus_summary"]


def corpus_summary(name: str, records: Iterable[RecordedNegotiation]) -> dict[str, Any]:
    """Count deals, Pareto-optimal deals and the points a post-settlement proposal adds.

    ``mean_points_per_participant`` counts every dialogue, a failed one at the sides'
    reservation points.
    ``added_points_*`` are joint points (both sides together) of the fairest improvement,
    averaged over all deals and over the deals that were not Pareto-optimal.
    """
    dialogues = 0
    points: list[float] = []
    added: list[float] = []
    optimal = 0
    verdicts: dict[Hashable, DealAssessment] = {}  # many dialogues share one context and deal
    for record in records:
        dialogues += 1
        if record.deal is None:
            # No deal: each side scores its reservation (CaSiNo's walk-away points, DonD's 0).
            reservations = record.scenario.reservations()
            points += [r * s for r, s in zip(reservations, record.scale, strict=True)]
            continue
        scenario = record.scenario
        key = (scenario.agenda, tuple(scenario.preferences.values()), record.deal.choices)
        verdict = verdicts.get(key) or verdicts.setdefault(key, assess_deal(scenario, record.deal))
        scale = record.scale
        points += [u * s for u, s in zip(verdict.utilities, scale, strict=True)]
        added.append(sum(g * s for g, s in zip(verdict.gains, scale, strict=True)))
        optimal += verdict.pareto_optimal
    deals = len(added)
    missed = [a for a in added if a > 1e-9]
    return {
        "corpus": name,
        "dialogues": dialogues,
        "deals": deals,
        "agreement_rate": deals / dialogues if dialogues else 0.0,
        "pareto_optimal_deals": optimal,
        "pareto_optimal_share": optimal / deals if deals else 0.0,
        "mean_points_per_participant": statistics.fmean(points) if points else 0.0,
        "added_points_per_deal": statistics.fmean(added) if added else 0.0,
        "added_points_per_inefficient_deal": statistics.fmean(missed) if missed else 0.0,
    }


def _records(kind: str, path: Path) -> Iterable[RecordedNegotiation]:
    if kind == "casino":
        from gobetween.formats.casino import read_casino

        return read_casino(path)
    from gobetween.formats.dealornodeal import read_dealornodeal

    return read_dealornodeal(path)


@click.command(
    cls=Command,
    help=N_(
        "Judge every agreed deal of a human-negotiation corpus against its exact frontier.\n\n"
        "KIND is casino (PATH: the folder of the three CaSiNo splits, or one JSON file) or "
        "dealornodeal (PATH: data.txt, val.txt or test.txt)."
    ),
)
@click.argument("kind", type=click.Choice(["casino", "dealornodeal"]))
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the summary as JSON."))
def corpus(kind: str, path: Path, as_json: bool) -> None:
    """``gobetween corpus`` (help: the N_ text above)."""
    summary = corpus_summary(kind, _records(kind, path))
    if as_json:
        json.dump(summary, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return
    click.echo(
        _("%(corpus)s: %(dialogues)s dialogues, %(deals)s deals (%(rate)s)")
        % {
            "corpus": summary["corpus"],
            "dialogues": number(summary["dialogues"]),
            "deals": number(summary["deals"]),
            "rate": percent(summary["agreement_rate"], 1),
        }
    )
    click.echo(
        _("Pareto-optimal deals: %(deals)s (%(share)s)")
        % {
            "deals": number(summary["pareto_optimal_deals"]),
            "share": percent(summary["pareto_optimal_share"], 1),
        }
    )
    click.echo(
        _("mean points per participant: %(points)s")
        % {"points": number(summary["mean_points_per_participant"], 2)}
    )
    click.echo(
        _(
            "joint points a post-settlement proposal adds: %(per_deal)s per deal, "
            "%(per_inefficient)s per inefficient deal"
        )
        % {
            "per_deal": number(summary["added_points_per_deal"], 2),
            "per_inefficient": number(summary["added_points_per_inefficient_deal"], 2),
        }
    )
