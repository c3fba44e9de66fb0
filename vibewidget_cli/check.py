"""Static checks of a widgets package: the JS parsed with tree-sitter, the Python with `ast`.

`analyze_js` reads one ES module and reports what it does with the anywidget model (which
traits it sets, saves, listens to and reads), whether it has a default export with `render`,
and anything that reaches the network or evaluates code. `check_project` holds every widget of
a project to the contract its manifest records.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tree_sitter import Node, Parser

#: Globals that reach the network, storage, or evaluate text as code.
_UNSAFE_GLOBALS = frozenset(
    {
        "fetch",
        "XMLHttpRequest",
        "WebSocket",
        "EventSource",
        "eval",
        "localStorage",
        "sessionStorage",
    }
)
#: `object.property` pairs that do the same.
_UNSAFE_MEMBERS = frozenset({("navigator", "sendBeacon"), ("document", "cookie")})
#: Objects through which a global can be reached: `window.fetch`, `globalThis.eval`.
_GLOBAL_OBJECTS = frozenset({"window", "globalThis", "self"})


@dataclass(frozen=True)
class Use:
    """A name the code uses (a trait, an import source, an unsafe global) and its 1-based line."""

    name: str
    line: int


@dataclass(frozen=True)
class JsSyntaxError:
    line: int
    message: str


@dataclass
class JsFacts:
    """What one ES module does with the anywidget model, found by parsing it."""

    syntax_errors: list[JsSyntaxError] = field(default_factory=list)
    #: `export default` an object with `render`, or a function or name that resolves to one
    has_render: bool = False
    #: names given to `model.set(name, ...)` (or the keys of `model.set({...})`)
    sets: list[Use] = field(default_factory=list)
    #: whether `model.save_changes()` is called anywhere
    saves_changes: bool = False
    #: names in `model.on("change:NAME", ...)`
    listens: list[Use] = field(default_factory=list)
    #: names given to `model.get(name)`
    gets: list[Use] = field(default_factory=list)
    #: sources of static `import ... from "SOURCE"` (and `export ... from`)
    imports: list[Use] = field(default_factory=list)
    #: network, storage and eval: `fetch`, `eval`, `new Function`, `import()`, ...
    unsafe: list[Use] = field(default_factory=list)

    @property
    def set_names(self) -> set[str]:
        return {use.name for use in self.sets}

    @property
    def listen_names(self) -> set[str]:
        return {use.name for use in self.listens}

    @property
    def get_names(self) -> set[str]:
        return {use.name for use in self.gets}


@functools.cache
def _parser() -> Parser:
    import tree_sitter_javascript
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_javascript.language()))


def analyze_js(text: str) -> JsFacts:
    """Parse `text` as an ES module and collect its facts. Never raises on bad JavaScript."""
    tree = _parser().parse(text.encode("utf-8"))
    facts = JsFacts()
    top_level = _top_level_bindings(tree.root_node)
    models = {"model"} | _model_aliases(tree.root_node)
    for node in _walk(tree.root_node):
        kind = node.type
        if node.is_missing:
            facts.syntax_errors.append(JsSyntaxError(_line(node), f"missing {kind!r}"))
        elif kind == "ERROR":
            facts.syntax_errors.append(JsSyntaxError(_line(node), "syntax error"))
        elif kind == "call_expression":
            _visit_call(node, models, facts)
        elif kind == "new_expression":
            constructor = node.child_by_field_name("constructor")
            if constructor is not None and _text(constructor) == "Function":
                facts.unsafe.append(Use("new Function", _line(node)))
        elif kind == "identifier" and _text(node) in _UNSAFE_GLOBALS:
            facts.unsafe.append(Use(_text(node), _line(node)))
        elif kind == "member_expression":
            _visit_member(node, facts)
        elif kind in {"import_statement", "export_statement"}:
            source = node.child_by_field_name("source")
            if source is not None and (name := _static_string(source)) is not None:
                facts.imports.append(Use(name, _line(node)))
            if kind == "export_statement" and _is_default_render(node, top_level):
                facts.has_render = True
    # One report per line is enough to read: tree-sitter may flag several nodes there.
    seen: set[int] = set()
    facts.syntax_errors = [
        e for e in facts.syntax_errors if not (e.line in seen or seen.add(e.line))
    ]
    return facts


def _walk(root: Node) -> Iterator[Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _line(node: Node) -> int:
    return node.start_point.row + 1


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _static_string(node: Node) -> str | None:
    """The value of a string literal or a template string without `${}`; None otherwise."""
    if node.type not in {"string", "template_string"}:
        return None
    parts = []
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(_text(child))
        elif child.type == "escape_sequence":
            try:
                parts.append(ast.literal_eval(f'"{_text(child)}"'))
            except (ValueError, SyntaxError):
                parts.append(_text(child)[1:])
        else:  # a template substitution: the name is computed at run time
            return None
    return "".join(parts)


def _model_aliases(root: Node) -> set[str]:
    """Local names bound to the model by destructuring: `render({ model: m, el })` → {"m"}."""
    aliases = set()
    for node in _walk(root):
        if node.type == "pair_pattern":
            key, value = node.child_by_field_name("key"), node.child_by_field_name("value")
            if (
                key is not None
                and value is not None
                and _text(key) == "model"
                and value.type == "identifier"
            ):
                aliases.add(_text(value))
    return aliases


def _is_model(node: Node, models: set[str]) -> bool:
    """`model`, an alias of it, or `anything.model` (`this.model`, `props.model`)."""
    if node.type == "identifier":
        return _text(node) in models
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return prop is not None and _text(prop) == "model"
    return False


def _visit_call(node: Node, models: set[str], facts: JsFacts) -> None:
    callee = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if callee is None:
        return
    line = _line(node)
    if callee.type == "import":
        facts.unsafe.append(Use("import()", line))
        return
    if callee.type == "identifier" and _text(callee) == "Function":
        facts.unsafe.append(Use("Function()", line))
        return
    if callee.type != "member_expression":
        return
    target, method = callee.child_by_field_name("object"), callee.child_by_field_name("property")
    if target is None or method is None or not _is_model(target, models):
        return
    args = arguments.named_children if arguments is not None else []
    first = args[0] if args else None
    match _text(method):
        case "save_changes":
            facts.saves_changes = True
        case "set" if first is not None and first.type == "object":
            for pair in first.named_children:
                key = pair.child_by_field_name("key") if pair.type == "pair" else pair
                if key is None:
                    continue
                name = _static_string(key) if key.type == "string" else _text(key)
                static = key.type in {"property_identifier", "shorthand_property_identifier"}
                if name is not None and (static or key.type == "string"):
                    facts.sets.append(Use(name, _line(pair)))
        case "set" | "get" if first is not None:
            name = _static_string(first)
            if name is not None:
                uses = facts.sets if _text(method) == "set" else facts.gets
                uses.append(Use(name, line))
        case "on" if first is not None:
            events = _static_string(first) or ""
            for event in events.split():  # Backbone takes several space-separated events
                if event.startswith("change:") and len(event) > len("change:"):
                    facts.listens.append(Use(event.removeprefix("change:"), line))


def _visit_member(node: Node, facts: JsFacts) -> None:
    target, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
    if target is None or prop is None or target.type != "identifier":
        return
    pair = (_text(target), _text(prop))
    if pair in _UNSAFE_MEMBERS:
        facts.unsafe.append(Use(".".join(pair), _line(node)))
    elif pair[0] in _GLOBAL_OBJECTS and pair[1] in _UNSAFE_GLOBALS | {"Function"}:
        facts.unsafe.append(Use(pair[1], _line(node)))


def _top_level_bindings(root: Node) -> dict[str, Node]:
    """Module-level names and what they are bound to (the value, or the function itself)."""
    bindings: dict[str, Node] = {}
    for statement in root.named_children:
        if statement.type == "export_statement":
            declaration = statement.child_by_field_name("declaration")
            if declaration is None:
                continue
            statement = declaration
        if statement.type in {"function_declaration", "generator_function_declaration"}:
            name = statement.child_by_field_name("name")
            if name is not None:
                bindings[_text(name)] = statement
        elif statement.type in {"lexical_declaration", "variable_declaration"}:
            for declarator in statement.named_children:
                name = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if name is not None and value is not None and name.type == "identifier":
                    bindings[_text(name)] = value
    return bindings


def _is_default_render(statement: Node, bindings: dict[str, Node]) -> bool:
    """Whether an export statement exports, as default, something with a `render`."""
    if any(child.type == "default" for child in statement.children):
        value = statement.child_by_field_name("value") or statement.child_by_field_name(
            "declaration"
        )
        return value is not None and _provides_render(value, bindings, depth=0)
    # export { widget as default }
    for clause in statement.named_children:
        if clause.type != "export_clause":
            continue
        for specifier in clause.named_children:
            alias = specifier.child_by_field_name("alias")
            name = specifier.child_by_field_name("name")
            if alias is not None and name is not None and _text(alias) == "default":
                return _provides_render(name, bindings, depth=0)
    return False


def _provides_render(node: Node, bindings: dict[str, Node], depth: int) -> bool:
    """An object with `render`, a function returning one, or a name bound to either."""
    if depth > 8:  # a cycle of names bound to each other
        return False
    match node.type:
        case "parenthesized_expression":
            return any(_provides_render(c, bindings, depth + 1) for c in node.named_children)
        case "identifier":
            bound = bindings.get(_text(node))
            return bound is not None and _provides_render(bound, bindings, depth + 1)
        case "object":
            return any(_object_key(member) == "render" for member in node.named_children)
        case (
            "function_declaration"
            | "function_expression"
            | "function"
            | "arrow_function"
            | "generator_function_declaration"
        ):
            body = node.child_by_field_name("body")
            if body is None:
                return False
            if body.type != "statement_block":  # `() => ({ render })`
                return _provides_render(body, bindings, depth + 1)
            return any(
                child is not None and _provides_render(child, bindings, depth + 1)
                for ret in _returns(body)
                for child in ret.named_children
            )
    return False


def _returns(body: Node) -> Iterator[Node]:
    """The return statements of a function body, not of the functions nested in it."""
    stack = list(body.named_children)
    while stack:
        node = stack.pop()
        if node.type == "return_statement":
            yield node
        elif node.type not in {
            "function_declaration",
            "function_expression",
            "function",
            "arrow_function",
            "method_definition",
            "class_declaration",
            "class",
        }:
            stack.extend(node.named_children)


def _object_key(member: Node) -> str | None:
    if member.type == "shorthand_property_identifier":
        return _text(member)
    if member.type in {"pair", "method_definition"}:
        key = member.child_by_field_name("key") or member.child_by_field_name("name")
        if key is None:
            return None
        return _static_string(key) if key.type == "string" else _text(key)
    return None
