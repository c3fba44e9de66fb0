import pathlib

import anywidget
import traitlets

from ._traits import Grid


class Landscape(anywidget.AnyWidget):
    """3D landscape viewer with Three.js showing terrain mesh and water plane."""

    _esm = pathlib.Path(__file__).parent / "landscape.js"
    _css = pathlib.Path(__file__).parent / "landscape.css"

    water_level = traitlets.Float(
        0.2,
        help="height of the water plane, 0 to 1 (0 hides it)",
    ).tag(sync=True)
    height_scale = traitlets.Float(
        0.25,
        help="height of a cell at 1.0, as a fraction of the terrain's width",
    ).tag(sync=True)
    width = traitlets.Int(
        0,
        help="fixed width of the view in pixels (0: fill the output cell, at least 360 px)",
    ).tag(sync=True)
    height = traitlets.Int(380, help="height of the view in pixels").tag(sync=True)
    heightmap = Grid(
        help="64x64 grid of float values 0-1 representing terrain height",
    ).tag(sync=True)
