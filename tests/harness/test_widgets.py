"""The seed's six widgets in a real browser, each driven by a fake model: what the user does
reaches `save_changes`, what "Python" sets is shown, and cleanup leaves no listener behind."""

from __future__ import annotations

import base64
import time

import pytest

from vibewidget_cli.render import render_widget
from vibewidget_cli.spec import TraitSpec, WidgetSpec, parse_trait
from vibewidget_cli.templates import bind_slots, get_template

AIRLINES = ["AA", "UA", "DL", "WN"]
# 40 flights: airline i % 4 has 10 rows each, except that rows 36..39 are all UA.
FLIGHTS = [
    {
        "name": "airline",
        "kind": "category",
        "values": [1 if row >= 36 else row % 4 for row in range(40)],
        "categories": AIRLINES,
    },
    {"name": "delay", "kind": "number", "values": [row * 1.5 - 10 for row in range(40)]},
    {"name": "distance", "kind": "number", "values": [100 * row for row in range(40)]},
]
PLANETS = [
    {
        "name": "name",
        "kind": "category",
        "values": [0, 1, 2, 3],
        "categories": ["Mercury", "Venus", "Earth", "Mars"],
    },
    {"name": "radius", "kind": "number", "values": [2440, 6052, 6371, 3390]},
    {"name": "distance", "kind": "number", "values": [0.39, 0.72, 1.0, 1.52]},
]


def widget_js(kind: str, imports: tuple[str, ...] = ()) -> str:
    spec = WidgetSpec("w", "", kind, [parse_trait(s, "import") for s in imports])
    spec.traits += bind_slots(spec, get_template(kind))[1]
    return render_widget(spec, "widgets")[1].text


def widget_css(kind: str, imports: tuple[str, ...] = ()) -> str:
    """The stylesheet `widget_js` goes with (its class is the widget's name, `w`)."""
    spec = WidgetSpec("w", "", kind, [parse_trait(s, "import") for s in imports])
    spec.traits += bind_slots(spec, get_template(kind))[1]
    return render_widget(spec, "widgets")[2].text


def canvas_pixels(harness) -> str:
    return harness.page.evaluate("document.querySelector('#widget canvas').toDataURL()")


def drag(page, start, end, steps=12, pause_ms=25, button="left"):
    page.mouse.move(*start)
    page.mouse.down(button=button)
    for i in range(1, steps + 1):
        t = i / steps
        page.mouse.move(start[0] + (end[0] - start[0]) * t, start[1] + (end[1] - start[1]) * t)
        page.wait_for_timeout(pause_ms)
    page.mouse.up(button=button)


PAINTER_STATE = {"size": 64, "width": 384, "height": 384}
# The heightmap of each save, as rows: the painter saves {shape, values: a float32 DataView}.
SAVED_GRIDS = """() => widget.model.saved.map(({ heightmap: { shape: [rows, cols], values } }) => {
  const heights = new Float32Array(values.buffer, values.byteOffset, rows * cols);
  return Array.from({ length: rows }, (_, r) =>
    Array.from(heights.subarray(r * cols, (r + 1) * cols)));
})"""


def saved_grids(harness) -> list[list[list[float]]]:
    return harness.page.evaluate(SAVED_GRIDS)


