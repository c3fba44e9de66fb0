from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from ._traits import Table

if TYPE_CHECKING:
    import pandas as pd


class PlanetChart(anywidget.AnyWidget):
    """Bar chart showing planet properties, highlight selected planet."""

    _esm = pathlib.Path(__file__).parent / "planet_chart.js"
    _css = pathlib.Path(__file__).parent / "planet_chart.css"

    data = Table(help="the rows, one binary buffer a column").tag(sync=True)
    category = traitlets.Unicode(
        "",
        help="text column with one bar per value (empty: the first text column)",
    ).tag(sync=True)
    value = traitlets.Unicode(
        "",
        help="numeric column summed per bar (empty: the first; none: count rows)",
    ).tag(sync=True)
    width = traitlets.Int(
        0,
        help="fixed width of the chart in pixels (0: fill the output cell, at least 360 px)",
    ).tag(sync=True)
    height = traitlets.Int(
        260,
        help="height of the chart in pixels, with the category names level",
    ).tag(sync=True)
    selected_planet = traitlets.Unicode(
        "",
        help="name of the clicked planet",
    ).tag(sync=True)

    def __init__(self, data: pd.DataFrame | None = None, **kwargs: Any) -> None:
        super().__init__(data=data, **kwargs)
