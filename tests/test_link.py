"""vibew link, the wiring module it writes, linked imports, and vibew list."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import tomllib
from pathlib import Path

import pytest
from helpers import assert_check_clean, cannot_start, run_in_kernel

from vibewidget_cli.manifest import Project
from vibewidget_cli.spec import LinkSpec, TraitSpec, WidgetSpec
from vibewidget_cli.wiring import render_wiring

# Kernel-side code shared by the tests below: `front_end(widget, name=value)` feeds an update
# through the widget's comm exactly as JupyterLab delivers one (row selections as an int32
# buffer, the way the generated JS sends an Int32Array).
FRONT_END = """
import json

import numpy as np


def front_end(widget, **state):
    plain, paths, buffers = {}, [], []
    for name, value in state.items():
        if isinstance(value, np.ndarray):
            paths.append([name])
            buffers.append(memoryview(value.astype("<i4").tobytes()))
        else:
            plain[name] = value
    widget.comm.handle_msg({
        "content": {"comm_id": widget.comm.comm_id, "data": {
            "method": "update", "state": plain, "buffer_paths": paths}},
        "buffers": buffers,
        "metadata": {},
    })


def rows(value):
    return [int(row) for row in value]
"""


def run_in_jupyter_kernel(project_dir: Path, code: str) -> dict:
    """Run `code` in a real Jupyter kernel (ipykernel), in a folder holding only the widgets
    package, with `vibewidget_cli` unimportable; it prints one JSON object last."""
    from jupyter_client.manager import start_new_kernel

    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(project_dir / "widgets", Path(folder) / "widgets")
        manager, client = start_new_kernel(kernel_name="python3", cwd=folder)
        printed: list[str] = []

        def output(message: dict) -> None:
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])
            elif message["msg_type"] == "error":
                printed.append("\n".join(message["content"]["traceback"]))

        try:
            guard = "import sys\nsys.modules['vibewidget_cli'] = None\n"
            reply = client.execute_interactive(
                guard + textwrap.dedent(code), output_hook=output, timeout=60
            )
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok", "".join(printed)
    return json.loads("".join(printed).strip().splitlines()[-1])


def ok(vibew, *args: str) -> str:
    done = vibew(*args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def brushing(vibew, project) -> Path:
    """The seed's pattern 1: a scatter brush exporting rows, a histogram importing them."""
    ok(vibew, "new", "scatter", "delays vs distance", "--exports", "selected_indices")
    ok(vibew, "new", "histogram", "delays", "--imports", "scatter.selected_indices")
    return project


def test_linked_import_copies_the_export_and_writes_the_wiring(brushing):
    manifest = (brushing / "vibew.toml").read_text()
    assert 'source = "scatter.selected_indices"' in manifest
    assert 'target = "histogram.selected_indices"' in manifest
    wiring = (brushing / "widgets/wiring.py").read_text()
    assert "def link(\n    *,\n    histogram: Histogram,\n    scatter: Scatter,\n)" in wiring
    assert "vibewidget_cli" not in wiring
    ruff = [sys.executable, "-m", "ruff"]
    for args in (["check", "--isolated"], ["format", "--isolated", "--check"]):
        done = subprocess.run(
            [*ruff, *args, "widgets/wiring.py"], cwd=brushing, capture_output=True
        )
        assert done.returncode == 0, done.stdout
    assert_check_clean(brushing)


def test_programmatic_access_propagates_both_ways(brushing):
    facts = run_in_kernel(
        brushing,
        FRONT_END
        + """
from widgets import Histogram, Scatter
from widgets.wiring import link

scatter, histogram = Scatter(), Histogram()
links = link(scatter=scatter, histogram=histogram)
scatter.selected_indices = [0, 1, 2, 5, 10]
from_python = rows(histogram.selected_indices)
front_end(histogram, selected_indices=np.array([3, 4, 7]))
from_histogram = rows(scatter.selected_indices)
front_end(scatter, selected_indices=np.array([8]))
from_scatter = rows(histogram.selected_indices)
for each in links:
    each.unlink()
scatter.selected_indices = [1]
print(json.dumps({
    "from_python": from_python,
    "from_histogram": from_histogram,
    "from_scatter": from_scatter,
    "after_unlink": rows(histogram.selected_indices),
}))
""",
    )
    assert facts == {
        "from_python": [0, 1, 2, 5, 10],
        "from_histogram": [3, 4, 7],
        "from_scatter": [8],
        "after_unlink": [8],
    }


