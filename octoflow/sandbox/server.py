"""A threaded HTTP/1.1 server for the WSGI app (standard library only), loopback by default.

Each connection gets a handler thread, at most ``max_threads`` at once (further
connections wait in the listen queue). Connections are persistent, as with a real
Octopus server: every response has a ``Content-Length`` and the connection serves
request after request until the client sends ``Connection: close``, stays idle for
``idle_timeout`` seconds, or something makes its framing unsure (an unread body over
``DRAIN_LIMIT``, a chunked or malformed body, ``HEAD``, an error); then the response
says ``Connection: close`` and the server hangs up. A connection that goes silent for
``read_timeout`` seconds while its request is read is closed. Requests from web pages,
or naming another ``Host``, are refused (``browsers``). ``stop`` stops accepting,
closes idle connections, then waits for the requests in flight to be answered.
"""

from __future__ import annotations

import socket
import socketserver
import sys
import threading
from http import HTTPStatus
from typing import Any, BinaryIO
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from octoflow.sandbox.browsers import BrowserGuard, allowed_names
from octoflow.sandbox.errors import DropConnection
from octoflow.sandbox.headers import HeaderError, read_headers, version_number

#: Seconds a connection may stay silent while its request is read.
READ_TIMEOUT = 10.0
#: Seconds an open connection may wait for its next request before it is closed.
IDLE_TIMEOUT = 5.0
#: Handler threads serving at once.
MAX_THREADS = 64
#: Seconds ``stop`` waits for requests in flight.
DRAIN_TIMEOUT = 30.0
#: Bytes of a request body the app left unread that are skipped to keep the connection;
#: a bigger remainder closes it instead.
DRAIN_LIMIT = 1024 * 1024


class _Body:
    """``wsgi.input``: the request body only (``Content-Length`` bytes of the stream), so
    the app cannot read into the next request, and what it left unread can be skipped."""

    def __init__(self, stream: BinaryIO, length: int) -> None:
        self.stream = stream
        self.left = length

    def read(self, size: int | None = -1) -> bytes:
        wanted = self.left if size is None or size < 0 else min(size, self.left)
        data = self.stream.read(wanted) if wanted > 0 else b""
        self.left -= len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        wanted = self.left if size is None or size < 0 else min(size, self.left)
        data = self.stream.readline(wanted) if wanted > 0 else b""
        self.left -= len(data)
        return data

    def skip_rest(self) -> bool:
        """Read past what the app left unread; False when the client stopped sending."""
        while self.left > 0:
            if not self.read(65536):
                return False
        return True


class _ServerHandler(ServerHandler):
    http_version = "1.1"

    def cleanup_headers(self) -> None:
        """Decide, before the headers go, whether the connection stays open after this."""
        super().cleanup_headers()
        handler = self.request_handler  # type: ignore[attr-defined]
        if "Content-Length" not in self.headers or not handler.may_keep_alive():
            handler.close_connection = True
        if handler.close_connection:
            self.headers["Connection"] = "close"

    def handle_error(self) -> None:
        """A ``DropConnection`` from the app: write nothing, so the client sees a hang-up."""
        self.request_handler.close_connection = True  # type: ignore[attr-defined]
        if isinstance(sys.exc_info()[1], DropConnection):
            return
        super().handle_error()


