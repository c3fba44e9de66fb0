"""What one brush costs the kernel when the table is too big to send (issue 15, kernel side).

    python benchmarks/bigdata.py [--rows 50000000] [--engines duckdb pandas mosaic]
                                 [--brushes 20] [--json]

A flights-like Parquet file of N rows (`delay`, `distance`, `time`; minutes, miles, hours)
is made once with DuckDB and cached under /tmp/vibew-bigdata. For each engine the generated
`_source.py` (vibew's template, rendered here) answers, from a fresh source:

- first answers: what the two widgets of the issue's page ask before they paint, a scatter's
  256 x 256 density of (distance, delay) and a histogram of 64 bins of delay, extents
  included (the kernel's share of the first paint; the browser's is for the next step);
- brush -> histogram: the 64 counts of delay, on the bins of the first paint, under a random
  range predicate on (distance, delay), as a brush on the scatter asks; median and max
  over --brushes brushes (milliseconds);
- bytes per brush: the predicate the page sends (its JSON) plus the answer (the counts as
  float64 and the missing count): the same whatever the size of the table.

Engines: duckdb (a Parquet path, read by DuckDB), pandas (the file's columns in memory,
up to --pandas-max rows), ibis-duckdb, ibis-polars and spark (Ibis on PySpark in local
mode). mosaic (mosaic-widget beside us) needs the browser, which this script does not drive
yet: it is listed with null figures. With --json the last line is a JSON list of {"rows",
"engine", "median", "max", "first_paint", "bytes_per_brush"}; first_paint is null until
the browser is measured (the table prints the kernel's first answers).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
CACHE = Path("/tmp/vibew-bigdata")
ENGINES = ["duckdb", "pandas", "ibis-duckdb", "ibis-polars", "spark", "mosaic"]
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


def measure(module: ModuleType, engine: str, path: Path, count: int, spark: Any) -> dict[str, Any]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[50_000_000])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=["duckdb", "pandas"])
    parser.add_argument("--brushes", type=int, default=20, help="brushes per engine and size")
    parser.add_argument(
        "--pandas-max", type=int, default=10_000_000, help="largest table pandas holds here"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list last")
    args = parser.parse_args()

    module = load_source_module()
    spark = start_spark() if "spark" in args.engines else None
    results = []
    head = f"{'rows':>12}  {'engine':<12} {'median ms':>10} {'max ms':>9} {'first answers ms':>17} {'bytes/brush':>12}"
    print("brush -> histogram of delay under a range on (distance, delay), kernel side")
    print(head)
    print("-" * len(head))
    for rows in args.rows:
        path = flights(rows)
        for engine in args.engines:
            entry = {"rows": rows, "engine": engine, "median": None, "max": None}
            entry |= {"first_paint": None, "bytes_per_brush": None}
            if engine == "mosaic":
                note = "needs the browser (not driven yet)"
            elif engine == "pandas" and rows > args.pandas_max:
                note = f"over --pandas-max {args.pandas_max:,}"
            else:
                figures = measure(module, engine, path, args.brushes, spark)
                entry |= {k: figures[k] for k in ("median", "max", "bytes_per_brush")}
                note = ""
                print(
                    f"{rows:>12,}  {engine:<12} {figures['median']:>10} {figures['max']:>9} "
                    f"{figures['first_answers']:>17} {figures['bytes_per_brush']:>12}"
                )
            if note:
                print(f"{rows:>12,}  {engine:<12} {note}")
            results.append(entry)
    if spark is not None:
        spark.stop()
    print(
        "\nfirst answers: a fresh source's 256 x 256 density and 64-bin histogram, extents "
        "included;\nbytes/brush: the predicate's JSON + 64 float64 counts + the missing count."
    )
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
