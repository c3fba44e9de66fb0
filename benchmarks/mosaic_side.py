"""The Mosaic side of benchmarks/bigdata.py: mosaic-widget in real JupyterLab, same Parquet file.

    python benchmarks/mosaic_side.py [--rows 1000000] [--brushes 10] [--steps 5] [--json]

    from mosaic_side import measure_mosaic
    measure_mosaic(path, rows, brushes, workdir)  # {"median", "max", "first_paint",
                                                  #  "bytes_per_brush", ...}

A notebook opens a DuckDB connection in the kernel with `CREATE VIEW flights AS SELECT *
FROM read_parquet('<path>')` (a view: the Parquet file is read by every query, as bigdata.py's
duckdb engine reads it; nothing is loaded into memory first) and shows one `MosaicWidget`
whose spec stacks two plots (vconcat): a `raster` density of distance x delay (2-pixel
cells, a grid of 290 x 175 over the extents) carrying an `intervalXY` brush that sets a
`crossfilter` selection, and a `rectY` histogram of delay (`count` in 64 bins: `bin` with
`steps: 64, nice: false`, as bigdata.py's 64 bins; Mosaic picks its own edges) filtered by
that selection. mosaic-widget's JavaScript bundle carries everything it needs (no
duckdb-wasm, no CDN): each query of its coordinator is a comm message to the kernel,
answered there by DuckDB (Arrow IPC bytes back, or an empty answer to an `exec`).
JupyterLab and Chromium are started with the e2e helpers (tests/e2e/lab.py).

The widget is a subclass of MosaicWidget that takes a lock around each query (--stock: the
widget itself). Here ipykernel 7.4 answers comm messages on two threads (the main thread
and a subshell's; query_threads lists them) and DuckDB 2 refuses a second call on a busy
connection instead of waiting, so two queries at once make the stock widget show "connection
is busy with another call" and one plot never draws (seen in 1, likely 2, of 7 runs at 50M
rows; the other hung without a message, before this script looked for one).

Measured (milliseconds, page clock unless said):

- first_paint: from the first line of the cell that makes and displays the widget (kernel
  clock, `time.time()`; same machine, the clocks agree) to the frame after both plots hold
  their marks (the raster's `<image>` and the histogram's `<rect>`s);
- brush -> histogram (median, max; first_brush apart): each brush is one programmatic drag on
  the density plot (`lab.drag`: press, --steps pointer moves, release) over a random
  rectangle. Mosaic updates the selection on every move while dragging, so the measure is
  from the LAST pointer move (the one that sets the final rectangle; the release changes
  nothing) to the frame after the histogram's last DOM change, once every query the page
  sent has been answered and the histogram has been quiet for QUIET_MS. Queries still in
  flight from earlier moves are waited for, as a user dragging would wait for them;
- bytes_per_brush: payload bytes of the kernel websocket frames the page RECEIVED from the
  start of a brush's drag until it settled (Playwright's framereceived; every frame, so kernel
  status messages count as well as the Arrow answers), median over brushes. The Arrow
  answers alone, the frames and the queries per brush are reported beside it.

Mosaic's coordinator pre-aggregates: when the brush is first activated (the pointer entering
the density plot with no button down; lab.drag presses a few milliseconds later) it asks the
kernel to `CREATE TABLE mosaic.preagg_... AS SELECT` the histogram's counts grouped by bin
and by the brush's pixel cells (its "data cube" index) and answers every later brush from
that table. The first brush pays for the build: first_brush, first_brush_from_press (the
build starts before the moves), preagg_ms (the kernel time of that CREATE, Python clock on
the websocket frames) and preagg_rows (the size of the table every later brush scans).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests" / "e2e"))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(HERE))

import lab  # noqa: E402  (the e2e helpers, beside the tests)

QUIET_MS = 400  # no histogram change for this long, and no query open: the brush has settled
BINS = 64

SPEC = {
    "params": {"brush": {"select": "crossfilter"}},
    "vconcat": [
        {
            "plot": [
                {
                    "mark": "raster",
                    "data": {"from": "flights"},
                    "x": "distance",
                    "y": "delay",
                    "fill": "density",
                    "pixelSize": 2,
                    "imageRendering": "pixelated",
                },
                {"select": "intervalXY", "as": "$brush"},
            ],
            "xDomain": "Fixed",
            "yDomain": "Fixed",
            "colorScale": "symlog",
            "width": 640,
            "height": 400,
        },
        {
            "plot": [
                {
                    "mark": "rectY",
                    "data": {"from": "flights", "filterBy": "$brush"},
                    "x": {"bin": "delay", "steps": BINS, "nice": False},
                    "y": {"count": ""},
                    "fill": "steelblue",
                    "inset": 0.5,
                }
            ],
            "xDomain": "Fixed",
            "width": 640,
            "height": 200,
        },
    ],
}

SETUP = """\
import json
import threading
import time

