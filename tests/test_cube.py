"""The generated `_source.py`'s cubes: a histogram under a brush snapped to canonical bins
(`Source.axis`) answered from a cube equals the histogram queried from the rows, for random
tables (values on and beside the edges, NaN, NULL, ±inf, duplicates, negative numbers,
integers and float32, hostile column names) and random snapped brushes on one or two
columns, the histogram's own among them; other predicates are queried as before."""

from __future__ import annotations

import math
from pathlib import Path
from types import ModuleType

import duckdb
import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, given, settings

from vibewidget_cli.render import _environment


def load_source() -> ModuleType:
    module = ModuleType("generated_source")
    text = _environment().get_template("_shared/_source.py.j2").render()
    exec(compile(text, "_source.py", "exec"), module.__dict__)
    return module


SOURCE = load_source()
Axis = SOURCE.Axis

# The histogram's column, and the columns a brush may range over (the histogram's too).
TARGET = "t"
HOSTILE = 'x"; DROP TABLE t; --'
DIMS = [HOSTILE, "v0", "i", "f32", TARGET]
KINDS = ["relation", "pandas", "pandas-arrow"]


def nudged(value: float, way: int) -> float:
    return value if way == 0 else math.nextafter(value, math.inf * way)


@st.composite
def columns(draw: st.DrawFn, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """A float column of `rows` values and its NULL mask: values of a few magnitudes,
    duplicates, then some set on, just below or just above canonical edges."""
    scale = draw(st.sampled_from([1.0, 1e-3, 1e6, 1e15, 1e-300, 1e-320]))
    offset = draw(st.sampled_from([0.0, -7.5, 1e9, -1e12]))
    pool = draw(st.lists(st.floats(-100, 100), min_size=1, max_size=rows))
    picks = draw(st.lists(st.integers(0, len(pool) - 1), min_size=rows, max_size=rows))
    values = np.array([offset + pool[k] * scale for k in picks], dtype=np.float64)
    axis = Axis(values.min(), values.max(), 256)
    for row in draw(st.lists(st.integers(0, rows - 1), max_size=rows)):
        value = nudged(axis.edge(draw(st.integers(0, 256))), draw(st.integers(-1, 1)))
        if axis.lo <= value <= axis.hi:  # the extent, and so the edges, stay as they were
            values[row] = value
    for row in draw(st.lists(st.integers(0, rows - 1), max_size=3)):
        values[row] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    nulls = np.zeros(rows, bool)
    nulls[draw(st.lists(st.integers(0, rows - 1), max_size=2))] = True
    return values, nulls


@st.composite
def tables(draw: st.DrawFn) -> pa.Table:
    rows = draw(st.integers(1, 40))
    arrays = {}
    for name in (HOSTILE, "v0", TARGET):
        values, nulls = draw(columns(rows))
        arrays[name] = pa.array(values, mask=nulls)
    integers = draw(st.lists(st.integers(-20, 20), min_size=rows, max_size=rows))
    arrays["i"] = pa.array(integers, pa.int64())
    halves = draw(st.lists(st.floats(-50, 50, width=32), min_size=rows, max_size=rows))
    arrays["f32"] = pa.array(np.array(halves, np.float32))
    return pa.table(arrays)


def make_source(kind: str, table: pa.Table):
    if kind == "relation":
        return SOURCE.as_source(duckdb.connect().from_arrow(table))
    if kind == "pandas":
        return SOURCE.as_source(table.to_pandas())
    return SOURCE.as_source(table.to_pandas(types_mapper=pd.ArrowDtype))


@st.composite
def brushes(draw: st.DrawFn, source) -> dict[str, tuple[float, float]]:
    """A brush on one or two columns, snapped as the page snaps it."""
    names = draw(st.lists(st.sampled_from(DIMS), min_size=1, max_size=2, unique=True))
    where = {}
    for name in names:
        axis = source.axis(name)
        first = draw(st.integers(0, axis.bins - 1))
        last = draw(st.integers(first, axis.bins - 1))
        where[name] = axis.span(first, last)
    return where


def sharp(source, where) -> bool:
    return all(SOURCE._sharp(source.axis(name)) for name in where)


def assert_same(answer, expected) -> None:
    np.testing.assert_array_equal(answer.counts, expected.counts)
    assert (answer.lo, answer.hi, answer.missing) == (expected.lo, expected.hi, expected.missing)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables(), data=st.data())
