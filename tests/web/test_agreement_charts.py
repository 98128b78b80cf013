"""The rule that picks a time axis's labels (``thin_labels``) and the dates it is given
(``time_labels``), and the charts' axis drawn once per width tier.

Before, ``_x_labels`` drew every ``len // 12``-th label at one size whatever its length: 12 ISO
dates of 60 units in 584 (the daily charts) ran into each other at every width.
"""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gobetween import i18n
from gobetween.web.agreement_charts import (
    GAP,
    TIERS,
    WIDTH,
    YEAR_LINE,
    Label,
    Placed,
    bar_chart,
    column_chart,
    share_chart,
    text_width,
    thin_labels,
    time_labels,
)

SPAN = (2.0, WIDTH - 2.0)


def _centres(n: int, left: float = 56.0) -> list[float]:
    slot = (WIDTH - left - 8) / n
    return [left + i * slot + slot / 2 for i in range(n)]


def _drawn(p: Placed, size: float) -> float:
    """The width the label takes: its text or its year line, the wider."""
    return max(text_width(p.text, size), text_width(p.year, size))


def _gaps_kept(chosen: list[Placed], size: float) -> bool:
    return all(
        b.x - a.x >= (_drawn(a, size) + _drawn(b, size)) / 2 + GAP * size - 1e-9
        for a, b in itertools.pairwise(chosen)
    )


def _every_kth(chosen: list[Placed]) -> int:
    return chosen[1].point - chosen[0].point if len(chosen) > 1 else 0


words = st.text(alphabet="abcXYZ 019أغسطсент.", min_size=1, max_size=14)


