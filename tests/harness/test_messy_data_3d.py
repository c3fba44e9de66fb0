"""Messy real-world data in the dropdown, solar3d and terrain3d widgets (issue 13): 100,000
distinct values stay responsive, long names are shortened, an empty frame and a 1 x 1 heightmap
are data, not a request for some."""

from __future__ import annotations

import pytest
from test_widgets import MIDDLE, PLANETS, SOLAR_STATE, brightness, widget_css, widget_js

N = 100_000
# 100,000 distinct values, one row each except value 0 (3 rows) and value 1 (2 rows).
MANY = [
    {
        "name": "tail",
        "kind": "category",
        "values": [0, 0, 1, *range(N)],
        "categories": [f"N{i:05d}" for i in range(N)],
    }
]

LONG_TASKS = """() => {
  window.longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
  }).observe({ type: "longtask", buffered: true });
}"""


def timed(page, action: str) -> float:
    """Milliseconds from `action` (JS run in the page) to the next painted frame."""
    return page.evaluate(
        """async (action) => {
          const start = performance.now();
          await (0, eval)(action);
          await new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
          return performance.now() - start;
        }""",
        action,
    )


def test_dropdown_with_100k_distinct_values_paints_and_searches_quickly(harness):
    page = harness.page
    page.evaluate(LONG_TASKS)
    page.evaluate("(columns) => { window.many = encodeTable(columns); }", MANY)
    paint = timed(
        page,
        f"mount({widget_js('dropdown')!r}, {{ column: '', selected_airlines: [], data: many }},"
        f" {widget_css('dropdown')!r})",
    )
    summary = page.locator("#widget summary")
    assert summary.text_content() == "tailall 100,000 values (none chosen)"
    boxes = page.get_by_role("group", name="tail").get_by_role("checkbox")
    # The most common first; only the top of the list is drawn, the rest is searched for.
    assert boxes.count() == 200
    assert boxes.evaluate_all("bs => bs.slice(0, 3).map(b => b.value)") == [
        "N00000",
        "N00001",
        "N00002",
    ]
    assert page.locator(".more").text_content() == "+99,800 more \N{EM DASH} type to search"

    search = "document.querySelector('#widget input[type=search]')"
    typing = timed(
        page,
        f"{search}.value = 'n9999'; {search}.dispatchEvent(new Event('input'))",
    )
    assert boxes.evaluate_all("bs => bs.map(b => b.value)") == [f"N9999{i}" for i in range(10)]
    assert page.locator(".more").count() == 0
    page.get_by_role("checkbox", name="N99995").check()
    assert harness.last_saved() == {"selected_airlines": ["N99995"]}
    assert summary.text_content() == "tailN99995 \N{MIDDLE DOT} 1 row"

    clearing = timed(page, f"{search}.value = ''; {search}.dispatchEvent(new Event('input'))")
    assert boxes.count() == 200
    # The chosen value stays chosen while it is out of sight.
    assert summary.text_content() == "tailN99995 \N{MIDDLE DOT} 1 row"
    long_tasks = page.evaluate("window.longTasks")
    print(f"paint {paint:.0f} ms, type {typing:.0f} ms, clear {clearing:.0f} ms, {long_tasks=}")
    # Generous bounds for a busy CI runner; benchmarks/dropdown.py measures the real figures.
    assert paint < 3000
    assert typing < 1000
    assert clearing < 1000
    assert max(long_tasks, default=0) < 500
    assert harness.cleanup() == 0
    assert not harness.errors


@pytest.mark.usefixtures("three_js")
def test_solar3d_shortens_a_10000_character_name_and_keeps_it_in_full_in_the_title(harness):
    long_name = "Planet " + "x" * 9_993
    planets = [dict(column) for column in PLANETS]
    planets[0] = {**PLANETS[0], "categories": [long_name, "Venus", "Earth", "Mars"]}
    harness.mount_with_table(
        widget_js("solar3d"),
        {**SOLAR_STATE, "selected_planet": long_name},
        planets,
        widget_css("solar3d"),
    )
    page = harness.page
    label = page.locator("#widget .labels div").first
    assert label.text_content() == "Planet " + "x" * 16 + "\N{HORIZONTAL ELLIPSIS}"
    assert label.get_attribute("title") == long_name
    widths = page.locator("#widget .labels div").evaluate_all(
        "labels => labels.map((label) => label.getBoundingClientRect().width)"
    )
    assert max(widths) < 300
    caption = page.locator("#widget p").text_content()
    assert caption.startswith("Planet xxxxxxxxxxxxxxxx\N{HORIZONTAL ELLIPSIS} selected")
    assert harness.cleanup() == 0
    assert not harness.errors


