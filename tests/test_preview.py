"""`vibew preview`: the real CLI serves a generated scatter with synthetic data; in Chromium the
widget renders, the inspector shows and sets its traits, a brush in the widget shows in the
inspector, an edit to scatter.js or scatter.css re-mounts it without a page reload (trait values
kept), and SIGINT stops the server with exit 0. Also: a bad name and a port in use are one line
and exit 2, and the project lock is free while the preview serves."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import cannot_start, generate_flights, run_vibew

CHROMIUM = os.environ.get("VIBEW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
SCREENSHOT = os.environ.get("VIBEW_PREVIEW_SCREENSHOT")  # a path: save the page there


@pytest.fixture
def flights(tmp_path: Path) -> Path:
    generate_flights(tmp_path)
    return tmp_path


def _start(project: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "vibewidget_cli", "preview", "scatter", "--no-open", *args],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()  # type: ignore[union-attr]
    found = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if found is None:
        process.kill()
        pytest.fail(f"no URL in {line!r}: {process.stderr.read()}")  # type: ignore[union-attr]
    return process, found.group(0)


def _inspected(page, name: str) -> str:
    return page.locator(f'[data-trait="{name}"] [data-role=value]').inner_text()


@pytest.mark.timeout(60)
def test_preview_renders_inspects_sets_and_reloads(flights: Path, playwright_driver) -> None:
    if not Path(CHROMIUM).exists():
        cannot_start(f"{CHROMIUM} not found (apt-get install -y chromium)")
    try:
        browser = playwright_driver.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as exc:
        cannot_start(f"Chromium did not start: {exc}")
    process, url = _start(flights, "--port", "0")
    try:
        assert run_vibew(flights, "list").returncode == 0  # the lock is not held while serving
        page = browser.new_page(viewport={"width": 1000, "height": 560})
        page.set_default_timeout(10_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url)
        page.wait_for_function("window.preview?.mounts === 1")
        caption = page.get_by_role("status").last
        assert "200 rows" in caption.inner_text()
        shown = page.locator("[data-trait]").evaluate_all("els => els.map(e => e.dataset.trait)")
        assert set(shown) >= {"data", "x", "y", "width", "height", "selected_indices"}
        assert _inspected(page, "data").startswith("table: 200 rows")
        assert _inspected(page, "selected_indices") == "[]"

        # The inspector sets a trait as Python would; the widget follows.
        page.get_by_label("set selected_indices").fill("[0, 1, 2]")
        page.get_by_label("set selected_indices").press("Enter")
        page.wait_for_function(
            "document.querySelector('#widget [role=status]').textContent.startsWith('3 of')"
        )
        page.get_by_label("set width").fill("420")
        page.get_by_label("set width").press("Enter")
        assert page.locator("#widget svg").get_attribute("width") == "420"

        page.get_by_label("set x").fill("count")
        page.get_by_label("set x").press("Enter")
        assert page.locator("#widget svg").get_attribute("aria-label") == "value against count"
        page.get_by_label("set x").fill("")
        page.get_by_label("set x").press("Enter")

        # A brush in the widget: its export shows in the inspector.
        box = page.locator("#widget svg").bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + 70, box["y"] + 20)
        page.mouse.down()
        page.mouse.move(box["x"] + 300, box["y"] + 280, steps=5)
        page.mouse.up()
        page.wait_for_function(
            "!['[]', '[0,1,2]'].includes(document.querySelector("
            "'[data-trait=selected_indices] [data-role=value]').textContent)"
        )
        brushed = _inspected(page, "selected_indices")
        assert len(brushed) > 4

        # An edit on disk re-mounts the widget in this page, with the same trait values.
        page.evaluate("window.keep = 'same page'; window.before = window.widget")
        js = flights / "widgets" / "scatter.js"
        text = js.read_text()
        edited = text.replace(
            'el.classList.add("scatter");',
            'el.classList.add("scatter");\n  el.dataset.marker = "edited";',
        )
        assert edited != text
        js.write_text(edited)
        page.wait_for_selector("#widget[data-marker=edited]")
        css = flights / "widgets" / "scatter.css"
        css.write_text(css.read_text() + "\n.scatter { outline: 3px solid rgb(255, 0, 0); }\n")
        page.wait_for_function(
            "getComputedStyle(document.querySelector('#widget')).outlineColor === 'rgb(255, 0, 0)'"
        )
        assert page.evaluate("window.keep") == "same page"
        assert page.evaluate("window.before !== window.widget")
        assert page.evaluate("window.before.model.listenerCount()") == 0  # the old view went
        assert page.evaluate("window.preview.mounts") >= 3
        assert _inspected(page, "selected_indices") == brushed
        assert page.locator("#widget svg").get_attribute("width") == "420"
        assert "of 200 rows selected" in caption.inner_text()
        if SCREENSHOT:
            page.screenshot(path=SCREENSHOT)
        assert errors == []
    finally:
        browser.close()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert out.strip() == "stopped", out
    assert err == ""


def test_preview_refuses_a_bad_name_and_a_port_in_use(flights: Path) -> None:
    done = run_vibew(flights, "preview", "nosuch", "--no-open", "--port", "0")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no widget 'nosuch'" in done.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = run_vibew(flights, "preview", "scatter", "--no-open", "--port", port)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and f"127.0.0.1:{port}" in done.stderr
    assert done.stdout == ""
