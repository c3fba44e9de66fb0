"""Every built-in template, mounted in the browser harness with realistic traits and its
stylesheet, in a light page and in JupyterLab's dark theme: each draws something, follows
the theme, and raises no page error. The data goes through the generated `_traits.py`, as a
notebook sends it.

With VIBEW_UPDATE_SCREENSHOTS=1 each widget's picture is saved as
docs/screenshots/templates/<kind>.png and <kind>-dark.png for the README's Templates table.
"""

from __future__ import annotations

import ast
import base64
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vibewidget_cli.templates import all_templates

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots" / "templates"
UPDATE = os.environ.get("VIBEW_UPDATE_SCREENSHOTS") == "1"

# `vibew new` arguments and the state each template is shown with (besides `data`).
WIDGETS = {
    "bar": (
        ["--imports", "selected_airlines:list[str]"],
        {"category": "airline", "value": "none", "selected_airlines": ["DL", "UA"]},
    ),
    "dropdown": ([], {"column": "", "selected_airlines": ["DL", "UA"]}),
    "generic": (
        [
            "--imports", "threshold:float", "--imports", "selected_airlines:list[str]",
            "--exports", "bins:int", "--exports", "show_grid:bool",
        ],
        {"threshold": 12.5, "selected_airlines": ["DL", "UA"], "bins": 30, "show_grid": True},
    ),
    "histogram": (
        ["--imports", "selected_indices"],
        {"column": "delay", "bins": 30, "selected_indices": []},
    ),
    "painter": ([], {"size": 64, "heightmap": []}),
    "scatter": ([], {"x": "distance", "y": "delay", "selected_indices": []}),
    "solar3d": ([], {"speed": 0.0, "selected_planet": "Saturn"}),
    "table": (
        ["--imports", "selected_indices", "--imports", "selected_airlines:list[str]"],
        {"page_size": 8, "category_column": "", "selected_indices": [], "selected_airlines": []},
    ),
    "terrain3d": ([], {"water_level": 0.2, "height_scale": 0.25, "heightmap": []}),
}  # fmt: skip

# The element whose picture must show something (in `.<kind>-view`, the widget's class):
# the plot, not the caption under it.
PICTURE = {
    "bar": "svg",
    "dropdown": ".options",
    "generic": ".traits",
    "histogram": "svg",
    "painter": "canvas",
    "scatter": "canvas",
    "solar3d": "canvas",
    "table": "tbody",
    "terrain3d": "canvas",
}

# JupyterLab's dark theme (@jupyterlab/theme-dark-extension), the variables the widgets'
# stylesheets read, on a page whose system is dark too.
JUPYTERLAB_DARK = """
:root {
  --jp-layout-color0: #111111;
  --jp-layout-color1: #212121;
  --jp-layout-color2: #424242;
  --jp-layout-color3: #616161;
  --jp-border-color1: #616161;
  --jp-border-color2: #424242;
  --jp-brand-color1: #2196f3;
  --jp-warn-color1: #ff9800;
  --jp-ui-font-color1: rgba(255, 255, 255, 0.87);
  --jp-ui-font-color2: rgba(255, 255, 255, 0.54);
  --jp-ui-font-size1: 13px;
  --jp-ui-font-family: system-ui, -apple-system, "Segoe UI", helvetica, arial, sans-serif;
  --jp-code-font-family: menlo, consolas, "DejaVu Sans Mono", monospace;
}
body { background: var(--jp-layout-color0); }
"""
THEMES = {"light": "white", "dark": "var(--jp-layout-color0)"}  # the widget's background

# Mounts a widget with `data` = a table as `Table` encodes it (each column's bytes in base64).
MOUNT = """async ([js, css, state, table, page, background]) => {
  const bytes = (base64) => Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  const data = table && {
    length: table.length,
    columns: table.columns.map((c) => ({ ...c, values: new DataView(bytes(c.values).buffer) })),
  };
  const host = document.createElement("style");
  host.textContent = page;
  document.head.append(host);
  const widget = document.getElementById("widget");
  widget.style.cssText = `display: inline-block; padding: 12px; background: ${background};`;
  await mount(js, { ...state, ...(data && { data }) }, css);
}"""

# The number of distinct colours in a PNG, decoded by the browser.
COLOURS = """async (png) => {
  const image = new Image();
  image.src = `data:image/png;base64,${png}`;
  await image.decode();
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, image.width, image.height);
  return new Set(new Uint32Array(data.buffer)).size;
}"""


