"""The four cross-widget patterns, proven in real JupyterLab: each example folder under
examples/ is copied next to a fresh kernel, its demo.ipynb is run, and the test drives the
widgets with the mouse and reads the linked state back in Python.

Screenshots go to pytest's tmp dir (their paths are in every failure message). With
VIBEW_UPDATE_SCREENSHOTS=1, each pattern's final state is also saved, cropped to its widgets,
as docs/screenshots/<pattern>.png for the README.
"""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import pytest
from lab import (
    assert_no_page_errors,
    open_and_run_notebook,
    run_code,
    save_screenshots,
    screenshot,
)
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
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
    scatter = page.locator(".scatter")  # each widget's element has its name as a class
    histogram = page.locator(".histogram")
    caption = histogram.get_by_role("status")
    expect(caption).to_have_text("delay: all 3,000 rows")
    bars_before = histogram.locator("svg rect").count()

    # Brush the middle of the plot: the histogram draws the brushed rows over the whole.
    drag(page, scatter.get_by_role("img"), (0.3, 0.25), (0.65, 0.7))
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
    expect(scatter.get_by_role("status")).to_contain_text("5 of 3,000 rows selected")
    assert run_code(page, "print(histogram.selected_indices.tolist())") == "[0, 1, 2, 5, 10]"

    assert_clean(page_errors, screenshot(page, "flights-from-python"))


# Decodes a PNG (a screenshot: a WebGL canvas keeps no drawing buffer to read) into a small
# 2D canvas and returns its RGBA bytes, for a pixel comparison of what two moments show.
_PNG_PIXELS = """async (png) => {
  const image = new Image();
  image.src = `data:image/png;base64,${png}`;
  await image.decode();
  const small = new OffscreenCanvas(160, 120);
  const context = small.getContext("2d");
  context.drawImage(image, 0, 0, small.width, small.height);
  return Array.from(context.getImageData(0, 0, small.width, small.height).data);
}"""


def canvas_pixels(page, canvas) -> list[int]:
    """The canvas as it is on screen, as 160 x 120 RGBA bytes."""
    png = base64.b64encode(canvas.screenshot()).decode()
    return page.evaluate(_PNG_PIXELS, png)


def wait_for_change(page, canvas, before: list[int], least: float = 0.02) -> float:
    """Wait until more than `least` of the canvas's pixels moved from `before`."""
    moved = 0.0
    for _ in range(40):
        next_frames(page)
        moved = changed_pixels(before, canvas_pixels(page, canvas))
        if moved > least:
            break
        page.wait_for_timeout(250)
    return moved


def changed_pixels(before: list[int], after: list[int], threshold: int = 24) -> float:
    """The fraction of pixels whose colour moved by more than `threshold` in some channel."""
    pixels = len(before) // 4
    changed = sum(
        1
        for i in range(0, len(before), 4)
        if max(abs(before[i + c] - after[i + c]) for c in range(3)) > threshold
    )
    return changed / pixels


def next_frames(page, count: int = 2) -> None:
    """Wait for `count` animation frames (a requested redraw has happened)."""
    page.evaluate(
        """(count) => new Promise((done) => {
          const step = (n) => (n ? requestAnimationFrame(() => step(n - 1)) : done());
          step(count);
        })""",
        count,
    )


