"""Hostile widget and trait names: refused with one line and exit 2, nothing written; or, when
accepted, a package that imports and works.

Each reproduction of the trust issue is here, plus the names the rules were derived from.
"""

from __future__ import annotations

import ast

import pytest
from helpers import node_check, run_in_kernel

from vibewidget_cli import spec as spec_module
from vibewidget_cli.manifest import Project
from vibewidget_cli.render import render_package
from vibewidget_cli.spec import TRAIT_TYPES, LinkSpec, TraitSpec, WidgetSpec
from vibewidget_cli.templates import all_templates, bind_slots


def files_in(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def refused(vibew, project, *args: str, message: str) -> None:
    """The command exits 2 with one line that says `message`, and the folder is unchanged."""
    before = files_in(project)
    done = vibew(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert message in lines[0], lines[0]
    assert files_in(project) == before


# --- widget names -------------------------------------------------------------------------

BAD_WIDGET_NAMES = [
    ("ｓｃａｔｔｅｒ", "Python reads it as 'scatter'"),  # fullwidth
    ("ﬁlter", "Python reads it as 'filter'"),  # the fi ligature
    ("ｌａｙｏｕｔ", "other than ASCII"),
    ("ｄａｔａ", "other than ASCII"),
    ("café", "other than ASCII"),
    ("Ωmega", "other than ASCII"),
    ("x\u200b", "other than ASCII"),  # zero-width space
    ("a" * 65, "at most 64"),
    ("a" * 255, "at most 64"),
    ("a" * 4096, "at most 64"),
    ("Scatter", "has capitals"),
    ("myWidget", "has capitals"),
    ("traitlets", "wiring.py uses"),
    ("link", "notebook code vibew prints"),
    ("links", "notebook code vibew prints"),
    ("display", "notebook code vibew prints"),
    ("df", "notebook code vibew prints"),
    ("wiring", "taken by the generated package"),
    ("widgets", "taken by the generated package"),
    ("class", "keyword"),
    ("match", "keyword"),
    ("_private", "underscore"),
    ("9lives", "not a Python identifier"),
    ("bad-name", "not a Python identifier"),
    ("a b", "not a Python identifier"),
    ("a.b", "not a Python identifier"),
    ("../escape", "not a Python identifier"),
    ("a/b", "not a Python identifier"),
    ("a\nb", "not a Python identifier"),
    ("", "not a Python identifier"),
]


@pytest.mark.parametrize(("name", "message"), BAD_WIDGET_NAMES, ids=repr)
def test_a_bad_widget_name_is_one_line_and_writes_nothing(vibew, project, name, message):
    refused(vibew, project, "new", name, "points", message=message)


def test_two_widgets_with_one_class_name_are_refused(vibew, project):
    assert vibew("new", "ab", "-t", "generic").returncode == 0
    refused(vibew, project, "new", "ab_", "-t", "generic", message="would both be class Ab")
    assert vibew("new", "a_b", "-t", "generic").returncode == 0
    refused(vibew, project, "new", "a__b", "-t", "generic", message="would both be class AB")


def test_a_widget_named_like_a_wiring_name_no_longer_breaks_link(vibew, project):
    """Was: a widget named `traitlets` became a parameter of link() that hid the module."""
    refused(vibew, project, "new", "traitlets", "-e", "x:int", message="wiring.py uses")


# --- trait names --------------------------------------------------------------------------

JS_RESERVED = ["delete", "new", "const", "this", "let", "static", "enum", "arguments", "eval"]
JS_RESERVED += ["default", "switch", "typeof", "void", "null", "true", "interface", "package"]
MODULE_NAMES = ["traitlets", "anywidget", "pathlib", "Table", "RowIndices", "pd", "Any"]
MODULE_NAMES += ["TYPE_CHECKING", "annotations"]

BAD_TRAIT_NAMES = (
    [(name, "JavaScript reserved word") for name in JS_RESERVED]
    + [(name, "the widget's Python module uses") for name in MODULE_NAMES]
    + [
        ("ｌａｙｏｕｔ", "Python reads it as 'layout'"),
        ("ｄａｔａ", "Python reads it as 'data'"),
        ("ﬁll", "Python reads it as 'fill'"),
        ("layout", "already used by anywidget.AnyWidget"),
        ("comm", "already used by anywidget.AnyWidget"),
        ("_esm", "underscore"),
        ("data", "reserved by the generated class"),
        ("x" * 65, "at most 64"),
        ("lambda", "keyword"),
        ("None", "keyword"),
        ("await", "keyword"),
        ("yield", "keyword"),
        ("x-y", "not a Python identifier"),
    ]
)


@pytest.mark.parametrize(("name", "message"), BAD_TRAIT_NAMES, ids=repr)
def test_a_bad_trait_name_is_one_line_and_writes_nothing(vibew, project, name, message):
    refused(vibew, project, "new", "w", "-t", "generic", "-e", f"{name}:int", message=message)


@pytest.mark.parametrize("role", ["--exports", "--imports"])
def test_a_bad_trait_name_in_a_change_is_refused_too(vibew, project, role):
    assert vibew("new", "w", "-t", "generic", "-e", "x:int").returncode == 0
    refused(vibew, project, "new", "w", role, "+delete:int", message="reserved word")
    refused(vibew, project, "new", "w", role, "+ｘｘ:int", message="other than ASCII")


# Names that used to collide with the generated JavaScript's own names, or to throw in it.
ONCE_BROKEN = [
    "model", "el", "panel", "cleanups", "value", "format", "addRow", "valid", "parseList",
    "parseJson", "describe", "render", "signal", "document", "window", "undefined", "NaN",
]  # fmt: skip


def test_names_that_once_broke_the_js_now_make_a_working_widget(vibew, project):
    """The JavaScript never makes identifiers of names, so these are ordinary trait names."""
    exports = [f"{name}:int" for name in ONCE_BROKEN] + ["foo_bar:str", "fooBar:str"]
    exports += ["x:float", "show_x:float"]
    args = [arg for spec in exports for arg in ("-e", spec)]
    done = vibew("new", "w", "-t", "generic", *args)
    assert done.returncode == 0, done.stderr
    node_check((project / "widgets/w.js").read_text(encoding="utf-8"))
    check = vibew("check")
    assert check.returncode == 0, check.stdout
    result = run_in_kernel(
        project,
        """
        import json
        from widgets.w import W
        w = W()
        w.model = 3
        w.fooBar, w.foo_bar = "camel", "snake"
        print(json.dumps({"model": w.model, "camel": w.fooBar, "snake": w.foo_bar,
                          "synced": sorted(w.keys)}))
        """,
    )
    assert result["model"] == 3
    assert (result["camel"], result["snake"]) == ("camel", "snake")
    assert set(ONCE_BROKEN) <= set(result["synced"])


# --- the taken names are derived from the templates ---------------------------------------


def _loads(nodes) -> set[str]:
    names, lambda_parameters = set(), set()
    for top in nodes:
        for node in ast.walk(top):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Lambda):  # its parameters shadow nothing outside it
                lambda_parameters |= {arg.arg for arg in node.args.args}
    return names - lambda_parameters


def _module_bindings(body) -> set[str]:
    names = set()
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.If):
            names |= _module_bindings(node.body)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _class_body_loads(cls: ast.ClassDef) -> set[str]:
    """Names the class body itself reads (a class attribute of that name would shadow them);
    method bodies read globals, which class attributes do not hide."""
    names = set()
    for statement in cls.body:
        if isinstance(statement, ast.FunctionDef):
            names |= _loads(statement.decorator_list)
        else:
            names |= _loads([statement])
    return names


