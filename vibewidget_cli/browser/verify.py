"""The runtime check of a widget: its JS rendered in headless Chromium with synthetic values.

`verify` mounts the widget on the page of `server` (the in-page model of `model.js`), then
fails on any page or console error, drives generic interactions (a drag across the largest
canvas or svg, clicks over a grid of points, each form control, a few keys) and fails when an
export is never written (`model.set` then `save_changes`), sets each import from the kernel's
side and fails when neither the DOM nor the pixels change, and blocks every request other
than the local server and the module imports the file declares. A widget with data is then
mounted again on each of the messy tables of `synthetic.messy_tables` (infinities, huge
numbers, missing values, a time zone, no rows, 100,000 names, ...), a widget with a grid on
each messy grid (missing cells, one cell), and every widget in a cell 500 px wide; any error
there fails, and so does a widget wider than that cell. Each problem is a line `{source}:{line}: {message}` (`with {table}: {message}` for a
messy table), the line from the stack when the error is in the widget.

`$VIBEW_MODULE_MAP` (JSON `{url: local file}`) serves declared CDN modules from local files.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vibewidget_cli.browser.server import WidgetServer
from vibewidget_cli.browser.synthetic import (
    messy_grids,
    messy_tables,
    new_values,
    synthetic_state,
)

if TYPE_CHECKING:
    from vibewidget_cli.check.project import Problem
    from vibewidget_cli.project import Project
    from vibewidget_cli.spec import WidgetSpec
    from vibewidget_cli.templates import Template


class ModuleUnavailable(Exception):
    """A module the widget imports from a CDN did not load (no network): nothing to judge."""


_SETTLE_MS = 120
_FROZEN_MS = 5000  # longer than this to draw a messy table (100,000 names) is a problem


def declared_imports(js: str) -> list[str]:
    """The module URLs `js` may load: its static imports (from the parsed tree, so an import
    in a comment or a string declares nothing) that the static rules accept, pinned https URLs
    on a known CDN. Any other import is blocked and reported like any other request."""
    from vibewidget_cli.check.answer import import_problem
    from vibewidget_cli.check.js import analyze_js

    return [use.name for use in analyze_js(js).imports if import_problem(use.name) is None]


def _module_map() -> dict[str, str]:
    try:
        mapped = json.loads(os.environ.get("VIBEW_MODULE_MAP", "") or "{}")
    except json.JSONDecodeError:
        return {}
    return mapped if isinstance(mapped, dict) else {}


class _Run:
    """One widget on one page: what went wrong, as (line, message) pairs."""

    def __init__(self, page: Any, server: WidgetServer, js: str) -> None:
        self.page, self.js = page, js
        self.widget_url = f"{server.origin}/widget.js"
        self.problems: list[tuple[int, str]] = []
        self.blocked = False
        self.blocked_urls: set[str] = set()  # refused here: reported, not "unavailable"
        self.unavailable: list[str] = []  # declared modules that did not load
        self.case = ""  # the messy table on the page, if any: said before each problem
        self.seen: set[tuple[int, str]] = set()

    def line_of(self, stack: str | None) -> int:
        match = re.search(re.escape(self.widget_url) + r"(?:\?[^:]*)?:(\d+):\d+", stack or "")
        return int(match.group(1)) if match else 1

    def add(self, line: int, message: str) -> None:
        # A problem is said once: on clean data if it shows there, else with the first
        # messy table that shows it.
        if (line, message) in self.seen:
            return
        self.seen.add((line, message))
        self.problems.append((line, f"with {self.case}: {message}" if self.case else message))

    def on_page_error(self, error: Any) -> None:
        if self.blocked and "Failed to fetch" in str(error):
            return  # the blocked request is reported already
        self.add(self.line_of(getattr(error, "stack", None)), f"page error: {_first(error)}")

    def on_failed(self, request: Any) -> None:
        if request.url in self.blocked_urls:
            return
        if request.resource_type == "script" and not request.url.startswith(
            self.widget_url.rsplit("/", 1)[0]
        ):
            self.unavailable.append(f"{request.url} ({request.failure})")

    def on_console(self, message: Any) -> None:
        if message.type != "error" or message.text.startswith("Failed to load resource"):
            return
        location = message.location or {}
        line = 1
        if location.get("url", "").split("?")[0] == self.widget_url:
            line = int(location.get("lineNumber", 0)) + 1
        self.add(line, f"console.error: {_short(message.text)}")


def _first(error: Any) -> str:
    name = getattr(error, "name", "") or ""
    text = getattr(error, "message", None) or str(error)
    text = _short(text.splitlines()[0] if text else "")
    return f"{name}: {text}" if name and not text.startswith(name) else text


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _literal_origins(js: str) -> set[str]:
    """The origins of the http(s) URLs written out in `js` (what --allow-network lets it reach)."""
    return set(re.findall(r"""["'`](https?://[^/"'`\s]+)""", js))


def _origin(url: str) -> str | None:
    """`scheme://host[:port]` of an http(s) `url`; None for any other."""
    match = re.match(r"https?://[^/]+", url)
    return match.group(0) if match else None


def _route(
    run: _Run, server: WidgetServer, declared: list[str], allowed: set[str] = frozenset()
) -> Any:
    mapped = _module_map()
    cdn_origins = {_origin(url) for url in declared}

    def handle(route: Any) -> None:
        request = route.request
        url = request.url
        if url.startswith(server.origin + "/"):
            route.continue_()
        elif url in mapped and url in declared:
            route.fulfill(
                body=Path(mapped[url]).read_bytes(),
                content_type="text/javascript",
                headers={"Access-Control-Allow-Origin": "*"},
            )
        elif url in declared or (request.resource_type == "script" and _origin(url) in cdn_origins):
            route.continue_()
        elif _origin(url) in allowed:
            # Allowed, but answered here: the check neither depends on nor touches the network.
            route.fulfill(status=200, body="{}", content_type="application/json")
        else:
            run.blocked = True
            run.blocked_urls.add(url)
            run.add(_request_line(run.js, url), f"network request to {url} blocked")
            route.abort()

    return handle


def _request_line(js: str, url: str) -> int:
    """The line that names the host of `url`, if one does; else 1."""
    host = re.sub(r"^\w+://", "", url).split("/")[0]
    for number, text in enumerate(js.splitlines(), start=1):
        if host and host in text:
            return number
    return 1


def _name_line(js: str, name: str) -> int:
    """The first line that names trait `name` in quotes; else 1."""
    for number, text in enumerate(js.splitlines(), start=1):
        if f'"{name}"' in text or f"'{name}'" in text or f"change:{name}" in text:
            return number
    return 1


_MOUNT = """async (state) => {
  try { await mount('/widget.js', state); return null; }
  catch (e) { return { text: String(e), stack: String(e && e.stack || '') }; }
}"""

# Mount, then the time to the second frame after: the page's own clock, so a busy machine
# running the check slows it less than a frozen widget does.
_MOUNT_TIMED = """async (state) => {
  const started = performance.now();
  try { await mount('/widget.js', state); }
  catch (e) { return { text: String(e), stack: String(e && e.stack || '') }; }
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return { ms: performance.now() - started };
}"""

_TARGETS = """() => {
  const el = widget.el;
  const box = (n) => { const r = n.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height }; };
  const drawn = [...el.querySelectorAll('canvas, svg')].map(box)
    .filter((b) => b.width > 4 && b.height > 4)
    .sort((a, b) => b.width * b.height - a.width * a.height);
  return { largest: drawn[0] ?? null, all: box(el) };
}"""

_CONTROLS = """() => {
  let n = 0;
  for (const b of [...widget.el.querySelectorAll('button, [role=button]')].slice(0, 24)) {
    n++;
    b.click();
  }
  for (const c of widget.el.querySelectorAll('input, select, textarea')) {
    n++;
    if (c.type === 'checkbox' || c.type === 'radio') c.checked = !c.checked;
    else if (c.tagName === 'SELECT') {
      if (c.multiple) for (const o of c.options) o.selected = !o.selected;
      else c.selectedIndex = (c.selectedIndex + 1) % Math.max(c.options.length, 1);
    } else if (c.type === 'range' || c.type === 'number') {
      const min = Number(c.min || 0), max = Number(c.max || 100);
      c.value = String(min + (max - min) * 0.7);
    } else c.value = 'alpha';
    c.dispatchEvent(new Event('input', { bubbles: true }));
    c.dispatchEvent(new Event('change', { bubbles: true }));
  }
  return n;
}"""

_SNAPSHOT = """() => {
  const parts = [widget.el.innerHTML];
  for (const n of widget.el.querySelectorAll('*')) {
    parts.push(n.textContent.length, n.getAttributeNames().map((a) => n.getAttribute(a)).join());
    if ('value' in n) parts.push(String(n.value), String(n.checked));
  }
  return parts.join('|');
}"""

_EXPORTED = """(names) => {
  const written = new Set(), pending = new Set();
  for (const [what, arg] of widget.model.log) {
    if (what === 'set') pending.add(arg);
    else for (const name of arg) if (pending.has(name)) written.add(name);
  }
  return names.filter((name) => written.has(name));
}"""


def _settle(page: Any, ms: int = _SETTLE_MS) -> None:
    page.evaluate(
        "(ms) => new Promise((done) => requestAnimationFrame(() => "
        "requestAnimationFrame(() => setTimeout(done, ms))))",
        ms,
    )


def _picture(page: Any) -> tuple[str, bytes]:
    dom = page.evaluate(_SNAPSHOT)
    box = page.evaluate(_TARGETS)["all"]
    pixels = b""
    if box["width"] >= 1 and box["height"] >= 1:
        pixels = page.screenshot(clip=box, animations="allow")
    return dom, pixels


def _interact(page: Any) -> None:
    targets = page.evaluate(_TARGETS)
    largest, whole = targets["largest"], targets["all"]
    mouse = page.mouse
    if largest:
        x, y, w, h = largest["x"], largest["y"], largest["width"], largest["height"]
        mouse.move(x + w * 0.25, y + h * 0.25)
        mouse.down()
        mouse.move(x + w * 0.75, y + h * 0.7, steps=8)
        mouse.up()
    page.evaluate(_CONTROLS)
    if whole["width"] >= 1 and whole["height"] >= 1:
        for row in range(3):
            for column in range(4):
                mouse.click(
                    whole["x"] + whole["width"] * (column + 0.5) / 4,
                    whole["y"] + min(whole["height"], 700) * (row + 0.5) / 3,
                )
    page.evaluate(
        "() => (widget.el.querySelector('canvas, svg, [tabindex], button, input') ?? "
        "widget.el).focus?.()"
    )
    for key in ("ArrowRight", "ArrowDown", "Enter", " "):
        page.keyboard.press(key)


def verify(
    js: str,
    css: str,
    widget: WidgetSpec,
    template: Template,
    *,
    source: str,
    browser: Any = None,
    allow_network: bool = False,
) -> list[str]:
    """Problems found running `js` in Chromium, as `{source}:{line}: {message}` lines.

    `browser`: a launched Playwright browser to reuse; one is started (and closed) otherwise.
    `allow_network`: requests to the origins of URLs written out in `js` are allowed (and
    answered locally with `{}`); any other still fails. Raises `ModuleUnavailable` when a
    declared module cannot be loaded (offline), as then the widget cannot be judged.
    """
    if browser is None:
        from vibewidget_cli.browser.launch import browser as open_browser

        with open_browser() as chromium:
            return verify(
                js,
                css,
                widget,
                template,
                source=source,
                browser=chromium,
                allow_network=allow_network,
            )
    state = synthetic_state(widget, template)
    with WidgetServer(js, css, state) as server:
        context = browser.new_context(viewport={"width": 900, "height": 700})
        try:
            run = _Run(None, server, js)
            allowed = _literal_origins(js) if allow_network else set()
            context.route("**/*", _route(run, server, declared_imports(js), allowed))
            context.on("requestfailed", run.on_failed)
            page = context.new_page()
            run.page = page
            page.set_default_timeout(10_000)
            page.on("pageerror", run.on_page_error)
            page.on("console", run.on_console)
            _check(run, page, server, widget, state, js)
        finally:
            with contextlib.suppress(Exception):
                context.close()
    return [f"{source}:{line}: {message}" for line, message in run.problems]


def _check(
    run: _Run, page: Any, server: WidgetServer, widget: WidgetSpec, state: dict, js: str
) -> None:
    page.goto(server.url)
    page.wait_for_function("() => !!window.mount")
    failed = page.evaluate(_MOUNT, state)
    if failed is not None and run.unavailable:
        raise ModuleUnavailable(f"cannot load {run.unavailable[0]}: the widget was not run")
    if failed is not None:
        run.add(run.line_of(failed["stack"]), f"render threw {_short(failed['text'])}")
        return
    _settle(page)
    exports = [t.name for t in widget.exports]
    if exports:
        _interact(page)
        _settle(page)
        written = set(page.evaluate(_EXPORTED, exports))
        for name in exports:
            if name not in written:
                run.add(
                    _name_line(js, name),
                    f"export {name!r} never changed: no interaction led to "
                    f'model.set("{name}", ...) and model.save_changes()',
                )
    _check_imports(run, page, widget, js)
    if "data" in state:
        _check_messy_tables(run, page, state)
    _check_messy_grids(run, page, widget, state)
    _check_narrow_cell(run, page, state)


def _check_imports(run: _Run, page: Any, widget: WidgetSpec, js: str) -> None:
    for trait in widget.imports:
        before = _picture(page)
        for value in new_values(trait):
            page.evaluate(
                "([name, value]) => widget.model.fromPython(name, value)", [trait.name, value]
            )
            _settle(page)
            after = _picture(page)
            if after != before:
                break
        else:
            run.add(
                _name_line(js, trait.name),
                f"import {trait.name!r} was set from Python and the widget did not change "
                "(neither its DOM nor its pixels)",
            )


def _mount_again(
    run: _Run, page: Any, state: dict, case: str, *, viewport: dict | None = None
) -> float | None:
    """Remove the view, mount the widget afresh on `state` and let it settle; problems from
    here on are said with `case` (the caller clears it). A render that throws is a problem;
    else the ms it took to draw. `viewport`: the page's new size, set while nothing is on it."""
    page.evaluate("() => widget.cleanup()")
    if viewport is not None:
        page.set_viewport_size(viewport)
    run.case = case
    mounted = page.evaluate(_MOUNT_TIMED, state)
    if "text" in mounted:
        run.add(run.line_of(mounted["stack"]), f"render threw {_short(mounted['text'])}")
        return None
    _settle(page)
    return mounted["ms"]


def _check_messy_tables(run: _Run, page: Any, state: dict) -> None:
    """The widget mounted afresh on each of the tables people really have: any page or
    console error, or a render that throws, is a problem said with the table that caused it."""
    for what, table in messy_tables():
        ms = _mount_again(run, page, {**state, "data": table}, what)
        if ms is not None and ms > _FROZEN_MS:
            run.add(1, f"drawing took {ms / 1000:.1f} s, the page frozen all along")
    run.case = ""


def _check_messy_grids(run: _Run, page: Any, widget: WidgetSpec, state: dict) -> None:
    """The widget mounted with each grid trait set to each messy grid (missing cells, one
    cell): any error is a problem said with the grid."""
    names = [t.name for t in widget.traits if t.type == "grid"]
    for what, value in messy_grids() if names else []:
        _mount_again(run, page, {**state, **dict.fromkeys(names, value)}, what)
    run.case = ""


# How wide the widget draws: its element's box, or more when what it holds overflows.
_DRAWN_WIDTH = """() => Math.max(widget.el.scrollWidth, widget.el.getBoundingClientRect().width)"""


def _check_narrow_cell(run: _Run, page: Any, state: dict) -> None:
    """The widget in a cell 500 px wide, as in a narrow window: it fits, with no error."""
    viewport = {"width": 500 + 2 * 16, "height": 700}  # the page's margins
    if _mount_again(run, page, state, "a cell 500 px wide", viewport=viewport) is not None:
        wide = round(page.evaluate(_DRAWN_WIDTH))
        if wide > 500:
            run.add(1, f"it needs {wide} px: it scrolls sideways instead of fitting")
    run.case = ""


def verify_project(
    root: Path,
    project: Project,
    names: list[str] | None = None,
    *,
    browser: Any = None,
    timings: dict[str, float] | None = None,
) -> list[Problem]:
    """`vibew check --browser`: the runtime problems of the widgets `names` (all by default)."""
    from vibewidget_cli.check.project import Problem
    from vibewidget_cli.errors import UserError
    from vibewidget_cli.templates import get_template

    chosen = sorted(names or project.widgets)
    for name in chosen:
        if name not in project.widgets:
            raise UserError(f"no widget {name!r} in this project")
    if browser is None:
        from vibewidget_cli.browser.launch import browser as open_browser

        with open_browser() as chromium:
            return verify_project(root, project, names, browser=chromium, timings=timings)
    problems: list[Problem] = []
    for name in chosen:
        spec = project.widgets[name]
        js_path = f"{project.directory}/{name}.js"
        try:
            js = (root / js_path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(js_path, 1, f"unreadable: {error}"))
            continue
        css_file = root / project.directory / f"{name}.css"
        css = css_file.read_text(encoding="utf-8") if css_file.is_file() else ""
        started = time.perf_counter()
        template = get_template(spec.template)
        try:
            found = verify(js, css, spec, template, source=js_path, browser=browser)
        except ModuleUnavailable as error:
            found = [f"{js_path}:1: {error}"]
        for line in found:
            where, number, message = line.split(":", 2)
            problems.append(Problem(where, int(number), message.strip()))
        if timings is not None:
            timings[name] = time.perf_counter() - started
    return problems
