"""Fixtures shared by the unit tests: a project folder and the real `vibew` command."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import cannot_start

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty folder to run vibew in."""
    folder = tmp_path / "project"
    folder.mkdir()
    return folder


@pytest.fixture
def vibew(project: Path):
    """Run the real CLI (`python -m vibewidget_cli ...`) in the project folder."""

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
        done = subprocess.run(
            [sys.executable, "-m", "vibewidget_cli", *args],
            cwd=cwd or project,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright per test process, shared by the harness and e2e tests: its sync API
    refuses to start a second one while the first runs."""
    try:
        from playwright.sync_api import sync_playwright

        driver = sync_playwright().start()
    except Exception as exc:  # an import error or a driver that does not start
        cannot_start(f"Playwright did not start: {exc}")
    yield driver
    driver.stop()
