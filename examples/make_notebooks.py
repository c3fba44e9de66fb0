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

NOTEBOOKS = {"flights": FLIGHTS}


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
