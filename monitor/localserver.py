"""Loopback HTTP servers for the offline demo and the tests: a fixture site and a webhook receiver."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


@dataclass
class Response:
    """What a route answers; ``chunks`` streams the body piece by piece when set."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    chunks: list[bytes] | None = None
    chunk_delay_s: float = 0.0


@dataclass
class Request:
    """A request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


RouteHandler = Callable[[Request], Response]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _LoopbackServer:
    """Runs a handler class on 127.0.0.1 with an OS-assigned port in a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(self.command, self.path, dict(self.headers.items()), body)
                with owner._lock:
                    owner.requests.append(request)
                response = owner.respond(request)
                if response.delay_s:
                    time.sleep(response.delay_s)
                try:
                    self.send_response(response.status)
                    for name, value in response.headers.items():
                        self.send_header(name, value)
                    if response.chunks is None:
                        self.send_header("Content-Length", str(len(response.body)))
                        self.end_headers()
                        if self.command != "HEAD":
                            self.wfile.write(response.body)
                    else:
                        self.send_header("Connection", "close")
                        self.end_headers()
                        for chunk in response.chunks:
                            self.wfile.write(chunk)
                            self.wfile.flush()
                            if response.chunk_delay_s:
                                time.sleep(response.chunk_delay_s)
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_POST = do_HEAD = do_PUT = _handle

        self._server = _Server((host, port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def respond(self, request: Request) -> Response:
        raise NotImplementedError

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class FixtureServer(_LoopbackServer):
    """Serves registered paths; static bodies get an ETag and answer 304 when it matches."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self._routes: dict[str, RouteHandler] = {}

    def add(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        status: int = 200,
    ) -> str:
        """Serve a static body at path with conditional-GET support; return its full URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        extra = dict(headers or {})

        def static(request: Request) -> Response:
            if status == 200 and request.headers.get("If-None-Match") == etag:
                return Response(304, b"", {"ETag": etag})
            return Response(status, data, {"Content-Type": content_type, "ETag": etag, **extra})

        self._routes[path] = static
        return self.url(path)

    def route(self, path: str, handler: RouteHandler) -> str:
        """Serve path with a function of the request; return its full URL."""
        self._routes[path] = handler
        return self.url(path)

    def url(self, path: str) -> str:
        return self.base_url + path

    def hits(self, path: str) -> int:
        """How many requests reached path."""
        with self._lock:
            return sum(1 for r in self.requests if r.path.split("?")[0] == path)

    def respond(self, request: Request) -> Response:
        handler = self._routes.get(request.path) or self._routes.get(request.path.split("?")[0])
        if handler is None:
            return Response(404, b"not found", {"Content-Type": "text/plain"})
        return handler(request)


class WebhookReceiver(_LoopbackServer):
    """Accepts JSON POSTs (e.g. Apprise json:// URLs) and keeps them; can be told to fail."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self.messages: list[dict[str, Any]] = []
        self._failures: list[Response] = []

    def fail_next(self, count: int = 1, status: int = 500, delay_s: float = 0.0) -> None:
        """Answer the next COUNT posts with STATUS (after DELAY_S) instead of accepting them."""
        with self._lock:
            self._failures.extend(
                Response(status, b"failing on purpose", {}, delay_s) for _ in range(count)
            )

    def apprise_url(self, path: str = "/hook") -> str:
        """The Apprise URL that posts JSON to this receiver."""
        return f"json://127.0.0.1:{self.port}{path}"

    def respond(self, request: Request) -> Response:
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            return failure
        try:
            payload = json.loads(request.body or b"{}")
        except json.JSONDecodeError:
            payload = {"raw": request.body.decode("utf-8", "replace")}
        with self._lock:
            self.messages.append(payload)
        return Response(200, b'{"ok": true}', {"Content-Type": "application/json"})


HOSTILE_MODES = ("header-drip", "body-drip", "silent", "connect-stall")


class HostileServer:
    """A raw-socket server on 127.0.0.1 that never finishes a response, in one of HOSTILE_MODES.

    header-drip: a status line, then one header line every DRIP_S, forever.
    body-drip: complete headers, then one body byte every DRIP_S, forever.
    silent: accepts and reads the request, then sends nothing (also stalls a TLS handshake).
    connect-stall: a listen backlog kept full, so a new connection never completes.
    """

    def __init__(self, mode: str, drip_s: float = 0.5, host: str = "127.0.0.1") -> None:
        if mode not in HOSTILE_MODES:
            raise ValueError(f"mode must be one of {HOSTILE_MODES}, not {mode!r}")
        self.mode = mode
        self.drip_s = drip_s
        self.accepted = 0
        self._stop = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.host = host
        self._listener.bind((host, 0))
        self._listener.listen(0 if mode == "connect-stall" else 16)
        self._port = int(self._listener.getsockname()[1])
        self._fillers: list[Any] = []
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        return self._port

    def url(self, path: str = "/", scheme: str = "http") -> str:
        return f"{scheme}://{self.host}:{self.port}{path}"

    def start(self) -> Self:
        if self.mode == "connect-stall":
            # The kernel queues at most backlog+1 connections that were never accepted; with
            # those taken, a new connection's SYN is dropped and its connect() hangs.
            for _ in range(3):
                filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                filler.setblocking(False)
                try:
                    filler.connect((self.host, self.port))
                except BlockingIOError:
                    pass
                self._fillers.append(filler)
            time.sleep(0.1)
            return self
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            thread.start()

    def _serve(self, connection: Any) -> None:
        try:
            connection.settimeout(0.5)
            try:
                connection.recv(65536)
            except TimeoutError:
                pass  # a TLS client waits for us to speak first: stall it just the same
            if self.mode == "header-drip":
                connection.sendall(b"HTTP/1.1 200 OK\r\n")
                beat = (f"X-Drip-{i}: {i}\r\n".encode() for i in range(10**9))
            elif self.mode == "body-drip":
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html>"
                )
                beat = (b"x" for _ in range(10**9))
            else:
                beat = (b"" for _ in range(10**9))
            for piece in beat:
                if self._stop.wait(self.drip_s):
                    return
                if piece:
                    connection.sendall(piece)
        except OSError:
            return
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()
        for filler in self._fillers:
            filler.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
