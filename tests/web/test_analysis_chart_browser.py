"""The mediators' analysis chart in Debian's chromium: the names of the bargaining solutions
stay inside the plot, in English and in Ukrainian. Where several solutions meet at one point
their names were one line ("Неша = Калаї — Смородинського = Егалітарне") that ran past the
plot's left edge (found walking the demo); now one name a line. Once version 1 was out, the
names covered its circle, so that "v1" could not be read (found walking the demo); as drawn,
no name meets a marker or another name."""

from __future__ import annotations

import contextlib

import pytest
from tests.web.browsing import open_in

from gobetween.i18n import use_locale
from gobetween.web.chart import PAD_B, PAD_L, PAD_R, PAD_T, utility_chart

pytestmark = [pytest.mark.browser, pytest.mark.slow]

with contextlib.suppress(ImportError):
    from playwright.sync_api import Page

#: Each solution's label and its margins to the plot (the chart less its axes: PAD_L, PAD_R,
#: PAD_T, PAD_B of gobetween.web.chart), in CSS px; negative: outside the plot.
_BOXES = """([svg, pad]) => {
  const r = svg.getBoundingClientRect(), s = r.width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll("g.solution text")].map(t => {
    const b = t.getBoundingClientRect();
    return [t.textContent, b.left - r.left - pad[0] * s, r.right - b.right - pad[1] * s,
            b.top - r.top - pad[2] * s, r.bottom - b.bottom - pad[3] * s];
  });
}"""

MET = ("Nash", "Kalai-Smorodinsky", "Egalitarian")


def _outside(page: Page) -> list[list[object]]:
    svg = page.locator("svg.chart").first
    boxes = svg.evaluate(f"svg => ({_BOXES})([svg, [{PAD_L}, {PAD_R}, {PAD_T}, {PAD_B}]])")
    assert boxes, "no solution drawn"
    return [b for b in boxes if min(b[1:]) < -1]


@pytest.mark.parametrize(("lang", "point"), [("uk", (0.62, 0.8)), ("en", (0.3, 0.97))])
def test_solutions_at_one_point_stay_inside_the_chart(  # type: ignore[no-untyped-def]
    browser_site, lang: str, point: tuple[float, float]
) -> None:
    base, site, browser = browser_site
    with use_locale(lang):
        svg = utility_chart(
            "Ukraine",
            "Russian Federation",
            frontier=[(0.2, 0.99), point, (0.95, 0.3)],
            reservations=(0.1, 0.1),
            solutions=[(name, point) for name in MET],
        )
    page = open_in(browser, base, site, "un", lang, 1366)
    page.set_content(f'<html lang="{lang}"><body style="margin:40px">{svg}</body></html>')
    assert _outside(page) == []
    page.context.close()


def test_the_demos_analysis_chart_keeps_its_names_inside(browser_site) -> None:  # type: ignore[no-untyped-def]
    base, site, browser = browser_site
    un = open_in(browser, base, site, "un", "uk", 390)
    un.goto(f"{base}/tracks/{site.tracks['food corridor']}/analysis")
    assert _outside(un) == []
    un.context.close()


#: Each solution's name that meets a marker (a version's circle, a solution's shape) or another
#: name, as drawn: [name, what it meets].
_CLASHES = """svg => {
  const box = e => {
    const b = e.getBoundingClientRect();
    return [b.left, b.top, b.right, b.bottom];
  };
  const meet = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  const names = [...svg.querySelectorAll("g.solution text")].map(t => [t.textContent, box(t)]);
  const marks = [...svg.querySelectorAll("g.version circle, g.solution polygon, g.solution rect")]
    .map(m => [m.closest("g.version") ? m.closest("g").textContent : "a solution", box(m)]);
  const found = [];
  for (const [name, b] of names) {
    for (const [mark, m] of marks) if (meet(b, m)) found.push([name, mark]);
    for (const [other, o] of names) if (other !== name && meet(b, o)) found.push([name, other]);
  }
  return found;
}"""


@pytest.mark.parametrize(("lang", "width"), [("en", 1366), ("uk", 390)])
def test_the_names_leave_version_1_readable(browser_site, lang: str, width: int) -> None:  # type: ignore[no-untyped-def]
    base, site, browser = browser_site
    food = site.tracks["food corridor"]
    un = open_in(browser, base, site, "un", lang, width)
    un.goto(f"{base}/tracks/{food}/draft")  # version 1 as the drafting page first offers it
    un.locator("#draft-form button[type=submit]").click()
    un.locator("#publish-form input[type=checkbox]").check()
    un.locator("#publish-form button[type=submit]").click()
    un.wait_for_url("**/draft?published=1")
    un.goto(f"{base}/tracks/{food}/analysis")
    svg = un.locator("svg.chart").first
    assert svg.locator("g.version").count() == 1
    assert svg.evaluate(_CLASHES) == []
    assert _outside(un) == []
    un.context.close()
