"""What the prompt may say about a data file: its columns, kinds and ranges, no cell values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vibewidget_cli.errors import UserError
from vibewidget_cli.llm.prompt import fence, quoted

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ColumnSchema:
    name: str
    dtype: str
    kind: str  # how the front end receives it: number, bool, time or category
    distinct: int
    missing: int
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class DataSchema:
    """What the prompt may say about a data file: its shape and columns, no cell values."""

    source: str
    rows: int
    columns: tuple[ColumnSchema, ...]
    #: the first rows as CSV text, only when --sample-rows asked for them
    sample: str | None = None

    def describe(self) -> str:
        """The schema as prompt text: names JSON-encoded, the sample rows in a fence."""
        lines = [f"{quoted(self.source)}: {self.rows:,} rows, {len(self.columns)} columns."]
        for column in self.columns:
            facts = [
                f"{quoted(column.dtype)}, kind {column.kind!r}",
                f"{column.distinct:,} distinct",
            ]
            if column.low is not None and column.high is not None:
                facts.append(f"range {_number_text(column.low)} to {_number_text(column.high)}")
            if column.missing:
                facts.append(f"{column.missing:,} missing")
            lines.append(f"- {quoted(column.name)}: {', '.join(facts)}")
        if self.sample is not None:
            lines += ["", "First rows (CSV):", fence(self.sample.rstrip(), "csv")]
        else:
            lines.append("No cell values are shown; do not assume any.")
        return "\n".join(lines)


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def read_schema(path: Path, sample_rows: int = 0) -> DataSchema:
    """Columns, dtypes, numeric ranges and cardinality of a CSV, Parquet or JSON file."""
    import pandas as pd

    if not path.is_file():
        raise UserError(f"--data {str(path)!r}: no such file")
    suffix = path.suffix.lower()
    readers = {
        ".csv": pd.read_csv,
        ".tsv": lambda p: pd.read_csv(p, sep="\t"),
        ".parquet": pd.read_parquet,
        ".pq": pd.read_parquet,
        ".json": _read_json,
        ".jsonl": lambda p: pd.read_json(p, lines=True),
        ".ndjson": lambda p: pd.read_json(p, lines=True),
    }
    if suffix not in readers:
        raise UserError(f"--data {path.name!r}: use a .csv, .parquet or .json file")
    try:
        frame = readers[suffix](path)
    except (ValueError, OSError, ImportError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise UserError(f"--data {path.name!r} could not be read: {first}") from None
    columns = []
    for name, series in frame.items():
        kind = _front_end_kind(series)
        low = high = None
        if kind == "number" and series.notna().any():
            low, high = float(series.min()), float(series.max())
        columns.append(
            ColumnSchema(
                name=str(name),
                dtype=str(series.dtype),
                kind=kind,
                distinct=int(series.nunique(dropna=True)),
                missing=int(series.isna().sum()),
                low=low,
                high=high,
            )
        )
    sample = frame.head(sample_rows).to_csv(index=False) if sample_rows > 0 else None
    return DataSchema(path.name, len(frame), tuple(columns), sample)


def _read_json(path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        return pd.read_json(path)
    except ValueError:
        return pd.read_json(path, lines=True)


def _front_end_kind(series: pd.Series) -> str:
    """The `kind` the generated `_traits.Table` gives a column (see `_encode_column`)."""
    import pandas as pd

    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "time"
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return "number"
    return "category"
