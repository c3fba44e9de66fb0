"""Every host we can run, proven: Jupyter Notebook 7 and marimo (`marimo run`, each widget
shown with `mo.ui.anywidget`), besides JupyterLab (test_patterns.py).

For each host, two pairs generated with `vibew new` from the examples' README commands: the
flights pair (scatter -> histogram, a row selection) and the terrain pair (painter ->
three.js landscape, a float32 heightmap). An interaction in the page reaches Python and the
other view, a Python assignment reaches the page, and no page error (nor, in marimo, a
traceback in the server log, where marimo reports a value Python refused).

One server per host for the module. Screenshots of the flights pair after a brush go to
/tmp/shots/host-<host>.png; with VIBEW_UPDATE_SCREENSHOTS=1 also to
docs/screenshots/host-<host>.png for the README.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import hosts
import lab
import numpy as np
import pytest
from helpers import run_in_kernel, run_vibew
from playwright.sync_api import expect
from test_patterns import canvas_pixels, drag, next_frames, wait_for_change

# One worker for them all (one server per host), beside the JupyterLab tests' worker.
pytestmark = [pytest.mark.timeout(120), pytest.mark.xdist_group("hosts")]

SHOTS = Path("/tmp/shots")
DOCS_SCREENSHOTS = hosts.REPO / "docs" / "screenshots"
ROWS = 2_000

# The flights pair's package for each kind of link `vibew link` writes: through the kernel
# (traitlets.link) or in the page (`--js`: ipywidgets.jslink in Jupyter, a kernel link in
# marimo); and the name of the link class each host makes of it.
PACKAGES = {"kernel": "flights_widgets", "js": "flights_js_widgets"}
LINK_CLASS = {
    ("notebook7", "kernel"): "link",
    ("notebook7", "js"): "Link",
    ("marimo", "kernel"): "link",
    ("marimo", "js"): "link",
}

# Python for both hosts: a made-up frame, the pair and the generated link().
FLIGHTS = f"""import numpy as np
import pandas as pd
from PACKAGE.histogram import Histogram
from PACKAGE.scatter import Scatter
from PACKAGE.wiring import link

rng = np.random.default_rng(7)
distance = rng.uniform(100, 2800, {ROWS}).round()
delay = 0.02 * distance + rng.normal(0, 15, {ROWS})
flights = pd.DataFrame({{"distance": distance, "delay": delay}})
scatter = Scatter(flights, x="distance", y="delay")
histogram = Histogram(flights, column="delay")
links = link(scatter=scatter, histogram=histogram)
links_made = ", ".join(type(each).__name__ for each in links)"""

TERRAIN = """import numpy as np
from terrain_widgets.landscape import Landscape
from terrain_widgets.painter import Painter
from terrain_widgets.wiring import link

