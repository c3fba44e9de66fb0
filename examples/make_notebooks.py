"""Write each example's demo.ipynb (no outputs, fixed cell ids, so rewriting changes nothing).

    python examples/make_notebooks.py          # rewrites examples/*/demo.ipynb

Edit the cells here, not in JupyterLab, so that the notebooks stay small and clean.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


def md(text: str) -> tuple[str, str]:
    """A markdown cell (plain strings are code cells)."""
    return ("markdown", text)


FLIGHTS = [
    md(
        """\
# Filter flow: scatter → histogram

Drag across the scatter plot: the histogram draws the brushed flights over all flights.
Click the scatter without dragging to clear the selection. Run this notebook from its own
folder, so that `import widgets` finds the generated package."""
    ),
    """\
import pandas as pd
from widgets.histogram import Histogram
from widgets.scatter import Scatter
from widgets.wiring import link

flights = pd.read_csv("flights.csv")
scatter = Scatter(flights, x="distance", y="delay")
histogram = Histogram(flights, column="delay")
links = link(scatter=scatter, histogram=histogram)""",
    "scatter",
    "histogram",
    md(
        """\
Both widgets share one selection; set it from Python and the histogram follows:

```python
scatter.selected_indices = [0, 1, 2, 5, 10]
flights.iloc[histogram.selected_indices]
```"""
    ),
]

TERRAIN = [
    md(
        """\
# Painter → 3D viewer: 2D canvas → three.js scene

Paint on the canvas (drag to raise the ground, shift-drag or right-drag to lower it): the 3D
landscape follows while you paint. Drag the 3D view to orbit, wheel to zoom. Run this notebook
from its own folder, so that `import widgets` finds the generated package."""
    ),
    """\
from widgets.landscape import Landscape
from widgets.painter import Painter
from widgets.wiring import link

painter = Painter()
landscape = Landscape()
links = link(painter=painter, landscape=landscape)""",
    "painter",
    "landscape",
    md(
        """\
The height grid is a 64 x 64 float32 array from 0 to 1 (NaN for a cell with no value),
sent as one binary buffer; set one from Python as a numpy array or a list of rows:

```python
import numpy as np

x = np.linspace(-1, 1, 64)
painter.heightmap = 0.9 * np.exp(-4 * (x[:, None] ** 2 + x[None, :] ** 2))
```"""
    ),
]

SOLAR = [
    md(
        """\
# Click-to-highlight: 3D scene → chart

Click a planet (the orbits pause while the pointer is over the scene): the bar chart
highlights its bar. Click empty space to clear. Run this notebook from its own folder, so that
`import widgets` finds the generated package."""
    ),
    """\
import pandas as pd
from widgets.planet_chart import PlanetChart
from widgets.solar_system import SolarSystem
from widgets.wiring import link

planets = pd.read_csv("planets.csv")
solar_system = SolarSystem(planets)
planet_chart = PlanetChart(planets, category="name", value="radius")
links = link(solar_system=solar_system, planet_chart=planet_chart)""",
    "solar_system",
    "planet_chart",
    md(
        """\
The selection is the planet's name; set it from Python and both views follow:

```python
solar_system.selected_planet = "Saturn"
planets[planets.name == planet_chart.selected_planet]
```"""
    ),
]

CROSSFILTER = [
    md(
        """\
# Multiple imports: scatter + airline filter → table

Brush the scatter plot and tick airlines: the table shows only the flights in both
selections (an empty selection filters nothing). Run this notebook from its own folder, so
that `import widgets` finds the generated package."""
    ),
    """\
import pandas as pd
from widgets.airline_filter import AirlineFilter
from widgets.combined_view import CombinedView
from widgets.scatter import Scatter
from widgets.wiring import link

flights = pd.read_csv("flights.csv")
scatter = Scatter(flights, x="distance", y="delay")
airline_filter = AirlineFilter(flights, column="airline")
combined_view = CombinedView(flights, category_column="airline", page_size=10)
links = link(scatter=scatter, airline_filter=airline_filter, combined_view=combined_view)""",
    "scatter",
    "airline_filter",
    "combined_view",
    md(
        """\
The table imports both selections; the same filter in pandas:

```python
both = flights.iloc[combined_view.selected_indices]
both[both.airline.isin(combined_view.selected_airlines)]
```"""
    ),
]

NOTEBOOKS = {"flights": FLIGHTS, "terrain": TERRAIN, "solar": SOLAR, "crossfilter": CROSSFILTER}


def notebook(name: str, cells: list[str | tuple[str, str]]) -> nbformat.NotebookNode:
    made = []
    for i, source in enumerate(cells):
        cell = new_markdown_cell(source[1]) if isinstance(source, tuple) else new_code_cell(source)
        cell["id"] = f"{name}-{i}"
        made.append(cell)
    return new_notebook(
        cells=made,
        metadata={
            "kernelspec": {
                "name": "python3",
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
            },
            "language_info": {"name": "python"},
        },
    )


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        path = HERE / name / "demo.ipynb"
        nbformat.write(notebook(name, cells), str(path))
        print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
