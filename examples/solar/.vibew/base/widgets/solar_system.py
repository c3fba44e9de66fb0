from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from ._traits import Table

if TYPE_CHECKING:
    import pandas as pd


class SolarSystem(anywidget.AnyWidget):
    """3D solar system with clickable planets."""

    _esm = pathlib.Path(__file__).parent / "solar_system.js"
    _css = pathlib.Path(__file__).parent / "solar_system.css"

    data = Table(help="the rows, one binary buffer a column").tag(sync=True)
    speed = traitlets.Float(
        1.0,
        help="orbit speed (1: the fastest planet turns once in 12 seconds; 0 stops)",
    ).tag(sync=True)
    width = traitlets.Int(
        0,
        help="fixed width of the view in pixels (0: fill the output cell, at least 360 px)",
    ).tag(sync=True)
    height = traitlets.Int(420, help="height of the view in pixels").tag(sync=True)
    selected_planet = traitlets.Unicode(
        "",
        help="name of the clicked planet",
    ).tag(sync=True)

    def __init__(self, data: pd.DataFrame | None = None, **kwargs: Any) -> None:
        super().__init__(data=data, **kwargs)