def test_a_snapped_brush_is_answered_from_a_cube_as_from_the_rows(
    kind: str, table: pa.Table, data: st.DataObject
) -> None:
    source = make_source(kind, table)
    extent = source.extent(TARGET)
    if np.isnan(extent).all():
        extent = np.array([0.0, 1.0])
    bins = data.draw(st.integers(1, 12))
    widen = data.draw(st.sampled_from([0.0, 0.25]))
    lo, hi = extent[0] - widen * abs(extent[0]), extent[1] + widen * abs(extent[1])
    if 0 < hi - lo < 2.0**-1000:  # too narrow for `_bin` even without a cube: not ours here
        lo, hi = lo - 1.0, hi + 1.0
    for _ in range(4):
        where = data.draw(brushes(source))
        cubed = source._cubed(TARGET, bins, lo, hi, where)
        expected = source._histogram(TARGET, bins, lo, hi, where)
        if sharp(source, where):
            event("from a cube")
            assert cubed is not None
            assert_same(cubed, expected)
        else:
            assert cubed is None
        assert_same(source.histogram(TARGET, bins, lo, hi, where), expected)


@pytest.mark.parametrize("kind", KINDS)
def test_other_predicates_are_queried_from_the_rows(kind: str) -> None:
    rng = np.random.default_rng(3)
    x, y = rng.normal(0, 1, 500), rng.normal(5, 2, 500)
    x[::17], y[::23], x[5], y[::29] = np.nan, np.inf, -np.inf, np.nan
    table = pa.table({"x": x, "y": y, "z": -x, "s": rng.choice(["a", "b"], 500)})
    source = make_source(kind, table)
    ax = source.axis("x")
    first, last = ax.span(10, 200)
    ranges = [
        (first, None),  # an open end also holds inf
        (None, last),
        (first + 1e-9, last),
        (first, ax.edge(201)),  # the edge itself: a value of bin 201 could be there
        (first, math.nextafter(ax.hi, -math.inf)),  # leaves hi out
    ]
    assert source._cubed("y", 8, 0.0, 10.0, {"x": (first, last)}) is not None
    for lo, hi in ranges:
        where = {"x": (lo, hi)}
        assert source._cubed("y", 8, 0.0, 10.0, where) is None, where
        answer = source.histogram("y", 8, 0.0, 10.0, where)
        mask = (x >= (-np.inf if lo is None else lo)) & (x <= (np.inf if hi is None else hi))
        kept = y[mask]
        expected = np.histogram(kept[(kept >= 0) & (kept <= 10)], 8, (0.0, 10.0))[0]
        np.testing.assert_array_equal(answer.counts, expected)
        assert answer.missing == np.isnan(kept).sum()
    span = source.axis("y").span(0, 3)
    for where in [
        {"x": (first, last), "s": ["a"]},  # not only ranges
        {"x": (first, last), "y": span, "z": source.axis("z").span(0, 255)},  # three
    ]:
        assert source._cubed("y", 8, 0.0, 10.0, where) is None
        assert_same(
            source.histogram("y", 8, 0.0, 10.0, where),
            source._histogram("y", 8, 0.0, 10.0, where),
        )


def test_axis_spans_and_covers() -> None:
    axis = Axis(-1.0, 2.5, 7)
    edges = axis.edges()
    assert edges[0] == -1.0 and edges[-1] == 2.5 and len(edges) == 8
    assert edges[3] == -1.0 + 3 * (3.5 / 7)
    for first in range(7):
        for last in range(first, 7):
            assert axis.covers(*axis.span(first, last)) == (first, last)
    assert axis.span(2, 6) == (edges[2], 2.5)
    assert axis.span(2, 4) == (edges[2], math.nextafter(edges[5], -math.inf))
    assert axis.covers(edges[2], edges[5]) is None  # holds the edge: a value of bin 5
    assert axis.covers(edges[2], math.nextafter(2.5, -math.inf)) is None
    assert axis.covers(None, 2.5) is None and axis.covers(-1.0, None) is None
    assert axis.covers(edges[2] + 1e-12, 2.5) is None
    assert axis.covers(edges[3], math.nextafter(edges[3], -math.inf)) is None  # empty
    with pytest.raises(ValueError, match="No bins 3 to 2"):
        axis.span(3, 2)
    flat = Axis(4.0, 4.0, 256)  # one value: one bin holds it
    assert flat.covers(4.0, 4.0) == (0, 255) and not SOURCE._sharp(flat)
    assert Axis(np.nan, np.nan, 256).covers(0.0, 1.0) is None


