"""Every widget of this project rendered in headless Chromium by `vibew check --browser`.

Each widget is mounted with synthetic values for its traits; a widget fails when its page
logs an error, when an export never changes however it is clicked, dragged or typed at, when
an import set from Python changes nothing on screen, or when it reaches the network. So CI
guards your edits.

Test-only: `pip install -e .[test]` brings the `vibew` command and Playwright (with Chromium
from your system, or `python -m playwright install chromium`). Nothing here imports vibew, and
the widgets package never needs it: without the command these tests are skipped (and fail
under CI=true, where a skip must not pass for green).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WIDGETS = sorted(
    tomllib.loads((ROOT / "vibew.toml").read_text(encoding="utf-8")).get("widgets", {})
)
VIBEW = shutil.which("vibew") or shutil.which(
    "vibew", path=str(Path(sys.executable).parent)
)


def cannot_run(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.mark.parametrize(
    "name",
    WIDGETS
    or [pytest.param(None, marks=pytest.mark.skip(reason="no widgets yet: vibew new"))],
)
def test_widget_runs_in_the_browser(name):
    if VIBEW is None:
        cannot_run("no vibew command: pip install -e .[test]")
    done = subprocess.run(
        [VIBEW, "check", "--browser", name],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if (
        done.returncode == 2
    ):  # no browser, or no Playwright: one line says how to get one
        cannot_run(done.stderr.strip())
    assert done.returncode == 0, done.stdout + done.stderr
