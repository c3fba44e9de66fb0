"""Tables and row selections on the wire: the generated `_traits.py` encodes, the real
`templates/_shared/table.js` and `indices.js` decode (in Node), and pandas is the judge."""

from __future__ import annotations

import base64
import importlib
import importlib.util
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import traitlets
from helpers import cannot_start, generate_flights

REPO = Path(__file__).resolve().parent.parent
SHARED_JS = REPO / "templates" / "_shared"


@pytest.fixture(scope="module")
def widgets(tmp_path_factory):
    """The widgets package `vibew new` writes (scatter + linked histogram), imported."""
    project = tmp_path_factory.mktemp("transport")
    generate_flights(project)
    name = f"transport_widgets_{id(project)}"
    spec = importlib.util.spec_from_file_location(
        name, project / "widgets" / "__init__.py", submodule_search_locations=[]
    )
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    yield {
        "traits": importlib.import_module(f"{name}._traits"),
        "Scatter": importlib.import_module(f"{name}.scatter").Scatter,
        "Histogram": importlib.import_module(f"{name}.histogram").Histogram,
        "path": project / "widgets" / "_traits.py",
    }
    for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
        del sys.modules[module]


@pytest.fixture(scope="module")
def traits(widgets):
    return widgets["traits"]


def test_generated_traits_module_is_ruff_clean(widgets):
    ruff = [sys.executable, "-m", "ruff"]
    path = str(widgets["path"])
    check = subprocess.run([*ruff, "check", "--isolated", path], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    fmt = subprocess.run(
        [*ruff, "format", "--isolated", "--check", path], capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout


# ---------------------------------------------------------------- decoding in Node

_DECODER = """\
import { readFileSync } from "node:fs";

{table_js}
{indices_js}

const plain = (values) => Array.from(values, (v) => (Number.isNaN(v) ? "NaN" : v));
const [metaPath, binaryPath] = process.argv.slice(2);
const meta = JSON.parse(readFileSync(metaPath, "utf8"));
const file = readFileSync(binaryPath);
// A fresh ArrayBuffer holding exactly the file, like one binary websocket message.
const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
const view = ({ offset, byteLength }) => new DataView(buffer, offset, byteLength);

const tables = {};
for (const [name, table] of Object.entries(meta.tables)) {
  const encoded =
    table && { ...table, columns: table.columns.map((c) => ({ ...c, values: view(c) })) };
  const decoded = decodeTable(encoded);
  tables[name] = {
    length: decoded.length,
    columns: decoded.columns.map((c) => ({
      name: c.name,
      kind: c.kind,
      type: c.values.constructor.name,
      shared: c.values.buffer === buffer,
      values: plain(c.values),
      categories: c.categories,
    })),
  };
}
const rows = {};
for (const [name, part] of Object.entries(meta.rows)) {
  const decoded = rowIndices(view(part));
  rows[name] = { type: decoded.constructor.name, shared: decoded.buffer === buffer, values: plain(decoded) };
}
rows.list = { values: plain(rowIndices([3, 1, 2])) };
rows.missing = { values: plain(rowIndices(null)) };
console.log(JSON.stringify({ tables, rows }));
"""


def decode_in_node(tmp_path: Path, tables: dict, rows: dict | None = None, misalign: int = 0):
    """Decode encoded tables (and RowIndices buffers) with the real JS, in Node.

    Every buffer is written into one binary file, as a websocket message carries them, at an
    offset that is a multiple of 8 plus `misalign`; each becomes a DataView over the file.
    """
    node = shutil.which("node")
    if node is None:
        cannot_start("node is not installed")  # skipped here, failed under CI=true
    binary = bytearray()

    def place(buffer) -> dict:
        data = bytes(buffer)
        binary.extend(b"\0" * ((-len(binary)) % 8 + misalign))
        part = {"offset": len(binary), "byteLength": len(data)}
        binary.extend(data)
        return part

    meta = {"tables": {}, "rows": {}}
    for name, table in tables.items():
        meta["tables"][name] = table and {
            "length": table["length"],
            "columns": [
                {**{k: v for k, v in c.items() if k != "values"}, **place(c["values"])}
                for c in table["columns"]
            ],
        }
    for name, buffer in (rows or {}).items():
        meta["rows"][name] = place(buffer)
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    (tmp_path / "data.bin").write_bytes(bytes(binary))
    script = tmp_path / "decode.mjs"
    script.write_text(
        _DECODER.replace("{table_js}", (SHARED_JS / "table.js").read_text()).replace(
            "{indices_js}", (SHARED_JS / "indices.js").read_text()
        )
    )
    done = subprocess.run(
        [node, str(script), str(tmp_path / "meta.json"), str(tmp_path / "data.bin")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _number(value) -> float | str:
    return "NaN" if pd.isna(value) else value


def _epoch_ms(value) -> float | str:
    if pd.isna(value):
        return "NaN"
    moment = pd.Timestamp(value).to_pydatetime()  # Python's datetime: any year, µs precision
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(milliseconds=1)


def _text(value) -> str | None:
    missing = pd.api.types.is_scalar(value) and pd.isna(value)
    return None if missing else str(value)


# Every column dtype the encoder handles: name -> (series, expected kind, JS array type).
_TZ_TIMES = pd.to_datetime(["2024-03-10 01:30", None, "2024-07-01 12:00:00.250"], format="ISO8601")
COLUMNS = {
    "float": (pd.Series([-2.25, np.nan, 1e300]), "number", "Float64Array"),
    "float32": (pd.Series([1.5, np.nan, -3.0], dtype=np.float32), "number", "Float32Array"),
    "all_nan": (pd.Series([np.nan, np.nan, np.nan]), "number", "Float64Array"),
    "int": (pd.Series([0, -7, 2**31 - 1]), "number", "Int32Array"),
    "int8": (pd.Series([-3, 4, 5], dtype=np.int8), "number", "Int32Array"),
    "int_wide": (pd.Series([2**40, -1, 2**53]), "number", "Float64Array"),
    "uint64": (pd.Series([2**63, 0, 1], dtype=np.uint64), "number", "Float64Array"),
    "Int64_na": (pd.Series([1, None, -3], dtype="Int64"), "number", "Float64Array"),
    "Int64_full": (pd.Series([1, 2, -3], dtype="Int64"), "number", "Int32Array"),
    "Float64_na": (pd.Series([0.5, None, 2.0], dtype="Float64"), "number", "Float64Array"),
    "arrow_int_na": (pd.Series([1, None, 3], dtype="int64[pyarrow]"), "number", "Float64Array"),
    "bool": (pd.Series([True, False, True]), "bool", "Uint8Array"),
    "boolean_na": (pd.Series([True, None, False], dtype="boolean"), "bool", "Float64Array"),
    "arrow_bool_na": (pd.Series([None, True, False], dtype="bool[pyarrow]"), "bool", "Float64Array"),
    "datetime": (pd.Series(pd.to_datetime(["2024-01-01", None, "1969-12-31 23:59:59.5"], format="ISO8601")), "time", "Float64Array"),
    "datetime_s": (pd.Series(np.array(["2024-01-01", "NaT", "3000-01-01"], dtype="datetime64[s]")), "time", "Float64Array"),
    "tz_paris": (pd.Series(_TZ_TIMES.tz_localize("Europe/Paris")), "time", "Float64Array"),
    "tz_newyork": (pd.Series(_TZ_TIMES.tz_localize("America/New_York")), "time", "Float64Array"),
    "arrow_time_tz": (pd.Series(pd.array([pd.Timestamp("2024-01-01", tz="UTC"), None, pd.Timestamp("2024-06-01 08:00", tz="UTC")], dtype="timestamp[us, tz=Asia/Tokyo][pyarrow]")), "time", "Float64Array"),
    "duration": (pd.Series(pd.to_timedelta(["1s", None, "-1.5ms"])), "number", "Float64Array"),
    "object_text": (pd.Series(["b", None, "a"], dtype=object), "category", "Int32Array"),
    "str": (pd.Series(["x", None, "x"], dtype="str"), "category", "Int32Array"),
    "string_na": (pd.Series(["x", pd.NA, "é ✓"], dtype="string"), "category", "Int32Array"),
    "categorical_na": (pd.Series(pd.Categorical(["lo", None, "hi"], categories=["lo", "mid", "hi"])), "category", "Int32Array"),
    "categorical_int": (pd.Series(pd.Categorical([3, 1, None])), "category", "Int32Array"),
    "mixed": (pd.Series([1, "x", None], dtype=object), "category", "Int32Array"),
    "mixed_alike": (pd.Series([1, "1", 2.5], dtype=object), "category", "Int32Array"),
    "unhashable": (pd.Series([[1, 2], None, {"k": 1}], dtype=object), "category", "Int32Array"),
    "complex": (pd.Series([1 + 2j, 0j, np.nan]), "category", "Int32Array"),
    "period": (pd.Series(pd.period_range("2020-01", periods=3, freq="M")), "category", "Int32Array"),
}  # fmt: skip


def _expected(series: pd.Series, kind: str) -> list:
    if kind == "time":
        return [_epoch_ms(v) for v in series]
    if kind == "number" and pd.api.types.is_timedelta64_dtype(series.dtype):
        return ["NaN" if pd.isna(v) else v / pd.Timedelta(1, "ms") for v in series]
    if kind in ("number", "bool"):
        return [_number(v) if pd.isna(v) else float(v) for v in series]
    return [_text(v) for v in series]


def _decoded(column: dict) -> list:
    if column["kind"] != "category":
        return column["values"]
    categories = column["categories"]
    return [None if code == -1 else categories[code] for code in column["values"]]


def _same(decoded: list, expected: list) -> bool:
    """Equal element by element; numbers compared as the float64 JS holds (2**63 prints inexactly)."""
    number = (int, float)
    return len(decoded) == len(expected) and all(
        float(a) == float(b) if isinstance(a, number) and isinstance(b, number) else a == b
        for a, b in zip(decoded, expected, strict=True)
    )


@pytest.fixture(scope="module")
def every_dtype(traits):
    frame = pd.DataFrame({name: series for name, (series, _, _) in COLUMNS.items()})
    return frame, traits.encode_table(frame)


@pytest.mark.parametrize("misalign", [0, 1], ids=["aligned", "misaligned"])
def test_every_dtype_survives_the_round_trip(every_dtype, tmp_path, misalign):
    frame, encoded = every_dtype
    decoded = decode_in_node(tmp_path, {"frame": encoded}, misalign=misalign)["tables"]["frame"]
    assert decoded["length"] == len(frame) == 3
    assert [c["name"] for c in decoded["columns"]] == list(COLUMNS)
    for column in decoded["columns"]:
        series, kind, array_type = COLUMNS[column["name"]]
        assert (column["kind"], column["type"]) == (kind, array_type), column["name"]
        expected = _expected(series, kind)
        assert _same(_decoded(column), expected), (column["name"], _decoded(column), expected)
        # Typed arrays are views of the message, copied only when their bytes are misaligned.
        element = {"Float64Array": 8, "Float32Array": 4, "Int32Array": 4, "Uint8Array": 1}
        assert column["shared"] == (misalign % element[array_type] == 0), column["name"]


def test_spot_values_are_what_a_reader_expects(every_dtype, tmp_path):
    columns = {
        c["name"]: c
        for c in decode_in_node(tmp_path, {"f": every_dtype[1]})["tables"]["f"]["columns"]
    }
    # 01:30 in Paris on 10 March 2024 is 00:30 UTC; 12:00:00.250 in July (CEST) is 10:00:00.250.
    assert columns["tz_paris"]["values"] == [1710030600000, "NaN", 1719828000250]
    assert columns["datetime"]["values"] == [1704067200000, "NaN", -500]
    assert columns["duration"]["values"] == [1000, "NaN", -1.5]
    assert columns["Int64_na"]["values"] == [1, "NaN", -3]
    assert columns["boolean_na"]["values"] == [1, "NaN", 0]
    assert columns["categorical_na"]["categories"] == ["lo", "mid", "hi"]  # unused ones stay
    assert columns["categorical_na"]["values"] == [0, -1, 2]
    # 1 and "1" print alike: one category, one code.
    assert columns["mixed_alike"]["categories"] == ["1", "2.5"]
    assert columns["mixed_alike"]["values"] == [0, 0, 1]


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame(),
        pd.DataFrame({"a": pd.Series([], dtype=float), "s": pd.Series([], dtype=object)}),
        pd.DataFrame({"a": pd.Series([], dtype="datetime64[ns, UTC]"), "n": pd.Series([], dtype="Int64")}),
        pd.DataFrame({"x": [2.5], "n": [7], "s": ["only"], "t": pd.to_datetime(["2000-01-01"])}),
        pd.DataFrame({"x": [np.nan], "s": [None]}),
    ],
    ids=["no-columns", "empty", "empty-extension-dtypes", "one-row", "one-row-missing"],
)  # fmt: skip
def test_empty_and_one_row_frames(traits, tmp_path, frame):
    encoded = traits.encode_table(frame)
    assert encoded["length"] == len(frame)
    decoded = decode_in_node(tmp_path, {"f": encoded})["tables"]["f"]
    assert decoded["length"] == len(frame)
    assert [c["name"] for c in decoded["columns"]] == list(frame.columns)
    for column in decoded["columns"]:
        series = frame[column["name"]]
        assert len(column["values"]) == len(frame)
        assert _same(_decoded(column), _expected(series, column["kind"]))


def test_no_frame_is_none_and_decodes_to_an_empty_table(traits, tmp_path):
    assert traits.encode_table(None) is None
    assert decode_in_node(tmp_path, {"none": None})["tables"]["none"] == {
        "length": 0,
        "columns": [],
    }


def test_column_names_of_any_type_are_sent_as_text(traits):
    frame = pd.DataFrame([[1, 2, 3, 4, 5]], columns=[0, 2.5, ("a", "b"), None, "a"])
    names = [c["name"] for c in traits.encode_table(frame)["columns"]]
    assert names == ["0", "2.5", "('a', 'b')", "None", "a"]


@pytest.mark.parametrize(
    ("columns", "named"),
    [([1, "1"], "'1'"), (["x", "x"], "'x'"), ([None, "None", 2.5, "2.5"], "'2.5', 'None'")],
    ids=["int-and-text", "twice", "two-pairs"],
)
def test_columns_whose_names_read_alike_are_refused(widgets, traits, columns, named):
    """The front end gets names as text: `1` and "1" would be two columns named "1"."""
    frame = pd.DataFrame([list(range(len(columns)))], columns=columns)
    with pytest.raises(traitlets.TraitError, match=f"several columns named {named}"):
        widgets["Scatter"](frame)
    with pytest.raises(traitlets.TraitError, match="rename them apart"):
        traits.encode_table(frame)  # a frame changed in place after it was assigned


def test_numbers_are_sent_without_copying_the_frame(traits):
    frame = pd.DataFrame({"x": np.arange(5, dtype=np.float64)})
    values = traits.encode_table(frame)["columns"][0]["values"]
    assert np.shares_memory(np.frombuffer(values, dtype=np.float64), frame["x"].to_numpy())


def _comm_messages(widget) -> list[tuple[dict, list]]:
    """Record what the widget sends to the front end (the comm is a stand-in outside a kernel)."""
    sent = []
    send = widget._send
    widget._send = lambda msg, buffers=None: (sent.append((msg, buffers or [])), send(msg, buffers))
    return sent


def _state_with_buffers(msg: dict, buffers: list) -> dict:
    """The state as the front end sees it: each buffer put back at its path."""
    state = json.loads(json.dumps(msg["state"]))
    for path, buffer in zip(msg["buffer_paths"], buffers, strict=True):
        target = state
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = buffer
    return state


def _data_updates(sent: list) -> list[dict]:
    """The `data` states the widget sent, each with its buffers put back."""
    return [
        _state_with_buffers(m, b)["data"]
        for m, b in sent
        if m["method"] == "update" and "data" in m["state"]
    ]


def test_a_frame_replaced_after_display_is_sent_again(widgets, tmp_path):
    scatter = widgets["Scatter"](pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]}), x="name")
    sent = _comm_messages(scatter)
    replacement = pd.DataFrame(
        {"when": pd.to_datetime(["2024-01-01"]), "name": ["n"], 7: [0.5], "z": [1.5]}
    )
    scatter.data = replacement
    [data] = _data_updates(sent)
    decoded = decode_in_node(tmp_path, {"data": data})["tables"]["data"]
    assert decoded["length"] == 1
    # x names a text column; y picks the first number or time column: the two drawn.
    assert [(c["name"], c["kind"]) for c in decoded["columns"]] == [
        ("when", "time"),
        ("name", "category"),
    ]
    assert [_decoded(c) for c in decoded["columns"]] == [[1704067200000], ["n"]]
    scatter.data = None
    assert sent[-1][0]["state"] == {"data": None}