def test_oneway_link_does_not_propagate_back(vibew, project):
    ok(vibew, "new", "scatter", "--exports", "selected_indices")
    ok(vibew, "new", "histogram", "--imports", "selected_indices")  # a plain import, unlinked
    assert not (project / "widgets/wiring.py").exists()
    out = ok(vibew, "link", "scatter.selected_indices", "histogram.selected_indices", "--oneway")
    assert "scatter.selected_indices -> histogram.selected_indices" in out
    wiring = (project / "widgets/wiring.py").read_text()
    assert "traitlets.dlink(" in wiring and "traitlets.link(" not in wiring
    facts = run_in_kernel(
        project,
        FRONT_END
        + """
from widgets import Histogram, Scatter
from widgets.wiring import link

scatter, histogram = Scatter(), Histogram()
link(scatter=scatter, histogram=histogram)
scatter.selected_indices = [0, 1, 2, 5, 10]
forward = rows(histogram.selected_indices)
front_end(histogram, selected_indices=np.array([3, 4]))
print(json.dumps({
    "forward": forward,
    "histogram": rows(histogram.selected_indices),
    "scatter": rows(scatter.selected_indices),
}))
""",
    )
    assert facts == {"forward": [0, 1, 2, 5, 10], "histogram": [3, 4], "scatter": [0, 1, 2, 5, 10]}
    assert_check_clean(project)


def test_an_import_under_another_name_is_linked(vibew, project):
    ok(vibew, "new", "scatter", "--exports", "selected_indices")
    ok(
        vibew,
        "new",
        "counts",
        "--template",
        "histogram",
        "--imports",
        "selection=scatter.selected_indices",
    )
    facts = run_in_kernel(
        project,
        FRONT_END
        + """
from widgets import Counts, Scatter
from widgets.wiring import link

scatter, counts = Scatter(), Counts()
link(scatter=scatter, counts=counts)
scatter.selected_indices = [0, 1, 2, 5, 10]
forward = counts.selection
front_end(counts, selection=[6, 7])  # a plain list trait: a JS array
print(json.dumps({"forward": forward, "back": rows(scatter.selected_indices)}))
""",
    )
    assert facts == {"forward": [0, 1, 2, 5, 10], "back": [6, 7]}
    # `selection` is a plain list trait; the scatter's row selection a numpy array.
    wiring = (project / "widgets/wiring.py").read_text()
    assert "transform=(lambda rows: rows.tolist(), lambda rows: rows)," in wiring
    assert_check_clean(project)


def test_pattern_4_one_view_takes_several_imports(vibew, project):
    """The seed's pattern 4: a table filtered by a scatter's brush and an airline dropdown."""
    ok(vibew, "new", "scatter", "--exports", "selected_indices")
    ok(
        vibew,
        "new",
        "airline_filter",
        "--template",
        "generic",
        "--exports",
        "selected_airlines:list[str]",
    )
    ok(
        vibew,
        "new",
        "table",
        "rows of the chosen flights",
        "--template",
        "generic",
        "--imports",
        "scatter.selected_indices",
        "--imports",
        "airline_filter.selected_airlines",
    )
    manifest = (project / "vibew.toml").read_text()
    assert 'target = "table.selected_indices"' in manifest
    assert 'target = "table.selected_airlines"' in manifest
    facts = run_in_kernel(
        project,
        FRONT_END
        + """
from widgets import AirlineFilter, Scatter, Table
from widgets.wiring import link

scatter, airline_filter, table = Scatter(), AirlineFilter(), Table()
links = link(scatter=scatter, airline_filter=airline_filter, table=table)
scatter.selected_indices = [0, 1, 2, 5, 10]
front_end(airline_filter, selected_airlines=["AA", "UA"])
seen = {"rows": rows(table.selected_indices), "airlines": table.selected_airlines}
front_end(table, selected_airlines=["DL"])
print(json.dumps({"links": len(links), "seen": seen, "back": airline_filter.selected_airlines}))
""",
    )
    assert facts["seen"] == {"rows": [0, 1, 2, 5, 10], "airlines": ["AA", "UA"]}
    assert facts["back"] == ["DL"]
    assert facts["links"] >= 2
    assert_check_clean(project)


