"""The bar chart on the missing values a DataFrame really has (issue 13): a row whose category
is None or NaN, or whose value is NA in a nullable Int64 column, is drawn in no bar and
counted in the caption ("4 of 6 rows drawn; 2 missing name"), never dropped unsaid.

The frames go through the generated `_traits.py`, the code that sends a DataFrame."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest
from test_widgets import widget_css, widget_js

from vibewidget_cli.manifest import Project
from vibewidget_cli.render import render_package
from vibewidget_cli.spec import WidgetSpec

STATE = {"category": "", "value": "", "width": 520, "height": 260}


@pytest.fixture(scope="module")
def encode(tmp_path_factory):
    """The DataFrame as the generated `encode_table` sends it, in the harness's column form."""
    package = render_package(Project(widgets={"bars": WidgetSpec("bars", "", "bar", [])}))
    path = tmp_path_factory.mktemp("bar") / "_traits.py"
    path.write_text(next(f.text for f in package if f.path.endswith("/_traits.py")))
    spec = importlib.util.spec_from_file_location("bar_messy_traits", path)
    traits = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(traits)

    def columns(frame: pd.DataFrame) -> list[dict]:
        return [
            {
                "name": column["name"],
                "kind": column["kind"],
                "values": np.frombuffer(column["values"], column["dtype"]).tolist(),
                **({"categories": column["categories"]} if "categories" in column else {}),
            }
            for column in traits.encode_table(frame)["columns"]
        ]

    return columns


def mount(harness, columns: list[dict], **state) -> str:
    harness.page.evaluate("document.getElementById('widget').replaceChildren()")
    harness.mount_with_table(widget_js("bar"), STATE | state, columns, widget_css("bar"))
    return harness.page.get_by_role("status").text_content()


def bars(harness) -> list[str]:
    """Each bar's tooltip: `name: total`."""
    return harness.page.locator("#widget rect title").all_text_contents()


def test_rows_with_no_category_are_counted_not_drawn(harness, encode):
    frame = pd.DataFrame(
        {"name": ["a", None, "b", np.nan, "a", "c"], "distance": [1.0, 2, 3, 4, 5, 6]}
    )
    columns = encode(frame)
    assert columns[0]["values"] == [0, -1, 1, -1, 0, 2]  # None and NaN: no category
    caption = mount(harness, columns)
    assert caption == "3 bars by name · 4 of 6 rows drawn; 2 missing name"
    assert bars(harness) == ["a: 6", "b: 3", "c: 6"]
    # Counting rows instead of summing: the same rows are left out.
    caption = mount(harness, columns, value="none")
    assert caption == "3 bars by name · 4 of 6 rows drawn; 2 missing name"
    assert bars(harness) == ["a: 2", "b: 1", "c: 1"]
    assert not harness.errors


def test_na_in_a_nullable_int64_value_column_is_counted_not_drawn(harness, encode):
    counts = pd.array([1, pd.NA, 3, 4, pd.NA, 6], dtype="Int64")
    frame = pd.DataFrame({"name": list("aabbcc"), "count": counts})
    caption = mount(harness, encode(frame))
    assert caption == "3 bars by name · 4 of 6 rows drawn; 2 missing or infinite count"
    assert bars(harness) == ["a: 1", "b: 7", "c: 6"]
    assert not harness.errors


def test_both_kinds_of_missing_each_row_counted_once(harness, encode):
    counts = pd.array([1, 2, pd.NA, pd.NA, 5, 6], dtype="Int64")
    frame = pd.DataFrame({"name": ["a", None, "b", None, "c", "c"], "count": counts})
    caption = mount(harness, encode(frame))
    # Row 3 has neither: it is counted once, as missing its name.
    assert caption == (
        "2 bars by name · 3 of 6 rows drawn; 2 missing name, 1 missing or infinite count"
    )
    assert bars(harness) == ["a: 1", "c: 11"]
    assert not harness.errors


def test_a_category_column_all_missing_says_there_is_nothing_to_draw(harness, encode):
    frame = pd.DataFrame({"name": pd.Series([None] * 6, dtype=object), "distance": range(6)})
    caption = mount(harness, encode(frame))
    assert caption == "Nothing to draw: 6 rows, 6 missing name."
    assert harness.page.locator("#widget rect").count() == 0
    assert not harness.errors
