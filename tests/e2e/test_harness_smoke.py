"""Proof that the e2e fixtures work: a hand-written anywidget counter in a real JupyterLab."""

from __future__ import annotations

import textwrap

import pytest
from lab import (
    _cdn_file,
    assert_no_page_errors,
    open_and_run_notebook,
    run_code,
    screenshot,
    write_notebook,
)
from playwright.sync_api import expect

COUNTER_PY = """\
import pathlib

import anywidget
import traitlets


class Counter(anywidget.AnyWidget):
    _esm = pathlib.Path(__file__).parent / "counter.js"
    value = traitlets.Int(0).tag(sync=True)
"""

COUNTER_JS = """\
function render({ model, el }) {
  const button = document.createElement("button");
  button.className = "smoke-counter";
  const update = () => { button.textContent = `count is ${model.get("value")}`; };
  button.addEventListener("click", () => {
    model.set("value", model.get("value") + 1);
    model.save_changes();
  });
  model.on("change:value", update);
  update();
  el.appendChild(button);
  return () => model.off("change:value", update);
}
export default { render };
"""

THREE_PY = """\
import pathlib

import anywidget
import traitlets


class ThreeProbe(anywidget.AnyWidget):
    _esm = pathlib.Path(__file__).parent / "three_probe.js"
    revision = traitlets.Unicode("").tag(sync=True)
"""

# Imports three from the CDN URL real widgets use; the browser context serves it from tests/e2e/js.
THREE_JS = """\
import * as THREE from "https://esm.sh/three@0.160.0";

function render({ model, el }) {
  const probe = document.createElement("div");
  probe.className = "smoke-three";
  probe.dataset.revision = THREE.REVISION;
  const length = new THREE.Vector3(1, 2, 2).length();
  probe.textContent = `three r${THREE.REVISION}, |(1,2,2)| = ${length}`;
  el.appendChild(probe);
  model.set("revision", THREE.REVISION);
  model.save_changes();
}
export default { render };
"""


@pytest.fixture
def counter_example(jupyter_dir):
    widgets = jupyter_dir / "widgets"
    widgets.mkdir()
    (widgets / "__init__.py").write_text("")
    (widgets / "counter.py").write_text(COUNTER_PY)
    (widgets / "counter.js").write_text(COUNTER_JS)
    (widgets / "three_probe.py").write_text(THREE_PY)
    (widgets / "three_probe.js").write_text(THREE_JS)
    return write_notebook(
        jupyter_dir / "demo.ipynb",
        [
            "from widgets.counter import Counter\nfrom widgets.three_probe import ThreeProbe",
            "c = Counter()\nc",
            "t = ThreeProbe()\nt",
        ],
    )


@pytest.mark.e2e
@pytest.mark.timeout(300)
def test_counter_round_trip(page, page_errors, jupyter_server, counter_example):
    open_and_run_notebook(page, jupyter_server.base_url, jupyter_server.relpath(counter_example))

    button = page.locator("button.smoke-counter")
    expect(button).to_have_text("count is 0")
    button.click()
    button.click()
    expect(button).to_have_text("count is 2")
    # Front end -> Python.
    assert run_code(page, "print(c.value)") == "2", screenshot(page, "counter-after-clicks")

    # Python -> front end.
    assert run_code(page, "c.value = 10") == ""
    expect(button).to_have_text("count is 10")

    # The CDN route: three.js came from the local npm copy and ran.
    probe = page.locator(".smoke-three")
    expect(probe).to_have_attribute("data-revision", "160")
    expect(probe).to_contain_text("|(1,2,2)| = 3")
    assert run_code(page, "print(t.revision)") == "160"

    # run_code reports Python errors instead of returning their text.
    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        run_code(page, "1 / 0")
    assert "ZeroDivisionError" in run_code(page, "1 / 0", allow_error=True)
    with pytest.raises(AssertionError, match="SyntaxError"):
        run_code(page, "1 +")
    # ...but plain stderr output (a warning) is not an error.
    assert "careful" in run_code(page, "import warnings; warnings.warn('careful')")
    # ...and multi-line code, indentation included, reaches the kernel as typed.
    code = textwrap.dedent(
        """\
        total = 0
        for i in range(4):
            total += i
        print(total, c.value)"""
    )
    assert run_code(page, code) == "6 10"

    assert_no_page_errors(page_errors)


def test_cdn_stand_in_urls():
    """The URL -> local file mapping behind the browser route (no browser needed)."""
    module = _cdn_file("https://esm.sh/three@0.160.0")
    assert module is not None and module[0].name == "three.module.js"
    assert _cdn_file("https://esm.sh/three@0.160")[0] == module[0]
    assert _cdn_file("https://esm.sh/three@0.160.1?bundle")[0] == module[0]
    assert (
        _cdn_file("https://cdn.jsdelivr.net/npm/three@0.160.0/build/three.module.js")[0]
        == module[0]
    )
    assert _cdn_file("https://cdn.jsdelivr.net/npm/three@0.160.0/+esm")[0] == module[0]
    addon = "three@0.160.0/examples/jsm/controls/OrbitControls.js"
    assert _cdn_file(f"https://esm.sh/{addon}")[1] == "0.160.0"  # its `from "three"` is rewritten
    assert _cdn_file(f"https://cdn.jsdelivr.net/npm/{addon}")[1] is None  # served as is
    assert _cdn_file("https://esm.sh/three@0.170.0") is None
    assert _cdn_file("https://esm.sh/d3@7") is None
