"""Helpers for browser end-to-end tests: a real JupyterLab server driven by Playwright.

Recipe and pitfalls: shared docs TESTING.md (Debian Chromium through ``executable_path``,
no network except the package registries, root needs ``--allow-root``).

The pytest fixtures that wrap these helpers live in ``conftest.py`` beside this file.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from helpers import cannot_start  # noqa: F401  (re-exported for the e2e tests)

HERE = Path(__file__).resolve().parent
JS_ROOT = HERE / "js" / "node_modules"

CHROMIUM = os.environ.get("VIBEW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SERVER_START_TIMEOUT = 90  # seconds until /api/status must answer
KERNEL_IDLE_TIMEOUT = 60_000  # ms
RUN_TIMEOUT = 120  # seconds for "Run All" / one run_code cell

# The README's pictures, which save_screenshots() remakes with VIBEW_UPDATE_SCREENSHOTS=1.
DOCS_SCREENSHOTS = HERE.parent.parent / "docs" / "screenshots"

# Where screenshot() writes; conftest points this at pytest's tmp dir at session start.
SCREENSHOT_DIR: Path | None = None


# --------------------------------------------------------------------------- start failures


# --------------------------------------------------------------------------- jupyter server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))


def prepare_jupyter_dirs(base: Path, python: str = sys.executable) -> dict[str, str]:
    """Make isolated Jupyter config/data/runtime dirs under ``base``; return the env vars.

    - a ``python3`` kernelspec pointing at ``python`` (the interpreter running pytest), so the
      kernel sees the same packages as the tests whatever PATH says;
    - lab user settings: no news fetching / update checks (no network here) and notebook
      windowing mode "none" (JupyterLab 4 otherwise leaves off-screen cells out of the DOM).
    """
    config, data, runtime = base / "config", base / "data", base / "runtime"
    for d in (config, data, runtime):
        d.mkdir(parents=True, exist_ok=True)
    _write_json(
        data / "kernels" / "python3" / "kernel.json",
        {
            "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "metadata": {"debugger": True},
        },
    )
    settings = config / "lab" / "user-settings" / "@jupyterlab"
    _write_json(
        settings / "apputils-extension" / "notification.jupyterlab-settings",
        {"fetchNews": "false", "checkForUpdates": False},
    )
    _write_json(
        settings / "notebook-extension" / "tracker.jupyterlab-settings", {"windowingMode": "none"}
    )
    return {
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_DATA_DIR": str(data),
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "IPYTHONDIR": str(base / "ipython"),
    }


@dataclass
class JupyterServer:
    """A running ``jupyter lab``; ``root_dir`` is the folder it serves."""

    root_dir: Path
    port: int
    proc: subprocess.Popen
    log_path: Path
    env: dict = field(repr=False, default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def relpath(self, path: Path | str) -> str:
        """Path of a file under ``root_dir`` as used in ``/lab/tree/<relpath>`` URLs."""
        return Path(path).resolve().relative_to(self.root_dir.resolve()).as_posix()

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def api(self, method: str, path: str, timeout: float = 10):
        req = urllib.request.Request(self.base_url + path, method=method)
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Delete every session and kernel (a test's kernels must not eat the next test's CPU)."""
        try:
            for s in self.api("GET", "/api/sessions"):
                self.api("DELETE", f"/api/sessions/{s['id']}")
            for k in self.api("GET", "/api/kernels"):
                self.api("DELETE", f"/api/kernels/{k['id']}")
        except (OSError, ValueError):
            pass

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.shutdown_kernels()
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass


def start_jupyter(root_dir: Path, work_dir: Path, python: str = sys.executable) -> JupyterServer:
    """Start JupyterLab serving ``root_dir`` (state in ``work_dir``) and wait for /api/status.

    Raises RuntimeError (with the server log) if it does not come up.
    """
    root_dir = Path(root_dir).resolve()
    work_dir = Path(work_dir)
    env = {**os.environ, **prepare_jupyter_dirs(work_dir, python)}
    env.pop("JUPYTER_PATH", None)
    port = free_port()
    log_path = work_dir / "jupyter.log"
    cmd = [
        python,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={root_dir}",
        "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=root_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # own process group: killpg at teardown
        )
    server = JupyterServer(root_dir=root_dir, port=port, proc=proc, log_path=log_path, env=env)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{server.log_tail()}")
        try:
            server.api("GET", "/api/status", timeout=2)
            return server
        except (OSError, ValueError):
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(
        f"jupyter lab did not answer /api/status in {SERVER_START_TIMEOUT}s:\n{server.log_tail()}"
    )