def test_terrain_painting_raises_the_3d_mesh(page, page_errors, jupyter_server, jupyter_dir):
    folder = run_example(page, jupyter_server, jupyter_dir, "terrain")
    painter = page.locator(".painter")
    landscape = page.locator(".landscape")
    scene = landscape.locator("canvas")
    expect(landscape.locator("p")).to_contain_text("64 \u00d7 64 heightmap")
    next_frames(page)
    pixels_before = canvas_pixels(page, scene)
    shot_before = folder / "scene-before.png"
    scene.screenshot(path=str(shot_before))

    # One stroke left to right across the middle, then a second over it: a ridge.
    canvas = painter.locator("canvas")
    drag(page, canvas, (0.15, 0.5), (0.85, 0.5))
    drag(page, canvas, (0.85, 0.52), (0.15, 0.52))
    # The view fills the cell (850 px wide here), so the terrain is a band across its
    # middle and the ridge a small part of the picture.
    moved = wait_for_change(page, scene, pixels_before, least=0.01)
    shot = screenshot(page, "terrain-painted")

    # The heights reached Python, where the stroke went, and crossed the link.
    out = run_code(
        page,
        "grid = painter.heightmap\n"
        "print(len(grid), len(grid[0]), round(sum(map(sum, grid)), 3),"
        " grid[32][32] > 0, grid[32][1] == grid[32][62] == grid[2][32] == 0,"
        " landscape.heightmap == grid)",
    )
    rows, cols, total, *facts = out.split()
    assert (rows, cols) == ("64", "64"), f"{out!r}; screenshot: {shot}"
    assert float(total) > 0, f"painting left heightmap flat: {out!r}; screenshot: {shot}"
    # Raised in the middle, untouched beyond the brush's ends and far from the row painted.
    assert facts == ["True", "True", "True"], f"{out!r}; screenshot: {shot}"
    # And the mesh rose: compare the WebGL canvas before and after, pixel by pixel.
    shot_after = folder / "scene-after.png"
    scene.screenshot(path=str(shot_after))
    assert shot_before.read_bytes() != shot_after.read_bytes(), f"same picture; {shot}"
    assert moved > 0.01, f"only {moved:.1%} of the 3D view changed; screenshot: {shot}"

    # Python -> the 3D view: a hill set from the kernel is drawn too.
    ridge = canvas_pixels(page, scene)
    run_code(
        page,
        "import numpy as np\n"
        "x = np.linspace(-1, 1, 64)\n"
        "painter.heightmap = (0.9 * np.exp(-4 * (x[:, None] ** 2 + x[None, :] ** 2))).tolist()\n",
    )
    expected = float(run_code(page, "print(round(sum(map(sum, landscape.heightmap)), 3))"))
    moved = wait_for_change(page, scene, ridge)
    assert moved > 0.02, f"the hill moved {moved:.1%} of the 3D view; {screenshot(page, 'hill')}"

    # Painting goes on from there: carve a valley across the hill (shift-drag lowers).
    hill = canvas_pixels(page, scene)
    page.keyboard.down("Shift")
    drag(page, canvas, (0.2, 0.3), (0.8, 0.7))
    page.keyboard.up("Shift")
    moved = wait_for_change(page, scene, hill, least=0.005)
    assert moved > 0.005, f"the valley moved {moved:.1%}; {screenshot(page, 'valley')}"
    lowered = float(run_code(page, "print(round(sum(map(sum, painter.heightmap)), 3))"))
    assert lowered < expected - 1, f"{lowered} after lowering {expected}; screenshot: {shot}"
    next_frames(page)
    assert_clean(page_errors, save_screenshots(page, "terrain", painter, landscape))


def still_planets(solar) -> dict[str, tuple[float, float]]:
    """Where to click each planet once the orbits hold still (the pointer is over the scene):
    just below its name, which sits on top of its disc."""
    where = """labels => labels.filter((label) => !label.hidden).map((label) => {
      const box = label.getBoundingClientRect();
      return [label.textContent, [box.x + box.width / 2, box.bottom + 4]];
    })"""
    previous = None
    for _ in range(20):
        current = dict(solar.locator(".labels div").evaluate_all(where))
        if current and current == previous:
            return current
        previous = current
        solar.page.wait_for_timeout(300)
    raise AssertionError(f"the planets never held still: {current}")


def test_solar_click_highlights_bar(page, page_errors, jupyter_server, jupyter_dir):
    run_example(page, jupyter_server, jupyter_dir, "solar")
    solar = page.locator(".solar-system")
    chart = page.locator(".planet-chart")
    canvas = solar.locator("canvas")
    caption = solar.locator("p")
    expect(chart.locator("rect:has(title)")).to_have_count(8)
    expect(chart.locator("rect.highlighted")).to_have_count(0)
    expect(solar.locator(".labels")).to_contain_text("Neptune")

    # Hover the scene (the orbits pause), then click the biggest planet just under its name.
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 8, box["y"] + 8)
    planets = still_planets(solar)
    name = "Jupiter" if "Jupiter" in planets else next(iter(planets))
    page.mouse.click(*planets[name])

    expect(caption).to_contain_text(f"{name} selected")
    bar = chart.locator("rect", has=page.locator("title", has_text=f"{name}:"))
    expect(bar).to_have_class("highlighted")
    shot = save_screenshots(page, "solar", solar, chart)
    highlighted = chart.locator("rect.highlighted")
    assert highlighted.count() == 1, f"{highlighted.count()} bars highlighted; screenshot: {shot}"
    out = run_code(page, "print(solar_system.selected_planet, planet_chart.selected_planet)")
    assert out == f"{name} {name}", f"clicked {name}, Python has {out!r}; screenshot: {shot}"

    # Python -> both views.
    other = "Mars" if name != "Mars" else "Venus"
    run_code(page, f"solar_system.selected_planet = {other!r}")
    other_bar = chart.locator("rect", has=page.locator("title", has_text=f"{other}:"))
    expect(other_bar).to_have_class("highlighted")
    expect(bar).not_to_have_class("highlighted")
    expect(caption).to_contain_text(f"{other} selected")

    # Clicking empty space (a corner of the sky) clears the selection everywhere.
    page.mouse.click(box["x"] + 8, box["y"] + 8)
    expect(chart.locator("rect.highlighted")).to_have_count(0)
    out = run_code(
        page, "print(repr(solar_system.selected_planet), repr(planet_chart.selected_planet))"
    )
    assert out == "'' ''", f"{out!r}; screenshot: {shot}"
    assert_clean(page_errors, screenshot(page, "solar-cleared"))