def test_painter_paints_raises_lowers_and_follows_python(harness):
    flat = [[0.0] * 64 for _ in range(64)]
    harness.mount(widget_js("painter"), PAINTER_STATE | {"heightmap": flat}, widget_css("painter"))
    box = harness.page.locator("#widget canvas").bounding_box()
    start, end = (box["x"] + 100, box["y"] + 100), (box["x"] + 280, box["y"] + 100)

    began = time.monotonic()
    drag(harness.page, start, end, steps=16, pause_ms=40)
    took_ms = (time.monotonic() - began) * 1000
    writes = saved_grids(harness)
    # Written while the stroke went on (so a linked 3D view follows), at most every 100 ms.
    assert len(writes) >= 3
    assert len(writes) <= took_ms / 100 + 2
    painted = writes[-1]
    assert len(painted) == 64 and all(len(row) == 64 for row in painted)
    assert all(0 <= h <= 1 for row in painted for h in row)
    # The stroke ran along row 16 (100 px of 384 ≈ cell 16) from column 16 to 46.
    assert painted[16][30] > 0.2 and painted[16][10] == 0 and painted[40][30] == 0
    raised = sum(map(sum, painted))

    harness.page.keyboard.down("Shift")
    drag(harness.page, start, end, steps=4)
    harness.page.keyboard.up("Shift")
    lowered = sum(map(sum, saved_grids(harness)[-1]))
    assert lowered < raised
    drag(harness.page, start, end, steps=4, button="right")
    assert sum(map(sum, saved_grids(harness)[-1])) < lowered

    # Python sets the heightmap: the canvas shows it, and the widget writes nothing back.
    before, saves = canvas_pixels(harness), harness.save_count()
    harness.from_python("heightmap", [[0.9] * 64 for _ in range(64)])
    assert canvas_pixels(harness) != before
    assert harness.save_count() == saves

    # A new size resamples what is there and writes it.
    harness.from_python("size", 16)
    resized = saved_grids(harness)[-1]
    assert len(resized) == 16 and all(len(row) == 16 for row in resized)
    assert all(abs(h - 0.9) < 1e-6 for row in resized for h in row)  # float32

    assert harness.cleanup() == 0
    saves = harness.save_count()
    drag(harness.page, start, end, steps=4)
    assert harness.save_count() == saves  # no listener is left on the canvas
    assert not harness.errors


def test_dropdown_writes_the_ticked_values_and_shows_pythons(harness):
    harness.mount_with_table(
        widget_js("dropdown"),
        {"column": "", "selected_airlines": []},
        FLIGHTS,
        widget_css("dropdown"),
    )
    page = harness.page
    # One row per airline, the most common first, with its count.
    boxes = page.get_by_role("group", name="airline").get_by_role("checkbox")
    assert boxes.evaluate_all("bs => bs.map(b => b.value)") == ["UA", "AA", "DL", "WN"]
    assert page.locator("label", has_text="UA").locator(".count").text_content() == "13"

    page.get_by_role("checkbox", name="DL").check()
    page.get_by_role("checkbox", name="UA").check()
    assert harness.saved() == [{"selected_airlines": ["DL"]}, {"selected_airlines": ["UA", "DL"]}]
    assert "UA, DL" in page.locator("#widget summary").text_content()

    harness.from_python("selected_airlines", ["WN"])
    checked = page.locator("input:checked").evaluate_all("boxes => boxes.map(b => b.value)")
    assert checked == ["WN"]
    assert len(harness.saved()) == 2

    page.get_by_role("button", name="Clear").click()
    assert harness.saved()[-1] == {"selected_airlines": []}
    assert page.locator("input:checked").count() == 0

    assert harness.cleanup() == 0
    assert not harness.errors


def shown_rows(harness) -> list[int]:
    return harness.page.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => +r.cells[0].textContent)"
    )


def test_table_shows_the_rows_in_every_selection_at_once(harness):
    imports = ("selected_indices", "selected_airlines:list[str]")
    js = widget_js("table", imports)
    state = {
        "page_size": 20,
        "category_column": "",
        "selected_indices": list(range(30)),
        "selected_airlines": ["UA"],
    }
    harness.mount_with_table(js, state, FLIGHTS, widget_css("table", imports))
    caption = harness.page.get_by_role("status")
    # Brushed rows 0..29 that are UA: 1, 5, ..., 29.
    assert shown_rows(harness) == list(range(1, 30, 4))
    assert caption.text_content() == "rows 1\N{EN DASH}8 of 8 (filtered from 40)"
    # Cells show category text and numbers as numbers.
    first = harness.page.locator("tbody tr").first.locator("td").all_text_contents()
    assert first == ["1", "UA", "-8.5", "100"]

    # The brush as Python sends it: one int32 buffer.
    harness.page.evaluate(
        "widget.model.fromPython('selected_indices', new DataView(Int32Array.from([2, 5, 9]).buffer))"
    )
    assert shown_rows(harness) == [5, 9]
    # An empty selection filters nothing.
    harness.from_python("selected_airlines", [])
    assert shown_rows(harness) == [2, 5, 9]
    harness.from_python("selected_indices", [])
    assert shown_rows(harness) == list(range(20))
    assert caption.text_content() == "rows 1\N{EN DASH}20 of 40"
    harness.page.get_by_role("button", name="Next").click()
    assert shown_rows(harness) == list(range(20, 40))
    assert harness.page.get_by_role("button", name="Next").is_disabled()

    assert harness.cleanup() == 0
    assert not harness.errors


