"""How a DataFrame and a row selection reach the front end: vibew's binary columns vs JSON.

    python benchmarks/transport.py [--rows 100000 1000000] [--repeat 7]

For each frame size it renders a widgets package with `vibew new`, imports the generated
`_traits.py` and `Scatter`, and measures in the same run:

- ours: `encode_table(frame)` (what the `Table` trait's to_json does with every column),
  then splitting out the buffers and `json.dumps` of the rest, as ipywidgets does before
  sending;
- Scatter(df): making the generated scatter widget of the frame: validation, the change
  notification and the encoding of the columns it draws (x and y), as a user pays it;
- records: the path of runtime generators: `frame.to_dict("records")`, NaN -> None, `json.dumps`;
- vibe-widget: Vibe-Widget 0.3.3's own path, its real functions
  (`clean_for_json(df.to_dict(orient="records"))`, as `VibeWidget.__init__` does, then
  `json.dumps` as the kernel does for its `data` list trait). Only when `vibe_widget` is
  importable: `pip install -e ".[bench]"` installs it (a benchmark extra, never a
  dependency); or point `--vibe-widget-python` at another environment's Python that has it.

The frame has 2 float64 columns (1% NaN), 1 int64 column and 1 text column of 20 distinct
~20-character values in pandas' default string dtype. Then: assigning a 500k-row selection
to `RowIndices` vs `traitlets.List(traitlets.Int())`.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import traitlets

# Targets from the issue (on a 2-core machine).
ENCODE_BUDGET_MS = 100  # 1M rows
PAYLOAD_BUDGET = 1.1  # x raw column bytes
SPEEDUP_TARGET = 50  # x faster than the records path
VIBE_WIDGET_TARGET = 100  # Scatter(df) x faster than Vibe-Widget 0.3.3's path
SELECTION_ROWS = 500_000


def load_widgets(folder: Path) -> tuple[Any, Any]:
    """`_traits.py` and the `Scatter` class as `vibew new` writes them, imported from `folder`."""
    done = subprocess.run(
        [sys.executable, "-m", "vibewidget_cli", "new", "scatter", "points"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"vibew new failed:\n{done.stderr}")
    sys.path.insert(0, str(folder))
    traits = importlib.import_module("widgets._traits")
    return traits, importlib.import_module("widgets.scatter").Scatter


# Vibe-Widget 0.3.3's path, run where vibe_widget is installed: its own functions, as
# `VibeWidget.__init__` calls them (core/widget.py), then JSON as the kernel sends a list trait.
VIBE_WIDGET_SCRIPT = """\
import json, pickle, statistics, sys, time
from vibe_widget.utils.serialization import clean_for_json
frame, repeat = pickle.load(sys.stdin.buffer)
times = []
for _ in range(repeat):
    start = time.perf_counter()
    size = len(json.dumps(clean_for_json(frame.to_dict(orient="records"))).encode())
    times.append(time.perf_counter() - start)
print(json.dumps([statistics.median(times), size]))
"""


def vibe_widget_python(given: str | None) -> str | None:
    """The Python that has vibe_widget: `given`, else this one if it imports it."""
    if given:
        return given
    return sys.executable if importlib.util.find_spec("vibe_widget") else None


def send_vibe_widget(python: str, frame: pd.DataFrame, repeat: int) -> tuple[float, int]:
    """Median seconds and JSON bytes of Vibe-Widget's path, in `python` (a fresh process, so
    its imports and memory stay out of the other figures)."""
    import pickle

    done = subprocess.run(
        [python, "-c", VIBE_WIDGET_SCRIPT],
        input=pickle.dumps((frame, repeat)),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"Vibe-Widget's path failed in {python}:\n{done.stderr.decode()}")
    seconds, size = json.loads(done.stdout)
    return seconds, size


def make_frame(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    labels = np.array([f"departure airport {i:02d}" for i in range(20)])  # 20 chars each
    x = rng.normal(size=rows)
    x[rng.random(rows) < 0.01] = np.nan
    y = rng.normal(size=rows)
    y[rng.random(rows) < 0.01] = np.nan
    return pd.DataFrame(
        {
            "x": x,
            "y": y,
            "count": rng.integers(0, 1_000_000, rows),
            "label": pd.Series(labels[rng.integers(0, 20, rows)], dtype="str"),
        }
    )


def raw_column_bytes(frame: pd.DataFrame) -> int:
    """Bytes of the values at a fixed width per row: 8 per float64 or int64 value, and for
    text 4 per row (an int32 dictionary code) plus each distinct value's UTF-8 once.

    Text has no fixed width in pandas (Arrow strings keep offsets + characters, object
    columns pointers to Python strings), so its smallest lossless fixed-width form is
    used: the bar the payload is held to is then the strictest one."""
    total = 0
    for _, series in frame.items():
        if pd.api.types.is_numeric_dtype(series.dtype):
            total += len(series) * series.dtype.itemsize
        else:
            total += 4 * len(series) + sum(len(str(v).encode()) for v in series.dropna().unique())
    return total


def split_buffers(value: Any, buffers: list[memoryview]) -> Any:
    """The state with every memoryview taken out, as ipywidgets does before sending."""
    if isinstance(value, memoryview):
        buffers.append(value)
        return None
    if isinstance(value, dict):
        return {k: split_buffers(v, buffers) for k, v in value.items()}
    if isinstance(value, list):
        return [split_buffers(v, buffers) for v in value]
    return value


def send_ours(traits: Any, frame: pd.DataFrame) -> int:
    buffers: list[memoryview] = []
    text = json.dumps(split_buffers(traits.encode_table(frame), buffers))
    return len(text.encode()) + sum(b.nbytes for b in buffers)


def send_records(frame: pd.DataFrame) -> int:
    records = frame.to_dict("records")
    clean = [
        {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
        for row in records
    ]
    return len(json.dumps(clean).encode())


def timed(function: Any, repeat: int) -> tuple[float, Any]:
    """Median seconds over `repeat` runs, and the last result."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def scatter_bytes(widget: Any) -> int:
    """What the widget sends of its table: buffer bytes plus the rest as JSON."""
    buffers: list[memoryview] = []
    text = json.dumps(split_buffers(widget.get_state("data")["data"], buffers))
    return len(text.encode()) + sum(b.nbytes for b in buffers)


