"""Tables too big to send (issue 15): vibew's generated widgets in real JupyterLab, beside Mosaic.

    python benchmarks/bigdata.py [--rows 50000000 ...] [--engines duckdb mosaic ...]
                                 [--brushes 10] [--steps 5] [--max-rows 100000] [--json]
                                 [--kernel]

A flights-like Parquet file of N rows (`delay`, `distance`, `time`; minutes, miles, hours)
is made once with DuckDB and cached under /tmp/vibew-bigdata. Each engine is measured in its
own JupyterLab (tests/e2e/lab.py) driven by headless Chromium through Playwright, one after
the other in the same run:

- duckdb, ibis-duckdb, ibis-polars, spark, pandas: the widgets of the issue's page, made by
  vibew in the notebook's folder (`vibew new scatter "flight delays vs distance" --exports
  brush`, `vibew new histogram "histogram of delays, filtered by the brush" --imports
  scatter.brush`) and shown as `Scatter(source, x="distance", y="delay", max_rows=M)`,
  `Histogram(source, column="delay", bins=64, max_rows=M)` (64 bins, as Mosaic's) and
  `link(...)`. The source is the Parquet path (duckdb: read by DuckDB in the kernel), an
  Ibis table (`ibis.<backend>.connect().read_parquet(path)`; spark: Ibis on PySpark in local
  mode) or a pandas frame.
  A first cell opens the source (spark: starts the session, ~20 s), untimed; the timed cell
  makes the widgets, links and displays them. --max-rows (M, default 100,000) is below every
  size measured, so the table stays in the kernel and the page asks it for what it draws;
- mosaic: mosaic-widget on the same file (benchmarks/mosaic_side.py: a DuckDB view of the
  Parquet file in the kernel, a raster density with an intervalXY brush over a 64-bin
  histogram filtered by it).

Measured the same way for both (mosaic_side.py's method; its Wire and settle are used here):

- first_paint: from the first line of the display cell (kernel clock, `time.time()`) to the
  frame after both plots hold their marks (vibew: the scatter's caption says its rows were
  "counted in the kernel", its density drawn, and the histogram's `g.bars` holds bars;
  Mosaic: the raster's <image> and the histogram's <rect>s);
- brush -> histogram: each brush is one `lab.drag` (press, --steps pointer moves, release)
  over a random rectangle of the scatter (same seed, so the same fractions of the plot for
  every engine), timed from the LAST pointer move to the frame after the histogram's last
  DOM change, once every question the page sent has been answered and the histogram has been
  quiet for 400 ms. vibew's scatter sets its brush on release: the kernel echoes the
  predicate to the linked histogram, whose page then asks the kernel for its 64 counts.
  median and max are over ALL brushes, the first included; "first brush" is also shown apart:
  it pays for a build (vibew: the kernel's cube of the brush's bins, ~2 s at 50M rows;
  Mosaic: its pre-aggregated table, whose build starts when the pointer enters the plot);
- bytes_per_brush: payload bytes of every kernel websocket frame the page received from the
  start of the drag until it settled (status messages included), median over brushes. For
  vibew that is the predicate's state echo and the histogram's answer (64 float64 counts),
  ~1-2 KB with their envelopes, whatever the table's size.

The table printed has rows, engine, median, max, first brush, first paint (ms) and
bytes/brush, then a line of details per engine (every brush's time; vibew: the question's
round trip seen on the websocket, Python clock, i.e. the kernel's share; Mosaic: its
pre-aggregation). With --json the last line is a JSON list with one {"rows", "engine",
"median", "max", "first_paint", "bytes_per_brush"} per engine and size (ms, ms, ms, bytes).

--kernel also prints, first, the kernel side alone (no browser), as this script measured
before: the generated `_source.py` answering, from a fresh source, the first paint's
questions (a 256 x 256 density and a 64-bin histogram) and the brushes' histograms (the
bigdata.brushes() predicates), for every engine but mosaic.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
CACHE = Path("/tmp/vibew-bigdata")
ENGINES = ["duckdb", "mosaic", "ibis-duckdb", "ibis-polars", "spark", "pandas"]
BINS = 64
GRID = 256


def load_source_module() -> ModuleType:
    """The generated `_source.py`, rendered from vibew's template."""
    sys.path.insert(0, str(REPO))
    from vibewidget_cli.render import _environment

    module = ModuleType("bigdata_source")
    text = _environment().get_template("_shared/_source.py.j2").render()
    exec(compile(text, "_source.py", "exec"), module.__dict__)
    return module


