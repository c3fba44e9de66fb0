"""The generated `_source.py`: the same queries answer alike over a DataFrame, a DuckDB relation,
Parquet and CSV files, and Ibis tables on DuckDB, Polars and (slow) PySpark, checked against
numpy on the same values; hostile column names and quoted values do no harm; pandas alone
needs neither DuckDB nor Ibis."""

from __future__ import annotations

import collections
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import duckdb
import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import cannot_start

from vibewidget_cli.render import _environment

ROWS = 60
ZONE = "America/New_York"
# Names that break SQL, JavaScript objects, or the aliases _source.py gives its answers.
HOSTILE = ['x"; DROP TABLE t; --', "'", "two words", "é 名", "bin0", "n", "value", "__proto__"]
KINDS = ["pandas", "pandas-arrow", "relation", "parquet", "csv", "ibis-duckdb", "ibis-polars"]


def render_source() -> str:
    return _environment().get_template("_shared/_source.py.j2").render()


def load_source() -> ModuleType:
    module = ModuleType("generated_source")
    exec(compile(render_source(), "_source.py", "exec"), module.__dict__)
    return module


SOURCE = load_source()


def make_values() -> dict[str, np.ndarray]:
    """The table's values as numpy: NaN where a number or time is missing, None for text."""
    rng = np.random.default_rng(15)
    x = rng.normal(50, 20, ROWS)
    x[[3, 7, 11, 13, 17]] = [np.nan, np.nan, np.inf, -np.inf, np.nan]
    t = 1_600_000_000_000 + rng.integers(0, 10**10, ROWS)
    words = np.array(["a", "b", "it's", 'say "hi"', "é", None], dtype=object)
    s = words[rng.choice(6, ROWS, p=[0.3, 0.25, 0.2, 0.1, 0.1, 0.05])]
    s[[0, 1]] = None
    return {
        "x": x,
        "y": rng.permutation(ROWS).astype(np.int64),
        "t": np.where(np.arange(ROWS) == 5, np.nan, t.astype(np.float64)),
        "s": s,
        **{name: rng.normal(0, 1, ROWS) for name in HOSTILE[:-1]},
        HOSTILE[-1]: words[rng.choice(5, ROWS)],
    }


VALUES = make_values()


def make_arrow() -> pa.Table:
    """x: NaN (index 3), NULL (7, 17), ±inf; t: zoned milliseconds with a NULL; s: text."""
    x = pa.array(VALUES["x"], mask=np.isin(np.arange(ROWS), [7, 17]))
    stamps = np.nan_to_num(VALUES["t"]).astype(np.int64)
    t = pa.array(stamps, pa.int64(), mask=np.isnan(VALUES["t"])).cast(pa.timestamp("ms", ZONE))
    columns = {"x": x, "t": t, **{k: pa.array(v) for k, v in VALUES.items() if k not in ("x", "t")}}
    return pa.table(columns)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("source")
    parquet, csv = folder / "table.parquet", folder / "table.csv"
    pq.write_table(make_arrow(), parquet)
    duckdb.connect().read_parquet(str(parquet)).write_csv(str(csv))
    return {"parquet": parquet, "csv": csv}


def connection_with_table() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.register("staging", make_arrow())
    connection.execute("CREATE TABLE t AS SELECT * FROM staging")
    return connection


def make_data(kind: str, files: dict[str, Path]) -> object:
    if kind == "pandas":
        return make_arrow().to_pandas()
    if kind == "pandas-arrow":
        return make_arrow().to_pandas(types_mapper=pd.ArrowDtype)
    if kind == "relation":
        return connection_with_table().table("t")
    if kind in ("parquet", "csv"):
        return str(files[kind])
    backend = getattr(ibis, kind.removeprefix("ibis-")).connect()
    return backend.read_parquet(files["parquet"])


@pytest.fixture(params=KINDS)
def source(request: pytest.FixtureRequest, files: dict[str, Path]):
    return SOURCE.as_source(make_data(request.param, files))


# What the tests expect, from numpy on VALUES.

