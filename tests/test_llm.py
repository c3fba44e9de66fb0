"""LLM generation end to end: the real CLI and the real `openai` client against a local server.

`llm_server.LlmServer` plays the endpoint with scripted answers and records what it was sent,
so each test asserts both sides: what reached "the model" and what landed on disk.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import assert_check_clean
from tests.llm_server import Answer, LlmServer
from vibewidget_cli import check, llm
from vibewidget_cli.spec import TRAIT_TYPES, TraitSpec, WidgetSpec

KEY = "sk-test-Zq81secret"

GOOD = """\
// Zorb: reads data; writes picked_index (when a bar is clicked).

/** @type {import("npm:@anywidget/types").Render<Model>} */
function render({ model, el }) {
  const button = document.createElement("button");
  button.textContent = "pick";
  el.append(button);
  const onClick = () => {
    model.set("picked_index", 1);
    model.save_changes();
  };
  button.addEventListener("click", onClick);
  return () => {
    button.removeEventListener("click", onClick);
    button.remove();
  };
}

export default { render };
"""
# GOOD, less the line that writes the export.
NO_SET = GOOD.replace('    model.set("picked_index", 1);\n', "")
FETCHES = GOOD.replace(
    '    model.set("picked_index", 1);\n',
    '    fetch("https://example.com/track");\n    model.set("picked_index", 1);\n',
)
BROKEN = "function render({ model, el ) {\n  model.set(\n}\nexport default { render };\n"
NEW_ZORB = ("new", "zorb", "a zorblax of the quuxes", "--exports", "picked_index=the bar clicked")


def fenced(code: str, prose: str = "Here is the widget.") -> str:
    return f"{prose}\n\n```javascript\n{code}```\n\nIt writes the export on click. Enjoy!"


def llm_env(server: LlmServer | None = None, **extra: str) -> dict[str, str]:
    """The environment of a user with a key for `server`; nothing of the real one's LLM setup."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "VIBEW_"))}
    if server is not None:
        env |= {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": server.url}
    # Fast failures: a short timeout and quick retries keep the error tests in seconds.
    env |= {"VIBEW_LLM_TIMEOUT": "5", "VIBEW_LLM_MAX_RETRIES": "2"}
    return env | extra


def project_files(project: Path) -> dict[str, str]:
    return {
        str(path.relative_to(project)): path.read_text(encoding="utf-8")
        for path in sorted(project.rglob("*"))
        if path.is_file()
    }


def assert_key_never_shown(project: Path, *results: object) -> None:
    for result in results:
        assert KEY not in result.stdout and KEY not in result.stderr  # type: ignore[attr-defined]
    for path, text in project_files(project).items():
        assert KEY not in text, path


def node_check(path: Path, tmp_path: Path) -> None:
    module = tmp_path / (path.stem + ".mjs")
    module.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run(["node", "--check", str(module)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def flights_csv(project: Path) -> Path:
    path = project / "flights.csv"
    path.write_text(
        "carrier,distance,delay,cancelled\n"
        "ZQX,1234.5,17,False\n"
        "WVU,88.25,-3,True\n"
        "ZQX,4021.75,642,False\n",
        encoding="utf-8",
    )
    return path


def test_a_good_answer_is_written_as_the_widget_js(vibew, project, tmp_path, flights_csv):
    with LlmServer([GOOD]) as server:
        result = vibew(*NEW_ZORB, "--data", "flights.csv", env=llm_env(server))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no spinner without a terminal
    assert "JavaScript by gpt-4o-mini" in result.stdout
    assert (project / "widgets/zorb.js").read_text() == GOOD
    node_check(project / "widgets/zorb.js", tmp_path)
    python = (project / "widgets/zorb.py").read_text()
    assert "picked_index = traitlets.Int(0, help=" in python
    assert 'source = "llm"' in (project / "vibew.toml").read_text()
    assert_check_clean(project)

    [request] = server.requests
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.body["stream"] is True
    assert request.body["model"] == "gpt-4o-mini"
    prompt = request.prompt
    assert "a zorblax of the quuxes" in prompt
    assert '`picked_index` (int). Described as "the bar clicked".' in prompt
    assert 'model.set("picked_index"' in prompt and "model.save_changes()" in prompt
    assert 'model.on("change:' in prompt and "function decodeTable(" in prompt
    # The schema: columns, dtypes, ranges and cardinality...
    for fact in ('"carrier"', '"distance"', "float64", "range 88.25 to 4021.75", "3 rows"):
        assert fact in prompt, fact
    assert "2 distinct" in prompt
    # ...but no cell values: the carrier codes and the one delay outside the range never show.
    for value in ("ZQX", "WVU", "642"):
        assert value not in prompt.replace("range -3 to 642", ""), value
    assert_key_never_shown(project, result)


def test_sample_rows_puts_that_many_rows_in_the_prompt(vibew, project, flights_csv):
    with LlmServer([GOOD]) as server:
        args = (*NEW_ZORB, "--data", "flights.csv", "--sample-rows", "2")
        result = vibew(*args, env=llm_env(server))
    assert result.returncode == 0, result.stderr
    prompt = server.requests[0].prompt
    assert "ZQX,1234.5,17,False" in prompt and "WVU,88.25,-3,True" in prompt
    assert "4021.75,642" not in prompt


def test_prose_and_fences_around_the_code_are_dropped(vibew, project):
    with LlmServer([fenced(GOOD)]) as server:
        result = vibew(*NEW_ZORB, env=llm_env(server))
    assert result.returncode == 0, result.stderr
    assert (project / "widgets/zorb.js").read_text() == GOOD


def test_a_missing_export_is_sent_back_and_the_repair_written(vibew, project):
    with LlmServer([fenced(NO_SET), fenced(GOOD)]) as server:
        result = vibew(*NEW_ZORB, env=llm_env(server))
    assert result.returncode == 0, result.stderr
    assert len(server.requests) == 2
    repair = server.requests[1].messages
    assert repair[-2] == {"role": "assistant", "content": fenced(NO_SET)}
    assert "export 'picked_index' is never written" in repair[-1]["content"]
    assert "answer 1 fails the checks" in result.stderr
    assert (project / "widgets/zorb.js").read_text() == GOOD
    assert not (project / "widgets/zorb.rejected.js").exists()


def test_network_calls_are_refused_and_only_the_rejected_attempt_is_kept(vibew, project):
    with LlmServer([fenced(FETCHES)]) as server:  # the same answer every time
        result = vibew(*NEW_ZORB, env=llm_env(server))
    assert result.returncode == 1
    assert len(server.requests) == 3  # the first answer and --retries 2
    assert "failed the checks 3 times" in result.stderr
    assert "line 9: fetch reaches the network" in result.stderr
    # The last attempt, below the problems it failed with (as comments).
    [(path, kept)] = project_files(project).items()
    assert path == "widgets/zorb.rejected.js"
    assert kept.startswith("// vibew: this answer failed: line 9: fetch reaches the network")
    assert kept.endswith("\n" + FETCHES)
    assert_key_never_shown(project, result)


def test_allow_network_lifts_only_the_network_rule(vibew, project):
    evals = FETCHES.replace("    fetch(", "    eval(")
    with LlmServer([fenced(evals), fenced(FETCHES)]) as server:
        result = vibew(*NEW_ZORB, "--allow-network", env=llm_env(server))
    assert result.returncode == 0, result.stderr
    assert (
        "eval (evaluates text as code) is not allowed" in server.requests[1].messages[-1]["content"]
    )
    assert (project / "widgets/zorb.js").read_text() == FETCHES


def test_imports_must_come_from_a_pinned_cdn_url(vibew, project):
    unpinned = 'import * as d3 from "https://esm.sh/d3";\n' + GOOD
    bare = 'import * as d3 from "d3";\n' + GOOD
    pinned = 'import * as d3 from "https://esm.sh/d3@7.9.0";\n' + GOOD
    with LlmServer([fenced(unpinned), fenced(bare), fenced(pinned)]) as server:
        result = vibew(*NEW_ZORB, env=llm_env(server))
    assert result.returncode == 0, result.stderr
    first, second = (r.messages[-1]["content"] for r in server.requests[1:])
    assert "without an exact version" in first
    assert "a bare package name" in second
    assert (project / "widgets/zorb.js").read_text() == pinned


def test_code_that_never_parses_is_given_up_after_the_retries(vibew, project):
    with LlmServer([BROKEN]) as server:
        result = vibew(*NEW_ZORB, "--retries", "1", env=llm_env(server))
    assert result.returncode == 1
    assert len(server.requests) == 2
    assert "does not parse" in server.requests[1].messages[-1]["content"]
    assert "does not parse" in result.stderr
    assert "widgets/zorb.rejected.js" in result.stderr
    [(path, kept)] = project_files(project).items()
    assert path == "widgets/zorb.rejected.js"
    assert kept.startswith("// vibew: this answer failed: ") and kept.endswith("\n" + BROKEN)


def test_a_429_is_retried_by_the_client(vibew, project):
    busy = Answer(status=429, headers={"retry-after-ms": "20"})
    with LlmServer([busy, GOOD]) as server:
        result = vibew(*NEW_ZORB, env=llm_env(server))
    assert result.returncode == 0, result.stderr
    assert len(server.requests) == 2
    assert (project / "widgets/zorb.js").read_text() == GOOD


def test_a_500_forever_ends_in_one_line_and_nothing_written(vibew, project):
    with LlmServer([Answer(status=500, headers={"retry-after-ms": "20"})]) as server:
        result = vibew(*NEW_ZORB, env=llm_env(server))
    assert result.returncode == 2
    assert len(server.requests) == 3  # VIBEW_LLM_MAX_RETRIES=2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert f"{server.url} answered 500 after 3 attempts" in result.stderr
    assert project_files(project) == {}
    assert_key_never_shown(project, result)


def test_a_slow_answer_times_out_with_one_line(vibew, project):
    env = llm_env(VIBEW_LLM_TIMEOUT="0.5", VIBEW_LLM_MAX_RETRIES="1")
    with LlmServer([Answer(GOOD, delay=3)]) as server:
        env |= {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": server.url}
        result = vibew(*NEW_ZORB, env=env)
    # The client gave up on each attempt (one line naming the timeout and the attempts) rather
    # than waiting for the slow answer, which would have been written: behaviour, not a clock.
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "did not answer within 0.5s after 2 attempts" in result.stderr
    assert len(server.requests) == 2
    assert project_files(project) == {}


def test_the_cache_answers_a_repeated_request_and_no_cache_asks_again(vibew, project):
    with LlmServer([GOOD, GOOD.replace('"pick"', '"choose"')]) as server:
        first = vibew(*NEW_ZORB, env=llm_env(server))
        assert first.returncode == 0, first.stderr
        [entry] = (project / llm.CACHE_DIR).iterdir()
        assert KEY not in entry.read_text()

        again = vibew(*NEW_ZORB, "--force", env=llm_env(server))
        assert again.returncode == 0, again.stderr
        assert len(server.requests) == 1
        assert f"answer from {llm.CACHE_DIR}/" in again.stdout

        fresh = vibew(*NEW_ZORB, "--force", "--no-cache", env=llm_env(server))
        assert fresh.returncode == 0, fresh.stderr
        assert len(server.requests) == 2
    assert '"choose"' in (project / "widgets/zorb.js").read_text()


def test_a_second_llm_widget_leaves_the_first_ones_js_alone(vibew, project):
    other = GOOD.replace("picked_index", "chosen_index")
    with LlmServer([GOOD, other]) as server:
        assert vibew(*NEW_ZORB, env=llm_env(server)).returncode == 0
        args = ("new", "blip", "a blipper of quuxes", "--exports", "chosen_index")
        result = vibew(*args, env=llm_env(server))
    assert result.returncode == 0, result.stderr
    assert (project / "widgets/zorb.js").read_text() == GOOD
    assert (project / "widgets/blip.js").read_text() == other


def test_another_model_misses_the_cache(vibew, project):
    with LlmServer([GOOD]) as server:
        vibew(*NEW_ZORB, env=llm_env(server))
        result = vibew(*NEW_ZORB, "--force", "--model", "local-coder", env=llm_env(server))
    assert result.returncode == 0, result.stderr
    assert [r.body["model"] for r in server.requests] == ["gpt-4o-mini", "local-coder"]


def test_show_prompt_prints_it_and_sends_nothing(vibew, project):
    with LlmServer([GOOD]) as server:
        result = vibew(*NEW_ZORB, "--show-prompt", env=llm_env(server))
    assert result.returncode == 0, result.stderr
    assert server.requests == []
    assert "## system" in result.stdout and "`picked_index` (int)" in result.stdout
    assert project_files(project) == {}


def test_show_prompt_needs_no_key(vibew, project):
    result = vibew(*NEW_ZORB, "--llm", "--show-prompt", env=llm_env())
    assert result.returncode == 0, result.stderr
    assert "## user" in result.stdout


def test_llm_without_a_key_says_how_to_set_one(vibew, project):
    result = vibew(*NEW_ZORB, "--llm", env=llm_env())
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "set OPENAI_API_KEY" in result.stderr
    assert project_files(project) == {}


def test_without_a_key_the_generic_template_is_used_and_said(vibew, project):
    result = vibew(*NEW_ZORB, env=llm_env())
    assert result.returncode == 0, result.stderr
    assert "no API key for an LLM" in result.stdout
    # The template's JS, not an LLM's (the generated file itself no longer says where from).
    manifest = (project / "vibew.toml").read_text()
    assert 'template = "generic"' in manifest and 'source = "llm"' not in manifest
    assert (project / "widgets/zorb.js").is_file()


def test_a_matching_template_wins_over_the_llm_unless_asked(vibew, project):
    with LlmServer([GOOD]) as server:
        result = vibew(
            "new",
            "delays",
            "scatter of delays",
            "--exports",
            "selected_indices",
            env=llm_env(server),
        )
        assert result.returncode == 0, result.stderr
        assert server.requests == []
        assert "template scatter" in result.stdout


def test_an_llm_page_of_a_querying_template_gets_every_row(vibew, project):
    # The scatter template's page asks the kernel about a table too big to send; a page the
    # LLM wrote reads `data` and knows nothing of that, so its class sends every row.
    brushes = GOOD.replace("picked_index", "brush").replace(
        '"brush", 1', '"brush", { distance: [100, 500] }'
    )
    with LlmServer([brushes]) as server:
        result = vibew(
            "new", "delays", "scatter of delays", "--exports", "brush",
            "--template", "scatter", "--llm", env=llm_env(server),
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (project / "widgets/delays.js").read_text() == brushes
    python = (project / "widgets/delays.py").read_text()
    assert "brush = Predicate(" in python
    assert "queried_rows" not in python and "max_rows" not in python
    assert not (project / "widgets/_source.py").exists()
    assert_check_clean(project)


def test_imports_get_the_row_selection_helper_and_must_be_listened_to(vibew, project):
    listens = """\
function render({ model, el }) {
  const show = () => {
    el.textContent = `${rowIndices(model.get("selected_indices")).length} rows`;
  };
  show();
  model.on("change:selected_indices", show);
  return () => model.off("change:selected_indices", show);
}

function rowIndices(value) {
  return value ? new Int32Array(value.buffer, value.byteOffset, value.byteLength / 4) : [];
}

export default { render };
"""
    deaf = listens.replace('  model.on("change:selected_indices", show);\n', "")
    assert vibew("new", "scatter", "--exports", "selected_indices", env=llm_env()).returncode == 0
    with LlmServer([deaf, listens]) as server:
        result = vibew(
            "new",
            "counter",
            "counts the rows picked elsewhere",
            "--imports",
            "scatter.selected_indices",
            env=llm_env(server),
        )
    assert result.returncode == 0, result.stderr
    prompt = server.requests[0].prompt
    assert "DataView of int32" in prompt and "function rowIndices(" in prompt
    assert "rowsToSave(rows)" in prompt and "function rowsToSave(" in prompt
    assert "import 'selected_indices' is never listened to" in server.requests[1].prompt
    assert (project / "widgets/counter.js").read_text() == listens
    assert "scatter.selected_indices" in (project / "vibew.toml").read_text()
    assert (project / "widgets/wiring.py").is_file()


def test_settings_come_from_dotenv_and_pyproject_and_flags_win(vibew, project):
    with LlmServer([GOOD]) as server:
        (project / ".env").write_text(f"OPENAI_API_KEY={KEY}\nOPENAI_BASE_URL={server.url}\n")
        (project / "pyproject.toml").write_text('[tool.vibew]\nmodel = "from-pyproject"\n')
        assert vibew(*NEW_ZORB, env=llm_env()).returncode == 0
        assert vibew(*NEW_ZORB, "--force", env=llm_env(VIBEW_MODEL="from-env")).returncode == 0
        flagged = vibew(*NEW_ZORB, "--force", "--model", "from-flag", env=llm_env())
        assert flagged.returncode == 0
    models = [request.body["model"] for request in server.requests]
    assert models == ["from-pyproject", "from-env", "from-flag"]
    assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in server.requests)


def test_an_api_key_in_pyproject_is_refused(vibew, project):
    (project / "pyproject.toml").write_text('[tool.vibew]\napi_key = "sk-oops"\n')
    result = vibew(*NEW_ZORB, "--llm", env=llm_env())
    assert result.returncode == 2
    assert "holds an API key" in result.stderr and "sk-oops" not in result.stderr


def test_a_refused_key_is_one_line_without_the_key(vibew, project):
    refused = Answer(status=401)
    with LlmServer([refused]) as server:
        result = vibew(*NEW_ZORB, env=llm_env(server))
    assert result.returncode == 2
    assert "refused the API key (401)" in result.stderr
    assert len(server.requests) == 1  # a 401 is not retried
    assert_key_never_shown(project, result)


def test_ctrl_c_while_waiting_leaves_nothing(project):
    with LlmServer([Answer(GOOD, delay=30)]) as server:
        process = subprocess.Popen(
            [sys.executable, "-m", "vibewidget_cli", *NEW_ZORB],
            cwd=project,
            env=llm_env(server),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert server.received.wait(30)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "interrupted" in stderr
    assert project_files(project) == {}


def test_a_person_watching_sees_elapsed_time_and_streamed_tokens(project):
    """In a terminal the spinner shows the model, the elapsed time and the tokens so far."""
    import pty

    leader, follower = pty.openpty()
    with LlmServer([Answer(GOOD, piece_delay=0.05)]) as server:
        env = llm_env(server, COLUMNS="120", TERM="xterm")
        process = subprocess.Popen(
            [sys.executable, "-m", "vibewidget_cli", *NEW_ZORB],
            cwd=project,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=follower,
        )
        os.close(follower)
        screen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the command ended and closed the terminal
                break
            if not chunk:
                break
            screen += chunk
        process.wait(timeout=60)
        os.close(leader)
    text = screen.decode("utf-8", "replace")
    assert process.returncode == 0, text
    assert "asking gpt-4o-mini" in text
    assert "0:00:0" in text  # the elapsed time
    counts = [int(n) for n in re.findall(r"(\d+) tokens", text)]
    assert len(set(counts)) > 1 and max(counts) > 5  # the count grows as the answer streams


def test_edit_sends_the_current_js_and_applies_the_answer(vibew, project, tmp_path):
    with LlmServer([GOOD]) as server:
        assert vibew(*NEW_ZORB, env=llm_env(server)).returncode == 0
    python_before = (project / "widgets/zorb.py").read_text()
    js = project / "widgets/zorb.js"
    js.write_text(GOOD.replace('"pick"', '"pick me"'))  # an edit by hand
    revised = GOOD.replace('"pick"', '"pick me"').replace(
        "el.append", "button.style.color = 'blue';\n  el.append"
    )
    with LlmServer([fenced(revised)]) as server:
        result = vibew("edit", "zorb", "make the button blue", "--yes", env=llm_env(server))
    assert result.returncode == 0, result.stderr
    [request] = server.requests
    assert "make the button blue" in request.prompt
    assert '"pick me"' in request.prompt  # the user's edit reached the model
    assert "+  button.style.color = 'blue';" in result.stdout  # the diff
    assert js.read_text() == revised
    assert (project / ".vibew/base/widgets/zorb.js").read_text() == revised
    assert (project / "widgets/zorb.py").read_text() == python_before
    node_check(js, tmp_path)
    assert_check_clean(project)
    assert_key_never_shown(project, result)


def test_edit_keeps_the_files_line_endings(vibew, project):
    with LlmServer([GOOD]) as server:
        assert vibew(*NEW_ZORB, env=llm_env(server)).returncode == 0
    js = project / "widgets/zorb.js"
    js.write_bytes(GOOD.replace("\n", "\r\n").encode())  # saved by a Windows editor
    revised = GOOD.replace('"pick"', '"go"')
    with LlmServer([revised]) as server:
        result = vibew("edit", "zorb", "rename the button", "--yes", env=llm_env(server))
    assert result.returncode == 0, result.stderr
    assert "\r" not in server.requests[0].prompt  # the model reads the text as text
    assert js.read_bytes() == revised.replace("\n", "\r\n").encode()
    assert_check_clean(project)


def test_edit_with_a_new_export_renders_the_python_again(vibew, project):
    with LlmServer([GOOD]) as server:
        assert vibew(*NEW_ZORB, env=llm_env(server)).returncode == 0
    revised = GOOD.replace(
        '    model.set("picked_index", 1);\n',
        '    model.set("picked_index", 1);\n    model.set("hovered", "a");\n',
    )
    with LlmServer([GOOD, revised]) as server:  # first without the new export: repaired
        result = vibew(
            "edit",
            "zorb",
            "say which bar",
            "--exports",
            "hovered:str",
            "--yes",
            env=llm_env(server),
        )
    assert result.returncode == 0, result.stderr
    assert "export 'hovered' is never written" in server.requests[1].prompt
    assert "hovered = traitlets.Unicode" in (project / "widgets/zorb.py").read_text()
    assert (project / "widgets/zorb.js").read_text() == revised
    assert 'name = "hovered"' in (project / "vibew.toml").read_text()


def test_edit_without_yes_asks_and_writes_nothing_when_not_confirmed(vibew, project):
    with LlmServer([GOOD]) as server:
        assert vibew(*NEW_ZORB, env=llm_env(server)).returncode == 0
    before = project_files(project)
    with LlmServer([GOOD.replace('"pick"', '"go"')]) as server:
        result = vibew("edit", "zorb", "rename the button", env=llm_env(server))
    assert result.returncode == 1  # no terminal to say yes: aborted
    assert "Apply this change" in result.stdout
    assert project_files(project) == before


def test_extract_code_takes_the_fenced_module():
    assert llm.extract_code(fenced(GOOD)) == GOOD
    assert llm.extract_code(GOOD) == GOOD
    two = f"```python\nprint(1)\n```\n\n```js\n{GOOD}```\n"
    assert llm.extract_code(two) == GOOD
    cut_off = "Sure:\n```js\n" + GOOD[:40]
    assert llm.extract_code(cut_off) == GOOD[:40].strip() + "\n"


def test_check_code_names_every_broken_rule():
    spec = WidgetSpec(
        "chart",
        traits=[
            TraitSpec("picked_index", "int", "export"),
            TraitSpec("threshold", "float", "import"),
        ],
    )
    problems = check.check_code(
        'import x from "./x.js";\nfunction render() { localStorage.x = 1; }\n', spec
    )
    text = "\n".join(problems)
    assert "no default export with render" in text
    assert "export 'picked_index' is never written" in text
    assert "import 'threshold' is never listened to" in text
    assert "localStorage (browser storage) is not allowed" in text
    assert "another file" in text
    assert check.check_code(GOOD, WidgetSpec("chart", traits=spec.traits[:1])) == []


@pytest.mark.parametrize("kind", TRAIT_TYPES)
def test_the_prompt_says_how_to_read_and_write_every_trait_type(kind):
    """A type the prompt cannot describe would fail `vibew new --llm` with a KeyError."""
    line = llm.prompt._trait_line(TraitSpec("picked", kind, "export"))
    assert line.startswith(f"- `picked` ({kind}). Its value is ")
    assert 'model.set("picked", ' in line or "rowsToSave" in line