def bars(harness) -> dict[str, tuple[str, str]]:
    """Each bar's category → (highlighted, value), as its tooltip and its class say."""
    shown = harness.page.locator("#widget .bars rect").evaluate_all(
        "rects => rects.map(r => [r.textContent, r.classList.contains('highlighted')])"
    )
    return {
        tooltip.rsplit(": ", 1)[0]: (str(on).lower(), tooltip.rsplit(": ", 1)[1].replace(",", ""))
        for tooltip, on in shown
    }


def test_bar_sums_each_category_and_highlights_the_selection(harness):
    harness.mount_with_table(
        widget_js("bar", ("selected_planet:str",)),
        {"category": "", "value": "", "selected_planet": "Earth", "width": 520, "height": 260},
        PLANETS,
        widget_css("bar", ("selected_planet:str",)),
    )
    assert bars(harness) == {
        "Mercury": ("false", "2440"),
        "Venus": ("false", "6052"),
        "Earth": ("true", "6371"),
        "Mars": ("false", "3390"),
    }
    fills = harness.page.locator("#widget .bars rect").evaluate_all(
        "rects => rects.map(r => getComputedStyle(r).fill)"
    )
    assert len(set(fills)) == 2
    harness.from_python("selected_planet", "Mars")
    assert [name for name, (on, _) in bars(harness).items() if on == "true"] == ["Mars"]
    harness.from_python("selected_planet", "")
    assert all(on == "false" for on, _ in bars(harness).values())
    assert harness.cleanup() == 0

    # Several rows per category add up; a list highlights several bars.
    harness.page.evaluate("document.getElementById('widget').replaceChildren()")
    harness.mount_with_table(
        widget_js("bar", ("selected_airlines:list[str]",)),
        {
            "category": "",
            "value": "distance",
            "selected_airlines": ["AA", "WN"],
            "width": 520,
            "height": 260,
        },
        FLIGHTS,
    )
    totals = {name: float(value) for name, (_, value) in bars(harness).items()}
    assert totals["AA"] == sum(100 * row for row in range(0, 36, 4))
    assert totals["UA"] == sum(100 * row for row in [*range(1, 36, 4), 36, 37, 38, 39])
    assert {name for name, (on, _) in bars(harness).items() if on == "true"} == {"AA", "WN"}
    assert not harness.errors


# The mean brightness (0 to 255) of a part of a PNG: (left, top, right, bottom) as fractions.
PNG_BRIGHTNESS = """async ([png, [x0, y0, x1, y1]]) => {
  const image = new Image();
  image.src = `data:image/png;base64,${png}`;
  await image.decode();
  const [w, h] = [image.width, image.height];
  const canvas = new OffscreenCanvas(w, h);
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const [left, top] = [Math.floor(x0 * w), Math.floor(y0 * h)];
  const box = [left, top, Math.ceil(x1 * w) - left, Math.ceil(y1 * h) - top];
  const { data } = context.getImageData(...box);
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
  return sum / (data.length / 4);
}"""
SKY = (0.0, 0.0, 1.0, 0.1)  # the top of the 3D view, above the terrain
MIDDLE = (0.4, 0.3, 0.6, 0.6)  # where a hill in the middle of the grid stands


def brightness(harness, region=(0.0, 0.0, 1.0, 1.0)) -> float:
    """Of the widget's canvas as it is on screen (a WebGL canvas needs no kept buffer)."""
    harness.page.wait_for_timeout(100)  # a requested frame is drawn
    png = harness.page.locator("#widget canvas").screenshot()
    return harness.page.evaluate(PNG_BRIGHTNESS, [base64.b64encode(png).decode(), list(region)])


