"""Property tests: hypothesis hunts for the names, specs and descriptions we did not think of.

For any widget name, trait specs and description, `vibew new` (its core, `commands.new_widget`,
on a real folder) either refuses with a `UserError` (exit 2 at the CLI) or writes Python that
compiles and JavaScript that parses, in which no identifier comes from the input: every
identifier of the JS is one its template writes for any input, and every name of the Python is
the template's, a trait's, or the widget class's.
"""

from __future__ import annotations

import ast
import functools
import tempfile
import time
from pathlib import Path

from helpers import node_check
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from vibewidget_cli import commands
from vibewidget_cli.check.js import _parser
from vibewidget_cli.errors import UserError
from vibewidget_cli.manifest import Project
from vibewidget_cli.render import render_package
from vibewidget_cli.spec import TRAIT_TYPES, TraitSpec, WidgetSpec
from vibewidget_cli.templates import all_templates, bind_slots

_JS_IDENTIFIERS = {
    "identifier",
    "property_identifier",
    "shorthand_property_identifier",
    "shorthand_property_identifier_pattern",
    "private_property_identifier",
    "statement_identifier",
}

HOSTILE_TEXT = [
    "\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x00", "*/", "/*", "//",
    '"', "'", "`", "${x}", "\\", "\\N", "\\N{", '"""', "'''", "</script>", "<!--", "-->",
    "{{ x }}", "{% if %}", "{#", "\u202e", "alert(1)", ");alert(1);(", "\ud7ff", "é", "\t",
]  # fmt: skip
NAMES_PROBED = [
    "model", "el", "panel", "value", "format", "render", "document", "window", "signal",
    "delete", "new", "this", "let", "eval", "arguments", "constructor", "__proto__", "x",
    "show_x", "foo_bar", "fooBar", "data", "layout", "traitlets", "Table", "selected_indices",
    "heightmap", "selected_airlines", "selected_planet",
]  # fmt: skip

text = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(HOSTILE_TEXT) | st.text(max_size=5), max_size=8).map("".join),
)
# Mostly names and types that pass, so that most examples write files; the rest probe the rules.
identifiers = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
names = st.one_of(
    *[identifiers] * 6, st.sampled_from(NAMES_PROBED), st.text(min_size=1, max_size=8)
)
types = st.one_of(st.sampled_from(TRAIT_TYPES), st.sampled_from(TRAIT_TYPES), st.text(max_size=8))
trait_specs = st.builds(
    lambda name, type_, description: (
        name
        + (f":{type_}" if type_ is not None else "")
        + (f"={description}" if description else "")
    ),
    names,
    st.none() | types,
    st.none() | text,
)
# Names unique within one widget, so that "declared twice" is not what most examples find.
spec_lists = st.lists(trait_specs, max_size=3, unique_by=lambda s: s.split(":")[0].split("=")[0])


def js_identifiers(source: str) -> set[str]:
    tree = _parser().parse(source.encode("utf-8"))
    found, stack = set(), [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type in _JS_IDENTIFIERS:
            found.add(node.text.decode("utf-8"))
        stack.extend(node.children)
    return found


def js_parses(source: str) -> bool:
    tree = _parser().parse(source.encode("utf-8"))
    return not tree.root_node.has_error


def py_names(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.arg) or (isinstance(node, ast.keyword) and node.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name)
    return names


@functools.cache
def vocabulary(kind: str) -> tuple[frozenset[str], frozenset[str]]:
    """Every identifier the template writes in JS and Python, for plain names of every type
    and role (so any identifier outside it could only have come from the input)."""
    template = all_templates()[kind]
    js, py = set(), set()
    for role in (None, "export", "import"):
        for description in ("", "a plain description"):  # of the widget and of each trait
            traits = [
                TraitSpec(f"probe_{role}_{i}", type_, role, description)
                for i, type_ in enumerate(TRAIT_TYPES)
                if role
            ] + (
                [TraitSpec(f"probe_{role}_indices", "list[int]", role, description)] if role else []
            )
            spec = WidgetSpec("probe", description, kind, traits)
            spec.traits += bind_slots(spec, template)[1]
            for file in render_package(Project(widgets={"probe": spec})):
                if file.path.endswith(".js"):
                    js |= js_identifiers(file.text)
                elif file.path.endswith(".py"):
                    py |= py_names(file.text) - {t.name for t in spec.traits}
    return frozenset(js), frozenset(py - {"probe", "Probe"})


SAMPLED_FOR_NODE: list[str] = []


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    name=st.one_of(identifiers, identifiers, identifiers, names),
    description=text,
    exports=spec_lists,
    imports=spec_lists,
    kind=st.sampled_from(sorted(all_templates())),
)
def test_new_refuses_or_writes_code_no_input_becomes(name, description, exports, imports, kind):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        try:
            outcome = commands.new_widget(
                root, name, description, exports=exports, imports=imports, template=kind
            )
        except UserError as error:
            assert str(error) and "\n" not in str(error).strip()
            event("refused")  # --hypothesis-show-statistics shows the share
            return
        event("written")
        widget = outcome.widget
        trait_names = {t.name for t in widget.traits}
        js_vocabulary, py_vocabulary = vocabulary(kind)
        for path in sorted((root / "widgets").iterdir()):
            source = path.read_text(encoding="utf-8")
            if path.suffix == ".py":
                compile(source, str(path), "exec")
                outside = py_names(source) - py_vocabulary - trait_names - {widget.class_name}
                assert not outside, f"{path.name}: names from the input: {outside}"
            elif path.suffix == ".js":
                assert js_parses(source), source
                outside = js_identifiers(source) - js_vocabulary
                assert not outside, f"{path.name}: identifiers from the input: {outside}"
                if len(SAMPLED_FOR_NODE) < 25:
                    SAMPLED_FOR_NODE.append(source)
            elif path.suffix == ".css":
                # No input but the name reaches a stylesheet: its class, on every rule.
                scope = f".{widget.name.replace('_', '-')}"
                rules = [line for line in source.splitlines() if line.endswith("{")]
                assert all(r.strip().startswith((scope, "@media")) for r in rules), path.name


def test_a_sample_of_the_generated_modules_passes_node():
    """Early errors (a name declared twice) are Node's to find; tree-sitter's grammar allows
    them. Runs after the property test has filled the sample (same module, file order)."""
    started = time.monotonic()
    if not SAMPLED_FOR_NODE:  # run alone: make a sample of our own
        test_new_refuses_or_writes_code_no_input_becomes()
    assert SAMPLED_FOR_NODE
    for source in SAMPLED_FOR_NODE:
        node_check(source)
    print(f"node --check on {len(SAMPLED_FOR_NODE)} modules: {time.monotonic() - started:.1f}s")