WHERES = {
    "everything": (None, np.ones(ROWS, bool)),
    "x range": ({"x": (20.0, 60.0)}, (VALUES["x"] >= 20) & (VALUES["x"] <= 60)),
    "x open end": ({"x": (40.0, None)}, VALUES["x"] >= 40),  # NaN is not >= 40
    "s values": ({"s": ["a", "it's", None]}, np.isin(VALUES["s"], ["a", "it's", None])),
    "t range and s": (
        {"t": (1_602_000_000_000, 1_608_000_000_000), "s": ['say "hi"', "b"]},
        (VALUES["t"] >= 1_602_000_000_000)
        & (VALUES["t"] <= 1_608_000_000_000)
        & np.isin(VALUES["s"], ['say "hi"', "b"]),
    ),
}


def finite(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values)]


def histogram(values: np.ndarray, bins: int, lo: float, hi: float) -> np.ndarray:
    inside = values[(values >= lo) & (values <= hi)]
    return np.histogram(inside, bins=bins, range=(lo, hi))[0]


def milliseconds(times: pd.Series) -> np.ndarray:
    """Whole milliseconds since 1970 UTC (the test's times have no finer part), NaN for NaT."""
    utc = pd.to_datetime(times, utc=True).dt.tz_convert(None).to_numpy().astype("datetime64[ms]")
    return np.where(np.isnat(utc), np.nan, utc.astype(np.int64))


def text(values: object) -> list[object]:
    return [None if pd.isna(value) else value for value in values]


@pytest.mark.parametrize("case", WHERES)
def test_count_and_extent_match_numpy(source, case: str) -> None:
    where, mask = WHERES[case]
    assert source.count(where) == mask.sum()
    for column in ("x", "t", "y"):
        kept = finite(VALUES[column][mask].astype(np.float64))
        expected = [kept.min(), kept.max()] if len(kept) else [np.nan, np.nan]
        np.testing.assert_array_equal(source.extent(column, where), expected)


@pytest.mark.parametrize("case", WHERES)
def test_histogram_counts_and_missing_match_numpy(source, case: str) -> None:
    where, mask = WHERES[case]
    values = VALUES["x"][mask]
    answer = source.histogram("x", bins=7, where=where)
    lo, hi = finite(values).min(), finite(values).max()
    assert (answer.lo, answer.hi) == (lo, hi)
    assert answer.counts.dtype == np.float64
    np.testing.assert_array_equal(answer.counts, histogram(values, 7, lo, hi))
    assert answer.missing == np.isnan(values).sum()
    fixed = source.histogram("t", bins=5, lo=1.601e12, hi=1.609e12, where=where)
    np.testing.assert_array_equal(fixed.counts, histogram(VALUES["t"][mask], 5, 1.601e12, 1.609e12))


def test_histogram_of_a_brushed_column_counts_no_missing_value(source) -> None:
    answer = source.histogram("x", bins=4, lo=0, hi=100, where={"x": (30.0, 70.0)})
    kept = VALUES["x"][(VALUES["x"] >= 30) & (VALUES["x"] <= 70)]
    np.testing.assert_array_equal(answer.counts, histogram(kept, 4, 0, 100))
    assert answer.missing == 0


@pytest.mark.parametrize("case", WHERES)
def test_density_matches_numpy_histogram2d(source, case: str) -> None:
    where, mask = WHERES[case]
    x, y = VALUES["x"][mask], VALUES["y"][mask].astype(np.float64)
    answer = source.density("x", "y", nx=6, ny=4, x_range=(0, 100), y_range=(0, ROWS), where=where)
    inside = np.isfinite(x) & (x >= 0) & (x <= 100)
    expected, _, _ = np.histogram2d(y[inside], x[inside], bins=(4, 6), range=[(0, ROWS), (0, 100)])
    np.testing.assert_array_equal(answer.counts, expected)
    assert answer.counts.shape == (4, 6)
    default = source.density("x", "t", nx=3, ny=3, where=where)
    t = VALUES["t"][mask]
    assert default.x_range == (finite(x).min(), finite(x).max())
    assert default.y_range == (finite(t).min(), finite(t).max())
    both = np.isfinite(x) & np.isfinite(t)
    assert default.counts.sum() == both.sum()


