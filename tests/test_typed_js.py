"""Typed JS: each generated `.js` opens with a JSDoc `@typedef Model` of exactly the traits its
Python class syncs, and types `render` with it (anywidget's documented JSDoc pattern), so that
an editor completes trait names in `model.get(...)`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from vibewidget_cli import commands
from vibewidget_cli.spec import is_row_selection
from vibewidget_cli.templates import all_templates

# The types a trait can have, as the typedef spells them.
_JS_TYPES = {
    "int": "number",
    "float": "number",
    "str": "string",
    "bool": "boolean",
    "list[int]": "number[]",
    "list[float]": "number[]",
    "list[str]": "string[]",
    "dict": "Record<string, unknown>",
    "bytes": "DataView",
    "grid": "{ shape: number[], values: DataView } | number[][]",
}
_ROW_SELECTION = "DataView | { length: number, bitmap: DataView } | Int32Array | number[]"

EXPORTS = ["level:int", "label:str", "flags:list[str]", "meta:dict", "surface:grid"]
IMPORTS = ["ratio_value:float", "enabled:bool", "marks:list[float]", "blob:bytes", "ids:list[int]"]
IMPORTS += ["picked_indices:list[int]"]  # a row selection: sent as an int32 buffer


def synced_traits(python: str, class_name: str) -> set[str]:
    """Names assigned `<...>.tag(sync=True)` in the class body: the traits it syncs."""
    tree = ast.parse(python)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name)
    names = set()
    for statement in cls.body:
        if not isinstance(statement, ast.Assign):
            continue
        value = statement.value
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "tag"
            and any(k.arg == "sync" for k in value.keywords)
        ):
            names |= {t.id for t in statement.targets if isinstance(t, ast.Name)}
    return names


def model_typedef(js: str) -> dict[str, str]:
    """`@property {TYPE} name` lines of the `@typedef Model` comment: name → TYPE."""
    block = re.search(r"/\*\*\n \* @typedef \{object\} Model\n(.*?) \*/", js, re.S)
    assert block, "no @typedef Model"
    properties = {}
    for line in block[1].splitlines():
        match = re.match(r" \* @property \{(.+?)\} (\w+)", line)
        assert match, f"not a @property line: {line!r}"
        properties[match[2]] = match[1]
    return properties


@pytest.mark.parametrize("kind", sorted(all_templates()))
def test_the_model_typedef_lists_exactly_the_synced_traits(kind: str, tmp_path: Path) -> None:
    outcome = commands.new_widget(
        tmp_path, "thing", exports=EXPORTS, imports=IMPORTS, template=kind, dry_run=True
    )
    spec = outcome.widget
    assert spec is not None
    texts = {change.file.path: change.text for change in outcome.changes}
    js, python = texts["widgets/thing.js"], texts["widgets/thing.py"]
    assert not list(tmp_path.iterdir()), "a dry run wrote something"

    typedef = model_typedef(js)
    assert set(typedef) == synced_traits(python, spec.class_name)
    template = all_templates()[kind]
    for trait in [*spec.traits, *template.options]:
        wanted = _ROW_SELECTION if is_row_selection(trait) else _JS_TYPES[trait.type]
        assert typedef[trait.name] == wanted, trait
    # render is typed with it, in anywidget's JSDoc pattern, at the top of the module.
    typed = '/** @type {import("@anywidget/types").Render<Model>} */\nfunction render('
    assert typed in js
    assert js.index("@typedef {object} Model") < js.index(typed)
    assert js.index(typed) < js.index("model.get(")