def table_rows(
    traits: Any, scatter: Any, rows: int, repeat: int, vibe_widget: str | None
) -> dict[str, float]:
    frame = make_frame(rows)
    slow = max(1, min(repeat, 3))
    ours_time, ours_bytes = timed(lambda: send_ours(traits, frame), repeat)
    scatter_time, widget = timed(lambda: scatter(frame), repeat)
    records_time, records_bytes = timed(lambda: send_records(frame), slow)
    result = {
        "rows": rows,
        "ours_ms": ours_time * 1e3,
        "ours_bytes": ours_bytes,
        "scatter_ms": scatter_time * 1e3,
        "scatter_bytes": scatter_bytes(widget),
        "records_ms": records_time * 1e3,
        "records_bytes": records_bytes,
        "raw_bytes": raw_column_bytes(frame),
        "pandas_bytes": int(frame.memory_usage(deep=True, index=False).sum()),
    }
    if vibe_widget:
        seconds, size = send_vibe_widget(vibe_widget, frame, slow)
        result |= {"vibe-widget_ms": seconds * 1e3, "vibe-widget_bytes": size}
    return result


def selection_times(traits: Any, repeat: int) -> dict[str, float]:
    class Rows(traitlets.HasTraits):
        fast = traits.RowIndices()
        plain = traitlets.List(traitlets.Int())

    rng = np.random.default_rng(1)
    array = np.sort(rng.choice(1_000_000, SELECTION_ROWS, replace=False))
    as_list = array.tolist()
    holder = Rows()

    def assign(name: str, value: Any) -> None:
        setattr(holder, name, [0])  # a different value first, so each run is a real change
        setattr(holder, name, value)

    to_json = holder.traits()["fast"].metadata["to_json"]
    return {
        "rows_array_ms": timed(lambda: assign("fast", array), repeat)[0] * 1e3,
        "rows_list_ms": timed(lambda: assign("fast", as_list), repeat)[0] * 1e3,
        "list_ms": timed(lambda: assign("plain", as_list), max(1, min(repeat, 3)))[0] * 1e3,
        "rows_wire_bytes": to_json(holder.fast, None).nbytes,
        "list_wire_bytes": len(json.dumps(holder.plain).encode()),
    }


