"""Specs → file texts. Pure: no disk writes, no network; every template can be rendered in a test."""

from __future__ import annotations

import functools
import json
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

import jinja2

from vibewidget_cli.spec import TraitSpec, WidgetSpec, is_row_selection
from vibewidget_cli.templates import Template, bind_slots, get_template, templates_dir
from vibewidget_cli.wiring import render_wiring

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
    "grid": ("traitlets.List", "traitlets.List(traitlets.Float())"),
}


@dataclass(frozen=True)
class GeneratedFile:
    path: str  # relative to the project root, with forward slashes
    text: str


def string_literal(text: str) -> str:
    """A double-quoted string literal, the same in Python (as ruff format writes them) and JS."""
    return json.dumps(text, ensure_ascii=False)


def declaration(trait: TraitSpec, default: str | None = None) -> str:
    """The right-hand side of a trait's class attribute, without the assignment."""
    if is_row_selection(trait):
        constructor, first = "RowIndices", ""
    else:
        constructor, first = _TRAITLETS[trait.type]
        if default is not None:
            first = default if trait.type not in {"dict", "bytes"} else f"default_value={default}"
    help_ = f"help={string_literal(trait.description)}" if trait.description else ""
    args = [a for a in (first, help_) if a]
    one_line = f"{constructor}({', '.join(args)}).tag(sync=True)"
    if len(f"    {trait.name} = {one_line}") <= _LINE_LENGTH or not args:
        return one_line
    # Too long for one line: one argument a line with a trailing comma, as ruff format does.
    inner = "".join(f"        {arg},\n" for arg in args)
    return f"{constructor}(\n{inner}    ).tag(sync=True)"


def sentence(text: str) -> str:
    """`flight delays vs distance` → `Flight delays vs distance.`"""
    text = " ".join(text.split())
    if not text:
        return text
    if not text[:2].isupper():  # keep "3D" or "NYC" as written
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def wrap(text: str, first_column: int, indent: int = 0, width: int = _LINE_LENGTH) -> str:
    """Wrap docstring text whose first line starts at `first_column`; later lines at `indent`."""
    lines = textwrap.wrap(
        text, width, initial_indent="x" * first_column, subsequent_indent=" " * indent
    )
    return "\n".join(lines)[first_column:]


def comment(text: str, width: int = 100) -> str:
    """Text as `//` comment lines (the first `//` is the template's)."""
    return "\n// ".join(textwrap.wrap(text, width - 3))


def contract_line(items: list[str], label: str) -> str:
    """`//   reads   a, b, c` for the JS header, wrapped under its first item."""
    text = ", ".join(items) if items else "nothing"
    lines = textwrap.wrap(text, 100 - 13, break_on_hyphens=False)
    return f"//   {label:<7} " + "\n//           ".join(lines)


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    env.filters["js_string"] = string_literal
    env.filters["sentence"] = sentence
    env.filters["wrap"] = wrap
    env.filters["comment"] = comment
    env.filters["contract_line"] = contract_line
    env.globals["declaration"] = declaration
    env.globals["is_row_selection"] = is_row_selection
    return env


def _template_or_shared(kind: str, filename: str) -> jinja2.Template:
    env = _environment()
    try:
        return env.get_template(f"{kind}/{filename}")
    except jinja2.TemplateNotFound:
        return env.get_template(f"_shared/{filename}")


def widget_context(spec: WidgetSpec, template: Template) -> dict[str, object]:
    slots, _ = bind_slots(spec, template)
    bound = set(slots.values())
    return {
        "widget": spec,
        "template": template,
        "slots": slots,
        "options": list(template.options),
        "defaults": template.option_defaults,
        # Traits no part of the template drives: the shared panel shows and edits them.
        "free_imports": [t for t in spec.imports if t.name not in bound],
        "free_exports": [t for t in spec.exports if t.name not in bound],
        "uses_row_selection": any(is_row_selection(t) for t in spec.traits),
        "needs_traitlets": bool(template.options)
        or any(not is_row_selection(t) for t in spec.traits),
        "helpers": trait_helpers(spec, template),
    }


def trait_helpers(spec: WidgetSpec, template: Template) -> list[str]:
    """The trait types of the generated `_traits.py` that the widget's class uses."""
    return (["RowIndices"] if any(is_row_selection(t) for t in spec.traits) else []) + (
        ["Table"] if template.data else []
    )


def render_widget(spec: WidgetSpec, directory: str, js: str | None = None) -> list[GeneratedFile]:
    """The widget's Python module and its JavaScript module (`js` replaces the template's)."""
    template = get_template(spec.template)
    context = widget_context(spec, template)
    python = _template_or_shared(template.kind, "widget.py.j2").render(context)
    if js is None:
        js = _environment().get_template(f"{template.kind}/widget.js.j2").render(context)
    return [
        GeneratedFile(f"{directory}/{spec.name}.py", python),
        GeneratedFile(f"{directory}/{spec.name}.js", js),
    ]


def render_package(
    project: Project, js_overrides: dict[str, str] | None = None
) -> list[GeneratedFile]:
    """Every file of the widgets package, from the manifest (and any JS not from a template)."""
    js_overrides = js_overrides or {}
    env = _environment()
    directory = project.directory
    widgets = sorted(project.widgets.values(), key=lambda w: w.name)
    files = [
        GeneratedFile(
            f"{directory}/__init__.py",
            env.get_template("_shared/__init__.py.j2").render(widgets=widgets),
        ),
    ]
    # Written once a widget needs it: a package of painters has no table to send.
    if any(trait_helpers(spec, get_template(spec.template)) for spec in widgets):
        traits = env.get_template("_shared/_traits.py.j2").render()
        files.append(GeneratedFile(f"{directory}/_traits.py", traits))
    for spec in widgets:
        files += render_widget(spec, directory, js=js_overrides.get(spec.name))
    if project.links:
        files.append(GeneratedFile(f"{directory}/wiring.py", render_wiring(project)))
    return files


def notebook_snippet(project: Project, name: str) -> str:
    """Notebook code that shows widget `name`, with every widget its links need."""
    group = _linked_group(project, name)
    package = project.directory.replace("/", ".")
    widgets = [project.widgets[n] for n in group]
    classes = ", ".join(sorted(w.class_name for w in widgets))
    lines = [f"from {package} import {classes}"]
    if len(group) > 1:
        lines.append(f"from {package}.wiring import link")
    lines.append("")
    for widget in widgets:
        data = "df" if get_template(widget.template).data else ""
        lines.append(f"{widget.name} = {widget.class_name}({data})")
    if len(group) > 1:
        lines.append("links = link(" + ", ".join(f"{n}={n}" for n in sorted(group)) + ")")
        lines.append(f"display({', '.join(group)})")
    else:
        lines.append(name)
    return "\n".join(lines) + "\n"


def _linked_group(project: Project, name: str) -> list[str]:
    """`name` and every widget the wiring module's `link()` needs with it: exporters first."""
    if not any(name in (link.source[0], link.target[0]) for link in project.links):
        return [name]
    sources = [link.source[0] for link in project.links]
    targets = [link.target[0] for link in project.links]
    return list(dict.fromkeys(sources + targets))
