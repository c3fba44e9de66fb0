"""A widget over a table too big to send (issue 15), as `vibew new` writes it: the `Predicate`
trait a brush exports, `serve` (a table small enough is sent, a bigger one stays in the
kernel), and the kernel's answers to the page's questions, sent through ipywidgets as the
page gets them. The page's snapped brush (canonical.js, run in Node) is the span the cube
recognises."""

from __future__ import annotations

import importlib
import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import traitlets
from helpers import run_vibew
from hypothesis import given, settings
from hypothesis import strategies as st

CANONICAL_JS = Path(__file__).resolve().parent.parent / "templates" / "_shared" / "canonical.js"
HOSTILE = 'x"; DROP TABLE t; --'


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    """A scatter exporting its brush, a histogram importing it, a scatter of row indices."""
    project = tmp_path_factory.mktemp("queries")
    for args in (
        ("new", "scatter", "delays against distance", "--exports", "brush"),
        ("new", "histogram", "delays", "--imports", "scatter.brush"),
        ("new", "indexed", "-t", "scatter", "--exports", "selected_indices"),
        ("new", "picker", "-t", "dropdown", "--exports", "selected_airlines"),
        (
            "new",
            "rows",
            "-t",
            "table",
            "--imports",
            "scatter.brush",
            "--imports",
            "picker.selected_airlines",
        ),
    ):
        done = run_vibew(project, *args)
        assert done.returncode == 0, done.stderr
    name = f"query_widgets_{id(project)}"
    spec = importlib.util.spec_from_file_location(
        name, project / "widgets" / "__init__.py", submodule_search_locations=[]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    yield {
        "module": module,
        "source": importlib.import_module(f"{name}._source"),
        "link": importlib.import_module(f"{name}.wiring").link,
        "folder": project / "widgets",
    }
    for loaded in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
        del sys.modules[loaded]


def flights(rows: int = 5_000) -> pd.DataFrame:
    rng = np.random.default_rng(15)
    frame = pd.DataFrame(
        {"distance": rng.uniform(80, 2500, rows), "delay": rng.exponential(20, rows) - 10}
    )
    frame.loc[::97, "delay"] = np.nan
    return frame


def asked(widget, question: dict) -> tuple[dict, list[np.ndarray]]:
    """The answer to a question from the page, as the page receives it: the JSON (NaN would
    not parse) and the buffers: counts as float64, a page's columns as sent."""
    sent = []
    widget.send = lambda content, buffers=None: sent.append((content, buffers or []))
    widget._handle_custom_msg(question, [])
    ((content, buffers),) = sent
    return json.loads(json.dumps(content, allow_nan=False)), [
        np.frombuffer(b, dtype="<f8") if isinstance(b, bytes) else b for b in buffers
    ]


# --------------------------------------------------------------------------- Predicate


def test_the_generated_package_carries_the_queries_and_never_imports_vibew(package):
    scatter = (package["folder"] / "scatter.py").read_text()
    assert "brush = Predicate(" in scatter and "queried_rows = traitlets.Int(" in scatter
    assert "from ._source import Source, serve" in scatter
    for path in package["folder"].glob("*.py"):
        assert "vibewidget_cli" not in path.read_text(), path


def test_a_predicate_is_a_read_only_mapping_of_ranges(package):
    scatter = package["module"].Scatter()
    assert dict(scatter.brush) == {}
    scatter.brush = {"distance": [100, 500], "delay": (None, 3.5)}
    assert dict(scatter.brush) == {"distance": (100.0, 500.0), "delay": (None, 3.5)}
    with pytest.raises(TypeError):
        scatter.brush["x"] = (0, 1)
    assert scatter.trait_metadata("brush", "to_json")(scatter.brush, scatter) == {
        "distance": [100.0, 500.0],
        "delay": [None, 3.5],
    }


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"x": (1, math.inf)}, "finite numbers or None"),
        ({"x": (math.nan, 1)}, "finite numbers or None"),
        ({"x": ("a", "b")}, "finite numbers or None"),
        ({"x": (1, 2, 3)}, "finite numbers or None"),
        ({"x": (True, 2)}, "finite numbers or None"),
        ({"x": (5, 1)}, "from 5.0 up to 1.0"),
        ({"x": "0,1"}, "mapping of column names"),
        ([("x", (0, 1))], "mapping of column names"),
    ],
)
def test_a_bad_predicate_is_refused_in_one_line(package, bad, message):
    scatter = package["module"].Scatter()
    with pytest.raises(traitlets.TraitError, match=message) as raised:
        scatter.brush = bad
    assert "\n" not in str(raised.value)
    assert dict(scatter.brush) == {}