def flights(rows: int) -> Path:
    """The cached Parquet file of `rows` flights, made with DuckDB the first time."""
    import duckdb

    path = CACHE / f"flights-{rows}.parquet"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    connection = duckdb.connect()
    connection.execute("SELECT setseed(0.15)").fetchall()
    # Delays skewed late as real ones are, distances mostly short, departures in the day.
    connection.sql(
        """
        SELECT
            round(-10 + 25 * ln(1 / (1 - 0.999 * random())) * random(), 1)::FLOAT AS delay,
            round(80 + 2500 * pow(random(), 2))::FLOAT AS distance,
            round(5 + 19 * random(), 2)::FLOAT AS time
        FROM range(?)
        """,
        params=[rows],
    ).write_parquet(str(partial))
    os.replace(partial, path)
    return path


def make_source(module: ModuleType, engine: str, path: Path, spark: Any) -> Any:
    if engine == "duckdb":
        return module.as_source(str(path))
    if engine == "pandas":
        import pandas as pd

        return module.as_source(pd.read_parquet(path))
    import ibis

    if engine == "spark":
        return module.as_source(ibis.pyspark.connect(spark).read_parquet(str(path)))
    backend = getattr(ibis, engine.removeprefix("ibis-")).connect()
    return module.as_source(backend.read_parquet(path))


def brushes(count: int, seed: int = 15) -> list[dict[str, tuple[float, float]]]:
    rng = np.random.default_rng(seed)
    chosen = []
    for _ in range(count):
        distance = np.sort(rng.uniform(80, 2580, 2))
        delay = np.sort(rng.uniform(-10, 150, 2))
        chosen.append(
            {
                "distance": (float(distance[0]), float(distance[1])),
                "delay": (float(delay[0]), float(delay[1])),
            }
        )
    return chosen


def measure_kernel(
    module: ModuleType, engine: str, path: Path, count: int, spark: Any
) -> dict[str, Any]:
    source = make_source(module, engine, path, spark)  # pandas: the frame is read here
    started = time.perf_counter()
    source.density("distance", "delay", nx=GRID, ny=GRID)
    first = source.histogram("delay", bins=BINS)
    first_answers = (time.perf_counter() - started) * 1000
    times, sizes = [], set()
    for where in brushes(count):
        began = time.perf_counter()
        answer = source.histogram("delay", bins=BINS, lo=first.lo, hi=first.hi, where=where)
        times.append((time.perf_counter() - began) * 1000)
        asked = len(json.dumps({name: list(ends) for name, ends in where.items()}))
        sizes.add(asked + answer.counts.nbytes + 8)  # + the missing count
    return {
        "median": round(statistics.median(times), 1),
        "max": round(max(times), 1),
        "first_answers": round(first_answers, 1),
        "bytes_per_brush": max(sizes),
    }


def start_spark() -> Any:
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .appName("vibew-bigdata")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


# --------------------------------------------------------------------------- the page


COMMANDS = [
    ["new", "scatter", "flight delays vs distance", "--exports", "brush"],
    ["new", "histogram", "histogram of delays, filtered by the brush", "--imports",
     "scatter.brush"],
]  # fmt: skip

