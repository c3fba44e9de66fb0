from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from ._traits import RowIndices, Table

if TYPE_CHECKING:
    import pandas as pd


class Scatter(anywidget.AnyWidget):
    """Scatter plot showing flight delays vs distance, with brush selection."""

    _esm = pathlib.Path(__file__).parent / "scatter.js"
    _css = pathlib.Path(__file__).parent / "scatter.css"

    data = Table(
        columns=("x", "y"),
        help="the rows; only the two columns drawn are sent, one binary buffer each",
    ).tag(sync=True)
    x = traitlets.Unicode(
        "",
        help="column on the x axis (empty: the first numeric column)",
    ).tag(sync=True)
    y = traitlets.Unicode(
        "",
        help="column on the y axis (empty: the next numeric column)",
    ).tag(sync=True)
    width = traitlets.Int(
        0,
        help="fixed width of the plot in pixels (0: fill the output cell, at least 360 px)",
    ).tag(sync=True)
    height = traitlets.Int(340, help="height of the plot in pixels").tag(sync=True)
    selected_indices = RowIndices(
        help="list of indices selected by brush",
    ).tag(sync=True)

    def __init__(self, data: pd.DataFrame | None = None, **kwargs: Any) -> None:
        super().__init__(data=data, **kwargs)
