"""Rendering every template with several trait combinations, without writing a project."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from vibewidget_cli.manifest import Project
from vibewidget_cli.render import render_package, render_widget
from vibewidget_cli.spec import LinkSpec, WidgetSpec, parse_trait
from vibewidget_cli.templates import all_templates, bind_slots, get_template

COMBINATIONS = {
    "none": ([], []),
    "selection out": (["selected_indices=rows selected by the brush"], []),
    "selection in": ([], ["selected_indices"]),
    "every type": (
        ["count:int", "ratio:float", "label:str=a label", "is_on:bool", "weights:list[float]"],
        ["tags:list[str]", "ids_list:list[int]", "config:dict", "blob:bytes", "heightmap:grid"],
    ),
}


def make_spec(kind: str, exports: list[str], imports: list[str]) -> WidgetSpec:
    template = get_template(kind)
    option_names = {option.name for option in template.options}
    traits = [parse_trait(s, "export") for s in exports] + [
        parse_trait(s, "import") for s in imports
    ]
    # vibew refuses these (an option's name; a required slot's name in the other role)
    required = {s.default_name: s.role for s in template.slots if s.required}
    traits = [
        t for t in traits if t.name not in option_names and required.get(t.name, t.role) == t.role
    ]
    spec = WidgetSpec("my_widget", "a widget for testing", kind, traits)
    spec.traits += bind_slots(spec, template)[1]
    return spec


def cases():
    return [
        pytest.param(kind, exports, imports, id=f"{kind}-{label}")
        for kind in all_templates()
        for label, (exports, imports) in COMBINATIONS.items()
    ]


def js_string_calls(js: str, method: str) -> set[str]:
    return set(re.findall(rf'model\.{method}\(\s*"([^"]+)"', js))


def panel_traits(js: str, role: str) -> set[str]:
    """The traits of the given role in the trait panel's PANEL_TRAITS rows."""
    rows = re.findall(r'^  \{ name: ("[^"]*"), type: "[^"]+", role: "(\w+)" \},$', js, re.M)
    return {json.loads(name) for name, row_role in rows if row_role == role}


@pytest.mark.parametrize(("kind", "exports", "imports"), cases())
def test_template_renders_a_class_and_a_module_that_honour_the_contract(
    kind, exports, imports, tmp_path
):
    spec = make_spec(kind, exports, imports)
    python, js = render_widget(spec, "widgets")
    assert python.path == "widgets/my_widget.py" and js.path == "widgets/my_widget.js"

    # The Python: one class named from the widget, its JS beside it, each trait declared.
    tree = ast.parse(python.text)
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    assert [c.name for c in classes] == ["MyWidget"]
    assert ast.get_docstring(classes[0])
    assert 'parent / "my_widget.js"' in python.text
    declared = {
        target.id
        for node in classes[0].body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for trait in spec.traits:
        assert trait.name in declared
    assert "vibewidget_cli" not in python.text + js.text

    # The JS: exports written and saved, imports listened to, a default export with render.
    assert "export default { render }" in js.text
    # The trait panel sets and listens to its traits by the names in its rows.
    written = js_string_calls(js.text, "set") | panel_traits(js.text, "export")
    if panel_traits(js.text, "export"):
        assert "model.set(name, value)" in js.text or "model.set(name, input.value)" in js.text
    for trait in spec.exports:
        assert trait.name in written, trait.name
        assert "model.save_changes()" in js.text
    listened = set(re.findall(r'model\.on\(\s*"change:([^"]+)"', js.text))
    if panel_traits(js.text, "import") or panel_traits(js.text, "export"):
        assert "model.on(`change:${name}`, show)" in js.text
    for trait in spec.imports:
        assert trait.name in listened | panel_traits(js.text, "import"), trait.name
    # Only the 3D templates import a module (three.js from a pinned CDN URL).
    imports_module = re.search(r"^import\b", js.text, re.MULTILINE)
    assert not imports_module or kind.endswith("3d")

    module = tmp_path / "my_widget.mjs"
    module.write_text(js.text)
    checked = subprocess.run(["node", "--check", str(module)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("kind", list(all_templates()))
def test_generated_python_is_ruff_clean(kind, tmp_path):
    spec = make_spec(kind, *COMBINATIONS["every type"])
    project = Project(widgets={"my_widget": spec})
    for file in render_package(project):
        if file.path.endswith(".py"):
            path = tmp_path / Path(file.path).name
            path.write_text(file.text)
    ruff = [sys.executable, "-m", "ruff"]
    lint = subprocess.run(
        [*ruff, "check", "--isolated", str(tmp_path)], capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    fmt = subprocess.run(
        [*ruff, "format", "--isolated", "--check", "--diff", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_rendering_is_pure_and_stable():
    spec = make_spec("scatter", ["selected_indices"], [])
    project = Project(widgets={"my_widget": spec})
    assert render_package(project) == render_package(project)


def test_wiring_module_is_rendered_only_with_links_and_lists_each_link():
    scatter = make_spec("scatter", ["selected_indices"], [])
    scatter.name = "scatter"
    histogram = make_spec("histogram", [], ["selected_indices"])
    histogram.name = "histogram"
    project = Project(widgets={"scatter": scatter, "histogram": histogram})
    assert not [f for f in render_package(project) if f.path.endswith("wiring.py")]
    project.links = [
        LinkSpec(("scatter", "selected_indices"), ("histogram", "selected_indices")),
    ]
    (wiring,) = [f for f in render_package(project) if f.path.endswith("wiring.py")]
    assert 'traitlets.link(\n            (scatter, "selected_indices"),' in wiring.text
    project.links = [
        LinkSpec(("scatter", "selected_indices"), ("histogram", "selected_indices"), oneway=True)
    ]
    (wiring,) = [f for f in render_package(project) if f.path.endswith("wiring.py")]
    assert "traitlets.dlink(" in wiring.text and "traitlets.link(" not in wiring.text
