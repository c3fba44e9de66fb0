"""The examples never drift from the generator: each is regenerated from its README's commands.

examples/<name>/README.md holds one ```sh block, the exact `vibew` commands that wrote the
example's widgets/, vibew.toml and .vibew/base/. These tests run them with the real CLI in a
temporary folder and compare every file; they also check the data files are reproducible and
the notebooks clean and runnable. `python examples/regenerate.py` rewrites the examples.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


regenerate = _load("regenerate")
make_notebooks = _load("make_notebooks")
NAMES = regenerate.EXAMPLES


def test_every_pattern_has_an_example():
    missing = [name for name in NAMES if not (EXAMPLES / name / "README.md").is_file()]
    assert not missing, f"examples without a README: {missing}"


def _diff(path: str, committed: bytes, fresh: bytes) -> str:
    lines = difflib.unified_diff(
        committed.decode(errors="replace").splitlines(),
        fresh.decode(errors="replace").splitlines(),
        f"committed/{path}",
        f"regenerated/{path}",
        lineterm="",
        n=2,
    )
    return "\n".join(list(lines)[:60])


@pytest.mark.parametrize("name", NAMES)
def test_example_is_what_its_commands_generate(name, tmp_path):
    example = EXAMPLES / name
    regenerate.run_commands(example, tmp_path)
    committed = regenerate.generated_files(example)
    fresh = regenerate.generated_files(tmp_path)
    hint = f"run `python examples/regenerate.py {name}` and review the diff"
    assert sorted(committed) == sorted(fresh), (
        f"examples/{name}: committed files {sorted(committed)} but the README's commands "
        f"write {sorted(fresh)}; {hint}"
    )
    drifted = [path for path in committed if committed[path] != fresh[path]]
    assert not drifted, (
        f"examples/{name}: {drifted} differ from what its README's commands generate; {hint}\n"
        + "\n".join(_diff(p, committed[p], fresh[p]) for p in drifted)
    )


@pytest.mark.parametrize("name", NAMES)
def test_vibew_check_passes_on_example(name, vibew):
    done = vibew("check", cwd=EXAMPLES / name)
    assert done.returncode == 0, f"vibew check in examples/{name}:\n{done.stdout}{done.stderr}"


def test_generated_python_passes_ruff_isolated():
    """pyproject.toml excludes examples/*/widgets from the project's ruff: held to --isolated here."""
    folders = [str(EXAMPLES / name / "widgets") for name in NAMES]
    ruff = [sys.executable, "-m", "ruff"]
    lint = subprocess.run([*ruff, "check", "--isolated", *folders], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run(
        [*ruff, "format", "--isolated", "--check", *folders], capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


@pytest.mark.parametrize("name", ["flights", "solar", "crossfilter"])  # terrain starts flat
def test_data_file_is_reproducible(name, tmp_path, capsys):
    """make_data.py writes the committed data file byte for byte (a fixed seed)."""
    example = EXAMPLES / name
    (data,) = [p for p in example.iterdir() if p.suffix == ".csv"]
    spec = importlib.util.spec_from_file_location(f"make_data_{name}", example / "make_data.py")
    make_data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_data)
    out = tmp_path / data.name
    make_data.main(["make_data.py", str(out)])
    assert out.read_bytes() == data.read_bytes(), f"make_data.py no longer writes {data}"


@pytest.mark.parametrize("name", NAMES)
def test_demo_notebook_is_clean_and_links_the_widgets(name):
    path = EXAMPLES / name / "demo.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code), (
        f"{path} has outputs: run `python examples/make_notebooks.py`"
    )
    source = "\n".join(cell.source for cell in code)
    assert "from widgets.wiring import link" in source
    assert nb.metadata.kernelspec.name == "python3"
    # The committed notebook is the one make_notebooks.py writes (fixed ids, no stray edits).
    expected = make_notebooks.notebook(name, make_notebooks.NOTEBOOKS[name])
    assert json.loads(nbformat.writes(nb)) == json.loads(nbformat.writes(expected)), (
        f"{path} differs from examples/make_notebooks.py"
    )


@pytest.mark.parametrize("name", NAMES)
def test_demo_notebook_runs_in_a_kernel(name, tmp_path):
    """Kernel level, no browser: every cell runs and the links hold (the e2e suite drives the UI)."""
    from nbclient import NotebookClient

    folder = tmp_path / name
    shutil.copytree(EXAMPLES / name, folder, ignore=shutil.ignore_patterns("__pycache__"))
    nb = nbformat.read(folder / "demo.ipynb", as_version=4)
    NotebookClient(
        nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": folder}}
    ).execute()
    widgets = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if "application/vnd.jupyter.widget-view+json" in out.get("data", {})
    ]
    assert widgets, f"examples/{name}/demo.ipynb displays no widget"
