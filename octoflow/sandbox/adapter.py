"""A ``requests`` transport adapter that calls the WSGI app in-process (no sockets)."""

from __future__ import annotations

import io
import sys
from typing import Any
from urllib.parse import unquote, urlsplit

from requests import PreparedRequest, Response
from requests.adapters import BaseAdapter
from requests.exceptions import ConnectionError
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from octoflow.sandbox.errors import DropConnection


class SandboxAdapter(BaseAdapter):
    """Mount on ``IN_PROCESS_URL``: ``session.mount(IN_PROCESS_URL, SandboxAdapter(sb.app))``."""

    def __init__(self, app: Any) -> None:
        super().__init__()
        self.app = app

    def send(
        self,
        request: PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> Response:
        environ = _environ(request)
        captured: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            captured["status"], captured["headers"] = status, headers

        try:
            body = b"".join(self.app(environ, start_response))
        except DropConnection as exc:
            raise ConnectionError(
                f"Connection aborted: the sandbox dropped the connection ({exc})", request=request
            ) from None
        return _response(request, captured["status"], captured["headers"], body, self)

    def close(self) -> None:
        """Nothing to release: there are no connections."""


def _environ(request: PreparedRequest) -> dict[str, Any]:
    parts = urlsplit(request.url or "")
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": (request.method or "GET").upper(),
        "SCRIPT_NAME": "",
        # WSGI carries the decoded path as latin-1 text, as wsgiref does.
        "PATH_INFO": unquote(parts.path, encoding="latin-1"),
        "RAW_URI": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": parts.hostname or "localhost",
        "SERVER_PORT": str(parts.port or 80),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme or "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key != "CONTENT_LENGTH":
            environ["HTTP_" + key] = value
    return environ


def _response(
    request: PreparedRequest,
    status: str,
    headers: list[tuple[str, str]],
    body: bytes,
    adapter: SandboxAdapter,
) -> Response:
    response = Response()
    code, _, reason = status.partition(" ")
    response.status_code = int(code)
    response.reason = reason
    response.headers = CaseInsensitiveDict(headers)
    response.encoding = get_encoding_from_headers(response.headers)
    response.raw = io.BytesIO(body)
    response._content = body
    response.url = request.url or ""
    response.request = request
    response.connection = adapter  # type: ignore[assignment]
    return response
