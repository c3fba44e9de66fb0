"""Finding a browser: Playwright driving the system's Chromium, or Playwright's own.

`$VIBEW_CHROMIUM` names the executable to use; otherwise `/usr/bin/chromium`, then
`chromium`, `chromium-browser` and `google-chrome` on PATH, then the browser
`python -m playwright install chromium` downloads. When none starts, a `UserError` (exit 2)
says in one line how to get one. Playwright is optional: `pip install vibewidget-cli[browser]`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from typing import Any

from vibewidget_cli.errors import UserError

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
HOW = (
    "pip install playwright, then apt-get install chromium or python -m playwright install chromium"
)


class NoBrowser(UserError):
    """No browser could be started (exit 2)."""


def system_chromium() -> str | None:
    """The system's Chromium: $VIBEW_CHROMIUM, /usr/bin/chromium, or one on PATH."""
    named = os.environ.get("VIBEW_CHROMIUM")
    if named:
        return named
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def launch(driver: Any) -> Any:
    """A headless Chromium from a started Playwright `driver`; `NoBrowser` when none starts."""
    executable = system_chromium()
    errors = []
    for path in ([executable] if executable else []) + [None]:
        try:
            return driver.chromium.launch(executable_path=path, headless=True, args=ARGS)
        except Exception as error:  # Playwright's Error, or a missing executable
            errors.append(str(error).splitlines()[0] if str(error) else type(error).__name__)
    raise NoBrowser(f"no browser started ({'; '.join(errors)}): {HOW}")


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    """A Playwright Chromium for the duration of the block (Playwright started and stopped)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise NoBrowser(f"the browser check needs Playwright: {HOW}") from None
    try:
        driver = sync_playwright().start()
    except Exception as error:
        raise NoBrowser(f"Playwright did not start ({error}): {HOW}") from None
    try:
        chromium = launch(driver)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        driver.stop()
