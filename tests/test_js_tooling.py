"""The generated JS and CSS as JS tools see them: exactly what Prettier 3 prints with its
defaults, and JSDoc types that TypeScript resolves (`tsc --checkJs`), as in an editor.

Both tools come from npm (tests/e2e/js, installed by scripts/test.sh); without them these
tests skip, and fail under CI=true.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from helpers import cannot_start

from vibewidget_cli import commands
from vibewidget_cli.manifest import Project
from vibewidget_cli.render import render_package
from vibewidget_cli.spec import WidgetSpec, parse_trait
from vibewidget_cli.templates import all_templates, bind_slots, get_template

NODE_MODULES = Path(__file__).resolve().parent / "e2e" / "js" / "node_modules"
PRETTIER = NODE_MODULES / ".bin" / "prettier"
TSC = NODE_MODULES / ".bin" / "tsc"

# What a project's jsconfig.json says when `vibew init` writes none.
JSCONFIG = {
    "compilerOptions": {
        "checkJs": True,
        "noEmit": True,
        "target": "es2022",
        "module": "es2022",
        "moduleResolution": "bundler",
        "lib": ["es2022", "dom"],
    },
    "include": ["widgets/*.js"],
}

# Names near the longest allowed, so lines break where Prettier breaks them. A template line
# that carries a trait's name in a call goes through render's js_call_statement (or
# js_arrow_property in an object), which lays it out as Prettier does for any name's length.
LONG = "a" * 56

# label -> (exports, imports); each template is rendered with each.
COMBINATIONS: dict[str, tuple[list[str], list[str]]] = {
    "none": ([], []),
    "every type": (
        ["count:int", "ratio:float", "label:str", "is_on:bool", "weights:list[float]"],
        ["tags:list[str]", "ids_list:list[int]", "config:dict", "blob:bytes", "surface:grid"],
    ),
    "selections": (["picked_indices"], ["brushed_indices", "selected_planet:str"]),
    # A predicate: the scatter and histogram then ask the kernel about big tables.
    "predicates": (["brush"], ["where"]),
    "long names": (
        [f"{LONG}_indices", f"{LONG}:list[str]", f"{LONG}_x:float"],
        [f"{LONG}_y:str", f"{LONG}_rows:list[int]", f"{LONG}_z:list[str]"],
    ),
}


def _tool(path: Path) -> Path:
    if not path.exists():
        cannot_start(f"{path} missing (npm ci --prefix tests/e2e/js)")
    return path


def _spec(kind: str, name: str, exports: list[str], imports: list[str]) -> WidgetSpec:
    template = get_template(kind)
    options = {option.name for option in template.options}
    required = {slot.default_name: slot.role for slot in template.slots if slot.required}
    traits = [parse_trait(s, "export") for s in exports] + [
        parse_trait(s, "import") for s in imports
    ]
    # vibew refuses these: an option's name, a required slot's name in the other role.
    traits = [t for t in traits if t.name not in options and required.get(t.name, t.role) == t.role]
    spec = WidgetSpec(name, "a widget to format", kind, traits)
    spec.traits += bind_slots(spec, template)[1]
    return spec


def test_every_template_renders_js_and_css_as_prettier_prints_them(tmp_path: Path) -> None:
    prettier = _tool(PRETTIER)
    widgets = {}
    for kind in all_templates():
        for i, (exports, imports) in enumerate(COMBINATIONS.values()):
            name = f"{kind}_{i}"
            widgets[name] = _spec(kind, name, exports, imports)
    # The generic template with a table, as `vibew new --data` asks.
    widgets["generic_data"] = _spec("generic", "generic_data", ["count:int"], ["ratio:float"])
    widgets["generic_data"].data = True
    written = []
    for file in render_package(Project(widgets=widgets)):
        if file.path.endswith((".js", ".css")):
            path = tmp_path / Path(file.path).name
            path.write_text(file.text, encoding="utf-8")
            written.append(path.name)
    assert len(written) == 2 * len(widgets)
    # One Prettier process over the folder: a process a file would take minutes.
    checked = subprocess.run(
        [str(prettier), "--check", "--no-config", "--no-editorconfig", *written],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    if checked.returncode != 0:
        unformatted = [
            line.removeprefix("[warn] ")
            for line in checked.stdout.splitlines() + checked.stderr.splitlines()
            if line.startswith("[warn] ") and "Code style issues" not in line
        ]
        first = unformatted[0] if unformatted else ""
        diff = ""
        if first:
            pretty = subprocess.run(
                [str(prettier), "--no-config", first], cwd=tmp_path, capture_output=True, text=True
            ).stdout
            diff = subprocess.run(
                ["diff", first, "-"], cwd=tmp_path, input=pretty, capture_output=True, text=True
            ).stdout
        pytest.fail(f"not as Prettier prints them: {unformatted}\n{first}:\n{diff[:3000]}")


def test_the_js_types_resolve_as_in_an_editor(tmp_path: Path) -> None:
    """Every template with each combination of traits (the generic one with and without
    data) in a project,
    checked by `tsc -p jsconfig.json` against @anywidget/types, and with
    `--noUnusedLocals`: a module declares no helper, constant or variable it never reads.

    For the 3D templates: three.js's types are not installed here, so the import line of
    three carries a `// @ts-ignore` (or the module is declared); everything else must check.
    """
    tsc = _tool(TSC)
    widgets = {}
    for kind in all_templates():  # each with each combination of traits
        for i, (exports, imports) in enumerate(COMBINATIONS.values()):
            widgets[f"{kind}_{i}"] = _spec(kind, f"{kind}_{i}", exports, imports)
    widgets["counter"] = _spec("generic", "counter", ["count:int"], [])
    widgets["brushed"] = _spec("scatter", "brushed", ["brush"], [])
    widgets["filtered"] = _spec("histogram", "filtered", [], ["brush"])
    widgets["generic_data"] = _spec("generic", "generic_data", ["picked_indices"], ["ratio:float"])
    widgets["generic_data"].data = True
    for file in render_package(Project(widgets=widgets)):
        path = tmp_path / file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(file.text, encoding="utf-8")
    counter = (tmp_path / "widgets" / "counter.js").read_text(encoding="utf-8")
    assert "decodeTable" not in counter
    assert "decodeTable" in (tmp_path / "widgets" / "generic_data.js").read_text(encoding="utf-8")
    init = tmp_path / "project"
    commands.init_project(init)
    if (init / "jsconfig.json").exists():  # what `vibew init` writes, else the usual one
        JSCONFIG.update(json.loads((init / "jsconfig.json").read_text(encoding="utf-8")))
    jsconfig = tmp_path / "jsconfig.json"
    jsconfig.write_text(json.dumps(JSCONFIG, indent=2), encoding="utf-8")
    (tmp_path / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    checked = subprocess.run(
        [str(tsc), "-p", "jsconfig.json", "--noUnusedLocals"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