@given(
    texts=st.lists(words, min_size=1, max_size=400),
    size=st.sampled_from([size for _name, _least, size in TIERS]),
)
def test_chosen_labels_never_touch_and_keep_the_first_and_last(
    texts: list[str], size: float
) -> None:
    labels = [Label(t, t, str(2022 + n // 40)) for n, t in enumerate(texts)]
    chosen = thin_labels(_centres(len(labels)), labels, size, SPAN)
    assert chosen[0].point == 0
    assert chosen[0].year == labels[0].era  # the first says its year
    assert _gaps_kept(chosen, size)
    indices = [p.point for p in chosen]
    assert indices == sorted(set(indices))
    for p in chosen:  # inside the drawing
        half = _drawn(p, size) / 2
        if 2 * half <= SPAN[1] - SPAN[0]:
            assert SPAN[0] - 1e-9 <= p.x - half
            assert p.x + half <= SPAN[1] + 1e-9
    for a, b in itertools.pairwise(chosen):  # the year where it changes, and only there
        assert b.year == ("" if labels[a.point].era == labels[b.point].era else labels[b.point].era)
    if len(chosen) > 1:
        assert indices[-1] == len(labels) - 1
        k = _every_kth(chosen)
        assert all(b - a == k for a, b in itertools.pairwise(indices[:-1]))
        # the last closes the series (the one before it dropped when the two would touch)
        assert 0 < indices[-1] - indices[-2] <= 2 * k


def test_the_step_is_the_smallest_that_fits() -> None:
    days = time_labels_en([f"2022-08-{d:02d}" for d in range(1, 32)])
    centres = _centres(len(days))
    chosen = thin_labels(centres, days, 12.5, SPAN)
    k = _every_kth(chosen)
    assert k > 1
    # every (k - 1)-th label would touch: the rule took the smallest step
    closer = [Placed(i, centres[i], days[i].short, "", 0.0) for i in range(0, len(days), k - 1)]
    assert not _gaps_kept(closer[1:], 12.5)


def test_every_label_when_there_is_room() -> None:
    labels = [Label(f"term {n}", f"term {n}") for n in range(1, 5)]
    chosen = thin_labels(_centres(4), labels, 12.5, SPAN)
    assert [p.text for p in chosen] == ["term 1", "term 2", "term 3", "term 4"]
    assert [p.year for p in chosen] == ["", "", "", ""]


def test_wider_labels_and_bigger_type_mean_fewer_labels() -> None:
    days = time_labels_en([f"2022-{m:02d}-{d:02d}" for m in range(8, 13) for d in range(1, 29)])
    counts = [len(thin_labels(_centres(len(days)), days, size, SPAN)) for *_n, size in TIERS]
    assert counts == sorted(counts)  # narrow (largest type) first: fewest labels
    assert counts[0] >= 2
    assert counts[0] < counts[-1]


def test_a_label_too_long_for_the_chart_leaves_the_first_alone() -> None:
    labels = [Label("x" * 80, "x" * 80), Label("y" * 80, "y" * 80)]
    assert [p.point for p in thin_labels(_centres(2), labels, 24.0, SPAN)] == [0]
    assert thin_labels([], [], 12.5, SPAN) == []


def test_the_year_is_written_first_and_where_it_changes() -> None:
    days = time_labels_en(["2022-12-30", "2022-12-31", "2023-01-01", "2023-01-02"])
    chosen = thin_labels(_centres(4), days, 12.5, SPAN)
    assert [(p.text, p.year) for p in chosen] == [
        ("Dec 30", "2022"),
        ("Dec 31", ""),
        ("Jan 1", "2023"),
        ("Jan 2", ""),
    ]
    months = time_labels_en(["2022-11", "2022-12", "2023-01"])
    assert [(p.text, p.year) for p in thin_labels(_centres(3), months, 12.5, SPAN)] == [
        ("Nov", "2022"),
        ("Dec", ""),
        ("Jan", "2023"),
    ]


def time_labels_en(labels: list[str]) -> list[Label]:
    with i18n.use_locale("en"):
        return time_labels(labels)


@pytest.mark.parametrize(
    ("locale", "short", "long"),
    [
        ("en", "Sep 1", "Sep 1, 2022"),
        ("uk", "1 вер.", "1 вер. 2022\u202fр."),
        ("ru", "1 сент.", "1 сент. 2022\u202fг."),
        ("tr", "1 Eyl", "1 Eyl 2022"),
        ("ar", "\u20671 سبتمبر\u2069", "\u20671 سبتمبر 2022\u2069"),
    ],
)
def test_days_in_the_readers_language(locale: str, short: str, long: str) -> None:
    with i18n.use_locale(locale):
        (label,) = time_labels(["2022-09-01"])
    year = "\u20672022\u2069" if locale == "ar" else "2022"
    assert (label.short, label.long, label.era) == (short, long, year)


def test_labels_that_are_not_all_dates_stay_as_they_are() -> None:
    with i18n.use_locale("en"):
        assert time_labels(["2022-09-01", "total"]) == [
            Label("2022-09-01", "2022-09-01"),
            Label("total", "total"),
        ]


def test_a_column_chart_has_one_axis_per_tier_the_widest_shown_without_style() -> None:
    days = [f"2022-08-{d:02d}" for d in range(1, 32)]
    with i18n.use_locale("en"):
        svg = column_chart("Voyages departed per day", days, list(range(31)))
    groups = re.findall(r'<g class="x-labels (\w+)"([^>]*)>', svg)
    assert [name for name, _rest in groups] == [name for name, _least, _size in TIERS]
    assert [("display" in rest) for _name, rest in groups] == [True, True, False]
    assert "<title>Aug 31, 2022: 30</title>" in svg  # the columns' tips name the day in full
    assert "2022-08-" not in svg
    # the drawing is taller by the year's line, the plot the same
    assert 'viewBox="0 0 640 ' + str(240 + YEAR_LINE) + '"' in svg
    with i18n.use_locale("en"):
        terms = column_chart("Days of each term", ["term 1", "term 2"], [120, 120])
    assert 'viewBox="0 0 640 240"' in terms


def test_the_barometer_names_its_months() -> None:
    with i18n.use_locale("tr"):
        svg = share_chart("Provisions", ["2022-09", "2022-10"], [("complete", [0.5, 1.0])])
    assert "Eki 2022, complete: 100 %" in svg
    assert '>Eyl<tspan x="' in svg
    assert 'dy="1.15em">2022</tspan></text>' in svg  # the year under the first month


def test_the_value_axis_is_drawn_once_per_tier_above_the_plot() -> None:
    """The value axis's words (the top figure, 0) come in each tier's size, as the dates do:
    at one size of 11 units they were 6 px high on a 390 px phone."""
    with i18n.use_locale("en"):
        svg = column_chart("Voyages per month", ["2022-08", "2022-09"], [63, 31_744_756])
    groups = re.findall(r'<g class="y-labels (\w+)"([^>]*)>(.*?)</g>', svg)
    assert [name for name, _rest, _words in groups] == [name for name, _least, _size in TIERS]
    assert [("display" in rest) for _name, rest, _words in groups] == [True, True, False]
    for (_name, rest, words), (_tier, _least, size) in zip(groups, TIERS, strict=True):
        assert f'font-size="{size}"' in rest
        assert re.findall(r">([^<]*)</text>", words) == ["31,744,756", "0"]
    assert 'font-size="11"' not in svg


def test_a_legend_is_html_beside_the_drawing() -> None:
    """A chart's key reads at the page's size: HTML after the drawing, not words inside it."""
    with i18n.use_locale("en"):
        waits = column_chart(
            "Waits", ["2022-08"], [2.0], second=[4.8], names=("median", "90th percentile")
        )
        shares = share_chart(
            "Provisions", ["2022-09"], [("not initiated", [0.25]), ("complete", [0.75])]
        )
    keys = ((waits, ["median", "90th percentile"]), (shares, ["not initiated", "complete"]))
    for html, names in keys:
        drawing, _sep, key = html.partition("</svg>")
        words = re.sub(r"<title>.*?</title>|<desc>.*?</desc>", "", drawing)
        assert not any(name in words for name in names)
        assert key.startswith('<ul class="legend chart-legend">')
        assert re.findall(r"</svg>([^<]*)</li>", key) == names
    one = column_chart("Voyages per month", ["2022-08"], [63])
    assert one.endswith("</svg>")  # one series: no key


def test_the_category_bars_are_a_table_of_whole_names_to_scale() -> None:
    """The tonnage charts: a row per category, largest first, the name whole (it was cut at 28
    characters), the bar to scale with the largest, the figure in the reader's language."""
    name = "Democratic Republic of the Congo (Kinshasa)"
    with i18n.use_locale("uk"):
        html = bar_chart(
            "Тоннаж", ["Egypt", name, "Kenya"], [1_000.0, 4_000.0, 2_000.5], unit="т", top=2
        )
    rows = re.findall(
        r'<tr><th scope="row">(.*?)</th>.*?<rect width="([\d.]+)".*?<td class="num">(.*?)</td>',
        html,
    )
    assert rows == [(name, "100.00", "4\xa0000 т"), ("Kenya", "50.01", "2\xa0000,5 т")]
    assert html.startswith('<table class="bars" aria-label="Тоннаж">')