@pytest.mark.parametrize("case", WHERES)
def test_categories_are_the_commonest_values_with_the_rest_and_the_missing(source, case) -> None:
    where, mask = WHERES[case]
    values = VALUES["s"][mask]
    tally = collections.Counter(value for value in values if value is not None)
    ranked = sorted(tally.items(), key=lambda pair: (-pair[1], pair[0]))
    answer = source.categories("s", limit=3, where=where)
    assert answer.values == [value for value, _ in ranked[:3]]
    np.testing.assert_array_equal(answer.counts, [n for _, n in ranked[:3]])
    assert answer.rest == sum(n for _, n in ranked[3:])
    assert answer.missing == sum(value is None for value in values)
    numbers = source.categories("x", limit=3, where=where)  # each value once: value order
    x = VALUES["x"][mask]
    assert numbers.values == sorted(x[~np.isnan(x)])[:3]
    assert numbers.missing == np.isnan(x).sum()


@pytest.mark.parametrize("case", WHERES)
@pytest.mark.parametrize("value", ["x", "y", None])
def test_sums_per_category_are_the_largest_with_what_was_left_out(source, case, value) -> None:
    """A bar chart's question: the finite values of `value` (rows, if None) summed per
    value of s, the 2 largest sums in value order, the other categories, the rows with no
    s and those with an s but no finite value."""
    where, mask = WHERES[case]
    names = VALUES["s"][mask]
    amounts = np.ones(mask.sum()) if value is None else VALUES[value][mask].astype(float)
    named = np.array([name is not None for name in names], dtype=bool)
    kept = named & np.isfinite(amounts)
    totals = collections.defaultdict(float)
    rows = collections.Counter()
    for name, amount in zip(names[kept], amounts[kept], strict=True):
        totals[name] += amount
        rows[name] += 1
    largest = sorted(totals, key=lambda name: (-totals[name], name))[:2]
    answer = source.sums("s", value, limit=2, where=where)
    assert answer.names == sorted(largest)
    np.testing.assert_allclose(answer.totals, [totals[name] for name in sorted(largest)])
    np.testing.assert_array_equal(answer.rows, [rows[name] for name in sorted(largest)])
    assert answer.others == len(totals) - len(largest)
    assert answer.unnamed == (~named).sum()
    assert answer.missing == (named & ~np.isfinite(amounts)).sum()


def test_rows_are_one_page_in_order_with_times_as_they_were(source) -> None:
    where, mask = WHERES["x range"]
    order = np.argsort(-VALUES["y"][mask])[5:15]
    page = source.rows(
        ["y", "x", "t", "s"], offset=5, limit=10, where=where, order_by="y", descending=True
    )
    assert isinstance(page, pd.DataFrame)
    assert list(page.columns) == ["y", "x", "t", "s"]
    np.testing.assert_array_equal(page["y"].to_numpy(), VALUES["y"][mask][order])
    np.testing.assert_array_equal(page["x"].to_numpy(), VALUES["x"][mask][order])
    np.testing.assert_array_equal(milliseconds(page["t"]), VALUES["t"][mask][order])
    assert text(page["s"]) == list(VALUES["s"][mask][order])


def test_rows_put_missing_values_last(source) -> None:
    page = source.rows(["s"], limit=ROWS, order_by="s")
    known = sorted(value for value in VALUES["s"] if value is not None)
    assert text(page["s"]) == known + [None] * (ROWS - len(known))


def test_filter_is_a_lazy_query_of_the_selection(source) -> None:
    where, mask = WHERES["t range and s"]
    selection = source.filter(where)
    lazy = {
        "FrameSource": pd.DataFrame,
        "DuckDBSource": duckdb.DuckDBPyRelation,
        "IbisSource": ibis.expr.types.Table,
    }
    assert isinstance(selection, lazy[type(source).__name__])
    again = SOURCE.as_source(selection)
    assert again.count() == mask.sum()
    np.testing.assert_array_equal(
        again.extent("y"), [VALUES["y"][mask].min(), VALUES["y"][mask].max()]
    )


