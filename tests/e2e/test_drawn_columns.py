"""Each chart gets only the columns it draws, proven in real JupyterLab.

The scatter is sent its x and y columns and the histogram the column it bins, not the whole
frame (`Table(columns=...)` in the generated class). A column trait set from Python after
the views are drawn sends the table again with the new column, and the views draw it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import generate_flights
from lab import open_and_run_notebook, run_code, write_notebook
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

FLIGHTS_CSV = Path(__file__).resolve().parents[2] / "examples" / "flights" / "flights.csv"

CELLS = [
    """\
import pandas as pd
from widgets.histogram import Histogram
from widgets.scatter import Scatter

flights = pd.read_csv("flights.csv")
scatter = Scatter(flights, x="distance", y="delay")
histogram = Histogram(flights, column="delay")""",
    "scatter",
    "histogram",
]


def sent_columns(page, widget: str) -> str:
    return run_code(
        page, f'print([c["name"] for c in {widget}.get_state("data")["data"]["columns"]])'
    )


def test_a_column_set_after_display_is_sent_and_drawn(
    page, page_errors, jupyter_server, jupyter_dir
):
    generate_flights(jupyter_dir)
    shutil.copy(FLIGHTS_CSV, jupyter_dir / "flights.csv")
    write_notebook(jupyter_dir / "demo.ipynb", CELLS)
    page.set_viewport_size({"width": 1280, "height": 1500})
    open_and_run_notebook(
        page, jupyter_server.base_url, jupyter_server.relpath(jupyter_dir / "demo.ipynb")
    )
    scatter, histogram = page.locator(".scatter"), page.locator(".histogram")
    expect(scatter.get_by_role("img")).to_have_attribute("aria-label", "delay against distance")
    expect(histogram.get_by_role("status")).to_have_text("delay: all 3,000 rows")
    assert sent_columns(page, "scatter") == "['distance', 'delay']"
    assert sent_columns(page, "histogram") == "['delay']"

    run_code(page, 'histogram.column = "dep_hour"\nscatter.y = "dep_hour"')
    expect(histogram.get_by_role("img")).to_have_attribute("aria-label", "Histogram of dep_hour")
    expect(histogram.get_by_role("status")).to_have_text("dep_hour: all 3,000 rows")
    expect(scatter.get_by_role("img")).to_have_attribute("aria-label", "dep_hour against distance")
    assert sent_columns(page, "scatter") == "['dep_hour', 'distance']"
    assert not page_errors, page_errors
