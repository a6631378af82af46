"""A local OpenAI-compatible chat endpoint for tests: the answer is each test's own."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["ChatHandler", "chat_server"]


class ChatHandler(BaseHTTPRequestHandler):
    """Reads a chat completion request and answers with :meth:`answer`'s text.

    A subclass overrides ``answer(body)`` (the request's JSON) and may call
    :meth:`send_error_json` instead, for a status other than 200.
    """

    def answer(self, body: dict[str, Any]) -> str | None:
        """Return the assistant's reply, or None when an error was already sent."""
        raise NotImplementedError

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        content = self.answer(body)
        if content is None:
            return
        payload = {
            "id": "x", "object": "chat.completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
        }  # fmt: skip
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_error_json(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"error": {"message": "busy"}}')

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def chat_server(handler: type[ChatHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free port of 127.0.0.1; yield the API's base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