class CountingFrame(pd.DataFrame):
    """A DataFrame that counts comparisons with it: element by element, they take seconds
    for millions of rows."""

    comparisons = 0

    @property
    def _constructor(self):
        return CountingFrame

    def __eq__(self, other):
        CountingFrame.comparisons += 1
        return super().__eq__(other)

    def __ne__(self, other):
        CountingFrame.comparisons += 1
        return super().__ne__(other)


def test_a_new_frame_is_a_change_and_the_same_frame_is_not_compared(widgets):
    first = CountingFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]})
    CountingFrame.comparisons = 0
    scatter = widgets["Scatter"](first)
    seen = []
    scatter.observe(lambda change: seen.append(change.new), names="data")
    sent = _comm_messages(scatter)

    equal_copy = CountingFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]})
    scatter.data = equal_copy  # equal element by element, but another frame
    assert seen == [equal_copy] and seen[0] is equal_copy
    assert len(_data_updates(sent)) == 1

    scatter.data = equal_copy  # the frame it holds: nothing to send
    assert len(seen) == 1
    assert len(_data_updates(sent)) == 1
    assert CountingFrame.comparisons == 0


def test_each_chart_sends_only_the_columns_it_draws(widgets):
    frame = pd.DataFrame(
        {
            "label": ["a", "b"],
            "x": [1.0, 2.0],
            "count": [3, 4],
            "when": pd.to_datetime(["2024-01-01", "2024-01-02"]),
        }
    )

    def sent_columns(widget) -> list[str]:
        return [c["name"] for c in widget.get_state("data")["data"]["columns"]]

    assert sent_columns(widgets["Scatter"](frame)) == ["x", "count"]
    assert sent_columns(widgets["Scatter"](frame, x="count")) == ["x", "count"]
    assert sent_columns(widgets["Scatter"](frame, x="when", y="label")) == ["label", "when"]
    assert sent_columns(widgets["Scatter"](frame, x="count", y="count")) == ["count"]
    assert sent_columns(widgets["Histogram"](frame)) == ["x"]
    assert sent_columns(widgets["Histogram"](frame, column="nope")) == ["x"]
    assert sent_columns(widgets["Histogram"](frame[["label"]])) == []


