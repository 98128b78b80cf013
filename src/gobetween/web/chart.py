"""The utility-space chart as inline SVG, drawn on the server (no chart library in the browser).

One chart shows two parties' utilities (x: one party, y: another; with three or more parties
the page offers a pair selector and the chart is the projection on that pair): the Pareto
frontier, each party's reservation line, the zone both prefer to no agreement, the Nash,
Kalai-Smorodinsky and egalitarian packages, and every text version so far. Colours are paired
with shapes and labels so that nothing depends on colour alone. The solutions' names are placed
where they cover no marker, no other name and, where they can, no frontier point
(:func:`place_label`).

>>> svg = utility_chart(
...     "A", "B", frontier=[(0.2, 0.9), (0.6, 0.6), (0.9, 0.1)], reservations=(0.3, 0.3),
...     solutions=[("Nash", (0.6, 0.6))], versions=[(1, (0.5, 0.4))])
>>> svg.startswith("<svg") and "Nash" in svg and "v1" in svg
True
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np
from numpy.typing import NDArray

from gobetween import i18n
from gobetween.i18n import _
from gobetween.i18n import lazy_gettext as _l

__all__ = ["Box", "place_label", "reading", "text_width", "utility_chart"]

SIZE = 420
PAD_L, PAD_B, PAD_T, PAD_R = 56, 48, 16, 16
PLOT = SIZE - PAD_L - PAD_R
Point = tuple[float, float]
FloatArray = NDArray[np.float64]
#: A rectangle of the drawing: left, top, right, bottom (SVG units, y grows downwards).
Box = tuple[float, float, float, float]
#: Half the size of the largest marker (a version's circle, a solution's shape), the font size
#: of a solution's name and its line's height (the ascent above a line's baseline, the descent
#: below it), and the room kept between a name and anything else.
MARK, FONT, LINE, ASCENT, DESCENT, ROOM = 9.0, 12.0, 14.0, 11.0, 3.0, 3.0
#: The sides of its point a name is tried on, in order: (horizontal, vertical), -1 left or above,
#: 1 right or below, 0 centred. Above-right of a point of the frontier lies no package, and
#: below-left no other point of the frontier (text versions may be there), so those come first.
SIDES = ((1, -1), (-1, 1), (1, 1), (-1, -1), (1, 0), (-1, 0), (0, -1), (0, 1))
#: How far out a name is tried on each side, in lines (0: next to its marker).
RINGS = 6
#: Width of a character in ems, on the generous side of DejaVu Sans (Debian's sans-serif) and its
#: Arabic fallback as chromium draws them: punctuation and spaces, capitals, Arabic letters,
#: everything else (digits, Latin and Cyrillic small letters).
_NARROW, _CAPITAL, _ARABIC, _OTHER = 0.36, 0.86, 0.76, 0.68

#: The words shown for the named solutions (the names above stay the keys).
_NAMES = {
    "Nash": _l("Nash"),
    "Kalai-Smorodinsky": _l("Kalai-Smorodinsky"),
    "Egalitarian": _l("Egalitarian"),
    "Max welfare": _l("Max welfare"),
}

#: Marker (shape, fill) of the named solutions; high-contrast, told apart by shape as well.
_MARKS = {
    "Nash": ("diamond", "#a4161a"),
    "Kalai-Smorodinsky": ("triangle", "#7a4a00"),
    "Egalitarian": ("square", "#5b2a86"),
}


def text_width(text: str, size: float) -> float:
    """A generous estimate of the width of ``text`` at font size ``size`` (same units).

    >>> text_width("Sep 1", 10.0) > text_width("1", 10.0)
    True
    """
    ems = 0.0
    for char in text:
        if char in " .,:;/'\u2009\u202f\xa0-":
            ems += _NARROW
        elif "\u0600" <= char <= "\u06ff":
            ems += _ARABIC
        elif char.isupper():
            ems += _CAPITAL
        elif char in "\u200e\u200f\u2066\u2067\u2068\u2069":  # marks and isolates
            continue
        else:
            ems += _OTHER
    return ems * size


def _overlap(a: Box, b: Box) -> float:
    """The area ``a`` and ``b`` share (0 when they do not meet)."""
    wide = min(a[2], b[2]) - max(a[0], b[0])
    deep = min(a[3], b[3]) - max(a[1], b[1])
    return wide * deep if wide > 0 and deep > 0 else 0.0


def _crossing(box: Box, segments: FloatArray) -> int:
    """How many ``segments`` (shape ``(m, 2, 2)``: each its start and end point) pass through
    ``box`` (Liang-Barsky clipping, all at once)."""
    start, step = segments[:, 0], segments[:, 1] - segments[:, 0]
    p = np.stack([-step[:, 0], step[:, 0], -step[:, 1], step[:, 1]], axis=1)
    q = np.stack(
        [start[:, 0] - box[0], box[2] - start[:, 0], start[:, 1] - box[1], box[3] - start[:, 1]],
        axis=1,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        t = q / p
    low = np.where(p < 0, t, 0.0).max(axis=1)  # where the segment enters the box
    high = np.where(p > 0, t, 1.0).min(axis=1)  # where it leaves
    parallel_outside = ((p == 0) & (q < 0)).any(axis=1)
    return int(np.count_nonzero(~parallel_outside & (low <= high)))


def _candidate(x: float, y: float, side: tuple[int, int], ring: int, size: Point) -> Box:
    """The box of a label of ``size`` (width, height) on ``side`` of the point (x, y), ``ring``
    lines further out than next to its marker."""
    (sx, sy), (wide, deep), out = side, size, ring * LINE
    if sx == 0:
        left = x - wide / 2
    elif sx > 0:
        left = x + MARK + ROOM + (out if sy == 0 else 0)
    else:
        left = x - MARK - ROOM - wide - (out if sy == 0 else 0)
    if sy == 0:
        top = y - deep / 2
    elif sx == 0:  # straight above or below: clear of the marker
        top = y + MARK + ROOM + out if sy > 0 else y - MARK - ROOM - deep - out
    else:  # beside the marker already: from its middle up or down
        top = y + 2 + out if sy > 0 else y - 2 - deep - out
    return (left, top, left + wide, top + deep)


def place_label(
    point: Point,
    size: Point,
    *,
    within: Box,
    obstacles: Sequence[Box],
    soft: Sequence[tuple[Point, Point]] | FloatArray = (),
) -> tuple[Box, int]:
    """Where a label of ``size`` (width, height) goes beside ``point`` (SVG units), and how many
    lines out (its ring): the first box, ring by ring and within a ring in the order of
    :data:`SIDES`, that stays ``within`` and meets no obstacle (kept :data:`ROOM` apart) and,
    where one can, no ``soft`` segment (shape ``(m, 2, 2)``: the frontier's segments, a point a
    segment from itself to itself); else the box that least breaks these rules, in that order.
    Deterministic: the same input, the same box.

    >>> place_label((100.0, 100.0), (40.0, 14.0), within=(0.0, 0.0, 200.0, 200.0),
    ...             obstacles=[])
    ((112.0, 84.0, 152.0, 98.0), 0)
    >>> place_label((100.0, 100.0), (40.0, 14.0), within=(0.0, 0.0, 200.0, 200.0),
    ...             obstacles=[(110.0, 80.0, 160.0, 99.0)])
    ((48.0, 102.0, 88.0, 116.0), 0)
    """

    segments = np.asarray(soft, dtype=np.float64).reshape(-1, 2, 2)

    def breaks(box: Box) -> tuple[float, float]:
        """How far ``box`` leaves ``within``, and the area it covers of the obstacles."""
        outside = sum(
            max(0.0, edge)
            for edge in (
                within[0] - box[0],
                within[1] - box[1],
                box[2] - within[2],
                box[3] - within[3],
            )
        )
        apart = (box[0] - ROOM, box[1] - ROOM, box[2] + ROOM, box[3] + ROOM)
        return outside, sum(_overlap(apart, o) for o in obstacles)

    tried = [
        (breaks(box), ring, box)
        for ring in range(RINGS)
        for side in SIDES
        for box in (_candidate(*point, side, ring, size),)
    ]
    least = min(rules for rules, _, _ in tried)
    best: tuple[int, int, Box] | None = None
    for rules, ring, box in tried:  # the soft segments counted only where they decide
        if rules != least:
            continue
        crossing = _crossing(box, segments)
        if best is None or crossing < best[0]:
            best = (crossing, ring, box)
        if crossing == 0:
            break
    assert best is not None  # SIDES and RINGS are not empty
    return best[2], best[1]


def _x(u: float) -> float:
    return PAD_L + max(0.0, min(1.0, u)) * PLOT


def _y(u: float) -> float:
    return PAD_T + (1 - max(0.0, min(1.0, u))) * PLOT


def _marker(shape: str, fill: str, x: float, y: float, r: float = 7) -> str:
    if shape == "diamond":
        pts = f"{x},{y - r} {x + r},{y} {x},{y + r} {x - r},{y}"
        return f'<polygon points="{pts}" fill="{fill}" stroke="#fff" stroke-width="1.5"/>'
    if shape == "triangle":
        pts = f"{x},{y - r} {x + r},{y + r * 0.8} {x - r},{y + r * 0.8}"
        return f'<polygon points="{pts}" fill="{fill}" stroke="#fff" stroke-width="1.5"/>'
    return (
        f'<rect x="{x - r * 0.8:.1f}" y="{y - r * 0.8:.1f}" width="{r * 1.6:.1f}" '
        f'height="{r * 1.6:.1f}" fill="{fill}" stroke="#fff" stroke-width="1.5"/>'
    )


def reading(text: str) -> str:
    """``text`` as one right-to-left run on a right-to-left page (the chart itself stays left to
    right, so that utility grows to the right): an Arabic label keeps its word order."""
    return f"\u2067{text}\u2069" if i18n.direction() == "rtl" else text


def _axes(x_name: str, y_name: str) -> list[str]:
    x_label = reading(_("utility of %(party)s") % {"party": x_name})
    y_label = reading(_("utility of %(party)s") % {"party": y_name})
    parts = []
    for k in range(5):
        u = k / 4
        parts.append(
            f'<line x1="{_x(u):.1f}" y1="{_y(0):.1f}" x2="{_x(u):.1f}" y2="{_y(1):.1f}" '
            'stroke="#e4e8ec"/>'
            f'<line x1="{_x(0):.1f}" y1="{_y(u):.1f}" x2="{_x(1):.1f}" y2="{_y(u):.1f}" '
            'stroke="#e4e8ec"/>'
            f'<text x="{_x(u):.1f}" y="{_y(0) + 16:.1f}" text-anchor="middle" font-size="11" '
            f'fill="#4d5560">{u:.2f}</text>'
            f'<text x="{_x(0) - 6:.1f}" y="{_y(u) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#4d5560">{u:.2f}</text>'
        )
    parts.append(
        f'<line x1="{_x(0)}" y1="{_y(0)}" x2="{_x(1)}" y2="{_y(0)}" stroke="#1b1f24"/>'
        f'<line x1="{_x(0)}" y1="{_y(0)}" x2="{_x(0)}" y2="{_y(1)}" stroke="#1b1f24"/>'
        f'<text x="{_x(0.5)}" y="{SIZE - 8}" text-anchor="middle" font-size="13" '
        f'fill="#1b1f24">{escape(x_label)}</text>'
        f'<text transform="translate(14 {_y(0.5)}) rotate(-90)" text-anchor="middle" '
        f'font-size="13" fill="#1b1f24">{escape(y_label)}</text>'
    )
    return parts


def _frontier_segments(frontier: Sequence[Point]) -> FloatArray:
    """The frontier as drawn, shape ``(m, 2, 2)``: the segments of its line and each point (a
    segment from the point to itself), to the nearest unit of the drawing, without repeats (a
    frontier of 100,000 points is a few hundred units long)."""
    u = np.clip(np.asarray(frontier, dtype=np.float64).reshape(-1, 2), 0.0, 1.0)
    drawn = np.round(np.column_stack([PAD_L + u[:, 0] * PLOT, PAD_T + (1 - u[:, 1]) * PLOT]))
    keep = np.ones(len(drawn), dtype=bool)
    keep[1:] = np.any(drawn[1:] != drawn[:-1], axis=1)
    drawn = drawn[keep]
    return np.concatenate(
        [np.stack([drawn[:-1], drawn[1:]], axis=1), np.stack([drawn, drawn], axis=1)]
    )


def _solutions(
    solutions: Sequence[tuple[str, Point]], frontier: Sequence[Point], versions: Sequence[Point]
) -> list[str]:
    """The solutions' markers (several solutions at one point: one marker inside the other) and
    their names, one name a line ("Nash", "= Kalai-Smorodinsky", ...), each placed clear of
    every marker, of the names placed before it and, where it can be, of the frontier."""
    groups: dict[tuple[float, float], list[str]] = {}
    for name, (a, b) in solutions:
        groups.setdefault((round(a, 6), round(b, 6)), []).append(name)

    def marker_box(x: float, y: float) -> Box:
        return (x - MARK, y - MARK, x + MARK, y + MARK)

    taken = [marker_box(_x(a), _y(b)) for a, b in (*versions, *groups)]
    soft = _frontier_segments(frontier)
    plot = (float(PAD_L), float(PAD_T), float(SIZE - PAD_R), float(SIZE - PAD_B))
    parts = []
    for (a, b), names in groups.items():
        x, y = _x(a), _y(b)
        marks = "".join(
            _marker(*_MARKS.get(name, ("square", "#1b1f24")), x, y, r=MARK - 2 * i)
            for i, name in enumerate(names)
        )
        shown = [("" if i == 0 else "= ") + str(_NAMES.get(n, n)) for i, n in enumerate(names)]
        size = (max(text_width(t, FONT) for t in shown), ASCENT + LINE * (len(shown) - 1) + DESCENT)
        box, ring = place_label((x, y), size, within=plot, obstacles=taken, soft=soft)
        taken.append(box)
        anchor, tx = "start", box[0]
        if box[2] <= x - MARK:  # left of the point: aligned on the side next to it
            anchor, tx = "end", box[2]
        elif box[0] < x + MARK:  # straight above or below
            anchor, tx = "middle", (box[0] + box[2]) / 2
        lines = "".join(
            f'<tspan x="{tx:.1f}" dy="{0 if i == 0 else LINE:g}">{escape(reading(t))}</tspan>'
            for i, t in enumerate(shown)
        )
        leader = ""
        if ring:  # a name moved out is tied to its point by a thin line
            nx, ny = max(box[0], min(x, box[2])), max(box[1], min(y, box[3]))
            leader = (
                f'<line class="leader" x1="{x:.1f}" y1="{y:.1f}" x2="{nx:.1f}" y2="{ny:.1f}" '
                'stroke="#4d5560" stroke-width="1"/>'
            )
        parts.append(
            f'<g class="solution">{leader}{marks}<text x="{tx:.1f}" y="{box[1] + ASCENT:.1f}" '
            f'text-anchor="{anchor}" font-size="{FONT:g}" fill="#1b1f24" paint-order="stroke" '
            f'stroke="#fff" stroke-width="4">{lines}</text></g>'
        )
    return parts


def utility_chart(
    x_name: str,
    y_name: str,
    *,
    frontier: Sequence[Point],
    reservations: Point,
    solutions: Sequence[tuple[str, Point]] = (),
    versions: Sequence[tuple[int, Point]] = (),
) -> str:
    """The SVG document of the chart (utilities on [0, 1] for both axes)."""
    rx, ry = reservations
    title = _("Utility space: %(x)s against %(y)s") % {"x": x_name, "y": y_name}
    desc = _(
        "%(frontier)d Pareto-optimal packages, reservation levels %(rx).2f and %(ry).2f, "
        "%(solutions)d bargaining solutions and %(versions)d text versions. "
        "The same figures are in the tables below."
    ) % {
        "frontier": len(frontier),
        "rx": rx,
        "ry": ry,
        "solutions": len(solutions),
        "versions": len(versions),
    }
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        'role="img" aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
        f'<rect x="{_x(rx):.1f}" y="{_y(1):.1f}" width="{_x(1) - _x(rx):.1f}" '
        f'height="{_y(ry) - _y(1):.1f}" fill="#e8f4ec"/>',
        *_axes(x_name, y_name),
        f'<line class="reservation" x1="{_x(rx):.1f}" y1="{_y(0)}" x2="{_x(rx):.1f}" '
        f'y2="{_y(1)}" stroke="#1d6b34" stroke-dasharray="6 4" stroke-width="1.5"/>',
        f'<line class="reservation" x1="{_x(0)}" y1="{_y(ry):.1f}" x2="{_x(1)}" '
        f'y2="{_y(ry):.1f}" stroke="#1d6b34" stroke-dasharray="6 4" stroke-width="1.5"/>',
    ]
    ordered = sorted(frontier)
    if ordered:
        line = " ".join(f"{_x(a):.1f},{_y(b):.1f}" for a, b in ordered)
        parts.append(f'<polyline points="{line}" fill="none" stroke="#0b5cad" stroke-width="2"/>')
        parts += [
            f'<circle class="frontier" cx="{_x(a):.1f}" cy="{_y(b):.1f}" r="3.5" fill="#0b5cad"/>'
            for a, b in ordered
        ]
    for number, (a, b) in versions:
        x, y = _x(a), _y(b)
        parts.append(
            f'<g class="version"><circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="#fff" '
            f'stroke="#1b1f24" stroke-width="1.5"/><text x="{x:.1f}" y="{y + 4:.1f}" '
            f'text-anchor="middle" font-size="10" fill="#1b1f24">v{number}</text></g>'
        )
    parts += _solutions(solutions, ordered, [p for _, p in versions])
    parts.append("</svg>")
    return "".join(parts)