def write_notebook(path: Path | str, cells: Iterable) -> Path:
    """Write a notebook of code strings (or nbformat cells) with the python3 kernelspec.

    The kernelspec metadata matters: without it JupyterLab asks which kernel to use.
    """
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(
        cells=[new_code_cell(c) if isinstance(c, str) else c for c in cells],
        metadata={
            "kernelspec": {
                "name": "python3",
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
            },
            "language_info": {"name": "python"},
        },
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


# --------------------------------------------------------------------------- browser


def launch_browser(playwright, profile_dir: Path):
    """A persistent Chromium context (Debian's Chromium; ``playwright install`` fails here)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} not found (apt-get install -y chromium)")
    ctx = playwright.chromium.launch_persistent_context(
        str(profile_dir),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900},
    )
    install_cdn_routes(ctx)
    return ctx


# CDN stand-ins: package -> (version prefix that is served, entry file inside the npm package).
# Add a package here after `npm install --prefix tests/e2e/js <pkg>@<version>` (bundle it first
# with esbuild if its ESM build imports bare names, as d3 does).
CDN_PACKAGES = {"three": ("0.160", "build/three.module.js")}

_ESM_SH = re.compile(
    r"^https://esm\.sh/(?:v\d+/)?(?P<pkg>[a-z0-9._-]+)@(?P<ver>[^/?#]+)(?P<sub>/[^?#]*)?"
)
_JSDELIVR = re.compile(
    r"^https://cdn\.jsdelivr\.net/npm/(?P<pkg>[a-z0-9._-]+)@(?P<ver>[^/?#]+)(?P<sub>/[^?#]*)?"
)
_CDN_HOSTS = re.compile(r"^https://(esm\.sh|cdn\.jsdelivr\.net|unpkg\.com|cdn\.skypack\.dev)/")


def _cdn_file(url: str) -> tuple[Path, str | None] | None:
    """Local file standing in for a CDN URL, and the esm.sh version to point its bare imports at.

    esm.sh rewrites ``from "three"`` inside sub-modules (``three@0.160.0/examples/jsm/...``) to its
    own URL of the same version; we do the same, so the page gets one three.js instance.
    """
    for pattern, is_esm_sh in ((_ESM_SH, True), (_JSDELIVR, False)):
        m = pattern.match(url)
        if not m or m["pkg"] not in CDN_PACKAGES:
            continue
        prefix, entry = CDN_PACKAGES[m["pkg"]]
        if not (m["ver"] == prefix or m["ver"].startswith(prefix + ".")):
            return None
        sub = (m["sub"] or "").strip("/")
        if sub in ("", "+esm", entry):
            return JS_ROOT / m["pkg"] / entry, None
        path = JS_ROOT / m["pkg"] / sub
        if path.is_file():
            return path, (m["ver"] if is_esm_sh else None)
    return None


def _rewrite_bare_imports(source: str, version: str) -> str:
    for pkg in CDN_PACKAGES:
        source = re.sub(
            rf"""(from\s*|import\s*\(?\s*)(['"]){re.escape(pkg)}\2""",
            lambda m, pkg=pkg: f"{m[1]}{m[2]}https://esm.sh/{pkg}@{version}{m[2]}",
            source,
        )
    return source


def _serve_cdn(route) -> None:
    url = route.request.url
    hit = _cdn_file(url)
    if hit is None or not hit[0].is_file():
        # No network here: answer at once (not after a DNS failure) and say what to do.
        route.fulfill(
            status=404,
            content_type="text/plain",
            headers={"Access-Control-Allow-Origin": "*"},
            body=f"e2e: no local stand-in for {url}; add one to CDN_PACKAGES in {__file__}",
        )
        return
    path, esm_version = hit
    body = path.read_text()
    if esm_version:
        body = _rewrite_bare_imports(body, esm_version)
    route.fulfill(
        status=200,
        body=body,
        content_type="text/javascript; charset=utf-8",
        headers={"Access-Control-Allow-Origin": "*"},
    )


def install_cdn_routes(context) -> None:
    """Serve CDN module URLs (esm.sh, jsdelivr) from the local npm copies under tests/e2e/js."""
    context.route(_CDN_HOSTS, _serve_cdn)


# Console errors that JupyterLab itself logs on this offline machine and that say nothing about
# the code under test. Keep each entry exact and explain it.
KNOWN_BENIGN_CONSOLE_ERRORS: list[re.Pattern] = []


def collect_page_errors(page) -> list[str]:
    """Record uncaught page exceptions and console errors of ``page`` in the returned list."""
    errors: list[str] = []

    def on_console(msg):
        if msg.type != "error":
            return
        text = msg.text
        if any(p.search(text) for p in KNOWN_BENIGN_CONSOLE_ERRORS):
            return
        loc = msg.location or {}
        where = f" ({loc.get('url')}:{loc.get('lineNumber')})" if loc.get("url") else ""
        errors.append(f"console.error: {text}{where}")

    page.on(
        "pageerror",
        lambda exc: errors.append(f"pageerror: {exc}\n{getattr(exc, 'stack', '') or ''}".rstrip()),
    )
    page.on("console", on_console)
    return errors


def assert_no_page_errors(page_errors: list[str]) -> None:
    """Fail with every collected page error. Call at the end of every browser test."""
    assert not page_errors, "errors in the page:\n" + "\n".join(f"- {e}" for e in page_errors)


def save_screenshots(page, pattern: str, *widgets) -> Path:
    """A full-page screenshot under pytest's tmp dir (returned, for failure messages); with
    VIBEW_UPDATE_SCREENSHOTS=1 also the notebook cells holding `widgets`, cropped, as
    docs/screenshots/<pattern>.png."""
    shot = screenshot(page, pattern)
    if os.environ.get("VIBEW_UPDATE_SCREENSHOTS") == "1":
        boxes = [page.locator(".jp-Cell", has=widget).bounding_box() for widget in widgets]
        left = min(b["x"] for b in boxes)
        top = min(b["y"] for b in boxes)
        right = max(b["x"] + b["width"] for b in boxes)
        bottom = max(b["y"] + b["height"] for b in boxes)
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.mouse.move(0, 0)  # no hover effects in the picture
        page.screenshot(
            path=str(DOCS_SCREENSHOTS / f"{pattern}.png"),
            clip={"x": left, "y": top, "width": right - left, "height": bottom - top},
        )
    return shot


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under pytest's tmp dir; return its path (put it in failure messages)."""
    directory = SCREENSHOT_DIR or Path(tempfile.gettempdir()) / "vibew-e2e-screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "page"
    path = directory / f"{safe}.png"
    n = 1
    while path.exists():
        n += 1
        path = directory / f"{safe}-{n}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --------------------------------------------------------------------------- notebook driving

_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"

# JupyterLab renders a traceback as a stderr output like any stderr text; IPython colours the
# exception name red, plain stderr writes (warnings, logging) are not coloured.
_ERROR_SEL = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"] .ansi-red-fg'

# State of the visible notebook: one entry per code cell, plus kernel status text.
_STATE_JS = (
    """(sel) => {
  const ERROR_SEL = '"""
    + _ERROR_SEL
    + """';
  const nb = document.querySelector(sel);
  if (!nb) return null;
  const cells = [...nb.querySelectorAll(':scope .jp-Cell.jp-CodeCell')].map((c) => ({
    prompt: (c.querySelector('.jp-InputArea-prompt')?.textContent || '').trim(),
    source: (c.querySelector('.cm-content')?.innerText || '').trim(),
    error: !!c.querySelector(ERROR_SEL),
  }));
  const status = document.querySelector('#jp-main-statusbar')?.textContent || '';
  return {cells, status};
}"""
)


def _state(page) -> dict:
    return page.evaluate(_STATE_JS, _NOTEBOOK) or {"cells": [], "status": ""}


def notebook_outputs(page) -> str:
    """Text of every cell's input and output of the visible notebook (for failure messages)."""
    texts = page.evaluate(
        """(sel) => {
          const text = (c, s) => c.querySelector(s)?.innerText || '';
          const cells = document.querySelector(sel)?.querySelectorAll(':scope .jp-Cell') || [];
          return [...cells].map((c, i) =>
            `--- cell ${i} ${text(c, '.jp-InputArea-prompt').trim()}\\n` +
            `${text(c, '.cm-content')}\\n>>> ${text(c, '.jp-OutputArea')}`);
        }""",
        _NOTEBOOK,
    )
    return "\n".join(texts)


def _executed(prompt: str) -> bool:
    return re.fullmatch(r"\[\d+\]:?", prompt) is not None


def wait_for_kernel_idle(page, timeout: float = KERNEL_IDLE_TIMEOUT) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#jp-main-statusbar")).to_contain_text(
        re.compile(r"\|\s*Idle"), timeout=timeout
    )


def _dismiss_kernel_dialog(page) -> None:
    """Accept the 'Select Kernel' dialog (notebooks without kernelspec metadata ask for one)."""
    dialog = page.locator(".jp-Dialog")
    if dialog.count() and "kernel" in dialog.inner_text().lower():
        dialog.locator(".jp-mod-accept").click()


def wait_until_executed(page, timeout: float = RUN_TIMEOUT) -> None:
    """Wait until no cell is running and every non-empty code cell has an execution count.

    Raises AssertionError at once (with all outputs) when a cell failed and stopped the run.
    """
    deadline = time.monotonic() + timeout
    while True:
        st = _state(page)
        running = any(c["prompt"].startswith("[*]") for c in st["cells"])
        pending = [c for c in st["cells"] if c["source"] and not _executed(c["prompt"])]
        idle = re.search(r"\|\s*Idle", st["status"]) is not None
        if st["cells"] and not running and idle:
            if not pending:
                return
            if any(c["error"] for c in st["cells"]):
                raise AssertionError("a cell raised; the run stopped:\n" + notebook_outputs(page))
        if time.monotonic() > deadline:
            raise AssertionError(
                f"cells still not executed after {timeout}s:\n" + notebook_outputs(page)
            )
        page.wait_for_timeout(200)


def open_and_run_notebook(page, base_url: str, relpath: str, timeout: float = RUN_TIMEOUT) -> None:
    """Open ``relpath`` (relative to the server root) in JupyterLab, Run All, wait until done."""
    # ?reset: start from an empty workspace, not the tabs a previous test left open.
    page.goto(f"{base_url}/lab/tree/{relpath}?reset")
    page.locator(_NOTEBOOK).wait_for(timeout=KERNEL_IDLE_TIMEOUT)
    deadline = time.monotonic() + KERNEL_IDLE_TIMEOUT / 1000
    while time.monotonic() < deadline:
        _dismiss_kernel_dialog(page)
        if re.search(r"\|\s*Idle", _state(page)["status"]):
            break
        page.wait_for_timeout(200)
    wait_for_kernel_idle(page)
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    # The status bar may still say Idle before the first busy message: wait on the prompts too.
    wait_until_executed(page, timeout)


def run_code(page, code: str, timeout: float = RUN_TIMEOUT, allow_error: bool = False) -> str:
    """Run ``code`` in the open notebook's kernel (in a new last cell); return its output text.

    Raises AssertionError when the code raises, unless ``allow_error``.
    """
    cells = page.locator(f"{_NOTEBOOK} .jp-Cell")
    n = cells.count()
    page.keyboard.press("Escape")  # leave any editor
    cells.nth(n - 1).locator(".jp-InputArea-prompt").click()  # select last cell in command mode
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # insert cell below (becomes active, command mode)
    cells.nth(n).wait_for()
    cell = cells.nth(n)
    cell.locator(".cm-content").click()
    page.keyboard.insert_text(code)
    page.keyboard.press("Control+Enter")  # run in place (Shift+Enter would add yet another cell)
    prompt = cell.locator(".jp-InputArea-prompt")
    deadline = time.monotonic() + timeout
    while not _executed(prompt.inner_text().strip()):
        if time.monotonic() > deadline:
            raise AssertionError(
                f"run_code did not finish in {timeout}s:\n{code}\n" + notebook_outputs(page)
            )
        page.wait_for_timeout(100)
    wait_for_kernel_idle(page)
    out = cell.locator(".jp-OutputArea")
    text = out.inner_text() if out.count() else ""
    if not allow_error and cell.locator(_ERROR_SEL).count():
        raise AssertionError(f"run_code raised:\n{code}\n>>> {text}")
    return text.strip()


# --------------------------------------------------------------------------- driving widgets


def drag(page, locator, start: tuple[float, float], end: tuple[float, float], steps: int = 10):
    """Press, move and release the left button between two points given as fractions of the
    element's box."""
    box = locator.bounding_box()
    assert box, f"{locator} is not visible"

    def at(fx: float, fy: float) -> tuple[float, float]:
        return box["x"] + fx * box["width"], box["y"] + fy * box["height"]

    page.mouse.move(*at(*start))
    page.mouse.down()
    page.mouse.move(*at(*end), steps=steps)
    page.mouse.up()


def start_code(page, code: str) -> None:
    """Run ``code`` in a new last cell without waiting for it: the kernel stays busy while
    the test works the page (``wait_until_executed`` waits for it afterwards)."""
    cells = page.locator(f"{_NOTEBOOK} .jp-Cell")
    n = cells.count()
    page.keyboard.press("Escape")
    cells.nth(n - 1).locator(".jp-InputArea-prompt").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    cells.nth(n).wait_for()
    cells.nth(n).locator(".cm-content").click()
    page.keyboard.insert_text(code)
    page.keyboard.press("Control+Enter")
    # Started: its prompt shows [*] (the kernel has it) before the call returns.
    prompt = cells.nth(n).locator(".jp-InputArea-prompt")
    deadline = time.monotonic() + RUN_TIMEOUT
    while "*" not in prompt.inner_text():
        if time.monotonic() > deadline:
            raise AssertionError(f"start_code: the cell never started:\n{code}")
        page.wait_for_timeout(50)