painter = Painter()
landscape = Landscape()
links = link(painter=painter, landscape=landscape)"""

# A 48 x 48 hill, set from Python (the painter starts 64 x 64), and its highest cell.
HILL = "x = np.linspace(-1, 1, 48)\npainter.heightmap = 0.9 * np.exp(-4 * (x[:, None] ** 2 + x[None, :] ** 2))"
HILL_PEAK = f"{0.9 * np.exp(-8 / 47**2):.3f}"  # the cells nearest the middle: x = y = ±1/47

# What Python holds, as one line: in Notebook 7 printed by a cell, in marimo shown by a cell
# that marimo runs again whenever the page sets a value of a widget it reads.
FLIGHTS_STATE = (
    'f"Python: {len(scatter.selected_indices)} rows selected; linked: '
    "{scatter.selected_indices.tolist() == histogram.selected_indices.tolist()}; "
    'first: {scatter.selected_indices[:5].tolist()}"'
)
TERRAIN_STATE = (
    'f"Python: peak {np.asarray(painter.heightmap, dtype=float).max(initial=0):.3f}; '
    "linked: {np.array_equal(np.asarray(painter.heightmap), np.asarray(landscape.heightmap))}; "
    'shape: {np.shape(painter.heightmap)}"'
)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> Path:
    """A folder with the flights and terrain pairs, each in its own project and package."""
    root = tmp_path_factory.mktemp("hosts")
    hosts.make_project(root / "terrain", "terrain", "terrain_widgets")
    lab.write_notebook(root / "terrain" / "terrain.ipynb", [TERRAIN, "painter", "landscape"])
    for kind, package in PACKAGES.items():
        folder = hosts.make_project(root / f"flights-{kind}", "flights", package)
        if kind == "js":
            done = run_vibew(
                folder, "link", "scatter.selected_indices", "histogram.selected_indices", "--js"
            )
            assert done.returncode == 0, done.stdout + done.stderr
            assert "ipywidgets.jslink" in (folder / package / "wiring.py").read_text()
        code = FLIGHTS.replace("PACKAGE", package)
        lab.write_notebook(
            folder / "flights.ipynb",
            [f"{code}\nprint('Links:', links_made)", "scatter", "histogram"],
        )
        hosts.marimo_notebook(
            folder / "flights_app.py",
            [
                code + "\nimport marimo as mo\n\nscatter_view = mo.ui.anywidget(scatter)\n"
                "histogram_view = mo.ui.anywidget(histogram)\n"
                "pick = mo.ui.button(label='Select rows 0, 1, 2, 5, 10', on_click=lambda _: "
                "setattr(scatter, 'selected_indices', [0, 1, 2, 5, 10]))",
                'mo.md(f"Links: {links_made}")',
                "scatter_view",
                "histogram_view",
                "scatter_view.value, histogram_view.value, pick.value\n"
                f"mo.vstack([pick, mo.md({FLIGHTS_STATE})])",
            ],
        )
    hosts.marimo_notebook(
        root / "terrain" / "terrain_app.py",
        [
            TERRAIN + "\nimport marimo as mo\n\n"
            "def hill(_):\n    " + HILL.replace("\n", "\n    ") + "\n\n"
            "painter_view = mo.ui.anywidget(painter)\n"
            "landscape_view = mo.ui.anywidget(landscape)\n"
            "raise_hill = mo.ui.button(label='A hill from Python', on_click=hill)",
            "painter_view",
            "landscape_view",
            f"painter_view.value, landscape_view.value, raise_hill.value\nmo.vstack([raise_hill, mo.md({TERRAIN_STATE})])",
        ],
    )
    return root


@pytest.fixture(scope="module")
def notebook7(projects, tmp_path_factory):
    server, problem = None, None
    try:
        server = hosts.start_notebook7(projects, tmp_path_factory.mktemp("notebook7"))
    except Exception as exc:
        problem = f"Jupyter Notebook 7 did not start: {exc}"
    if problem:
        lab.cannot_start(problem)  # fails under CI=true
    yield server
    server.stop()


@pytest.fixture(scope="module")
def marimo(projects, tmp_path_factory):
    server, problem = None, None
    try:
        log = tmp_path_factory.mktemp("marimo") / "marimo.log"
        server = hosts.start_marimo(projects, log)
    except Exception as exc:
        problem = f"marimo did not start: {exc}"
    if problem:
        lab.cannot_start(problem)
    yield server
    server.stop()


@pytest.fixture
def host_page(browser_context, request):
    """A new tab (1280 x 1400), its errors collected in `host_page.errors`."""
    page = browser_context.new_page()
    page.set_default_timeout(30_000)
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.errors = lab.collect_page_errors(page)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        try:
            shot = lab.screenshot(page, request.node.name)
        except Exception as exc:
            shot = f"(no screenshot: {exc})"
        errors = "\n".join(page.errors) or "(none)"
        report.sections.append(("host diagnostics", f"screenshot: {shot}\npage errors:\n{errors}"))
    page.close()


@pytest.fixture
def notebook7_page(host_page, notebook7):
    """`host_page`; the notebook's kernel is shut down afterwards."""
    yield host_page
    notebook7.shutdown_kernels()


def assert_clean(page, host: str, marimo_log: str = "") -> None:
    """No page error (but the host's own, see hosts.HOST_PAGE_ERRORS); in marimo, no
    traceback in the server's log either."""
    errors = hosts.page_errors(page.errors, host)
    assert not errors, "errors in the page:\n" + "\n".join(errors)
    assert "Traceback" not in marimo_log, f"marimo's server log:\n{marimo_log}"


def save_host_screenshot(page, host: str, last) -> Path:
    """The page to /tmp/shots/host-<host>.png; with VIBEW_UPDATE_SCREENSHOTS=1 also to
    docs/screenshots/, down to the bottom of `last` (no empty page below)."""
    page.mouse.move(0, 0)  # no hover effects in the picture
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"host-{host}.png"
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("VIBEW_UPDATE_SCREENSHOTS") == "1":
        box = last.bounding_box()
        size = page.viewport_size
        height = min(size["height"], box["y"] + box["height"] + 24)
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(DOCS_SCREENSHOTS / f"host-{host}.png"),
            clip={"x": 0, "y": 0, "width": size["width"], "height": height},
        )
    return shot


