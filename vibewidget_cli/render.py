"""Specs → file texts. Pure: no disk writes, no network; every template can be rendered in a test.

Text never becomes code. Every piece of user, manifest or LLM text (descriptions, and the
templates' own summaries, which take the same road) reaches a generated file only through the
escaping filter for the place it lands:

    py_string   a Python string literal              py_doc      Python docstring text
    py_comment  a Python comment (one line)          js_string   a JS string literal
    js_comment  JS `//` comment text (one line, or wrapped with `//` on each line)
    jsdoc       text inside a JSDoc `/** */` block (one line)

No template emits HTML, so there is no HTML filter. The templates cannot forget a filter: the
context hands them each description as an `Untrusted`, which is not a `str` and refuses to be
printed (`{{ t.description }}`, `~` or `|join` raise `UnfilteredText` while rendering); only the
filters above unwrap it. Names are not wrapped: spec.py has checked that they are identifiers,
and the JS carries them only inside string literals and comments, never as its own identifiers.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import textwrap
from typing import TYPE_CHECKING

import jinja2

from vibewidget_cli import wiring
from vibewidget_cli.generated import GeneratedFile
from vibewidget_cli.jinja_cache import bytecode_cache
from vibewidget_cli.spec import TraitSpec, WidgetSpec, is_row_selection
from vibewidget_cli.templates import Template, bind_slots, get_template, templates_dir

if TYPE_CHECKING:
    from vibewidget_cli.manifest import Project

# The line length ruff formats to by default: generated code must not need reformatting.
_LINE_LENGTH = 88

_TRAITLETS: dict[str, tuple[str, str]] = {
    # type: (constructor, first argument: a default value or the element trait)
    "int": ("traitlets.Int", "0"),
    "float": ("traitlets.Float", "0.0"),
    "str": ("traitlets.Unicode", '""'),
    "bool": ("traitlets.Bool", "False"),
    "list[int]": ("traitlets.List", "traitlets.Int()"),
    "list[float]": ("traitlets.List", "traitlets.Float()"),
    "list[str]": ("traitlets.List", "traitlets.Unicode()"),
    "dict": ("traitlets.Dict", ""),
    "bytes": ("traitlets.Bytes", ""),
    "grid": ("Grid", ""),  # _traits.py: one float32 buffer, not a JSON list of rows
    "predicate": ("Predicate", ""),  # _traits.py: column ranges, checked
}


class UnfilteredText(Exception):
    """A template printed untrusted text without an escaping filter: a bug in the template."""


class Untrusted:
    """Text from the user, the manifest or an LLM, on its way into generated code.

    Not a `str`, so that a template cannot print it by accident: Jinja prints a value with
    `str()`, which raises here. Concatenating keeps it untrusted; the escaping filters unwrap it.
    """

    __slots__ = ("text",)

    def __init__(self, text: str | Untrusted) -> None:
        self.text = _plain(text)

    def __str__(self) -> str:
        raise UnfilteredText(
            f"untrusted text {self.text[:40]!r} reached a template's output without an "
            "escaping filter (py_string, py_doc, py_comment, js_string, js_comment or jsdoc)"
        )

    def __bool__(self) -> bool:
        return bool(self.text)

    def __add__(self, other: str | Untrusted) -> Untrusted:
        return Untrusted(self.text + _plain(other))

    def __radd__(self, other: str | Untrusted) -> Untrusted:
        return Untrusted(_plain(other) + self.text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Untrusted) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"Untrusted({self.text!r})"


def _plain(text: str | Untrusted) -> str:
    return text.text if isinstance(text, Untrusted) else text


# Zero-width joiner: not printable, but it holds emoji such as 👩‍💻 together.
_KEPT_INVISIBLE = "\u200d"


def one_line(text: str | Untrusted) -> str:
    """The text as one line: any line break or whitespace run becomes one space, and what
    cannot be seen (control characters, bidi overrides that make code read other than it runs)
    is dropped."""
    spaced = "".join(" " if c.isspace() else c for c in _plain(text))
    visible = "".join(c for c in spaced if c.isprintable() or c in _KEPT_INVISIBLE)
    return " ".join(visible.split())


# Escapes Python writes with a letter; other invisible characters get a \x, \u or \U escape.
_PY_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def py_string(text: str | Untrusted) -> str:
    """A Python string literal that evaluates to `text`, quoted as ruff format would quote it
    (double quotes, unless the text holds more of them than single ones)."""
    text = _plain(text)
    quote = "'" if text.count('"') > text.count("'") else '"'
    escaped = []
    for char in text:
        if char in _PY_ESCAPES:
            escaped.append(_PY_ESCAPES[char])
        elif char == quote:
            escaped.append("\\" + char)
        elif not char.isprintable():
            escaped.append(_py_hex_escape(ord(char)))
        else:
            escaped.append(char)
    return quote + "".join(escaped) + quote


def _py_hex_escape(code: int) -> str:
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


# A quote next to another, or at either end, could close (or merge into) the `"""`.
_DOC_QUOTE = re.compile(r'^"|"(?=")|"$')


def py_doc(
    text: str | Untrusted, first_column: int = 0, indent: int = 0, width: int = _LINE_LENGTH
) -> str:
    """Text for inside a `\"\"\"` docstring: one logical text, wrapped with its first line
    starting at `first_column` and later ones at `indent`. Backslashes are doubled (no `\\N`
    or trailing `\\` can break the string) and quotes escaped where they could close it."""
    wrapped = _wrap(one_line(text), first_column, indent, width)
    return _DOC_QUOTE.sub(lambda _: '\\"', wrapped.replace("\\", "\\\\"))


def py_comment(text: str | Untrusted) -> str:
    """Text for after a `#`: one line."""
    return one_line(text)


def js_string(text: str | Untrusted) -> str:
    """A double-quoted JS string literal that evaluates to `text` (also valid JSON).

    Beyond JSON's escapes: what cannot be seen (U+2028 and U+2029, which end a line in older
    JS, and bidi overrides, which make code read other than it runs) and a `<` that starts
    `</` or `<!` (a `</script>` in a page that inlines the module).
    """
    encoded = json.dumps(_plain(text), ensure_ascii=False)
    return "".join(
        char if char.isprintable() and char != "<" else _js_escape(char, encoded, i)
        for i, char in enumerate(encoded)
    )


def _js_escape(char: str, encoded: str, i: int) -> str:
    if char == "<":
        return "\\u003c" if encoded[i + 1 : i + 2] in ("/", "!") else char
    return json.dumps(char)[1:-1]  # \uXXXX, a surrogate pair beyond U+FFFF


def js_comment(text: str | Untrusted, width: int | None = None, indent: str = "") -> str:
    """Text for after a `//`: one line, or wrapped to `width` columns with every later line
    starting `indent + "// "`. No JS line terminator (\\n, \\r, U+2028, U+2029) survives."""
    line = one_line(text)
    if width is None:
        return line
    return f"\n{indent}// ".join(textwrap.wrap(line, width - len(indent) - 3))


def jsdoc(text: str | Untrusted) -> str:
    """Text for inside a `/** */` block: one line, and no `*/` to close it."""
    return one_line(text).replace("*/", "*\\/")


def declaration(trait: TraitSpec, default: str | None = None) -> str:
    """The right-hand side of a trait's class attribute, without the assignment."""
    if is_row_selection(trait):
        constructor, first = "RowIndices", ""
    else:
        constructor, first = _TRAITLETS[trait.type]
        if default is not None:
            first = default if trait.type not in {"dict", "bytes"} else f"default_value={default}"
    help_ = f"help={py_string(trait.description)}" if trait.description else ""
    args = [a for a in (first, help_) if a]
    single = f"{constructor}({', '.join(args)}).tag(sync=True)"
    if len(f"    {trait.name} = {single}") <= _LINE_LENGTH or not args:
        return single
    # Too long for one line: one argument a line with a trailing comma, as ruff format does.
    inner = "".join(f"        {arg},\n" for arg in args)
    return f"{constructor}(\n{inner}    ).tag(sync=True)"