@pytest.mark.usefixtures("three_js")
def test_terrain_redraws_its_mesh_when_the_heightmap_changes(harness):
    flat = [[0.0] * 16 for _ in range(16)]
    state = {"water_level": 0.2, "height_scale": 0.25, "width": 520, "height": 380}
    harness.mount(widget_js("terrain3d"), {**state, "heightmap": flat}, widget_css("terrain3d"))
    canvas = harness.page.locator("#widget canvas")
    sea_floor = brightness(harness, MIDDLE)

    # A hill rises out of the sea, its top snow: the middle of the view brightens.
    hill = [
        [max(0.0, 1 - ((r - 8) ** 2 + (c - 8) ** 2) / 30) for c in range(16)] for r in range(16)
    ]
    harness.from_python("heightmap", hill)
    assert brightness(harness, MIDDLE) > sea_floor + 20

    # Dragging orbits the camera: the picture changes again.
    box = canvas.bounding_box()
    orbited = canvas.screenshot()
    drag(harness.page, (box["x"] + 200, box["y"] + 200), (box["x"] + 320, box["y"] + 180))
    harness.page.wait_for_timeout(100)
    assert canvas.screenshot() != orbited

    # The size follows its traits.
    harness.from_python("width", 400)
    harness.from_python("height", 300)
    box = canvas.bounding_box()
    assert (box["width"], box["height"]) == (400, 300)

    # A dark theme darkens the sky at once: no light-blue sky in a dark notebook.
    light_sky = brightness(harness, SKY)
    assert light_sky > 200
    harness.page.emulate_media(color_scheme="dark")
    assert brightness(harness, SKY) < 80

    assert harness.cleanup() == 0
    assert not harness.errors


@pytest.mark.usefixtures("three_js")
def test_solar_system_click_selects_a_planet(harness):
    harness.mount_with_table(widget_js("solar3d"), SOLAR_STATE, PLANETS, widget_css("solar3d"))
    page = harness.page
    caption = page.locator("#widget p")
    box = page.locator("#widget canvas").bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5)  # orbits pause under the pointer
    page.wait_for_timeout(100)
    planets = planet_points(page)
    assert set(planets) == {"Mercury", "Venus", "Earth", "Mars"}

    page.mouse.click(*planets["Earth"])
    assert harness.saved() == [{"selected_planet": "Earth"}]
    assert caption.text_content().startswith("Earth selected")

    page.mouse.click(box["x"] + 8, box["y"] + 8)  # empty space clears the selection
    assert harness.saved()[-1] == {"selected_planet": ""}

    harness.from_python("selected_planet", "Mars")
    assert caption.text_content().startswith("Mars selected")

    assert harness.cleanup() == 0
    assert not harness.errors


SOLAR_STATE = {"speed": 1.0, "selected_planet": "", "width": 560, "height": 420}


def planet_points(page) -> dict[str, tuple[float, float]]:
    """Where to click each planet: just below its name, which sits on top of its disc."""
    return dict(
        page.locator("#widget .labels div").evaluate_all(
            """labels => labels.map((label) => {
              const box = label.getBoundingClientRect();
              return [label.textContent, [box.x + box.width / 2, box.bottom + 4]];
            })"""
        )
    )


# Counts WebGL frames: three.js clears the canvas once at the start of each render.
COUNT_RENDERS = """() => {
  window.renders = 0;
  const clear = WebGL2RenderingContext.prototype.clear;
  WebGL2RenderingContext.prototype.clear = function (...args) {
    window.renders++;
    return clear.apply(this, args);
  };
}"""


