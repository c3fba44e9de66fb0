"""What one ES module does with the anywidget model and the page: the JS parsed with tree-sitter.

`analyze_js` reports which traits a module sets, saves, listens to and reads, whether it has a
default export with `render`, and everything it does that a widget may not (`_Capabilities`: an
allow-list of globals and members, so a way around it is refused by default).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tree_sitter import Node, Parser

    from vibewidget_cli.spec import TraitSpec


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
    #: what a widget may never do (see `_Capabilities`): eval, storage, navigation, ...
    unsafe: list[Use] = field(default_factory=list)
    #: what reaches the network (`fetch`, `WebSocket`, ...): refused unless --allow-network
    network: list[Use] = field(default_factory=list)

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
    facts.unsafe, facts.network = _Capabilities(tree.root_node).refusals()
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
            parts.append(_unescape(_text(child)))
        else:  # a template substitution: the name is computed at run time
            return None
    return "".join(parts)


_ESCAPE = re.compile(r"\\(?:u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(.))", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unescape(text: str) -> str:
    """JavaScript escapes decoded: `\\u0066`, `\\u{66}` and `\\x66` are all `f`, as the engine reads them."""

    def one(match: re.Match[str]) -> str:
        code = match[1] or match[2] or match[3]
        if code:
            value = int(code, 16)
            return chr(value) if value <= 0x10FFFF else ""
        char = match[4]
        return "" if char in "\r\n\u2028\u2029" else _SIMPLE_ESCAPES.get(char, char)

    return _ESCAPE.sub(one, text) if "\\" in text else text


def _name(node: Node) -> str:
    """An identifier or property name as the engine reads it (`\\u0066etch` is `fetch`)."""
    return _unescape(_text(node))


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


# What LLM code may do: an allow-list over the parsed tree.
#
# A widget draws into its element and talks to Python through the model. Anything else a page
# can do (reach the network, store data, navigate, open windows, run text as code, load
# scripts) is refused unless a rule below allows it; the browser check (`vibew check
# --browser`, network blocked) is the second line. Names are read as the engine reads them,
# unicode escapes decoded, and a free name (one the module does not declare) must be one of
# the globals below.

#: Globals a widget may use by name (and as `window.NAME`). Every built-in template's JS
#: passes with this set; a global it lacks is refused, not allowed by default.
_ALLOWED_GLOBALS = frozenset(
    {
        # the language
        *("Array", "ArrayBuffer", "BigInt", "Boolean", "DataView", "Date", "Error"),
        *("EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError"),
        *("Infinity", "Intl", "JSON", "Map", "Math", "NaN", "Number", "Object", "Promise"),
        *("RegExp", "Set", "String", "Symbol", "WeakMap", "WeakSet", "WeakRef", "undefined"),
        *("Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array"),
        *("Int32Array", "Uint32Array", "Float16Array", "Float32Array", "Float64Array"),
        *("BigInt64Array", "BigUint64Array", "arguments", "isFinite", "isNaN"),
        *("parseFloat", "parseInt", "encodeURIComponent", "decodeURIComponent"),
        *("encodeURI", "decodeURI", "atob", "btoa", "structuredClone", "queueMicrotask"),
        *("TextEncoder", "TextDecoder", "AbortController", "AbortSignal", "console"),
        # drawing, layout and events
        *("document", "window", "navigator", "requestAnimationFrame", "cancelAnimationFrame"),
        *("setTimeout", "setInterval", "clearTimeout", "clearInterval", "requestIdleCallback"),
        *("cancelIdleCallback", "ResizeObserver", "IntersectionObserver", "MutationObserver"),
        *("getComputedStyle", "matchMedia", "devicePixelRatio", "innerWidth", "innerHeight"),
        *("performance", "Path2D", "ImageData", "ImageBitmap", "createImageBitmap", "Image"),
        *("OffscreenCanvas", "CanvasRenderingContext2D", "WebGLRenderingContext"),
        *("WebGL2RenderingContext", "DOMRect", "DOMMatrix", "DOMPoint", "CSS", "Node"),
        *("Element", "Text", "DocumentFragment", "Event", "CustomEvent", "EventTarget"),
        *("MouseEvent", "PointerEvent", "KeyboardEvent", "WheelEvent", "TouchEvent"),
        *("FocusEvent", "InputEvent", "Blob", "File", "FileReader", "URL", "crypto"),
    }
)
#: `window.NAME` besides the globals above.
_WINDOW_MEMBERS = _ALLOWED_GLOBALS - {"document", "window", "navigator"} | {
    *("addEventListener", "removeEventListener", "scrollX", "scrollY", "outerWidth"),
    *("outerHeight", "getSelection"),
}
#: `document.NAME`: making elements, listening, finding the focused one.
_DOCUMENT_MEMBERS = frozenset(
    {
        *("createElement", "createElementNS", "createTextNode", "createDocumentFragment"),
        *("createComment", "createTreeWalker", "addEventListener", "removeEventListener"),
        *("body", "head", "documentElement", "activeElement", "getElementById"),
        *("querySelector", "querySelectorAll", "fonts", "hidden", "visibilityState"),
        *("fullscreenElement", "exitFullscreen", "pointerLockElement", "exitPointerLock"),
        *("elementFromPoint", "elementsFromPoint", "getSelection", "contains", "hasFocus"),
    }
)
_NAVIGATOR_MEMBERS = frozenset(
    {
        *("clipboard", "userAgent", "platform", "language", "languages", "onLine"),
        *("hardwareConcurrency", "maxTouchPoints", "gpu"),
    }
)
#: Element classes for `instanceof`: HTMLCanvasElement, SVGElement, ...
_ELEMENT_CLASS = re.compile(r"(HTML|SVG)\w*Element")
#: Globals (and `navigator.NAME`) that reach the network: only with --allow-network.
_NETWORK = frozenset(
    {
        *("fetch", "XMLHttpRequest", "WebSocket", "EventSource", "WebTransport"),
        *("RTCPeerConnection", "sendBeacon"),
    }
)
#: Why some globals are refused, for a message the model can act on.
_REASONS = {
    **dict.fromkeys(("eval", "Function"), "evaluates text as code"),
    **dict.fromkeys(
        ("localStorage", "sessionStorage", "indexedDB", "caches", "cookieStore"),
        "browser storage",
    ),
    **dict.fromkeys(("location", "history", "open", "close"), "navigation"),
    **dict.fromkeys(("top", "parent", "frames", "opener", "postMessage"), "another window"),
    **dict.fromkeys(("importScripts", "Worker", "SharedWorker"), "loads a script"),
    **dict.fromkeys(("Reflect", "Proxy"), "reaches any property by name"),
    "globalThis": "the global object",
    "self": "the global object",
}
#: Objects whose properties are globals or the page's state: only static, listed members.
_GLOBAL_OBJECTS = {
    "window": _WINDOW_MEMBERS,
    "globalThis": _WINDOW_MEMBERS,
    "self": _WINDOW_MEMBERS,
    "document": _DOCUMENT_MEMBERS,
    "navigator": _NAVIGATOR_MEMBERS | {"sendBeacon"},
}
#: Computed access (`NAME[key]`) on these is refused outright: the key picks any global.
_NO_COMPUTED = frozenset(_GLOBAL_OBJECTS) | {"top", "parent", "frames", "opener"}
#: Properties refused on any object: the way to Function, the page's window or document,
#: cookies, navigation, and HTML parsed into the page.
_REFUSED_PROPERTIES = {
    **dict.fromkeys(
        ("constructor", "__proto__", "__defineGetter__", "__defineSetter__"),
        "reaches Function, which evaluates text as code",
    ),
    **dict.fromkeys(("__lookupGetter__", "__lookupSetter__"), "reaches Function"),
    **dict.fromkeys(
        ("ownerDocument", "defaultView", "contentWindow", "contentDocument", "getRootNode"),
        "reaches the page's document or window",
    ),
    "cookie": "cookies",
    "location": "navigation",
    "serviceWorker": "loads a script",
    **dict.fromkeys(
        ("insertAdjacentHTML", "createContextualFragment", "setHTMLUnsafe", "parseHTMLUnsafe"),
        "parses HTML into the page",
    ),
    **dict.fromkeys(("write", "writeln"), "writes HTML into the page"),
}
#: Properties and attributes that load a URL or hold HTML: only a data:, blob: or # value.
_URL_PROPERTIES = frozenset(
    {"src", "href", "action", "formAction", "srcdoc", "srcset", "ping", "poster"}
)
_URL_ATTRIBUTES = frozenset({name.lower() for name in _URL_PROPERTIES} | {"xlink:href", "data"})
_SAFE_URL = re.compile(r"(data:|blob:|#)", re.I)
#: Elements a widget may not create: they load or run other documents and scripts.
_REFUSED_ELEMENTS = frozenset(
    {
        *("script", "iframe", "frame", "frameset", "object", "embed", "link", "base"),
        *("meta", "form", "portal", "applet"),
    }
)
#: A string literal naming one of these is refused wherever it is: `make("script")` may hand
#: it to createElement, `o[k]` may read "constructor" (the commoner tag names are ordinary
#: words, checked only at the createElement call).
_REFUSED_STRINGS = frozenset(
    {"script", "iframe", "frameset", "embed", "portal", "constructor", "__proto__"}
)
#: CSS that loads a URL (`url(https://...)`, `@import`): anything but data: and # is refused.
_CSS_URL = re.compile(r"url\(\s*(?![\s'\"]*(?:data:|#))|@import", re.I)
_TIMERS = frozenset({"setTimeout", "setInterval"})
_FUNCTION_NODES = frozenset(
    {
        *("function_declaration", "generator_function_declaration", "function_expression"),
        *("function", "generator_function", "arrow_function", "method_definition"),
    }
)
_BLOCK_NODES = frozenset(
    {"program", "statement_block", "for_statement", "for_in_statement", "switch_body"}
    | {"class_static_block", "catch_clause"}
)


class _Capabilities:
    """The refusals of one module's tree: `refusals()` → (always refused, network)."""

    def __init__(self, root: Node) -> None:
        self.root = root
        self.scopes: dict[int, set[str]] = {}  # a scope node's id → the names it declares
        self.bindings: set[int] = set()  # ids of the identifiers that declare a name
        # (scope id, name) of names bound to a function and never assigned again
        self.functions: set[tuple[int, str]] = set()
        self.reassigned: set[tuple[int, str]] = set()
        self.unsafe: list[Use] = []
        self.network: list[Use] = []
        self._declare_all()

    def refusals(self) -> tuple[list[Use], list[Use]]:
        for node in _walk(self.root):
            match node.type:
                case "identifier" | "shorthand_property_identifier":
                    self._reference(node)
                case "shorthand_property_identifier_pattern" if node.id not in self.bindings:
                    self._reference(node)
                case "member_expression":
                    self._member(node)
                case "subscript_expression":
                    self._subscript(node)
                case "call_expression":
                    self._call(node)
                case "assignment_expression" | "augmented_assignment_expression":
                    self._assignment(node)
                case "pair":
                    self._pair(node)
                case "string" | "template_string":
                    self._string(node)
                case "with_statement":
                    self._refuse(node, "with (...) (reaches names unseen)")
        return _unique(self.unsafe), _unique(self.network)

    # Declarations: which names the module binds, and in which scope.

    def _declare_all(self) -> None:
        for node in _walk(self.root):
            kind = node.type
            if kind == "variable_declaration":
                for declarator in node.named_children:
                    self._declare_declarator(declarator, self._function_scope(node))
            elif kind == "lexical_declaration":
                scope = self._block_scope(node)
                for declarator in node.named_children:
                    self._declare_declarator(declarator, scope)
            elif kind == "for_in_statement":
                left, declared = node.child_by_field_name("left"), node.child_by_field_name("kind")
                if left is not None and declared is not None:
                    var = _text(declared) == "var"
                    self._declare(left, self._function_scope(node) if var else node)
            elif kind in {"function_declaration", "generator_function_declaration"}:
                name = node.child_by_field_name("name")
                if name is not None:
                    scope = self._block_scope(node)
                    self._declare(name, scope)
                    self.functions.add((scope.id, _name(name)))
            elif kind == "class_declaration":
                self._declare(node.child_by_field_name("name"), self._block_scope(node))
            elif kind in {"function_expression", "function", "generator_function", "class"}:
                self._declare(node.child_by_field_name("name"), node)
            elif kind == "catch_clause":
                self._declare(node.child_by_field_name("parameter"), node)
            elif kind == "import_statement":
                self._declare_import(node)
            elif kind == "export_specifier":  # `export { x as alias }`: alias is no reference
                alias = node.child_by_field_name("alias")
                if alias is not None:
                    self.bindings.add(alias.id)
            elif kind == "export_statement" and node.child_by_field_name("source") is not None:
                # `export { x } from "..."` names another module's x, not a global
                self.bindings |= {n.id for n in _walk(node) if n.type == "identifier"}
            elif kind in {"assignment_expression", "augmented_assignment_expression"}:
                left = node.child_by_field_name("left")
                if left is not None and left.type == "identifier":
                    self.reassigned.add((self._declaring_scope(left), _name(left)))
            if kind in _FUNCTION_NODES:
                parameters = node.child_by_field_name("parameters")
                single = node.child_by_field_name("parameter")  # `x => ...`
                for parameter in (
                    [single] if single else (parameters.named_children if parameters else [])
                ):
                    self._declare(parameter, node)

    def _declare_declarator(self, declarator: Node, scope: Node) -> None:
        name = declarator.child_by_field_name("name")
        value = declarator.child_by_field_name("value")
        self._declare(name, scope)
        if name is not None and value is not None and value.type in _FUNCTION_NODES:
            self.functions.add((scope.id, _name(name)))

    def _declare_import(self, statement: Node) -> None:
        for node in _walk(statement):
            if node.type != "identifier":
                continue
            self.bindings.add(node.id)
            parent = node.parent
            if parent is not None and parent.type == "import_specifier":
                alias = parent.child_by_field_name("alias")
                if alias is not None and alias.id != node.id:
                    continue  # `import { name as alias }`: only the alias is bound here
            self.scopes.setdefault(self.root.id, set()).add(_name(node))

    def _declare(self, pattern: Node | None, scope: Node) -> None:
        """Bind every name in a binding pattern (`a`, `{ a, b: c }`, `[d, ...e]`, `f = 1`)."""
        if pattern is None:
            return
        if pattern.type in {"identifier", "shorthand_property_identifier_pattern"}:
            self.bindings.add(pattern.id)
            self.scopes.setdefault(scope.id, set()).add(_name(pattern))
        elif pattern.type in {"assignment_pattern", "object_assignment_pattern"}:
            self._declare(pattern.child_by_field_name("left"), scope)
        elif pattern.type == "pair_pattern":
            self._declare(pattern.child_by_field_name("value"), scope)
        elif pattern.type in {"object_pattern", "array_pattern", "rest_pattern"}:
            for child in pattern.named_children:
                self._declare(child, scope)

    def _function_scope(self, node: Node) -> Node:
        return self._enclosing(node, _FUNCTION_NODES | {"program"})

    def _block_scope(self, node: Node) -> Node:
        return self._enclosing(node, _FUNCTION_NODES | _BLOCK_NODES)

    def _enclosing(self, node: Node, kinds: frozenset[str]) -> Node:
        parent = node.parent
        while parent is not None and parent.type not in kinds:
            parent = parent.parent
        return parent or self.root

    def _declaring_scope(self, node: Node) -> int | None:
        """The id of the scope that declares an identifier's name; None for a global."""
        name = _name(node)
        scope = node.parent
        while scope is not None:
            if name in self.scopes.get(scope.id, ()):
                return scope.id
            scope = scope.parent
        return None

    def _is_free(self, node: Node) -> bool:
        """Whether an identifier names a global: no scope around it declares it."""
        return self._declaring_scope(node) is None

    def _global(self, node: Node | None) -> str | None:
        """The global an identifier names, or None for a local name (or not an identifier)."""
        if node is None or node.type != "identifier" or not self._is_free(node):
            return None
        return _name(node)

    # The rules.

    def _reference(self, node: Node) -> None:
        # An identifier, or a shorthand one: `{ fetch }` reads the global fetch.
        if node.id in self.bindings or not self._is_free(node):
            return
        name = _name(node)
        parent = node.parent
        if parent is not None and _is_object_of(node, parent):
            if parent.type == "member_expression" and name in _GLOBAL_OBJECTS:
                return  # `window.NAME`: the member rule decides
            if parent.type == "subscript_expression" and name in _NO_COMPUTED:
                return  # `window[key]`: the subscript rule refuses it
        if name in _GLOBAL_OBJECTS and name in _ALLOWED_GLOBALS:
            # `const { fetch } = window`, `Reflect.get(document, key)`: any member, by name
            self._refuse(node, f"{name} used as a value (only {name}.NAME of listed members)")
            return
        if name in _NETWORK:
            self.network.append(Use(name, _line(node)))
        elif name in _TIMERS and not _is_callee(node):
            self._refuse(node, f"{name} used other than called (it may be handed a string)")
        elif name not in _ALLOWED_GLOBALS and not _ELEMENT_CLASS.fullmatch(name):
            why = _REASONS.get(name, "not declared here, nor a global a widget may use")
            self._refuse(node, f"{name} ({why})")

    def _member(self, node: Node) -> None:
        target, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
        if target is None or prop is None:
            return
        name = _name(prop)
        owner = self._global(target)
        if owner not in _GLOBAL_OBJECTS:
            self._property(node, name, f".{name}")
            return
        if name in _NETWORK:
            self.network.append(Use(f"{owner}.{name}", _line(node)))
        elif name not in _GLOBAL_OBJECTS[owner]:
            why = _REASONS.get(name) or _REFUSED_PROPERTIES.get(name) or "not a listed member"
            self._refuse(node, f"{owner}.{name} ({why})")
        elif name in _TIMERS and not _is_callee(node):
            self._refuse(node, f"{owner}.{name} used other than called (it may be handed a string)")

    def _subscript(self, node: Node) -> None:
        target, index = node.child_by_field_name("object"), node.child_by_field_name("index")
        if target is None or index is None:
            return
        owner = self._global(target)
        if owner in _NO_COMPUTED:
            self._refuse(node, f"{owner}[{_snippet(index)}] (computed access on a global)")
            return
        key = _folded_string(index)
        if key is not None:
            self._property(node, key, f"[{_snippet(index)}]")

    def _property(self, node: Node, name: str, shown: str) -> None:
        """A property refused on any object: `.constructor`, `.cookie`, `["__proto__"]`."""
        if name in _REFUSED_PROPERTIES:
            self._refuse(node, f"{shown} ({_REFUSED_PROPERTIES[name]})")

    def _call(self, node: Node) -> None:
        callee, arguments = (
            node.child_by_field_name("function"),
            node.child_by_field_name("arguments"),
        )
        if callee is None:
            return
        args = arguments.named_children if arguments is not None else []
        if callee.type == "import":
            self._refuse(
                node, "import() (loads code at run time; import statically from a pinned CDN URL)"
            )
            return
        method = _callee_name(callee)
        if method in _TIMERS and self._is_global_call(callee):
            if not args or not self._is_function(args[0]):
                why = "evaluates text as code; pass a function"
                self._refuse(node, f"{method} with a string or unknown first argument ({why})")
        elif method in {"createElement", "createElementNS"}:
            tag = _argument(args, 0 if method == "createElement" else 1)
            element = (_folded_string(tag) or "").strip().lower()
            if element in _REFUSED_ELEMENTS:
                why = f"a <{element}> element loads or runs other code"
                self._refuse(node, f"{method}({_snippet(tag)}) ({why})")
        elif method in {"setAttribute", "setAttributeNS"}:
            at = 0 if method == "setAttribute" else 1
            attribute = _folded_string(_argument(args, at))
            if attribute is not None:
                shown = f"{method}({_snippet(args[at])}, ...)"
                self._attribute(node, attribute, _argument(args, at + 1), shown)

    def _attribute(self, node: Node, attribute: str, value: Node | None, shown: str) -> None:
        lowered = attribute.strip().lower()
        if lowered.startswith("on"):
            self._refuse(
                node,
                f"{shown} (an event handler attribute evaluates text as code; use addEventListener)",
            )
        elif lowered in _URL_ATTRIBUTES and not _safe_url(value):
            self._refuse(
                node, f"{shown} (loads a URL; only a data:, blob: or # literal may be set)"
            )

    def _assignment(self, node: Node) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        name = _property_name(left) if left is not None else None
        if name is None:
            return
        shown = f"{_snippet(left.child_by_field_name('object'))}.{name} = ..."
        if name in _URL_PROPERTIES and not _safe_url(right):
            self._refuse(
                node, f"{shown} (loads a URL; only a data:, blob: or # literal may be set)"
            )
        elif name in {"innerHTML", "outerHTML"} and _folded_string(right) != "":
            self._refuse(
                node, f"{shown} (parses HTML into the page; build elements and set textContent)"
            )

    def _pair(self, node: Node) -> None:
        """`{ src: url }` handed to setAttribute or Object.assign in a loop sets it all the same."""
        key, value = node.child_by_field_name("key"), node.child_by_field_name("value")
        if key is None:
            return
        name = _folded_string(key) if key.type == "string" else _name(key)
        if name is None:
            return
        if name == "__proto__":
            self._refuse(node, "__proto__: ... (reaches Function, which evaluates text as code)")
        elif name.lower() in _URL_ATTRIBUTES - {"data"} and not _safe_url(value):
            self._refuse(
                node,
                f"{{ {name}: ... }} (loads a URL; only a data:, blob: or # literal may be set)",
            )
        elif (
            name.lower().startswith("on")
            and value is not None
            and value.type in {"string", "template_string"}
        ):
            self._refuse(
                node, f'{{ {name}: "..." }} (an event handler attribute evaluates text as code)'
            )

    def _string(self, node: Node) -> None:
        value = _static_string(node)
        call = node.parent.parent if node.parent is not None else None
        if call is not None and call.type == "call_expression":
            callee = call.child_by_field_name("function")
            if callee is not None and _callee_name(callee) in {"createElement", "createElementNS"}:
                value = None  # the call's own rule names the element
        if value is not None and value.strip().lower() in _REFUSED_STRINGS:
            what = value.strip().lower()
            self._refuse(node, f"{_snippet(node)} (names {what}, which a widget may not reach)")
        text = _text(node)
        if _CSS_URL.search(text):
            self._refuse(
                node, "CSS url(...) or @import (loads a URL; only data: and # are allowed)"
            )

    def _is_global_call(self, callee: Node) -> bool:
        """`setTimeout(...)` or `window.setTimeout(...)` on the global, not a local's method."""
        if callee.type == "identifier":
            return self._is_free(callee)
        target = callee.child_by_field_name("object")
        return target is not None and self._global(target) in {"window", "globalThis", "self"}

    def _is_function(self, node: Node) -> bool:
        """A function for a timer: written in place, or a name bound to a function."""
        if node.type in _FUNCTION_NODES:
            return True
        if node.type != "identifier":
            return False
        binding = (self._declaring_scope(node), _name(node))
        return binding in self.functions and binding not in self.reassigned

    def _refuse(self, node: Node, name: str) -> None:
        self.unsafe.append(Use(name, _line(node)))