def test_changing_a_column_trait_sends_the_column_it_now_draws(widgets):
    frame = pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0], "count": [5, 6]})
    histogram = widgets["Histogram"](frame)
    sent = _comm_messages(histogram)
    histogram.column = "count"
    [data] = _data_updates(sent)
    assert [c["name"] for c in data["columns"]] == ["count"]
    assert np.frombuffer(data["columns"][0]["values"], dtype=np.int32).tolist() == [5, 6]
    histogram.bins = 10  # not a column trait: the table is not sent again
    assert len(_data_updates(sent)) == 1


_PICKER = """{axes_js}
const cases = JSON.parse(process.argv[2]);
const picks = cases.map(({ columns, traits }) => {
  const table = { columns };
  const picked = [];
  for (const name of traits) {
    const column = pickNumericColumn(table, name, picked.map((c) => c.name));
    if (column) picked.push(column);
  }
  return [...new Set(picked.map((c) => c.name))];
});
console.log(JSON.stringify(picks));
"""


def test_python_picks_the_columns_the_front_end_picks(traits, tmp_path):
    """`Table(columns=...)` sends what the real `pickNumericColumn` (axes.js) would pick
    from the whole table, or the chart would draw a column that never came."""
    node = shutil.which("node")
    if node is None:
        cannot_start("node is not installed")
    frames = [
        pd.DataFrame({"s": ["a"], "t": pd.to_datetime(["2024-01-01"]), "b": [True], "n": [1]}),
        pd.DataFrame({"s": ["a"], "b": [True]}),
        pd.DataFrame({"n": [1.0]}),
        pd.DataFrame({"": [1.0], "m": [2.0]}),
        pd.DataFrame({"p": [1.0], "q": [2], "r": pd.to_timedelta(["1s"])}),
    ]
    choices = [("", ""), ("s", ""), ("", "s"), ("q", ""), ("n", "n"), ("b", "m"), ("zz", "")]
    cases, expected = [], []
    for frame in frames:
        columns = [
            {"name": c["name"], "kind": c["kind"]} for c in traits.encode_table(frame)["columns"]
        ]
        for choice in choices:
            widget = type("Widget", (), {"first": choice[0], "second": choice[1]})()
            cases.append({"columns": columns, "traits": list(choice)})
            expected.append(traits._picked_columns(frame, widget, ("first", "second")))
    script = tmp_path / "pick.mjs"
    script.write_text(_PICKER.replace("{axes_js}", (SHARED_JS / "axes.js").read_text()))
    done = subprocess.run(
        [node, str(script), json.dumps(cases)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    picks = json.loads(done.stdout)
    assert [sorted(p) for p in picks] == [sorted(set(e)) for e in expected]


def test_table_trait_takes_anything_pandas_makes_a_frame_of(widgets):
    scatter = widgets["Scatter"]({"x": [1, 2], "y": [3, 4]})
    assert isinstance(scatter.data, pd.DataFrame)
    with pytest.raises(traitlets.TraitError):
        scatter.data = 42


# ---------------------------------------------------------------- row selections


@pytest.fixture
def scatter(widgets):
    return widgets["Scatter"](pd.DataFrame({"x": np.arange(20.0), "y": np.arange(20.0)}))


@pytest.fixture
def histogram(widgets):
    return widgets["Histogram"](pd.DataFrame({"x": np.arange(20.0)}))


@pytest.mark.parametrize(
    "value",
    [
        [0, 1, 2, 5, 10],
        (0, 1, 2, 5, 10),
        np.array([0, 1, 2, 5, 10]),
        np.array([0, 1, 2, 5, 10], dtype=np.uint8),
        np.array([0, 1, 2, 5, 10], dtype=np.int32),
        pd.Index([0, 1, 2, 5, 10]),
        pd.Series([0, 1, 2, 5, 10]),
    ],
    ids=["list", "tuple", "int64", "uint8", "int32", "index", "series"],
)
def test_selections_accept_lists_tuples_and_arrays(scatter, value, traits):
    scatter.selected_indices = value
    rows = scatter.selected_indices
    assert isinstance(rows, np.ndarray) and isinstance(rows, traits.Rows)
    assert rows.dtype == np.int32 and rows.ndim == 1
    assert rows.tolist() == [0, 1, 2, 5, 10]
    assert str(rows) == "[ 0  1  2  5 10]"  # print(scatter.selected_indices)


def test_selection_is_read_only_and_detached_from_what_was_assigned(scatter):
    mine = np.array([1, 2, 3], dtype=np.int32)
    scatter.selected_indices = mine
    mine[0] = 99
    rows = scatter.selected_indices
    assert rows.tolist() == [1, 2, 3]
    assert not rows.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        rows[0] = 5
    with pytest.raises(ValueError):
        rows.view(np.ndarray).setflags(write=True)


def test_empty_selection_is_the_default(scatter):
    rows = scatter.selected_indices
    assert rows.dtype == np.int32 and rows.shape == (0,) and not rows
    scatter.selected_indices = []
    assert scatter.selected_indices.shape == (0,)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([3, -1], "from 0 to 2147483647, not -1"),
        ([2**31], "not 2147483648"),
        (np.array([0, 2**40]), "not 1099511627776"),
        ([1.0, 2.0], "expected a 1-D sequence of non-negative integer"),
        (np.array([0.5]), "expected a 1-D sequence"),
        ([True, False], "expected a 1-D sequence"),
        ([[1, 2], [3, 4]], "expected a 1-D sequence"),
        (np.zeros((2, 2), dtype=int), "expected a 1-D sequence"),
        ([[1], [2, 3]], "expected a 1-D sequence"),
        ("0, 1", "expected a 1-D sequence"),
        (None, "expected a 1-D sequence"),
        (5, "expected a 1-D sequence"),
        ([1, "2"], "expected a 1-D sequence"),
        ([2**70], "expected a 1-D sequence"),
    ],
    ids=[
        "negative",
        "past-int32",
        "past-int32-array",
        "floats",
        "float-array",
        "bools",
        "nested",
        "2d-array",
        "ragged",
        "string",
        "none",
        "scalar",
        "mixed",
        "huge",
    ],
)
def test_selection_rejects_what_is_not_row_positions(scatter, value, message):
    scatter.selected_indices = [4]
    with pytest.raises(traitlets.TraitError, match=message):
        scatter.selected_indices = value
    assert scatter.selected_indices.tolist() == [4]  # unchanged