@pytest.mark.usefixtures("three_js")
def test_solar_system_renders_only_when_the_picture_changes(harness):
    page = harness.page
    page.evaluate(COUNT_RENDERS)
    harness.mount_with_table(widget_js("solar3d"), SOLAR_STATE, PLANETS, widget_css("solar3d"))
    renders = lambda: page.evaluate("window.renders")  # noqa: E731
    page.wait_for_function("window.renders >= 10")  # the orbits move

    # Paused under the pointer: no frame is rendered, and the names stay where they stopped.
    box = page.locator("#widget canvas").bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.wait_for_timeout(100)
    still, where = renders(), planet_points(page)
    page.wait_for_timeout(600)
    assert renders() == still
    assert planet_points(page) == where

    # A selection, or a turn of the camera, renders again (once the turn is over, nothing).
    harness.from_python("selected_planet", "Mars")
    page.wait_for_timeout(100)
    assert renders() == still + 1
    drag(page, (box["x"] + 200, box["y"] + 200), (box["x"] + 300, box["y"] + 200), steps=5)
    page.wait_for_timeout(100)
    turned = renders()
    assert turned > still + 1
    assert planet_points(page) != where  # the camera moved
    page.wait_for_timeout(400)
    assert renders() == turned

    # Speed 0 stops the orbits once the pointer has gone; speed 1 starts them again.
    harness.from_python("speed", 0)
    page.mouse.move(box["x"] + box["width"] + 50, box["y"] + 5)
    page.wait_for_timeout(100)
    stopped = renders()
    page.wait_for_timeout(500)
    assert renders() == stopped
    harness.from_python("speed", 1)
    page.wait_for_function(f"window.renders >= {stopped + 5}")

    assert harness.cleanup() == 0
    page.wait_for_timeout(100)
    gone = renders()
    page.wait_for_timeout(300)
    assert renders() == gone
    assert not harness.errors


def test_captions_count_only_rows_that_exist_in_the_singular_too(harness):
    page = harness.page
    harness.mount_with_table(
        widget_js("histogram", ("selected_indices",)),
        {
            "column": "delay",
            "bins": 10,
            "selected_indices": [0, 1, 2, 45],
            "width": 520,
            "height": 260,
        },
        FLIGHTS,
    )
    caption = page.get_by_role("status")
    assert caption.text_content() == "delay: 3 of 40 rows selected"  # row 45 is not in the table
    one_row = [{"name": "delay", "kind": "number", "values": [4.0]}]
    page.evaluate("(columns) => widget.model.fromPython('data', encodeTable(columns))", one_row)
    assert caption.text_content() == "delay: 1 of 1 row selected"
    harness.from_python("selected_indices", [])
    assert caption.text_content() == "delay: 1 row"
    assert harness.cleanup() == 0

    page.evaluate("document.getElementById('widget').replaceChildren()")
    harness.mount_with_table(
        widget_js("table", ("selected_indices",)),
        {"page_size": 5, "category_column": "", "selected_indices": [7]},
        FLIGHTS,
    )
    pager = page.get_by_role("status")
    assert pager.text_content() == "row 1 of 1 (filtered from 40)"
    harness.from_python("selected_indices", [])
    page.get_by_role("button", name="Next").click()
    assert pager.text_content() == "rows 6\N{EN DASH}10 of 40"
    assert harness.cleanup() == 0

    page.evaluate("document.getElementById('widget').replaceChildren()")
    harness.mount_with_table(
        widget_js("dropdown"),
        {"column": "", "selected_airlines": []},
        FLIGHTS,
        widget_css("dropdown"),
    )
    summary = page.locator("#widget summary")
    assert summary.text_content() == "airlineall 4 values (none chosen)"
    assert (
        page.locator("label", has_text="UA").locator(".count").get_attribute("title") == "13 rows"
    )
    page.get_by_role("checkbox", name="DL").check()
    assert summary.text_content() == "airlineDL \N{MIDDLE DOT} 9 rows"
    assert harness.cleanup() == 0
    assert not harness.errors


def test_table_numbers_share_their_decimals_and_sit_right(harness):
    columns = [
        {"name": "delay", "kind": "number", "values": [21, 5.5, 0.1 + 0.2]},
        {"name": "price", "kind": "number", "values": [3.25, 1.5, 2]},
        {"name": "seats", "kind": "number", "values": [1000, 2, 30]},
        {"name": "share", "kind": "number", "values": [0.0042, 0.013, 0.0301]},
    ]
    harness.mount_with_table(
        widget_js("table"),
        {"page_size": 20, "category_column": ""},
        columns,
        widget_css("table"),
    )
    cells = harness.page.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].slice(1).map(c => c.textContent))"
    )
    assert cells == [
        ["21.0", "3.25", "1,000", "0.0042"],
        ["5.5", "1.50", "2", "0.0130"],
        ["0.3", "2.00", "30", "0.0301"],
    ]
    aligned = harness.page.locator("tbody td, thead th").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c).textAlign)"
    )
    assert set(aligned) == {"right"}
    assert harness.cleanup() == 0
    assert not harness.errors


