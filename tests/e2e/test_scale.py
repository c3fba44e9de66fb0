"""The flights pattern (scatter brush -> linked histogram) at 200,000 rows in real JupyterLab.

The widgets are generated with the flights example's commands; the notebook makes 200k
flight-like rows. The brushed rows must reach Python, cross the link, and be exactly the rows
inside a rectangle; a selection set in Python must reach both front ends.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from lab import assert_no_page_errors, open_and_run_notebook, run_code, screenshot, write_notebook
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(400)]

ROWS = 200_000
COMMANDS = [
    ["new", "scatter", "flight delays vs distance, with brush selection", "--exports",
     "selected_indices=list of indices selected by brush"],
    ["new", "histogram", "histogram of flight delays, filtered by selection from scatter plot",
     "--imports", "scatter.selected_indices"],
]  # fmt: skip

SETUP = f"""\
import numpy as np
import pandas as pd
from widgets.histogram import Histogram
from widgets.scatter import Scatter
from widgets.wiring import link

rng = np.random.default_rng(20240601)
distance = rng.gamma(2.2, 420.0, {ROWS}).clip(80, 2800).round()
hour = rng.integers(5, 24, {ROWS})
flights = pd.DataFrame({{
    "airline": pd.Series(rng.choice(["AA", "DL", "UA", "WN"], {ROWS}), dtype="str"),
    "dep_hour": hour,
    "distance": distance,
    "delay": 0.012 * distance + 1.6 * (hour - 5) + rng.normal(0, 14, {ROWS}),
}})
flights.loc[rng.random({ROWS}) < 0.01, "delay"] = np.nan  # missing delays: never selected
scatter = Scatter(flights, x="distance", y="delay")
histogram = Histogram(flights, column="delay")
links = link(scatter=scatter, histogram=histogram)"""

# Every row inside the bounding box of the selected points is selected: what a rectangular
# brush gives, and what a wrong or partial selection would not.
CHECK_BRUSH = """\
rows = scatter.selected_indices
picked = flights.iloc[rows]
inside = flights.distance.between(picked.distance.min(), picked.distance.max())
inside &= flights.delay.between(picked.delay.min(), picked.delay.max())
print(len(rows), bool(histogram.selected_indices == rows), bool(np.all(np.diff(rows) > 0)),
      bool(np.array_equal(np.flatnonzero(inside), rows)))"""

#: The histogram's caption for the whole table: the delays have missing values, which it counts.
WHOLE = re.compile(
    r"^delay: ([\d,]+ of 200,000 rows drawn; [\d,]+ missing or infinite|all 200,000 rows)$"
)


@pytest.fixture
def notebook(jupyter_dir):
    for args in COMMANDS:
        done = subprocess.run(
            [sys.executable, "-m", "vibewidget_cli", *args],
            cwd=jupyter_dir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    return write_notebook(jupyter_dir / "flights.ipynb", [SETUP, "scatter", "histogram"])


def test_brush_at_200k_rows_reaches_python_and_the_linked_histogram(
    page, page_errors, jupyter_server, notebook
):
    page.set_viewport_size({"width": 1280, "height": 1400})
    open_and_run_notebook(page, jupyter_server.base_url, jupyter_server.relpath(notebook))
    scatter = page.locator(".scatter")  # each widget's element has its name as a class
    caption = page.locator(".histogram").get_by_role("status")
    expect(caption).to_have_text(WHOLE, timeout=60_000)
    expect(scatter.get_by_role("status")).to_contain_text("200,000 rows")

    box = scatter.get_by_role("img").bounding_box()
    page.mouse.move(box["x"] + 0.25 * box["width"], box["y"] + 0.2 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + 0.6 * box["width"], box["y"] + 0.75 * box["height"], steps=8)
    page.mouse.up()
    expect(caption).to_have_text(re.compile(r"^delay: [\d,]+ of 200,000 rows selected$"))
    shown = int(re.search(r"([\d,]+) of", caption.inner_text())[1].replace(",", ""))
    shot = screenshot(page, "scale-brush")
    assert 1_000 < shown < ROWS, f"brushed {shown} rows; screenshot: {shot}"
    expect(scatter.get_by_role("status")).to_contain_text(f"{shown:,} of 200,000 rows selected")

    out = run_code(page, CHECK_BRUSH)
    assert out == f"{shown} True True True", f"{out!r}; screenshot: {shot}"

    # Python -> both front ends, as a numpy array of 100,000 positions.
    assert run_code(page, "scatter.selected_indices = np.arange(0, 200_000, 2)") == ""
    expect(caption).to_have_text("delay: 100,000 of 200,000 rows selected")
    expect(scatter.get_by_role("status")).to_contain_text("100,000 of 200,000 rows selected")
    assert run_code(page, "print(histogram.selected_indices[-3:])") == "[199994 199996 199998]"

    # A click clears the selection everywhere.
    page.mouse.click(box["x"] + 0.5 * box["width"], box["y"] + 0.5 * box["height"])
    expect(caption).to_have_text(WHOLE)
    assert (
        run_code(page, "print(len(scatter.selected_indices), len(histogram.selected_indices))")
        == "0 0"
    )
    assert_no_page_errors(page_errors)
