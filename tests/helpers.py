"""Helpers any test can call on a project it generated."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

# Made unimportable before anything else runs: generated code must not need vibew.
_GUARD = "import sys\nsys.modules['vibewidget_cli'] = None\n"


def run_vibew(project_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI, run in `project_dir`."""
    return subprocess.run(
        [sys.executable, "-m", "vibewidget_cli", *args],
        cwd=project_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_check_clean(project_dir: Path) -> None:
    """`vibew check` finds nothing wrong in `project_dir` (exit 0, one "ok" line)."""
    done = run_vibew(project_dir, "check")
    assert done.returncode == 0, f"vibew check in {project_dir}:\n{done.stdout}{done.stderr}"
    assert done.stdout.startswith("ok"), done.stdout


def check_problems(project_dir: Path) -> list[str]:
    """The lines `vibew check` prints; asserts it exits 1 when there are some, 0 when not."""
    done = run_vibew(project_dir, "check")
    assert done.returncode in {0, 1}, done.stderr
    if done.returncode == 0:
        return []
    lines = done.stdout.splitlines()
    assert lines, done.stderr
    return lines


def run_in_kernel(project_dir: Path, code: str, package: str = "widgets") -> dict:
    """Run `code` where a user's kernel would, against a copy of the generated package only.

    The package is copied alone into a fresh folder (no vibew.toml, no repository on the
    path) and `vibewidget_cli` is made unimportable. `code` prints one JSON object last.
    """
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(project_dir / package, Path(folder) / package)
        env = {**os.environ, "PYTHONNOUSERSITE": "1", "PYTHONPATH": ""}
        done = subprocess.run(
            [sys.executable, "-c", _GUARD + textwrap.dedent(code)],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_isolated(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run Python in `cwd` as a user's kernel would, with `vibewidget_cli` made unimportable.

    Generated code must work after vibew is uninstalled; a module set to None in sys.modules
    makes any `import vibewidget_cli` fail, even with the editable install on the path.
    """
    return subprocess.run(
        [sys.executable, "-c", _GUARD + code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


#: The flights pair: a scatter whose brush exports rows, and a histogram linked to it.
FLIGHTS = (
    ("new", "scatter", "points", "--exports", "selected_indices"),
    ("new", "histogram", "counts", "--imports", "scatter.selected_indices"),
)


def generate_flights(project_dir: Path) -> Path:
    """Write the flights pair with the real CLI into `project_dir`; returns its widgets/."""
    for args in FLIGHTS:
        done = run_vibew(project_dir, *args)
        if done.returncode != 0:
            raise RuntimeError(f"vibew {' '.join(args)} failed:\n{done.stderr}")
    return project_dir / "widgets"


def cannot_start(reason: str) -> None:
    """A browser test whose browser or server cannot start: skipped on a developer's machine,
    failed under `CI=true`, where a silent skip must never pass for green."""
    import pytest

    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"cannot start (CI=true, so this fails): {reason}", pytrace=False)
    pytest.skip(f"cannot start: {reason}")


def node_check(text: str) -> None:
    """`text` parses as an ES module in Node, early errors included (a name declared twice,
    a reserved word bound), which tree-sitter's grammar does not report."""
    with tempfile.TemporaryDirectory() as folder:
        module = Path(folder) / "module.mjs"
        module.write_text(text, encoding="utf-8")
        done = subprocess.run(["node", "--check", str(module)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