def test_even_a_read_only_rows_array_is_validated(scatter, traits):
    forged = np.frombuffer(np.array([3, -1], dtype=np.int32).tobytes(), dtype=np.int32)
    with pytest.raises(traitlets.TraitError, match="not -1"):
        scatter.selected_indices = forged.view(traits.Rows)


def test_selection_compares_like_a_list_and_computes_like_an_array(scatter):
    scatter.selected_indices = [0, 2, 5]
    rows = scatter.selected_indices
    assert rows == [0, 2, 5]
    assert rows == (0, 2, 5)
    assert rows == np.array([0, 2, 5])
    assert bool(rows == [0, 2, 6]) is False
    assert bool(rows == [0, 2]) is False  # another length: unequal, not a broadcasting error
    assert rows != [0, 2]
    assert rows != [0, 2, 6]
    assert bool(rows != [0, 2, 5]) is False
    assert bool(rows == "0, 2, 5") is False
    assert rows  # not empty
    # The elementwise results are numpy's.
    assert (rows == 2).tolist() == [False, True, False]
    assert (rows != np.array([0, 0, 5])).tolist() == [False, True, False]
    assert rows[rows > 1].tolist() == [2, 5]
    assert 5 in rows and 4 not in rows
    assert np.unique(np.concatenate([rows, rows])).tolist() == [0, 2, 5]
    assert np.isin(rows, [5, 0]).tolist() == [True, False, True]
    frame = pd.DataFrame({"v": list("abcdef")})
    assert frame.iloc[rows]["v"].tolist() == ["a", "c", "f"]
    assert repr(rows == [0, 2, 5]) == "array([ True,  True,  True])"