import duckdb
from mosaic_widget import MosaicWidget

con = duckdb.connect()
con.execute("CREATE VIEW flights AS SELECT * FROM read_parquet({path!r})")
spec = json.loads({spec!r})


class OneQueryAtATime(MosaicWidget):
    # ipykernel 7.4 may handle two comm messages at once (on two threads), and DuckDB 2
    # refuses a second call on a busy connection ("connection is busy with another call")
    # instead of waiting: mosaic-widget's handler then answers with that error, and the plot
    # that asked never draws. Queries on the one connection wait for each other here.
    _lock = threading.Lock()
    threads = set()  # the threads that answered queries

    def _handle_custom_msg(self, content, buffers):
        self.threads.add(threading.current_thread().name)
        with self._lock:
            super()._handle_custom_msg(content, buffers)"""

SHOW = """\
started = time.time()
widget = {widget}(spec, con=con)
display(widget)"""

# Rows of the pre-aggregated tables Mosaic made in the kernel's DuckDB (schema "mosaic").
COUNT_PREAGG = """\
tables = con.sql("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'mosaic'").fetchall()
count = 'SELECT count(*) FROM mosaic."{}"'
print(sum(con.execute(count.format(name)).fetchall()[0][0] for (name,) in tables))"""

# Page side, installed before JupyterLab loads. The two plots are told apart by their marks:
# the density plot's svg holds an <image>, the histogram's a g[aria-label=rect] of <rect>s.
WATCH = """
window.mosaicBench = {painted: 0, down: 0, moves: 0, lastMove: 0, mutations: 0,
                      lastMutation: 0, lastFrame: 0};
const plots = () => {
  const svgs = [...document.querySelectorAll('.mosaic-widget svg')];
  return {
    density: svgs.find((s) => s.querySelector('image')),
    histogram: svgs.find((s) => s.querySelector('g[aria-label=rect] rect')),
  };
};
window.mosaicPlots = plots;
let watched = null;
new MutationObserver(() => {
  const b = window.mosaicBench;
  const {density, histogram} = plots();
  if (!b.painted && density && histogram) {
    b.painted = -1;
    requestAnimationFrame(() => { b.painted = Date.now(); });
  }
  // Plot replaces the whole svg on a redraw: watch the histogram's container, not the svg.
  const box = histogram?.parentElement;
  if (box && box !== watched) {
    watched = box;
    new MutationObserver(() => {
      b.mutations += 1;
      b.lastMutation = performance.now();
      const n = b.mutations;
      requestAnimationFrame(() => { if (b.mutations === n) b.lastFrame = performance.now(); });
    }).observe(box, {subtree: true, childList: true, attributes: true, characterData: true});
  }
}).observe(document, {subtree: true, childList: true});
window.addEventListener('pointerdown', () => {
  window.mosaicBench.down = performance.now();
}, true);
window.addEventListener('pointermove', (e) => {
  if (e.buttons) { window.mosaicBench.moves += 1; window.mosaicBench.lastMove = performance.now(); }
}, true);
"""

_UUID = re.compile(rb'"uuid"\s*:\s*"([0-9a-f-]{36})"')
_SQL = re.compile(rb'"sql"\s*:\s*"((?:[^"\\]|\\.)*)"')
_TYPE = re.compile(rb'"type"\s*:\s*"(arrow|exec|json)"')


class Wire:
    """The kernel websocket as the page sees it: bytes received, queries open."""

    def __init__(self) -> None:
        self.received = 0  # payload bytes of every frame received
        self.frames = 0
        self.answer_bytes = 0  # payload bytes of the frames answering a query
        self.open: dict[str, tuple[float, str, str]] = {}  # uuid -> (sent at, type, sql)
        self.done: list[tuple[str, str, float]] = []  # (type, sql, seconds to the answer)
        self.last_answer = 0.0

    def attach(self, page) -> None:
        page.on("websocket", self._socket)

    def _socket(self, ws) -> None:
        if "/api/kernels/" in ws.url:
            ws.on("framesent", self._sent)
            ws.on("framereceived", self._received)

    @staticmethod
    def _bytes(payload) -> bytes:
        return payload.encode() if isinstance(payload, str) else bytes(payload)

    def _sent(self, payload) -> None:
        data = self._bytes(payload)
        uuid, sql, kind = _UUID.search(data), _SQL.search(data), _TYPE.search(data)
        if uuid and sql and kind:
            text = json.loads(b'"' + sql[1] + b'"')
            self.open[uuid[1].decode()] = (time.perf_counter(), kind[1].decode(), text)

    def _received(self, payload) -> None:
        data = self._bytes(payload)
        self.received += len(data)
        self.frames += 1
        uuid = _UUID.search(data)
        if uuid and uuid[1].decode() in self.open:
            sent, kind, sql = self.open.pop(uuid[1].decode())
            self.done.append((kind, sql, time.perf_counter() - sent))
            self.answer_bytes += len(data)
            self.last_answer = time.perf_counter()


def settle(
    page, wire: Wire, timeout: float = 600, bench: str = "mosaicBench", changed: bool = False
) -> None:
    """Wait until no query is open and the histogram has been quiet for QUIET_MS.

    `bench`: the page's record (window.<bench>, as WATCH keeps it); `changed`: wait as well
    for the histogram to have changed since `mutations` was last set to 0 (a page that asks
    nothing until the brush's release has made a round trip through the kernel would
    otherwise look settled before it starts).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.wait_for_timeout(50)  # also lets Playwright deliver the websocket events
        if wire.open or time.perf_counter() - wire.last_answer < QUIET_MS / 1000:
            continue
        quiet = page.evaluate(
            f"window.{bench}.mutations ? performance.now() - window.{bench}.lastMutation : -1"
            if changed
            else f"performance.now() - window.{bench}.lastMutation"
        )
        if quiet >= QUIET_MS:
            return
    raise RuntimeError(f"the brush did not settle in {timeout}s; open queries: {wire.open}")


