from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from ._traits import RowIndices, Table

if TYPE_CHECKING:
    import pandas as pd


class Histogram(anywidget.AnyWidget):
    """Histogram of flight delays, filtered by selection from scatter plot."""

    _esm = pathlib.Path(__file__).parent / "histogram.js"
    _css = pathlib.Path(__file__).parent / "histogram.css"

    data = Table(
        columns=("column",),
        help="the rows; only the column binned is sent, as one binary buffer",
    ).tag(sync=True)
    column = traitlets.Unicode(
        "",
        help="the column to bin (empty: the first numeric column)",
    ).tag(sync=True)
    bins = traitlets.Int(30, help="number of bins").tag(sync=True)
    width = traitlets.Int(
        0,
        help="fixed width of the chart in pixels (0: fill the output cell, at least 360 px)",
    ).tag(sync=True)
    height = traitlets.Int(260, help="height of the chart in pixels").tag(sync=True)
    selected_indices = RowIndices(
        help="list of indices selected by brush",
    ).tag(sync=True)

    def __init__(self, data: pd.DataFrame | None = None, **kwargs: Any) -> None:
        super().__init__(data=data, **kwargs)