def test_assigning_an_equal_selection_is_not_a_change(scatter):
    changes = []
    scatter.observe(changes.append, "selected_indices")
    scatter.selected_indices = [1, 2]
    scatter.selected_indices = np.array([1, 2])
    scatter.selected_indices = (1, 2)
    assert len(changes) == 1
    scatter.selected_indices = [1, 2, 3]
    scatter.selected_indices = [1]
    scatter.selected_indices = []
    scatter.selected_indices = []
    assert [c["new"].tolist() for c in changes] == [[1, 2], [1, 2, 3], [1], []]


def test_selection_travels_as_one_int32_buffer(scatter):
    sent = _comm_messages(scatter)
    scatter.selected_indices = [0, 1, 2, 5, 10]
    (msg, buffers), *_ = [s for s in sent if "selected_indices" in s[0]["buffer_paths"][0]]
    assert msg["state"] == {} and msg["buffer_paths"] == [["selected_indices"]]
    assert bytes(buffers[0]) == np.array([0, 1, 2, 5, 10], dtype="<i4").tobytes()


def test_selection_json_round_trip(scatter, traits):
    trait = scatter.traits()["selected_indices"]
    to_json, from_json = trait.metadata["to_json"], trait.metadata["from_json"]
    scatter.selected_indices = np.arange(0, 3000, 3)
    wire = to_json(scatter.selected_indices, scatter)
    assert isinstance(wire, memoryview) and wire.nbytes == 4000
    for received in (wire, bytes(wire), bytearray(wire)):
        back = trait.validate(scatter, from_json(received, scatter))
        assert isinstance(back, traits.Rows) and back == scatter.selected_indices
    assert from_json([4, 5], scatter) == [4, 5]  # a plain JS array arrives as a list