@pytest.mark.parametrize("column", HOSTILE)
def test_hostile_column_names_are_quoted_and_harmless(files, column: str) -> None:
    connection = connection_with_table()
    others = ["pandas", "pandas-arrow", "csv", "ibis-duckdb", "ibis-polars"]
    for data in [connection.table("t"), *(make_data(kind, files) for kind in others)]:
        source = SOURCE.as_source(data)
        values = VALUES[column]
        answer = source.categories(column, limit=2)
        tally = collections.Counter(v for v in values if v is not None)
        ranked = sorted(tally.items(), key=lambda pair: (-pair[1], pair[0]))
        assert answer.values == [value for value, _ in ranked[:2]]
        assert sum(answer.counts) + answer.rest + answer.missing == ROWS
        if column == "__proto__":
            assert source.count({column: ["a", None]}) == np.isin(values, ["a", None]).sum()
            continue
        np.testing.assert_array_equal(source.extent(column), [values.min(), values.max()])
        counts = source.histogram(column, bins=3, lo=-1, hi=1).counts
        np.testing.assert_array_equal(counts, histogram(values, 3, -1, 1))
        other = VALUES["bin0"]
        grid = source.density(column, "bin0", nx=3, ny=2, x_range=(-1, 1), y_range=(-2, 2))
        inside = (values >= -1) & (values <= 1) & (other >= -2) & (other <= 2)
        expected = np.histogram2d(
            other[inside], values[inside], bins=(2, 3), range=[(-2, 2), (-1, 1)]
        )
        np.testing.assert_array_equal(grid.counts, expected[0])
        assert source.count({column: (0.0, None)}) == (values >= 0).sum()
        page = source.rows([column, "y"], limit=3, order_by=column)
        np.testing.assert_array_equal(page[column].to_numpy(), np.sort(values)[:3])
    assert connection.execute("SELECT count(*) FROM t").fetchall() == [(ROWS,)]


def test_quoted_values_are_bound_not_spliced(source) -> None:
    assert source.count({"s": ["it's", "x' OR '1'='1"]}) == (VALUES["s"] == "it's").sum()
    assert source.count({"s": ['say "hi"']}) == (VALUES["s"] == 'say "hi"').sum()
    assert source.count({"s": ["'); DROP TABLE t; --"]}) == 0
    assert source.count() == ROWS


def test_the_table_outlives_an_injection_attempt_through_a_value() -> None:
    connection = connection_with_table()
    source = SOURCE.as_source(connection.table("t"))
    assert source.count({"s": ["a'); DROP TABLE t; --", "it's"]}) == (VALUES["s"] == "it's").sum()
    assert connection.execute("SELECT count(*) FROM t").fetchall() == [(ROWS,)]


