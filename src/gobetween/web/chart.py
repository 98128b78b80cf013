"""The utility-space chart as inline SVG, drawn on the server (no chart library in the browser).

One chart shows two parties' utilities (x: one party, y: another; with three or more parties
the page offers a pair selector and the chart is the projection on that pair): the Pareto
frontier, each party's reservation line, the zone both prefer to no agreement, the Nash,
Kalai-Smorodinsky and egalitarian packages, and every text version so far. Colours are paired
with shapes and labels so that nothing depends on colour alone.

>>> svg = utility_chart(
...     "A", "B", frontier=[(0.2, 0.9), (0.6, 0.6), (0.9, 0.1)], reservations=(0.3, 0.3),
...     solutions=[("Nash", (0.6, 0.6))], versions=[(1, (0.5, 0.4))])
>>> svg.startswith("<svg") and "Nash" in svg and "v1" in svg
True
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from gobetween import i18n
from gobetween.i18n import _
from gobetween.i18n import lazy_gettext as _l

__all__ = ["reading", "utility_chart"]

SIZE = 420
PAD_L, PAD_B, PAD_T, PAD_R = 56, 48, 16, 16
PLOT = SIZE - PAD_L - PAD_R
Point = tuple[float, float]

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
    groups: dict[tuple[float, float], list[str]] = {}
    for name, (a, b) in solutions:
        groups.setdefault((round(a, 6), round(b, 6)), []).append(name)
    for k, ((a, b), names) in enumerate(groups.items()):
        x, y = _x(a), _y(b)
        marks = "".join(
            _marker(*_MARKS.get(name, ("square", "#1b1f24")), x, y, r=9 - 2 * i)
            for i, name in enumerate(names)
        )
        # Above and right of a point of the frontier no package lies, below and left no
        # frontier point: the names go above-right where they fit (about 7 units a letter),
        # else below-left, below-right, above-left; one name a line ("Nash", "= Kalai-...")
        shown = [("" if i == 0 else "= ") + str(_NAMES.get(n, n)) for i, n in enumerate(names)]
        wide, deep = 7 * max(len(t) for t in shown), 14 * (len(names) - 1)
        above, below = y - 10 - 14 * k - deep, y + 22 + 14 * k  # the first line's baseline
        right, left = x + 12 + wide <= SIZE - PAD_R, x - 12 - wide >= PAD_L
        up, down = above - 12 >= PAD_T, below + deep <= SIZE - PAD_B
        anchor, tx, top = next(
            (side, x + 12 if side == "start" else x - 12, at)
            for side, at, fits in (
                ("start", above, right and up),
                ("end", below, left and down),
                ("start", below, right and down),
                ("end", above, True),
            )
            if fits
        )
        lines = "".join(
            f'<tspan x="{tx:.1f}" dy="{0 if i == 0 else 14}">{escape(reading(t))}</tspan>'
            for i, t in enumerate(shown)
        )
        parts.append(
            f'<g class="solution">{marks}<text x="{tx:.1f}" y="{top:.1f}" '
            f'text-anchor="{anchor}" font-size="12" fill="#1b1f24" paint-order="stroke" '
            f'stroke="#fff" stroke-width="4">{lines}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
