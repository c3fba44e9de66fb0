import pathlib

import anywidget
import traitlets

from ._traits import Grid


class Painter(anywidget.AnyWidget):
    """2D canvas for painting terrain height with mouse brush, stores 64x64 grid."""

    _esm = pathlib.Path(__file__).parent / "painter.js"
    _css = pathlib.Path(__file__).parent / "painter.css"

    size = traitlets.Int(
        64,
        help="cells along each side of the height grid",
    ).tag(sync=True)
    width = traitlets.Int(384, help="width of the canvas in pixels").tag(sync=True)
    height = traitlets.Int(384, help="height of the canvas in pixels").tag(sync=True)
    heightmap = Grid(
        help="64x64 grid of float values 0-1 representing terrain height",
    ).tag(sync=True)

    @traitlets.default("heightmap")
    def _flat_heightmap(self) -> list[list[float]]:
        # Flat ground, `size` cells a side, until someone paints.
        return [[0.0] * self.size for _ in range(self.size)]