def test_a_link_carries_the_predicate(package):
    module = package["module"]
    scatter, histogram = module.Scatter(), module.Histogram()
    links = package["link"](
        scatter=scatter, histogram=histogram, picker=module.Picker(), rows=module.Rows()
    )
    scatter.brush = {"distance": (100, 500)}
    assert dict(histogram.brush) == {"distance": (100.0, 500.0)}
    histogram.brush = {}
    assert dict(scatter.brush) == {}
    assert links


# --------------------------------------------------------------------------- serve


def test_a_small_table_is_sent_whole_whatever_its_kind(package, tmp_path):
    Scatter = package["module"].Scatter
    frame = flights(500)
    path = tmp_path / "flights.parquet"
    frame.to_parquet(path)
    for data in (frame, duckdb.from_df(frame), str(path)):
        scatter = Scatter(data, max_rows=500)
        assert scatter.queried_rows == 0 and len(scatter.data) == 500
        assert type(scatter.source).__name__ == "FrameSource"


def test_a_big_table_stays_in_the_kernel(package, tmp_path):
    Scatter = package["module"].Scatter
    frame = flights()
    path = tmp_path / "flights.parquet"
    frame.to_parquet(path)
    for data, kind in ((frame, "FrameSource"), (str(path), "DuckDBSource")):
        scatter = Scatter(data, max_rows=1_000)
        assert scatter.queried_rows == 5_000, kind
        assert list(scatter.data.columns) == ["distance", "delay"] and len(scatter.data) == 0
        assert type(scatter.source).__name__ == kind
        scatter.brush = {"distance": (100, 500)}
        expected = int(frame.distance.between(100, 500).sum())
        assert scatter.source.count(scatter.brush) == expected
        assert len(scatter.source.filter(scatter.brush)) == expected
    # A DataFrame assigned afterwards is sent whole: nothing is queried any more.
    scatter.data = frame.head(10)
    assert scatter.queried_rows == 0 and len(scatter.source.filter()) == 10


def test_a_widget_that_selects_rows_by_index_sends_every_row_as_before(package):
    """Row indices need every row in the page: such a widget takes DataFrames alone."""
    indexed = (package["folder"] / "indexed.py").read_text()
    assert "_source" not in indexed and "max_rows" not in indexed
    assert "queried_rows" not in indexed
    assert len(package["module"].Indexed(flights()).data) == 5_000


def test_what_is_not_a_table_is_refused_in_one_line(package):
    with pytest.raises(TypeError, match="A source is a pandas DataFrame") as raised:
        package["module"].Scatter(42)
    assert "\n" not in str(raised.value)


# --------------------------------------------------------------------------- answers


def test_the_density_is_counted_on_the_canonical_bins(package):
    frame = flights()
    scatter = package["module"].Scatter(frame, max_rows=100)
    answer, (counts,) = asked(
        scatter, {"ask": "density", "id": "d1", "x": "distance", "y": "delay"}
    )
    assert answer["id"] == "d1"
    x, y = answer["x"], answer["y"]
    assert (x["lo"], x["hi"], x["bins"]) == (frame.distance.min(), frame.distance.max(), 256)
    assert (y["lo"], y["hi"], y["bins"]) == (frame.delay.min(), frame.delay.max(), 256)
    assert counts.shape == (256 * 256,) and counts.sum() == frame.delay.notna().sum()


