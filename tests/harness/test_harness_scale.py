"""Scatter and histogram templates on 200k rows in the browser harness: the brush selects
exactly the rows numpy finds, and the histogram counts exactly what numpy counts.

The table is encoded by the generated `_traits.py` and reaches the page as one binary blob,
each column a DataView into it, as a Jupyter websocket message delivers it.
"""

from __future__ import annotations

import importlib.util
import re

import numpy as np
import pandas as pd
import pytest
import traitlets
from helpers import generate_flights
from playwright.sync_api import expect

ROWS = 200_000
BINS = 30


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """scatter.js, histogram.js and the `_traits` module `vibew new` writes."""
    project = tmp_path_factory.mktemp("scale")
    generate_flights(project)
    widgets = project / "widgets"
    spec = importlib.util.spec_from_file_location("scale_traits", widgets / "_traits.py")
    traits = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(traits)
    return {
        "scatter": (widgets / "scatter.js").read_text(),
        "histogram": (widgets / "histogram.js").read_text(),
        "traits": traits,
    }


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    x = rng.normal(size=ROWS)
    y = 0.5 * x + rng.normal(size=ROWS)
    x[rng.random(ROWS) < 0.01] = np.nan  # missing values are never drawn nor selected
    labels = pd.Series(np.array(list("abcde"))[rng.integers(0, 5, ROWS)], dtype="str")
    return pd.DataFrame({"x": x, "y": y, "label": labels})


def serve(harness, name: str, encoded: dict) -> dict:
    """Serve the table's buffers as one blob at /scale/<name>.bin; return the JSON part.

    Each buffer starts 4 bytes past a multiple of 8, so float64 columns take the decoder's
    copy path and int32 ones its no-copy path, as in a real message.
    """
    blob = bytearray()
    columns = []
    for column in encoded["columns"]:
        blob.extend(b"\0" * ((-len(blob)) % 8 + 4))
        columns.append(
            {
                **{k: v for k, v in column.items() if k != "values"},
                "offset": len(blob),
                "byteLength": column["values"].nbytes,
            }
        )
        blob.extend(bytes(column["values"]))
    body = bytes(blob)
    harness.page.route(
        f"**/scale/{name}.bin",
        lambda route: route.fulfill(body=body, content_type="application/octet-stream"),
    )
    return {"url": f"/scale/{name}.bin", "length": encoded["length"], "columns": columns}


# Fetches a served table and mounts a widget with it (and the other traits in `state`).
MOUNT_WITH_TABLE = """async ([source, table, state]) => {
  const buffer = await (await fetch(table.url)).arrayBuffer();
  const view = (c) => new DataView(buffer, c.offset, c.byteLength);
  const data = { length: table.length, columns: table.columns.map((c) => ({ ...c, values: view(c) })) };
  const selection = new Int32Array(state.selected_indices ?? []);
  await window.mount(source, { ...state, data, selected_indices: new DataView(selection.buffer) });
}"""


def expected_brush(frame: pd.DataFrame, start, end, box) -> np.ndarray:
    """The rows scatter.js selects for a drag from `start` to `end` (page pixels), in numpy.

    The same float64 operations in the same order as the template (extent, linearScale,
    invert), so the answer is exact, not approximate.
    """
    width, height = 520, 340
    margin = {"top": 12, "right": 16, "bottom": 44, "left": 60}

    def invert(values, pixel_range, position):
        d0, d1 = np.nanmin(values), np.nanmax(values)
        r0, r1 = pixel_range
        k = (r1 - r0) / (d1 - d0)
        return d0 + (position - r0) / k

    x, y = frame["x"].to_numpy(), frame["y"].to_numpy()
    inset = 0.5  # half a point (1 px at 200k rows): the extreme points stay inside the axes
    x_range = (margin["left"] + inset, width - margin["right"] - inset)
    y_range = (height - margin["bottom"] - inset, margin["top"] + inset)
    x0, x1 = sorted(invert(x, x_range, p - box["x"]) for p in (start[0], end[0]))
    y0, y1 = sorted(invert(y, y_range, p - box["y"]) for p in (start[1], end[1]))
    return np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))


def drag(page, start, end) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=4)
    page.mouse.up()


def last_saved_selection(harness, saves: int) -> list[int]:
    """The selection the `saves`th save sent (the brush saves in a task of its own, once the
    views linked in the page have shown it: wait for it)."""
    harness.page.wait_for_function(f"widget.model.saved.length >= {saves}")
    return harness.page.evaluate("savedRows(widget.model.saved.at(-1).selected_indices)")