def sentence(text: str | Untrusted) -> Untrusted:
    """`flight delays vs distance` → `Flight delays vs distance.`"""
    text = one_line(text)
    if text and not text[:2].isupper():  # keep "3D" or "NYC" as written
        text = text[0].upper() + text[1:]
    if text and not text.endswith((".", "!", "?")):
        text += "."
    return Untrusted(text)


def _after_colon(summary: Untrusted) -> Untrusted:
    """The sentence as it reads after "The X widget: ": "A panel" → "a panel", "NYC" stays."""
    text = summary.text
    first = text.split()[0] if text.split() else ""
    if len(first) > 1 and first.isupper():
        return summary
    return Untrusted(text[:1].lower() + text[1:])


def _wrap(text: str, first_column: int, indent: int = 0, width: int = _LINE_LENGTH) -> str:
    """Wrap text whose first line starts at `first_column`; later lines at `indent`."""
    lines = textwrap.wrap(
        text, width, initial_indent="x" * first_column, subsequent_indent=" " * indent
    )
    return "\n".join(lines)[first_column:]


# Prettier's default line width: generated JS is what Prettier prints, whatever the names.
_JS_WIDTH = 80


def js_arrow_property(indent: int, key: str, param: str, callee: str, *args: str) -> str:
    """`key: (param) => callee(args),` in an object literal, laid out as Prettier lays it
    out: on one line if it fits, else the call on the next line, else one argument a line."""
    pad = " " * indent
    call = f"{callee}({', '.join(args)})"
    flat = f"{pad}{key}: ({param}) => {call},"
    if len(flat) <= _JS_WIDTH:
        return flat
    head = f"{pad}{key}: ({param}) =>\n"
    if indent + 2 + len(call) + 1 <= _JS_WIDTH:
        return f"{head}{pad}  {call},"
    broken = "".join(f"{pad}    {arg},\n" for arg in args)
    return f"{head}{pad}  {callee}(\n{broken}{pad}  ),"


