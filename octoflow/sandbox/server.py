"""A threaded HTTP server for the WSGI app (standard library only), loopback by default.

Each connection gets a handler thread, at most ``max_threads`` at once (further
connections wait in the listen queue); a connection that sends nothing for
``read_timeout`` seconds is closed. Requests from web pages, or naming another
``Host``, are refused (``browsers``). ``stop`` stops accepting, then waits for
the requests in flight to be answered.
"""

from __future__ import annotations

import socketserver
import sys
import threading
from typing import Any
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from octoflow.sandbox.browsers import BrowserGuard, allowed_names
from octoflow.sandbox.errors import DropConnection

#: Seconds a connection may stay silent while its request is read.
READ_TIMEOUT = 10.0
#: Handler threads serving at once.
MAX_THREADS = 64
#: Seconds ``stop`` waits for requests in flight.
DRAIN_TIMEOUT = 30.0


class _ServerHandler(ServerHandler):
    def handle_error(self) -> None:
        """A ``DropConnection`` from the app: write nothing, so the client sees a hang-up."""
        if isinstance(sys.exc_info()[1], DropConnection):
            return
        super().handle_error()


class _RequestHandler(WSGIRequestHandler):
    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.read_timeout)  # type: ignore[attr-defined]

    def handle(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except OSError:  # silent past the read timeout, or gone
            return
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():
            return
        handler = _ServerHandler(
            self.rfile,
            self.wfile,  # type: ignore[arg-type]
            self.get_stderr(),
            self.get_environ(),
            multithread=True,
        )
        handler.request_handler = self  # type: ignore[attr-defined]
        handler.run(self.server.get_app())  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the sandbox keeps its own request log."""


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], read_timeout: float, max_threads: int) -> None:
        self.read_timeout = read_timeout
        self.max_threads = max_threads
        self.active = 0
        self.slots = threading.Condition()
        self.stopping = threading.Event()
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
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.read_timeout = read_timeout
        self.max_threads = max_threads
        self._server: _ThreadingServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SandboxServer:
        server = _ThreadingServer((self.host, self.port), self.read_timeout, self.max_threads)
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

    def stop(self, drain_timeout: float = DRAIN_TIMEOUT) -> bool:
        """Stop accepting, then wait up to ``drain_timeout`` seconds for the requests in
        flight to be answered; False when some were still running."""
        if self._server is None:
            return True
        server, self._server = self._server, None
        server.stopping.set()
        server.shutdown()
        drained = server.wait_idle(drain_timeout)
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        return drained

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
