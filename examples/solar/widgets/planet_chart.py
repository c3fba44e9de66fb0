from __future__ import annotations

import pathlib
from typing import Any

import anywidget
import traitlets

from ._source import Source, serve
from ._traits import Table


class PlanetChart(anywidget.AnyWidget):
    """Bar chart showing planet properties, highlight selected planet."""

    _esm = pathlib.Path(__file__).parent / "planet_chart.js"
    _css = pathlib.Path(__file__).parent / "planet_chart.css"

    data = Table(help="the rows, one binary buffer a column").tag(sync=True)
    queried_rows = traitlets.Int(
        0, help="rows of a table too big to send, which the page queries (0: all sent)"
    ).tag(sync=True)
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

    def __init__(
        self, data: Any = None, *, max_rows: int = 1_000_000, **kwargs: Any
    ) -> None:
        """`data`: a pandas DataFrame, a DuckDB relation, a path to Parquet or CSV files,
        or an Ibis table. Up to `max_rows` rows are sent to the page; of a bigger table,
        the page asks the kernel for what it draws (see `_source.py`)."""
        super().__init__(**kwargs)
        serve(self, data, max_rows)

    @property
    def source(self) -> Source | None:
        """The data as a `Source`, which counts and filters rows where they are:
        `widget.source.count(where)`, `widget.source.filter(where)`."""
        return self._source
