"""The four cross-widget patterns, proven in real JupyterLab: each example folder under
examples/ is copied next to a fresh kernel, its demo.ipynb is run, and the test drives the
widgets with the mouse and reads the linked state back in Python.

Screenshots go to pytest's tmp dir (their paths are in every failure message). With
VIBEW_UPDATE_SCREENSHOTS=1, each pattern's final state is also saved, cropped to its widgets,
as docs/screenshots/<pattern>.png for the README.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from lab import assert_no_page_errors, open_and_run_notebook, run_code, screenshot
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
DOCS_SCREENSHOTS = REPO / "docs" / "screenshots"
# Tall enough that every widget of a demo notebook is on screen (and in one screenshot).
VIEWPORT = {"width": 1280, "height": 1700}


def run_example(page, jupyter_server, jupyter_dir: Path, name: str) -> Path:
    """Copy examples/<name> beside the kernel, open its demo.ipynb and run all cells."""
    folder = jupyter_dir / name
    shutil.copytree(
        EXAMPLES / name, folder, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    )
    page.set_viewport_size(VIEWPORT)
    open_and_run_notebook(
        page, jupyter_server.base_url, jupyter_server.relpath(folder / "demo.ipynb")
    )
    return folder


def save_screenshots(page, pattern: str, *widgets) -> Path:
    """A full-page screenshot under pytest's tmp dir (returned, for failure messages); with
    VIBEW_UPDATE_SCREENSHOTS=1 also the notebook cells holding `widgets`, cropped, as
    docs/screenshots/<pattern>.png."""
    shot = screenshot(page, pattern)
    if os.environ.get("VIBEW_UPDATE_SCREENSHOTS") == "1":
        boxes = [page.locator(".jp-Cell", has=widget).bounding_box() for widget in widgets]
        left = min(b["x"] for b in boxes)
        top = min(b["y"] for b in boxes)
        right = max(b["x"] + b["width"] for b in boxes)
        bottom = max(b["y"] + b["height"] for b in boxes)
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.mouse.move(0, 0)  # no hover effects in the picture
        page.screenshot(
            path=str(DOCS_SCREENSHOTS / f"{pattern}.png"),
            clip={"x": left, "y": top, "width": right - left, "height": bottom - top},
        )
    return shot


def assert_clean(page_errors: list[str], shot: Path) -> None:
    """No page or console errors (the screenshot's path goes in the message)."""
    try:
        assert_no_page_errors(page_errors)
    except AssertionError as error:
        raise AssertionError(f"{error}\nscreenshot: {shot}") from None


def drag(page, locator, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Press, move and release the left button between two points given as fractions of the
    element's box."""
    box = locator.bounding_box()
    assert box, f"{locator} is not visible"

    def at(fx: float, fy: float) -> tuple[float, float]:
        return box["x"] + fx * box["width"], box["y"] + fy * box["height"]

    page.mouse.move(*at(*start))
    page.mouse.down()
    page.mouse.move(*at(*end), steps=10)
    page.mouse.up()


def test_flights_brush_filters_histogram(page, page_errors, jupyter_server, jupyter_dir):
    run_example(page, jupyter_server, jupyter_dir, "flights")
    scatter = page.locator(".vibew-scatter")
    histogram = page.locator(".vibew-histogram")
    caption = histogram.locator("p")
    expect(caption).to_have_text("delay: all 3,000 rows")
    bars_before = histogram.locator("svg rect").count()

    # Brush the middle of the plot: the histogram draws the brushed rows over the whole.
    drag(page, scatter.locator("svg"), (0.3, 0.25), (0.65, 0.7))
    expect(caption).to_have_text(re.compile(r"^delay: [\d,]+ of 3,000 rows selected$"))
    shown = int(re.search(r"([\d,]+) of", caption.inner_text())[1].replace(",", ""))
    shot = save_screenshots(page, "flights", scatter, histogram)
    assert 0 < shown < 3000, f"brushed {shown} rows; screenshot: {shot}"
    assert histogram.locator("svg rect").count() > bars_before, f"no highlight bars: {shot}"
    selected_text = page.evaluate("() => getSelection().toString()")
    assert selected_text == "", f"the drag selected text {selected_text!r}; screenshot: {shot}"

    # The selection reached Python, and crossed the link.
    out = run_code(
        page,
        "print(scatter.selected_indices.tolist() == histogram.selected_indices.tolist(),"
        " len(scatter.selected_indices))",
    )
    assert out == f"True {shown}", f"{out!r}; screenshot: {shot}"
    # The rows are the ones inside the brush, not any rows: all have a middling distance.
    out = run_code(
        page,
        "rows = flights.iloc[histogram.selected_indices]\n"
        "print(rows.distance.min() > flights.distance.min(),"
        " rows.distance.max() < flights.distance.max())",
    )
    assert out == "True True", f"{out!r}; screenshot: {shot}"

    # Python -> both front ends.
    assert run_code(page, "scatter.selected_indices = [0, 1, 2, 5, 10]") == ""
    expect(caption).to_have_text("delay: 5 of 3,000 rows selected")
    expect(scatter.locator("p")).to_contain_text("5 of 3,000 rows selected")
    assert run_code(page, "print(histogram.selected_indices.tolist())") == "[0, 1, 2, 5, 10]"

    assert_clean(page_errors, screenshot(page, "flights-from-python"))
