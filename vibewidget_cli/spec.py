"""What a widget is: its name, its traits and the links between widgets.

Parsing and validation of everything the user types lives here, so that rendering can trust its
input. Nothing in this module touches the disk.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from vibewidget_cli.errors import UserError

Role = Literal["export", "import", "option"]

#: The trait types a user can name (render._TRAITLETS has the traitlets declaration of each).
TRAIT_TYPES: tuple[str, ...] = (
    "int",
    "float",
    "str",
    "bool",
    "list[int]",
    "list[float]",
    "list[str]",
    "dict",
    "bytes",
    "grid",
    "predicate",
)

# Type inference from a trait's name: the first rule that matches wins.
_INFERENCE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(^|_)(indices|rows|ids)$"), "list[int]"),
    (re.compile(r"(^|_)(heightmap|grid|matrix|image)$"), "grid"),
    (re.compile(r"(^|_)(predicate|where|brush)$"), "predicate"),
    (re.compile(r"^(is|has|show|enable|enabled)(_|$)|(_enabled|_visible)$"), "bool"),
    (re.compile(r"(^|_)(count|index|n|size|page|step)$"), "int"),
    (re.compile(r"(^|_)(value|threshold|zoom|opacity|ratio|min|max|scale)$"), "float"),
    (re.compile(r"(^|_)(range|extent|bounds|values|weights)$"), "list[float]"),
    (re.compile(r"s$"), "list[str]"),
]
_DEFAULT_TYPE = "str"

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"  # ASCII: see check_identifier
_LINK_FORM = re.compile(rf"^(?:(?P<local>{_IDENT})=)?(?P<widget>{_IDENT})\.(?P<trait>{_IDENT})$")

#: Names the printed notebook snippet (render.notebook_snippet) uses beside the widgets' own.
_SNIPPET_NAMES = {
    "link": "the wiring module's link()",
    "links": "what link() returns",
    "display": "IPython's display()",
    "df": "the DataFrame a data widget takes",
}

#: Names that the generated class already gives a meaning to.
_GENERATED_NAMES = frozenset({"data", "queried_rows", "source", "max_rows"})

#: Longest widget or trait name: names become file names (`.NAME.js.1a2b3c4d.vibew-tmp` must
#: stay under the file systems' 255 bytes) and should read well in code.
MAX_NAME_LENGTH = 64

#: What the generated widget module binds at module level or reads in its class body: a trait
#: (a class attribute) of that name would shadow it. Derived from the templates by
#: tests/hostile/test_names.py, which fails when this is out of date.
_CLASS_BODY_NAMES = frozenset(
    {
        "Any",
        "Grid",
        "Predicate",
        "RowIndices",
        "Source",
        "TYPE_CHECKING",
        "Table",
        "annotations",
        "anywidget",
        "pathlib",
        "pd",
        "property",
        "serve",
        "traitlets",
    }
)

#: Of those, the ones a widget class may not be called: the module reads them after the class
#: statement (a class named `Table` is fine: its body reads the helper `Table` before the name
#: is rebound). tests/hostile/test_names.py renders a widget of each such class name.
_CLASS_NAMES_TAKEN = frozenset({"Any", "TYPE_CHECKING"})

#: What the generated `wiring.py` binds at module level or reads inside `link()`, whose
#: parameters are the widgets' names (`link(*, traitlets: Traitlets)` would hide the module).
#: Derived from the templates by tests/hostile/test_names.py, like _CLASS_BODY_NAMES.
_WIRING_NAMES = frozenset({"annotations", "link", "traitlets"})

#: Words JavaScript reserves (in modules, which are strict), and the two names strict mode
#: forbids to bind: a widget's JS, hand-written or an LLM's, could not name such a trait.
# fmt: off
_JS_RESERVED = frozenset({
    "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default",
    "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for", "function",
    "if", "implements", "import", "in", "instanceof", "interface", "let", "new", "null",
    "package", "private", "protected", "public", "return", "static", "super", "switch", "this",
    "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield", "arguments",
    "eval",
})
# fmt: on


@dataclass(frozen=True)
class TraitSpec:
    """One synced trait of a widget."""

    name: str
    type: str
    role: Role
    description: str = ""
    inferred: bool = False


def is_row_selection(trait: TraitSpec) -> bool:
    """Row selections travel as one int32 buffer instead of a JSON list (see `_traits.py`)."""
    return trait.type == "list[int]" and (
        trait.name == "indices" or trait.name.endswith("_indices")
    )


@dataclass(frozen=True)
class LinkSpec:
    """`source` (widget, trait) → `target` (widget, trait); bidirectional unless `oneway`.

    A `js` link joins the two models in the page (`ipywidgets.jslink`), so a change reaches
    the other view without a round trip through the kernel; otherwise it is a kernel link
    (`traitlets.link`).
    """

    source: tuple[str, str]
    target: tuple[str, str]
    oneway: bool = False
    js: bool = False

    def __str__(self) -> str:
        arrow = "->" if self.oneway else "<->"
        mode = " (in the browser)" if self.js else ""
        return f"{'.'.join(self.source)} {arrow} {'.'.join(self.target)}{mode}"


@dataclass(frozen=True)
class ImportRef:
    """An import that names another widget's export: `[local=]widget.trait`."""

    local: str
    widget: str
    trait: str