def test_crossfilter_table_shows_rows_in_both_selections(
    page, page_errors, jupyter_server, jupyter_dir
):
    run_example(page, jupyter_server, jupyter_dir, "crossfilter")
    scatter = page.locator(".scatter")
    dropdown = page.locator(".airline-filter")
    table = page.locator(".combined-view")
    status = table.get_by_role("status")
    expect(status).to_have_text("rows 1\u201310 of 3,000")

    # Brush the scatter: the table keeps the brushed rows.
    drag(page, scatter.locator("svg"), (0.25, 0.2), (0.7, 0.75))
    expect(scatter.locator("p")).to_contain_text("of 3,000 rows selected")
    brushed = int(run_code(page, "print(len(combined_view.selected_indices))"))
    shot = screenshot(page, "crossfilter-brushed")
    assert 0 < brushed < 3000, f"brushed {brushed}; screenshot: {shot}"
    expect(status).to_contain_text(f"of {brushed:,} (filtered from 3,000)")

    # Tick two airlines: the table keeps the rows in both selections.
    for airline in ("DL", "UA"):
        dropdown.get_by_role("checkbox", name=re.compile(f"^{airline}")).check()
    out = run_code(page, "print(airline_filter.selected_airlines, combined_view.selected_airlines)")
    assert out == "['DL', 'UA'] ['DL', 'UA']", f"{out!r}; screenshot: {shot}"
    # What pandas says the table should show, worked out in the kernel from the two selections.
    expected = run_code(
        page,
        "both = flights.iloc[scatter.selected_indices]\n"
        "both = both[both.airline.isin(airline_filter.selected_airlines)]\n"
        "print(len(both), *both.index[:20])",
    ).split()
    count, first_rows = int(expected[0]), [int(r) for r in expected[1:]]
    shot = save_screenshots(page, "crossfilter", scatter, dropdown, table)
    assert 0 < count < brushed, f"{count} of {brushed} brushed rows are DL or UA; {shot}"
    expect(status).to_contain_text(f"rows 1\u201310 of {count:,} (filtered from 3,000)")
    rows = table.locator("tbody tr")
    shown = [int(r) for r in rows.evaluate_all("(rows) => rows.map((r) => r.cells[0].textContent)")]
    assert shown == first_rows[:10], f"table shows rows {shown}, pandas {first_rows[:10]}; {shot}"
    airlines = rows.evaluate_all("(rows) => rows.map((r) => r.cells[1].textContent)")
    assert set(airlines) <= {"DL", "UA"}, f"{airlines}; screenshot: {shot}"

    # The next page continues the same filtered rows.
    table.get_by_role("button", name=re.compile("Next")).click()
    expect(table).to_contain_text(f"rows 11\u201320 of {count:,}")
    shown = [int(r) for r in rows.evaluate_all("(rows) => rows.map((r) => r.cells[0].textContent)")]
    assert shown == first_rows[10:20], f"page 2 shows {shown}; screenshot: {shot}"

    # Python -> the table: clearing the brush leaves only the airline filter.
    run_code(page, "scatter.selected_indices = []")
    airline_rows = run_code(page, "print(flights.airline.isin(['DL', 'UA']).sum())")
    expect(status).to_contain_text(f"of {int(airline_rows):,} (filtered from 3,000)")
    assert_clean(page_errors, screenshot(page, "crossfilter-airlines-only"))
