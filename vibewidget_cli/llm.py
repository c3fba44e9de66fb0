"""A widget's JavaScript written by an LLM: the prompt, the call, the checks, the repairs, the cache.

Any OpenAI-compatible endpoint works through the `openai` client. The model writes only the
`.js` file; the Python module is still rendered from the spec, so the traits stay typed. An
answer is written only after it passes the same checks `vibew check` applies (through
`check.analyze_js`) plus the rules of generated code: no network, no eval, pinned CDN imports.
When it fails them, the problems go back to the model, a bounded number of times.

The API key is read from the environment or `.env` and handed to the client; it is never
printed, logged, cached or written anywhere, and it goes only to an endpoint the user chose
(a flag or the environment), never to one a project file names (see `settings`). Text the
user, the manifest or a data file supplies reaches the prompt JSON-encoded or in a fence it
cannot close, so it cannot pose as a section of the prompt.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from vibewidget_cli import files
from vibewidget_cli.errors import UserError
from vibewidget_cli.spec import is_row_selection
from vibewidget_cli.templates import templates_dir

if TYPE_CHECKING:
    import pandas as pd

    from vibewidget_cli.spec import TraitSpec, WidgetSpec
    from vibewidget_cli.templates import Template

#: Part of every cache key: change it whenever the prompt's wording changes.
PROMPT_VERSION = "2"
DEFAULT_MODEL = "gpt-4o-mini"
CACHE_DIR = ".vibew/cache"
#: Hosts a generated module may import from, always with an exact version (`name@1.2.3`).
CDN_HOSTS = ("esm.sh", "cdn.jsdelivr.net", "unpkg.com", "ga.jspm.io", "cdn.skypack.dev")

_DEFAULT_TIMEOUT = 120.0  # seconds the client waits for each read
_DEFAULT_MAX_RETRIES = 3  # the client's own retries (with backoff) on timeouts, 429 and 5xx
_PINNED = re.compile(r"@v?\d+\.\d+\.\d+")
_FENCE = re.compile(r"^[ \t]*```[ \t]*([\w+-]*)[^\n]*\n(.*?)^[ \t]*```[ \t]*$", re.M | re.S)
_OPEN_FENCE = re.compile(r"^[ \t]*```[^\n]*\n", re.M)
_JS_FENCES = frozenset({"", "js", "javascript", "mjs", "esm", "jsx", "ecmascript"})


@dataclass(frozen=True)
class Options:
    """The LLM flags of `vibew new` and `vibew edit`."""

    #: --llm / --no-llm; None: use it when a key is set and no template fits the description
    use: bool | None = None
    model: str | None = None
    base_url: str | None = None
    data: Path | None = None
    sample_rows: int = 0
    retries: int = 2
    cache: bool = True
    allow_network: bool = False
    show_prompt: bool = False


@dataclass(frozen=True)
class Settings:
    """Where to send the prompt. Flags > environment > `[tool.vibew]` in pyproject.toml > .env.

    The key comes from the environment or `.env` only; see `settings` for where it may go.
    """

    model: str
    base_url: str | None
    api_key: str | None = field(default=None, repr=False)
    timeout: float = _DEFAULT_TIMEOUT
    max_retries: int = _DEFAULT_MAX_RETRIES

    @property
    def endpoint(self) -> str:
        """The base URL as it may be shown: without any user:password part or query."""
        url = urlsplit(self.base_url or "https://api.openai.com/v1")
        host = url.hostname or ""
        port = f":{url.port}" if url.port else ""
        return f"{url.scheme}://{host}{port}{url.path}".rstrip("/")


class Progress(Protocol):
    """What the CLI shows while the model answers."""

    def asking(self, attempt: int, attempts: int, model: str) -> None: ...

    def tokens(self, count: int) -> None: ...

    def rejected(self, attempt: int, problems: list[str]) -> None: ...


class _Silent:
    def asking(self, attempt: int, attempts: int, model: str) -> None:
        pass

    def tokens(self, count: int) -> None:
        pass

    def rejected(self, attempt: int, problems: list[str]) -> None:
        pass


class Rejected(UserError):
    """The model's last answer still failed the checks; it is kept as NAME.rejected.js."""

    exit_code = 1

    def __init__(self, problems: list[str], code: str, attempts: int) -> None:
        self.problems, self.code, self.attempts = problems, code, attempts
        self.kept: str | None = None  # where the last attempt was written, for the message
        super().__init__()

    def __str__(self) -> str:
        tries = "once" if self.attempts == 1 else f"{self.attempts} times"
        kept = f"; its last attempt is in {self.kept}" if self.kept else ""
        lines = [f"the model's code failed the checks {tries}{kept}; nothing else was written"]
        return "\n".join(lines + [f"  - {problem}" for problem in self.problems])