def brush(page, timeout: float = 5_000) -> int:
    """Brush the middle of the scatter plot; the number of rows the histogram then shows
    (within `timeout` ms)."""
    caption = page.locator(".histogram").get_by_role("status")
    expect(caption).to_have_text(f"delay: all {ROWS:,} rows")
    drag(page, page.locator(".scatter").get_by_role("img"), (0.3, 0.25), (0.65, 0.7))
    expect(caption).to_have_text(
        re.compile(rf"^delay: [\d,]+ of {ROWS:,} rows selected$"), timeout=timeout
    )
    shown = int(re.search(r"([\d,]+) of", caption.inner_text())[1].replace(",", ""))
    assert 0 < shown < ROWS, shown
    return shown


def expect_five_selected(page) -> None:
    expect(page.locator(".histogram").get_by_role("status")).to_have_text(
        f"delay: 5 of {ROWS:,} rows selected"
    )
    expect(page.locator(".scatter").get_by_role("status")).to_contain_text(
        f"5 of {ROWS:,} rows selected"
    )


def paint(page):
    """Two strokes across the painter's middle; the 3D view's pixels before them."""
    scene = page.locator(".landscape canvas")
    expect(page.locator(".landscape p")).to_contain_text("64 \u00d7 64 heightmap")
    next_frames(page)
    before = canvas_pixels(page, scene)
    canvas = page.locator(".painter canvas")
    drag(page, canvas, (0.15, 0.5), (0.85, 0.5))
    drag(page, canvas, (0.85, 0.52), (0.15, 0.52))
    moved = wait_for_change(page, scene, before, least=0.005)  # a ridge: a thin change
    assert moved > 0.005, f"painting moved {moved:.1%} of the 3D view"
    return scene


def expect_hill(page, scene, before) -> None:
    """The 48 x 48 hill set from Python is in both views: captions and the 3D pixels."""
    expect(page.locator(".landscape p")).to_contain_text("48 \u00d7 48 heightmap")
    expect(page.locator(".painter")).to_contain_text("48 \u00d7 48 cells")
    moved = wait_for_change(page, scene, before)
    assert moved > 0.02, f"the hill moved {moved:.1%} of the 3D view"


# --------------------------------------------------------------------------- Notebook 7


@pytest.mark.e2e
@pytest.mark.parametrize("link", ["kernel", "js"])
def test_notebook7_flights_brush_and_python(notebook7_page, notebook7, projects, link):
    page = notebook7_page
    hosts.open_notebook7(page, notebook7, projects / f"flights-{link}" / "flights.ipynb")
    expect(page.locator(".jp-OutputArea").first).to_have_text(
        f"Links: {LINK_CLASS['notebook7', link]}"
    )
    if link == "js":
        # The kernel is busy for 8 s: a kernel link could not redraw the histogram until then.
        hosts.run_cell(page, "import time\ntime.sleep(8)", wait=False)
        shown = brush(page, timeout=4_000)
        busy = page.locator(".jp-Cell .jp-InputArea-prompt", has_text="[*]")
        assert busy.count() == 1, "the histogram changed only once the kernel was free"
    else:
        shown = brush(page)
        save_host_screenshot(page, "notebook7", page.locator(".jp-Notebook .jp-Cell").last)
    state = hosts.run_cell(page, f"print({FLIGHTS_STATE})")
    assert re.fullmatch(rf"Python: {shown} rows selected; linked: True; first: \[[\d, ]+\]", state)
    # The rows are the ones inside the brush, not any rows: all have a middling distance.
    inside = hosts.run_cell(
        page,
        "rows = flights.iloc[scatter.selected_indices]\n"
        "print(rows.distance.min() > flights.distance.min(),"
        " rows.distance.max() < flights.distance.max(), histogram.selected_indices.dtype)",
    )
    assert inside == "True True int32", inside

    # Python -> both views.
    assert hosts.run_cell(page, "scatter.selected_indices = [0, 1, 2, 5, 10]") == ""
    expect_five_selected(page)
    assert hosts.run_cell(page, "print(histogram.selected_indices.tolist())") == "[0, 1, 2, 5, 10]"
    assert_clean(page, "notebook7")