def js_call_statement(indent: int, callee: str, *args: str, prefix: str = "") -> str:
    """`prefix callee(args);` (a prefix such as `const x = `) as Prettier lays it out: one
    line if it fits, else one argument a line."""
    pad = " " * indent
    flat = f"{pad}{prefix}{callee}({', '.join(args)});"
    if len(flat) <= _JS_WIDTH:
        return flat
    broken = "".join(f"{pad}  {arg},\n" for arg in args)
    return f"{pad}{prefix}{callee}(\n{broken}{pad});"


def panel_type(trait: TraitSpec) -> str:
    """How the trait panel's JS treats a trait: its type, "rows" for a row selection, and
    "dict" for a predicate (column ranges, shown and edited as JSON)."""
    if is_row_selection(trait):
        return "rows"
    return "dict" if trait.type == "predicate" else trait.type


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        bytecode_cache=bytecode_cache(),
    )
    env.filters.update(
        py_string=py_string,
        py_doc=py_doc,
        py_comment=py_comment,
        js_string=js_string,
        js_comment=js_comment,
        jsdoc=jsdoc,
        panel_type=panel_type,
    )
    env.globals["declaration"] = declaration
    env.globals["js_arrow_property"] = js_arrow_property
    env.globals["js_call_statement"] = js_call_statement
    env.globals["is_row_selection"] = is_row_selection
    env.globals["panel_type"] = panel_type
    return env


def _template_or_shared(kind: str, filename: str) -> jinja2.Template:
    env = _environment()
    try:
        return env.get_template(f"{kind}/{filename}")
    except jinja2.TemplateNotFound:
        return env.get_template(f"_shared/{filename}")


def _untrusted(trait: TraitSpec) -> TraitSpec:
    return dataclasses.replace(trait, description=Untrusted(trait.description))


def has_data(spec: WidgetSpec, template: Template | None = None) -> bool:
    """Whether the widget takes a table (`data`): its template reads rows, or the user asked."""
    template = template or get_template(spec.template)
    return template.data or spec.data


def scope(spec: WidgetSpec) -> str:
    """The one class the widget adds to its element, which scopes its stylesheet:
    `airline_filter` → `airline-filter`."""
    return spec.name.replace("_", "-")


def widget_context(
    spec: WidgetSpec, template: Template, *, template_js: bool = True
) -> dict[str, object]:
    """What the templates see: every description in it is `Untrusted`. `template_js`:
    whether the widget's JavaScript is the template's."""
    slots, _ = bind_slots(spec, template)
    bound = set(slots.values())
    widget = dataclasses.replace(
        spec,
        description=Untrusted(spec.description),
        traits=[_untrusted(t) for t in spec.traits],
    )
    # A description of nothing visible (only control characters, say) reads as none.
    summary = sentence(spec.description) or sentence(template.summary)
    serves = queries(spec, template_js=template_js)
    return {
        "widget": widget,
        "template": dataclasses.replace(template, summary=Untrusted(template.summary)),
        "summary": summary,
        "summary_after_colon": _after_colon(summary),
        "slots": slots,
        "scope": scope(spec),
        "has_data": has_data(spec, template),
        # The page asks the kernel what it draws of a table too big to send (_source.py).
        "queries": serves,
        "options": [_untrusted(t) for t in template.options],
        "defaults": template.option_defaults,
        # Traits no part of the template drives: the shared panel shows and edits them.
        "free_imports": [t for t in widget.imports if t.name not in bound],
        "free_exports": [t for t in widget.exports if t.name not in bound],
        "uses_row_selection": any(is_row_selection(t) for t in spec.traits),
        # Only a widget that writes a row selection saves one (indices_save.js).
        "saves_rows": any(is_row_selection(t) for t in spec.exports),
        "needs_traitlets": bool(template.options)
        or serves
        or any(not _is_binary(t) for t in spec.traits),
        "helpers": trait_helpers(spec, template),
    }


