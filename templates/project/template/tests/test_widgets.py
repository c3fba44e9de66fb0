"""Every widget of this project rendered in headless Chromium by vibew's browser check.

Each widget is mounted with synthetic values for its traits; a widget fails when its page
logs an error, when an export never changes however it is clicked, dragged or typed at, when
an import set from Python changes nothing on screen, or when it reaches the network. This is
`vibew check --browser` as a test, so CI guards your edits.

Test-only: `pip install -e .[test]` brings vibew and Playwright (with Chromium from your
system, or `python -m playwright install chromium`). The widgets package never imports vibew.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vibewidget_cli.browser import launch
from vibewidget_cli.browser.verify import verify_project
from vibewidget_cli.commands import existing_project

ROOT = Path(__file__).resolve().parent.parent
PROJECT = existing_project(ROOT)


@pytest.fixture(scope="module")
def chromium():
    try:
        with launch.browser() as browser:
            yield browser
    except launch.NoBrowser as error:
        if os.environ.get("CI", "").lower() == "true":  # in CI a skip must not pass for green
            pytest.fail(str(error), pytrace=False)
        pytest.skip(str(error))


@pytest.mark.parametrize(
    "name",
    sorted(PROJECT.widgets)
    or [pytest.param(None, marks=pytest.mark.skip(reason="no widgets yet: vibew new NAME"))],
)
def test_widget_runs_in_the_browser(chromium, name):
    problems = verify_project(ROOT, PROJECT, [name], browser=chromium)
    assert not problems, "\n".join(map(str, problems))