def _unique(uses: list[Use]) -> list[Use]:
    """Each refusal once, in the order of the file."""
    return sorted(set(uses), key=lambda use: (use.line, uses.index(use)))


def _argument(args: list[Node], index: int) -> Node | None:
    return args[index] if len(args) > index else None


def _snippet(node: Node | None, limit: int = 40) -> str:
    """A piece of the code as a message shows it: one line, and short."""
    text = " ".join(_text(node).split()) if node is not None else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_object_of(node: Node, parent: Node) -> bool:
    target = parent.child_by_field_name("object")
    return target is not None and target.id == node.id


def _is_callee(node: Node) -> bool:
    parent = node.parent
    return (
        parent is not None
        and parent.type == "call_expression"
        and (callee := parent.child_by_field_name("function")) is not None
        and callee.id == node.id
    )


def _callee_name(callee: Node) -> str | None:
    if callee.type == "identifier":
        return _name(callee)
    return _property_name(callee)


def _property_name(node: Node) -> str | None:
    """`a.NAME` or `a["NAME"]` (a key known before running): NAME; None otherwise."""
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return _name(prop) if prop is not None else None
    if node.type == "subscript_expression":
        index = node.child_by_field_name("index")
        return _folded_string(index) if index is not None else None
    return None


def _folded_string(node: Node | None) -> str | None:
    """A string known before running: a literal, or literals joined with `+` (`"fe" + "tch"`)."""
    if node is None:
        return None
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        return _folded_string(node.named_children[0])
    if node.type == "binary_expression":
        operator = node.child_by_field_name("operator")
        if operator is not None and _text(operator) == "+":
            left = _folded_string(node.child_by_field_name("left"))
            right = _folded_string(node.child_by_field_name("right"))
            if left is not None and right is not None:
                return left + right
        return None
    return _static_string(node)


def _safe_url(value: Node | None) -> bool:
    """A value that loads nothing from elsewhere: a data:, blob: or # literal, or a blob URL."""
    if value is None:
        return False
    text = _folded_string(value)
    if text is not None:
        return text == "" or _SAFE_URL.match(text.strip()) is not None
    if value.type == "template_string":  # `data:image/png;base64,${encoded}`
        first = value.named_children[0] if value.named_children else None
        return (
            first is not None
            and first.type == "string_fragment"
            and _SAFE_URL.match(_text(first)) is not None
        )
    if value.type == "call_expression":  # URL.createObjectURL(blob) makes a blob: URL
        callee = value.child_by_field_name("function")
        return callee is not None and _text(callee) == "URL.createObjectURL"
    return False