def test_link_records_the_link_and_keeps_the_manifest_stable(vibew, project):
    ok(vibew, "new", "picker", "--template", "generic", "--exports", "color:str")
    ok(vibew, "new", "swatch", "--template", "generic", "--imports", "color:str")
    assert not (project / "widgets/wiring.py").exists()
    out = ok(vibew, "link", "picker.color", "swatch.color")
    assert "picker.color <-> swatch.color" in out
    assert "links = link(picker=picker, swatch=swatch)" in out
    wiring = (project / "widgets/wiring.py").read_text()
    assert (
        'traitlets.link(\n            (picker, "color"),\n            (swatch, "color"),\n'
        in wiring
    )
    facts = run_in_kernel(
        project,
        """
import json
from widgets import Picker, Swatch
from widgets.wiring import link

picker, swatch = Picker(), Swatch()
link(picker=picker, swatch=swatch)
picker.color = "teal"
forward = swatch.color
swatch.color = "plum"
print(json.dumps([forward, picker.color]))
""",
    )
    assert facts == ["teal", "plum"]
    assert_check_clean(project)


def test_link_keeps_the_users_edits(vibew, project):
    ok(vibew, "new", "picker", "--template", "generic", "--exports", "color:str")
    ok(vibew, "new", "swatch", "--template", "generic", "--imports", "color:str")
    picker_js = project / "widgets/picker.js"
    picker_js.write_text(picker_js.read_text() + "// tuned by hand\n")
    ok(vibew, "link", "picker.color", "swatch.color")
    assert picker_js.read_text().endswith("// tuned by hand\n")
    assert_check_clean(project)


@pytest.mark.parametrize(
    ("source", "target", "extra", "message"),
    [
        (
            "nope.color",
            "swatch.color",
            [],
            "no widget named 'nope' (widgets: picker, ruler, swatch)",
        ),
        ("picker.hue", "swatch.color", [], "picker has no trait 'hue' (its exports: color)"),
        ("picker.color", "swatch.hue", [], "swatch has no trait 'hue' (its imports: color"),
        ("swatch.color", "picker.color", [], "did you mean `vibew link picker.color swatch.color`"),
        ("picker.color", "picker.color", [], "cannot link widget 'picker' to itself"),
        ("picker.color", "ruler.width", [], "picker.color (str) to ruler.width (float)"),
        ("picker.color", "swatch.color", ["--oneway"], "already linked"),
        ("picker", "swatch.color", [], "is not WIDGET.TRAIT"),
    ],
)
def test_link_refuses_mistakes_with_one_line_and_writes_nothing(
    vibew, project, source, target, extra, message
):
    ok(vibew, "new", "picker", "--template", "generic", "--exports", "color:str")
    ok(
        vibew,
        "new",
        "swatch",
        "--template",
        "generic",
        "--imports",
        "color:str",
        "--imports",
        "size:int",
    )
    ok(vibew, "new", "ruler", "--template", "generic", "--imports", "width:float")
    if "already" in message:
        ok(vibew, "link", "picker.color", "swatch.color")
    before = snapshot(project)
    done = vibew("link", source, target, *extra)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert snapshot(project) == before


def test_link_refuses_a_link_in_reverse_of_an_existing_one(vibew, project):
    ok(
        vibew,
        "new",
        "left",
        "--template",
        "generic",
        "--exports",
        "value:float",
        "--imports",
        "echo:float",
    )
    ok(
        vibew,
        "new",
        "right",
        "--template",
        "generic",
        "--exports",
        "echo:float",
        "--imports",
        "value:float",
    )
    ok(vibew, "link", "left.value", "right.value")
    before = snapshot(project)
    done = vibew("link", "right.value", "left.value")
    assert done.returncode == 2 and snapshot(project) == before
    ok(vibew, "link", "right.echo", "left.echo")  # the other direction of other traits is fine
    assert_check_clean(project)


def test_link_refuses_an_option_and_a_project_without_widgets(vibew, project):
    done = vibew("link", "a.b", "c.d")
    assert done.returncode == 2 and "vibew new" in done.stderr
    assert not any(project.iterdir())
    ok(vibew, "new", "scatter", "--exports", "selected_indices")
    ok(vibew, "new", "label", "--template", "generic", "--imports", "text:str")
    done = vibew("link", "scatter.x", "label.text")
    assert done.returncode == 2
    assert "scatter.x is an option of the scatter template, not an export" in done.stderr


