"""`vibew init`: a whole widget project from the copier template, then widgets in it, then the
example notebook run by a real kernel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from vibewidget_cli.templates import all_templates

_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def run_notebook(path: Path, extra_cells: list[str] = ()) -> nbformat.NotebookNode:
    """Execute the notebook (with `extra_cells` appended) in a fresh kernel in its folder."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells += [nbformat.v4.new_code_cell(code) for code in extra_cells]
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


def outputs(cell: nbformat.NotebookNode) -> str:
    """The text a cell printed or showed."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def test_init_then_new_then_the_notebook_runs(vibew, project, tmp_path):
    done = vibew("init", "flights")
    assert done.returncode == 0, done.stderr
    root = project / "flights"
    for name in [
        "pyproject.toml",
        ".gitignore",
        "example.ipynb",
        "vibew.toml",
        "jsconfig.json",
        "package.json",
    ]:
        assert (root / name).is_file(), name
    assert (root / "widgets/__init__.py").is_file()

    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "flights"
    # 0.11 hands render the AbortSignal the generated widgets clean up with.
    assert pyproject["project"]["dependencies"] == ["anywidget>=0.11", "numpy", "pandas"]
    ignored = (root / ".gitignore").read_text().splitlines()
    assert ".vibew/cache/" in ignored and "node_modules/" in ignored
    manifest = tomllib.loads((root / "vibew.toml").read_text())
    assert manifest["directory"] == "widgets" and manifest["widgets"] == {}
    notebook = nbformat.read(root / "example.ipynb", as_version=4)
    nbformat.validate(notebook)
    first = notebook.cells[0]
    assert first.cell_type == "code" and first.source == "%env ANYWIDGET_HMR=1"

    # Before any widget exists the notebook runs, and says what to do.
    ran = run_notebook(root / "example.ipynb")
    assert "ANYWIDGET_HMR=1" in outputs(ran.cells[0])
    assert "No scatter widget yet" in outputs(ran.cells[-1])

    # The package init wrote is vibew's own: `vibew new` updates it without --force.
    done = vibew(
        "new", "scatter", "delay against distance", "--exports", "selected_indices", cwd=root
    )
    assert done.returncode == 0, done.stderr
    assert "updated   widgets/__init__.py" in done.stdout
    ran = run_notebook(
        root / "example.ipynb",
        extra_cells=[
            "import json\n"
            "scatter.selected_indices = [0, 2, 4]\n"
            "print(json.dumps({'class': type(scatter).__name__, 'rows': len(scatter.data),\n"
            "    'selected': df.iloc[scatter.selected_indices].index.tolist(),\n"
            "    'esm': 'function render(' in scatter._esm}))"
        ],
    )
    shown = ran.cells[-2]
    assert any(_WIDGET_VIEW in output.get("data", {}) for output in shown.outputs), shown.outputs
    result = json.loads(outputs(ran.cells[-1]).strip().splitlines()[-1])
    assert result == {"class": "Scatter", "rows": 5000, "selected": [0, 2, 4], "esm": True}


def test_the_project_builds_a_wheel_with_the_widgets(vibew, project, tmp_path):
    assert vibew("init").returncode == 0
    assert vibew("new", "scatter", "--exports", "selected_indices").returncode == 0
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w",
         str(tmp_path), str(project)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {"widgets/scatter.py", "widgets/scatter.js", "widgets/_traits.py"} <= set(names)


def test_vibew_new_still_works_without_init(vibew, project):
    done = vibew("new", "scatter", "--exports", "selected_indices")
    assert done.returncode == 0, done.stderr
    assert (project / "vibew.toml").is_file()
    assert not (project / "pyproject.toml").exists()


@pytest.mark.parametrize("existing", ["vibew.toml", "pyproject.toml", "example.ipynb"])
def test_init_refuses_a_folder_that_has_a_project(vibew, project, existing):
    (project / existing).write_text("mine\n")
    done = vibew("init")
    assert done.returncode == 2
    assert existing in done.stderr and done.stderr.count("\n") == 1
    assert [p.name for p in project.iterdir()] == [existing]
    assert (project / existing).read_text() == "mine\n"


def test_the_project_template_is_not_a_widget_template(vibew):
    assert "project" not in all_templates()
    done = vibew("templates")
    assert done.returncode == 0
    assert "project" not in done.stdout.split()


def test_the_cli_starts_without_importing_copier():
    code = "import sys, vibewidget_cli.cli; print('copier' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_init_writes_the_editor_config_that_makes_the_widgets_types_resolve(vibew, project):
    """jsconfig.json checks widgets/*.js; package.json brings `@anywidget/types`, the module
    the widgets' JSDoc imports (as create-anywidget's projects do)."""
    assert vibew("init").returncode == 0
    config = json.loads((project / "jsconfig.json").read_text())
    options = config["compilerOptions"]
    assert options["checkJs"] is True and options["moduleResolution"] == "bundler"
    assert options["lib"] == ["es2022", "dom"]
    assert config["include"] == ["widgets/*.js"]
    package = json.loads((project / "package.json").read_text())
    assert package["private"] is True and package["name"] == "project"
    assert "@anywidget/types" in package["devDependencies"]
    notebook = nbformat.read(project / "example.ipynb", as_version=4)
    said = "".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "jsconfig.json" in said and "npm install" in said
    # vibew init lists them with the other files it wrote.
    done = vibew("init", "second")
    assert "jsconfig.json" in done.stdout and "package.json" in done.stdout


def test_init_projects_test_their_widgets_in_the_browser(vibew, project):
    """`vibew init` writes tests/test_widgets.py: vibew's browser check of every widget under
    pytest, with vibew a test-only dependency (the widgets package still never imports it)."""
    from tests.helpers import cannot_start

    if not Path(os.environ.get("VIBEW_CHROMIUM", "/usr/bin/chromium")).exists():
        cannot_start("no Chromium for the generated browser test")
    assert vibew("init", "flights").returncode == 0
    root = project / "flights"
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    assert pyproject["project"]["optional-dependencies"]["test"] == [
        "pytest>=8",
        "vibewidget-cli[browser]",
    ]
    assert not any("vibewidget" in d for d in pyproject["project"]["dependencies"])
    assert vibew("new", "scatter", "--exports", "selected_indices", cwd=root).returncode == 0
    assert vibew("check", cwd=root).returncode == 0

    def pytest_in_project() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "CI": "true"},  # no browser must fail here, not skip
        )

    test_file = (root / "tests" / "test_widgets.py").read_text()
    assert "vibewidget_cli" not in test_file  # generated code never imports vibew
    done = pytest_in_project()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    js = root / "widgets" / "scatter.js"
    js.write_text(
        js.read_text().replace(
            '    model.set("selected_indices", rowsToSave(brushed, table.length));\n', ""
        )
    )
    done = pytest_in_project()
    assert done.returncode == 1
    assert "export 'selected_indices' never changed" in done.stdout
