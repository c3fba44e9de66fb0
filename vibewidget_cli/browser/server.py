"""A tiny local web server for one widget: the page, the in-page model, the widget's JS and CSS,
and its state. `vibew check --browser` loads it in Chromium; `vibew preview` shows it to a person.

    with WidgetServer(js, css, state) as server:
        page.goto(server.url)

`js` and `css` are text, or a `Path` read on each request (so an edit shows on reload).
Routes: `/` (page.html), `/model.js`, `/widget.js`, `/widget.css`, `/state.json`; add more by
putting `{path: (content type, callable returning bytes)}` in `server.routes`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

Route = tuple[str, Callable[[], bytes]]


def _text(source: str | Path) -> bytes:
    if isinstance(source, Path):
        return source.read_bytes()
    return source.encode("utf-8")


class WidgetServer:
    """Serves one widget on 127.0.0.1 (port 0: any free one) in a background thread."""

    def __init__(
        self, js: str | Path, css: str | Path, state: dict[str, Any], *, port: int = 0
    ) -> None:
        self.js, self.css, self.state = js, css, state
        self.routes: dict[str, Route] = {
            "/": ("text/html; charset=utf-8", lambda: (HERE / "page.html").read_bytes()),
            "/model.js": ("text/javascript", lambda: (HERE / "model.js").read_bytes()),
            "/widget.js": ("text/javascript", lambda: _text(self.js)),
            "/widget.css": ("text/css", lambda: _text(self.css)),
            "/state.json": ("application/json", lambda: json.dumps(self.state).encode()),
            "/favicon.ico": ("image/x-icon", lambda: b""),  # no console error for the tab icon
        }
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        return f"{self.origin}/"

    def start(self) -> WidgetServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> WidgetServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                route = routes.get(self.path.split("?", 1)[0])
                if route is None:
                    self.send_error(404)
                    return
                content_type, body = route
                try:
                    data = body()
                except OSError as error:
                    self.send_error(404, str(error))
                    return
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: a page load is not news

        return Handler
