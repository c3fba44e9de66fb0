"""The built wheel carries its templates: install it into a fresh venv and run `vibew new`."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(*args, **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_wheel_installs_into_a_fresh_venv_and_generates(tmp_path):
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", dist, REPO)
    (wheel,) = dist.glob("vibewidget_cli-*.whl")

    venv = tmp_path / "fresh"
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin/python", "-m", "pip", "install", "--no-deps", "--quiet", wheel)
    # The dependencies come from this test environment's site-packages, added as a plain path
    # entry: its .pth files (among them the editable install of this repo) are not processed,
    # so `vibewidget_cli` can only come from the wheel.
    purelib = run(
        venv / "bin/python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"
    )
    Path(purelib.stdout.strip(), "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")

    where = run(
        venv / "bin/python",
        "-c",
        "import vibewidget_cli.templates as t; print(t.templates_dir()); print(sorted(t.all_templates()))",
        cwd=tmp_path,
    )
    templates_dir, kinds = where.stdout.strip().splitlines()
    assert templates_dir.startswith(str(venv)), templates_dir
    assert "scatter" in kinds and "histogram" in kinds

    project = tmp_path / "project"
    project.mkdir()
    run(venv / "bin/vibew", "new", "scatter", "--exports", "selected_indices", cwd=project)
    run(
        venv / "bin/vibew", "new", "histogram", "--imports", "scatter.selected_indices", cwd=project
    )
    for name in ("scatter.py", "scatter.js", "histogram.js", "_traits.py", "wiring.py"):
        assert (project / "widgets" / name).is_file(), name