@pytest.mark.e2e
def test_notebook7_terrain_paint_and_python(notebook7_page, notebook7, projects):
    page = notebook7_page
    hosts.open_notebook7(page, notebook7, projects / "terrain" / "terrain.ipynb")
    scene = paint(page)
    state = hosts.run_cell(page, f"print({TERRAIN_STATE})")
    peak = float(re.search(r"peak ([\d.]+)", state)[1])
    assert peak > 0 and "linked: True; shape: (64, 64)" in state, state

    before = canvas_pixels(page, scene)
    hosts.run_cell(page, HILL)
    expect_hill(page, scene, before)
    state = hosts.run_cell(page, f"print({TERRAIN_STATE})")
    assert state == f"Python: peak {HILL_PEAK}; linked: True; shape: (48, 48)", state
    assert_clean(page, "notebook7")


# --------------------------------------------------------------------------- marimo


def python_says(page):
    return page.get_by_text(re.compile(r"^Python: "))


@pytest.mark.e2e
@pytest.mark.parametrize("link", ["kernel", "js"])
def test_marimo_flights_brush_and_python(host_page, marimo, projects, link):
    page = host_page
    start = len(marimo.log())
    page.goto(marimo.url(projects / f"flights-{link}" / "flights_app.py"))
    expect(page.get_by_text(re.compile(r"^Links: "))).to_have_text(
        f"Links: {LINK_CLASS['marimo', link]}", timeout=60_000
    )
    expect(python_says(page)).to_have_text(
        "Python: 0 rows selected; linked: True; first: []", timeout=60_000
    )
    shown = brush(page)
    expect(python_says(page)).to_have_text(
        re.compile(rf"^Python: {shown} rows selected; linked: True; first: \[[\d, ]+\]$")
    )
    if link == "kernel":
        save_host_screenshot(page, "marimo", python_says(page))

    # Python -> both views: a button whose callback assigns the selection.
    page.get_by_role("button", name="Select rows 0, 1, 2, 5, 10").click()
    expect_five_selected(page)
    expect(python_says(page)).to_have_text(
        "Python: 5 rows selected; linked: True; first: [0, 1, 2, 5, 10]"
    )
    assert_clean(page, "marimo", marimo.log()[start:])


@pytest.mark.e2e
def test_marimo_terrain_paint_and_python(host_page, marimo, projects):
    page = host_page
    start = len(marimo.log())
    page.goto(marimo.url(projects / "terrain" / "terrain_app.py"))
    expect(python_says(page)).to_have_text(
        "Python: peak 0.000; linked: True; shape: (64, 64)", timeout=60_000
    )
    scene = paint(page)
    expect(python_says(page)).to_have_text(
        re.compile(r"^Python: peak (?!0\.000)[\d.]+; linked: True; shape: \(64, 64\)$")
    )

    before = canvas_pixels(page, scene)
    page.get_by_role("button", name="A hill from Python").click()
    expect_hill(page, scene, before)
    expect(python_says(page)).to_have_text(
        f"Python: peak {HILL_PEAK}; linked: True; shape: (48, 48)"
    )
    assert_clean(page, "marimo", marimo.log()[start:])


# --------------------------------------------------------------------------- no browser


def test_row_indices_read_a_typed_array_sent_as_json(tmp_path):
    """marimo sends a typed array that a widget sets as JSON, `{"0": 3, "1": 4, ...}` (only a
    DataView goes as binary there): RowIndices reads it as the same rows, in order, and
    refuses a dict that is not one array's positions."""
    hosts.make_project(tmp_path, "flights", "flights_widgets")
    out = run_in_kernel(
        tmp_path,
        """
        import json
        import numpy as np
        import traitlets
        from flights_widgets.scatter import Scatter

        scatter = Scatter()
        seen = {}
        for name, sent in [
            ("in order", {"0": 3, "1": 4, "2": 9}),
            ("out of order", {"1": 7, "0": 2}),
            ("buffer", memoryview(np.array([5, 6], dtype="<i4"))),
            ("list", [8, 1]),
        ]:
            scatter.set_state({"selected_indices": sent})
            seen[name] = scatter.selected_indices.tolist()
        rows = np.arange(0, 400_000, 2, dtype=np.int32)
        scatter.set_state({"selected_indices": {str(i): int(v) for i, v in enumerate(rows)}})
        seen["200k"] = bool(np.array_equal(scatter.selected_indices, rows))
        try:
            scatter.set_state({"selected_indices": {"0": 1, "2": 3}})
        except traitlets.TraitError as error:
            seen["gap"] = str(error)
        print(json.dumps(seen))
        """,
        package="flights_widgets",
    )
    assert out["in order"] == [3, 4, 9]
    assert out["out of order"] == [2, 7]
    assert out["buffer"] == [5, 6]
    assert out["list"] == [8, 1]
    assert out["200k"] is True
    assert "row positions" in out["gap"]