def queries(spec: WidgetSpec, *, template_js: bool = True) -> bool:
    """Whether the widget's page asks the kernel what it draws of a table too big to send,
    which the package's `_source.py` answers: not when it selects rows by index, which
    needs every row in the page (a predicate selects as well at any size), nor when its
    JavaScript is not the template's (an LLM's reads every row from `data`)."""
    if not template_js:
        return False
    template = get_template(spec.template)
    slots, added = bind_slots(spec, template)
    traits = {t.name: t for t in [*spec.traits, *added]}
    selects_rows = any(is_row_selection(traits[name]) for name in slots.values())
    return template.queries and has_data(spec, template) and not selects_rows


def trait_helpers(spec: WidgetSpec, template: Template) -> list[str]:
    """The trait types of the generated `_traits.py` that the widget's class uses, in the
    order ruff sorts an import's names."""
    used = {
        "Grid": any(t.type == "grid" for t in spec.traits),
        "Predicate": any(t.type == "predicate" for t in spec.traits),
        "RowIndices": any(is_row_selection(t) for t in spec.traits),
        "Table": has_data(spec, template),
    }
    return [name for name, uses in used.items() if uses]


def _is_binary(trait: TraitSpec) -> bool:
    """Whether the trait is one of `_traits.py`'s types, declared without `traitlets.`."""
    return is_row_selection(trait) or trait.type in ("grid", "predicate")


def render_widget(spec: WidgetSpec, directory: str, js: str | None = None) -> list[GeneratedFile]:
    """The widget's Python module, JavaScript module and stylesheet (`js` replaces the
    template's JavaScript; the stylesheet stays the template's)."""
    template = get_template(spec.template)
    context = widget_context(spec, template, template_js=js is None)
    python = _template_or_shared(template.kind, "widget.py.j2").render(context)
    if js is None:
        js = _blank_lines(
            _environment().get_template(f"{template.kind}/widget.js.j2").render(context)
        )
    css = _blank_lines(_template_or_shared(template.kind, "widget.css.j2").render(context))
    return [
        GeneratedFile(f"{directory}/{spec.name}.py", python),
        GeneratedFile(f"{directory}/{spec.name}.js", js),
        GeneratedFile(f"{directory}/{spec.name}.css", css),
    ]


def _blank_lines(text: str) -> str:
    """At most one blank line in a row, as Prettier prints: the templates' optional parts
    each bring their own blank line before them."""
    return re.sub(r"\n{3,}", "\n\n", text)


def render_package(
    project: Project, js_overrides: dict[str, str] | None = None
) -> list[GeneratedFile]:
    """Every file of the widgets package, from the manifest (and any JS not from a template)."""
    js_overrides = js_overrides or {}
    env = _environment()
    directory = project.directory
    # In the orders ruff wants (isort's for the imports, RUF022's for __all__): `w7` before `w10`.
    widgets = sorted(project.widgets.values(), key=lambda w: _natural(w.name))
    exported = sorted((w.class_name for w in widgets), key=_all_order)
    files = [
        GeneratedFile(
            f"{directory}/__init__.py",
            env.get_template("_shared/__init__.py.j2").render(widgets=widgets, exported=exported),
        ),
    ]
    # Written once a widget needs it: a package of painters has no table to send.
    if any(trait_helpers(spec, get_template(spec.template)) for spec in widgets):
        traits = env.get_template("_shared/_traits.py.j2").render()
        files.append(GeneratedFile(f"{directory}/_traits.py", traits))
    if any(queries(spec, template_js=spec.name not in js_overrides) for spec in widgets):
        source = env.get_template("_shared/_source.py.j2").render()
        files.append(GeneratedFile(f"{directory}/_source.py", source))
    for spec in widgets:
        files += render_widget(spec, directory, js=js_overrides.get(spec.name))
    if project.links:
        files.append(GeneratedFile(f"{directory}/wiring.py", wiring.render_wiring(project)))
    return files


def _natural(text: str) -> list[tuple[int, int | str]]:
    """A natural sort key: runs of digits compare as numbers (`w7` < `w10`)."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text)]


def _all_order(name: str) -> tuple[int, list[tuple[int, int | str]]]:
    """RUF022's order for `__all__`: SCREAMING_CASE, then CamelCase, then the rest, naturally."""
    # One capital letter alone counts as CamelCase, as ruff has it.
    group = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return group, _natural(name)