SPARK = """\
import warnings

from pyspark.sql import SparkSession

warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)
spark = (
    SparkSession.builder.master("local[2]")
    .appName("vibew-bigdata")
    .config("spark.ui.enabled", "false")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.sql.session.timeZone", "UTC")
    .getOrCreate()
)
source = ibis.pyspark.connect(spark).read_parquet({path!r})"""

OPEN = {
    "duckdb": "source = {path!r}",
    "pandas": "import pandas as pd\nsource = pd.read_parquet({path!r})",
    "ibis-duckdb": "source = ibis.duckdb.connect().read_parquet({path!r})",
    "ibis-polars": "source = ibis.polars.connect().read_parquet({path!r})",
    "spark": SPARK,
}

SETUP = """\
import time

import ibis
from widgets.histogram import Histogram
from widgets.scatter import Scatter
from widgets.wiring import link

{open}"""

SHOW = """\
started = time.time()
scatter = Scatter(source, x="distance", y="delay", max_rows={max_rows})
histogram = Histogram(source, column="delay", bins=64, max_rows={max_rows})
links = link(scatter=scatter, histogram=histogram)
display(scatter, histogram)
shown = time.time()"""

# Page side, installed before JupyterLab loads (as mosaic_side.WATCH, for vibew's classes).
WATCH = r"""
window.vibewBench = {painted: 0, down: 0, up: 0, moves: 0, lastMove: 0, mutations: 0,
                     lastMutation: 0, lastFrame: 0, asked: 0, askId: '', answered: 0};
const drawn = () => {
  const scatter = document.querySelector('.scatter [role=status]');
  const bars = document.querySelector('.histogram svg g.bars');
  return Boolean(scatter && /counted in the kernel/.test(scatter.textContent)
                 && bars && bars.childElementCount);
};
let watched = null;
new MutationObserver(() => {
  const b = window.vibewBench;
  if (!b.painted && drawn()) {
    b.painted = -1;
    requestAnimationFrame(() => { b.painted = Date.now(); });
  }
  const box = document.querySelector('.histogram');
  if (box && box !== watched) {
    watched = box;
    new MutationObserver(() => {
      b.mutations += 1;
      b.lastMutation = performance.now();
      const n = b.mutations;
      requestAnimationFrame(() => { if (b.mutations === n) b.lastFrame = performance.now(); });
    }).observe(box, {subtree: true, childList: true, attributes: true, characterData: true});
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
window.addEventListener('pointerdown', () => {
  window.vibewBench.down = performance.now();
}, true);
window.addEventListener('pointerup', () => {
  window.vibewBench.up = performance.now();
}, true);
window.addEventListener('pointermove', (e) => {
  if (e.buttons) { window.vibewBench.moves += 1; window.vibewBench.lastMove = performance.now(); }
}, true);
// When the histogram's question leaves and its answer arrives (page clock): where a brush's
// time goes. Frames are read as text: the JSON of a Jupyter message is in them as text.
const text = (d) => (typeof d === 'string' ? d
  : d instanceof ArrayBuffer || ArrayBuffer.isView(d) ? new TextDecoder().decode(d) : '');
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  const b = window.vibewBench;
  if (!this.vibewWatched) {
    this.vibewWatched = true;
    this.addEventListener('message', (e) => {
      if (!b.askId || b.answered) return;
      if (new RegExp(`"id"\\s*:\\s*"${b.askId}"`).test(text(e.data))) b.answered = performance.now();
    });
  }
  const sent = text(data);
  const id = /"ask"\s*:\s*"histogram"/.test(sent) && /"id"\s*:\s*"([0-9a-z]+-\d+)"/.exec(sent);
  if (id) { b.asked = performance.now(); b.askId = id[1]; b.answered = 0; }
  return send.call(this, data);
};
"""

_ASK = re.compile(rb'"ask"\s*:\s*"(\w+)"')
_ID = re.compile(rb'"id"\s*:\s*"([0-9a-z]+-\d+)"')


