"""`vibew preview NAME`: serve one widget for a person, with an inspector and live reload.

Builds on `server.WidgetServer` (the widget's JS and CSS read fresh on each request, the
in-page model of model.js) and `synthetic.synthetic_state` (the first trait values). It
replaces the page at `/` with preview.html, whose inspector.js shows every trait and lets
the user set any, and adds `/version`: a number that changes whenever NAME.js or NAME.css
changes on disk, which the page polls (every 200 ms) to re-mount the widget, keeping the
current trait values. The project lock is held only while the manifest is read; the server
binds to 127.0.0.1 only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vibewidget_cli.errors import UserError

HERE = Path(__file__).resolve().parent


@dataclass
class Target:
    """What the preview shows: the widget's name, its two files and its first trait values."""

    name: str
    js: Path
    css: Path
    state: dict[str, Any]


def load_target(root: Path, name: str) -> Target:
    """Read the manifest (under the project lock) and make the widget's synthetic state."""
    from vibewidget_cli import commands
    from vibewidget_cli.browser.synthetic import synthetic_state
    from vibewidget_cli.lock import project_lock
    from vibewidget_cli.templates import get_template

    with project_lock(root):
        project = commands.existing_project(root)
    widget = project.widgets.get(name)
    if widget is None:
        known = ", ".join(sorted(project.widgets)) or "none yet"
        raise UserError(f"no widget {name!r} in this project (widgets: {known})")
    folder = root / project.directory
    js, css = folder / f"{name}.js", folder / f"{name}.css"
    if not js.is_file():
        raise UserError(f"{project.directory}/{name}.js is missing: `vibew update` writes it")
    return Target(name, js, css, synthetic_state(widget, get_template(widget.template)))


def file_version(paths: list[Path]) -> str:
    """A text that changes when any of `paths` is written, created or removed."""
    stamps = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            stamps.append("-")
        else:
            stamps.append(f"{info.st_mtime_ns}:{info.st_size}")
    return ",".join(stamps)


def make_server(target: Target, port: int) -> Any:
    """The preview's WidgetServer on 127.0.0.1:`port` (0: any free port), not yet started."""
    from vibewidget_cli.browser.server import WidgetServer

    try:
        server = WidgetServer(target.js, target.css, target.state, port=port)
    except OSError as error:
        words = error.strerror or str(error)
        raise UserError(f"cannot serve on 127.0.0.1:{port}: {words}") from None
    server.routes["/"] = ("text/html; charset=utf-8", (HERE / "preview.html").read_bytes)
    server.routes["/inspector.js"] = ("text/javascript", (HERE / "inspector.js").read_bytes)
    server.routes["/name"] = ("text/plain; charset=utf-8", target.name.encode)
    paths = [target.js, target.css]
    server.routes["/version"] = ("text/plain", lambda: file_version(paths).encode())
    return server


def serve(
    root: Path,
    name: str,
    *,
    port: int = 8000,
    open_browser: bool = True,
    announce: Callable[[str], None] = print,
    stop: threading.Event | None = None,
) -> None:
    """Serve the preview until Ctrl-C (KeyboardInterrupt, raised after a clean stop) or `stop`."""
    target = load_target(root, name)
    server = make_server(target, port)
    server.start()
    try:
        announce(server.url)
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)
        (stop or threading.Event()).wait()
    finally:
        server.stop()
