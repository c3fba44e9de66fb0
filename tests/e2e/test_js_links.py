"""Links in the browser (`vibew ... --js`), proven in real JupyterLab.

The flights pair is generated with `vibew new ... --imports scatter.selected_indices --js`
in a fresh folder; the notebook makes both widgets from a DataFrame and calls `link()`,
which returns `ipywidgets.jslink` links in a Jupyter kernel. A brush made while the kernel
is busy still redraws the histogram (nothing waits for Python), the page then sends the
selection to Python for both widgets as int32 bytes, and a value set in Python reaches the
other widget's view through the page.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import run_vibew
from lab import (
    assert_no_page_errors,
    drag,
    open_and_run_notebook,
    run_code,
    start_code,
    wait_until_executed,
    write_notebook,
)
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

FLIGHTS_CSV = Path(__file__).resolve().parents[2] / "examples" / "flights" / "flights.csv"

CELLS = [
    """\
import pandas as pd
from widgets.histogram import Histogram
from widgets.scatter import Scatter
from widgets.wiring import link

flights = pd.read_csv("flights.csv")
scatter = Scatter(flights, x="distance", y="delay")
histogram = Histogram(flights, column="delay")
links = link(scatter=scatter, histogram=histogram)
print([type(each).__name__ for each in links])""",
    "scatter",
    "histogram",
]


def generate(folder: Path) -> None:
    for args in (
        ("new", "scatter", "points", "--exports", "selected_indices"),
        ("new", "histogram", "counts", "--imports", "scatter.selected_indices", "--js"),
    ):
        done = run_vibew(folder, *args)
        assert done.returncode == 0, done.stderr
    shutil.copy(FLIGHTS_CSV, folder / "flights.csv")
    write_notebook(folder / "demo.ipynb", CELLS)


def test_a_brush_crosses_a_browser_link_without_the_kernel(
    page, page_errors, jupyter_server, jupyter_dir
):
    generate(jupyter_dir)
    assert "ipywidgets.jslink" in (jupyter_dir / "widgets/wiring.py").read_text()
    page.set_viewport_size({"width": 1280, "height": 1700})
    open_and_run_notebook(
        page, jupyter_server.base_url, jupyter_server.relpath(jupyter_dir / "demo.ipynb")
    )
    assert "['Link']" in page.locator(".jp-OutputArea").first.inner_text()
    scatter, histogram = page.locator(".scatter"), page.locator(".histogram")
    caption = histogram.get_by_role("status")
    expect(caption).to_have_text("delay: all 3,000 rows")

    # The kernel is busy for 8 s: a kernel link could not redraw the histogram until then.
    start_code(page, "import time\ntime.sleep(8)")
    drag(page, scatter.get_by_role("img"), (0.3, 0.25), (0.65, 0.7))
    expect(caption).to_have_text(
        re.compile(r"^delay: [\d,]+ of 3,000 rows selected$"), timeout=4_000
    )
    shown = int(re.search(r"([\d,]+) of", caption.inner_text())[1].replace(",", ""))
    assert 0 < shown < 3000
    still_busy = page.locator(".jp-Cell .jp-InputArea-prompt", has_text="[*]").count()
    assert still_busy == 1, "the histogram changed only after the kernel was free again"
    wait_until_executed(page)

    # The page saved the selection of both models: Python reads the same rows in each.
    out = run_code(
        page,
        "print(len(scatter.selected_indices), len(histogram.selected_indices),"
        " scatter.selected_indices.dtype, histogram.selected_indices.dtype,"
        " bool(scatter.selected_indices == histogram.selected_indices))",
    )
    assert out == f"{shown} {shown} int32 int32 True"
    out = run_code(
        page,
        "rows = flights.iloc[histogram.selected_indices]\n"
        "print(rows.distance.min() > flights.distance.min(),"
        " rows.distance.max() < flights.distance.max())",
    )
    assert out == "True True"  # the rows inside the brush, not any rows

    # Python -> the scatter's model -> (in the page) the histogram, and back to Python.
    assert run_code(page, "scatter.selected_indices = [0, 1, 2, 5, 10]") == ""
    expect(caption).to_have_text("delay: 5 of 3,000 rows selected")
    expect(scatter.get_by_role("status")).to_contain_text("5 of 3,000 rows selected")
    assert run_code(page, "print(histogram.selected_indices.tolist())") == "[0, 1, 2, 5, 10]"

    # Unlinked, a change stays where it is made.
    assert run_code(page, "links[0].unlink()\nscatter.selected_indices = [3]") == ""
    expect(scatter.get_by_role("status")).to_contain_text("1 of 3,000 rows selected")
    expect(caption).to_have_text("delay: 5 of 3,000 rows selected")
    assert_no_page_errors(page_errors)
