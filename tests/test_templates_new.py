"""The templates of the seed's patterns (painter, terrain3d, solar3d, bar, dropdown, table),
rendered with several trait combinations without a project, and the template choice that
picks them from a widget's name and description."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from vibewidget_cli.check import analyze_js
from vibewidget_cli.manifest import Project
from vibewidget_cli.render import render_package, render_widget
from vibewidget_cli.spec import WidgetSpec, parse_trait
from vibewidget_cli.templates import bind_slots, choose_template, get_template

THREE = "https://esm.sh/three@0.160.0"

# kind -> {label: (exports, imports)}; each is rendered and checked on its own.
COMBINATIONS: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    "painter": {
        "default": ([], []),
        "renamed": (["terrain:grid=the painted ground"], []),
        "extra traits": (["heightmap", "strokes:int"], ["selected_indices"]),
    },
    "terrain3d": {
        "default": ([], []),
        "renamed": ([], ["ground:grid"]),
        "extra traits": (["camera_angle:float"], ["heightmap", "tags:list[str]"]),
    },
    "solar3d": {
        "default": ([], []),
        "renamed": (["planet:str"], []),
        "extra traits": (["selected_planet", "zoom:float"], ["selected_indices"]),
    },
    "bar": {
        "no selection": ([], []),
        "one": ([], ["selected_planet:str"]),
        "several": ([], ["selected_airlines:list[str]"]),
        "extra traits": (["clicked:str"], ["selected_planet:str", "selected_indices"]),
    },
    "dropdown": {
        "default": ([], []),
        "renamed": (["carriers:list[str]"], []),
        "extra traits": (["selected_airlines", "note:str"], ["selected_indices"]),
    },
    "table": {
        "no filter": ([], []),
        "rows": ([], ["selected_indices"]),
        "values": ([], ["selected_airlines:list[str]"]),
        "both": ([], ["selected_indices", "selected_airlines:list[str]"]),
        "many": (
            ["clicked_row:int"],
            ["brushed_indices", "ids:list[int]", "airlines", "origins:list[str]", "title:str"],
        ),
    },
}


def make_spec(kind: str, exports: list[str], imports: list[str], name: str = "my_widget"):
    """A widget as `vibew new` makes it: the user's traits plus those the template's slots add."""
    traits = [parse_trait(s, "export") for s in exports] + [
        parse_trait(s, "import") for s in imports
    ]
    spec = WidgetSpec(name, "", kind, traits)
    spec.traits += bind_slots(spec, get_template(kind))[1]
    return spec


def cases():
    return [
        pytest.param(kind, exports, imports, id=f"{kind}-{label}")
        for kind, combinations in COMBINATIONS.items()
        for label, (exports, imports) in combinations.items()
    ]


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--isolated"], capture_output=True, text=True
    )


def listeners(js: str, method: str) -> list[tuple[str, str, str]]:
    """(target, event, handler) of each `target.method("event", handler)` call."""
    return re.findall(rf'(\w+)\.{method}\(\s*("[^"]+"),\s*(\w+)', js)


@pytest.mark.parametrize(("kind", "exports", "imports"), cases())
def test_template_renders_code_that_keeps_the_contract(kind, exports, imports, tmp_path):
    spec = make_spec(kind, exports, imports)
    python, js, _ = render_widget(spec, "widgets")

    module = tmp_path / "my_widget.mjs"
    module.write_text(js.text)
    checked = subprocess.run(["node", "--check", str(module)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr

    facts = analyze_js(js.text)
    assert not facts.syntax_errors and facts.has_render
    assert not facts.unsafe, facts.unsafe
    for trait in spec.exports:
        assert trait.name in facts.set_names, trait.name
    assert facts.saves_changes or not spec.exports
    for trait in spec.imports:
        assert trait.name in facts.listen_names, trait.name
    # Options are read, and followed when they change (the solar system reads its speed on
    # every animation frame instead; a table filters no column unless it imports values).
    for option in get_template(kind).options:
        if option.name == "category_column" and "list[str]" not in {t.type for t in spec.imports}:
            continue
        assert option.name in facts.get_names, option.name
        assert option.name in facts.listen_names or option.name == "speed", option.name
    sources = [use.name for use in facts.imports]
    assert sources == ([THREE] if kind.endswith("3d") else [])

    # Cleanup goes through render's signal: anywidget (>= 0.11) drops the model listeners a
    # view added when it goes, element listeners take `{ signal }`, nothing pairs on with off.
    assert "function render({ model, el, signal })" in js.text
    assert listeners(js.text, "on") and not listeners(js.text, "off")
    assert "removeEventListener" not in js.text
    for target, call in re.findall(r"(\w+)\.addEventListener\((.*?)\);\n", js.text, re.S):
        assert target == "signal" or "signal" in call, call  # the signal's own "abort"

    path = tmp_path / "my_widget.py"
    path.write_text(python.text)
    lint = ruff("check", str(path))
    assert lint.returncode == 0, lint.stdout
    formatted = ruff("format", "--check", "--diff", str(path))
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


def test_3d_scenes_clean_up_what_the_gpu_holds():
    for kind in ("terrain3d", "solar3d"):
        _, js, _ = render_widget(make_spec(kind, [], []), "widgets")
        cleanup = js.text[js.text.index('signal.addEventListener("abort", () => {') :]
        for step in ("cancelAnimationFrame(frame)", "renderer.dispose()", "forceContextLoss()"):
            assert step in cleanup, (kind, step)
        assert cleanup.count(".dispose()") >= 4, kind
        # Nothing for tests alone: they read pixels as shown, and the model.
        assert "preserveDrawingBuffer" not in js.text and "dataset" not in js.text


def test_table_filters_by_every_row_and_value_import():
    spec = make_spec("table", [], ["brushed_indices", "ids:list[int]", "airlines", "note:str"])
    _, js, _ = render_widget(spec, "widgets")
    assert 'const ROW_FILTERS = ["brushed_indices", "ids"];' in js.text
    assert "keepRows(pass, model.get(name))" in js.text
    assert 'const VALUE_FILTERS = ["airlines"];' in js.text
    # An import that filters nothing is shown in a trait row instead.
    assert 'name: "note",' in js.text and 'model.on("change:note", show)' in js.text
    assert 'name: "airlines",' not in js.text
    # A table with no filter has no filter code left over.
    _, plain, _ = render_widget(make_spec("table", [], []), "widgets")
    assert "keepRows" not in plain.text and "keepValues" not in plain.text


def test_bar_reads_a_str_or_a_list_selection_as_it_is_typed():
    _, one, _ = render_widget(make_spec("bar", [], ["selected_planet:str"]), "widgets")
    assert 'const selected = model.get("selected_planet");' in one.text
    assert "new Set(selected ? [selected] : [])" in one.text
    several_spec = make_spec("bar", [], ["selected_airlines:list[str]"])
    _, several, _ = render_widget(several_spec, "widgets")
    assert 'const selected = model.get("selected_airlines");' in several.text
    assert "new Set(selected)" in several.text
    # Without a selection to import there is nothing to highlight, and no code for it.
    _, neither, css = render_widget(make_spec("bar", [], []), "widgets")
    assert "highlighted" not in neither.text + css.text


def test_slots_add_the_traits_the_patterns_share():
    assert [t.name for t in make_spec("painter", [], []).exports] == ["heightmap"]
    assert [t.name for t in make_spec("terrain3d", [], []).imports] == ["heightmap"]
    assert [t.name for t in make_spec("solar3d", [], []).exports] == ["selected_planet"]
    assert [t.name for t in make_spec("dropdown", [], []).exports] == ["selected_airlines"]
    # The bar and the table import only what they are given.
    assert make_spec("bar", [], []).traits == []
    assert make_spec("table", [], []).traits == []
    assert make_spec("painter", [], []).exports[0].type == "grid"
    assert make_spec("dropdown", [], []).exports[0].type == "list[str]"


@pytest.mark.parametrize(
    ("kwargs", "expected_size"),
    [("", 64), ("size=8", 8), ("heightmap=[[0.5] * 3] * 2", None)],
    ids=["default", "sized", "given"],
)
def test_painter_starts_flat_with_size_cells_a_side(kwargs, expected_size, tmp_path):
    (tmp_path / "widgets").mkdir()
    painter = make_spec("painter", [], [], name="painter")
    for file in render_package(Project(widgets={"painter": painter})):
        (tmp_path / file.path).write_text(file.text)
    code = (
        "import json, sys\nsys.modules['vibewidget_cli'] = None\n"
        "from widgets.painter import Painter\n"
        f"p = Painter({kwargs})\nprint(json.dumps(p.heightmap.tolist()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    heightmap = json.loads(done.stdout)
    if expected_size is None:
        assert heightmap == [[0.5] * 3] * 2
    else:
        assert heightmap == [[0.0] * expected_size] * expected_size


# The seed's widgets, by the names and descriptions it gives them.
SEED = [
    ("scatter", "scatter plot showing flight delays vs distance, with brush selection", "scatter"),
    (
        "histogram",
        "histogram of flight delays, filtered by selection from scatter plot",
        "histogram",
    ),
    (
        "painter",
        "2D canvas for painting terrain height with mouse brush, stores 64x64 grid",
        "painter",
    ),
    (
        "landscape",
        "3D landscape viewer with Three.js showing terrain mesh and water plane",
        "terrain3d",
    ),
    ("solar_system", "3D solar system with clickable planets", "solar3d"),
    ("planet_chart", "bar chart showing planet properties, highlight selected planet", "bar"),
    ("airline_filter", "dropdown to select airlines", "dropdown"),
    ("combined_view", "table filtered by both brush selection AND selected airlines", "table"),
    ("scatter", "scatter with brush selection", "scatter"),
]


@pytest.mark.parametrize(("name", "description", "kind"), SEED, ids=[s[0] for s in SEED])
def test_the_seeds_widgets_get_their_templates(name, description, kind):
    assert choose_template(name, description).kind == kind
    # The description alone is enough, with a name that says nothing.
    assert choose_template("widget", description).kind == kind


def test_the_template_with_most_keywords_wins_and_ties_go_to_the_first_mentioned():
    # "brush" is the scatter's, but the painter is named twice over.
    assert choose_template("w", "paint on a canvas with a brush").kind == "painter"
    # One keyword each: the subject, mentioned first, wins.
    assert (
        choose_template("w", "histogram of the rows the scatter plot selects").kind == "histogram"
    )
    assert choose_template("w", "a table of what the brush selects").kind == "table"
    # The name still counts before the description, whatever the description says.
    assert choose_template("table", "scatter plot with a brush").kind == "table"
    assert choose_template("w", "something else entirely") is None