def hill(size: int) -> list[list[float]]:
    """A round hill with a smaller one beside it, heights 0..1."""
    r, c = np.mgrid[0:size, 0:size] / (size - 1)
    big = np.exp(-((r - 0.45) ** 2 + (c - 0.4) ** 2) / 0.05)
    small = 0.55 * np.exp(-((r - 0.75) ** 2 + (c - 0.78) ** 2) / 0.015)
    return np.clip(big + small, 0, 1).round(4).tolist()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict:
    """Each template's JS and CSS as `vibew new` writes them, and the generated `_traits`."""
    project = tmp_path_factory.mktemp("gallery")
    js, css = {}, {}
    for kind in all_templates():
        args = WIDGETS[kind][0] if kind in WIDGETS else []
        done = subprocess.run(
            [sys.executable, "-m", "vibewidget_cli", "new", f"{kind}_view", "-t", kind, *args],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        js[kind] = (project / "widgets" / f"{kind}_view.js").read_text()
        css[kind] = (project / "widgets" / f"{kind}_view.css").read_text()
    spec = importlib.util.spec_from_file_location("gallery_traits", project / "widgets/_traits.py")
    traits = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(traits)
    return {"js": js, "css": css, "traits": traits}


def flights() -> pd.DataFrame:
    """400 made-up flights, the same every run (the crossfilter example's generator)."""
    path = REPO / "examples" / "crossfilter" / "make_data.py"
    spec = importlib.util.spec_from_file_location("gallery_flights", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_flights(rows=400, seed=7)


def table_data(traits, frame: pd.DataFrame) -> dict:
    encoded = traits.encode_table(frame)
    columns = [{**c, "values": base64.b64encode(c["values"]).decode()} for c in encoded["columns"]]
    return {"length": encoded["length"], "columns": columns}


def option_defaults(kind: str) -> dict:
    """The template's options as the Python class starts them (width, height, ...)."""
    template = all_templates()[kind]
    empty = {"str": "", "int": 0, "float": 0.0, "bool": False}
    return {
        option.name: ast.literal_eval(template.option_defaults[option.name])
        if option.name in template.option_defaults
        else empty.get(option.type)
        for option in template.options
    }


def scene(kind: str, traits) -> tuple[dict, dict | None]:
    """The state and the table `kind` is shown with."""
    state = {**option_defaults(kind), **WIDGETS[kind][1]}
    if state.get("width") == 0:  # fills its cell, but the gallery's cell is as wide as it
        state["width"] = 560 if kind in ("solar3d", "terrain3d") else 520
    if kind in ("painter", "terrain3d"):
        state["heightmap"] = hill(64 if kind == "painter" else 48)
        return state, None
    if kind == "solar3d":
        return state, table_data(traits, pd.read_csv(REPO / "examples" / "solar" / "planets.csv"))
    frame = flights()
    middle = frame.index[frame.distance.between(700, 1500) & frame.delay.between(0, 40)]
    if kind == "histogram":
        state["selected_indices"] = middle.tolist()
    if kind == "table":
        state["selected_indices"] = middle.tolist()
        state["selected_airlines"] = ["DL", "UA"]
    return state, table_data(traits, frame)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("kind", sorted(all_templates()))
def test_every_template_draws_something(harness, generated, kind, theme, request):
    assert kind in WIDGETS and kind in PICTURE, f"add a gallery scene for the {kind} template"
    if kind in ("solar3d", "terrain3d"):
        request.getfixturevalue("three_js")
    page = harness.page
    dark = theme == "dark"
    page.emulate_media(color_scheme=theme)
    state, table = scene(kind, generated["traits"])
    host_page = JUPYTERLAB_DARK if dark else ""
    page.evaluate(
        MOUNT,
        [generated["js"][kind], generated["css"][kind], state, table, host_page, THEMES[theme]],
    )
    picture = page.locator(f".{kind}-view {PICTURE[kind]}").first
    if kind == "scatter":  # brush the middle of the plot
        box = picture.bounding_box()
        page.mouse.move(box["x"] + 0.3 * box["width"], box["y"] + 0.25 * box["height"])
        page.mouse.down()
        page.mouse.move(box["x"] + 0.6 * box["width"], box["y"] + 0.7 * box["height"], steps=8)
        page.mouse.up()
        # Saved in a task of its own, once the linked views have shown the selection.
        saved = "widget.model.saved.at(-1)?.selected_indices"
        page.wait_for_function(f"{saved} && savedRows({saved}).length > 20")
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)  # a frame or two for canvases and WebGL

    widget = page.locator("#widget")
    box = widget.bounding_box()
    assert box["width"] > 200 and box["height"] > 100, box
    assert widget.inner_text().strip(), "no caption or label"
    # Text takes the theme's colour: JupyterLab Dark's light grey on its dark page.
    text = page.evaluate(f"getComputedStyle(document.querySelector('.{kind}-view')).color")
    assert text == ("rgba(255, 255, 255, 0.87)" if dark else "rgb(31, 35, 40)"), text
    colours = page.evaluate(COLOURS, base64.b64encode(picture.screenshot()).decode())
    assert colours >= 10, f"{PICTURE[kind]} looks blank: {colours} colours"
    if UPDATE:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = f"{kind}-dark.png" if dark else f"{kind}.png"
        widget.screenshot(path=str(SCREENSHOTS / name))
    assert harness.cleanup() == 0
    assert harness.errors == []
