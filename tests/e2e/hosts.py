"""Hosts besides JupyterLab for the e2e tests: Jupyter Notebook 7 and marimo.

Each is one server on a folder of small projects (generated with `vibew new`, each widget
package under its own name, so that one marimo process can import them all), driven by the
Chromium of ``lab.py`` (its CDN stand-ins serve three.js, and its page-error collection).

    make_project(folder, example, package, *options)  the README commands of examples/<example>
    start_notebook7(root, work) -> lab.JupyterServer  `jupyter notebook` (Notebook 7) on root
    open_notebook7(page, server, path)                open a notebook there and run all cells
    run_cell(page, code) -> str                       run code in a new last cell; its output
    start_marimo(root) -> MarimoServer                `marimo run` on root (every notebook in it)
    marimo_notebook(path, cells)                      write a marimo notebook from cell sources
"""

from __future__ import annotations

import ast
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import lab
from helpers import run_vibew

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
sys.path.insert(0, str(EXAMPLES))
from regenerate import readme_commands  # noqa: E402  (examples/ is no package)

# Errors that a host logs on every page, widgets or not; each exact, each explained.
HOST_PAGE_ERRORS = {
    # Notebook 7.6.5 on JupyterLab 4.6.6: some of JupyterLab's settings fail validation
    # ("Settings failed to load for (@jupyterlab/application-extension:context-menu)"), and
    # the shortcuts plugin then reads the schema of the plugin that failed. It happens on
    # /tree with no notebook open; nothing of ours runs there.
    "notebook7": re.compile(
        r"^pageerror: Cannot read properties of undefined \(reading 'schema'\)\n"
        r"TypeError: .*\n\s+at \S+/static/notebook/notebook_core\.[0-9a-f]+\.js"
    ),
}


def page_errors(errors: list[str], host: str) -> list[str]:
    """The page errors that are not the host's own (see HOST_PAGE_ERRORS)."""
    benign = HOST_PAGE_ERRORS.get(host)
    return [error for error in errors if not (benign and benign.search(error))]


# --------------------------------------------------------------------------- projects


def make_project(folder: Path, example: str, package: str, *options: str) -> Path:
    """Run the `vibew` commands of examples/<example>/README.md in `folder` with the widgets in
    the package `package` (`--dir`), and `options` added to each command (say `--js`)."""
    folder.mkdir(parents=True, exist_ok=True)
    for args in readme_commands((EXAMPLES / example / "README.md").read_text()):
        done = run_vibew(folder, *args, "--dir", package, *options)
        assert done.returncode == 0, f"vibew {' '.join(args)}:\n{done.stdout}{done.stderr}"
    return folder


# --------------------------------------------------------------------------- Notebook 7


def start_notebook7(root_dir: Path, work_dir: Path) -> lab.JupyterServer:
    """Start Jupyter Notebook 7 serving `root_dir` (state in `work_dir`); wait for /api/status.

    Raises RuntimeError (with the server log) if it does not come up.
    """
    root_dir = Path(root_dir).resolve()
    env = {**os.environ, **lab.prepare_jupyter_dirs(Path(work_dir))}
    env.pop("JUPYTER_PATH", None)
    port = lab.free_port()
    log_path = Path(work_dir) / "notebook.log"
    command = [
        sys.executable,
        "-m",
        "notebook",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={root_dir}",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            command,
            cwd=root_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # own process group: killpg at teardown
        )
    server = lab.JupyterServer(root_dir=root_dir, port=port, proc=proc, log_path=log_path, env=env)
    _wait_until_up(proc, lambda: server.api("GET", "/api/status", timeout=2), server.log_tail)
    return server


_CELLS = ".jp-Notebook .jp-Cell.jp-CodeCell"
_PROMPT = ".jp-InputArea-prompt"
_TRACEBACK = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"] .ansi-red-fg'