def _probe_project(kind: str) -> tuple[Project, set[str]]:
    traits = [TraitSpec(f"probe_{i}", type_, "export") for i, type_ in enumerate(TRAIT_TYPES)]
    traits += [
        TraitSpec("probe_indices", "list[int]", "export"),
        TraitSpec("probe_in", "str", "import"),
    ]
    template = all_templates()[kind]
    widget = WidgetSpec("probe_widget", "probe", kind, traits)
    widget.traits += bind_slots(widget, template)[1]
    other = WidgetSpec(
        "probe_other",
        "probe",
        "generic",
        [TraitSpec("probe_in", "str", "import"), TraitSpec("probe_rows", "list[int]", "import")],
    )
    project = Project(
        widgets={"probe_widget": widget, "probe_other": other},
        links=[
            LinkSpec(("probe_widget", "probe_2"), ("probe_other", "probe_in")),
            LinkSpec(("probe_widget", "probe_indices"), ("probe_other", "probe_rows"), True),
        ],
    )
    own = {t.name for w in (widget, other) for t in w.traits} | {o.name for o in template.options}
    own |= {"probe_widget", "probe_other", "ProbeWidget", "ProbeOther"}
    return project, own


def test_the_taken_names_are_what_the_generated_python_uses():
    """spec._CLASS_BODY_NAMES and spec._WIRING_NAMES, derived again from every template."""
    class_body, wiring = set(), set()
    for kind in all_templates():
        project, own = _probe_project(kind)
        for file in render_package(project):
            if not file.path.endswith(".py"):
                continue
            tree = ast.parse(file.text)
            if file.path.endswith("/probe_widget.py"):
                (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
                class_body |= (_module_bindings(tree.body) | _class_body_loads(cls)) - own
            elif file.path.endswith("/wiring.py"):
                (function,) = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
                wiring |= (_module_bindings(tree.body) | _loads(function.body)) - own
    # Private names and `data` have rules of their own (check_trait_name).
    shadowed = {name for name in class_body if not name.startswith("_")}
    assert shadowed - spec_module._GENERATED_NAMES == spec_module._CLASS_BODY_NAMES
    assert wiring - {"__all__"} == spec_module._WIRING_NAMES


def test_a_package_of_many_widgets_is_ruff_clean():
    """`__init__.py` lists modules and `__all__` in ruff's orders: w7 before w10, AB before Ab."""
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    names = [f"w{i}" for i in (1, 2, 7, 10, 11, 100)] + ["ab", "a_b", "x9y", "x10y", "z"]
    project = Project(widgets={n: WidgetSpec(n, "", "generic", []) for n in names})
    (init,) = [f for f in render_package(project) if f.path.endswith("__init__.py")]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "__init__.py"
        path.write_text(init.text, encoding="utf-8")
        for args in (
            ["check", "--isolated", "--select", "I,RUF022,F"],
            ["format", "--isolated", "--check"],
        ):
            done = subprocess.run(
                [sys.executable, "-m", "ruff", *args, str(path)],
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stdout + init.text


@pytest.mark.parametrize("name", ["none", "true", "false"])
def test_a_widget_whose_class_would_be_a_keyword_is_refused(vibew, project, name):
    """Found by the property test: `none` gave `class None`, a package that does not import."""
    refused(vibew, project, "new", name, "-t", "generic", message="would make class")


@pytest.mark.parametrize("name", ["any", "table", "row_indices"])
def test_a_class_named_like_what_its_module_imports_is_refused_or_clean(vibew, project, name):
    """Class names equal to the module's own names (spec._CLASS_BODY_NAMES): refused, or the
    package imports and is ruff-clean (a class Table is: its body reads the helper first)."""
    import subprocess
    import sys

    done = vibew("new", name, "-t", "scatter", "-e", "selected_indices")
    if done.returncode == 2:
        assert "would make class" in done.stderr
        return
    assert done.returncode == 0, done.stderr
    for args in (["check", "--isolated"], ["format", "--isolated", "--check"]):
        ruff = subprocess.run(
            [sys.executable, "-m", "ruff", *args, str(project / "widgets")],
            capture_output=True,
            text=True,
        )
        assert ruff.returncode == 0, ruff.stdout
    result = run_in_kernel(
        project,
        f"""
        import json
        from widgets.{name} import {spec_module.class_name(name)} as Widget
        import pandas as pd
        w = Widget(pd.DataFrame({{"a": [1.0, 2.0]}}))
        print(json.dumps({{"class": type(w).__name__}}))
        """,
    )
    assert result["class"] == spec_module.class_name(name)
