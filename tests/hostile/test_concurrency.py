"""Two commands at once in one project: neither loses the other's work.

Without the project lock, `vibew new aa ... & vibew new bb ...` left one widget in vibew.toml in
12 of 50 runs, and crashed with FileNotFoundError on the journal in 4.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib

from vibewidget_cli.lock import lock_path, project_lock


def start(project, *args, env=None):
    return subprocess.Popen(
        [sys.executable, "-m", "vibewidget_cli", *args],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_twenty_pairs_of_commands_at_once_keep_both_widgets(project):
    for pair in range(20):
        first = start(project, "new", f"aa{pair}", "-t", "generic", "-e", f"x{pair}:int")
        second = start(project, "new", f"bb{pair}", "-t", "generic", "-e", f"y{pair}:int")
        for process in (first, second):
            _, stderr = process.communicate(timeout=120)
            assert process.returncode == 0, stderr
            assert "Traceback" not in stderr
        widgets = tomllib.loads((project / "vibew.toml").read_text())["widgets"]
        assert {f"aa{pair}", f"bb{pair}"} <= set(widgets), f"pair {pair}: {sorted(widgets)}"
    manifest = tomllib.loads((project / "vibew.toml").read_text())
    assert len(manifest["widgets"]) == 40
    for name in manifest["widgets"]:
        assert (project / f"widgets/{name}.py").is_file()
        assert f"widgets/{name}.js" in manifest["files"]
    init = (project / "widgets/__init__.py").read_text()
    assert all(f"from .{name} import" in init for name in manifest["widgets"])
    assert not (project / ".vibew/pending.json").exists()


def test_a_command_waits_for_the_lock_then_writes(project):
    with project_lock(project):
        waiting = start(project, "new", "w", "-t", "generic")
        time.sleep(1.5)
        assert waiting.poll() is None, "it did not wait for the lock"
        assert not (project / "vibew.toml").exists()
    _, stderr = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, stderr
    assert "waiting for another vibew command in this project" in stderr
    assert (project / "widgets/w.js").is_file()


def test_a_command_gives_up_after_the_timeout_with_one_line_and_writes_nothing(project):
    with project_lock(project):
        done = start(project, "new", "w", "-t", "generic", env={"VIBEW_LOCK_TIMEOUT": "0.5"})
        _, stderr = done.communicate(timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in stderr
    assert (
        stderr.strip()
        .splitlines()[-1]
        .startswith("error: another vibew command is still working in")
    )
    assert list(project.iterdir()) == []


def test_the_lock_writes_nothing_into_the_project_and_follows_symlinks(project, tmp_path):
    link = tmp_path / "through-a-link"
    link.symlink_to(project)
    assert lock_path(link) == lock_path(project)
    assert not lock_path(project).is_relative_to(project)


def test_a_bad_lock_timeout_is_one_line(project):
    done = start(project, "list", env={"VIBEW_LOCK_TIMEOUT": "soon"})
    _, stderr = done.communicate(timeout=120)
    assert done.returncode == 2
    assert stderr.strip() == "error: VIBEW_LOCK_TIMEOUT='soon' is not a number of seconds"