#: Where a setting came from: a flag and the environment are the user's own choice; the
#: project's pyproject.toml and .env came with the folder (a cloned repository, say).
_FLAG, _ENV, _PYPROJECT, _DOTENV = "flag", "environment", "pyproject.toml", ".env"


def settings(root: Path, options: Options) -> Settings:
    """The model, endpoint and key to use, from flags, environment, pyproject.toml and .env.

    A key goes only to an endpoint the user chose: when the base URL comes from a project file
    and the key from anywhere but that same `.env` (which then chose both), this refuses, so a
    cloned project cannot send the user's key to its own server. `--show-prompt` sends nothing.
    """
    dotenv = _dotenv(root)
    tool = _pyproject_settings(root)

    def pick(flag: str | None, env: str, key: str | None) -> tuple[str | None, str | None]:
        for value, origin in (
            (flag, _FLAG),
            (os.environ.get(env), _ENV),
            (tool.get(key) if key else None, _PYPROJECT),
            (dotenv.get(env), _DOTENV),
        ):
            if value:
                return str(value), origin
        return None, None

    base_url, base_origin = pick(options.base_url, "OPENAI_BASE_URL", "base_url")
    api_key, key_origin = pick(None, "OPENAI_API_KEY", None)
    chosen = Settings(
        model=pick(options.model, "VIBEW_MODEL", "model")[0] or DEFAULT_MODEL,
        base_url=base_url,
        api_key=api_key,
        timeout=_number("VIBEW_LLM_TIMEOUT", _DEFAULT_TIMEOUT, float),
        max_retries=int(_number("VIBEW_LLM_MAX_RETRIES", _DEFAULT_MAX_RETRIES, int)),
    )
    from_project = base_origin in {_PYPROJECT, _DOTENV}
    same_file = base_origin == key_origin == _DOTENV
    if api_key and from_project and not same_file and not options.show_prompt:
        where = (
            "pyproject.toml ([tool.vibew] base_url)"
            if base_origin == _PYPROJECT
            else ".env (OPENAI_BASE_URL)"
        )
        raise UserError(
            f"the endpoint {chosen.endpoint} comes from {where}; vibew sends your "
            "OPENAI_API_KEY only to an endpoint you chose: pass --base-url URL or set "
            "OPENAI_BASE_URL to use it"
        )
    return chosen


def _dotenv(root: Path) -> dict[str, str]:
    path = root / ".env"
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {key: value for key, value in dotenv_values(path).items() if value}


def _pyproject_settings(root: Path) -> dict[str, object]:
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        tool = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("vibew", {})
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{path} is not valid TOML: {error}") from None
    if any("key" in name for name in tool):
        raise UserError(
            f"{path} holds an API key under [tool.vibew]; remove it and set OPENAI_API_KEY "
            "in the environment or in a .env file (kept out of git)"
        )
    return tool


def _number(name: str, default: float, kind: type[float] | type[int]) -> float:
    text = os.environ.get(name)
    if not text:
        return default
    try:
        return kind(text)
    except ValueError:
        raise UserError(f"{name}={text!r} is not a number") from None


def no_key_message() -> str:
    return (
        "no API key for the LLM: set OPENAI_API_KEY in the environment or in a .env file "
        "beside vibew.toml (OPENAI_BASE_URL for another OpenAI-compatible endpoint)"
    )


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
        lines = [f"{_quoted(self.source)}: {self.rows:,} rows, {len(self.columns)} columns."]
        for column in self.columns:
            facts = [
                f"{_quoted(column.dtype)}, kind {column.kind!r}",
                f"{column.distinct:,} distinct",
            ]
            if column.low is not None and column.high is not None:
                facts.append(f"range {_number_text(column.low)} to {_number_text(column.high)}")
            if column.missing:
                facts.append(f"{column.missing:,} missing")
            lines.append(f"- {_quoted(column.name)}: {', '.join(facts)}")
        if self.sample is not None:
            lines += ["", "First rows (CSV):", fence(self.sample.rstrip(), "csv")]
        else:
            lines.append("No cell values are shown; do not assume any.")
        return "\n".join(lines)


