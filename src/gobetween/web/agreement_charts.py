"""Charts of the implementation dashboard as inline SVG, drawn on the server.

Three shapes cover the dashboard: vertical bars over ordered labels (voyages per month, median
and 90th-percentile waits per month, the term clock), stacked shares over time (the provisions'
levels) and horizontal bars for categories (tonnage by country, income group, commodity). Every
chart has a title and a text description for screen readers, and its numbers are in a table
beside it.

A drawing scales to its figure, so words drawn in it shrink on a phone: the axes' words come in
one size per width tier (:data:`TIERS`), and the words that need not sit on the drawing are
HTML beside it, at the page's own size: a chart's legend (:func:`legend`) and the category bars
(:func:`bar_chart`, a table of names, bars and figures).

>>> svg = column_chart("Voyages per month", ["2022-08", "2022-09"], [63, 178])
>>> svg.startswith("<svg") and "178" in svg
True
>>> "Corn" in bar_chart("Tonnage by commodity", ["Corn"], [16_167_005.0], unit="t")
True
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from html import escape
from typing import NamedTuple

from babel.dates import format_skeleton

from gobetween import i18n
from gobetween.web.chart import reading, text_width

__all__ = [
    "TIERS",
    "Label",
    "Placed",
    "bar_chart",
    "column_chart",
    "legend",
    "number",
    "share_chart",
    "text_width",
    "thin_labels",
    "time_labels",
]

WIDTH = 640
BAR = "#1f5f8b"
SECOND = "#c46210"


def number(value: float) -> str:
    """A figure as people read it in the reader's language: its thousands separator and
    decimal sign, at most one decimal.

    >>> number(31744756.0), number(2.0), number(4.8)
    ('31,744,756', '2', '4.8')
    >>> with i18n.use_locale("uk"):
    ...     number(7578536.0), number(13.64)
    ('7\\xa0578\\xa0536', '13,6')
    """
    if float(value).is_integer():
        return i18n.format_decimal(int(value))
    return i18n.format_decimal(round(float(value), 1))


def _frame(title: str, height: int, body: list[str], desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" class="chart" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>" + "".join(body) + "</svg>"
    )


#: The chart's drawn width (its ``viewBox``) and the widths it is shown at: the SVG scales to its
#: figure (``width: 100%``, at most 40rem, agreements.css), so a label sized and spaced for 640 px
#: is 6 px high on a 360 px phone. Each tier has axis labels of its own, sized to read at about
#: 11 px or more anywhere in the tier: (class, narrowest figure in CSS px, font size in the
#: drawing's units). The page shows one tier by a container query on the figure; without that
#: style sheet the widest one shows.
TIERS: tuple[tuple[str, int, float], ...] = (
    ("narrow", 0, 24.0),
    ("middle", 400, 17.5),
    ("wide", 560, 12.5),
)
#: Space kept between two neighbouring labels, in ems.
GAP = 0.8


class Label(NamedTuple):
    """One point of an axis: its ``short`` text (``Sep 1``), its ``long`` one with the year (for
    the columns' tips and the description), and its ``era``: the year, drawn as a second line
    under the first label shown and wherever it differs from the label shown before (empty when
    the axis is not of dates)."""

    short: str
    long: str
    era: str = ""


class Placed(NamedTuple):
    """A label to draw: which ``point`` (its index), where (``x``, its centre), its ``text``, the
    ``year`` line under it (empty when the year goes without saying) and its estimated
    ``width``."""

    point: int
    x: float
    text: str
    year: str
    width: float


def _shown(n: int, k: int) -> list[int]:
    """Every ``k``-th of ``n`` from the first, with the last."""
    chosen = list(range(0, n, k))
    if chosen[-1] != n - 1:
        chosen.append(n - 1)
    return chosen


def thin_labels(
    centres: Sequence[float], labels: Sequence[Label], size: float, span: tuple[float, float]
) -> list[Placed]:
    """The labels to draw at font size ``size``: every ``k``-th label from the first, the last
    always kept (the one before it dropped when the two would touch), with the smallest ``k``
    that leaves :data:`GAP` ems between neighbours; each stays inside ``span`` (its ``x`` moved
    in at the edges). Only the first label is kept when even the first and the last do not fit.

    >>> days = [Label(f"Aug {d}", f"Aug {d}, 2022", "2022") for d in range(1, 31)]
    >>> [(p.text, p.year) for p in thin_labels([10.0 * i for i in range(30)], days, 10.0,
    ...                                        (-50, 400))][:3]
    [('Aug 1', '2022'), ('Aug 6', ''), ('Aug 11', '')]
    """
    n = len(labels)
    if n == 0:
        return []
    gap = GAP * size
    for k in range(1, n):
        chosen = _placed(centres, labels, _shown(n, k), size, span)
        if len(chosen) > 2 and not _fits(chosen[-2], chosen[-1], gap):
            chosen = _placed(centres, labels, [*_shown(n, k)[:-2], n - 1], size, span)
        if all(_fits(a, b, gap) for a, b in itertools.pairwise(chosen)):
            return chosen
    return _placed(centres, labels, [0], size, span)


def _placed(
    centres: Sequence[float],
    labels: Sequence[Label],
    chosen: Sequence[int],
    size: float,
    span: tuple[float, float],
) -> list[Placed]:
    """The ``chosen`` labels placed, the year written where it changes."""
    out: list[Placed] = []
    era = None
    for i in chosen:
        label = labels[i]
        year = label.era if label.era != era else ""
        era = label.era
        width = max(text_width(label.short, size), text_width(year, size))
        low, high = span[0] + width / 2, span[1] - width / 2
        x = max(low, min(high, centres[i])) if low <= high else centres[i]
        out.append(Placed(i, x, label.short, year, width))
    return out


def _fits(a: Placed, b: Placed, gap: float) -> bool:
    return b.x - a.x >= (a.width + b.width) / 2 + gap


def time_labels(labels: Sequence[str]) -> list[Label]:
    """The axis labels in the reader's language: ISO days (``2022-09-01``) and months
    (``2022-09``) as the reader's locale writes them (the long form with the year), any other
    labels as they are. On a right-to-left page each is one right-to-left run.

    >>> with i18n.use_locale("en"):
    ...     time_labels(["2022-12-31", "2023-01-01"])[1]
    Label(short='Jan 1', long='Jan 1, 2023', era='2023')
    >>> with i18n.use_locale("ar"):
    ...     time_labels(["2023-01"])[0].era
    '\u20672023\u2069'
    >>> with i18n.use_locale("uk"):
    ...     time_labels(["2022-09"])[0].short, time_labels(["term 1"])[0].long
    ('вер.', 'term 1')
    """
    code = i18n.current_locale()
    for pattern, day_one, short, long in _DATED:
        if labels and all(pattern.fullmatch(x) for x in labels):
            dates = [dt.date.fromisoformat(x + day_one) for x in labels]
            return [
                Label(
                    reading(format_skeleton(short, d, locale=code)),
                    reading(format_skeleton(long, d, locale=code)),
                    reading(format_skeleton("y", d, locale=code)),
                )
                for d in dates
            ]
    return [Label(reading(x), reading(x)) for x in labels]


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")
#: (labels of this form, what makes one a day, its short and long skeletons): days, then months
_DATED = ((_DAY, "", "MMMd", "yMMMd"), (_MONTH, "-01", "MMM", "yMMM"))


#: The room a second line of labels (the year) takes under the axis, in the drawing's units.
YEAR_LINE = round(1.2 * max(size for _name, _narrowest, size in TIERS))


def _tiered(axis: str, name: str, size: float, texts: str, extra: str = "") -> str:
    """One tier's group of an axis's words (``x-labels``, ``y-labels``; only the widest tier
    shown without the page's style sheet)."""
    hidden = "" if name == TIERS[-1][0] else ' display="none"'
    return f'<g class="{axis} {name}"{hidden} font-size="{size}"{extra} fill="#1b1f24">{texts}</g>'


def _x_labels(labels: Sequence[Label], left: float, slot: float, axis: float) -> list[str]:
    """The time axis under the columns, one group per tier of :data:`TIERS` (only the widest
    shown without the page's style sheet): labels thinned to what fits, a tick at each."""
    centres = [left + i * slot + slot / 2 for i in range(len(labels))]
    groups = []
    for name, _narrowest, size in TIERS:
        parts = []
        for p in thin_labels(centres, labels, size, (2.0, WIDTH - 2.0)):
            year = f'<tspan x="{p.x:.1f}" dy="1.15em">{escape(p.year)}</tspan>' if p.year else ""
            parts.append(
                f'<line x1="{centres[p.point]:.1f}" y1="{axis}" x2="{centres[p.point]:.1f}" '
                f'y2="{axis + 4}" stroke="#555"/>'
                f'<text x="{p.x:.1f}" y="{axis + 8 + 0.8 * size:.1f}">{escape(p.text)}{year}</text>'
            )
        groups.append(_tiered("x-labels", name, size, "".join(parts), ' text-anchor="middle"'))
    return groups


#: Room above the plot for the value axis's top figure at the largest tier's size.
PAD_TOP = round(max(size for _name, _narrowest, size in TIERS)) + 10


def _axis(height: int, pad_l: int, pad_b: int, top: str) -> list[str]:
    """The base line of a column chart and its value axis: ``top`` over the plot's first
    column (the value the plot's top stands for), 0 beside the base line (its foot above the
    line, clear of the dates); in every tier's size (:data:`TIERS`), so that they read on a
    phone as the dates do."""
    base = height - pad_b
    return [
        f'<line x1="{pad_l}" y1="{base}" x2="{WIDTH - 8}" y2="{base}" stroke="#555"/>',
        f'<line x1="{pad_l}" y1="{PAD_TOP}" x2="{pad_l}" y2="{base}" stroke="#ccc"/>',
        *(
            _tiered(
                "y-labels",
                name,
                size,
                f'<text x="{pad_l}" y="{PAD_TOP - 6}">{escape(top)}</text>'
                f'<text x="{pad_l - 4}" y="{base - 0.3 * size:.1f}" text-anchor="end">0</text>',
            )
            for name, _narrowest, size in TIERS
        ),
    ]


class _Columns(NamedTuple):
    """Where columns over ordered labels go: the x axis's labels, the drawing's height, its
    left and bottom padding (a line more for the year under the dates), each label's slot and
    the plot's height."""

    axis: list[Label]
    height: int
    pad_l: int
    pad_b: int
    slot: float
    plot: float


def _columns(labels: Sequence[str], height: int) -> _Columns:
    pad_l, pad_b, pad_t = 56, 40, PAD_TOP
    axis = time_labels(labels)
    if any(lab.era for lab in axis):  # room for the year under the dates
        height, pad_b = height + YEAR_LINE, pad_b + YEAR_LINE
    n = max(len(labels), 1)
    slot = (WIDTH - pad_l - 8) / n
    plot = height - pad_b - pad_t
    return _Columns(axis, height, pad_l, pad_b, slot, plot)


def legend(items: Sequence[tuple[str, str]]) -> str:
    """A chart's key as HTML, beside its drawing at the page's text size: one entry per
    ``(name, colour)``, its colour a dot.

    >>> legend([("median", "#1f5f8b")]).count("<li>")
    1
    """
    dots = "".join(
        '<li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true" focusable="false">'
        f'<circle cx="5" cy="5" r="5" fill="{escape(colour)}"/></svg>{escape(name)}</li>'
        for name, colour in items
    )
    return f'<ul class="legend chart-legend">{dots}</ul>'


def column_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    second: Sequence[float | None] | None = None,
    names: tuple[str, str] = ("", ""),
    height: int = 240,
) -> str:
    """Vertical bars over ordered ``labels`` (a second series beside them if given, with a
    :func:`legend` after the drawing)."""
    axis, height, pad_l, pad_b, slot, plot = _columns(labels, height)
    series = [list(values)] + ([list(second)] if second is not None else [])
    top = max([v for s in series for v in s if v is not None] + [1.0])
    body = _axis(height, pad_l, pad_b, number(top))
    width = slot * 0.8 / len(series)
    for k, data in enumerate(series):
        colour = BAR if k == 0 else SECOND
        for i, value in enumerate(data):
            if value is None:
                continue
            h = plot * value / top
            x = pad_l + i * slot + slot * 0.1 + k * width
            label = f"{axis[i].long}: {number(value)}" + (f" ({names[k]})" if names[k] else "")
            body.append(
                f'<rect x="{x:.1f}" y="{height - pad_b - h:.1f}" width="{width:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(label)}</title></rect>'
            )
    body.extend(_x_labels(axis, pad_l, slot, height - pad_b))
    desc = "; ".join(f"{lab.long}: {number(v)}" for lab, v in zip(axis, values, strict=False) if v)
    drawing = _frame(title, height, body, desc[:2000])
    if second is None:
        return drawing
    return drawing + legend([(names[0], BAR), (names[1], SECOND)])


def bar_chart(
    title: str, labels: Sequence[str], values: Sequence[float], *, unit: str = "", top: int = 12
) -> str:
    """Horizontal bars for the ``top`` largest categories, as a table at the page's text size:
    each row a category's whole name, its bar (to scale with the largest) and its figure.

    >>> print(bar_chart("Tonnage", ["Corn", "Wheat"], [2.0, 1.0], unit="t"))  # doctest: +ELLIPSIS
    <table class="bars" aria-label="Tonnage"><tbody><tr><th scope="row">Corn</th>...
    """
    pairs = sorted(zip(labels, values, strict=True), key=lambda p: -p[1])[:top]
    biggest = max([v for _, v in pairs] + [1.0])
    rows = "".join(
        f'<tr><th scope="row">{escape(label)}</th><td class="bar">'
        '<svg class="bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true" '
        f'focusable="false"><rect width="{100 * value / biggest:.2f}" height="6" '
        f'fill="{BAR}"/></svg></td><td class="num">{escape(f"{number(value)} {unit}".strip())}'
        "</td></tr>"
        for label, value in pairs
    )
    return f'<table class="bars" aria-label="{escape(title)}"><tbody>{rows}</tbody></table>'


#: Colours of the four implementation levels, not initiated to complete (colour-blind safe).
LEVEL_COLOURS = ("#bdbdbd", "#fdb863", "#5e9cd3", "#1b7837")


def share_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    height: int = 240,
    colours: Sequence[str] = LEVEL_COLOURS,
) -> str:
    """Stacked columns of shares (0 to 1) over ordered ``labels``, as the Kroc Institute's
    Barometer charts the provisions at each implementation level over time; its
    :func:`legend` after the drawing.

    >>> svg = share_chart("Provisions", ["2022-08", "2022-09"],
    ...                   [("not initiated", [1.0, 0.5]), ("complete", [0.0, 0.5])])
    >>> svg.count("<rect") >= 2 and "complete: 50 %" in svg
    True
    """
    axis, height, pad_l, pad_b, slot, plot = _columns(labels, height)
    body = _axis(height, pad_l, pad_b, "100 %")
    for i, label in enumerate(lab.long for lab in axis):
        bottom = float(height - pad_b)
        x = pad_l + i * slot + slot * 0.1
        for k, (name, values) in enumerate(series):
            h = plot * float(values[i])
            if h <= 0:
                continue
            bottom -= h
            tip = f"{label}, {name}: {round(100 * float(values[i]))} %"
            body.append(
                f'<rect x="{x:.1f}" y="{bottom:.1f}" width="{slot * 0.8:.1f}" height="{h:.1f}" '
                f'fill="{colours[k % len(colours)]}"><title>{escape(tip)}</title></rect>'
            )
    body.extend(_x_labels(axis, pad_l, slot, height - pad_b))
    last = {name: values[-1] for name, values in series if values}
    desc = "; ".join(f"{name}: {round(100 * float(v))} %" for name, v in last.items())
    drawing = _frame(title, height, body, f"{axis[-1].long if axis else ''}: {desc}")
    key = [(name, colours[k % len(colours)]) for k, (name, _values) in enumerate(series)]
    return drawing + legend(key)
