from __future__ import annotations

import pathlib
from typing import Any

import anywidget
import traitlets

from ._source import Source, serve
from ._traits import Table


class AirlineFilter(anywidget.AnyWidget):
    """Dropdown to select airlines."""

    _esm = pathlib.Path(__file__).parent / "airline_filter.js"
    _css = pathlib.Path(__file__).parent / "airline_filter.css"

    data = Table(help="the rows, one binary buffer a column").tag(sync=True)
    queried_rows = traitlets.Int(
        0, help="rows of a table too big to send, which the page queries (0: all sent)"
    ).tag(sync=True)
    column = traitlets.Unicode(
        "",
        help="text column to choose from (empty: one the export's name points at, else the first)",
    ).tag(sync=True)
    selected_airlines = traitlets.List(
        traitlets.Unicode(),
        help="array of airline codes",
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
