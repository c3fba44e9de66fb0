"""Every built-in template, mounted in the browser harness with realistic traits: each draws
something and raises no page error. The data goes through the generated `_traits.py`, as
a notebook sends it.

With VIBEW_UPDATE_SCREENSHOTS=1 each widget's picture is saved as
docs/screenshots/templates/<kind>.png for the README's Templates table.
"""

from __future__ import annotations

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

# The element whose picture must show something: the plot, not the caption under it.
PICTURE = {
    "bar": ".vibew-bar svg",
    "dropdown": ".vibew-dropdown .options",
    "generic": ".vibew-traits",
    "histogram": ".vibew-histogram svg",
    "painter": ".vibew-painter canvas",
    "scatter": ".vibew-scatter canvas",
    "solar3d": ".vibew-solar3d canvas",
    "table": ".vibew-table tbody",
    "terrain3d": ".vibew-terrain3d canvas",
}

# Mounts a widget with `data` = a table as `Table` encodes it (each column's bytes in base64).
MOUNT = """async ([js, state, table]) => {
  const bytes = (base64) => Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  const data = table && {
    length: table.length,
    columns: table.columns.map((c) => ({ ...c, values: new DataView(bytes(c.values).buffer) })),
  };
  const widget = document.getElementById("widget");
  widget.style.cssText = "display: inline-block; padding: 12px; background: white;";
  await mount(js, { ...state, ...(data && { data }) });
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
    """Each template's JS as `vibew new` writes it, and the generated `_traits` module."""
    project = tmp_path_factory.mktemp("gallery")
    js = {}
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
    spec = importlib.util.spec_from_file_location("gallery_traits", project / "widgets/_traits.py")
    traits = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(traits)
    return {"js": js, "traits": traits}


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


def scene(kind: str, traits) -> tuple[dict, dict | None]:
    """The state and the table `kind` is shown with."""
    state = dict(WIDGETS[kind][1])
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


@pytest.mark.parametrize("kind", sorted(all_templates()))
def test_every_template_draws_something(harness, generated, kind, request):
    assert kind in WIDGETS and kind in PICTURE, f"add a gallery scene for the {kind} template"
    if kind in ("solar3d", "terrain3d"):
        request.getfixturevalue("three_js")
    page = harness.page
    state, table = scene(kind, generated["traits"])
    page.evaluate(MOUNT, [generated["js"][kind], state, table])
    if kind == "scatter":  # brush the middle of the plot
        box = page.locator(PICTURE[kind]).bounding_box()
        page.mouse.move(box["x"] + 0.3 * box["width"], box["y"] + 0.25 * box["height"])
        page.mouse.down()
        page.mouse.move(box["x"] + 0.6 * box["width"], box["y"] + 0.7 * box["height"], steps=8)
        page.mouse.up()
        assert len(harness.last_saved()["selected_indices"]) > 20
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)  # a frame or two for canvases and WebGL

    widget = page.locator("#widget")
    box = widget.bounding_box()
    assert box["width"] > 200 and box["height"] > 100, box
    assert widget.inner_text().strip(), "no caption or label"
    picture = base64.b64encode(page.locator(PICTURE[kind]).screenshot()).decode()
    colours = page.evaluate(COLOURS, picture)
    assert colours >= 10, f"{PICTURE[kind]} looks blank: {colours} colours"
    if UPDATE:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        widget.screenshot(path=str(SCREENSHOTS / f"{kind}.png"))
    assert harness.cleanup() == 0
    assert harness.errors == []