@dataclass
class WidgetSpec:
    """A widget as the user described it, resolved against a template."""

    name: str
    description: str = ""
    template: str = "generic"
    traits: list[TraitSpec] = field(default_factory=list)
    #: the widget takes a table (`data`) though its template reads none: `vibew new --data`
    data: bool = False

    @property
    def class_name(self) -> str:
        return class_name(self.name)

    @property
    def exports(self) -> list[TraitSpec]:
        return [t for t in self.traits if t.role == "export"]

    @property
    def imports(self) -> list[TraitSpec]:
        return [t for t in self.traits if t.role == "import"]

    def trait(self, name: str) -> TraitSpec | None:
        return next((t for t in self.traits if t.name == name), None)


def class_name(widget_name: str) -> str:
    """`scatter` → `Scatter`, `airline_filter` → `AirlineFilter`."""
    return "".join(part[:1].upper() + part[1:] for part in widget_name.split("_") if part)


#: The traits every widget has from anywidget.AnyWidget (and so DOMWidget, Widget). A list,
#: not an import: importing anywidget pulls in ipywidgets and IPython, a fifth of a second of
#: `vibew new`. tests/test_spec.py checks both lists against the installed anywidget.
# fmt: off
ANYWIDGET_TRAITS = frozenset({
    "_dom_classes", "_model_module", "_model_module_version", "_model_name", "_msg_callbacks",
    "_property_lock", "_states_to_send", "_view_count", "_view_module", "_view_module_version",
    "_view_name", "comm", "keys", "layout", "log", "tabbable", "tooltip",
})
#: Every public attribute of anywidget.AnyWidget: a trait of that name would shadow it. (A
#: name with an underscore is refused before this list is read.)
_ANYWIDGET_ATTRIBUTES = frozenset({
    "add_class", "add_traits", "blur", "class_own_trait_events", "class_own_traits",
    "class_trait_names", "class_traits", "close", "close_all", "comm", "cross_validation_lock",
    "focus", "get_manager_state", "get_state", "get_view_spec", "handle_comm_opened",
    "handle_control_comm_opened", "has_trait", "hold_sync", "hold_trait_notifications", "keys",
    "layout", "log", "model_id", "notify_change", "observe", "on_msg", "on_trait_change",
    "on_widget_constructed", "open", "remove_class", "send", "send_state", "set_state",
    "set_trait", "setup_instance", "tabbable", "tooltip", "trait_defaults", "trait_events",
    "trait_has_value", "trait_metadata", "trait_names", "trait_values", "traits", "unobserve",
    "unobserve_all", "widget_types", "widgets",
})
# fmt: on


def reserved_names() -> frozenset[str]:
    """Every public attribute and trait the AnyWidget base class (and so DOMWidget, Widget)
    already defines."""
    return _ANYWIDGET_ATTRIBUTES | ANYWIDGET_TRAITS


def check_identifier(name: str, what: str) -> str:
    """An ASCII Python identifier that is no keyword and not too long.

    ASCII only: Python reads identifiers NFKC-normalised (a fullwidth `scatter` is `scatter`,
    the ligature in `filter` is `fi`) but file names are not, so such a name would give a module that cannot be
    imported, and slip past every check below.
    """
    if not name.isascii():
        normalized = unicodedata.normalize("NFKC", name)
        reads = f" (Python reads it as {normalized!r})" if normalized != name else ""
        raise UserError(
            f"{what} {name!r} has characters other than ASCII letters, digits and _{reads}"
        )
    if not re.fullmatch(_IDENT, name):
        raise UserError(f"{what} {name!r} is not a Python identifier (use letters, digits and _)")
    if len(name) > MAX_NAME_LENGTH:
        raise UserError(f"{what} {name[:20]}… is {len(name)} characters; at most {MAX_NAME_LENGTH}")
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise UserError(f"{what} {name!r} is a Python keyword; choose another name")
    return name