def test_a_time_range_may_be_given_as_times(source) -> None:
    lo, hi = pd.Timestamp("2020-10-01", tz="UTC"), pd.Timestamp("2020-12-01 05:00", tz=ZONE)
    expected = (VALUES["t"] >= lo.value // 10**6) & (VALUES["t"] <= hi.value // 10**6)
    assert source.count({"t": (lo, hi.to_pydatetime())}) == expected.sum()


def test_text_has_no_range_nor_bins(source) -> None:
    for ask in (
        lambda: source.extent("s"),
        lambda: source.histogram("s"),
        lambda: source.count({"s": (0, 1)}),
    ):
        with pytest.raises(TypeError, match="'s' holds neither numbers nor times"):
            ask()


def test_mistakes_are_one_clear_error() -> None:
    source = SOURCE.as_source(make_arrow().to_pandas())
    with pytest.raises(KeyError, match=r"No column .*z"):
        source.histogram("z")
    with pytest.raises(KeyError, match=r"No column .*z"):
        source.count({"z": (0, 1)})
    with pytest.raises(TypeError, match=r"a range .* or a list of values"):
        source.count({"s": "a"})
    with pytest.raises(TypeError, match="A range's ends are numbers or times, not 'a'"):
        source.count({"x": ("a", "b")})
    with pytest.raises(ValueError, match=r"A range is \(lo, hi\)"):
        source.count({"x": (0, 1, 2)})
    with pytest.raises(ValueError, match="neither Parquet"):
        SOURCE.as_source("table.json")
    with pytest.raises(TypeError, match="not int"):
        SOURCE.as_source(42)


def test_a_frame_needs_neither_duckdb_nor_ibis(tmp_path: Path) -> None:
    (tmp_path / "_source.py").write_text(render_source(), encoding="utf-8")
    script = textwrap.dedent(
        """
        import sys
        sys.modules["duckdb"] = sys.modules["ibis"] = sys.modules["vibewidget_cli"] = None
        import numpy as np, pandas as pd
        from _source import as_source

        frame = pd.DataFrame({"x": [1.0, np.nan, 3.0, 4.0], "s": ["a", "b", None, "a"]})
        source = as_source(frame)
        assert source.histogram("x", bins=3).counts.tolist() == [1.0, 0.0, 2.0]
        assert source.categories("s").values == ["a", "b"]
        assert source.count({"x": (2, None), "s": ["a"]}) == 1
        try:
            as_source("flights.parquet")
        except ImportError as error:
            print(error)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Reading 'flights.parquet' takes DuckDB: pip install duckdb"


def test_the_module_is_ruff_clean_as_generated(tmp_path: Path) -> None:
    path = tmp_path / "_source.py"
    path.write_text(render_source(), encoding="utf-8")
    ruff = [sys.executable, "-m", "ruff"]
    for command in (["check", "--isolated"], ["format", "--isolated", "--check"]):
        done = subprocess.run([*ruff, *command, str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def spark():
    """One local Spark session for the module (about 20-40 s to start on two cores)."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        cannot_start(
            "no java on PATH (Spark 4 needs Java 17: apt-get install openjdk-17-jre-headless)"
        )
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("vibew-source-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.mark.slow
def test_ibis_on_pyspark_answers_as_the_others(spark, files: dict[str, Path]) -> None:
    source = SOURCE.as_source(ibis.pyspark.connect(spark).read_parquet(str(files["parquet"])))
    where, mask = WHERES["t range and s"]
    assert source.count(where) == mask.sum()
    x = VALUES["x"]
    answer = source.histogram("x", bins=7)
    np.testing.assert_array_equal(answer.counts, histogram(x, 7, finite(x).min(), finite(x).max()))
    assert answer.missing == np.isnan(x).sum()
    np.testing.assert_array_equal(
        source.extent("t"), [finite(VALUES["t"]).min(), finite(VALUES["t"]).max()]
    )
    tally = collections.Counter(value for value in VALUES["s"] if value is not None)
    assert source.categories("s", limit=1).values == [tally.most_common(1)[0][0]]
    sums = source.sums("s", limit=1)  # rows per value: the commonest
    assert (sums.names, sums.rows.tolist()) == (
        [tally.most_common(1)[0][0]],
        [tally.most_common(1)[0][1]],
    )
    column = HOSTILE[0]
    page = source.rows([column], limit=3, order_by=column)
    np.testing.assert_array_equal(page[column].to_numpy(), np.sort(VALUES[column])[:3])


# Not CSV: a column with no value in a CSV file is read back as text.
@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind != "csv"])
def test_no_value_to_bin_gives_empty_answers(kind: str, tmp_path: Path) -> None:
    gone = pa.array([None, None, None], pa.float64())
    table = pa.table({"gone": gone, "same": [2.5, 2.5, 2.5], "s": ["a", "a", None]})
    pq.write_table(table, tmp_path / "table.parquet")
    if kind == "pandas":
        data = table.to_pandas()
    elif kind == "pandas-arrow":
        data = table.to_pandas(types_mapper=pd.ArrowDtype)
    elif kind == "relation":
        data = duckdb.connect().from_arrow(table)
    else:
        data = make_data(kind, {"parquet": tmp_path / "table.parquet"})
    source = SOURCE.as_source(data)
    assert np.isnan(source.extent("gone")).all()
    answer = source.histogram("gone", bins=4)
    np.testing.assert_array_equal(answer.counts, np.zeros(4))
    assert answer.missing == 3
    # One value: the range has no width, and every row falls in the first bin.
    np.testing.assert_array_equal(source.histogram("same", bins=3).counts, [3, 0, 0])
    nothing = {"same": (3.0, 4.0)}
    assert source.count(nothing) == 0
    assert np.isnan(source.extent("same", nothing)).all()
    np.testing.assert_array_equal(source.density("same", "same", 2, 2, where=nothing).counts, 0)
    empty = source.categories("s", where=nothing)
    assert (empty.values, len(empty.counts), empty.rest, empty.missing) == ([], 0, 0, 0)
    assert len(source.rows(where=nothing)) == 0
