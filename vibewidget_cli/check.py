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
from typing import TYPE_CHECKING, Literal

from vibewidget_cli import manifest
from vibewidget_cli.errors import UserError
from vibewidget_cli.templates import get_template

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tree_sitter import Node, Parser

    from vibewidget_cli.manifest import Project
    from vibewidget_cli.spec import LinkSpec, TraitSpec, WidgetSpec

_MANIFEST = manifest.MANIFEST

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


@dataclass(frozen=True)
class ContractProblem:
    """A rule of the model contract the JS breaks (`vibew check` and the LLM check share them).

    `kind`: "render" (no default export with render), "set" (an export never written),
    "save" (model.save_changes() never called), "listen" (an import never listened to).
    """

    kind: Literal["render", "set", "save", "listen"]
    line: int
    trait: str = ""


def contract_problems(
    facts: JsFacts, exports: list[TraitSpec], imports: list[TraitSpec]
) -> list[ContractProblem]:
    """What the JS lacks for its exports to reach Python and its imports to reach it."""
    problems = []
    if not facts.has_render:
        problems.append(ContractProblem("render", 1))
    problems += [
        ContractProblem("set", 1, t.name) for t in exports if t.name not in facts.set_names
    ]
    if exports and not facts.saves_changes:
        problems.append(ContractProblem("save", facts.sets[0].line if facts.sets else 1))
    problems += [
        ContractProblem("listen", 1, t.name) for t in imports if t.name not in facts.listen_names
    ]
    return problems


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


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in a widgets package: where (relative to the project root) and what."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


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


def check_project(root: Path, project: Project) -> list[Problem]:
    """Every problem in `project` (loaded from `root`), sorted by file and line; [] when sound."""
    problems: list[Problem] = []
    declared: dict[str, dict[str, int]] = {}  # widget → its Python class's synced traits
    for name, spec in sorted(project.widgets.items()):
        traits = _check_python(root, project, spec, problems)
        if traits is not None:
            declared[name] = traits
        _check_js(root, project, spec, traits, problems)
    _check_links(root, project, declared, problems)
    _check_no_vibew_imports(root, project, problems)
    return sorted(set(problems))


def _check_python(
    root: Path, project: Project, spec: WidgetSpec, problems: list[Problem]
) -> dict[str, int] | None:
    """Hold the widget's class to the manifest; its synced traits, or None if unreadable."""

    path = f"{project.directory}/{spec.name}.py"
    text = _read(root, path, problems)
    if text is None:
        return None
    try:
        facts = analyze_py(text, spec.class_name)
    except SyntaxError as error:
        problems.append(Problem(path, error.lineno or 1, f"syntax error: {error.msg}"))
        return None
    if facts.class_line is None:
        problems.append(Problem(path, 1, f"no class {spec.class_name}"))
        return None
    expected = {t.name: f"{t.role} in {_MANIFEST}" for t in spec.traits}
    try:
        template = get_template(spec.template)
    except UserError:
        problems.append(Problem(_MANIFEST, 1, f"{spec.name}: unknown template {spec.template!r}"))
        return facts.traits
    expected |= {t.name: f"option of the {template.kind} template" for t in template.options}
    if template.data:
        expected["data"] = f"the {template.kind} template's table"
    for trait, why in expected.items():
        if trait not in facts.traits:
            problems.append(
                Problem(
                    path,
                    facts.class_line,
                    f"{spec.class_name} does not declare trait {trait!r} ({why})",
                )
            )
    for trait, line in facts.traits.items():
        if trait not in expected:
            problems.append(
                Problem(
                    path,
                    line,
                    f"{spec.class_name}.{trait} is not in {_MANIFEST}: "
                    f"add it with `vibew new {spec.name} --force ...` or remove it",
                )
            )
    return facts.traits


def _check_js(
    root: Path,
    project: Project,
    spec: WidgetSpec,
    declared: dict[str, int] | None,
    problems: list[Problem],
) -> None:
    path = f"{project.directory}/{spec.name}.js"
    text = _read(root, path, problems)
    if text is None:
        return
    facts = analyze_js(text)
    for error in facts.syntax_errors:
        problems.append(Problem(path, error.line, f"JavaScript {error.message}"))
    wording = {
        "render": "no default export with render: `export default {{ render }}`",
        "set": "export {name!r} is never written: no model.set({name!r}, ...)",
        "save": "model.save_changes() is never called: no export reaches Python",
        "listen": 'import {name!r} is never listened to: no model.on("change:{name}", ...)',
    }
    for problem in contract_problems(facts, spec.exports, spec.imports):
        message = wording[problem.kind].format(name=problem.trait)
        problems.append(Problem(path, problem.line, message))
    if declared is not None:
        known = set(declared) | _base_traits()
        for verb, uses in (("get", facts.gets), ("set", facts.sets), ("on", facts.listens)):
            for use in uses:
                if use.name not in known:
                    call = (
                        f'model.on("change:{use.name}")'
                        if verb == "on"
                        else f"model.{verb}({use.name!r})"
                    )
                    problems.append(
                        Problem(
                            path,
                            use.line,
                            f"{call}: {spec.class_name} declares no trait {use.name!r}",
                        )
                    )
    for use in facts.unsafe:
        problems.append(
            Problem(
                path,
                use.line,
                f"{use.name} reaches the network or evaluates code; widgets get their data through the model",
            )
        )


