"""Charts of the implementation dashboard as inline SVG, drawn on the server.

Two shapes cover the dashboard: vertical bars over ordered labels (voyages per month, median
and 90th-percentile waits per month, the term clock) and horizontal bars for categories
(tonnage by country, income group, commodity). Every chart has a title and a text description
for screen readers, and its numbers are in a table beside it.

>>> svg = column_chart("Voyages per month", ["2022-08", "2022-09"], [63, 178])
>>> svg.startswith("<svg") and "178" in svg
True
>>> "Corn" in bar_chart("Tonnage by commodity", ["Corn"], [16_167_005.0], unit="t")
True
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from gobetween import i18n

__all__ = ["bar_chart", "column_chart", "number", "share_chart"]

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


def _x_labels(labels: Sequence[str], left: float, slot: float, y: float) -> list[str]:
    """Labels under the columns, at most about twelve of them (every n-th when there are more)."""
    step = max(1, len(labels) // 12)
    return [
        f'<text x="{left + i * slot + slot / 2:.1f}" y="{y}" text-anchor="middle" '
        f'font-size="11">{escape(labels[i])}</text>'
        for i in range(0, len(labels), step)
    ]


def _axis(height: int, pad_l: int, pad_b: int, pad_t: int, top: str) -> list[str]:
    """The base line of a column chart, ``top`` at the top of the value axis and 0 at its foot."""
    return [
        f'<line x1="{pad_l}" y1="{height - pad_b}" x2="{WIDTH - 8}" y2="{height - pad_b}" '
        'stroke="#555"/>',
        f'<text x="{pad_l - 6}" y="{pad_t + 4}" text-anchor="end" font-size="11">{top}</text>',
        f'<text x="{pad_l - 6}" y="{height - pad_b}" text-anchor="end" font-size="11">0</text>',
    ]


def column_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    second: Sequence[float | None] | None = None,
    names: tuple[str, str] = ("", ""),
    height: int = 240,
) -> str:
    """Vertical bars over ordered ``labels`` (a second, paler series beside them if given)."""
    pad_l, pad_b, pad_t = 56, 40, 24
    series = [list(values)] + ([list(second)] if second is not None else [])
    top = max([v for s in series for v in s if v is not None] + [1.0])
    n = max(len(labels), 1)
    slot = (WIDTH - pad_l - 8) / n
    plot = height - pad_b - pad_t
    body = _axis(height, pad_l, pad_b, pad_t, number(top))
    width = slot * 0.8 / len(series)
    for k, data in enumerate(series):
        colour = BAR if k == 0 else SECOND
        for i, value in enumerate(data):
            if value is None:
                continue
            h = plot * value / top
            x = pad_l + i * slot + slot * 0.1 + k * width
            label = f"{labels[i]}: {number(value)}" + (f" ({names[k]})" if names[k] else "")
            body.append(
                f'<rect x="{x:.1f}" y="{height - pad_b - h:.1f}" width="{width:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(label)}</title></rect>'
            )
    body.extend(_x_labels(labels, pad_l, slot, height - pad_b + 16))
    if second is not None:
        body.append(
            f'<text x="{WIDTH - 8}" y="14" text-anchor="end" font-size="11">'
            f'<tspan fill="{BAR}">■ {escape(names[0])}</tspan> '
            f'<tspan fill="{SECOND}">■ {escape(names[1])}</tspan></text>'
        )
    desc = "; ".join(f"{lab}: {number(v)}" for lab, v in zip(labels, values, strict=False) if v)
    return _frame(title, height, body, desc[:2000])


def bar_chart(
    title: str, labels: Sequence[str], values: Sequence[float], *, unit: str = "", top: int = 12
) -> str:
    """Horizontal bars for the ``top`` largest categories, labelled with their values."""
    pairs = sorted(zip(labels, values, strict=True), key=lambda p: -p[1])[:top]
    row, pad_l = 22, 170
    height = row * len(pairs) + 12
    biggest = max([v for _, v in pairs] + [1.0])
    body = []
    for i, (label, value) in enumerate(pairs):
        y = 6 + i * row
        w = (WIDTH - pad_l - 110) * value / biggest
        text = f"{number(value)} {unit}".strip()
        body += [
            f'<text x="{pad_l - 6}" y="{y + 14}" text-anchor="end" font-size="12">'
            f"{escape(label[:28])}</text>",
            f'<rect x="{pad_l}" y="{y}" width="{w:.1f}" height="{row - 6}" fill="{BAR}">'
            f"<title>{escape(label)}: {escape(text)}</title></rect>",
            f'<text x="{pad_l + w + 6:.1f}" y="{y + 14}" font-size="12">{escape(text)}</text>',
        ]
    desc = "; ".join(f"{lab}: {number(v)} {unit}" for lab, v in pairs)
    return _frame(title, height, body, desc)


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
    Barometer charts the provisions at each implementation level over time.

    >>> svg = share_chart("Provisions", ["2022-08", "2022-09"],
    ...                   [("not initiated", [1.0, 0.5]), ("complete", [0.0, 0.5])])
    >>> svg.count("<rect") >= 2 and "complete: 50 %" in svg
    True
    """
    pad_l, pad_b, pad_t = 56, 40, 28
    n = max(len(labels), 1)
    slot = (WIDTH - pad_l - 8) / n
    plot = height - pad_b - pad_t
    body = _axis(height, pad_l, pad_b, pad_t, "100 %")
    for i, label in enumerate(labels):
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
    body.extend(_x_labels(labels, pad_l, slot, height - pad_b + 16))
    legend = " ".join(
        f'<tspan fill="{colours[k % len(colours)]}">■</tspan> {escape(name)}'
        for k, (name, _) in enumerate(series)
    )
    body.append(f'<text x="{pad_l}" y="14" font-size="11">{legend}</text>')
    last = {name: values[-1] for name, values in series if values}
    desc = "; ".join(f"{name}: {round(100 * float(v))} %" for name, v in last.items())
    return _frame(title, height, body, f"{labels[-1] if labels else ''}: {desc}")