def test_a_brushed_histogram_counts_the_rows_the_predicate_holds(package):
    frame = flights()
    histogram = package["module"].Histogram(frame, column="delay", max_rows=100)
    where = {"distance": [500.0, 1500.0], "delay": [-5.0, 30.0]}
    question = {"ask": "histogram", "id": 7, "column": "delay", "bins": 20, "lo": -10.0,
                "hi": 90.0, "where": where}  # fmt: skip
    answer, (counts,) = asked(histogram, question)
    held = frame[frame.distance.between(500, 1500) & frame.delay.between(-5, 30)]
    assert answer == {"id": 7, "lo": -10.0, "hi": 90.0, "missing": 0}
    assert counts.sum() == len(held)
    # numpy's own binning of the same values, the last bin closed
    expected, _ = np.histogram(held.delay, bins=20, range=(-10.0, 90.0))
    assert counts.tolist() == expected.tolist()


def test_a_snapped_brush_gets_the_same_answer_as_any_other(package):
    """The page snaps a brush to the canonical bins, which the cube answers: the same counts
    as the exact path gives a brush a hair wider, which no cube answers."""
    frame = flights(20_000)
    histogram = package["module"].Histogram(duckdb.from_df(frame), max_rows=100)
    axis = histogram.source.axis("distance")
    lo, hi = axis.span(40, 120)
    question = {"ask": "histogram", "column": "delay", "bins": 30, "lo": -10.0, "hi": 150.0}
    _, (snapped,) = asked(histogram, {**question, "where": {"distance": [lo, hi]}})
    wider = [lo, math.nextafter(hi, math.inf)]  # holds no other value: none lies between
    _, (exact,) = asked(histogram, {**question, "where": {"distance": wider}})
    assert snapped.tolist() == exact.tolist() and snapped.sum() > 0


def test_a_column_with_no_finite_value_answers_null_not_nan(package):
    frame = pd.DataFrame({"distance": [1.0, 2.0, 3.0], "delay": [math.nan, math.inf, math.nan]})
    histogram = package["module"].Histogram(frame, column="delay", max_rows=1)
    answer, (counts,) = asked(
        histogram, {"ask": "histogram", "id": 1, "column": "delay", "bins": 4}
    )
    assert answer == {"id": 1, "lo": None, "hi": None, "missing": 2}
    assert counts.tolist() == [0, 0, 0, 0]


def test_a_hostile_column_name_is_a_name_and_a_bad_question_an_error_reply(package):
    frame = flights(2_000).rename(columns={"distance": HOSTILE})
    relation = duckdb.from_df(frame)
    scatter = package["module"].Scatter(relation, x=HOSTILE, y="delay", max_rows=100)
    where = {HOSTILE: [100.0, 900.0]}
    _, (counts,) = asked(
        scatter, {"ask": "histogram", "id": 1, "column": "delay", "bins": 8, "where": where}
    )
    expected = frame[frame[HOSTILE].between(100, 900)].delay.notna().sum()
    assert counts.sum() == expected
    assert scatter.source.count({HOSTILE: (100, 900)}) == frame[HOSTILE].between(100, 900).sum()
    for question, message in (
        ({"ask": "histogram", "id": 2, "column": "nope", "bins": 8}, "No column 'nope'"),
        ({"ask": "pie", "id": 3}, "No such question: 'pie'"),
        ({"ask": "histogram", "id": 4, "column": "delay", "bins": 10**9}, "1 to 65,536 bins"),
        ({"ask": "rows", "id": 5, "offset": 0, "limit": 10**9}, "1 to 65,536 rows"),
        ({"ask": "categories", "id": 6, "column": "delay", "limit": 0}, "1 to 65,536 values"),
    ):
        answer, buffers = asked(scatter, question)
        assert set(answer) == {"id", "error"} and message in answer["error"], answer
        assert buffers == []