def _wire_class():
    from mosaic_side import Wire

    class AskWire(Wire):
        """mosaic_side.Wire for vibew's pages: a question is a custom message `{ask, id}`,
        its answer `{id, ...}` with the counts as buffers."""

        def _sent(self, payload) -> None:
            data = self._bytes(payload)
            ask, key = _ASK.search(data), _ID.search(data)
            if ask and key:
                self.open[key[1].decode()] = (time.perf_counter(), ask[1].decode(), "")
                self.asked[key[1].decode()] = time.time()

        def _received(self, payload) -> None:
            data = self._bytes(payload)
            self.received += len(data)
            self.frames += 1
            key = _ID.search(data)
            if key and key[1].decode() in self.open:
                sent, kind, _ = self.open.pop(key[1].decode())
                self.done.append((kind, "", time.perf_counter() - sent))
                self.log.append((kind, self.asked.pop(key[1].decode()), time.time()))
                self.answer_bytes += len(data)
                self.last_answer = time.perf_counter()

    wire = AskWire()
    wire.asked, wire.log = {}, []  # id -> wall clock; (question, asked, answered) on it
    return wire


def make_notebook(folder: Path, engine: str, path: Path, max_rows: int) -> Path:
    """The notebook's folder with vibew's two widgets in it, and the notebook."""
    import lab

    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "widgets").exists():
        for args in COMMANDS:
            subprocess.run(
                [sys.executable, "-m", "vibewidget_cli", *args],
                cwd=folder,
                check=True,
                capture_output=True,
                timeout=120,
            )
    setup = SETUP.format(open=OPEN[engine].format(path=str(Path(path).resolve())))
    return lab.write_notebook(
        folder / f"{engine}-{path.stem}.ipynb", [setup, SHOW.format(max_rows=max_rows)]
    )


def wait_for_paint(page, errors: list[str], server, timeout: float = 900) -> None:
    import lab

    deadline = time.monotonic() + timeout
    while not page.evaluate("window.vibewBench.painted > 0"):
        if errors or time.monotonic() > deadline:
            shown = page.evaluate(
                "[...document.querySelectorAll('[role=status]')].map((e) => e.textContent)"
            )
            raise RuntimeError(
                f"the widgets did not paint; captions: {shown}\npage errors: {errors}\n"
                f"notebook:\n{lab.notebook_outputs(page)}\nserver log:\n{server.log_tail()}"
            )
        page.wait_for_timeout(100)