def open_notebook7(page, server: lab.JupyterServer, path: Path, timeout: float = 120) -> None:
    """Open the notebook at `path` (under the server's root) in Notebook 7 and run all cells."""
    page.goto(f"{server.base_url}/notebooks/{server.relpath(path)}")
    cells = page.locator(_CELLS)
    cells.first.wait_for(timeout=60_000)
    # Run All before the kernel is connected runs nothing. The status says "Kernel
    # Initializing", then "Kernel Connecting", then fades out empty when the kernel is idle.
    page.wait_for_function(
        """() => {
          const status = document.querySelector(".jp-NotebookKernelStatus");
          const list = status?.classList;
          return list?.contains("jp-NotebookKernelStatus-fade") &&
            !list.contains("jp-NotebookKernelStatus-info") && !status.textContent;
        }""",
        timeout=60_000,
    )
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    deadline = time.monotonic() + timeout
    while True:
        prompts = [text.strip() for text in cells.locator(_PROMPT).all_inner_texts()]
        if prompts and all(re.fullmatch(r"\[\d+\]:", text) for text in prompts):
            return
        if page.locator(f"{_CELLS} {_TRACEBACK}").count():
            raise AssertionError(f"a cell raised:\n{notebook7_text(page)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"cells not run after {timeout} s:\n{notebook7_text(page)}")
        page.wait_for_timeout(200)


def run_cell(page, code: str, timeout: float = 60, wait: bool = True) -> str:
    """Run `code` in a new last cell of the open notebook; return its output text.

    Raises AssertionError when it raises. With `wait=False`, returns "" once the kernel has
    it (its prompt shows [*]): the kernel stays busy while the test works the page."""
    cells = page.locator(_CELLS)
    count = cells.count()
    page.keyboard.press("Escape")  # leave any editor
    cells.nth(count - 1).locator(_PROMPT).click()  # select the last cell, in command mode
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # a new cell below, active
    cell = cells.nth(count)
    cell.locator(".cm-content").click()
    page.keyboard.insert_text(code)
    page.keyboard.press("Control+Enter")  # run it in place
    deadline = time.monotonic() + timeout
    while not wait and "*" not in cell.locator(_PROMPT).inner_text():
        if time.monotonic() > deadline:
            raise AssertionError(f"never started:\n{code}\n{notebook7_text(page)}")
        page.wait_for_timeout(50)
    if not wait:
        return ""
    while not re.fullmatch(r"\[\d+\]:", cell.locator(_PROMPT).inner_text().strip()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not run after {timeout} s:\n{code}\n{notebook7_text(page)}")
        page.wait_for_timeout(100)
    output = cell.locator(".jp-OutputArea")
    text = output.inner_text().strip() if output.count() else ""
    if cell.locator(_TRACEBACK).count():
        raise AssertionError(f"raised:\n{code}\n>>> {text}")
    return text


def notebook7_text(page) -> str:
    """Each code cell's prompt, source and output (for failure messages)."""
    return "\n".join(
        page.locator(_CELLS).evaluate_all(
            """cells => cells.map((cell, i) => {
              const text = (selector) => cell.querySelector(selector)?.innerText || "";
              return `--- cell ${i} ${text(".jp-InputArea-prompt").trim()}\\n` +
                `${text(".cm-content")}\\n>>> ${text(".jp-OutputArea")}`;
            })"""
        )
    )


# --------------------------------------------------------------------------- marimo


@dataclass
class MarimoServer:
    """A running `marimo run` on a folder: every notebook in it at ``url(path)``."""

    root_dir: Path
    port: int
    proc: subprocess.Popen
    log_path: Path

    def url(self, path: Path) -> str:
        relative = Path(path).resolve().relative_to(self.root_dir).as_posix()
        return f"http://127.0.0.1:{self.port}/?file={relative}"

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        except ProcessLookupError:
            pass


def start_marimo(root_dir: Path, log_path: Path) -> MarimoServer:
    """Start `marimo run` on every notebook under `root_dir` and wait until it answers.

    Raises RuntimeError (with the server log) if it does not come up.
    """
    root_dir = Path(root_dir).resolve()
    port = lab.free_port()
    command = [
        sys.executable,
        "-m",
        "marimo",
        "run",
        str(root_dir),
        "--headless",
        "--no-token",
        "--no-sandbox",
        f"--port={port}",
        "--host=127.0.0.1",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            command,
            cwd=root_dir,
            env={**os.environ, "PYTHONNOUSERSITE": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = MarimoServer(root_dir=root_dir, port=port, proc=proc, log_path=Path(log_path))

    def answer() -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
            response.read()

    _wait_until_up(proc, answer, server.log_tail)
    return server


def marimo_notebook(path: Path, cells: list[str]) -> Path:
    """Write a marimo notebook of `cells` (Python sources; each may end in an expression,
    its output). Each cell's parameters and returns are the names it reads and defines."""
    defined: set[str] = set()
    names_of = []
    for source in cells:
        tree = ast.parse(source)
        defines = _defined_names(tree)
        reads = {
            node.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
        }
        names_of.append((sorted((reads & defined) - defines), sorted(defines)))
        defined |= defines
    parts = ["import marimo\n\napp = marimo.App()\n"]
    for source, (reads, defines) in zip(cells, names_of, strict=True):
        body = "\n".join(f"    {line}" if line else "" for line in source.splitlines())
        returns = f"    return ({', '.join(defines)},)" if defines else "    return"
        parts.append(f"\n@app.cell\ndef _({', '.join(reads)}):\n{body}\n{returns}\n")
    parts.append('\n\nif __name__ == "__main__":\n    app.run()\n')
    path.write_text("\n".join(parts))
    return path


def _defined_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


# --------------------------------------------------------------------------- shared


def _wait_until_up(proc: subprocess.Popen, answer, log_tail, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}:\n{log_tail()}")
        try:
            answer()
            return
        except (OSError, ValueError, urllib.error.URLError):
            time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=5)
    raise RuntimeError(f"the server did not answer in {timeout} s:\n{log_tail()}")