def _quoted(text: str) -> str:
    """Untrusted text as one JSON string: a newline or a quote in it cannot end the line."""
    return json.dumps(text, ensure_ascii=False)


def fence(text: str, info: str = "") -> str:
    """`text` in a fenced block it cannot close: longer than any run of backticks in it.

    CommonMark closes a fence only with at least as many backticks as opened it, so a cell or a
    line of code holding ``` stays inside.
    """
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text}\n{ticks}"


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


_SYSTEM = """\
You write the JavaScript module of one anywidget widget (https://anywidget.dev): a single ES \
module that runs in Jupyter, JupyterLab, VS Code and marimo. Answer with the whole file in one \
```js fenced block and nothing after it.

The anywidget contract:
- The default export is an object with `render({ model, el })` (and, if needed, \
`initialize({ model })`). `render` draws into `el` and returns a cleanup function that undoes \
what it set up: model listeners, listeners on window or document, timers, animation frames.
- Read a trait with `model.get("name")`.
- Write a trait with `model.set("name", value)` followed by `model.save_changes()`; without \
`save_changes` Python never sees the value. Set a new array or object, never mutate the one \
`model.get` returned.
- React to a trait with `model.on("change:name", handler)`. Inside the handler read the value \
with `model.get("name")`, not from the handler's arguments (hosts pass different ones). Remove \
it in the cleanup with `model.off("change:name", handler)`.

An example of the shape:
```js
// Counter: reads step; writes count (on click).

/** @type {import("npm:@anywidget/types").Render<Model>} */
function render({ model, el }) {
  const button = document.createElement("button");
  el.append(button);
  const show = () => {
    button.textContent = `count is ${model.get("count")}`;
  };
  const onClick = () => {
    model.set("count", model.get("count") + model.get("step"));
    model.save_changes();
  };
  show();
  model.on("change:count", show);
  button.addEventListener("click", onClick);
  return () => {
    model.off("change:count", show);
    button.removeEventListener("click", onClick);
    button.remove();
  };
}

export default { render };
```

Rules of this project:
{rules}"""

_RULES = [
    "Write every export with `model.set` + `model.save_changes()` when the user interacts, and "
    "listen to every import with `model.on` and redraw when it changes.",
    "Put the model contract at the top of the file as a comment: which traits it reads and "
    "which it writes.",
    "No eval, `new Function`, dynamic `import()`, `document.cookie`, `localStorage` or "
    "`sessionStorage`.",
    "One file: no relative imports and no other files. Prefer plain DOM, SVG and canvas. A "
    "library may come only from a CDN URL with an exact version, e.g. "
    '`import * as d3 from "https://esm.sh/d3@7.9.0"` (hosts: ' + ", ".join(CDN_HOSTS) + ").",
    "Style with inline styles or a <style> element inside `el`; nothing global.",
    "Handle an empty or missing value of every trait (the widget may be shown before any data "
    "arrives).",
]
_NO_NETWORK = (
    "No network calls: no `fetch`, `XMLHttpRequest`, `WebSocket`, `EventSource` or "
    "`navigator.sendBeacon`. Everything the widget needs arrives through the model."
)
_SOME_NETWORK = (
    "Network calls (`fetch`, `WebSocket`, ...) are allowed for this widget, only for what "
    "its description asks; everything else arrives through the model."
)

_HOW: dict[str, str] = {
    "int": 'a number (an integer). `model.set("{n}", 3)`.',
    "float": 'a number. `model.set("{n}", 0.5)`.',
    "str": 'a string. `model.set("{n}", "text")`.',
    "bool": 'a boolean. `model.set("{n}", true)`.',
    "list[int]": 'an array of integers (JSON). Set a new array: `model.set("{n}", [1, 2])`.',
    "list[float]": 'an array of numbers (JSON). Set a new array: `model.set("{n}", [0.5, 2])`.',
    "list[str]": 'an array of strings (JSON). Set a new array: `model.set("{n}", ["a"])`.',
    "dict": 'a plain JSON object. Set a new object: `model.set("{n}", { ...old, key: 1 })`.',
    "bytes": 'binary: reading gives a DataView; write a Uint8Array: `model.set("{n}", bytes)`.',
    "grid": 'a 2D array of numbers, one array per row (JSON): `model.set("{n}", [[0, 1], [2, 3]])`.',
}
_ROW_SELECTION = (
    "row positions (0-based) into the data table, sent as one int32 buffer: reading gives a "
    "DataView of int32 (or the Int32Array this view set), so turn it into an Int32Array with "
    '`rowIndices(model.get("{n}"))` (helper below); write an Int32Array: '
    '`model.set("{n}", Int32Array.from(rows))`.'
)


