"""What a widget's Python module declares: its synced traits and its imports, read with `ast`."""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class PyFacts:
    """What a widget's Python module declares."""

    class_line: int | None
    #: synced traits of the widget class (`name = Something(...).tag(sync=True)`) → line
    traits: dict[str, int]
    #: modules it imports → line
    imports: dict[str, int]


def analyze_py(text: str, class_name: str | None = None) -> PyFacts:
    """The synced traits of `class_name` and every module `text` imports. Raises SyntaxError."""
    tree = ast.parse(text)
    imports: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                imports.setdefault(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            imports.setdefault(node.module, node.lineno)
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return PyFacts(node.lineno, _synced_traits(node), imports)
    return PyFacts(None, {}, imports)


def _synced_traits(cls: ast.ClassDef) -> dict[str, int]:
    traits = {}
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if isinstance(target, ast.Name) and _is_synced(value):
            traits[target.id] = statement.lineno
    return traits


def _is_synced(value: ast.expr) -> bool:
    """`Something(...).tag(sync=True, ...)`."""
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "tag"
        and any(
            k.arg == "sync" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in value.keywords
        )
    )