def svg_texts(harness) -> list[str]:
    return harness.page.locator("svg text").all_text_contents()


def test_bar_ticks_read_as_60k_and_level_names_leave_no_empty_room(harness):
    harness.mount_with_table(
        widget_js("bar"),
        {"category": "", "value": "distance", "width": 520, "height": 260},
        FLIGHTS,
    )
    svg = harness.page.locator("#widget svg")
    assert {"0", "10k", "20k", "30k"} <= set(svg_texts(harness))
    assert not [text for text in svg_texts(harness) if "e+" in text]
    assert svg.get_attribute("height") == "260"
    assert harness.page.get_by_role("status").text_content() == "4 bars by airline"
    harness.from_python("value", "none")  # count rows instead of summing a column
    assert {name: value for name, (_, value) in bars(harness).items()} == {
        "AA": "9",
        "UA": "13",
        "DL": "9",
        "WN": "9",
    }
    assert "rows" in svg_texts(harness)
    harness.from_python("value", "")
    # A bar per name: ten names are tilted to fit, with room under the axis for them.
    names = [f"carrier {i}" for i in range(10)]
    many = [
        {"name": "carrier", "kind": "category", "values": list(range(10)), "categories": names},
        {"name": "flights", "kind": "number", "values": [1.2e6 * (i + 1) for i in range(10)]},
    ]
    harness.page.evaluate(
        "(columns) => widget.model.fromPython('data', encodeTable(columns))", many
    )
    assert svg.get_attribute("height") == "308"
    assert {"0", "5M", "10M"} <= set(svg_texts(harness))
    assert harness.cleanup() == 0
    assert not harness.errors


def test_trait_panel_shows_imports_and_writes_exports_whatever_their_names(harness):
    """Names that are words of the panel's own code (`model`, `value`, `format`, `delete`)
    stay strings: every row works, and a bad input writes nothing."""
    # Built directly: vibew now refuses some of these names, but the JS would not care.
    traits = [
        TraitSpec("model", "str", "import"),
        TraitSpec("delete", "list[float]", "import"),
        TraitSpec("value", "int", "export"),
        TraitSpec("format", "list[int]", "export"),
        TraitSpec("new", "bool", "export"),
        TraitSpec("this", "dict", "export"),
        TraitSpec("el", "str", "export"),
    ]
    _, js, css = render_widget(WidgetSpec("w", "", "generic", traits), "widgets")
    state = {"model": "hello", "delete": [1.5, 2], "value": 0, "format": [], "new": False}
    harness.mount(js.text, {**state, "this": {}, "el": ""}, css.text)
    assert harness.render_returned() is None  # cleanup goes through the signal
    page = harness.page
    row = lambda name: page.locator(f".w .traits dt:text-is('{name}') + dd > *")  # noqa: E731

    def enter(name: str, text: str) -> None:
        row(name).fill(text)
        row(name).press("Enter")  # a change event, as when the user is done typing

    assert row("model").text_content() == "hello"
    assert row("delete").text_content() == "1.5, 2"

    enter("value", "41.6")
    enter("value", "")  # a number input with no number in it
    enter("format", "3, 4.4")
    row("new").check()
    enter("this", '{"a": [1]}')
    enter("el", "text")
    assert harness.saved() == [
        {"value": 42},
        {"format": [3, 4]},
        {"new": True},
        {"this": {"a": [1]}},
        {"el": "text"},
    ]

    harness.from_python("model", "changed")
    harness.from_python("value", 7)
    assert row("model").text_content() == "changed"
    assert row("value").input_value() == "7"
    assert harness.cleanup() == 0
    assert not harness.errors