def _trait_line(trait: TraitSpec) -> str:
    how = _ROW_SELECTION if is_row_selection(trait) else _HOW[trait.type]
    about = f" Described as {_quoted(trait.description)}." if trait.description else ""
    return f"- `{trait.name}` ({trait.type}).{about} Its value is {how.replace('{n}', trait.name)}"


def _helper(name: str, current: str) -> str:
    """A shared helper's code to copy, unless the current file has a function of that name."""
    code = (templates_dir() / "_shared" / name).read_text(encoding="utf-8").rstrip()
    function = re.search(r"^function (\w+)\(", code, re.M)
    if function and f"function {function[1]}(" in current:
        return f"(the current file has `{function[1]}` already)"
    return f"```js\n{code}\n```"


def _widget_section(spec: WidgetSpec, template: Template, current: str = "") -> str:
    """What the prompt says about the widget's traits and how its data arrives."""
    parts = [f"The widget `{spec.name}` (Python class `{spec.class_name}`)."]
    groups = [
        (
            spec.exports,
            "Exports: the widget writes them when the user interacts (model.set, then "
            "model.save_changes()); other widgets and Python read them.",
        ),
        (
            spec.imports,
            "Imports: other widgets or Python write them; listen with "
            'model.on("change:NAME", handler), read them with model.get and redraw.',
        ),
        (template.options, "Options: set from Python; read them and redraw when they change."),
    ]
    for traits, heading in groups:
        if traits:
            parts.append("\n".join([heading, *(_trait_line(t) for t in traits)]))
    if not (spec.exports or spec.imports or template.options):
        parts.append("It has no traits of its own besides `data`.")
    if template.data:
        parts.append(
            f"`data`: the pandas DataFrame passed as `{spec.class_name}(df)`, or null when none "
            "was passed (handle that). It arrives as "
            "`{ length, columns: [{ name, kind, dtype, values: DataView, categories? }] }`, "
            'one binary buffer per column: kind "number" holds float64 (NaN when missing) or '
            'int32 values, "bool" uint8, "time" float64 milliseconds since the epoch, '
            '"category" int32 codes into `categories` (-1 when missing). Copy this helper into '
            'the module and decode with `decodeTable(model.get("data"))`; listen to '
            '"change:data".\n' + _helper("table.js", current)
        )
    if any(is_row_selection(t) for t in spec.traits):
        parts.append(
            "Copy this helper too, for the row selections:\n" + _helper("indices.js", current)
        )
    return "\n\n".join(parts)


def _system(allow_network: bool) -> str:
    rules = [_SOME_NETWORK if allow_network else _NO_NETWORK, *_RULES]
    return _SYSTEM.replace("{rules}", "\n".join(f"- {rule}" for rule in rules))


def new_prompt(
    spec: WidgetSpec,
    template: Template,
    schema: DataSchema | None = None,
    *,
    allow_network: bool = False,
) -> list[dict[str, str]]:
    """The messages asking for a new widget's JavaScript."""
    description = spec.description.strip() or f"a widget named {spec.name}"
    parts = [
        "Write the JavaScript module of this widget, which the user describes as (a JSON "
        f"string): {_quoted(description)}",
        "",
    ]
    parts.append(_widget_section(spec, template))
    if template.data:
        parts.append("")
        if schema is not None:
            parts.append("The data the user will pass looks like this:\n" + schema.describe())
        else:
            parts.append(
                "No data file was described: work with any columns, choosing sensible ones "
                "by kind and name."
            )
    return [
        {"role": "system", "content": _system(allow_network)},
        {"role": "user", "content": "\n".join(parts)},
    ]


def edit_prompt(
    spec: WidgetSpec,
    template: Template,
    current: str,
    instruction: str,
    *,
    allow_network: bool = False,
) -> list[dict[str, str]]:
    """The messages asking for a revision of the widget's current JavaScript (user edits too)."""
    parts = [
        "Revise the JavaScript module of this widget. The change the user asks for (a JSON "
        f"string): {_quoted(instruction)}",
        "",
        "Keep everything the change does not touch as it is, including edits by hand, and "
        "answer with the whole revised file.",
        "",
        _widget_section(spec, template, current),
        "",
        f"The current file, {spec.name}.js:",
        fence(current.rstrip(), "js"),
    ]
    return [
        {"role": "system", "content": _system(allow_network)},
        {"role": "user", "content": "\n".join(parts)},
    ]


