"""The utility chart's markers and the solutions' names as boxes, read from its SVG (in the
drawing's units), for the tests that check that no name covers a marker or another name."""

from __future__ import annotations

import itertools

from bs4 import BeautifulSoup, Tag

# the generous estimate of a word's width that the server's charts share
from gobetween.web.agreement_charts import text_width
from gobetween.web.chart import PAD_B, PAD_L, PAD_R, PAD_T, SIZE

#: left, top, right, bottom
Box = tuple[float, float, float, float]
#: A line of text above its baseline and below it, in ems (DejaVu Sans in chromium: 0.92, 0.25).
ASCENT, DESCENT = 0.95, 0.25


def chart_of(svg: str | Tag) -> Tag:
    """The ``svg.chart`` element of ``svg`` (a chart's text or a page's element)."""
    found = BeautifulSoup(str(svg), "html.parser").select_one("svg.chart")
    assert found is not None, "no chart"
    return found


def markers(svg: Tag) -> list[tuple[str, Box]]:
    """Every version's circle and every solution's shape: what it marks and its box."""
    found: list[tuple[str, Box]] = []
    for group in svg.select("g.version"):
        circle = group.select_one("circle")
        assert circle is not None
        x, y, r = (float(str(circle[k])) for k in ("cx", "cy", "r"))
        found.append((group.get_text(), (x - r, y - r, x + r, y + r)))
    for group in svg.select("g.solution"):
        for shape in group.select("polygon"):
            pairs = [p.split(",") for p in str(shape["points"]).split()]
            xs, ys = [float(a) for a, _ in pairs], [float(b) for _, b in pairs]
            found.append(("solution", (min(xs), min(ys), max(xs), max(ys))))
        for shape in group.select("rect"):
            x, y, w, h = (float(str(shape[k])) for k in ("x", "y", "width", "height"))
            found.append(("solution", (x, y, x + w, y + h)))
    return found


def names(svg: Tag) -> list[tuple[str, Box]]:
    """Every solution's name (its lines joined) and the box its lines take."""
    found: list[tuple[str, Box]] = []
    for text in svg.select("g.solution text"):
        size = float(str(text["font-size"]))
        x, y = float(str(text["x"])), float(str(text["y"]))
        lines = [t.get_text() for t in text.select("tspan")] or [text.get_text()]
        steps = [float(str(t.get("dy", 0))) for t in text.select("tspan")][1:]
        wide = max(text_width(line, size) for line in lines)
        anchor = text.get("text-anchor", "start")
        left = {"start": x, "end": x - wide, "middle": x - wide / 2}[str(anchor)]
        top, bottom = y - ASCENT * size, y + sum(steps) + DESCENT * size
        found.append((" ".join(lines), (left, top, left + wide, bottom)))
    return found


def meet(a: Box, b: Box) -> bool:
    """Whether the two boxes share some area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def clashes(svg: Tag) -> list[tuple[str, str]]:
    """Each name that covers a marker, or another name, or leaves the plot: (name, what)."""
    found = [
        (name, mark) for name, box in names(svg) for mark, other in markers(svg) if meet(box, other)
    ]
    found += [(a, b) for (a, x), (b, y) in itertools.combinations(names(svg), 2) if meet(x, y)]
    plot = (PAD_L, PAD_T, SIZE - PAD_R, SIZE - PAD_B)
    found += [
        (name, "the plot's edge")
        for name, (left, top, right, bottom) in names(svg)
        if left < plot[0] or top < plot[1] or right > plot[2] or bottom > plot[3]
    ]
    return found
