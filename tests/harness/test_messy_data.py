"""The charts and the table on the tables people really have (issue 13): infinities and NaN
are missing values, counted and said; overflowing sums are shown as such; huge numbers read
as 1e300; empty frames say "0 rows"; 100,000 names show the largest and "+K more"."""

from __future__ import annotations

import itertools
import math

from test_widgets import FLIGHTS, widget_css, widget_js

from vibewidget_cli.render import render_widget
from vibewidget_cli.spec import WidgetSpec

INF = math.inf
NAN = math.nan
NAMES = ["a", "b", "c", "d", "e", "f"]
CHART_STATE = {"width": 520, "height": 260}
STATES = {
    "bar": {"category": "", "value": "distance"},
    "histogram": {"column": "distance", "bins": 10},
    "scatter": {"x": "distance", "y": "delay"},
}


def frame(distance: list[float], names: list[str] = NAMES) -> list[dict]:
    categories = sorted(set(names))
    return [
        {
            "name": "name",
            "kind": "category",
            "values": [categories.index(n) for n in names],
            "categories": categories,
        },
        {"name": "delay", "kind": "number", "values": [float(i) for i in range(len(names))]},
        {"name": "distance", "kind": "number", "values": distance},
    ]


def mount(harness, kind: str, columns: list[dict], **state) -> str:
    """The widget mounted on `columns` in place of any before it; its caption."""
    harness.page.evaluate("document.getElementById('widget').replaceChildren()")
    harness.mount_with_table(
        widget_js(kind), CHART_STATE | STATES[kind] | state, columns, widget_css(kind)
    )
    return harness.page.get_by_role("status").text_content()


def texts(harness) -> list[str]:
    return harness.page.locator("#widget svg text").all_text_contents()


def boxes(harness, selector: str) -> list[dict]:
    return harness.page.locator(selector).evaluate_all(
        "els => els.map(e => { const b = e.getBoundingClientRect();"
        " return {text: e.textContent, x: b.x, y: b.y, right: b.right, bottom: b.bottom}; })"
    )


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["right"]
        and b["x"] < a["right"]
        and a["y"] < b["bottom"]
        and b["y"] < a["bottom"]
    )


def assert_no_overlap_or_cut(harness) -> None:
    svg = harness.page.locator("#widget svg").bounding_box()
    labels = [b for b in boxes(harness, "#widget svg text") if b["text"]]
    for box in labels:
        assert box["x"] >= svg["x"] - 0.5 and box["right"] <= svg["x"] + svg["width"] + 0.5, box
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not overlap(a, b), (a, b)


def test_infinities_are_missing_values_counted_in_bar_histogram_scatter(harness):
    columns = frame([1, 2, INF, -INF, 3, 4])
    caption = mount(harness, "bar", columns)
    assert "4 of 6 rows drawn; 2 missing or infinite" in caption
    heights = harness.page.locator("#widget rect").evaluate_all(
        "rects => rects.map(r => Number(r.getAttribute('height')))"
    )
    assert len(heights) == 4 and all(h > 0 for h in heights)
    assert {"0", "1", "2", "3", "4"} <= set(texts(harness))
    assert not harness.errors

    caption = mount(harness, "histogram", columns)
    assert caption == "distance: 4 of 6 rows drawn; 2 missing or infinite"
    counts = harness.page.locator("#widget rect title").all_text_contents()
    assert sum(int(c.split()[0]) for c in counts) == 4
    assert {"1", "2", "3", "4"} <= set(texts(harness))
    assert not harness.errors

    caption = mount(harness, "scatter", columns)
    assert caption.startswith("4 of 6 rows drawn; 2 missing or infinite")
    assert {"1", "2", "3", "4"} <= set(texts(harness))
    assert not harness.errors


def test_bar_sum_that_overflows_is_drawn_full_and_labelled(harness):
    names = ["Big", "Big", "c", "d", "e", "f"]
    mount(harness, "bar", frame([1.7e308, 1.7e308, 1, 2, 3, 4], names))
    assert "overflow" in texts(harness)
    bars = harness.page.locator("#widget rect").evaluate_all(
        "rects => rects.map(r => Number(r.getAttribute('height')))"
    )
    assert len(bars) == 5 and max(bars) == bars[0] > 0
    assert "overflow" in harness.page.locator("#widget rect title").first.text_content()
    assert not harness.errors