def _check_links(
    root: Path, project: Project, declared: dict[str, dict[str, int]], problems: list[Problem]
) -> None:
    manifest_lines = _read(root, _MANIFEST, problems) or ""
    for link in project.links:
        line = _link_line(manifest_lines, link)
        ends = []
        for ref, role in ((link.source, "export"), (link.target, "import")):
            widget = project.widgets.get(ref[0])
            trait = widget.trait(ref[1]) if widget is not None else None
            if widget is None:
                problems.append(Problem(_MANIFEST, line, f"link {link}: no widget {ref[0]!r}"))
            elif trait is None:
                problems.append(
                    Problem(_MANIFEST, line, f"link {link}: {ref[0]} has no trait {ref[1]!r}")
                )
            elif trait.role != role:
                problems.append(
                    Problem(
                        _MANIFEST,
                        line,
                        f"link {link}: {'.'.join(ref)} is an {trait.role}, not an {role}",
                    )
                )
            else:
                ends.append(trait)
        if len(ends) == 2 and ends[0].type != ends[1].type:
            problems.append(
                Problem(
                    _MANIFEST,
                    line,
                    f"link {link}: the types differ ({ends[0].type} and {ends[1].type})",
                )
            )
    _check_wiring(root, project, declared, problems)


def _check_wiring(
    root: Path, project: Project, declared: dict[str, dict[str, int]], problems: list[Problem]
) -> None:
    """wiring.py links only traits its widgets' classes declare."""
    path = f"{project.directory}/wiring.py"
    if not (root / path).is_file():
        if project.links:
            problems.append(
                Problem(
                    path, 1, "missing: the links in vibew.toml are not wired (run `vibew link`)"
                )
            )
        return
    try:
        tree = ast.parse((root / path).read_text(encoding="utf-8"))
    except SyntaxError as error:
        problems.append(Problem(path, error.lineno or 1, f"syntax error: {error.msg}"))
        return
    # `(scatter, "selected_indices")` pairs: the widget is the parameter of that name.
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Tuple)
            and len(node.elts) == 2
            and isinstance(node.elts[0], ast.Name)
            and isinstance(node.elts[1], ast.Constant)
            and isinstance(node.elts[1].value, str)
        ):
            widget, trait = node.elts[0].id, node.elts[1].value
            if widget not in project.widgets:
                problems.append(
                    Problem(
                        path,
                        node.lineno,
                        f"links widget {widget!r}, which vibew.toml does not have",
                    )
                )
            elif widget in declared and trait not in declared[widget]:
                problems.append(
                    Problem(
                        path,
                        node.lineno,
                        f"links {widget}.{trait}, which {project.widgets[widget].class_name} does not declare",
                    )
                )


def _check_no_vibew_imports(root: Path, project: Project, problems: list[Problem]) -> None:
    folder = root / project.directory
    paths = sorted(folder.rglob("*.py")) if folder.is_dir() else []
    for file in paths:
        relative = file.relative_to(root).as_posix()
        try:
            facts = analyze_py(file.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue  # the widget checks report syntax errors where they matter
        for module, line in facts.imports.items():
            if module == "vibewidget_cli" or module.startswith("vibewidget_cli."):
                problems.append(
                    Problem(
                        relative, line, f"imports {module}: generated code must run without vibew"
                    )
                )


def _link_line(manifest_text: str, link: LinkSpec) -> int:
    source, target = f'"{".".join(link.source)}"', f'"{".".join(link.target)}"'
    for number, line in enumerate(manifest_text.splitlines(), start=1):
        if source in line and target in line:
            return number
    return 1


def _read(root: Path, path: str, problems: list[Problem]) -> str | None:
    try:
        return (root / path).read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(path, 1, "missing"))
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(path, 1, f"unreadable: {error}"))
    return None


@functools.cache
def _base_traits() -> frozenset[str]:
    """Traits every widget has from anywidget.AnyWidget (`layout`, `_model_name`, ...)."""
    import anywidget

    return frozenset(anywidget.AnyWidget.class_trait_names())