def wait_for_paint(page, wire: Wire, errors: list[str], server, timeout: float = 900) -> None:
    """Wait until both plots have drawn; fail with what the page shows if they do not."""
    failed = page.locator(".mosaic-widget pre.error")
    deadline = time.monotonic() + timeout
    while not page.evaluate("window.mosaicBench.painted > 0"):
        if failed.count() or errors or time.monotonic() > deadline:
            shown = page.evaluate(
                """() => [...document.querySelectorAll('.mosaic-widget')].map((w) =>
                    `${w.querySelectorAll('svg').length} svg, ` +
                    `${w.querySelectorAll('svg image').length} image, ` +
                    `${w.querySelectorAll('svg rect').length} rect: ` +
                    w.innerText.slice(0, 500))"""
            )
            raise RuntimeError(
                f"the plots did not paint; widget: {shown}\npage errors: {errors}\n"
                f"open queries: {list(wire.open.values())}\n"
                f"notebook:\n{lab.notebook_outputs(page)}\nserver log:\n{server.log_tail()}"
            )
        page.wait_for_timeout(250)


def measure_mosaic(
    path: Path,
    rows: int,
    brushes: int,
    workdir: Path,
    steps: int = 5,
    seed: int = 0,
    stock: bool = False,
) -> dict:
    """Time mosaic-widget in JupyterLab on `path` (a flights Parquet file of `rows` rows).

    Returns {"median", "max", "first_paint", "bytes_per_brush"} (ms, ms, ms, bytes) and, for
    the report: "first_brush" (ms), "answer_bytes_per_brush", "frames_per_brush" and
    "queries_per_brush" (medians), "preagg_ms" (kernel time of the pre-aggregation tables)
    and "brush_times" (ms, in order). `workdir` holds the notebook, Jupyter's state and the
    browser profile; it is made if missing and may be reused. `stock`: the widget as
    mosaic-widget ships it, whose queries may collide on the DuckDB connection (see SETUP);
    by default a subclass takes a lock around each query.
    """
    from playwright.sync_api import sync_playwright

    workdir = Path(workdir)
    root, state, profile = workdir / "root", workdir / "state", workdir / "profile"
    root.mkdir(parents=True, exist_ok=True)
    notebook = lab.write_notebook(
        root / f"mosaic-{rows}.ipynb",
        [
            SETUP.format(path=str(Path(path).resolve()), spec=json.dumps(SPEC)),
            SHOW.format(widget="MosaicWidget" if stock else "OneQueryAtATime"),
        ],
    )
    rng = random.Random(seed)
    server = lab.start_jupyter(root, state)
    try:
        with sync_playwright() as playwright:
            context = lab.launch_browser(playwright, profile)
            try:
                page = context.new_page()
                page.set_viewport_size({"width": 1280, "height": 1400})
                page.set_default_timeout(600_000)
                errors = lab.collect_page_errors(page)
                wire = Wire()
                wire.attach(page)
                page.add_init_script(WATCH)
                lab.open_and_run_notebook(
                    page, server.base_url, server.relpath(notebook), timeout=900
                )
                wait_for_paint(page, wire, errors, server)
                settle(page, wire)
                started = float(lab.run_code(page, "print(repr(started))"))
                first_paint = page.evaluate("window.mosaicBench.painted") - started * 1000

                # The brush overlay of d3-brush covers the density plot's frame, margins off.
                overlay = page.locator(".mosaic-widget svg:has(image) rect.overlay").first
                overlay.scroll_into_view_if_needed()
                times, received, answers, frames, queries = [], [], [], [], []
                preagg_ms, pressed = 0.0, []
                for _ in range(brushes):
                    left, top = rng.uniform(0.05, 0.6), rng.uniform(0.05, 0.6)
                    width, height = rng.uniform(0.1, 0.35), rng.uniform(0.1, 0.35)
                    before = (wire.received, wire.answer_bytes, wire.frames, len(wire.done))
                    page.evaluate("window.mosaicBench.mutations = 0")
                    lab.drag(page, overlay, (left, top), (left + width, top + height), steps)
                    settle(page, wire)
                    bench = page.evaluate("window.mosaicBench")
                    if not bench["mutations"] or bench["lastMutation"] < bench["lastMove"]:
                        raise RuntimeError(f"the histogram did not change after a brush: {bench}")
                    times.append(bench["lastFrame"] - bench["lastMove"])
                    received.append(wire.received - before[0])
                    answers.append(wire.answer_bytes - before[1])
                    frames.append(wire.frames - before[2])
                    new = wire.done[before[3] :]
                    queries.append(len(new))
                    if not pressed:
                        pressed.append(bench["lastFrame"] - bench["down"])
                    preagg_ms += sum(
                        1000 * took
                        for kind, sql, took in new
                        if kind == "exec" and "create table" in sql.lower()
                    )
                preagg_rows = int(lab.run_code(page, COUNT_PREAGG))
                threads = (
                    []
                    if stock
                    else json.loads(
                        lab.run_code(page, "print(json.dumps(sorted(OneQueryAtATime.threads)))")
                    )
                )
                page.close()
                if errors:
                    raise RuntimeError("errors in the page:\n" + "\n".join(errors))
            finally:
                context.close()
    finally:
        server.stop()
    return {
        "median": statistics.median(times),
        "max": max(times),
        "first_paint": first_paint,
        "bytes_per_brush": statistics.median(received),
        "first_brush": times[0],
        "first_brush_from_press": pressed[0],
        "answer_bytes_per_brush": statistics.median(answers),
        "frames_per_brush": statistics.median(frames),
        "queries_per_brush": statistics.median(queries),
        "preagg_ms": preagg_ms,
        "preagg_rows": preagg_rows,
        "query_threads": threads,
        "brush_times": times,
        "queries": [(kind, sql, round(1000 * took, 1)) for kind, sql, took in wire.done],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--brushes", type=int, default=10)
    parser.add_argument("--steps", type=int, default=5, help="pointer moves per brush drag")
    parser.add_argument(
        "--stock",
        action="store_true",
        help="MosaicWidget itself, without the lock around its queries (may fail: see SETUP)",
    )
    parser.add_argument("--sql", action="store_true", help="print every query and its time")
    parser.add_argument("--json", action="store_true", help="end with the result as JSON")
    args = parser.parse_args()

    from bigdata import flights

    path = flights(args.rows)
    with tempfile.TemporaryDirectory() as temp:
        r = measure_mosaic(
            path, args.rows, args.brushes, Path(temp), steps=args.steps, stock=args.stock
        )
    if args.sql:
        for kind, sql, took in r["queries"]:
            print(f"{took:>9.1f} ms  {kind:5}  {sql}")
        print()
    print(
        f"mosaic-widget in JupyterLab + headless Chromium, {args.rows:,} rows, "
        f"{args.brushes} brushes of {args.steps} moves, {os.cpu_count()} cores "
        f"(load average {os.getloadavg()[0]:.1f})\n"
        f"  cell -> first paint (both plots):  {r['first_paint']:>9.0f} ms\n"
        f"  last move -> histogram settled:    {r['median']:>9.0f} ms median, "
        f"{r['max']:.0f} ms max, first brush {r['first_brush']:.0f} ms "
        f"({r['first_brush_from_press']:.0f} ms from its press)\n"
        f"  pre-aggregation (kernel):          {r['preagg_ms']:>9.0f} ms, "
        f"{r['preagg_rows']:,} rows\n"
        f"  received per brush:                {r['bytes_per_brush']:>9,.0f} bytes "
        f"({r['answer_bytes_per_brush']:,.0f} in query answers; "
        f"{r['frames_per_brush']:.0f} frames, {r['queries_per_brush']:.0f} queries)\n"
        f"  brush times: {' '.join(f'{t:.0f}' for t in r['brush_times'])} ms\n"
        f"  kernel threads that answered queries: {', '.join(r['query_threads']) or '-'}"
    )
    if args.json:
        keys = ("median", "max", "first_paint", "bytes_per_brush")
        print(json.dumps({"rows": args.rows, "engine": "mosaic", **{k: r[k] for k in keys}}))


if __name__ == "__main__":
    main()