def test_wiring_is_stable_and_lists_every_link():
    widgets = {
        name: WidgetSpec(name, template="generic", traits=traits)
        for name, traits in {
            "scatter": [TraitSpec("selected_indices", "list[int]", "export")],
            "airline_filter": [TraitSpec("selected_airlines", "list[str]", "export")],
            "table": [
                TraitSpec("selected_indices", "list[int]", "import"),
                TraitSpec("selected_airlines", "list[str]", "import"),
            ],
        }.items()
    }
    links = [
        LinkSpec(("scatter", "selected_indices"), ("table", "selected_indices")),
        LinkSpec(("airline_filter", "selected_airlines"), ("table", "selected_airlines"), True),
    ]
    text = render_wiring(Project(widgets=widgets, links=links))
    assert text == render_wiring(Project(widgets=dict(widgets), links=list(links)))
    assert "    scatter.selected_indices <-> table.selected_indices\n" in text
    assert "    airline_filter.selected_airlines -> table.selected_airlines\n" in text
    assert "    airline_filter: AirlineFilter,\n    scatter: Scatter,\n    table: Table,\n" in text
    assert text.count("traitlets.link(") == 1 and text.count("traitlets.dlink(") == 1
    assert "lambda" not in text  # the same kind of trait at both ends: nothing to convert
    assert "import vibewidget_cli" not in text and "from vibewidget_cli" not in text


def test_list_shows_widgets_traits_and_links(brushing, vibew):
    ok(
        vibew,
        "new",
        "notes",
        "--template",
        "generic",
        "--imports",
        "selection=scatter.selected_indices",
    )
    out = ok(vibew, "list")
    for text in ("scatter", "histogram", "notes", "selected_indices", "list[int]", "links"):
        assert text in out
    assert "├── ↔ histogram.selected_indices" in out or "└── ↔ histogram.selected_indices" in out
    assert "↔ notes.selection through the kernel" in out
    described = json.loads(ok(vibew, "list", "--json"))
    assert described["directory"] == "widgets"
    assert [w["name"] for w in described["widgets"]] == ["histogram", "notes", "scatter"]
    scatter = described["widgets"][2]
    assert scatter["template"] == "scatter" and scatter["class"] == "Scatter"
    assert scatter["exports"] == [
        {
            "name": "selected_indices",
            "type": "list[int]",
            "description": "rows selected by the brush",
        }
    ]
    assert [o["name"] for o in scatter["options"]] == ["x", "y", "width", "height"]
    assert described["links"] == [
        {
            "source": "scatter.selected_indices",
            "target": "histogram.selected_indices",
            "oneway": False,
            "js": False,
        },
        {
            "source": "scatter.selected_indices",
            "target": "notes.selection",
            "oneway": False,
            "js": False,
        },
    ]


def test_list_without_a_project_is_one_clear_line(vibew):
    done = vibew("list")
    assert done.returncode == 2 and "vibew new" in done.stderr


def test_new_force_refuses_to_drop_a_linked_export(brushing, vibew):
    before = snapshot(brushing)
    done = vibew(
        "new", "scatter", "delays vs distance", "--force", "--exports", "brushed:list[int]"
    )
    assert done.returncode == 2
    assert "scatter.selected_indices is linked to histogram.selected_indices" in done.stderr
    assert "remove that import first" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert snapshot(brushing) == before


def test_new_force_refuses_to_retype_a_linked_export(vibew, project):
    ok(vibew, "new", "picker", "--template", "generic", "--exports", "color:str")
    ok(vibew, "new", "swatch", "--template", "generic", "--imports", "picker.color")
    before = snapshot(project)
    done = vibew("new", "picker", "--template", "generic", "--force", "--exports", "color:int")
    assert done.returncode == 2
    assert "picker.color is linked to swatch.color; remove that import first" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert snapshot(project) == before


def test_new_force_keeps_a_linked_export_of_the_same_type(brushing, vibew):
    ok(vibew, "new", "scatter", "delays vs distance", "--force", "--exports", "selected_indices")
    assert "histogram.selected_indices" in (brushing / "vibew.toml").read_text()


# Links in the browser (`--js`): `ipywidgets.jslink` in a Jupyter kernel, kernel links elsewhere.

# Where the wiring runs: the links `link()` returns, and whether Python carried a change.
LINK_FACTS = """
import json

from widgets import Histogram, Picker, Scatter, Swatch
from widgets.wiring import link

scatter, histogram, picker, swatch = Scatter(), Histogram(), Picker(), Swatch()
links = link(scatter=scatter, histogram=histogram, picker=picker, swatch=swatch)
scatter.selected_indices = [1, 2]
picker.color = "teal"
print(json.dumps({
    "types": [f"{type(each).__module__}.{type(each).__name__}" for each in links],
    "rows": [int(row) for row in histogram.selected_indices],
    "color": swatch.color,
}))
"""
IN_PAGE = [
    "ipywidgets.widgets.widget_link.Link",
    "ipywidgets.widgets.widget_link.DirectionalLink",
]
IN_KERNEL = {
    "types": ["traitlets.traitlets.link", "traitlets.traitlets.directional_link"],
    "rows": [1, 2],
    "color": "teal",
}