def megabytes(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=7, help="runs per figure (median)")
    parser.add_argument(
        "--vibe-widget-python",
        help="a Python with vibe-widget 0.3.3 installed (default: this one, if it has it)",
    )
    args = parser.parse_args()
    vibe_widget = vibe_widget_python(args.vibe_widget_python)

    folder = tempfile.TemporaryDirectory()  # kept until the end: Scatter reads its files
    traits, scatter = load_widgets(Path(folder.name))
    print(
        f"pandas {pd.__version__}, numpy {np.__version__}, {os.cpu_count()} cores (load average "
        f"{os.getloadavg()[0]:.1f}); "
        f"median of {args.repeat} runs (3 for the slow JSON paths)"
    )
    print(
        f"Vibe-Widget's path: in {vibe_widget}\n"
        if vibe_widget
        else "Vibe-Widget's path: skipped (no vibe_widget here: pip install -e '.[bench]')\n"
    )
    results = [table_rows(traits, scatter, rows, args.repeat, vibe_widget) for rows in args.rows]
    paths = ["ours", "scatter", "records"] + (["vibe-widget"] if vibe_widget else [])

    head = f"{'rows':>10} | {'path':<23} | {'encode':>10} | {'payload':>9} | {'x raw':>6}"
    print("DataFrame -> front end (2 float64, 1 int64, 1 text column of 20 values)")
    print(head)
    print("-" * len(head))
    for r in results:
        for path in paths:
            label = "Scatter(df)" if path == "scatter" else path
            print(
                f"{r['rows']:>10,} | {label:<23} | {r[path + '_ms']:>7.1f} ms | "
                f"{megabytes(r[path + '_bytes']):>9} | {r[path + '_bytes'] / r['raw_bytes']:>5.2f}x"
            )
        for slow in paths[2:]:
            for fast, name in (("ours", "ours"), ("scatter", "Scatter(df)")):
                print(
                    f"{'':>10} | {slow + '/' + name:<23} | {r[slow + '_ms'] / r[fast + '_ms']:>9.0f}x |"
                )
    print(
        "\nencode: ours = encode_table (every column) + json.dumps of all but the buffers;\n"
        "  Scatter(df) = making the widget, which encodes the two columns it draws;\n"
        '  records = to_dict("records") + NaN -> None + json.dumps; vibe-widget =\n'
        '  clean_for_json(to_dict(orient="records")) + json.dumps, its own functions.\n'
        "payload: ours = buffer bytes + that JSON; records and vibe-widget = the JSON text.\n"
        "x raw: payload / raw column bytes, where raw = 8 B per float64 or int64 value + 4 B per\n"
        "  text value (its int32 dictionary code) + each distinct text once: the smallest\n"
        "  fixed-width form of the columns. Ours is below 1 because integers that fit travel\n"
        "  as int32."
    )
    for r in results:
        print(
            f"  raw at {r['rows']:,} rows: {megabytes(r['raw_bytes'])} "
            f"(pandas memory_usage(deep=True): {megabytes(r['pandas_bytes'])})"
        )

    selection = selection_times(traits, args.repeat)
    print(f"\nSelection of {SELECTION_ROWS:,} rows assigned in Python (validation + notification)")
    print(f"  RowIndices <- numpy array          {selection['rows_array_ms']:8.1f} ms")
    print(f"  RowIndices <- list                 {selection['rows_list_ms']:8.1f} ms")
    print(f"  List(Int()) <- list                {selection['list_ms']:8.1f} ms")
    print(
        f"  ratio List / RowIndices           {selection['list_ms'] / selection['rows_array_ms']:8.0f}x "
        f"(array), {selection['list_ms'] / selection['rows_list_ms']:.0f}x (list)"
    )
    print(
        f"  on the wire: {megabytes(selection['rows_wire_bytes'])} int32 buffer vs "
        f"{megabytes(selection['list_wire_bytes'])} JSON list"
    )

    print("\nTargets")
    largest = max(results, key=lambda r: r["rows"])
    checks = [
        (
            f"{largest['rows']:,} rows encoded in <= {ENCODE_BUDGET_MS} ms",
            largest["ours_ms"] <= ENCODE_BUDGET_MS,
            f"{largest['ours_ms']:.1f} ms",
        ),
        *(
            (
                f"payload <= {PAYLOAD_BUDGET}x raw column bytes at {r['rows']:,} rows",
                r["ours_bytes"] <= PAYLOAD_BUDGET * r["raw_bytes"],
                f"{r['ours_bytes'] / r['raw_bytes']:.2f}x",
            )
            for r in results
        ),
        *(
            (
                f">= {SPEEDUP_TARGET}x faster than records at {r['rows']:,} rows",
                r["records_ms"] >= SPEEDUP_TARGET * r["ours_ms"],
                f"{r['records_ms'] / r['ours_ms']:.0f}x",
            )
            for r in results
        ),
        (
            f"Scatter(df) >= {SPEEDUP_TARGET}x faster than records at {largest['rows']:,} rows",
            largest["records_ms"] >= SPEEDUP_TARGET * largest["scatter_ms"],
            f"{largest['records_ms'] / largest['scatter_ms']:.0f}x",
        ),
    ]
    compared = (("scatter", "Scatter(df)"), ("ours", "every column")) if vibe_widget else ()
    for path, name in compared:
        ratio = largest["vibe-widget_ms"] / largest[path + "_ms"]
        checks.append(
            (
                f"{name} >= {VIBE_WIDGET_TARGET}x faster than Vibe-Widget 0.3.3 at "
                f"{largest['rows']:,} rows",
                ratio >= VIBE_WIDGET_TARGET,
                f"{ratio:.0f}x",
            )
        )
    for label, met, figure in checks:
        print(f"  {'met ' if met else 'MISSED'}  {label}: {figure}")


if __name__ == "__main__":
    main()