def test_the_axis_is_over_all_rows_and_kept() -> None:
    connection = duckdb.connect()
    connection.execute("CREATE TABLE r AS SELECT range::DOUBLE AS x FROM range(10)")
    source = SOURCE.as_source(connection.table("r"))
    assert source.axis("x", 5) == Axis(0.0, 9.0, 5)
    connection.execute("INSERT INTO r VALUES (100), ('inf'), ('nan'), (NULL)")
    assert source.axis("x") == Axis(0.0, 9.0, 256)  # the extent is queried once
    assert SOURCE.as_source(connection.table("r")).axis("x") == Axis(0.0, 100.0, 256)
    with pytest.raises(ValueError, match="at least 1 bin"):
        source.axis("x", 0)


@pytest.mark.parametrize("seed", range(5))
def test_duckdb_computes_the_edges_as_python_does(seed: int) -> None:
    rng = np.random.default_rng(seed)
    lo = float(rng.normal(0, 10.0 ** rng.integers(-3, 12)))
    axis = Axis(lo, lo + float(rng.exponential(10.0 ** rng.integers(-3, 9))), 256)
    step = (axis.hi - axis.lo) / axis.bins
    k = duckdb.ColumnExpression("k")
    edge = duckdb.ConstantExpression(axis.lo) + k * duckdb.ConstantExpression(step)
    ks = duckdb.connect().sql("SELECT range::DOUBLE AS k FROM range(256)")
    computed = ks.project(edge.alias("edge")).order("edge").fetchnumpy()["edge"]
    assert computed.tolist() == axis.edges()[:-1]


def test_exact_path_can_be_forced() -> None:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"x": rng.normal(0, 1, 300), "y": rng.normal(0, 1, 300)})
    source = SOURCE.as_source(duckdb.connect().from_df(frame))
    where = {"x": source.axis("x").span(20, 120)}
    source.cubes = False
    assert_same(source.histogram("y", 9, -3.0, 3.0, where), source._histogram("y", 9, -3, 3, where))
    assert not source._memo("cubes")
    source.cubes = True
    assert_same(source.histogram("y", 9, -3.0, 3.0, where), source._histogram("y", 9, -3, 3, where))
    assert len(source._memo("cubes")) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_brush_on_times_is_answered_from_a_cube_as_from_the_rows(kind: str) -> None:
    rng = np.random.default_rng(8)
    stamps = 1_600_000_000_000 + rng.integers(0, 10**9, 400)
    times = pa.array(stamps, mask=np.arange(400) % 37 == 0).cast(pa.timestamp("ms", "UTC"))
    y = rng.normal(0, 1, 400)
    y[::13] = np.nan
    source = make_source(kind, pa.table({"when": times, "y": y}))
    axis = source.axis("when")
    assert axis.lo == stamps[np.arange(400) % 37 != 0].min()
    for first, last in [(0, 255), (3, 3), (17, 240), (100, 255)]:
        where = {"when": axis.span(first, last)}
        cubed = source._cubed("y", 6, -2.0, 2.0, where)
        assert cubed is not None
        assert_same(cubed, source._histogram("y", 6, -2.0, 2.0, where))


def test_ibis_is_queried_from_the_rows(tmp_path: Path) -> None:
    import ibis

    frame = pd.DataFrame({"x": np.arange(50.0), "y": np.arange(50.0) % 7})
    frame.to_parquet(tmp_path / "f.parquet")
    source = SOURCE.as_source(ibis.duckdb.connect().read_parquet(tmp_path / "f.parquet"))
    where = {"x": Axis(0.0, 49.0, 256).span(10, 100)}
    assert source._cubed("y", 7, 0.0, 7.0, where) is None
    assert_same(
        source.histogram("y", 7, 0.0, 7.0, where), source._histogram("y", 7, 0.0, 7.0, where)
    )