def show(messages: list[dict[str, str]]) -> str:
    """The messages as a person reads them (`--show-prompt`)."""
    return "\n\n".join(f"## {m['role']}\n\n{m['content']}" for m in messages) + "\n"


def repair_message(problems: list[str]) -> str:
    listed = "\n".join(f"- {problem}" for problem in problems)
    return (
        "The module fails these checks:\n"
        f"{listed}\n\n"
        "Fix them and answer with the whole corrected file in one ```js fenced block."
    )


def extract_code(answer: str) -> str:
    """The JavaScript in an answer: its fenced block (the one with the default export), or all."""
    blocks = [(lang.lower(), body) for lang, body in _FENCE.findall(answer)]
    if blocks:
        scripts = [body for lang, body in blocks if lang in _JS_FENCES] or [b for _, b in blocks]
        code = max(scripts, key=lambda body: ("export default" in body, len(body)))
    elif opening := _OPEN_FENCE.search(answer):  # cut off before its closing fence
        code = answer[opening.end() :]
    else:
        code = answer
    return code.strip() + "\n" if code.strip() else ""


def check_code(
    code: str,
    spec: WidgetSpec,
    template: Template | None = None,
    *,
    allow_network: bool = False,
) -> list[str]:
    """Everything wrong with `code` as this widget's module; empty when it may be written."""
    from vibewidget_cli.check import analyze_js, contract_problems

    if not code.strip():
        return ["the answer holds no JavaScript module"]
    facts = analyze_js(code)
    if facts.syntax_errors:
        return [
            f"line {e.line}: {e.message} (the module does not parse)"
            for e in facts.syntax_errors[:8]
        ]
    problems = [
        _CONTRACT_WORDING[problem.kind].format(name=problem.trait)
        for problem in contract_problems(facts, spec.exports, spec.imports)
    ]
    # Stricter than `vibew check`, which also accepts an import read from its handler's
    # arguments: the house style the prompt asks for reads it with model.get.
    for trait in spec.imports:
        if trait.name in facts.listen_names and trait.name not in facts.get_names:
            problems.append(
                f'import {trait.name!r} is never read: read it with model.get("{trait.name}") '
                "in its change handler"
            )
    # The rules are check.py's (the same `vibew check` applies); here they are worded for the
    # model. --allow-network lifts only the network ones: eval-likes stay refused.
    for use in facts.unsafe:
        problems.append(f"line {use.line}: {use.name} is not allowed in a widget")
    if not allow_network:
        for use in facts.network:
            problems.append(
                f"line {use.line}: {use.name} reaches the network; a widget gets its data "
                "through the model (--allow-network lifts this rule)"
            )
    for use in facts.imports:
        problem = _import_problem(use.name)
        if problem:
            problems.append(f"line {use.line}: {problem}")
    return problems


# The shared contract rules (check.contract_problems), worded for the LLM: how to mend each.
_CONTRACT_WORDING = {
    "render": "no default export with render: end the module with `export default {{ render }};`",
    "set": 'export {name!r} is never written: call model.set("{name}", value) '
    "then model.save_changes() when the user changes it",
    "save": "model.save_changes() is never called: without it Python never sees the exports",
    "listen": 'import {name!r} is never listened to: model.on("change:{name}", handler), '
    "and redraw in the handler",
}


def _import_problem(source: str) -> str | None:
    example = "e.g. https://esm.sh/d3@7.9.0"
    url = urlsplit(source)
    if not url.scheme:
        where = "another file" if source.startswith((".", "/")) else "a bare package name"
        return (
            f"imports {source!r}, {where}: a widget is one self-contained module; import a "
            f"library only from a CDN URL with an exact version, {example}"
        )
    if url.scheme != "https" or url.hostname not in CDN_HOSTS:
        return f"imports from {source!r}: only https URLs on {', '.join(CDN_HOSTS)} are allowed"
    if not _PINNED.search(url.path):
        return f"imports {source!r} without an exact version: pin it as name@1.2.3, {example}"
    return None