def test_selection_from_the_front_end_as_buffer_or_list(scatter):
    sent = _comm_messages(scatter)
    scatter.set_state({"selected_indices": memoryview(np.array([7, 3], dtype=np.int32))})
    assert scatter.selected_indices == [7, 3]
    # Nothing is sent back, not even an echo: the selection can be megabytes.
    assert sent == []
    scatter.set_state({"selected_indices": [1, 2, 3]})
    assert scatter.selected_indices == [1, 2, 3]
    with pytest.raises(traitlets.TraitError):
        scatter.set_state({"selected_indices": memoryview(np.array([-5], dtype=np.int32))})


@pytest.mark.parametrize("size", [1, 2, 3, 5, 4001])
def test_a_selection_buffer_of_partial_int32s_is_a_trait_error(scatter, size):
    """A browser (or anyone on the comm) can send any bytes: refused as a TraitError."""
    before = scatter.selected_indices
    with pytest.raises(traitlets.TraitError, match=f"4 bytes each.*not {size} bytes"):
        scatter.set_state({"selected_indices": memoryview(bytes(size))})
    assert scatter.selected_indices is before


def test_selection_through_traitlets_link(scatter, histogram):
    link = traitlets.link((scatter, "selected_indices"), (histogram, "selected_indices"))
    sent = _comm_messages(histogram)
    scatter.selected_indices = [0, 1, 2, 5, 10]
    assert histogram.selected_indices == [0, 1, 2, 5, 10]
    assert histogram.selected_indices is scatter.selected_indices  # shared, safely: read-only
    histogram.set_state({"selected_indices": memoryview(np.array([3, 4], dtype=np.int32))})
    assert scatter.selected_indices == [3, 4]
    scatter.set_state({"selected_indices": [9]})
    assert histogram.selected_indices == [9]
    scatter.selected_indices = []
    assert histogram.selected_indices == []
    updates = [m for m, _ in sent if m["method"] == "update"]
    assert len(updates) == 3  # [0, 1, 2, 5, 10], [9], []: one each, no echo loops
    link.unlink()
    scatter.selected_indices = [1]
    assert histogram.selected_indices == []


