"""Synthetic trait values for a widget in the browser: what `vibew check --browser` and
`vibew preview` feed a widget when there is no kernel.

Values are JSON for the page's model (browser/model.js `decode`): `{"$int32": [...]}` is a
row selection (an Int32Array), `{"$buffer": base64}` a binary buffer (a DataView). A widget
with data gets a ~200-row table of numeric, text and time columns, encoded by the very
`encode_table` the generated `_traits.py` uses (vibew's template, rendered and run here).
"""

from __future__ import annotations

import ast
import base64
import functools
import math
import struct
from types import ModuleType
from typing import TYPE_CHECKING, Any

from vibewidget_cli.spec import is_row_selection

if TYPE_CHECKING:
    from vibewidget_cli.spec import TraitSpec, WidgetSpec
    from vibewidget_cli.templates import Template

ROWS = 200
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon"]


def synthetic_state(widget: WidgetSpec, template: Template) -> dict[str, Any]:
    """Every synced trait of `widget` with a plausible value, ready for model.js."""
    state: dict[str, Any] = {}
    for option in template.options:
        default = template.option_defaults.get(option.name)
        state[option.name] = (
            ast.literal_eval(default) if default is not None else _empty(option.type)
        )
    for trait in widget.traits:
        state[trait.name] = _empty_trait(trait) if trait.role == "export" else first_value(trait)
    if template.data or widget.data:
        state["data"] = synthetic_table()
    return state


def first_value(trait: TraitSpec) -> Any:
    """What an import starts as."""
    return new_values(trait)[0] if trait.type != "list[int]" else _ints(trait, [])


def new_values(trait: TraitSpec) -> list[Any]:
    """Values to set an import to, each different from `first_value` (tried in turn)."""
    kind = trait.type
    if kind == "int":
        return [7, 2, 40]
    if kind == "float":
        return [0.7, 0.3, 12.5]
    if kind == "str":
        return ["alpha", "beta", "Earth", "Mars"]
    if kind == "bool":
        return [True, False]
    if kind == "list[int]":
        return [_ints(trait, list(range(0, 100, 2))), _ints(trait, [1, 3, 5])]
    if kind == "list[float]":
        return [[0.2, 0.5, 0.8], [0.1, 0.9]]
    if kind == "list[str]":
        return [["alpha", "gamma"], ["beta"]]
    if kind == "dict":
        return [{"a": 1, "b": "two"}, {"c": 3}]
    if kind == "bytes":
        return [_buffer(bytes(range(64))), _buffer(bytes(range(64, 0, -1)))]
    if kind == "grid":
        return [_grid(grid(24, 24, phase=0.0)), _grid(grid(24, 24, phase=1.7))]
    if kind == "predicate":
        return [{"x": [0.5, 2.0]}, {"x": [None, 1.0], "y": [-1.0, 0.0]}]
    raise ValueError(f"no synthetic value for type {kind!r}")


def _ints(trait: TraitSpec, values: list[int]) -> Any:
    return {"$int32": values} if is_row_selection(trait) else values


def _empty_trait(trait: TraitSpec) -> Any:
    return _ints(trait, []) if trait.type == "list[int]" else _empty(trait.type)


def _empty(kind: str) -> Any:
    return {
        "int": 0,
        "float": 0.0,
        "str": "",
        "bool": False,
        "list[int]": [],
        "list[float]": [],
        "list[str]": [],
        "dict": {},
        "bytes": _buffer(b""),
        "grid": _grid([]),
        "predicate": {},
    }[kind]


def grid(rows: int, columns: int, *, phase: float = 0.0) -> list[list[float]]:
    """Smooth bumps from 0 to 1, `rows` lists of `columns` heights."""
    return [
        [
            round(
                0.5
                + 0.25
                * math.sin(3 * x / columns * math.pi + phase)
                * math.cos(2 * y / rows * math.pi - phase)
                + 0.2 * math.exp(-((x - columns / 2) ** 2 + (y - rows / 3) ** 2) / 20),
                4,
            )
            for x in range(columns)
        ]
        for y in range(rows)
    ]


def _grid(rows: list[list[float]]) -> dict[str, Any]:
    """A grid as `Grid` in `_traits.py` sends it: its shape, and its cells row after row
    as one little-endian float32 buffer."""
    cells = [height for row in rows for height in row]
    shape = [len(rows), len(rows[0])] if rows else [0, 0]
    return {"shape": shape, "values": _buffer(struct.pack(f"<{len(cells)}f", *cells))}


def _buffer(data: bytes | memoryview) -> dict[str, str]:
    return {"$buffer": base64.b64encode(bytes(data)).decode("ascii")}


@functools.cache
def _traits_module() -> ModuleType:
    """The generated `_traits.py`, from vibew's own template, in a fresh module namespace."""
    from vibewidget_cli.render import _environment

    source = _environment().get_template("_shared/_traits.py.j2").render()
    module = ModuleType("vibew_synthetic_traits")
    exec(compile(source, "_traits.py", "exec"), module.__dict__)
    return module