def measure_vibew(
    engine: str,
    path: Path,
    rows: int,
    brushes: int,
    workdir: Path,
    steps: int = 5,
    seed: int = 0,
    max_rows: int = 100_000,
) -> dict[str, Any]:
    """vibew's scatter and linked histogram in JupyterLab on `path`, as measure_mosaic times
    Mosaic (same figures, same brushes for the same seed). Also returns "first_brush",
    "answer_bytes_per_brush", "frames_per_brush", "asks_per_brush" (medians), "ask_ms" (the
    histogram question's round trip per brush, Python clock on the websocket frames),
    "split_ms" (per brush, page clock: last move -> release -> histogram's question sent
    -> its answer received -> frame after the redraw) and "brush_times"."""
    import lab
    from mosaic_side import settle
    from playwright.sync_api import sync_playwright

    workdir = Path(workdir)
    root, state, profile = workdir / "root", workdir / "state", workdir / "profile"
    notebook = make_notebook(root / engine, engine, path, max_rows)
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
                wire = _wire_class()
                wire.attach(page)
                page.add_init_script(WATCH)
                lab.open_and_run_notebook(
                    page, server.base_url, server.relpath(notebook), timeout=900
                )
                wait_for_paint(page, errors, server)
                settle(page, wire, bench="vibewBench")
                started = float(lab.run_code(page, "print(repr(started))"))
                first_paint = page.evaluate("window.vibewBench.painted") - started * 1000
                cell = 1000 * (float(lab.run_code(page, "print(repr(shown))")) - started)
                # The first paint's questions on the websocket, ms from the cell's start.
                paint = [(k, 1000 * (a - started), 1000 * (b - started)) for k, a, b in wire.log]
                caption = page.locator(".histogram [role=status]")
                if "selected" in caption.inner_text():
                    raise RuntimeError(f"a selection before any brush: {caption.inner_text()}")

                surface = page.locator(".scatter svg").first
                surface.scroll_into_view_if_needed()
                times, received, answers, frames, asks, asked, split = ([] for _ in range(7))
                for _ in range(brushes):
                    left, top = rng.uniform(0.05, 0.6), rng.uniform(0.05, 0.6)
                    width, height = rng.uniform(0.1, 0.35), rng.uniform(0.1, 0.35)
                    before = (wire.received, wire.answer_bytes, wire.frames, len(wire.done))
                    page.evaluate("window.vibewBench.mutations = 0")
                    lab.drag(page, surface, (left, top), (left + width, top + height), steps)
                    settle(page, wire, bench="vibewBench", changed=True)
                    bench = page.evaluate("window.vibewBench")
                    if bench["lastMutation"] < bench["lastMove"]:
                        raise RuntimeError(f"the histogram did not change after a brush: {bench}")
                    if "selected" not in caption.inner_text():
                        raise RuntimeError(f"no selection after a brush: {caption.inner_text()}")
                    times.append(bench["lastFrame"] - bench["lastMove"])
                    # last move -> release -> question sent (the brush's round trip through
                    # the kernel's link) -> answer received -> frame after the redraw
                    marks = [bench[k] for k in ("lastMove", "up", "asked", "answered")]
                    split.append(
                        [
                            b - a
                            for a, b in zip(marks, [*marks[1:], bench["lastFrame"]], strict=True)
                        ]
                    )
                    received.append(wire.received - before[0])
                    answers.append(wire.answer_bytes - before[1])
                    frames.append(wire.frames - before[2])
                    new = wire.done[before[3] :]
                    asks.append(len(new))
                    asked.append(sum(1000 * took for _, _, took in new))
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
        "cell_ms": cell,
        "paint_asks": paint,
        "answer_bytes_per_brush": statistics.median(answers),
        "frames_per_brush": statistics.median(frames),
        "asks_per_brush": statistics.median(asks),
        "ask_ms": asked,
        "split_ms": split,
        "brush_times": times,
    }


def measure_page(engine: str, path: Path, rows: int, args, workdir: Path) -> tuple[dict, str]:
    """The page's figures for one engine and a line of details for the report."""
    if engine == "mosaic":
        from mosaic_side import measure_mosaic

        r = measure_mosaic(path, rows, args.brushes, workdir / "mosaic", steps=args.steps)
        detail = (
            f"pre-aggregation {r['preagg_ms']:.0f} ms ({r['preagg_rows']:,} rows), "
            f"first brush {r['first_brush_from_press']:.0f} ms from its press; "
            f"{r['answer_bytes_per_brush']:,.0f} B in answers, {r['frames_per_brush']:.0f} "
            f"frames, {r['queries_per_brush']:.0f} queries a brush"
        )
    else:
        r = measure_vibew(
            engine, path, rows, args.brushes, workdir, steps=args.steps, max_rows=args.max_rows
        )
        later = r["split_ms"][1:] or r["split_ms"]
        parts = " + ".join(f"{statistics.median(p[i] for p in later):.0f}" for i in range(4))
        detail = (
            f"brushes after the first, medians (page clock): move->release + ->question sent "
            f"+ ->answer + ->drawn = {parts} ms; question round trip on the websocket (Python "
            f"clock) first {r['ask_ms'][0]:.0f} ms, then {statistics.median(r['ask_ms'][1:] or r['ask_ms']):.0f}"
            f" ms;\n{'':16}{r['answer_bytes_per_brush']:,.0f} B in answers, "
            f"{r['frames_per_brush']:.0f} frames, {r['asks_per_brush']:.0f} questions a brush;"
            f"\n{'':16}first paint, ms from the cell's start: cell ran {r['cell_ms']:.0f}; "
            + "; ".join(f"{k} asked +{a:.0f}, answered +{b:.0f}" for k, a, b in r["paint_asks"])
            + f"; painted +{r['first_paint']:.0f}"
        )
    times = " ".join(f"{t:.0f}" for t in r["brush_times"])
    return r, f"{detail}\n{'':16}brush times: {times} ms"


