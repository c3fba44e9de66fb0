"""vibew check and the JS facts it stands on (parsed with tree-sitter, not matched as text)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import assert_check_clean, check_problems, run_vibew

from vibewidget_cli.check import JsSyntaxError, Use, analyze_js
from vibewidget_cli.templates import all_templates


@pytest.mark.parametrize(
    "source",
    [
        "function render({ model, el }) {}\nexport default { render };",
        "export default { render({ model, el }) {} };",
        "export default { render: ({ model }) => {} };",
        "export default { initialize() {}, async render() {} };",
        "const widget = { render() {} };\nexport default widget;",
        "function make() { return { render() {} }; }\nexport default make;",
        "export default async () => ({ render() {} });",
        "export default function () { const inner = () => 1; return { render: inner }; }",
        "const widget = { render() {} };\nexport { widget as default };",
    ],
)
def test_default_export_with_render_in_every_form(source):
    assert analyze_js(source).has_render


@pytest.mark.parametrize(
    "source",
    [
        "export default { initialize() {} };",
        "export function render() {}",
        "function render() {}\nexport default render;",  # a bare render function is not a widget
        "const render = () => {};",
        "export default function () { const f = () => ({ render }); return {}; }",
        "export default { 'render': 1 }.other;",
    ],
)
def test_no_default_export_with_render(source):
    assert not analyze_js(source).has_render


def test_model_calls_with_their_names_and_lines():
    facts = analyze_js(
        """\
function render({ model, el }) {
  model.set("picked", 1);
  model.set(`hover`, 2);
  model.set(`row_${i}`, 3);
  model.set(name, 4);
  model.set({ zoom: 2, "pan": [0, 0] });
  model.save_changes();
  model.on("change:data change:bins", draw);
  model.on("msg:custom", handle);
  model.on(`change:${name}`, draw);
  const d = model.get('data');
  const z = this.model.get("zoom");
}
function initialize({ model: m }) {
  m.on("change:color", paint);
  other.set("not_a_trait", 1);
}
export default { initialize, render };
"""
    )
    assert facts.has_render and not facts.syntax_errors
    assert facts.sets == [Use("picked", 2), Use("hover", 3), Use("zoom", 6), Use("pan", 6)]
    assert facts.saves_changes
    assert facts.listens == [Use("data", 8), Use("bins", 8), Use("color", 15)]
    assert facts.gets == [Use("data", 11), Use("zoom", 12)]
    assert facts.set_names == {"picked", "hover", "zoom", "pan"}


def test_save_changes_absent():
    facts = analyze_js('export default { render({ model }) { model.set("a", 1); } };')
    assert facts.set_names == {"a"} and not facts.saves_changes


def test_static_imports_and_what_reaches_the_network_or_evaluates_code():
    facts = analyze_js(
        """\
