"""Charts fit their cell (issue 13): with `width=0`, the default, a chart is as wide as the
output it is given, down to 360 px (a narrower cell scrolls), and follows that width when the
cell resizes; `width=640` fixes the width whatever the cell; a removed view stops following.

The cell is the page: the widget's element fills the body, whose margins are 16 px a side, so
a viewport 32 px wider than the cell gives the cell its width."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_widgets import FLIGHTS, PLANETS, drag, widget_css, widget_js

MARGINS = 32
KINDS = ["scatter", "histogram", "bar", "solar3d"]
STATES = {
    "scatter": ({"x": "", "y": "", "height": 340, "selected_indices": []}, FLIGHTS),
    "histogram": ({"column": "", "bins": 10, "height": 260}, FLIGHTS),
    "bar": ({"category": "", "value": "distance", "height": 260}, FLIGHTS),
    "solar3d": ({"speed": 0.0, "selected_planet": "", "height": 300}, PLANETS),
}
# What each draws: its svg, or for solar3d its WebGL canvas.
DRAWN = {
    "scatter": "#widget svg",
    "histogram": "#widget svg",
    "bar": "#widget svg",
    "solar3d": "#widget canvas",
}
NEXT_FRAMES = "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
# JupyterLab 4's output area (@jupyterlab/outputarea, style/base.css): a flex row of the prompt
# and the output, which scrolls what is wider than it.
PROMPT = 64
JUPYTERLAB_OUTPUT = f"""() => {{
  const child = document.createElement("div");
  child.style.cssText = "display: flex; flex-direction: row; width: 100%; overflow: hidden";
  const prompt = document.createElement("div");
  prompt.style.cssText = "flex: 0 0 {PROMPT}px";
  const output = document.createElement("div");
  output.id = "output";
  output.style.cssText = "width: 100%; overflow: auto; flex-grow: 1; flex-shrink: 1";
  child.append(prompt, output);
  document.body.prepend(child);
  output.append(document.getElementById("widget"));
}}"""


@pytest.fixture(params=KINDS)
def kind(request) -> str:
    if request.param == "solar3d":
        request.getfixturevalue("three_js")
    return request.param


def set_cell(harness, width: int) -> None:
    harness.page.set_viewport_size({"width": width + MARGINS, "height": 700})


def mount(harness, kind: str, cell: int, width: int = 0) -> None:
    set_cell(harness, cell)
    state, columns = STATES[kind]
    harness.mount_with_table(widget_js(kind), state | {"width": width}, columns, widget_css(kind))


def count_redraws(harness, kind: str) -> None:
    """From now on, `window.redraws` counts the changes of the drawing's attributes (each
    redraw sets its width: the svg's, or the canvas's pixels)."""
    harness.page.evaluate(
        """(selector) => {
          window.redraws = 0;
          new MutationObserver((records) => (window.redraws += records.length)).observe(
            document.querySelector(selector), { attributeFilter: ["width"] });
        }""",
        DRAWN[kind],
    )


def mount_again(harness, kind: str, cell: int) -> None:
    assert harness.cleanup() == 0
    mount(harness, kind, cell)


def drawn_width(harness, kind: str) -> float:
    return harness.page.locator(DRAWN[kind]).bounding_box()["width"]


def wait_for_width(harness, kind: str, width: int) -> None:
    harness.page.wait_for_function(
        "([selector, width]) => document.querySelector(selector)"
        ".getBoundingClientRect().width === width",
        arg=[DRAWN[kind], width],
    )


def page_overflows(harness) -> bool:
    return harness.page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def test_fills_a_500px_cell_with_no_sideways_scroll(harness, kind):
    mount(harness, kind, 500)
    assert harness.page.locator("#widget").evaluate("el => el.clientWidth") == 500
    assert drawn_width(harness, kind) == 500
    assert not page_overflows(harness)
    # Nothing in the widget is wider than the cell: no scroll inside it either.
    assert harness.page.locator("#widget").evaluate("el => el.scrollWidth <= el.clientWidth")
    assert not harness.errors


def test_never_narrower_than_360px_a_narrower_cell_scrolls(harness, kind):
    mount(harness, kind, 360)
    assert drawn_width(harness, kind) == 360
    assert not page_overflows(harness)
    mount_again(harness, kind, 300)
    assert drawn_width(harness, kind) == 360
    assert page_overflows(harness)
    assert not harness.errors


def test_follows_the_cell_when_it_resizes_in_one_redraw(harness, kind):
    mount(harness, kind, 800)
    assert drawn_width(harness, kind) == 800
    count_redraws(harness, kind)
    set_cell(harness, 500)
    wait_for_width(harness, kind, 500)
    harness.page.evaluate(NEXT_FRAMES)
    harness.page.wait_for_timeout(200)
    # solar3d sets the canvas's size twice a redraw (pixel ratio, then size).
    assert harness.page.evaluate("window.redraws") == (2 if kind == "solar3d" else 1)
    assert drawn_width(harness, kind) == 500
    assert not page_overflows(harness)

    set_cell(harness, 700)
    wait_for_width(harness, kind, 700)
    assert not harness.errors


def test_in_a_jupyterlab_output_area_it_fits_and_a_narrow_one_scrolls(harness, kind):
    harness.page.evaluate(JUPYTERLAB_OUTPUT)
    mount(harness, kind, PROMPT + 500)
    assert drawn_width(harness, kind) == 500
    set_cell(harness, PROMPT + 800)
    wait_for_width(harness, kind, 800)
    set_cell(harness, PROMPT + 300)
    wait_for_width(harness, kind, 360)
    # The output scrolls sideways, as JupyterLab's does; the page does not.
    output = harness.page.locator("#output")
    assert output.evaluate("el => el.scrollWidth > el.clientWidth")
    assert not page_overflows(harness)
    assert not harness.errors


def test_a_resize_hides_the_brush_and_keeps_the_selection(harness):
    mount(harness, "scatter", 800)
    box = harness.page.locator("#widget svg").bounding_box()
    left, top, width, height = box["x"], box["y"], box["width"], box["height"]
    drag(
        harness.page,
        (left + 0.2 * width, top + 0.2 * height),
        (left + 0.8 * width, top + 0.8 * height),
    )
    caption = harness.page.get_by_role("status")
    expect(caption).to_contain_text(" of 40 rows selected")  # redrawn a frame or two later
    selected = caption.text_content()
    brush = harness.page.locator("#widget .brush")
    assert brush.get_attribute("visibility") == "visible"
    set_cell(harness, 500)
    wait_for_width(harness, "scatter", 500)
    # The brush was drawn in the old plot's pixels: it goes, the selected rows stay.
    assert brush.get_attribute("visibility") == "hidden"
    assert caption.text_content() == selected
    assert not harness.errors


def test_a_cell_as_wide_as_its_content_keeps_the_first_width(harness, kind):
    # An inline-block with padding takes the width of what is drawn in it: a chart that
    # followed that width (padding included) would grow at every frame.
    harness.page.evaluate(
        "document.getElementById('widget').style.cssText = 'display: inline-block; padding: 12px'"
    )
    mount(harness, kind, 800)
    count_redraws(harness, kind)
    harness.page.wait_for_timeout(300)
    harness.page.evaluate(NEXT_FRAMES)
    assert harness.page.evaluate("window.redraws") <= (2 if kind == "solar3d" else 1)
    width = drawn_width(harness, kind)
    assert 360 <= width <= 800
    harness.page.wait_for_timeout(200)
    assert drawn_width(harness, kind) == width
    assert not harness.errors


def test_a_fixed_width_stays_whatever_the_cell(harness, kind):
    mount(harness, kind, 500, width=640)
    assert drawn_width(harness, kind) == 640
    set_cell(harness, 800)
    harness.page.evaluate(NEXT_FRAMES)
    assert drawn_width(harness, kind) == 640
    # Back to 0 from Python: the chart fills the cell again.
    harness.from_python("width", 0)
    wait_for_width(harness, kind, 800)
    harness.from_python("width", 450)
    wait_for_width(harness, kind, 450)
    assert not harness.errors


def test_a_removed_view_stops_following_the_cell(harness, kind):
    mount(harness, kind, 800)
    harness.page.evaluate(
        """(selector) => {
          window.drawing = document.querySelector(selector);
          window.redraws = 0;
          new MutationObserver((records) => (window.redraws += records.length)).observe(
            window.drawing, { attributes: true });
        }""",
        DRAWN[kind],
    )
    assert harness.cleanup() == 0
    # The element stays in the page, as a host may keep it: only the view is gone.
    set_cell(harness, 500)
    harness.page.evaluate(NEXT_FRAMES)
    harness.page.wait_for_timeout(200)
    harness.page.evaluate(NEXT_FRAMES)
    assert harness.page.evaluate("window.redraws") == 0
    assert harness.page.locator("#widget").evaluate("el => el.clientWidth") == 500
    assert not harness.errors
