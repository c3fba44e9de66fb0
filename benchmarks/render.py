"""What the scatter and histogram templates cost in the browser, without Jupyter.

    python benchmarks/render.py [--rows 100000 1000000] [--brushes 10]

Loads the generated scatter.js / histogram.js into the static harness page
(tests/harness/index.html: a fake model, the module imported from a Blob URL as anywidget
does) in headless Chromium (/usr/bin/chromium), feeds a table encoded by the generated
`_traits.py` as DataViews into one binary blob, and times inside the page:

- scatter first render (import + decode + scales + pixel positions + paint),
- scatter redraw for a replaced frame,
- brush: pointer-up until the selection is saved and painted (real mouse events),
- histogram first render, and its redraw for a selection of every row.

For the path through a real kernel and JupyterLab see benchmarks/interaction.py.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from helpers import generate_flights  # noqa: E402  (the tests' helpers)

HARNESS_PAGE = REPO / "tests" / "harness" / "index.html"
CHROMIUM = os.environ.get("VIBEW_CHROMIUM", "/usr/bin/chromium")
ORIGIN = "http://harness.test"

# Fetches the table blob, mounts the widget with it (and its stylesheet); returns the
# milliseconds mount took.
MOUNT = """async ([source, table, state, css]) => {
  const buffer = await (await fetch(table.url)).arrayBuffer();
  const view = (c) => new DataView(buffer, c.offset, c.byteLength);
  const data = { length: table.length, columns: table.columns.map((c) => ({ ...c, values: view(c) })) };
  const start = performance.now();
  const selection = new DataView(new ArrayBuffer(0));
  await window.mount(source, { ...state, data, selected_indices: selection }, css);
  return performance.now() - start;
}"""

# Times each pointer-up on the page: from the first listener to the first animation frame by
# which the selection is saved (in a task after the handler) and painted (a frame after the one
# that shows the views linked in the page).
WATCH_POINTER_UP = """() => {
  window.brushTimes = [];
  window.addEventListener("pointerup", () => {
    const start = performance.now();
    const saves = widget.model.saved.length;
    const caption = document.querySelector("[role=status]").textContent;
    const check = () => {
      const saved = widget.model.saved.length > saves;
      const painted = document.querySelector("[role=status]").textContent !== caption;
      if (saved && painted) window.brushTimes.push(performance.now() - start);
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }, true);
}"""


def generate(folder: Path) -> tuple[dict[str, str], Any]:
    generate_flights(folder)
    widgets = folder / "widgets"
    spec = importlib.util.spec_from_file_location("_traits", widgets / "_traits.py")
    traits = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(traits)
    sources = {
        f"{name}{suffix}": (widgets / f"{name}{suffix}").read_text()
        for name in ("scatter", "histogram")
        for suffix in (".js", ".css")
    }
    return sources, traits


def pack(encoded: dict) -> tuple[bytes, dict]:
    """The table's buffers as one blob (8-byte aligned) and its JSON part with offsets."""
    blob = bytearray()
    columns = []
    for column in encoded["columns"]:
        blob.extend(b"\0" * ((-len(blob)) % 8))
        meta = {k: v for k, v in column.items() if k != "values"}
        columns.append({**meta, "offset": len(blob), "byteLength": column["values"].nbytes})
        blob.extend(bytes(column["values"]))
    return bytes(blob), {"url": "/table.bin", "length": encoded["length"], "columns": columns}


def measure(browser: Any, sources: dict[str, str], traits: Any, rows: int, brushes: int) -> dict:
    rng = np.random.default_rng(0)
    x = rng.normal(size=rows)
    frame = pd.DataFrame({"x": x, "y": 0.5 * x + rng.normal(size=rows)})
    body, table = pack(traits.encode_table(frame))

    context = browser.new_context(viewport={"width": 900, "height": 700})
    context.route(
        f"{ORIGIN}/index.html",
        lambda r: r.fulfill(body=HARNESS_PAGE.read_text(), content_type="text/html"),
    )
    context.route(
        f"{ORIGIN}/table.bin",
        lambda r: r.fulfill(body=body, content_type="application/octet-stream"),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{ORIGIN}/index.html")

    state = {"x": "", "y": "", "height": 340}
    first = page.evaluate(MOUNT, [sources["scatter.js"], table, state, sources["scatter.css"]])
    redraws = page.evaluate(
        """() => {
          const data = widget.model.get("data");
          return Array.from({ length: 5 }, () => {
            const start = performance.now();
            widget.model.fromPython("data", { ...data });  // a new object: a replaced frame
            return performance.now() - start;
          });
        }"""
    )
    page.evaluate(WATCH_POINTER_UP)
    box = page.locator("#widget svg").bounding_box()
    sizes = []
    for i in range(brushes):
        page.mouse.move(box["x"] + 120 + 10 * i, box["y"] + 50)
        page.mouse.down()
        page.mouse.move(box["x"] + 330 + 10 * i, box["y"] + 240, steps=3)
        page.mouse.up()
        page.wait_for_function(f"window.brushTimes.length > {i}", polling=20)
        sizes.append(page.evaluate("widget.model.saved.at(-1).selected_indices.byteLength / 4"))
    brush_times = page.evaluate("window.brushTimes")

    histogram = page.evaluate(
        """async ([source, table]) => {
          const data = widget.model.get("data");
          const start = performance.now();
          await window.mount(source, { data, column: "", bins: 30, height: 260,
                                       selected_indices: new DataView(new ArrayBuffer(0)) });
          const first = performance.now() - start;
          const every = Int32Array.from({ length: data.length }, (_, i) => i);
          const redraws = Array.from({ length: 5 }, () => {
            const selection = new DataView(every.buffer.slice(0));  // as the kernel sends it
            const at = performance.now();
            widget.model.fromPython("selected_indices", selection);
            return performance.now() - at;
          });
          return { first, redraws };
        }""",
        [sources["histogram.js"], table],
    )
    context.close()
    if errors:
        sys.exit("errors in the page:\n" + "\n".join(errors))
    return {
        "rows": rows,
        "scatter_first": first,
        "scatter_redraw": statistics.median(redraws),
        "brush_median": statistics.median(brush_times),
        "brush_max": max(brush_times),
        "brush_rows": statistics.median(sizes),
        "histogram_first": histogram["first"],
        "histogram_all_selected": statistics.median(histogram["redraws"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--brushes", type=int, default=10)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        sources, traits = generate(Path(folder))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        results = [measure(browser, sources, traits, n, args.brushes) for n in args.rows]
        version = browser.version
        browser.close()

    print(
        f"Chromium {version} (headless, software canvas), {os.cpu_count()} cores (load average "
        f"{os.getloadavg()[0]:.1f}); ms in the page\n"
    )
    head = (
        f"{'rows':>10} | {'scatter first':>13} | {'redraw':>7} | {'brush med':>9} | "
        f"{'brush max':>9} | {'rows brushed':>12} | {'hist first':>10} | {'hist, all sel.':>14}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        print(
            f"{r['rows']:>10,} | {r['scatter_first']:>13.1f} | {r['scatter_redraw']:>7.1f} | "
            f"{r['brush_median']:>9.1f} | {r['brush_max']:>9.1f} | {r['brush_rows']:>12,.0f} | "
            f"{r['histogram_first']:>10.1f} | {r['histogram_all_selected']:>14.1f}"
        )
    print(
        f"\nbrush: pointer-up -> selection saved, and the frame it is painted in, over {args.brushes} drags; "
        "redraw: a replaced frame (median of 5);\nhist, all sel.: histogram redraw for a "
        "selection of every row, sent as an int32 buffer (median of 5)."
    )


if __name__ == "__main__":
    main()
