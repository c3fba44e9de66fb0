"""`vibew preview` of a painter: the inspector shows its heightmap as the grid `Grid` sends
(a shape and a float32 buffer), and a list of rows typed there reaches the painter."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import cannot_start, run_vibew

CHROMIUM = os.environ.get("VIBEW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]


@pytest.mark.timeout(60)
def test_preview_shows_a_grid_and_sets_one_from_rows(tmp_path: Path, playwright_driver) -> None:
    if not Path(CHROMIUM).exists():
        cannot_start(f"{CHROMIUM} not found (apt-get install -y chromium)")
    assert run_vibew(tmp_path, "new", "painter", "--template", "painter").returncode == 0
    try:
        browser = playwright_driver.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as exc:
        cannot_start(f"Chromium did not start: {exc}")
    process = subprocess.Popen(
        [sys.executable, "-m", "vibewidget_cli", "preview", "painter", "--no-open", "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, f"no URL in {line!r}"
        page = browser.new_page(viewport={"width": 1000, "height": 700})
        page.set_default_timeout(10_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url.group(0))
        page.wait_for_function("window.preview?.mounts === 1")
        # An export starts empty: the painter shows flat ground, `size` cells a side.
        inspected = page.locator('[data-trait="heightmap"] [data-role=value]')
        assert inspected.inner_text().startswith("grid: 0 \N{MULTIPLICATION SIGN} 0 (float32")
        caption = page.locator(".painter .toolbar span")
        assert caption.inner_text() == "64 \N{MULTIPLICATION SIGN} 64 cells"

        page.get_by_label("set heightmap").fill("[[0.5, null, 0.5], [0.5, 0.5, 0.5]]")
        page.get_by_label("set heightmap").press("Enter")
        assert caption.inner_text() == "2 \N{MULTIPLICATION SIGN} 3 cells; 1 cell missing"
        assert errors == []
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
        browser.close()
