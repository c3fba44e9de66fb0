"""Tables too big to send (issue 15) in real JupyterLab: a scatter that exports its brush as
a predicate and a linked histogram, over 50 million rows of Parquet read by DuckDB, and over
Ibis tables on Polars and on PySpark (local mode). The page asks the kernel for what it
draws; a brush on the scatter must redraw the histogram with the rows it holds, which a
query of our own (DuckDB SQL on the file, not the widgets' code) counts alike; a predicate
set in Python must reach both pages. With VIBEW_UPDATE_SCREENSHOTS=1 the brushed 50M-row
widgets are saved as docs/screenshots/bigdata.png for the README.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from lab import (
    assert_no_page_errors,
    drag,
    open_and_run_notebook,
    run_code,
    save_screenshots,
    screenshot,
    write_notebook,
)
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bigdata import flights  # the benchmark's file, made once and kept in /tmp

pytestmark = [pytest.mark.e2e]

COMMANDS = [
    ["new", "scatter", "flight delays vs distance", "--exports", "brush"],
    ["new", "histogram", "histogram of delays, filtered by the brush", "--imports",
     "scatter.brush"],
]  # fmt: skip

OPEN = {
    "duckdb": "source = {path!r}",
    "polars": "import ibis\nsource = ibis.polars.connect().read_parquet({path!r})",
    "pyspark": """\
import warnings

import ibis
from pyspark.sql import SparkSession

# PySpark 4 warns once that it does not yet support pandas 3: not our output to test.
warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)

spark = (
    SparkSession.builder.master("local[2]")
    .config("spark.ui.enabled", "false")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.sql.session.timeZone", "UTC")
    .getOrCreate()
)
source = ibis.pyspark.connect(spark).read_parquet({path!r})""",
}

SETUP = """\
{open}
from widgets.histogram import Histogram
from widgets.scatter import Scatter
from widgets.wiring import link