class _RequestHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = -1  # one write per response, not one per header line
    body: _Body

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.read_timeout)  # type: ignore[attr-defined]
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        """Serve the connection's requests until one of them closes it."""
        server: _ThreadingServer = self.server  # type: ignore[assignment]
        if not self.serve_one():
            return
        while server.wait_for_request(self.connection, self.rfile):
            if not self.serve_one():
                return

    def serve_one(self) -> bool:
        """Read and answer one request; True when the connection stays open."""
        self.close_connection = True
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except OSError:  # silent past the timeout, or gone
            return False
        if not self.raw_requestline:
            return False
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return False
        if not self.parse_request():
            return False
        self.body = _Body(self.rfile, self.body_length() or 0)
        handler = _ServerHandler(
            self.body,  # type: ignore[arg-type]
            self.wfile,  # type: ignore[arg-type]
            self.get_stderr(),
            self.get_environ() | {"RAW_URI": self.path},
            multithread=True,
        )
        handler.request_handler = self  # type: ignore[attr-defined]
        handler.run(self.server.get_app())  # type: ignore[attr-defined]
        try:
            self.wfile.flush()
        except OSError:
            return False
        return not self.close_connection and self.body.skip_rest()

    def parse_request(self) -> bool:
        """``http.server``'s parsing of the request line, its answers to a bad one, and its
        handling of ``Connection`` and ``Expect``, with the headers read by
        :func:`read_headers` (``http.server`` hands them to the email package, whose parser
        was a fifth of the sandbox's CPU per request even for an empty header block)."""
        self.command = None
        self.request_version = self.default_request_version
        self.close_connection = True
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = self.requestline.split()
        if not words:
            return False
        if len(words) >= 3:
            number = version_number(words[-1])
            if number is None:
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request version ({words[-1]!r})")
                return False
            if number >= (2, 0):
                self.send_error(
                    HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, f"Invalid HTTP version ({words[-1][5:]})"
                )
                return False
            self.close_connection = number < (1, 1)
            self.request_version = words[-1]
        if not 2 <= len(words) <= 3 or (len(words) == 2 and words[0] != "GET"):
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({self.requestline!r})")
            return False
        if len(words) == 2:
            self.close_connection = True
        self.command, self.path = words[0], words[1]
        if self.path.startswith("//"):  # not a scheme-relative URL to redirect to
            self.path = "/" + self.path.lstrip("/")
        return self.parse_headers()

    def parse_headers(self) -> bool:
        """The header block, then ``Connection`` and ``Expect`` as ``http.server`` reads
        them; False (answered 431) when the block is over the limits."""
        try:
            self.headers = read_headers(self.rfile)
        except HeaderError as exc:
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, str(exc))
            return False
        connection = self.headers.get("Connection", "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive":
            self.close_connection = False
        if (
            self.headers.get("Expect", "").lower() == "100-continue"
            and self.request_version >= "HTTP/1.1"
        ):
            return self.handle_expect_100()
        return True

    def body_length(self) -> int | None:
        """The request body's length; None when it cannot be told (chunked, malformed)."""
        if self.headers.get("Transfer-Encoding"):
            return None
        declared = (self.headers.get("Content-Length") or "0").strip()
        return int(declared) if declared.isascii() and declared.isdigit() else None

    def may_keep_alive(self) -> bool:
        """Whether the connection can serve another request once this one is answered."""
        return (
            self.request_version == "HTTP/1.1"
            and self.command != "HEAD"
            and self.body_length() is not None
            and self.body.left <= DRAIN_LIMIT
            and not self.server.stopping.is_set()  # type: ignore[attr-defined]
        )

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the sandbox keeps its own request log."""


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        read_timeout: float,
        max_threads: int,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        self.read_timeout = read_timeout
        self.idle_timeout = idle_timeout
        self.max_threads = max_threads
        self.active = 0
        self.accepted = 0
        self.slots = threading.Condition()
        self.stopping = threading.Event()
        self.idle: set[socket.socket] = set()
        super().__init__(address, _RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host name (getfqdn), which can stall.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)
        self.setup_environ()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Start a handler thread once one of ``max_threads`` is free (or drop it: stopping)."""
        with self.slots:
            while self.active >= self.max_threads:
                if self.stopping.is_set():
                    self.shutdown_request(request)
                    return
                self.slots.wait(0.1)
            self.active += 1
            self.accepted += 1
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._release()

    def _release(self) -> None:
        with self.slots:
            self.active -= 1
            self.slots.notify_all()

    def wait_for_request(self, conn: socket.socket, stream: BinaryIO) -> bool:
        """Wait up to ``idle_timeout`` for a kept-alive connection's next request to start;
        False when it did not, or the server is stopping (``close_idle`` ends the wait)."""
        with self.slots:
            if self.stopping.is_set():
                return False
            self.idle.add(conn)
        conn.settimeout(self.idle_timeout)
        try:
            arrived = bool(stream.peek(1))  # type: ignore[attr-defined]
        except OSError:  # idle too long, or hung up by close_idle
            arrived = False
        with self.slots:
            self.idle.discard(conn)
        if arrived:
            conn.settimeout(self.read_timeout)
        return arrived

    def close_idle(self) -> None:
        """Hang up the kept-alive connections waiting for a next request (stopping)."""
        with self.slots:
            for conn in self.idle:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no handler thread is running; False when ``timeout`` passed first."""
        with self.slots:
            return self.slots.wait_for(lambda: self.active == 0, timeout)


class SandboxServer:
    """Serve ``app`` on ``host:port`` (port 0: an ephemeral port) from a background thread."""

    def __init__(
        self,
        app: Any,
        host: str = "127.0.0.1",
        port: int = 0,
        read_timeout: float = READ_TIMEOUT,
        max_threads: int = MAX_THREADS,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.read_timeout = read_timeout
        self.idle_timeout = idle_timeout
        self.max_threads = max_threads
        self._server: _ThreadingServer | None = None
        self._accepted = 0
        self._thread: threading.Thread | None = None

    def start(self) -> SandboxServer:
        server = _ThreadingServer(
            (self.host, self.port), self.read_timeout, self.max_threads, self.idle_timeout
        )
        self.port = server.server_address[1]
        server.set_app(BrowserGuard(self.app, allowed_names(self.host), self.port))
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"octoflow-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        """``http://host:port``; known once started (and still after ``stop``)."""
        if self._thread is None:
            raise RuntimeError("the sandbox server has not been started")
        return f"http://{self.host}:{self.port}"

    @property
    def connections_accepted(self) -> int:
        """TCP connections served since ``start`` (one per client session when kept alive)."""
        return self._server.accepted if self._server is not None else self._accepted

    def stop(self, drain_timeout: float = DRAIN_TIMEOUT) -> bool:
        """Stop accepting, then wait up to ``drain_timeout`` seconds for the requests in
        flight to be answered; False when some were still running."""
        if self._server is None:
            return True
        server, self._server = self._server, None
        server.stopping.set()
        server.shutdown()
        server.close_idle()
        drained = server.wait_idle(drain_timeout)
        server.server_close()
        self._accepted = server.accepted
        if self._thread is not None:
            self._thread.join(timeout=5)
        return drained

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
