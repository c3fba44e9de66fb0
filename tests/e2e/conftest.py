"""Fixtures for browser end-to-end tests (real JupyterLab + Debian Chromium via Playwright).

    jupyter_server   session  JupyterServer on a tmp root: .base_url, .root_dir, .relpath(path)
    jupyter_dir      function fresh folder under the server root: put a notebook + widgets/ here
    browser_context  session  persistent Chromium context with CDN stand-in routes
    page             function new tab; page errors collected; kernels shut down afterwards
    page_errors      function list of that page's errors -> assert_no_page_errors(page_errors)

Helpers (import from ``lab`` beside this file): open_and_run_notebook, run_code, screenshot,
assert_no_page_errors, write_notebook, cannot_start. See lab.py.
"""

from __future__ import annotations

from pathlib import Path

import lab
import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "e2e: browser end-to-end test (JupyterLab + Chromium), ~10 s each"
    )


def pytest_collection_modifyitems(items):
    # One worker runs every browser test, so one JupyterLab and one Chromium serve them all.
    for item in items:
        if "tests/e2e/" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group("jupyterlab"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)  # lets `page` know at teardown whether the test failed


@pytest.fixture(scope="session", autouse=True)
def _screenshot_dir(tmp_path_factory):
    lab.SCREENSHOT_DIR = tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("jupyter_root")
    work = tmp_path_factory.mktemp("jupyter_state")
    server, problem = None, None
    try:
        server = lab.start_jupyter(root, work)
    except Exception as exc:
        problem = f"JupyterLab did not start: {exc}"
    if problem:
        lab.cannot_start(problem)  # outside `except`: no chained traceback in the report
    yield server
    server.stop()


@pytest.fixture
def jupyter_dir(jupyter_server, request) -> Path:
    """A fresh folder under the server root, named after the test (the notebook's kernel cwd)."""
    name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in request.node.name)[:60]
    path = jupyter_server.root_dir / name
    n = 1
    while path.exists():
        n += 1
        path = jupyter_server.root_dir / f"{name}-{n}"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def browser_context(playwright_driver, tmp_path_factory):
    ctx, problem = None, None
    try:
        ctx = lab.launch_browser(playwright_driver, tmp_path_factory.mktemp("chromium_profile"))
    except Exception as exc:
        problem = f"Chromium did not start: {exc}"
    if problem:
        lab.cannot_start(problem)
    yield ctx
    ctx.close()


@pytest.fixture
def page(browser_context, jupyter_server, request):
    pg = browser_context.new_page()
    pg.set_default_timeout(30_000)
    pg._vibew_errors = lab.collect_page_errors(pg)
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        try:
            shot = lab.screenshot(pg, request.node.name)
            outputs = lab.notebook_outputs(pg)
        except Exception as exc:
            shot, outputs = f"(no screenshot: {exc})", ""
        errors = "\n".join(pg._vibew_errors) or "(none)"
        rep.sections.append(
            ("e2e diagnostics", f"screenshot: {shot}\npage errors:\n{errors}\ncells:\n{outputs}")
        )
    pg.close()
    jupyter_server.shutdown_kernels()


@pytest.fixture
def page_errors(page) -> list[str]:
    return page._vibew_errors
