"""LLM answers verified in the browser before they are written: the real CLI and the real
`openai` client against the local chat-completions server (as in tests/test_llm.py), each
answer run in headless Chromium. Skips when Chromium cannot start (fails under CI=true).
"""

from __future__ import annotations

import os

import pytest

from tests.helpers import cannot_start
from tests.llm_server import LlmServer
from tests.test_llm import GOOD, NEW_ZORB, fenced, llm_env, project_files

CHROMIUM = os.environ.get("VIBEW_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _chromium():
    if not os.path.exists(CHROMIUM):
        cannot_start(f"{CHROMIUM} not found (apt-get install -y chromium)")


def _before_set(statement: str) -> str:
    """GOOD with `statement` where the button's handler writes the export."""
    return GOOD.replace(
        '    model.set("picked_index", 1);\n',
        f'    {statement}\n    model.set("picked_index", 1);\n',
    )


# Statically clean, but render throws before it draws anything (line 5).
THROWS = GOOD.replace(
    '  const button = document.createElement("button");\n',
    '  throw new TypeError("zorb broke");\n  const button = document.createElement("button");\n',
)
# Statically clean (the export is written), but only on a double click, which no user
# interaction the check drives (or a person is likely to find) performs.
NEVER_WRITES = GOOD.replace('addEventListener("click"', 'addEventListener("dblclick"').replace(
    'removeEventListener("click"', 'removeEventListener("dblclick"'
)
# With --allow-network: the URL is built at run time, so no host is declared in the file.
UNDECLARED_HOST = _before_set('fetch("https://" + "x.test/track");')


def test_a_throwing_render_is_repaired_with_the_error_text(vibew, project):
    with LlmServer([fenced(THROWS), fenced(GOOD)]) as server:
        result = vibew(*NEW_ZORB, env=llm_env(server))
    assert result.returncode == 0, result.stderr
    assert len(server.requests) == 2
    repair = server.requests[1].messages[-1]["content"]
    assert "zorb.js:5: render threw TypeError: zorb broke" in repair
    assert '`throw new TypeError("zorb broke");`' in repair  # the offending line
    assert (project / "widgets/zorb.js").read_text() == GOOD


def test_an_export_never_written_is_repaired_then_rejected(vibew, project):
    with LlmServer([fenced(NEVER_WRITES)]) as server:
        result = vibew(*NEW_ZORB, "--retries", "1", env=llm_env(server))
    assert result.returncode == 1
    assert len(server.requests) == 2
    assert "export 'picked_index' never changed" in server.requests[1].messages[-1]["content"]
    [(path, kept)] = project_files(project).items()
    assert path == "widgets/zorb.rejected.js"
    assert kept.startswith("// vibew: this answer failed: zorb.js:")
    assert kept.endswith("\n" + NEVER_WRITES)


def test_an_undeclared_host_is_caught_at_run_time(vibew, project):
    """The static allow-list refuses every `globalThis[...]` obfuscation tried (computed
    access, an alias), so this takes --allow-network's path: the static check lets `fetch`
    through, and the browser check still blocks a request to a host the file does not name."""
    with LlmServer([fenced(UNDECLARED_HOST)]) as server:
        result = vibew(*NEW_ZORB, "--retries", "0", "--allow-network", env=llm_env(server))
    assert result.returncode == 1
    assert "network request to https://x.test/track blocked" in result.stderr
    assert not (project / "widgets/zorb.js").exists()
    assert (project / "widgets/zorb.rejected.js").exists()


def test_a_named_host_is_allowed_with_allow_network(vibew, project):
    named = _before_set('fetch("https://example.com/track");')
    with LlmServer([fenced(named)]) as server:
        result = vibew(*NEW_ZORB, "--allow-network", env=llm_env(server))
    assert result.returncode == 0, result.stderr
    assert (project / "widgets/zorb.js").read_text() == named


def test_no_verify_writes_a_statically_clean_answer_that_throws(vibew, project):
    with LlmServer([fenced(THROWS)]) as server:
        result = vibew(*NEW_ZORB, "--no-verify", env=llm_env(server))
    assert result.returncode == 0, result.stderr
    assert len(server.requests) == 1
    assert (project / "widgets/zorb.js").read_text() == THROWS