def test_a_dropdown_gets_the_commonest_values_and_the_rows_of_the_rest(package):
    frame = pd.DataFrame({"airline": ["AA"] * 5 + ["DL"] * 3 + ["UA"] * 2 + [None], "x": 0.0})
    picker = package["module"].Picker(duckdb.from_df(frame), max_rows=5)
    assert picker.queried_rows == 11
    question = {"ask": "categories", "id": 4, "column": "airline", "limit": 2}
    answer, (counts,) = asked(picker, question)
    assert answer == {"id": 4, "values": ["AA", "DL"], "rest": 2, "missing": 1}
    assert counts.tolist() == [5, 3]
    picker.selected_airlines = ["UA", "DL"]
    assert picker.source.count({"airline": picker.selected_airlines}) == 5


def test_a_table_gets_a_page_of_the_rows_its_filters_hold(package):
    """Values of a text column and a range, as the page sends them, over a hostile name."""
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {"airline": rng.choice(["AA", "DL", "UA"], 3_000), HOSTILE: rng.normal(0, 1, 3_000)}
    )
    rows = package["module"].Rows(duckdb.from_df(frame), max_rows=100)
    where = {"airline": {"in": ["UA", "DL"]}, HOSTILE: [0.0, None]}
    question = {"ask": "rows", "id": 9, "offset": 5, "limit": 4, "where": where}
    answer, buffers = asked(rows, question)
    held = frame[frame.airline.isin(["UA", "DL"]) & (frame[HOSTILE] >= 0)]
    assert answer["matching"] == len(held)
    table = answer["table"]
    assert table["length"] == 4
    assert [c["name"] for c in table["columns"]] == ["airline", HOSTILE]
    airline, value = table["columns"]
    codes = np.frombuffer(buffers[airline["buffer"]].tobytes(), dtype="<i4")
    values = np.frombuffer(buffers[value["buffer"]].tobytes(), dtype="<f8")
    assert [airline["categories"][code] for code in codes] == list(held.airline[5:9])
    assert values.tolist() == held[HOSTILE][5:9].tolist()


def test_what_is_not_a_question_gets_no_answer(package):
    scatter = package["module"].Scatter(flights(100))
    sent = []
    scatter.send = lambda content, buffers=None: sent.append(content)
    scatter._handle_custom_msg({"method": "anywidget-command"}, [])
    scatter._handle_custom_msg("hello", [])
    assert sent == []


# --------------------------------------------------------------------------- the page's snap

_SNAP = """
{canonical}
const cases = JSON.parse(process.argv[1]);
console.log(JSON.stringify(cases.map(([axis, a, b]) => {{
  const [first, last] = [binOf(axis, a), binOf(axis, b)].sort((p, q) => p - q);
  return [first, last, binRange(axis, first, last)];
}})));
"""


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(-1e9, 1e9),
            st.floats(1e-6, 1e9),
            st.integers(1, 512),
            st.floats(0, 1),
            st.floats(0, 1),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_the_page_snaps_a_brush_to_a_span_the_kernel_recognises(package, cases):
    Axis = package["source"].Axis
    axes = [(Axis(lo, lo + width, bins), a, b) for lo, width, bins, a, b in cases]
    # Bins narrower than the numbers' precision share edges: no brush can tell them apart
    # (and the kernel answers such a brush on the exact path).
    axes = [(axis, a, b) for axis, a, b in axes if len(set(axis.edges())) == axis.bins + 1]
    if not axes:
        return
    payload = [
        [axis._asdict(), axis.lo + a * (axis.hi - axis.lo), axis.lo + b * (axis.hi - axis.lo)]
        for axis, a, b in axes
    ]
    script = _SNAP.format(canonical=CANONICAL_JS.read_text())
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script, json.dumps(payload)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    for (axis, _, _), (first, last, (lo, hi)) in zip(axes, json.loads(done.stdout), strict=True):
        assert [lo, hi] == list(axis.span(first, last))
        assert axis.covers(lo, hi) == (first, last)
