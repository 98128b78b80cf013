"""The implementation record's charts in Debian's chromium: no two words of a chart touch (the
time axis's dates, the value axis), none leaves the chart, and every word drawn reads at 10.5 px
or more; the legends and the category bars (HTML beside the drawings) read at the page's size
and stay inside the page; on a 390 px phone and a 1366 px screen, in English and Arabic.
Before, the daily charts' dates ("2022-08-01") ran into each other at every width, and on a
phone they were 6 px high; so were the value axis, the legends and the bar charts' names and
figures until they were drawn per tier or moved out of the drawing.

The per-day chart goes to ``$GOBETWEEN_SCREENSHOTS`` when set (the implementation guide shows it:
``implementation-daily-chart-{en,ar}-{390,1366}.png``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.web.browsing import logged_in, no_horizontal_scroll, open_folds

from gobetween.service.demo_agreement import build_agreement_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Every drawn word of one chart: its text, its box (left, right, top, bottom, in CSS px from
#: the chart's corner), its size on the screen (px) and whether it labels the time axis.
_WORDS = """svg => {
  const r = svg.getBoundingClientRect();
  const scale = r.width / svg.viewBox.baseVal.width;
  return {width: r.width, height: r.height, words: [...svg.querySelectorAll("text")]
    .map(t => [t, t.getBoundingClientRect()])
    .filter(([t, b]) => b.width > 0 && b.height > 0)
    .map(([t, b]) => ({
      text: t.textContent, left: b.left - r.left, right: b.right - r.left,
      top: b.top - r.top, bottom: b.bottom - r.top,
      px: parseFloat(getComputedStyle(t).fontSize) * scale,
      axis: t.closest("g.x-labels") !== null,
    }))};
}"""


#: The per-day chart's screenshot in each case (the implementation guide shows two).
_SHOTS = {
    ("en-GB", 390): "implementation-daily-chart-en-390.png",
    ("en-GB", 1366): "implementation-daily-chart-en-1366.png",
    ("ar-QA", 390): "implementation-daily-chart-ar-390.png",
    ("ar-QA", 1366): "implementation-daily-chart-ar-1366.png",
}


def _touching(words: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for i, a in enumerate(words)
        for b in words[i + 1 :]
        if a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]


@pytest.mark.parametrize("lang", ["en-GB", "ar-QA"])
@pytest.mark.parametrize("width", [390, 1366])
def test_chart_words_never_touch(browser_site, shots: Path, lang: str, width: int) -> None:
    base, site, browser = browser_site
    with site.services.db.unit_of_work() as session:
        aid = build_agreement_demo(session)
    page = logged_in(browser, base, site, "un", width=width, lang=lang, zone="Asia/Qatar")
    page.goto(f"{base}/agreements/{aid}/implementation")
    open_folds(page)
    charts = page.locator("figure svg.chart")
    assert charts.count() >= 6  # barometer, months, days, queue, waits, terms
    dated = 0
    for i in range(charts.count()):
        chart = charts.nth(i)
        drawn = chart.evaluate(_WORDS)
        words = drawn["words"]
        assert _touching(words) == [], f"chart {i} at {width} px in {lang}"
        axis = [w for w in words if w["axis"]]
        outside = [
            w["text"]
            for w in words
            if w["left"] < 0
            or w["right"] > drawn["width"]
            or w["top"] < 0
            or w["bottom"] > drawn["height"]
        ]
        assert outside == [], f"chart {i} at {width} px in {lang}"
        # every word drawn: the dates, the value axis's top figure and its 0
        assert all(w["px"] >= 10.5 for w in words), [(w["text"], w["px"]) for w in words]
        assert len(words) - len(axis) == 2, [w["text"] for w in words if not w["axis"]]
        if len(axis) >= 2:
            dated += 1
            # the first and the last column are labelled: a tick under each
            ticks = chart.locator("g.x-labels line").evaluate_all(
                "ls => ls.filter(l => l.getBoundingClientRect().height > 0)"
                ".map(l => +l.getAttribute('x1'))"
            )
            rects = chart.locator("rect").evaluate_all(
                "rs => rs.map(r => +r.getAttribute('x') + +r.getAttribute('width') / 2)"
            )
            assert min(ticks) <= min(rects) + 30
            assert max(ticks) >= max(rects) - 30
    assert dated >= 5  # the barometer, per month, per day, queue and waits have a time axis
    if lang == "ar-QA":
        # the dates as the reader's locale writes them (Arabic month names), not ISO
        days = charts.nth(2).evaluate(_WORDS)["words"]
        assert any("أغسطس" in w["text"] for w in days if w["axis"])
        assert not any("2022-08" in w["text"] for w in days if w["axis"])
    # the keys and the category bars: HTML at the page's size, inside the page
    html_words = page.locator(".chart-legend li, table.bars th, table.bars td.num")
    assert html_words.count() >= 2 + 4 + 3  # the waits' and the barometer's keys, three tables
    sizes = html_words.evaluate_all(
        "els => els.map(e => [e.textContent, parseFloat(getComputedStyle(e).fontSize),"
        " e.getBoundingClientRect().left, e.getBoundingClientRect().right])"
    )
    assert all(px >= 12 for _text, px, _l, _r in sizes), sizes
    assert all(left >= 0 and right <= width for _t, _px, left, right in sizes), sizes
    # each bar grows from its name: from the cell's left in English, its right in Arabic
    bars = page.locator("table.bars td.bar").evaluate_all(
        "tds => tds.map(td => [td.getBoundingClientRect().left, td.getBoundingClientRect().right,"
        " td.querySelector('rect').getBoundingClientRect().left,"
        " td.querySelector('rect').getBoundingClientRect().right])"
    )
    side = 1 if lang == "ar-QA" else 0
    # a one-word name is never cut ("Netherland|s" at 390 px, when names could break anywhere)
    cut = page.locator("table.bars th").evaluate_all(
        "ths => ths.filter(th => !/[\\s-]/.test(th.textContent.trim())).filter(th => {"
        " const r = document.createRange(); r.selectNodeContents(th);"
        " return r.getClientRects().length > 1; }).map(th => th.textContent)"
    )
    assert cut == [], cut
    # and a name takes two lines at most (three for Arabic commodities on a phone, when the bars
    # took 45% of the row: "كسب / دوار / الشمس")
    lines = page.locator("table.bars th").evaluate_all(
        "ths => ths.map(th => { const r = document.createRange(); r.selectNodeContents(th);"
        " const tops = [...r.getClientRects()].map(b => Math.round(b.top));"
        " return [th.textContent, new Set(tops).size]; }).filter(([t, n]) => n > 2)"
    )
    assert lines == [], lines
    assert all(abs(bar[side] - bar[side + 2]) <= 12 for bar in bars), bars  # cell padding
    no_horizontal_scroll(page)
    figure = page.locator("figure", has=page.locator("svg.chart")).nth(2)
    figure.screenshot(path=str(shots / _SHOTS[lang, width]))
    assert page.errors == []  # type: ignore[attr-defined]