def test_selection_through_dlink_to_a_list_trait(scatter):
    class Plain(traitlets.HasTraits):
        rows = traitlets.List(traitlets.Int())

    plain = Plain()
    traitlets.dlink((scatter, "selected_indices"), (plain, "rows"), lambda rows: rows.tolist())
    scatter.selected_indices = np.array([4, 2])
    assert plain.rows == [4, 2]


def test_decoded_selection_in_node(scatter, tmp_path):
    scatter.selected_indices = [5, 0, 2_000_000_000]
    wire = scatter.traits()["selected_indices"].metadata["to_json"](scatter.selected_indices, None)
    for misalign in (0, 2):
        rows = decode_in_node(tmp_path, {}, rows={"sel": wire}, misalign=misalign)["rows"]
        assert rows["sel"] == {
            "type": "Int32Array",
            "shared": misalign == 0,
            "values": [5, 0, 2_000_000_000],
        }
        assert rows["list"]["values"] == [3, 1, 2]
        assert rows["missing"]["values"] == []


_SAVE_IN_NODE = """
{indices_js}
const { length, picks } = JSON.parse(process.argv[2]);
const out = picks.map((rows) => {
  const saved = rowsToSave(Int32Array.from(rows), length);
  const view = saved instanceof DataView ? saved : saved.bitmap;
  const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString("base64");
  const back = Array.from(rowIndices(saved));
  return { bitmap: !(saved instanceof DataView), length: saved.length ?? null, bytes, back };
});
console.log(JSON.stringify(out));
"""