scatter = Scatter(source, x="distance", y="delay", max_rows={max_rows})
histogram = Histogram(source, column="delay", max_rows={max_rows})
links = link(scatter=scatter, histogram=histogram)"""

# Our own count of the rows a predicate holds: DuckDB SQL on the file, not _source.py.
COUNT = """\
import duckdb
def count(where):
    sql = " AND ".join(f'"{{c}}" BETWEEN ? AND ?' for c in where) or "TRUE"
    bounds = [end for c in where for end in where[c]]
    return duckdb.sql(f"SELECT count(*) FROM read_parquet({path!r}) WHERE {{sql}}",
                      params=bounds).fetchall()[0][0]"""

SELECTED = re.compile(r"^delay: ([\d,]+) of ([\d,]+) rows selected$")


def make_notebook(folder: Path, engine: str, path: Path, max_rows: int) -> Path:
    for args in COMMANDS:
        done = subprocess.run(
            [sys.executable, "-m", "vibewidget_cli", *args],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    setup = SETUP.format(open=OPEN[engine].format(path=str(path)), max_rows=max_rows)
    cells = [setup, COUNT.format(path=str(path)), "scatter", "histogram"]
    return write_notebook(folder / f"{engine}.ipynb", cells)


def brush_and_follow(page, jupyter_server, notebook: Path, rows: int, engine: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 1400})
    open_and_run_notebook(page, jupyter_server.base_url, jupyter_server.relpath(notebook))
    scatter = page.locator(".scatter")  # each widget's element has its name as a class
    caption = page.locator(".histogram").get_by_role("status")
    expect(scatter.get_by_role("status")).to_contain_text(
        f"{rows:,} rows, counted in the kernel", timeout=120_000
    )
    expect(caption).to_have_text(f"delay: all {rows:,} rows", timeout=120_000)

    # A brush on the page: the histogram redraws with the rows it holds.
    drag(page, scatter.get_by_role("img"), (0.3, 0.5), (0.7, 0.95), steps=8)
    expect(caption).to_have_text(SELECTED, timeout=120_000)
    shown, total = (int(n.replace(",", "")) for n in SELECTED.match(caption.inner_text()).groups())
    shot = (
        save_screenshots(page, "bigdata", scatter, page.locator(".histogram"))
        if engine == "duckdb"
        else screenshot(page, f"bigdata-{engine}-brush")
    )
    assert total == rows and 0 < shown < rows, f"{caption.inner_text()}; screenshot: {shot}"

    # Python reads the brush as a predicate, on both widgets, and counts it with the engine.
    out = run_code(
        page,
        "print(sorted(scatter.brush), dict(scatter.brush) == dict(histogram.brush),"
        " histogram.source.count(histogram.brush), count(dict(scatter.brush)),"
        " type(scatter.source.filter(scatter.brush)).__name__)",
    )
    lazy = {"duckdb": "DuckDBPyRelation", "polars": "Table", "pyspark": "Table"}[engine]
    assert out == f"['delay', 'distance'] True {shown} {shown} {lazy}", f"{out!r}; {shot}"

    # A predicate set in Python reaches both pages (the scatter draws its brush over it).
    run_code(page, 'scatter.brush = {"distance": (500, 1000)}\nprint(count(scatter.brush))')
    expected = int(run_code(page, "print(count(scatter.brush))"))
    expect(caption).to_have_text(f"delay: {expected:,} of {rows:,} rows selected", timeout=60_000)
    expect(scatter.get_by_role("status")).to_contain_text("A range of distance selected")
    expect(scatter.locator("rect.brush")).to_have_attribute("visibility", "visible")

    # A click clears the selection everywhere.
    box = scatter.get_by_role("img").bounding_box()
    page.mouse.click(box["x"] + 0.5 * box["width"], box["y"] + 0.5 * box["height"])
    expect(caption).to_have_text(f"delay: all {rows:,} rows", timeout=60_000)
    assert run_code(page, "print(dict(scatter.brush), dict(histogram.brush))") == "{} {}"


@pytest.mark.timeout(900)
def test_50_million_rows_of_parquet_on_duckdb(page, page_errors, jupyter_server, jupyter_dir):
    rows = 50_000_000
    notebook = make_notebook(jupyter_dir, "duckdb", flights(rows), max_rows=1_000_000)
    brush_and_follow(page, jupyter_server, notebook, rows, "duckdb")
    assert_no_page_errors(page_errors)


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize(("engine", "rows"), [("polars", 2_000_000), ("pyspark", 500_000)])
def test_the_same_widgets_on_ibis(page, page_errors, jupyter_server, jupyter_dir, engine, rows):
    notebook = make_notebook(jupyter_dir, engine, flights(rows), max_rows=100_000)
    brush_and_follow(page, jupyter_server, notebook, rows, engine)
    assert_no_page_errors(page_errors)


def test_a_dropdown_filters_a_table_and_highlights_a_bar_too_big_to_send(
    page, page_errors, jupyter_server, jupyter_dir
):
    """2 million rows of four airlines (800k, 600k, 400k, 200k): the kernel counts them for
    the dropdown, sums n per airline for the bar chart, and sends the table one page of the
    rows the chosen airline holds."""
    import duckdb

    path = jupyter_dir / "airlines.parquet"
    duckdb.sql(
        "SELECT CASE WHEN i % 10 < 4 THEN 'AA' WHEN i % 10 < 7 THEN 'DL' WHEN i % 10 < 9 "
        "THEN 'UA' ELSE 'WN' END AS airline, i AS n FROM range(2000000) AS t(i)"
    ).write_parquet(str(path))
    for args in (
        ["new", "picker", "-t", "dropdown", "--exports", "selected_airlines"],
        ["new", "rows", "-t", "table", "--imports", "picker.selected_airlines"],
        ["new", "totals", "-t", "bar", "--imports", "picker.selected_airlines"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "vibewidget_cli", *args],
            cwd=jupyter_dir, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    setup = (
        "from widgets import Picker, Rows\nfrom widgets.wiring import link\n"
        f"picker = Picker({str(path)!r}, max_rows=100_000)\n"
        f"rows = Rows({str(path)!r}, max_rows=100_000)\n"
        f"totals = Totals({str(path)!r}, value='n', max_rows=100_000)\n"
        "links = link(picker=picker, rows=rows, totals=totals)"
    ).replace("import Picker, Rows", "import Picker, Rows, Totals")
    cells = [setup, "picker", "rows", "totals"]
    notebook = write_notebook(jupyter_dir / "picker.ipynb", cells)
    open_and_run_notebook(page, jupyter_server.base_url, jupyter_server.relpath(notebook))
    options = page.locator(".picker label")
    expect(options).to_have_count(4, timeout=60_000)
    expect(options).to_have_text(["AA800,000", "DL600,000", "UA400,000", "WN200,000"])
    caption = page.locator(".rows").get_by_role("status")
    expect(caption).to_have_text("rows 1\u201320 of 2,000,000", timeout=60_000)

    # Our own sums, by DuckDB SQL on the file: the bars' tooltips.
    sums = duckdb.sql(
        f"SELECT airline, sum(n) FROM read_parquet('{path}') GROUP BY airline ORDER BY airline"
    ).fetchall()
    bars = page.locator(".totals .bars rect")
    expect(bars).to_have_count(4, timeout=60_000)
    expect(bars.locator("title")).to_have_text([f"{a}: {int(n):,}" for a, n in sums])
    expect(page.locator(".totals").get_by_role("status")).to_have_text("4 bars by airline")

    options.nth(2).locator("input").check()
    expect(page.locator(".picker .status")).to_have_text("UA · 400,000 rows")
    expect(caption).to_have_text("rows 1\u201320 of 400,000 (filtered from 2,000,000)")
    cells = page.locator(".rows tbody tr td:nth-child(2)")
    expect(cells).to_have_text(["UA"] * 20)
    expect(page.locator(".totals .bars rect.highlighted")).to_have_count(1)
    expect(page.locator(".totals").get_by_role("status")).to_have_text(
        "4 bars by airline · highlighted: UA"
    )
    page.locator(".rows button", has_text="Next").click()
    expect(caption).to_have_text("rows 21\u201340 of 400,000 (filtered from 2,000,000)")
    expect(page.locator(".rows tbody tr").first.locator("td").first).to_have_text("20")
    expect(cells).to_have_text(["UA"] * 20)
    out = run_code(
        page,
        "print(list(rows.selected_airlines), rows.queried_rows,"
        " rows.source.count({'airline': rows.selected_airlines}))",
    )
    assert out == "['UA'] 2000000 400000"
    assert_no_page_errors(page_errors)
