from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from ._traits import RowIndices, Table

if TYPE_CHECKING:
    import pandas as pd


class CombinedView(anywidget.AnyWidget):
    """Table filtered by both brush selection AND selected airlines."""

    _esm = pathlib.Path(__file__).parent / "combined_view.js"
    _css = pathlib.Path(__file__).parent / "combined_view.css"

    data = Table(help="the rows, one binary buffer a column").tag(sync=True)
    page_size = traitlets.Int(20, help="rows per page").tag(sync=True)
    category_column = traitlets.Unicode(
        "",
        help="text column that value imports filter (empty: one the import's name points at, else the first)",
    ).tag(sync=True)
    selected_indices = RowIndices(help="brush selection").tag(sync=True)
    selected_airlines = traitlets.List(
        traitlets.Unicode(),
        help="array of airline codes",
    ).tag(sync=True)

    def __init__(self, data: pd.DataFrame | None = None, **kwargs: Any) -> None:
        super().__init__(data=data, **kwargs)