def check_widget_name(name: str) -> str:
    """A name for a module, a class (`Name`) and a parameter of the wiring's `link()`."""
    check_identifier(name, "widget name")
    if name.startswith("_"):
        raise UserError(f"widget name {name!r} must not start with an underscore")
    if not name.islower() and not name.replace("_", "").isdigit():
        raise UserError(
            f"widget name {name!r} has capitals: it names a module, and {name.lower()!r} and "
            f"{name!r} are one file on macOS and Windows; use {name.lower()!r}"
        )
    if name in {"wiring", "widgets"}:
        raise UserError(f"widget name {name!r} is taken by the generated package; choose another")
    if name in _SNIPPET_NAMES:
        raise UserError(
            f"widget name {name!r} is a name the notebook code vibew prints uses "
            f"({_SNIPPET_NAMES[name]}); choose another"
        )
    if name in _WIRING_NAMES:
        raise UserError(
            f"widget name {name!r} is a name the generated wiring.py uses; choose another"
        )
    # `none` would be `class None`; `any` would hide the `Any` its module imports for __init__.
    if keyword.iskeyword(class_name(name)) or class_name(name) in _CLASS_NAMES_TAKEN:
        raise UserError(
            f"widget name {name!r} would make class {class_name(name)}, a name Python or the "
            "widget's module already gives a meaning to; choose another"
        )
    return name


def check_directory(directory: str) -> str:
    """`--dir`: a folder whose path is an importable package (`src/charts` → `src.charts`)."""
    normalized = directory.rstrip("/")
    if normalized in {"", "."}:
        raise UserError(
            f"--dir {directory!r}: the widgets package must be a folder of its own "
            "(for example --dir widgets)"
        )
    for part in normalized.split("/"):
        if not part.isidentifier() or keyword.iskeyword(part):
            raise UserError(
                f"--dir {directory!r}: {part!r} is not a Python identifier (or is a keyword), "
                "so the package could not be imported"
            )
    return normalized


def check_trait_name(name: str) -> str:
    check_identifier(name, "trait name")
    if name.startswith("_"):
        raise UserError(
            f"trait name {name!r} must not start with an underscore (private, not synced)"
        )
    if name in _GENERATED_NAMES:
        raise UserError(
            f"trait name {name!r} is reserved by the generated class (its table and where it "
            "comes from); choose another"
        )
    if name in reserved_names():
        raise UserError(
            f"trait name {name!r} is already used by anywidget.AnyWidget; choose another"
        )
    if name in _CLASS_BODY_NAMES:
        raise UserError(
            f"trait name {name!r} is a name the widget's Python module uses; choose another"
        )
    if name in _JS_RESERVED:
        raise UserError(f"trait name {name!r} is a JavaScript reserved word; choose another")
    return name


def check_class_names(widgets: list[str]) -> None:
    """Two widgets whose classes would have one name (`ab` and `ab_` both make `Ab`)."""
    seen: dict[str, str] = {}
    for name in widgets:
        other = seen.setdefault(class_name(name), name)
        if other != name:
            raise UserError(
                f"widgets {other!r} and {name!r} would both be class {class_name(name)}; "
                "choose another name"
            )


def infer_type(name: str) -> str:
    """The trait type a name suggests: `selected_indices` → `list[int]`, `heightmap` → `grid`."""
    for pattern, type_ in _INFERENCE:
        if pattern.search(name):
            return type_
    return _DEFAULT_TYPE


def check_type(type_: str, trait: str) -> str:
    normalized = type_.replace(" ", "")
    if normalized not in TRAIT_TYPES:
        raise UserError(
            f"unknown type {type_!r} for trait {trait!r}; use one of: {', '.join(TRAIT_TYPES)}"
        )
    return normalized


def parse_trait(spec: str, role: Role) -> TraitSpec:
    """Parse `name[:type][=description]`."""
    head, _, description = spec.partition("=")
    name, colon, type_ = head.partition(":")
    name = name.strip()
    if not name:
        raise UserError(f"empty trait name in {spec!r}; the form is name[:type][=description]")
    check_trait_name(name)
    if colon:
        return TraitSpec(name, check_type(type_.strip(), name), role, description.strip())
    return TraitSpec(name, infer_type(name), role, description.strip(), inferred=True)


def parse_import(spec: str) -> TraitSpec | ImportRef:
    """An import is either a trait spec or a reference to another widget's export."""
    match = _LINK_FORM.match(spec.strip())
    if match:
        local = match["local"] or match["trait"]
        check_trait_name(local)
        check_widget_name(match["widget"])
        return ImportRef(local, match["widget"], match["trait"])
    return parse_trait(spec, "import")


def parse_trait_ref(ref: str) -> tuple[str, str]:
    """Parse `widget.trait`, as `vibew link` takes it."""
    widget, dot, trait = ref.partition(".")
    if not dot or not widget.isidentifier() or not trait.isidentifier():
        raise UserError(f"{ref!r} is not WIDGET.TRAIT (for example scatter.selected_indices)")
    return widget, trait


def check_unique(traits: list[TraitSpec]) -> None:
    seen: set[str] = set()
    for trait in traits:
        if trait.name in seen:
            raise UserError(f"trait {trait.name!r} is declared twice")
        seen.add(trait.name)
