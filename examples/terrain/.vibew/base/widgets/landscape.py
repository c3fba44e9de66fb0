import pathlib

import anywidget
import traitlets


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
    width = traitlets.Int(520, help="width of the view in pixels").tag(sync=True)
    height = traitlets.Int(380, help="height of the view in pixels").tag(sync=True)
    heightmap = traitlets.List(
        traitlets.List(traitlets.Float()),
        help="64x64 grid of float values 0-1 representing terrain height",
    ).tag(sync=True)