def cache_key(settings: Settings, messages: list[dict[str, str]]) -> str:
    """The prompt version, the model and the prompt itself (description, specs, schema)."""
    payload = json.dumps(
        {"version": PROMPT_VERSION, "model": settings.model, "messages": messages},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def generate(
    root: Path,
    settings: Settings,
    messages: list[dict[str, str]],
    spec: WidgetSpec,
    template: Template | None = None,
    *,
    retries: int = 2,
    allow_network: bool = False,
    cache: bool = True,
    save: bool = True,
    progress: Progress | None = None,
) -> tuple[str, bool]:
    """Ask until the code passes the checks (at most `retries` repairs).

    Returns the code and whether it came from the cache. `save=False` reads the cache but does
    not write to it. Raises `Rejected` with the last attempt when every answer failed.
    """
    progress = progress or _Silent()
    # Before anything is sent: a `.vibew` (or cache) that links out of the project would have
    # the answer written wherever the link points.
    path = root / CACHE_DIR / f"{cache_key(settings, messages)}.json"
    if cache:
        files.check_inside(root, CACHE_DIR)
        files.check_inside(root, path.relative_to(root).as_posix())
    if cache and path.is_file():
        try:
            code = json.loads(path.read_text(encoding="utf-8"))["code"]
        except (ValueError, KeyError, TypeError):
            code = None
        if code and not check_code(code, spec, template, allow_network=allow_network):
            return code, True
    conversation = list(messages)
    attempts = retries + 1
    for attempt in range(1, attempts + 1):
        progress.asking(attempt, attempts, settings.model)
        answer, cut_off = complete(settings, conversation, progress)
        code = extract_code(answer)
        problems = check_code(code, spec, template, allow_network=allow_network)
        if cut_off and problems:
            problems.insert(0, "the answer was cut off at the model's length limit: be shorter")
        if not problems:
            if cache and save:
                record = {"model": settings.model, "prompt_version": PROMPT_VERSION, "code": code}
                files.atomic_write(path, json.dumps(record, indent=1) + "\n")
            return code, False
        if attempt == attempts:
            break
        progress.rejected(attempt, problems)
        conversation += [
            {"role": "assistant", "content": answer},
            {"role": "user", "content": repair_message(problems)},
        ]
    raise Rejected(problems, code or answer, attempts)


def complete(
    settings: Settings, messages: list[dict[str, str]], progress: Progress | None = None
) -> tuple[str, bool]:
    """One streamed chat completion: the answer's text and whether it hit the length limit."""
    import openai

    progress = progress or _Silent()
    client = openai.OpenAI(
        api_key=settings.api_key,
        base_url=settings.base_url,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
    )
    parts: list[str] = []
    cut_off = False
    try:
        stream = client.chat.completions.create(
            model=settings.model, messages=messages, stream=True
        )
        for chunk in stream:
            for choice in chunk.choices:
                if choice.delta and choice.delta.content:
                    parts.append(choice.delta.content)
                    progress.tokens(len(parts))
                cut_off = cut_off or choice.finish_reason == "length"
    except openai.OpenAIError as error:
        raise UserError(_failure(error, settings)) from None
    finally:
        client.close()
    return "".join(parts), cut_off


def _failure(error: Exception, settings: Settings) -> str:
    """One line for a failed request, with the key (should a server echo it) masked."""
    import openai

    where = settings.endpoint
    tries = f"after {settings.max_retries + 1} attempts" if settings.max_retries else "(no retries)"
    if isinstance(error, openai.APITimeoutError):
        message = (
            f"{where} did not answer within {settings.timeout:g}s {tries}; try again later, "
            "or raise VIBEW_LLM_TIMEOUT"
        )
    elif isinstance(error, openai.APIConnectionError):
        cause = error.__cause__ or error
        message = f"cannot reach {where}: {cause} (check OPENAI_BASE_URL and your connection)"
    elif isinstance(error, openai.AuthenticationError):
        message = f"{where} refused the API key (401); check OPENAI_API_KEY"
    elif isinstance(error, openai.RateLimitError):
        message = f"{where} is rate-limiting requests (429) {tries}; wait and try again"
    elif isinstance(error, openai.NotFoundError):
        message = f"{where} has no model {settings.model!r} (404); choose one with --model"
    elif isinstance(error, openai.APIStatusError):
        detail = _short(getattr(error, "message", "") or "")
        message = f"{where} answered {error.status_code} {tries}" + (
            f": {detail}" if detail else ""
        )
    else:
        message = f"the request to {where} failed: {_short(str(error))}"
    if settings.api_key:
        message = message.replace(settings.api_key, "***")
    return message


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