import * as THREE from "https://esm.sh/three@0.160.0";
import { helper } from "./helper.js";
export { other } from "./other.js";
function render({ model, el }) {
  fetch("https://example.com");
  const xhr = new XMLHttpRequest();
  const socket = new WebSocket("wss://x");
  const events = new EventSource("/stream");
  navigator.sendBeacon("/log", "x");
  eval("1 + 1");
  const f = new Function("return 1");
  const g = Function("return 2");
  const c = document.cookie;
  localStorage.setItem("k", "v");
  window.sessionStorage.clear();
  import("./lazy.js");
  globalThis.fetch("/y");
  const safe = model.get("fetch_count");
}
export default { render };
"""
    )
    assert facts.imports == [
        Use("https://esm.sh/three@0.160.0", 1),
        Use("./helper.js", 2),
        Use("./other.js", 3),
    ]
    assert [(u.line, u.name) for u in facts.network] == [
        (5, "fetch"),
        (6, "XMLHttpRequest"),
        (7, "WebSocket"),
        (8, "EventSource"),
        (9, "navigator.sendBeacon"),
        (17, "globalThis.fetch"),
    ]
    assert [(u.line, u.name) for u in facts.unsafe] == [
        (10, "eval (evaluates text as code)"),
        (11, "Function (evaluates text as code)"),
        (12, "Function (evaluates text as code)"),
        (13, "document.cookie (cookies)"),
        (14, "localStorage (browser storage)"),
        (15, "window.sessionStorage (browser storage)"),
        (16, "import() (loads code at run time; import statically from a pinned CDN URL)"),
    ]


def test_syntax_errors_have_line_numbers():
    facts = analyze_js(
        "function render({ model }) {\n  model.set('a', 1;\n}\nexport default { render };\n"
    )
    assert facts.syntax_errors and facts.syntax_errors[0].line == 2
    assert analyze_js("let x = ;\n").syntax_errors == [JsSyntaxError(1, "syntax error")]
    assert analyze_js("export default { render() {} };").syntax_errors == []


def test_template_strings_and_escapes_are_read_as_names():
    facts = analyze_js('model.set("a\\u0062", 1); model.get(`c`); model.get(`d${e}`);')
    assert facts.set_names == {"ab"} and facts.get_names == {"c"}


# Fresh output of every template passes, alone and with traits no part of it drives.


@pytest.mark.parametrize("kind", sorted(all_templates()))
def test_every_template_passes_check(vibew, project, kind):
    done = vibew("new", f"bare_{kind}", "--template", kind)
    assert done.returncode == 0, done.stderr
    extra = ["--exports", "note:str", "--imports", "level:float", "--imports", "tags:list[str]"]
    done = vibew("new", f"extra_{kind}", "--template", kind, *extra)
    assert done.returncode == 0, done.stderr
    assert_check_clean(project)


# Seeded defects: each one is found, at the right place, and `vibew check` exits 1.


@pytest.fixture
def brushing(vibew, project) -> Path:
    for args in (
        ("new", "scatter", "--exports", "selected_indices"),
        ("new", "histogram", "--imports", "scatter.selected_indices"),
    ):
        done = vibew(*args)
        assert done.returncode == 0, done.stderr
    assert_check_clean(project)
    return project


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` (which must be there) with `new`; the line it was on."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))
    return text[: text.index(old)].count("\n") + 1


def test_an_export_never_set(brushing):
    edit(
        brushing / "widgets/scatter.js",
        'model.set("selected_indices", rowsToSave(brushed, table.length));',
        "",
    )
    assert check_problems(brushing) == [
        "widgets/scatter.js:1: export 'selected_indices' is never written: "
        "no model.set('selected_indices', ...)"
    ]


def test_an_export_set_but_never_saved(brushing):
    line = edit(brushing / "widgets/scatter.js", "setTimeout(() => model.save_changes());", "")
    problems = check_problems(brushing)
    assert len(problems) == 1
    assert problems[0].startswith(f"widgets/scatter.js:{line - 1}: model.save_changes() is never")


def test_an_export_neither_set_nor_saved(brushing):
    # The same rules as the LLM's answer is held to (check.contract_problems).
    js = brushing / "widgets/scatter.js"
    edit(js, 'model.set("selected_indices", rowsToSave(brushed, table.length));', "")
    edit(js, "setTimeout(() => model.save_changes());", "")
    assert check_problems(brushing) == [
        "widgets/scatter.js:1: export 'selected_indices' is never written: "
        "no model.set('selected_indices', ...)",
        "widgets/scatter.js:1: model.save_changes() is never called: no export reaches Python",
    ]


def test_an_import_never_listened_to(brushing):
    edit(brushing / "widgets/histogram.js", 'model.on("change:selected_indices", draw);', "")
    assert check_problems(brushing) == [
        "widgets/histogram.js:1: import 'selected_indices' is never listened to: "
        'no model.on("change:selected_indices", ...)'
    ]


def test_a_js_name_with_no_trait(brushing):
    line = edit(
        brushing / "widgets/histogram.js",
        'model.get("selected_indices")',
        'model.get("selected_rows")',
    )
    assert check_problems(brushing) == [
        f"widgets/histogram.js:{line}: model.get('selected_rows'): "
        "Histogram declares no trait 'selected_rows'"
    ]


def test_a_python_trait_missing(brushing):
    histogram = brushing / "widgets/histogram.py"
    edit(
        histogram,
        '    selected_indices = RowIndices(help="rows selected by the brush").tag(sync=True)\n',
        "",
    )
    class_line = (
        histogram.read_text().splitlines().index("class Histogram(anywidget.AnyWidget):") + 1
    )
    problems = check_problems(brushing)
    assert (
        f"widgets/histogram.py:{class_line}: Histogram does not declare trait 'selected_indices' "
        "(import in vibew.toml)"
    ) in problems
    # Everything that uses the missing trait says so too.
    assert any(
        p.startswith("widgets/wiring.py:") and "histogram.selected_indices" in p for p in problems
    )
    assert any(
        p.startswith("widgets/histogram.js:") and "no trait 'selected_indices'" in p
        for p in problems
    )


def test_a_python_trait_the_manifest_does_not_know(brushing):
    line = edit(
        brushing / "widgets/histogram.py",
        "    bins = ",
        '    title = traitlets.Unicode("").tag(sync=True)\n    bins = ',
    )
    (problem,) = check_problems(brushing)
    assert problem.startswith(f"widgets/histogram.py:{line}: Histogram.title is not in vibew.toml")


def test_a_link_to_a_trait_removed_from_the_manifest(brushing):
    manifest = brushing / "vibew.toml"
    line = edit(manifest, 'target = "histogram.selected_indices"', 'target = "histogram.selection"')
    problems = check_problems(brushing)
    assert (
        f"vibew.toml:{line}: link scatter.selected_indices <-> histogram.selection: "
        "histogram has no trait 'selection'"
    ) in problems


def test_a_link_to_a_trait_removed_from_the_python(brushing):
    edit(
        brushing / "widgets/scatter.py",
        '    selected_indices = RowIndices(help="rows selected by the brush").tag(sync=True)\n',
        "",
    )
    wiring = (brushing / "widgets/wiring.py").read_text().splitlines()
    line = wiring.index('            (scatter, "selected_indices"),') + 1
    problems = check_problems(brushing)
    assert (
        f"widgets/wiring.py:{line}: links scatter.selected_indices, which Scatter does not declare"
    ) in problems


def test_a_link_whose_types_differ(brushing):
    manifest = brushing / "vibew.toml"
    text = manifest.read_text()
    # The histogram's import, the first trait in the file, becomes a list of floats.
    manifest.write_text(text.replace('type = "list[int]"', 'type = "list[float]"', 1))
    problems = check_problems(brushing)
    assert any("the types differ (list[int] and list[float])" in p for p in problems), problems


def test_a_widget_without_a_default_render(brushing):
    line = edit(brushing / "widgets/scatter.js", "export default { render };", "export { render };")
    assert line > 1
    assert check_problems(brushing) == [
        "widgets/scatter.js:1: no default export with render: `export default { render }`"
    ]


def test_a_javascript_syntax_error(brushing):
    line = edit(brushing / "widgets/histogram.js", "const MARGIN", "const = MARGIN")
    problems = check_problems(brushing)
    assert f"widgets/histogram.js:{line}: JavaScript syntax error" in problems


def test_a_generated_file_that_imports_vibew(brushing):
    line = edit(
        brushing / "widgets/scatter.py",
        "import anywidget\n",
        "import anywidget\nfrom vibewidget_cli import spec\n",
    )
    assert check_problems(brushing) == [
        f"widgets/scatter.py:{line + 1}: imports vibewidget_cli: generated code must run without vibew"
    ]


def test_a_network_call_in_the_js(brushing):
    line = edit(
        brushing / "widgets/scatter.js",
        "  load();\n",
        '  load();\n  fetch("https://example.com/rows");\n',
    )
    (problem,) = check_problems(brushing)
    assert problem.startswith(f"widgets/scatter.js:{line + 1}: fetch reaches the network")


def test_a_missing_file(brushing):
    (brushing / "widgets/histogram.js").unlink()
    assert check_problems(brushing) == ["widgets/histogram.js:1: missing"]


def test_check_without_a_project_is_one_clear_line(project):
    done = run_vibew(project, "check")
    assert done.returncode == 2 and "vibew new" in done.stderr
