"""The messages that ask an LLM for a widget's JavaScript (new, revised, repaired), and its answer's code.

Text the user, the manifest or a data file supplies reaches the prompt JSON-encoded or in a
fence it cannot close, so it cannot pose as a section of the prompt.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from vibewidget_cli.check.answer import CDN_HOSTS
from vibewidget_cli.spec import is_row_selection
from vibewidget_cli.templates import templates_dir

if TYPE_CHECKING:
    from vibewidget_cli.llm.schema import DataSchema
    from vibewidget_cli.spec import TraitSpec, WidgetSpec
    from vibewidget_cli.templates import Template

#: Part of every cache key: change it whenever the prompt's wording changes.
PROMPT_VERSION = "3"

_FENCE = re.compile(r"^[ \t]*```[ \t]*([\w+-]*)[^\n]*\n(.*?)^[ \t]*```[ \t]*$", re.M | re.S)
_OPEN_FENCE = re.compile(r"^[ \t]*```[^\n]*\n", re.M)
_JS_FENCES = frozenset({"", "js", "javascript", "mjs", "esm", "jsx", "ecmascript"})


def quoted(text: str) -> str:
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


_SYSTEM = """\
You write the JavaScript module of one anywidget widget (https://anywidget.dev, version 0.11 or \
later): a single ES module that runs in Jupyter, JupyterLab, VS Code and marimo. Answer with the \
whole file in one ```js fenced block and nothing after it.

The anywidget contract:
- The default export is an object with `render({ model, el, signal })` (and, if needed, \
`initialize({ model })`). `render` draws into `el`. `signal` is an AbortSignal that aborts when \
the view goes: tie every DOM listener to it (`addEventListener(type, handler, { signal })`) and \
release anything else on its abort event (timers, animation frames, observers, WebGL contexts).
- Read a trait with `model.get("name")`.
- Write a trait with `model.set("name", value)` followed by `model.save_changes()`; without \
`save_changes` Python never sees the value. Set a new array or object, never mutate the one \
`model.get` returned.
- React to a trait with `model.on("change:name", handler)`; the host removes the handlers of a \
view when it goes, so there is no `model.off` to pair. Inside the handler read the value with \
`model.get("name")`, not from the handler's arguments (hosts pass different ones).

An example of the shape:
```js
/**
 * @typedef Model
 * @property {number} count How many times the button was clicked (written).
 * @property {number} step How much one click adds (read).
 */

/** @type {import("@anywidget/types").Render<Model>} */
function render({ model, el, signal }) {
  el.classList.add("counter");
  const style = document.createElement("style");
  style.textContent = `.counter button {
  font: inherit;
  color: var(--counter-color, var(--jp-ui-font-color1, currentColor));
}`;
  const button = document.createElement("button");
  el.append(style, button);
  const show = () => {
    button.textContent = `count is ${model.get("count")} (+${model.get("step")})`;
  };
  button.addEventListener(
    "click",
    () => {
      model.set("count", model.get("count") + model.get("step"));
      model.save_changes();
    },
    { signal },
  );
  model.on("change:count", show);
  model.on("change:step", show);
  show();
}

export default { render };
```

Rules of this project:
{rules}"""

_RULES = [
    "Write every export with `model.set` + `model.save_changes()` when the user interacts, and "
    "listen to every import with `model.on` and redraw when it changes.",
    "State what the widget reads and writes once, in a JSDoc `@typedef Model` at the top: one "
    "`@property` per trait with its type and what it means (written or read), and type "
    '`render` with `/** @type {import("@anywidget/types").Render<Model>} */`. No other '
    "comment repeats it.",
    "Clean up through `signal`: `{ signal }` on every `addEventListener`, and a "
    '`signal.addEventListener("abort", ...)` for whatever else must be released. No '
    "`model.off` lists and no returned cleanup function.",
    "No eval, `new Function`, dynamic `import()`, `document.cookie`, `localStorage` or "
    "`sessionStorage`.",
    "One file: no relative imports and no other files. Prefer plain DOM, SVG and canvas. A "
    "library may come only from a CDN URL with an exact version, e.g. "
    '`import * as d3 from "https://esm.sh/d3@7.9.0"` (hosts: ' + ", ".join(CDN_HOSTS) + ").",
    "Style with a stylesheet scoped by one class: add the class to `el` and put the rules in a "
    "`<style>` element inside `el`, every selector under that class; colours and sizes as CSS "
    "custom properties that fall back to the host's theme (`var(--jp-ui-font-color1, "
    "currentColor)`). No inline `style.cssText`, nothing global.",
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
    "grid": (
        "a 2D grid of numbers sent as one float32 buffer: reading gives `{ shape: [rows, "
        "cols], values }`, values a DataView of float32 row after row (NaN: no value), so read "
        "it with `new Float32Array(values.buffer, values.byteOffset, rows * cols)`; write the "
        'same form, values a DataView: `model.set("{n}", { shape: [2, 2], values: new '
        "DataView(Float32Array.of(0, 1, 2, 3).buffer) })`."
    ),
    "predicate": (
        "the rows a selection holds, as column ranges: a JSON object of column name to "
        "`[lo, hi]` (numbers, null for no bound, times in epoch milliseconds; a row is held "
        'when each named column is in its range), `{}` for no selection: `model.set("{n}", '
        "{ distance: [100, 500] })`."
    ),
}
_ROW_SELECTION = (
    "row positions (0-based) into the data table, sent as one int32 buffer: reading gives a "
    "DataView of int32, so turn it into an Int32Array with "
    '`rowIndices(model.get("{n}"))` (helper below); write it as a DataView of int32, the one '
    'form every host (marimo too) sends as binary: `model.set("{n}", rowsToSave(rows))`.'
)


def _trait_line(trait: TraitSpec) -> str:
    how = _ROW_SELECTION if is_row_selection(trait) else _HOW[trait.type]
    about = f" Described as {quoted(trait.description)}." if trait.description else ""
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
        besides = " besides `data`" if template.data or spec.data else ""
        parts.append(f"It has no traits of its own{besides}.")
    if template.data or spec.data:
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
            "Copy these helpers too, for the row selections:\n"
            + _helper("indices.js", current)
            + "\n"
            + _helper("indices_save.js", current)
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
        f"string): {quoted(description)}",
        "",
    ]
    parts.append(_widget_section(spec, template))
    if template.data or spec.data:
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
        f"string): {quoted(instruction)}",
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