@pytest.fixture
def browser_links(vibew, project) -> Path:
    """scatter.selected_indices <-> histogram and picker.color -> swatch, both in the browser."""
    ok(vibew, "new", "scatter", "--exports", "selected_indices")
    ok(vibew, "new", "histogram", "--imports", "scatter.selected_indices", "--js")
    ok(vibew, "new", "picker", "--template", "generic", "--exports", "color:str")
    ok(vibew, "new", "swatch", "--template", "generic", "--imports", "color:str")
    ok(vibew, "link", "picker.color", "swatch.color", "--js", "--oneway")
    return project


def test_js_links_are_recorded_listed_and_switched_back(browser_links, vibew):
    project = browser_links
    manifest = (project / "vibew.toml").read_text()
    assert manifest.count("js = true") == 2
    wiring = (project / "widgets/wiring.py").read_text()
    assert "jslink, jsdlink = ipywidgets.jslink, ipywidgets.jsdlink" in wiring
    assert (
        "jslink(\n            (scatter, " in wiring and "jsdlink(\n            (picker, " in wiring
    )
    assert "traitlets.link(\n" not in wiring
    for args in (["check", "--isolated"], ["format", "--isolated", "--check"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "widgets/wiring.py"],
            cwd=project,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout
    out = ok(vibew, "list")
    assert "↔ histogram.selected_indices in the browser" in out
    assert "→ (one-way) swatch.color in the browser" in out
    described = json.loads(ok(vibew, "list", "--json"))
    assert [(link["target"], link["oneway"], link["js"]) for link in described["links"]] == [
        ("histogram.selected_indices", False, True),
        ("swatch.color", True, True),
    ]
    assert_check_clean(project)

    # --kernel turns a link back, in place, and says what changed; --js again, the same.
    out = ok(vibew, "link", "picker.color", "swatch.color", "--kernel")
    assert (
        "picker.color -> swatch.color in the browser is now -> swatch.color through the kernel"
        in out
    )
    out = ok(vibew, "link", "scatter.selected_indices", "histogram.selected_indices", "--kernel")
    assert "is now <-> histogram.selected_indices through the kernel" in out
    manifest = (project / "vibew.toml").read_text()
    assert "js =" not in manifest
    wiring = (project / "widgets/wiring.py").read_text()
    assert "ipywidgets" not in wiring and "import sys" not in wiring  # lean again
    assert "traitlets.link(\n" in wiring and "traitlets.dlink(\n" in wiring
    ok(vibew, "link", "picker.color", "swatch.color", "--js")
    wiring = (project / "widgets/wiring.py").read_text()
    assert "jsdlink = ipywidgets.jsdlink" in wiring and "traitlets.link(\n" in wiring
    assert "The other links are kernel links." in wiring
    assert_check_clean(project)


def test_relinking_without_a_mode_is_refused(browser_links, vibew):
    before = snapshot(browser_links)
    done = vibew("link", "picker.color", "swatch.color")
    assert done.returncode == 2
    assert "already linked (picker.color -> swatch.color (in the browser))" in done.stderr
    assert "--js or --kernel changes how" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert snapshot(browser_links) == before
    out = ok(vibew, "link", "picker.color", "swatch.color", "--js")  # as it is: no change
    assert "already linked: picker.color -> swatch.color (in the browser)" in out
    assert snapshot(browser_links) == before


@pytest.mark.parametrize(
    "command",
    [
        ["link", "scatter.selected_indices", "notes.selection", "--js"],
        [
            "new",
            "counts",
            "--template",
            "generic",
            "--imports",
            "selection=scatter.selected_indices",
            "--js",
        ],
    ],
)
def test_js_refuses_a_row_selection_linked_to_a_list(vibew, project, command):
    """A row selection travels as an int32 buffer, a `list[int]` as a JSON list: in the page
    nothing converts one to the other, so --js is refused with one line."""
    ok(vibew, "new", "scatter", "--exports", "selected_indices")
    ok(vibew, "new", "notes", "--template", "generic", "--imports", "selection:list[int]")
    before = snapshot(project)
    done = vibew(*command)
    assert done.returncode == 2
    assert "in the browser: scatter.selected_indices travels as one int32 buffer" in done.stderr
    assert "link them in the kernel (without --js)" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert snapshot(project) == before
    ok(vibew, "link", "scatter.selected_indices", "notes.selection")  # in the kernel: fine
    before = snapshot(project)
    done = vibew("link", "scatter.selected_indices", "notes.selection", "--js")
    assert done.returncode == 2 and snapshot(project) == before


def test_new_js_needs_an_import_that_names_an_export(vibew, project):
    ok(vibew, "new", "picker", "--template", "generic", "--exports", "color:str")
    before = snapshot(project)
    done = vibew("new", "swatch", "--template", "generic", "--imports", "color:str", "--js")
    assert done.returncode == 2
    assert "--js links the imports that name another widget's export" in done.stderr
    assert snapshot(project) == before
    # Adding a linked import to an existing widget: only the new link is in the browser.
    ok(vibew, "new", "swatch", "--template", "generic", "--imports", "picker.color")
    ok(vibew, "new", "picker", "--exports", "+size:int")
    out = ok(vibew, "new", "swatch", "--imports", "+picker.size", "--js")
    assert "link picker.size <-> swatch.size (in the browser)" in out
    links = tomllib.loads((project / "vibew.toml").read_text())["links"]
    assert [(link["target"], link.get("js")) for link in links] == [
        ("swatch.color", None),
        ("swatch.size", True),
    ]
    assert_check_clean(project)


def test_the_manifest_keeps_the_mode_and_old_manifests_load(browser_links, vibew):
    from vibewidget_cli import manifest

    project = manifest.load(browser_links)
    assert [(link.oneway, link.js) for link in project.links] == [(False, True), (True, True)]
    assert manifest.dumps(project) == (browser_links / "vibew.toml").read_text()
    path = browser_links / "vibew.toml"
    text = path.read_text()
    path.write_text(re.sub(r"(, |\n)js = true", "", text))  # as a vibew before --js wrote it
    assert [link.js for link in manifest.load(browser_links).links] == [False, False]
    path.write_text(text.replace("js = true", 'js = "yes"', 1))
    done = vibew("list")
    assert done.returncode == 2
    assert "links.js is a string; it must be true or false" in done.stderr


def test_check_reports_a_browser_link_it_cannot_make(vibew, project):
    ok(vibew, "new", "scatter", "--exports", "selected_indices")
    ok(
        vibew,
        "new",
        "notes",
        "--template",
        "generic",
        "--imports",
        "selection=scatter.selected_indices",
    )
    path = project / "vibew.toml"
    path.write_text(path.read_text().replace("oneway = false }", "oneway = false, js = true }"))
    done = vibew("check")
    assert done.returncode == 1
    assert (
        "link scatter.selected_indices <-> notes.selection (in the browser): "
        "scatter.selected_indices travels as one int32 buffer" in done.stdout
    )


def test_js_links_are_ipywidgets_links_in_a_jupyter_kernel(browser_links):
    """In a real ipykernel the links are `ipywidgets.jslink`s, joined in the page: with no
    page here, Python alone carries nothing (the e2e test shows the page at work)."""
    facts = run_in_jupyter_kernel(browser_links, LINK_FACTS)
    assert facts == {"types": IN_PAGE, "rows": [], "color": ""}


def test_js_links_go_through_python_in_a_script(browser_links):
    assert run_in_kernel(browser_links, LINK_FACTS) == IN_KERNEL


def test_js_links_go_through_python_in_marimo(browser_links):
    """marimo's page has no ipywidgets links: a notebook run by marimo (`marimo export html`
    runs every cell in its kernel) gets kernel links, which carry the values."""
    try:
        import marimo  # noqa: F401
    except ImportError:
        cannot_start("marimo is not installed")
    cell = textwrap.indent(LINK_FACTS.replace("print(json.dumps(", "facts = (json.dumps("), "    ")
    notebook = f"""import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo
{cell}
    assert mo.running_in_notebook()
    with open("facts.json", "w") as file:
        file.write(facts)
    return


if __name__ == "__main__":
    app.run()
"""
    (browser_links / "notebook.py").write_text(notebook)
    done = subprocess.run(
        [sys.executable, "-m", "marimo", "export", "html", "notebook.py", "-o", "notebook.html"],
        cwd=browser_links,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads((browser_links / "facts.json").read_text()) == IN_KERNEL
