"""A local stand-in for an OpenAI-compatible endpoint: POST /v1/chat/completions.

It serves scripted answers in order (the last one repeats once the script runs out), streamed
as server-sent events when the request asks for `stream`, and records every request, so a test
can run the real `openai` client against it and assert what reached "the LLM".
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    """One scripted reply: a completion's text, or an HTTP error status."""

    text: str = ""
    status: int = 200
    #: seconds to wait before answering (past the client's timeout: a slow model)
    delay: float = 0.0
    #: seconds between streamed pieces (a model that takes its time)
    piece_delay: float = 0.0
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, str]]:
        return self.body.get("messages", [])

    @property
    def prompt(self) -> str:
        """Every message's text, joined: what the model was shown."""
        return "\n".join(m["content"] for m in self.messages)


class LlmServer:
    """`with LlmServer([Answer(...), ...]) as server:` then point OPENAI_BASE_URL at server.url."""

    def __init__(self, answers: list[Answer | str]) -> None:
        self.answers = [a if isinstance(a, Answer) else Answer(a) for a in answers]
        self.requests: list[Request] = []
        self.received = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> LlmServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, request: Request) -> Answer:
        with self._lock:
            index = min(len(self.requests), len(self.answers) - 1)
            self.requests.append(request)
        self.received.set()
        return self.answers[index]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                headers = {k.lower(): v for k, v in self.headers.items()}
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._json(404, {"error": {"message": f"no route {self.path}"}})
                    return
                answer = server._next(Request(self.path, headers, body))
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    if answer.status != 200:
                        error = {"message": f"scripted {answer.status}", "type": "test"}
                        self._json(answer.status, {"error": error}, answer.headers)
                    elif body.get("stream"):
                        self._stream(answer, body.get("model", ""))
                    else:
                        self._json(200, _completion(answer, body.get("model", "")))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout tests)

            def _json(
                self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, answer: Answer, model: str) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("cache-control", "no-cache")
                self.end_headers()
                pieces = _pieces(answer.text)
                for index, piece in enumerate(pieces):
                    time.sleep(answer.piece_delay)
                    last = index == len(pieces) - 1
                    delta = {"content": piece} if index else {"role": "assistant", "content": piece}
                    self._event(_chunk(model, delta, answer.finish_reason if last else None))
                if not pieces:
                    self._event(_chunk(model, {}, answer.finish_reason))
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _event(self, payload: dict[str, Any]) -> None:
                self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
                self.wfile.flush()

        return Handler


def _pieces(text: str, size: int = 24) -> list[str]:
    """The text in small pieces, as a model streams tokens."""
    return [text[i : i + size] for i in range(0, len(text), size)]


def _chunk(model: str, delta: dict[str, str], finish_reason: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _completion(answer: Answer, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": answer.text},
                "finish_reason": answer.finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