def test_huge_numbers_read_as_1e300_and_never_overlap(harness):
    huge = [1e300, -1e300, 5e299, -2e299, 1e299, 0.0]
    for kind in ("bar", "histogram", "scatter"):
        mount(harness, kind, frame(huge))
        labels = texts(harness)
        assert "1e300" in labels, (kind, labels)
        assert not [t for t in labels if "e+" in t or len(t) > 12], (kind, labels)
        assert_no_overlap_or_cut(harness)
        assert not harness.errors

    harness.page.evaluate("document.getElementById('widget').replaceChildren()")
    harness.mount_with_table(
        widget_js("table"),
        {"page_size": 20, "category_column": ""},
        frame(huge),
        widget_css("table"),
    )
    cells = harness.page.locator("tbody tr td:last-child").all_text_contents()
    assert cells == ["1.0e300", "-1.0e300", "5.0e299", "-2.0e299", "1.0e299", "0.0e0"]
    assert not harness.errors


def test_all_nan_column_says_there_is_nothing_to_draw(harness):
    columns = frame([NAN] * 6)
    for kind in ("histogram", "scatter"):
        caption = mount(harness, kind, columns)
        assert caption.startswith("No numeric values to draw: 6 rows"), caption
        assert not texts(harness), texts(harness)  # no invented 0-1 axis
        assert not harness.errors


def test_bar_draws_no_zero_bars_for_missing_values(harness):
    caption = mount(harness, "bar", frame([NAN] * 6))
    assert caption.startswith("No numeric values in distance to draw: 6 rows")
    assert harness.page.locator("#widget rect").count() == 0
    assert "0" not in texts(harness)
    # A nullable Int64 column with NA arrives as NaN: those rows are not bars labelled "0".
    caption = mount(harness, "bar", frame([1, NAN, 3, NAN, 5, 6]))
    assert harness.page.locator("#widget rect").count() == 4
    assert "4 of 6 rows drawn; 2 missing or infinite" in caption
    assert not harness.errors


def test_empty_frames_say_0_rows(harness):
    empty = [column | {"values": []} for column in FLIGHTS]
    assert mount(harness, "bar", empty) == "0 rows: nothing to draw."
    assert not harness.errors
    harness.page.evaluate("document.getElementById('widget').replaceChildren()")
    spec = WidgetSpec("w", "", "generic", [], data=True)
    harness.mount_with_table(render_widget(spec, "widgets")[1].text, {}, empty)
    assert harness.page.locator("#widget p").first.text_content() == (
        "0 rows: airline, delay, distance"
    )
    assert not harness.errors


def test_one_row_scatter_ticks_clear_the_axis_title(harness):
    columns = [
        {"name": "delay", "kind": "number", "values": [12.5]},
        {"name": "distance", "kind": "number", "values": [66631.5]},
    ]
    harness.mount_with_table(
        widget_js("scatter"),
        CHART_STATE | {"x": "delay", "y": "distance"},
        columns,
        widget_css("scatter"),
    )
    assert_no_overlap_or_cut(harness)
    assert "distance" in texts(harness)
    assert not harness.errors


def test_bar_with_100k_names_shows_the_largest_and_how_many_more(harness):
    count = 100_000
    columns = [
        {
            "name": "name",
            "kind": "category",
            "values": list(range(count)),
            "categories": [f"name {i}" for i in range(count)],
        },
        {"name": "distance", "kind": "number", "values": [float(i % 997) for i in range(count)]},
    ]
    caption = mount(harness, "bar", columns)
    bars = harness.page.locator("#widget rect").count()
    assert bars <= 20
    assert f"+{count - bars:,} more" in caption
    names = boxes(harness, "#widget svg text[transform^='rotate']")
    assert len(names) == bars
    centres = sorted(b["x"] for b in boxes(harness, "#widget rect"))
    assert min(b - a for a, b in itertools.pairwise(centres)) >= 20
    assert not harness.errors