def synthetic_table(rows: int = ROWS) -> dict[str, Any]:
    """A DataFrame of numeric, text and time columns, encoded as `Table` sends it."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(12)
    frame = pd.DataFrame(
        {
            "value": rng.normal(50, 15, rows).round(2),
            "score": rng.uniform(0, 1, rows).round(3),
            "count": rng.integers(0, 100, rows),
            "label": [WORDS[i % len(WORDS)] for i in range(rows)],
            "when": pd.date_range("2024-01-01", periods=rows, freq="D"),
        }
    )
    return _sent(frame)


def _sent(frame: Any) -> dict[str, Any]:
    """`frame` as `Table` sends it, its column buffers as model.js's JSON."""
    table = _traits_module().encode_table(frame)
    for column in table["columns"]:
        column["values"] = _buffer(column["values"])
    return table


def messy_tables() -> list[tuple[str, dict[str, Any]]]:
    """The tables people really have, each as `(what it is, the table as Table sends it)`:
    infinities, overflowing sums, huge numbers, a column of only missing values, a time zone,
    no rows, one row, a 10,000-character name, 100,000 distinct names, and column names
    that look like markup. The columns keep the synthetic table's names, so a widget's
    column options pick the same columns as on clean data."""
    return [(what, _encoded(what)) for what in _MESSY]


_MESSY = (
    "infinite values",
    "sums that overflow",
    "numbers near ±1e300",
    "a column of only missing values",
    "times in New York's zone",
    "no rows",
    "one row",
    "a 10,000-character name",
    "100,000 distinct names",
    "column names that look like markup",
)


@functools.cache
def _encoded(what: str) -> dict[str, Any]:
    return _sent(_messy_frame(what))


def _messy_frame(what: str) -> Any:
    import numpy as np
    import pandas as pd

    inf, nan = math.inf, math.nan

    def frame(value: list[float], label: list[str] | None = None, **more: Any) -> Any:
        rows = len(value)
        label = label if label is not None else [WORDS[i % len(WORDS)] for i in range(rows)]
        return pd.DataFrame(
            {
                "value": value,
                "score": more.pop("score", [i / max(rows, 1) for i in range(rows)]),
                "count": more.pop("count", list(range(rows))),
                "label": label,
                "when": more.pop("when", pd.date_range("2024-01-01", periods=rows, freq="D")),
            }
        )

    if what == "infinite values":
        return frame([1, 2, inf, -inf, 3, 4], score=[nan, 0.1, inf, 0.3, -inf, 0.5])
    if what == "sums that overflow":
        return frame([1.7e308, 1.7e308, 1, 2, 3, 4], ["Big", "Big", "a", "b", "c", "d"])
    if what == "numbers near ±1e300":
        return frame([1e300, -1e300, 5e299, -5e299, 1e300, 0], score=[1e300, -1e300] * 3)
    if what == "a column of only missing values":
        return frame(
            [nan] * 6, count=pd.array([1, None, 3, None, None, 6], dtype="Int64"), score=[nan] * 6
        )
    if what == "times in New York's zone":
        return frame(
            [1, 2, 3, 4, 5, 6],
            when=pd.date_range("2024-03-10", periods=6, freq="h", tz="America/New_York"),
        )
    if what == "no rows":
        return frame([]).astype({"value": "float64", "score": "float64", "count": "int64"})
    if what == "one row":
        return frame([66631.5])
    if what == "a 10,000-character name":
        return frame([1, 2, 3], ["x" * 10_000, "short", "a name"])
    if what == "100,000 distinct names":
        rows = 100_000
        rng = np.random.default_rng(7)
        return frame(
            rng.normal(50, 15, rows).tolist(),
            [f"item {i:06d}" for i in range(rows)],
            score=rng.uniform(0, 1, rows),
            count=rng.integers(0, 100, rows),
            when=pd.date_range("2024-01-01", periods=rows, freq="min"),
        )
    if what == "column names that look like markup":
        return frame([1, 2, 3]).rename(
            columns={"label": "<img src=x onerror=alert(1)>", "count": "__proto__"}
        )
    raise ValueError(f"no messy table {what!r}")


def messy_grids() -> list[tuple[str, dict[str, Any]]]:
    """Height grids people really have, as `Grid` sends them: missing cells (NaN) and a
    single cell."""
    holed = grid(64, 64)
    for row, column in [(5, 5), (20, 40), (40, 12), (63, 63), (0, 31)]:
        holed[row][column] = math.nan
    for column in range(10, 30):
        holed[32][column] = math.nan
    return [("a 64 by 64 grid with missing cells", _grid(holed)), ("a 1 by 1 grid", _grid([[0.5]]))]