def kernel_table(args) -> None:
    """The kernel side alone, as this script measured before (see the docstring)."""
    module = load_source_module()
    engines = [e for e in args.engines if e != "mosaic"]
    spark = start_spark() if "spark" in engines else None
    head = (
        f"{'rows':>12}  {'engine':<12} {'median ms':>10} {'max ms':>9} "
        f"{'first answers ms':>17} {'bytes/brush':>12}"
    )
    print("kernel side only: brush -> histogram of delay under a range on (distance, delay)")
    print(head)
    print("-" * len(head))
    for rows in args.rows:
        path = flights(rows)
        for engine in engines:
            f = measure_kernel(module, engine, path, args.brushes, spark)
            print(
                f"{rows:>12,}  {engine:<12} {f['median']:>10} {f['max']:>9} "
                f"{f['first_answers']:>17} {f['bytes_per_brush']:>12}"
            )
    if spark is not None:
        spark.stop()
    print(
        "first answers: a fresh source's 256 x 256 density and 64-bin histogram, extents "
        "included;\nbytes/brush: the predicate's JSON + 64 float64 counts + the missing count.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[50_000_000])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=["duckdb", "mosaic"])
    parser.add_argument("--brushes", type=int, default=10, help="brushes per engine and size")
    parser.add_argument("--steps", type=int, default=5, help="pointer moves per brush drag")
    parser.add_argument(
        "--max-rows", type=int, default=100_000, help="vibew widgets' max_rows (below --rows)"
    )
    parser.add_argument(
        "--kernel", action="store_true", help="first print the kernel side alone (no browser)"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list last")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import mosaic_side  # noqa: F401  (puts tests/e2e on sys.path, for lab)

    if args.kernel:
        kernel_table(args)
    head = (
        f"{'rows':>12}  {'engine':<12} {'median ms':>10} {'max ms':>9} {'first brush ms':>15} "
        f"{'first paint ms':>15} {'bytes/brush':>12}"
    )
    print(
        f"brush on the scatter -> linked histogram redrawn, JupyterLab + headless Chromium, "
        f"{args.brushes} brushes of {args.steps} moves, {os.cpu_count()} cores "
        f"(load average {os.getloadavg()[0]:.1f})"
    )
    print(head)
    print("-" * len(head))
    results = []
    with tempfile.TemporaryDirectory(prefix="vibew-bigdata-") as temp:
        for rows in args.rows:
            path = flights(rows)
            for engine in args.engines:
                r, detail = measure_page(engine, path, rows, args, Path(temp) / str(rows))
                entry = {"rows": rows, "engine": engine}
                entry |= {k: round(r[k], 1) for k in ("median", "max", "first_paint")}
                entry["bytes_per_brush"] = round(r["bytes_per_brush"])
                results.append(entry)
                print(
                    f"{rows:>12,}  {engine:<12} {r['median']:>10.0f} {r['max']:>9.0f} "
                    f"{r['first_brush']:>15.0f} {r['first_paint']:>15.0f} "
                    f"{r['bytes_per_brush']:>12,.0f}\n{'':16}{detail}",
                    flush=True,
                )
    print(
        "median, max: last pointer move -> frame after the histogram's last change, over all "
        "brushes (the first included);\nfirst paint: display cell's start (kernel clock) -> "
        "frame after both plots drew; bytes/brush: kernel websocket payload the page received."
    )
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
