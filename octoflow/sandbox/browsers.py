"""Refusing browsers: the socket server's guard against DNS rebinding and cross-site requests.

The sandbox's default API key is public, so a web page must not be able to use
it. Browsers send ``Origin`` (and ``Sec-Fetch-Site``) on the requests a page
makes to another site, and a page reaching the sandbox through DNS rebinding
names its own domain in ``Host``. So the server refuses, with 403, a request
that carries ``Origin`` or comes from another site, and one whose ``Host`` is not
the served port on an IP address, ``localhost`` or the name the server was
bound to (when bound to every address, also this machine's host name). Other
clients (octoflow, curl, the Go and TypeScript clients) send no ``Origin``. The
in-process adapter does not go through this guard.

Binding beyond loopback with the public key gets a loud warning (``exposure_warning``).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

from octoflow.sandbox.app import error_response
from octoflow.sandbox.errors import SandboxError
from octoflow.sandbox.sandbox import SANDBOX_API_KEY

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})
_CROSS_SITE = frozenset({"cross-site", "same-site"})
BROWSER_REFUSED = (
    "The sandbox refuses requests from web pages (this one has an Origin or Sec-Fetch-Site "
    "header): use a client that is not a browser."
)


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` serves this machine only (names other than localhost: no)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, api_key: str) -> str | None:
    """The warning to print when ``host`` reaches beyond this machine and ``api_key`` is
    the public default, else None."""
    if api_key != SANDBOX_API_KEY or is_loopback(host):
        return None
    lines = (
        f"the sandbox is serving on {host}, beyond this machine, with the public",
        "example API key that anyone can read in octoflow's source: whoever can reach",
        "this address can read and change everything in it, and steer the sandbox.",
        "Pass --api-key with a secret key, or bind 127.0.0.1.",
    )
    return "\n".join("octoflow: WARNING: " + line for line in lines)


def allowed_names(bound_host: str) -> frozenset[str]:
    """Host names (besides IP addresses) a request may name for a server bound to ``bound_host``."""
    names = set(LOOPBACK_NAMES)
    if bound_host in WILDCARD_HOSTS:
        names.add(socket.gethostname().lower())
    else:
        names.add(bound_host.lower().strip("[]"))
    return frozenset(names)


class BrowserGuard:
    """WSGI middleware: 403 for requests from web pages or naming an unexpected ``Host``."""

    def __init__(self, app: Any, names: Iterable[str], port: int) -> None:
        self.app = app
        self.names = frozenset(names)
        self.port = port

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        problem = self.problem(environ)
        if problem is None:
            return self.app(environ, start_response)
        status, headers, payload = error_response(SandboxError(403, problem, errors=[problem]))
        start_response(f"{status} Forbidden", headers)
        return [payload]

    def problem(self, environ: dict[str, Any]) -> str | None:
        if "HTTP_ORIGIN" in environ or environ.get("HTTP_SEC_FETCH_SITE", "") in _CROSS_SITE:
            return BROWSER_REFUSED
        host = environ.get("HTTP_HOST")
        if host is None or self.host_allowed(host):
            return None
        return (
            f"The sandbox serves on port {self.port} of localhost or an IP address, not at "
            f"{host!r} (the Host header): use http://127.0.0.1:{self.port}."
        )

    def host_allowed(self, host: str) -> bool:
        name, port = _split_host(host)
        if port != self.port:
            return False
        if name in self.names:
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True


def _split_host(host: str) -> tuple[str, int | None]:
    """``("127.0.0.1", 8065)`` for ``127.0.0.1:8065``; IPv6 in brackets; no port means 80."""
    host = host.strip().lower()
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    else:
        name, _, port_text = host.partition(":")
    if not port_text:
        return name, 80
    return name, int(port_text) if port_text.isascii() and port_text.isdigit() else None