def test_brush_on_200k_rows_selects_what_numpy_selects(harness, generated, frame):
    table = serve(harness, "points", generated["traits"].encode_table(frame))
    state = {"x": "", "y": "", "width": 520, "height": 340}
    harness.page.evaluate(MOUNT_WITH_TABLE, [generated["scatter"], table, state])
    caption = harness.page.get_by_role("status")
    # The flights delays have missing values: the caption counts the rows it could draw.
    assert re.match(r"([\d,]+ of )?200,000 rows", caption.inner_text()), caption.inner_text()
    box = harness.page.get_by_role("img").bounding_box()
    assert box["x"] == int(box["x"]) and box["y"] == int(box["y"])  # whole pixels: exact maths

    saves = 0
    for start, end in [((150, 60), (330, 250)), ((420, 300), (240, 100)), ((100, 30), (500, 300))]:
        start = (box["x"] + start[0], box["y"] + start[1])
        end = (box["x"] + end[0], box["y"] + end[1])
        drag(harness.page, start, end)
        saves += 1
        selected = last_saved_selection(harness, saves)
        expected = expected_brush(frame, start, end, box)
        assert len(expected) > 1000
        assert selected == expected.tolist()
        # The redraw waits for the next animation frame.
        expect(caption).to_contain_text(f"{len(expected):,} of 200,000 rows selected")

    # A click (no drag) clears the selection.
    harness.page.mouse.click(box["x"] + 200, box["y"] + 200)
    assert last_saved_selection(harness, saves + 1) == []
    expect(caption).to_have_text(re.compile(r"^([\d,]+ of )?200,000 rows"))
    assert harness.errors == []


def test_histogram_counts_a_selection_from_python_like_numpy(harness, generated, frame):
    traits = generated["traits"]
    rng = np.random.default_rng(3)
    rows = np.sort(rng.choice(ROWS, 60_000, replace=False))

    class Holder(traitlets.HasTraits):
        selected_indices = traits.RowIndices()

    holder = Holder(selected_indices=rows)
    to_json = holder.trait_metadata("selected_indices", "to_json")
    wire = bytes(to_json(holder.selected_indices, None))
    table = serve(harness, "counts", traits.encode_table(frame))
    harness.page.evaluate(
        MOUNT_WITH_TABLE,
        [generated["histogram"], table, {"column": "x", "bins": BINS, "width": 520, "height": 260}],
    )
    # The selection arrives as Python sends it: the bytes of an int32 buffer, as a DataView.
    harness.page.evaluate(
        "(bytes) => widget.model.fromPython('selected_indices', new DataView(new Uint8Array(bytes).buffer))",
        list(wire),
    )
    # Each bar's tooltip starts with its count: "1,234 rows", "56 of 1,234 rows selected".
    counts = [
        int(tooltip.split()[0].replace(",", ""))
        for tooltip in harness.page.locator("#widget .bars rect title").all_text_contents()
    ]
    x = frame["x"].to_numpy()
    low, high = np.nanmin(x), np.nanmax(x)
    width = (high - low) / BINS
    bins = np.minimum(BINS - 1, np.floor((x - low) / width))  # as histogram.js bins a row
    totals = np.bincount(bins[~np.isnan(bins)].astype(int), minlength=BINS)
    picked = bins[rows]
    chosen = np.bincount(picked[~np.isnan(picked)].astype(int), minlength=BINS)
    assert counts[0::2] == totals.tolist()  # each bin: its total bar, then its selected bar
    assert counts[1::2] == chosen.tolist()
    assert sum(counts[0::2]) == np.count_nonzero(~np.isnan(x))
    caption = harness.page.get_by_role("status").inner_text()
    assert caption == "x: 60,000 of 200,000 rows selected"
    assert harness.errors == []


@pytest.mark.parametrize(
    ("replacement", "caption"),
    [
        (pd.DataFrame({"x": [1.5], "y": [2.0]}), "0 of 1 row selected"),
        (pd.DataFrame({"x": pd.Series([], dtype=float), "y": pd.Series([], dtype=float)}), "No numeric values to draw: 0 rows"),
        (pd.DataFrame({"x": [np.nan, np.nan], "y": [1.0, 2.0]}), "No numeric values to draw: 2 rows"),
        (pd.DataFrame(), "Pass a DataFrame with two numeric columns."),
    ],
    ids=["one-row", "empty", "all-nan", "no-columns"],
)  # fmt: skip
def test_a_frame_replaced_after_display(harness, generated, frame, replacement, caption):
    table = serve(harness, "before", generated["traits"].encode_table(frame))
    harness.page.evaluate(
        MOUNT_WITH_TABLE,
        [
            generated["scatter"],
            table,
            {"x": "", "y": "", "width": 520, "height": 340, "selected_indices": [5, 199_999]},
        ],
    )
    after = serve(harness, "after", generated["traits"].encode_table(replacement))
    harness.page.evaluate(
        """async (table) => {
          const buffer = await (await fetch(table.url)).arrayBuffer();
          const columns = table.columns.map((c) => ({
            ...c, values: new DataView(buffer, c.offset, c.byteLength) }));
          widget.model.fromPython("data", { length: table.length, columns });
        }""",
        after,
    )
    # The old selection's rows past the new table's end are neither drawn nor counted.
    assert caption in harness.page.get_by_role("status").inner_text()
    assert harness.errors == []
