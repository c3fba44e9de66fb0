from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from ._traits import Table

if TYPE_CHECKING:
    import pandas as pd


class AirlineFilter(anywidget.AnyWidget):
    """Dropdown to select airlines."""

    _esm = pathlib.Path(__file__).parent / "airline_filter.js"
    _css = pathlib.Path(__file__).parent / "airline_filter.css"

    data = Table(help="the rows, one binary buffer a column").tag(sync=True)
    column = traitlets.Unicode(
        "",
        help="text column to choose from (empty: one the export's name points at, else the first)",
    ).tag(sync=True)
    selected_airlines = traitlets.List(
        traitlets.Unicode(),
        help="array of airline codes",
    ).tag(sync=True)

    def __init__(self, data: pd.DataFrame | None = None, **kwargs: Any) -> None:
        super().__init__(data=data, **kwargs)
