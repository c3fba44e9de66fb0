"""Browser harness: a generated widget's JS in a static page with a fake model (no Jupyter).

    harness   function  Harness on a fresh page: .mount(js, state, css), .saved(), .last_saved(),
                        .from_python(name, value), .cleanup(), .errors; one Chromium (Debian's)
                        serves the session.
    three_js  function  skips (fails under CI=true) when the local three.js copy is missing.

Each test takes ~1 s. Like tests/e2e, the tests skip when Chromium cannot start, and fail
under CI=true.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from helpers import cannot_start

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("VIBEW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
ORIGIN = "http://harness.test"
# three.js as the templates import it, served from the npm copy the e2e tests install.
THREE_URL = re.compile(r"^https://esm\.sh/three@0\.160\.0$")
# The templates' row-selection helpers: savedRows reads a saved selection with rowIndices.
INDICES_FILE = HERE.parent.parent / "templates" / "_shared" / "indices.js"
THREE_FILE = HERE.parent / "e2e" / "js" / "node_modules" / "three" / "build" / "three.module.js"


@dataclass
class Harness:
    page: Any
    errors: list[str] = field(default_factory=list)

    def mount(self, js: str, state: dict[str, Any], css: str = "") -> None:
        """Render the widget module `js` with a model holding `state`, styled by `css`."""
        self.page.evaluate("([js, state, css]) => mount(js, state, css)", [js, state, css])

    def mount_with_table(
        self, js: str, state: dict[str, Any], columns: list[dict], css: str = ""
    ) -> None:
        """Like mount, with `data` = `columns` encoded as `Table` sends a DataFrame."""
        self.page.evaluate(
            "([js, state, columns, css]) =>"
            " mount(js, { ...state, data: encodeTable(columns) }, css)",
            [js, state, columns, css],
        )

    def saved(self) -> list[dict[str, Any]]:
        """What each save_changes() sent, oldest first (typed arrays come back as dicts)."""
        return self.page.evaluate("widget.model.saved")

    def last_saved(self) -> dict[str, Any] | None:
        """What the latest save_changes() sent (cheaper than `saved()` when values are big)."""
        return self.page.evaluate("widget.model.saved.at(-1) ?? null")

    def save_count(self) -> int:
        return self.page.evaluate("widget.model.saved.length")

    def from_python(self, name: str, value: Any) -> None:
        """Set a trait as the kernel would: the model changes and listeners run, nothing saved."""
        self.page.evaluate("([name, value]) => widget.model.fromPython(name, value)", [name, value])

    def cleanup(self) -> int:
        """Remove the view as anywidget does (abort its signal, empty its element); the
        number of model listeners left afterwards."""
        return self.page.evaluate("widget.cleanup(), widget.model.listenerCount()")

    def render_returned(self) -> Any:
        """What render() returned: nothing, as cleanup goes through the signal."""
        return self.page.evaluate("widget.returned ?? null")


@pytest.fixture(scope="session")
def _browser(playwright_driver):
    if not Path(CHROMIUM).exists():
        cannot_start(f"{CHROMIUM} not found (apt-get install -y chromium)")
    try:
        browser = playwright_driver.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as exc:
        cannot_start(f"Chromium did not start: {exc}")
    yield browser
    browser.close()


def _serve_page(route) -> None:
    if route.request.url == f"{ORIGIN}/saved-rows.js":
        # The templates' rowIndices in a scope of its own: a widget that lacks it still fails.
        body = (
            f"window.savedRows = (() => {{\n{INDICES_FILE.read_text()}\n"
            "return (value) => Array.from(rowIndices(value));\n})();\n"
        )
        route.fulfill(body=body, content_type="text/javascript")
        return
    route.fulfill(body=(HERE / "index.html").read_text(), content_type="text/html")


def _serve_three(route) -> None:
    if not THREE_FILE.is_file():
        route.fulfill(status=404, body=f"{THREE_FILE} missing: npm ci --prefix tests/e2e/js")
        return
    route.fulfill(
        body=THREE_FILE.read_text(),
        content_type="text/javascript",
        headers={"Access-Control-Allow-Origin": "*"},
    )


@pytest.fixture
def three_js() -> None:
    """For widgets that import three.js: skip (fail under CI=true) when its copy is missing."""
    if not THREE_FILE.is_file():
        cannot_start(f"{THREE_FILE} missing (npm ci --prefix tests/e2e/js)")


@pytest.fixture
def harness(_browser):
    context = _browser.new_context(viewport={"width": 900, "height": 700})
    context.route(f"{ORIGIN}/**", _serve_page)
    context.route(THREE_URL, _serve_three)
    page = context.new_page()
    page.set_default_timeout(10_000)
    result = Harness(page)
    page.on("pageerror", lambda exc: result.errors.append(f"pageerror: {exc}"))
    page.on(
        "console",
        lambda msg: (
            result.errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.goto(f"{ORIGIN}/index.html")
    yield result
    context.close()