@pytest.mark.usefixtures("three_js")
def test_solar3d_says_0_planets_for_an_empty_frame_with_a_name_column(harness):
    empty = [{**column, "values": []} for column in PLANETS]
    harness.mount_with_table(widget_js("solar3d"), SOLAR_STATE, empty, widget_css("solar3d"))
    caption = harness.page.locator("#widget p")
    assert caption.text_content() == "0 planets: the table has no rows"
    assert harness.page.locator("#widget .labels div").count() == 0
    assert harness.cleanup() == 0
    assert not harness.errors


@pytest.mark.usefixtures("three_js")
def test_solar3d_draws_the_first_60_of_100k_planets_and_says_so(harness):
    """100,000 rows froze the page for over a minute (a sphere, an orbit and a label each);
    now the first 60 are drawn, and the caption says how many there are."""
    names = [
        {
            "name": "name",
            "kind": "category",
            "values": list(range(N)),
            "categories": [f"item {i:06d}" for i in range(N)],
        }
    ]
    page = harness.page
    page.evaluate(LONG_TASKS)
    page.evaluate("(columns) => { window.many = encodeTable(columns); }", names)
    paint = timed(
        page,
        f"mount({widget_js('solar3d')!r}, {{ ...{SOLAR_STATE!r}, selected_planet: '', data: many }},"
        f" {widget_css('solar3d')!r})",
    )
    caption = page.locator("#widget p")
    assert caption.text_content() == (
        "The first 60 of 100,000 planets · Click a planet to select it · drag to orbit, wheel to zoom"
    )
    assert page.locator("#widget .labels div").count() == 60
    harness.from_python("selected_planet", "item 099999")
    assert (
        caption.text_content()
        == "The first 60 of 100,000 planets · item 099999 selected, not among them"
    )
    harness.from_python("selected_planet", "item 000007")
    assert caption.text_content().startswith(
        "The first 60 of 100,000 planets · item 000007 selected"
    )
    assert max(page.evaluate("window.longTasks"), default=0) < 1000, paint
    assert harness.cleanup() == 0
    assert not harness.errors


@pytest.mark.usefixtures("three_js")
def test_terrain3d_draws_a_1_by_1_heightmap_as_a_flat_tile(harness):
    state = {"water_level": 0.2, "height_scale": 0.25, "width": 520, "height": 380}
    harness.mount(widget_js("terrain3d"), {**state, "heightmap": []}, widget_css("terrain3d"))
    caption = harness.page.locator("#widget p")
    assert caption.text_content().startswith("No heightmap yet")
    sea_floor = brightness(harness, MIDDLE)

    # One cell at 0.5: a grassy tile above the water, no longer "no heightmap".
    harness.from_python("heightmap", [[0.5]])
    assert caption.text_content().startswith("1 \N{MULTIPLICATION SIGN} 1 heightmap")
    assert brightness(harness, MIDDLE) != sea_floor
    harness.from_python("heightmap", [[0.5, 0.2, 0.9]])
    assert caption.text_content().startswith("1 \N{MULTIPLICATION SIGN} 3 heightmap")
    assert harness.cleanup() == 0
    assert not harness.errors


# As test_grids.MOUNT_DETACHED, with a table: render into an element not yet in the page.
MOUNT_DETACHED_WITH_TABLE = """async ([source, state, columns, css]) => {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const widget = (await import(url)).default;
  document.getElementById("widget-css").textContent = css;
  const el = document.createElement("div");
  const data = encodeTable(columns);
  const model = {
    get: (name) => (name === "data" ? data : state[name]),
    set() {}, on() {}, off() {}, save_changes() {},
  };
  await widget.render({ model, el, signal: new AbortController().signal });
  document.getElementById("widget").append(el);
}"""


@pytest.mark.usefixtures("three_js")
def test_solar3d_attached_after_render_takes_the_cell_and_the_theme(harness):
    """JupyterLab renders a view detached and attaches it after: the sky is read from the theme
    once the cell gives the view a size (read detached, it was black)."""
    harness.page.set_viewport_size({"width": 832, "height": 700})  # an 800 px cell
    state = {**SOLAR_STATE, "width": 0}
    harness.page.evaluate(
        MOUNT_DETACHED_WITH_TABLE, [widget_js("solar3d"), state, PLANETS, widget_css("solar3d")]
    )
    harness.page.evaluate(
        "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )
    assert harness.page.locator("#widget canvas").bounding_box()["width"] == 800
    assert brightness(harness, (0.0, 0.0, 0.15, 0.1)) > 180  # a light sky, not black
    assert not harness.errors