def test_a_dense_selection_travels_as_a_bitmap(scatter, tmp_path):
    """The page saves a selection as one bit a row when that is smaller than int32 rows (a
    Jupyter server drops a message over 10 MiB from the page: 2.6M int32 rows); Python reads
    either form as the same rows, and a bitmap that cannot hold its length is refused."""
    node = shutil.which("node")
    if node is None:
        cannot_start("node is not installed")
    length = 1000
    rng = np.random.default_rng(3)
    picks = [
        sorted(rng.choice(length, 900, replace=False).tolist()),  # dense: 125 bytes, not 3,600
        [3, 500, 999],  # sparse: 12 bytes, not 125
        list(range(length)),
        [],
    ]
    script = tmp_path / "save.mjs"
    helpers = (SHARED_JS / "indices.js").read_text() + (SHARED_JS / "indices_save.js").read_text()
    script.write_text(_SAVE_IN_NODE.replace("{indices_js}", helpers))
    done = subprocess.run(
        [node, str(script), json.dumps({"length": length, "picks": picks})],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    saved = json.loads(done.stdout)
    assert [s["bitmap"] for s in saved] == [True, False, True, False]
    trait = scatter.traits()["selected_indices"]
    from_json = trait.metadata["from_json"]
    for rows, save in zip(picks, saved, strict=True):
        assert save["back"] == rows  # the page reads its own save back
        data = base64.b64decode(save["bytes"])
        wire = {"length": save["length"], "bitmap": memoryview(data)} if save["bitmap"] else data
        assert trait.validate(scatter, from_json(wire, scatter)).tolist() == rows
        if save["bitmap"]:
            assert len(data) == 125
    scatter.set_state({"selected_indices": {"length": 9, "bitmap": memoryview(b"\xff\x01")}})
    assert scatter.selected_indices == list(range(9))
    for wrong in ({"length": 17, "bitmap": b"\xff\x01"}, {"length": "9", "bitmap": b"\x01"}):
        with pytest.raises(traitlets.TraitError, match="bitmap"):
            from_json(wrong, scatter)


def test_a_bitmap_from_the_page_is_not_sent_back_and_goes_on_as_a_bitmap(scatter, histogram):
    """ipywidgets sends a value back to the page when its wire form differs from what the
    page sent: a bitmap read as rows must go back (and on, through a link) as the same
    bitmap, not as int32 rows 32 times larger, which a view linked in the page would save
    again, past the server's 10 MiB limit at a few million rows."""
    traitlets.link((scatter, "selected_indices"), (histogram, "selected_indices"))
    sent_scatter, sent_histogram = _comm_messages(scatter), _comm_messages(histogram)
    bits = np.packbits(np.arange(5000) % 3 != 0, bitorder="little").tobytes()
    scatter.set_state({"selected_indices": {"length": 5000, "bitmap": memoryview(bits)}})
    assert len(scatter.selected_indices) == 3333
    assert sent_scatter == []  # nothing back to the page that sent it
    ((msg, buffers),) = sent_histogram
    assert msg["state"] == {"selected_indices": {"length": 5000}}
    assert msg["buffer_paths"] == [["selected_indices", "bitmap"]]
    assert bytes(buffers[0]) == bits
    histogram.selected_indices = histogram.selected_indices[:10]  # a slice: int32 rows
    assert (
        bytes(sent_histogram[-1][1][0])
        == np.arange(1, 15)[np.arange(1, 15) % 3 != 0][:10].astype("<i4").tobytes()
    )
